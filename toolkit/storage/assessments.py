"""Self-assessments in the database: versions per unit and year, one entry per criterion.

The page has one name field, "Họ và tên người điền, người nộp": the person who fills a draft is the
one who submits it. So a draft keeps that name in the `submitted_by` column (`save_filler`, `filler`)
and a reload restores it; submitting writes the name given then. `AssessmentRecord.submitted_by`
stays None until the version is submitted, so reports and exported files never name a draft's
filler as its submitter.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.storage.records import (
    ENTRY_FIELDS,
    FIRST_PLAN,
    AssessmentLocked,
    AssessmentRecord,
    NotFound,
    as_aware,
    clean_name,
    now,
)
from toolkit.storage.schema import assessment_entries, assessments
from toolkit.storage.store import Store


class AssessmentStore:
    """Self-assessments of one plan's duties (`plan`, the plan's key): versions per unit and year, with one
    entry per criterion, saved on every change. A unit assesses each plan apart: the other plans' versions
    are neither read nor counted here."""

    def __init__(self, store: Store, plan: str = FIRST_PLAN):
        """Over a Store, or anything with its `.engine` (another plan's AssessmentStore)."""
        self.engine = store.engine
        self.plan = plan

    def _of(self, unit_key: str, year: int):
        return (assessments.c.plan == self.plan, assessments.c.unit_key == unit_key, assessments.c.year == year)

    def latest(self, unit_key: str, year: int) -> AssessmentRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(assessments).where(*self._of(unit_key, year))
                               .order_by(assessments.c.version.desc()).limit(1)).first()
        return _assessment(row) if row else None

    def versions(self, unit_key: str, year: int) -> list[AssessmentRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(assessments).where(*self._of(unit_key, year))
                                .order_by(assessments.c.version)).all()
        return [_assessment(r) for r in rows]

    def get(self, assessment_id: int) -> AssessmentRecord:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(assessments).where(assessments.c.id == assessment_id)).first()
        if row is None:
            raise NotFound(f"Không có bản tự đánh giá số {assessment_id}.")
        return _assessment(row)

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
                        created_at=now(), plan=self.plan)).inserted_primary_key[0]
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

    def save_filler(self, assessment_id: int, name: str | None) -> None:
        """Keep the name of the person filling a draft with it (blank: forget it); a submitted version refuses.

        The name is stored as `clean_name` gives it, so an invalid one raises InputError.
        """
        value = clean_name(name) if name and name.strip() else None
        with self.engine.begin() as conn:
            done = conn.execute(assessments.update().where(assessments.c.id == assessment_id,
                                                           assessments.c.status == "draft")
                                .values(submitted_by=value)).rowcount
        if not done:
            raise AssessmentLocked("Bản tự đánh giá này đã nộp; mọi thay đổi sẽ thuộc một phiên bản mới.")

    def filler(self, assessment_id: int) -> str:
        """The name kept with a draft ("" when none was given); a submitted version's submitter."""
        with self.engine.connect() as conn:
            name = conn.execute(sa.select(assessments.c.submitted_by)
                                .where(assessments.c.id == assessment_id)).scalar()
        return name or ""

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
        q = sa.select(assessments).where(assessments.c.status == "submitted", assessments.c.plan == self.plan)
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
             .where(assessments.c.status == "submitted", assessments.c.plan == self.plan)
             .where(~sa.exists().where(later.c.plan == assessments.c.plan, later.c.unit_key == assessments.c.unit_key,
                                       later.c.year == assessments.c.year, later.c.status == "submitted",
                                       later.c.version > assessments.c.version))
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
                        submitted_by=by, plan=self.plan)).inserted_primary_key[0]
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


def _assessment(row) -> AssessmentRecord:
    by = row.submitted_by if row.status == "submitted" else None  # a draft's is its filler's (`filler`)
    return AssessmentRecord(row.id, row.unit_key, row.year, row.version, row.status, as_aware(row.created_at),
                            as_aware(row.submitted_at), by, row.plan)
