"""Does a simulated officer with a known answer pattern get the schedule FSRS and the daily cap imply?"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating

from toolkit.quiz.banks import question_bank
from toolkit.review.cards import build_deck
from toolkit.review.schedule import SCHEDULER
from toolkit.review.simulate import PATTERNS, main, simulate

ROOT = Path(__file__).resolve().parents[2]
DAYS, CAP = 60, 10


@pytest.fixture(scope="module")
def deck(plan):
    return build_deck(plan, question_bank(plan)[0])


@pytest.fixture(scope="module")
def sim(deck):
    return simulate(deck, list(PATTERNS.values()), DAYS, new_per_day=CAP)


def _good_intervals(days: int) -> list[int]:
    """FSRS's intervals for a card answered right every time on its due day, straight from fsrs."""
    card, at, out = FsrsCard(card_id=1, due=datetime(2026, 1, 1, tzinfo=timezone.utc)), None, []
    at = card.due
    while sum(out) < days:
        card, _ = SCHEDULER.review_card(card, Rating.Good, at)
        out.append((card.due - at).days)
        at = card.due
    return out


def test_does_an_always_right_officer_review_what_fsrs_and_the_cap_predict(deck, sim):
    """Card n is new on day n // CAP, then comes back after each of FSRS's Good intervals: the count per day
    follows from those two facts alone, without the queue code."""
    chain = _good_intervals(DAYS)
    assert chain[:2] == [2, 11]  # first Good: round(2,3065) days; the next grows
    expected = Counter()
    for n in range(len(deck)):
        day = n // CAP
        expected[day] += 1
        for interval in chain:
            day += interval
            expected[day] += 1
    got = [d.reviews for d in sim.days if d.officer == "luon-dung"]
    assert got == [expected[i] for i in range(DAYS)]
    # By hand: ten new cards on days 1 and 2; on day 3 ten more and day 1's ten back after two days.
    assert got[:3] == [10, 10, 20]
    assert all(d.right == d.reviews for d in sim.days if d.officer == "luon-dung")


def test_does_every_officer_meet_every_card_at_the_daily_cap(deck, sim):
    for key in PATTERNS:
        firsts = [e for e in sim.log if e.officer == key and e.first]
        assert len(firsts) == len(deck) == len(sim.states[key])
        per_day = Counter(e.at.date() for e in firsts)
        assert max(per_day.values()) == CAP


def test_does_an_officer_who_recalls_as_fsrs_predicts_keep_about_the_desired_retention(sim):
    repeats = [e for e in sim.log if e.officer == "theo-fsrs" and e.recall]
    share = sum(e.right for e in repeats) / len(repeats)
    assert abs(share - SCHEDULER.desired_retention) < 0.04
    predicted = sum(e.retrievability for e in repeats) / len(repeats)
    assert abs(share - predicted) < 0.03  # the log's predictions match what happened


def test_does_forgetting_more_cost_more_reviews_and_a_skipped_weekend_pile_up(sim):
    total = Counter()
    for d in sim.days:
        total[d.officer] += d.reviews
    assert total["luon-dung"] < total["theo-fsrs"] < total["hay-quen"]
    weekend = [d for d in sim.days if d.officer == "nghi-cuoi-tuan"]
    assert all(d.reviews == 0 for d in weekend if d.day.weekday() >= 5)
    # Mondays carry the weekend's due cards: more than the same pattern reviewing every day has then.
    mondays = lambda key: sum(d.due for d in sim.days if d.officer == key and d.day.weekday() == 0)  # noqa: E731
    assert mondays("nghi-cuoi-tuan") > 1.5 * mondays("theo-fsrs")


def test_is_a_simulation_the_same_each_time(deck, sim):
    again = simulate(deck, list(PATTERNS.values()), DAYS, new_per_day=CAP)
    assert again.days == sim.days and again.log == sim.log


def test_does_the_command_print_the_same_tables_in_two_processes():
    runs = [subprocess.run([sys.executable, "-m", "toolkit.review.simulate", "--days", "20"], capture_output=True,
                           text=True, cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=salt)) for salt in ("1", "2")]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    out = runs[0].stdout
    assert "Lượt ôn mỗi ngày" in out and "Ghi nhớ theo mục" in out and "20 (21/03)" in out
    assert "III. Tổ chức thực hiện" in out and "0,9" in out


def test_are_bad_arguments_refused_in_vietnamese(capsys):
    assert main(["--officers", "khong-co"]) == 2
    assert "không có cách trả lời khong-co" in capsys.readouterr().err
    assert main(["--days", "0"]) == 2
