"""Does FSRS schedule the plan's facts as the rules say, the same in every process, on a clock we pass in?"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs.card
import fsrs.scheduler
import pytest
from fsrs import Rating
from fsrs.scheduler import DEFAULT_PARAMETERS

from toolkit.quiz.questions import Question
from toolkit.review.days import shown_time, vietnam_day
from toolkit.review.schedule import SCHEDULER, Memory, ReviewEntry, apply_answer, grade, replay, review
from toolkit.vietnamese import VIETNAM

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)  # 20:00 in Hà Nội, a Monday
CARD = "241:II.9:lead"


def answer(memory, rating, at, card=CARD):
    return review(memory, card, rating, at, officer="ng-van-a", source="review")


def test_is_a_card_answered_wrong_due_before_one_answered_right():
    wrong, _ = answer(None, Rating.Again, T0)
    right, _ = answer(None, Rating.Good, T0)
    assert wrong.due < right.due
    # And after a history: the same card, known for a while, then forgotten or recalled on the same day.
    m = None
    for _ in range(3):
        m, _ = answer(m, Rating.Good, m.due if m else T0)
    forgot, _ = answer(m, Rating.Again, m.due)
    kept, _ = answer(m, Rating.Good, m.due)
    assert forgot.due < kept.due


def test_are_the_first_intervals_fsrss_initial_stabilities_in_whole_days():
    """At desired retention 0.9 FSRS's first interval is its initial stability, rounded (at least a day):
    Again 0,212 -> 1 day, Good 2,3065 -> 2 days, Easy 8,2956 -> 8 days (fsrs DEFAULT_PARAMETERS)."""
    assert SCHEDULER.desired_retention == 0.9 and not SCHEDULER.enable_fuzzing
    for rating, days in ((Rating.Again, 1), (Rating.Good, 2), (Rating.Easy, 8)):
        m, entry = answer(None, rating, T0)
        assert m.interval_days() == days == max(1, round(DEFAULT_PARAMETERS[rating - 1]))
        assert vietnam_day(m.due) == vietnam_day(T0) + timedelta(days=days)
        assert m.due.astimezone(VIETNAM).time().hour == 0  # due from the start of its Vietnam day
        assert entry.first and entry.retrievability is None


def test_do_intervals_grow_after_each_good_and_fall_back_after_again():
    m, intervals = None, []
    for rating in [Rating.Good] * 5 + [Rating.Again] + [Rating.Good] * 3:
        m, _ = answer(m, rating, m.due if m else T0)
        intervals.append(m.interval_days())
    good, after = intervals[:5], intervals[6:]
    assert good == sorted(good) and len(set(good)) == 5  # strictly growing
    assert intervals[5] < good[-1] / 10  # the lapse: back to days
    assert after == sorted(after) and after[0] > intervals[5]
    assert good[0] == 2 and m.reps == 9 and m.lapses == 1


def test_does_a_card_reviewed_on_time_keep_fsrss_desired_retention():
    """Reviewed on its due day, a card's predicted recall is the desired 0,9 (within rounding to days)."""
    m = None
    for _ in range(4):
        m, entry = answer(m, Rating.Good, m.due if m else T0)
    before = m.retrievability(m.due)
    assert abs(before - 0.9) < 0.03
    assert m.retrievability(m.due + timedelta(days=30)) < before < m.retrievability(m.last_review) == 1


def test_are_days_counted_in_vietnam_not_by_the_hour():
    """Answered at 20:05 and again at 08:00 two days later, a card has waited two days (not 1,5 floored to 1)."""
    first, _ = answer(None, Rating.Good, T0 + timedelta(minutes=5))
    early = T0 + timedelta(days=2) - timedelta(hours=12)
    late = T0 + timedelta(days=2) + timedelta(hours=3)  # 23:00 the same Vietnam day
    a, ea = answer(first, Rating.Good, early)
    b, eb = answer(first, Rating.Good, late)
    assert (a.stability, a.due, ea.retrievability) == (b.stability, b.due, eb.retrievability)


def test_is_a_partly_right_answer_again_and_easy_only_for_a_right_one():
    q = Question("coordinators:II.3.c", "multiple", "?", ("a", "b", "c", "d"), (0, 1), "", "", ("II.3.c",),
                 "coordinators")
    card = "241:II.3.c:coordinators"
    assert grade(q, [0, 1]) == {card: Rating.Good}
    assert grade(q, [0]) == {card: Rating.Again}  # half the points
    assert grade(q, [0, 1], easy=True) == {card: Rating.Easy}
    assert grade(q, [2], easy=True) == {card: Rating.Again}
    assert grade(q, None) == {card: Rating.Again}


def test_does_a_matching_answer_rate_each_row_by_itself():
    q = Question("matching:II.9+II.5.b+II.2.c", "matching", "?", ("x", "y", "z", "w"), (2, 0, 1), "", "",
                 ("II.9", "II.5.b", "II.2.c"), "matching", rows=("r1", "r2", "r3"))
    ratings = grade(q, [2, 1, 0])
    assert ratings == {"241:II.9:lead": Rating.Good, "241:II.5.b:lead": Rating.Again, "241:II.2.c:lead": Rating.Again}
    done = apply_answer({}, q, [2, 1, 0], T0, officer="a", source="quiz")
    assert [(m.card_id, e.rating, e.source, e.question_id) for m, e in done] == [
        ("241:II.9:lead", 3, "quiz", q.id), ("241:II.5.b:lead", 1, "quiz", q.id), ("241:II.2.c:lead", 1, "quiz", q.id)]


