"""Personal data in the database: personal codes, consents, everything held about one participant, and
deletion (one participant, one session's names, what is older than the retention period), logged.

The rules (what a notice says, how long data is kept, who may delete) are toolkit.privacy's; this module
does the SQL, each operation in one transaction.

A personal code is a bearer secret: whoever holds it sees and deletes the participant's data. It is 12
symbols of a 32-symbol alphabet (60 random bits from `secrets`), shown once, and only its SHA-256 is
stored. A fast hash suffices for a random code (there is no dictionary to try, unlike a password a person
chooses), and it lets the page find the row by an indexed column. Whoever could read the hashes already
holds the database, and with it everything a code would show.

What a deletion keeps, so that statistics stay consistent and honest:

- One participant (their own request, or a trainer's): every row of theirs goes (participant, attempts,
  answers, reported questions, consents). Nothing of their answers is kept, not even under another name:
  in a session where the others stay named, the one nameless attempt would be theirs by elimination.
  Each session they were in counts them in `workshop_sessions.erased_participants`, so its pages can
  say that its figures are of the people left. Every figure is then computed from the same rows.
- A whole session (a trainer's choice, or the retention period): every attempt of the session at once is
  re-created under one anonymous participant, in a random order, with the session's own times in place
  of each person's, and the participants left with no data are deleted. No one can be singled out, and
  the session's item analysis, option counts and agency confusion stay exactly as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.storage.records import (
    JOIN_ALPHABET,
    InputError,
    NotFound,
    Participant,
    as_aware,
    clean_name,
    now,
)
from toolkit.storage.schema import (
    assessment_entries,
    assessments,
    attempts,
    consents,
    deletions,
    participants,
    passcode_attempts,
    question_reports,
    responses,
    review_log,
    review_settings,
    review_states,
    workshop_sessions,
)
from toolkit.vietnamese import fold

CODE_ALPHABET = JOIN_ALPHABET  # no 0/O, 1/I: a code is copied from a screen onto a phone
CODE_LENGTH = 12  # 12 × 5 bits = 60 bits
CODE_GROUP = 4  # shown as ABCD-EFGH-JKLM

# The one participant that anonymous attempts belong to. No one can sign in as it: a unit key comes
# from the page's list of units, and "#" is none of them.
ANONYMOUS_NAME = "Người tham gia đã ẩn danh"
ANONYMOUS_NAME_KEY = "#an-danh"
ANONYMOUS_UNIT = "#"

DELETION_KINDS = ("participant", "session", "retention")
DELETION_ROLES = ("participant", "trainer", "administrator")


# ---------------------------------------------------------------- personal codes


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(text: str | None) -> str:
    """A code as typed or pasted: upper case, the alphabet's symbols only (dashes and spaces dropped).

    >>> clean_code(" abcd-efgh jkLM ")
    'ABCDEFGHJKLM'
    """
    return "".join(ch for ch in (text or "").upper() if ch in CODE_ALPHABET)[:CODE_LENGTH * 2]


def code_hash(code: str) -> str:
    return hashlib.sha256(clean_code(code).encode("ascii")).hexdigest()


def format_code(code: str) -> str:
    """A code as shown, in groups of four.

    >>> format_code("ABCDEFGHJKLM")
    'ABCD-EFGH-JKLM'
    """
    code = clean_code(code)
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


# ---------------------------------------------------------------- what is read back


@dataclass(frozen=True)
class ConsentRecord:
    notice: str
    version: str
    page: str
    given_at: datetime
    participant_id: int | None = None
    assessment_id: int | None = None


@dataclass(frozen=True)
class DeletionRecord:
    """One deletion as the log keeps it: no name, no content, only what kind, by whom and how many rows."""

    at: datetime
    kind: str
    by: str
    session_code: str | None
    cutoff: datetime | None
    counts: dict[str, int]


@dataclass(frozen=True)
class PersonalRows:
    """Every row the database holds about one participant, as plain dicts of column → value."""

    participant: dict
    attempts: tuple[dict, ...]  # each with "responses": a tuple of dicts
    question_reports: tuple[dict, ...]
    consents: tuple[dict, ...]
    review_states: tuple[dict, ...]  # their memory of each card, soonest due first
    review_log: tuple[dict, ...]  # in time order
    review_settings: dict | None  # their daily cap of new cards, None if they never chose one


def record_consent(conn, *, notice: str, version: str, page: str, at: datetime | None = None,
                   participant_id: int | None = None, assessment_id: int | None = None) -> bool:
    """Store a consent on `conn` unless this person already gave it to this notice's version; True if stored."""
    if (participant_id is None) == (assessment_id is None):
        raise ValueError("a consent is a participant's or a self-assessment's")
    who = (consents.c.participant_id == participant_id if participant_id is not None
           else consents.c.assessment_id == assessment_id)
    if conn.execute(sa.select(consents.c.id).where(who, consents.c.notice == notice,
                                                   consents.c.version == version).limit(1)).first():
        return False
    conn.execute(consents.insert().values(participant_id=participant_id, assessment_id=assessment_id, notice=notice,
                                          version=version, page=page, given_at=at or now()))
    return True


