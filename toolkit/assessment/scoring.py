"""Scoring a unit's self-assessment: points with their maximum, the unit's earlier years (entries: assessment.entry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, STATUS, Criterion, Settings, criteria_for
from toolkit.assessment.entry import Entry, entry_problems  # Entry is imported from here by most callers
from toolkit.plan.model import Plan, Unit

# ---------------------------------------------------------------- scoring


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
            pts, top, counted, why = 0.0, c.weight, True, NOT_RATED
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


def issued_earlier(history: Iterable[tuple[int, Mapping[str, Entry]]], year: int) -> set[str]:
    """Tasks whose central scheme a submitted assessment of an earlier year recorded as issued."""
    return {tid for y, entries in history if y < year for tid, e in entries.items() if e.central_issued}


def unit_criteria(plan: Plan, settings: Settings, history, unit_key: str, year: int,
                  entries: Mapping[str, Entry]) -> list[Criterion]:
    """The unit's criteria for a year, given its submitted history and this year's entries.

    "Trung ương đã ban hành" counts when ticked in this year's entries or in an earlier year's
    submitted assessment; a dated duty rated completed in an earlier submitted year is "done_earlier".
    """
    issued = issued_earlier(history, year) | {tid for tid, e in entries.items() if e.central_issued}
    return criteria_for(plan, settings, unit_key, year, central_issued=issued,
                        completed=completed_before(history, settings, year))


def score_of(plan: Plan, settings: Settings, history, unit_key: str, year: int,
             entries: Mapping[str, Entry]) -> tuple[list[Criterion], AssessmentScore]:
    criteria = unit_criteria(plan, settings, history, unit_key, year, entries)
    return criteria, score_assessment(criteria, entries, settings)


# ---------------------------------------------------------------- last year's comparison


@dataclass(frozen=True)
class Comparison:
    """What a unit's year is compared with: the submitted assessments of the year before, and whose.

    `units` are (unit, is_predecessor, score) for each submitted one used. The unit's own assessment is
    used when it submitted that year; otherwise (a ward in 2025, whose year before is 2024) its
    predecessors' (Plan.comparison_units), and `score` adds their points and maxima per section, so the
    percent is that of all the duties the predecessors were scored on together.
    """

    year: int
    score: AssessmentScore
    units: tuple[tuple[Unit, bool, AssessmentScore], ...]

    @property
    def of_predecessors(self) -> bool:
        return any(is_pred for _, is_pred, _ in self.units)

    @property
    def label(self) -> str:
        """"Năm 2025" or "Năm 2025 (của các đơn vị tiền thân: UBND quận Ba Đình, UBND quận Hoàn Kiếm)"."""
        if not self.of_predecessors:
            return f"Năm {self.year}"
        names = ", ".join(u.name for u, _, _ in self.units)
        which = "đơn vị tiền thân" if len(self.units) == 1 else "các đơn vị tiền thân"
        return f"Năm {self.year} (của {which}: {names})"


def previous_year(plan: Plan, settings: Settings, history_of: Callable[[str], list], unit_key: str,
                  year: int) -> Comparison | None:
    """Last year's submitted assessments to compare with (see Comparison), or None when none was submitted.

    `history_of(unit_key)` gives a unit's submitted history (`unit_history(store, key)`).
    """
    found = []
    for unit, is_pred in plan.comparison_units(unit_key, year - 1):
        history = history_of(unit.key)
        last = dict(history).get(year - 1)
        if last is not None:
            found.append((unit, is_pred, score_of(plan, settings, history, unit.key, year - 1, last)[1]))
    own = [f for f in found if not f[1]]
    used = own or found
    if not used:
        return None
    return Comparison(year - 1, used[0][2] if len(used) == 1 else pooled([s for _, _, s in used]), tuple(used))


def pooled(scores: Iterable[AssessmentScore]) -> AssessmentScore:
    """Several units' scores as one: points and maxima added, per section and overall."""
    scores = list(scores)
    sections: dict[str, list[float]] = {}
    for s in scores:
        for sid, p, m in s.by_section:
            acc = sections.setdefault(sid, [0.0, 0.0])
            acc[0] += p
            acc[1] += m
    return AssessmentScore(tuple(i for s in scores for i in s.items),
                           tuple((k, round(v[0], 4), round(v[1], 4)) for k, v in sections.items()),
                           round(sum(s.points for s in scores), 4), round(sum(s.max_points for s in scores), 4),
                           scores[0].threshold, sum(s.rated for s in scores), sum(s.to_rate for s in scores))
