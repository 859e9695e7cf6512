"""Reports as the Word documents offices send (.docx): a unit's self-assessment and Sở Tư pháp's city summary.

Both are laid out as an administrative report per Nghị định 30/2020/NĐ-CP, Phụ lục I: the issuing body and
“Số:      /BC-……” on the left of a borderless header table, quốc hiệu, tiêu ngữ and “địa danh, ngày …” on
the right; tên loại “BÁO CÁO” and trích yếu; the body; “Nơi nhận:” and the signer's title. Times New Roman,
A4, the decree's margins (`MARGINS_MM`). The number is left blank: the office's clerk (văn thư) gives it.

The figures are those of the printable HTML report (`report.report_context`, the same chart function
`report.chart_png`) and of the city overview's DataFrames (`city.city_overview`); nothing is scored here.
python-docx is imported inside the functions: a page that never makes a Word file does not load it.

python-docx rather than docxtpl: docxtpl renders a hand-made .docx template with Jinja tags, which suits
fixed forms, but these documents are mostly variable tables (a row per criterion, a heading row per
section, merged total rows, a column per year only when last year is known), which docxtpl writes through
its lower layer, python-docx, anyway; one Python module is also easier to review than a binary template.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable, Sequence

from toolkit.assessment.criteria import Settings
from toolkit.assessment.report import AssessmentView, chart_png, report_context
from toolkit.plan.model import Plan
from toolkit.plan.naming import plan_label
from toolkit.vietnamese import local_time, number

if TYPE_CHECKING:
    from toolkit.assessment.city import CityOverview


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


# Nghị định 30/2020/NĐ-CP, Phụ lục I (định lề trang văn bản): lề trên và lề dưới 20–25 mm, lề trái 30–35 mm,
# lề phải 15–20 mm.
# The smallest of each range: the widest text block, for the tables.
MARGINS_MM = Margins(top=20, bottom=20, left=30, right=15)
A4_MM = (210, 297)
FONT = "Times New Roman"
# Sizes in points, within the decree's ranges (Phụ lục I): quốc hiệu and the body's name 12–13, tiêu ngữ,
# the body, tên loại and trích yếu 13–14, “Nơi nhận:” 12, its list 11. Tables are smaller than the text, as
# in the printable report: seven columns do not fit in 165 mm at 13 pt.
BODY_PT = 14
NOTE_PT = 13
HEADER_PT = 13  # tiêu ngữ, số, địa danh and date
NATION_PT = 12  # quốc hiệu and the issuing body's name, which must each fit in their column on one line or two
TABLE_PT = 12
RECIPIENTS_HEAD_PT = 12
RECIPIENTS_PT = 11
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_BLANK = "Số:          /BC-……"  # the clerk writes the number and the body's abbreviation
KIND = "BÁO CÁO"
CHART_DPI = 200  # printed: 100 dpi, the page's, looks blurred on paper
HEATMAP_DPI = 150
LINK_COLOR = "0563C1"
CELL_MARGIN_MM = 1.2
# The body that collects the units' reports is the lead of the plan's collecting task (plan.yaml
# collecting_task; Plan 241: III.3, "Sở Tư pháp: đôn đốc thực hiện Kế hoạch; định kỳ báo cáo UBND Thành phố,
# Bộ Tư pháp"). A plan that records none: Sở Tư pháp, which aggregates every unit's self-assessment (the
# toolkit's setting, like the scale in criteria.yaml, not the plan's words).
COLLECTOR = "so_tu_phap"
MINISTRY = "Bộ Tư pháp"  # a recipient only where the collecting task's words name it
# Unit kinds whose documents carry the People's Committee above their own name (cơ quan chủ quản trực tiếp,
# Phụ lục I): the departments (sở) are its agencies; other bodies' superiors are not in the data.
UNDER_ISSUER = ("so",)
# What follows an element we add in its parent's schema sequence (ECMA-376 Part 1, §17): Word refuses a file
# whose children are out of order, so each is inserted before the first of these present.
_AFTER = {
    "w:pBdr": ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                     "w:tblPrChange"),
    "w:tblCellMar": ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"),
    "w:shd": ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
              "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange"),  # in a cell's w:tcPr
    "w:lang": ("w:eastAsianLayout", "w:specVanish", "w:oMath"),
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 refuses these; lxml raises on them


def collecting_body(plan: Plan):
    """The agency that collects the self-assessments and issues the city summary (see COLLECTOR)."""
    if plan.info.collecting_task:
        return plan.agency(plan.task(plan.info.collecting_task).lead[0])
    if COLLECTOR not in plan.agencies:
        raise ValueError(f"{plan.info.number}: không rõ cơ quan tổng hợp báo cáo (plan.yaml chưa ghi collecting_task "
                         f"và danh mục không có cơ quan '{COLLECTOR}').")
    return plan.agency(COLLECTOR)


def summary_recipients(plan: Plan, issuer) -> list[str]:
    """Nơi nhận of the city summary: the plan's issuer, and the ministry where the collecting task names it."""
    task = plan.task(plan.info.collecting_task) if plan.info.collecting_task else None
    ministry = [f"{MINISTRY} (để báo cáo);"] if task and MINISTRY in task.source_text else []
    return [f"{issuer.short} (để báo cáo);", *ministry, "Lưu: VT."]


