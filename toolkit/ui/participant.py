"""The workshop participant's page: a join code, then the session's questions and one's own result.

Nothing about other participants is ever put in its widgets: a participant sees their own answers and,
if the session allows it, their own rank.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.plan.load import load_plan
from toolkit.plan.model import Plan
from toolkit.quiz.attempt import QuizRuleError, Summary
from toolkit.quiz.banks import question_bank
from toolkit.quiz.workshop import join_session, standings
from toolkit.storage.deferred import DeferredStore
from toolkit.storage.records import JOIN_ALPHABET, InputError, SessionRecord
from toolkit.ui.common import alert, esc, guarded
from toolkit.ui.quiz import ROOT_CLASS as QUIZ_CLASS  # the participant page is the quiz page's look
from toolkit.ui.quiz import QuizApp, _query, _stacked

if TYPE_CHECKING:
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store


# ---------------------------------------------------------------- participant page

JOIN_TEXT = {
    "vi": {"code": "Mã phiên", "join": "Tham gia", "refresh": "Cập nhật kết quả"},
    "en": {"code": "Session code", "join": "Join", "refresh": "Update results"},
}


def clean_code(text: str) -> str:
    """A join code as typed on a phone: upper case, letters and digits of the join alphabet only."""
    return "".join(ch for ch in (text or "").upper() if ch in JOIN_ALPHABET)[:12]


PARTICIPANT_CSS = f"""<style>
.{QUIZ_CLASS} .rank {{ font-size: 1.2em; background: #eff6ff; border: 1px solid #93c5fd; border-radius: 8px;
  padding: 0.5em 0.8em; margin: 0.6em 0 0; }}
.{QUIZ_CLASS} .rank b {{ font-size: 1.4em; color: #1e3a8a; }}
</style>"""


class ParticipantApp(QuizApp):
    """Code → name and unit → the session's questions on the quiz page's own screens → own result."""

    def __init__(self, plan: Plan, questions, store: Store, bank_problems=(), lang: str = "vi", code: str = ""):
        super().__init__(plan, questions, store, bank_problems, lang)
        self.session: SessionRecord | None = None
        t = JOIN_TEXT[lang]
        self.code = _stacked(widgets.Text(description=t["code"], value=clean_code(code), placeholder="VD: K7QM2X",
                                          layout=widgets.Layout(width="100%")))
        self.sign_in.description, self.sign_in.icon = t["join"], "sign-in-alt"
        self.sign_in_box.children = [
            widgets.HTML("<p>Nhập mã phiên trên màn hình của báo cáo viên (mở trang bằng mã QR thì mã đã được điền "
                         "sẵn), rồi họ tên và đơn vị của bạn.</p>"),
            self.code, self.name, self.unit, self.sign_in]
        self.session_head = widgets.HTML("")
        self.rank = widgets.HTML("")  # above the score's details: the moment a participant looks for
        self.pending = widgets.HTML("")
        self.refresh_results = widgets.Button(description=t["refresh"], icon="sync")
        self.refresh_results.on_click(self.on_refresh_results)
        # No "new quiz" or "practise mistakes" here: the round is the trainer's.
        self.results_box.children = [self.rank, self.results, self.pending, self.refresh_results]
        self.widget.children = [widgets.HTML(PARTICIPANT_CSS), *self.widget.children[:-1], self.session_head,
                                self.body]

    @functools.cached_property
    def sessions(self) -> SessionStore:
        from toolkit.storage.sessions import SessionStore  # opened at sign-in, not when the page loads

        return SessionStore(self.store)

    @classmethod
    def from_environment(cls) -> "ParticipantApp":
        plan = load_plan()
        questions, problems = question_bank(plan)
        query = _query()
        return cls(plan, questions, DeferredStore(), problems, lang="en" if query.get("lang") == "en" else "vi",
                   code=query.get("code", ""))

    # ---------------------------------------------------------------- joining
    @guarded("tham gia phiên")
    def on_sign_in(self, _=None) -> None:
        code = clean_code(self.code.value)
        if not code:
            self.notice.value = alert("Vui lòng nhập mã phiên.")
            return
        if self.unit.value is None:
            self.notice.value = alert("Vui lòng chọn đơn vị công tác.")
            return
        try:
            participant = self.store.participant(self.name.value, self.unit.value)
            run = join_session(self.store, self.plan, self.questions, code, participant)
        except (InputError, QuizRuleError) as exc:
            self.notice.value = alert(str(exc))
            return
        self.participant, self.run = participant, run
        self.session = self.sessions.get(code)
        self.notice.value = ""
        self.code.value, self.name.value = code, participant.name
        self.session_head.value = (f"<h3>{esc(self.session.title)}</h3>"
                                   f'<p class="muted">Phiên {esc(code)} · {esc(participant.name)}</p>')
        if run.expired:
            run.finish()
        if run.finished:
            self._show_results(run.summary())
            return
        self._show_question(run.next_unanswered() or 0)

    # The quiz page's other ways into a quiz are not this page's: refused even if clicked by hand.
    def on_setup(self, _=None) -> None:
        return None

    def on_start(self, _=None) -> None:
        return None

    def on_resume(self, attempt_id: int) -> None:
        return None

    def on_retry(self, _=None) -> None:
        return None

    def on_again(self, _=None) -> None:
        return None

    def on_signout(self, _=None) -> None:
        return None

    @guarded("ghi câu trả lời")
    def on_submit(self, _=None) -> None:
        if self.run is None:
            return
        super().on_submit.__wrapped__(self)
        # Closed while this participant was answering: the kernel refused; show what they have.
        session = self.sessions.get(self.session.code)
        if not session.is_open and not self.run.finished:
            self.run.finish()
            self.notice.value = alert("Phiên đã đóng; câu trả lời sau khi đóng không được ghi nhận.")
            self._show_results(self.run.summary())

    # ---------------------------------------------------------------- results
    def _show_results(self, summary: Summary, reveal: bool = True) -> None:
        session = self.sessions.get(self.session.code)
        # In test mode the key waits until the trainer closes the session, so it cannot be passed around.
        hold_back = session.mode == "test" and session.is_open
        super()._show_results(summary, reveal=reveal and not hold_back)
        self.pending.value = ("<p>Đáp án và giải thích các câu sai sẽ hiện khi báo cáo viên đóng phiên; bấm «Cập "
                              "nhật kết quả» sau đó.</p>" if hold_back and summary.mistakes else "")
        self.rank.value = self._rank_html(session) if session.show_rank else ""
        self.refresh_results.layout.display = None if (hold_back or session.show_rank) else "none"

    def _rank_html(self, session: SessionRecord) -> str:
        """This participant's own rank and the number ranked: no one else's name or score."""
        table = standings(session, self.sessions.attempts(session.code))
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

    @guarded("đổi ngôn ngữ")
    def on_language(self, change) -> None:
        super().on_language.__wrapped__(self, change)
        t = JOIN_TEXT[self.lang]
        if hasattr(self, "code"):
            self.code.description, self.sign_in.description = t["code"], t["join"]
            self.refresh_results.description = t["refresh"]
