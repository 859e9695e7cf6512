"""Quiz page: an officer signs in with name and unit, picks a topic, answers, and gets feedback.

The answer key stays in the kernel. Widgets hold only what is on screen: option labels in the
shuffled display order, with display positions as values. Feedback (the key, the explanation and
the plan's words) is put on the page only after `QuizRun.answer` has stored the answer. Every
rule is enforced by `QuizRun`, not by a widget's `disabled` flag, which the browser can change.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import ipywidgets as widgets

from toolkit.plan.load import load_plan
from toolkit.plan.model import Plan
from toolkit.quiz.assembly import Topic, questions_for_topic
from toolkit.quiz.attempt import MODES, Feedback, QuizRuleError, QuizRun, Summary
from toolkit.quiz.banks import question_bank
from toolkit.quiz.questions import Question
from toolkit.quiz.workshop import session_guard
from toolkit.storage.deferred import DeferredStore
from toolkit.storage.records import InputError, Participant
from toolkit.ui.common import alert, error_box, esc, guarded, page_style
from toolkit.vietnamese import VIETNAM

if TYPE_CHECKING:
    from toolkit.storage.store import Store

ROOT_CLASS = "pbgdpl-quiz"
COUNTS = (5, 10, 15, 20)
LIMITS = ((0, "Không giới hạn"), (5, "5 phút"), (10, "10 phút"), (15, "15 phút"), (20, "20 phút"), (30, "30 phút"))

TEXT = {
    "vi": {
        "name": "Họ và tên", "unit": "Đơn vị công tác", "continue": "Tiếp tục",
        "choose_unit": "— Chọn đơn vị —", "other_unit": "Đơn vị khác (không có trong danh sách)",
        "resume": "Làm tiếp bài đang dở", "new": "Bắt đầu bài mới",
        "topic": "Chủ đề", "count": "Số câu hỏi", "mode": "Chế độ", "limit": "Thời gian làm bài",
        "start": "Bắt đầu làm bài", "submit": "Trả lời", "next": "Câu tiếp theo", "prev": "Câu trước",
        "finish": "Nộp bài", "confirm_finish": "Bấm lần nữa để nộp bài", "retry": "Luyện lại các câu sai",
        "again": "Làm bài mới", "signout": "Đổi người làm bài", "correct": "Đúng", "wrong": "Chưa đúng",
        "key": "Đáp án đúng", "yours": "Bạn đã chọn", "why": "Giải thích", "source": "Nguyên văn Kế hoạch",
        "saved": "Đã lưu câu trả lời. Đáp án sẽ hiện khi nộp bài.",
        "choose": "— chọn —", "type_here": "Gõ câu trả lời (có dấu hoặc không dấu)",
        "lang": "Ngôn ngữ giao diện", "pick_one": "Hãy chọn một phương án.",
        "pick_all": "Hãy chọn cho mọi dòng trước khi trả lời.",
    },
    "en": {
        "name": "Full name", "unit": "Unit", "continue": "Continue",
        "choose_unit": "— Choose your unit —", "other_unit": "Other unit (not listed)",
        "resume": "Resume unfinished quiz", "new": "Start a new quiz",
        "topic": "Topic", "count": "Number of questions", "mode": "Mode", "limit": "Time limit",
        "start": "Start", "submit": "Answer", "next": "Next question", "prev": "Previous",
        "finish": "Submit quiz", "confirm_finish": "Click again to submit", "retry": "Practise my mistakes",
        "again": "New quiz", "signout": "Change participant", "correct": "Correct", "wrong": "Not correct",
        "key": "Correct answer", "yours": "Your answer", "why": "Explanation", "source": "The plan's words",
        "saved": "Answer saved. Answers are shown when you submit.",
        "choose": "— choose —", "type_here": "Type your answer (diacritics optional)",
        "lang": "Interface language", "pick_one": "Choose an option.",
        "pick_all": "Choose an answer for every row first.",
    },
}

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 760px; }}
.{ROOT_CLASS} .stem {{ font-size: 1.08em; font-weight: 600; margin: 0.4em 0 0.6em; }}
.{ROOT_CLASS} .progress-text {{ color: #374151; }}
.{ROOT_CLASS} .feedback {{ border-radius: 8px; padding: 0.7em 0.9em; margin: 0.6em 0; }}
.{ROOT_CLASS} .feedback.ok {{ background: #ecfdf5; border: 1px solid #6ee7b7; }}
.{ROOT_CLASS} .feedback.ko {{ background: #fef2f2; border: 1px solid #fca5a5; }}
.{ROOT_CLASS} .feedback .verdict {{ font-weight: 700; font-size: 1.1em; }}
.{ROOT_CLASS} blockquote {{ margin: 0.3em 0; padding: 0.3em 0.7em; border-left: 3px solid #93c5fd;
  background: #f8fafc; font-family: Georgia, 'Times New Roman', serif; }}
/* ipywidgets floats the radio after its text: a wrapped label put the radio on its own line on a phone. */
.{ROOT_CLASS} .widget-radio-box label {{ display: flex; align-items: flex-start; white-space: normal; line-height: 1.35;
  padding: 0.35em 0; height: auto; font-size: 15px; }}
.{ROOT_CLASS} .widget-radio-box input {{ order: -1; float: none; flex: 0 0 auto; height: 1.35em; margin: 0 0.6em 0 1px; }}
.{ROOT_CLASS} .widget-radio-box {{ width: 100%; }}
/* Width 100% plus ipywidgets' 2 px side margins made each box 4 px too wide: on a phone the box scrolled
   sideways and clipped the inputs' right border. */
.{ROOT_CLASS} .widget-box > .stacked, .{ROOT_CLASS} .widget-box > .widget-hprogress,
.{ROOT_CLASS} .widget-box > .widget-radio, .{ROOT_CLASS} .widget-box > .widget-checkbox,
.{ROOT_CLASS} .widget-box > .widget-text {{ margin-left: 0; margin-right: 0; }}
.{ROOT_CLASS} .widget-radio {{ width: 100%; }}
.{ROOT_CLASS} table.sections {{ border-collapse: collapse; width: 100%; margin: 0.5em 0; }}
.{ROOT_CLASS} table.sections td, .{ROOT_CLASS} table.sections th {{ border-bottom: 1px solid #e5e7eb;
  padding: 0.3em 0.4em; text-align: left; vertical-align: top; }}
.{ROOT_CLASS} .score {{ font-size: 1.6em; font-weight: 700; color: #1e3a8a; }}
.{ROOT_CLASS} .mistake {{ border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.5em 0.8em; margin: 0.5em 0; }}
</style>"""