# ---------------------------------------------------------------- the unit's report


def report_docx(plan: Plan, settings: Settings, view: AssessmentView, *, chart: bool = True) -> bytes:
    """A unit's self-assessment as a Word report: the figures of `report_html`, laid out per Nghị định 30/2020."""
    ctx = report_context(plan, settings, view)
    w = _Writer(title=f"Báo cáo tự đánh giá năm {ctx['year']} — {ctx['unit']}", author=ctx["unit"])
    superior = _superior(plan, view.unit.kind)
    w.header(body=ctx["unit"], superior=superior, dated=ctx["dated"])
    w.kind_and_subject(ctx["title"], f"Năm {ctx['year']}")
    if ctx["period"]:
        w.paragraph(ctx["period"], size=NOTE_PT, align="center", italic=True)
    if ctx["draft"]:
        w.paragraph(ctx["draft"], bold=True, align="center", color="B91C1C", after=6)
    w.body(f"Thực hiện {ctx['plan']}, {ctx['unit']} tự đánh "
           f"giá kết quả thực hiện các nhiệm vụ được giao năm {ctx['year']} như sau:")

    w.heading("I. Kết quả thực hiện từng nhiệm vụ")
    _criteria_table(w, ctx)
    if ctx["readings"]:
        w.paragraph(f"{ctx['reading_label']} (các nhiệm vụ đánh dấu ở trên do cách đọc này giao, không phải lời văn "
                    "Kế hoạch):", size=NOTE_PT, bold=True, before=6)
        for r in ctx["readings"]:
            par = w.paragraph("", size=NOTE_PT, align="justify")
            w.run(par, f"[{r['n']}] ", NOTE_PT)
            w.run(par, f"{r['title']}. ", NOTE_PT, bold=True)
            w.run(par, r["note"], NOTE_PT)

    w.heading("II. Tổng hợp theo mục")
    _sections_table(w, ctx)
    if chart and ctx["has_chart"]:
        w.picture(chart_png(plan, view, dpi=CHART_DPI), width_mm=125, caption="Biểu đồ tỷ lệ điểm theo mục")

    # The conclusion stays on the page of the signature: a page holding only “Nơi nhận” and the signer's title
    # would read as a page of a different document.
    t = ctx["total"]
    last = [w.heading("III. Kết quả chung")]
    last.append(par := w.body("Tổng điểm: "))
    w.run(par, t["points"], BODY_PT, bold=True)
    w.run(par, f" ({t['percent']}). Ngưỡng đạt: {t['threshold']}.", BODY_PT)
    last.append(w.body(f"Kết quả tự đánh giá: {t['verdict']}.", bold=True))
    if ctx["previous"]:
        prev = ctx["previous"]
        label = prev["label"][:1].lower() + prev["label"][1:]
        last.append(w.body(f"So với {label} ({prev['percent']}): {prev['change']}."))
    last.append(w.paragraph(f"Thang điểm, trọng số và ngưỡng đạt theo thiết lập của Sở Tư pháp; nhiệm vụ phối hợp "
                            f"tính hệ số {ctx['coordinating_factor']}. {ctx['version']}.", size=NOTE_PT, italic=True,
                            before=6))
    for par in last:
        par.paragraph_format.keep_with_next = True

    recipients = [f"{collecting_body(plan).short};", "Lưu: VT."]
    w.signature(recipients, "THỦ TRƯỞNG ĐƠN VỊ", prepared_by=ctx["signer"])
    return w.bytes()


def _superior(plan: Plan, kind: str) -> str | None:
    return plan.agency(plan.info.issuer).name if kind in UNDER_ISSUER else None


def _criteria_table(w: "_Writer", ctx: dict) -> None:
    widths = (12, 49, 25, 24, 19, 36)
    head = ("STT", "Nhiệm vụ, vai trò", "Thời hạn, tình trạng", "Mức đánh giá", "Điểm", "Minh chứng, ghi chú")
    table = w.table(widths, head)
    for row in ctx["criteria"]:
        if row["section"]:
            cells = w.row(table, merge=True, keep=True)
            w.cell_text(cells[0], row["section"], bold=True).paragraph_format.keep_with_next = True
            w.shade(cells[0], "F3F4F6")
            continue
        cells = w.row(table, keep=False)  # a criterion with long evidence can be taller than a page
        w.cell_text(cells[0], str(row["n"]), align="right")
        w.cell_text(cells[1], row["id"], bold=True)
        w.cell_text(cells[1], row["summary"], new=True)
        w.cell_text(cells[1], f"Vai trò: {row['role']}", new=True, italic=True)
        if row["reading"]:
            rd = row["reading"]
            w.cell_text(cells[1], f"{ctx['reading_label']} [{rd['n']}]: {rd['title']} — cách đọc của người biên "
                                  f"soạn, không phải lời văn Kế hoạch (xem ghi chú [{rd['n']}] dưới bảng).",
                        new=True, italic=True, size=TABLE_PT - 1)
        w.cell_text(cells[2], row["deadline"])
        w.cell_text(cells[2], row["status"], new=True, italic=True)
        w.cell_text(cells[3], row["rating"])
        w.cell_text(cells[4], row["points"], align="right")
        first = True
        for part in row["details"]:
            if part["kind"] == "link" and part["clickable"]:
                par = cells[5].paragraphs[0] if first else cells[5].add_paragraph()
                w.table_paragraph(par)
                w.hyperlink(par, part["text"], part["text"], TABLE_PT)
            else:
                w.cell_text(cells[5], part["text"], new=not first, italic=part["kind"] == "why")
            first = False
    t = ctx["total"]
    cells = w.row(table, merge=(0, 4))
    w.cell_text(cells[0], f"Tổng cộng ({t['rated']}/{t['to_rate']} tiêu chí được chấm đã đánh giá)", bold=True)
    w.cell_text(cells[4], t["points"], bold=True, align="right")


def _sections_table(w: "_Writer", ctx: dict) -> None:
    prev = ctx["previous"]
    widths = (98, 22, 22, 23) if prev else (121, 22, 22)
    head = ("Mục", "Điểm", "Tỷ lệ") + ((f"Năm {prev['year']}",) if prev else ())
    table = w.table(widths, head)
    for row in ctx["sections"]:
        cells = w.row(table, merge=(1, 3) if row["points"] is None else None)
        w.cell_text(cells[0], row["label"])
        if row["points"] is None:
            w.cell_text(cells[1], ctx["no_scored_criterion"][:1].upper() + ctx["no_scored_criterion"][1:])
        else:
            w.cell_text(cells[1], row["points"], align="right")
            w.cell_text(cells[2], row["percent"], align="right")
        if prev:
            w.cell_text(cells[3], row["previous"], align="right")
    t = ctx["total"]
    cells = w.row(table)
    w.cell_text(cells[0], "Tổng cộng", bold=True)
    w.cell_text(cells[1], t["points"], bold=True, align="right")
    w.cell_text(cells[2], t["percent"], bold=True, align="right")
    if prev:
        w.cell_text(cells[3], prev["percent"], bold=True, align="right")


# ---------------------------------------------------------------- the city summary


