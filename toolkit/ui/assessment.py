"""Self-assessment page: a unit rates each duty of a year, with evidence, and submits a frozen version.

One shared form edits one criterion at a time (chosen from a list, or with "Trước"/"Tiếp"), so
the page has the same few dozen widgets whether the unit has 10 criteria or 40: VOILA.md
measured that pages with hundreds of widgets load slowly. Long read-only content (the plan's
words, the per-criterion overview) is HTML, not widgets.

Every change is saved at once (`AssessmentStore.save_entry` with the full entry), and the name of the
person filling the draft with it (`AssessmentStore.save_filler`), so a reload restores both. Every
rule is checked here, in the kernel: the browser can set any widget's value and click a disabled
button. A change the rules refuse stays on screen with the reason next to it: the unit sees what it
chose and what to change, never a form silently put back.

The year comes first and the unit list holds the units that existed in it (`Plan.units_on`, Vietnamese
alphabetical order): for 2026 the communes and wards and today's departments, for 2025 both the
districts (to 30/6) and the communes and wards (from 1/7), each assessing its part of the year
(toolkit.assessment.criteria says how a 2025 assessment works). Choosing a unit never changes the year;
a unit that did not exist in the chosen year (changed year, or `?unit=`) stays chosen and the page
says why and what to choose instead (`inactive_message`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

import ipywidgets as widgets

from toolkit.assessment import report as ar
from toolkit.assessment import scoring
from toolkit.assessment.criteria import STATUS, Criterion, Settings, inactive_message, load_settings, period_note
from toolkit.assessment.entry import Entry, EntryProblem, clean_entry, overdue_advice, validate_entry
from toolkit.assessment.scoring import entries_of, unit_history
from toolkit.plan.catalogue import key_of
from toolkit.plan.model import READING_LABEL, Plan, Unit
from toolkit.serving.request import query_parameters
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.records import AssessmentLocked, AssessmentRecord, InputError, clean_name
from toolkit.storage.store import Store
from toolkit.ui.common import PlanPicker, UnitPicker, alert, download_link, error_box, esc, guarded, page_style, stacked
from toolkit.ui.privacy import NoticeLine
from toolkit.vietnamese import VIETNAM, local_time, number

ROOT_CLASS = "pbgdpl-assess"
UNRATED = ""  # the radio value of "— Chưa chọn —"
TAB_FORM, TAB_RESULT, TAB_SUBMIT = range(3)
TAB_TITLES = ("Đánh giá", "Kết quả", "Nộp và tải về")
LOCKED = "Bản tự đánh giá này đã nộp, không sửa được nữa. Muốn sửa, hãy bấm “Sửa (tạo phiên bản mới)”."

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 860px; }}
.{ROOT_CLASS} .stacked.widget-inline-hbox > textarea {{ width: 100%; font-size: 16px; min-height: 4.2em; }}
.{ROOT_CLASS} .widget-radio-box {{ width: 100%; }}
.{ROOT_CLASS} .widget-radio {{ width: 100%; }}
.{ROOT_CLASS} .widget-radio-box label {{ white-space: normal; line-height: 1.35; padding: 0.35em 0; height: auto;
  font-size: 16px; }}
.{ROOT_CLASS} .status-line {{ border: 1px solid #d1d5db; border-radius: 8px; padding: 0.5em 0.8em; margin: 0.5em 0;
  background: #f8fafc; }}
.{ROOT_CLASS} .status-line p {{ margin: 0.15em 0; }}
.{ROOT_CLASS} .bar {{ height: 8px; background: #e5e7eb; border-radius: 4px; overflow: hidden; margin: 0.3em 0; }}
.{ROOT_CLASS} .bar > div {{ height: 100%; background: #2563eb; }}
.{ROOT_CLASS} .saved {{ color: #065f46; font-size: 0.92em; }}
.{ROOT_CLASS} .pass {{ color: #065f46; font-weight: 700; }}
.{ROOT_CLASS} .fail {{ color: #9a3412; font-weight: 700; }}
.{ROOT_CLASS} .submitted-banner {{ background: #ecfdf5; border: 1px solid #6ee7b7; border-radius: 6px;
  padding: 0.5em 0.8em; margin: 0.4em 0; }}
.{ROOT_CLASS} .card {{ border: 1px solid #d1d5db; border-radius: 8px; padding: 0.7em 0.9em; margin: 0.5em 0;
  background: #fff; }}
.{ROOT_CLASS} .card .section {{ color: #4b5563; font-size: 0.9em; }}
.{ROOT_CLASS} .card .summary {{ font-weight: 600; margin: 0.3em 0; }}
.{ROOT_CLASS} .tid {{ font-weight: 700; color: #1e3a8a; margin-right: 0.35em; white-space: nowrap; }}
.{ROOT_CLASS} .badge {{ display: inline-block; padding: 0 0.45em; border-radius: 4px; font-size: 0.85em;
  font-weight: 600; margin: 0.1em 0.2em 0.1em 0; }}
.{ROOT_CLASS} .role-lead {{ background: #dbeafe; color: #1e3a8a; }}
.{ROOT_CLASS} .role-coordinating {{ background: #fef3c7; color: #92400e; }}
.{ROOT_CLASS} .st-due {{ background: #e0f2fe; color: #075985; }}
.{ROOT_CLASS} .st-overdue {{ background: #ffedd5; color: #9a3412; }}
.{ROOT_CLASS} .st-other {{ background: #f3f4f6; color: #374151; }}
.{ROOT_CLASS} ul.duties {{ margin: 0.3em 0; padding-left: 1.3em; }}
.{ROOT_CLASS} details > summary {{ cursor: pointer; color: #1d4ed8; }}
.{ROOT_CLASS} blockquote {{ margin: 0.3em 0; padding: 0.3em 0.7em; border-left: 3px solid #93c5fd;
  background: #f8fafc; }}
.{ROOT_CLASS} .field-title {{ font-weight: 600; font-size: 15px; margin: 0.5em 0 0.1em; }}
.{ROOT_CLASS} table.scores {{ border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; font-size: 0.95em; }}
.{ROOT_CLASS} table.scores th, .{ROOT_CLASS} table.scores td {{ border-bottom: 1px solid #e5e7eb;
  padding: 0.3em 0.35em; text-align: left; vertical-align: top; }}
.{ROOT_CLASS} table.scores td.num, .{ROOT_CLASS} table.scores th.num {{ text-align: right; white-space: nowrap; }}
.{ROOT_CLASS} table.scores tr.total td {{ font-weight: 700; }}
.{ROOT_CLASS} .ov-row {{ padding: 0.3em 0; border-bottom: 1px solid #f1f5f9; }}
.{ROOT_CLASS} .ov-row .mark {{ display: inline-block; width: 1.3em; }}
.{ROOT_CLASS} .ov-row .what {{ display: block; font-size: 0.92em; color: #374151; margin-left: 1.3em; }}
.{ROOT_CLASS} .chart-box .widget-image {{ max-width: 640px; width: 100%; }}
.{ROOT_CLASS} .nav {{ gap: 0.5em; margin-top: 0.6em; }}
.{ROOT_CLASS} .confirm {{ background: #fffbeb; border: 1px solid #fcd34d; border-radius: 8px; padding: 0.5em 0.8em; }}
.{ROOT_CLASS} .ok-box {{ background: #ecfdf5; border: 1px solid #6ee7b7; border-radius: 6px; padding: 0.5em 0.8em; }}
.{ROOT_CLASS} ul.versions {{ padding-left: 1.3em; margin: 0.3em 0; }}
.{ROOT_CLASS} .reading-note {{ background: #fefce8; border: 1px solid #fde68a; border-radius: 6px; padding: 0.4em 0.7em;
  margin: 0.4em 0; font-size: 0.95em; }}
.{ROOT_CLASS} .period-note {{ color: #1e3a8a; }}
</style>"""


