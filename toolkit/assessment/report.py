"""A unit's self-assessment as a document: rows, xlsx, a printable HTML report, JSON and a chart.

`load_view` gathers what a report needs from the store (criteria of that year with the unit's own
history, entries, score, last year's submitted score); the `report_*` functions turn a view into
files. The UI's download buttons and `toolkit assess export` call the same functions.
pandas, openpyxl and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable, Mapping

from toolkit.assessment.criteria import NOT_RATED, STATUS, Criterion, Settings
from toolkit.assessment.scoring import (
    AssessmentScore,
    Entry,
    entries_of,
    previous_score,
    score_of,
    unit_history,
)
from toolkit.plan.model import ROLES, Plan, Unit
from toolkit.vietnamese import VIETNAM, local_time, number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.records import AssessmentRecord


FORMAT = "pbgdpl-assessment"
FORMAT_VERSION = 1
STATE = {"draft": "Bản nháp (chưa nộp)", "submitted": "Đã nộp"}

COLUMNS = ("Mã nhiệm vụ", "Mục", "Nhiệm vụ", "Vai trò", "Thời hạn", "Tình trạng", "Mức đánh giá", "Điểm",
           "Điểm tối đa", "Số/ký hiệu văn bản", "Ngày", "Mô tả minh chứng", "Liên kết", "Lý do không áp dụng",
           "Ghi chú", "Căn cứ tính điểm")


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
    previous: AssessmentScore | None = None  # the newest submitted version of the year before


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
    return AssessmentView(plan.unit(unit_key), year, tuple(criteria), entries, score, record,
                          previous_score(plan, settings, history, unit_key, year))


# ---------------------------------------------------------------- formatting helpers


def role_text(plan: Plan, unit: Unit, c: Criterion) -> str:
    """"Chủ trì", or "Phối hợp (qua nhóm UBND quận, huyện, thị xã)" when a group carries the duty."""
    if c.via == unit.agency:
        return ROLES[c.role]
    body = plan.agency(c.via)
    return f"{ROLES[c.role]} (qua {'nhóm ' if body.is_group else ''}{body.short})"


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
            "Vai trò": role_text(plan, unit, c), "Thời hạn": c.task.deadline.label,
            "Tình trạng": STATUS[c.status], "Mức đánh giá": rating_label(settings, e.rating),
            "Điểm": s.points, "Điểm tối đa": s.max_points,
            "Số/ký hiệu văn bản": e.evidence_number, "Ngày": e.evidence_date, "Mô tả minh chứng": e.evidence_text,
            "Liên kết": e.evidence_link, "Lý do không áp dụng": e.reason, "Ghi chú": e.note,
            "Căn cứ tính điểm": s.why,
        })
    return rows


def info_rows(plan: Plan, view: AssessmentView) -> list[tuple[str, object]]:
    r, s = view.record, view.score
    rows = [("Kế hoạch", f"{plan.info.kind} số {plan.info.number} ngày {plan.info.date:%d/%m/%Y}"),
            ("Đơn vị", view.unit.name), ("Mã đơn vị", view.unit.key), ("Năm đánh giá", view.year),
            ("Phiên bản", r.version if r else "chưa lưu"),
            ("Trạng thái", STATE[r.status] if r else "Chưa lưu"),
            ("Nộp lúc", local_time(r.submitted_at) if r else ""),
            ("Người nộp", (r.submitted_by or "") if r else ""),
            ("Số tiêu chí được chấm", s.to_rate), ("Đã đánh giá", s.rated),
            ("Tổng điểm", s.points), ("Điểm tối đa", s.max_points), ("Tỷ lệ (%)", s.percent),
            ("Ngưỡng đạt (%)", s.threshold), ("Kết quả", "Đạt" if s.passed else "Chưa đạt")]
    if view.previous is not None:
        rows.append((f"Tỷ lệ năm {view.year - 1} (%)", view.previous.percent))
    return rows


def report_xlsx(plan: Plan, settings: Settings, view: AssessmentView) -> bytes:
    """Three sheets: "Tự đánh giá" (a row per criterion), "Tổng hợp theo mục", "Thông tin"."""
    import pandas as pd

    from toolkit.exports import excel_writer, fit_columns

    sheets = {
        "Tự đánh giá": pd.DataFrame(report_rows(plan, settings, view.unit, view.year, view.criteria, view.entries,
                                                view.score), columns=list(COLUMNS)),
        "Tổng hợp theo mục": pd.DataFrame(section_rows(plan, view.score, view.previous)),
        "Thông tin": pd.DataFrame(info_rows(plan, view), columns=["Mục", "Giá trị"]).astype({"Giá trị": str}),
    }
    buf = io.BytesIO()
    with excel_writer(buf) as writer:
        for name, df in sheets.items():
            df.to_excel(writer, index=False, sheet_name=name)
            fit_columns(writer.sheets[name], df)
    return buf.getvalue()


# ---------------------------------------------------------------- JSON


def report_json(plan: Plan, settings: Settings, view: AssessmentView) -> dict:
    """The machine-readable form that the city overview imports (format "pbgdpl-assessment", version 1)."""
    r, s = view.record, view.score
    items = {i.task_id: i for i in s.items}
    entries = []
    for c in view.criteria:
        e = view.entries.get(c.id, Entry())
        entries.append({"task_id": c.id, "role": c.role, "status": c.status, "rating": e.rating,
                        "reason": e.reason, "evidence_number": e.evidence_number, "evidence_date": e.evidence_date,
                        "evidence_text": e.evidence_text, "evidence_link": e.evidence_link, "note": e.note,
                        "central_issued": e.central_issued, "points": items[c.id].points,
                        "max_points": items[c.id].max_points})
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "plan": plan.info.number,
        "unit": {"key": view.unit.key, "name": view.unit.name}, "year": view.year,
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


def chart_png(plan: Plan, view: AssessmentView) -> bytes:
    from toolkit.exports import figure_png

    return figure_png(score_chart(plan, view.score, view.previous, view.year), dpi=100)


# ---------------------------------------------------------------- printable HTML

_HTML_CSS = """
@page { size: A4; margin: 18mm 15mm 18mm 20mm; }
body { font-family: "Times New Roman", "DejaVu Serif", "Noto Serif", "Liberation Serif", serif; font-size: 13pt;
  line-height: 1.35; color: #000; max-width: 190mm; margin: 1em auto; padding: 0 0.6em; }
.header { display: flex; justify-content: space-between; gap: 1em; text-align: center; }
.header .left { flex: 0 0 42%; } .header .right { flex: 0 0 56%; }
.header p { margin: 0.1em 0; }
.org { font-weight: bold; text-transform: uppercase; }
.org::after { content: ""; display: block; width: 35%; margin: 0.15em auto 0; border-top: 1px solid #000; }
.nation { font-weight: bold; }
.motto { font-weight: bold; text-decoration: underline; text-underline-offset: 3px; }
.place { font-style: italic; margin-top: 0.6em !important; }
h1 { text-align: center; font-size: 14pt; margin: 1.4em 0 0.2em; }
.subtitle { text-align: center; font-weight: bold; margin: 0 0 0.2em; }
.draft { text-align: center; color: #b91c1c; font-weight: bold; border: 2px solid #b91c1c; padding: 0.2em;
  margin: 0.8em 0; }
h2 { font-size: 13pt; margin: 1.1em 0 0.4em; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
tr.section td { font-weight: bold; background: #fafafa; }
tr.total td { font-weight: bold; }
thead { display: table-header-group; } tfoot { display: table-row-group; }
tr, img { page-break-inside: avoid; break-inside: avoid; }
.result { font-weight: bold; }
.chart { text-align: center; margin: 0.8em 0; } .chart img { width: 130mm; max-width: 100%; height: auto; }
.signatures { display: flex; justify-content: space-between; margin-top: 1.5em; page-break-inside: avoid;
  break-inside: avoid; }
.signatures p { margin: 0; }
.signatures .left { font-size: 11pt; } .signatures .right { text-align: center; width: 50%; }
.signatures .title { font-weight: bold; }
.signatures .sign-space { height: 6em; }
.small { font-size: 10.5pt; }
@media print { body { margin: 0; max-width: none; } a { color: #000; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(url: str) -> str:
    """A clickable link only for http(s); anything else (javascript:, data:) is shown as text."""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}">{_e(url)}</a>'
    return _e(url)


def _evidence_html(e: Entry) -> str:
    parts = []
    if e.evidence_number or e.evidence_date:
        head = _e(e.evidence_number)
        if e.evidence_date:
            head += f"{', ' if head else ''}ngày {_e(_vn_date_text(e.evidence_date))}"
        parts.append(head)
    if e.evidence_text:
        parts.append(_e(e.evidence_text))
    if e.evidence_link:
        parts.append(_link(e.evidence_link))
    return "<br>".join(parts)


def _vn_date_text(value: str) -> str:
    """'2021-05-03' -> '03/05/2021'; anything else unchanged."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def report_html(plan: Plan, settings: Settings, view: AssessmentView, *, chart: bool = True) -> str:
    """A standalone, printable report in the layout of an administrative report (Nghị định 30/2020)."""
    unit, r, s = view.unit, view.record, view.score
    info = plan.info
    when = r.submitted_at.astimezone(VIETNAM).date() if r and r.submitted_at else None
    dated = (f"{_e(info.place)}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}" if when
             else f"{_e(info.place)}, ngày …… tháng …… năm ……")
    issuer = plan.agency(info.issuer)
    title_line = (f"Tự đánh giá kết quả thực hiện {_e(info.kind)} số {_e(info.number)} ngày "
                  f"{info.date:%d/%m/%Y} của {_e(issuer.short)}")
    draft = ""
    if r is None or not r.submitted:
        draft = ('<p class="draft">BẢN NHÁP — chưa nộp' + (f" (phiên bản {r.version})" if r else "") + "</p>")

    items = {i.task_id: i for i in s.items}
    body, section, n = [], None, 0
    for c in view.criteria:
        if c.task.section != section:
            section = c.task.section
            body.append(f'<tr class="section"><td colspan="7">{_e(plan.section(section).label)}</td></tr>')
        n += 1
        e, it = view.entries.get(c.id, Entry()), items[c.id]
        notes = []
        if e.reason:
            notes.append(f"Lý do không áp dụng: {_e(e.reason)}")
        if e.note:
            notes.append(_e(e.note))
        if not it.counted or (e.rating and it.why != rating_label(settings, e.rating)):
            notes.append(f"<i>{_e(it.why)}</i>")
        points = f"{number(it.points)}/{number(it.max_points)}" if c.scored else "—"
        body.append(
            f'<tr data-task="{_e(c.id)}"><td class="num">{n}</td>'
            f"<td><b>{_e(c.id)}</b><br>{_e(c.task.summary)}</td>"
            f"<td>{_e(role_text(plan, unit, c))}</td>"
            f"<td>{_e(c.task.deadline.label)}<br><span class=\"small\">{_e(STATUS[c.status])}</span></td>"
            f"<td>{_e(rating_label(settings, e.rating)) if c.scored or e.rating else '—'}</td>"
            f'<td class="num">{points}</td>'
            f"<td>{_evidence_html(e)}{'<br>' if notes and _evidence_html(e) else ''}{'<br>'.join(notes)}</td></tr>")
    body.append(f'<tr class="total"><td colspan="5">Tổng cộng ({s.rated}/{s.to_rate} tiêu chí được chấm đã đánh '
                f'giá)</td><td class="num">{number(s.points)}/{number(s.max_points)}</td><td></td></tr>')

    sec_rows = section_rows(plan, s, view.previous)
    prev_head = f"<th>Năm {view.year - 1}</th>" if view.previous is not None else ""
    sec_html = []
    for row in sec_rows:
        pct = "—" if row["Tỷ lệ (%)"] is None else f"{number(row['Tỷ lệ (%)'])}%"
        prev = ""
        if view.previous is not None:
            old = row["Năm trước (%)"]
            prev = f'<td class="num">{"—" if old is None else number(old) + "%"}</td>'
        sec_html.append(f"<tr><td>{_e(row['Mục'])}. {_e(row['Tên mục'])}</td><td class=\"num\">"
                        f"{number(row['Điểm'])}/{number(row['Điểm tối đa'])}</td><td class=\"num\">{pct}</td>{prev}</tr>")
    prev_total = f'<td class="num">{number(view.previous.percent)}%</td>' if view.previous is not None else ""
    sec_html.append(f'<tr class="total"><td>Tổng cộng</td><td class="num">{number(s.points)}/{number(s.max_points)}'
                    f'</td><td class="num">{number(s.percent)}%</td>{prev_total}</tr>')

    verdict = "ĐẠT" if s.passed else "CHƯA ĐẠT"
    compare = ""
    if view.previous is not None:
        delta = s.percent - view.previous.percent
        compare = (f"<p>So với năm {view.year - 1} ({number(view.previous.percent)}%): "
                   f"{'tăng' if delta > 0 else 'giảm' if delta < 0 else 'không đổi'}"
                   f"{' ' + number(abs(delta)) + ' điểm phần trăm' if delta else ''}.</p>")
    chart_html = ""
    if chart and s.by_section:
        png = base64.b64encode(chart_png(plan, view)).decode("ascii")
        chart_html = (f'<div class="chart"><img alt="Biểu đồ tỷ lệ điểm theo mục" '
                      f'src="data:image/png;base64,{png}"></div>')
    signer = _e(r.submitted_by) if r and r.submitted_by else ""
    version = f"Phiên bản {r.version}" + (f", nộp lúc {_e(local_time(r.submitted_at))}" if r and r.submitted_at
                                          else "") if r else "Chưa lưu"
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo tự đánh giá năm {view.year} — {_e(unit.name)}</title>
<style>{_HTML_CSS}</style>
</head>
<body>
<div class="header">
  <div class="left"><p class="org">{_e(unit.name)}</p><p>Số: ……/BC-……</p></div>
  <div class="right"><p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
  <p class="motto">Độc lập - Tự do - Hạnh phúc</p><p class="place">{dated}</p></div>
</div>
<h1>BÁO CÁO</h1>
<p class="subtitle">{title_line}</p>
<p class="subtitle">Năm {view.year}</p>
{draft}
<p>Thực hiện {_e(info.kind)} số {_e(info.number)} ngày {info.date:%d/%m/%Y} của {_e(issuer.name)}, {_e(unit.name)}
tự đánh giá kết quả thực hiện các nhiệm vụ được giao năm {view.year} như sau:</p>
<h2>I. Kết quả thực hiện từng nhiệm vụ</h2>
<table class="criteria">
<thead><tr><th>STT</th><th>Nhiệm vụ</th><th>Vai trò</th><th>Thời hạn, tình trạng</th><th>Mức đánh giá</th>
<th>Điểm</th><th>Minh chứng, ghi chú</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<h2>II. Tổng hợp theo mục</h2>
<table class="sections">
<thead><tr><th>Mục</th><th>Điểm</th><th>Tỷ lệ</th>{prev_head}</tr></thead>
<tbody>
{chr(10).join(sec_html)}
</tbody>
</table>
{chart_html}
<h2>III. Kết quả chung</h2>
<p>Tổng điểm: <b>{number(s.points)}/{number(s.max_points)}</b> ({number(s.percent)}%). Ngưỡng đạt:
{number(s.threshold)}%.</p>
<p class="result">Kết quả tự đánh giá: {verdict}.</p>
{compare}
<p class="small">Thang điểm, trọng số và ngưỡng đạt do Sở Tư pháp thiết lập (data/plan-241/criteria.yaml);
nhiệm vụ phối hợp tính hệ số {number(settings.role_factor.get("coordinating", 1))}. {version}.</p>
<div class="signatures">
  <div class="left"><p><b><i>Nơi nhận:</i></b></p><p>- Sở Tư pháp;</p><p>- Lưu: VT.</p>
  {f"<p>Người lập: {signer}</p>" if signer else ""}</div>
  <div class="right"><p class="title">THỦ TRƯỞNG ĐƠN VỊ</p><p><i>(Ký, ghi rõ họ tên, đóng dấu)</i></p>
  <div class="sign-space"></div></div>
</div>
</body>
</html>
"""