def consent_to(notice: str, version: str, page: str):
    """The `consent` hook of `Store.participant`: the consent goes into the transaction storing the name."""
    def hook(conn, participant_id: int) -> None:
        record_consent(conn, notice=notice, version=version, page=page, participant_id=participant_id)
    return hook


class PersonalStore:
    """Personal codes, consents, a participant's rows, deletions: over a Store (or a view with `.engine`)."""

    def __init__(self, store):
        self.engine = store.engine

    # ---------------------------------------------------------------- codes
    def issue_code(self, participant_id: int) -> str | None:
        """A new personal code for a participant who has none (to be shown once); None if they have one.

        Two pages of theirs finishing at the same moment: the update that finds no code wins, the other
        gets None. A participant who lost their code gets no second one from a page anyone could open
        with their name: a trainer or administrator deletes their data on request instead.
        """
        for _ in range(5):
            code = new_code()
            try:
                with self.engine.begin() as conn:
                    done = conn.execute(participants.update().where(participants.c.id == participant_id,
                                                                    participants.c.code_hash.is_(None))
                                        .values(code_hash=code_hash(code), code_issued_at=now())).rowcount
                return code if done else None
            except IntegrityError:  # the same 60 random bits twice: try others
                continue
        raise RuntimeError("Không tạo được mã cá nhân; vui lòng thử lại.")

    def has_code(self, participant_id: int) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(participants.c.code_hash).where(
                participants.c.id == participant_id)).scalar() is not None

    def by_code(self, code: str) -> Participant | None:
        code = clean_code(code)
        if len(code) != CODE_LENGTH:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(participants).where(participants.c.code_hash == code_hash(code))).first()
        return Participant(row.id, row.name, row.unit_key) if row else None

    # ---------------------------------------------------------------- consents
    def record_consent(self, **kwargs) -> bool:
        """`record_consent` in a transaction of its own (a self-assessment's, before its name is stored)."""
        with self.engine.begin() as conn:
            return record_consent(conn, **kwargs)

    def consents(self, participant_id: int | None = None, assessment_id: int | None = None) -> list[ConsentRecord]:
        q = sa.select(consents).order_by(consents.c.given_at, consents.c.id)
        if participant_id is not None:
            q = q.where(consents.c.participant_id == participant_id)
        if assessment_id is not None:
            q = q.where(consents.c.assessment_id == assessment_id)
        with self.engine.connect() as conn:
            return [ConsentRecord(r.notice, r.version, r.page, as_aware(r.given_at), r.participant_id, r.assessment_id)
                    for r in conn.execute(q)]

    # ---------------------------------------------------------------- one participant's rows
    def rows_of(self, participant_id: int) -> PersonalRows:
        """Everything held about a participant. The code's hash is left out: it is a check value only."""
        with self.engine.connect() as conn:
            p = conn.execute(sa.select(participants).where(participants.c.id == participant_id)).first()
            if p is None or p.name_key == ANONYMOUS_NAME_KEY:
                raise NotFound(f"Không có người tham gia số {participant_id}.")
            person = {k: _plain(v) for k, v in p._mapping.items() if k != "code_hash"}
            mine = conn.execute(sa.select(attempts).where(attempts.c.participant_id == participant_id)
                                .order_by(attempts.c.id)).all()
            answers: dict[int, list[dict]] = {}
            if mine:
                for r in conn.execute(sa.select(responses).where(responses.c.attempt_id.in_([a.id for a in mine]))
                                      .order_by(responses.c.attempt_id, responses.c.position)):
                    answers.setdefault(r.attempt_id, []).append(_row(r))
            reports = conn.execute(sa.select(question_reports).where(
                question_reports.c.participant_id == participant_id).order_by(question_reports.c.id)).all()
            given = conn.execute(sa.select(consents).where(consents.c.participant_id == participant_id)
                                 .order_by(consents.c.id)).all()
            states = conn.execute(sa.select(review_states).where(review_states.c.officer == participant_id)
                                  .order_by(review_states.c.due, review_states.c.card_id)).all()
            logged = conn.execute(sa.select(review_log).where(review_log.c.officer == participant_id)
                                  .order_by(review_log.c.at, review_log.c.id)).all()
            cap = conn.execute(sa.select(review_settings).where(review_settings.c.officer == participant_id)).first()
        return PersonalRows(person, tuple({**_row(a), "responses": tuple(answers.get(a.id, ()))} for a in mine),
                            tuple(_row(r) for r in reports), tuple(_row(c) for c in given),
                            tuple(_row(s) for s in states), tuple(_row(e) for e in logged),
                            _row(cap) if cap else None)

    def correct(self, participant_id: int, name: str, unit_key: str) -> Participant:
        """Correct a participant's name or unit (InputError, Vietnamese, if another participant has them)."""
        name = clean_name(name)
        try:
            with self.engine.begin() as conn:
                done = conn.execute(participants.update().where(participants.c.id == participant_id,
                                                                participants.c.name_key != ANONYMOUS_NAME_KEY)
                                    .values(name=name, name_key=fold(name), unit_key=unit_key)).rowcount
        except IntegrityError:
            raise InputError("Đã có một người tham gia khác cùng họ tên và đơn vị này, nên không sửa được; "
                             "nhờ báo cáo viên hoặc người quản trị xử lý.") from None
        if not done:
            raise NotFound(f"Không có người tham gia số {participant_id}.")
        return Participant(participant_id, name, unit_key)

    # ---------------------------------------------------------------- deleting
    def delete_participant(self, participant_id: int, by: str, at: datetime | None = None,
                           dry_run: bool = False) -> dict[str, int]:
        """Delete every row of one participant, count them in their sessions, log it; the rows removed.

        With `dry_run`, the same statements run and are rolled back: the counts are what it would remove."""
        _check_role(by)
        with self._transaction(dry_run) as conn:
            counts = dict(_delete_participant(conn, participant_id))
            if not dry_run:
                _log(conn, at or now(), "participant", by, counts)
        return counts

    def anonymise_session(self, code: str, by: str, at: datetime | None = None,
                          dry_run: bool = False) -> dict[str, int]:
        """Take every name out of a closed session (see the module's docstring), log it; the rows changed.

        InputError (Vietnamese) for an open session: its people are still answering."""
        _check_role(by)
        at = at or now()
        with self._transaction(dry_run) as conn:
            session = conn.execute(sa.select(workshop_sessions).where(workshop_sessions.c.code == code)).first()
            if session is None:
                raise NotFound(f"Không có phiên nào với mã {code}.")
            counts = dict(_anonymise_session(conn, session, at))
            if not dry_run:
                _log(conn, at, "session", by, counts, session_code=code)
        return counts

    @contextlib.contextmanager
    def _transaction(self, dry_run: bool):
        """One transaction, committed, or (a dry run) rolled back at the end.

        On SQLite it begins with BEGIN IMMEDIATE: the driver would otherwise begin only at the first write
        (and commit a savepoint opened before it on release, which a dry run must not), and a deletion
        reads what to delete before it deletes: no other kernel may write in between.
        """
        with self.engine.connect() as conn:
            transaction = conn.begin()
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()

    def apply_retention(self, cutoff: datetime, by: str, at: datetime | None = None,
                        dry_run: bool = False) -> dict[str, int]:
        """Delete or make anonymous what is older than `cutoff`; with `dry_run`, only count it.

        - a workshop session closed (or, never closed, created) before the cutoff: its names go
          (`anonymise_session`; one left open that long is closed first);
        - a practice attempt (not in a session) begun before it: deleted with its answers;
        - a reported question last reported before it: deleted;
        - a participant created before it with nothing left (no attempt, no report): deleted, consents too;
        - a draft self-assessment last changed before it: the filler's name is cleared. Submitted
          versions are the unit's report and stay as they are;
        - a passcode attempt (with the client's address) made before it: deleted.

        The dry run runs the very same statements and rolls them back, so its counts are the real ones.
        """
        _check_role(by)
        # SQLite keeps times as text without their zone: every time compared must be UTC, as stored.
        at, cutoff = (at or now()).astimezone(timezone.utc), cutoff.astimezone(timezone.utc)
        counts: Counter = Counter()
        with self._transaction(dry_run) as conn:
            anon = _anonymous_id(conn)
            ended = sa.func.coalesce(workshop_sessions.c.closed_at, workshop_sessions.c.created_at)
            named = sa.exists().where(attempts.c.session_code == workshop_sessions.c.code,
                                      attempts.c.participant_id != anon)
            old = conn.execute(sa.select(workshop_sessions).where(ended < cutoff, named)
                               .order_by(workshop_sessions.c.created_at)).all()
            for session in old:
                counts["anonymised_sessions"] += 1
                counts.update(_anonymise_session(conn, session, at, close=True))
            practice = [r.id for r in conn.execute(sa.select(attempts.c.id).where(
                attempts.c.session_code.is_(None), attempts.c.started_at < cutoff))]
            counts.update(_delete_attempts(conn, practice))
            counts["question_reports"] += conn.execute(question_reports.delete().where(
                question_reports.c.updated_at < cutoff)).rowcount
            left = sa.select(participants.c.id).where(
                participants.c.created_at < cutoff, participants.c.id != anon,
                ~sa.exists().where(attempts.c.participant_id == participants.c.id),
                ~sa.exists().where(question_reports.c.participant_id == participants.c.id))
            counts.update(_delete_people(conn, [r.id for r in conn.execute(left)]))
            changed = sa.func.coalesce(
                sa.select(sa.func.max(assessment_entries.c.updated_at))
                .where(assessment_entries.c.assessment_id == assessments.c.id).scalar_subquery(),
                assessments.c.created_at)
            counts["draft_fillers"] += conn.execute(
                assessments.update().where(assessments.c.status == "draft", assessments.c.submitted_by.isnot(None),
                                           changed < cutoff).values(submitted_by=None)).rowcount
            counts["passcode_attempts"] += conn.execute(passcode_attempts.delete().where(
                passcode_attempts.c.at < cutoff)).rowcount
            result = {k: v for k, v in counts.items() if v}
            if not dry_run:
                _log(conn, at, "retention", by, result, cutoff=cutoff)
        return result

    # ---------------------------------------------------------------- reading what deletions left
    def erased_in_session(self, code: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(workshop_sessions.c.erased_participants)
                                    .where(workshop_sessions.c.code == code)).scalar() or 0)

    def anonymous_attempts(self, code: str) -> int:
        """How many of a session's attempts carry no name (its personal data was deleted)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(attempts.join(participants)).where(
                attempts.c.session_code == code, participants.c.name_key == ANONYMOUS_NAME_KEY)).scalar())

    def session_people(self, code: str) -> list[Participant]:
        """The named participants of a session, in the order they joined (what a trainer may delete)."""
        q = (sa.select(participants.c.id, participants.c.name, participants.c.unit_key,
                       sa.func.min(attempts.c.id).label("first"))
             .select_from(attempts.join(participants))
             .where(attempts.c.session_code == code, participants.c.name_key != ANONYMOUS_NAME_KEY)
             .group_by(participants.c.id, participants.c.name, participants.c.unit_key).order_by("first"))
        with self.engine.connect() as conn:
            return [Participant(r.id, r.name, r.unit_key) for r in conn.execute(q)]

    def find(self, name: str) -> list[tuple[Participant, int]]:
        """Named participants whose name holds `name` (with or without diacritics), with their attempt counts:
        how an administrator finds whom a deletion request is about."""
        key = fold(name or "")
        if not key:
            return []
        pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = (sa.select(participants.c.id, participants.c.name, participants.c.unit_key,
                       sa.func.count(attempts.c.id).label("n"))
             .select_from(participants.outerjoin(attempts))
             .where(participants.c.name_key.like(pattern, escape="\\"), participants.c.name_key != ANONYMOUS_NAME_KEY)
             .group_by(participants.c.id, participants.c.name, participants.c.unit_key).order_by(participants.c.id))
        with self.engine.connect() as conn:
            return [(Participant(r.id, r.name, r.unit_key), int(r.n)) for r in conn.execute(q)]

    def deletions(self) -> list[DeletionRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(deletions).order_by(deletions.c.at, deletions.c.id)).all()
        return [DeletionRecord(as_aware(r.at), r.kind, r.by, r.session_code, as_aware(r.cutoff), json.loads(r.counts))
                for r in rows]


# ---------------------------------------------------------------- the statements


def _check_role(by: str) -> None:
    if by not in DELETION_ROLES:
        raise ValueError(f"unknown role {by!r}")


def _plain(value):
    return as_aware(value) if isinstance(value, datetime) else value


def _row(row) -> dict:
    return {k: _plain(v) for k, v in row._mapping.items()}


def _log(conn, at: datetime, kind: str, by: str, counts: dict[str, int], session_code: str | None = None,
         cutoff: datetime | None = None) -> None:
    conn.execute(deletions.insert().values(at=at, kind=kind, by=by, session_code=session_code, cutoff=cutoff,
                                           counts=json.dumps(dict(sorted(counts.items())), ensure_ascii=False)))


def _anonymous_id(conn) -> int:
    """The anonymous participant's id, created on first use."""
    match = (participants.c.name_key == ANONYMOUS_NAME_KEY, participants.c.unit_key == ANONYMOUS_UNIT)
    found = conn.execute(sa.select(participants.c.id).where(*match)).scalar()
    if found is not None:
        return found
    try:
        with conn.begin_nested():
            return conn.execute(participants.insert().values(
                name=ANONYMOUS_NAME, name_key=ANONYMOUS_NAME_KEY, unit_key=ANONYMOUS_UNIT,
                created_at=now())).inserted_primary_key[0]
    except IntegrityError:  # another process created it first
        return conn.execute(sa.select(participants.c.id).where(*match)).scalar_one()


