"""What the store reads and writes, as plain values: no SQLAlchemy here.

Pages import these at load time; the database engine (SQLAlchemy, about a quarter of a CPU-second per
new kernel) is imported only when a page first touches the store, e.g. when a participant signs in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from toolkit.vietnamese import squash

MAX_NAME = 80

ENTRY_FIELDS = ("rating", "reason", "evidence_number", "evidence_date", "evidence_text", "evidence_link", "note",
                "central_issued")


class NotFound(LookupError):
    """What a page or command asked for is not in the database (an id from an old link, a deleted row)."""


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


def as_aware(value: datetime | None) -> datetime | None:
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


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    unit_key: str
    year: int
    version: int
    status: str
    created_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


class AssessmentLocked(Exception):
    """A submitted version is frozen; edits go to a new version."""


@dataclass(frozen=True)
class SessionRecord:
    code: str
    title: str
    topic: str
    mode: str
    time_limit_s: int | None
    show_rank: bool
    tie_break_time: bool
    question_ids: tuple[str, ...]
    status: str
    created_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class SessionAttempt:
    """One participant's attempt in a workshop session, with what they have answered so far."""

    id: int
    pid: int
    name: str
    unit_key: str
    started_at: datetime
    finished_at: datetime | None
    answered: int
    points: float
    last_answer: datetime | None


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer with its participant and attempt: a row of the results exports."""

    attempt_id: int
    name: str
    unit_key: str
    topic: str
    mode: str
    session_code: str | None
    started_at: datetime
    finished_at: datetime | None
    position: int
    question_id: str
    answer: str  # JSON, in the question's own option indices
    points: float
    max_points: float
    answered_at: datetime


JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones
