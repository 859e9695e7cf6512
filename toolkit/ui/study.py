"""Study page: who does what in a plan, searchable tasks, roles by section and downloads.

With several published plans a picker above the tabs chooses the plan (the most recent first); choosing
another rebuilds the tabs from it.

A unit is chosen among those that exist today; its duties say where each comes from: the plan's words,
or the compiler's reading (badge and "Ghi chú biên soạn") for duties the plan gave a former unit.

Lists are rendered as one HTML widget each, not a widget per task: VOILA.md measured that
hundreds of widgets make a page slow to load. Expanding a task is a plain `<details>`, so it
costs no round-trip to the kernel.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

import ipywidgets as widgets

from toolkit.exports import figure_png
from toolkit.plan import export as report
from toolkit.plan.model import DEADLINE_KINDS, READING_LABEL, ROLES, Assignment, Duty, Plan, Reading, Task
from toolkit.plan.naming import file_stem
from toolkit.quiz.questions import present_name_note
from toolkit.ui.common import PlanPicker, UnitPicker, download_link, error_box, esc, guarded, page_style

ROOT_CLASS = "pbgdpl-study"
ALL = ""  # the value of every "Tất cả" option
TAB_WHO, TAB_SEARCH, TAB_GRID, TAB_DOWNLOAD = range(4)
TAB_TITLES = ("Theo cơ quan, đơn vị", "Tra cứu nhiệm vụ", "Vai trò theo mục", "Tải về")
ROLE_OPTIONS = (("Cả hai", ALL), (ROLES["lead"], "lead"), (ROLES["coordinating"], "coordinating"))
TABLE_PREFIX, CHART_PREFIX = "bang-phan-cong-", "bieu-do-phan-cong-"  # then the plan's file_stem
# Summaries are the compiler's words; readers must not quote them as the plan's.
# A duty a reading gives is marked with this badge wherever it is shown, never as the plan's words.
READING_BADGE = "Theo cách đọc của người biên soạn"
UNKNOWN_LABEL = "Các nguồn không nói ai mang"
SUMMARY_NOTE = ("Câu tóm tắt ở đầu mỗi nhiệm vụ là của người biên soạn; lời văn bản ở mục "
                "“Nguyên văn Kế hoạch”.")

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} .count {{ font-size: 1.05em; margin: 0.5em 0; }}
.{ROOT_CLASS} .tid {{ font-weight: 700; color: #1e3a8a; margin-right: 0.35em; white-space: nowrap; }}
.{ROOT_CLASS} .role {{ display: inline-block; padding: 0 0.45em; border-radius: 4px; font-size: 0.85em;
  font-weight: 600; white-space: nowrap; }}
.{ROOT_CLASS} .role-lead {{ background: #dbeafe; color: #1e3a8a; }}
.{ROOT_CLASS} .role-coordinating {{ background: #fef3c7; color: #92400e; }}
.{ROOT_CLASS} .badge-requested {{ display: inline-block; padding: 0 0.45em; border-radius: 4px;
  font-size: 0.85em; background: #ede9fe; color: #5b21b6; font-weight: 600; }}
.{ROOT_CLASS} .badge-reading {{ display: inline-block; padding: 0 0.45em; border-radius: 4px; font-size: 0.85em;
  background: #fce7f3; color: #9d174d; font-weight: 600; }}
.{ROOT_CLASS} .reading, .{ROOT_CLASS} .unknown {{ border-left: 4px solid #db2777; background: #fdf2f8;
  padding: 0.4em 0.7em; margin: 0.6em 0; }}
.{ROOT_CLASS} .unknown {{ border-left-color: #6b7280; background: #f3f4f6; }}
.{ROOT_CLASS} .reading-note {{ margin: 0.3em 0; }}
.{ROOT_CLASS} .from-unit {{ color: #9d174d; }}
.{ROOT_CLASS} .deadline {{ color: #065f46; font-weight: 600; }}
.{ROOT_CLASS} details.duty {{ border-bottom: 1px solid #e5e7eb; padding: 0.45em 0; }}
.{ROOT_CLASS} details.duty > summary {{ cursor: pointer; list-style-position: outside; margin-left: 1.1em; }}
.{ROOT_CLASS} details.duty > summary .meta {{ display: block; font-size: 0.92em; color: #374151; }}
.{ROOT_CLASS} .task-body {{ margin: 0.5em 0 0.3em 1.1em; }}
.{ROOT_CLASS} .card {{ border: 1px solid #d1d5db; border-radius: 8px; padding: 0.7em 0.9em; margin: 0.7em 0;
  background: #fff; }}
.{ROOT_CLASS} .card .summary {{ font-weight: 600; margin: 0.3em 0; }}
.{ROOT_CLASS} .card .section {{ color: #4b5563; font-size: 0.9em; }}
.{ROOT_CLASS} .facts p {{ margin: 0.15em 0; }}
.{ROOT_CLASS} .facts b {{ color: #374151; }}
.{ROOT_CLASS} ul.duties {{ margin: 0.3em 0; padding-left: 1.3em; }}
.{ROOT_CLASS} details.source, .{ROOT_CLASS} details.notes {{ margin: 0.35em 0; }}
.{ROOT_CLASS} details.source > summary, .{ROOT_CLASS} details.notes > summary {{ cursor: pointer; color: #1d4ed8; }}
.{ROOT_CLASS} blockquote {{ margin: 0.3em 0; padding: 0.3em 0.7em; border-left: 3px solid #93c5fd;
  background: #f8fafc; }}
.{ROOT_CLASS} details.notes ul {{ background: #fffbeb; margin: 0.3em 0; padding: 0.4em 0.6em 0.4em 1.6em; }}
.{ROOT_CLASS} .filters {{ gap: 0.4em 1em; }}
.{ROOT_CLASS} .about p {{ margin: 0.3em 0; }}
.{ROOT_CLASS} .about ul {{ padding-left: 1.3em; }}
.{ROOT_CLASS} .phone-only {{ display: none; }}
.{ROOT_CLASS} .sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}
/* Agencies × sections: the table scrolls inside its own box (the page never scrolls sideways), and
   the box's height is bounded so the header row can stay on top while reading down. */
/* ipywidgets lays HTML content out as a flex item, which would grow to the table's width. */
.{ROOT_CLASS} .grid-html > .widget-html-content {{ min-width: 0; }}
.{ROOT_CLASS} .grid-box {{ overflow: auto; max-width: 100%; max-height: 75vh; border: 1px solid #d1d5db;
  border-radius: 6px; overscroll-behavior-x: contain; }}
.{ROOT_CLASS} .grid-box:focus-visible {{ outline: 2px solid #1d4ed8; outline-offset: 2px; }}
.{ROOT_CLASS} table.grid {{ border-collapse: separate; border-spacing: 0; font-size: 15px; line-height: 1.35; }}
.{ROOT_CLASS} table.grid th, .{ROOT_CLASS} table.grid td {{ padding: 0.4em 0.5em; vertical-align: top;
  text-align: left; background: #fff; border-bottom: 1px solid #e5e7eb; border-right: 1px solid #e5e7eb; }}
.{ROOT_CLASS} table.grid td {{ min-width: 5em; }}
/* Stripes lead the eye along a row of mostly empty cells to the agency it belongs to. */
.{ROOT_CLASS} table.grid tbody tr:nth-child(even) > * {{ background: #f9fafb; }}
.{ROOT_CLASS} table.grid thead th {{ position: sticky; top: 0; z-index: 2; background: #f3f4f6;
  white-space: nowrap; text-align: center; border-bottom: 2px solid #9ca3af; }}
.{ROOT_CLASS} table.grid th[scope="row"] {{ position: sticky; left: 0; z-index: 1; font-weight: 600;
  min-width: 11em; max-width: 14em; box-shadow: 2px 0 0 #9ca3af; }}
.{ROOT_CLASS} table.grid thead th.corner {{ left: 0; z-index: 3; text-align: left; box-shadow: 2px 0 0 #9ca3af; }}
.{ROOT_CLASS} table.grid tr.band th {{ background: #eef2ff; color: #1e3a8a; font-weight: 700; }}
.{ROOT_CLASS} table.grid tr.band th span {{ position: sticky; left: 0.5em; }}
.{ROOT_CLASS} table.grid ul {{ list-style: none; margin: 0; padding: 0; }}
.{ROOT_CLASS} table.grid li + li {{ margin-top: 0.35em; }}
.{ROOT_CLASS} table.grid .role {{ font-size: 14px; }}
.{ROOT_CLASS} table.grid .role-long {{ white-space: normal; }}
.{ROOT_CLASS} table.grid .ids {{ display: block; font-weight: 600; color: #1e3a8a; }}
.{ROOT_CLASS} ul.section-names {{ padding-left: 1.3em; margin: 0.3em 0; }}
@media (max-width: 600px) {{
  .{ROOT_CLASS} .card {{ padding: 0.6em 0.6em; }}
  .{ROOT_CLASS} table.grid th[scope="row"] {{ min-width: 7em; max-width: 8em; }}
  .{ROOT_CLASS} .phone-only {{ display: block; }}
}}
</style>"""


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _reading_role_label(t: Task, role: str) -> str:
    """A role a reading gives: never "Chủ trì", which only the plan's words may say of a body."""
    if role == "coordinating":
        return "Phối hợp"
    return "Được đề nghị thực hiện" if t.requested else "Thực hiện"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _who_options(plan: Plan) -> list[tuple[str, str]]:
    """Bodies the plan names, then groups, in the plan's words with today's name beside a merged one.

    Generic groups ("cơ quan, tổ chức liên quan") name no one, so nobody would pick them. Units are
    chosen apart (StudyApp.unit_choice), among those that exist today.
    """
    named = [(f"Cơ quan: {plan.name_with_present(k)}", f"agency:{k}") for k, a in plan.agencies.items()
             if not a.is_group]
    groups = [(f"Nhóm: {a.short}", f"agency:{k}") for k, a in plan.agencies.items() if a.kind == "group"]
    return named + groups