def _delete_attempts(conn, ids: list[int]) -> Counter:
    """Delete attempts with their answers; a report made in one keeps the report but not the link."""
    counts: Counter = Counter()
    if not ids:
        return counts
    for chunk in _chunks(ids):
        conn.execute(question_reports.update().where(question_reports.c.attempt_id.in_(chunk)).values(attempt_id=None))
        counts["responses"] += conn.execute(responses.delete().where(responses.c.attempt_id.in_(chunk))).rowcount
        counts["attempts"] += conn.execute(attempts.delete().where(attempts.c.id.in_(chunk))).rowcount
    return counts


def _delete_people(conn, ids: list[int]) -> Counter:
    """Delete participants who hold nothing else any more, with their consents and their spaced review."""
    counts: Counter = Counter()
    for chunk in _chunks(ids):
        counts["consents"] += conn.execute(consents.delete().where(consents.c.participant_id.in_(chunk))).rowcount
        for table in (review_log, review_states, review_settings):
            removed = conn.execute(table.delete().where(table.c.officer.in_(chunk))).rowcount
            if removed:  # counted only when there were any: most people never reviewed
                counts[table.name] += removed
        counts["participants"] += conn.execute(participants.delete().where(participants.c.id.in_(chunk))).rowcount
    return counts


def _delete_participant(conn, participant_id: int) -> Counter:
    # FOR UPDATE (PostgreSQL): a page starting an attempt for them waits until the deletion is done.
    row = conn.execute(sa.select(participants.c.name_key).where(participants.c.id == participant_id)
                       .with_for_update()).first()
    if row is None:
        raise NotFound(f"Không có người tham gia số {participant_id}.")
    if row.name_key == ANONYMOUS_NAME_KEY:
        raise InputError("Đây là người tham gia ẩn danh (kết quả đã bỏ họ tên), không phải của riêng ai.")
    theirs = conn.execute(sa.select(attempts.c.id, attempts.c.session_code)
                          .where(attempts.c.participant_id == participant_id)).all()
    counts: Counter = Counter()
    counts["question_reports"] += conn.execute(question_reports.delete().where(
        question_reports.c.participant_id == participant_id)).rowcount
    counts.update(_delete_attempts(conn, [a.id for a in theirs]))
    counts.update(_delete_people(conn, [participant_id]))
    for code in sorted({a.session_code for a in theirs if a.session_code}):
        conn.execute(workshop_sessions.update().where(workshop_sessions.c.code == code)
                     .values(erased_participants=workshop_sessions.c.erased_participants + 1))
    return counts


