"""The workshop trainer's page: passcode, sessions, the live dashboard and the session's exports.

The trainer's page holds nothing but a passcode field until `PasscodeGate.check` accepts the
passcode in the kernel; every other widget is built after that, and every handler checks the gate
again (VOILA.md: the browser can click any widget it knows, disabled or not).

The dashboard refreshes itself without threads: a hidden `Play` widget ticks in the browser every
3 s and each tick is a widget message the kernel answers on its main thread, like a click. Kernel
threads could not safely send widget updates, and a browser ticker stops by itself when the page
closes. Each tick reads one aggregate query and redraws only when something changed.

The “Câu hỏi bị báo lỗi” screen lists the questions participants reported, with the key, the
explanation and the plan's words, and retires one with a reason (toolkit.quiz.reports): it is written to
quizzes/retired.yaml, to be reviewed and committed in git like the banks, and the page's bank is read
again at once.

The participants' page is toolkit.ui.participant.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import ipywidgets as widgets

from toolkit.datafile import DataError
from toolkit.exports import qr_png
from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.analytics import score_histogram
from toolkit.quiz.attempt import MODES, QuizRuleError
from toolkit.quiz.banks import question_bank
from toolkit.quiz.formats import unit_label
from toolkit.quiz.questions import Question
from toolkit.quiz.reports import ReportedQuestion, key_view, reported_questions, retire_question
from toolkit.quiz.retired import retired_ids, retired_name
from toolkit.quiz.workshop import dashboard, served_ids, session_workbook
from toolkit.serving.access import PasscodeGate
from toolkit.serving.links import join_url
from toolkit.storage.records import InputError, SessionRecord
from toolkit.ui.common import (
    PasscodeLocked,
    PlanPicker,
    alert,
    download_link,
    esc,
    guarded,
    page_style,
    stacked,
    unlocked_only,
)
from toolkit.ui.quiz import COUNTS, LIMITS, topic_options
from toolkit.vietnamese import VIETNAM, local_time, number, percent

if TYPE_CHECKING:
    from toolkit.storage.store import Store


TRAINER_CLASS = "pbgdpl-trainer"
TICK_MS = 3000
# People listed on the live dashboard of a hall: the top of the standings (or, with scores hidden, the
# latest to join) and counts for the rest, unless the trainer asks for all. 200 rows re-sent every
# tick were most of the dashboard's traffic (issue 16); the workbook has everyone.
PEOPLE_SHOWN = 20
EVERYONE = "Hiện toàn bộ danh sách"
REPORTS_SHOWN = 50  # reported questions listed on the page; `toolkit questions reports` lists them all


FLAG_HTML = '<span class="flag">⚑ xem lại</span>'
# How the workbook names participants. Pseudonymised first: a downloaded file is the one that travels
# (e-mail, USB stick), so names are a choice the trainer makes for their own records, and the file says so.
PSEUDONYMISED, NAMED = "an-danh", "ho-ten"
EXPORT_CHOICES = (("Số thứ tự người tham gia (ẩn danh)", PSEUDONYMISED), ("Họ tên", NAMED))



# ---------------------------------------------------------------- trainer page

TRAINER_CSS = page_style(TRAINER_CLASS) + f"""<style>
.{TRAINER_CLASS} {{ max-width: 1500px; }}
.{TRAINER_CLASS} .gate {{ max-width: 420px; }}
.{TRAINER_CLASS} .form {{ max-width: 640px; }}
.{TRAINER_CLASS} .join-code {{ font-family: 'DejaVu Sans Mono', monospace; font-size: clamp(3.2em, 6vw, 8em); font-weight: 800;
  letter-spacing: 0.14em; color: #1e3a8a; line-height: 1.1; margin: 0.1em 0 0.2em; }}
.{TRAINER_CLASS} .join-url {{ font-family: 'DejaVu Sans Mono', monospace; font-size: 1.05em; word-break: break-all; }}
.{TRAINER_CLASS} .join-row {{ flex-wrap: wrap; gap: 1.5em; align-items: center; }}
.{TRAINER_CLASS} .join-text {{ flex: 1 1 380px; min-width: 0; }}
.{TRAINER_CLASS} .qr {{ width: clamp(220px, 45vh, 560px); height: auto; image-rendering: pixelated; }}
.{TRAINER_CLASS} .join-row.compact .join-code {{ font-size: 2.4em; margin: 0; }}
.{TRAINER_CLASS} .join-row.compact .qr {{ width: 150px; }}
.{TRAINER_CLASS} .join-row.compact .join-text > div:not(.join-code):not(.lan-warning) {{ display: none; }}
.{TRAINER_CLASS} .join-row.compact .lan-warning p {{ display: none; }}
.{TRAINER_CLASS} .lan-warning {{ border: 3px solid #d97706; background: #fffbeb; color: #78350f; border-radius: 10px;
  padding: 0.6em 1em; font-size: 1.2em; margin: 0.4em 0; }}
.{TRAINER_CLASS} .lan-warning b {{ font-size: 1.2em; }}
.{TRAINER_CLASS} .caution {{ border-left: 4px solid #d97706; background: #fffbeb; padding: 0.4em 0.8em;
  margin: 0.4em 0; }}
.{TRAINER_CLASS} .confirm-close {{ border: 2px solid #dc2626; background: #fef2f2; border-radius: 10px;
  padding: 0.5em 1em; margin: 0.4em 0; }}
.{TRAINER_CLASS} .counts {{ font-size: 1.5em; margin: 0.3em 0; }}
.{TRAINER_CLASS} .counts b {{ font-size: 1.3em; color: #1e3a8a; }}
.{TRAINER_CLASS} .live-row {{ flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }}
.{TRAINER_CLASS} .live-row > * {{ flex: 1 1 420px; min-width: 0; }}
.{TRAINER_CLASS} .histogram {{ width: 100%; max-width: 640px; height: auto; }}
.{TRAINER_CLASS} table.grid {{ border-collapse: collapse; width: 100%; margin: 0.4em 0; font-size: 0.95em; }}
.{TRAINER_CLASS} table.grid th, .{TRAINER_CLASS} table.grid td {{ border-bottom: 1px solid #e5e7eb;
  padding: 0.3em 0.45em; text-align: left; vertical-align: top; }}
.{TRAINER_CLASS} table.grid td.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.{TRAINER_CLASS} .bar {{ background: #e5e7eb; border-radius: 4px; height: 1.1em; min-width: 90px; position: relative; }}
.{TRAINER_CLASS} .bar > span {{ display: block; height: 100%; border-radius: 4px; background: #16a34a; }}
.{TRAINER_CLASS} .bar.low > span {{ background: #dc2626; }}
.{TRAINER_CLASS} .bar.mid > span {{ background: #d97706; }}
.{TRAINER_CLASS} .missed {{ border: 2px solid #fca5a5; background: #fff7f7; border-radius: 10px;
  padding: 0.7em 1em; }}
.{TRAINER_CLASS} .missed .stem {{ font-size: 1.2em; font-weight: 700; }}
.{TRAINER_CLASS} blockquote {{ margin: 0.3em 0; padding: 0.3em 0.7em; border-left: 3px solid #93c5fd;
  background: #f8fafc; font-family: Georgia, 'Times New Roman', serif; }}
.{TRAINER_CLASS} .chips {{ display: flex; flex-wrap: wrap; gap: 0.35em; }}
.{TRAINER_CLASS} .chip {{ border: 1px solid #cbd5e1; border-radius: 999px; padding: 0.1em 0.7em; background: #f8fafc; }}
.{TRAINER_CLASS} .chip.done {{ background: #ecfdf5; border-color: #6ee7b7; }}
.{TRAINER_CLASS} .status-open {{ color: #15803d; font-weight: 700; }}
.{TRAINER_CLASS} .status-closed {{ color: #991b1b; font-weight: 700; }}
.{TRAINER_CLASS} .flag {{ color: #b91c1c; font-weight: 700; }}
.{TRAINER_CLASS} table.confusion td.hit {{ background: #dcfce7; }}
.{TRAINER_CLASS} table.confusion td.miss {{ background: #fee2e2; font-weight: 700; }}
.{TRAINER_CLASS} .scroll-x {{ overflow-x: auto; max-width: 100%; }}
.{TRAINER_CLASS} .toolbar {{ flex-wrap: wrap; gap: 0.4em; }}
.{TRAINER_CLASS} table.grid.options {{ width: auto; min-width: min(100%, 520px); }}
.{TRAINER_CLASS} .toolbar .widget-button {{ width: auto; padding: 0 1em; }}
.{TRAINER_CLASS} .reported {{ border: 1px solid #fca5a5; border-radius: 10px; padding: 0.6em 1em; margin: 0.7em 0; }}
.{TRAINER_CLASS} .reported .stem {{ font-size: 1.1em; font-weight: 700; }}
.{TRAINER_CLASS} .reported li.key {{ font-weight: 700; color: #15803d; }}
.{TRAINER_CLASS} .reported .note {{ font-style: italic; }}
.{TRAINER_CLASS} .done {{ background: #ecfdf5; border: 1px solid #6ee7b7; padding: 0.6em 0.8em; border-radius: 6px; }}
</style>"""


class TrainerApp(PasscodeLocked):
    """Passcode → create or reopen a session → join code, QR, live dashboard → close → item analysis."""

    def __init__(self, plan: Plan, questions, store: Store, gate: PasscodeGate | None = None,
                 env: Mapping[str, str] | None = None, bank_problems=(), quiz_dir: Path | str | None = None,
                 plans=()):
        self.plan, self.store = plan, store
        self._plans = tuple(plans) or (plan,)  # the picker is built once the page is unlocked
        self.quiz_dir = quiz_dir  # the banks' folder, whose retired.yaml “Ngừng dùng câu hỏi” writes
        self.all_questions = tuple(questions)
        self.questions = {q.id: q for q in self.all_questions}
        from toolkit.storage.sessions import SessionStore

        self.sessions = SessionStore(store)
        self.env = os.environ if env is None else env
        self.bank_problems = bank_problems
        self.current: str | None = None  # the session on screen
        self.revealed: str | None = None  # the question whose key the trainer chose to show
        self.join_compact: bool | None = None  # None: the page decides (big until answers come in)
        self._seen = None  # what the dashboard last showed, to skip unchanged ticks
        self._scores_seen = None  # the histogram is redrawn only when scores change

        self._init_lock("<p>Trang dành cho báo cáo viên. Nhập mã truy cập (do người quản trị máy chủ cung cấp; "
                        "lệnh <code>toolkit serve</code> in ra khi khởi động) để mở phiên và xem kết quả.</p>",
                        gate or PasscodeGate(store, "trainer", env))
        self.widget = widgets.VBox([widgets.HTML(TRAINER_CSS), self.error, self.body]).add_class(TRAINER_CLASS)

    @classmethod
    def from_environment(cls) -> "TrainerApp":
        """The page over the published plans, opened on the most recent or on `?plan=<key>`."""
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters
        from toolkit.storage.store import Store

        plans, plan = catalogue.opening(query_parameters().get("plan"))
        quiz_dir = catalogue.quiz_dir(plan)
        questions, problems = question_bank(plan, quiz_dir)
        return cls(plan, questions, Store(), bank_problems=problems, quiz_dir=quiz_dir, plans=plans)

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    def on_unlocked(self) -> None:
        self._build()
        self._show_home()

    # ---------------------------------------------------------------- building (only once unlocked)
    def _build(self) -> None:
        full = widgets.Layout(width="100%")
        # A new session is of the plan chosen here; the sessions and reports listed are that plan's.
        self.plan_picker = PlanPicker(self._plans, self.plan, on_change=self.on_plan)
        self.title = stacked(widgets.Text(description="Tên buổi tập huấn", layout=full, continuous_update=False,
                                           placeholder="VD: Tập huấn PBGDPL phường Ba Đình, 15/3"))
        self.topic = stacked(widgets.Dropdown(description="Chủ đề",
                                               options=topic_options(self.plan, self.all_questions), value="all",
                                               layout=full))
        self.count = stacked(widgets.Dropdown(description="Số câu hỏi", options=COUNTS, value=10, layout=full))
        self.mode = widgets.ToggleButtons(options=[(v, k) for k, v in MODES.items()], value="test",
                                          style={"button_width": "auto"})
        self.limit = stacked(widgets.Dropdown(description="Thời gian làm bài", options=[(b, a) for a, b in LIMITS],
                                               value=0, layout=full))
        self.show_rank = widgets.Checkbox(description="Học viên xem được thứ hạng của mình khi nộp bài",
                                          value=False, indent=False, layout=full)
        self.tie_break = widgets.Checkbox(description="Bằng điểm thì ai làm nhanh hơn xếp trên (mặc định: chỉ tính "
                                                      "số câu đúng, bằng điểm thì đồng hạng)",
                                          value=False, indent=False, layout=full)
        self.create = widgets.Button(description="Tạo phiên", button_style="primary", icon="plus")
        self.create.on_click(self.on_create)
        self.create_message = widgets.HTML("")
        self.history = stacked(widgets.Dropdown(description="Các phiên đã tạo", options=[], layout=full))
        self.open_history = widgets.Button(description="Mở bảng kết quả", icon="chart-bar")
        self.open_history.on_click(self.on_open_history)
        self.open_reports = widgets.Button(description="Câu hỏi bị báo lỗi", icon="flag",
                                           layout=widgets.Layout(width="auto"))
        self.open_reports.on_click(self.on_open_reports)
        notice = (alert("Một số ngân hàng câu hỏi soạn tay bị bỏ qua vì có lỗi: "
                         + "; ".join(str(p) for p in self.bank_problems)) if self.bank_problems else "")
        self.bank_notice = widgets.HTML(notice)
        self.home_box = widgets.VBox([
            *([self.plan_picker.box] if self.plan_picker.shown else []), self.bank_notice,
            widgets.HTML("<h3>Tạo phiên mới</h3><p class=\"muted\">Mọi học viên trong phiên làm cùng các câu "
                         "hỏi, mỗi người một thứ tự. Điểm tính theo số câu đúng.</p>"),
            self.title, self.topic, self.count, widgets.HTML("<b>Chế độ</b>"), self.mode, self.limit,
            self.show_rank, self.tie_break, self.create, self.create_message,
            widgets.HTML("<h3>Các phiên đã tạo</h3>"), self.history, self.open_history,
            widgets.HTML("<h3>Câu hỏi bị báo lỗi</h3><p class=\"muted\">Học viên bấm “Báo lỗi câu hỏi” sau khi trả "
                         "lời. Xem lại từng câu với đáp án và nguyên văn Kế hoạch; câu sai thì ngừng dùng.</p>"),
            self.open_reports,
        ]).add_class("form")
        self._build_reports()

        # the session on screen
        self.session_head = widgets.HTML("")
        self.refresh = widgets.Button(description="Cập nhật ngay", icon="sync")
        self.refresh.on_click(self.on_refresh)
        self.close_session = widgets.Button(description="Đóng phiên", button_style="danger", icon="lock")
        self.close_session.on_click(self.on_close)
        # Closing cannot be undone: it asks in a box of its own, with what it does, not by relabelling a button.
        self.close_question = widgets.HTML("")
        self.close_confirm = widgets.Button(description="Đóng phiên ngay", button_style="danger", icon="lock",
                                            layout=widgets.Layout(width="auto"))
        self.close_confirm.on_click(self.on_close_confirmed)
        self.close_cancel = widgets.Button(description="Chưa đóng", icon="times", layout=widgets.Layout(width="auto"))
        self.close_cancel.on_click(self.on_close_cancelled)
        self.close_box = widgets.VBox([self.close_question, widgets.HBox([self.close_confirm, self.close_cancel])
                                       .add_class("toolbar")], layout=widgets.Layout(display="none")
                                      ).add_class("confirm-close")
        self.join_size = widgets.Button(description="Thu gọn mã tham gia", icon="compress",
                                        layout=widgets.Layout(width="auto"))
        self.join_size.on_click(self.on_join_size)
        self.download = widgets.Button(description="Tải kết quả (Excel)", icon="download")
        self.download.on_click(self.on_download)
        self.export_names = widgets.RadioButtons(options=EXPORT_CHOICES, value=PSEUDONYMISED,
                                                 description="Tệp ghi người tham gia bằng",
                                                 style={"description_width": "auto"},
                                                 layout=widgets.Layout(width="auto"))
        self.export_names.observe(self.on_export_names, "value")
        self.back = widgets.Button(description="Về danh sách phiên", icon="arrow-left")
        self.back.on_click(self.on_back)
        self.hide_scores = widgets.Checkbox(description="Ẩn điểm từng người (khi chiếu lên màn hình)", value=False,
                                            indent=False, layout=widgets.Layout(width="auto"))
        self.hide_scores.observe(self.on_people_view, "value")
        self.everyone = widgets.Checkbox(description=EVERYONE, value=False, indent=False,
                                         layout=widgets.Layout(width="auto", display="none"))
        self.everyone.observe(self.on_people_view, "value")
        self.download_link = widgets.HTML("")
        self.join_text = widgets.HTML("").add_class("join-text")
        # Hidden until drawn: an empty Image shows as a broken-image icon.
        self.qr = widgets.Image(format="png", layout=widgets.Layout(display="none")).add_class("qr")
        self.join_row = widgets.HBox([self.join_text, self.qr]).add_class("join-row")
        self.counts = widgets.HTML("")
        self.histogram = widgets.Image(format="png", layout=widgets.Layout(display="none")).add_class("histogram")
        self.people = widgets.HTML("")
        self.live_row = widgets.HBox([widgets.VBox([widgets.HTML("<h3>Phân bố điểm</h3>"), self.histogram]),
                                      widgets.VBox([self.people, self.hide_scores, self.everyone])]
                                     ).add_class("live-row")
        self.per_question = widgets.HTML("")
        self.most_missed = widgets.HTML("")
        self.reveal_key = widgets.Button(description="Hiện đáp án", icon="eye", layout=widgets.Layout(
            width="auto", display="none"))
        self.reveal_key.on_click(self.on_reveal_key)
        self.analysis = widgets.HTML("")
        self.updated = widgets.HTML("")
        self.session_box = widgets.VBox([
            self.session_head,
            widgets.HBox([self.refresh, self.close_session, self.download, self.export_names, self.back,
                          self.join_size]).add_class("toolbar"),
            self.close_box, self.download_link, self.join_row, self.counts, self.live_row, self.most_missed,
            self.reveal_key, self.per_question, self.analysis, self.updated])

        # The ticker: its view must exist before `playing` turns true (the browser starts the timer on
        # that change), so it is displayed, hidden, from now on.
        self.ticker = widgets.Play(value=0, min=0, max=10**9, step=1, interval=TICK_MS, repeat=True,
                                   show_repeat=False, playing=False, layout=widgets.Layout(display="none"))
        self.ticker.observe(self.on_tick, "value")
        self.widget.children = [*self.widget.children, self.ticker]
        from toolkit.ui.privacy import TrainerPrivacy

        # Deleting personal data: one participant or a session's names (under the session), old data (home).
        self.privacy = TrainerPrivacy(self)
        self.session_box.children = (*self.session_box.children, self.privacy.session_part)
        self.home_box.children = (*self.home_box.children, self.privacy.home_part)
        from toolkit.ui.review import TrainerReviews

        # The participants' spaced review: a group of sessions or a unit (home).
        self.reviews = TrainerReviews(self)
        self.home_box.children = (*self.home_box.children, self.reviews.home_part)
        self._fill_history()

    def _build_reports(self) -> None:
        """The reported questions' screen: their list as HTML, and one form to retire one of them."""
        full = widgets.Layout(width="100%")
        self.reports_list = widgets.HTML("")
        self.retire_which = stacked(widgets.Dropdown(description="Câu hỏi ngừng dùng", options=[], layout=full))
        self.retire_reason = stacked(widgets.Textarea(
            description="Lý do (bắt buộc)", layout=full, continuous_update=False,
            placeholder="VD: Đáp án sai — Kế hoạch giao Sở Tư pháp chủ trì, không phải Sở Nội vụ."))
        self.retire_by = stacked(widgets.Text(description="Người quyết định", placeholder="Họ và tên", layout=full,
                                              continuous_update=False))
        self.retire = widgets.Button(description="Ngừng dùng câu hỏi", button_style="danger", icon="ban",
                                     layout=widgets.Layout(width="auto"))
        self.retire.on_click(self.on_retire)
        self.retire_message = widgets.HTML("")
        self.reports_back = widgets.Button(description="Về danh sách phiên", icon="arrow-left")
        self.reports_back.on_click(self.on_back)
        self.retire_form = widgets.VBox([
            widgets.HTML("<h3>Ngừng dùng câu hỏi</h3><p class=\"muted\">Câu hỏi ngừng dùng không còn xuất hiện ở "
                         "bài kiểm tra, phiên tập huấn hay tệp xuất nào, kể cả phiên đã tạo trước đó. Việc này được ghi "
                         f"vào <code>{esc(retired_name(self.quiz_dir))}</code>: hãy xem lại và commit "
                         "tệp đó trong git như các ngân hàng câu hỏi.</p>"),
            self.retire_which, self.retire_reason, self.retire_by, self.retire]).add_class("form")
        self.reports_box = widgets.VBox([
            widgets.HTML("<h2>Câu hỏi bị báo lỗi</h2>"), self.reports_back, self.retire_message, self.reports_list,
            self.retire_form])

    def _fill_history(self) -> None:
        sessions = self.sessions.all(plan=key_of(self.plan))
        self.history.options = [(self._session_label(s), s.code) for s in sessions]
        self.history.value = sessions[0].code if sessions else None
        self.open_history.disabled = not sessions
        if hasattr(self, "reviews"):
            self.reviews.fill()

    @staticmethod
    def _session_label(s: SessionRecord) -> str:
        state = "đang mở" if s.is_open else "đã đóng"
        return f"{s.created_at.astimezone(VIETNAM):%d/%m/%Y %H:%M} · {s.code} · {s.title} ({state})"

    def _show_home(self) -> None:
        self.current = None
        self.ticker.playing = False
        self._fill_history()
        reported = len(self._reported())
        self.open_reports.description = f"Câu hỏi bị báo lỗi ({reported})" if reported else "Câu hỏi bị báo lỗi"
        self._show(self.home_box)

    # ---------------------------------------------------------------- creating and opening
    @guarded("tạo phiên")
    @unlocked_only
    def on_create(self, _=None) -> None:
        # Widget values come from the browser: check them against what the page offers.
        topics = dict(self.topic.options)
        if self.topic.value not in topics.values() or self.count.value not in COUNTS \
                or self.mode.value not in MODES or self.limit.value not in dict(LIMITS):
            self.create_message.value = alert("Lựa chọn không hợp lệ; hãy chọn lại.")
            return
        try:
            session = self._create_session()
        except (InputError, QuizRuleError) as exc:
            self.create_message.value = alert(str(exc))
            return
        self.create_message.value = ""
        self.title.value = ""
        self._open(session.code)

    def _create_session(self) -> SessionRecord:
        from toolkit.quiz.workshop import create_session

        return create_session(self.store, self.plan, self.all_questions, title=self.title.value,
                              topic=self.topic.value, n=self.count.value, mode=self.mode.value,
                              time_limit_s=(self.limit.value or 0) * 60 or None,
                              show_rank=bool(self.show_rank.value), tie_break_time=bool(self.tie_break.value),
                              retired=retired_ids(self.quiz_dir))

    @guarded("mở phiên")
    @unlocked_only
    def on_open_history(self, _=None) -> None:
        if self.history.value:
            self._open(self.history.value)

    @guarded("quay lại danh sách phiên")
    @unlocked_only
    def on_back(self, _=None) -> None:
        self._show_home()

    def _open(self, code: str) -> None:
        session = self.sessions.get(code)
        if session is None:
            self.create_message.value = alert("Không còn phiên này.")
            return
        self.current = None  # what is reset below is not a refresh of the session being left
        self.everyone.value = False  # each session opens on the top of its list
        self.current, self.revealed, self.join_compact = session.code, None, None
        self._seen = self._scores_seen = None
        self.download_link.value = ""
        self.analysis.value = ""
        self._ask_to_close(False)
        url, warning = join_url(session.code, self.env)
        # A QR code phones cannot open is worse than none: with a warning, the warning takes its place.
        self.join_text.value = (
            '<div class="muted">Mã tham gia phiên</div>'
            f'<div class="join-code" aria-label="Mã phiên">{esc(session.code)}</div>'
            + (f'<div class="lan-warning" role="alert"><b>⚠ Chưa có mã QR cho điện thoại</b><p>{esc(warning)}</p>'
               f'<p>Địa chỉ hiện tại: <span class="join-url">{esc(url)}</span></p></div>' if warning else
               '<div>Học viên quét mã QR, hoặc mở trang <b>“Tham gia phiên tập huấn”</b> và nhập mã trên. '
               f'Địa chỉ:</div><div class="join-url">{esc(url)}</div>'))
        if warning:
            self.qr.layout.display = "none"
        else:
            self.qr.value = qr_png(url)
            self.qr.layout.display = None
        self.privacy.show_session(session.code)
        self._show(self.session_box)
        self._refresh(force=True)

    # ---------------------------------------------------------------- live dashboard
    @guarded("cập nhật bảng kết quả")
    @unlocked_only
    def on_tick(self, _=None) -> None:
        if self.current is not None:
            self._refresh()

    @guarded("cập nhật bảng kết quả")
    @unlocked_only
    def on_refresh(self, _=None) -> None:
        if self.current is not None:
            self._refresh(force=True)

    @guarded("đổi cách hiển thị")
    @unlocked_only
    def on_people_view(self, _=None) -> None:
        if self.current is not None:
            self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        code = self.current
        session = self.sessions.get(code)
        attempts = self.sessions.attempts(code)
        # One aggregate query tells whether anything changed; the rest runs only if it did.
        seen = (session.status, tuple((a.id, a.answered, a.points, a.finished_at is not None)
                                      for a in attempts))
        now_text = f"{_now_vn():%H:%M:%S}"
        if not force and seen == self._seen:
            return
        self._seen = seen
        data = dashboard(self.store, self.plan, self.questions, code, retired_ids(self.quiz_dir))
        state = ('<span class="status-open">đang mở</span>' if session.is_open
                 else f'<span class="status-closed">đã đóng lúc {session.closed_at.astimezone(VIETNAM):%H:%M}</span>')
        self.session_head.value = (f"<h2>{esc(session.title)}</h2><p>Phiên {esc(session.code)} · {state} · "
                                   f"{data['total']} câu · {esc(MODES[session.mode])}"
                                   + (f" · {session.time_limit_s // 60} phút" if session.time_limit_s else "")
                                   + " · " + ("bằng điểm thì xét thời gian" if session.tie_break_time
                                              else "chỉ tính số câu đúng")
                                   + "</p>")
        self.close_session.layout.display = None if session.is_open else "none"
        if not session.is_open:
            self._ask_to_close(False)
        self.join_row.layout.display = None if session.is_open else "none"
        self.join_size.layout.display = None if session.is_open else "none"
        # The join code fills the wall while the room joins; once answers come in, the live results need
        # the space (above the fold of a 1280×900 projector), unless the trainer chose a size.
        compact = self.join_compact if self.join_compact is not None else any(a.answered for a in attempts)
        self._set_join_compact(compact)
        self.counts.value = (f'<div class="counts">Đã tham gia: <b>{data["joined"]}</b> · Đã nộp bài: '
                             f'<b>{data["finished"]}</b> · Đang làm: <b>{data["joined"] - data["finished"]}</b></div>')
        scores = sorted(data["scores"])
        if scores != self._scores_seen:
            self._scores_seen = scores
            if scores:
                self.histogram.value = score_histogram(scores, data["total"])
                self.histogram.layout.display = None
            else:
                self.histogram.layout.display = "none"
        self.people.value = self._people_html(data)
        self.per_question.value = self._per_question_html(data)
        self.most_missed.value = self._most_missed_html(data)
        if session.is_open:
            self.analysis.value = ""
        elif not self.analysis.value:
            self.analysis.value = self._analysis_html(code)
        self.ticker.playing = session.is_open
        self.updated.value = (f'<p class="muted">Cập nhật lúc {now_text}'
                              + (f"; tự động mỗi {TICK_MS // 1000} giây." if session.is_open else ".") + "</p>")

    def _people_html(self, data: dict) -> str:
        rows = data["standings"]
        large = len(rows) > PEOPLE_SHOWN
        self.everyone.layout.display = None if large else "none"
        if not rows:
            return "<h3>Người tham gia</h3><p class=\"muted\">Chưa có ai tham gia.</p>"
        total, hidden = data["total"], self.hide_scores.value
        if hidden:  # in the order people joined: the order of the standings would tell the scores
            rows = sorted(rows, key=lambda s: s.attempt_id or 0)
        if large and not self.everyone.value:
            rows = rows[-PEOPLE_SHOWN:] if hidden else rows[:PEOPLE_SHOWN]
        more = len(data["standings"]) - len(rows)
        rest = ""
        if more:
            # Not “ranked below”: at the start everyone has 0 points and shares the first rank.
            rest = (f"Trên đây là {len(rows)} người tham gia gần đây nhất; còn {more} người khác." if hidden
                    else f"Trên đây là {len(rows)} người đứng đầu; còn {more} người khác.")
            rest = (f'<p class="muted more-people">{rest} Chọn ô “{EVERYONE}” hoặc bấm “Tải kết quả (Excel)” '
                    "để xem tất cả.</p>")
        title = f"<h3>Người tham gia ({len(data['standings'])})</h3>"
        if hidden:
            chips = "".join(f'<span class="chip{" done" if s.finished else ""}">{esc(s.name)}</span>' for s in rows)
            return f'{title}<div class="chips">{chips}</div>{rest}'
        body = "".join(
            f"<tr><td class=\"n\">{s.rank}</td><td>{esc(s.name)}</td><td>{esc(unit_label(self.plan, s.unit_key))}</td>"
            f'<td class="n">{s.answered}/{total}</td><td class="n">{number(s.points)}</td>'
            f"<td>{'đã nộp' if s.finished else 'đang làm'}</td></tr>" for s in rows)
        return (f"{title}<div class=\"scroll-x\"><table class=\"grid people\">"
                "<tr><th>Hạng</th><th>Họ và tên</th><th>Đơn vị</th><th>Đã trả lời</th><th>Điểm</th>"
                f"<th>Trạng thái</th></tr>{body}</table></div>{rest}")

    @staticmethod
    def _bar(share) -> str:
        if share is None:
            return '<span class="muted">chưa có ai trả lời</span>'
        level = "low" if share < 0.5 else "mid" if share < 0.75 else ""
        return (f'<div class="bar {level}" title="{percent(share)}"><span style="width:{100 * share:.0f}%"></span></div>'
                f"{percent(share)}")

    def _per_question_html(self, data: dict) -> str:
        rows = "".join(
            f"<tr><td class=\"n\">{q['number']}</td><td>{esc(_short(q['stem'], 140))}</td>"
            f"<td class=\"n\">{q['answered']}</td><td>{self._bar(q['share_correct'])}</td></tr>"
            for q in data["per_question"])
        return ("<h3>Tỉ lệ trả lời đúng từng câu</h3><div class=\"scroll-x\"><table class=\"grid per-question\">"
                "<tr><th>Câu</th><th>Nội dung</th><th>Đã trả lời</th><th style=\"min-width:160px\">Đúng</th></tr>"
                f"{rows}</table></div>")

    def _most_missed_html(self, data: dict) -> str:
        m = data["most_missed"]
        self.reveal_key.layout.display = "none"
        if not m:
            self.revealed = None
            return ""
        head = (f'<div class="missed"><h3>Câu nhiều người sai nhất: câu {m["number"]} '
                f"({percent(m['share_correct'])} trả lời đúng, {m['answered']}/{data['joined']} người đã trả lời)</h3>"
                f'<div class="stem">{esc(m["stem"])}</div>')
        if not m["key_may_show"]:
            session = data["session"]
            why = ("Chế độ kiểm tra: đáp án chỉ hiện khi phiên đã đóng, để màn hình chiếu không lộ đáp án cho người "
                   "đang làm bài." if session.mode == "test" else
                   "Đáp án hiện được khi mọi người trong phiên đã trả lời câu này.")
            return head + f'<p class="muted">{why}</p></div>'
        if self.revealed != m["question_id"]:
            self.reveal_key.layout.display = None
            return head + "</div>"
        return (head + f"<p><b>Đáp án đúng:</b> {esc(m['correct'])}</p>"
                f"<p><b>Giải thích:</b> {esc(m['explanation'])}</p>"
                f"<p><b>Nguyên văn Kế hoạch:</b></p><blockquote>{esc(m['source'])}</blockquote></div>")

    @guarded("hiện đáp án")
    @unlocked_only
    def on_reveal_key(self, _=None) -> None:
        if self.current is None:
            return
        data = dashboard(self.store, self.plan, self.questions, self.current, retired_ids(self.quiz_dir))
        m = data["most_missed"]
        # The kernel checks again: the browser can click a hidden button.
        if m and m["key_may_show"]:
            self.revealed = m["question_id"]
        self.most_missed.value = self._most_missed_html(data)

    @guarded("đổi cỡ mã tham gia")
    @unlocked_only
    def on_join_size(self, _=None) -> None:
        self.join_compact = "compact" not in self.join_row._dom_classes
        self._set_join_compact(self.join_compact)

    def _set_join_compact(self, compact: bool) -> None:
        if compact:
            self.join_row.add_class("compact")
        else:
            self.join_row.remove_class("compact")
        self.join_size.description = "Phóng to mã tham gia" if compact else "Thu gọn mã tham gia"
        self.join_size.icon = "expand" if compact else "compress"

    # ---------------------------------------------------------------- after the round
    def _analysis_html(self, code: str) -> str:
        import pandas as pd

        from toolkit.quiz import analytics
        from toolkit.quiz.workshop import responses_frame

        served = served_ids(self.sessions.get(code), self.questions, retired_ids(self.quiz_dir))
        frame = responses_frame(self.store, code, set(served))
        if frame.empty:
            return "<h3>Phân tích câu hỏi</h3><p class=\"muted\">Phiên không có câu trả lời nào.</p>"
        stats = analytics.session_statistics(frame)
        items = analytics.item_statistics(frame)
        order = {qid: i for i, qid in enumerate(served, start=1)}
        item_rows = "".join(
            f"<tr><td class=\"n\">{order.get(qid, '')}</td><td>{esc(_short(self.questions[qid].stem, 120))}</td>"
            f"<td class=\"n\">{int(r['n'])}</td><td class=\"n\">{percent(r['facility'])}</td>"
            f"<td class=\"n\">{number(r['discrimination'])}</td><td class=\"n\">{number(r['point_biserial'])}</td>"
            f"<td>{FLAG_HTML if r['flag'] else ''}</td></tr>"
            for qid, r in sorted(items.iterrows(), key=lambda x: order.get(x[0], 0)))
        distractors = analytics.distractor_table(frame, self.questions)
        dist_html = []
        for qid in sorted(distractors["question_id"].unique(), key=lambda q: order.get(q, 0)):
            if self.questions[qid].type == "matching":
                continue  # every option is chosen once per person: the confusion matrix below says more
            rows = distractors[distractors["question_id"] == qid].sort_values("count", ascending=False)
            opts = "".join(f"<tr><td>{'✔ ' if k else ''}{esc(_short(t, 110))}</td><td class=\"n\">{int(c)}</td>"
                           f"<td class=\"n\">{percent(s)}</td></tr>"
                           for t, c, s, k in zip(rows["text"], rows["count"], rows["share"], rows["is_key"]))
            dist_html.append(f"<p><b>Câu {order.get(qid, '')}.</b> {esc(_short(self.questions[qid].stem, 160))}</p>"
                             f'<table class="grid options"><tr><th>Phương án</th><th>Số lần chọn</th><th>Tỉ lệ</th></tr>'
                             f"{opts}</table>")
        here = analytics.agency_confusion(frame, self.questions, self.plan)
        everywhere = self._all_sessions_confusion(pd)
        alpha = stats["alpha"]
        return (
            "<h3>Phân tích sau buổi tập huấn</h3>"
            f"<p>{stats['participants']} người, {stats['items']} câu · Điểm trung bình: <b>{percent(stats['mean'])}</b> · "
            f"Trung vị: <b>{percent(stats['median'])}</b> · Hệ số tin cậy Cronbach's alpha: <b>{number(alpha)}</b></p>"
            + (f'<div class="caution" role="note">⚠ {esc(caution)}</div>'
               if (caution := analytics.small_group_caution(stats["participants"])) else "") +
            '<p class="muted">Độ khó = tỉ lệ trả lời đúng; độ phân biệt D = tỉ lệ đúng của 27% người điểm cao nhất trừ '
            "27% thấp nhất; r = tương quan giữa câu và tổng điểm các câu còn lại. Câu có D hoặc r dưới 0,10 được "
            "đánh dấu để xem lại cách hỏi.</p>"
            '<div class="scroll-x"><table class="grid items"><tr><th>Câu</th><th>Nội dung</th><th>Số người</th>'
            "<th>Độ khó (tỉ lệ đúng)</th><th>Độ phân biệt D</th><th>r điểm-nhị phân</th><th></th></tr>"
            f"{item_rows}</table></div>"
            "<h3>Các phương án đã chọn</h3>" + "".join(dist_html)
            + "<h3>Nhầm lẫn cơ quan trong phiên này</h3>" + _confusion_html(here)
            + "<h3>Nhầm lẫn cơ quan qua tất cả các phiên tập huấn</h3>" + _confusion_html(everywhere))

    def _all_sessions_confusion(self, pd):
        from toolkit.quiz import analytics

        rows = [r for r in self.store.results(plan=key_of(self.plan)) if r.session_code]  # this plan's questions
        if not rows:
            return pd.DataFrame()
        return analytics.agency_confusion(analytics.answers_frame(rows), self.questions, self.plan)

    # ---------------------------------------------------------------- closing and downloading
    @guarded("đóng phiên")
    @unlocked_only
    def on_close(self, _=None) -> None:
        if self.current is None:
            return
        attempts = self.sessions.attempts(self.current)
        working = sum(1 for a in attempts if a.finished_at is None)
        self.close_question.value = (
            "<h3>Đóng phiên này?</h3><p>Sau khi đóng, không ai tham gia hay trả lời thêm được, và không mở lại được. "
            + (f"<b>{working} người chưa nộp bài</b>: bài của họ được tính với các câu đã trả lời." if working
               else "Mọi người tham gia đã nộp bài.") + "</p>")
        self._ask_to_close(True)

    @guarded("đóng phiên")
    @unlocked_only
    def on_close_confirmed(self, _=None) -> None:
        if self.current is None:
            return
        self.sessions.close(self.current)
        self._ask_to_close(False)
        self._refresh(force=True)

    @guarded("đóng phiên")
    @unlocked_only
    def on_close_cancelled(self, _=None) -> None:
        self._ask_to_close(False)

    def _ask_to_close(self, asking: bool) -> None:
        self.close_box.layout.display = None if asking else "none"
        self.close_session.disabled = asking

    @guarded("tạo tệp Excel")
    @unlocked_only
    def on_download(self, _=None) -> None:
        if self.current is None:
            return
        choice = self.export_names.value
        # The value comes from the browser: anything but the two choices is refused, not read as one.
        if choice not in (PSEUDONYMISED, NAMED):
            self.download_link.value = alert("Hãy chọn cách ghi người tham gia trong tệp.")
            return
        named = choice == NAMED
        data = session_workbook(self.store, self.plan, self.questions, self.current, retired_ids(self.quiz_dir),
                                names=named)
        self.download_link.value = download_link(
            data, f"phien-{self.current}-{choice}.xlsx", "xlsx",
            f"Lưu tệp Excel kết quả phiên {self.current} ({'có họ tên' if named else 'ẩn danh'})")

    @guarded("đổi cách ghi người tham gia")
    @unlocked_only
    def on_export_names(self, _=None) -> None:
        # A file made with the other choice must not be saved by mistake.
        self.download_link.value = ""


    # ---------------------------------------------------------------- reported questions
    def _reported(self) -> list[ReportedQuestion]:
        return reported_questions(self.store, self.all_questions, retired_ids(self.quiz_dir), plan=key_of(self.plan))

    @guarded("mở danh sách câu hỏi bị báo lỗi")
    @unlocked_only
    def on_open_reports(self, _=None) -> None:
        self.current = None
        self.ticker.playing = False
        self.retire_message.value = ""
        self._show_reports()

    def _show_reports(self) -> None:
        items = self._reported()
        shown = items[:REPORTS_SHOWN]
        more = len(items) - len(shown)
        self.reports_list.value = (
            ('<p class="muted">Chưa có câu hỏi nào bị báo lỗi.</p>' if not items else
             f"<p>{len(items)} câu hỏi bị báo lỗi, câu nhiều người báo nhất trước.</p>")
            + "".join(_reported_html(i, r, self.plan) for i, r in enumerate(shown, start=1))
            + (f'<p class="muted">… và {more} câu khác: xem hết bằng lệnh <code>toolkit questions reports</code>.</p>'
               if more else ""))
        choices = [(f"{i}. {_short(r.question.stem, 90)} ({r.reports.count} người báo)", r.question.id)
                   for i, r in enumerate(shown, start=1) if r.question is not None]
        self.retire_which.options = choices
        self.retire_which.value = choices[0][1] if choices else None
        self.retire_form.layout.display = None if choices else "none"
        self._show(self.reports_box)

    @guarded("ngừng dùng câu hỏi")
    @unlocked_only
    def on_retire(self, _=None) -> None:
        qid = self.retire_which.value
        # The value comes from the browser: only a question this page listed can be retired from here.
        offered = {value for _label, value in self.retire_which.options}
        if qid not in offered or qid not in self.questions:
            self.retire_message.value = alert("Hãy chọn một câu hỏi trong danh sách.")
            return
        stem = self.questions[qid].stem
        try:
            entry = retire_question(self.plan, qid, self.retire_reason.value, self.retire_by.value, self.quiz_dir)
        except InputError as exc:
            self.retire_message.value = alert(str(exc))
            return
        except DataError as exc:
            self.retire_message.value = alert("Chưa ghi được, danh sách câu hỏi ngừng dùng có lỗi: "
                                              + "; ".join(str(p) for p in exc.problems))
            return
        self._reload_bank()
        self.retire_reason.value = ""
        self._show_reports()
        self.retire_message.value = (
            f'<div class="done" role="status">Đã ngừng dùng câu hỏi “{esc(_short(stem, 120))}” '
            f"(<code>{esc(entry.id)}</code>): từ giờ không bài kiểm tra, phiên tập huấn hay tệp xuất nào dùng câu này. "
            f"Đã ghi vào <code>{esc(retired_name(self.quiz_dir))}</code>; hãy xem lại và commit tệp "
            "này trong git như các ngân hàng câu hỏi.</div>")

    @guarded("mở kế hoạch đã chọn")
    @unlocked_only
    def on_plan(self, plan: Plan) -> None:
        """Another plan: its questions and topics, its sessions and reported questions."""
        from toolkit.plan import catalogue

        self.plan, self.quiz_dir = plan, catalogue.quiz_dir(plan)
        self._reload_bank()
        self._build_reports()  # it names the plan's retired list
        self._show_home()

    def _reload_bank(self) -> None:
        """The bank as it is now on disk (without what was just retired), for everything this page does next."""
        questions, problems = question_bank(self.plan, self.quiz_dir)
        self.all_questions = tuple(questions)
        self.questions = {q.id: q for q in self.all_questions}
        self.bank_problems = problems
        self.bank_notice.value = (alert("Một số ngân hàng câu hỏi soạn tay bị bỏ qua vì có lỗi: "
                                        + "; ".join(str(p) for p in problems)) if problems else "")
        topic = self.topic.value
        self.topic.options = topic_options(self.plan, self.all_questions)
        self.topic.value = topic if topic in dict(self.topic.options).values() else "all"


def _reported_html(number_: int, item: ReportedQuestion, plan: Plan) -> str:
    """One reported question for the trainer: who reported it and why, then the question with its key."""
    r, q = item.reports, item.question
    people = f"{r.count} người báo lỗi, lần gần nhất {esc(local_time(r.latest_at))}"
    notes = "".join(f'<li><span class="note">“{esc(n.note)}”</span> — {esc(n.name)} '
                    f"({esc(plan.units[n.unit_key].name if n.unit_key in plan.units else 'Đơn vị khác')}), "
                    f"{esc(local_time(n.at))}</li>" for n in r.notes)
    notes_html = (f"<p><b>Ghi chú của học viên</b> (mới nhất trước):</p><ul>{notes}</ul>" if notes
                  else '<p class="muted">Không ai để lại ghi chú.</p>')
    if q is None:
        return (f'<div class="reported"><div class="stem">{number_}. Câu hỏi <code>{esc(r.question_id)}</code></div>'
                f'<p class="muted">{people}. Câu này không còn trong ngân hàng câu hỏi (ngân hàng chứa nó đang bị bỏ '
                f"qua vì lỗi).</p>{notes_html}</div>")
    return (f'<div class="reported"><div class="stem">{number_}. {esc(q.stem)}</div>'
            f'<p class="muted">{people} · mã <code>{esc(q.id)}</code> · {esc(_origin(q))}</p>'
            f"{notes_html}{_key_html(q)}"
            f"<p><b>Giải thích:</b> {esc(q.explanation)}</p>"
            f"<p><b>Nguyên văn Kế hoạch:</b></p><blockquote>{esc(q.source)}</blockquote></div>")


def _origin(q: Question) -> str:
    where = f"ngân hàng soạn tay “{q.bank_title or q.bank}”" if q.bank else f"sinh từ Kế hoạch (mẫu {q.template})"
    return where + (f" · nhiệm vụ {', '.join(q.task_ids)}" if q.task_ids else "")


def _key_html(q: Question) -> str:
    title = {"text": "Đáp án được chấp nhận", "matching": "Ghép đúng"}.get(q.type, "Phương án (✔ là đáp án đúng)")
    items = "".join(f'<li class="{"key" if right else ""}">{"✔ " if right else ""}{esc(text)}</li>'
                    for text, right in key_view(q))
    return f"<p><b>{title}:</b></p><ul>{items}</ul>"


def _now_vn():
    from toolkit.storage.records import now

    return now().astimezone(VIETNAM)


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _confusion_html(matrix) -> str:
    """The agency-confusion matrix as a table (right answers on the diagonal) and its largest mistakes."""
    from toolkit.quiz.analytics import top_confusions

    if matrix is None or matrix.empty:
        return '<p class="muted">Chưa có câu hỏi nào về cơ quan chủ trì được trả lời.</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in matrix.columns)
    body = "".join(
        f"<tr><th>{esc(r)}</th>" + "".join(
            f'<td class="n {"hit" if r == c and v else "miss" if v else ""}">{int(v) if v else ""}</td>'
            for c, v in zip(matrix.columns, matrix.loc[r])) + "</tr>"
        for r in matrix.index)
    top = top_confusions(matrix, 5)
    worst = ("<p>Nhầm nhiều nhất: " + "; ".join(f"{esc(a)} → {esc(b)} ({n} lần)" for a, b, n in top) + "</p>") if top \
        else "<p>Không có nhầm lẫn nào.</p>"
    return (f'{worst}<div class="scroll-x"><table class="grid confusion"><tr><th>Đáp án đúng ↓ / Đã chọn →</th>'
            f"{head}</tr>{body}</table></div>")
