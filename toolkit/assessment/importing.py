"""Importing the self-assessment files units send to Sở Tư pháp: check everything, then write all or nothing.

A unit exports its submitted assessment (`toolkit.assessment.report.report_json`, the exchange format of
`toolkit.assessment.exchange`, or the xlsx with sheets “Tự đánh giá” and “Thông tin”) and sends it.
`read_assessment_file` checks a file completely before anything is written: its structure against the
exchange JSON Schema (the xlsx is read into the same shape first), then the plan, the unit registry, the
rating scale and the entry rules the self-assessment page applies too (`toolkit.assessment.entry`). It
reports every problem in Vietnamese with the file and where in it (the JSON path and entry index, or the
sheet and row of the xlsx).
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
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from toolkit.assessment import exchange
from toolkit.assessment.criteria import NOT_RATED, STATUS, Settings, criteria_for, inactive_message
from toolkit.assessment.entry import FIELDS, LABELS, TEXT_LIMITS, Entry, clean_entry, validate_entry
from toolkit.assessment.exchange import FORMAT, FORMAT_VERSION
from toolkit.assessment.report import CODE_LABEL, STATE
from toolkit.assessment.scoring import unit_history
from toolkit.datafile import DataError, Problem, display_name, schema_errors
from toolkit.plan.model import Plan
from toolkit.plan.naming import names_number, plan_numbered
from toolkit.storage.records import InputError, clean_name
from toolkit.vietnamese import VIETNAM, fold, megabytes, number, squash

if TYPE_CHECKING:
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.records import AssessmentRecord


log = logging.getLogger("toolkit.assessment.importing")

MAX_BYTES = {"json": 2_000_000, "xlsx": 5_000_000}
MAX_XLSX_ROWS = 1_000

# The xlsx written by toolkit.assessment.report.report_xlsx: header -> field. The entry fields' headers are
# their labels (toolkit.assessment.entry.LABELS); "Trung ương đã ban hành" has no column: “Tình trạng” says it.
SHEET_ENTRIES = "Tự đánh giá"
SHEET_INFO = "Thông tin"
XLSX_COLUMNS = {"Mã nhiệm vụ": "task_id", "Tình trạng": "status",
                **{LABELS[f]: f for f in FIELDS if f != "central_issued"}}
XLSX_INFO = {"Kế hoạch": "plan", "Mã đơn vị": "unit", CODE_LABEL: "code", "Năm đánh giá": "year", "Phiên bản": "version",
             "Trạng thái": "status", "Nộp lúc": "submitted_at", "Người nộp": "submitted_by", "Tỷ lệ (%)": "percent"}


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
        return {tid: {f: getattr(e, f) for f in FIELDS} for tid, e in self.entries.items()}


# ---------------------------------------------------------------- reading


def read_assessment_file(path: Path | str, plan: Plan, settings: Settings) -> ImportedAssessment:
    """Read and check one file (.json or .xlsx); raise DataError with every problem found.

    >>> from toolkit.assessment.criteria import load_settings
    >>> from toolkit.paths import REPO_ROOT
    >>> plan = load_plan()
    >>> read_assessment_file(REPO_ROOT / "tests/data/imports/valid.json", plan, load_settings(plan)).unit_key
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
                                                   "(xuất từ trang “Tự đánh giá” của bộ công cụ).")])
    if len(data) > MAX_BYTES[kind]:
        raise DataError([ImportProblem(name, None, _too_big(len(data), MAX_BYTES[kind]))])
    if kind == "json":
        raw, locate = _parse_json(name, data)
    else:
        raw, locate = _parse_xlsx(name, data, settings)
    return _check(name, kind, raw, locate, plan, settings)


