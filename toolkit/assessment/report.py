"""A unit's self-assessment as a document: rows, xlsx, a printable HTML report, JSON and a chart.

`load_view` gathers what a report needs from the store (criteria of that year with the unit's own
history, entries, score, last year's submitted score); the `report_*` functions turn a view into
files. The UI's download buttons and `toolkit assess export` call the same functions.
pandas, openpyxl, matplotlib and jinja2 are imported inside the functions that need them; the printable
report's layout is templates/report.html.j2.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, STATUS, Criterion, Settings, period_note
from toolkit.assessment.entry import FIELDS, LABELS
from toolkit.assessment.exchange import FORMAT, FORMAT_VERSION
from toolkit.assessment.scoring import (
    AssessmentScore,
    Comparison,
    Entry,
    entries_of,
    previous_year,
    score_of,
    unit_history,
)
from toolkit.plan.model import PLAN_WORDS_LABEL, READING_LABEL, Plan, Unit
from toolkit.plan.naming import plan_dated, plan_label
from toolkit.vietnamese import VIETNAM, local_time, number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.records import AssessmentRecord


STATE = {"draft": "Bản nháp (chưa nộp)", "submitted": "Đã nộp"}

# The sheet “Tự đánh giá”: the entry fields' headers are their labels (toolkit.assessment.entry.LABELS), which
# the importer reads back (toolkit.assessment.importing.XLSX_COLUMNS).
SHEET_FIELDS = ("evidence_number", "evidence_date", "evidence_text", "evidence_link", "reason", "note")
COLUMNS = ("Mã nhiệm vụ", "Mục", "Nhiệm vụ", "Vai trò", "Thời hạn", "Tình trạng", LABELS["rating"], "Điểm",
           "Điểm tối đa", *(LABELS[f] for f in SHEET_FIELDS), "Căn cứ tính điểm", "Căn cứ giao nhiệm vụ")
CODE_LABEL = "Mã số đơn vị hành chính"  # the registry's statistical code (a commune or ward has one)


# ---------------------------------------------------------------- gathering


@dataclass(frozen=True)
class AssessmentView:
    """Everything a report shows about one unit's assessment of one year."""

    unit: Unit
    year: int
    criteria: tuple[Criterion, ...]
    entries: Mapping[str, Entry]
    score: AssessmentScore
    record: "AssessmentRecord | None" = None  # None: nothing saved yet (an empty form)
    previous: AssessmentScore | None = None  # the newest submitted version of the year before (comparison.score)
    comparison: Comparison | None = None  # whose year before it is: the unit's own, or its predecessors'


def chosen_record(astore: "AssessmentStore", unit_key: str, year: int,
                  version: int | None = None) -> "AssessmentRecord | None":
    """The version to report: `version` if given, else the newest submitted one, else the draft."""
    versions = astore.versions(unit_key, year)
    if version is not None:
        return next((v for v in versions if v.version == version), None)
    submitted = [v for v in versions if v.submitted]
    return (submitted or versions or [None])[-1]


def load_view(plan: Plan, settings: Settings, astore: "AssessmentStore", unit_key: str, year: int,
              record: "AssessmentRecord | None" = None) -> AssessmentView:
    """A stored assessment (or an empty form when record is None) with its score and last year's."""
    history = unit_history(astore, unit_key)
    entries = entries_of(astore, record.id) if record is not None else {}
    criteria, score = score_of(plan, settings, history, unit_key, year, entries)
    comparison = previous_year(plan, settings, lambda k: history if k == unit_key else unit_history(astore, k),
                               unit_key, year)
    return AssessmentView(plan.unit(unit_key), year, tuple(criteria), entries, score, record,
                          comparison.score if comparison else None, comparison)


# ---------------------------------------------------------------- formatting helpers


def role_text(plan: Plan, unit: Unit, c: Criterion, year: int | None = None) -> str:
    """The role as the plan words it ("Chủ trì" only where it says so; else "Thực hiện", "Phối hợp"), and
    "(qua nhóm UBND quận, huyện, thị xã)" when a group carries the duty; for a duty a reading passes to
    the unit, whose duty it was in the plan's words ("theo ghi chú biên soạn"). A body renamed by `year`
    is named with its present name beside the plan's (Plan.name_with_present)."""
    role = c.task.role_label(c.role)
    if c.reading is not None:
        return f"{role} (nhiệm vụ Kế hoạch giao {_body_name(plan, c.via, year)}, theo ghi chú biên soạn)"
    if c.via == unit.agency:
        return role
    body = plan.agency(c.via)
    return f"{role} (qua {'nhóm ' if body.is_group else ''}{_body_name(plan, c.via, year)})"


