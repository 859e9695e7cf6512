"""Yearly self-assessment: which duties a unit is assessed on in a year, and how it scores.

A unit's criteria are its duties in the year assessed (`Plan.duties(unit, on=year)`), never retyped:
the plan's tasks that reach it directly or through its groups, and those a compiler's reading passes
to it (a ward carries what the plan gave "UBND quận, huyện, thị xã"; Sở Nội vụ, from 01/3/2025, what
the plan gave Sở Lao động - Thương binh và Xã hội). Each `Criterion` keeps that provenance: `reading`
is None for the plan's words, otherwise its note is shown as "Ghi chú biên soạn" beside the criterion,
never as the plan's words. The rating scale, weights and pass threshold are Sở Tư pháp's settings in
data/plan-241/criteria.yaml (the plan gives none). Scoring is pure Python and every number comes with
its maximum.

The year of the reform (2025). Hanoi's district level ended on 30/6/2025 and the 126 communes and
wards began on 1/7/2025, so both existed in 2025, each for part of it. A unit assesses only a year in
which it existed (`Unit.active_in`), and its "year" is the days of it the unit existed
(`Unit.period_in`, `assessment_period`):
- a district (quận, huyện, thị xã) assesses 2025 for 01/01–30/06/2025, and cannot assess 2026;
- a commune or ward assesses 2025 for 01/07–31/12/2025, and cannot assess 2024 or earlier;
- a department merged on 01/3/2025 assesses 2025 for 01/01–28/02/2025, its successor the whole year
  (with the merged body's duties from 01/3/2025, by reading).
The criteria of a part-year are the unit's duties on the last day of its period; deadlines are judged
by the year as for any unit (a duty due "Năm 2025" is due in each part). A year in which the unit did
not exist is refused with what to choose instead (`inactive_message`): the successors from that year,
or the predecessors before the unit began. Last year's comparison of a unit that did not exist then
(a ward in 2025 compared with 2024) uses its predecessors' submitted assessments, labelled as such
(`toolkit.assessment.scoring.previous_year`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping

from toolkit.datafile import DataError, check_schema, load_schema, non_nfc_strings, read_yaml
from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.load import plan_dir
from toolkit.plan.model import PLAN_WORDS_LABEL, Duty, Plan, Reading, Task, Unit

STATUS = {
    "due": "Đến hạn trong năm",
    "overdue": "Đã quá thời hạn",
    "not_due": "Chưa đến hạn",
    "done_earlier": "Đã hoàn thành năm trước",
    "awaiting_central": "Chờ Trung ương ban hành Đề án, Chương trình",
}
NOT_RATED = "Chưa đánh giá"  # a criterion without a rating, in every report and file
SCORED = ("due", "overdue")


@dataclass(frozen=True)
class Rating:
    key: str
    label: str
    points: float | None  # percent of the criterion's weight; None for "not applicable"
    not_applicable: bool = False
    completes: bool = False
    on_time: bool = False  # "completed on time": for an overdue duty only with dated evidence (assessment.entry)


@dataclass(frozen=True)
class Settings:
    scale: tuple[Rating, ...]
    pass_threshold: float
    role_factor: Mapping[str, float]
    weight_default: float
    section_weights: Mapping[str, float]
    task_weights: Mapping[str, float]
    include_requested: bool

    def rating(self, key: str) -> Rating:
        return next(r for r in self.scale if r.key == key)

    @property
    def rating_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.scale)

    def weight(self, task: Task, role: str) -> float:
        base = self.task_weights.get(task.id, self.section_weights.get(task.section, self.weight_default))
        return base * self.role_factor[role]


@functools.lru_cache(maxsize=4)
def _load_settings(path: str, plan: Plan) -> Settings:
    doc = read_yaml(path)
    problems = check_schema(doc, load_schema(DEFAULT_PLAN_DIR / "schema" / "criteria.schema.json"))
    problems += non_nfc_strings(doc)
    if problems:
        raise DataError(problems)
    d = doc.data
    keys = [r["key"] for r in d["scale"]]
    for i, r in enumerate(d["scale"]):
        if keys.index(r["key"]) != i:
            problems.append(doc.problem(("scale", i, "key"), f"Mức đánh giá '{r['key']}' bị trùng."))
        if not r.get("not_applicable") and "points" not in r:
            problems.append(doc.problem(("scale", i), f"Mức '{r['key']}' cần 'points' (trừ mức “Không áp dụng”)."))
    if sum(1 for r in d["scale"] if r.get("not_applicable")) != 1:
        problems.append(doc.problem(("scale",), "Thang điểm cần đúng một mức “Không áp dụng” (not_applicable: true)."))
    sections = {s.id for s in plan.sections}
    for sid in d["weights"].get("sections", {}):
        if sid not in sections:
            problems.append(doc.problem(("weights", "sections", sid), f"Không có mục '{sid}' trong Kế hoạch."))
    for tid in d["weights"].get("tasks", {}):
        if not plan.has_task(tid):
            problems.append(doc.problem(("weights", "tasks", tid), f"Không có nhiệm vụ '{tid}' trong Kế hoạch."))
    if problems:
        raise DataError(problems)
    return Settings(
        scale=tuple(Rating(r["key"], r["label"], r.get("points"), r.get("not_applicable", False),
                           r.get("completes", False), r.get("on_time", False)) for r in d["scale"]),
        pass_threshold=float(d["pass_threshold"]), role_factor=dict(d["roles"]),
        weight_default=float(d["weights"]["default"]), section_weights=dict(d["weights"].get("sections", {})),
        task_weights=dict(d["weights"].get("tasks", {})), include_requested=d["include_requested"])


def load_settings(plan: Plan, path: Path | str | None = None) -> Settings:
    """The rating scale, weights and threshold; raise DataError (file and line) when they are wrong."""
    return _load_settings(str(Path(path or Path(plan.directory or plan_dir()) / "criteria.yaml").resolve()), plan)


# ---------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Criterion:
    task: Task
    role: str  # "lead" | "coordinating"
    via: str
    weight: float
    status: str
    completed_in: int | None = None
    # Provenance: the unit's duty this criterion is (Plan.duties), which says whether the plan's words give it
    # or a compiler's reading does (its note is then shown with the criterion, headed READING_LABEL).
    duty: Duty | None = None

    @property
    def id(self) -> str:
        return self.task.id

    @property
    def reading(self) -> Reading | None:
        return self.duty.reading if self.duty is not None else None

    @property
    def from_unit(self) -> str | None:
        return self.duty.from_unit if self.duty is not None else None

    @property
    def from_reading(self) -> bool:
        return self.reading is not None

    @property
    def note(self) -> str | None:
        """The reading's note (Vietnamese), never the plan's words; None for a duty in the plan's words."""
        return self.duty.note if self.duty is not None else None

    @property
    def basis_label(self) -> str:
        """"Lời văn Kế hoạch" or "Ghi chú biên soạn": how the criterion's provenance is headed."""
        return self.duty.basis_label if self.duty is not None else PLAN_WORDS_LABEL

    @property
    def scored(self) -> bool:
        return self.status in SCORED


