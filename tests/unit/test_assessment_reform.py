"""Is a self-assessment judged by the unit's duties in the year assessed, readings marked, and does the city
overview, the report and the exchange files know Hanoi as it is since 2025?

Properties over all the data: every unit of the registry in every year 2021–2026.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import pytest

from toolkit.assessment import report as ar
from toolkit.assessment.city import Submission, city_overview
from toolkit.assessment.criteria import criteria_for, inactive_message, period_note
from toolkit.assessment.importing import read_assessment_bytes
from toolkit.assessment.scoring import Entry, previous_year, score_assessment
from toolkit.datafile import DataError
from toolkit.plan.model import PLAN_WORDS_LABEL, READING_LABEL

YEARS = range(2021, 2027)
WARD = "phuong_hoan_kiem"


def rated(criteria) -> dict[str, Entry]:
    return {c.id: Entry("hoan_thanh_cham" if c.status == "overdue" else "hoan_thanh") for c in criteria if c.scored}


def test_are_a_units_criteria_its_duties_in_that_year_with_their_provenance(plan, settings):
    seen_reading = 0
    for key, unit in plan.units.items():
        for year in YEARS:
            criteria = criteria_for(plan, settings, key, year)
            duties = plan.duties(key, year)
            assert [(c.id, c.role, c.reading) for c in criteria] == [(d.task.id, d.role, d.reading) for d in duties]
            if not unit.active_in(year):
                assert criteria == [], (key, year)
            for c in criteria:
                if c.from_reading:
                    seen_reading += 1
                    assert c.basis_label == READING_LABEL and c.note == c.reading.note and c.note, (key, year, c.id)
                    assert c.note.startswith("Cách đọc của người biên soạn, không phải") and c.from_unit
                    assert ar.basis_text(c) == f"{READING_LABEL}: {c.note}"
                else:
                    assert c.basis_label == PLAN_WORDS_LABEL and c.note is None and ar.basis_text(c) == PLAN_WORDS_LABEL
    assert seen_reading


@pytest.mark.parametrize("unit", ["so_noi_vu", "so_gddt"])
def test_do_merged_in_duties_count_from_2025(plan, settings, unit):
    def from_reading(year):
        return {c.id for c in criteria_for(plan, settings, unit, year) if c.from_reading}

    assert {"II.3.e.1", "II.3.e.2"} <= from_reading(2025) and {"II.3.e.1", "II.3.e.2"} <= from_reading(2026)
    assert not from_reading(2024) & {"II.3.e.1", "II.3.e.2"}


def test_do_wards_carry_district_duties_by_reading_from_their_first_year(plan, settings):
    wards = [u for u in plan.units.values() if u.kind == "ubnd_cap_xa" and u.code]
    assert len(wards) == 126
    for u in wards:
        assert criteria_for(plan, settings, u.key, 2024) == []
        now = criteria_for(plan, settings, u.key, 2026)
        assert now and any(c.from_reading for c in now), u.key
        assert [c.id for c in criteria_for(plan, settings, u.key, 2025)] == [c.id for c in now], u.key


def test_does_every_unit_not_active_in_a_year_get_a_message_with_what_to_choose(plan):
    for key, unit in plan.units.items():
        for year in YEARS:
            why = inactive_message(plan, key, year)
            assert (why is None) == unit.active_in(year), (key, year)
            if why is None:
                continue
            assert why.startswith(f"{unit.name} không hoạt động trong năm {year}"), why
            if unit.valid_to is not None and unit.valid_to.year < year and plan.successors(key):
                assert "kế thừa:" in why, why
            if unit.valid_from.year > year and plan.predecessors_in(key, year):
                assert all(p.name in why for p in plan.predecessors_in(key, year)), why


def test_is_a_part_year_said_only_for_units_that_began_or_ended_in_it(plan):
    for unit in plan.units.values():
        for year in YEARS:
            note = period_note(unit, year)
            period = unit.period_in(year)
            assert (note is not None) == (period is not None and period != (date(year, 1, 1), date(year, 12, 31)))
    assert "từ 01/07/2025 (ngày đơn vị bắt đầu hoạt động) đến 31/12/2025" in period_note(plan.unit(WARD), 2025)


# ---------------------------------------------------------------- the city overview


@pytest.mark.parametrize("year", YEARS)
def test_does_the_city_overview_list_exactly_the_units_of_the_year(plan, settings, year):
    ov = city_overview(plan, settings, [], year)
    active = {k for k, u in plan.units.items() if u.active_in(year)}
    assert set(ov.units["unit_key"]) == set(ov.not_submitted["unit_key"]) == active and ov.active == len(active)
    kinds = {plan.unit(k).kind for k in active}
    assert ("ubnd_cap_xa" in kinds) == (year >= 2025) and ("ubnd_cap_huyen" in kinds) == (year <= 2025)
    codes = dict(zip(ov.units["unit_key"], ov.units["code"]))
    assert all(codes[k] == (plan.unit(k).code or "") for k in active)


def test_does_2026_list_the_126_wards_and_todays_departments_and_2025_each_with_its_period(plan, settings):
    ov = city_overview(plan, settings, [], 2026)
    keys = set(ov.units["unit_key"])
    assert sum(plan.unit(k).kind == "ubnd_cap_xa" and bool(plan.unit(k).code) for k in keys) == 126
    assert "so_khcn" in keys and "so_tttt" not in keys and "quan_hoan_kiem" not in keys
    assert set(ov.units["period"]) == {"Cả năm"}
    periods = city_overview(plan, settings, [], 2025).units.set_index("unit_key")["period"]
    assert periods["quan_hoan_kiem"] == "01/01/2025–30/06/2025" and periods[WARD] == "01/07/2025–31/12/2025"
    assert periods["so_tttt"] == "01/01/2025–28/02/2025" and periods["so_tu_phap"] == "Cả năm"


def test_is_a_ward_compared_with_its_predecessors_in_the_city_overview(plan, settings):
    subs = []
    for key, year in (("quan_ba_dinh", 2024), ("quan_hoan_kiem", 2024), (WARD, 2025)):
        subs.append(Submission(key, year, rated(criteria_for(plan, settings, key, year))))
    ov = city_overview(plan, settings, subs, 2025)
    row = ov.change.set_index("unit_key").loc[WARD]
    assert row["compared_with"] == "Năm 2024 (của các đơn vị tiền thân: UBND quận Ba Đình, UBND quận Hoàn Kiếm)"
    history = {s.unit_key: [(s.year, s.entries)] for s in subs}
    cmp = previous_year(plan, settings, lambda k: history.get(k, []), WARD, 2025)
    assert row["previous"] == cmp.score.percent and row["delta"] == round(row["percent"] - row["previous"], 2)
    assert ov.change.set_index("unit_key").loc["quan_ba_dinh", "compared_with"] == ""


def test_does_the_comparison_add_the_predecessors_points(plan, settings):
    history = {}
    for key, rating in (("quan_ba_dinh", "hoan_thanh"), ("quan_hoan_kiem", "chua_thuc_hien")):
        crit = criteria_for(plan, settings, key, 2024)
        history[key] = [(2024, {c.id: Entry(rating if c.status != "overdue" or rating != "hoan_thanh"
                                            else "hoan_thanh_cham") for c in crit if c.scored})]
    cmp = previous_year(plan, settings, lambda k: history.get(k, []), WARD, 2025)
    scores = [s for _, _, s in cmp.units]
    assert cmp.score.points == pytest.approx(sum(s.points for s in scores))
    assert cmp.score.max_points == pytest.approx(sum(s.max_points for s in scores))
    assert 0 < cmp.score.percent < 100
    assert previous_year(plan, settings, lambda k: [], WARD, 2025) is None


# ---------------------------------------------------------------- report and exchange files


@pytest.fixture(scope="module")
def ward_view(plan, settings):
    criteria = criteria_for(plan, settings, WARD, 2026)
    entries = rated(criteria)
    return ar.AssessmentView(plan.unit(WARD), 2026, tuple(criteria), entries,
                             score_assessment(criteria, entries, settings))


def test_does_the_report_show_the_reading_notes_beside_their_criteria(plan, settings, ward_view):
    doc = ar.report_html(plan, settings, ward_view, chart=False)
    readings = {c.reading.key: c.reading for c in ward_view.criteria if c.reading}
    assert readings
    for r in readings.values():
        assert f'data-reading="{r.key}"' in doc and r.title in doc
    assert doc.count(f"{READING_LABEL} [1]: ") == sum(c.from_reading for c in ward_view.criteria)
    assert "không phải lời văn Kế hoạch" in doc
    rows = ar.report_rows(plan, settings, ward_view.unit, 2026, ward_view.criteria, ward_view.entries, ward_view.score)
    assert all(r["Căn cứ giao nhiệm vụ"].startswith(READING_LABEL + ": ") for r in rows)


def test_does_the_report_name_a_renamed_body_with_its_present_name(plan, settings):
    criteria = criteria_for(plan, settings, "so_tttt", 2025)
    view = ar.AssessmentView(plan.unit("so_tttt"), 2025, tuple(criteria), {}, score_assessment(criteria, {}, settings))
    doc = ar.report_html(plan, settings, view, chart=False)
    assert "Sở Thông tin và Truyền thông (từ 01/3/2025: Sở Khoa học và Công nghệ)" in doc
    assert "kỳ từ 01/01/2025 đến 28/02/2025" in doc
    old = ar.report_html(plan, settings, ar.AssessmentView(plan.unit("so_tttt"), 2024, (), {},
                                                           score_assessment([], {}, settings)), chart=False)
    assert "(từ 01/3/2025" not in old  # before the merger: the plan's name only


def submitted(doc: dict) -> dict:
    return dict(doc, status="submitted", version=1, submitted_at="2026-11-10T09:00:00+07:00",
                submitted_by="Lê Văn Cường")


def test_does_a_wards_exchange_file_carry_its_code_and_import_back(plan, settings, ward_view):
    doc = submitted(ar.report_json(plan, settings, ward_view))
    assert doc["unit"] == {"key": WARD, "name": "UBND phường Hoàn Kiếm", "code": plan.unit(WARD).code}
    assert {e["reading"] for e in doc["entries"]} == {c.reading.key for c in ward_view.criteria}
    back = read_assessment_bytes("a.json", json.dumps(doc, ensure_ascii=False).encode(), plan, settings)
    assert back.unit_key == WARD and back.year == 2026
    got = {k: asdict(v) for k, v in back.entries.items() if v.rating is not None}  # unrated criteria come back empty
    assert got == {k: asdict(v) for k, v in ward_view.entries.items()}
    doc["unit"].pop("code")  # a file written before codes existed still imports
    assert read_assessment_bytes("b.json", json.dumps(doc).encode(), plan, settings).unit_key == WARD


def test_is_a_code_that_contradicts_the_registry_refused(plan, settings, ward_view):
    doc = submitted(ar.report_json(plan, settings, ward_view))
    doc["unit"]["code"] = "00001"
    with pytest.raises(DataError) as err:
        read_assessment_bytes("c.json", json.dumps(doc).encode(), plan, settings)
    assert "không khớp danh mục" in str(err.value.problems[0]) and plan.unit(WARD).code in str(err.value.problems[0])


def test_does_the_xlsx_carry_the_code_and_import_back(plan, settings, ward_view):
    from dataclasses import replace
    from datetime import datetime, timezone

    from toolkit.storage.records import AssessmentRecord

    record = AssessmentRecord(1, WARD, 2026, 1, "submitted", datetime(2026, 11, 10, tzinfo=timezone.utc),
                              datetime(2026, 11, 10, 2, tzinfo=timezone.utc), "Lê Văn Cường")
    data = ar.report_xlsx(plan, settings, replace(ward_view, record=record))
    back = read_assessment_bytes("d.xlsx", data, plan, settings)
    assert back.unit_key == WARD and {k for k, e in back.entries.items() if e.rating} == set(ward_view.entries)
    info = dict(ar.info_rows(plan, replace(ward_view, record=record)))
    assert info[ar.CODE_LABEL] == plan.unit(WARD).code
