"""Storage of participants, quiz attempts and answers (SQLAlchemy Core; SQLite by default).

Only this module speaks SQL. Each Voila page is its own kernel process, so writes are concurrent:
SQLite runs in WAL mode with a busy timeout, and uniqueness (one answer per question per attempt)
is a database constraint, not only a check in one kernel. `TOOLKIT_DATABASE_URL` selects any other
SQLAlchemy database (PostgreSQL for deployments beyond one machine).
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.text import fold, squash

SCHEMA_VERSION = 1
DEFAULT_VAR_DIR = Path(__file__).resolve().parents[1] / "var"
MAX_NAME = 80

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

participants = sa.Table(
    "participants", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False),
    sa.Column("name_key", sa.String(MAX_NAME), nullable=False),
    sa.Column("unit_key", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("name_key", "unit_key", name="uq_participant"),
)

attempts = sa.Table(
    "attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(32), nullable=False, unique=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("time_limit_s", sa.Integer),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("items", sa.Text, nullable=False),  # JSON: [{"q": id, "o": [...], "r": [...]}, ...]
    sa.Column("session_code", sa.String(20), index=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
)

responses = sa.Table(
    "responses", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("question_id", sa.String(200), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),  # JSON, in the question's own option indices
    sa.Column("points", sa.Float, nullable=False),
    sa.Column("max_points", sa.Float, nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("attempt_id", "position", name="uq_response"),
)


class InputError(ValueError):
    """Input a person typed that cannot be stored; the message is Vietnamese and says why."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def clean_name(name: str) -> str:
    """A person's name as stored: NFC, single spaces, printable, 1–80 characters.

    >>> clean_name("  Nguyễn   Văn  An ")
    'Nguyễn Văn An'
    """
    text = squash(unicodedata.normalize("NFC", name or ""))
    if not text:
        raise InputError("Vui lòng nhập họ và tên.")
    if len(text) > MAX_NAME:
        raise InputError(f"Họ và tên quá dài (tối đa {MAX_NAME} ký tự).")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise InputError("Họ và tên có ký tự điều khiển không hợp lệ.")
    if not any(ch.isalpha() for ch in text):
        raise InputError("Họ và tên phải có chữ cái.")
    return text


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes even for timezone=True columns; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    unit_key: str


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    token: str
    participant_id: int
    topic: str
    mode: str
    time_limit_s: int | None
    seed: int
    items: tuple[dict, ...]
    session_code: str | None
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class ResponseRecord:
    position: int
    question_id: str
    answer: object
    points: float
    max_points: float
    answered_at: datetime


def database_url() -> str:
    url = os.environ.get("TOOLKIT_DATABASE_URL")
    if url:
        return url
    var = Path(os.environ.get("TOOLKIT_VAR_DIR") or DEFAULT_VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'toolkit.sqlite3'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cur.execute("PRAGMA busy_timeout=15000")  # a writer waits for another kernel's write, not fails
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
    cur.close()


class Store:
    """One database; every method is one short transaction."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self.engine = sa.create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).first()
            if row is None:
                try:
                    conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                except IntegrityError:  # another kernel created it at the same moment
                    pass
            elif int(row.value) > SCHEMA_VERSION:
                raise RuntimeError(f"Cơ sở dữ liệu có phiên bản {row.value}, mới hơn phần mềm ({SCHEMA_VERSION}).")

    # -- participants
    def participant(self, name: str, unit_key: str) -> Participant:
        """The participant with this name and unit, created on first use (names match without diacritics)."""
        name = clean_name(name)
        key = fold(name)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(participants).where(participants.c.name_key == key,
                                                             participants.c.unit_key == unit_key)).first()
            if row is None:
                try:
                    with conn.begin_nested():
                        pid = conn.execute(participants.insert().values(
                            name=name, name_key=key, unit_key=unit_key, created_at=now())).inserted_primary_key[0]
                    return Participant(pid, name, unit_key)
                except IntegrityError:  # the same person joined from two pages at once
                    row = conn.execute(sa.select(participants).where(participants.c.name_key == key,
                                                                     participants.c.unit_key == unit_key)).one()
        return Participant(row.id, row.name, row.unit_key)

    def participant_by_id(self, pid: int) -> Participant:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(participants).where(participants.c.id == pid)).one()
        return Participant(row.id, row.name, row.unit_key)

    # -- attempts
    def create_attempt(self, participant_id: int, topic: str, mode: str, items: list[dict], seed: int,
                       time_limit_s: int | None = None, session_code: str | None = None) -> AttemptRecord:
        values = dict(token=secrets.token_hex(16), participant_id=participant_id, topic=topic, mode=mode,
                      time_limit_s=time_limit_s, seed=seed, items=json.dumps(items), session_code=session_code,
                      started_at=now())
        with self.engine.begin() as conn:
            aid = conn.execute(attempts.insert().values(**values)).inserted_primary_key[0]
        return self.attempt(aid)

    def attempt(self, attempt_id: int) -> AttemptRecord:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).one()
        return _attempt(row)

    def open_attempts(self, participant_id: int) -> list[AttemptRecord]:
        """Unfinished attempts, newest first: what a participant can resume after a reload."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(attempts).where(attempts.c.participant_id == participant_id,
                                                          attempts.c.finished_at.is_(None))
                                .order_by(attempts.c.id.desc())).all()
        return [_attempt(r) for r in rows]

    def finish_attempt(self, attempt_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(attempts.update().where(attempts.c.id == attempt_id, attempts.c.finished_at.is_(None))
                         .values(finished_at=now()))

    # -- responses
    def save_response(self, attempt_id: int, position: int, question_id: str, answer, points: float,
                      max_points: float) -> bool:
        """Store an answer; False if that question of that attempt was already answered (kept as it was)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(responses.insert().values(
                    attempt_id=attempt_id, position=position, question_id=question_id, answer=json.dumps(answer),
                    points=points, max_points=max_points, answered_at=now()))
        except IntegrityError:
            return False
        return True

    def responses(self, attempt_id: int) -> list[ResponseRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(responses).where(responses.c.attempt_id == attempt_id)
                                .order_by(responses.c.position)).all()
        return [ResponseRecord(r.position, r.question_id, json.loads(r.answer), r.points, r.max_points,
                               _aware(r.answered_at)) for r in rows]

    def results(self) -> list[dict]:
        """One row per answer with its participant and attempt, for exports."""
        q = (sa.select(participants.c.name, participants.c.unit_key, attempts.c.id.label("attempt_id"),
                       attempts.c.topic, attempts.c.mode, attempts.c.session_code, attempts.c.started_at,
                       attempts.c.finished_at, responses.c.position, responses.c.question_id, responses.c.answer,
                       responses.c.points, responses.c.max_points, responses.c.answered_at)
             .select_from(responses.join(attempts).join(participants))
             .order_by(attempts.c.id, responses.c.position))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]


def _attempt(row) -> AttemptRecord:
    return AttemptRecord(row.id, row.token, row.participant_id, row.topic, row.mode, row.time_limit_s, row.seed,
                         tuple(json.loads(row.items)), row.session_code, _aware(row.started_at),
                         _aware(row.finished_at))
