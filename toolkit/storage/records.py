"""What the store reads and writes, as plain values: no SQLAlchemy here.

Pages import these at load time; the database engine (SQLAlchemy, about a quarter of a CPU-second per
new kernel) is imported only when a page first touches the store, e.g. when a participant signs in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone

from toolkit.vietnamese import squash

MAX_NAME = 80
MAX_NOTE = 300  # a participant's note on a question they report: a sentence or two, not an essay
# The plan of every row stored before rows named their plan (migration 0007), when it was the only one, and
# of a call that names none: the key of its folder, data/plan-241 (toolkit.plan.catalogue).
FIRST_PLAN = "plan-241"
MAX_PLAN_KEY = 80

ENTRY_FIELDS = ("rating", "reason", "evidence_number", "evidence_date", "evidence_text", "evidence_link", "note",
                "central_issued")


class NotFound(LookupError):
    """What a page or command asked for is not in the database (an id from an old link, a deleted row)."""


class InputError(ValueError):
    """Input a person typed that cannot be stored; the message is Vietnamese and says why."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def clean_text(text: str | None, label: str, limit: int, blank: str | None = None) -> str:
    """Text a person typed, as stored: NFC, single spaces, printable, at most `limit` characters.

    `label` names it in the messages ("Ghi chú quá dài …"); `blank` is the message for empty text,
    which is refused only when one is given.

    >>> clean_text("  Đáp án   sai:\\n xem mục II.3 ", "Ghi chú", 300)
    'Đáp án sai: xem mục II.3'
    """
    value = squash(unicodedata.normalize("NFC", text or ""))
    if not value and blank:
        raise InputError(blank)
    if len(value) > limit:
        raise InputError(f"{label} quá dài ({len(value)} ký tự; tối đa {limit}).")
    if any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise InputError(f"{label} có ký tự điều khiển không hợp lệ.")
    return value


def clean_name(name: str) -> str:
    """A person's name as stored: NFC, single spaces, printable, 1–80 characters, with a letter.

    >>> clean_name("  Nguyễn   Văn  An ")
    'Nguyễn Văn An'
    """
    text = clean_text(name, "Họ và tên", MAX_NAME, blank="Vui lòng nhập họ và tên.")
    if not any(ch.isalpha() for ch in text):
        raise InputError("Họ và tên phải có chữ cái.")
    return text


def clean_note(note: str | None) -> str:
    """A participant's note on a question they report, as stored: at most 300 characters, possibly empty."""
    return clean_text(note, "Ghi chú", MAX_NOTE)


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
    # True only for the sign-in that stored this name: the one page that may issue the personal code, which
    # must never go to whoever types a name and unit already stored (toolkit.ui.privacy.CodeOnResults).
    created: bool = field(default=False, compare=False)


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
    plan: str = FIRST_PLAN  # the key of the plan whose questions these are


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
    plan: str = FIRST_PLAN  # the key of the plan whose duties are assessed

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
    plan: str = FIRST_PLAN  # the key of the plan the session's questions come from

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
    plan: str = FIRST_PLAN


@dataclass(frozen=True)
class ReportNote:
    """One participant's note on a question they reported, with who wrote it and when."""

    note: str
    name: str
    unit_key: str
    at: datetime


@dataclass(frozen=True)
class QuestionReports:
    """What participants reported about one question: how many reported it, when last, their latest notes."""

    question_id: str
    count: int
    latest_at: datetime
    notes: tuple[ReportNote, ...]  # newest first; reports without a note are counted, not listed
    plan: str = FIRST_PLAN


JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed on phones
