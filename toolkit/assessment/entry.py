"""What a unit records for one criterion, and every rule an entry must keep: one home for the page and the importer.

The self-assessment page (`toolkit.ui.assessment`) and the import of the files units send to Sở Tư pháp
(`toolkit.assessment.importing`) both store `clean_entry(entry)` and judge it with `validate_entry`, so
an entry the page lets a unit submit is one the city accepts, and the other way round. Scoring
(`toolkit.assessment.scoring`) counts a rating only when `entry_problems` finds nothing.

Messages are Vietnamese and read after the importer's “Nhiệm vụ II.2.a: ” prefix; shown alone (on the
page) they start with a capital: `EntryProblem.sentence`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from toolkit.assessment.criteria import STATUS
from toolkit.vietnamese import squash

if TYPE_CHECKING:
    from toolkit.assessment.criteria import Criterion, Rating, Settings


@dataclass(frozen=True)
class Entry:
    """What the unit recorded for one criterion."""

    rating: str | None = None
    reason: str = ""  # required when not applicable
    evidence_number: str = ""
    evidence_date: str = ""
    evidence_text: str = ""
    evidence_link: str = ""
    note: str = ""
    central_issued: bool = False


FIELDS = tuple(f.name for f in fields(Entry))  # the store's columns (toolkit.storage.records.ENTRY_FIELDS) match

# The one name of each field, in messages and as the xlsx column header (toolkit.assessment.report writes
# them, the importer reads them back: a header changed here is changed in both).
LABELS = {"rating": "Mức đánh giá", "reason": "Lý do không áp dụng", "evidence_number": "Số/ký hiệu văn bản",
          "evidence_date": "Ngày", "evidence_text": "Mô tả minh chứng", "evidence_link": "Liên kết",
          "note": "Ghi chú", "central_issued": "Trung ương đã ban hành"}

# Field -> longest accepted text, counted after clean_entry. The single-line ones are the database's column
# sizes (toolkit.storage.schema; PostgreSQL enforces them, SQLite does not), the others sane limits.
TEXT_LIMITS = {"reason": 2000, "evidence_number": 200, "evidence_date": 20, "evidence_text": 4000,
               "evidence_link": 500, "note": 2000}
MULTILINE = frozenset({"reason", "evidence_text", "note"})  # keep their line breaks; the others are one line
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
LINK = re.compile(r"https?://\S+", re.IGNORECASE)  # only web addresses: never javascript:, data:, file:


@dataclass(frozen=True)
class EntryProblem:
    """One rule an entry breaks: the field it is about, the Vietnamese message, and when it may be stored.

    - `draft_ok`: a draft may hold it while the unit finishes (a “Không áp dụng” whose reason is typed
      next, an overdue duty rated "on time" whose evidence is typed next); it still counts zero and
      blocks submitting.
    - `about_rating`: it depends on the criterion's status that year (a rating for a duty not scored
      this year): the page refuses it when the rating is chosen, and only shows it when the status
      changed under a stored rating, so the other fields stay editable.
    """

    field: str
    message: str
    draft_ok: bool = False
    about_rating: bool = False

    @property
    def sentence(self) -> str:
        return self.message[:1].upper() + self.message[1:]

    def __str__(self) -> str:
        return self.message


def clean_entry(entry: Entry) -> Entry:
    """The entry as it is stored: text in Unicode NFC and trimmed, the single-line fields on one line.

    >>> clean_entry(Entry(evidence_number="  45/BC-UBND \\n", note=" Dòng 1\\nDòng 2 ")).evidence_number
    '45/BC-UBND'
    """
    changes = {}
    for name in TEXT_LIMITS:
        value = unicodedata.normalize("NFC", getattr(entry, name) or "").strip()
        changes[name] = value if name in MULTILINE else squash(value)
    return replace(entry, **changes)


def parse_date(text: str) -> date | None:
    """An evidence date as units write it: 2024-01-15, 15/01/2024, 15-01-2024 or 15.01.2024."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def validate_entry(entry: Entry, settings: "Settings", criterion: "Criterion | None" = None) -> list[EntryProblem]:
    """Every rule the entry breaks (empty when it may be submitted), judged on `clean_entry(entry)`.

    Without a criterion only the fields and the rating's key are judged (the importer, for a task that is
    not the unit's). The page and the importer decide what a problem means for them (refuse the change,
    refuse the file); the rules are here only.

    >>> from toolkit.assessment.criteria import load_settings
    >>> from toolkit.plan.load import load_plan
    >>> [p.message for p in validate_entry(Entry(evidence_link="javascript:alert(1)"), load_settings(load_plan()))]
    ['liên kết minh chứng phải bắt đầu bằng http:// hoặc https:// và không có dấu cách.']
    """
    entry = clean_entry(entry)
    out = _field_problems(entry)
    if criterion is None:
        return out + _rating_problems(entry, settings)
    return out + _criterion_problems(criterion, entry, settings)


def entry_problems(criterion: "Criterion", entry: Entry, settings: "Settings") -> list[str]:
    """Why the entry's rating cannot count for this criterion, in Vietnamese (empty when it can).

    The rules scoring applies; `validate_entry` judges the fields too.
    """
    return [p.message for p in _criterion_problems(criterion, entry, settings)]


