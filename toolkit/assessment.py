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
from toolkit.plan import DEFAULT_PLAN_DIR, Plan, Task, plan_dir

STATUS = {
    "due": "Đến hạn trong năm",
    "overdue": "Đã quá thời hạn",
    "not_due": "Chưa đến hạn",
    "done_earlier": "Đã hoàn thành năm trước",
    "awaiting_central": "Chờ Trung ương ban hành Đề án, Chương trình",
}
SCORED = ("due", "overdue")


@dataclass(frozen=True)
class Rating:
    key: str
    label: str
    points: float | None  # percent of the criterion's weight; None for "not applicable"
    not_applicable: bool = False
    completes: bool = False
    on_time: bool = False


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
            problems.append(doc.problem(("scale", i), f"Mức '{r['key']}' cần 'points' (trừ mức «Không áp dụng»)."))
    if sum(1 for r in d["scale"] if r.get("not_applicable")) != 1:
        problems.append(doc.problem(("scale",), "Thang điểm cần đúng một mức «Không áp dụng» (not_applicable: true)."))
    sections = {s.id for s in plan.sections}
    for sid in d["weights"].get("sections", {}):
        if sid not in sections:
            problems.append(doc.problem(("weights", "sections", sid), f"Không có mục '{sid}' trong Kế hoạch."))
    for tid in d["weights"].get("tasks", {}):
        if tid not in plan._tasks_by_id:
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


# ---------------------------------------------------------------- checking and scoring


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


def entry_problems(criterion: Criterion, entry: Entry, settings: Settings) -> list[str]:
    """Why an entry cannot be accepted, in Vietnamese (empty when it is fine)."""
    if entry.rating is None:
        return []
    if entry.rating not in settings.rating_keys:
        return [f"Mức đánh giá không hợp lệ: {entry.rating}."]
    rating = settings.rating(entry.rating)
    out = []
    if rating.not_applicable and not entry.reason.strip():
        out.append("Chọn «Không áp dụng» cần ghi rõ lý do.")
    if rating.on_time and criterion.status == "overdue":
        out.append(f"Nhiệm vụ {criterion.id} đã quá thời hạn ({criterion.task.deadline.label}); "
                   "nếu đã làm xong, hãy chọn mức hoàn thành chậm.")
    if not criterion.scored and not rating.not_applicable:
        out.append(f"Nhiệm vụ {criterion.id} không được chấm trong năm này ({STATUS[criterion.status]}).")
    return out


@dataclass(frozen=True)
class CriterionScore:
    task_id: str
    section: str
    role: str
    status: str
    rating: str | None
    points: float
    max_points: float
    counted: bool
    why: str


@dataclass(frozen=True)
class AssessmentScore:
    items: tuple[CriterionScore, ...]
    by_section: tuple[tuple[str, float, float], ...]
    points: float
    max_points: float
    threshold: float
    rated: int
    to_rate: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.points / self.max_points, 2) if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        return self.max_points > 0 and self.percent >= self.threshold

    @property
    def complete(self) -> bool:
        return self.rated == self.to_rate


def score_assessment(criteria: Iterable[Criterion], entries: Mapping[str, Entry], settings: Settings) -> AssessmentScore:
    """Points and maximum per criterion, per section and overall.

    - A criterion not scored this year (not due, done earlier, awaiting the central scheme) counts nothing.
    - "Không áp dụng" (with a reason) removes the criterion from the maximum.
    - A rated criterion earns weight × points% of its rating; an unrated one earns 0 of its weight
      (so the live score never overstates an unfinished assessment).
    - An entry that breaks a rule (see entry_problems) earns 0 of its weight until corrected.
    """
    items, sections = [], {}
    rated = to_rate = 0
    for c in criteria:
        e = entries.get(c.id, Entry())
        if not c.scored:
            items.append(CriterionScore(c.id, c.task.section, c.role, c.status, e.rating, 0.0, 0.0, False,
                                        STATUS[c.status]))
            continue
        to_rate += 1
        rated += e.rating is not None
        problems = entry_problems(c, e, settings)
        if e.rating is None:
            pts, top, counted, why = 0.0, c.weight, True, "Chưa đánh giá"
        elif problems:
            pts, top, counted, why = 0.0, c.weight, True, problems[0]
        else:
            r = settings.rating(e.rating)
            if r.not_applicable:
                pts, top, counted, why = 0.0, 0.0, False, f"Không áp dụng: {e.reason.strip()}"
            else:
                pts, top, counted, why = round(c.weight * r.points / 100, 4), c.weight, True, r.label
        items.append(CriterionScore(c.id, c.task.section, c.role, c.status, e.rating, pts, top, counted, why))
        s = sections.setdefault(c.task.section, [0.0, 0.0])
        s[0] += pts
        s[1] += top
    points = round(sum(i.points for i in items), 4)
    maximum = round(sum(i.max_points for i in items), 4)
    return AssessmentScore(tuple(items), tuple((k, round(v[0], 4), round(v[1], 4)) for k, v in sections.items()),
                           points, maximum, settings.pass_threshold, rated, to_rate)


def completed_before(history: Iterable[tuple[int, Mapping[str, Entry]]], settings: Settings, year: int) -> dict[str, int]:
    """Task id -> first year a submitted assessment of an earlier year rated it completed."""
    done: dict[str, int] = {}
    for y, entries in sorted(history, key=lambda h: h[0]):
        if y >= year:
            continue
        for tid, e in entries.items():
            if e.rating in settings.rating_keys and settings.rating(e.rating).completes:
                done.setdefault(tid, y)
    return done


def entries_of(store, assessment_id: int) -> dict[str, Entry]:
    """A stored assessment's entries as Entry objects (store: toolkit.store.AssessmentStore)."""
    return {tid: Entry(**values) for tid, values in store.entries(assessment_id).items()}


def unit_history(store, unit_key: str) -> list[tuple[int, dict[str, Entry]]]:
    """(year, entries) of the newest submitted version of each year, oldest year first."""
    return [(a.year, entries_of(store, a.id)) for a in sorted(store.submitted(unit_key), key=lambda a: a.year)]
