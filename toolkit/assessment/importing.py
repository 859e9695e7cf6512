"""Importing the self-assessment files units send to Sở Tư pháp: check everything, then write all or nothing.

A unit exports its submitted assessment (`toolkit.assessment_report.report_json`, format
"pbgdpl-assessment" version 1, or the xlsx with sheets «Tự đánh giá» and «Thông tin») and sends it.
`read_assessment_file` checks a file completely against the plan, the unit registry and the
rating scale before anything is written, and reports every problem in Vietnamese with the file
and where in it (the JSON path and entry index, or the sheet and row of the xlsx).
`import_assessments` then stores each accepted file as a new submitted version in one
transaction; a rejected file writes nothing and does not stop the others in the same batch, and
a file whose content the newest submitted version already holds is skipped.

Derived fields in a file (role, points, maximum, totals) are not trusted: the plan and the
settings recompute them. They are compared with the file's only to warn when they differ.
"""

from __future__ import annotations

import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, STATUS, Settings, criteria_for
from toolkit.assessment.scoring import Entry, entry_problems, unit_history
from toolkit.datafile import DataError, Problem, display_name
from toolkit.plan.model import ROLES, Plan
from toolkit.storage.records import ENTRY_FIELDS, InputError, clean_name
from toolkit.vietnamese import VIETNAM, fold, number, squash

if TYPE_CHECKING:
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.records import AssessmentRecord


log = logging.getLogger("toolkit.assessment.importing")

FORMAT = "pbgdpl-assessment"
FORMAT_VERSION = 1
MAX_BYTES = {"json": 2_000_000, "xlsx": 5_000_000}
MAX_ENTRIES = 300  # the whole plan has fewer than 50 tasks; anything near this is not an assessment
MAX_XLSX_ROWS = 1_000
# Field -> longest accepted text: the same limits the self-assessment page enforces (toolkit.ui.assessment
# LIMITS); the single-line ones are the database's column sizes.
TEXT_LIMITS = {"reason": 2000, "evidence_number": 200, "evidence_date": 20, "evidence_text": 4000,
               "evidence_link": 500, "note": 2000}
MULTILINE = {"reason", "evidence_text", "note"}
ROOT_KEYS = {"format", "format_version", "plan", "unit", "year", "version", "status", "submitted_at",
             "submitted_by", "entries", "totals"}
ENTRY_KEYS = {"task_id", "role", "status", "points", "max_points", *ENTRY_FIELDS}
FIELD_LABELS = {"rating": "Mức đánh giá", "reason": "Lý do không áp dụng", "evidence_number": "Số/ký hiệu văn bản",
                "evidence_date": "Ngày", "evidence_text": "Mô tả minh chứng", "evidence_link": "Liên kết",
                "note": "Ghi chú", "central_issued": "Trung ương đã ban hành"}

# The xlsx written by toolkit.assessment_report.report_xlsx.
SHEET_ENTRIES = "Tự đánh giá"
SHEET_INFO = "Thông tin"
XLSX_COLUMNS = {"Mã nhiệm vụ": "task_id", "Tình trạng": "status", "Mức đánh giá": "rating",
                "Số/ký hiệu văn bản": "evidence_number", "Ngày": "evidence_date", "Mô tả minh chứng": "evidence_text",
                "Liên kết": "evidence_link", "Lý do không áp dụng": "reason", "Ghi chú": "note"}
XLSX_INFO = {"Kế hoạch": "plan", "Mã đơn vị": "unit", "Năm đánh giá": "year", "Phiên bản": "version",
             "Trạng thái": "status", "Nộp lúc": "submitted_at", "Người nộp": "submitted_by", "Tỷ lệ (%)": "percent"}
SUBMITTED_LABEL = "Đã nộp"


