"""Does the self-assessment page know Hanoi as it is: the year's units only, the year never changed behind the
user, a hint for a unit of another year, wards assessed with the readings noted, and last year's comparison
of a ward taken from its predecessors, labelled as such?"""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.assessment.criteria import load_settings
from toolkit.plan.model import READING_LABEL
from toolkit.storage.assessments import AssessmentStore
from toolkit.ui.assessment import TAB_RESULT, AssessmentApp
from toolkit.vietnamese import sort_key

TODAY = date(2026, 12, 1)
YEARS = range(2021, 2027)
WARD, DISTRICTS = "phuong_hoan_kiem", ("quan_ba_dinh", "quan_hoan_kiem")  # the ward succeeds both


@pytest.fixture(scope="module")
def settings(plan):
    return load_settings(plan)


@pytest.fixture
def app(plan, settings, store):
    return AssessmentApp(plan, settings, store, today=TODAY)


def fill_and_submit(app, name="Lê Văn Cường"):
    for c in app.criteria:
        if c.scored:
            app.criterion.value = c.id
            app.rating.value = "hoan_thanh_cham" if c.status == "overdue" else "hoan_thanh"
    assert app.score.complete, app.status.value
    app.name.value = name
    app.submit.click()
    app.confirm.click()
    assert app.readonly, app.notice.value + app.error.value


def test_does_the_page_offer_a_unit_in_a_year_iff_it_existed_then(app, plan):
    for year in YEARS:
        app.year_choice.value = year
        offered = [v for _, v in app.unit.options if v is not None]
        assert set(offered) == {k for k, u in plan.units.items() if u.active_in(year)}, year
        names = [plan.unit(k).name for k in offered]
        assert names == sorted(names, key=sort_key), year  # Vietnamese alphabetical order
    app.year_choice.value = 2026
    names = [label for label, v in app.unit.options if v is not None]
    assert names.index("UBND phường Dương Nội (từ 01/07/2025)") < names.index("UBND phường Đống Đa (từ 01/07/2025)")


def test_does_choosing_a_unit_never_change_the_year(app, plan):
    """Every unit of the registry, chosen in every year it did not exist: the year stays, the page says why."""
    for year in YEARS:
        app.year_choice.value = year
        for key, unit in plan.units.items():
            if unit.active_in(year):
                continue
            app.choose_unit(key)
            assert app.year_choice.value == year and app.unit.value == key, (key, year)
            assert app.unit_key is None and f"không hoạt động trong năm {year}" in app.notice.value, (key, year)


def test_does_an_abolished_district_in_2026_show_the_successors_and_keep_the_year(app, plan):
    app.year_choice.value = 2026
    app.choose_unit("quan_hoan_kiem")
    assert app.year_choice.value == 2026 and app.unit_key is None and app.body.children == ()
    wards = ", ".join(u.area_name for u in plan.successors("quan_hoan_kiem"))
    assert ("UBND quận Hoàn Kiếm không hoạt động trong năm 2026: chấm dứt hoạt động từ 01/7/2025. Từ năm 2026 hãy "
            f"chọn xã, phường kế thừa: {wards}.") in app.notice.value
    assert "Phường Hoàn Kiếm" in wards
    app.unit.value = WARD  # following the hint opens the ward's 2026 assessment
    assert (app.unit_key, app.year) == (WARD, 2026) and app.criteria


def test_is_query_unit_of_another_year_kept_with_the_hint(plan, store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "unit=quan_hoan_kiem&year=2026")
    monkeypatch.setattr("toolkit.ui.assessment.Store", lambda: store)
    app = AssessmentApp.from_environment()
    assert app.year_choice.value == 2026 and app.unit.value == "quan_hoan_kiem" and app.unit_key is None
    assert "Phường Hoàn Kiếm" in app.notice.value
    monkeypatch.setenv("QUERY_STRING", f"unit={WARD}")
    app = AssessmentApp.from_environment()
    assert app.unit_key == WARD and app.year == app.year_choice.value  # the page's default year, a ward's year


def test_can_a_ward_fill_and_submit_its_2026_assessment_with_the_readings_noted(app, plan, store):
    app.year_choice.value = 2026
    app.unit.value = WARD
    assert (app.unit_key, app.year) == (WARD, 2026)
    from_reading = [c for c in app.criteria if c.from_reading]
    assert from_reading and {c.id for c in app.criteria} == {d.task.id for d in plan.duties(WARD, 2026)}
    c = from_reading[0]
    app.criterion.value = c.id
    assert f"<b>{READING_LABEL}:</b>" in app.card.value and "Cách đọc của người biên soạn" in app.card.value
    assert "theo ghi chú biên soạn" in app.card.value  # the role says where it comes from
    fill_and_submit(app)
    record = AssessmentStore(store).latest(WARD, 2026)
    assert record.submitted and record.submitted_by == "Lê Văn Cường"
    app.download_json.click()
    assert 'download="tu-danh-gia-phuong_hoan_kiem-2026-v1.json"' in app.download.value


def test_does_a_ward_in_2025_say_its_period(app):
    app.year_choice.value = 2025
    app.unit.value = WARD
    assert "kỳ từ 01/07/2025 (ngày đơn vị bắt đầu hoạt động) đến 31/12/2025" in app.status.value
    app.unit.value = "quan_ba_dinh"
    assert app.year_choice.value == 2025
    assert "kỳ từ 01/01/2025 đến 30/06/2025 (ngày cuối cùng đơn vị hoạt động)" in app.status.value


def test_is_a_wards_comparison_with_last_year_its_predecessors_labelled(app, plan):
    app.year_choice.value = 2024
    for key in DISTRICTS:  # both districts the ward succeeds submit 2024
        app.unit.value = key
        fill_and_submit(app)
    app.year_choice.value = 2025
    app.unit.value = WARD  # the ward did not exist in 2024
    assert app.comparison is not None and app.comparison.of_predecessors
    assert [u.key for u, _, _ in app.comparison.units] == list(DISTRICTS)
    app.tabs.selected_index = TAB_RESULT
    assert ("Năm 2024 (của các đơn vị tiền thân: UBND quận Ba Đình, UBND quận Hoàn Kiếm) (bản đã nộp)"
            in app.result.value)
    assert "Chênh lệch" in app.result.value
    app.download_html.click()
    assert "tu-danh-gia-phuong_hoan_kiem-2025" in app.download.value


def test_is_a_wards_own_last_year_preferred_to_its_predecessors(app):
    app.year_choice.value = 2025
    app.unit.value = "quan_hoan_kiem"
    fill_and_submit(app)
    app.unit.value = WARD
    fill_and_submit(app, "Phạm Thị Dung")
    app.year_choice.value = 2026
    app.unit.value = WARD
    assert [(u.key, p) for u, p, _ in app.comparison.units] == [(WARD, False)]
    app.tabs.selected_index = TAB_RESULT
    assert "Năm 2025 (bản đã nộp)" in app.result.value and "tiền thân" not in app.result.value