def _too_big(size: int, limit: int) -> str:
    return f"Tệp quá lớn ({megabytes(size)} MB; tối đa {megabytes(limit)} MB) — không phải tệp tự đánh giá."


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
        raise DataError([ImportProblem(name, None, f"Khóa “{exc.args[0]}” xuất hiện hai lần trong cùng một đối tượng "
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
            raise DataError([ImportProblem(name, None, f"Thiếu trang “{s}” — tệp không phải bản tự đánh giá xuất từ "
                                                       "bộ công cụ.") for s in missing])
        info, info_rows = _xlsx_info(wb[SHEET_INFO])
        entries, entry_rows, columns, problems = _xlsx_entries(name, wb[SHEET_ENTRIES], settings)
    finally:
        wb.close()
    if problems:
        raise DataError(problems)

    def locate(path: tuple) -> tuple[str, int | None]:
        if path and path[0] == "entries" and len(path) > 1:
            column = next((c for c, f in XLSX_COLUMNS.items() if len(path) > 2 and f == path[2]), None)
            where = f"trang “{SHEET_ENTRIES}”" + (f", cột “{column}”" if column else "")
            return where, entry_rows[path[1]]
        if path and path[0] == "entries":
            return f"trang “{SHEET_ENTRIES}”", None
        label = next((k for k, v in XLSX_INFO.items() if path and v == path[0]), None)
        if label is None:
            return f"trang “{SHEET_INFO}”", None
        return f"trang “{SHEET_INFO}”, mục “{label}”", info_rows.get(path[0])

    return _as_exchange(info, entries), locate


def _as_exchange(info: dict, entries: list[dict]) -> dict:
    """The sheets' values in the exchange file's terms (keys, not the sheet's labels), so the same schema and
    checks apply; a value the sheet lacks is left out, and the schema names what is missing."""
    states = {fold(label): key for key, label in STATE.items()}
    status = info.get("status")
    raw = {"format": FORMAT, "format_version": FORMAT_VERSION, "plan": info.get("plan"),
           "unit": ({"key": info["unit"], **({"code": info["code"]} if info.get("code") else {})}
                    if info.get("unit") is not None else {}), "year": _int_text(info.get("year")),
           "version": _int_text(info.get("version")), "status": states.get(fold(status), status) if status else None,
           "submitted_at": info.get("submitted_at"), "submitted_by": info.get("submitted_by"),
           "entries": entries, "totals": {"percent": _percent_text(info.get("percent"))}}
    return {k: v for k, v in raw.items() if v is not None or k in ("submitted_at", "submitted_by", "version")}


def _int_text(value):
    """Years and versions come back from the sheet as text ("2022") or numbers (2022.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _percent_text(value) -> float | None:
    """The sheet's “Tỷ lệ (%)” ("25,81"); only compared with the recomputed total, so unreadable is None."""
    try:
        return float(str(value).replace(",", ".")) if value is not None else None
    except ValueError:
        return None


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
    """Label → value from the two-column “Thông tin” sheet, and the row of each."""
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
    """Rows of “Tự đánh giá” as JSON-like entries; the rating label read back to its key."""
    by_label = {fold(r.label): r.key for r in settings.scale} | {fold(r.key): r.key for r in settings.scale}
    where = f"trang “{SHEET_ENTRIES}”"
    rows = ws.iter_rows(max_row=MAX_XLSX_ROWS + 1, max_col=40, values_only=True)
    header = next(rows, None)
    heads = {fold(str(h)): i for i, h in enumerate(header or ()) if h is not None}
    columns = {f: heads.get(fold(label)) for label, f in XLSX_COLUMNS.items()}
    absent = [label for label, f in XLSX_COLUMNS.items() if columns[f] is None]
    if absent:
        return [], [], columns, [ImportProblem(name, 1, f"Thiếu cột {', '.join(f'“{a}”' for a in absent)}.", where)]
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
        values = {k: ("" if v is None and k not in ("rating", "status") else v) for k, v in values.items()}
        values["status"] = _status_key(values["status"])
        entries.append(values)
        entry_rows.append(line_no)
    return entries, entry_rows, columns, problems


def _status_key(value) -> str | None:
    """A status key ("due") or its label as the xlsx writes it ("Đến hạn trong năm"); anything else unchanged."""
    if not isinstance(value, str):
        return value
    labels = {fold(v): k for k, v in STATUS.items()}
    return value if value in STATUS else labels.get(fold(value), value)


class _BadLabel(str):
    """A rating label from the xlsx that is not on the scale (kept to name it in the message)."""


# ---------------------------------------------------------------- checking
# The exchange schema checks the structure (keys, types, the values a key may take); the code below checks
# what the schema cannot know: the plan, the unit registry, Sở Tư pháp's scale and the entry rules.


class _Problems:
    """The problems of one file, each placed where it is (the JSON path, or the sheet and row of the xlsx)."""

    def __init__(self, name: str, locate):
        self.name, self.locate = name, locate
        self.items: list[ImportProblem] = []

    def add(self, path: tuple, message: str) -> None:
        where, line = self.locate(path)
        self.items.append(ImportProblem(self.name, line, message, where))

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)


@dataclass
class _Read:
    """One entry of the file, read: where it is, the entry as it would be stored, the status the file states."""

    index: int
    entry: Entry
    status: str | None


def _check(name: str, kind: str, doc, locate, plan: Plan, settings: Settings) -> ImportedAssessment:
    """Collect every problem of one document, then build the ImportedAssessment or raise DataError."""
    problems, notes = _Problems(name, locate), []
    _check_format(doc, problems)
    problems.raise_if_any()  # not an assessment, or a version this toolkit cannot read: nothing else is worth saying
    broken = _check_structure(doc, problems)
    plan_number = doc.get("plan")
    if isinstance(plan_number, str) and not names_number(plan_number, plan.info.number):
        problems.add(("plan",), f"Tệp thuộc kế hoạch {_shown(plan_number)}, không phải {plan_numbered(plan)}.")
    unit_key = _unit_key(doc.get("unit"), plan, problems, notes)
    year = _year(doc.get("year"), unit_key, plan, problems)
    if doc.get("status") == "draft":
        problems.add(("status",), f"Bản tự đánh giá chưa được nộp (trạng thái {_shown(STATE['draft'])}); đơn vị cần "
                                  "bấm “Nộp” rồi xuất lại tệp.")
    by = _submitted_by(doc.get("submitted_by"), problems)
    at = _submitted_at(doc.get("submitted_at"), problems)
    entries = _check_entries(doc.get("entries"), broken, unit_key, year, plan, settings, problems, notes)
    problems.raise_if_any()
    version = doc.get("version")
    totals = doc.get("totals") or {}
    return ImportedAssessment(name, kind, unit_key, plan.unit(unit_key).name, year,
                              int(version) if _is_number(version) else None, at, by, entries,
                              float(totals["percent"]) if _is_number(totals.get("percent")) else None, tuple(notes))


def _check_format(doc, problems: _Problems) -> None:
    """Is it an assessment file of this toolkit, in the version this toolkit reads?"""
    if not isinstance(doc, dict):
        problems.add((), "Tệp phải là một đối tượng JSON {…} của bản tự đánh giá.")
    elif doc.get("format") != FORMAT:
        problems.add(("format",), f"Không phải tệp tự đánh giá của bộ công cụ (cần \"format\": \"{FORMAT}\", "
                                  f"gặp {_shown(doc.get('format'))}).")
    elif doc.get("format_version") != FORMAT_VERSION or isinstance(doc.get("format_version"), bool):
        version = doc.get("format_version")
        newer = _is_number(version) and version > FORMAT_VERSION
        problems.add(("format_version",), f"Phiên bản định dạng {_shown(version)} "
                     + ("mới hơn phần mềm; hãy cập nhật bộ công cụ." if newer
                        else f"không được hỗ trợ (cần {FORMAT_VERSION})."))


_ALL = -1  # in the set of broken entries: the list itself is broken


def _check_structure(doc: dict, problems: _Problems) -> set[int]:
    """Report what breaks the exchange schema; return the indexes of the entries it concerns."""
    items = doc.get("entries")
    broken = set()
    for err in schema_errors(doc, exchange.schema()):
        tid = _task_id_at(items, err.path)
        if err.validator == "additionalProperties":
            for key in err.keys:
                shown = key if err.path[:1] == ("entries",) else _json_where(err.path + (key,))
                problems.add(err.path + (key,), _in_task(tid, f"trường không có trong định dạng: “{shown}”."))
        else:
            problems.add(err.path + err.keys, _in_task(tid, err.message))
        if err.path[:1] == ("entries",):
            broken.add(err.path[1] if len(err.path) > 1 else _ALL)
    return broken


def _task_id_at(items, path: tuple) -> str | None:
    """The task id of the entry a path points into, when it has a usable one."""
    if path[:1] != ("entries",) or len(path) < 2 or not isinstance(items, list) or path[1] >= len(items):
        return None
    tid = items[path[1]].get("task_id") if isinstance(items[path[1]], dict) else None
    return squash(_nfc(tid)) if isinstance(tid, str) and tid.strip() else None


def _in_task(tid: str | None, message: str) -> str:
    """A message about one entry, naming its task first unless it already does."""
    if tid is None:
        return message[:1].upper() + message[1:]
    return message if message.startswith(f"Nhiệm vụ {tid}") else f"Nhiệm vụ {tid}: {message}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unit_key(unit, plan: Plan, problems: _Problems, notes: list[str]) -> str | None:
    key = unit.get("key") if isinstance(unit, dict) else None
    if not isinstance(key, str):
        return None  # the schema said why
    if key not in plan.units:
        problems.add(("unit", "key"), f"Mã đơn vị {_shown(key)} không có trong danh mục đơn vị.")
        return None
    code = unit.get("code")
    if isinstance(code, str) and code.strip() and squash(code) != (plan.unit(key).code or ""):
        want = plan.unit(key).code
        problems.add(("unit", "code"), f"Mã số đơn vị hành chính {_shown(code)} không khớp danh mục: "
                                       + (f"{plan.unit(key).name} có mã {want}." if want
                                          else f"{plan.unit(key).name} không có mã số đơn vị hành chính."))
        return None
    name = unit.get("name")
    if isinstance(name, str) and squash(_nfc(name)) != plan.unit(key).name:
        notes.append(f"Tên đơn vị trong tệp (“{squash(_nfc(name))}”) khác danh mục; "
                     f"dùng tên trong danh mục: {plan.unit(key).name}.")
    return key


def _year(value, unit_key: str | None, plan: Plan, problems: _Problems) -> int | None:
    """The year assessed, when the plan's period and the unit's years allow it."""
    if not _is_number(value) or not float(value).is_integer():
        return None  # the schema said why
    year, info = int(value), plan.info
    if not info.period_start <= year <= info.period_end:
        problems.add(("year",), f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({info.period_start}–{info.period_end}).")
        return None
    if unit_key is not None and (why := inactive_message(plan, unit_key, year)) is not None:
        problems.add(("year",), why)
        return None
    return year


def _submitted_by(value, problems: _Problems) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.add(("submitted_by",), "Thiếu tên người nộp bản tự đánh giá.")
        return ""
    if not isinstance(value, str):
        return ""  # the schema said why
    try:
        return clean_name(_nfc(value))
    except InputError as exc:
        problems.add(("submitted_by",), f"Tên người nộp không hợp lệ: {exc}")
        return ""


def _submitted_at(value, problems: _Problems) -> datetime:
    if value is None or value == "":
        problems.add(("submitted_at",), "Thiếu thời điểm nộp.")
        return datetime.now(timezone.utc)
    when = _parse_time(value) if isinstance(value, str) else None
    if when is None:
        if isinstance(value, str):  # another type: the schema said why
            problems.add(("submitted_at",), f"Thời điểm nộp {_shown(value)} không đọc được "
                                            "(cần dạng 2024-01-15T09:30:00+07:00 hoặc 09:30 15/01/2024).")
        return datetime.now(timezone.utc)
    if when > datetime.now(timezone.utc) + timedelta(days=1):
        problems.add(("submitted_at",), f"Thời điểm nộp {value} ở tương lai.")
    return when


def _check_entries(items, broken: set[int], unit_key: str | None, year: int | None, plan: Plan,
                   settings: Settings, problems: _Problems, notes: list[str]) -> dict[str, Entry]:
    """Each entry judged by the entry rules (toolkit.assessment.entry) against the unit's criterion of that year."""
    if not isinstance(items, list) or _ALL in broken:
        return {}
    read = _read_entries(items, broken, settings, problems)
    judged = unit_key is not None and year is not None  # else which tasks are the unit's cannot be known
    criteria = _file_criteria(plan, settings, unit_key, year, read) if judged else {}
    out = {}
    for tid, r in read.items():
        c = criteria.get(tid)
        if c is None and judged:
            known = tid in plan._tasks_by_id
            problems.add(("entries", r.index, "task_id"),
                         f"Nhiệm vụ {tid} " + (f"không giao cho {plan.unit(unit_key).name}" if known
                                               else "không có trong Kế hoạch")
                         + f", nên không phải tiêu chí tự đánh giá của đơn vị năm {year}.")
        entry = r.entry
        if c is not None and c.task.deadline.kind == "after_central" and c.status != "awaiting_central":
            entry = replace(entry, central_issued=True)  # recorded so the city scores it as the unit did
        for p in validate_entry(entry, settings, c):
            problems.add(("entries", r.index, p.field), _in_task(tid, p.message))
        if c is not None and r.status in STATUS and r.status != c.status:
            notes.append(f"Nhiệm vụ {tid}: tình trạng trong tệp “{STATUS[r.status]}”, tính lại “{STATUS[c.status]}”.")
        if c is not None:
            out[tid] = entry
    return out


def _read_entries(items: list, broken: set[int], settings: Settings, problems: _Problems) -> dict[str, _Read]:
    """The file's entries by task id, as they would be stored (`clean_entry`); a task twice is reported."""
    read: dict[str, _Read] = {}
    for i, item in enumerate(items):
        if i in broken:
            continue  # the schema said what is wrong with it
        tid = item["task_id"]
        if not tid.strip():
            problems.add(("entries", i, "task_id"), f"Tiêu chí thứ {i + 1} thiếu mã nhiệm vụ.")
            continue
        tid = squash(_nfc(tid))
        if tid in read:
            problems.add(("entries", i, "task_id"), f"Nhiệm vụ {tid} xuất hiện hai lần (lần đầu ở "
                                                    f"{_place(problems, read[tid].index)}); không biết lần nào đúng.")
            continue
        texts = {f: item.get(f) or "" for f in TEXT_LIMITS}
        entry = Entry(_rating_key(item.get("rating"), tid, i, settings, problems), **texts,
                      central_issued=item.get("central_issued", False))
        read[tid] = _Read(i, clean_entry(entry), item.get("status"))
    return read


def _rating_key(value, tid: str, i: int, settings: Settings, problems: _Problems) -> str | None:
    """The file's rating read back to a key of Sở Tư pháp's scale (the xlsx writes its label), or None.

    A value that names no level is reported here, in the file's own terms (the labels for the xlsx, the
    keys for JSON), and read as unrated so the entry's other fields are still judged.
    """
    if isinstance(value, _BadLabel):
        labels = "; ".join(r.label for r in settings.scale)
        problems.add(("entries", i, "rating"), f"Mức đánh giá “{value}” không có trong thang điểm (nhiệm vụ {tid}; "
                                               f"các mức: {labels}).")
        return None
    if value is not None and value not in settings.rating_keys:
        keys = ", ".join(settings.rating_keys)
        problems.add(("entries", i, "rating"), f"Mức đánh giá {_shown(value)} không có trong thang điểm "
                                               f"(nhiệm vụ {tid}; các mức: {keys}).")
        return None
    return value


def _file_criteria(plan: Plan, settings: Settings, unit_key: str, year: int, read: dict[str, _Read]) -> dict:
    """The unit's criteria of the year, judged with what the file's statuses say the unit's own history knew.

    A scheme the central level issued in an earlier year, a dated duty completed in an earlier year:
    checking against them judges the entries as the unit's page did.
    """
    issued = {t for t, r in read.items() if r.entry.central_issued}
    issued |= {t for t, r in read.items() if r.status in ("due", "overdue") and t in plan._tasks_by_id
               and plan.task(t).deadline.kind == "after_central"}
    done = {t: year - 1 for t, r in read.items() if r.status == "done_earlier"}
    return {c.id: c for c in criteria_for(plan, settings, unit_key, year, central_issued=issued, completed=done)}


def _place(problems: _Problems, index: int) -> str:
    where, line = problems.locate(("entries", index))
    return f"dòng {line}" if line else where


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _shown(value) -> str:
    if value is None:
        return "(trống)"
    text = str(value)
    return f"“{text[:60]}{'…' if len(text) > 60 else ''}”"


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