def _field_problems(entry: Entry) -> list[EntryProblem]:
    out = []
    for name, limit in TEXT_LIMITS.items():
        value = getattr(entry, name)
        allowed = {"\n", "\r", "\t"} if name in MULTILINE else set()
        bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in allowed), None)
        if bad:
            out.append(EntryProblem(name, f"“{LABELS[name]}” có ký tự điều khiển không hợp lệ (U+{ord(bad):04X})."))
        if len(value) > limit:
            out.append(EntryProblem(name, f"“{LABELS[name]}” quá dài ({len(value)} ký tự; tối đa {limit})."))
    if out:
        return out  # the date and the link are judged once their text is usable
    if entry.evidence_date and parse_date(entry.evidence_date) is None:
        out.append(EntryProblem("evidence_date", f"ngày văn bản “{entry.evidence_date}” không đọc được (cần dạng "
                                                 "2024-01-15 hoặc 15/01/2024)."))
    if entry.evidence_link and not LINK.fullmatch(entry.evidence_link):
        out.append(EntryProblem("evidence_link", "liên kết minh chứng phải bắt đầu bằng http:// hoặc https:// và "
                                                 "không có dấu cách."))
    return out


def _rating_problems(entry: Entry, settings: "Settings") -> list[EntryProblem]:
    if entry.rating is None or entry.rating in settings.rating_keys:
        return []
    return [EntryProblem("rating", f"Mức đánh giá không hợp lệ: {entry.rating}.")]


def _criterion_problems(criterion: "Criterion", entry: Entry, settings: "Settings") -> list[EntryProblem]:
    """The rating's rules: on Sở Tư pháp's scale, a reason for “Không áp dụng”, what the duty's status allows."""
    if entry.rating is None:
        return []
    unknown = _rating_problems(entry, settings)
    if unknown:
        return unknown
    rating = settings.rating(entry.rating)
    out = []
    if rating.not_applicable and not entry.reason.strip():
        out.append(EntryProblem("rating", "Chọn “Không áp dụng” cần ghi rõ lý do.", draft_ok=True))
    if rating.on_time and criterion.status == "overdue":
        out += _on_time_problems(criterion, entry, settings)
    if not criterion.scored and not rating.not_applicable:
        out.append(EntryProblem("rating", f"Nhiệm vụ {criterion.id} không được chấm trong năm này "
                                          f"({STATUS[criterion.status]}).", about_rating=True))
    return out


def late_rating(settings: "Settings") -> "Rating | None":
    """The scale's rating for a duty completed after its deadline (completes, not on time), or None."""
    return next((r for r in settings.scale if r.completes and not r.on_time and not r.not_applicable), None)


def overdue_advice(criterion: "Criterion", settings: "Settings") -> str:
    """How a unit rates a duty whose deadline has passed as done, in Vietnamese ("" when the scale has no
    "on time" rating): the page shows it on the duty's card, `_on_time_problems` applies it."""
    on_time, late = next((r for r in settings.scale if r.on_time), None), late_rating(settings)
    due = criterion.task.deadline.due
    if on_time is None or due is None:
        return ""
    advice = (f"Thời hạn đã qua. Nếu đã hoàn thành đúng hạn, chọn “{on_time.label}” và nhập số, ký hiệu (hoặc "
              f"liên kết) và ngày của văn bản minh chứng (không muộn hơn {due:%d/%m/%Y})")
    return advice + (f"; nếu hoàn thành sau thời hạn, chọn “{late.label}”." if late is not None else ".")


def _on_time_problems(criterion: "Criterion", entry: Entry, settings: "Settings") -> list[EntryProblem]:
    """An overdue duty rated "completed on time": only with the document that shows it was.

    A dated duty's year has passed ("Quý IV/2020" assessed in 2022) and no earlier submitted
    assessment recorded it done: the unit may still have done it on time, before it used this
    toolkit. It says so with the document that did it: a number or a link to find it, and its date,
    no later than the deadline's last day. This is the toolkit's rule for Sở Tư pháp's "on time"
    rating, not a fact of the plan. Without that document the rating is kept in the draft (the
    evidence is typed after the rating) and counts zero until the evidence is there.
    """
    due = criterion.task.deadline.due
    head = f"Nhiệm vụ {criterion.id} đã quá thời hạn ({criterion.task.deadline.label})"
    late = late_rating(settings)
    or_late = f"“{late.label}”" if late is not None else "mức hoàn thành chậm"
    on_time = settings.rating(entry.rating).label
    when = parse_date(entry.evidence_date) if entry.evidence_date else None
    if due is not None and when is not None and when > due:
        return [EntryProblem("rating", f"{head}: văn bản minh chứng đề ngày {when:%d/%m/%Y}, sau ngày {due:%d/%m/%Y}, "
                                       f"nên không ghi “{on_time}” (đúng hạn) được; hãy chọn {or_late}, hoặc sửa "
                                       "ngày văn bản nếu nhập nhầm.", draft_ok=True)]
    if when is not None and (entry.evidence_number or entry.evidence_link):
        return []
    by = f" (không muộn hơn {due:%d/%m/%Y})" if due is not None else ""
    return [EntryProblem("rating", f"{head}: để ghi “{on_time}” (đúng hạn), hãy nhập số, ký hiệu (hoặc liên kết) "
                                   f"và ngày của văn bản minh chứng{by}; nếu hoàn thành sau thời hạn, hãy chọn "
                                   f"{or_late}.", draft_ok=True)]