def city_docx(plan: Plan, overview: "CityOverview", *, charts: bool = True) -> bytes:
    """Sở Tư pháp's summary of a year as a Word report: the overview page's tables, its heatmap, and the
    units × sections table as an appendix on landscape pages."""
    import math

    from toolkit.assessment.city import HEATMAP_PAGE, SPLIT_YEAR_NOTE, heatmap_figure, split_year
    from toolkit.exports import figure_png

    ov, info = overview, plan.info
    body = collecting_body(plan)
    issuer = plan.agency(info.issuer)
    w = _Writer(title=f"Báo cáo tổng hợp kết quả tự đánh giá năm {ov.year}", author=body.name)
    w.header(body=body.short, superior=_superior(plan, body.kind), dated=f"{info.place}, ngày …… tháng …… năm ……")
    w.kind_and_subject(f"Tổng hợp kết quả tự đánh giá thực hiện {plan_label(plan)}", f"Năm {ov.year}")
    w.body(f"Thực hiện {plan_label(plan, full_issuer=True)}, {body.short} tổng hợp kết quả tự đánh giá năm {ov.year} "
           "của các cơ quan, đơn vị như sau:")

    passed = int((ov.ranking["passed"] == True).sum())  # noqa: E712 — None (nothing scored) is not a pass
    overdue_units = ov.overdue["unit_key"].nunique()
    w.heading("I. Tình hình nộp bản tự đánh giá")
    w.body(f"Năm {ov.year} có {ov.active} đơn vị hoạt động (theo danh mục đơn vị); {ov.submitted_count} đơn vị đã "
           f"nộp bản tự đánh giá, {len(ov.not_submitted)} đơn vị chưa nộp.")
    w.body(f"Số đơn vị đạt (tỷ lệ điểm từ {number(ov.threshold)}% trở lên): {passed}; số đơn vị còn nhiệm vụ quá "
           f"hạn: {overdue_units}.")
    latest = ov.ranking["submitted_at"].dropna()
    if len(latest):
        last = latest.max()
        last = last.to_pydatetime() if hasattr(last, "to_pydatetime") else last
        w.body(f"Số liệu tính theo bản đã nộp mới nhất của mỗi đơn vị; bản nộp sau cùng lúc {local_time(last)}.")

    w.heading("II. Xếp hạng")
    w.body(f"Tỷ lệ điểm = điểm đạt được / điểm tối đa của các tiêu chí được chấm trong năm; đạt từ "
           f"{number(ov.threshold)}%. Bằng điểm thì cùng hạng.")
    if ov.ranking.empty:
        w.body(f"Chưa có đơn vị nào nộp bản tự đánh giá năm {ov.year}.")
    else:
        table = w.table((15, 62, 20, 24, 20, 24), ("Hạng", "Đơn vị", "Tỷ lệ", "Kết quả", "Đã đánh giá", "Điểm"))
        for r in ov.ranking.itertuples():
            verdict = "Không có tiêu chí được chấm" if _isna(r.passed) else ("Đạt" if r.passed else "Chưa đạt")
            w.fill(table, ["—" if _isna(r.rank) else str(int(r.rank)), r.unit,
                           number(r.percent) + ("" if _isna(r.percent) else "%"), verdict, f"{r.rated}/{r.to_rate}",
                           f"{number(r.points)}/{number(r.max_points)}"], right=(0, 2, 4, 5))

    w.heading("III. Tỷ lệ điểm theo mục")
    w.body("Mỗi hàng là một đơn vị (theo thứ tự xếp hạng), mỗi cột là một mục của Kế hoạch; màu theo tỷ lệ điểm "
           "của mục: đỏ thấp, vàng quanh ngưỡng đạt, xanh cao; ô xám: đơn vị không có tiêu chí được chấm trong mục "
           "đó. Số liệu từng ô tại Phụ lục kèm theo.")
    n = len(ov.sections)
    if charts and n:
        for start in range(0, n, HEATMAP_PAGE):
            png = figure_png(heatmap_figure(plan, ov, start, HEATMAP_PAGE), dpi=HEATMAP_DPI)
            w.picture(png, width_mm=160, max_height_mm=215,
                      caption=f"Tỷ lệ điểm theo mục, đơn vị {start + 1}–{min(start + HEATMAP_PAGE, n)} / {n}")

    w.heading("IV. Đơn vị chưa nộp")
    split = split_year(ov)
    w.body(f"Đơn vị hoạt động trong năm {ov.year} (theo danh mục đơn vị: {ov.active} đơn vị) chưa có bản tự đánh "
           "giá đã nộp." + (f" {SPLIT_YEAR_NOTE}" if split else ""))
    if ov.not_submitted.empty:
        w.body(f"Tất cả đơn vị đã nộp bản tự đánh giá năm {ov.year}.")
    else:
        widths = (70, 40, 33, 22) if split else (90, 50, 25)
        head = ("Đơn vị", "Loại đơn vị") + (("Kỳ đánh giá",) if split else ()) + ("Năm nộp gần nhất",)
        table = w.table(widths, head)
        for r in ov.not_submitted.itertuples():
            w.fill(table, [r.unit + (f" ({r.code})" if r.code else ""), r.kind] + ([r.period] if split else [])
                   + ["—" if _isna(r.last_year) else str(int(r.last_year))], right=(len(head) - 1,))

    w.heading("V. Nhiệm vụ quá hạn")
    w.body(f"Nhiệm vụ có thời hạn cụ thể đã qua (tính đến năm {ov.year}) mà đơn vị chưa đánh giá là đã hoàn thành; "
           "với đơn vị chưa nộp, là mọi nhiệm vụ đã quá hạn chưa được ghi nhận hoàn thành ở năm trước.")
    if ov.overdue.empty:
        w.body("Không có nhiệm vụ quá hạn.")
    else:
        table = w.table((52, 25, 88), ("Đơn vị", "Tự đánh giá", "Nhiệm vụ quá hạn — mức đánh giá"))
        for (unit, submitted), group in ov.overdue.groupby(["unit", "submitted"], sort=False):
            cells = w.row(table)
            w.cell_text(cells[0], unit)
            w.cell_text(cells[1], "Đã nộp" if submitted else "Chưa nộp", bold=not submitted)
            for i, t in enumerate(group.itertuples()):
                w.cell_text(cells[2], f"{t.task_id} — {t.deadline}: {t.rating}", new=i > 0)

    w.heading("VI. So với năm trước")
    w.body(f"Tỷ lệ điểm (%) năm {ov.year} so với năm {ov.year - 1}; “—”: năm đó đơn vị chưa nộp hoặc không có tiêu "
           "chí được chấm. Đơn vị chưa có năm trước (xã, phường năm 2025) được so với bản đã nộp của các đơn vị tiền "
           "thân, ghi rõ dưới tên đơn vị.")
    if ov.change.empty:
        w.body("Chưa có số liệu của hai năm để so sánh.")
    else:
        table = w.table((85, 25, 25, 30), ("Đơn vị", f"Năm {ov.year - 1}", f"Năm {ov.year}", "Thay đổi (điểm %)"))
        for r in ov.change.itertuples():
            delta = "—" if _isna(r.delta) else (f"+{number(r.delta)}" if r.delta > 0 else number(r.delta))
            cells = w.fill(table, [r.unit, number(r.previous), number(r.percent), delta], right=(1, 2, 3))
            if r.compared_with:
                w.cell_text(cells[0], r.compared_with, new=True, italic=True, size=TABLE_PT - 1)

    # Said with the signature, on its page: “Nơi nhận” and the signer never stand alone after a long table.
    w.body(f"Trên đây là kết quả tổng hợp tự đánh giá năm {ov.year} thực hiện {plan_label(plan)}, "
           f"{body.short} báo cáo.").paragraph_format.keep_with_next = True
    w.signature(summary_recipients(plan, issuer), "GIÁM ĐỐC")

    if n:
        w.landscape()
        w.paragraph("Phụ lục", bold=True, align="center", size=BODY_PT)
        w.paragraph(f"TỶ LỆ ĐIỂM THEO MỤC CỦA TỪNG ĐƠN VỊ NĂM {ov.year}", bold=True, align="center", size=BODY_PT)
        w.paragraph(f"(Kèm theo Báo cáo số      /BC-…… ngày …… tháng …… năm …… của {body.short})", italic=True,
                    align="center", size=NOTE_PT, after=6)
        sections = list(ov.sections.columns)
        names = ov.ranking.set_index("unit_key")["unit"]
        text_width = A4_MM[1] - MARGINS_MM.left - MARGINS_MM.right
        col = min(17.0, (text_width - 12 - 70) / max(len(sections), 1))
        table = w.table((12, text_width - 12 - col * len(sections)) + (col,) * len(sections),
                        ("STT", "Đơn vị") + tuple(f"{s} (%)" for s in sections))
        for i, (key, row) in enumerate(ov.sections.iterrows(), start=1):
            values = [number(v) if not (isinstance(v, float) and math.isnan(v)) else "—" for v in row]
            w.fill(table, [str(i), names.get(key, key)] + values, right=(0, *range(2, 2 + len(sections))))
        w.paragraph("Các mục:", size=NOTE_PT, bold=True, before=6)
        for sid in sections:
            w.paragraph(plan.section(sid).label, size=NOTE_PT)
        w.paragraph("“—”: đơn vị không có tiêu chí được chấm trong mục đó.", size=NOTE_PT, italic=True)
    return w.bytes()