def deadline_status(task: Task, year: int, *, central_issued: bool = False, completed_in: int | None = None) -> str:
    """Where a duty stands in a year.

    - annual, ongoing and undated duties are assessed every year ("due");
    - a dated duty ("Quý IV/2020", "Năm 2022") is "not_due" before its year, "due" in it, and
      "overdue" after it — unless an earlier year's submitted assessment recorded it completed
      ("done_earlier");
    - a duty that waits for the central level ("after_central") is "awaiting_central" until the
      unit records that the scheme has been issued; then it is "due".
    """
    d = task.deadline
    if d.kind == "after_central":
        return "due" if central_issued else "awaiting_central"
    if d.kind in ("once_by", "year"):
        if completed_in is not None and completed_in < year:
            return "done_earlier"
        if year < d.due.year:
            return "not_due"
        return "due" if year == d.due.year else "overdue"
    return "due"


def criteria_for(plan: Plan, settings: Settings, unit_key: str, year: int, *,
                 central_issued: Iterable[str] = (), completed: Mapping[str, int] | None = None) -> list[Criterion]:
    """The unit's criteria for a year, in plan order: its duties in that year (`Plan.duties(unit, on=year)`),
    readings included and marked. A unit that did not exist in the year has none. `completed` maps task
    id -> year it was completed."""
    issued, completed = set(central_issued), dict(completed or {})
    out = []
    for d in plan.duties(unit_key, on=year):
        if d.task.requested and not settings.include_requested:
            continue
        status = deadline_status(d.task, year, central_issued=d.task.id in issued,
                                 completed_in=completed.get(d.task.id))
        out.append(Criterion(d.task, d.role, d.via, settings.weight(d.task, d.role), status,
                             completed.get(d.task.id), d))
    return out


