"""Do the self-assessment exports (xlsx, printable HTML, JSON, `toolkit assess export`) hold what was stored?"""

from __future__ import annotations

import argparse
import io
import json
from datetime import datetime
from html.parser import HTMLParser

import pandas as pd
import pytest

from toolkit.assessment import report as ar
from toolkit.assessment.scoring import Entry
from toolkit.cli.assess import register
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.vietnamese import VIETNAM

UNIT, YEAR = "quan_ba_dinh", 2021
EVIL = "<script>alert('x')</script>"


@pytest.fixture
def db(database_url):
    """SQLite, and PostgreSQL where one is configured (tests/unit/conftest.py)."""
    return database_url


@pytest.fixture
def astore(db):
    store = Store(db)
    yield AssessmentStore(store)
    store.engine.dispose()


ENTRIES = {
    "II.1.a": Entry("hoan_thanh_cham", evidence_number="12/KH-UBND", evidence_date="2021-02-03",
                    evidence_text="Kế hoạch triển khai Kết luận 80", evidence_link="https://example.vn/kh12"),
    "II.2.a": Entry("hoan_thanh", evidence_text=EVIL, note="Ghi chú & <b>đậm</b>"),
    "II.3.a": Entry("khong_ap_dung", reason="Quận không có đối tượng"),
    "II.6.d": Entry("dang_thuc_hien", evidence_link="javascript:alert(1)"),
}


def fill(astore, entries=ENTRIES, year=YEAR, submit_by=None):
    record = astore.open_draft(UNIT, year)
    for tid, e in entries.items():
        astore.save_entry(record.id, tid, e.__dict__)
    if submit_by:
        record = astore.submit(record.id, submit_by)
    return record


@pytest.fixture
def view(plan, settings, astore):
    record = fill(astore)
    return ar.load_view(plan, settings, astore, UNIT, YEAR, record)


def test_does_the_view_score_what_is_stored(view):
    # lead 1 × 75% + lead 1 × 100% + N/A (out) + coordinating 0.5 × 50% = 2.0 of 15 − 1
    assert (view.score.points, view.score.max_points, view.score.rated) == (2.0, 14.0, 4)
    assert view.record.version == 1 and view.previous is None


def test_does_the_xlsx_hold_one_row_per_criterion_with_the_stored_values(plan, settings, view):
    data = ar.report_xlsx(plan, settings, view)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False)
    assert list(sheets) == ["Thông tin", "Tự đánh giá", "Tổng hợp theo mục"]
    rows = sheets["Tự đánh giá"]
    assert list(rows.columns) == list(ar.COLUMNS)
    assert list(rows["Mã nhiệm vụ"]) == [c.id for c in view.criteria] and len(rows) == 20
    by_id = rows.set_index("Mã nhiệm vụ")
    assert by_id.loc["II.1.a", "Mức đánh giá"] == "Hoàn thành chậm so với thời hạn"
    assert by_id.loc["II.1.a", "Số/ký hiệu văn bản"] == "12/KH-UBND"
    assert by_id.loc["II.1.a", "Ngày"] == "2021-02-03" and float(by_id.loc["II.1.a", "Điểm"]) == 0.75
    assert by_id.loc["II.1.a", "Liên kết"] == "https://example.vn/kh12"
    assert by_id.loc["II.1.a", "Tình trạng"] == "Đã quá thời hạn"
    assert by_id.loc["II.2.a", "Mô tả minh chứng"] == EVIL and by_id.loc["II.2.a", "Ghi chú"] == "Ghi chú & <b>đậm</b>"
    assert by_id.loc["II.3.a", "Lý do không áp dụng"] == "Quận không có đối tượng"
    assert float(by_id.loc["II.3.a", "Điểm tối đa"]) == 0.0
    assert by_id.loc["II.6.d", "Vai trò"] == "Phối hợp (qua nhóm UBND quận, huyện, thị xã)"
    # "Chủ trì" only where the plan writes it: II.1.a gives the districts the task, without that word.
    assert by_id.loc["II.1.a", "Vai trò"] == "Thực hiện (qua nhóm UBND quận, huyện, thị xã)"
    assert by_id.loc["II.2.b", "Mức đánh giá"] == "Chưa đánh giá"
    info = dict(sheets["Thông tin"].values)
    assert info["Đơn vị"] == "UBND quận Ba Đình" and info["Năm đánh giá"] == "2021"
    assert info["Phiên bản"] == "1" and info["Trạng thái"] == "Bản nháp (chưa nộp)"
    assert info["Tổng điểm"] == "2.0" and info["Điểm tối đa"] == "14.0" and info["Kết quả"] == "Chưa đạt"
    assert info["Ngưỡng đạt (%)"] == "80.0"
    sections = sheets["Tổng hợp theo mục"].set_index("Mục")
    assert (float(sections.loc["II.6", "Điểm"]), float(sections.loc["II.6", "Điểm tối đa"])) == (0.25, 1.5)


