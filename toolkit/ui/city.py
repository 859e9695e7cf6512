"""City overview page for Sở Tư pháp: every unit's self-assessment of a year, and the files units send.

The page is protected: until `PasscodeGate.check` (in the kernel) accepts the passcode, it holds a
passcode field and nothing else. No data is read and no widget that could carry data exists, so
nothing leaks through widget state, which the browser receives for every displayed widget
(VOILA.md). Every handler checks the gate again: the browser can call any widget's callback by
sending comm messages, whether or not the widget is visible.

Tables are HTML in boxes that scroll on their own, so the page stays usable on a phone; the
heatmap is drawn only when its tab is opened. Uploads go through the same checks as
`toolkit assess import`, and each file's result is shown in Vietnamese.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import PurePath

import ipywidgets as widgets

from toolkit.assessment.criteria import Settings, load_settings
from toolkit.assessment.importing import import_assessments
from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.serving.access import PasscodeGate
from toolkit.serving.uploads import MAX_FILE_BYTES, MAX_SELECTION_BYTES, megabytes, screen_uploads
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.ui.common import PasscodeLocked, PlanPicker, alert, download_link, esc, guarded, page_style, unlocked_only
from toolkit.vietnamese import number

ROOT_CLASS = "pbgdpl-city"
TAB_RANKING, TAB_HEATMAP, TAB_MISSING, TAB_OVERDUE, TAB_CHANGE, TAB_FILES = range(6)
TAB_TITLES = ("Xếp hạng", "Theo mục", "Chưa nộp", "Quá hạn", "So với năm trước", "Nhập tệp, tải về")
MAX_UPLOAD_FILES = 100
MAX_NAME_SHOWN = 80

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 1000px; }}
.{ROOT_CLASS} .gate {{ max-width: 420px; }}
.{ROOT_CLASS} .table-scroll {{ max-height: 65vh; overflow: auto; border: 1px solid #e5e7eb; border-radius: 6px;
  -webkit-overflow-scrolling: touch; }}
.{ROOT_CLASS} table.city {{ border-collapse: collapse; width: 100%; font-size: 0.95em; }}
.{ROOT_CLASS} table.city th {{ position: sticky; top: 0; background: #f1f5f9; z-index: 1; }}
.{ROOT_CLASS} table.city th, .{ROOT_CLASS} table.city td {{ border-bottom: 1px solid #e5e7eb;
  padding: 0.35em 0.45em; text-align: left; vertical-align: top; }}
.{ROOT_CLASS} table.city td.num, .{ROOT_CLASS} table.city th.num {{ text-align: right; white-space: nowrap; }}
.{ROOT_CLASS} .pass {{ color: #065f46; font-weight: 700; }}
.{ROOT_CLASS} .fail {{ color: #9a3412; font-weight: 700; }}
.{ROOT_CLASS} .up {{ color: #065f46; }}
.{ROOT_CLASS} .down {{ color: #b91c1c; }}
.{ROOT_CLASS} .summary-line {{ border: 1px solid #d1d5db; border-radius: 8px; padding: 0.5em 0.8em; margin: 0.5em 0;
  background: #f8fafc; }}
.{ROOT_CLASS} .heatmap-box {{ max-height: 75vh; overflow: auto; -webkit-overflow-scrolling: touch; }}
.{ROOT_CLASS} .heatmap-box .widget-image {{ max-width: none; }}
.{ROOT_CLASS} .file-result {{ border-radius: 6px; padding: 0.45em 0.7em; margin: 0.35em 0; }}
.{ROOT_CLASS} .file-result.imported {{ background: #ecfdf5; border: 1px solid #6ee7b7; }}
.{ROOT_CLASS} .file-result.unchanged {{ background: #f8fafc; border: 1px solid #cbd5e1; }}
.{ROOT_CLASS} .file-result.rejected {{ background: #fef2f2; border: 1px solid #fca5a5; }}
.{ROOT_CLASS} .file-result ul {{ margin: 0.2em 0; padding-left: 1.3em; }}
.{ROOT_CLASS} ul.tasks {{ margin: 0; padding-left: 1.1em; }}
@media (max-width: 600px) {{
  .{ROOT_CLASS} table.city {{ font-size: 0.9em; }}
  .{ROOT_CLASS} .heatmap-box .widget-image {{ width: 760px !important; }}
}}
</style>"""