def _query() -> dict[str, str]:
    """Voila passes the page's query string to the kernel in QUERY_STRING.

    A preheated kernel (Voila's `preheat_kernel`) runs the notebook before any request: it must
    wait for the request, or every page would see the query string of none (VOILA.md).
    """
    from toolkit.serving.request import wait_for_request

    wait_for_request()
    return {k: v[0] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items()}


def topic_options(plan: Plan, questions, unit_key: str | None = None) -> list[tuple[str, str]]:
    """(label, topic) pairs that have questions: the whole plan, my unit, sections, authored banks, agencies.

    Shared by the quiz page (an officer's own unit first) and the trainer page (no unit).
    """
    opts = [("Toàn bộ Kế hoạch", "all")]
    if unit_key in plan.units:
        opts.append((f"Nhiệm vụ của đơn vị tôi ({plan.unit(unit_key).name})", f"unit:{unit_key}"))
    opts += [(f"Mục {s.label}", f"section:{s.id}") for s in plan.sections]
    banks = sorted({q.bank for q in questions if q.bank})
    opts += [(f"Câu hỏi soạn sẵn: {b}", f"bank:{b}") for b in banks]
    opts += [(f"Cơ quan: {a.short}", f"agency:{k}") for k, a in plan.agencies.items()
             if a.kind != "generic" and not a.is_group]
    return [(label, value) for label, value in opts if questions_for_topic(plan, questions, Topic.parse(value))]


def _stacked(w: widgets.Widget) -> widgets.Widget:
    return w.add_class("stacked")


