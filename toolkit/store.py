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
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.paths import var_dir
from toolkit.records import (ENTRY_FIELDS, JOIN_ALPHABET, MAX_NAME, AssessmentLocked, AssessmentRecord,  # noqa: F401
                             AttemptRecord, InputError, Participant, ResponseRecord, SessionRecord, _aware,
                             clean_name, now)
from toolkit.text import fold, squash

metadata = sa.MetaData()

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


workshop_sessions = sa.Table(
    "workshop_sessions", metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("time_limit_s", sa.Integer),
    sa.Column("show_rank", sa.Boolean, nullable=False),
    sa.Column("tie_break_time", sa.Boolean, nullable=False),
    sa.Column("question_ids", sa.Text, nullable=False),  # JSON list: every participant gets these
    sa.Column("status", sa.String(10), nullable=False),  # open | closed
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
)

assessments = sa.Table(
    "assessments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("unit_key", sa.String(80), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # draft | submitted
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_by", sa.String(MAX_NAME)),
    sa.UniqueConstraint("unit_key", "year", "version", name="uq_assessment_version"),
)

assessment_entries = sa.Table(
    "assessment_entries", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("task_id", sa.String(20), primary_key=True),
    sa.Column("rating", sa.String(40)),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("evidence_number", sa.String(200), nullable=False, default=""),
    sa.Column("evidence_date", sa.String(20), nullable=False, default=""),
    sa.Column("evidence_text", sa.Text, nullable=False, default=""),
    sa.Column("evidence_link", sa.String(500), nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("central_issued", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

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
        from toolkit import migrations

        migrations.upgrade(self.engine)

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


class AssessmentStore:
    """Self-assessments: versions per unit and year, with one entry per criterion, saved on every change."""

    def __init__(self, store: Store):
        self.engine = store.engine

    def latest(self, unit_key: str, year: int) -> AssessmentRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(assessments).where(assessments.c.unit_key == unit_key,
                                                            assessments.c.year == year)
                               .order_by(assessments.c.version.desc()).limit(1)).first()
        return _assessment(row) if row else None

    def versions(self, unit_key: str, year: int) -> list[AssessmentRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(assessments).where(assessments.c.unit_key == unit_key,
                                                             assessments.c.year == year)
                                .order_by(assessments.c.version)).all()
        return [_assessment(r) for r in rows]

    def get(self, assessment_id: int) -> AssessmentRecord:
        with self.engine.connect() as conn:
            return _assessment(conn.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).one())

    def open_draft(self, unit_key: str, year: int) -> AssessmentRecord:
        """The draft to edit: the current one, or a new version copying the last submitted one."""
        for _ in range(3):  # two pages may race to create the same version; the constraint decides
            last = self.latest(unit_key, year)
            if last is not None and not last.submitted:
                return last
            try:
                with self.engine.begin() as conn:
                    new_id = conn.execute(assessments.insert().values(
                        unit_key=unit_key, year=year, version=(last.version + 1) if last else 1, status="draft",
                        created_at=now())).inserted_primary_key[0]
                    if last is not None:
                        rows = conn.execute(sa.select(assessment_entries)
                                            .where(assessment_entries.c.assessment_id == last.id)).all()
                        if rows:
                            conn.execute(assessment_entries.insert(), [
                                {**dict(r._mapping), "assessment_id": new_id, "updated_at": now()} for r in rows])
                return self.get(new_id)
            except IntegrityError:
                continue
        raise RuntimeError("Không tạo được bản tự đánh giá mới; vui lòng thử lại.")

    def entries(self, assessment_id: int) -> dict[str, dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(assessment_entries)
                                .where(assessment_entries.c.assessment_id == assessment_id)).all()
        return {r.task_id: {f: getattr(r, f) for f in ENTRY_FIELDS} for r in rows}

    def save_entry(self, assessment_id: int, task_id: str, values: dict) -> None:
        """Insert or replace one criterion's entry of a draft; a submitted version refuses."""
        data = {f: values.get(f, "" if f not in ("rating", "central_issued") else None) for f in ENTRY_FIELDS}
        data["central_issued"] = bool(data["central_issued"])
        with self.engine.begin() as conn:
            status = conn.execute(sa.select(assessments.c.status).where(assessments.c.id == assessment_id)).scalar_one()
            if status != "draft":
                raise AssessmentLocked("Bản tự đánh giá này đã nộp; mọi thay đổi sẽ thuộc một phiên bản mới.")
            done = conn.execute(assessment_entries.update().where(
                assessment_entries.c.assessment_id == assessment_id, assessment_entries.c.task_id == task_id)
                .values(**data, updated_at=now())).rowcount
            if not done:
                conn.execute(assessment_entries.insert().values(assessment_id=assessment_id, task_id=task_id,
                                                                 **data, updated_at=now()))

    def submit(self, assessment_id: int, by: str) -> AssessmentRecord:
        with self.engine.begin() as conn:
            done = conn.execute(assessments.update().where(assessments.c.id == assessment_id,
                                                           assessments.c.status == "draft")
                                .values(status="submitted", submitted_at=now(), submitted_by=clean_name(by))).rowcount
        if not done:
            raise AssessmentLocked("Bản tự đánh giá này đã được nộp trước đó.")
        return self.get(assessment_id)

    def submitted(self, unit_key: str | None = None) -> list[AssessmentRecord]:
        """The newest submitted version per unit and year (all units when unit_key is None)."""
        q = sa.select(assessments).where(assessments.c.status == "submitted")
        if unit_key is not None:
            q = q.where(assessments.c.unit_key == unit_key)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(assessments.c.unit_key, assessments.c.year, assessments.c.version)).all()
        latest: dict[tuple[str, int], AssessmentRecord] = {}
        for r in rows:
            latest[(r.unit_key, r.year)] = _assessment(r)
        return list(latest.values())

    def submitted_with_entries(self) -> list[tuple[AssessmentRecord, dict[str, dict]]]:
        """Every unit's newest submitted version per year with its entries, in one query.

        The city overview reads hundreds of units × years at once: one query per assessment
        (`entries`) would cost more than all the scoring. One statement also means one consistent
        view while other kernels submit.
        """
        later = assessments.alias("later")
        q = (sa.select(assessments, assessment_entries.c.task_id,
                       *(assessment_entries.c[f] for f in ENTRY_FIELDS))
             .select_from(assessments.outerjoin(assessment_entries,
                                                assessment_entries.c.assessment_id == assessments.c.id))
             .where(assessments.c.status == "submitted")
             .where(~sa.exists().where(later.c.unit_key == assessments.c.unit_key, later.c.year == assessments.c.year,
                                       later.c.status == "submitted", later.c.version > assessments.c.version))
             .order_by(assessments.c.unit_key, assessments.c.year))
        out: dict[int, tuple[AssessmentRecord, dict[str, dict]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                if r.id not in out:
                    out[r.id] = (_assessment(r), {})
                if r.task_id is not None:
                    out[r.id][1][r.task_id] = {f: getattr(r, f) for f in ENTRY_FIELDS}
        return list(out.values())

    def import_submitted(self, unit_key: str, year: int, entries: dict[str, dict], submitted_by: str,
                         submitted_at: datetime) -> tuple[AssessmentRecord, bool]:
        """Store a unit's submitted assessment received as a file: a new submitted version, atomically.

        Returns (record, created). When the newest submitted version of that unit and year already
        holds exactly these entries, nothing is written and that version is returned with False,
        so importing the same file twice never makes a duplicate. Empty entries (no rating and no
        text) are not stored. An open draft is left as it is; the import becomes the newest version.
        """
        wanted = {tid: row for tid, row in ((t, _entry_row(v)) for t, v in entries.items()) if not _blank(row)}
        by = clean_name(submitted_by)
        for _ in range(3):  # two kernels importing at once: the version constraint decides, then we re-read
            last_submitted = next((a for a in reversed(self.versions(unit_key, year)) if a.submitted), None)
            if last_submitted is not None:
                held = {t: r for t, r in self.entries(last_submitted.id).items() if not _blank(_entry_row(r))}
                if {t: _entry_row(r) for t, r in held.items()} == wanted:
                    return last_submitted, False
            last = self.latest(unit_key, year)
            try:
                with self.engine.begin() as conn:
                    stamp = now()
                    new_id = conn.execute(assessments.insert().values(
                        unit_key=unit_key, year=year, version=(last.version + 1) if last else 1,
                        status="submitted", created_at=stamp, submitted_at=submitted_at,
                        submitted_by=by)).inserted_primary_key[0]
                    if wanted:
                        conn.execute(assessment_entries.insert(), [
                            {**row, "assessment_id": new_id, "task_id": tid, "updated_at": stamp}
                            for tid, row in wanted.items()])
                return self.get(new_id), True
            except IntegrityError:
                continue
        raise RuntimeError("Không ghi được bản tự đánh giá nhập từ tệp; vui lòng thử lại.")


def _entry_row(values: dict) -> dict:
    """An entry as stored: every field present, text as text, the flag as a bool."""
    row = {f: values.get(f) for f in ENTRY_FIELDS}
    for f in ENTRY_FIELDS:
        if f not in ("rating", "central_issued"):
            row[f] = row[f] or ""
    row["central_issued"] = bool(row["central_issued"])
    return row


def _blank(row: dict) -> bool:
    return row["rating"] is None and not row["central_issued"] and not any(
        row[f] for f in ENTRY_FIELDS if f not in ("rating", "central_issued"))


class SessionStore:
    """Workshop sessions: a join code, the questions everyone gets, open or closed."""

    def __init__(self, store: Store):
        self.store = store
        self.engine = store.engine

    def create(self, title: str, topic: str, mode: str, question_ids: list[str], time_limit_s: int | None,
               show_rank: bool, tie_break_time: bool) -> SessionRecord:
        title = squash(unicodedata.normalize("NFC", title or ""))
        if not title:
            raise InputError("Vui lòng nhập tên buổi tập huấn.")
        if len(title) > 200:
            raise InputError("Tên buổi tập huấn quá dài (tối đa 200 ký tự).")
        for _ in range(20):
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))
            try:
                with self.engine.begin() as conn:
                    conn.execute(workshop_sessions.insert().values(
                        code=code, title=title, topic=topic, mode=mode, time_limit_s=time_limit_s,
                        show_rank=show_rank, tie_break_time=tie_break_time, question_ids=json.dumps(question_ids),
                        status="open", created_at=now()))
                return self.get(code)
            except IntegrityError:
                continue
        raise RuntimeError("Không tạo được mã phiên; vui lòng thử lại.")

    def get(self, code: str) -> SessionRecord | None:
        code = (code or "").strip().upper()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(workshop_sessions).where(workshop_sessions.c.code == code)).first()
        if row is None:
            return None
        return SessionRecord(row.code, row.title, row.topic, row.mode, row.time_limit_s, row.show_rank,
                             row.tie_break_time, tuple(json.loads(row.question_ids)), row.status,
                             _aware(row.created_at), _aware(row.closed_at))

    def close(self, code: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(workshop_sessions.update().where(workshop_sessions.c.code == code,
                                                          workshop_sessions.c.status == "open")
                         .values(status="closed", closed_at=now()))

    def all(self) -> list[SessionRecord]:
        with self.engine.connect() as conn:
            codes = conn.execute(sa.select(workshop_sessions.c.code)
                                 .order_by(workshop_sessions.c.created_at.desc())).scalars().all()
        return [self.get(c) for c in codes]

    def attempts(self, code: str) -> list[dict]:
        """Every attempt of a session with its participant, answered count and points."""
        q = (sa.select(attempts.c.id, attempts.c.started_at, attempts.c.finished_at, participants.c.id.label("pid"),
                       participants.c.name, participants.c.unit_key,
                       sa.func.count(responses.c.id).label("answered"),
                       sa.func.coalesce(sa.func.sum(responses.c.points), 0).label("points"),
                       sa.func.max(responses.c.answered_at).label("last_answer"))
             .select_from(attempts.join(participants).outerjoin(responses))
             .where(attempts.c.session_code == code)
             .group_by(attempts.c.id, participants.c.id, participants.c.name, participants.c.unit_key)
             .order_by(attempts.c.id))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def responses(self, code: str) -> list[dict]:
        q = (sa.select(attempts.c.id.label("attempt_id"), participants.c.name, participants.c.unit_key,
                       responses.c.position, responses.c.question_id, responses.c.answer, responses.c.points,
                       responses.c.max_points, responses.c.answered_at)
             .select_from(responses.join(attempts).join(participants))
             .where(attempts.c.session_code == code).order_by(attempts.c.id, responses.c.position))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]


def _assessment(row) -> AssessmentRecord:
    return AssessmentRecord(row.id, row.unit_key, row.year, row.version, row.status, _aware(row.created_at),
                            _aware(row.submitted_at), row.submitted_by)


def _attempt(row) -> AttemptRecord:
    return AttemptRecord(row.id, row.token, row.participant_id, row.topic, row.mode, row.time_limit_s, row.seed,
                         tuple(json.loads(row.items)), row.session_code, _aware(row.started_at),
                         _aware(row.finished_at))
