"""“Ôn tập hôm nay” on the quiz page (`DailyReview`) and the trainer's view of a group's reviews (`TrainerReviews`).

The officer opens their review with the personal code the results screen gave them (typed, or from the
link's `?code=`), checked in the kernel through the code's lockout (PersonalCodeGate). The page then knows
one participant id and reads only that officer's states and log; nothing else is ever loaded.

A day's review is a quiz attempt of one question per card of the day's queue (toolkit.review.session),
answered on the quiz's own `AnswerScreens`: the same question, the same feedback with the plan's words,
the key kept in the kernel until the answer is stored. Each answer is stored with its review in one
transaction (toolkit.storage.reviews.record_answer) before the feedback is put on the page, so a page
closed or a kernel lost mid-review loses nothing: the code opens the same attempt where it stood.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Callable, Mapping

import ipywidgets as widgets

from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.attempt import QuizRun, Summary
from toolkit.storage.records import InputError, Participant, now
from toolkit.ui.answering import AnswerScreens, with_screens
from toolkit.ui.common import alert, download_link, error_box, esc, guarded, stacked, unlocked_only
from toolkit.vietnamese import percent

if TYPE_CHECKING:
    from toolkit.review.cards import Deck
    from toolkit.storage.store import Store

INTRO = ("<h3>Ôn tập hôm nay</h3><p>Nhập <b>mã cá nhân</b> hiện trên màn hình kết quả khi bạn nộp bài (hoặc mở "
         "liên kết đi kèm mã). Mỗi ngày trang này hỏi lại những nội dung của Kế hoạch bạn sắp quên (thẻ đến hạn), "
         "rồi vài nội dung mới. Mọi câu bạn trả lời, ở bài kiểm tra, buổi tập huấn hay ở đây, đều được tính để "
         "xếp lịch ôn.</p>")
REVIEW_CSS = """<style>
.daily-review .day-figures { display: flex; flex-wrap: wrap; gap: 0.6em 1.4em; margin: 0.4em 0; }
.daily-review .day-figures b { font-size: 1.5em; color: #1e3a8a; }
.daily-review .toolbar { flex-wrap: wrap; gap: 0.4em; align-items: flex-end; }
.daily-review .toolbar .widget-button { width: auto; padding: 0 1em; }
.daily-review .cap .widget-text { width: 9em; }
</style>"""


def _deck(plan: Plan, questions, quiz_dir) -> "Deck":
    from toolkit.quiz.retired import retired_ids
    from toolkit.review.cards import build_deck

    retired = retired_ids(quiz_dir)
    return build_deck(plan, [q for q in questions if q.id not in retired])


@with_screens
class DailyReview:
    """Code → the day's figures and cap → the day's reviews → done; one instance per quiz page."""

    def __init__(self, plan: Plan, questions, store: Store, *, gate=None, env: Mapping[str, str] | None = None,
                 clock: Callable[[], datetime] = now, lang: str = "vi", quiz_dir=None,
                 on_leave: Callable[[], None] | None = None):
        self.plan, self.store, self.clock, self.lang, self.quiz_dir = plan, store, clock, lang, quiz_dir
        self.all_questions = tuple(questions)
        self._gate, self.env = gate, env
        self._deck: Deck | None = None
        self.officer: Participant | None = None  # the code's owner, known only in the kernel
        self.error = error_box()
        full = widgets.Layout(width="100%")

        self.code = stacked(widgets.Text(description="Mã cá nhân", placeholder="VD: ABCD-EFGH-JKLM", layout=full,
                                         continuous_update=False))
        self.open = widgets.Button(description="Mở ôn tập hôm nay", button_style="primary", icon="calendar-check",
                                   layout=widgets.Layout(width="auto"))
        self.open.on_click(self.on_open)
        self.gate_message = widgets.HTML("")
        self.back = widgets.Button(description="Về trang làm bài", icon="arrow-left", layout=widgets.Layout(
            width="auto", display=None if on_leave else "none"))
        self.back.on_click(self.on_back)
        self._on_leave = on_leave
        self.code_box = widgets.VBox([widgets.HTML(INTRO), self.code,
                                      widgets.HBox([self.open, self.back]).add_class("toolbar"), self.gate_message])

        self.day = widgets.HTML("")
        self.day_progress = widgets.IntProgress(min=0, max=1, value=0, layout=full)
        self.start = widgets.Button(description="Bắt đầu ôn tập", button_style="primary", icon="play",
                                    layout=widgets.Layout(width="auto"))
        self.start.on_click(self.on_start)
        self.cap = widgets.Text(description="Số thẻ mới mỗi ngày", continuous_update=False,
                                style={"description_width": "auto"}, layout=widgets.Layout(width="auto"))
        self.save_cap = widgets.Button(description="Lưu", icon="save", layout=widgets.Layout(width="auto"))
        self.save_cap.on_click(self.on_save_cap)
        self.cap_message = widgets.HTML("")
        self.leave = widgets.Button(description="Thoát ôn tập", icon="sign-out-alt", layout=widgets.Layout(width="auto"))
        self.leave.on_click(self.on_leave)
        self.day_box = widgets.VBox([self.day, self.day_progress,
                                     widgets.HBox([self.start, self.leave]).add_class("toolbar"),
                                     widgets.HBox([self.cap, self.save_cap]).add_class("toolbar").add_class("cap"),
                                     self.cap_message])

        self.after = widgets.HTML("")
        self.to_day = widgets.Button(description="Về trang ôn tập hôm nay", icon="calendar-check",
                                     layout=widgets.Layout(width="auto"))
        self.to_day.on_click(self.on_to_day)
        self.screens = AnswerScreens(self.error, show=self._show, on_finished=self._finished, lang=lang,
                                     results_below=[self.after, self.to_day])
        self.body = widgets.VBox([self.code_box])
        self.widget = widgets.VBox([widgets.HTML(REVIEW_CSS), self.screens.top, self.error, self.body]
                                   ).add_class("daily-review")

    # ---------------------------------------------------------------- helpers
    @property
    def gate(self):
        if self._gate is None:
            from toolkit.serving.personal_code import PersonalCodeGate

            self._gate = PersonalCodeGate(self.store, self.env)
        return self._gate

    @property
    def deck(self) -> "Deck":
        if self._deck is None:
            self._deck = _deck(self.plan, self.all_questions, self.quiz_dir)
        return self._deck

    def _reviews(self):
        from toolkit.storage.reviews import ReviewStore

        return ReviewStore(self.store, plan=key_of(self.plan))  # the cards are this plan's facts

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    def today(self):
        """The officer's day (toolkit.review.today) from what is stored now."""
        from toolkit.review.days import day_start, vietnam_day
        from toolkit.review.today import today

        at = self.clock()
        reviews = self._reviews()
        pid = self.officer.id
        return today(self.deck, reviews.memories(pid), at, new_per_day=reviews.new_per_day(pid),
                     log=reviews.log(pid, since=day_start(vietnam_day(at))))

    def _open_attempt(self):
        """Today's unfinished review attempt, if any; earlier days' unfinished ones are closed (their answers stay)."""
        from toolkit.quiz.assembly import REVIEW_TOPIC
        from toolkit.review.days import vietnam_day
        from toolkit.review.session import review_topic

        topic = review_topic(vietnam_day(self.clock()))
        found = None
        for a in self.store.open_attempts(self.officer.id, plan=key_of(self.plan)):
            if a.topic == topic and found is None:
                found = a
            elif a.topic.partition(":")[0] == REVIEW_TOPIC and a.topic != topic:
                self.store.finish_attempt(a.id)
        return found

    # ---------------------------------------------------------------- the code
    def open_with(self, code: str) -> None:
        """Arrived with the results screen's link (`?code=`): the same check, the same lockout, as typing it."""
        self.code.value = code
        self.on_open()

    @guarded("mở ôn tập hôm nay")
    def on_open(self, _=None) -> None:
        typed, self.code.value = self.code.value, ""  # the code does not stay in the page's widgets
        self.officer = None
        self.screens.close()
        ok, message = self.gate.check(typed)
        if not ok:
            self.gate_message.value = alert(message)
            return
        self.officer = self.gate.participant
        self.gate_message.value = ""
        self.show_day()

    @guarded("quay lại trang làm bài")
    def on_back(self, _=None) -> None:
        if self._on_leave:
            self._on_leave()

    @guarded("thoát ôn tập")
    def on_leave(self, _=None) -> None:
        self.officer = None
        self.screens.close()
        self.day.value = self.after.value = self.cap_message.value = ""
        self._show(self.code_box)

    # ---------------------------------------------------------------- the day
    def show_day(self) -> None:
        if self.officer is None:
            self._show(self.code_box)
            return
        t = self.today()
        waiting = self._open_attempt()
        left_in_attempt = 0
        if waiting is not None:
            left_in_attempt = len(waiting.items) - len(self.store.responses(waiting.id))
        self.day.value = day_html(self.officer.name, t, left_in_attempt)
        self.day_progress.max, self.day_progress.value = max(1, t.total), t.done
        self.start.description = "Làm tiếp phần ôn đang dở" if left_in_attempt else "Bắt đầu ôn tập"
        self.start.disabled = not (t.remaining or left_in_attempt)
        self.start.layout.display = None if (t.remaining or left_in_attempt) else "none"
        self.cap.value = str(t.new_per_day)
        self._show(self.day_box)

    @guarded("lưu số thẻ mới mỗi ngày")
    def on_save_cap(self, _=None) -> None:
        if self.officer is None:
            return
        try:
            n = self._reviews().set_new_per_day(self.officer.id, self.cap.value)
        except InputError as exc:
            self.cap_message.value = alert(exc)
            return
        self.show_day()
        self.cap_message.value = f'<div class="muted" role="status">✔ Đã lưu: tối đa {n} thẻ mới mỗi ngày.</div>'

    @guarded("bắt đầu ôn tập")
    def on_start(self, _=None) -> None:
        if self.officer is None:
            return
        from toolkit.review.days import vietnam_day
        from toolkit.review.session import last_questions, review_items, review_topic

        questions = dict(self.deck.questions)
        waiting = self._open_attempt()
        if waiting is not None:
            run = QuizRun.resume(self.store, waiting.id, questions, self.plan, clock=self.clock)
        else:
            t = self.today()
            if not t.remaining:
                self.show_day()
                return
            day = vietnam_day(self.clock())
            items = review_items(self.deck, t.queue, str(self.officer.id), day,
                                 last_questions(self._reviews().log(self.officer.id)))
            record = self.store.create_attempt(
                self.officer.id, review_topic(day), "practice",
                [{"q": i.question_id, "o": list(i.option_order), "r": list(i.row_order)} for i in items], 0,
                plan=key_of(self.plan))
            run = QuizRun(self.store, record, questions, self.plan, clock=self.clock)
        self.after.value = ""
        self.screens.open(run)

    def _finished(self, summary: Summary) -> None:
        t = self.today()
        self.after.value = (f'<p role="status"><b>Hôm nay bạn đã ôn {t.done} thẻ.</b> '
                            + (f"Còn {t.remaining} thẻ cho hôm nay.</p>" if t.remaining else
                               "Hẹn gặp lại ngày mai: trang này sẽ hỏi lại những gì bạn sắp quên.</p>"))
        self.screens.show_results(summary, reveal=True)

    @guarded("mở trang ôn tập hôm nay")
    def on_to_day(self, _=None) -> None:
        self.screens.close()
        self.show_day()


def day_html(name: str, t, left_in_attempt: int = 0) -> str:
    """The day's figures: due, new, done of the day, the cap."""
    figures = (f'<div class="day-figures"><span><b>{len(t.due)}</b> thẻ đến hạn</span>'
               f"<span><b>{len(t.new)}</b> thẻ mới</span>"
               f"<span><b>{t.done}</b>/{t.total} đã ôn hôm nay</span></div>")
    if left_in_attempt:
        state = f"<p>Bạn còn {left_in_attempt} câu của phần ôn hôm nay đang dở.</p>"
    elif t.remaining:
        state = "<p>Thẻ đến hạn được hỏi trước, rồi đến thẻ mới theo thứ tự của Kế hoạch.</p>"
    else:
        state = "<p><b>Bạn đã ôn xong hôm nay.</b> Quay lại ngày mai.</p>"
    return (f"<h3>Ôn tập hôm nay, {t.day:%d/%m/%Y}</h3><p>Người ôn tập: <b>{esc(name)}</b></p>{figures}{state}"
            f'<p class="muted">Tối đa {t.new_per_day} thẻ mới mỗi ngày ({t.new_done} thẻ mới đã gặp hôm nay); '
            "đổi số này ở ô dưới.</p>")


# ---------------------------------------------------------------- the trainer's view

SESSIONS, UNIT = "phien", "don-vi"
# How the workbook names people: pseudonymised first, as the session workbook (toolkit.ui.trainer).
EXPORT_NAMES = (("Số thứ tự người tham gia (ẩn danh)", "an-danh"), ("Họ tên", "ho-ten"))
SHOWN_ROWS = 30  # rows of each table on the page; the workbook has them all


class TrainerReviews:
    """On the trainer's page, behind its passcode: a group's reviews (who is due, retention by section, what
    the group forgets, who has stopped) and their workbook. `app` is the TrainerApp (store, gate, error box).

    The group is what the kernel resolves from the trainer's choice (sessions, or a unit), never a list of
    people the browser sends; every handler checks the gate again.
    """

    def __init__(self, app):
        self.app = app
        self.gate, self.gate_message, self.error = app.gate, app.gate_message, app.error
        self.group = None  # the GroupReview on screen
        self.clock: Callable[[], datetime] = now
        full = widgets.Layout(width="100%")
        self.kind = widgets.ToggleButtons(options=[("Các phiên tập huấn", SESSIONS), ("Một đơn vị", UNIT)],
                                          value=SESSIONS, style={"button_width": "auto"})
        self.kind.observe(self.on_kind, "value")
        self.sessions = stacked(widgets.SelectMultiple(description="Phiên (giữ Ctrl để chọn nhiều)", options=[],
                                                       rows=5, layout=full))
        self.unit = stacked(widgets.Dropdown(description="Đơn vị", options=[], layout=full))
        self.unit.layout.display = "none"
        self.show = widgets.Button(description="Xem tình hình ôn tập", icon="chart-line",
                                   layout=widgets.Layout(width="auto"))
        self.show.on_click(self.on_show)
        self.names = widgets.RadioButtons(options=EXPORT_NAMES, value="an-danh", description="Tệp ghi người bằng",
                                          style={"description_width": "auto"}, layout=widgets.Layout(width="auto"))
        self.download = widgets.Button(description="Tải tình hình ôn tập (Excel)", icon="download",
                                       layout=widgets.Layout(width="auto", display="none"))
        self.download.on_click(self.on_download)
        self.download_link = widgets.HTML("")
        self.figures = widgets.HTML("")
        self.home_part = widgets.VBox([
            widgets.HTML("<h3>Ôn tập của học viên</h3><p class=\"muted\">Học viên ôn lại nội dung Kế hoạch ở “Ôn tập "
                         "hôm nay” (trang kiểm tra, với mã cá nhân). Chọn một nhóm để xem ai có thẻ cần ôn, nhóm nhớ "
                         "từng mục đến đâu, nội dung hay quên và ai đã lâu không ôn.</p>"),
            self.kind, self.sessions, self.unit, self.show,
            widgets.HBox([self.download, self.names]).add_class("toolbar"), self.download_link, self.figures,
        ]).add_class("form")

    def _reviews(self):
        from toolkit.storage.reviews import ReviewStore

        return ReviewStore(self.app.store, plan=key_of(self.app.plan))

    def fill(self) -> None:
        """The choices: the sessions (newest first) and the units participants signed in with."""
        from toolkit.quiz.formats import unit_label
        from toolkit.vietnamese import sort_key

        self.sessions.options = [(self.app._session_label(s), s.code)
                                 for s in self.app.sessions.all(plan=key_of(self.app.plan))]
        units = self._reviews().units()
        self.unit.options = sorted(((unit_label(self.app.plan, u), u) for u in units), key=lambda o: sort_key(o[0]))

    @guarded("đổi cách chọn nhóm")
    @unlocked_only
    def on_kind(self, _=None) -> None:
        self.sessions.layout.display = None if self.kind.value == SESSIONS else "none"
        self.unit.layout.display = None if self.kind.value == UNIT else "none"

    def _chosen(self):
        """(label, people) of the choice, checked against what the page offers; None for a choice it does not."""
        reviews = self._reviews()
        if self.kind.value == SESSIONS:
            offered = {code for _, code in self.sessions.options}
            codes = [c for c in self.sessions.value if c in offered]
            if not codes or len(codes) != len(self.sessions.value):
                return None
            return f"Phiên {', '.join(codes)}", reviews.session_participants(codes)
        if self.kind.value == UNIT and self.unit.value in dict(self.unit.options).values():
            from toolkit.quiz.formats import unit_label

            return f"Đơn vị: {unit_label(self.app.plan, self.unit.value)}", reviews.unit_participants(self.unit.value)
        return None

    @guarded("tính tình hình ôn tập")
    @unlocked_only
    def on_show(self, _=None) -> None:
        from toolkit.review.group import group_review

        self.download_link.value = ""
        chosen = self._chosen()
        if chosen is None:
            self.group = None
            self.download.layout.display = "none"
            self.figures.value = alert("Hãy chọn ít nhất một phiên, hoặc một đơn vị.")
            return
        label, people = chosen
        reviews = self._reviews()
        ids = [p.id for p in people]
        deck = _deck(self.app.plan, self.app.all_questions, self.app.quiz_dir)
        self.group = group_review(label, people, reviews.states_of(ids), reviews.logs_of(ids), deck,
                                  self.clock())
        self.figures.value = group_html(self.group, self.app.plan)
        self.download.layout.display = None

    @guarded("tạo tệp Excel tình hình ôn tập")
    @unlocked_only
    def on_download(self, _=None) -> None:
        if self.group is None:
            return
        from toolkit.review.group import group_workbook

        names = self.names.value == "ho-ten"
        data = group_workbook(self.group, self.app.plan, names=names)
        suffix = "ho-ten" if names else "an-danh"
        self.download_link.value = download_link(data, f"on-tap-{suffix}.xlsx", "xlsx",
                                                 "Lưu tệp Excel tình hình ôn tập"
                                                 + (" (có họ tên)" if names else " (ẩn danh)"))


def _pct(value: float | None) -> str:
    return "—" if value is None else percent(value)


def group_html(g, plan: Plan) -> str:
    """The group's figures as the trainer's page shows them: names, since the group is the trainer's own."""
    from toolkit.quiz.formats import unit_label
    from toolkit.review.days import shown_time

    def who(officer: str) -> str:
        p = g.person(officer)
        return f"{esc(p.name)} <span class=\"muted\">({esc(unit_label(plan, p.unit_key))})</span>"

    due = "".join(f'<tr><td>{who(d.officer)}</td><td class="n">{d.due}</td><td class="n">{d.overdue}</td></tr>'
                  for d in g.due[:SHOWN_ROWS])
    sections = "".join(f'<tr><td>{esc(r.label)}</td><td class="n">{r.right}/{r.reviews}</td>'
                       f'<td class="n">{_pct(r.recalled)}</td><td class="n">{_pct(r.retrievability)}</td></tr>'
                       for r in g.retention if r.reviews or r.memories)
    forgotten = "".join(f'<tr><td>{esc(f.label)}</td><td class="n">{f.again}/{f.reviews}</td>'
                        f'<td class="n">{_pct(f.rate)}</td><td class="n">{f.officers}</td></tr>'
                        for f in g.forgotten)
    idle = "".join(f'<tr><td>{who(i.officer)}</td><td>{esc(shown_time(i.last)) if i.last else "Chưa trả lời câu nào"}'
                   f'</td><td class="n">{"—" if i.days is None else i.days}</td></tr>' for i in g.idle[:SHOWN_ROWS])
    def more(rows):
        return (f'<p class="muted">… và {len(rows) - SHOWN_ROWS} người nữa (xem tệp Excel).</p>'
                if len(rows) > SHOWN_ROWS else "")
    return (
        f"<h4>{esc(g.label)}</h4><p>{len(g.people)} người trong nhóm, {g.reviewing} người đã có thẻ ôn tập; "
        f"lúc {esc(shown_time(g.at))}.</p>"
        f"<h4>Cần ôn hôm nay ({len(g.due)} người)</h4>"
        + (f'<div class="scroll-x"><table class="grid"><tr><th>Người</th><th>Thẻ đến hạn</th><th>Quá hạn</th></tr>'
           f"{due}</table></div>{more(g.due)}" if due else "<p>Không ai có thẻ đến hạn.</p>")
        + "<h4>Nhớ theo mục</h4><p class=\"muted\">Tỷ lệ nhớ: câu trả lời đúng trên các câu trả lời sau ít nhất một "
          "ngày kể từ lần trước. Dự báo: khả năng nhớ trung bình hôm nay theo FSRS.</p>"
        + (f'<div class="scroll-x"><table class="grid"><tr><th>Mục</th><th>Đúng</th><th>Tỷ lệ nhớ</th>'
           f"<th>Dự báo</th></tr>{sections}</table></div>" if sections else "<p>Chưa có câu trả lời nào.</p>")
        + "<h4>Nội dung nhóm hay quên</h4>"
        + (f'<div class="scroll-x"><table class="grid"><tr><th>Nội dung</th><th>Quên</th><th>Tỷ lệ quên</th>'
           f"<th>Số người quên</th></tr>{forgotten}</table></div>" if forgotten else
           "<p>Chưa đủ câu trả lời nhớ lại để nói nội dung nào hay bị quên (cần ít nhất 5 lần cho một nội dung).</p>")
        + f"<h4>Lâu không ôn (từ 14 ngày, {len(g.idle)} người)</h4>"
        + (f'<div class="scroll-x"><table class="grid"><tr><th>Người</th><th>Lần trả lời cuối</th><th>Số ngày</th>'
           f"</tr>{idle}</table></div>{more(g.idle)}" if idle else "<p>Mọi người đều đã trả lời trong 14 ngày qua.</p>"))