def _anonymise_session(conn, session, at: datetime, close: bool = False) -> Counter:
    counts: Counter = Counter()
    closed_at = session.closed_at
    if session.status == "open":
        if not close:
            raise InputError("Phiên đang mở: hãy đóng phiên trước khi xóa họ tên người tham gia.")
        closed_at = at
        conn.execute(workshop_sessions.update().where(workshop_sessions.c.code == session.code)
                     .values(status="closed", closed_at=at))
    anon = _anonymous_id(conn)
    named = conn.execute(sa.select(attempts).where(attempts.c.session_code == session.code,
                                                   attempts.c.participant_id != anon)).all()
    if not named:
        return counts
    ids = [a.id for a in named]
    given: dict[int, list] = {}
    for chunk in _chunks(ids):
        for r in conn.execute(sa.select(responses).where(responses.c.attempt_id.in_(chunk))):
            given.setdefault(r.attempt_id, []).append(r)
    # A random order and the session's times: the new rows' ids and times say nothing of who joined when.
    order = list(named)
    random.SystemRandom().shuffle(order)
    started = session.created_at
    for a in order:
        new_id = conn.execute(attempts.insert().values(
            token=secrets.token_hex(16), participant_id=anon, topic=a.topic, mode=a.mode, time_limit_s=a.time_limit_s,
            seed=a.seed, items=a.items, session_code=a.session_code, started_at=started, plan=a.plan,
            finished_at=(closed_at or started) if a.finished_at is not None else None)).inserted_primary_key[0]
        rows = sorted(given.get(a.id, ()), key=lambda r: r.position)
        if rows:
            conn.execute(responses.insert(), [dict(attempt_id=new_id, position=r.position, question_id=r.question_id,
                                                   answer=r.answer, points=r.points, max_points=r.max_points,
                                                   answered_at=started) for r in rows])
        counts["anonymised_attempts"] += 1
        counts["anonymised_responses"] += len(rows)
    # Notes are the participant's own words, which may name them: reports made in the session go. So do
    # the review log's entries of the session's answers (answer_ref "<attempt id>:<position>", see
    # toolkit.storage.reviews), which would tie a person still named elsewhere to it; their memories stay.
    for chunk in _chunks(ids, 100):
        logged = conn.execute(review_log.delete().where(
            sa.or_(*(review_log.c.answer_ref.like(f"{int(a)}:%") for a in chunk)))).rowcount
        if logged:
            counts["review_log"] += logged
    for chunk in _chunks(ids):
        counts["question_reports"] += conn.execute(question_reports.delete().where(
            question_reports.c.attempt_id.in_(chunk))).rowcount
        conn.execute(responses.delete().where(responses.c.attempt_id.in_(chunk)))
        conn.execute(attempts.delete().where(attempts.c.id.in_(chunk)))
    people = sorted({a.participant_id for a in named})
    left = [p for p in people if not conn.execute(sa.select(attempts.c.id).where(attempts.c.participant_id == p)
                                                 .limit(1)).first()
            and not conn.execute(sa.select(question_reports.c.id).where(question_reports.c.participant_id == p)
                                 .limit(1)).first()]
    counts.update(_delete_people(conn, left))
    return counts


def _chunks(ids: list[int], size: int = 500):
    """IN lists of bounded length (SQLite's limit on bound parameters)."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