@dataclass(frozen=True)
class ImportProblem(Problem):
    """A problem in an imported file: the file, where in it (JSON path or sheet) and the row or line."""

    where: str = ""

    def __str__(self) -> str:
        if self.line and self.where:
            return f"{self.file}, dòng {self.line} ({self.where}): {self.message}"
        if self.line or self.where:
            return f"{self.file}, {f'dòng {self.line}' if self.line else self.where}: {self.message}"
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class ImportedAssessment:
    """A checked file, ready to store: nothing in it contradicts the plan, the registry or the scale."""

    file: str
    kind: str  # "json" | "xlsx"
    unit_key: str
    unit_name: str
    year: int
    version: int | None
    submitted_at: datetime
    submitted_by: str
    entries: Mapping[str, Entry]
    file_percent: float | None = None  # the total the file states, to compare with the recomputed one
    notes: tuple[str, ...] = ()  # harmless discrepancies worth a line in the report

    def entry_values(self) -> dict[str, dict]:
        return {tid: {f: getattr(e, f) for f in ENTRY_FIELDS} for tid, e in self.entries.items()}


# ---------------------------------------------------------------- reading


def read_assessment_file(path: Path | str, plan: Plan, settings: Settings) -> ImportedAssessment:
    """Read and check one file (.json or .xlsx); raise DataError with every problem found.

    >>> read_assessment_file("tests/data/imports/valid.json", load_plan(), settings).unit_key   # doctest: +SKIP
    'quan_ba_dinh'
    """
    path = Path(path)
    name = display_name(path)
    try:
        size = path.stat().st_size
        limit = max(MAX_BYTES.values())
        if size > limit:
            raise DataError([ImportProblem(name, None, _too_big(size, limit))])
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError([ImportProblem(name, None, "Không tìm thấy tệp.")]) from None
    except IsADirectoryError:
        raise DataError([ImportProblem(name, None, "Đây là thư mục, không phải tệp.")]) from None
    except OSError as exc:
        raise DataError([ImportProblem(name, None, f"Không đọc được tệp ({exc.strerror or exc}).")]) from None
    return read_assessment_bytes(name, data, plan, settings)


def read_assessment_bytes(name: str, data: bytes, plan: Plan, settings: Settings) -> ImportedAssessment:
    """Check a file received as bytes (an upload); `name` is only used to tell the format and in messages."""
    kind = _kind(name, data)
    if kind is None:
        raise DataError([ImportProblem(name, None, "Chỉ nhận tệp tự đánh giá dạng .json hoặc .xlsx "
                                                   "(xuất từ trang «Tự đánh giá» của bộ công cụ).")])
    if len(data) > MAX_BYTES[kind]:
        raise DataError([ImportProblem(name, None, _too_big(len(data), MAX_BYTES[kind]))])
    if kind == "json":
        raw, locate = _parse_json(name, data)
    else:
        raw, locate = _parse_xlsx(name, data, settings)
    return _Checker(name, kind, plan, settings, locate).check(raw)


def _too_big(size: int, limit: int) -> str:
    return f"Tệp quá lớn ({size / 1e6:.1f} MB; tối đa {limit / 1e6:.0f} MB) — không phải tệp tự đánh giá."


def _kind(name: str, data: bytes) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix:
        return None
    return "xlsx" if data[:2] == b"PK" else "json"