def _body_name(plan: Plan, key: str, year: int | None) -> str:
    return plan.name_with_present(key, year) if year is not None else plan.agency(key).short


def basis_text(c: Criterion) -> str:
    """"Lời văn Kế hoạch", or "Ghi chú biên soạn: …" with the reading's note (never as the plan's words)."""
    return f"{READING_LABEL}: {c.note}" if c.reading is not None else PLAN_WORDS_LABEL


def unit_title(plan: Plan, unit: Unit, year: int) -> str:
    """The unit's name in the plan's words, with its present name beside it where it has changed by the end
    of `year` (Plan.renaming): "Sở Thông tin và Truyền thông (từ 01/3/2025: Sở Khoa học và Công nghệ)"."""
    r = plan.renaming(unit.key, year)
    return f"{unit.name} {r.present_suffix}" if r is not None else unit.name


def rating_label(settings: Settings, key: str | None) -> str:
    if key is None:
        return NOT_RATED
    if key in settings.rating_keys:
        return settings.rating(key).label
    return f"Không hợp lệ: {key}"


def section_rows(plan: Plan, score: AssessmentScore, previous: AssessmentScore | None = None) -> list[dict]:
    """Per scored section: points, maximum, percent, and last year's percent when known."""
    before = {sid: (p, m) for sid, p, m in previous.by_section} if previous else {}
    out = []
    for sid, points, top in score.by_section:
        row = {"Mục": sid, "Tên mục": plan.section(sid).title, "Điểm": points, "Điểm tối đa": top,
               "Tỷ lệ (%)": round(100 * points / top, 2) if top else None}
        if previous is not None:
            p, m = before.get(sid, (0.0, 0.0))
            row["Năm trước (%)"] = round(100 * p / m, 2) if m else None
        out.append(row)
    return out


# ---------------------------------------------------------------- rows and xlsx


def report_rows(plan: Plan, settings: Settings, unit: Unit, year: int, criteria: Iterable[Criterion],
                entries: Mapping[str, Entry], score: AssessmentScore) -> list[dict]:
    """One row per criterion, in plan order, keyed by COLUMNS (the year is in the sheet "Thông tin")."""
    items = {i.task_id: i for i in score.items}
    rows = []
    for c in criteria:
        e, s = entries.get(c.id, Entry()), items[c.id]
        rows.append({
            "Mã nhiệm vụ": c.id, "Mục": c.task.section, "Nhiệm vụ": c.task.summary,
            "Vai trò": role_text(plan, unit, c, year), "Thời hạn": c.task.deadline.label,
            "Tình trạng": STATUS[c.status], LABELS["rating"]: rating_label(settings, e.rating),
            "Điểm": s.points, "Điểm tối đa": s.max_points, **{LABELS[f]: getattr(e, f) for f in SHEET_FIELDS},
            "Căn cứ tính điểm": s.why, "Căn cứ giao nhiệm vụ": basis_text(c),
        })
    return rows


def info_rows(plan: Plan, view: AssessmentView) -> list[tuple[str, object]]:
    r, s = view.record, view.score
    rows = [("Kế hoạch", plan_dated(plan)),
            ("Đơn vị", unit_title(plan, view.unit, view.year)), ("Mã đơn vị", view.unit.key),
            *([(CODE_LABEL, view.unit.code)] if view.unit.code else []), ("Năm đánh giá", view.year),
            *([("Kỳ đánh giá", note)] if (note := period_note(view.unit, view.year)) else []),
            ("Phiên bản", r.version if r else "chưa lưu"),
            ("Trạng thái", STATE[r.status] if r else "Chưa lưu"),
            ("Nộp lúc", local_time(r.submitted_at) if r else ""),
            ("Người nộp", (r.submitted_by or "") if r else ""),
            ("Số tiêu chí được chấm", s.to_rate), ("Đã đánh giá", s.rated),
            ("Tổng điểm", s.points), ("Điểm tối đa", s.max_points), ("Tỷ lệ (%)", s.percent),
            ("Ngưỡng đạt (%)", s.threshold), ("Kết quả", "Đạt" if s.passed else "Chưa đạt")]
    if view.previous is not None:
        rows.append((f"Tỷ lệ năm {view.year - 1} (%)", view.previous.percent))
        if view.comparison is not None and view.comparison.of_predecessors:
            rows.append(("So sánh với", view.comparison.label))
    return rows


