"""Is a unit's self-assessment file checked completely, refused whole when wrong, and stored once when right?

tests/data/imports/valid.json and valid.xlsx are written by the real exporter (make_fixtures.py);
every other file there differs from them in one place and shows one failure mode.
"""

import argparse
import json
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa

from toolkit.assessment.importing import ImportProblem, import_assessments, read_assessment_bytes, read_assessment_file
from toolkit.cli.assess import register_import
from toolkit.datafile import DataError
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.schema import assessment_entries, assessments
from toolkit.storage.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "imports"
VALID = FIXTURES / "valid.json"

# fixture: (where the problem is — JSON path or "dòng N" —, words the message must contain)
EXPECTED = {
    "wrong_format.json": ("format", "Không phải tệp tự đánh giá của bộ công cụ"),
    "format_version.json": ("format_version", "mới hơn phần mềm"),
    "wrong_plan.json": ("plan", "không phải Kế hoạch số 241/KH-UBND"),
    "unknown_unit.json": ("unit.key", "Mã đơn vị “quan_khong_co” không có trong danh mục đơn vị"),
    "year_outside.json": ("year", "Năm 2031 nằm ngoài thời kỳ của Kế hoạch (2020–2030)"),
    "unit_inactive.json": ("year", "UBND quận Ba Đình không hoạt động trong năm 2026"),
    "draft.json": ("status", "chưa được nộp"),
    "unknown_task.json": ("entries[3].task_id", "Nhiệm vụ II.7.a không giao cho UBND quận Ba Đình"),
    "bad_rating.json": ("entries[2].rating", "Mức đánh giá “xong” không có trong thang điểm (nhiệm vụ II.2.b"),
    "na_without_reason.json": ("entries[4].rating", "Chọn “Không áp dụng” cần ghi rõ lý do"),
    "duplicate_task.json": ("entries[20].task_id", "Nhiệm vụ II.2.a xuất hiện hai lần (lần đầu ở entries[1])"),
    "on_time_but_overdue.json": ("entries[0].rating", "Nhiệm vụ II.1.a đã quá thời hạn"),
    "bad_link.json": ("entries[1].evidence_link", "phải bắt đầu bằng http:// hoặc https://"),
    "bad_date.json": ("entries[1].evidence_date", "ngày văn bản “31/02/2022” không đọc được"),
    "bad_submitted_at.json": ("submitted_at", "Thời điểm nộp “hôm qua” không đọc được"),
    "truncated.json": ("dòng 156", "tệp kết thúc giữa chừng"),
    "not_json.json": ("dòng 1", "Tệp không phải JSON hợp lệ"),
    "bad_label.xlsx": ("dòng 7", "Mức đánh giá “Xong” không có trong thang điểm (nhiệm vụ II.4.a"),
}


@pytest.fixture
def astore(tmp_path):
    return AssessmentStore(Store(f"sqlite:///{tmp_path / 'city.sqlite3'}"))


def counts(astore) -> tuple[int, int]:
    with astore.engine.connect() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(assessment_entries)).scalar_one())