def _json_where(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _parse_json(name: str, data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([ImportProblem(name, line, "Tệp không phải UTF-8; hãy xuất lại tệp từ bộ công cụ.")]) from None

    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise _DuplicateKey(k)
            out[k] = v
        return out

    def constant(value):
        raise ValueError(value)

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        # Cut short: the error is on the last line, or a string never closes.
        ended = "\n" not in text[exc.pos:].strip() or exc.msg.startswith("Unterminated string")
        why = ("tệp kết thúc giữa chừng — có thể tệp bị cắt cụt khi tải hoặc gửi" if ended
               else f"sai cú pháp ở cột {exc.colno} — có thể tệp đã bị sửa tay")
        raise DataError([ImportProblem(name, exc.lineno, f"Tệp không phải JSON hợp lệ: {why}.")]) from None
    except _DuplicateKey as exc:
        raise DataError([ImportProblem(name, None, f"Khóa «{exc.args[0]}» xuất hiện hai lần trong cùng một đối tượng "
                                                   "JSON; không biết giá trị nào đúng.")]) from None
    except (ValueError, RecursionError):
        raise DataError([ImportProblem(name, None, "Tệp JSON có giá trị không hợp lệ (NaN, Infinity hoặc lồng quá "
                                                   "sâu).")]) from None
    return doc, lambda path: (_json_where(path), None)


class _DuplicateKey(Exception):
    pass


def _parse_xlsx(name: str, data: bytes, settings: Settings):
    """The xlsx read into the same shape as the JSON, remembering the sheet and row of every value."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        log.info("Unreadable xlsx %s: %r", name, exc)
        raise DataError([ImportProblem(name, None, "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải "
                                                   "định dạng Excel 2007 trở lên.")]) from None
    except Exception as exc:  # openpyxl raises many types for malformed packages
        log.info("Unreadable xlsx %s: %r", name, exc)
        raise DataError([ImportProblem(name, None, "Không đọc được tệp Excel (.xlsx): tệp hỏng.")]) from None
    try:
        missing = [s for s in (SHEET_ENTRIES, SHEET_INFO) if s not in wb.sheetnames]
        if missing:
            raise DataError([ImportProblem(name, None, f"Thiếu trang «{s}» — tệp không phải bản tự đánh giá xuất từ "
                                                       "bộ công cụ.") for s in missing])
        info, info_rows = _xlsx_info(wb[SHEET_INFO])
        entries, entry_rows, columns, problems = _xlsx_entries(name, wb[SHEET_ENTRIES], settings)
    finally:
        wb.close()
    if problems:
        raise DataError(problems)
    raw = {"format": FORMAT, "format_version": FORMAT_VERSION, "plan": info.get("plan"),
           "unit": {"key": info.get("unit")}, "year": _int_text(info.get("year")),
           "version": _int_text(info.get("version")), "status": info.get("status"),
           "submitted_at": info.get("submitted_at"), "submitted_by": info.get("submitted_by"),
           "entries": entries, "totals": {"percent": info.get("percent")}}

    def locate(path: tuple) -> tuple[str, int | None]:
        if path and path[0] == "entries" and len(path) > 1:
            column = next((c for c, f in XLSX_COLUMNS.items() if len(path) > 2 and f == path[2]), None)
            where = f"trang «{SHEET_ENTRIES}»" + (f", cột «{column}»" if column else "")
            return where, entry_rows[path[1]]
        if path and path[0] == "entries":
            return f"trang «{SHEET_ENTRIES}»", None
        label = next((k for k, v in XLSX_INFO.items() if path and v == path[0]), None)
        if label is None:
            return f"trang «{SHEET_INFO}»", None
        return f"trang «{SHEET_INFO}», mục «{label}»", info_rows.get(path[0])

    return raw, locate


def _int_text(value):
    """Years and versions come back from the sheet as text ("2022") or numbers (2022.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_info(ws) -> tuple[dict, dict]:
    """Label → value from the two-column «Thông tin» sheet, and the row of each."""
    labels = {fold(k): v for k, v in XLSX_INFO.items()}
    info, rows = {}, {}
    for i, row in enumerate(ws.iter_rows(max_row=60, max_col=2, values_only=True), start=1):
        if not row or row[0] is None:
            continue
        key = labels.get(fold(str(row[0])))
        if key is not None and key not in info:
            info[key] = _cell_text(row[1] if len(row) > 1 else None)
            rows[key] = i
    return info, rows


def _xlsx_entries(name: str, ws, settings: Settings):
    """Rows of «Tự đánh giá» as JSON-like entries; the rating label read back to its key."""
    by_label = {fold(r.label): r.key for r in settings.scale} | {fold(r.key): r.key for r in settings.scale}
    where = f"trang «{SHEET_ENTRIES}»"
    rows = ws.iter_rows(max_row=MAX_XLSX_ROWS + 1, max_col=40, values_only=True)
    header = next(rows, None)
    heads = {fold(str(h)): i for i, h in enumerate(header or ()) if h is not None}
    columns = {f: heads.get(fold(label)) for label, f in XLSX_COLUMNS.items()}
    absent = [label for label, f in XLSX_COLUMNS.items() if columns[f] is None]
    if absent:
        return [], [], columns, [ImportProblem(name, 1, f"Thiếu cột {', '.join(f'«{a}»' for a in absent)}.", where)]
    entries, entry_rows, problems = [], [], []
    for line_no, row in enumerate(rows, start=2):
        if line_no > MAX_XLSX_ROWS:
            problems.append(ImportProblem(name, line_no, f"Trang có quá nhiều dòng (tối đa {MAX_XLSX_ROWS}).", where))
            break
        values = {f: _cell_text(row[i]) if i < len(row) else None for f, i in columns.items()}
        if all(v is None or not str(v).strip() for v in values.values()):
            continue  # blank rows at the end of a sheet are normal
        label = values.pop("rating")
        if label is None or fold(label) == fold(NOT_RATED):
            values["rating"] = None
        elif fold(label) in by_label:
            values["rating"] = by_label[fold(label)]
        else:
            values["rating"] = _BadLabel(label)
        values = {k: ("" if v is None and k != "rating" else v) for k, v in values.items()}
        entries.append(values)
        entry_rows.append(line_no)
    return entries, entry_rows, columns, problems


class _BadLabel(str):
    """A rating label from the xlsx that is not on the scale (kept to name it in the message)."""


# ---------------------------------------------------------------- checking


class _Checker:
    """Collects every problem of one document, then builds the ImportedAssessment or raises."""

    def __init__(self, name: str, kind: str, plan: Plan, settings: Settings, locate):
        self.name, self.kind, self.plan, self.settings, self.locate = name, kind, plan, settings, locate
        self.problems: list[ImportProblem] = []
        self.notes: list[str] = []

    def add(self, path: tuple, message: str) -> None:
        where, line = self.locate(path)
        self.problems.append(ImportProblem(self.name, line, message, where))

    def fail(self) -> None:
        if self.problems:
            raise DataError(self.problems)

    # -- the whole document
    def check(self, doc) -> ImportedAssessment:
        if not isinstance(doc, dict):
            self.add((), "Tệp phải là một đối tượng JSON {…} của bản tự đánh giá.")
            self.fail()
        if doc.get("format") != FORMAT:
            self.add(("format",), f"Không phải tệp tự đánh giá của bộ công cụ (cần \"format\": \"{FORMAT}\", "
                                  f"gặp {_shown(doc.get('format'))}).")
            self.fail()
        version = doc.get("format_version")
        if version != FORMAT_VERSION or isinstance(version, bool):
            newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
            self.add(("format_version",), f"Phiên bản định dạng {_shown(version)} "
                     + ("mới hơn phần mềm; hãy cập nhật bộ công cụ." if newer
                        else f"không được hỗ trợ (cần {FORMAT_VERSION})."))
            self.fail()
        for key in sorted(set(doc) - ROOT_KEYS):
            self.add((key,), f"Trường không có trong định dạng: «{key}».")

        number = doc.get("plan")
        if not isinstance(number, str) or self.plan.info.number not in number:
            self.add(("plan",), f"Tệp thuộc kế hoạch {_shown(number)}, không phải Kế hoạch số {self.plan.info.number}.")
        unit_key, year = self._unit_and_year(doc)
        status = doc.get("status")
        if status not in ("submitted", SUBMITTED_LABEL):
            self.add(("status",), f"Bản tự đánh giá chưa được nộp (trạng thái {_shown(status)}); đơn vị cần bấm "
                                  "«Nộp» rồi xuất lại tệp.")
        by = self._submitted_by(doc.get("submitted_by"))
        at = self._submitted_at(doc.get("submitted_at"))
        fversion = doc.get("version")
        if fversion is not None and (not isinstance(fversion, int) or isinstance(fversion, bool) or fversion < 1):
            self.add(("version",), f"Phiên bản {_shown(fversion)} không hợp lệ (cần số nguyên từ 1).")
            fversion = None
        percent = self._file_percent(doc.get("totals"))
        entries = self._entries(doc.get("entries"), unit_key, year)
        self.fail()
        unit = self.plan.unit(unit_key)
        return ImportedAssessment(self.name, self.kind, unit_key, unit.name, year, fversion, at, by, entries,
                                  percent, tuple(self.notes))

    def _unit_and_year(self, doc) -> tuple[str | None, int | None]:
        unit = doc.get("unit")
        key = unit.get("key") if isinstance(unit, dict) else None
        if isinstance(unit, dict):
            for k in sorted(set(unit) - {"key", "name"}):
                self.add(("unit", k), f"Trường không có trong định dạng: «unit.{k}».")
        if not isinstance(key, str) or key not in self.plan.units:
            self.add(("unit", "key") if isinstance(unit, dict) else ("unit",),
                     f"Mã đơn vị {_shown(key)} không có trong danh mục đơn vị.")
            key = None
        elif isinstance(unit.get("name"), str) and squash(_nfc(unit["name"])) != self.plan.unit(key).name:
            self.notes.append(f"Tên đơn vị trong tệp («{squash(_nfc(unit['name']))}») khác danh mục; "
                              f"dùng tên trong danh mục: {self.plan.unit(key).name}.")
        year = doc.get("year")
        info = self.plan.info
        if not isinstance(year, int) or isinstance(year, bool):
            self.add(("year",), f"Năm đánh giá {_shown(year)} không phải một năm.")
            return key, None
        if not info.period_start <= year <= info.period_end:
            self.add(("year",), f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({info.period_start}–{info.period_end}).")
            return key, None
        if key is not None and not self.plan.unit(key).active_in(year):
            u = self.plan.unit(key)
            span = f"từ {u.valid_from:%d/%m/%Y}" + (f" đến {u.valid_to:%d/%m/%Y}" if u.valid_to else "")
            self.add(("year",), f"{u.name} không hoạt động trong năm {year} (hoạt động {span}).")
            return key, None
        return key, year

    def _submitted_by(self, value) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(("submitted_by",), "Thiếu tên người nộp bản tự đánh giá.")
            return ""
        try:
            return clean_name(_nfc(value))
        except InputError as exc:
            self.add(("submitted_by",), f"Tên người nộp không hợp lệ: {exc}")
            return ""

    def _submitted_at(self, value) -> datetime:
        if value is None or value == "":
            self.add(("submitted_at",), "Thiếu thời điểm nộp.")
            return datetime.now(timezone.utc)
        when = _parse_time(value) if isinstance(value, str) else None
        if when is None:
            self.add(("submitted_at",), f"Thời điểm nộp {_shown(value)} không đọc được "
                                        "(cần dạng 2024-01-15T09:30:00+07:00 hoặc 09:30 15/01/2024).")
            return datetime.now(timezone.utc)
        if when > datetime.now(timezone.utc) + timedelta(days=1):
            self.add(("submitted_at",), f"Thời điểm nộp {value} ở tương lai.")
        return when

    def _file_percent(self, totals) -> float | None:
        if totals is None:
            return None
        if not isinstance(totals, dict):
            self.add(("totals",), "«totals» phải là một đối tượng JSON.")
            return None
        value = totals.get("percent")
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                return None
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    # -- entries
    def _entries(self, items, unit_key: str | None, year: int | None) -> dict[str, Entry]:
        if not isinstance(items, list):
            self.add(("entries",), "«entries» phải là danh sách các tiêu chí.")
            return {}
        if len(items) > MAX_ENTRIES:
            self.add(("entries",), f"Quá nhiều tiêu chí ({len(items)}; tối đa {MAX_ENTRIES}).")
            return {}
        raw: dict[str, tuple[int, dict]] = {}
        file_status: dict[str, str] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.add(("entries", i), f"Tiêu chí thứ {i + 1} phải là một đối tượng JSON.")
                continue
            tid = item.get("task_id")
            if not isinstance(tid, str) or not tid.strip():
                self.add(("entries", i, "task_id"), f"Tiêu chí thứ {i + 1} thiếu mã nhiệm vụ.")
                continue
            tid = squash(_nfc(tid))
            if tid in raw:
                self.add(("entries", i, "task_id"), f"Nhiệm vụ {tid} xuất hiện hai lần (lần đầu ở "
                                                    f"{self._place(raw[tid][0])}); không biết lần nào đúng.")
                continue
            values = self._entry_values(i, tid, item)
            if values is None:
                continue
            raw[tid] = (i, values)
            if isinstance(item.get("status"), str):
                file_status[tid] = _status_key(item["status"])

        if unit_key is None or year is None:
            return {}  # which tasks belong to the unit cannot be known; the header problems say why
        # The file's deadline status says what the unit's own history knew: a scheme the central level
        # issued in an earlier year, a dated duty completed in an earlier year. Checking against it judges
        # the entries as the unit's page did.
        issued = {t for t, (_, v) in raw.items() if v["central_issued"]}
        issued |= {t for t, s in file_status.items() if s in ("due", "overdue")
                   and self.plan.has_task(t) and self.plan.task(t).deadline.kind == "after_central"}
        done = {t: year - 1 for t, s in file_status.items() if s == "done_earlier"}
        criteria = {c.id: c for c in criteria_for(self.plan, self.settings, unit_key, year, central_issued=issued,
                                                  completed=done)}
        unit_name = self.plan.unit(unit_key).name
        out = {}
        for tid, (i, values) in raw.items():
            c = criteria.get(tid)
            if c is None:
                known = self.plan.has_task(tid)
                self.add(("entries", i, "task_id"),
                         f"Nhiệm vụ {tid} " + (f"không giao cho {unit_name}" if known else "không có trong Kế hoạch")
                         + f", nên không phải tiêu chí tự đánh giá của đơn vị năm {year}.")
                continue
            if issued and tid in issued and c.task.deadline.kind == "after_central":
                values["central_issued"] = True  # recorded so the city scores it as the unit did
            entry = Entry(**values)
            if isinstance(entry.rating, _BadLabel):
                continue  # already reported
            for message in entry_problems(c, entry, self.settings):
                self.add(("entries", i, "rating"), message if tid in message else f"Nhiệm vụ {tid}: {message}")
            if tid in file_status and file_status[tid] != c.status and file_status[tid] in STATUS:
                self.notes.append(f"Nhiệm vụ {tid}: tình trạng trong tệp «{STATUS[file_status[tid]]}», tính lại "
                                  f"«{STATUS[c.status]}».")
            out[tid] = entry
        return out

    def _place(self, index: int) -> str:
        where, line = self.locate(("entries", index))
        return f"dòng {line}" if line else where

    def _entry_values(self, i: int, tid: str, item: dict) -> dict | None:
        """The entry's fields, normalised (NFC, trimmed), or None when one of them is unusable."""
        ok = True
        for key in sorted(set(item) - ENTRY_KEYS):
            self.add(("entries", i, key), f"Nhiệm vụ {tid}: trường không có trong định dạng: «{key}».")
            ok = False
        values: dict = {}
        rating = item.get("rating")
        if isinstance(rating, _BadLabel):
            labels = "; ".join(r.label for r in self.settings.scale)
            self.add(("entries", i, "rating"), f"Mức đánh giá «{rating}» không có trong thang điểm (nhiệm vụ {tid}; "
                                               f"các mức: {labels}).")
            values["rating"] = rating
        elif rating is not None and (not isinstance(rating, str) or rating not in self.settings.rating_keys):
            keys = ", ".join(self.settings.rating_keys)
            self.add(("entries", i, "rating"), f"Mức đánh giá {_shown(rating)} không có trong thang điểm "
                                               f"(nhiệm vụ {tid}; các mức: {keys}).")
            ok = False
        else:
            values["rating"] = rating
        for key, limit in TEXT_LIMITS.items():
            value = item.get(key, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                self.add(("entries", i, key), f"Nhiệm vụ {tid}: «{FIELD_LABELS[key]}» phải là văn bản.")
                ok = False
                continue
            value = _nfc(value).strip()
            if key not in MULTILINE:
                value = squash(value)
            bad = _control(value, allow_newlines=key in MULTILINE)
            if bad:
                self.add(("entries", i, key), f"Nhiệm vụ {tid}: «{FIELD_LABELS[key]}» có ký tự điều khiển "
                                              f"không hợp lệ (U+{ord(bad):04X}).")
                ok = False
            if len(value) > limit:
                self.add(("entries", i, key), f"Nhiệm vụ {tid}: «{FIELD_LABELS[key]}» quá dài ({len(value)} ký tự; "
                                              f"tối đa {limit}).")
                ok = False
            values[key] = value
        if ok and values["evidence_date"] and _parse_date(values["evidence_date"]) is None:
            self.add(("entries", i, "evidence_date"), f"Nhiệm vụ {tid}: ngày văn bản «{values['evidence_date']}» "
                                                      "không đọc được (cần dạng 2024-01-15 hoặc 15/01/2024).")
            ok = False
        link = values.get("evidence_link", "")
        if ok and link and not re.fullmatch(r"https?://\S+", link, flags=re.IGNORECASE):
            self.add(("entries", i, "evidence_link"), f"Nhiệm vụ {tid}: liên kết minh chứng phải bắt đầu bằng "
                                                      "http:// hoặc https:// và không có dấu cách.")
            ok = False
        flag = item.get("central_issued", False)
        if not isinstance(flag, bool):
            self.add(("entries", i, "central_issued"), f"Nhiệm vụ {tid}: «central_issued» phải là true hoặc false.")
            ok = False
        values["central_issued"] = bool(flag)
        role = item.get("role")
        if role is not None and role not in ROLES and role not in ROLES.values():
            self.add(("entries", i, "role"), f"Nhiệm vụ {tid}: vai trò {_shown(role)} không hợp lệ.")
            ok = False
        status = item.get("status")
        if status is not None and _status_key(status) not in STATUS:
            self.add(("entries", i, "status"), f"Nhiệm vụ {tid}: tình trạng {_shown(status)} không hợp lệ.")
            ok = False
        for key in ("points", "max_points"):
            v = item.get(key)
            if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)):
                self.add(("entries", i, key), f"Nhiệm vụ {tid}: «{key}» phải là một số.")
                ok = False
        return values if ok else None


def _status_key(value) -> str:
    """A status key ("due") or its label as the xlsx writes it ("Đến hạn trong năm")."""
    if not isinstance(value, str):
        return ""
    labels = {fold(v): k for k, v in STATUS.items()}
    return value if value in STATUS else labels.get(fold(value), value)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _control(text: str, allow_newlines: bool) -> str | None:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return next((ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed), None)


def _shown(value) -> str:
    if value is None:
        return "(trống)"
    text = str(value)
    return f"«{text[:60]}{'…' if len(text) > 60 else ''}»"


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> datetime | None:
    """ISO 8601 (the JSON) or "HH:MM dd/mm/YYYY" in Việt Nam time (the xlsx); naive times are Việt Nam time."""
    text = text.strip()
    when = None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%H:%M %d/%m/%Y", "%H:%M:%S %d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                when = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=VIETNAM)
    return when.astimezone(timezone.utc)


# ---------------------------------------------------------------- importing


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: "imported", "unchanged" (already held) or "rejected"."""

    file: str
    outcome: str
    message: str
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    unit_key: str | None = None
    year: int | None = None
    record: "AssessmentRecord | None" = None

    @property
    def ok(self) -> bool:
        return self.outcome != "rejected"


@dataclass(frozen=True)
class ImportReport:
    results: tuple[FileResult, ...] = field(default_factory=tuple)

    @property
    def rejected(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.results if r.outcome == "rejected")

    @property
    def imported(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.results if r.outcome == "imported")

    def lines(self) -> list[str]:
        """The report as plain lines (the CLI prints them)."""
        out = []
        for r in self.results:
            out.append(r.message)
            out.extend(f"  - {p}" for p in r.problems)
            out.extend(f"  · {n}" for n in r.notes)
        return out


def import_assessments(sources: Iterable, plan: Plan, settings: Settings,
                       astore: "AssessmentStore") -> ImportReport:
    """Check and store each file; a bad file is refused whole and the others still go in.

    `sources` are paths, or (name, bytes) pairs for uploads.
    """
    results = []
    for source in sources:
        results.append(_import_one(source, plan, settings, astore))
    return ImportReport(tuple(results))


def _import_one(source, plan: Plan, settings: Settings, astore: "AssessmentStore") -> FileResult:
    name = display_name(Path(source)) if not isinstance(source, tuple) else source[0]
    try:
        if isinstance(source, tuple):
            imported = read_assessment_bytes(source[0], bytes(source[1]), plan, settings)
        else:
            imported = read_assessment_file(source, plan, settings)
    except DataError as exc:
        return FileResult(name, "rejected", f"Từ chối {name}: {len(exc.problems)} lỗi; không ghi gì từ tệp này.",
                          tuple(exc.problems))
    except Exception:
        log.exception("Reading %s failed", name)
        return FileResult(name, "rejected", f"Từ chối {name}: không đọc được tệp do lỗi chương trình; không ghi gì "
                                            "từ tệp này.")
    try:
        before = astore.latest(imported.unit_key, imported.year)
        record, created = astore.import_submitted(imported.unit_key, imported.year, imported.entry_values(),
                                                  imported.submitted_by, imported.submitted_at)
    except Exception:
        log.exception("Storing %s failed", name)
        return FileResult(name, "rejected", f"Không ghi được {name} vào cơ sở dữ liệu; không có gì thay đổi. "
                                            "Vui lòng thử lại.", unit_key=imported.unit_key, year=imported.year)
    what = f"{imported.unit_name}, năm {imported.year}"
    if not created:
        return FileResult(name, "unchanged", f"Bỏ qua {name}: {what} — nội dung trùng với phiên bản {record.version} "
                                             "đã nộp; không ghi thêm.", notes=imported.notes,
                          unit_key=imported.unit_key, year=imported.year, record=record)
    notes = list(imported.notes)
    if before is not None and not before.submitted:
        notes.append(f"Đơn vị đang có bản nháp (phiên bản {before.version}) trên máy chủ; bản nhập từ tệp là phiên "
                     f"bản mới nhất ({record.version}).")
    percent = _stored_percent(plan, settings, astore, imported)
    if percent is not None and imported.file_percent is not None and abs(percent - imported.file_percent) > 0.01:
        notes.append(f"Tỷ lệ điểm tính lại ở Sở ({number(percent)}%) khác tỷ lệ ghi trong tệp ({number(imported.file_percent)}%)"
                     ": Sở chưa có đủ bản tự đánh giá các năm trước của đơn vị, hoặc thiết lập thang điểm đã thay đổi.")
    score = f", tỷ lệ điểm {number(percent)}%" if percent is not None else ""
    return FileResult(name, "imported", f"Đã nhập {name}: {what} — phiên bản {record.version}, "
                                        f"{sum(e.rating is not None for e in imported.entries.values())} tiêu chí đã "
                                        f"đánh giá{score}.", notes=tuple(notes),
                      unit_key=imported.unit_key, year=imported.year, record=record)


def _stored_percent(plan: Plan, settings: Settings, astore: "AssessmentStore",
                    imported: ImportedAssessment) -> float | None:
    """The percent the city now computes for this unit and year (with the history the city holds)."""
    from toolkit.assessment.city import unit_score

    try:
        return unit_score(plan, settings, unit_history(astore, imported.unit_key), imported.unit_key,
                          imported.year, imported.entries).percent
    except Exception:
        log.exception("Scoring the import of %s failed", imported.file)
        return None