def _isna(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x) == "<NA>"


def _table(head: list[tuple[str, bool]], rows: list[list[str]], empty: str) -> str:
    """An HTML table (cells already escaped) inside its own scrolling box. head: (title, numeric)."""
    if not rows:
        return f'<p class="muted">{esc(empty)}</p>'
    ths = "".join(f'<th{" class=num" if num else ""} scope="col">{esc(t)}</th>' for t, num in head)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if head[i][1] else ""}>{c}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f'<div class="table-scroll"><table class="city"><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div>'


def _file_name(name: object) -> str:
    """Only the file's own name, shortened: an upload's name is whatever the browser sent."""
    text = PurePath(str(name).replace("\\", "/")).name or "tệp"
    return text if len(text) <= MAX_NAME_SHOWN else text[: MAX_NAME_SHOWN - 1] + "…"


class CityOverviewApp(PasscodeLocked):
    """Passcode → year → ranking, sections heatmap, not submitted, overdue, change, uploads, download."""

    def __init__(self, plan: Plan, settings: Settings, astore: AssessmentStore, gate: PasscodeGate | None = None,
                 today: date | None = None, plans=()):
        self.plan, self.settings, self.astore = plan, settings, astore
        self._plans = tuple(plans) or (plan,)  # the picker is built once the page is unlocked
        self.plan_picker = None
        self.today = today or date.today()
        self._submissions = None
        self._overviews: dict[int, object] = {}
        self._heatmap_drawn: tuple[int, int] | None = None  # (year, first unit) of the image on screen

        self._init_lock("<p>Trang này dành cho Sở Tư pháp. Nhập mã truy cập (người quản trị máy chủ cung cấp) "
                        "để xem kết quả tự đánh giá của các đơn vị.</p>", gate or PasscodeGate(astore, "city"))
        self.widget = widgets.VBox([widgets.HTML(CSS), self.error, self.body]).add_class(ROOT_CLASS)

        # Built by _build() after the passcode is accepted.
        self.year = self.summary = self.tabs = None
        self.ranking = self.heatmap = self.heatmap_page = self.heatmap_status = None
        self.missing = self.overdue = self.change = None
        self.upload = self.upload_result = self.download = self.download_link = None
        self.download_docx = None

    @classmethod
    def from_environment(cls) -> "CityOverviewApp":
        """The page over the published plans, opened on the most recent or on `?plan=<key>`."""
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters

        plans, plan = catalogue.opening(query_parameters().get("plan"))
        return cls(plan, load_settings(plan, catalogue.criteria_path(plan)), AssessmentStore(Store(), key_of(plan)),
                   plans=plans)

    @guarded("mở kế hoạch đã chọn")
    @unlocked_only
    def on_plan(self, plan: Plan) -> None:
        """Another plan: its criteria and the units' assessments of it; files imported from now are its."""
        from toolkit.plan import catalogue

        self.settings = load_settings(plan, catalogue.criteria_path(plan))
        self.plan = plan
        self.astore = AssessmentStore(self.astore, plan=key_of(plan))  # the same database, another plan's rows
        self._build()

    def on_unlocked(self) -> None:
        self._build()

    # ---------------------------------------------------------------- building the page
    def _build(self) -> None:
        if self.plan_picker is None:
            self.plan_picker = PlanPicker(self._plans, self.plan, on_change=self.on_plan)
        self._load()
        years = self._years()
        self.year = widgets.Dropdown(description="Năm đánh giá", options=years, value=self._default_year(years),
                                     layout=widgets.Layout(width="100%", max_width="320px")).add_class("stacked")
        self.year.observe(self.on_year, names="value")
        self.summary = widgets.HTML("")
        self.ranking = widgets.HTML("")
        self.heatmap_status = widgets.HTML("")
        # 600 units do not fit one legible image: one page of units at a time, in ranking order.
        self.heatmap_page = widgets.Dropdown(description="Đơn vị (theo xếp hạng)", options=[("1–1", 0)], value=0,
                                             layout=widgets.Layout(width="100%", max_width="320px",
                                                                   display="none")).add_class("stacked")
        self.heatmap_page.observe(self.on_heatmap_page, names="value")
        # Hidden until drawn: an empty Image shows as a broken-image icon.
        self.heatmap = widgets.Image(format="png", layout=widgets.Layout(display="none"))
        heatmap_box = widgets.Box([self.heatmap]).add_class("heatmap-box")
        self.missing = widgets.HTML("")
        self.overdue = widgets.HTML("")
        self.change = widgets.HTML("")
        self.upload = widgets.FileUpload(accept=".json,.xlsx", multiple=True, description="Chọn tệp",
                                         icon="upload", layout=widgets.Layout(width="auto"))
        self.upload.observe(self.on_upload, names="value")
        self.upload_result = widgets.HTML("")
        self.download = widgets.Button(description="Tạo tệp Excel tổng hợp", icon="file-excel-o",
                                       layout=widgets.Layout(width="auto"))
        self.download.on_click(self.on_download)
        self.download_docx = widgets.Button(description="Tạo báo cáo tổng hợp (Word)", icon="file-word-o",
                                            layout=widgets.Layout(width="auto"))
        self.download_docx.on_click(self.on_download_docx)
        self.download_link = widgets.HTML("")
        files_tab = widgets.VBox([
            widgets.HTML("<h3>Nhập bản tự đánh giá đơn vị gửi</h3><p>Chọn một hoặc nhiều tệp <b>.json</b> hoặc "
                         "<b>.xlsx</b> mà đơn vị xuất từ trang “Tự đánh giá”. Mỗi tệp được kiểm tra toàn bộ trước khi "
                         "ghi: tệp có lỗi bị từ chối nguyên tệp (các tệp khác vẫn được nhập); tệp đã nhập rồi không "
                         f"tạo bản trùng. Mỗi tệp tối đa {megabytes(MAX_FILE_BYTES)} MB, mỗi lần chọn tối đa "
                         f"{MAX_UPLOAD_FILES} tệp và tổng {megabytes(MAX_SELECTION_BYTES)} MB.</p>"),
            self.upload, self.upload_result,
            widgets.HTML("<h3>Tải bảng tổng hợp</h3><p>Tệp Excel gồm các trang: Xếp hạng, Theo mục, Chưa nộp, "
                         "Nhiệm vụ quá hạn, So sánh năm trước — của năm đang chọn.</p>"),
            widgets.HTML("<p>Báo cáo Word: báo cáo của Sở Tư pháp theo thể thức Nghị định 30/2020/NĐ-CP, cùng các "
                         "bảng ấy, biểu đồ theo mục và phụ lục tỷ lệ điểm từng mục; để trống số văn bản và ngày ký.</p>"),
            widgets.HBox([self.download, self.download_docx], layout=widgets.Layout(flex_flow="row wrap",
                                                                                   width="auto")),
            self.download_link,
        ], layout=widgets.Layout(width="auto"))
        heat_tab = widgets.VBox([
            widgets.HTML('<p class="muted">Mỗi hàng là một đơn vị (theo thứ tự xếp hạng), mỗi cột là một mục của Kế '
                         "hoạch; màu theo tỷ lệ điểm của mục: đỏ thấp, vàng quanh ngưỡng đạt, xanh cao; ô xám: đơn vị "
                         "không có tiêu chí được chấm trong mục đó. Trên điện thoại, vuốt trong khung để xem hết.</p>"),
            self.heatmap_page, self.heatmap_status, heatmap_box], layout=widgets.Layout(width="auto"))
        self.tabs = widgets.Tab(children=[self.ranking, heat_tab, self.missing, self.overdue, self.change, files_tab],
                                titles=TAB_TITLES, selected_index=TAB_RANKING, layout=widgets.Layout(width="auto"))
        self.tabs.observe(self.on_tab, names="selected_index")
        picker = [self.plan_picker.box] if self.plan_picker.shown else []
        self.body.children = [widgets.VBox([*picker, self.year, self.summary, self.tabs],
                                           layout=widgets.Layout(width="auto"))]
        self.show()

    def _load(self) -> None:
        from toolkit.assessment.city import load_submissions

        self._submissions = load_submissions(self.astore)
        self._overviews = {}
        self._heatmap_drawn = None

    def _years(self) -> list[int]:
        info = self.plan.info
        last = min(info.period_end, max(self.today.year, info.period_start))
        have = {s.year for s in self._submissions or ()}
        return sorted(set(range(info.period_start, last + 1)) | have, reverse=True)

    def _default_year(self, years: list[int]) -> int:
        have = [s.year for s in self._submissions or ()]
        if have:
            return max(have)
        return self.today.year - 1 if self.today.year - 1 in years else years[0]

    def _overview(self, year: int):
        from toolkit.assessment.city import city_overview

        if year not in self._overviews:
            self._overviews[year] = city_overview(self.plan, self.settings, self._submissions, year)
        return self._overviews[year]

    # ---------------------------------------------------------------- showing a year
    def show(self) -> None:
        ov = self._overview(self.year.value)
        passed = int((ov.ranking["passed"] == True).sum())  # noqa: E712 — None (nothing scored) is not a pass
        self.summary.value = (
            f'<div class="summary-line" role="status"><b>Năm {ov.year}:</b> {ov.submitted_count}/{ov.active} đơn vị '
            f"đã nộp tự đánh giá; {passed} đơn vị đạt (từ {number(ov.threshold)}% trở lên); "
            f"{len(ov.not_submitted)} đơn vị chưa nộp; {ov.overdue['unit_key'].nunique()} đơn vị còn nhiệm vụ quá "
            "hạn.</div>")
        self.ranking.value = self._ranking_html(ov)
        self.missing.value = self._missing_html(ov)
        self.overdue.value = self._overdue_html(ov)
        self.change.value = self._change_html(ov)
        self.download_link.value = ""
        self._heatmap_pages(ov)
        if self.tabs.selected_index == TAB_HEATMAP:
            self.draw_heatmap()

    def _heatmap_pages(self, ov) -> None:
        from toolkit.assessment.city import HEATMAP_PAGE

        n = len(ov.sections)
        pages = [(f"{i + 1}–{min(i + HEATMAP_PAGE, n)} / {n}", i) for i in range(0, n, HEATMAP_PAGE)] or [("—", 0)]
        self.heatmap_page.options = pages
        self.heatmap_page.value = 0
        self.heatmap_page.layout.display = None if n > HEATMAP_PAGE else "none"

    def _ranking_html(self, ov) -> str:
        rows = []
        for r in ov.ranking.itertuples():
            if r.passed is None:
                verdict = '<span class="muted">Không có tiêu chí được chấm</span>'
            else:
                verdict = '<span class="pass">Đạt</span>' if r.passed else '<span class="fail">Chưa đạt</span>'
            rows.append(["—" if _isna(r.rank) else str(int(r.rank)), esc(r.unit),
                         number(r.percent) + ("" if _isna(r.percent) else "%"), verdict,
                         f"{r.rated}/{r.to_rate}", f"{number(r.points)}/{number(r.max_points)}"])
        return (f'<p class="muted">Tỷ lệ điểm = điểm đạt được / điểm tối đa của các tiêu chí được chấm trong năm; '
                f"đạt từ {number(ov.threshold)}%. Bằng điểm thì cùng hạng.</p>"
                + _table([("Hạng", True), ("Đơn vị", False), ("Tỷ lệ", True), ("Kết quả", False),
                          ("Đã đánh giá", True), ("Điểm", True)], rows,
                         f"Chưa có đơn vị nào nộp bản tự đánh giá năm {ov.year}."))

    def _missing_html(self, ov) -> str:
        # 2025 (the year of the reform): districts to 30/6, communes and wards from 1/7; each says its period.
        from toolkit.assessment.city import SPLIT_YEAR_NOTE, split_year

        split = split_year(ov)
        rows = [[esc(r.unit) + (f' <span class="muted">({esc(r.code)})</span>' if r.code else ""), esc(r.kind)]
                + ([esc(r.period)] if split else []) + ["—" if _isna(r.last_year) else str(int(r.last_year))]
                for r in ov.not_submitted.itertuples()]
        head = [("Đơn vị", False), ("Loại đơn vị", False)] + ([("Kỳ đánh giá", False)] if split else []) \
            + [("Năm nộp gần nhất", True)]
        note = f" {SPLIT_YEAR_NOTE}" if split else ""
        return (f'<p class="muted">Đơn vị hoạt động trong năm {ov.year} (theo danh mục đơn vị: {ov.active} đơn vị) '
                f"chưa có bản tự đánh giá đã nộp.{note}</p>"
                + _table(head, rows, f"Tất cả đơn vị đã nộp bản tự đánh giá năm {ov.year}."))

    def _overdue_html(self, ov) -> str:
        rows = []
        for (unit, submitted), group in ov.overdue.groupby(["unit", "submitted"], sort=False):
            items = "".join(f"<li><b>{esc(t.task_id)}</b> — {esc(t.deadline)}: {esc(t.rating)}</li>"
                            for t in group.itertuples())
            rows.append([esc(unit), "Đã nộp" if submitted else '<span class="fail">Chưa nộp</span>',
                         f'<ul class="tasks">{items}</ul>'])
        return (f'<p class="muted">Nhiệm vụ có thời hạn cụ thể đã qua (tính đến năm {ov.year}) mà đơn vị chưa đánh '
                "giá là đã hoàn thành; với đơn vị chưa nộp, là mọi nhiệm vụ đã quá hạn chưa được ghi nhận hoàn thành "
                "ở năm trước. Chi tiết từng nhiệm vụ có trong tệp Excel tổng hợp.</p>"
                + _table([("Đơn vị", False), ("Tự đánh giá", False), ("Nhiệm vụ quá hạn — mức đánh giá", False)],
                         rows, "Không có nhiệm vụ quá hạn."))

    def _change_html(self, ov) -> str:
        rows = []
        for r in ov.change.itertuples():
            if _isna(r.delta):
                delta = '<span class="muted">—</span>'
            elif r.delta > 0:
                delta = f'<span class="up">▲ +{number(r.delta)}</span>'
            elif r.delta < 0:
                delta = f'<span class="down">▼ {number(r.delta)}</span>'
            else:
                delta = "0"
            unit = esc(r.unit) + (f'<br><span class="muted">{esc(r.compared_with)}</span>' if r.compared_with else "")
            rows.append([unit, number(r.previous), number(r.percent), delta])
        return (f'<p class="muted">Tỷ lệ điểm (%) năm {ov.year} so với năm {ov.year - 1}; “—”: năm đó đơn vị chưa '
                "nộp hoặc không có tiêu chí được chấm. Đơn vị chưa có năm trước (xã, phường năm 2025) được so với "
                "bản đã nộp của các đơn vị tiền thân, ghi rõ dưới tên đơn vị.</p>"
                + _table([("Đơn vị", False), (f"Năm {ov.year - 1}", True), (f"Năm {ov.year}", True),
                          ("Thay đổi (điểm %)", True)], rows, "Chưa có số liệu của hai năm để so sánh."))

    # ---------------------------------------------------------------- callbacks
    @guarded("hiển thị năm đã chọn")
    @unlocked_only
    def on_year(self, change=None) -> None:
        if self.year.value not in self._years():
            return  # the browser can send any value
        self.show()

    @guarded("mở thẻ đã chọn")
    @unlocked_only
    def on_tab(self, change=None) -> None:
        if self.tabs.selected_index == TAB_HEATMAP:
            self.draw_heatmap()

    @guarded("vẽ biểu đồ theo mục")
    @unlocked_only
    def on_heatmap_page(self, change=None) -> None:
        if self.tabs.selected_index == TAB_HEATMAP:
            self.draw_heatmap()

    def draw_heatmap(self) -> None:
        from toolkit.assessment.city import HEATMAP_PAGE, heatmap_figure
        from toolkit.exports import figure_png

        year, first = self.year.value, self.heatmap_page.value or 0
        if self._heatmap_drawn == (year, first):
            return
        # Widget messages leave at once, so the reader sees this while the image is drawn.
        self.heatmap_status.value = '<p class="muted">Đang vẽ biểu đồ…</p>'
        try:
            ov = self._overview(year)
            self.heatmap.value = figure_png(heatmap_figure(self.plan, ov, first, HEATMAP_PAGE), dpi=90)
            self.heatmap.layout.display = None
            self._heatmap_drawn = (year, first)
        finally:
            self.heatmap_status.value = ""

    @guarded("nhập tệp tự đánh giá")
    @unlocked_only
    def on_upload(self, change=None) -> None:
        files = change["new"] if isinstance(change, dict) and "new" in change else (self.upload.value if self.upload
                                                                                    else ())
        if not files:
            return  # clearing the widget after an import calls this again
        if len(files) > MAX_UPLOAD_FILES:
            self.upload_result.value = alert(f"Mỗi lần chọn tối đa {MAX_UPLOAD_FILES} tệp.")
            self._clear_upload()
            return
        screened = screen_uploads(
            (_file_name(f.get("name", "")), f.get("size"), f.get("content", b""))
            if isinstance(f, dict) else (_file_name(""), None, b"")
            for f in files)
        report = import_assessments(screened.accepted, self.plan, self.settings, self.astore)
        self.upload_result.value = self._report_html(report, screened.refused)
        self._clear_upload()
        if report.imported:
            self._load()
            years = self._years()
            current = self.year.value
            self.year.options = years
            self.year.value = current if current in years else years[0]
            self.show()

    def _clear_upload(self) -> None:
        if self.upload is not None:
            self.upload.value = ()  # frees the files' bytes held in widget state

    def _report_html(self, report, refused: tuple[tuple[str, str], ...] = ()) -> str:
        # Files refused for their size were never read; they are listed first, as rejected files.
        parts = [f'<div class="file-result rejected" role="status"><div>{esc(message)}</div></div>'
                 for _name, message in refused]
        for r in report.results:
            problems = "".join(f"<li>{esc(p)}</li>" for p in r.problems)
            notes = "".join(f"<li>{esc(n)}</li>" for n in r.notes)
            parts.append(f'<div class="file-result {esc(r.outcome)}" role="status"><div>{esc(r.message)}</div>'
                         + (f"<ul>{problems}</ul>" if problems else "")
                         + (f'<ul class="muted">{notes}</ul>' if notes else "") + "</div>")
        n_ok, n_same = len(report.imported), len(report.results) - len(report.imported) - len(report.rejected)
        n_bad = len(report.rejected) + len(refused)
        head = (f"<p><b>Đã nhập {n_ok} tệp</b>, {n_same} tệp trùng nội dung, "
                f"{n_bad} tệp bị từ chối.</p>")
        return head + "".join(parts)

    @guarded("tạo tệp Excel tổng hợp")
    @unlocked_only
    def on_download(self, _=None) -> None:
        from toolkit.assessment.city import overview_xlsx

        ov = self._overview(self.year.value)
        data = overview_xlsx(self.plan, ov)
        self.download_link.value = download_link(data, f"tong-hop-tu-danh-gia-{ov.year}.xlsx", "xlsx",
                                                 f"Tải tệp tổng hợp năm {ov.year} (Excel)")

    @guarded("tạo báo cáo Word tổng hợp")
    @unlocked_only
    def on_download_docx(self, _=None) -> None:
        from toolkit.assessment.docx_report import city_docx

        ov = self._overview(self.year.value)
        data = city_docx(self.plan, ov)
        self.download_link.value = download_link(data, f"bao-cao-tong-hop-tu-danh-gia-{ov.year}.docx", "docx",
                                                 f"Tải báo cáo tổng hợp năm {ov.year} (Word)")