class _Checker(HTMLParser):
    """Collects text and checks that every non-void element is closed in order."""

    VOID = {"meta", "br", "img", "link", "hr", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.problems, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(doc: str) -> _Checker:
    checker = _Checker()
    checker.feed(doc)
    checker.close()
    assert not checker.problems and not checker.stack, (checker.problems, checker.stack)
    return checker


def test_is_the_html_report_a_printable_official_document(plan, settings, view):
    doc = ar.report_html(plan, settings, view)
    assert doc.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in doc
    checker = parse(doc)
    text = " ".join(" ".join(checker.text).split())
    for line in ("UBND quận Ba Đình", "Số: ……/BC-……", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                 "Tự đánh giá kết quả thực hiện Kế hoạch số 241/KH-UBND ngày 15/12/2020 của UBND Thành phố",
                 "Năm 2021", "THỦ TRƯỞNG ĐƠN VỊ", "BẢN NHÁP", "Tổng điểm: 2/14 (14,29%)",
                 "Kết quả tự đánh giá: CHƯA ĐẠT", "Ngưỡng đạt: 80%"):
        assert line in text, line
    assert "text-transform: uppercase" in doc  # the unit's name prints in capitals
    for c in view.criteria:
        assert f'data-task="{c.id}"' in doc
    assert "@page { size: A4" in doc and "table-header-group" in doc and "page-break-inside: avoid" in doc
    assert '"Times New Roman", "DejaVu Serif", "Noto Serif"' in doc
    img = [a for t, a in checker.tags if t == "img"]
    assert img and img[0]["src"].startswith("data:image/png;base64,")


def test_does_the_html_report_escape_what_units_typed(plan, settings, view):
    doc = ar.report_html(plan, settings, view, chart=False)
    assert "<script" not in doc and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in doc  # Jinja2's spelling
    assert "<b>đậm</b>" not in doc and "Ghi chú &amp; &lt;b&gt;đậm&lt;/b&gt;" in doc
    hrefs = [a.get("href") for t, a in parse(doc).tags if t == "a"]
    assert hrefs == ["https://example.vn/kh12"]  # javascript: is shown as text, never as a link
    assert "javascript:alert(1)" in doc


def test_does_a_submitted_report_carry_its_date_and_submitter(plan, settings, astore):
    record = fill(astore, submit_by="Trần Thị <Bình>")
    view = ar.load_view(plan, settings, astore, UNIT, YEAR, record)
    doc = ar.report_html(plan, settings, view, chart=False)
    when = record.submitted_at.astimezone(VIETNAM)
    assert f"Hà Nội, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}" in doc
    assert "BẢN NHÁP" not in doc and "Trần Thị &lt;Bình&gt;" in doc


def test_does_the_json_round_trip(plan, settings, view):
    doc = ar.report_json(plan, settings, view)
    again = json.loads(json.dumps(doc, ensure_ascii=False))
    assert again == doc
    assert (doc["format"], doc["format_version"], doc["plan"]) == ("pbgdpl-assessment", 1, "241/KH-UBND")
    assert doc["unit"] == {"key": UNIT, "name": "UBND quận Ba Đình"} and doc["year"] == YEAR
    assert (doc["version"], doc["status"], doc["submitted_at"], doc["submitted_by"]) == (1, "draft", None, None)
    assert doc["totals"] == {"points": 2.0, "max_points": 14.0, "percent": 14.29, "passed": False}
    by_id = {e["task_id"]: e for e in doc["entries"]}
    assert len(by_id) == 20
    assert by_id["II.1.a"] == {"task_id": "II.1.a", "role": "lead", "status": "overdue", "rating": "hoan_thanh_cham",
                               "reason": "", "evidence_number": "12/KH-UBND", "evidence_date": "2021-02-03",
                               "evidence_text": "Kế hoạch triển khai Kết luận 80",
                               "evidence_link": "https://example.vn/kh12", "note": "", "central_issued": False,
                               "points": 0.75, "max_points": 1.0, "reading": None}
    assert by_id["II.2.b"]["rating"] is None
    # Each stored entry reads back as the same Entry.
    for tid, e in ENTRIES.items():
        fields = {k: by_id[tid][k] for k in Entry.__dataclass_fields__}
        assert Entry(**fields) == e


def test_is_last_year_in_the_view_and_the_report_once_submitted(plan, settings, astore):
    fill(astore, {"II.1.a": Entry("hoan_thanh"), "II.2.a": Entry("dang_thuc_hien")}, year=2020, submit_by="An")
    record = fill(astore)
    view = ar.load_view(plan, settings, astore, UNIT, YEAR, record)
    assert view.previous is not None and view.previous.points == 1.5
    statuses = {c.id: c.status for c in view.criteria}
    assert statuses["II.1.a"] == "done_earlier"  # completed in 2020, not scored again in 2021
    doc = ar.report_html(plan, settings, view, chart=False)
    assert "So với năm 2020" in doc and "<th>Năm 2020</th>" in doc


def test_does_chosen_record_prefer_the_newest_submitted_version(astore):
    first = fill(astore, submit_by="An")
    draft = astore.open_draft(UNIT, YEAR)
    assert ar.chosen_record(astore, UNIT, YEAR).id == first.id
    assert ar.chosen_record(astore, UNIT, YEAR, 2).id == draft.id
    assert ar.chosen_record(astore, UNIT, YEAR, 9) is None
    assert ar.chosen_record(astore, "quan_hoan_kiem", YEAR) is None


def test_does_the_chart_pair_this_year_with_last_year(plan, settings, astore):
    fill(astore, {"II.2.a": Entry("dang_thuc_hien")}, year=2020, submit_by="An")
    view = ar.load_view(plan, settings, astore, UNIT, YEAR, fill(astore))
    fig = ar.score_chart(plan, view.score, view.previous, YEAR)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * (len(view.score.by_section) + 1)  # each section and the total, twice
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Năm 2021", "Năm 2020", "Ngưỡng đạt 80%"]
    assert ar.chart_png(plan, view)[:4] == b"\x89PNG"


# ---------------------------------------------------------------- CLI


def run_cli(argv):
    """`toolkit assess …` through `register`, exactly as toolkit.cli wires it."""
    parser = argparse.ArgumentParser(prog="toolkit", formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    what = register(sub, argparse.RawDescriptionHelpFormatter)
    assert "export" in what.choices
    args = parser.parse_args(argv)
    return args.func(args)


def test_does_assess_export_write_each_format_atomically(astore, db, tmp_path, capsys, monkeypatch):
    fill(astore)
    calls = []
    from toolkit.cli import output

    real = output.write_atomic
    monkeypatch.setattr(output, "write_atomic", lambda path, data: (calls.append(path), real(path, data)))
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("xlsx", "html", "json"):
        target = out / f"bao-cao.{fmt}"
        assert run_cli(["assess", "export", "--unit", UNIT, "--year", "2021", "--format", fmt, "--output",
                        str(target), "--database", db]) == 0
    assert calls == [out / "bao-cao.xlsx", out / "bao-cao.html", out / "bao-cao.json"]
    assert sorted(p.name for p in out.iterdir()) == ["bao-cao.html", "bao-cao.json", "bao-cao.xlsx"]  # no temp files
    assert (out / "bao-cao.xlsx").read_bytes()[:2] == b"PK"
    assert json.loads((out / "bao-cao.json").read_text())["entries"][0]["task_id"] == "II.1.a"
    assert "UBND quận Ba Đình" in (out / "bao-cao.html").read_text(encoding="utf-8")
    assert "phiên bản 1 (bản nháp)" in capsys.readouterr().err


def test_does_assess_export_pick_the_submitted_version_over_a_newer_draft(astore, db, capsys):
    fill(astore, submit_by="An")
    draft = astore.open_draft(UNIT, YEAR)
    astore.save_entry(draft.id, "II.2.b", {"rating": "hoan_thanh"})
    assert run_cli(["assess", "export", "--unit", UNIT, "--year", "2021", "--format", "json", "--database", db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["version"], doc["status"], doc["submitted_by"]) == (1, "submitted", "An")
    assert datetime.fromisoformat(doc["submitted_at"]).tzinfo is not None
    assert run_cli(["assess", "export", "--unit", UNIT, "--year", "2021", "--format", "json", "--version", "2",
                    "--database", db]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "draft"


def test_does_assess_export_explain_unknown_units_and_missing_assessments(db, capsys):
    assert run_cli(["assess", "export", "--unit", "quan_khong_co", "--year", "2021", "--database", db]) == 2
    assert "Không có đơn vị 'quan_khong_co'" in capsys.readouterr().err
    assert run_cli(["assess", "export", "--unit", UNIT, "--year", "2021", "--format", "json", "--database", db]) == 1
    assert "Chưa có bản tự đánh giá năm 2021 của UBND quận Ba Đình" in capsys.readouterr().err


def test_does_the_help_show_examples(capsys):
    with pytest.raises(SystemExit):
        run_cli(["assess", "export", "--help"])
    out = capsys.readouterr().out
    assert "Ví dụ:" in out and "toolkit assess export --unit quan_ba_dinh --year 2021" in out


def test_is_assess_export_wired_into_the_toolkit_command(astore, db, tmp_path, capsys):
    from toolkit.cli import main

    fill(astore, submit_by="An")
    target = tmp_path / "bao-cao.html"
    assert main(["assess", "export", "--unit", UNIT, "--year", "2021", "--format", "html", "--output", str(target),
                 "--database", db]) == 0
    assert "THỦ TRƯỞNG ĐƠN VỊ" in target.read_text(encoding="utf-8")
    assert main(["assess", "export", "--unit", UNIT, "--year", "2019", "--database", db]) == 1
