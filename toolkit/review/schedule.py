"""When an officer should see a fact again: FSRS (the `fsrs` package) over every answer the officer gives.

An answer is graded, not self-rated: right (full points) is Good, wrong is Again, and a right answer the
officer marks “Dễ” is Easy. The officer's memory of a card is a `Memory` (plain values, serialisable);
each review also yields a `ReviewEntry` for the log. The log is the record: `replay` rebuilds every
Memory from it, so a stored state that is lost or doubted can be recomputed.

Times are timezone-aware UTC; the caller passes the time (a clock), nothing here reads the system clock.
FSRS counts whole days between reviews (py-fsrs takes `timedelta.days`), so it is given Vietnam days: a
review counts from the start of its Vietnam day and a card falls due at the start of one. Given the
instants, a card answered at 20:05 and again at 20:00 two days later would have waited one day, and its
next interval would depend on where it stood in the queue.

>>> from datetime import timezone
>>> at = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam
>>> right, _ = review(None, "241:II.9:lead", Rating.Good, at, officer="7", source="review")
>>> wrong, _ = review(None, "241:II.9:lead", Rating.Again, at, officer="7", source="review")
>>> vietnam_day(wrong.due), vietnam_day(right.due)
(datetime.date(2026, 3, 3), datetime.date(2026, 3, 4))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from toolkit.quiz.questions import Question, score
from toolkit.review.cards import cards_of
from toolkit.review.days import day_start, stored_utc, utc, vietnam_day

# The share of due facts an officer should still recall when asked: FSRS's default. A step up costs many
# reviews for a few points: the simulated officer who recalls as FSRS predicts answers 862 reviews in 60
# days at 0.9 and 1 368 at 0.95, and recalls 89% against 92% of them (`python -m toolkit.review.simulate
# --retention 0.95`). A multiple-choice answer is also right by guessing a quarter to half of the time, so
# the measured share reads above recall.
DESIRED_RETENTION = 0.9
# A fact comes back at least once a year, the period of the plan's annual reports, however well known.
MAX_INTERVAL_DAYS = 365
# No (re)learning steps of minutes: a card reviewed is due again in whole days. An officer reviews once a
# day, and a minute-long step would show the question again in the same sitting, right after its
# feedback, which tests the feedback just read, not memory; FSRS does not need the steps (its authors:
# open-spaced-repetition/free-spaced-repetition-scheduler#43).
# Fuzzing off: py-fsrs draws the fuzz from the global `random` (no seed, fsrs/scheduler.py), so two
# processes would give one history two schedules, and a replayed log would not give back the stored state.
# Fuzz would spread the reviews of cards learnt on one day; without it a day's new cards (at most the
# daily cap, today.py) come back together, a small clump at 10 a day.


def make_scheduler(desired_retention: float = DESIRED_RETENTION) -> Scheduler:
    """The scheduler with this module's settings (another retention only for the simulation's comparisons)."""
    return Scheduler(desired_retention=desired_retention, learning_steps=(), relearning_steps=(),
                     maximum_interval=MAX_INTERVAL_DAYS, enable_fuzzing=False)


SCHEDULER = make_scheduler()
# Where an answer was given. Every answer schedules; only answers in a review session count in the
# day's progress and the new-card cap (today.py).
SOURCES = {"review": "Ôn tập", "quiz": "Bài luyện tập, kiểm tra", "workshop": "Buổi tập huấn"}


# ---------------------------------------------------------------- an officer's memory of a card


@dataclass(frozen=True)
class Memory:
    """FSRS's memory of one card for one officer, after at least one review (a card never answered has none).

    With no learning steps every reviewed card is in FSRS's Review state, so stability, difficulty and the
    times are the whole state; `reps` and `lapses` (Again after the first answer) are counts for the pages.
    """

    card_id: str
    stability: float
    difficulty: float
    due: datetime  # the start (UTC) of the Vietnam day the card falls due
    last_review: datetime  # the last answer's instant (UTC)
    reps: int = 1
    lapses: int = 0

    def retrievability(self, at: datetime, scheduler: Scheduler = SCHEDULER) -> float:
        """FSRS's predicted chance the officer recalls the fact at `at` (whole Vietnam days since the last answer)."""
        return scheduler.get_card_retrievability(self._fsrs(), fsrs_day(at))

    def interval_days(self) -> int:
        """Vietnam days from the last answer to the day the card falls due."""
        return (vietnam_day(self.due) - vietnam_day(self.last_review)).days

    def to_dict(self) -> dict[str, Any]:
        """Plain values (times as ISO 8601 with +00:00), for JSON or a store row."""
        return _plain(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Memory":
        """From to_dict()'s values or a store row (times as datetimes or ISO text; naive ones are UTC)."""
        return cls(str(d["card_id"]), float(d["stability"]), float(d["difficulty"]), stored_utc(d["due"]),
                   stored_utc(d["last_review"]), int(d.get("reps", 1)), int(d.get("lapses", 0)))

    def _fsrs(self) -> FsrsCard:
        # card_id and due are always given: fsrs.Card() would read the clock (and sleep 1 ms) for them.
        return FsrsCard(card_id=0, state=State.Review, step=None, stability=self.stability,
                        difficulty=self.difficulty, due=self.due, last_review=fsrs_day(self.last_review))


def _plain(record) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(record).items()}


def fsrs_day(at: datetime) -> datetime:
    """The instant FSRS is given for a time: the start of its Vietnam day (see the module's docstring)."""
    return day_start(vietnam_day(at))


