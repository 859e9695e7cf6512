"""Do the Word reports (a unit's self-assessment, Sở Tư pháp's city summary) read back with every figure, in the
layout of Nghị định 30/2020/NĐ-CP: Times New Roman 13–14 pt text, A4, the decree's margins, real links?"""

from __future__ import annotations

import argparse
import io
import math
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone

import docx
import pytest

from toolkit.assessment import docx_report as dr
from toolkit.assessment import report as ar
from toolkit.assessment.city import HEATMAP_PAGE, city_overview, synthetic_submissions
from toolkit.assessment.scoring import Entry
from toolkit.cli.assess import register, register_import
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.vietnamese import VIETNAM, number

UNIT, YEAR = "quan_ba_dinh", 2022
LINK = "https://example.vn/kh12"
ENTRIES = {
    "II.1.a": Entry("hoan_thanh_cham", evidence_number="12/KH-UBND", evidence_date="2021-02-03",
                    evidence_text="Kế hoạch triển khai Kết luận 80", evidence_link=LINK),
    "II.2.a": Entry("hoan_thanh", evidence_text="<script>alert('x')</script> & “trích dẫn”", note="Ghi chú & <b>đậm</b>"),
    "II.3.a": Entry("khong_ap_dung", reason="Quận không có đối tượng"),
    "II.6.d": Entry("dang_thuc_hien", evidence_link="javascript:alert(1)"),
}


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'docx.sqlite3'}"


@pytest.fixture
def astore(db):
    store = Store(db)
    yield AssessmentStore(store)
    store.engine.dispose()


def fill(astore, year, submit_by="Nguyễn Văn An", entries=ENTRIES):
    record = astore.open_draft(UNIT, year)
    for tid, e in entries.items():
        astore.save_entry(record.id, tid, e.__dict__)
    return astore.submit(record.id, submit_by) if submit_by else record


@pytest.fixture
def view(plan, settings, astore):
    """2022, submitted, with 2021 submitted too (so the report compares with last year)."""
    fill(astore, YEAR - 1)
    record = fill(astore, YEAR)
    return ar.load_view(plan, settings, astore, UNIT, YEAR, record)


@pytest.fixture
def unit_doc(plan, settings, view):
    return docx.Document(io.BytesIO(dr.report_docx(plan, settings, view)))


def cell_texts(table) -> list[list[str]]:
    """Each row's cells' text, a merged cell once (python-docx repeats it for each grid column it spans)."""
    rows = []
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        rows.append(cells)
    return rows


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend("\n".join(r) for r in cell_texts(table))
    return "\n".join(parts)


def table_with_head(doc, first: str, second: str):
    for table in doc.tables:
        head = cell_texts(table)[0]
        if len(head) > 1 and head[0] == first and head[1] == second:
            return table
    raise AssertionError(f"no table headed {first!r}, {second!r}")


def margins_mm(section) -> list[float]:
    """Top, bottom, left, right in mm, to 0,1 mm (the file stores twentieths of a point)."""
    return [round(x.mm, 1) for x in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)]


def all_runs(doc):
    """(run, where) for every run of text: the body's paragraphs, every table cell, the page header."""
    for p in doc.paragraphs:
        for r in p.iter_inner_content():
            for run in (r.runs if hasattr(r, "runs") else [r]):
                yield run, "body"
    for t_index, table in enumerate(doc.tables):
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.iter_inner_content():
                        for run in (r.runs if hasattr(r, "runs") else [r]):
                            yield run, ("header" if t_index == 0 else "table")


# ---------------------------------------------------------------- the unit's report: figures


