"""Spaced repetition in the database: each officer's memory of the plan's facts, the review log, the daily cap,
and the trainer's group queries. The officer is a participant (participants.id); times are stored in UTC.

An answer reviews its cards in the transaction that stores it (`record_answer`, the `then` of
`Store.save_response`): the answer and its review are in the database together, before its feedback is
on the page, and a review that fails leaves the answer stored (it runs in a savepoint). Each log entry
names the stored answer it comes from (`answer_ref`, "<attempt id>:<position>"), and (answer_ref, card)
is unique: an answer saved again, by a resumed page or a retried write, is logged and counted once.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Collection, Iterable, Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.quiz.questions import Question
from toolkit.review.cards import cards_of
from toolkit.review.schedule import Memory, ReviewEntry, apply_answer
from toolkit.review.today import DAILY_NEW_CARDS, check_new_per_day
from toolkit.storage.personal import ANONYMOUS_NAME_KEY
from toolkit.storage.records import FIRST_PLAN, Participant, now
from toolkit.storage.schema import attempts, participants, review_log, review_settings, review_states

Pair = tuple[Memory, ReviewEntry]


def answer_ref(attempt_id: int, position: int) -> str:
    """The log's reference to a stored answer (responses: attempt and position)."""
    return f"{attempt_id}:{position}"


def _utc(at: datetime) -> datetime:
    # SQLite keeps no zone: every time written is UTC, so comparisons between stored times hold.
    return at.astimezone(timezone.utc)


def _chunks(items: Sequence, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------- on a connection (inside a transaction)


def load_memories(conn, officer: int | str, card_ids: Collection[str] | None = None,
                  plan: str = FIRST_PLAN) -> dict[str, Memory]:
    """The officer's memories of `plan`'s `card_ids` (all of them if None): one indexed query."""
    q = sa.select(review_states).where(review_states.c.officer == int(officer), review_states.c.plan == plan)
    if card_ids is not None:
        if not card_ids:
            return {}
        q = q.where(review_states.c.card_id.in_(sorted(card_ids)))
    return {r.card_id: Memory.from_dict(r._mapping) for r in conn.execute(q)}


def save_pairs(conn, pairs: Iterable[Pair], ref: str | None = None, at: datetime | None = None,
               plan: str = FIRST_PLAN) -> int:
    """Log each entry, then put its memory in place (cards of `plan`); IntegrityError if `ref` was logged for
    a card already.

    The log first: a duplicate fails before any state changes, and the caller's savepoint or transaction
    undoes the rest.
    """
    pairs = list(pairs)
    if not pairs:
        return 0
    stamp = _utc(at or now())
    conn.execute(review_log.insert(), [dict(
        officer=int(e.officer), card_id=e.card_id, at=_utc(e.at), rating=e.rating, source=e.source,
        question_id=e.question_id, elapsed_days=e.elapsed_days, retrievability=e.retrievability, due=_utc(e.due),
        stability=e.stability, difficulty=e.difficulty, answer_ref=ref, plan=plan) for _, e in pairs])
    for memory, entry in pairs:
        values = dict(stability=memory.stability, difficulty=memory.difficulty, due=_utc(memory.due),
                      last_review=_utc(memory.last_review), reps=memory.reps, lapses=memory.lapses, updated_at=stamp)
        _upsert(conn, int(entry.officer), plan, memory.card_id, values)
    return len(pairs)


def _upsert(conn, officer: int, plan: str, card_id: str, values: dict) -> None:
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(review_states).values(officer=officer, plan=plan, card_id=card_id, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["officer", "plan", "card_id"], set_=values))
        return
    mine = (review_states.c.officer == officer, review_states.c.plan == plan, review_states.c.card_id == card_id)
    if not conn.execute(review_states.update().where(*mine).values(**values)).rowcount:
        conn.execute(review_states.insert().values(officer=officer, plan=plan, card_id=card_id, **values))


def record_answer(conn, *, question: Question, answer, at: datetime, officer: int | str, source: str,
                  attempt_id: int, position: int, plan: str = FIRST_PLAN) -> int:
    """Review the cards an answer tests (the answer in the question's own option indices, a question of
    `plan`), on `conn`.

    The officer's memory of just those cards is read on the same connection (one indexed query), so a
    second page of theirs answering at the same moment waits for this transaction on SQLite. Returns the
    number of cards reviewed (0 for a question that tests none).
    """
    cards = cards_of(question)
    if not cards:
        return 0
    memories = load_memories(conn, officer, cards, plan)
    pairs = apply_answer(memories, question, answer, at, officer=str(officer), source=source)
    return save_pairs(conn, pairs, answer_ref(attempt_id, position), plan=plan)


# ---------------------------------------------------------------- the store