@dataclass(frozen=True)
class ReviewEntry:
    """One answer's effect on one card, as the review log keeps it."""

    officer: str
    card_id: str
    at: datetime  # UTC
    rating: int  # fsrs Rating: 1 Again, 3 Good, 4 Easy (2 Hard is never given)
    source: str  # a key of SOURCES
    question_id: str | None
    elapsed_days: int | None  # Vietnam days since the officer's previous answer on the card; None for the first
    retrievability: float | None  # FSRS's predicted recall just before the answer; None for the first
    due: datetime  # when the card is due next, after this answer
    stability: float
    difficulty: float

    @property
    def right(self) -> bool:
        return self.rating != Rating.Again

    @property
    def first(self) -> bool:
        """The officer's first answer on the card: learning it, not recalling it."""
        return self.elapsed_days is None

    @property
    def recall(self) -> bool:
        """An answer that tests memory: the card was last answered on an earlier day (a second question on
        the same fact in one quiz tests what the first one's feedback just said)."""
        return self.elapsed_days is not None and self.elapsed_days >= 1

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ReviewEntry":
        r = d.get("retrievability")
        gap = d.get("elapsed_days")
        return cls(str(d["officer"]), str(d["card_id"]), stored_utc(d["at"]), int(d["rating"]), str(d["source"]),
                   d.get("question_id"), None if gap is None else int(gap), None if r is None else float(r),
                   stored_utc(d["due"]), float(d["stability"]), float(d["difficulty"]))


# ---------------------------------------------------------------- grading and reviewing


def rating_for(points: float, max_points: float, easy: bool = False) -> Rating:
    """Full points is Good (Easy when the officer marks it “Dễ”); anything less is Again.

    Partial credit is Again, not Hard: the fact is the whole answer (all the coordinators, not two of
    three), and FSRS counts Hard as recalled, so it would push a half-known fact further out and report
    it as retained. "Dễ" on a wrong answer changes nothing.

    >>> rating_for(1, 1), rating_for(0.5, 1), rating_for(1, 1, easy=True), rating_for(0, 1, easy=True)
    (<Rating.Good: 3>, <Rating.Again: 1>, <Rating.Easy: 4>, <Rating.Again: 1>)
    """
    if points < max_points:
        return Rating.Again
    return Rating.Easy if easy else Rating.Good


def grade(question: Question, answer, easy: bool = False) -> dict[str, Rating]:
    """The rating of each card an answer reviews (answer in the question's own option indices).

    A matching question rates each row's card by that row alone: a body matched right to II.9 is a
    right answer about II.9 even when another row is wrong. Every other question rates its cards by its
    score (toolkit.quiz.questions.score).
    """
    cards = cards_of(question)
    if question.type == "matching" and len(cards) == len(question.correct) and isinstance(answer, (list, tuple)):
        rows = list(answer) + [None] * (len(question.correct) - len(answer))
        return {c: rating_for(1.0 if given == want else 0.0, 1.0, easy)
                for c, given, want in zip(cards, rows, question.correct)}
    s = score(question, answer)
    return {c: rating_for(s.points, s.max_points, easy) for c in cards}


def review(memory: Memory | None, card_id: str, rating: Rating, at: datetime, *, officer: str, source: str,
           question_id: str | None = None, scheduler: Scheduler = SCHEDULER) -> tuple[Memory, ReviewEntry]:
    """The officer's memory of the card after an answer at `at`, and the log entry of that answer."""
    if source not in SOURCES:
        raise ValueError(f"Nguồn câu trả lời không hợp lệ: {source!r}.")
    at, rating = utc(at), Rating(rating)
    day = fsrs_day(at)
    before = memory._fsrs() if memory else FsrsCard(card_id=0, due=day)
    r = scheduler.get_card_retrievability(before, day) if memory else None
    after, _ = scheduler.review_card(before, rating, day)
    new = Memory(card_id, after.stability, after.difficulty, after.due, at,
                 reps=(memory.reps + 1) if memory else 1,
                 lapses=(memory.lapses if memory else 0) + (1 if memory and rating == Rating.Again else 0))
    gap = (vietnam_day(at) - vietnam_day(memory.last_review)).days if memory else None
    entry = ReviewEntry(str(officer), card_id, at, int(rating), source, question_id, gap, r, new.due, new.stability,
                        new.difficulty)
    return new, entry


def apply_answer(memories: Mapping[str, Memory], question: Question, answer, at: datetime, *, officer: str,
                 source: str, easy: bool = False) -> list[tuple[Memory, ReviewEntry]]:
    """Every card an answer reviews: the new memory and the log entry of each, to be stored together.

    `memories` holds the officer's current memory of (at least) the question's cards; missing ones are new.
    """
    return [review(memories.get(cid), cid, rating, at, officer=officer, source=source, question_id=question.id)
            for cid, rating in grade(question, answer, easy).items()]


def replay(entries: Iterable[ReviewEntry], scheduler: Scheduler = SCHEDULER) -> dict[str, Memory]:
    """One officer's memory of each card, rebuilt from their log (in time order; equal times keep log order).

    With fuzzing off and no clock read, this gives back exactly what `review` stored, in any process.
    """
    out: dict[str, Memory] = {}
    for e in sorted(entries, key=lambda e: utc(e.at)):
        out[e.card_id], _ = review(out.get(e.card_id), e.card_id, Rating(e.rating), e.at, officer=e.officer,
                                   source=e.source, question_id=e.question_id, scheduler=scheduler)
    return out