class QuizApp:
    """Sign in → choose → answer → results; one instance per page (per kernel)."""

    def __init__(self, plan: Plan, questions: tuple[Question, ...], store: Store, bank_problems=(),
                 lang: str = "vi"):
        self.plan, self.store, self.lang = plan, store, lang
        self.questions = {q.id: q for q in questions}
        self.all_questions = questions
        self.participant: Participant | None = None
        self.run: QuizRun | None = None
        self.position = 0
        self.confirming_finish = False

        t = TEXT[lang]
        self.error = error_box()
        self.notice = widgets.HTML("")
        self.language = widgets.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang,
                                              description="", style={"button_width": "auto"})
        self.language.observe(self.on_language, "value")

        # sign in
        self.name = _stacked(widgets.Text(description=t["name"], placeholder="Nguyễn Văn A",
                                          layout=widgets.Layout(width="100%")))
        # index=0, not value=None: ipywidgets shows a blank box for value None, not the «— Chọn —» label.
        self.unit = _stacked(widgets.Dropdown(description=t["unit"], options=self._unit_options(),
                                              index=0, layout=widgets.Layout(width="100%")))
        self.sign_in = widgets.Button(description=t["continue"], button_style="primary", icon="arrow-right")
        self.sign_in.on_click(self.on_sign_in)
        self.resume_box = widgets.VBox([])
        self.sign_in_box = widgets.VBox([self.name, self.unit, self.sign_in, self.resume_box])

        # set up
        self.who = widgets.HTML("")
        self.topic = _stacked(widgets.Dropdown(description=t["topic"], options=[("", "all")],
                                               layout=widgets.Layout(width="100%")))
        self.count = _stacked(widgets.Dropdown(description=t["count"], options=COUNTS, value=10,
                                               layout=widgets.Layout(width="100%")))
        self.mode = widgets.ToggleButtons(options=[(v, k) for k, v in MODES.items()], value="practice",
                                          style={"button_width": "auto"})
        self.limit = _stacked(widgets.Dropdown(description=t["limit"], options=[(b, a) for a, b in LIMITS],
                                               value=0, layout=widgets.Layout(width="100%")))
        self.start = widgets.Button(description=t["start"], button_style="primary", icon="play")
        self.start.on_click(self.on_start)
        self.signout = widgets.Button(description=t["signout"])
        self.signout.on_click(self.on_signout)
        self.setup_box = widgets.VBox([self.who, self.topic, self.count, widgets.HTML(f"<b>{esc(t['mode'])}</b>"),
                                       self.mode, self.limit, widgets.HBox([self.start, self.signout])])

        # answering
        self.progress_text = widgets.HTML("")
        self.progress = widgets.IntProgress(min=0, max=1, value=0, layout=widgets.Layout(width="100%"))
        self.stem = widgets.HTML("")
        self.answer_box = widgets.VBox([])
        self.submit = widgets.Button(description=t["submit"], button_style="primary", icon="check")
        self.submit.on_click(self.on_submit)
        self.prev = widgets.Button(description=t["prev"], icon="arrow-left")
        self.prev.on_click(self.on_prev)
        self.next = widgets.Button(description=t["next"], icon="arrow-right")
        self.next.on_click(self.on_next)
        self.finish = widgets.Button(description=t["finish"], button_style="warning", icon="flag-checkered")
        self.finish.on_click(self.on_finish)
        self.feedback = widgets.HTML("")
        self.quiz_box = widgets.VBox([self.progress_text, self.progress, self.stem, self.answer_box, self.submit,
                                      self.feedback, widgets.HBox([self.prev, self.next, self.finish],
                                                                  layout=widgets.Layout(flex_flow="row wrap"))])

        # results
        self.results = widgets.HTML("")
        self.retry = widgets.Button(description=t["retry"], button_style="primary", icon="redo")
        self.retry.on_click(self.on_retry)
        self.again = widgets.Button(description=t["again"], icon="plus")
        self.again.on_click(self.on_again)
        self.results_box = widgets.VBox([self.results, widgets.HBox([self.retry, self.again],
                                                                    layout=widgets.Layout(flex_flow="row wrap"))])

        self.body = widgets.VBox([self.sign_in_box])
        if bank_problems:
            self.notice.value = ('<div class="muted">Một số ngân hàng câu hỏi soạn tay bị bỏ qua vì có lỗi: '
                                 + esc("; ".join(str(p) for p in bank_problems)) + "</div>")
        self.widget = widgets.VBox([widgets.HTML(CSS), self.language, self.error, self.notice,
                                    self.body]).add_class(ROOT_CLASS)

    @classmethod
    def from_environment(cls) -> "QuizApp":
        plan = load_plan()
        questions, problems = question_bank(plan)
        query = _query()
        app = cls(plan, questions, DeferredStore(), problems, lang="en" if query.get("lang") == "en" else "vi")
        if query.get("unit") in set(dict(app._unit_options()).values()) - {None}:
            app.unit.value = query["unit"]
        return app

    # ---------------------------------------------------------------- helpers
    def t(self, key: str) -> str:
        return TEXT[self.lang][key]

    def _unit_options(self) -> list[tuple[str, str | None]]:
        units = sorted((u for u in self.plan.units.values() if u.valid_to is None or u.valid_to.year >= 2020),
                       key=lambda u: (u.kind == "ubnd_cap_huyen", u.name))
        return ([(TEXT[self.lang]["choose_unit"], None)] + [(u.name, u.key) for u in units]
                + [(TEXT[self.lang]["other_unit"], "khac")])

    def _topic_options(self) -> list[tuple[str, str]]:
        return topic_options(self.plan, self.all_questions, self.participant.unit_key if self.participant else None)

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    # ---------------------------------------------------------------- sign in
    @guarded("đăng nhập")
    def on_sign_in(self, _=None) -> None:
        if self.unit.value is None:
            self.notice.value = '<div class="pbgdpl-alert" role="alert">Vui lòng chọn đơn vị công tác.</div>'
            return
        try:
            self.participant = self.store.participant(self.name.value, self.unit.value)
        except InputError as exc:
            self.notice.value = alert(exc)
            return
        self.notice.value = ""
        self.name.value = self.participant.name
        open_runs = self.store.open_attempts(self.participant.id)
        if open_runs:
            attempt = open_runs[0]
            done = len(self.store.responses(attempt.id))
            resume = widgets.Button(description=self.t("resume"), button_style="primary", icon="play")
            resume.on_click(lambda _b, aid=attempt.id: self.on_resume(aid))
            fresh = widgets.Button(description=self.t("new"), icon="plus")
            fresh.on_click(self.on_setup)
            self.resume_box.children = [
                widgets.HTML(f"<p>Chào {esc(self.participant.name)}. Bạn có bài đang làm dở "
                             f"({done}/{len(attempt.items)} câu đã trả lời).</p>"),
                widgets.HBox([resume, fresh], layout=widgets.Layout(flex_flow="row wrap"))]
            return
        self.on_setup()

    @guarded("mở bài làm")
    def on_resume(self, attempt_id: int) -> None:
        record = self.store.attempt(attempt_id)
        # An unfinished workshop attempt resumed here keeps its session's rule: no answer once closed.
        guard = session_guard(self.store, record.session_code) if record.session_code else None
        self.run = QuizRun.resume(self.store, attempt_id, self.questions, self.plan, guard=guard)
        if self.run.expired:
            self.run.finish()
        if self.run.finished:
            self._show_results(self.run.summary())
            return
        self._show_question(self.run.next_unanswered() or 0)

    @guarded("mở trang chọn chủ đề")
    def on_setup(self, _=None) -> None:
        unit = self.plan.units.get(self.participant.unit_key)
        self.who.value = (f"<p>Người làm bài: <b>{esc(self.participant.name)}</b> — "
                          f"{esc(unit.name if unit else self.t('other_unit'))}</p>")
        self.topic.options = self._topic_options()
        mine = f"unit:{self.participant.unit_key}"
        self.topic.value = mine if mine in dict(self.topic.options).values() else "all"
        self._show(self.setup_box)

    @guarded("đổi người làm bài")
    def on_signout(self, _=None) -> None:
        self.participant, self.run = None, None
        self.resume_box.children = []
        self.name.value = ""
        self._show(self.sign_in_box)

    # ---------------------------------------------------------------- start
    @guarded("bắt đầu bài làm")
    def on_start(self, _=None) -> None:
        if self.participant is None:
            raise QuizRuleError("Chưa đăng nhập.")
        topic = Topic.parse(self.topic.value)
        pool = questions_for_topic(self.plan, self.all_questions, topic)
        self._begin(pool, str(topic), self.count.value, self.mode.value, (self.limit.value or 0) * 60 or None)

    def _begin(self, pool, topic: str, n: int, mode: str, limit_s: int | None) -> None:
        try:
            self.run = QuizRun.start(self.store, self.participant, pool, self.plan, topic=topic, n=n, mode=mode,
                                     time_limit_s=limit_s)
        except QuizRuleError as exc:
            self.notice.value = alert(exc)
            return
        self.notice.value = ""
        self._show_question(0)

    # ---------------------------------------------------------------- answering
    def _show_question(self, position: int) -> None:
        run = self.run
        self.position = position
        self.confirming_finish = False
        self.finish.description = self.t("finish")
        shown = run.shown(position)
        limit = ""
        if run.deadline:
            limit = f" · Hạn nộp: {run.deadline.astimezone(VIETNAM):%H:%M}"
        self.progress_text.value = (f'<div class="progress-text">Câu {shown.number}/{shown.total} · '
                                    f"Đã trả lời {run.answered_count}/{run.total}{limit}</div>")
        self.progress.max, self.progress.value = run.total, run.answered_count
        self.stem.value = f'<div class="stem">{esc(shown.stem)}</div>'
        answered = run.is_answered(position)
        self.answer_box.children = self._inputs(shown, disabled=answered)
        if answered:
            self._fill(run.shown_answer(position))
        self.submit.disabled = answered
        self.submit.layout.display = "none" if answered else None
        self.prev.disabled = position == 0
        self.next.disabled = position >= run.total - 1
        if answered:
            self.feedback.value = (self._feedback_html(run.feedback(position)) if run.mode == "practice"
                                   else f'<div class="muted">{esc(self.t("saved"))}</div>')
        else:
            self.feedback.value = ""
        self._show(self.quiz_box)

    def _inputs(self, shown, disabled: bool) -> list[widgets.Widget]:
        """Inputs whose values are display positions only: nothing here says which option is right."""
        labels = list(shown.options)
        if shown.type in ("single", "true_false"):
            self.choice = widgets.RadioButtons(options=[(f"{chr(65 + i)}. {o}" if shown.type == "single" else o, i)
                                                        for i, o in enumerate(labels)],
                                               value=None, disabled=disabled, layout=widgets.Layout(width="100%"))
            return [self.choice]
        if shown.type == "multiple":
            self.checks = [widgets.Checkbox(description=f"{chr(65 + i)}. {o}", value=False, indent=False,
                                            disabled=disabled, layout=widgets.Layout(width="100%"))
                           for i, o in enumerate(labels)]
            return [widgets.HTML('<div class="muted">Chọn tất cả đáp án đúng.</div>'), *self.checks]
        if shown.type == "matching":
            self.pairs = [_stacked(widgets.Dropdown(description=row, options=[(self.t("choose"), None)]
                                                    + [(o, i) for i, o in enumerate(labels)],
                                                    index=0, disabled=disabled,
                                                    layout=widgets.Layout(width="100%")))
                          for row in shown.rows]
            return self.pairs
        self.typed = widgets.Text(placeholder=self.t("type_here"), disabled=disabled,
                                  layout=widgets.Layout(width="100%"))
        return [self.typed]

    def _fill(self, answer) -> None:
        qtype = self.run.questions[self.position].type
        if qtype in ("single", "true_false"):
            self.choice.value = answer
        elif qtype == "multiple":
            for i, c in enumerate(self.checks):
                c.value = i in answer
        elif qtype == "matching":
            for d, v in zip(self.pairs, answer):
                d.value = v
        else:
            self.typed.value = answer

    def _read_answer(self):
        qtype = self.run.questions[self.position].type
        if qtype in ("single", "true_false"):
            return self.choice.value
        if qtype == "multiple":
            return [i for i, c in enumerate(self.checks) if c.value]
        if qtype == "matching":
            return [d.value for d in self.pairs]
        return self.typed.value

    @guarded("ghi câu trả lời")
    def on_submit(self, _=None) -> None:
        if self.run is None:
            return
        answer = self._read_answer()
        # A matching answer with a row left on «chọn» is a slip, not an answer: Moodle asks for every box.
        missing = "pick_one" if answer is None else "pick_all" if isinstance(answer, list) and None in answer else None
        if missing:
            self.feedback.value = alert(self.t(missing))
            return
        try:
            self.run.answer(self.position, answer)
        except QuizRuleError as exc:
            self.feedback.value = alert(exc)
            if self.run.finished:
                self._show_results(self.run.summary())
            return
        position = self.position
        if self.run.mode == "test" and self.run.next_unanswered(position) is not None:
            self._show_question(self.run.next_unanswered(position))
            return
        self._show_question(position)

    @guarded("chuyển câu hỏi")
    def on_next(self, _=None) -> None:
        if self.run and self.position < self.run.total - 1:
            self._show_question(self.position + 1)

    @guarded("chuyển câu hỏi")
    def on_prev(self, _=None) -> None:
        if self.run and self.position > 0:
            self._show_question(self.position - 1)

    @guarded("nộp bài")
    def on_finish(self, _=None) -> None:
        if self.run is None:
            return
        left = self.run.total - self.run.answered_count
        if left and not self.confirming_finish:
            self.confirming_finish = True
            self.finish.description = self.t("confirm_finish")
            self.feedback.value = (f'<div class="pbgdpl-alert" role="alert">Còn {left} câu chưa trả lời '
                                   "(tính 0 điểm). Bấm «Nộp bài» lần nữa để nộp.</div>")
            return
        self._show_results(self.run.finish())

    # ---------------------------------------------------------------- results
    def _feedback_html(self, fb: Feedback) -> str:
        verdict = self.t("correct") if fb.is_correct else self.t("wrong")
        points = f"{fb.points:g}/{fb.max_points:g} điểm"
        return (f'<div class="feedback {"ok" if fb.is_correct else "ko"}" role="status">'
                f'<div class="verdict">{"✔" if fb.is_correct else "✘"} {esc(verdict)} ({points})</div>'
                f"<p><b>{esc(self.t('yours'))}:</b> {esc(fb.given)}</p>"
                f"<p><b>{esc(self.t('key'))}:</b> {esc(fb.correct)}</p>"
                f"<p><b>{esc(self.t('why'))}:</b> {esc(fb.explanation)}</p>"
                f"<details><summary>{esc(self.t('source'))}</summary><blockquote>{esc(fb.source)}</blockquote>"
                "</details></div>")

    def _show_results(self, summary: Summary, reveal: bool = True) -> None:
        """The score and, if `reveal`, every mistake with the key (a workshop in test mode waits until it closes)."""
        minutes, seconds = divmod(int(summary.duration.total_seconds()), 60)
        rows = "".join(f"<tr><td>{esc(label)}</td><td>{p:g}/{m:g}</td></tr>" for label, p, m in summary.by_section)
        mistakes = "".join(
            f'<div class="mistake"><p><b>Câu {m.position + 1}.</b> {esc(m.stem)}</p>{self._feedback_html(m)}</div>'
            for m in summary.mistakes)
        unanswered = summary.total - summary.answered
        self.results.value = (
            f'<h3>Kết quả</h3><div class="score">{summary.points:g}/{summary.max_points:g} điểm '
            f"({summary.percent:.0f}%)</div>"
            f"<p>Thời gian làm bài: {minutes} phút {seconds} giây. Đã trả lời {summary.answered}/{summary.total} câu"
            f"{f', {unanswered} câu bỏ trống' if unanswered else ''}.</p>"
            f'<table class="sections"><tr><th>Mục</th><th>Điểm</th></tr>{rows}</table>'
            + ("" if not reveal else
               f"<h3>Các câu cần xem lại ({len(summary.mistakes)})</h3>{mistakes}" if mistakes else
               "<p>Bạn trả lời đúng tất cả các câu đã làm.</p>"))
        self.retry.disabled = not self.run.mistake_questions()
        self._show(self.results_box)

    @guarded("tạo bài luyện lại")
    def on_retry(self, _=None) -> None:
        if self.run is None:
            return
        pool = self.run.mistake_questions()
        if pool:
            self._begin(pool, f"retry:{self.run.attempt.id}", len(pool), "practice", None)

    @guarded("tạo bài mới")
    def on_again(self, _=None) -> None:
        self.run = None
        self.on_setup()

    # ---------------------------------------------------------------- language
    @guarded("đổi ngôn ngữ")
    def on_language(self, change) -> None:
        self.lang = change["new"]
        t = TEXT[self.lang]
        for w, key in ((self.name, "name"), (self.unit, "unit"), (self.topic, "topic"), (self.count, "count"),
                       (self.limit, "limit")):
            w.description = t[key]
        for w, key in ((self.sign_in, "continue"), (self.start, "start"), (self.submit, "submit"),
                       (self.next, "next"), (self.prev, "prev"), (self.finish, "finish"), (self.retry, "retry"),
                       (self.again, "again"), (self.signout, "signout")):
            w.description = t[key]
        value = self.unit.value
        self.unit.options = self._unit_options()
        self.unit.value = value
