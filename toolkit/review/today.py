"""“Ôn tập hôm nay”: the cards an officer reviews today, due ones first, then a few new ones, and the day's progress.

Days are Vietnam days (00:00 to 24:00 at UTC+7), whatever the server's zone: a card falls due at the start
of a Vietnam day and stays in the queue until answered; an answer at 23:30 counts in that day's progress
and cap, one at 00:30 in the next day's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Mapping

from toolkit.review.cards import Deck
from toolkit.review.days import day_end, vietnam_day
from toolkit.review.schedule import Memory, ReviewEntry
from toolkit.storage.records import InputError

# New cards a review session offers a day unless the officer chooses otherwise: an officer meets the
# plan's ~150 cards in a fortnight. The simulated officer who recalls as FSRS predicts then reviews 14
# cards a day over 60 days, 41 on the busiest (in the second week); with 5 a day, 14 and 27, but a month
# before every fact is met (`python -m toolkit.review.simulate --new-per-day 5`).
DAILY_NEW_CARDS = 10
NEW_CARDS_MAX = 50


def check_new_per_day(value) -> int:
    """The officer's daily cap of new cards as typed: a whole number from 0 to NEW_CARDS_MAX."""
    try:
        n = int(str(value).strip())
    except ValueError:
        n = None
    if n is None or not 0 <= n <= NEW_CARDS_MAX:
        raise InputError(f"Số thẻ mới mỗi ngày phải là số nguyên từ 0 đến {NEW_CARDS_MAX}.")
    return n


@dataclass(frozen=True)
class Today:
    """The day's review: `due` then `new` is the queue, in the order to ask; `done` counts cards reviewed today."""

    day: date
    due: tuple[str, ...]
    new: tuple[str, ...]
    done: int  # cards reviewed in a review session today (Vietnam day)
    new_done: int  # of them, cards met for the first time (counted against the cap)
    new_per_day: int

    @property
    def queue(self) -> tuple[str, ...]:
        return self.due + self.new

    @property
    def remaining(self) -> int:
        return len(self.due) + len(self.new)

    @property
    def total(self) -> int:
        """Cards of the day's review, done or not: the progress bar's length."""
        return self.done + self.remaining


def today(deck: Deck, memories: Mapping[str, Memory], now: datetime, *, new_per_day: int = DAILY_NEW_CARDS,
          log: Iterable[ReviewEntry] = ()) -> Today:
    """One officer's review for the Vietnam day of `now`.

    Due: every card of the deck whose due time falls before the day ends, most overdue first (earliest
    due; equal times by card id). New: cards the officer has never answered anywhere, in the plan's order,
    as many as the cap leaves after today's first answers in review sessions. `log` is the officer's
    review log (today's entries are enough); answers in quizzes and workshops schedule cards but are not
    the day's review, so they count neither as done nor against the cap.
    """
    day = vietnam_day(now)
    end = day_end(day)
    due = sorted((m for cid, m in memories.items() if cid in deck and m.due < end), key=lambda m: (m.due, m.card_id))
    todays = [e for e in log if e.source == "review" and vietnam_day(e.at) == day]
    met = {e.card_id for e in todays if e.first}
    allowance = max(0, new_per_day - len(met))
    new = [c.id for c in deck.cards if c.id not in memories][:allowance]
    return Today(day, tuple(m.card_id for m in due), tuple(new), len({e.card_id for e in todays}), len(met),
                 new_per_day)
