"""Workshop rounds: a trainer's session with a join code, participants' attempts, live results.

Everyone in a session answers the same questions (each in their own shuffled order). Scoring is
accuracy first; time only breaks ties when the trainer chooses so. A closed session refuses
answers in the kernel (QuizRun's guard), whatever the participant's page shows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Collection, Mapping, Sequence

from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.assembly import Topic, build_quiz, questions_for_topic, titles_by_bank
from toolkit.quiz.attempt import MODES, QuizRuleError, QuizRun
from toolkit.quiz.questions import Question
from toolkit.storage.records import Participant, SessionAttempt, SessionRecord

if TYPE_CHECKING:
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store


def _sessions(store: Store) -> SessionStore:
    from toolkit.storage.sessions import SessionStore  # SQLAlchemy only once a page uses the database

    return SessionStore(store)


def create_session(store: Store, plan: Plan, questions: Sequence[Question], *, title: str, topic: str, n: int,
                   mode: str = "test", time_limit_s: int | None = None, show_rank: bool = False,
                   tie_break_time: bool = False, seed: int | None = None,
                   retired: Collection[str] = ()) -> SessionRecord:
    """A new session of n questions on `topic`; `retired` names questions to leave out besides the bank's own."""
    pool = [q for q in questions_for_topic(plan, questions, Topic.parse(topic)) if q.id not in retired]
    if not pool:
        raise QuizRuleError("Chủ đề này chưa có câu hỏi nào.")
    items = build_quiz(pool, max(1, n), secrets.randbits(48) if seed is None else seed)
    return _sessions(store).create(title, topic, mode, [i.question_id for i in items], time_limit_s, show_rank,
                                   tie_break_time, plan=key_of(plan))


def session_guard(store: Store, code: str):
    """The rule a session adds to every answer: it must still be open."""
    sessions = _sessions(store)

    def guard() -> str | None:
        s = sessions.get(code)
        if s is None or not s.is_open:
            return "Phiên đã đóng; câu trả lời này không được ghi nhận."
        return None

    return guard


def served_ids(session: SessionRecord, questions: Mapping[str, Question],
               retired: Collection[str] = ()) -> tuple[str, ...]:
    """The session's questions still served: a question retired after the session was made leaves it."""
    return tuple(qid for qid in session.question_ids if qid in questions and qid not in retired)


def join_session(store: Store, plan: Plan, questions: Mapping[str, Question], code: str,
                 participant: Participant, retired: Collection[str] = ()) -> QuizRun:
    """The participant's attempt in a session: resumed if they joined before, else started.

    Questions retired since the session was made are left out, of a new attempt and of a resumed one
    alike: pass `retired` (`retired_ids()`), since a page's bank may be older than the retirement.
    """
    sessions = _sessions(store)
    session = sessions.get(code)
    if session is None:
        raise QuizRuleError("Không có phiên nào với mã này; kiểm tra lại mã trên màn hình của báo cáo viên.")
    if session.plan != key_of(plan):  # its question ids mean that plan's questions, not another's
        raise QuizRuleError("Phiên này thuộc một kế hoạch khác với kế hoạch của trang; hãy mở lại trang bằng mã phiên.")
    guard = session_guard(store, session.code)
    mine = [a for a in sessions.attempts(session.code) if a.pid == participant.id]
    if mine:
        return QuizRun.resume(store, mine[0].id, questions, plan, guard=guard, retired=retired)
    if not session.is_open:
        raise QuizRuleError("Phiên đã đóng; không thể tham gia.")
    pool = [questions[qid] for qid in served_ids(session, questions, retired)]
    if not pool:
        raise QuizRuleError("Các câu hỏi của phiên này đã ngừng sử dụng; hãy báo báo cáo viên tạo phiên mới.")
    return QuizRun.start(store, participant, pool, plan, topic=session.topic, n=len(pool), mode=session.mode,
                         time_limit_s=session.time_limit_s, session_code=session.code, guard=guard)


@dataclass(frozen=True)
class Standing:
    rank: int
    name: str
    unit_key: str
    points: float
    answered: int
    finished: bool
    seconds: float | None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempt_id: int | None = None  # what a pseudonymised workbook numbers, in the order people joined


def standings(session: SessionRecord, attempts: list[SessionAttempt]) -> list[Standing]:
    """Ranked by points; equal points share a rank unless the trainer chose to break ties by time."""
    def seconds(a):
        end = a.finished_at or a.last_answer
        return (end - a.started_at).total_seconds() if end and a.started_at else None

    rows = [(a, a.points, seconds(a)) for a in attempts]
    key = (lambda r: (-r[1], r[2] if r[2] is not None else float("inf"))) if session.tie_break_time else (lambda r: -r[1])
    rows.sort(key=key)
    out, last, rank = [], None, 0
    for i, (a, pts, secs) in enumerate(rows, start=1):
        tie_key = (pts, secs) if session.tie_break_time else pts
        if tie_key != last:
            rank, last = i, tie_key
        out.append(Standing(rank, a.name, a.unit_key, pts, a.answered, a.finished_at is not None, secs,
                            a.started_at, a.finished_at, a.id))
    return out


