"""Can a unit say that a duty whose deadline has passed was done on time (with its document) or late?

Issue 12, point 7: "Hoàn thành" on II.1.a (due Quý IV/2020) assessed in a later year was refused outright,
even when the duty was done on time. These properties hold for every dated duty of the plan, every unit it
reaches and every year after its deadline, not for one example.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.assessment.criteria import criteria_for, load_settings
from toolkit.assessment.entry import Entry, late_rating, validate_entry
from toolkit.assessment.scoring import score_assessment
from toolkit.plan.load import load_plan

PLAN = load_plan()
SETTINGS = load_settings(PLAN)
ON_TIME = next(r for r in SETTINGS.scale if r.on_time)
LATE = late_rating(SETTINGS)
PROPERTY = settings(max_examples=200, deadline=None, derandomize=bool(os.environ.get("CI")))


def overdue_criteria():
    """(unit, year, criterion) for every criterion the plan makes overdue: each dated duty, unit and later year."""
    out, seen = [], set()
    for unit in sorted(PLAN.units):
        for year in range(PLAN.info.period_start, PLAN.info.period_end + 1):
            if not PLAN.unit(unit).active_in(year):
                continue
            for c in criteria_for(PLAN, SETTINGS, unit, year):
                if c.status == "overdue":
                    out.append((unit, year, c))
                    seen.add(c.id)
    return out, seen


OVERDUE, OVERDUE_TASKS = overdue_criteria()
DATED = {t.id for t in PLAN.tasks if t.deadline.kind in ("once_by", "year")}
CASES = [pytest.param(c, id=f"{c.id}-{unit}-{year}") for unit, year, c in OVERDUE
         if unit in {"quan_ba_dinh", "so_tu_phap", "xa_bat_trang"} or year == PLAN.info.period_end]


def test_is_every_dated_duty_overdue_somewhere_after_its_deadline():
    """The properties below range over every dated duty a unit is assessed on, not a chosen few."""
    assessed = {c.id for unit in PLAN.units for c in criteria_for(PLAN, SETTINGS, unit, PLAN.info.period_end)}
    assert DATED & assessed and DATED & assessed <= OVERDUE_TASKS
    assert all(year > c.task.deadline.due.year for _, year, c in OVERDUE)


def test_does_the_scale_have_an_on_time_and_a_late_completion():
    """Sở Tư pháp's settings, not the plan, say what each is worth: the rules read them from criteria.yaml."""
    assert ON_TIME.completes and LATE is not None and LATE.completes and not LATE.on_time
    assert LATE.points < ON_TIME.points


@pytest.mark.parametrize("c", CASES)
def test_is_on_time_without_its_document_kept_for_the_draft_and_says_what_to_add(c):
    due = c.task.deadline.due
    for entry in (Entry(ON_TIME.key), Entry(ON_TIME.key, evidence_number="12/KH-UBND"),
                  Entry(ON_TIME.key, evidence_date=due.isoformat()), Entry(ON_TIME.key, evidence_text="Đã làm")):
        problems = validate_entry(entry, SETTINGS, c)
        assert len(problems) == 1, (entry, problems)
        p = problems[0]
        assert p.field == "rating" and p.draft_ok and not p.about_rating  # stored, shown, blocks submitting
        assert p.message.startswith(f"Nhiệm vụ {c.id} đã quá thời hạn ({c.task.deadline.label})")
        assert f"không muộn hơn {due:%d/%m/%Y}" in p.message and f"“{LATE.label}”" in p.message
        assert "văn bản minh chứng" in p.message


@pytest.mark.parametrize("c", CASES)
def test_is_late_completion_accepted_with_or_without_evidence(c):
    assert validate_entry(Entry(LATE.key), SETTINGS, c) == []
    assert validate_entry(Entry(LATE.key, evidence_number="12/KH-UBND", evidence_date="2024-03-10"), SETTINGS, c) == []


@PROPERTY
@given(data=st.data())
def test_is_on_time_accepted_exactly_when_its_document_is_dated_by_the_deadline(data):
    _, _, c = data.draw(st.sampled_from(OVERDUE))
    due = c.task.deadline.due
    offset = data.draw(st.integers(-2000, 2000))
    when = due + timedelta(days=offset)
    shown = data.draw(st.sampled_from([when.isoformat(), f"{when:%d/%m/%Y}", f"{when:%d.%m.%Y}"]))
    where = data.draw(st.sampled_from([{"evidence_number": "12/KH-UBND"},
                                       {"evidence_link": "https://example.gov.vn/kh-12"},
                                       {"evidence_number": "12/KH-UBND", "evidence_link": "https://a.vn/x"}]))
    problems = validate_entry(Entry(ON_TIME.key, evidence_date=shown, **where), SETTINGS, c)
    if offset <= 0:
        assert problems == []
    else:
        assert [(p.field, p.draft_ok) for p in problems] == [("rating", True)]
        assert f"ngày {when:%d/%m/%Y}, sau ngày {due:%d/%m/%Y}" in problems[0].message
        assert f"“{LATE.label}”" in problems[0].message


@PROPERTY
@given(data=st.data())
def test_do_on_time_and_late_score_what_the_settings_say(data):
    _, _, c = data.draw(st.sampled_from(OVERDUE))
    due = c.task.deadline.due
    proven = Entry(ON_TIME.key, evidence_number="12/KH-UBND", evidence_date=due.isoformat())
    for entry, percent in ((Entry(ON_TIME.key), 0), (proven, ON_TIME.points), (Entry(LATE.key), LATE.points)):
        s = score_assessment([c], {c.id: entry}, SETTINGS)
        assert (s.points, s.max_points) == (round(c.weight * percent / 100, 4), c.weight), entry


def test_is_the_evidence_rule_only_for_deadlines_already_passed():
    """In its own year a dated duty is simply due: "Hoàn thành" needs no document then."""
    seen = 0
    for t in PLAN.tasks:
        if t.id not in DATED:
            continue
        for unit in PLAN.units:
            for c in criteria_for(PLAN, SETTINGS, unit, t.deadline.due.year):
                if c.id == t.id:
                    assert c.status == "due" and validate_entry(Entry(ON_TIME.key), SETTINGS, c) == []
                    seen += 1
    assert seen
