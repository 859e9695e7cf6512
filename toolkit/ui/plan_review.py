"""The plan review page: import a plan's text, review the draft task by task beside its words, publish it.

Behind the passcode like the trainer's page: until `PasscodeGate.check` accepts it in the kernel the page
holds only the passcode field, and every handler checks the gate again (VOILA.md: the browser can fire any
callback it knows). A reload is a new kernel, locked again.

One task is on screen at a time (a plan has a few hundred review items; hundreds of widgets load slowly):
its drafted fields on one side, each with the importer's confidence and, where it was unsure, a coloured
border and its reason; the plan's words on the other, the span each field came from marked. Accepting,
correcting and publishing are toolkit.plan.review's; this page only shows and asks.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable

import ipywidgets as widgets

from toolkit.datafile import DataError
from toolkit.plan.catalogue import REVIEW_FILE
from toolkit.plan.importer.errors import ImportFailure
from toolkit.plan.importer.read import FORMATS as IMPORT_FORMATS
from toolkit.plan.model import Plan, Task
from toolkit.plan.review import (
    FIELD_LABELS,
    GENERAL_FIELDS,
    Draft,
    ReviewError,
    ReviewItem,
    TaskReview,
    draft_key,
    drafts_dir,
    excerpt,
    list_drafts,
    publish,
    ref_label,
)
from toolkit.serving.access import PasscodeGate
from toolkit.serving.uploads import MAX_FILE_BYTES, screen_uploads
from toolkit.ui.common import PasscodeLocked, alert, esc, guarded, page_style, stacked, unlocked_only
from toolkit.vietnamese import megabytes, number

if TYPE_CHECKING:
    from toolkit.storage.store import Store

ROOT_CLASS = "pbgdpl-plan-review"
FORMATS = tuple(IMPORT_FORMATS)  # the suffixes the importer reads: ".docx", ".txt", ".md", ".pdf"
SIZE_HINT = ("Văn bản kế hoạch dạng .docx hay .pdf thường chỉ vài trăm KB: hãy kiểm tra đã chọn đúng tệp, hoặc "
             "lưu lại văn bản không kèm hình ảnh.")
GROUPS = {"plan": "Thông tin chung", "section": "Các mục", "document": "Văn bản", "agency": "Cơ quan đề xuất"}
STATUS_TEXT = {"unreviewed": "Chưa duyệt", "accepted": "Đã chấp nhận", "corrected": "Đã sửa"}
MAX_NAME_SHOWN = 80

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 1400px; }}
.{ROOT_CLASS} .gate {{ max-width: 420px; }}
.{ROOT_CLASS} .form {{ max-width: 640px; }}
.{ROOT_CLASS} .progress-line {{ font-size: 1.2em; font-weight: 700; color: #1e3a8a; margin: 0.3em 0; }}
.{ROOT_CLASS} progress {{ width: 100%; max-width: 420px; height: 0.9em; }}
.{ROOT_CLASS} .review-row {{ flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }}
.{ROOT_CLASS} .review-row > * {{ flex: 1 1 420px; min-width: 0; }}
.{ROOT_CLASS} .item {{ flex-wrap: wrap; align-items: center; gap: 0.4em; border-left: 5px solid #cbd5e1;
  padding: 0.35em 0.6em; margin: 0.35em 0; background: #fff; border-radius: 4px; }}
.{ROOT_CLASS} .item > .widget-html {{ flex: 1 1 260px; min-width: 0; }}
.{ROOT_CLASS} .item.unsure {{ border-left-color: #d97706; background: #fffbeb; }}
.{ROOT_CLASS} .item.accepted, .{ROOT_CLASS} .item.corrected {{ border-left-color: #16a34a; background: #f0fdf4; }}
.{ROOT_CLASS} .item .why {{ color: #92400e; }}
.{ROOT_CLASS} .item .state {{ font-size: 0.9em; color: #374151; }}
.{ROOT_CLASS} .item .widget-button {{ width: auto; padding: 0 1em; }}
.{ROOT_CLASS} .source-text {{ font-family: Georgia, 'Times New Roman', serif; white-space: pre-wrap;
  border: 1px solid #e5e7eb; border-radius: 6px; padding: 0.6em 0.8em; background: #f8fafc;
  max-height: 70vh; overflow-y: auto; }}
.{ROOT_CLASS} mark {{ background: #dbeafe; padding: 0 1px; }}
.{ROOT_CLASS} mark.unsure {{ background: #fde68a; outline: 1px solid #d97706; }}
.{ROOT_CLASS} mark.done {{ background: #bbf7d0; }}
.{ROOT_CLASS} .legend mark {{ margin-right: 0.6em; }}
.{ROOT_CLASS} .toolbar {{ flex-wrap: wrap; gap: 0.4em; }}
.{ROOT_CLASS} .toolbar .widget-button {{ width: auto; padding: 0 1em; }}
.{ROOT_CLASS} .done-box {{ background: #ecfdf5; border: 1px solid #6ee7b7; padding: 0.6em 0.8em; border-radius: 6px; }}
/* page_style gives stacked lists one line's height (a Dropdown); a list of agencies to pick from needs rows. */
.{ROOT_CLASS} .stacked.widget-inline-hbox > select[multiple] {{ height: auto; min-height: 9em; width: 100%;
  font-size: 16px; }}
/* A field 100% wide plus ipywidgets' 2 px margins would lose its right border to the box's edge. */
.{ROOT_CLASS} .stacked.widget-inline-hbox {{ max-width: calc(100% - 4px); }}
.{ROOT_CLASS} .back .widget-button {{ width: auto; padding: 0 1em; }}
.{ROOT_CLASS} .correct-general .widget-button {{ width: auto; padding: 0 1.2em; }}
.{ROOT_CLASS} .correct-general {{ margin: 0 0 0.8em 1.2em; }}
.{ROOT_CLASS} .publish .widget-button {{ width: auto; padding: 0 1.2em; }}
.{ROOT_CLASS} textarea {{ font-size: 16px; }}
</style>"""


