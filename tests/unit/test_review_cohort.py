"""Do the trainer's figures for a group read right off a small hand-made log?"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from toolkit.review.cards import Card, Deck
from toolkit.review.cohort import due_by_officer, inactive, most_forgotten, retention_by_section
from toolkit.review.days import day_start, vietnam_day
from toolkit.review.schedule import Memory, ReviewEntry
from toolkit.vietnamese import VIETNAM

NOW = datetime(2026, 4, 1, 1, 0, tzinfo=timezone.utc)  # 08:00 on 1 April in Hà Nội
TODAY = day_start(vietnam_day(NOW))
A, B, C = "241:II.1.a:lead", "241:II.1.b:deadline", "241:II.2.a:lead"
DECK = Deck((Card(A, "lead", "II.1", ("II.1.a",), "Cơ quan được giao nhiệm vụ tại mục II.1.a", "", ("q1",)),
             Card(B, "deadline", "II.1", ("II.1.b",), "Thời hạn thực hiện nhiệm vụ tại mục II.1.b", "", ("q2",)),
             Card(C, "lead", "II.2", ("II.2.a",), "Cơ quan được giao nhiệm vụ tại mục II.2.a", "", ("q3",))),
            {}, {"II.1": "II.1. Nâng cao nhận thức", "II.2": "II.2. Nâng cao năng lực"})


def _entry(officer, card, first, right, days_ago=5, gap=3):
    at = NOW - timedelta(days=days_ago)
    return ReviewEntry(officer, card, at, 3 if right else 1, "review", None, None if first else gap,
                       None if first else 0.9, at + timedelta(days=1), 2.0, 5.0)


# (officer, card, first answer?, right?); answers after the first come days after the one before.
LOG = [_entry(*e) for e in [
    ("an", A, True, True), ("an", A, False, False), ("an", A, False, True), ("an", C, True, False), ("an", C, False, True),
    ("binh", A, True, False), ("binh", A, False, False), ("binh", B, True, True), ("binh", B, False, True),
    ("binh", B, False, False), ("binh", B, False, False), ("binh", B, False, True),
    ("chi", A, True, True), ("chi", A, False, False),
    ("chi", "bank:cu:da-ngung", False, False),  # a card no longer asked: left out
    ("chi", A, False, False, 5, 0), ("an", C, False, False, 5, 0),  # again the same day: no test of memory
]]


def _memory(card, due, last=NOW, stability=10.0):
    return Memory(card, stability, 5.0, due, last)


def test_who_has_reviews_due_and_how_many():
    states = {
        "an": {A: _memory(A, TODAY - timedelta(days=2)), C: _memory(C, TODAY)},  # one overdue, one today's
        "binh": {A: _memory(A, TODAY + timedelta(days=1))},  # tomorrow's: nothing due
        "chi": {B: _memory(B, TODAY - timedelta(days=1)), "bank:cu:da-ngung": _memory("x", TODAY)},
    }
    rows = due_by_officer(states, NOW, DECK)
    assert [(r.officer, r.due, r.overdue) for r in rows] == [("an", 2, 1), ("chi", 1, 1)]
    assert [(r.officer, r.due) for r in due_by_officer(states, NOW)] == [("an", 2), ("chi", 2)]  # no deck: all


def test_is_retention_by_section_measured_on_recall_answers_and_predicted_by_fsrs():
    # II.1 recall answers: an A ✗ ✓, binh A ✗, binh B ✓ ✗ ✗ ✓, chi A ✗ -> 3 right of 8. II.2: an C ✓ -> 1 of 1.
    # Predicted: an's A reviewed 10 days ago with stability 10 (FSRS's recall at t = S is 0,9); binh's A today (1).
    states = {"an": {A: _memory(A, TODAY, NOW - timedelta(days=10))}, "binh": {A: _memory(A, TODAY + timedelta(days=9))}}
    rows = {r.section: r for r in retention_by_section(LOG, states, DECK, NOW)}
    assert list(rows) == ["II.1", "II.2"] and rows["II.1"].label == "II.1. Nâng cao nhận thức"
    assert (rows["II.1"].reviews, rows["II.1"].right, rows["II.1"].recalled) == (8, 3, 3 / 8)
    assert rows["II.1"].retrievability == pytest.approx((0.9 + 1.0) / 2) and rows["II.1"].memories == 2
    assert (rows["II.2"].reviews, rows["II.2"].recalled, rows["II.2"].retrievability) == (1, 1.0, None)
    recent = {r.section: r for r in retention_by_section(LOG, states, DECK, NOW, since=NOW)}
    assert recent["II.1"].reviews == 0 and recent["II.1"].recalled is None


def test_which_facts_the_group_forgets_most():
    # Recall answers: A 4 (3 wrong, by an, binh, chi), B 4 (2 wrong, by binh), C 1 (right).
    rows = most_forgotten(LOG, DECK, min_reviews=4)
    assert [(r.card_id, r.reviews, r.again, r.officers, r.rate) for r in rows] == [(A, 4, 3, 3, 0.75), (B, 4, 2, 1, 0.5)]
    assert rows[0].label == "Cơ quan được giao nhiệm vụ tại mục II.1.a"
    assert most_forgotten(LOG, DECK, min_reviews=5) == []  # too few answers behind any rate
    assert [r.card_id for r in most_forgotten(LOG, DECK, min_reviews=1, limit=1)] == [A]  # C, never forgotten, never listed


def test_who_has_not_reviewed_for_two_weeks_counted_in_vietnam_days():
    at = lambda days, hour, minute: datetime.combine(vietnam_day(NOW) - timedelta(days=days),  # noqa: E731
                                                     datetime.min.time(), VIETNAM).replace(hour=hour, minute=minute)
    log = [
        _entry("an", A, True, True, days_ago=3),
        # 23:30 fourteen Vietnam days ago: two weeks.
        ReviewEntry("binh", A, at(14, 23, 30).astimezone(timezone.utc), 3, "quiz", None, None, None, NOW, 2.0, 5.0),
        # 00:30 thirteen Vietnam days ago: 17:30 UTC the day before, fourteen UTC dates back, but not two weeks here.
        ReviewEntry("chi", A, at(13, 0, 30).astimezone(timezone.utc), 3, "review", None, None, None, NOW, 2.0, 5.0),
        ReviewEntry("chi", A, at(20, 9, 0).astimezone(timezone.utc), 3, "review", None, None, None, NOW, 2.0, 5.0),
    ]
    assert (NOW.date() - log[2].at.date()).days == 14  # the UTC count would call chi inactive
    rows = inactive(["an", "binh", "chi", "dung"], log, NOW)
    assert [(r.officer, r.days) for r in rows] == [("dung", None), ("binh", 14)]
    assert rows[1].last == log[1].at
    assert [r.officer for r in inactive(["an", "binh", "chi", "dung"], log, NOW, days=3)] == ["dung", "binh", "chi", "an"]
