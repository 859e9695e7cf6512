"""Storage of participants, quiz attempts and answers (SQLAlchemy Core; SQLite by default).

Only this module speaks SQL. Each Voila page is its own kernel process, so writes are concurrent:
SQLite runs in WAL mode with a busy timeout, and uniqueness (one answer per question per attempt)
is a database constraint, not only a check in one kernel. `TOOLKIT_DATABASE_URL` selects any other
SQLAlchemy database (PostgreSQL for deployments beyond one machine).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.paths import var_dir
from toolkit.storage.private import private_database
from toolkit.storage.records import (
    FIRST_PLAN,
    AnswerRow,
    AttemptRecord,
    InputError,
    NotFound,
    Participant,
    QuestionReports,
    ReportNote,
    ResponseRecord,
    as_aware,
    clean_name,
    clean_note,
    now,
)
from toolkit.storage.schema import attempts, participants, question_reports, responses
from toolkit.vietnamese import fold

log = logging.getLogger(__name__)

def database_url() -> str:
    url = os.environ.get("TOOLKIT_DATABASE_URL")
    if url:
        return url
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'toolkit.sqlite3'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=15000")  # a writer waits for another kernel's write, not fails
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
    # A deleted person's rows are overwritten, not left in free pages that a backup copies byte for byte.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


class Store:
    """One database; every method is one short transaction."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self.engine = sa.create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            if self.engine.url.database not in (None, "", ":memory:"):
                private_database(Path(self.engine.url.database))  # owner-only: it holds names and answers
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        from toolkit.storage import migrations

        migrations.upgrade(self.engine)

    # -- participants
    def participant(self, name: str, unit_key: str, consent=None) -> Participant:
        """The participant with this name and unit, created on first use (names match without diacritics).

        `consent(conn, participant_id)`, if given, runs in the same transaction: the consent to a page's
        notice (toolkit.storage.personal.consent_to) is stored with the name, or neither is.
        """
        name = clean_name(name)
        key = fold(name)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(participants).where(participants.c.name_key == key,
                                                             participants.c.unit_key == unit_key)).first()
            if row is None:
                try:
                    # The consent inside the savepoint: SQLite's driver commits a savepoint opened first
                    # in a transaction when it is released, so only what is inside it goes together.
                    with conn.begin_nested():
                        pid = conn.execute(participants.insert().values(
                            name=name, name_key=key, unit_key=unit_key, created_at=now())).inserted_primary_key[0]
                        if consent is not None:
                            consent(conn, pid)
                    return Participant(pid, name, unit_key, created=True)
                except IntegrityError:  # the same person joined from two pages at once
                    row = conn.execute(sa.select(participants).where(participants.c.name_key == key,
                                                                     participants.c.unit_key == unit_key)).one()
            if consent is not None:
                consent(conn, row.id)
        return Participant(row.id, row.name, row.unit_key)

    def participant_by_id(self, pid: int) -> Participant:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(participants).where(participants.c.id == pid)).first()
        if row is None:
            raise NotFound(f"Không có người tham gia số {pid}.")
        return Participant(row.id, row.name, row.unit_key)

    # -- attempts
    def create_attempt(self, participant_id: int, topic: str, mode: str, items: list[dict], seed: int,
                       time_limit_s: int | None = None, session_code: str | None = None,
                       plan: str = FIRST_PLAN) -> AttemptRecord:
        """A new attempt at questions of `plan` (the plan's key: its questions' ids are only unique in it)."""
        values = dict(token=secrets.token_hex(16), participant_id=participant_id, topic=topic, mode=mode,
                      time_limit_s=time_limit_s, seed=seed, items=json.dumps(items), session_code=session_code,
                      started_at=now(), plan=plan)
        with self.engine.begin() as conn:
            aid = conn.execute(attempts.insert().values(**values)).inserted_primary_key[0]
        return self.attempt(aid)

    def attempt(self, attempt_id: int) -> AttemptRecord:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).first()
        if row is None:
            raise NotFound(f"Không có bài làm số {attempt_id}.")
        return _attempt(row)

    def open_attempts(self, participant_id: int, plan: str | None = None) -> list[AttemptRecord]:
        """Unfinished attempts (at `plan`'s questions, if given), newest first: what a participant can
        resume after a reload."""
        q = sa.select(attempts).where(attempts.c.participant_id == participant_id, attempts.c.finished_at.is_(None))
        if plan is not None:
            q = q.where(attempts.c.plan == plan)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(attempts.c.id.desc())).all()
        return [_attempt(r) for r in rows]

    def finish_attempt(self, attempt_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(attempts.update().where(attempts.c.id == attempt_id, attempts.c.finished_at.is_(None))
                         .values(finished_at=now()))

    # -- responses
    def save_response(self, attempt_id: int, position: int, question_id: str, answer, points: float,
                      max_points: float, then=None) -> bool:
        """Store an answer; False if that question of that attempt was already answered (kept as it was).

        `then(conn)`, if given, runs in the same transaction, in a savepoint after the answer is stored
        (the officer's spaced review, toolkit.storage.reviews.record_answer): both are committed together,
        and if it fails the answer is stored all the same, with the failure in the log.
        """
        try:
            with self.engine.begin() as conn:
                conn.execute(responses.insert().values(
                    attempt_id=attempt_id, position=position, question_id=question_id, answer=json.dumps(answer),
                    points=points, max_points=max_points, answered_at=now()))
                if then is not None:
                    # After the INSERT, so the savepoint nests in the answer's transaction (SQLite's driver
                    # commits a savepoint that opens a transaction, see `participant`).
                    try:
                        with conn.begin_nested():
                            then(conn)
                    except Exception:  # noqa: BLE001 - the answer matters more than its review
                        log.exception("Ôn tập: không ghi được tác động của câu trả lời %s:%s", attempt_id, position)
        except IntegrityError:
            return False
        return True

    def responses(self, attempt_id: int) -> list[ResponseRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(responses).where(responses.c.attempt_id == attempt_id)
                                .order_by(responses.c.position)).all()
        return [ResponseRecord(r.position, r.question_id, json.loads(r.answer), r.points, r.max_points,
                               as_aware(r.answered_at)) for r in rows]

    def results(self, plan: str | None = None) -> list[AnswerRow]:
        """One row per answer with its participant and attempt (of `plan`'s questions, if given), for exports."""
        return answer_rows(self.engine, None if plan is None else attempts.c.plan == plan)

    # -- reported questions
    def report_question(self, participant_id: int, question_id: str, note: str = "",
                        attempt_id: int | None = None, plan: str = FIRST_PLAN) -> bool:
        """Record that a participant reports a question, with an optional short note; True if it is new.

        One report per participant and question, kept by a database constraint, so two of their pages
        clicking at the same moment still make one: reporting again replaces the note (and the attempt
        and time it was made in). InputError (Vietnamese) for a note that cannot be stored.
        """
        note = clean_note(note)
        qid = (question_id or "").strip()
        if not qid or len(qid) > 200:
            raise InputError("Mã câu hỏi không hợp lệ.")
        stamp = now()
        mine = (question_reports.c.participant_id == participant_id, question_reports.c.plan == plan,
                question_reports.c.question_id == qid)
        change = dict(note=note, attempt_id=attempt_id, updated_at=stamp)
        with self.engine.begin() as conn:
            if conn.execute(question_reports.update().where(*mine).values(**change)).rowcount:
                return False
            try:
                with conn.begin_nested():
                    conn.execute(question_reports.insert().values(participant_id=participant_id, question_id=qid,
                                                                  plan=plan, created_at=stamp, **change))
                return True
            except IntegrityError:
                # Another page of theirs inserted first: update that row. No row means the error was
                # another one (an unknown participant or attempt), which must not pass silently.
                if not conn.execute(question_reports.update().where(*mine).values(**change)).rowcount:
                    raise
                return False

    def question_reports(self, notes_per_question: int = 5, plan: str | None = None) -> list[QuestionReports]:
        """Every reported question (of `plan`, if given): how many reported it, when last, and its latest
        notes; most reported first."""
        qr = question_reports
        counts = (sa.select(qr.c.plan, qr.c.question_id, sa.func.count().label("n"),
                            sa.func.max(qr.c.updated_at).label("latest"))
                  .group_by(qr.c.plan, qr.c.question_id))
        notes = (sa.select(qr.c.plan, qr.c.question_id, qr.c.note, qr.c.updated_at, participants.c.name,
                           participants.c.unit_key)
                 .select_from(qr.join(participants)).where(qr.c.note != "")
                 .order_by(qr.c.updated_at.desc(), qr.c.id.desc()))
        if plan is not None:
            counts, notes = counts.where(qr.c.plan == plan), notes.where(qr.c.plan == plan)
        with self.engine.connect() as conn:
            rows = conn.execute(counts).all()
            by_question: dict[tuple[str, str], list[ReportNote]] = {}
            for r in conn.execute(notes):
                kept = by_question.setdefault((r.plan, r.question_id), [])
                if len(kept) < notes_per_question:
                    kept.append(ReportNote(r.note, r.name, r.unit_key, as_aware(r.updated_at)))
        out = [QuestionReports(r.question_id, int(r.n), as_aware(r.latest),
                               tuple(by_question.get((r.plan, r.question_id), ())), r.plan)
               for r in rows]
        return sorted(out, key=lambda r: (-r.count, -r.latest_at.timestamp(), r.plan, r.question_id))


def answer_rows(engine: sa.Engine, where=None) -> list[AnswerRow]:
    """Stored answers joined with their attempt and participant (all of them, or those `where` selects)."""
    q = (sa.select(attempts.c.id.label("attempt_id"), participants.c.name, participants.c.unit_key,
                   attempts.c.topic, attempts.c.mode, attempts.c.session_code, attempts.c.started_at,
                   attempts.c.finished_at, responses.c.position, responses.c.question_id, responses.c.answer,
                   responses.c.points, responses.c.max_points, responses.c.answered_at, attempts.c.plan)
         .select_from(responses.join(attempts).join(participants))
         .order_by(attempts.c.id, responses.c.position))
    if where is not None:
        q = q.where(where)
    with engine.connect() as conn:
        return [AnswerRow(r.attempt_id, r.name, r.unit_key, r.topic, r.mode, r.session_code, as_aware(r.started_at),
                          as_aware(r.finished_at), r.position, r.question_id, r.answer, r.points, r.max_points,
                          as_aware(r.answered_at), r.plan)
                for r in conn.execute(q)]


def _attempt(row) -> AttemptRecord:
    return AttemptRecord(row.id, row.token, row.participant_id, row.topic, row.mode, row.time_limit_s, row.seed,
                         tuple(json.loads(row.items)), row.session_code, as_aware(row.started_at),
                         as_aware(row.finished_at), row.plan)
