"""What the quiz page and a workshop participant's page share: their look, the name and unit fields,
and `AnswerScreens`, the question and results screens of one `QuizRun`.

`AnswerScreens` holds no way into a quiz. The page that owns it signs a person in, gets a `QuizRun`
(a new quiz, a resumed one, a workshop session's) and calls `open(run)`; when the run is over the
screens call the page's `on_finished(summary)` and the page shows the results, deciding itself
whether the key may be revealed and what the results screen offers besides the score.

Under an answered question (and on the results screen) one shared “Báo lỗi câu hỏi” box lets the
participant report it with a short note (`Store.report_question`); trainers review the reports.

The answer key stays in the kernel. Widgets hold only what is on screen: option labels in the
shuffled display order, with display positions as values. Feedback (the key, the explanation and
the plan's words) is put on the page only after `QuizRun.answer` has stored the answer. Every
rule is enforced by `QuizRun`, not by a widget's `disabled` flag, which the browser can change.

The question screen is built once: each question changes the texts, options and values of the same
widgets, sending only what differs, and empties the inputs it does not use, since the browser holds
every widget's state whether it is on the page or not (issue 16; tests/ui/test_answer_traffic.py).
"""

from __future__ import annotations

import functools
import time
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable, Sequence

import ipywidgets as widgets

from toolkit.plan.model import Plan
from toolkit.quiz.attempt import Feedback, QuizRuleError, QuizRun, ShownQuestion, Summary
from toolkit.storage.records import InputError, Participant
from toolkit.ui.common import PICKER_TEXT, UnitPicker, alert, esc, guarded, page_style, stacked
from toolkit.vietnamese import VIETNAM, number, score_text

if TYPE_CHECKING:
    from toolkit.storage.store import Store

ROOT_CLASS = "pbgdpl-quiz"  # the quiz page's and the participant page's root: one look, one set of selectors
SUBMIT_CLASS = "quiz-submit"
# A typed answer's value arriving this soon after a click on an empty box is that click's answer (the
# browser sent the click first); later, it is the participant typing again, who taps “Trả lời” themself.
TYPED_LATE_S = 2.0

TEXT = {
    "vi": {
        "name": "Họ và tên", "unit": "Đơn vị công tác",
        "submit": "Trả lời", "next": "Câu tiếp theo", "prev": "Câu trước",
        "finish": "Nộp bài", "confirm_finish": "Bấm lần nữa để nộp bài", "correct": "Đúng", "wrong": "Chưa đúng",
        "key": "Đáp án đúng", "yours": "Bạn đã chọn", "why": "Giải thích", "source": "Nguyên văn Kế hoạch",
        "saved": "Đã lưu câu trả lời. Đáp án sẽ hiện khi nộp bài.",
        "choose": "— chọn —", "type_here": "Gõ câu trả lời (có dấu hoặc không dấu)",
        "pick_one": "Hãy chọn một phương án.", "pick_all": "Hãy chọn cho mọi dòng trước khi trả lời.",
        "type_first": "Hãy gõ câu trả lời vào ô trên rồi bấm “Trả lời”.",
        "report": "Báo lỗi câu hỏi", "report_send": "Gửi", "report_which": "Câu hỏi", "report_pick": "— chọn câu —",
        "report_note": "Ghi chú ngắn (không bắt buộc)", "report_hint": "Sai ở đâu? Ví dụ: đáp án, cơ quan, thời hạn…",
        "report_done": "Đã ghi nhận, cảm ơn bạn.", "report_choose": "Hãy chọn câu hỏi muốn báo lỗi.",
        "report_again": "Bạn đã báo lỗi câu này; gửi lần nữa để sửa ghi chú.", "number": "Câu",
    },
    "en": {
        "name": "Full name", "unit": "Unit",
        "submit": "Answer", "next": "Next question", "prev": "Previous",
        "finish": "Submit quiz", "confirm_finish": "Click again to submit", "correct": "Correct", "wrong": "Not correct",
        "key": "Correct answer", "yours": "Your answer", "why": "Explanation", "source": "The plan's words",
        "saved": "Answer saved. Answers are shown when you submit.",
        "choose": "— choose —", "type_here": "Type your answer (diacritics optional)",
        "pick_one": "Choose an option.", "pick_all": "Choose an answer for every row first.",
        "type_first": "Type your answer in the box above, then press “Answer”.",
        "report": "Report this question", "report_send": "Send", "report_which": "Question",
        "report_pick": "— choose —", "report_note": "Short note (optional)",
        "report_hint": "What is wrong? E.g. the key, the agency, the deadline…",
        "report_done": "Thank you, your report has been recorded.", "report_choose": "Choose the question to report.",
        "report_again": "You reported this question; send again to change your note.", "number": "Question",
    },
}

CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 760px; }}
.{ROOT_CLASS} .stem {{ font-size: 1.08em; font-weight: 600; margin: 0.4em 0 0.6em; }}
.{ROOT_CLASS} .progress-text {{ color: #374151; }}
.{ROOT_CLASS} .answered-bar {{ height: 8px; margin: 0.35em 0 0.2em; border-radius: 4px; background: #e5e7eb;
  overflow: hidden; }}
.{ROOT_CLASS} .answered-bar > span {{ display: block; height: 100%; background: #2563eb; }}
.{ROOT_CLASS} .{SUBMIT_CLASS}:disabled {{ display: none; }}
.{ROOT_CLASS} .{SUBMIT_CLASS}:not(:disabled) ~ .report-box {{ display: none; }}
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
.{ROOT_CLASS} table.sections td.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.{ROOT_CLASS} .mistake {{ border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.5em 0.8em; margin: 0.5em 0; }}
.{ROOT_CLASS} .screen-top:focus {{ outline: none; }}
.{ROOT_CLASS} details > summary {{ cursor: pointer; padding: 0.2em 0; }}
.{ROOT_CLASS} details.mistake[open] > summary {{ margin-bottom: 0.4em; }}
.{ROOT_CLASS} .report-box {{ margin: 0.2em 0 0.6em; }}
.{ROOT_CLASS} .report-box .widget-button.report {{ width: auto; padding: 0 0.9em; }}
</style>"""


def changed(widget: widgets.Widget, **traits) -> None:
    """Set the traits that differ, in one message: an answer sends only what changed on screen."""
    differ = {k: v for k, v in traits.items() if getattr(widget, k) != v}
    if len(differ) == 1:
        setattr(widget, *next(iter(differ.items())))
    elif differ:
        with widget.hold_sync():
            for k, v in differ.items():
                setattr(widget, k, v)


# ---------------------------------------------------------------- the page around the screens


def quiz_page(children: Sequence[widgets.Widget], css: str = "") -> widgets.VBox:
    """A page with the quiz look: the CSS (and the page's own `css`), then `children`, under ROOT_CLASS.

    The first of `children` is the page's `AnswerScreens.top`.
    """
    return widgets.VBox([widgets.HTML(CSS + css), *children]).add_class(ROOT_CLASS)


def language_toggle(lang: str) -> widgets.ToggleButtons:
    return widgets.ToggleButtons(options=[("Tiếng Việt", "vi"), ("English", "en")], value=lang, description="",
                                 style={"button_width": "auto"})


def bank_notice(bank_problems) -> str:
    """A quiet line naming the authored question banks left out because they have errors."""
    if not bank_problems:
        return ""
    return ('<div class="muted">Một số ngân hàng câu hỏi soạn tay bị bỏ qua vì có lỗi: '
            + esc("; ".join(str(p) for p in bank_problems)) + "</div>")


def dropped_notice(run: QuizRun) -> str:
    """A quiet line when a resumed attempt leaves out questions retired since it began."""
    if not run.dropped:
        return ""
    return (f'<div class="muted">{len(run.dropped)} câu hỏi của bài làm này đã ngừng sử dụng (bị phát hiện có sai '
            "sót) nên được bỏ ra; điểm tính trên các câu còn lại.</div>")


class NameAndUnit:
    """The name and unit a person signs in with, on the quiz page and on a workshop's join page.

    The unit is found with `UnitPicker` (search with or without diacritics, former wards lead to their
    successor): the units of today first, then those that ended, kept for people who still study them.
    """

    def __init__(self, plan: Plan, lang: str = "vi", today: date | None = None):
        self.plan, self.lang = plan, lang
        t = TEXT[lang]
        self.name = stacked(widgets.Text(description=t["name"], placeholder="Nguyễn Văn A", continuous_update=False,
                                         layout=widgets.Layout(width="100%")))
        self.picker = UnitPicker(plan, today or datetime.now(VIETNAM).date(), t["unit"], lang)
        self.unit = self.picker.unit

    def unit_options(self) -> list[tuple[str, str | None]]:
        """(label, unit key) with nothing searched: a prompt (None), the units, then "other"."""
        return self.picker.options()

    def unit_name(self, key: str | None) -> str:
        unit = self.plan.units.get(key)
        return unit.name if unit else PICKER_TEXT[self.lang]["other"]

    def participant(self, store: Store, consent=None) -> Participant:
        """The participant the fields name; InputError (Vietnamese) if no unit is chosen or the name is blank.

        The store is not touched before a unit is chosen: a page opens its database only at sign-in.
        `consent` (toolkit.ui.privacy.NoticeLine.consent) is stored with the name, in one transaction.
        """
        if self.unit.value is None:
            raise InputError("Vui lòng chọn đơn vị công tác.")
        return store.participant(self.name.value, self.unit.value, consent=consent)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.name.description = TEXT[lang]["name"]
        self.picker.set_language(lang, TEXT[lang]["unit"])


# ---------------------------------------------------------------- the screens


class AnswerScreens:
    """The question screen and the results screen of one `QuizRun`, inside a page that owns them.

    The page gives its `error` box (where these guarded handlers report a failure), `show(box)` (put
    a screen in the page's body) and `on_finished(summary)` (the run is over: the page calls
    `show_results` with its own `reveal`). `after_submit()`, if given, runs after each click on
    “Trả lời” that the run has handled, e.g. a workshop page checking that its session is still open.
    The results screen is `results_above`, the score and review, then `results_below`: the page's own
    widgets, or nothing.
    """

    def __init__(self, error: widgets.HTML, *, show: Callable[[widgets.Widget], None],
                 on_finished: Callable[[Summary], None], after_submit: Callable[[], None] | None = None,
                 results_above: Sequence[widgets.Widget] = (), results_below: Sequence[widgets.Widget] = (),
                 lang: str = "vi"):
        self.error, self.lang = error, lang
        self._show, self._on_finished, self._after_submit = show, on_finished, after_submit
        self.run: QuizRun | None = None
        self.position = 0
        self.confirming_finish = False
        self._typed_waiting: tuple[int, float] | None = None  # (position, when) of a click on an empty box
        # The current question's inputs (`_inputs`). They are built once, the first time a kind of question
        # needs them, and then reused: a widget built is a comm opened, its whole state sent and a view
        # built in the browser, about ten per question before (issue 16). `checks` and `pairs` are the
        # ones on screen, the first of `_check_pool` and `_pair_pool`.
        self.choice: widgets.RadioButtons | None = None
        self.checks: list[widgets.Checkbox] = []
        self.pairs: list[widgets.Dropdown] = []
        self.typed: widgets.Text | None = None
        self._check_pool: list[widgets.Checkbox] = []
        self._pair_pool: list[widgets.Dropdown] = []
        self._multiple_hint: widgets.HTML | None = None
        self._input_layout: widgets.Layout | None = None

        t = TEXT[lang]
        # The progress line, its bar and the stem in one widget: one message per question shown, not three.
        self.heading = widgets.HTML("")
        self.answer_box = widgets.VBox([])
        # Hidden by CSS once disabled (the question is answered), which also shows the report box after
        # it: one message on an answer instead of three (issue 16).
        self.submit = widgets.Button(description=t["submit"], button_style="primary", icon="check")
        self.submit.add_class(SUBMIT_CLASS)
        self.submit.on_click(self.on_submit)
        self.prev = widgets.Button(description=t["prev"], icon="arrow-left")
        self.prev.on_click(self.on_prev)
        self.next = widgets.Button(description=t["next"], icon="arrow-right")
        self.next.on_click(self.on_next)
        self.finish = widgets.Button(description=t["finish"], button_style="warning", icon="flag-checkered")
        self.finish.on_click(self.on_finish)
        self.feedback = widgets.HTML("")
        self._build_report_box()
        self.quiz_box = widgets.VBox([self.heading, self.answer_box, self.submit,
                                      self.feedback, self.report_box,
                                      widgets.HBox([self.prev, self.next, self.finish],
                                                   layout=widgets.Layout(flex_flow="row wrap"))])
        self.results = widgets.HTML("")
        self.review = widgets.HTML("")
        # The page puts this first (`quiz_page`). Focused when the results are shown, it brings the top of
        # the page into view: tapped at the bottom of a long question, “Nộp bài” left the page scrolled
        # past the score. It persists, so the message finds its view (a new screen's views are still
        # being built when it lands). A Label: a box's view ignores `tabbable`, an HTML's focuses an inner
        # element that has no tabindex.
        self.top = widgets.Label("", layout=widgets.Layout(height="1px", margin="0")).add_class("screen-top")
        self.top.tabbable = False
        # The score and the page's ways on come first, the review after: on a phone, a long review put
        # “Luyện lại các câu sai” thousands of pixels down. The same report box on both screens: only one
        # of them is on the page at a time.
        self.results_box = widgets.VBox([*results_above, self.results, *results_below, self.review,
                                         self.report_box])

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]

    def _build_report_box(self) -> None:
        """“Báo lỗi câu hỏi”: one box for the whole run, reset for each question shown.

        It holds nothing but its labels, numbers of questions and the participant's own note. On the
        question screen it reports the question on screen; on the results screen, the number chosen.
        """
        t = TEXT[self.lang]
        self.screen = "question"  # or "results": which screen the report box is on
        self.reported: set[str] = set()  # question ids reported from this page in this run, for the “again” line
        self.report = widgets.Button(description=t["report"], icon="flag").add_class("report")
        self.report.on_click(self.on_report)
        self.report_which = stacked(widgets.Dropdown(description=t["report_which"], options=[(t["report_pick"], None)],
                                                     index=0, layout=widgets.Layout(width="100%")))
        self.report_note = stacked(widgets.Text(description=t["report_note"], placeholder=t["report_hint"], continuous_update=False,
                                                layout=widgets.Layout(width="100%")))
        self.report_send = widgets.Button(description=t["report_send"], icon="paper-plane")
        self.report_send.on_click(self.on_send_report)
        self.report_message = widgets.HTML("")
        self.report_form = widgets.VBox([self.report_which, self.report_note, self.report_send],
                                        layout=widgets.Layout(display="none"))
        self.report_box = widgets.VBox([self.report, self.report_form, self.report_message],
                                       layout=widgets.Layout(display="none")).add_class("report-box")

    # ---------------------------------------------------------------- entering and leaving a run
    def open(self, run: QuizRun) -> None:
        """Show `run` where it stands: its first unanswered question, or, if it is over, its results.

        Every answer given on a page also reviews the officer's memory of the facts it tests (issue 14).
        """
        from toolkit.storage.reviews import record_answer

        if run.memory is None:
            run.memory = functools.partial(record_answer, plan=run.attempt.plan)
        self.run = run
        self.reported = set()  # of this run's participant, as reported from this page
        if run.expired:
            run.finish()
        if run.finished:
            self._on_finished(run.summary())
            return
        self.show_question(run.next_unanswered() or 0)

    def close(self) -> None:
        """Forget the run: every handler does nothing until the page opens another."""
        self.run = None

    # ---------------------------------------------------------------- the question screen
    def show_question(self, position: int) -> None:
        run = self.run
        self.position = position
        self.confirming_finish = False
        self._typed_waiting: tuple[int, float] | None = None  # (position, when) of a click on an empty box
        self.finish.description = self.t("finish")
        shown = run.shown(position)
        limit = ""
        if run.deadline:
            limit = f" · Hạn nộp: {run.deadline.astimezone(VIETNAM):%H:%M}"
        done = run.answered_count
        self.heading.value = (
            f'<div class="progress-text">Câu {shown.number}/{shown.total} · Đã trả lời {done}/{run.total}{limit}</div>'
            f'<div class="answered-bar" role="progressbar" aria-label="Đã trả lời" aria-valuemin="0" '
            f'aria-valuemax="{run.total}" aria-valuenow="{done}" aria-valuetext="{done}/{run.total}">'
            f'<span style="width: {100 * done / run.total:.1f}%"></span></div><div class="stem">{esc(shown.stem)}</div>')
        answered = run.is_answered(position)
        inputs = tuple(self._inputs(shown, run.shown_answer(position) if answered else None))
        if self.answer_box.children != inputs:  # the same kind of question keeps the same views
            self.answer_box.children = inputs
        self.submit.disabled = answered
        self.prev.disabled = position == 0
        self.next.disabled = position >= run.total - 1
        if answered:
            self.feedback.value = (self.feedback_html(run.feedback(position)) if run.mode == "practice"
                                   else f'<div class="muted">{esc(self.t("saved"))}</div>')
        else:
            self.feedback.value = ""
        self.screen = "question"
        self._reset_report(shown=answered, question_id=run.questions[position].id if answered else None)
        self._show(self.quiz_box)

    def _inputs(self, shown: ShownQuestion, answer=None) -> list[widgets.Widget]:
        """The inputs for one question, set up for it and holding `answer` (what was stored, shown
        disabled) or nothing. Their values are display positions only, so nothing in them says which
        option is right. Only what differs is sent: the same question re-shown once answered sends
        its inputs' `disabled` and nothing else."""
        labels, disabled = list(shown.options), answer is not None
        if shown.type in ("single", "true_false"):
            choice = self._choice()
            options = tuple((f"{chr(65 + i)}. {o}" if shown.type == "single" else o, i) for i, o in enumerate(labels))
            with choice.hold_sync():
                if choice.options != options:
                    choice.index = None  # first: new options on a selected radio would select their first
                    choice.options = options
                changed(choice, index=answer, disabled=disabled)
            used = [choice]
        elif shown.type == "multiple":
            self.checks = [self._check(i) for i in range(len(labels))]
            for i, (c, o) in enumerate(zip(self.checks, labels)):
                changed(c, description=f"{chr(65 + i)}. {o}", value=disabled and i in answer, disabled=disabled)
            used = [self._hint(), *self.checks]
        elif shown.type == "matching":
            options = ((self.t("choose"), None), *((o, i) for i, o in enumerate(labels)))
            self.pairs = [self._pair(i) for i in range(len(shown.rows))]
            for r, (d, row) in enumerate(zip(self.pairs, shown.rows)):
                with d.hold_sync():
                    changed(d, description=row, options=options, disabled=disabled)
                    changed(d, value=answer[r] if disabled else None)
            used = self.pairs
        else:
            typed = self._typed()
            changed(typed, value=answer if disabled else "", disabled=disabled)
            used = [typed]
        self._empty_unused(used)
        return used

    def _empty_unused(self, used: list[widgets.Widget]) -> None:
        keep = {id(w) for w in used}
        if self.choice is not None and id(self.choice) not in keep:
            with self.choice.hold_sync():
                self.choice.index = None
                changed(self.choice, options=())
        for c in self._check_pool:
            if id(c) not in keep:
                changed(c, description="", value=False)
        for d in self._pair_pool:
            if id(d) not in keep:
                with d.hold_sync():
                    changed(d, options=((self.t("choose"), None),), description="")
                    changed(d, index=0)
        if self.typed is not None and id(self.typed) not in keep:
            changed(self.typed, value="")

    def _full_width(self) -> widgets.Layout:
        """One layout model for every input (and one style for each kind): each is a comm of its own."""
        if self._input_layout is None:
            self._input_layout = widgets.Layout(width="100%")
        return self._input_layout

    def _choice(self) -> widgets.RadioButtons:
        if self.choice is None:
            self.choice = widgets.RadioButtons(options=(), value=None, layout=self._full_width())
        return self.choice

    def _check(self, i: int) -> widgets.Checkbox:
        while len(self._check_pool) <= i:
            style = self._check_pool[0].style if self._check_pool else None
            self._check_pool.append(widgets.Checkbox(description="", value=False, indent=False,
                                                     layout=self._full_width(), **({"style": style} if style else {})))
        return self._check_pool[i]

    def _hint(self) -> widgets.HTML:
        if self._multiple_hint is None:
            self._multiple_hint = widgets.HTML('<div class="muted">Chọn tất cả đáp án đúng.</div>')
        return self._multiple_hint

    def _pair(self, i: int) -> widgets.Dropdown:
        # Its own class: the report box has a dropdown of its own.
        while len(self._pair_pool) <= i:
            style = self._pair_pool[0].style if self._pair_pool else None
            self._pair_pool.append(stacked(widgets.Dropdown(
                options=((self.t("choose"), None),), index=0, layout=self._full_width(),
                **({"style": style} if style else {}))).add_class("match-row"))
        return self._pair_pool[i]

    def _typed(self) -> widgets.Text:
        # Its own class: the report box's note is a text input on the same screen. The value is sent
        # once, when the box loses focus (which a tap on “Trả lời” does before the click): sent per key,
        # ipywidgets holds later keys back while a reply is outstanding and the click overtook them,
        # scoring a shortened answer (tests/browser/test_quiz_page.py, typed fast).
        if self.typed is None:
            self.typed = widgets.Text(placeholder=self.t("type_here"), continuous_update=False,
                                      layout=self._full_width()).add_class("typed-answer")
            self.typed.observe(self._on_typed, "value")
        return self.typed

    def read_answer(self):
        """What the inputs of the question on screen hold, in display positions (checked by `QuizRun.answer`)."""
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
        self._answer()
        if self._after_submit:
            self._after_submit()

    def _answer(self) -> None:
        answer = self.read_answer()
        # A matching answer with a row left on “chọn” is a slip, not an answer: Moodle asks for every box.
        missing = "pick_one" if answer is None else "pick_all" if isinstance(answer, list) and None in answer else None
        if isinstance(answer, str) and not answer.strip():
            # An empty box is not an answer (it would be stored as wrong, for good). It may also be a
            # box whose text is still on its way: ipywidgets can send the click before the value.
            missing, self._typed_waiting = "type_first", (self.position, time.monotonic())
        if missing:
            self.feedback.value = alert(self.t(missing))
            return
        try:
            self.run.answer(self.position, answer)
        except QuizRuleError as exc:
            self.feedback.value = alert(exc)
            if self.run.finished:
                self._on_finished(self.run.summary())
            return
        position = self.position
        if self.run.mode == "test" and self.run.next_unanswered(position) is not None:
            self.show_question(self.run.next_unanswered(position))
            return
        self.show_question(position)

    @guarded("ghi câu trả lời")
    def _on_typed(self, change) -> None:
        """The text of a click that came before its value: answer with it, if it lands at once."""
        waiting, self._typed_waiting = self._typed_waiting, None
        if (waiting and waiting[0] == self.position and time.monotonic() - waiting[1] < TYPED_LATE_S
                and str(change["new"]).strip() and self.run and not self.run.is_answered(self.position)):
            self.on_submit()

    @guarded("chuyển câu hỏi")
    def on_next(self, _=None) -> None:
        if self.run and self.position < self.run.total - 1:
            self.show_question(self.position + 1)

    @guarded("chuyển câu hỏi")
    def on_prev(self, _=None) -> None:
        if self.run and self.position > 0:
            self.show_question(self.position - 1)

    @guarded("nộp bài")
    def on_finish(self, _=None) -> None:
        if self.run is None:
            return
        left = self.run.total - self.run.answered_count
        if left and not self.confirming_finish:
            self.confirming_finish = True
            self.finish.description = self.t("confirm_finish")
            self.feedback.value = (f'<div class="pbgdpl-alert" role="alert">Còn {left} câu chưa trả lời '
                                   "(tính 0 điểm). Bấm “Nộp bài” lần nữa để nộp.</div>")
            return
        self._on_finished(self.run.finish())

    # ---------------------------------------------------------------- the results screen
    def feedback_html(self, fb: Feedback) -> str:
        verdict = self.t("correct") if fb.is_correct else self.t("wrong")
        points = f"{score_text(fb.points, fb.max_points)} điểm"
        return (f'<div class="feedback {"ok" if fb.is_correct else "ko"}" role="status">'
                f'<div class="verdict">{"✔" if fb.is_correct else "✘"} {esc(verdict)} ({points})</div>'
                f"<p><b>{esc(self.t('yours'))}:</b> {esc(fb.given)}</p>"
                f"<p><b>{esc(self.t('key'))}:</b> {esc(fb.correct)}</p>"
                + "".join(f'<p class="present-name">{esc(n)}</p>' for n in fb.notes) +
                f"<p><b>{esc(self.t('why'))}:</b> {esc(fb.explanation)}</p>"
                f"<details><summary>{esc(self.t('source'))}</summary><blockquote>{esc(fb.source)}</blockquote>"
                "</details></div>")

    def show_results(self, summary: Summary, reveal: bool = True) -> None:
        """The score and, if `reveal`, every mistake with the key (a workshop in test mode waits until it closes)."""
        minutes, seconds = divmod(int(summary.duration.total_seconds()), 60)
        rows = "".join(f'<tr><td>{esc(label)}</td><td class="n">{score_text(p, m)}</td></tr>'
                       for label, p, m in summary.by_section)
        # Each mistake folds to its stem: the screen stays short enough that the score is in view
        # wherever the page was scrolled when “Nộp bài” was tapped.
        mistakes = "".join(
            f'<details class="mistake"><summary><b>Câu {m.position + 1}.</b> {esc(m.stem)}</summary>'
            f"{self.feedback_html(m)}</details>" for m in summary.mistakes)
        unanswered = summary.total - summary.answered
        self.results.value = (
            f'<h3>Kết quả</h3><div class="score">{score_text(summary.points, summary.max_points)} điểm '
            f"({number(summary.percent, 0)}%)</div>"
            f"<p>Thời gian làm bài: {minutes} phút {seconds} giây. Đã trả lời {summary.answered}/{summary.total} câu"
            f"{f', {unanswered} câu bỏ trống' if unanswered else ''}.</p>"
            f'<details class="sections"><summary>Điểm theo mục ({len(summary.by_section)})</summary>'
            f'<table class="sections"><tr><th>Mục</th><th>Điểm</th></tr>{rows}</table></details>')
        self.review.value = (
            "" if not reveal else
            f'<h3>Các câu cần xem lại ({len(summary.mistakes)})</h3><p class="muted">Chạm vào từng câu để xem '
            f"đáp án, giải thích và nguyên văn Kế hoạch.</p>{mistakes}" if mistakes else
            "<p>Bạn trả lời đúng tất cả các câu đã làm.</p>" if summary.answered else
            "<p>Bạn chưa trả lời câu nào.</p>")
        answered = [p for p in range(self.run.total) if self.run.is_answered(p)] if self.run else []
        self.report_which.options = [(self.t("report_pick"), None)] + [(f"{self.t('number')} {p + 1}", p)
                                                                       for p in answered]
        self.report_which.index = 0
        self.screen = "results"
        self._reset_report(shown=bool(answered))
        self.report_which.layout.display = None
        self._show(self.results_box)
        self._bring_top_into_view()

    def _bring_top_into_view(self) -> None:
        self.top.focus()  # tabbable=False: tabindex -1, focusable by the page and not by Tab; focus scrolls

    # ---------------------------------------------------------------- reporting a question
    def _reset_report(self, shown: bool, question_id: str | None = None) -> None:
        # On the question screen the page's CSS shows the box once “Trả lời” is disabled, whatever `shown`
        # says (the kernel still decides what a report is about, `_report_target`); on the results screen
        # it is shown only if something was answered.
        self.report_box.layout.display = None if shown or self.screen == "question" else "none"
        self.report_form.layout.display = "none"
        self.report_which.layout.display = "none"
        self.report_note.value = ""
        self.report_message.value = (f'<div class="muted">{esc(self.t("report_again"))}</div>'
                                     if question_id in self.reported else "")

    def _report_target(self) -> int | None:
        """The answered question the report box is about, or None: the kernel decides, not the widgets."""
        run = self.run
        if run is None:
            return None
        position = self.position if self.screen == "question" else self.report_which.value
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < run.total:
            return None
        return position if run.is_answered(position) else None

    @guarded("mở ô báo lỗi câu hỏi")
    def on_report(self, _=None) -> None:
        if self.run is None or (self.screen == "question" and self._report_target() is None):
            return  # nothing answered on screen: a crafted click
        self.report_form.layout.display = None
        self.report_message.value = ""

    @guarded("ghi nhận báo lỗi câu hỏi")
    def on_send_report(self, _=None) -> None:
        if self.run is None:
            return
        position = self._report_target()
        if position is None:
            if self.screen == "results" and self.report_form.layout.display != "none":
                self.report_message.value = alert(self.t("report_choose"))
            return  # an unanswered question, or a crafted click: nothing is stored
        run = self.run
        question_id = run.questions[position].id
        try:
            run.store.report_question(run.attempt.participant_id, question_id, self.report_note.value,
                                      attempt_id=run.attempt.id, plan=run.attempt.plan)
        except InputError as exc:
            self.report_message.value = alert(exc)
            return
        self.reported.add(question_id)
        self.report_form.layout.display = "none"
        self.report_note.value = ""
        if self.screen == "results":
            self.report_which.index = 0
        self.report_message.value = f'<div class="muted" role="status">✔ {esc(self.t("report_done"))}</div>'

    # ---------------------------------------------------------------- language
    def set_language(self, lang: str) -> None:
        self.lang = lang
        for w, key in ((self.submit, "submit"), (self.next, "next"), (self.prev, "prev"), (self.finish, "finish"),
                       (self.report, "report"), (self.report_send, "report_send"), (self.report_note, "report_note"),
                       (self.report_which, "report_which")):
            w.description = TEXT[lang][key]
        self.report_note.placeholder = TEXT[lang]["report_hint"]
        if self.typed is not None:  # built once, not per question: it would keep the first language's words
            self.typed.placeholder = TEXT[lang]["type_here"]


class FromScreens:
    """A page attribute that is its AnswerScreens' own: `app.choice` is `app.screens.choice`.

    Pages keep the names tests and ARCHITECTURE.md use (`app.submit`, `app.run`, `app.choice`) without
    a copy of the screens' state; setting one on the page is refused, so the two cannot drift apart.
    """

    def __init__(self, name: str):
        self.name = name

    def __get__(self, app, owner=None):
        return self if app is None else getattr(app.screens, self.name)

    def __set__(self, app, value):
        raise AttributeError(f"{self.name} belongs to the page's AnswerScreens (app.screens.{self.name})")


SCREEN_ATTRIBUTES = ("run", "position", "choice", "checks", "pairs", "typed", "heading", "answer_box", "submit", "prev", "next", "finish", "feedback", "quiz_box", "results", "review", "top",
                     "results_box", "report", "report_which", "report_note", "report_send", "report_message",
                     "report_form", "report_box")


def with_screens(cls):
    """Class decorator: the page class reads SCREEN_ATTRIBUTES from its `screens` (see `FromScreens`)."""
    for name in SCREEN_ATTRIBUTES:
        setattr(cls, name, FromScreens(name))
    return cls
