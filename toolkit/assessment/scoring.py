"""Scoring a unit's self-assessment: points with their maximum, the unit's earlier years (entries: assessment.entry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, STATUS, Criterion, Settings, criteria_for
from toolkit.assessment.entry import Entry, entry_problems  # Entry is imported from here by most callers
from toolkit.plan.model import Plan

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


def previous_score(plan: Plan, settings: Settings, history, unit_key: str, year: int) -> AssessmentScore | None:
    """Last year's submitted score, or None when the year before was not submitted."""
    last = dict(history).get(year - 1)
    if last is None:
        return None
    return score_of(plan, settings, history, unit_key, year - 1, last)[1]