def _file_name(name: object) -> str:
    """Only the file's own name, shortened: an upload's name is whatever the browser sent."""
    text = PurePath(str(name).replace("\\", "/")).name or "tệp"
    return text if len(text) <= MAX_NAME_SHOWN else text[: MAX_NAME_SHOWN - 1] + "…"


def _problems_html(exc: ReviewError | DataError) -> str:
    message = getattr(exc, "message", "Dữ liệu bản nháp không hợp lệ.")
    problems = "".join(f"<li>{esc(p)}</li>" for p in exc.problems[:20])
    more = f"<li>… và {len(exc.problems) - 20} lỗi khác</li>" if len(exc.problems) > 20 else ""
    return (f'<div class="pbgdpl-alert" role="alert">{esc(message)}'
            + (f"<ul>{problems}{more}</ul>" if problems else "") + "</div>")


def _done(text: str) -> str:
    return f'<div class="done-box" role="status">{esc(text)}</div>'


class PlanReviewApp(PasscodeLocked):
    """Passcode → import a document or open a draft → review task by task → publish."""

    def __init__(self, store: Store, gate: PasscodeGate | None = None, drafts: Path | str | None = None,
                 data_dir: Path | str | None = None, importer: Callable | None = None):
        self.store = store
        self.drafts = Path(drafts) if drafts is not None else drafts_dir()
        self.data_dir = data_dir  # None: the catalogue's (TOOLKIT_DATA_DIR or data/)
        self.importer = importer  # None: toolkit.plan.importer.import_plan, imported when first needed
        self.draft: Draft | None = None
        self.plan: Plan | None = None
        self.reviews: list[TaskReview] = []
        self.position = 0
        self._picking = False  # the task list is being refilled: its value changes are not the reviewer's
        self._init_lock("<p>Trang dành cho người duyệt kế hoạch. Nhập mã truy cập (do người quản trị máy chủ cung "
                        "cấp; lệnh <code>toolkit serve</code> in ra khi khởi động) để nhập văn bản và duyệt bản "
                        "nháp.</p>", gate or PasscodeGate(store, "plan-review"))
        self.widget = widgets.VBox([widgets.HTML(CSS), self.error, self.body]).add_class(ROOT_CLASS)
        # Built by _build() once the passcode is accepted.
        self.reviewer = self.upload = self.upload_result = self.draft_list = self.open_draft = None
        self.home_box = self.review_box = None

    @classmethod
    def from_environment(cls) -> "PlanReviewApp":
        from toolkit.storage.store import Store

        return cls(Store())

    def on_unlocked(self) -> None:
        self._build()
        self._show_home()

    # ---------------------------------------------------------------- building (only once unlocked)
    def _build(self) -> None:
        full = widgets.Layout(width="100%")
        self.reviewer = stacked(widgets.Text(continuous_update=False, description="Người duyệt", layout=full,
                                             placeholder="Họ tên (ghi vào nhật ký duyệt)"))
        self.upload = widgets.FileUpload(accept=",".join(FORMATS), multiple=False, description="Chọn văn bản",
                                         icon="upload", layout=widgets.Layout(width="auto"))
        self.upload.observe(self.on_upload, names="value")
        self.upload_result = widgets.HTML("")
        self.draft_list = stacked(widgets.Dropdown(description="Bản nháp", options=[], layout=full))
        self.open_draft = widgets.Button(description="Mở bản nháp", button_style="primary", icon="folder-open",
                                         layout=widgets.Layout(width="auto"))
        self.open_draft.on_click(self.on_open_draft)
        self.home_box = widgets.VBox([
            widgets.HTML("<h3>Người duyệt</h3>"), widgets.VBox([self.reviewer]).add_class("form"),
            widgets.HTML("<h3>Nhập văn bản kế hoạch</h3><p>Chọn tệp <b>.docx</b>, <b>.txt</b>, <b>.md</b> hoặc "
                         f"<b>.pdf</b> có lớp chữ (tối đa {megabytes(MAX_FILE_BYTES)} MB). Bộ nhập đọc văn bản thành "
                         "một bản nháp: thông tin chung, các mục, từng nhiệm vụ với cơ quan chủ trì, phối hợp, "
                         "thời hạn và nguyên văn. Mọi trường đều chờ duyệt; chưa duyệt hết thì chưa xuất bản được, và chưa xuất "
                         "bản thì không ai học, kiểm tra hay tự đánh giá theo bản nháp.</p>"),
            self.upload, self.upload_result,
            widgets.HTML("<h3>Các bản nháp</h3>"), widgets.VBox([self.draft_list]).add_class("form"), self.open_draft,
        ])

        self.back = widgets.Button(description="Danh sách bản nháp", icon="arrow-left",
                                   layout=widgets.Layout(width="auto"))
        self.back.on_click(self.on_back)
        self.header = widgets.HTML("")
        self.progress = widgets.HTML("")
        self.general = widgets.VBox([]).add_class("general-items")
        # One group at a time (the plan, its sections, documents, proposed bodies): a large plan has dozens.
        self.general_group = widgets.ToggleButtons(options=[], style={"button_width": "auto"})
        self.general_group.observe(self.on_general_group, names="value")
        self.general_message = widgets.HTML("")
        self.task_picker = stacked(widgets.Dropdown(description="Nhiệm vụ", options=[], layout=full))
        self.task_picker.observe(self.on_pick_task, names="value")
        self.prev_task = widgets.Button(description="Nhiệm vụ trước", icon="chevron-left")
        self.next_task = widgets.Button(description="Nhiệm vụ sau", icon="chevron-right")
        self.next_unreviewed = widgets.Button(description="Mục chưa duyệt tiếp theo", icon="forward")
        for button, handler in ((self.prev_task, self.on_prev), (self.next_task, self.on_next),
                                (self.next_unreviewed, self.on_next_unreviewed)):
            button.on_click(handler)
        self.task_title = widgets.HTML("")
        self.fields = widgets.VBox([]).add_class("task-items")
        self.accept_task = widgets.Button(description="Chấp nhận các mục còn lại của nhiệm vụ", icon="check",
                                          layout=widgets.Layout(width="auto"))
        self.accept_task.on_click(self.on_accept_task)
        self.source = widgets.HTML("")

        self.lead = stacked(widgets.SelectMultiple(description="Cơ quan chủ trì, thực hiện", options=[], rows=6,
                                                   layout=full))
        self.coordinating = stacked(widgets.SelectMultiple(description="Cơ quan phối hợp", options=[], rows=6,
                                                           layout=full))
        self.addressed_to = stacked(widgets.SelectMultiple(description="Cơ quan được giao (tiêu đề, chủ ngữ)",
                                                           options=[], rows=4, layout=full))
        self.requested = widgets.Checkbox(description="Văn bản viết “Đề nghị …” (không chỉ đạo)", indent=False,
                                          layout=full)
        self.deadline = stacked(widgets.Text(continuous_update=False, description="Thời hạn (lời văn bản)", layout=full,
                                             placeholder="VD: Quý II năm 2026; Hằng năm; để trống nếu không nêu"))
        self.duties = stacked(widgets.Textarea(continuous_update=False,
                                               description="Nội dung nhiệm vụ (mỗi dòng một việc, nguyên văn)",
                                               layout=widgets.Layout(width="100%", height="9em")))
        self.summary = stacked(widgets.Textarea(continuous_update=False, description="Tóm tắt",
                                                layout=widgets.Layout(width="100%", height="4em")))
        self.save = widgets.Button(description="Lưu sửa", button_style="primary", icon="save",
                                   layout=widgets.Layout(width="auto"))
        self.save.on_click(self.on_save)
        self.task_message = widgets.HTML("")
        form = widgets.VBox([
            widgets.HTML("<h3>Sửa nhiệm vụ</h3><p class=\"muted\">Giữ Ctrl (hoặc ⌘) để chọn nhiều cơ quan. Cơ quan "
                         "“đề xuất mới” là cơ quan bộ nhập không tìm thấy trong danh mục Thành phố. Nội dung nhiệm vụ "
                         "phải chép nguyên văn từ trích dẫn của nhiệm vụ; thời hạn phải là thời hạn văn bản ghi. "
                         "Lưu sửa đánh dấu các mục đã sửa là “Đã sửa”.</p>"),
            self.lead, self.coordinating, self.addressed_to, self.requested, self.deadline, self.duties, self.summary,
            self.save, self.task_message]).add_class("form").add_class("task-form")

        self.publish_key = stacked(widgets.Text(continuous_update=False, layout=full,
                                                description="Mã kế hoạch (tên thư mục khi xuất bản)"))
        self.publish_button = widgets.Button(description="Xuất bản", button_style="success", icon="upload",
                                             layout=widgets.Layout(width="auto"))
        self.publish_button.on_click(self.on_publish)
        self.publish_result = widgets.HTML("")
        legend = ('<p class="legend muted"><mark>phần bộ nhập đọc</mark><mark class="unsure">bộ nhập chưa chắc'
                  '</mark><mark class="done">đã duyệt</mark></p>')
        self.review_box = widgets.VBox([
            widgets.HBox([self.back]).add_class("back"), self.header, self.progress,
            # The same field as on the list of drafts (one widget, shown in both): a refusal for want of a
            # name must point at a field the reviewer can see.
            widgets.VBox([self.reviewer]).add_class("form"),
            widgets.HTML("<h3>Thông tin chung, cơ quan đề xuất</h3>"), self.general_group, self.general_message,
            self.general,
            widgets.HTML("<h3>Nhiệm vụ</h3>"), widgets.VBox([self.task_picker]).add_class("form"),
            widgets.HBox([self.prev_task, self.next_task, self.next_unreviewed]).add_class("toolbar"),
            self.task_title,
            widgets.HBox([
                widgets.VBox([self.fields, self.accept_task, form]),
                widgets.VBox([widgets.HTML("<h3>Nguyên văn</h3>" + legend), self.source]),
            ]).add_class("review-row"),
            widgets.HTML("<h3>Xuất bản</h3><p>Xuất bản kiểm tra lại toàn bộ dữ liệu rồi chép bản nháp vào thư mục dữ "
                         "liệu: từ đó kế hoạch có ở các trang học, kiểm tra và tự đánh giá (tải lại các trang đó). Chỉ "
                         "xuất bản được khi mọi mục đã được chấp nhận hoặc sửa.</p>"),
            widgets.VBox([self.publish_key, self.publish_button, self.publish_result]).add_class("form")
            .add_class("publish"),
        ])

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    # ---------------------------------------------------------------- the list of drafts
    def _show_home(self) -> None:
        drafts = list_drafts(self.drafts)
        options = []
        for d in drafts:
            done, total = d.progress
            name = d.imported.get("file") or d.key
            published = " — đã xuất bản" if d.published_to else ""
            options.append((f"{d.key} — {_file_name(name)} — {done}/{total} mục đã duyệt{published}", d.key))
        self.draft_list.options = options or [("(chưa có bản nháp nào)", None)]
        self.draft_list.value = options[0][1] if options else None
        self.open_draft.disabled = not options
        self._show(self.home_box)

    @guarded("mở bản nháp")
    @unlocked_only
    def on_open_draft(self, _=None) -> None:
        key = self.draft_list.value
        if not key:
            return
        folder = self.drafts / key
        if folder.parent != self.drafts or not (folder / REVIEW_FILE).exists():  # a key the list never offered
            self.upload_result.value = alert("Không có bản nháp này.")
            return
        self._open(Draft(folder))

    @guarded("quay lại danh sách bản nháp")
    @unlocked_only
    def on_back(self, _=None) -> None:
        self.draft = self.plan = None
        self._show_home()

    def _open(self, draft: Draft, task_id: str | None = None) -> None:
        self.draft = draft
        self.publish_key.value = draft.key
        self.publish_result.value = self.task_message.value = self.general_message.value = ""
        self._show(self.review_box)
        self._reload(task_id)

    def _reload(self, task_id: str | None = None, plan: bool = True) -> None:
        """Read the draft again (after every change) and redraw what depends on it. `plan` False: only review
        marks changed, the plan read before still holds (reading a large plan takes a good part of a second)."""
        draft = self.draft
        try:
            if plan or self.plan is None:
                self.plan = draft.plan()
        except DataError as exc:
            self.plan, self.reviews = None, []
            self.header.value = _problems_html(exc)
            self.general.children, self.fields.children = [], []
            self.task_picker.options, self.source.value = [], ""
            return
        self.reviews = draft.task_reviews(self.plan)
        info = self.plan.info
        imported = draft.imported
        published = draft.published_to
        self.header.value = (
            f"<h2>{esc(info.kind)} số {esc(info.number)} ngày {info.date:%d/%m/%Y}</h2>"
            f"<p>{esc(info.title)}</p>"
            f'<p class="muted">Bản nháp “{esc(draft.key)}”, nhập từ “{esc(_file_name(imported.get("file", "")))}”'
            + (f" ({esc(imported.get('format'))})" if imported.get("format") else "") + ".</p>"
            + (_done(f"Đã xuất bản: {published}. Sửa bản nháp lúc này không đổi kế hoạch đã xuất bản.")
               if published else ""))
        self._draw_general()
        ids = [r.task.id for r in self.reviews]
        keep = task_id if task_id in ids else (ids[self.position] if ids and self.position < len(ids) else None)
        self._task_options(keep)
        options = self.draft.agency_choices(self.plan)
        for box in (self.lead, self.coordinating, self.addressed_to):
            box.options = options
        self._draw_task()
        # Last: the browser applies updates in order, so a count that moved means the rows are the new ones.
        # Shown first, it invited a click on a row about to be closed, and that click was lost ("No such comm").
        self._show_progress()

    def _show_progress(self) -> None:
        done, total = self.draft.progress
        self.progress.value = (f'<div class="progress-line" role="status">{done}/{total} mục đã duyệt</div>'
                               f'<progress max="{max(total, 1)}" value="{done}"></progress>'
                               + ("" if done < total else "<p>Mọi mục đã duyệt: có thể xuất bản.</p>"))

    def _task_options(self, keep: str | None) -> None:
        options = []
        for r in self.reviews:
            mark = " ✓" if r.items and r.reviewed == len(r.items) else ""
            options.append((f"{r.task.id} — {r.reviewed}/{len(r.items)} mục đã duyệt{mark}", r.task.id))
        self._picking = True
        try:
            self.task_picker.options = options
            if options:
                self.task_picker.value = keep or options[0][1]
        finally:
            self._picking = False
        ids = [r.task.id for r in self.reviews]
        self.position = ids.index(self.task_picker.value) if self.task_picker.value in ids else 0

    # ---------------------------------------------------------------- one item
    def _item_row(self, item: ReviewItem, value_html: str, quote: bool) -> widgets.Widget:
        why = f'<div class="why">Bộ nhập chưa chắc: {esc(item.why)}</div>' if item.why else ""
        sure = f", độ tin cậy {number(item.confidence * 100, 0)}%" if item.confidence is not None else ""
        words = self.draft.span_text(item) if quote else ""
        quoted = f'<div class="muted">Văn bản: “{esc(" ".join(words.split()))}”</div>' if words.strip() else ""
        html = widgets.HTML(f"<b>{esc(item.field_label)}</b>: {value_html}{quoted}{why}"
                            f'<div class="state">{STATUS_TEXT.get(item.status, item.status)}{sure}</div>')
        if item.reviewed:
            button = widgets.Button(description="Bỏ duyệt", icon="undo", tooltip="Đưa mục về “Chưa duyệt”")
            button.on_click(lambda _b, it=item: self.on_reopen(it))
        else:
            button = widgets.Button(description="Chấp nhận", button_style="success", icon="check")
            button.on_click(lambda _b, it=item: self.on_accept(it))
        row = widgets.HBox([html, button]).add_class("item").add_class(item.status)
        if item.unsure and not item.reviewed:
            row.add_class("unsure")
        return row

    def _draw_general(self) -> None:
        items = self.draft.other_items()
        groups = [kind for kind in GROUPS if any(i.kind == kind for i in items)]
        options = []
        for kind in groups:
            waiting = sum(not i.reviewed for i in items if i.kind == kind)
            options.append((f"{GROUPS[kind]} ({waiting} chưa duyệt)" if waiting else f"{GROUPS[kind]} ✓", kind))
        keep = self.general_group.value
        self._picking = True
        try:
            self.general_group.options = options
            if options:
                self.general_group.value = keep if keep in groups else options[0][1]
        finally:
            self._picking = False
        shown = self.general_group.value
        rows = []
        for item in (i for i in items if i.kind == shown):
            rows.append(self._item_row(item, self._general_value(item), quote=True))
            if item.kind == "agency" and not item.reviewed and item.target in self.draft.proposed_agencies():
                rows.append(self._replace_row(item.target))
            elif not item.reviewed and self._typed_value(item) is not None:
                rows.append(self._correct_row(item))
        _close(self.general.children)
        self.general.children = rows or [widgets.HTML('<p class="muted">Không có mục nào.</p>')]

    def _general_value(self, item: ReviewItem) -> str:
        info, plan = self.plan.info, self.plan
        if item.kind == "plan":
            values = {"number": info.number, "date": f"{info.date:%d/%m/%Y}", "title": info.title,
                      "issuer": self._names((info.issuer,)), "place": info.place, "kind": info.kind,
                      "signer": ", ".join(x for x in (info.signer_capacity, info.signer_title, info.signer_name) if x),
                      "period": f"{info.period_start}–{info.period_end}"}
            return esc(values.get(item.field, ""))
        if item.kind == "agency" and item.target in plan.agencies:
            a = plan.agencies[item.target]
            return esc(f"{a.name} (đề xuất thêm vào danh mục)")
        if item.kind == "section":
            found = [s for s in plan.sections if s.id == item.target]
            return esc(found[0].label) if found else ""
        if item.kind == "document":
            found = [d for d in plan.implements + plan.cites if d.key == item.target]
            return esc(f"{found[0].kind} {found[0].number} {found[0].title}") if found else esc(ref_label(item.ref))
        return ""

    @guarded("chuyển nhóm mục")
    @unlocked_only
    def on_general_group(self, change=None) -> None:
        if not self._picking and self.draft is not None and self.plan is not None:
            self.general_message.value = ""
            self._draw_general()

    def _typed_value(self, item: ReviewItem) -> str | None:
        """A general item's value as the reviewer would type it; None for what this page cannot correct
        (signer, purposes...: plan.yaml in git)."""
        info, plan = self.plan.info, self.plan
        if item.field not in GENERAL_FIELDS.get(item.kind, ()) or item.field == "signer":
            return None
        if item.kind == "plan":
            return {"number": info.number, "date": f"{info.date:%d/%m/%Y}", "place": info.place, "kind": info.kind,
                    "title": info.title, "issuer": info.issuer,
                    "period": f"{info.period_start}–{info.period_end}"}[item.field]
        if item.kind == "section":
            found = [x for x in plan.sections if x.id == item.target]
            return found[0].title if found else None
        found = [d for d in plan.implements + plan.cites if d.key == item.target]
        return getattr(found[0], item.field) if found else None

    def _correct_row(self, item: ReviewItem) -> widgets.Widget:
        label = f"Hoặc sửa {item.field_label.lower()}"
        if item.field == "issuer":
            box = stacked(widgets.Dropdown(description=label, options=self.draft.agency_choices(self.plan),
                                           value=self.plan.info.issuer, layout=widgets.Layout(width="100%")))
        else:
            hint = {"date": "ngày/tháng/năm, ví dụ 12/01/2026", "period": "năm đầu–năm cuối, ví dụ 2026–2030"}
            box = stacked(widgets.Text(continuous_update=False, description=label, value=self._typed_value(item) or "",
                                       placeholder=hint.get(item.field, ""), layout=widgets.Layout(width="100%")))
        button = widgets.Button(description="Sửa", icon="pencil", layout=widgets.Layout(width="auto"))
        button.on_click(lambda _b: self.on_correct_general(item, box.value))
        return widgets.VBox([box, button]).add_class("form").add_class("correct-general")

    def _replace_row(self, proposed: str) -> widgets.Widget:
        own = set(self.draft.proposed_agencies())
        choices = [(label, key) for label, key in self.draft.agency_choices(self.plan) if key not in own]
        picker = stacked(widgets.Dropdown(description="Hoặc: đây là cơ quan đã có trong danh mục",
                                          options=[("— Chọn cơ quan —", None), *choices], index=0,
                                          layout=widgets.Layout(width="100%")))
        button = widgets.Button(description="Thay bằng cơ quan này", icon="exchange",
                                layout=widgets.Layout(width="auto"))
        button.on_click(lambda _b: self.on_replace(proposed, picker.value))
        return widgets.VBox([picker, button]).add_class("form")

    # ---------------------------------------------------------------- one task
    def _current(self) -> TaskReview | None:
        return self.reviews[self.position] if self.reviews and 0 <= self.position < len(self.reviews) else None

    def _names(self, keys) -> str:
        agencies = self.plan.agencies
        return ", ".join(agencies[k].short if k in agencies else k for k in keys) or "(không có)"

    def _task_value(self, task: Task, field: str) -> str:
        if field in ("lead", "coordinating", "addressed_to", "works_with"):
            return esc(self._names(getattr(task, field)))
        if field == "requested":
            return "Đề nghị (cơ quan UBND không chỉ đạo)" if task.requested else "Chỉ đạo, giao nhiệm vụ"
        if field == "deadline":
            return esc(task.deadline.label)
        if field == "duties":
            return "<ul>" + "".join(f"<li>{esc(d)}</li>" for d in task.duties) + "</ul>"
        if field == "source":
            return esc(task.source_text[:200] + ("…" if len(task.source_text) > 200 else ""))
        if field == "summary":
            return esc(task.summary)
        return esc(getattr(task, field, "") or "")

    def _draw_task(self) -> None:
        current = self._current()
        _close(self.fields.children)
        if current is None:
            self.task_title.value = '<p class="muted">Bản nháp không có nhiệm vụ nào.</p>'
            self.fields.children, self.source.value = [], ""
            return
        task = current.task
        section = next((s for s in self.plan.sections if s.id == task.section), None)
        self.task_title.value = (f"<h3>Nhiệm vụ {esc(task.id)}</h3>"
                                 + (f'<p class="muted">{esc(section.label)}</p>' if section else "")
                                 + f"<p>{esc(task.summary)}</p>")
        rows = [self._item_row(i, self._task_value(task, i.field), quote=False) for i in current.items]
        self.fields.children = rows or [widgets.HTML('<p class="muted">Nhiệm vụ không có mục nào phải duyệt.</p>')]
        self.accept_task.disabled = not any(not i.reviewed for i in current.items)
        self.source.value = self._source_html(current)
        # The form starts from the task as the draft holds it.
        known = {key for _label, key in self.lead.options}
        self.lead.value = tuple(k for k in task.lead if k in known)
        self.coordinating.value = tuple(k for k in task.coordinating if k in known)
        self.addressed_to.value = tuple(k for k in task.addressed_to if k in known)
        self.requested.value = task.requested
        self.deadline.value = task.deadline.text or ""
        self.duties.value = "\n".join(task.duties)
        self.summary.value = task.summary

    def _source_html(self, current: TaskReview) -> str:
        cut = current.excerpt or excerpt(self.draft.text, current.items)
        if cut is None:
            return f'<div class="source-text">{esc(current.task.source_text)}</div>'
        parts = []
        for text, item in cut.segments:
            if item is None:
                parts.append(esc(text))
                continue
            kind = "done" if item.reviewed else ("unsure" if item.unsure else "")
            tip = item.field_label + (f" — {item.why}" if item.why else "")
            parts.append(f'<mark class="{kind}" title="{esc(tip)}">{esc(text)}</mark>')
        return f'<div class="source-text">{"".join(parts)}</div>'

    # ---------------------------------------------------------------- moving between tasks
    @guarded("chuyển nhiệm vụ")
    @unlocked_only
    def on_pick_task(self, change=None) -> None:
        if self._picking or not self.reviews:
            return
        ids = [r.task.id for r in self.reviews]
        if self.task_picker.value in ids:
            self.position = ids.index(self.task_picker.value)
            self.task_message.value = ""
            self._draw_task()

    def _go(self, position: int) -> None:
        if self.reviews:
            self.task_picker.value = self.reviews[max(0, min(position, len(self.reviews) - 1))].task.id

    @guarded("chuyển nhiệm vụ")
    @unlocked_only
    def on_prev(self, _=None) -> None:
        self._go(self.position - 1)

    @guarded("chuyển nhiệm vụ")
    @unlocked_only
    def on_next(self, _=None) -> None:
        self._go(self.position + 1)

    @guarded("tìm mục chưa duyệt")
    @unlocked_only
    def on_next_unreviewed(self, _=None) -> None:
        n = len(self.reviews)
        for step in range(1, n + 1):
            r = self.reviews[(self.position + step) % n]
            if any(not i.reviewed for i in r.items):
                self._go((self.position + step) % n)
                return
        self.task_message.value = _done("Mọi nhiệm vụ đã duyệt xong."
                                        + ("" if not self.draft.unreviewed else " Còn mục ở phần thông tin chung."))

    # ---------------------------------------------------------------- accepting and correcting
    def _after_change(self, message: str, item: ReviewItem | None = None, plan: bool = True) -> None:
        """Redraw, and say what was done where the reviewer clicked (a general item's section, or the task's form)."""
        task_id = self._current().task.id if self._current() else None
        self._reload(task_id, plan)
        self.general_message.value = self.task_message.value = ""
        if item is not None and item.kind != "task":
            self.general_message.value = _done(message)
        else:
            self.task_message.value = _done(message)

    def _refused(self, exc: ReviewError) -> None:
        self.task_message.value = _problems_html(exc)

    @guarded("chấp nhận mục")
    @unlocked_only
    def on_accept(self, item: ReviewItem) -> None:
        try:
            self.draft.accept(item, by=self.reviewer.value)
        except ReviewError as exc:
            self._refused(exc)
            self._show_refusal_near(item, exc)
            return
        self._after_change(f"Đã chấp nhận: {item.label}.", item, plan=False)

    @guarded("bỏ duyệt mục")
    @unlocked_only
    def on_reopen(self, item: ReviewItem) -> None:
        try:
            self.draft.reopen(item, by=self.reviewer.value)
        except ReviewError as exc:
            self._refused(exc)
            self._show_refusal_near(item, exc)
            return
        self._after_change(f"Đã đưa về “Chưa duyệt”: {item.label}.", item, plan=False)

    def _show_refusal_near(self, item: ReviewItem, exc: ReviewError) -> None:
        """A refusal about a general item is shown where that item is, not under the task form."""
        if item.kind != "task":
            self.task_message.value = ""
            self.general_message.value = _problems_html(exc)

    @guarded("chấp nhận các mục của nhiệm vụ")
    @unlocked_only
    def on_accept_task(self, _=None) -> None:
        current = self._current()
        if current is None:
            return
        waiting = [i for i in current.items if not i.reviewed]
        try:
            self.draft.accept_many(waiting, by=self.reviewer.value)
        except ReviewError as exc:
            self._refused(exc)
            return
        self._after_change(f"Đã chấp nhận {len(waiting)} mục của nhiệm vụ {current.task.id}.", plan=False)

    @guarded("lưu sửa nhiệm vụ")
    @unlocked_only
    def on_save(self, _=None) -> None:
        current = self._current()
        if current is None:
            return
        task = current.task
        typed = {
            "lead": list(self.lead.value), "coordinating": list(self.coordinating.value),
            "addressed_to": list(self.addressed_to.value), "requested": bool(self.requested.value),
            "deadline": self.deadline.value.strip(),
            "duties": [line.strip() for line in self.duties.value.splitlines() if line.strip()],
            "summary": self.summary.value.strip(),
        }
        now = {"lead": list(task.lead), "coordinating": list(task.coordinating),
               "addressed_to": list(task.addressed_to), "requested": task.requested, "deadline": task.deadline.text or "", "duties": list(task.duties),
               "summary": task.summary}
        changes = {f: v for f, v in typed.items() if v != now[f]}
        if not changes:
            self.task_message.value = alert("Chưa có thay đổi nào so với bản nháp. Nếu các trường đúng, bấm "
                                            "“Chấp nhận”.")
            return
        try:
            self.draft.correct_task(task.id, changes, by=self.reviewer.value)
        except ReviewError as exc:
            self._refused(exc)
            return
        self._after_change("Đã lưu: " + ", ".join(FIELD_LABELS.get(f, f).lower() for f in changes)
                           + f" của nhiệm vụ {task.id}.")

    @guarded("sửa thông tin chung")
    @unlocked_only
    def on_correct_general(self, item: ReviewItem, value) -> None:
        try:
            self.draft.correct_general(item.ref, item.field, value, by=self.reviewer.value)
        except ReviewError as exc:
            self._refused(exc)
            self._show_refusal_near(item, exc)
            return
        self._after_change(f"Đã sửa: {item.label}.", item)

    @guarded("thay cơ quan đề xuất")
    @unlocked_only
    def on_replace(self, proposed: str, registry_key: str | None) -> None:
        if not registry_key:
            self.general_message.value = alert("Chọn cơ quan trong danh mục trước khi bấm “Thay bằng cơ quan này”.")
            return
        item = ReviewItem(-1, f"agency:{proposed}", "name", "unreviewed")  # where to say it
        try:
            self.draft.replace_agency(proposed, registry_key, by=self.reviewer.value)
        except ReviewError as exc:
            self._show_refusal_near(item, exc)
            return
        self._after_change(f"Đã thay cơ quan đề xuất “{proposed}” bằng “{self._names((registry_key,))}”.", item)

    # ---------------------------------------------------------------- publishing
    @guarded("xuất bản kế hoạch")
    @unlocked_only
    def on_publish(self, _=None) -> None:
        if self.draft is None:
            return
        key = self.publish_key.value.strip() or None
        try:
            folder = publish(self.draft.directory, data_dir=self.data_dir, key=key, by=self.reviewer.value)
        except ReviewError as exc:
            self.publish_result.value = _problems_html(exc)
            return
        self.publish_result.value = _done(f"Đã xuất bản kế hoạch “{folder.name}”. Kế hoạch đã có ở các trang học, "
                                          "kiểm tra và tự đánh giá: tải lại các trang đó để chọn kế hoạch này.")
        keep = self._current().task.id if self._current() else None
        result = self.publish_result.value
        self._reload(keep)
        self.publish_result.value = result

    # ---------------------------------------------------------------- importing
    @guarded("nhập văn bản kế hoạch")
    @unlocked_only
    def on_upload(self, change=None) -> None:
        files = change["new"] if isinstance(change, dict) and "new" in change else (self.upload.value or ())
        if not files:
            return  # clearing the widget after an import calls this again
        screened = screen_uploads(((_file_name(f.get("name", "")), f.get("size"), f.get("content", b""))
                                   if isinstance(f, dict) else ("tệp", None, b"") for f in files[:1]),
                                  size_hint=SIZE_HINT)
        self.upload.value = ()  # frees the file's bytes held in widget state
        if screened.refused:
            self.upload_result.value = alert(screened.refused[0][1])
            return
        name, content = screened.accepted[0]
        suffix = PurePath(name).suffix.lower()
        if suffix not in FORMATS:
            self.upload_result.value = alert(f"Tệp “{name}” không đọc được: chỉ nhận tệp "
                                             f"{', '.join(FORMATS)}.")
            return
        self.upload_result.value = '<p class="muted" role="status">Đang đọc văn bản…</p>'
        self.drafts.mkdir(parents=True, exist_ok=True)
        # The folder is claimed with mkdir, which only one kernel can win: a failed import below removes only
        # the folder this call made, never a draft another reviewer started at the same moment.
        while True:
            key = draft_key(name, (p.name for p in self.drafts.iterdir()))
            output = self.drafts / key
            try:
                output.mkdir()
                break
            except FileExistsError:
                continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / (PurePath(name).name or f"van-ban{suffix}")
            path.write_bytes(content)
            try:
                self._import(path, output, key)
            except (ImportFailure, ReviewError, DataError, ValueError) as exc:
                shutil.rmtree(output, ignore_errors=True)
                self.upload_result.value = self._import_refusal(name, exc)
                return
            except Exception:
                shutil.rmtree(output, ignore_errors=True)
                raise
        draft = Draft(output)
        done, total = draft.progress
        self.upload_result.value = _done(f"Đã nhập “{name}” thành bản nháp “{key}”: {total} mục chờ duyệt.")
        self._open(draft)
        self.task_message.value = self.upload_result.value

    def _import(self, path: Path, output: Path, key: str):
        importer = self.importer
        if importer is None:
            from toolkit.plan.importer import import_plan as importer
        return importer(path, output, key=key)

    @staticmethod
    def _import_refusal(name: str, exc: Exception) -> str:
        """Why a document could not be imported. The importer's own failures are written for the reader (a
        PDF without a text layer...); any other error's text may hold paths, so only the fact is shown."""
        if isinstance(exc, ImportFailure):  # its `file` is the page's scratch copy: the name the reader knows instead
            return alert(f"Không nhập được “{name}”" + (f", {exc.where}" if exc.where else "") + f": {exc.message}")
        if isinstance(exc, (ReviewError, DataError)):
            return _problems_html(exc) if exc.problems else alert(f"Không nhập được “{name}”: {exc}")
        return alert(f"Không nhập được “{name}”: tệp không đọc được thành văn bản kế hoạch.")


def _close(children) -> None:
    """Close widgets no longer shown: each one lives in the kernel (and the browser) until closed."""
    for child in children:
        for grandchild in getattr(child, "children", ()):
            _close([grandchild])
        child.close()
