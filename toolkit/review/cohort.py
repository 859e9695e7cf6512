"""The trainer's figures for a group (the participants of some workshop sessions, or a unit): who has reviews
due, how well each section is remembered, what the group forgets most, who has stopped reviewing.

Pure functions over the group's review log and memories (schedule.ReviewEntry, schedule.Memory); which
officers form the group is the caller's choice.

Remembering and forgetting are measured on recall answers only (ReviewEntry.recall): an officer's first
answer on a card is learning it (the workshop's item analysis, toolkit.quiz.analytics, already shows what
was not known), and a second answer the same day tests the feedback just read; an answer on a later day
tests memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping

from toolkit.review.cards import Deck
from toolkit.review.days import day_end, day_start, vietnam_day
from toolkit.review.schedule import Memory, ReviewEntry

# "Has not reviewed for two weeks" (the trainer view): any answer counts, in a quiz or a review.
INACTIVE_DAYS = 14
# A fact's Again rate is shown once this many recall answers back it: below that one officer's slip reads
# as the group's weakness.
MIN_REVIEWS = 5
FORGOTTEN_LIMIT = 10


@dataclass(frozen=True)
class OfficerDue:
    officer: str
    due: int  # cards due by the end of today (Vietnam day)
    overdue: int  # of them, due before today began: reviews the officer has let slip


def due_by_officer(states: Mapping[str, Mapping[str, Memory]], now: datetime, deck: Deck | None = None) -> list[OfficerDue]:
    """Officers with reviews due today, most due first (equal counts by officer key).

    `states` maps each officer of the group to their memories; with `deck`, cards no longer asked
    (their questions retired) are not counted.
    """
    day = vietnam_day(now)
    start, end = day_start(day), day_end(day)
    out = []
    for officer, memories in states.items():
        due = [m for cid, m in memories.items() if m.due < end and (deck is None or cid in deck)]
        if due:
            out.append(OfficerDue(str(officer), len(due), sum(1 for m in due if m.due < start)))
    return sorted(out, key=lambda d: (-d.due, d.officer))


@dataclass(frozen=True)
class SectionRetention:
    """How well a section's facts are remembered by the group.

    `recalled` is measured: the share of recall answers that were right. `retrievability` is FSRS's
    prediction: the mean chance, now, that an officer recalls a card of the section they have met.
    The trainer's table leads with `recalled` (what happened, checkable in the log); the prediction
    says what a review today would find.
    """

    section: str
    label: str
    reviews: int
    right: int
    recalled: float | None
    retrievability: float | None
    memories: int  # (officer, card) pairs behind the prediction


def retention_by_section(log: Iterable[ReviewEntry], states: Mapping[str, Mapping[str, Memory]], deck: Deck,
                         now: datetime, *, since: datetime | None = None) -> list[SectionRetention]:
    """One row per section of the deck (plan order); `since` limits the measured share to recent answers."""
    answers: dict[str, list[bool]] = defaultdict(list)
    for e in log:
        if not e.recall or e.card_id not in deck or (since is not None and e.at < since):
            continue
        answers[deck.card(e.card_id).section].append(e.right)
    predicted: dict[str, list[float]] = defaultdict(list)
    for memories in states.values():
        for cid, m in memories.items():
            if cid in deck:
                predicted[deck.card(cid).section].append(m.retrievability(now))
    rows = []
    for section, label in deck.section_labels.items():
        a, p = answers.get(section, []), predicted.get(section, [])
        rows.append(SectionRetention(section, label, len(a), sum(a), sum(a) / len(a) if a else None,
                                     sum(p) / len(p) if p else None, len(p)))
    return rows


@dataclass(frozen=True)
class Forgotten:
    card_id: str
    label: str
    section: str | None
    reviews: int  # recall answers
    again: int
    officers: int  # officers who forgot it at least once

    @property
    def rate(self) -> float:
        return self.again / self.reviews


def most_forgotten(log: Iterable[ReviewEntry], deck: Deck, *, min_reviews: int = MIN_REVIEWS,
                   limit: int = FORGOTTEN_LIMIT) -> list[Forgotten]:
    """The facts with the highest Again rate on recall answers (at least `min_reviews` of them, one Again).

    Ties by more Agains, then the plan's order.
    """
    reviews: dict[str, int] = defaultdict(int)
    again: dict[str, int] = defaultdict(int)
    who: dict[str, set[str]] = defaultdict(set)
    for e in log:
        if not e.recall or e.card_id not in deck:
            continue
        reviews[e.card_id] += 1
        if not e.right:
            again[e.card_id] += 1
            who[e.card_id].add(e.officer)
    rows = [Forgotten(cid, deck.card(cid).label, deck.card(cid).section, n, again[cid], len(who[cid]))
            for cid, n in reviews.items() if n >= min_reviews and again[cid]]
    rows.sort(key=lambda f: (-f.rate, -f.again, deck.position(f.card_id)))
    return rows[:limit]


@dataclass(frozen=True)
class Inactive:
    officer: str
    last: datetime | None  # the last answer, None for an officer who never answered
    days: int | None  # Vietnam days since it


def inactive(officers: Iterable[str], log: Iterable[ReviewEntry], now: datetime, *,
             days: int = INACTIVE_DAYS) -> list[Inactive]:
    """The group's officers whose last answer is `days` or more Vietnam days ago, or who never answered.

    Never-answered first, then the longest silent; equal by officer key.
    """
    last: dict[str, datetime] = {}
    for e in log:
        if e.officer not in last or e.at > last[e.officer]:
            last[e.officer] = e.at
    today = vietnam_day(now)
    out = []
    for officer in dict.fromkeys(str(o) for o in officers):
        at = last.get(officer)
        gap = None if at is None else (today - vietnam_day(at)).days
        if gap is None or gap >= days:
            out.append(Inactive(officer, at, gap))
    return sorted(out, key=lambda i: (i.days is not None, -(i.days or 0), i.officer))