# ---------------------------------------------------------------- the year of the reform


def vn_day(d: date) -> str:
    """"01/7/2025": the day as the issue and the registry's notes write dates in running text."""
    return f"{d.day:02d}/{d.month}/{d.year}"


def assessment_period(unit: Unit, year: int) -> tuple[date, date] | None:
    """The days of `year` a unit's assessment covers (the days it existed), or None when it did not exist."""
    return unit.period_in(year)


def period_note(unit: Unit, year: int) -> str | None:
    """Why a unit's year is only part of the calendar year, in Vietnamese; None for a whole year.

    >>> from toolkit.plan.load import load_plan
    >>> period_note(load_plan().unit("quan_ba_dinh"), 2025)
    'Năm 2025 của UBND quận Ba Đình là kỳ từ 01/01/2025 đến 30/06/2025 (ngày cuối cùng đơn vị hoạt động).'
    """
    period = unit.period_in(year)
    if period is None or period == (date(year, 1, 1), date(year, 12, 31)):
        return None
    first, last = period
    start = f"{first:%d/%m/%Y}" + (" (ngày đơn vị bắt đầu hoạt động)" if first != date(year, 1, 1) else "")
    end = f"{last:%d/%m/%Y}" + (" (ngày cuối cùng đơn vị hoạt động)" if last != date(year, 12, 31) else "")
    return f"Năm {year} của {unit.name} là kỳ từ {start} đến {end}."


def inactive_message(plan: Plan, unit_key: str, year: int) -> str | None:
    """Why a unit cannot assess `year` and what to choose instead; None when it existed that year.

    >>> from toolkit.plan.load import load_plan
    >>> print(inactive_message(load_plan(), "quan_hoan_kiem", 2026))  # doctest: +NORMALIZE_WHITESPACE
    UBND quận Hoàn Kiếm không hoạt động trong năm 2026: chấm dứt hoạt động từ 01/7/2025. Từ năm 2026 hãy chọn
    xã, phường kế thừa: Phường Ba Đình, Phường Cửa Nam, Phường Hoàn Kiếm, Phường Hồng Hà, Phường Văn Miếu - Quốc Tử Giám.
    """
    unit = plan.unit(unit_key)
    if unit.active_in(year):
        return None
    head = f"{unit.name} không hoạt động trong năm {year}"
    if unit.valid_to is not None and unit.valid_to.year < year:
        ended = unit.valid_to + timedelta(days=1)
        later = [u for u in _successors_in(plan, unit_key, year)]
        if not later:
            return f"{head}: chấm dứt hoạt động từ {vn_day(ended)}."
        wards = all(u.kind == "ubnd_cap_xa" for u in later)
        names = ", ".join(u.area_name or u.name for u in later)
        return (f"{head}: chấm dứt hoạt động từ {vn_day(ended)}. Từ năm {year} hãy chọn "
                f"{'xã, phường' if wards else 'đơn vị'} kế thừa: {names}.")
    earlier = plan.predecessors_in(unit_key, year)
    if not earlier:
        return f"{head}: bắt đầu hoạt động từ {vn_day(unit.valid_from)}."
    names = ", ".join(u.name for u in earlier)
    return (f"{head}: bắt đầu hoạt động từ {vn_day(unit.valid_from)}. Năm {year} do đơn vị tiền thân tự đánh giá: "
            f"{names}.")


def _successors_in(plan: Plan, unit_key: str, year: int) -> list[Unit]:
    """The units that succeed this one and existed in `year`, going forward through those that did not."""
    out, seen, todo = {}, set(), list(plan.successors(unit_key))
    while todo:
        u = todo.pop(0)
        if u.key in seen:
            continue
        seen.add(u.key)
        if u.active_in(year):
            out[u.key] = u
        else:
            todo.extend(plan.successors(u.key))
    return list(out.values())
