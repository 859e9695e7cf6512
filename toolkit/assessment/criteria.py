"""Yearly self-assessment: which duties a unit is assessed on in a year, and how it scores.

A unit's criteria are the plan's tasks that reach it (directly or through its groups), never
retyped: `criteria_for` derives them. The rating scale, weights and pass threshold are Sở Tư pháp's
settings in data/plan-241/criteria.yaml (the plan gives none). Scoring is pure Python and every
number comes with its maximum.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from toolkit.datafile import DataError, check_schema, load_schema, non_nfc_strings, read_yaml
from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.load import plan_dir
from toolkit.plan.model import Plan, Task

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
    return _load_settings(str(Path(path or plan_dir() / "criteria.yaml").resolve()), plan)


# ---------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Criterion:
    task: Task
    role: str  # "lead" | "coordinating"
    via: str
    weight: float
    status: str
    completed_in: int | None = None

    @property
    def id(self) -> str:
        return self.task.id

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
    """The unit's criteria for a year, in plan order. `completed` maps task id -> year it was completed."""
    issued, completed = set(central_issued), dict(completed or {})
    out = []
    for a in plan.assignments(unit_key=unit_key):
        if a.task.requested and not settings.include_requested:
            continue
        status = deadline_status(a.task, year, central_issued=a.task.id in issued,
                                 completed_in=completed.get(a.task.id))
        out.append(Criterion(a.task, a.role, a.via, settings.weight(a.task, a.role), status,
                             completed.get(a.task.id)))
    return out
