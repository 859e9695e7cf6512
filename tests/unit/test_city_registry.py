"""The city's agencies and units are kept once (data/hanoi/) and read beside each plan's own."""

import shutil

import pytest
import yaml

from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.load import load_plan, validate_plan_dir

HANOI = DEFAULT_PLAN_DIR.parent / "hanoi"


@pytest.fixture
def copy(tmp_path):
    """A copy of the plan and of the city registry, as the registry's relative paths expect."""
    shutil.copytree(HANOI, tmp_path / "hanoi")
    return shutil.copytree(DEFAULT_PLAN_DIR, tmp_path / "ke-hoach-khac")


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_agency_and_unit_of_the_plan_comes_from_the_city_registry():
    plan = load_plan()
    city_agencies = {a["key"] for a in yaml.safe_load((HANOI / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]}
    city_units = {u["key"] for u in yaml.safe_load((HANOI / "units.yaml").read_text(encoding="utf-8"))["units"]}
    assert set(plan.agencies) == city_agencies
    assert city_units <= set(plan.units)
    assert plan.key == "plan-241"


def test_a_key_in_both_the_city_and_the_plan_is_refused_naming_the_plans_file(copy):
    edit(copy / "agencies.yaml", lambda d: d["agencies"].append(
        {"key": "so_tu_phap", "name": "Sở Tư pháp", "short": "Sở Tư pháp", "kind": "so", "aliases": ["Sở Tư pháp"]}))
    problems = validate_plan_dir(copy)
    dupes = [p for p in problems if "so_tu_phap" in p.message and "trùng" in p.message]
    assert dupes and all(p.file.endswith("ke-hoach-khac/agencies.yaml") and p.line for p in dupes)


def test_a_problem_in_the_city_list_names_the_city_file_and_line(copy):
    text = (copy.parent / "hanoi" / "units.yaml").read_text(encoding="utf-8")
    bad = text.replace("agency: so_tu_phap", "agency: so_khong_co", 1)
    assert bad != text
    (copy.parent / "hanoi" / "units.yaml").write_text(bad, encoding="utf-8")
    problems = [p for p in validate_plan_dir(copy) if "so_khong_co" in p.message]
    assert problems and all(p.file.endswith("hanoi/units.yaml") for p in problems)
    line = next(i for i, row in enumerate(bad.splitlines(), 1) if "so_khong_co" in row)
    assert [p.line for p in problems] == [line]


def test_a_plan_adds_its_own_agency_beside_the_citys(copy):
    edit(copy / "agencies.yaml", lambda d: d["agencies"].append(
        {"key": "co_quan_moi", "name": "Cơ quan mới", "short": "Cơ quan mới", "kind": "so", "aliases": ["Cơ quan mới"]}))
    plan = load_plan(copy)
    assert plan.agency_name("co_quan_moi") == "Cơ quan mới" and "so_tu_phap" in plan.agencies
    assert plan.key == "ke-hoach-khac"


def test_another_plan_takes_the_mergers_but_not_the_readings_about_plan_241s_tasks(copy):
    edit(copy / "plan.yaml", lambda d: d["plan"].update(number="9901/KH-UBND"))
    other, plan = load_plan(copy), load_plan()
    assert {r.key for r in plan.readings} - {r.key for r in other.readings}  # 241's department readings
    assert all(r.origin is None or "departments" not in r.origin for r in other.readings)
    assert {r.key for r in other.renamings} == {r.key for r in plan.renamings}  # the mergers themselves


def test_the_source_text_is_the_one_txt_in_van_ban(copy):
    shutil.copy(next((copy / "van-ban").glob("*.txt")), copy / "van-ban" / "ban-sao.txt")
    problems = validate_plan_dir(copy)
    assert any("nhiều tệp .txt" in p.message for p in problems)


def test_the_collecting_body_comes_from_the_plans_own_record(copy):
    from toolkit.assessment.docx_report import collecting_body, summary_recipients

    plan = load_plan()
    assert plan.info.collecting_task == "III.3" and collecting_body(plan).key == "so_tu_phap"
    assert "Bộ Tư pháp (để báo cáo);" in summary_recipients(plan, plan.agency(plan.info.issuer))
    edit(copy / "plan.yaml", lambda d: d["plan"].pop("collecting_task"))
    other = load_plan(copy)
    assert collecting_body(other).key == "so_tu_phap"  # the toolkit's setting, said as such in docx_report
    assert not any("Bộ Tư pháp" in r for r in summary_recipients(other, other.agency(other.info.issuer)))


def test_a_collecting_task_without_a_lead_is_refused(copy):
    edit(copy / "plan.yaml", lambda d: d["plan"].update(collecting_task="II.99"))
    assert any("collecting_task" not in p.message and "II.99" in p.message and p.file.endswith("plan.yaml")
               for p in validate_plan_dir(copy))


def test_a_reading_on_the_plans_words_cites_that_plan(copy):
    cites = {b.cite.split(",")[0] for r in load_plan().readings for b in r.basis if b.source == "plan"}
    assert cites == {"Kế hoạch số 241/KH-UBND"}
    edit(copy / "plan.yaml", lambda d: d["plan"].update(number="36/KH-UBND"))
    cites = {b.cite.split(",")[0] for r in load_plan(copy).readings for b in r.basis if b.source == "plan"}
    assert cites == {"Kế hoạch số 36/KH-UBND"}