def report_notice(view: AssessmentView) -> str:
    """What the workbook's first row says about the names in it: a submitted version names its submitter."""
    from toolkit.exports import named_notice

    typed = "Mô tả minh chứng và ghi chú do đơn vị tự nhập có thể nêu tên người."
    if view.record is not None and view.record.submitted_by:
        return named_notice("người nộp bản tự đánh giá", "mục “Người nộp”, trang “Thông tin”",
                            "báo cáo kết quả tự đánh giá của đơn vị với Sở Tư pháp", typed)
    return f"Tệp này không có họ tên người nộp (bản chưa nộp). {typed}"


def report_xlsx(plan: Plan, settings: Settings, view: AssessmentView) -> bytes:
    """Three sheets: "Thông tin" (its first row says whether the file holds a name), "Tự đánh giá" (a row
    per criterion), "Tổng hợp theo mục". The submitter's name stays: the importer of Sở Tư pháp needs it."""
    import pandas as pd

    from toolkit.exports import NOTICE_COLUMNS, excel_writer, fit_columns, notice_row

    sheets = {
        "Thông tin": pd.DataFrame([notice_row(report_notice(view)), *info_rows(plan, view)],
                                  columns=list(NOTICE_COLUMNS)).astype({"Giá trị": str}),
        "Tự đánh giá": pd.DataFrame(report_rows(plan, settings, view.unit, view.year, view.criteria, view.entries,
                                                view.score), columns=list(COLUMNS)),
        "Tổng hợp theo mục": pd.DataFrame(section_rows(plan, view.score, view.previous)),
    }
    buf = io.BytesIO()
    with excel_writer(buf) as writer:
        for name, df in sheets.items():
            df.to_excel(writer, index=False, sheet_name=name)
            fit_columns(writer.sheets[name], df)
    return buf.getvalue()


# ---------------------------------------------------------------- JSON


def report_json(plan: Plan, settings: Settings, view: AssessmentView) -> dict:
    """The exchange file the city overview imports (toolkit.assessment.exchange: its format, version and schema)."""
    r, s = view.record, view.score
    items = {i.task_id: i for i in s.items}
    entries = []
    for c in view.criteria:
        e = view.entries.get(c.id, Entry())
        entries.append({"task_id": c.id, "role": c.role, "status": c.status, **{f: getattr(e, f) for f in FIELDS},
                        "points": items[c.id].points, "max_points": items[c.id].max_points,
                        "reading": c.reading.key if c.reading else None})
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "plan": plan.info.number,
        "unit": {"key": view.unit.key, "name": view.unit.name, **({"code": view.unit.code} if view.unit.code else {})},
        "year": view.year,
        "version": r.version if r else None, "status": r.status if r else "draft",
        "submitted_at": r.submitted_at.isoformat() if r and r.submitted_at else None,
        "submitted_by": r.submitted_by if r else None,
        "entries": entries,
        "totals": {"points": s.points, "max_points": s.max_points, "percent": s.percent, "passed": s.passed},
    }


# ---------------------------------------------------------------- chart


def score_chart(plan: Plan, score: AssessmentScore, previous: AssessmentScore | None = None,
                year: int | None = None) -> "Figure":
    """Horizontal bars: percent per section (and overall), last year's as a paired lighter bar.

    Labels are section ids so the figure stays legible when a phone scales it down; the titles are
    in the table beside it. Object API only (no pyplot state in a long-running kernel).
    """
    from matplotlib.figure import Figure

    # A section whose every criterion is "Không áp dụng" has no maximum: no bar, a dash.
    rows = [(sid, 100 * p / m if m else None) for sid, p, m in score.by_section] + [("Tổng", score.percent)]
    before = {}
    if previous is not None:
        before = {sid: 100 * p / m for sid, p, m in previous.by_section if m}
        before["Tổng"] = previous.percent
    n = len(rows)
    fig = Figure(figsize=(6.0, (0.62 if previous is not None else 0.4) * n + 1.3), layout="constrained")
    ax = fig.add_subplot()
    h = 0.38 if previous is not None else 0.6
    ys = list(range(n))
    now = [v or 0.0 for _, v in rows]
    colors = ["#1d4ed8" if sid != "Tổng" else "#1e3a8a" for sid, _ in rows]
    this_label = f"Năm {year}" if year else "Năm nay"
    bars = ax.barh([y - (h / 2 if previous else 0) for y in ys], now, height=h, color=colors, label=this_label)
    for bar, (_, v) in zip(bars, rows):
        ax.annotate("—" if v is None else f"{number(v)}%", (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=12)
    handles = [bars]
    if previous is not None:
        old = [before.get(sid) for sid, _ in rows]
        pbars = ax.barh([y + h / 2 for y in ys], [v or 0 for v in old], height=h, color="#93c5fd",
                        label=f"Năm {year - 1}" if year else "Năm trước")
        for bar, v in zip(pbars, old):
            ax.annotate("—" if v is None else f"{number(v)}%", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                        xytext=(3, 0), textcoords="offset points", va="center", fontsize=11, color="#374151")
        handles.append(pbars)
    line = ax.axvline(score.threshold, color="#b91c1c", linestyle="--", linewidth=1.2,
               label=f"Ngưỡng đạt {number(score.threshold)}%")
    ax.set_yticks(ys, [sid for sid, _ in rows], fontsize=13)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(0, 118)  # room for the "83,33%" labels
    ax.set_xlabel("Tỷ lệ điểm đạt được (%)", fontsize=12)
    ax.grid(True, axis="x", color="#e5e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    # "outside" places the legend below the axes with constrained layout, never over the axis label.
    fig.legend(handles=handles + [line], loc="outside lower center", ncol=3, frameon=False, fontsize=11)
    ax.set_title("Tỷ lệ điểm tự đánh giá theo mục", fontsize=14)
    return fig


def chart_png(plan: Plan, view: AssessmentView, dpi: int = 100) -> bytes:
    """The chart of `score_chart` as PNG: 100 dpi on a screen, more for a page that is printed."""
    from toolkit.exports import figure_png

    return figure_png(score_chart(plan, view.score, view.previous, view.year), dpi=dpi)


# ---------------------------------------------------------------- printable HTML

# A section whose every scored criterion is "Không áp dụng" has no maximum: said in words, not "0/0".
NO_SCORED_CRITERION = "không có tiêu chí tính điểm trong năm"
_ENVIRONMENT = None  # the jinja2.Environment of _environment(), built on first use


def _environment():
    """The report templates' environment, built once: autoescape on, so every value is escaped.

    trim_blocks/lstrip_blocks let a `{% ... %}` line stand alone in the template without leaving
    blank lines in the document.
    """
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        import jinja2

        _ENVIRONMENT = jinja2.Environment(loader=jinja2.PackageLoader("toolkit.assessment", "templates"),
                                          autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                          lstrip_blocks=True, keep_trailing_newline=True)
    return _ENVIRONMENT


def _is_web_link(url: str) -> bool:
    """Only http(s) becomes a clickable link; anything else (javascript:, data:) is shown as text."""
    return url.lower().startswith(("http://", "https://"))


def _evidence_parts(e: Entry) -> list[dict]:
    """The evidence of one entry as lines: "số, ngày …", the description, the link."""
    parts = []
    if e.evidence_number or e.evidence_date:
        head = e.evidence_number
        if e.evidence_date:
            head += f"{', ' if head else ''}ngày {_vn_date_text(e.evidence_date)}"
        parts.append({"kind": "text", "text": head})
    if e.evidence_text:
        parts.append({"kind": "text", "text": e.evidence_text})
    if e.evidence_link:
        parts.append({"kind": "link", "text": e.evidence_link, "clickable": _is_web_link(e.evidence_link)})
    return parts


def _vn_date_text(value: str) -> str:
    """'2021-05-03' -> '03/05/2021'; anything else unchanged."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _readings(view: AssessmentView) -> list[dict]:
    """The compiler's readings the criteria come from, numbered in order of first use (notes under table I)."""
    out: dict[str, dict] = {}
    for c in view.criteria:
        if c.reading is not None and c.reading.key not in out:
            out[c.reading.key] = {"n": len(out) + 1, "key": c.reading.key, "title": c.reading.title,
                                  "note": c.reading.note}
    return list(out.values())


def _criterion_rows(plan: Plan, settings: Settings, view: AssessmentView) -> list[dict]:
    """Table I: a heading row per section, then a row per criterion with its evidence and notes."""
    items = {i.task_id: i for i in view.score.items}
    readings = {r["key"]: r for r in _readings(view)}
    rows, section, n = [], None, 0
    for c in view.criteria:
        if c.task.section != section:
            section = c.task.section
            rows.append({"section": plan.section(section).label})
        n += 1
        e, it = view.entries.get(c.id, Entry()), items[c.id]
        details = _evidence_parts(e)
        if e.reason:
            details.append({"kind": "text", "text": f"Lý do không áp dụng: {e.reason}"})
        if e.note:
            details.append({"kind": "text", "text": e.note})
        # Why the points are what they are, when the rating alone does not say it: not scored this year,
        # or a rule the entry breaks. An accepted "Không áp dụng" is explained by its reason above (once).
        if not c.scored or (it.counted and e.rating and it.why != rating_label(settings, e.rating)):
            details.append({"kind": "why", "text": it.why})
        rows.append({
            "section": None, "n": n, "id": c.id, "summary": c.task.summary,
            "role": role_text(plan, view.unit, c, view.year),
            "reading": readings[c.reading.key] if c.reading is not None else None,
            "deadline": c.task.deadline.label, "status": STATUS[c.status],
            "rating": rating_label(settings, e.rating) if c.scored or e.rating else "—",
            "points": f"{number(it.points)}/{number(it.max_points)}" if c.scored else "—",
            "details": details,
        })
    return rows


def _section_rows(plan: Plan, view: AssessmentView) -> list[dict]:
    """Table II: points and percent per section, last year's percent when known."""
    out = []
    for row in section_rows(plan, view.score, view.previous):
        old = row.get("Năm trước (%)")
        out.append({"label": f"{row['Mục']}. {row['Tên mục']}",
                    "points": f"{number(row['Điểm'])}/{number(row['Điểm tối đa'])}" if row["Điểm tối đa"] else None,
                    "percent": "—" if row["Tỷ lệ (%)"] is None else f"{number(row['Tỷ lệ (%)'])}%",
                    "previous": "—" if old is None else f"{number(old)}%"})
    return out


def _change_text(now: float, before: float) -> str:
    """"tăng 7,24 điểm phần trăm", "giảm 1 điểm phần trăm" or "không đổi"."""
    delta = now - before
    if not delta:
        return "không đổi"
    return f"{'tăng' if delta > 0 else 'giảm'} {number(abs(delta))} điểm phần trăm"


def report_html(plan: Plan, settings: Settings, view: AssessmentView, *, chart: bool = True) -> str:
    """A standalone, printable report in the layout of an administrative report (Nghị định 30/2020).

    `report_context` prepares the data (texts, numbers written the Vietnamese way); the layout is
    templates/report.html.j2, rendered with autoescape.
    """
    context = report_context(plan, settings, view)
    png = chart_png(plan, view) if chart and context["has_chart"] else None
    return _environment().get_template("report.html.j2").render(
        **context, chart_png=base64.b64encode(png).decode("ascii") if png else None)


def report_context(plan: Plan, settings: Settings, view: AssessmentView) -> dict:
    """What the printable report shows, as text: the HTML template and the Word document
    (toolkit.assessment.docx_report) lay out the same figures. `has_chart`: there is a section to draw."""
    unit, r, s, info = view.unit, view.record, view.score, plan.info
    when = r.submitted_at.astimezone(VIETNAM).date() if r and r.submitted_at else None
    version = "Chưa lưu"
    if r:
        version = f"Phiên bản {r.version}" + (f", nộp lúc {local_time(r.submitted_at)}" if r.submitted_at else "")
    previous = None
    if view.previous is not None:
        label = view.comparison.label if view.comparison is not None else f"Năm {view.year - 1}"
        previous = {"year": view.year - 1, "percent": f"{number(view.previous.percent)}%", "label": label,
                    "change": _change_text(s.percent, view.previous.percent)}
    return dict(
        year=view.year, unit=unit_title(plan, unit, view.year), period=period_note(unit, view.year),
        reading_label=READING_LABEL, readings=_readings(view),
        dated=(f"{info.place}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}" if when
               else f"{info.place}, ngày …… tháng …… năm ……"),
        title=f"Tự đánh giá kết quả thực hiện {plan_label(plan)}",
        draft=(None if r is not None and r.submitted
               else "BẢN NHÁP — chưa nộp" + (f" (phiên bản {r.version})" if r else "")),
        plan=plan_label(plan, full_issuer=True),  # "Thực hiện Kế hoạch số … của Ủy ban nhân dân …, <unit> …"
        criteria=_criterion_rows(plan, settings, view),
        sections=_section_rows(plan, view),
        total={"rated": s.rated, "to_rate": s.to_rate, "points": f"{number(s.points)}/{number(s.max_points)}",
               "percent": f"{number(s.percent)}%", "threshold": f"{number(s.threshold)}%",
               "verdict": "ĐẠT" if s.passed else "CHƯA ĐẠT"},
        previous=previous,
        has_chart=bool(s.by_section),
        no_scored_criterion=NO_SCORED_CRITERION,
        coordinating_factor=number(settings.role_factor.get("coordinating", 1)),
        version=version,
        signer=(r.submitted_by or "") if r else "",
    )