def test_is_every_bad_fixture_on_disk_checked_by_an_expectation():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".xlsx")} - {"valid.json", "valid.xlsx"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_is_each_bad_file_refused_naming_the_file_and_the_place(plan, settings, name):
    where, words = EXPECTED[name]
    with pytest.raises(DataError) as err:
        read_assessment_file(FIXTURES / name, plan, settings)
    texts = [str(p) for p in err.value.problems]
    assert all(Path(p.file).name == name for p in err.value.problems), texts
    assert any(words in p.message and (where in str(p)) for p in err.value.problems), texts
    assert all(isinstance(p, ImportProblem) for p in err.value.problems)


def test_does_the_xlsx_message_read_like_a_person_would_say_it(plan, settings):
    with pytest.raises(DataError) as err:
        read_assessment_file(FIXTURES / "bad_label.xlsx", plan, settings)
    (problem,) = err.value.problems
    assert problem.line == 7
    assert str(problem).startswith(f"{problem.file}, dòng 7 (trang “Tự đánh giá”, cột “Mức đánh giá”): "
                                   "Mức đánh giá “Xong” không có trong thang điểm")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_does_a_refused_file_write_nothing(plan, settings, astore, name):
    import_assessments([FIXTURES / "valid.json"], plan, settings, astore)
    before = counts(astore)
    report = import_assessments([FIXTURES / name], plan, settings, astore)
    (result,) = report.results
    assert result.outcome == "rejected" and result.message.startswith(f"Từ chối {result.file}")
    assert "không ghi gì" in result.message
    assert counts(astore) == before


def test_are_json_and_xlsx_of_the_same_assessment_read_the_same(plan, settings):
    a = read_assessment_file(VALID, plan, settings)
    b = read_assessment_file(FIXTURES / "valid.xlsx", plan, settings)
    assert (a.unit_key, a.year, a.submitted_by, a.submitted_at) == ("quan_ba_dinh", 2022, "Nguyễn Thị Lan",
                                                                      b.submitted_at)
    assert a.entry_values() == b.entry_values()
    assert a.entries["II.4.b.2"].central_issued  # the xlsx has no column for it: read from “Tình trạng”


def test_is_text_stored_in_nfc(plan, settings):
    raw = json.loads(VALID.read_text(encoding="utf-8"))
    note = next(e for e in raw["entries"] if e["task_id"] == "II.9")["note"]
    assert not unicodedata.is_normalized("NFC", note)  # the fixture really is decomposed
    got = read_assessment_file(VALID, plan, settings)
    assert got.entries["II.9"].note == unicodedata.normalize("NFC", note)


def test_does_a_valid_file_become_one_submitted_version_with_its_entries(plan, settings, astore):
    report = import_assessments([VALID], plan, settings, astore)
    (result,) = report.results
    assert result.outcome == "imported", report.lines()
    assert result.message.startswith("Đã nhập ") and "UBND quận Ba Đình, năm 2022 — phiên bản 1" in result.message
    assert "26,67%" in result.message  # recomputed here, equal to the file's total
    (record,) = astore.versions("quan_ba_dinh", 2022)
    assert record.submitted and record.submitted_by == "Nguyễn Thị Lan"
    assert record.submitted_at.isoformat() == "2023-01-10T02:30:00+00:00"
    stored = astore.entries(record.id)
    assert len(stored) == 8  # the 14 criteria the unit left empty are not stored
    assert stored["II.3.a"]["reason"].startswith("Năm 2022 không có")


def test_is_importing_the_same_file_twice_a_no_op(plan, settings, astore):
    import_assessments([VALID], plan, settings, astore)
    before = counts(astore)
    report = import_assessments([VALID, FIXTURES / "valid.xlsx"], plan, settings, astore)
    assert [r.outcome for r in report.results] == ["unchanged", "unchanged"]
    assert "trùng với phiên bản 1" in report.results[0].message
    assert counts(astore) == before


def test_does_a_changed_file_become_a_new_version(plan, settings, astore, tmp_path):
    import_assessments([VALID], plan, settings, astore)
    doc = json.loads(VALID.read_text(encoding="utf-8"))
    next(e for e in doc["entries"] if e["task_id"] == "II.2.b")["rating"] = "hoan_thanh"
    changed = tmp_path / "sua.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (result,) = import_assessments([changed], plan, settings, astore).results
    assert result.outcome == "imported" and result.record.version == 2
    assert [a.version for a in astore.submitted("quan_ba_dinh")] == [2]


def test_does_a_good_file_go_in_when_another_in_the_batch_is_bad(plan, settings, astore):
    report = import_assessments([FIXTURES / "bad_rating.json", VALID], plan, settings, astore)
    assert [r.outcome for r in report.results] == ["rejected", "imported"]
    assert len(report.rejected) == 1 and report.rejected[0].problems
    assert [a.unit_key for a in astore.submitted()] == ["quan_ba_dinh"]
    assert counts(astore) == (1, 8)


def test_are_uploads_given_as_bytes_checked_the_same_way(plan, settings, astore):
    data = (FIXTURES / "bad_label.xlsx").read_bytes()
    with pytest.raises(DataError) as err:
        read_assessment_bytes("ke-hoach.xlsx", data, plan, settings)
    assert str(err.value.problems[0]).startswith("ke-hoach.xlsx, dòng 7")
    report = import_assessments([("tu-danh-gia.json", VALID.read_bytes())], plan, settings, astore)
    assert report.results[0].outcome == "imported"


@pytest.mark.parametrize("name,data,words", [
    ("bao-cao.docx", b"PK\x03\x04", "Chỉ nhận tệp tự đánh giá dạng .json hoặc .xlsx"),
    ("lon.json", b" " * 2_000_001, "Tệp quá lớn"),
    ("hong.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp Excel"),
    ("mang.json", b"[1, 2]", "phải là một đối tượng JSON"),
    ("latin1.json", '{"unit": "Ba Đình"}'.encode("cp1258", errors="replace").replace(b"?", b"\xd0"), "không phải UTF-8"),
])
def test_are_files_that_are_not_assessments_refused_clearly(plan, settings, name, data, words):
    with pytest.raises(DataError) as err:
        read_assessment_bytes(name, data, plan, settings)
    assert any(words in p.message for p in err.value.problems), [str(p) for p in err.value.problems]


def test_are_limits_and_control_characters_enforced(plan, settings):
    doc = json.loads(VALID.read_text(encoding="utf-8"))
    doc["entries"][1]["evidence_number"] = "x" * 201
    doc["entries"][2]["note"] = "dòng 1\ndòng 2"  # newlines are fine in a note
    doc["entries"][3]["evidence_text"] = "nul\x00"
    doc["entries"][5]["extra"] = 1
    doc["surprise"] = True
    with pytest.raises(DataError) as err:
        read_assessment_bytes("x.json", json.dumps(doc).encode(), plan, settings)
    texts = sorted(str(p) for p in err.value.problems)
    assert len(texts) == 4, texts
    assert any("entries[1].evidence_number" in t and "quá dài (201 ký tự; tối đa 200)" in t for t in texts)
    assert any("entries[3].evidence_text" in t and "ký tự điều khiển" in t for t in texts)
    assert any("entries[5].extra" in t and "trường không có trong định dạng" in t for t in texts)
    assert any("x.json, surprise:" in t for t in texts)


def test_does_the_command_import_report_each_file_and_fail_when_one_is_refused(tmp_path, capsys, plan):
    parser = argparse.ArgumentParser(prog="toolkit")
    parser.add_argument("--plan-dir")
    sub = parser.add_subparsers(dest="command", required=True)
    what = sub.add_parser("assess").add_subparsers(dest="assess_command", required=True)
    register_import(what)
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    args = parser.parse_args(["assess", "import", str(VALID), "--database", url])
    assert args.func(args) == 0
    assert "Đã nhập" in capsys.readouterr().out

    args = parser.parse_args(["assess", "import", str(VALID), str(FIXTURES / "unknown_unit.json"), "--database", url])
    assert args.func(args) == 1
    out, err = capsys.readouterr()
    assert "Bỏ qua" in out and "Từ chối" in err and "unknown_unit.json, unit.key: Mã đơn vị" in err

    target = tmp_path / "tong-hop.xlsx"
    args = parser.parse_args(["assess", "city", "--year", "2022", "--output", str(target), "--database", url])
    assert args.func(args) == 0 and target.stat().st_size > 0
    from openpyxl import load_workbook

    assert load_workbook(target).sheetnames[:5] == ["Thông tin", "Xếp hạng", "Theo mục", "Chưa nộp",
                                                    "Nhiệm vụ quá hạn"]