def responses_frame(store: Store, code: str, question_ids: Collection[str] | None = None):
    """A session's answers as the statistics read them (`analytics.answers_frame`: keyed by attempt, no
    name, no unit); only those to `question_ids` if given."""
    from toolkit.quiz.analytics import answers_frame

    rows = _sessions(store).responses(code)
    if question_ids is not None:
        rows = [r for r in rows if r.question_id in question_ids]
    return answers_frame(rows)


def dashboard(store: Store, plan: Plan, questions: Mapping[str, Question], code: str,
              retired: Collection[str] = ()) -> dict:
    """What the trainer's screen shows: joined/finished, scores, share correct per question, most missed.

    Counted over the questions still served (`served_ids`), as each participant's own result is.
    """
    sessions = _sessions(store)
    session = sessions.get(code)
    served = served_ids(session, questions, retired)
    attempts = sessions.attempts(code, served)
    frame = responses_frame(store, code, set(served))
    total = len(served)
    per_question = []
    for position, qid in enumerate(served, start=1):
        rows = frame[frame["question_id"] == qid]
        answered = len(rows)
        share = float((rows["points"] >= rows["max_points"]).mean()) if answered else None
        per_question.append({"number": position, "question_id": qid, "stem": questions[qid].stem,
                             "answered": answered, "share_correct": share})
    answered_any = [q for q in per_question if q["answered"]]
    most_missed = min(answered_any, key=lambda q: (q["share_correct"], -q["answered"])) if answered_any else None
    if most_missed:
        # The key is not even handed to the page until it may be shown (`key_may_show`).
        shown = key_may_show(session, most_missed["answered"], len(attempts))
        q = questions[most_missed["question_id"]]
        most_missed = {**most_missed, "key_may_show": shown,
                       **({"correct": q.correct_text, "explanation": q.explanation, "source": q.source}
                          if shown else {})}
    return {
        "session": session,
        "joined": len(attempts),
        # Submitted means what the store says (finished_at), as in the people table and the workbook:
        # one who answered every question but has not pressed "Nộp bài" is still working.
        "finished": sum(1 for a in attempts if a.finished_at is not None),
        "scores": [a.points for a in attempts],
        "total": total,
        "per_question": per_question,
        "most_missed": most_missed,
        "standings": standings(session, attempts),
    }


def key_may_show(session: SessionRecord, answered: int, joined: int) -> bool:
    """Whether the trainer's screen, projected to the room, may show a question's key.

    After the session, yes. While it is open, only in practice mode and only once every participant
    has answered that question: each of them has then seen the key as feedback, and a key on the wall
    tells no one an answer they have still to give. In test mode nobody sees a key before submitting.
    """
    if not session.is_open:
        return True
    return session.mode == "practice" and joined > 0 and answered >= joined


YES_NO = {True: "Có", False: "Không"}

# A pseudonymised workbook: a participant is a number, the same in every sheet, in the order people joined.
PARTICIPANT_PREFIX = "NTG"
PARTICIPANT_NUMBER = "Người tham gia (số thứ tự)"


def session_notice(names: bool) -> str:
    """What the workbook's first row says about the names in it."""
    from toolkit.exports import named_notice, pseudonymised_notice

    if names:
        return named_notice("người tham gia", "trang “Người tham gia” và “Câu trả lời”",
                            "lưu hồ sơ tập huấn của báo cáo viên và báo kết quả cho đơn vị của người tham gia",
                            "Cần gửi cho người khác thì tải bản ẩn danh (số thứ tự thay họ tên).")
    return pseudonymised_notice(
        "người tham gia", f"mỗi người mang một số thứ tự ({PARTICIPANT_PREFIX}-001, {PARTICIPANT_PREFIX}-002…) "
        "theo thứ tự vào phiên, chỉ có nghĩa trong tệp này; họ tên người tham gia có trong tên buổi hay câu trả "
        "lời tự nhập được thay bằng “[họ tên]”",
        "Đơn vị, điểm và thời gian làm bài vẫn giữ (báo cáo của đơn vị cần đến), nên ở đơn vị chỉ có ít người "
        "trong phiên vẫn có thể đoán ra ai: vẫn giữ tệp cẩn thận.")


