"""The workshop participant's page: a join code, then the session's questions and one's own result.

The page is the join code, name and unit, the session's heading and one's own rank around the
shared `AnswerScreens` (toolkit/ui/answering.py). The quiz page's other ways into a quiz (topic
set-up, resume, practise mistakes, a new quiz, another participant) are not part of it at all:
the round is the trainer's. Nothing about other participants is ever put in its widgets: a
participant sees their own answers and, if the session allows it, their own rank.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.datafile import DataError
from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.attempt import QuizRuleError, Summary
from toolkit.quiz.banks import question_bank
from toolkit.quiz.retired import retired_ids
from toolkit.quiz.workshop import join_session, served_ids, standings
from toolkit.storage.deferred import DeferredStore
from toolkit.storage.records import JOIN_ALPHABET, InputError, Participant, SessionRecord
from toolkit.ui.answering import (
    ROOT_CLASS,
    AnswerScreens,
    NameAndUnit,
    bank_notice,
    dropped_notice,
    language_toggle,
    quiz_page,
    with_screens,
)
from toolkit.ui.common import alert, built_before_the_request, error_box, esc, guarded, stacked
from toolkit.ui.privacy import CodeOnResults, NoticeLine

if TYPE_CHECKING:
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store


JOIN_TEXT = {
    "vi": {"code": "Mã phiên", "join": "Tham gia", "refresh": "Cập nhật kết quả"},
    "en": {"code": "Session code", "join": "Join", "refresh": "Update results"},
}


def clean_code(text: str) -> str:
    """A join code as typed on a phone: upper case, letters and digits of the join alphabet only."""
    return "".join(ch for ch in (text or "").upper() if ch in JOIN_ALPHABET)[:12]


PARTICIPANT_CSS = f"""<style>
.{ROOT_CLASS} .rank {{ font-size: 1.2em; background: #eff6ff; border: 1px solid #93c5fd; border-radius: 8px;
  padding: 0.5em 0.8em; margin: 0.6em 0 0; }}