def test_does_an_answer_update_the_memory_it_is_given():
    q = Question("tf_lead:II.9:so_tu_phap", "true_false", "?", ("Đúng", "Sai"), (0,), "", "", ("II.9",), "tf_lead")
    (m1, e1), = apply_answer({}, q, 0, T0, officer="a", source="workshop")
    (m2, e2), = apply_answer({CARD: m1}, q, 0, m1.due, officer="a", source="review")
    assert e1.first and not e2.first and m2.reps == 2 and m2.interval_days() > m1.interval_days()
    assert (e1.elapsed_days, e2.elapsed_days, e2.recall) == (None, 2, True)
    (_, e3), = apply_answer({CARD: m2}, q, 1, m1.due + timedelta(hours=2), officer="a", source="review")
    assert (e3.elapsed_days, e3.recall, e3.first) == (0, False, False)  # the same day: not a test of memory


def test_are_naive_times_refused_and_other_zones_read_as_the_same_instant():
    with pytest.raises(ValueError, match="múi giờ"):
        answer(None, Rating.Good, datetime(2026, 3, 2, 20, 0))
    here, _ = answer(None, Rating.Good, T0.astimezone(VIETNAM))
    there, entry = answer(None, Rating.Good, T0)
    assert here == there and entry.at.tzinfo is timezone.utc and here.due.tzinfo is timezone.utc
    with pytest.raises(ValueError):
        review(None, CARD, Rating.Good, T0, officer="a", source="elsewhere")


def test_is_the_system_clock_never_read(monkeypatch):
    """fsrs reads datetime.now() when a time is left out; every call here passes one."""
    class NoClock(datetime):
        @classmethod
        def now(cls, tz=None):
            raise AssertionError("the system clock was read")

    monkeypatch.setattr(fsrs.scheduler, "datetime", NoClock)
    monkeypatch.setattr(fsrs.card, "datetime", NoClock)
    m, _ = answer(None, Rating.Good, T0)
    m, _ = answer(m, Rating.Again, m.due)
    assert 0 < m.retrievability(m.due) < 1
    with pytest.raises(AssertionError, match="clock"):
        fsrs.card.Card()  # the check can fail: a card made without times does read it


def test_do_memories_and_log_entries_round_trip_through_json_and_naive_store_times():
    m, e = answer(None, Rating.Good, T0)
    m, e = answer(m, Rating.Again, m.due + timedelta(days=3))
    assert Memory.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert ReviewEntry.from_dict(json.loads(json.dumps(e.to_dict()))) == e
    row = dict(m.to_dict(), due=m.due.replace(tzinfo=None), last_review=m.last_review.replace(tzinfo=None))
    assert Memory.from_dict(row) == m  # SQLite hands times back without a zone: they are UTC


def test_does_replaying_the_log_give_back_the_stored_memories():
    memories, log, at = {}, [], T0
    pattern = [Rating.Good, Rating.Good, Rating.Again, Rating.Easy, Rating.Good]
    for day in range(40):
        at = T0 + timedelta(days=day, minutes=day % 7)
        for i, card in enumerate(("241:II.9:lead", "241:II.5.b:deadline", "bank:x:y")):
            m = memories.get(card)
            if m is None or m.due <= at:
                memories[card], entry = answer(m, pattern[(day + i) % len(pattern)], at, card)
                log.append(entry)
    assert replay(reversed(log)) == memories


_SCRIPT = """
import json
from datetime import datetime, timedelta, timezone
from fsrs import Rating
from toolkit.review.schedule import review
t = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)
memories, log = {}, []
for day in range(60):
    for i, card in enumerate(["241:II.9:lead", "241:II.3.a:deadline", "bank:van-ban-can-cu:docs-kl80-ngay"]):
        m = memories.get(card)
        if m is None or m.due <= t + timedelta(days=day):
            rating = Rating.Again if (day * 7 + i) % 5 == 0 else Rating.Good
            memories[card], e = review(m, card, rating, t + timedelta(days=day, minutes=i), officer="7", source="review")
            log.append(e.to_dict())
print(json.dumps({"memories": {k: v.to_dict() for k, v in sorted(memories.items())}, "log": log}))
"""


def test_is_scheduling_identical_in_two_processes():
    runs = []
    for salt in ("0", "12345"):
        out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=ROOT, check=True,
                             env=dict(os.environ, PYTHONHASHSEED=salt))
        runs.append(out.stdout)
    assert runs[0] == runs[1]
    data = json.loads(runs[0])
    assert len(data["log"]) > 3 * 5
    replayed = replay(ReviewEntry.from_dict(e) for e in data["log"])
    assert {k: v.to_dict() for k, v in replayed.items()} == data["memories"]


def test_are_times_shown_in_vietnam_time():
    assert shown_time(datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)) == "01/03/2026 23:30"
    assert shown_time(datetime(2026, 12, 31, 17, 5, tzinfo=timezone.utc)) == "01/01/2027 00:05"
    assert shown_time(None) == ""