def session_workbook(store: Store, plan: Plan, questions: Mapping[str, Question], code: str,
                     retired: Collection[str] = (), *, names: bool = True) -> bytes:
    """xlsx for people, every header and value in Vietnamese (served questions only), sheets:

    "Phiên" (first row: whether the file holds names; then the session and its figures), "Người tham
    gia" (standings; "Đã nộp bài" is what the store holds), "Câu trả lời", "Thống kê câu hỏi" (item
    analysis), "Nhầm lẫn cơ quan". A topic that is an authored bank is named by the title its questions
    carry. With `names=False` the workbook is pseudonymised: participants are numbered in the order they
    joined (`PARTICIPANT_NUMBER`), their names are taken out of the title and of typed answers, the
    attempt ids are left out; their units stay. The statistics are the same either way (they never
    read a name).
    """
    import io

    import pandas as pd

    from toolkit.exports import excel_writer, fit_columns, notice_row, numbering, without_names
    from toolkit.quiz import analytics
    from toolkit.quiz.formats import results_table, sheet_time, topic_label, unit_label

    sessions = _sessions(store)
    session = sessions.get(code)
    order = served_ids(session, questions, retired)
    served = set(order)
    titles = titles_by_bank(tuple(questions.values()))
    attempts = sessions.attempts(code, served)  # in the order people joined
    ranked = standings(session, attempts)
    people_names = () if names else [a.name for a in attempts]
    numbers = None if names else numbering([a.id for a in attempts], PARTICIPANT_PREFIX)
    who = "Họ và tên" if names else PARTICIPANT_NUMBER
    people = pd.DataFrame([{"Hạng": s.rank, who: s.name if names else numbers[s.attempt_id],
                            "Đơn vị": unit_label(plan, s.unit_key),
                            "Điểm": s.points, "Số câu đã trả lời": s.answered, "Đã nộp bài": YES_NO[s.finished],
                            "Bắt đầu": sheet_time(s.started_at), "Nộp bài": sheet_time(s.finished_at),
                            "Thời gian làm bài (giây)": round(s.seconds) if s.seconds is not None else None}
                           for s in ranked],
                          columns=["Hạng", who, "Đơn vị", "Điểm", "Số câu đã trả lời", "Đã nộp bài", "Bắt đầu",
                                   "Nộp bài", "Thời gian làm bài (giây)"])
    rows = [r for r in sessions.responses(code) if r.question_id in served]
    answers = results_table(plan, rows, questions, titles, pseudonyms=numbers, pseudonym_label=PARTICIPANT_NUMBER,
                            hide=people_names)
    frame = responses_frame(store, code, served)
    stats = analytics.item_table(frame, questions, order)
    confusion = analytics.agency_confusion(frame, questions, plan) if len(frame) else pd.DataFrame()
    if confusion.empty:
        confusion = pd.DataFrame({"Ghi chú": ["Phiên chưa có câu trả lời nào cho câu hỏi chọn cơ quan."]})
        confusion_index = False
    else:
        # One header cell names both axes: pandas would write only the rows' name there.
        confusion = confusion.rename_axis(index="Đáp án đúng (hàng) \\ Đã chọn (cột)", columns=None)
        confusion_index = True
    figures = analytics.session_statistics(frame) if len(frame) else {}
    alpha = figures.get("alpha", float("nan"))
    summary = pd.DataFrame([
        notice_row(session_notice(names)),
        ("Mã phiên", code), ("Tên buổi", without_names(session.title, people_names)),
        ("Chủ đề", topic_label(plan, session.topic, titles)),
        ("Chế độ", MODES.get(session.mode, session.mode)),
        ("Trạng thái", "Đang mở" if session.is_open else "Đã đóng"),
        ("Tạo lúc", sheet_time(session.created_at)), ("Đóng lúc", sheet_time(session.closed_at)),
        ("Thời gian làm bài (phút)", session.time_limit_s // 60 if session.time_limit_s else "Không giới hạn"),
        ("Xếp hạng", "Bằng điểm thì xét thời gian" if session.tie_break_time else "Chỉ tính số câu đúng"),
        ("Số câu hỏi", len(order)), ("Số người tham gia", len(ranked)),
        ("Số người đã nộp bài", sum(s.finished for s in ranked)),
        ("Điểm trung bình (% điểm tối đa)", round(figures["mean"] * 100, 1) if figures else None),
        ("Trung vị (% điểm tối đa)", round(figures["median"] * 100, 1) if figures else None),
        ("Hệ số tin cậy Cronbach's alpha", alpha if alpha == alpha else
         "Không tính được (cần ít nhất 2 câu và điểm tổng khác nhau)"),
        *([("Lưu ý", caution)] if figures and (caution := analytics.small_group_caution(figures["participants"]))
          else []),
    ], columns=["Mục", "Giá trị"])
    buf = io.BytesIO()
    with excel_writer(buf) as xl:
        for name, df, index in (("Phiên", summary, False), ("Người tham gia", people, False),
                                ("Câu trả lời", answers, False), ("Thống kê câu hỏi", stats, False),
                                ("Nhầm lẫn cơ quan", confusion, confusion_index)):
            df.to_excel(xl, sheet_name=name, index=index)
            fit_columns(xl.sheets[name], df.reset_index() if index else df)
    return buf.getvalue()