class ReviewStore:
    """An officer's states and log of one plan's cards (`plan`, the plan's key), their daily cap, and a
    group's, over a Store (or a view with `.engine`)."""

    def __init__(self, store, plan: str = FIRST_PLAN):
        self.engine = store.engine
        self.plan = plan

    # -- one officer
    def memories(self, officer: int | str, card_ids: Collection[str] | None = None) -> dict[str, Memory]:
        with self.engine.connect() as conn:
            return load_memories(conn, officer, card_ids, self.plan)

    def log(self, officer: int | str, since: datetime | None = None) -> list[ReviewEntry]:
        """The officer's log in time order (from `since`, if given)."""
        return self.logs_of([officer], since)

    def save(self, pairs: Iterable[Pair], ref: str | None = None) -> int:
        """Store reviews in one transaction; 0 (nothing changed) if `ref` was stored already."""
        try:
            with self.engine.begin() as conn:
                return save_pairs(conn, pairs, ref, plan=self.plan)
        except IntegrityError:
            if ref is None:
                raise
            return 0

    def new_per_day(self, officer: int | str) -> int:
        with self.engine.connect() as conn:
            n = conn.execute(sa.select(review_settings.c.new_per_day)
                             .where(review_settings.c.officer == int(officer))).scalar()
        return DAILY_NEW_CARDS if n is None else int(n)

    def set_new_per_day(self, officer: int | str, value) -> int:
        """Store the officer's daily cap as typed (InputError, Vietnamese, if it is not 0 to the maximum)."""
        n = check_new_per_day(value)
        values = dict(new_per_day=n, updated_at=now())
        mine = review_settings.c.officer == int(officer)
        with self.engine.begin() as conn:
            if not conn.execute(review_settings.update().where(mine).values(**values)).rowcount:
                try:
                    with conn.begin_nested():
                        conn.execute(review_settings.insert().values(officer=int(officer), **values))
                except IntegrityError:  # another page of theirs stored it first
                    conn.execute(review_settings.update().where(mine).values(**values))
        return n

    # -- a group
    def states_of(self, officers: Iterable[int | str]) -> dict[str, dict[str, Memory]]:
        """Each officer's memories (officer keys as text, as in toolkit.review.cohort); officers with none absent."""
        ids = sorted({int(o) for o in officers})
        out: dict[str, dict[str, Memory]] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                for r in conn.execute(sa.select(review_states).where(review_states.c.officer.in_(chunk),
                                                                     review_states.c.plan == self.plan)):
                    out.setdefault(str(r.officer), {})[r.card_id] = Memory.from_dict(r._mapping)
        return out

    def logs_of(self, officers: Iterable[int | str], since: datetime | None = None) -> list[ReviewEntry]:
        """The officers' log entries in time order (log order for equal times)."""
        ids = sorted({int(o) for o in officers})
        rows = []
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                q = sa.select(review_log).where(review_log.c.officer.in_(chunk), review_log.c.plan == self.plan)
                if since is not None:
                    q = q.where(review_log.c.at >= _utc(since))
                rows.extend(conn.execute(q))
        rows.sort(key=lambda r: (ReviewEntry.from_dict(_entry(r)).at, r.id))
        return [ReviewEntry.from_dict(_entry(r)) for r in rows]

    def session_participants(self, codes: Iterable[str]) -> list[Participant]:
        """The named participants of one or more workshop sessions, in the order they first joined."""
        codes = sorted({(c or "").strip().upper() for c in codes} - {""})
        if not codes:
            return []
        q = (sa.select(participants.c.id, participants.c.name, participants.c.unit_key,
                       sa.func.min(attempts.c.id).label("first"))
             .select_from(attempts.join(participants))
             .where(attempts.c.session_code.in_(codes), participants.c.name_key != ANONYMOUS_NAME_KEY)
             .group_by(participants.c.id, participants.c.name, participants.c.unit_key).order_by("first"))
        with self.engine.connect() as conn:
            return [Participant(r.id, r.name, r.unit_key) for r in conn.execute(q)]

    def unit_participants(self, unit_key: str) -> list[Participant]:
        """The participants who signed in with this unit, in the order they were first stored."""
        q = (sa.select(participants.c.id, participants.c.name, participants.c.unit_key)
             .where(participants.c.unit_key == unit_key, participants.c.name_key != ANONYMOUS_NAME_KEY)
             .order_by(participants.c.id))
        with self.engine.connect() as conn:
            return [Participant(r.id, r.name, r.unit_key) for r in conn.execute(q)]

    def units(self) -> list[str]:
        """The unit keys participants signed in with (the trainer's choice of a unit as a group)."""
        q = (sa.select(participants.c.unit_key).where(participants.c.name_key != ANONYMOUS_NAME_KEY)
             .distinct())
        with self.engine.connect() as conn:
            return sorted(conn.execute(q).scalars())


def _entry(row) -> Mapping:
    m = dict(row._mapping)
    m["officer"] = str(m["officer"])
    return m
