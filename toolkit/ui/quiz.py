"""Quiz page: an officer signs in with name and unit, picks a topic, answers, and gets feedback.

The page is the sign-in, the topic set-up and the ways back into a quiz (resume, practise mistakes,
a new quiz, another participant) around the shared `AnswerScreens` (toolkit/ui/answering.py), which
answer one `QuizRun` and keep its key in the kernel until each answer is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.assembly import Topic, questions_for_topic, titles_by_bank
from toolkit.quiz.attempt import MODES, REVIEW_TOPIC, QuizRuleError, QuizRun, Summary
from toolkit.quiz.banks import question_bank
from toolkit.quiz.questions import Question
from toolkit.quiz.retired import retired_ids
from toolkit.quiz.workshop import session_guard
from toolkit.storage.deferred import DeferredStore
from toolkit.storage.records import InputError, Participant, now
from toolkit.ui.answering import TEXT as SHARED_TEXT
from toolkit.ui.answering import (
    AnswerScreens,
    FromScreens,
    NameAndUnit,
    bank_notice,
    dropped_notice,
    language_toggle,
    quiz_page,
    with_screens,
)
from toolkit.ui.common import PlanPicker, alert, built_before_the_request, error_box, esc, guarded, stacked
from toolkit.ui.privacy import CodeOnResults, NoticeLine
from toolkit.ui.review import DailyReview

if TYPE_CHECKING:
    from toolkit.storage.store import Store

COUNTS = (5, 10, 15, 20)
LIMITS = ((0, "Không giới hạn"), (5, "5 phút"), (10, "10 phút"), (15, "15 phút"), (20, "20 phút"), (30, "30 phút"))

# The answer screens' and sign-in fields' words, and this page's own.
TEXT = {
    "vi": {
        **SHARED_TEXT["vi"], "continue": "Tiếp tục", "resume": "Làm tiếp bài đang dở", "new": "Bắt đầu bài mới",
        "topic": "Chủ đề", "count": "Số câu hỏi", "mode": "Chế độ", "limit": "Thời gian làm bài",
        "start": "Bắt đầu làm bài", "retry": "Luyện lại các câu sai", "again": "Làm bài mới",
        "signout": "Đổi người làm bài", "lang": "Ngôn ngữ giao diện", "plan": "Kế hoạch",
    },
    "en": {
        **SHARED_TEXT["en"], "continue": "Continue", "resume": "Resume unfinished quiz", "new": "Start a new quiz",
        "topic": "Topic", "count": "Number of questions", "mode": "Mode", "limit": "Time limit",
        "start": "Start", "retry": "Practise my mistakes", "again": "New quiz",
        "signout": "Change participant", "lang": "Interface language", "plan": "Plan",
    },
}


def topic_options(plan: Plan, questions, unit_key: str | None = None) -> list[tuple[str, str]]:
    """(label, topic) pairs that have questions: the whole plan, my unit, sections, authored banks, agencies.

    Shared by the quiz page (an officer's own unit first) and the trainer page (no unit).
    """
    titles = titles_by_bank(questions)  # a bank is named by its title, never by its file's key
    opts = [("Toàn bộ Kế hoạch", "all")]
    if unit_key in plan.units:
        opts.append((f"Nhiệm vụ của đơn vị tôi ({plan.unit(unit_key).name})", f"unit:{unit_key}"))
    values = [f"section:{s.id}" for s in plan.sections] + [f"bank:{b}" for b in titles]
    values += [f"agency:{k}" for k, a in plan.agencies.items() if a.kind != "generic" and not a.is_group]
    opts += [(Topic.parse(v).label(plan, titles), v) for v in values]
    return [(label, value) for label, value in opts if questions_for_topic(plan, questions, Topic.parse(value))]


@with_screens
class QuizApp:
    """Sign in → choose → answer → results; one instance per page (per kernel)."""

    _read_answer = FromScreens("read_answer")

    def __init__(self, plan: Plan, questions: tuple[Question, ...], store: Store, bank_problems=(),
                 lang: str = "vi", quiz_dir: Path | str | None = None, clock=now, plans=()):
        self.plan, self.store, self.lang, self.clock = plan, store, lang, clock
        self.quiz_dir = quiz_dir  # whose retired list (quizzes/retired.yaml) new and resumed quizzes follow
        self.questions = {q.id: q for q in questions}
        self.all_questions = questions
        self.participant: Participant | None = None

        t = TEXT[lang]
        self.error = error_box()
        self.notice = widgets.HTML(bank_notice(bank_problems))
        self.language = language_toggle(lang)
        self.language.observe(self.on_language, "value")

        # sign in
        self.fields = NameAndUnit(plan, lang)
        self.name, self.unit = self.fields.name, self.fields.unit
        self.sign_in = widgets.Button(description=t["continue"], button_style="primary", icon="arrow-right")
        self.sign_in.on_click(self.on_sign_in)
        self.resume_box = widgets.VBox([])
        # Before any name is stored: what is kept and why; “Tiếp tục” is the consent, stored with the name.
        self.privacy_notice = NoticeLine("quiz", "quiz")
        # “Ôn tập hôm nay” beside the quiz: opened with the personal code, not with a name (toolkit.ui.review).
        # Built when first opened (`daily`): its widgets were near half of what a page sent on load.
        self._daily: DailyReview | None = None
        self.open_review = widgets.Button(description="Ôn tập hôm nay (có mã cá nhân)", icon="calendar-check",
                                          layout=widgets.Layout(width="auto"))
        self.open_review.on_click(self.on_open_review)
        # The plan, when there are several: on the sign-in and topic screens, never over a quiz being answered.
        self.plan_picker = PlanPicker(plans or [plan], plan, on_change=self.on_plan)
        picker = [self.plan_picker.box] if self.plan_picker.shown else []
        self.sign_in_box = widgets.VBox([*picker, self.name, self.fields.picker.box, self.privacy_notice.widget,
                                         self.sign_in, self.resume_box, self.open_review])

        # set up
        self.who = widgets.HTML("")
        self.topic = stacked(widgets.Dropdown(description=t["topic"], options=[("", "all")],
                                              layout=widgets.Layout(width="100%")))
        self.count = stacked(widgets.Dropdown(description=t["count"], options=COUNTS, value=10,
                                              layout=widgets.Layout(width="100%")))
        self.mode = widgets.ToggleButtons(options=[(v, k) for k, v in MODES.items()], value="practice",
                                          style={"button_width": "auto"})
        self.limit = stacked(widgets.Dropdown(description=t["limit"], options=[(b, a) for a, b in LIMITS],
                                              value=0, layout=widgets.Layout(width="100%")))
        self.start = widgets.Button(description=t["start"], button_style="primary", icon="play")
        self.start.on_click(self.on_start)
        self.signout = widgets.Button(description=t["signout"])
        self.signout.on_click(self.on_signout)
        self.setup_box = widgets.VBox([*picker, self.who, self.topic, self.count,
                                       widgets.HTML(f"<b>{esc(t['mode'])}</b>"), self.mode, self.limit,
                                       widgets.HBox([self.start, self.signout])])

        # answering and results; below the results, this page's two ways on
        self.retry = widgets.Button(description=t["retry"], button_style="primary", icon="redo")
        self.retry.on_click(self.on_retry)
        self.again = widgets.Button(description=t["again"], icon="plus")
        self.again.on_click(self.on_again)
        self.personal_code = CodeOnResults()
        self.screens = AnswerScreens(self.error, show=self._show, on_finished=self._show_results, lang=lang,
                                     results_below=[widgets.HBox([self.retry, self.again],
                                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                                    self.personal_code.widget])

        self.body = widgets.VBox([self.sign_in_box])
        self.widget = quiz_page([self.screens.top, self.language, self.error, self.notice, self.body])

    @classmethod
    def from_environment(cls) -> "QuizApp":
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters

        def build(key=None, lang="vi"):
            plans, plan = catalogue.opening(key)
            quiz_dir = catalogue.quiz_dir(plan)
            questions, problems = question_bank(plan, quiz_dir)
            return cls(plan, questions, DeferredStore(), problems, lang=lang, quiz_dir=quiz_dir, plans=plans)

        def wanted():  # the newest plan in Vietnamese unless the link names another plan or English
            query = query_parameters()
            plans, plan = catalogue.opening(query.get("plan"))
            return {**({"key": plan.key} if plan is not plans[0] else {}),
                    **({"lang": "en"} if query.get("lang") == "en" else {})}

        app = built_before_the_request(build, wanted)
        query = query_parameters()
        app.fields.picker.select(query.get("unit"))
        if query.get("code"):  # the results screen's link to “Ôn tập hôm nay”
            app.on_open_review()
            app.daily.open_with(query["code"])
        return app

    # ---------------------------------------------------------------- helpers
    @property
    def daily(self) -> DailyReview:
        if self._daily is None:
            self._daily = DailyReview(self.plan, self.all_questions, self.store, clock=self.clock, lang=self.lang,
                                      quiz_dir=self.quiz_dir, on_leave=self.on_leave_review)
        return self._daily

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]

    def _topic_options(self) -> list[tuple[str, str]]:
        return topic_options(self.plan, self.all_questions, self.participant.unit_key if self.participant else None)

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    # ---------------------------------------------------------------- sign in
    @guarded("đăng nhập")
    def on_sign_in(self, _=None) -> None:
        try:
            self.participant = self.fields.participant(self.store, consent=self.privacy_notice.consent())
        except InputError as exc:
            self.notice.value = alert(exc)
            return
        self.notice.value = ""
        self.name.value = self.participant.name
        self._welcome()

    def _welcome(self) -> None:
        """The signed-in participant's way on: resume an unfinished quiz of this plan, or choose a topic."""
        # A day's review is resumed with the personal code on “Ôn tập hôm nay”, not offered here as a quiz.
        open_runs = [a for a in self.store.open_attempts(self.participant.id, plan=key_of(self.plan))
                     if a.topic.partition(":")[0] != REVIEW_TOPIC]
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
            self._show(self.sign_in_box)  # where the offer is (after another plan is chosen on the topic screen too)
            return
        self.on_setup()

    @guarded("mở kế hoạch đã chọn")
    def on_plan(self, plan: Plan) -> None:
        """Another plan: its questions, topics and daily review; a signed-in participant stays signed in."""
        from toolkit.plan import catalogue

        self.screens.close()
        self.plan, self.quiz_dir = plan, catalogue.quiz_dir(plan)
        questions, problems = question_bank(plan, self.quiz_dir)
        self.questions, self.all_questions = {q.id: q for q in questions}, questions
        self.notice.value = bank_notice(problems)
        self.fields.plan = self.fields.picker.plan = plan
        self.fields.picker.refresh()
        self._daily = None  # the next “Ôn tập hôm nay” reviews this plan's cards
        self.resume_box.children = []
        if self.participant is not None:
            self._welcome()
        else:
            self._show(self.sign_in_box)

    @guarded("mở bài làm")
    def on_resume(self, attempt_id: int) -> None:
        record = self.store.attempt(attempt_id)
        # An unfinished workshop attempt resumed here keeps its session's rule: no answer once closed.
        guard = session_guard(self.store, record.session_code) if record.session_code else None
        run = QuizRun.resume(self.store, attempt_id, self.questions, self.plan, guard=guard,
                             retired=retired_ids(self.quiz_dir), clock=self.clock)
        self.notice.value = dropped_notice(run)
        self.screens.open(run)

    @guarded("mở trang chọn chủ đề")
    def on_setup(self, _=None) -> None:
        self.who.value = (f"<p>Người làm bài: <b>{esc(self.participant.name)}</b> — "
                          f"{esc(self.fields.unit_name(self.participant.unit_key))}</p>")
        self.topic.options = self._topic_options()
        mine = f"unit:{self.participant.unit_key}"
        self.topic.value = mine if mine in dict(self.topic.options).values() else "all"
        self._show(self.setup_box)

    @guarded("đổi người làm bài")
    def on_signout(self, _=None) -> None:
        self.participant = None
        self.screens.close()
        self.personal_code.clear()
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
        # This page's bank is as old as the page: a question retired since then is left out here.
        retired = retired_ids(self.quiz_dir)
        pool = [q for q in pool if q.id not in retired]
        try:
            run = QuizRun.start(self.store, self.participant, pool, self.plan, topic=topic, n=n, mode=mode,
                                time_limit_s=limit_s, clock=self.clock)
        except QuizRuleError as exc:
            self.notice.value = alert(exc)
            return
        self.notice.value = ""
        self.screens.open(run)

    # ---------------------------------------------------------------- “Ôn tập hôm nay”
    @guarded("mở ôn tập hôm nay")
    def on_open_review(self, _=None) -> None:
        self.screens.close()
        self.notice.value = ""
        if self.daily.officer is not None:
            self.daily.show_day()
        self._show(self.daily.widget)

    def on_leave_review(self) -> None:
        self._show(self.setup_box if self.participant else self.sign_in_box)
        if self.participant:
            self.on_setup()

    # ---------------------------------------------------------------- results
    def _show_results(self, summary: Summary) -> None:
        """The whole review, key included: on this page every attempt is the participant's own."""
        self.retry.disabled = not self.run.mistake_questions()
        self.personal_code.show(self.store, self.participant)
        self.screens.show_results(summary, reveal=True)

    @guarded("tạo bài luyện lại")
    def on_retry(self, _=None) -> None:
        if self.run is None:
            return
        pool = self.run.mistake_questions()
        if pool:
            self._begin(pool, f"retry:{self.run.attempt.id}", len(pool), "practice", None)

    @guarded("tạo bài mới")
    def on_again(self, _=None) -> None:
        self.screens.close()
        self.on_setup()

    # ---------------------------------------------------------------- language
    @guarded("đổi ngôn ngữ")
    def on_language(self, change) -> None:
        self.lang = change["new"]
        t = TEXT[self.lang]
        self.fields.set_language(self.lang)
        self.screens.set_language(self.lang)
        if self._daily is not None:
            self._daily.screens.set_language(self.lang)
        self.plan_picker.plan.description = t["plan"]
        for w, key in ((self.topic, "topic"), (self.count, "count"), (self.limit, "limit"), (self.sign_in, "continue"),
                       (self.start, "start"), (self.retry, "retry"), (self.again, "again"),
                       (self.signout, "signout")):
            w.description = t[key]
