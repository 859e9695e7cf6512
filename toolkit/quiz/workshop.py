"""Workshop rounds: a trainer's session with a join code, participants' attempts, live results.

Everyone in a session answers the same questions (each in their own shuffled order). Scoring is
accuracy first; time only breaks ties when the trainer chooses so. A closed session refuses
answers in the kernel (QuizRun's guard), whatever the participant's page shows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Mapping, Sequence

from toolkit.plan.model import Plan
from toolkit.quiz.assembly import Topic, build_quiz, questions_for_topic
from toolkit.quiz.attempt import QuizRuleError, QuizRun
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
                                   tie_break_time)


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
        out.append(Standing(rank, a.name, a.unit_key, pts, a.answered, a.finished_at is not None, secs))
    return out


def responses_frame(store: Store, code: str, question_ids: Collection[str] | None = None):
    """A session's answers as a table (one row each); only those to `question_ids` if given."""
    import pandas as pd

    rows = _sessions(store).responses(code)
    if question_ids is not None:
        rows = [r for r in rows if r.question_id in question_ids]
    columns = ["attempt_id", "name", "unit_key", "position", "question_id", "answer", "points", "max_points",
               "answered_at"]
    frame = pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)
    return frame.rename(columns={"attempt_id": "participant"})


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
        q = questions[most_missed["question_id"]]
        most_missed = {**most_missed, "correct": q.correct_text, "explanation": q.explanation, "source": q.source}
    return {
        "session": session,
        "joined": len(attempts),
        "finished": sum(1 for a in attempts if a.finished_at is not None or a.answered == total),
        "scores": [a.points for a in attempts],
        "total": total,
        "per_question": per_question,
        "most_missed": most_missed,
        "standings": standings(session, attempts),
    }


def session_workbook(store: Store, plan: Plan, questions: Mapping[str, Question], code: str,
                     retired: Collection[str] = ()) -> bytes:
    """xlsx with sheets: participants, responses, item statistics, confusion matrix (served questions only)."""
    import io

    import pandas as pd

    from toolkit.quiz import analytics
    from toolkit.quiz.formats import results_table

    sessions = _sessions(store)
    session = sessions.get(code)
    served = set(served_ids(session, questions, retired))
    people = pd.DataFrame([{"Hạng": s.rank, "Họ và tên": s.name,
                            "Đơn vị": plan.units[s.unit_key].name if s.unit_key in plan.units else s.unit_key,
                            "Điểm": s.points, "Số câu đã trả lời": s.answered, "Đã nộp": "Có" if s.finished else "Chưa",
                            "Thời gian (giây)": round(s.seconds) if s.seconds is not None else None}
                           for s in standings(session, sessions.attempts(code, served))])
    rows = [r for r in sessions.responses(code) if r.question_id in served]
    answers = results_table(plan, rows, questions) if rows else pd.DataFrame()
    frame = responses_frame(store, code, served)
    if len(frame):
        stats = analytics.item_statistics(frame).reset_index()
        stats.insert(1, "Câu hỏi", [questions[q].stem for q in stats["question_id"]])
        confusion = analytics.agency_confusion(frame, questions, plan)
    else:
        stats, confusion = pd.DataFrame(), pd.DataFrame()
    summary = pd.DataFrame([{"Mã phiên": code, "Tên buổi": session.title, "Chủ đề": session.topic,
                             **(analytics.session_statistics(frame) if len(frame) else {})}])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        summary.to_excel(xl, sheet_name="Phiên", index=False)
        people.to_excel(xl, sheet_name="Người tham gia", index=False)
        answers.to_excel(xl, sheet_name="Câu trả lời", index=False)
        stats.to_excel(xl, sheet_name="Thống kê câu hỏi", index=False)
        confusion.to_excel(xl, sheet_name="Nhầm lẫn cơ quan")
    return buf.getvalue()