def _header_lines(name: str) -> list[str]:
    """A body's name in capitals as offices break it: "ỦY BAN NHÂN DÂN" on a line, the place under it.

    >>> _header_lines("Ủy ban nhân dân thành phố Hà Nội"), _header_lines("Sở Tư pháp")
    (['ỦY BAN NHÂN DÂN', 'THÀNH PHỐ HÀ NỘI'], ['SỞ TƯ PHÁP'])
    """
    head = "ỦY BAN NHÂN DÂN "
    text = name.upper()
    return [head.strip(), text[len(head):]] if text.startswith(head) and len(text) > len(head) else [text]


def _insert(parent, element, tag: str) -> None:
    parent.insert_element_before(element, *_AFTER[tag])


def _isna(x) -> bool:
    return x is None or (isinstance(x, float) and x != x) or str(x) in ("<NA>", "nan", "NaT")


# ---------------------------------------------------------------- writing the document


class _Writer:
    """One python-docx Document laid out per Nghị định 30/2020: every run gets FONT and a size of its own,
    so the document reads the same in Word, LibreOffice and any program that does not resolve styles."""

    def __init__(self, title: str, author: str):
        import docx
        from docx.shared import Pt

        self.doc = docx.Document()
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by, props.language = title, author, author, "vi-VN"
        props.comments = ""
        # The template's own dates are from 2013: the file says when it was made, as Word does.
        props.created = props.modified = datetime.now(timezone.utc)
        props.revision = 1
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        self._fonts(normal.element.get_or_add_rPr())
        self._language(normal.element.get_or_add_rPr())
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        self._page(self.doc.sections[0], landscape=False)
        self._page_numbers(self.doc.sections[0])

    # -- page
    def _page(self, section, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        short, long_ = A4_MM
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(long_), Mm(short)) if landscape else (Mm(short), Mm(long_))
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM.top), Mm(MARGINS_MM.bottom)
        section.left_margin, section.right_margin = Mm(MARGINS_MM.left), Mm(MARGINS_MM.right)
        section.header_distance = section.footer_distance = Mm(10)

    def _page_numbers(self, section) -> None:
        """The page number centred in the top margin, from the second page (as Phụ lục I places it)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section.different_first_page_header_footer = True
        par = section.header.paragraphs[0]
        self._align(par, "center")
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            run = par.add_run()
            self._style_run(run, HEADER_PT)
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == " PAGE ":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            else:
                el = OxmlElement("w:t")
                el.text = text
            run._r.append(el)

    def landscape(self) -> None:
        """A new page, turned: the units × sections table needs the width."""
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=True)

    # -- text
    @staticmethod
    def _fonts(rpr) -> None:
        from docx.oxml.ns import qn

        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)

    @staticmethod
    def _language(rpr) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        _insert(rpr, lang, "w:lang")

    def _style_run(self, run, size: float, bold: bool = False, italic: bool = False, underline: bool = False,
                   color: str | None = None) -> None:
        from docx.shared import Pt, RGBColor

        run.font.name, run.font.size = FONT, Pt(size)
        self._fonts(run._r.get_or_add_rPr())
        run.font.bold, run.font.italic = bold or None, italic or None
        if underline:
            run.font.underline = True
        if color:
            run.font.color.rgb = RGBColor.from_string(color)

    def run(self, par, text: str, size: float, **style):
        run = par.add_run(_NOT_XML.sub("", text))
        self._style_run(run, size, **style)
        return run

    @staticmethod
    def _align(par, align: str | None) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if align:
            par.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                             "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]

    def paragraph(self, text: str, size: float = BODY_PT, bold: bool = False, italic: bool = False,
                  align: str | None = None, before: float = 0, after: float = 0, color: str | None = None,
                  container=None):
        from docx.shared import Pt

        par = (container or self.doc).add_paragraph()
        self._align(par, align)
        fmt = par.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if text:
            self.run(par, text, size, bold=bold, italic=italic, color=color)
        return par

    def body(self, text: str, bold: bool = False):
        """A paragraph of the body: justified, first line indented 1,27 cm, 6 pt after, 1,15 lines apart."""
        from docx.shared import Cm

        par = self.paragraph(text, bold=bold, align="justify", after=6)
        par.paragraph_format.first_line_indent = Cm(1.27)
        par.paragraph_format.line_spacing = 1.15
        return par

    def heading(self, text: str):
        par = self.paragraph(text, bold=True, align="justify", before=6, after=6)
        par.paragraph_format.keep_with_next = True
        return par

    def hyperlink(self, par, url: str, text: str, size: float) -> None:
        """A real hyperlink (w:hyperlink to an external relationship), blue and underlined as Word shows one."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), par.part.relate_to(url, RT.HYPERLINK, is_external=True))
        run = self.run(par, text, size, underline=True, color=LINK_COLOR)
        link.append(run._r)  # moves the run from the paragraph into the link
        par._p.append(link)

    # -- header, title, signature
    def _borderless(self, widths: Sequence[float], rows: int = 1):
        table = self.doc.add_table(rows=rows, cols=len(widths))
        self._set_borders(table, "nil")
        self._widths(table, widths)
        self._cell_margins(table, 0)
        return table

    def header(self, body: str, superior: str | None, dated: str) -> None:
        """The header table: issuing body and number on the left; quốc hiệu, tiêu ngữ, place and date on the right."""
        from docx.shared import Mm

        table = self._borderless((62, 103), rows=2)
        left, right = table.rows[0].cells
        par = left.paragraphs[0]
        self._align(par, "center")
        if superior:
            for i, line in enumerate(_header_lines(superior)):
                if i:
                    self.run(par, "", NATION_PT).add_break()
                self.run(par, line, NATION_PT)
            par = left.add_paragraph()
            self._align(par, "center")
        self.run(par, body.upper(), NATION_PT, bold=True)
        self._short_rule(left, Mm(62), share=1 / 3)
        par = right.paragraphs[0]
        self._align(par, "center")
        self.run(par, NATION, NATION_PT, bold=True)
        par = right.add_paragraph()
        self._align(par, "center")
        self.run(par, MOTTO, HEADER_PT, bold=True, underline=True)
        number_cell, date_cell = table.rows[1].cells
        par = number_cell.paragraphs[0]
        self._align(par, "center")
        par.paragraph_format.space_before = Mm(2)
        self.run(par, NUMBER_BLANK, HEADER_PT)
        par = date_cell.paragraphs[0]
        self._align(par, "center")
        par.paragraph_format.space_before = Mm(2)
        self.run(par, dated, HEADER_PT, italic=True)

    def _short_rule(self, cell, width, share: float) -> None:
        """The solid line under the issuing body's name, a third of the column wide (Phụ lục I: 1/3 to 1/2
        of the name's line)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        par = cell.add_paragraph()
        fmt = par.paragraph_format
        fmt.left_indent = fmt.right_indent = int(width * (1 - share) / 2)
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(2)
        ppr = par._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        borders.append(bottom)
        _insert(ppr, borders, "w:pBdr")

    def kind_and_subject(self, subject: str, year_line: str) -> None:
        self.paragraph(KIND, size=BODY_PT, bold=True, align="center", before=18)
        self.paragraph(subject, size=BODY_PT, bold=True, align="center")
        self.paragraph(year_line, size=BODY_PT, bold=True, align="center", after=12)

    def signature(self, recipients: Iterable[str], title: str, prepared_by: str = "") -> None:
        """“Nơi nhận:” on the left (“- …;” lines, the last ending in a full stop), the signer on the right."""
        from docx.shared import Pt

        self.paragraph("", after=6).paragraph_format.keep_with_next = True
        table = self._borderless((75, 90))
        left, right = table.rows[0].cells
        par = left.paragraphs[0]
        self.run(par, "Nơi nhận:", RECIPIENTS_HEAD_PT, bold=True, italic=True)
        for r in recipients:
            self.paragraph(f"- {r}", size=RECIPIENTS_PT, container=left)
        if prepared_by:
            self.paragraph(f"Người lập: {prepared_by}", size=RECIPIENTS_PT, container=left, before=6)
        par = right.paragraphs[0]
        self._align(par, "center")
        self.run(par, title, BODY_PT, bold=True)
        self.paragraph("(Ký, ghi rõ họ tên, đóng dấu)", size=NOTE_PT, italic=True, align="center", container=right)
        spacer = self.paragraph("", container=right)
        spacer.paragraph_format.space_before = Pt(72)  # room for the signature and the seal
        self.paragraph("……………………………", size=BODY_PT, bold=True, align="center", container=right)
        for row in table.rows:
            self._keep_row(row)

    # -- tables
    def table(self, widths: Sequence[float], head: Sequence[str]):
        """A grid table with a bold header row that repeats on every page."""
        table = self.doc.add_table(rows=1, cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        self._widths(table, widths)
        self._cell_margins(table, CELL_MARGIN_MM)
        row = table.rows[0]
        self._keep_row(row, header=True)
        for cell, text in zip(row.cells, head):
            self.cell_text(cell, text, bold=True, align="center")
            self.shade(cell, "F0F0F0")
        return table

    def row(self, table, merge=None, keep: bool = True):
        """A new row; `merge` True spans the whole row, (i, j) merges cells i..j-1; `keep`: never split across
        pages. Returns the cells to write in."""
        row = table.add_row()
        if keep:
            self._keep_row(row)
        cells = list(row.cells)
        for cell, col in zip(cells, table.columns):
            cell.width = col.width
        if merge is True:
            cells[0] = cells[0].merge(cells[-1])
        elif merge:
            i, j = merge
            cells[i] = cells[i].merge(cells[j - 1])
        return cells

    def fill(self, table, values: Sequence[str], right: Sequence[int] = ()):
        cells = self.row(table)
        for i, (cell, value) in enumerate(zip(cells, values)):
            self.cell_text(cell, str(value), align="right" if i in right else None)
        return cells

    def table_paragraph(self, par) -> None:
        from docx.shared import Pt

        fmt = par.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(1), Pt(1), 1.0

    def cell_text(self, cell, text: str, new: bool = False, bold: bool = False, italic: bool = False,
                  align: str | None = None, size: float = TABLE_PT):
        """Write into a cell: in its first (empty) paragraph, or, with `new`, in a paragraph of its own."""
        par = cell.add_paragraph() if new else cell.paragraphs[0]
        self.table_paragraph(par)
        self._align(par, align)
        self.run(par, text, size, bold=bold, italic=italic)
        return par

    @staticmethod
    def shade(cell, fill: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        shd = OxmlElement("w:shd")
        for k, v in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
            shd.set(qn(k), v)
        _insert(cell._tc.get_or_add_tcPr(), shd, "w:shd")

    @staticmethod
    def _widths(table, widths: Sequence[float]) -> None:
        """Fixed column widths (Word reads the cells', LibreOffice the grid's: both are set)."""
        from docx.shared import Mm

        table.autofit = False
        for col, w in zip(table.columns, widths):
            col.width = Mm(w)
            for cell in col.cells:
                cell.width = Mm(w)

    @staticmethod
    def _cell_margins(table, mm: float) -> None:
        """Left and right padding inside cells (Word's default, 1,9 mm, costs a narrow column its number)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(Mm(mm).twips))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        _insert(table._tbl.tblPr, margins, "w:tblCellMar")

    @staticmethod
    def _set_borders(table, value: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), value)
            borders.append(el)
        _insert(tbl_pr, borders, "w:tblBorders")

    @staticmethod
    def _keep_row(row, header: bool = False) -> None:
        """A row is not split across pages; a header row repeats on each page the table runs to."""
        from docx.oxml import OxmlElement

        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))

    # -- images and the file
    def picture(self, png: bytes, width_mm: float, caption: str, max_height_mm: float | None = None) -> None:
        from docx.image.image import Image
        from docx.shared import Mm

        size = Image.from_blob(png)
        w_px, h_px = size.px_width, size.px_height
        width = width_mm
        if max_height_mm is not None and width_mm * h_px / w_px > max_height_mm:
            width = max_height_mm * w_px / h_px
        par = self.paragraph("", align="center", before=6)
        par.paragraph_format.keep_with_next = True
        run = par.add_run()
        self._style_run(run, NOTE_PT)
        run.add_picture(io.BytesIO(png), width=Mm(width))
        self.paragraph(caption, size=NOTE_PT, italic=True, align="center", after=6)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