class RuleError(Exception):
    """A change the rules refuse; the message is Vietnamese and is shown as it is."""



def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _validity(u: Unit) -> str:
    """"UBND quận Ba Đình (đến 30/06/2025)": the list says which units no longer exist."""
    if u.valid_to is not None:
        return f"{u.name} (đến {_vn(u.valid_to)})"
    if u.valid_from.year > 2020:
        return f"{u.name} (từ {_vn(u.valid_from)})"
    return u.name


class AssessmentApp:
    """Choose unit and year → rate each criterion (autosaved) → see the score → submit → download."""

    def __init__(self, plan: Plan, settings: Settings, store: Store, today: date | None = None, plans=()):
        self.plan, self.settings, self.store = plan, settings, store
        self.astore = AssessmentStore(store, plan=key_of(plan))  # a unit assesses each plan's duties apart
        self.today = today or date.today()
        self.unit_key: str | None = None
        self.year: int | None = None
        self.record: AssessmentRecord | None = None
        self.entries: dict[str, Entry] = {}
        self.history: list = []
        self.comparison = None  # scoring.Comparison: last year's submitted assessments, the unit's or its predecessors'
        self.criteria: list[Criterion] = []
        self.by_id: dict[str, Criterion] = {}
        self.score = None
        self.previous = None
        self.current: str | None = None
        self.saved_at: datetime | None = None
        self.filler = ""  # the name stored with the open draft
        self.confirming = False
        self._loading = False  # set while the kernel fills widgets, so observers do not save
        self._chart_for = None  # the score the chart shows; redrawn only when it changed

        self.error = error_box()
        self.notice = widgets.HTML("", layout=widgets.Layout(width="auto"))

        # -- which plan (when there are several), which year, then who (the list holds the units of that year)
        self.plan_picker = PlanPicker(plans or [plan], plan, on_change=self.on_plan)
        years = self._years()
        self.year_choice = stacked(widgets.Dropdown(description="Năm đánh giá", options=years, value=years[0],
                                                     layout=widgets.Layout(width="auto", max_width="240px")))
        self._keep: str | None = None  # a unit chosen that did not exist in the year, kept in the list
        # The list is the year's units; the search box above narrows it as on every page that asks for a unit.
        self.unit_picker = UnitPicker(plan, self.today, "Cơ quan, đơn vị", former=False, other=False,
                                      layout=widgets.Layout(width="auto"), prompt="— Chọn cơ quan, đơn vị —",
                                      rows=lambda: self._unit_options(self.year_choice.value, self._keep)[1:])
        self.unit = self.unit_picker.unit
        self.name = stacked(widgets.Text(description="Họ và tên người điền, người nộp", placeholder="Nguyễn Văn A",
                                          continuous_update=False, layout=widgets.Layout(width="auto")))
        # Under the name, before it is stored: what is kept and why; the consent is stored before the name.
        self.privacy_notice = NoticeLine("assessment", "assessment")
        self.unit.observe(self.on_unit, "value")
        self.year_choice.observe(self.on_year, "value")
        self.name.observe(self.on_name, "value")

        self.tabs = None  # the workspace (status line and tabs) is built on first use
        self.body = widgets.VBox([], layout=widgets.Layout(width="auto"))

        self.intro = widgets.HTML(self._intro_html(), layout=widgets.Layout(width="auto"))
        picker = [self.plan_picker.box] if self.plan_picker.shown else []
        self.widget = widgets.VBox([widgets.HTML(CSS), *picker, self.intro, self.error, self.unit_picker.box,
                                    self.year_choice, self.name, self.privacy_notice.widget, self.notice, self.body],
                                   layout=widgets.Layout(width="auto")).add_class(ROOT_CLASS)

    def _years(self) -> list[int]:
        return list(range(self.today.year, self.plan.info.period_start - 1, -1))

    def _intro_html(self) -> str:
        return ('<p class="muted">Chọn năm, rồi cơ quan, đơn vị (danh sách gồm các đơn vị hoạt động trong năm đó). Mỗi '
                "nhiệm vụ Kế hoạch giao cho đơn vị (trực tiếp hoặc qua nhóm) là một tiêu chí; nhiệm vụ giao theo cách "
                f"đọc của người biên soạn có “{READING_LABEL}” đi kèm. Năm 2025: UBND quận, huyện, thị xã tự đánh giá "
                "kỳ 01/01–30/06/2025; UBND xã, phường tự đánh giá kỳ 01/07–31/12/2025. Thang điểm và ngưỡng đạt "
                f"({number(self.settings.pass_threshold)}%) do Sở Tư pháp thiết lập.</p>")

    @guarded("mở kế hoạch đã chọn")
    def on_plan(self, plan: Plan) -> None:
        """Another plan: its criteria, scale and years, and the chosen unit's assessment of it (if it has one)."""
        from toolkit.plan import catalogue

        self.settings = load_settings(plan, catalogue.criteria_path(plan))
        self.plan = self.unit_picker.plan = plan
        self.astore = AssessmentStore(self.store, plan=key_of(plan))
        self.intro.value = self._intro_html()
        self.tabs = None  # the form's scale is the plan's: built again on the next opening
        self.body.children = []
        key, year = self.unit.value, self.year_choice.value
        self._loading = True
        try:
            years = self._years()
            self.year_choice.options = years
            self.year_choice.value = year if year in years else years[0]
        finally:
            self._loading = False
        self._fill_units(keep=key if key in plan.units else None)
        self.open()

    @classmethod
    def from_environment(cls) -> "AssessmentApp":
        """The page as Voila serves it; `?unit=quan_ba_dinh&year=2021` preselects both, `?plan=<key>` the plan
        (the most recent by default)."""
        from toolkit.plan import catalogue

        query = query_parameters()
        plans, plan = catalogue.opening(query.get("plan"))
        app = cls(plan, load_settings(plan, catalogue.criteria_path(plan)), Store(), plans=plans)
        year = query.get("year", "")
        if year.isdigit() and int(year) in app.year_choice.options:
            app.year_choice.value = int(year)
        if query.get("unit") in plan.units:
            app.choose_unit(query["unit"])
        return app

    def choose_unit(self, key: str) -> None:
        """Choose a unit of the registry, listed for the year or not (a unit of another year stays chosen
        and the page says what to choose instead)."""
        if key in {v for _, v in self.unit.options}:
            self.unit.value = key  # on_unit opens it
            return
        self._fill_units(keep=key)  # sets the value quietly
        self.open()

    def _build_workspace(self) -> None:
        """The status line and the three tabs, built when a unit is first opened.

        Voila sends the state of every widget the kernel holds when the page loads: an empty page
        that builds its ~110 form models only when needed opens faster.
        """
        self.status = widgets.HTML("", layout=widgets.Layout(width="auto"))

        # -- tab 1: one shared form for the criterion being edited
        self.criterion = stacked(widgets.Dropdown(description="Tiêu chí (nhiệm vụ)", options=[],
                                                   layout=widgets.Layout(width="auto")))
        self.criterion.add_class("pbgdpl-criterion")
        self.criterion.observe(self.on_criterion, "value")
        self.card = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.central = widgets.Checkbox(description="Trung ương đã ban hành Đề án/Chương trình", value=False,
                                        indent=False, layout=widgets.Layout(width="auto"))
        self.rating_title = widgets.HTML('<div class="field-title">Mức đánh giá</div>')
        self.rating = widgets.RadioButtons(
            options=[("— Chưa chọn —", UNRATED)] + [(r.label, r.key) for r in self.settings.scale], value=UNRATED,
            layout=widgets.Layout(width="auto")).add_class("pbgdpl-rating")
        self.entry_note = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.reason = stacked(widgets.Textarea(description="Lý do không áp dụng (bắt buộc khi chọn “Không áp dụng”)",
                                                continuous_update=False, rows=2, layout=widgets.Layout(width="auto")))
        self.evidence_number = stacked(widgets.Text(description="Số, ký hiệu văn bản minh chứng",
                                                     placeholder="Ví dụ: 45/BC-UBND", continuous_update=False,
                                                     layout=widgets.Layout(width="auto")))
        self.evidence_date = stacked(widgets.DatePicker(description="Ngày văn bản",
                                                         layout=widgets.Layout(width="auto", max_width="260px")))
        self.evidence_text = stacked(widgets.Textarea(description="Mô tả ngắn kết quả, minh chứng",
                                                       continuous_update=False, rows=3,
                                                       layout=widgets.Layout(width="auto")))
        self.evidence_link = stacked(widgets.Text(description="Liên kết đến văn bản (nếu có)",
                                                   placeholder="https://…", continuous_update=False,
                                                   layout=widgets.Layout(width="auto")))
        self.note = stacked(widgets.Textarea(description="Ghi chú", continuous_update=False, rows=2,
                                              layout=widgets.Layout(width="auto")))
        for w in self._inputs():
            w.observe(self.on_change, "value")
        self.prev = widgets.Button(description="Tiêu chí trước", icon="arrow-left", layout=widgets.Layout(width="auto"))
        self.next = widgets.Button(description="Tiêu chí tiếp theo", icon="arrow-right",
                                   layout=widgets.Layout(width="auto"))
        self.prev.on_click(self.on_prev)
        self.next.on_click(self.on_next)
        self.fields = widgets.VBox([self.central, self.rating_title, self.rating, self.entry_note, self.reason,
                                    self.evidence_number, self.evidence_date, self.evidence_text, self.evidence_link,
                                    self.note], layout=widgets.Layout(width="auto"))
        form_tab = widgets.VBox([self.criterion, self.card, self.fields,
                                 widgets.HBox([self.prev, self.next],
                                              layout=widgets.Layout(flex_flow="row wrap")).add_class("nav")],
                                layout=widgets.Layout(width="auto"))

        # -- tab 2: score per section, chart, last year, every criterion
        self.result = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.chart_status = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.chart = widgets.Image(format="png", layout=widgets.Layout(display="none", width="100%", height="auto"))
        self.overview = widgets.HTML("", layout=widgets.Layout(width="auto"))
        result_tab = widgets.VBox([self.result, self.chart_status, widgets.Box([self.chart]).add_class("chart-box"),
                                   self.overview], layout=widgets.Layout(width="auto"))

        # -- tab 3: submit, versions, downloads
        self.submit_info = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.submit = widgets.Button(description="Nộp bản tự đánh giá", button_style="primary", icon="paper-plane",
                                     layout=widgets.Layout(width="auto"))
        self.submit.on_click(self.on_submit)
        self.confirm_text = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.confirm = widgets.Button(description="Xác nhận nộp", button_style="danger", icon="check",
                                      layout=widgets.Layout(width="auto"))
        self.cancel = widgets.Button(description="Hủy", layout=widgets.Layout(width="auto"))
        self.confirm.on_click(self.on_confirm)
        self.cancel.on_click(self.on_cancel)
        self.confirm_box = widgets.VBox([self.confirm_text, widgets.HBox([self.confirm, self.cancel],
                                                                         layout=widgets.Layout(flex_flow="row wrap"))],
                                        layout=widgets.Layout(display="none", width="auto")).add_class("confirm")
        self.edit = widgets.Button(description="Sửa (tạo phiên bản mới)", icon="pencil",
                                   layout=widgets.Layout(width="auto", display="none"))
        self.edit.on_click(self.on_edit)
        self.versions = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.download_xlsx = widgets.Button(description="Bảng tự đánh giá (Excel)", icon="file-excel-o",
                                            layout=widgets.Layout(width="auto"))
        self.download_html = widgets.Button(description="Báo cáo để in (HTML)", icon="print",
                                            layout=widgets.Layout(width="auto"))
        self.download_json = widgets.Button(description="Tệp dữ liệu gửi Sở Tư pháp (JSON)", icon="file-code-o",
                                            layout=widgets.Layout(width="auto"))
        self.download_docx = widgets.Button(description="Báo cáo văn bản (Word)", icon="file-word-o",
                                            layout=widgets.Layout(width="auto"))
        self.download_docx.on_click(self.on_download_docx)
        self.download_xlsx.on_click(self.on_download_xlsx)
        self.download_html.on_click(self.on_download_html)
        self.download_json.on_click(self.on_download_json)
        self.download = widgets.HTML("", layout=widgets.Layout(width="auto"))
        submit_tab = widgets.VBox([
            self.submit_info, self.submit, self.confirm_box, self.edit, self.versions,
            widgets.HTML('<h3>Tải về</h3><p class="muted">Bấm nút để tạo tệp của phiên bản đang xem, rồi bấm liên kết '
                         "để tải. Báo cáo HTML mở bằng trình duyệt và in (hoặc lưu PDF) trên khổ A4; báo cáo "
                         "Word theo thể thức Nghị định 30/2020/NĐ-CP, để cơ quan ghi số, ký và gửi.</p>",
                         layout=widgets.Layout(width="auto")),
            widgets.HBox([self.download_xlsx, self.download_html, self.download_docx, self.download_json],
                         layout=widgets.Layout(flex_flow="row wrap", width="auto")),
            self.download], layout=widgets.Layout(width="auto"))

        self.tabs = widgets.Tab(children=[form_tab, result_tab, submit_tab], titles=TAB_TITLES,
                                layout=widgets.Layout(width="auto"))
        self.tabs.observe(self.on_tab, "selected_index")

    # ---------------------------------------------------------------- choosing unit and year
    def _unit_options(self, year: int, keep: str | None = None) -> list[tuple[str, str | None]]:
        """The units that existed in `year`, in Vietnamese alphabetical order; `keep`, a unit chosen that did
        not, is listed last and marked, so the choice is not lost when the year changes."""
        out = [("— Chọn cơ quan, đơn vị —", None)] + [(_validity(u), u.key) for u in self.plan.units_on(year)]
        if keep is not None and keep in self.plan.units and not self.plan.unit(keep).active_in(year):
            out.append((f"{_validity(self.plan.unit(keep))} — không hoạt động năm {year}", keep))
        return out

    def _fill_units(self, keep: str | None = None) -> None:
        """Refill the unit list for the chosen year, keeping the chosen unit without reopening it."""
        keep = self.unit.value if keep is None else keep
        self._loading = True
        try:
            self._keep = keep
            self.unit_picker.refresh()
            self.unit.value = keep if keep in {v for _, v in self.unit.options} else None
        finally:
            self._loading = False

    def _inputs(self):
        return (self.central, self.rating, self.reason, self.evidence_number, self.evidence_date, self.evidence_text,
                self.evidence_link, self.note)

    @guarded("chọn đơn vị")
    def on_unit(self, change=None) -> None:
        if self._loading:
            return
        if len(self.unit.options) > len(self.plan.units_on(self.year_choice.value)) + 1:
            self._fill_units()  # a unit of another year was kept in the list: drop it once another is chosen
        self.open()  # the year stays as chosen: open() says when the unit did not exist in it

    @guarded("chọn năm")
    def on_year(self, change=None) -> None:
        if not self._loading:
            self._fill_units()
            self.open()

    @guarded("ghi họ tên người nộp")
    def on_name(self, change=None) -> None:
        if self._loading or self.unit_key is None:
            return
        try:
            self._keep_name()
        except AssessmentLocked:  # submitted from another page meanwhile: show what was submitted
            self._load_record(self.astore.get(self.record.id))
            self.notice.value = alert(LOCKED)
            return
        self._submit_state()

    def _keep_name(self) -> None:
        """Store the typed name with the open draft, so a reload restores it; a name not valid is left to
        submit_problems to explain. No draft is created for a name alone: the first rating creates it."""
        if self.record is None or self.readonly:
            return
        try:
            name = clean_name(self.name.value) if self.name.value.strip() else ""
        except InputError:
            return
        if name != self.filler:
            if name:
                self.privacy_notice.record_for_assessment(self.astore, self.record.id)
            self.astore.save_filler(self.record.id, name)
            self.filler = name

    def _restore_name(self, name: str) -> None:
        """Show a stored name when none is typed; a name typed on this page is the person at it."""
        if name and not self.name.value.strip():
            self._loading = True
            try:
                self.name.value = name
            finally:
                self._loading = False

    def open(self) -> None:
        """Show the chosen unit's assessment of the chosen year: the draft, or the submitted version."""
        self.notice.value = ""
        if self.tabs is not None:
            self.download.value = ""
        self.unit_key, self.year = None, None
        self.confirming = False
        key, year = self.unit.value, self.year_choice.value
        if key is None:
            self.body.children = []
            return
        if key not in self.plan.units:
            raise RuleError("Đơn vị không có trong danh mục.")
        why = inactive_message(self.plan, key, year)
        if why is not None:
            self.notice.value = alert(why)
            self.body.children = []
            return
        if self.tabs is None:
            self._build_workspace()
        self.unit_key, self.year = key, year
        self.history = unit_history(self.astore, key)
        self.comparison = scoring.previous_year(
            self.plan, self.settings, lambda k: self.history if k == key else unit_history(self.astore, k), key, year)
        self.previous = self.comparison.score if self.comparison is not None else None
        self._load_record(self.astore.latest(key, year))
        self.tabs.selected_index = TAB_FORM
        self.body.children = [self.status, self.tabs]

    def _load_record(self, record: AssessmentRecord | None) -> None:
        self.record = record
        self.entries = entries_of(self.astore, record.id) if record else {}
        self.filler = self.astore.filler(record.id) if record is not None and not record.submitted else ""
        self._restore_name(self.filler)
        self.saved_at = None
        self._recompute()
        first = next((c.id for c in self.criteria if c.scored and c.id not in self.entries), None)
        self._fill_selector(first or (self.criteria[0].id if self.criteria else None))
        self.versions.value = self._versions_html()
        self._refresh()

    def _recompute(self) -> None:
        self.criteria, self.score = scoring.score_of(self.plan, self.settings, self.history, self.unit_key, self.year,
                                                self.entries)
        self.by_id = {c.id: c for c in self.criteria}

    @property
    def readonly(self) -> bool:
        return self.record is not None and self.record.submitted

    # ---------------------------------------------------------------- the criterion list and the form
    def _mark(self, c: Criterion) -> str:
        e = self.entries.get(c.id, Entry())
        if self._problems(c, e):
            return "⚠"
        if not c.scored:
            return "–"
        return "✔" if e.rating else "○"

    def _fill_selector(self, select: str | None) -> None:
        self._loading = True
        try:
            self.criterion.options = [(f"{self._mark(c)} {c.id} — {c.task.summary}", c.id) for c in self.criteria]
            self.criterion.value = select
        finally:
            self._loading = False
        self._show(select)

    def _problems(self, c: Criterion, e: Entry) -> list[str]:
        """What keeps the entry from being submitted: the rules the importer of Sở Tư pháp applies too."""
        return [p.sentence for p in validate_entry(e, self.settings, c)]

    @guarded("mở tiêu chí đã chọn")
    def on_criterion(self, change=None) -> None:
        if not self._loading:
            self._show(self.criterion.value)
            self._status()  # the line shows the score of the criterion's section

    @guarded("chuyển tiêu chí")
    def on_prev(self, _=None) -> None:
        self._step(-1)

    @guarded("chuyển tiêu chí")
    def on_next(self, _=None) -> None:
        self._step(1)

    def _step(self, delta: int) -> None:
        ids = [c.id for c in self.criteria]
        if self.current in ids:
            i = min(max(ids.index(self.current) + delta, 0), len(ids) - 1)
            self.criterion.value = ids[i]  # on_criterion shows it

    def _show(self, task_id: str | None) -> None:
        """Fill the shared form from the stored entry of one criterion."""
        self.current = task_id
        if task_id is None:
            self.card.value, self.fields.layout.display = "<p>Kế hoạch không giao nhiệm vụ nào cho đơn vị này.</p>", "none"
            return
        c, e = self.by_id[task_id], self.entries.get(task_id, Entry())
        self._loading = True
        try:
            self.central.value = e.central_issued or task_id in self._issued_earlier()
            self.rating.value = e.rating if e.rating in self.settings.rating_keys else UNRATED
            self.reason.value = e.reason
            self.evidence_number.value = e.evidence_number
            try:
                self.evidence_date.value = date.fromisoformat(e.evidence_date) if e.evidence_date else None
            except ValueError:
                self.evidence_date.value = None
            self.evidence_text.value = e.evidence_text
            self.evidence_link.value = e.evidence_link
            self.note.value = e.note
        finally:
            self._loading = False
        self._layout_form(c, e)
        self.entry_note.value = "".join(alert(p) for p in self._problems(c, e))
        ids = [x.id for x in self.criteria]
        self.prev.disabled = ids.index(task_id) == 0
        self.next.disabled = ids.index(task_id) == len(ids) - 1
        # Last, so that a card showing the new criterion means its form is filled: otherwise a quick click
        # lands on the previous criterion's rating, still checked, and records nothing.
        self.card.value = self._card_html(c)

    def _issued_earlier(self) -> set[str]:
        return scoring.issued_earlier(self.history, self.year)

    def _layout_form(self, c: Criterion, e: Entry) -> None:
        """Show only the inputs that mean something for this criterion (the kernel checks them anyway)."""
        self.fields.layout.display = None
        after_central = c.task.deadline.kind == "after_central"
        self.central.layout.display = None if after_central else "none"
        rate = c.scored or e.rating is not None
        for w in (self.rating_title, self.rating):
            w.layout.display = None if rate else "none"
        na = e.rating is not None and e.rating in self.settings.rating_keys and \
            self.settings.rating(e.rating).not_applicable
        self.reason.layout.display = None if (na or e.reason) else "none"
        for w in self._inputs():
            w.disabled = self.readonly
        if c.id in self._issued_earlier():
            self.central.disabled = True

    def _card_html(self, c: Criterion) -> str:
        t, unit = c.task, self.plan.unit(self.unit_key)
        status_class = {"due": "st-due", "overdue": "st-overdue"}.get(c.status, "st-other")
        duties = "".join(f"<li>{esc(d[:1].upper() + d[1:])}</li>" for d in t.duties)
        quote = '<p class="muted">[…]</p>'.join(f"<p>{esc(s)}</p>" for s in t.source)
        earlier = ""
        if c.id in self._issued_earlier():
            earlier = ('<p class="muted">Việc Trung ương ban hành Đề án/Chương trình đã được ghi nhận trong bản tự '
                       "đánh giá năm trước.</p>")
        if c.status == "awaiting_central":
            what = ("<p class=\"muted\">Nhiệm vụ chỉ được chấm khi Trung ương đã ban hành Đề án/Chương trình: nếu đã "
                    "ban hành, hãy đánh dấu ô bên dưới.</p>")
        elif c.status == "done_earlier":
            what = f'<p class="muted">Đã hoàn thành năm {c.completed_in}: không chấm lại năm nay.</p>'
        elif c.status == "not_due":
            what = f'<p class="muted">Chưa đến hạn trong năm {self.year}: không chấm năm nay.</p>'
        else:
            what = (f'<p class="muted">Điểm tối đa của tiêu chí: {number(c.weight)} '
                    f"({'nhiệm vụ phối hợp tính một phần' if c.role == 'coordinating' else 'nhiệm vụ chủ trì'}).</p>")
            if c.status == "overdue" and (advice := overdue_advice(c, self.settings)):
                what += f'<p class="muted overdue-hint">{esc(advice)}</p>'
        reading = ""
        if c.reading is not None:
            # The compiler's reading, never the plan's words: headed as such, beside the criterion.
            reading = (f'<div class="reading-note" data-reading="{esc(c.reading.key)}"><b>{esc(READING_LABEL)}:</b> '
                       f"{esc(c.reading.note)}</div>")
        return (f'<div class="card" data-task="{esc(c.id)}"><div class="section">{esc(self.plan.section(t.section).label)}'
                f'</div><p class="summary"><span class="tid">{esc(c.id)}</span>{esc(t.summary)}</p>'
                f'<p><span class="badge role-{c.role}">{esc(ar.role_text(self.plan, unit, c, self.year))}</span> '
                f'<span class="badge st-other">Thời hạn: {esc(t.deadline.label)}</span> '
                f'<span class="badge {status_class}">{esc(STATUS[c.status])}</span></p>{reading}{what}{earlier}'
                f'<details class="duties"><summary>Nội dung nhiệm vụ</summary><ul class="duties">{duties}</ul></details>'
                f'<details class="source"><summary>Nguyên văn Kế hoạch</summary><blockquote>{quote}</blockquote>'
                "</details></div>")

    # ---------------------------------------------------------------- saving
    def _form_entry(self) -> Entry:
        d = self.evidence_date.value
        return Entry(rating=self.rating.value or None, reason=self.reason.value,
                     evidence_number=self.evidence_number.value,
                     evidence_date=d.isoformat() if isinstance(d, date) else "",
                     evidence_text=self.evidence_text.value, evidence_link=self.evidence_link.value,
                     note=self.note.value, central_issued=bool(self.central.value))

    @guarded("lưu đánh giá")
    def on_change(self, change=None) -> None:
        if self._loading or self.current is None:
            return
        task_id, entry = self.current, self._form_entry()
        try:
            self.save(task_id, entry)
        except RuleError as exc:
            if self.readonly or task_id not in self.by_id:
                self._show(task_id)  # submitted meanwhile: the form shows what was submitted
                self.entry_note.value = alert(str(exc)) + self.entry_note.value
                return
            # The unit's choice stays on screen, not stored, with what to change next to it.
            self._layout_form(self.by_id[task_id], entry)
            self.entry_note.value = alert(f"Chưa lưu thay đổi này: {exc}")
            return
        self._show(task_id)
        self._fill_marks()

    def check(self, task_id: str, entry: Entry) -> None:
        """Refuse what can never be stored: raise RuleError with the reason in Vietnamese.

        The rules are toolkit.assessment.entry's (the importer of Sở Tư pháp applies the same). A "Không
        áp dụng" without its reason, or "Hoàn thành" (on time) for an overdue duty without its dated
        document, is stored (the reason or the evidence is typed next) and counts 0 until it is there; a
        rating the criterion cannot take this year (any rating for a duty not scored this year) is
        refused when it is chosen, and only shown when the duty's status changed under a stored rating,
        so the entry's other fields stay editable.
        """
        if self.unit_key is None:
            raise RuleError("Hãy chọn cơ quan, đơn vị và năm trước.")
        if task_id not in self.by_id:
            raise RuleError(f"Nhiệm vụ {task_id} không phải tiêu chí của đơn vị trong năm {self.year}.")
        if self.readonly:
            raise RuleError(LOCKED)
        # The criterion as this entry makes it: ticking "Trung ương đã ban hành" makes a duty due.
        criteria = scoring.unit_criteria(self.plan, self.settings, self.history, self.unit_key, self.year,
                                         {**self.entries, task_id: entry})
        c = next(x for x in criteria if x.id == task_id)
        chosen = entry.rating is not None and entry.rating != self.entries.get(task_id, Entry()).rating
        refused = [p.sentence for p in validate_entry(entry, self.settings, c) if self._refuses(p, chosen)]
        if refused:
            raise RuleError(" ".join(refused))

    @staticmethod
    def _refuses(problem: EntryProblem, rating_chosen: bool) -> bool:
        """Is the change refused now, or stored and shown until it is fixed (it blocks submitting)?"""
        if problem.draft_ok:
            return False
        return rating_chosen or not problem.about_rating

    def save(self, task_id: str, entry: Entry) -> None:
        """Check and store one criterion's entry, cleaned (`clean_entry`); the first change creates the draft."""
        entry = clean_entry(entry)
        self.check(task_id, entry)
        if self.record is None:
            self.record = self.astore.open_draft(self.unit_key, self.year)
            # Another page may have created it a moment ago: start from what it holds.
            self.entries = entries_of(self.astore, self.record.id)
            if self.record.version > 1 or self.entries:
                self.check(task_id, entry)
            self.versions.value = self._versions_html()
        try:
            self.astore.save_entry(self.record.id, task_id, asdict(entry))
        except AssessmentLocked:
            # Submitted from another page meanwhile: show what was submitted.
            self._load_record(self.astore.get(self.record.id))
            raise RuleError(LOCKED) from None
        self.entries[task_id] = entry
        self._keep_name()  # the name typed before the first rating goes with the draft it created
        self.saved_at = datetime.now(VIETNAM)
        self._recompute()
        self._refresh()

    def _fill_marks(self) -> None:
        labels = [(f"{self._mark(c)} {c.id} — {c.task.summary}", c.id) for c in self.criteria]
        if labels != list(self.criterion.options):
            self._fill_selector(self.current)

    # ---------------------------------------------------------------- status, results
    def _refresh(self) -> None:
        self._status()
        self._submit_state()
        if self.tabs.selected_index == TAB_RESULT:
            self._results()

    def _status(self) -> None:
        s = self.score
        unit = self.plan.unit(self.unit_key)
        pct_rated = 100 * s.rated / s.to_rate if s.to_rate else 100
        verdict = ('<span class="pass">Đạt</span>' if s.passed else '<span class="fail">Chưa đạt</span>')
        lines = [f"<p><b>{esc(ar.unit_title(self.plan, unit, self.year))}</b> — năm {self.year}</p>"]
        if (period := period_note(unit, self.year)) is not None:
            lines.append(f'<p class="period-note">{esc(period)} Tiêu chí là nhiệm vụ của đơn vị trong kỳ này.</p>')
        if self.readonly:
            r = self.record
            lines.append(f'<div class="submitted-banner" role="status">Đã nộp phiên bản {r.version} lúc '
                         f"{esc(local_time(r.submitted_at))} (người nộp: {esc(r.submitted_by)}). "
                         "Bản đã nộp chỉ xem, không sửa được.</div>")
        elif self.record is not None and self.record.version > 1:
            lines.append(f'<p class="muted">Đang sửa phiên bản {self.record.version} (bản nháp).</p>')
        lines.append(f'<p class="progress-text"><b>{s.rated}/{s.to_rate}</b> tiêu chí đã đánh giá</p>'
                     f'<div class="bar"><div style="width:{pct_rated:.0f}%"></div></div>')
        lines.append(f'<p class="score-text">Điểm {"" if s.complete else "tạm tính "}'
                     f"<b>{number(s.points)}/{number(s.max_points)}</b> ({number(s.percent)}%) — {verdict} "
                     f"(ngưỡng {number(s.threshold)}%)</p>")
        if self.current in self.by_id:
            sid = self.by_id[self.current].task.section
            for k, p, m in s.by_section:
                if k == sid:
                    said = f"{number(p)}/{number(m)} điểm ({number(100 * p / m)}%)" if m else ar.NO_SCORED_CRITERION
                    lines.append(f'<p class="muted section-score">Mục {esc(sid)}: {said}</p>')
        if self.saved_at is not None:
            lines.append(f'<p class="saved" role="status">Đã lưu lúc {self.saved_at:%H:%M:%S}</p>')
        self.status.value = '<div class="status-line">' + "".join(lines) + "</div>"

    @guarded("mở thẻ đã chọn")
    def on_tab(self, change=None) -> None:
        if self.tabs.selected_index == TAB_RESULT and self.unit_key:
            self._results()

    def _results(self) -> None:
        """The result tab: built only when it is open (sending it on every keystroke would be waste)."""
        s, prev = self.score, self.previous
        rows = ar.section_rows(self.plan, s, prev)
        head = "<tr><th>Mục</th><th class=\"num\">Điểm</th><th class=\"num\">Tỷ lệ</th>"
        if prev is not None:
            head += f'<th class="num">Năm {self.year - 1}</th><th class="num">Chênh lệch</th>'
        body = []
        for r in rows:
            pct = r["Tỷ lệ (%)"]
            cells = f"<td>{esc(r['Mục'])}. {esc(r['Tên mục'])}</td>"
            if r["Điểm tối đa"]:
                cells += (f'<td class="num">{number(r["Điểm"])}/{number(r["Điểm tối đa"])}</td>'
                          f'<td class="num">{number(pct)}%</td>')
            else:  # every scored criterion "Không áp dụng": no maximum, said in words rather than "0/0"
                cells += f'<td colspan="2">{ar.NO_SCORED_CRITERION.capitalize()}</td>'
            if prev is not None:
                old = r["Năm trước (%)"]
                cells += (f'<td class="num">{"—" if old is None else number(old) + "%"}</td>'
                          f'<td class="num">{self._delta(pct, old)}</td>')
            body.append(f"<tr>{cells}</tr>")
        total = (f'<td>Tổng cộng</td><td class="num">{number(s.points)}/{number(s.max_points)}</td>'
                 f'<td class="num">{number(s.percent)}%</td>')
        if prev is not None:
            total += f'<td class="num">{number(prev.percent)}%</td><td class="num">{self._delta(s.percent, prev.percent)}</td>'
        verdict = "Đạt" if s.passed else "Chưa đạt"
        compare = ""
        if prev is not None:
            cmp = self.comparison
            compare = (f'<p class="comparison">{esc(cmp.label)} (bản đã nộp): {number(prev.percent)}% — '
                       f"{'Đạt' if prev.passed else 'Chưa đạt'}.</p>")
            if cmp.of_predecessors:
                each = "; ".join(f"{u.name}: {number(sc.percent)}%" for u, _, sc in cmp.units)
                compare += (f'<p class="muted">Đơn vị chưa có bản tự đánh giá năm {cmp.year}: so sánh với bản đã nộp '
                            f"của đơn vị tiền thân ({esc(each)})"
                            + ("; tỷ lệ chung tính trên tổng điểm của các đơn vị." if len(cmp.units) > 1 else ".")
                            + "</p>")
        else:
            compare = f'<p class="muted">Chưa có bản tự đánh giá đã nộp của năm {self.year - 1} để so sánh.</p>'
        self.result.value = (
            f'<h3>Điểm theo mục</h3><p>Tổng: <b>{number(s.points)}/{number(s.max_points)}</b> '
            f'({number(s.percent)}%) — <span class="{"pass" if s.passed else "fail"}">{verdict}</span> '
            f"(ngưỡng {number(s.threshold)}%). Đã đánh giá {s.rated}/{s.to_rate} tiêu chí.</p>{compare}"
            f'<table class="scores"><thead>{head}</tr></thead><tbody>{"".join(body)}'
            f'<tr class="total">{total}</tr></tbody></table>')
        self.overview.value = self._overview_html()
        self._draw_chart()

    @staticmethod
    def _delta(now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return "—"
        d = now - before
        return f"{'+' if d > 0 else ''}{number(d)}"

    def _draw_chart(self) -> None:
        key = (self.score, self.previous)
        if self._chart_for == key:
            return
        if not self.score.by_section:
            self.chart.layout.display = "none"
            return
        self.chart_status.value = '<p class="muted">Đang vẽ biểu đồ…</p>'
        try:
            from toolkit.exports import figure_png

            fig = ar.score_chart(self.plan, self.score, self.previous, self.year)
            self.chart.value = figure_png(fig, dpi=100)
            self.chart.layout.display = None
            self._chart_for = key
        finally:
            self.chart_status.value = ""

    def _overview_html(self) -> str:
        items = {i.task_id: i for i in self.score.items}
        parts, section = ["<h3>Từng tiêu chí</h3>"], None
        for c in self.criteria:
            if c.task.section != section:
                section = c.task.section
                parts.append(f"<h4>{esc(self.plan.section(section).label)}</h4>")
            it = items[c.id]
            reading = f' <span class="muted">({esc(READING_LABEL.lower())})</span>' if c.reading is not None else ""
            if c.scored:
                what = f"{esc(it.why)} · {number(it.points)}/{number(it.max_points)} điểm"
            else:
                what = esc(it.why)
            parts.append(f'<div class="ov-row" data-task="{esc(c.id)}"><span class="mark">{self._mark(c)}</span>'
                         f'<span class="tid">{esc(c.id)}</span>{esc(c.task.summary)}{reading}<span class="what">{what}'
                         "</span></div>")
        return "".join(parts)

    # ---------------------------------------------------------------- submitting
    def submit_problems(self) -> list[str]:
        """Why the assessment cannot be submitted now (empty when it can)."""
        if self.unit_key is None:
            return ["Hãy chọn cơ quan, đơn vị và năm trước."]
        if self.readonly:
            return [f"Phiên bản {self.record.version} đã được nộp."]
        out = []
        missing = [c.id for c in self.criteria if c.scored and self.entries.get(c.id, Entry()).rating is None]
        if missing:
            out.append(f"Còn {len(missing)} tiêu chí chưa đánh giá: {', '.join(missing)}.")
        for c in self.criteria:
            for p in self._problems(c, self.entries.get(c.id, Entry())):
                out.append(f"{c.id}: {p}")
        try:
            clean_name(self.name.value)
        except InputError as exc:
            out.append(f"Người nộp: {exc}")
        return out

    def _submit_state(self) -> None:
        problems = self.submit_problems() if not self.readonly else []
        self.submit.layout.display = "none" if self.readonly else None
        self.submit.disabled = bool(problems)  # a hint only: on_confirm checks again
        self.edit.layout.display = None if self.readonly else "none"
        if not self.confirming:
            self.confirm_box.layout.display = "none"
        if self.readonly:
            self.submit_info.value = ('<p>Phiên bản này đã nộp. Muốn sửa, bấm “Sửa (tạo phiên bản mới)”: phiên bản '
                                      "mới chép lại các đánh giá để sửa tiếp, phiên bản đã nộp vẫn được giữ.</p>")
        elif problems:
            self.submit_info.value = ("<p>Chưa nộp được:</p><ul>" + "".join(f"<li>{esc(p)}</li>" for p in problems[:8])
                                      + ("<li>…</li>" if len(problems) > 8 else "") + "</ul>")
        else:
            self.submit_info.value = ('<div class="ok-box">Đã đánh giá đủ các tiêu chí. Kiểm tra lại ở thẻ “Kết quả”, '
                                      "rồi bấm “Nộp bản tự đánh giá”.</div>")

    def _versions_html(self) -> str:
        versions = self.astore.versions(self.unit_key, self.year) if self.unit_key else []
        if not versions:
            return '<p class="muted">Chưa có phiên bản nào được lưu.</p>'
        items = []
        for v in versions:
            state = (f"đã nộp lúc {esc(local_time(v.submitted_at))}, người nộp: {esc(v.submitted_by)}"
                     if v.submitted else "bản nháp")
            mine = " — <b>đang xem</b>" if self.record and v.id == self.record.id else ""
            items.append(f"<li>Phiên bản {v.version}: {state}{mine}</li>")
        return f'<h3>Các phiên bản</h3><ul class="versions">{"".join(items)}</ul>'

    @guarded("nộp bản tự đánh giá")
    def on_submit(self, _=None) -> None:
        problems = self.submit_problems()
        if problems:
            self.confirming = False
            self._submit_state()
            self.notice.value = alert("Chưa nộp được: " + problems[0])
            return
        self.notice.value = ""
        self.confirming = True
        unit = self.plan.unit(self.unit_key)
        self.confirm_text.value = (f"<p>Nộp bản tự đánh giá năm {self.year} của <b>{esc(unit.name)}</b> "
                                   f"({number(self.score.percent)}%, người nộp: {esc(clean_name(self.name.value))})? "
                                   "Sau khi nộp, bản này không sửa được; muốn sửa phải tạo phiên bản mới.</p>")
        self.confirm_box.layout.display = None

    @guarded("nộp bản tự đánh giá")
    def on_confirm(self, _=None) -> None:
        if not self.confirming:
            self.notice.value = alert("Hãy bấm “Nộp bản tự đánh giá” trước, rồi xác nhận.")
            return
        self.confirming = False
        if self.record is not None and not self.readonly:
            # Check what the database holds, not this page's copy: another page may have edited the draft.
            self.entries = entries_of(self.astore, self.record.id)
            self._recompute()
        problems = self.submit_problems()  # the state may have changed since the first click
        if problems:
            self._show(self.current)
            self._fill_marks()
            self._refresh()
            self.notice.value = alert("Chưa nộp được: " + problems[0])
            return
        if self.record is None:  # nothing to rate this year: an empty version is still a report
            self.record = self.astore.open_draft(self.unit_key, self.year)
        try:
            self.privacy_notice.record_for_assessment(self.astore, self.record.id)
            record = self.astore.submit(self.record.id, self.name.value)
        except AssessmentLocked as exc:  # another page submitted it first: show that version
            self.history = unit_history(self.astore, self.unit_key)
            self._load_record(self.astore.get(self.record.id))
            self.notice.value = alert(str(exc))
            return
        self.history = unit_history(self.astore, self.unit_key)
        self._load_record(record)
        self.notice.value = (f'<div class="ok-box" role="status">Đã nộp phiên bản {record.version} lúc '
                             f"{esc(local_time(record.submitted_at))}.</div>")

    @guarded("hủy nộp")
    def on_cancel(self, _=None) -> None:
        self.confirming = False
        self.confirm_box.layout.display = "none"

    @guarded("tạo phiên bản mới")
    def on_edit(self, _=None) -> None:
        if not self.readonly:
            self.notice.value = alert("Phiên bản đang xem là bản nháp: sửa trực tiếp được.")
            return
        submitter = self.record.submitted_by
        self.history = unit_history(self.astore, self.unit_key)
        self._load_record(self.astore.open_draft(self.unit_key, self.year))
        self._restore_name(submitter or "")  # the new version is filled by the same person unless told
        self._keep_name()
        self._submit_state()
        self.tabs.selected_index = TAB_FORM
        self.notice.value = (f'<p class="muted" role="status">Đã tạo phiên bản {self.record.version} (bản nháp) từ '
                             "bản đã nộp; các đánh giá được chép sang để sửa tiếp.</p>")

    # ---------------------------------------------------------------- downloads
    def view(self) -> ar.AssessmentView:
        return ar.AssessmentView(self.plan.unit(self.unit_key), self.year, tuple(self.criteria), dict(self.entries),
                                 self.score, self.record, self.previous, self.comparison)

    def _file_stem(self) -> str:
        version = f"-v{self.record.version}" if self.record else ""
        return f"tu-danh-gia-{self.unit_key}-{self.year}{version}"

    def _offer(self, data: bytes, fmt: str, label: str) -> None:
        if self.unit_key is None:
            raise RuleError("Hãy chọn cơ quan, đơn vị và năm trước.")
        name = f"{self._file_stem()}.{fmt}"
        self.download.value = download_link(data, name, fmt, f"{label} ({name})")

    @guarded("tạo tệp Excel")
    def on_download_xlsx(self, _=None) -> None:
        if self.unit_key:
            self._offer(ar.report_xlsx(self.plan, self.settings, self.view()), "xlsx", "Tải tệp Excel")

    @guarded("tạo báo cáo")
    def on_download_html(self, _=None) -> None:
        if self.unit_key:
            data = ar.report_html(self.plan, self.settings, self.view()).encode("utf-8")
            self._offer(data, "html", "Tải báo cáo")

    @guarded("tạo báo cáo Word")
    def on_download_docx(self, _=None) -> None:
        if self.unit_key:
            from toolkit.assessment.docx_report import report_docx

            self._offer(report_docx(self.plan, self.settings, self.view()), "docx", "Tải báo cáo Word")

    @guarded("tạo tệp dữ liệu")
    def on_download_json(self, _=None) -> None:
        if self.unit_key:
            import json

            doc = ar.report_json(self.plan, self.settings, self.view())
            self._offer((json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), "json",
                        "Tải tệp dữ liệu")