def test_does_the_unit_report_name_the_unit_and_hold_every_criterion_with_its_points(plan, settings, view, unit_doc):
    text = all_text(unit_doc)
    assert "UBND QUẬN BA ĐÌNH" in text and "UBND quận Ba Đình tự đánh giá" in text
    table = table_with_head(unit_doc, "STT", "Nhiệm vụ, vai trò")
    rows = [r for r in cell_texts(table)[1:] if r[0].isdigit()]
    by_id = {r[1].split("\n")[0]: r for r in rows}
    assert list(by_id) == [c.id for c in view.criteria] and len(rows) == len(view.criteria)
    for item in view.score.items:
        criterion = next(c for c in view.criteria if c.id == item.task_id)
        expected = f"{number(item.points)}/{number(item.max_points)}" if criterion.scored else "—"
        assert by_id[item.task_id][4] == expected, item.task_id
    assert by_id["II.2.a"][3] == "Hoàn thành" and by_id["II.3.a"][3] == "Không áp dụng"
    assert "Lý do không áp dụng: Quận không có đối tượng" in by_id["II.3.a"][5]
    evidence = by_id["II.1.a"][5]
    assert "12/KH-UBND, ngày 03/02/2021" in evidence and "Kế hoạch triển khai Kết luận 80" in evidence
    assert LINK in evidence
    # What a unit typed is written as text, exactly as typed: nothing escaped, nothing lost.
    assert "<script>alert('x')</script> & “trích dẫn”" in by_id["II.2.a"][5]
    assert "Ghi chú & <b>đậm</b>" in by_id["II.2.a"][5]
    for section in {c.task.section for c in view.criteria}:
        assert any(r == [plan.section(section).label] for r in cell_texts(table)), section
    total = cell_texts(table)[-1]
    assert total[0].startswith(f"Tổng cộng ({view.score.rated}/{view.score.to_rate}")
    assert total[1] == f"{number(view.score.points)}/{number(view.score.max_points)}"


def test_does_the_unit_report_hold_every_section_score_and_last_year(plan, view, unit_doc):
    table = table_with_head(unit_doc, "Mục", "Điểm")
    rows = cell_texts(table)
    assert rows[0] == ["Mục", "Điểm", "Tỷ lệ", f"Năm {YEAR - 1}"]
    before = {sid: (p, m) for sid, p, m in view.previous.by_section}
    by_label = {r[0]: r for r in rows[1:]}
    assert len(view.score.by_section) + 1 == len(rows) - 1
    for sid, points, top in view.score.by_section:
        row = by_label[plan.section(sid).label]
        p, m = before[sid]
        if top:
            assert row[1:3] == [f"{number(points)}/{number(top)}", f"{number(100 * points / top)}%"], sid
        else:
            assert row[1] == "Không có tiêu chí tính điểm trong năm", sid
        assert row[-1] == (f"{number(100 * p / m)}%" if m else "—"), sid
    assert by_label["Tổng cộng"][1:] == [f"{number(view.score.points)}/{number(view.score.max_points)}",
                                         f"{number(view.score.percent)}%", f"{number(view.previous.percent)}%"]
    text = all_text(unit_doc)
    verdict = "ĐẠT" if view.score.passed else "CHƯA ĐẠT"
    assert f"Kết quả tự đánh giá: {verdict}." in text
    assert f"Ngưỡng đạt: {number(view.score.threshold)}%." in text


def test_is_the_chart_in_the_unit_report_as_an_image(plan, settings, view, unit_doc):
    assert len(unit_doc.inline_shapes) == 1
    blob = unit_doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert unit_doc.part.related_parts[blob].blob[:4] == b"\x89PNG"
    assert "Biểu đồ tỷ lệ điểm theo mục" in all_text(unit_doc)
    without = docx.Document(io.BytesIO(dr.report_docx(plan, settings, view, chart=False)))
    assert len(without.inline_shapes) == 0


