"""Does `toolkit validate` catch each kind of bad data, naming the file and line, in Vietnamese?

Each case in tests/data/plan/<case>/ holds the one file that differs from tests/data/plan/valid/
(or a DELETE file naming one to remove); the test overlays it on a copy of the valid folder.
"""

import shutil
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.datafile import DataError
from toolkit.plan.load import load_plan, validate_plan_dir

CASES = Path(__file__).resolve().parents[1] / "data" / "plan"

# case: (file, line, words the message must contain)
EXPECTED = {
    "unknown_agency": ("tasks.yaml", 6, "Mã cơ quan 'so_noi_vuu' không có trong danh mục"),
    "duplicate_task_id": ("tasks.yaml", 19, "Mã nhiệm vụ 'II.3.g' bị trùng (đã có ở dòng 3)"),
    "deadline_outside_period": ("tasks.yaml", 30, "năm 2035 nằm ngoài thời kỳ của Kế hoạch (2020–2030)"),
    "no_lead": ("tasks.yaml", 6, "Nhiệm vụ II.3.g không có cơ quan chủ trì"),
    "not_nfc": ("tasks.yaml", 5, "chưa chuẩn hóa Unicode NFC"),
    "yaml_syntax": ("tasks.yaml", 20, "Lỗi cú pháp YAML"),
    "missing_deadline": ("tasks.yaml", 19, "thiếu trường bắt buộc 'deadline'"),
    "deadline_mismatch": ("tasks.yaml", 28, "thời hạn ghi là 'annual' nhưng \"Năm 2022\" có nghĩa là 'year' năm 2022"),
    "source_not_verbatim": ("tasks.yaml", 32, "Trích dẫn của nhiệm vụ II.5.b không khớp nguyên văn Kế hoạch"),
    "duty_not_in_source": ("tasks.yaml", 26, "nội dung không có trong trích dẫn nguồn"),
    "duplicate_yaml_key": ("tasks.yaml", 21, "Khóa 'section' bị lặp lại"),
    "unknown_group_in_unit": ("units.yaml", 4, "Nhóm 'ubnd_cap_quan' không có trong danh mục"),
    "bad_agency_kind": ("agencies.yaml", 5, "giá trị 'sở' không hợp lệ"),
    "unknown_field": ("units.yaml", 3, "trường không được phép: 'cap'"),
    "group_cycle": ("agencies.yaml", 6, "tạo thành vòng lặp"),
    "missing_file": ("units.yaml", None, "Không tìm thấy tệp"),
    "not_utf8": ("units.yaml", 4, "không phải UTF-8"),
    # Issue 10: who a task is given to, and "chủ trì", must be the plan's words.
    "lead_named_without_chu_tri": ("tasks.yaml", 9, "lead_named chỉ dùng khi lời văn bản (lead_basis) viết “chủ trì”"),
    "lead_basis_not_verbatim": ("tasks.yaml", 9, "lead_basis không có nguyên văn trong trích dẫn nguồn"),
    "addressee_without_role": ("tasks.yaml", 7, "cơ quan được giao (addressed_to) phải ghi ở coordinating"),
    "overlap_basis_not_verbatim": ("agencies.yaml", 13, "Căn cứ (basis) không khớp nguyên văn Kế hoạch"),
    # Issue 11: the city registry must be found, and a reading must quote its sources and be named as one.
    "reading_basis_not_verbatim": ("readings.yaml", 11, "Căn cứ không khớp nguyên văn Kế hoạch"),
    "registry_not_found": ("units.yaml", 4, "Không tìm thấy danh mục Thành phố"),
    "inherits_without_reading": ("units.yaml", 5, "thay “inherits: true” bằng “inherits_reading"),
}


def make_case(tmp_path: Path, case: str) -> Path:
    target = tmp_path / "plan-data"
    shutil.copytree(CASES / "valid", target)
    for f in (CASES / case).iterdir():
        if f.name == "DELETE":
            (target / f.read_text().strip()).unlink()
        else:
            shutil.copy(f, target / f.name)
    return target


def test_every_fixture_folder_has_an_expectation():
    """Is every failure fixture on disk checked by this test (and every expectation backed by a fixture)?"""
    on_disk = {p.name for p in CASES.iterdir() if p.is_dir()} - {"valid"}
    assert on_disk == set(EXPECTED)


def test_valid_fixture_is_valid():
    assert validate_plan_dir(CASES / "valid") == []


def test_a_file_without_the_issue_10_fields_still_loads_with_their_defaults():
    """The valid fixture predates addressed_to, lead_named…: same schema_version, fields default (no silent break)."""
    plan = load_plan(CASES / "valid")
    t = plan.task("II.5.b")
    assert (t.addressed_to, t.lead_named, t.works_with, t.hints_lead, t.related) == (t.lead, False, (), False, ())
    assert t.role_label("lead") == "Thực hiện"  # "chủ trì" only where the data says the plan writes it
    assert plan.agency_overlaps == () and plan.overlaps("so_ban_nganh", "so_tu_phap")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_problem_names_file_line_and_cause(tmp_path, case):
    """Does each broken file give its own Vietnamese message at the right file and line?"""
    folder = make_case(tmp_path, case)
    problems = validate_plan_dir(folder)
    file, line, words = EXPECTED[case]
    matching = [p for p in problems if p.file.endswith(file) and p.line == line and words in p.message]
    assert matching, f"{case}: expected {file}:{line} '{words}', got {[str(p) for p in problems]}"


@pytest.mark.parametrize("case", ["unknown_agency", "yaml_syntax", "not_nfc"])
def test_loading_bad_data_raises_and_cli_exits_non_zero(tmp_path, capsys, case):
    """Is bad data refused whole: load_plan raises and `toolkit validate` exits 1 with the message?"""
    folder = make_case(tmp_path, case)
    with pytest.raises(DataError) as err:
        load_plan(folder)
    assert err.value.problems
    assert main(["validate", str(folder)]) == 1
    printed = capsys.readouterr().err
    file, line, words = EXPECTED[case]
    assert f"{file}:{line}: " in printed and words in printed
    assert "Có 1 lỗi" in printed


def test_cli_validate_real_data_succeeds(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("Hợp lệ: ")
