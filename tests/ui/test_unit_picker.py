"""Finding one's unit among the city's: typed with or without diacritics, or by a former ward's name."""

from datetime import date

import pytest

from toolkit.quiz.formats import OTHER_UNIT
from toolkit.ui.common import UnitPicker
from toolkit.vietnamese import fold, sort_key

TODAY = date(2026, 12, 1)


@pytest.fixture
def picker(plan):
    return UnitPicker(plan, TODAY, "Đơn vị công tác")


def keys(picker):
    return [k for _label, k in picker.unit.options if k not in (None, OTHER_UNIT)]


def test_with_nothing_typed_today_s_units_come_first_in_alphabetical_order_then_those_that_ended(picker, plan):
    listed = keys(picker)
    today = [u.key for u in plan.units_on(TODAY)]
    assert listed[:len(today)] == today
    assert [plan.units[k].name for k in today] == sorted((plan.units[k].name for k in today), key=sort_key)
    ended = listed[len(today):]
    assert ended and all(plan.units[k].valid_to < TODAY for k in ended)
    labels = dict((k, label) for label, k in picker.unit.options)
    assert labels["quan_ba_dinh"] == "UBND quận Ba Đình (đến 30/06/2025)"
    assert picker.unit.options[0][1] is None and picker.unit.options[-1][1] == OTHER_UNIT


def test_every_unit_of_today_is_found_by_its_name_typed_without_diacritics(plan):
    picker = UnitPicker(plan, TODAY, "Đơn vị công tác")
    for unit in plan.units_on(TODAY):
        picker.search.value = fold(unit.area_name or unit.name)
        assert unit.key in keys(picker), unit.name
        assert keys(picker)[0] == unit.key, unit.name  # its own name ranks first


def test_every_former_ward_or_commune_leads_to_what_it_became(plan):
    picker = UnitPicker(plan, TODAY, "Đơn vị công tác")
    became: dict[str, set[str]] = {}
    for unit in plan.units_on(TODAY):
        for former in unit.formed_from:
            became.setdefault(former.name, set()).add(unit.key)
    assert len(became) > 400
    for name, successors in became.items():
        picker.search.value = fold(name)
        assert successors <= set(keys(picker)), name


def test_a_former_ward_name_is_explained_and_a_single_match_is_chosen(picker):
    picker.search.value = "hang bac"
    assert picker.unit.value == "phuong_hoan_kiem"
    assert "Phường Hàng Bạc → Phường Hoàn Kiếm" in dict((k, v) for v, k in picker.unit.options)["phuong_hoan_kiem"]
    assert "1 đơn vị khớp “hang bac”" in picker.hint.value
    assert "<b>Phường Hàng Bạc → Phường Hoàn Kiếm</b>" in picker.hint.value  # whole, where the list cuts it
    picker.search.value = "không có nơi này"
    assert picker.unit.value is None and "Không có đơn vị nào khớp" in picker.hint.value
    assert picker.unit.options[-1][1] == OTHER_UNIT  # “other” is always there


def test_query_string_selects_a_listed_unit_and_nothing_else(picker):
    assert picker.select("phuong_hoan_kiem") and picker.unit.value == "phuong_hoan_kiem"
    assert not picker.select("khong_ton_tai") and picker.unit.value == "phuong_hoan_kiem"
    assert not picker.select(None)


def test_english_labels(picker):
    picker.set_language("en", "Unit")
    assert picker.search.description == "Find your unit" and picker.unit.options[0][0] == "— Choose your unit —"