def test_are_evidence_links_real_hyperlinks_and_other_schemes_text(unit_doc):
    links = [h for t in unit_doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
             for h in p.hyperlinks]
    assert {h.url for h in links} == {LINK} and all(h.text == LINK for h in links)
    rels = [r for r in unit_doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert {r.target_ref for r in rels} == {LINK} and all(r.is_external for r in rels)
    assert "javascript:alert(1)" in all_text(unit_doc)  # shown, never a link


# ---------------------------------------------------------------- the unit's report: layout (Nghị định 30/2020)


def test_is_the_header_the_decrees_two_columns_without_borders(unit_doc, view):
    header = unit_doc.tables[0]
    borders = header._tbl.tblPr.find(docx.oxml.ns.qn("w:tblBorders"))
    assert borders is not None and {b.get(docx.oxml.ns.qn("w:val")) for b in borders} == {"nil"}
    (left, right), (number_cell, date_cell) = [row.cells for row in header.rows]
    assert left.paragraphs[0].text == "UBND QUẬN BA ĐÌNH" and left.paragraphs[0].runs[0].bold
    nation, motto = right.paragraphs[0], right.paragraphs[1]
    assert nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and nation.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold and motto.runs[0].underline
    assert re.fullmatch(r"Số:\s+/BC-……", number_cell.text)  # left blank for the clerk: no number invented
    submitted = view.record.submitted_at.astimezone(VIETNAM)
    assert date_cell.text == f"Hà Nội, ngày {submitted:%d} tháng {submitted:%m} năm {submitted.year}"
    assert date_cell.paragraphs[0].runs[0].italic
    body = [p.text for p in unit_doc.paragraphs if p.text]
    assert body[:3] == ["BÁO CÁO", "Tự đánh giá kết quả thực hiện Kế hoạch số 241/KH-UBND ngày 15/12/2020 của UBND "
                        "Thành phố", f"Năm {YEAR}"]


def test_does_the_unit_report_end_with_recipients_and_the_signer(unit_doc):
    signature = unit_doc.tables[-1]
    left, right = signature.rows[0].cells
    lines = [p.text for p in left.paragraphs]
    assert lines[:3] == ["Nơi nhận:", "- Sở Tư pháp;", "- Lưu: VT."]
    assert "Người lập: Nguyễn Văn An" in lines
    head = left.paragraphs[0].runs[0]
    assert head.bold and head.italic and head.font.size.pt == dr.RECIPIENTS_HEAD_PT
    assert all(r.font.size.pt == dr.RECIPIENTS_PT for p in left.paragraphs[1:] for r in p.runs)
    assert right.paragraphs[0].text == "THỦ TRƯỞNG ĐƠN VỊ" and right.paragraphs[0].runs[0].bold


def test_is_every_run_times_new_roman_with_the_body_in_13_to_14_pt(unit_doc):
    assert unit_doc.styles["Normal"].font.name == "Times New Roman"
    sizes = {"body": set(), "table": set(), "header": set()}
    for run, where in all_runs(unit_doc):
        assert run.font.name == "Times New Roman", run.text
        fonts = run._r.rPr.rFonts
        assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == fonts.get(docx.oxml.ns.qn("w:cs")) == "Times New Roman"
        sizes[where].add(run.font.size.pt)
    assert sizes["body"] and sizes["body"] <= {13.0, 14.0}
    assert sizes["header"] <= {12.0, 13.0}  # quốc hiệu and the body's name 12–13, tiêu ngữ, số and date 13
    assert sizes["table"] <= {11.0, 12.0, 13.0, 14.0}  # tables 12 (a reading's mark 11), the signer's block


def test_is_the_page_a4_with_the_decrees_margins(unit_doc):
    m = dr.MARGINS_MM
    assert 20 <= m.top <= 25 and 20 <= m.bottom <= 25 and 30 <= m.left <= 35 and 15 <= m.right <= 20
    for section in unit_doc.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert margins_mm(section) == [m.top, m.bottom, m.left, m.right]
        assert section.different_first_page_header_footer  # page numbers from the second page
        assert "PAGE" in section.header._element.xml


def test_is_every_text_nfc_and_the_file_tagged_vietnamese(unit_doc):
    text = all_text(unit_doc)
    assert unicodedata.is_normalized("NFC", text)
    assert "«" not in text and "»" not in text
    assert unit_doc.core_properties.language == "vi-VN"
    assert unit_doc.core_properties.author == "UBND quận Ba Đình"


def test_does_a_draft_say_so_and_leave_the_date_blank(plan, settings, astore):
    record = fill(astore, YEAR, submit_by=None)
    view = ar.load_view(plan, settings, astore, UNIT, YEAR, record)
    doc = docx.Document(io.BytesIO(dr.report_docx(plan, settings, view, chart=False)))
    text = all_text(doc)
    assert "BẢN NHÁP — chưa nộp (phiên bản 1)" in text
    assert "Hà Nội, ngày …… tháng …… năm ……" in text and "Người lập" not in text


def test_do_control_characters_in_typed_text_not_break_the_file(plan, settings, view):
    odd = replace(view, entries={**view.entries, "II.2.a": Entry("hoan_thanh", evidence_text="a\x0bb\x00c\x1fd",
                                                                 note="dòng 1\ndòng 2")})
    doc = docx.Document(io.BytesIO(dr.report_docx(plan, settings, odd, chart=False)))
    assert "abcd" in all_text(doc) and "dòng 1\ndòng 2" in all_text(doc)


def test_does_a_sub_department_carry_the_peoples_committee_above_its_name(plan, settings, astore):
    record = astore.open_draft("so_tu_phap", YEAR)
    view = ar.load_view(plan, settings, astore, "so_tu_phap", YEAR, record)
    doc = docx.Document(io.BytesIO(dr.report_docx(plan, settings, view, chart=False)))
    left = doc.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs[:2]] == ["ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "SỞ TƯ PHÁP"]
    assert not left.paragraphs[0].runs[0].bold and left.paragraphs[1].runs[0].bold


# ---------------------------------------------------------------- the city summary


@pytest.fixture(scope="module")
def overview(plan, settings):
    subs = synthetic_submissions(plan, settings, [2021, 2022], seed=3)
    return city_overview(plan, settings, subs, 2022)


@pytest.fixture(scope="module")
def city_doc(plan, overview):
    return docx.Document(io.BytesIO(dr.city_docx(plan, overview)))


def test_does_the_city_summary_rank_every_unit_that_submitted(overview, city_doc):
    rows = cell_texts(table_with_head(city_doc, "Hạng", "Đơn vị"))[1:]
    assert len(rows) == len(overview.ranking) > 0
    for row, r in zip(rows, overview.ranking.itertuples()):
        percent = "" if math.isnan(r.percent) else f"{number(r.percent)}%"
        assert row[1] == r.unit and row[2] == (percent or "—")
        assert row[0] == ("—" if r.rank is None or str(r.rank) == "<NA>" else str(int(r.rank)))
        assert row[4:] == [f"{r.rated}/{r.to_rate}", f"{number(r.points)}/{number(r.max_points)}"]
    text = all_text(city_doc)
    assert f"{overview.submitted_count} đơn vị đã nộp bản tự đánh giá, {len(overview.not_submitted)} đơn vị chưa nộp" \
        in text


def test_does_the_city_appendix_hold_every_units_percent_of_every_section(plan, overview, city_doc):
    table = table_with_head(city_doc, "STT", "Đơn vị")
    rows = cell_texts(table)
    assert rows[0][2:] == [f"{sid} (%)" for sid in overview.sections.columns]
    names = overview.ranking.set_index("unit_key")["unit"]
    for row, (key, values) in zip(rows[1:], overview.sections.iterrows()):
        assert row[1] == names[key]
        assert row[2:] == ["—" if math.isnan(v) else number(v) for v in values]
    text = all_text(city_doc)
    for sid in overview.sections.columns:
        assert plan.section(sid).label in text
    landscape = [s for s in city_doc.sections if s.page_width > s.page_height]
    assert len(landscape) == 1 and (round(landscape[0].page_width.mm), round(landscape[0].page_height.mm)) == (297, 210)
    assert margins_mm(landscape[0]) == [dr.MARGINS_MM.top, dr.MARGINS_MM.bottom, dr.MARGINS_MM.left,
                                        dr.MARGINS_MM.right]


def test_does_the_city_summary_list_missing_units_overdue_duties_and_the_change(overview, city_doc):
    text = all_text(city_doc)
    for r in overview.not_submitted.itertuples():
        assert r.unit in text
    overdue = cell_texts(table_with_head(city_doc, "Đơn vị", "Tự đánh giá"))
    lines = "\n".join(r[2] for r in overdue[1:])
    for t in overview.overdue.itertuples():
        assert f"{t.task_id} — {t.deadline}: {t.rating}" in lines
    change = {r[0].split("\n")[0]: r for r in cell_texts(table_with_head(city_doc, "Đơn vị", "Năm 2021"))[1:]}
    assert len(change) == len(overview.change)
    for r in overview.change.itertuples():
        delta = "—" if math.isnan(r.delta) else (f"+{number(r.delta)}" if r.delta > 0 else number(r.delta))
        assert change[r.unit][1:] == [number(r.previous), number(r.percent), delta]


def test_is_the_city_summary_issued_by_so_tu_phap_to_the_city_and_the_ministry(plan, overview, city_doc):
    (left, right), (number_cell, date_cell) = [row.cells for row in city_doc.tables[0].rows]
    assert [p.text for p in left.paragraphs[:2]] == ["ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "SỞ TƯ PHÁP"]
    assert right.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert re.fullmatch(r"Số:\s+/BC-……", number_cell.text)
    assert date_cell.text == "Hà Nội, ngày …… tháng …… năm ……"
    body = [p.text for p in city_doc.paragraphs if p.text]
    assert body[:3] == ["BÁO CÁO", "Tổng hợp kết quả tự đánh giá thực hiện Kế hoạch số 241/KH-UBND ngày 15/12/2020 "
                        "của UBND Thành phố", "Năm 2022"]
    signature = next(t for t in city_doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    lines = [p.text for p in signature.rows[0].cells[0].paragraphs]
    assert lines == ["Nơi nhận:", "- UBND Thành phố (để báo cáo);", "- Bộ Tư pháp (để báo cáo);", "- Lưu: VT."]
    assert signature.rows[0].cells[1].paragraphs[0].text == "GIÁM ĐỐC"


def test_is_the_city_heatmap_in_the_summary_one_image_per_page_of_units(overview, city_doc):
    assert len(city_doc.inline_shapes) == math.ceil(len(overview.sections) / HEATMAP_PAGE)


def test_is_the_city_summary_in_times_new_roman_on_a4_with_the_margins(city_doc):
    for run, where in all_runs(city_doc):
        assert run.font.name == "Times New Roman"
        if where == "body":
            assert run.font.size.pt in (13.0, 14.0), run.text
    m = dr.MARGINS_MM
    for section in city_doc.sections:
        assert sorted((round(section.page_width.mm), round(section.page_height.mm))) == [210, 297]
        assert margins_mm(section) == [m.top, m.bottom, m.left, m.right]


def test_does_the_year_of_the_reform_give_each_missing_units_period(plan, settings):
    from toolkit.assessment.city import SPLIT_YEAR_NOTE

    subs = synthetic_submissions(plan, settings, [2025], seed=5, share=0.5)
    ov = city_overview(plan, settings, subs, 2025)
    doc = docx.Document(io.BytesIO(dr.city_docx(plan, ov, charts=False)))
    assert SPLIT_YEAR_NOTE in all_text(doc)
    rows = cell_texts(table_with_head(doc, "Đơn vị", "Loại đơn vị"))
    assert rows[0] == ["Đơn vị", "Loại đơn vị", "Kỳ đánh giá", "Năm nộp gần nhất"]
    periods = {r[0]: r[2] for r in rows[1:]}
    for r in ov.not_submitted.itertuples():
        assert periods[r.unit + (f" ({r.code})" if r.code else "")] == r.period
    assert {"01/01/2025–30/06/2025", "01/07/2025–31/12/2025"} <= set(periods.values())


def test_does_a_year_nobody_submitted_still_give_a_report(plan, settings):
    ov = city_overview(plan, settings, [], 2023)
    doc = docx.Document(io.BytesIO(dr.city_docx(plan, ov)))
    text = all_text(doc)
    assert "Chưa có đơn vị nào nộp bản tự đánh giá năm 2023." in text
    assert f"{ov.active} đơn vị hoạt động" in text and len(doc.inline_shapes) == 0
    assert len(doc.sections) == 1  # no appendix without a unit


# ---------------------------------------------------------------- command line


def run_cli(argv):
    parser = argparse.ArgumentParser(prog="toolkit")
    what = register(parser.add_subparsers(dest="command", required=True), argparse.RawDescriptionHelpFormatter)
    register_import(what)
    args = parser.parse_args(argv)
    return args.func(args)


def test_does_assess_export_write_a_word_file_and_refuse_a_terminal(astore, db, tmp_path, capsys, monkeypatch):
    fill(astore, YEAR)
    target = tmp_path / "bao-cao.docx"
    assert run_cli(["assess", "export", "--unit", UNIT, "--year", str(YEAR), "--format", "docx", "--output",
                    str(target), "--database", db]) == 0
    doc = docx.Document(str(target))
    assert "UBND QUẬN BA ĐÌNH" in all_text(doc) and "II.1.a" in all_text(doc)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    capsys.readouterr()
    assert run_cli(["assess", "export", "--unit", UNIT, "--year", str(YEAR), "--format", "docx",
                    "--database", db]) == 2
    assert "Tệp Word là nhị phân: hãy dùng --output TỆP.docx." in capsys.readouterr().err


def test_does_assess_city_write_the_summary_as_a_word_file(astore, db, tmp_path):
    fill(astore, YEAR)
    target = tmp_path / "tong-hop.docx"
    assert run_cli(["assess", "city", "--year", str(YEAR), "--format", "docx", "--output", str(target),
                    "--database", db]) == 0
    doc = docx.Document(str(target))
    rows = cell_texts(table_with_head(doc, "Hạng", "Đơn vị"))
    assert rows[1][:2] == ["1", "UBND quận Ba Đình"]


# ---------------------------------------------------------------- LibreOffice, where installed


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) không được cài: bỏ qua bước chuyển .docx sang PDF")
def test_does_libreoffice_turn_both_reports_into_pages(plan, settings, view, overview, tmp_path):
    (tmp_path / "don-vi.docx").write_bytes(dr.report_docx(plan, settings, view))
    (tmp_path / "tong-hop.docx").write_bytes(dr.city_docx(plan, overview, charts=False))
    profile = tmp_path / "profile"  # its own profile: another soffice running does not lock this one out
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "don-vi.docx"), str(tmp_path / "tong-hop.docx")],
                   check=True, capture_output=True, timeout=300)
    assert pdf_pages(tmp_path / "don-vi.pdf") > 0 and pdf_pages(tmp_path / "tong-hop.pdf") > 0


def test_is_the_date_line_the_day_in_vietnam(plan, settings, view):
    """Submitted at 23:30 UTC on 31/12/2022 is 06:30 on 01/01/2023 in Hà Nội: the report is dated 01/01/2023."""
    late = replace(view, record=replace(view.record, submitted_at=datetime(2022, 12, 31, 23, 30, tzinfo=timezone.utc)))
    doc = docx.Document(io.BytesIO(dr.report_docx(plan, settings, late, chart=False)))
    assert doc.tables[0].rows[1].cells[1].text == "Hà Nội, ngày 01 tháng 01 năm 2023"