.{ROOT_CLASS} .rank b {{ font-size: 1.4em; color: #1e3a8a; }}
</style>"""


@with_screens
class ParticipantApp:
    """Code → name and unit → the session's questions on the shared answer screens → own result."""

    def __init__(self, plan: Plan, questions, store: Store, bank_problems=(), lang: str = "vi", code: str = "",
                 quiz_dir: Path | str | None = None):
        self.plan, self.store, self.lang = plan, store, lang
        self.quiz_dir = quiz_dir  # whose retired list (quizzes/retired.yaml) the session's questions follow
        self.questions = {q.id: q for q in questions}
        self.participant: Participant | None = None
        self.session: SessionRecord | None = None
        self._open_at_answer = False  # the run's session check found the session open for this click

        t = JOIN_TEXT[lang]
        self.error = error_box()
        self.notice = widgets.HTML(bank_notice(bank_problems))
        self.language = language_toggle(lang)
        self.language.observe(self.on_language, "value")

        # joining
        self.code = stacked(widgets.Text(description=t["code"], value=clean_code(code), placeholder="VD: K7QM2X",
                                         continuous_update=False,
                                         layout=widgets.Layout(width="100%")))
        self.fields = NameAndUnit(plan, lang)
        self.name, self.unit = self.fields.name, self.fields.unit
        self.sign_in = widgets.Button(description=t["join"], button_style="primary", icon="sign-in-alt")
        self.sign_in.on_click(self.on_sign_in)
        # Before any name is stored: what is kept and why; “Tham gia” is the consent, stored with the name.
        self.privacy_notice = NoticeLine("workshop", "workshop")
        self.sign_in_box = widgets.VBox([
            widgets.HTML("<p>Nhập mã phiên trên màn hình của báo cáo viên (mở trang bằng mã QR thì mã đã được điền "
                         "sẵn), rồi họ tên và đơn vị của bạn.</p>"),
            self.code, self.name, self.fields.picker.box, self.privacy_notice.widget, self.sign_in])
        self.session_head = widgets.HTML("")

        # answering and results: one's own rank above the score (the moment a participant looks for it);
        # no "new quiz" or "practise mistakes" below it.
        self.rank = widgets.HTML("")
        self.pending = widgets.HTML("")
        self.refresh_results = widgets.Button(description=t["refresh"], icon="sync")
        self.refresh_results.on_click(self.on_refresh_results)
        self.personal_code = CodeOnResults()
        self.screens = AnswerScreens(self.error, show=self._show, on_finished=self._show_results,
                                     after_submit=self._check_session_open, lang=lang,
                                     results_above=[self.rank],
                                     results_below=[self.pending, self.refresh_results, self.personal_code.widget])

        self.body = widgets.VBox([self.sign_in_box])
        self.widget = quiz_page([self.screens.top, self.language, self.error, self.notice, self.session_head, self.body],
                                css=PARTICIPANT_CSS)

    @functools.cached_property
    def sessions(self) -> SessionStore:
        from toolkit.storage.sessions import SessionStore  # opened at sign-in, not when the page loads

        return SessionStore(self.store)

    @classmethod
    def from_environment(cls) -> "ParticipantApp":
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters

        # The most recent plan until the code is known: a session names its own plan (`_use_plan_of`).
        plan = catalogue.default()
        quiz_dir = catalogue.quiz_dir(plan)
        questions, problems = question_bank(plan, quiz_dir)
        # The code in the link only fills its box; English is a page built in English.
        app = built_before_the_request(
            lambda lang="vi": cls(plan, questions, DeferredStore(), problems, lang=lang, quiz_dir=quiz_dir),
            lambda: {"lang": "en"} if query_parameters().get("lang") == "en" else {})
        app.code.value = clean_code(query_parameters().get("code", ""))
        return app

    def _show(self, box: widgets.Widget) -> None:
        self.body.children = [box]

    # ---------------------------------------------------------------- joining
    @guarded("tham gia phiên")
    def on_sign_in(self, _=None) -> None:
        code = clean_code(self.code.value)
        if not code:
            self.notice.value = alert("Vui lòng nhập mã phiên.")
            return
        try:
            self._use_plan_of(code)
            participant = self.fields.participant(self.store, consent=self.privacy_notice.consent())
            run = join_session(self.store, self.plan, self.questions, code, participant,
                               retired=retired_ids(self.quiz_dir))
        except (InputError, QuizRuleError) as exc:
            self.notice.value = alert(str(exc))
            return
        self.participant = participant
        self.session = self.sessions.get(code)
        self._remember_guard(run)
        self.notice.value = dropped_notice(run)
        self.code.value, self.name.value = code, participant.name
        self.session_head.value = (f"<h3>{esc(self.session.title)}</h3>"
                                   f'<p class="muted">Phiên {esc(code)} · {esc(participant.name)}</p>')
        self.screens.open(run)

    def _use_plan_of(self, code: str) -> None:
        """The session's plan, its questions and retired list: a session is of one plan, whichever plan the
        page opened with. No picker: the round is the trainer's."""
        from toolkit.plan import catalogue

        session = self.sessions.get(code)
        if session is None or session.plan == key_of(self.plan):
            return  # join_session says what is wrong with an unknown code
        try:
            plan = catalogue.get(session.plan)
        except (catalogue.NotPublished, DataError):
            raise QuizRuleError("Phiên này thuộc một kế hoạch hiện không có trên máy chủ; hãy báo báo cáo viên.")
        self.plan, self.quiz_dir = plan, catalogue.quiz_dir(plan)
        questions, problems = question_bank(plan, self.quiz_dir)
        self.questions = {q.id: q for q in questions}
        self.notice.value = bank_notice(problems)

    def _remember_guard(self, run) -> None:
        """Let the run's own session check (`session_guard`) say when it found the session open, so
        that `_check_session_open` does not read the session a second time for the same answer."""
        guard, self._open_at_answer = run.guard, False
        if guard is None:
            return

        def remembered() -> str | None:
            reason = guard()
            self._open_at_answer = reason is None
            return reason

        run.guard = remembered

    def _check_session_open(self) -> None:
        """After each “Trả lời”: closed while this participant was answering, the kernel refused; show what they have."""
        if self._open_at_answer:  # stored just now, the session read open: nothing to show
            self._open_at_answer = False
            return
        session = self.sessions.get(self.session.code)
        if not session.is_open and not self.run.finished:
            self.run.finish()
            self.notice.value = alert("Phiên đã đóng; câu trả lời sau khi đóng không được ghi nhận.")
            self._show_results(self.run.summary())

    # ---------------------------------------------------------------- results
    def _show_results(self, summary: Summary) -> None:
        session = self.sessions.get(self.session.code)
        # In test mode the key waits until the trainer closes the session, so it cannot be passed around.
        hold_back = session.mode == "test" and session.is_open
        self.personal_code.show(self.store, self.participant)
        self.screens.show_results(summary, reveal=not hold_back)
        self.pending.value = ("<p>Đáp án và giải thích các câu sai sẽ hiện khi báo cáo viên đóng phiên; bấm “Cập "
                              "nhật kết quả” sau đó.</p>" if hold_back and summary.mistakes else "")
        self.rank.value = self._rank_html(session) if session.show_rank else ""
        self.refresh_results.layout.display = None if (hold_back or session.show_rank) else "none"

    def _rank_html(self, session: SessionRecord) -> str:
        """This participant's own rank and the number ranked: no one else's name or score."""
        served = served_ids(session, self.questions, retired_ids(self.quiz_dir))
        table = standings(session, self.sessions.attempts(session.code, served))
        mine = next((s for s in table if s.name == self.participant.name and s.unit_key == self.participant.unit_key),
                    None)
        if mine is None:
            return ""
        return (f'<div class="rank">Thứ hạng của bạn: <b>{mine.rank}</b>/{len(table)} người tham gia'
                '<div class="muted">Tính đến lúc này; người khác có thể vẫn đang làm bài.</div></div>')

    @guarded("cập nhật kết quả")
    def on_refresh_results(self, _=None) -> None:
        if self.run is None or not self.run.finished:
            return
        self._show_results(self.run.summary())

    # ---------------------------------------------------------------- language
    @guarded("đổi ngôn ngữ")
    def on_language(self, change) -> None:
        self.lang = change["new"]
        t = JOIN_TEXT[self.lang]
        self.fields.set_language(self.lang)
        self.screens.set_language(self.lang)
        self.code.description, self.sign_in.description = t["code"], t["join"]
        self.refresh_results.description = t["refresh"]