def _distinct_units(plan: Plan):
    for u in plan.units.values():
        same_as_body = u.agency and plan.unit_memberships(u.key) == frozenset(
            k for k in plan.memberships(u.agency) if plan.agency(k).kind != "generic")
        if not same_as_body:
            yield u


class StudyApp:
    """Four tabs over one plan. Widgets are attributes so tests can drive them without a browser."""

    def __init__(self, plan: Plan, today: date | None = None, plans=()):
        self.today = today or date.today()
        self.error = error_box()
        self.plan_picker = PlanPicker(plans or [plan], plan, on_change=self.on_plan)
        self.widget = widgets.VBox([], layout=widgets.Layout(width="auto")).add_class(ROOT_CLASS)
        self.tabs = None
        self._build(plan)

    @guarded("mở kế hoạch đã chọn")
    def on_plan(self, plan: Plan) -> None:
        self._build(plan)

    def _build(self, plan: Plan) -> None:
        """Every tab from `plan`: at first, and anew when another plan is chosen (the open tab stays open)."""
        self.plan = plan
        shown_tab = self.tabs.selected_index if self.tabs is not None else TAB_WHO
        self._batch = False
        self._shown_ids: tuple[str, ...] | None = None

        # -- tab 1: one unit's (as of today) or one named body's duties
        # The unit is found as on every page that asks for one (UnitPicker): today's units only, since
        # the duties shown are today's; the list's value is a unit key (None: none chosen).
        self.unit_picker = UnitPicker(plan, self.today, f"Đơn vị (hiện nay, {_vn_date(self.today)})", former=False,
                                      other=False, layout=widgets.Layout(width="auto", max_width="640px"))
        self.unit_choice = self.unit_picker.unit.add_class("pbgdpl-unit-choice")
        self.who = widgets.Dropdown(
            options=[("— Chọn cơ quan, nhóm —", ALL)] + _who_options(plan), value=ALL,
            description="Hoặc cơ quan, nhóm được Kế hoạch nêu tên",
            layout=widgets.Layout(width="auto", max_width="640px"),
        ).add_class("stacked").add_class("pbgdpl-who")
        self.duties = widgets.HTML(self._who_hint(), layout=widgets.Layout(width="auto"))
        self.who.observe(self.on_who, names="value")
        self.unit_choice.observe(self.on_unit_choice, names="value")
        who_tab = widgets.VBox([self.unit_picker.box, self.who, self.duties], layout=widgets.Layout(width="auto"))

        # -- tab 2: search and filter
        grow = dict(flex="1 1 250px", min_width="0", width="auto")
        self.query = widgets.Text(
            placeholder="Tìm kiếm (gõ có dấu hoặc không dấu)…", description="Từ khóa", continuous_update=True,
            layout=widgets.Layout(width="auto", max_width="640px"),
        ).add_class("stacked").add_class("pbgdpl-query")
        self.section = widgets.Dropdown(
            options=[("Tất cả", ALL)] + [(s.label, s.id) for s in plan.sections], value=ALL,
            description="Mục", layout=widgets.Layout(**grow)).add_class("stacked")
        self.agency = widgets.Dropdown(
            options=[("Tất cả", ALL)] + [(label.split(": ", 1)[1], value.split(":", 1)[1])
                                         for label, value in _who_options(plan) if value.startswith("agency:")],
            value=ALL, description="Cơ quan, nhóm", layout=widgets.Layout(**grow)).add_class("stacked")
        self.via_groups = widgets.Checkbox(
            value=True, description="Kể cả nhiệm vụ giao cho nhóm có cơ quan này", indent=False, disabled=True,
            layout=widgets.Layout(width="auto", max_width="100%"))
        self.unit = widgets.Dropdown(
            options=[("Tất cả", ALL)] + [(u.name, u.key) for u in _distinct_units(plan)], value=ALL,
            description="Đơn vị", layout=widgets.Layout(**grow)).add_class("stacked")
        self.role = widgets.ToggleButtons(
            options=ROLE_OPTIONS, value=ALL, description="Vai trò (khi chọn cơ quan/đơn vị)", disabled=True,
            style={"button_width": "auto"}, layout=widgets.Layout(**grow)).add_class("stacked")
        self.deadline_kind = widgets.Dropdown(
            options=[("Tất cả", ALL)] + [(label, kind) for kind, label in DEADLINE_KINDS.items()], value=ALL,
            description="Loại thời hạn", layout=widgets.Layout(**grow)).add_class("stacked")
        self.clear = widgets.Button(description="Xóa bộ lọc", icon="times",
                                    layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.count = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.results = widgets.HTML(layout=widgets.Layout(width="auto"))
        for w in self._filters():
            w.observe(self.on_filter, names="value")
        self.via_groups.observe(self.on_filter, names="value")
        self.clear.on_click(self.on_clear)
        filters = widgets.HBox(
            [self.section, self.deadline_kind, self.agency, self.unit, self.role],
            layout=widgets.Layout(flex_flow="row wrap", width="auto", align_items="flex-end"),
        ).add_class("filters")
        search_tab = widgets.VBox(
            [self.query, filters, self.via_groups, self.clear, self.count, self.results],
            layout=widgets.Layout(width="auto"))

        # -- tab 3: agencies × sections as a table (text a phone can read, headers a screen reader names)
        self.grid_note = widgets.HTML(
            "<p>Mỗi hàng là một cơ quan hoặc nhóm cơ quan được Kế hoạch nêu tên, mỗi cột một mục; ô ghi vai "
            "trò theo lời Kế hoạch và mã nhiệm vụ.</p>"
            '<p class="muted">Nhiệm vụ giao chung cho một nhóm chỉ ghi ở hàng của nhóm; mọi nhiệm vụ của một cơ '
            "quan, kể cả qua nhóm, ở thẻ “Theo cơ quan, đơn vị”.</p>"
            '<p class="muted phone-only">Vuốt ngang trên bảng để xem các mục khác.</p>',
            layout=widgets.Layout(width="auto"))
        self.grid = widgets.HTML(self.grid_html(), layout=widgets.Layout(width="auto")).add_class("grid-html")
        # The dot chart, for slides and print: matplotlib costs ~0.5 s and 40 MB, so only on request.
        self.download_chart = widgets.Button(description="Biểu đồ phân công (PNG)", icon="image",
                                             layout=widgets.Layout(width="auto"))
        self.download_chart.on_click(self.on_download_chart)
        self.chart_download = widgets.HTML(layout=widgets.Layout(width="auto"))
        grid_tab = widgets.VBox([self.grid_note, self.grid, self.download_chart, self.chart_download],
                                layout=widgets.Layout(width="auto"))

        # -- tab 4: downloads and what the plan is
        self.filtered_only = widgets.Checkbox(
            value=False, description="Chỉ các nhiệm vụ đang lọc ở thẻ “Tra cứu nhiệm vụ”",
            indent=False, layout=widgets.Layout(width="auto", max_width="100%"))
        self.download_xlsx = widgets.Button(description="Bảng phân công (Excel)", icon="file-excel-o",
                                            layout=widgets.Layout(width="auto"))
        self.download_csv = widgets.Button(description="Bảng phân công (CSV)", icon="file-text-o",
                                           layout=widgets.Layout(width="auto"))
        self.download_xlsx.on_click(self.on_download_xlsx)
        self.download_csv.on_click(self.on_download_csv)
        self.download = widgets.HTML(layout=widgets.Layout(width="auto"))
        download_tab = widgets.VBox([
            widgets.HTML("<p>Bảng phân công nhiệm vụ: mỗi dòng một nhiệm vụ, có cơ quan được giao (chủ trì, thực "
                         "hiện), cơ quan phối hợp, "
                         "thời hạn, nội dung và nguyên văn Kế hoạch. Bấm nút để tạo tệp, rồi bấm liên kết để tải.</p>",
                         layout=widgets.Layout(width="auto")),
            self.filtered_only,
            widgets.HBox([self.download_xlsx, self.download_csv],
                         layout=widgets.Layout(flex_flow="row wrap", width="auto")),
            self.download,
            widgets.HTML(self._about_html(), layout=widgets.Layout(width="auto")),
        ], layout=widgets.Layout(width="auto"))

        self.tabs = widgets.Tab(children=[who_tab, search_tab, grid_tab, download_tab], titles=TAB_TITLES,
                                selected_index=shown_tab, layout=widgets.Layout(width="auto"))

        # The notebook's Markdown cell holds the page title; the app does not repeat it.
        header = widgets.HTML(
            f'<p class="muted">{esc(plan.info.kind)} số {esc(plan.info.number)}, {esc(plan.info.place)}, '
            f"ngày {_vn_date(plan.info.date)}: {len(plan.tasks)} nhiệm vụ trong {len(plan.sections)} mục. "
            "Thông tin về Kế hoạch ở thẻ “Tải về”.</p>",
            layout=widgets.Layout(width="auto"))
        picker = [self.plan_picker.box] if self.plan_picker.shown else []
        self.widget.children = [widgets.HTML(CSS), *picker, header, self.error, self.tabs]
        self.show_results()

    @classmethod
    def from_environment(cls) -> "StudyApp":
        """The app over the published plans (toolkit.plan.catalogue), opened on the most recent or on
        `?plan=<key>`; `?unit=phuong_hoan_kiem` opens that unit's duties."""
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters

        query = query_parameters()
        plans, plan = catalogue.opening(query.get("plan"))
        app = cls(plan, plans=plans)
        app.unit_picker.select(query.get("unit"))
        return app

    @property
    def file_stem(self) -> str:
        return file_stem(self.plan)

    def _filters(self):
        return (self.query, self.section, self.agency, self.unit, self.role, self.deadline_kind)

    # ------------------------------------------------------------ tab 1

    def _who_hint(self) -> str:
        return ('<p class="muted">Chọn đơn vị của bạn (các đơn vị đang hoạt động hôm nay, kể cả các xã, phường) '
                "hoặc một cơ quan, nhóm cơ quan được Kế hoạch nêu tên để xem mọi nhiệm vụ, kể cả nhiệm vụ giao "
                "chung cho nhóm mà cơ quan, đơn vị đó thuộc về.</p>")

    def assignments_of(self, who: str) -> tuple[str, list[Assignment]]:
        """The display name and the duties for a `who` value such as "agency:so_tu_phap"."""
        kind, key = who.split(":", 1)
        if kind == "unit":
            return self.plan.unit(key).name, self.plan.assignments(unit_key=key)
        return self.plan.agency(key).short, self.plan.assignments(key, via_groups=True)

    @guarded("hiển thị nhiệm vụ của cơ quan, nhóm đã chọn")
    def on_who(self, change=None):
        if self.who.value:
            self.unit_choice.index = 0  # one choice at a time: the other is cleared
            self.duties.value = self.who_html(self.who.value)
        elif not self.unit_choice.value:
            self.duties.value = self._who_hint()

    @guarded("hiển thị nhiệm vụ của đơn vị đã chọn")
    def on_unit_choice(self, change=None):
        if self.unit_choice.value:
            self.who.value = ALL
            self.duties.value = self.unit_html(self.unit_choice.value)
        elif not self.who.value:
            self.duties.value = self._who_hint()

    def who_html(self, who: str) -> str:
        if who.startswith("unit:"):
            return self.unit_html(who.split(":", 1)[1])
        name, found = self.assignments_of(who)
        about = self._about_body_html(who.split(":", 1)[1])
        if not found:
            return (f'<p class="count">Kế hoạch không giao nhiệm vụ nào cho <b>{esc(name)}</b>.</p>'
                    f"{about}")
        if not found:
            return f'<p class="count">Kế hoạch không giao nhiệm vụ nào cho <b>{esc(name)}</b>.</p>'
        lead = sum(a.role == "lead" for a in found)
        parts = [f'<p class="count"><b>{esc(name)}</b>: {len(found)} nhiệm vụ — chủ trì hoặc thực hiện {lead}, '
                 f"phối hợp {len(found) - lead}</p>", about, self._group_html(who),
                 '<p class="muted">Chạm vào một nhiệm vụ để xem nội dung và nguyên văn Kế hoạch. '
                 f"{SUMMARY_NOTE}</p>"]
        self_keys = self._self_keys(who)
        for section_id, rows in groupby(found, key=lambda a: a.task.section):
            parts.append(f"<h3>{esc(self.plan.section(section_id).label)}</h3>")
            parts.extend(self._duty_row(a, self_keys) for a in rows)
        return "\n".join(parts)

    def _about_body_html(self, key: str) -> str:
        """For a body the plan names: its name today, and who now carries its duties by a reading, or that
        the sources do not say."""
        parts = []
        renamed = self.plan.renaming(key, self.today)
        if renamed is not None:
            parts.append(f'<p class="present-name">{esc(present_name_note(renamed))} <span class="muted">Nguồn: '
                         f"{esc(renamed.source_cite)}.</span></p>")
        for r in self.plan.readings_about(key):
            if r.valid_from > self.today:
                continue
            if r.outcome == "unknown":
                parts.append(self._unknown_html(r))
                continue
            names = [self.plan.unit(k).name for k in r.carried_by]
            who = "; ".join(names) if len(names) <= 5 else f"{len(names)} đơn vị ({'; '.join(names[:3])}…)"
            tasks = ", ".join(r.tasks) if r.tasks else "các nhiệm vụ Kế hoạch giao cơ quan, nhóm này"
            parts.append(f'<div class="reading"><span class="badge-reading">{READING_BADGE}</span> '
                         f"<b>{esc(r.title)}</b><p>Từ {_vn_date(r.valid_from)}: {esc(tasks)} — chuyển cho "
                         f"{esc(who)}.</p>{self._note_html(r)}</div>")
        return "".join(parts)

    @staticmethod
    def _note_html(r: Reading) -> str:
        basis = "".join(f"<li>{esc(b.cite)}: “{esc(b.excerpt)}”</li>" for b in r.basis)
        return (f'<p class="reading-note"><b>{READING_LABEL}:</b> {esc(r.note)}</p>'
                + (f'<details class="notes"><summary>Căn cứ ({len(r.basis)})</summary><ul>{basis}</ul></details>'
                   if basis else ""))

    def _unknown_html(self, r: Reading) -> str:
        mentions = "; ".join(f"{t} ({self.plan.task(t).summary})" for t in r.mentions if self.plan.has_task(t))
        return (f'<div class="unknown" data-reading="{esc(r.key)}"><p><b>{UNKNOWN_LABEL}:</b> {esc(r.title)} '
                f"(từ {_vn_date(r.valid_from)})</p>"
                + (f"<p>Nhiệm vụ có lời văn nêu cơ quan này: {esc(mentions)}.</p>" if mentions else "")
                + f"{self._note_html(r)}</div>")

    # ------------------------------------------------------------ a unit as of today

    def unit_html(self, key: str) -> str:
        """A unit's duties today, each marked as the plan's words or the compiler's reading (with its note),
        and what the sources do not say about duties of the units it succeeds."""
        plan, unit = self.plan, self.plan.unit(key)
        found = plan.duties(key, self.today)
        by_reading = [d for d in found if d.from_reading]
        head = (f'<p class="count"><b>{esc(unit.name)}</b>: {len(found)} nhiệm vụ — theo lời văn Kế hoạch '
                f"{len(found) - len(by_reading)}, theo cách đọc của người biên soạn {len(by_reading)}</p>")
        if not found:
            head = (f'<p class="count">Kế hoạch không giao nhiệm vụ nào cho <b>{esc(unit.name)}</b>, và không '
                    "có cách đọc nào chuyển nhiệm vụ cho đơn vị này.</p>")
        parts = [head]
        if unit.valid_from > plan.info.date:
            parts.append(f'<p class="muted">Đơn vị hoạt động từ {_vn_date(unit.valid_from)}, sau ngày ban hành '
                         "Kế hoạch; Kế hoạch không nêu tên đơn vị này.</p>")
        sources = self._source_duties(key, found)
        readings = list(dict.fromkeys(d.reading for d in by_reading))
        for r in readings:
            dropped = [t for t in r.except_tasks if any(t in ids for ids in sources.values())]
            skip = "".join(f"<p>Không chuyển: {esc(t)} ({esc(plan.task(t).summary)}).</p>" for t in dropped)
            parts.append(f'<div class="reading" data-reading="{esc(r.key)}"><span class="badge-reading">'
                         f"{READING_BADGE}</span> <b>{esc(r.title)}</b> (từ {_vn_date(r.valid_from)}){skip}"
                         f"{self._note_html(r)}</div>")
        asked = {d.task.id for d in by_reading} | {t for r in readings for t in r.except_tasks}
        parts += [self._unknown_html(r) for r in plan.readings
                  if r.outcome == "unknown" and r.valid_from <= self.today and set(r.mentions) & asked]
        if found:
            parts.append('<p class="muted">Chạm vào một nhiệm vụ để xem nội dung và nguyên văn Kế hoạch. '
                         f"{SUMMARY_NOTE}</p>")
        self_keys = {unit.agency} if unit.agency else set()
        for section_id, rows in groupby(found, key=lambda d: d.task.section):
            parts.append(f"<h3>{esc(plan.section(section_id).label)}</h3>")
            parts.extend(self._unit_duty_row(d, unit.key, self_keys, sources) for d in rows)
        return "\n".join(parts)

    def _source_duties(self, key: str, found: list[Duty]) -> dict[str, dict[str, str]]:
        """For each unit a reading draws on: {task id: body named} of its duties by the plan's words."""
        unit = self.plan.unit(key)
        keys = dict.fromkeys(k for d in found if d.reading for k in (d.reading.from_units or unit.successor_of))
        for r in self.plan.readings_of(key):
            keys.update(dict.fromkeys(r.from_units or unit.successor_of))
        return {k: {d.task.id: d.via for d in self.plan.duties(k) if not d.from_reading} for k in keys}

    def _unit_duty_row(self, d: Duty, unit_key: str, self_keys: set[str],
                       sources: dict[str, dict[str, str]]) -> str:
        t = d.task
        if not d.from_reading:
            return self._duty_row(d.assignment, self_keys)
        unit = self.plan.unit(unit_key)
        # Every former unit whose duty (by the plan's words, through the same body) this one carries.
        froms = [k for k in (d.reading.from_units or unit.successor_of) if sources.get(k, {}).get(t.id) == d.via]
        froms = froms or [d.from_unit]
        body = self.plan.agency(d.via)
        given = (f"Theo cách đọc, đơn vị mang việc Kế hoạch giao {'nhóm ' if body.is_group else ''}"
                 f"“{esc(self.plan.name_with_present(d.via, self.today))}”")
        plan_role = ""
        if d.plan_role:
            plan_role = (f'<p><b>Theo lời văn Kế hoạch:</b> <span class="role role-{d.plan_role}">'
                         f"{esc(t.role_label(d.plan_role))}</span></p>")
        shared = [self.plan.unit(k).name for k in d.shared_with(unit_key)]
        split = ""
        if shared:
            split += f"<p>Nhiệm vụ có thể đã chuyển cho cả: {esc('; '.join(shared))}.</p>"
        if d.reading.unnamed_other:
            split += "<p>Một phần nhiệm vụ có thể thuộc cơ quan khác mà các nguồn không nêu tên.</p>"
        return (f'<details class="duty" data-task="{esc(t.id)}"><summary><span class="tid">{esc(t.id)}</span>'
                f'{esc(t.summary)}<span class="meta"><span class="role role-{d.role}">'
                f"{esc(_reading_role_label(t, d.role))}</span> "
                f'<span class="badge-reading">{READING_BADGE}</span> <span class="from-unit">từ '
                f"{esc(', '.join(self.plan.unit(k).name for k in froms))}</span>"
                f' · <span class="deadline">{esc(t.deadline.label)}</span>{self._requested(t)}</span></summary>'
                f'<div class="task-body"><p>{given}.</p>'
                f'{plan_role}<p class="reading-note"><b>{READING_LABEL}:</b> {esc(d.note)}</p>{split}'
                f"{self.task_body(t)}</div></details>")

    def _self_keys(self, who: str) -> set[str]:
        kind, key = who.split(":", 1)
        if kind == "unit":
            agency = self.plan.unit(key).agency
            return {agency} if agency else set()
        return {key}

    def _group_html(self, who: str) -> str:
        kind, key = who.split(":", 1)
        if kind != "agency" or not self.plan.agency(key).is_group:
            return ""
        names = [self.plan.agency_name(k) for k in self.plan.members(key)]
        names += [u.name for u in self.plan.units.values() if key in self.plan.unit_memberships(u.key)
                  and not (u.agency and u.agency in self.plan.members(key))]
        if not names:
            return ""
        return (f'<details class="notes"><summary>Nhóm này gồm {len(names)} cơ quan, đơn vị có trong danh mục'
                f"</summary><p>{esc('; '.join(names))}.</p></details>")

    def _duty_row(self, a: Assignment, self_keys: set[str]) -> str:
        via = ""
        if a.via not in self_keys:
            body = self.plan.agency(a.via)
            name = esc(self.plan.name_with_present(a.via, self.today))
            via = f" qua nhóm “{name}”" if body.is_group else f" qua “{name}”"
        t = a.task
        return (f'<details class="duty" data-task="{esc(t.id)}"><summary><span class="tid">{esc(t.id)}</span>{esc(t.summary)}'
                f'<span class="meta"><span class="role role-{a.role}">{esc(t.role_label(a.role))}</span>{via}'
                f' · <span class="deadline">{esc(t.deadline.label)}</span>{self._requested(t)}</span></summary>'
                f'<div class="task-body">{self.task_body(t)}</div></details>')

    # ------------------------------------------------------------ shared task rendering

    @staticmethod
    def _requested(t: Task) -> str:
        return ' <span class="badge-requested" title="Kế hoạch đề nghị, không giao">Đề nghị</span>' \
            if t.requested else ""

    def _names(self, keys) -> str:
        """Bodies in the plan's words, today's name beside a merged one."""
        return esc("; ".join(self.plan.name_with_present(k, self.today) for k in keys)) if keys else "—"

    def task_body(self, t: Task) -> str:
        """Who the task is given to (and whether the plan says "chủ trì"), coordinators, deadline, duties,
        the plan's words and the compiler's notes."""
        given = "Được đề nghị" if t.requested else "Được giao"
        facts = [(given, self._names(t.addressed_to))]
        if t.lead_named:
            facts.append(("Chủ trì", self._names(t.lead)))
        elif not t.lead:
            facts.append(("Chủ trì", "Kế hoạch không nêu cơ quan chủ trì"))
        facts.append(("Phối hợp", self._names([k for k in t.coordinating if k not in t.addressed_to])))
        if t.works_with:
            facts.append(("Phối hợp với", self._names(t.works_with)))
        facts.append(("Thời hạn", f'<span class="deadline">{esc(t.deadline.label)}</span>'))
        if t.heading:
            facts.insert(0, ("Thuộc", esc(t.heading)))
        out = ['<div class="facts">' + "".join(f"<p><b>{k}:</b> {v}</p>" for k, v in facts) + "</div>"]
        out.append('<ul class="duties">' + "".join(f"<li>{esc(_sentence_case(d))}</li>" for d in t.duties)
                   + "</ul>")
        quote = '<p class="muted">[…]</p>'.join(f"<p>{esc(s)}</p>" for s in t.source)
        out.append(f'<details class="source"><summary>Nguyên văn Kế hoạch</summary><blockquote>{quote}'
                   "</blockquote></details>")
        if t.notes:
            notes = "".join(f"<li>{esc(n)}</li>" for n in t.notes)
            out.append(f'<details class="notes"><summary>Ghi chú biên soạn ({len(t.notes)})</summary>'
                       f"<ul>{notes}</ul></details>")
        return "".join(out)

    # ------------------------------------------------------------ tab 2

    def filtered_tasks(self) -> list[Task]:
        """Tasks matching every filter at once (a filter left at "Tất cả" keeps everything)."""
        return self.plan.filter_tasks(
            section=self.section.value or None, deadline_kind=self.deadline_kind.value or None,
            agency=self.agency.value or None, unit=self.unit.value or None,
            role=None if self.role.value == ALL else self.role.value, via_groups=self.via_groups.value,
            query=self.query.value)

    @guarded("lọc danh sách nhiệm vụ")
    def on_filter(self, change=None):
        if not self._batch:
            self.show_results()

    def show_results(self):
        # Role only means something once a body is chosen; the kernel ignores it otherwise
        # (`disabled` is a browser hint, VOILA.md: the browser can still set the value).
        self.role.disabled = not (self.agency.value or self.unit.value)
        self.via_groups.disabled = not self.agency.value
        tasks = self.filtered_tasks()
        ids = tuple(t.id for t in tasks)
        if ids == self._shown_ids:  # typing often leaves the results unchanged: send nothing
            return
        self._shown_ids = ids
        self.count.value = (f'<p class="count"><b>{len(tasks)}</b> nhiệm vụ phù hợp</p>'
                            f'<p class="muted">{SUMMARY_NOTE}</p>' if tasks else
                            '<p class="count">Không có nhiệm vụ nào phù hợp. Hãy bỏ bớt bộ lọc hoặc '
                            "đổi từ khóa.</p>")
        self.results.value = "\n".join(self.card_html(t) for t in tasks)

    def card_html(self, t: Task) -> str:
        return (f'<article class="card" data-task="{esc(t.id)}"><div><span class="tid">{esc(t.id)}</span>'
                f'{self._requested(t)} <span class="section">{esc(self.plan.section(t.section).label)}</span></div>'
                f'<p class="summary">{esc(t.summary)}</p>{self.task_body(t)}</article>')

    @guarded("xóa bộ lọc")
    def on_clear(self, button=None):
        self._batch = True
        try:
            self.query.value = ""
            for w in (self.section, self.agency, self.unit, self.role, self.deadline_kind):
                w.value = ALL
            self.via_groups.value = True
        finally:
            self._batch = False
        self.show_results()

    # ------------------------------------------------------------ tab 3

    def grid_html(self) -> str:
        """Agencies (rows, named bodies then groups) × sections (columns), each cell the roles and task ids."""
        agencies, cells = report.assignment_grid(self.plan)
        sections = self.plan.sections
        names = "".join(f"<li>{esc(s.label)}</li>" for s in sections)
        head = "".join(f'<th scope="col" title="{esc(s.title)}">{esc(s.id)}</th>' for s in sections)
        bodies = []  # one <tbody> per kind, so its heading's scope="rowgroup" covers just those rows
        for is_group, keys in groupby(agencies, key=lambda k: self.plan.agency(k).is_group):
            band = "Nhóm cơ quan (nhiệm vụ giao chung cho cả nhóm)" if is_group else "Cơ quan được nêu tên"
            rows = [f'<tr class="band"><th scope="rowgroup" colspan="{len(sections) + 1}"><span>{band}'
                    "</span></th></tr>"]
            for key in keys:
                tds = "".join(f"<td>{self._grid_cell(cells.get((key, s.id), ()))}</td>" for s in sections)
                rows.append(f'<tr><th scope="row">{esc(self.plan.agency_name(key))}</th>{tds}</tr>')
            bodies.append(f"<tbody>{''.join(rows)}</tbody>")
        return (f'<details class="notes"><summary>Tên các mục ({esc(sections[0].id)} … {esc(sections[-1].id)})'
                f'</summary><ul class="section-names">{names}</ul></details>'
                # Focusable, so a keyboard can scroll the box too (it is a scrolling region).
                '<div class="grid-box" role="region" aria-label="Bảng vai trò của cơ quan theo mục" tabindex="0">'
                '<table class="grid"><caption class="sr-only">Vai trò của từng cơ quan, nhóm cơ quan trong mỗi '
                f'mục của Kế hoạch</caption><thead><tr><th scope="col" class="corner">Cơ quan</th>{head}</tr>'
                f'</thead>{"".join(bodies)}</table></div>')

    @staticmethod
    def _grid_cell(found) -> str:
        """One line per role as the plan words it ("Chủ trì", "Thực hiện"…), given ones before "Phối hợp"."""
        if not found:
            return ""
        by_label: dict[tuple[str, str], list[str]] = {}
        for a in sorted(found, key=lambda a: a.role != "lead"):  # stable: plan order within a role
            by_label.setdefault((a.role, a.task.role_label(a.role)), []).append(a.task.id)
        # Short labels stay on one line; "Được đề nghị thực hiện" may wrap, or its column would be twice as wide.
        return "<ul>" + "".join(
            f'<li><span class="role role-{role}{" role-long" if len(label) > 12 else ""}">{esc(label)}</span>'
            f'<span class="ids">{esc(", ".join(ids))}</span></li>'
            for (role, label), ids in by_label.items()) + "</ul>"

    @guarded("tạo tệp biểu đồ")
    def on_download_chart(self, button=None):
        self.chart_download.value = '<p class="muted">Đang vẽ biểu đồ…</p>'
        try:
            data = figure_png(report.assignment_chart(self.plan))
        except Exception:
            self.chart_download.value = ""
            raise
        name = f"{CHART_PREFIX}{self.file_stem}.png"
        self.chart_download.value = download_link(data, name, "png", f"Tải biểu đồ ({name})")

    # ------------------------------------------------------------ tab 4

    @guarded("tạo tệp Excel")
    def on_download_xlsx(self, button=None):
        self.make_download("xlsx", "Tải tệp Excel")

    @guarded("tạo tệp CSV")
    def on_download_csv(self, button=None):
        self.make_download("csv", "Tải tệp CSV")

    def make_download(self, fmt: str, label: str):
        tasks = self.filtered_tasks() if self.filtered_only.value else None
        data = report.table_bytes(report.assignment_table(self.plan, tasks), fmt)
        n = len(self.plan.tasks) if tasks is None else len(tasks)
        stem = f"{TABLE_PREFIX}{self.file_stem}"
        name = f"{stem}-theo-bo-loc.{fmt}" if tasks is not None else f"{stem}.{fmt}"
        self.download.value = (download_link(data, name, fmt, f"{label} ({name})")
                               + f'<p class="muted">{n} nhiệm vụ.</p>')

    def _about_html(self) -> str:
        info = self.plan.info
        docs = "".join(
            f"<li>{esc(d.kind)} số {esc(d.number)}"
            + (f" ngày {_vn_date(d.date)}" if d.date else "")
            + (f" của {esc(d.issuer)}" if d.issuer else "") + f" {esc(d.title)}</li>"
            for d in self.plan.implements)
        signer = f"{info.signer_name}, {info.signer_title}" + (f" ({info.signer_capacity})" if info.signer_capacity else "")
        facts = [("Số, ngày", f"{esc(info.kind)} số {esc(info.number)}, {esc(info.place)}, ngày {_vn_date(info.date)}"),
                 ("Cơ quan ban hành", esc(self.plan.agency(info.issuer).name)),
                 ("Người ký", esc(signer)),
                 ("Trích yếu", esc(info.title))]
        # Plain paragraphs, not <dl>: JupyterLab's CSS lays a <dl> out in columns too narrow for a phone.
        return ('<h3>Về Kế hoạch</h3><div class="facts about">'
                + "".join(f"<p><b>{k}:</b> {v}</p>" for k, v in facts)
                + f"<p><b>Văn bản được thực hiện:</b></p><ul>{docs}</ul></div>")
