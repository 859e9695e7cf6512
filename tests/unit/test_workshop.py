"""Does a workshop round give everyone the same questions, refuse late answers, and rank by accuracy?"""

import io
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from helpers import shown_key, shown_wrong

from toolkit.quiz.attempt import QuizRuleError
from toolkit.quiz.workshop import create_session, dashboard, join_session, key_may_show, session_workbook, standings
from toolkit.storage.records import SessionAttempt, SessionRecord
from toolkit.storage.sessions import SessionStore


def test_everyone_gets_the_same_questions_in_their_own_order(store, plan, questions):
    session = create_session(store, plan, questions, title="Tập huấn Sở Tư pháp", topic="agency:so_tu_phap", n=10)
    by_id = {q.id: q for q in questions}
    runs = [join_session(store, plan, by_id, session.code.lower(), store.participant(f"Học viên {i}", "so_tu_phap"))
            for i in range(3)]
    assert all(sorted(q.id for q in r.questions) == sorted(session.question_ids) for r in runs)
    assert len({tuple(q.id for q in r.questions) for r in runs}) > 1  # shuffled per person


def test_joining_again_resumes_the_same_attempt(store, plan, questions):
    session = create_session(store, plan, questions, title="Lớp A", topic="all", n=5)
    by_id = {q.id: q for q in questions}
    person = store.participant("Ngô Thị Lan", "quan_tay_ho")
    first = join_session(store, plan, by_id, session.code, person)
    first.answer(0, shown_key(first, 0))
    again = join_session(store, plan, by_id, session.code, person)
    assert again.attempt.id == first.attempt.id and again.answered_count == 1


def test_closed_session_refuses_answers_and_joins(store, plan, questions):
    session = create_session(store, plan, questions, title="Lớp B", topic="all", n=5)
    by_id = {q.id: q for q in questions}
    run = join_session(store, plan, by_id, session.code, store.participant("Vũ Văn Nam", "quan_long_bien"))
    SessionStore(store).close(session.code)
    with pytest.raises(QuizRuleError, match="Phiên đã đóng"):
        run.answer(0, shown_key(run, 0))
    with pytest.raises(QuizRuleError, match="Phiên đã đóng"):
        join_session(store, plan, by_id, session.code, store.participant("Người đến muộn", "quan_long_bien"))
    with pytest.raises(QuizRuleError, match="Không có phiên"):
        join_session(store, plan, by_id, "ZZZZZZ", store.participant("Ai đó", "quan_long_bien"))


def rec(**kw):
    base = dict(code="ABCDEF", title="t", topic="all", mode="test", time_limit_s=None, show_rank=True,
                tie_break_time=False, question_ids=("a",), status="open",
                created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), closed_at=None)
    return SessionRecord(**{**base, **kw})


def test_accuracy_first_and_ties_by_time_only_when_chosen():
    t0 = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)
    attempts = [
        SessionAttempt(0, 0, "An", "x", t0, t0 + timedelta(seconds=300), 10, 8, None),
        SessionAttempt(0, 0, "Bình", "x", t0, t0 + timedelta(seconds=500), 10, 9, None),
        SessionAttempt(0, 0, "Chi", "x", t0, t0 + timedelta(seconds=200), 10, 8, None),
    ]
    plain = standings(rec(), attempts)
    assert [(s.rank, s.name) for s in plain] == [(1, "Bình"), (2, "An"), (2, "Chi")]  # a tie shares a rank
    timed = standings(rec(tie_break_time=True), attempts)
    assert [(s.rank, s.name) for s in timed] == [(1, "Bình"), (2, "Chi"), (3, "An")]


@pytest.mark.parametrize("mode", ["test", "practice"])
@pytest.mark.parametrize("status", ["open", "closed"])
def test_a_key_reaches_the_projected_screen_only_when_nobody_still_needs_it(mode, status):
    session = rec(mode=mode, status=status)
    for joined in range(0, 5):
        for answered in range(0, joined + 1):
            shown = key_may_show(session, answered, joined)
            if status == "closed":
                assert shown
            elif mode == "test":
                assert not shown  # nobody sees a key before submitting
            else:
                assert shown == (joined > 0 and answered == joined)  # each has seen it as feedback


def test_dashboard_and_workbook(store, plan, questions):
    session = create_session(store, plan, questions, title="Lớp C", topic="section:II.6", n=5)
    by_id = {q.id: q for q in questions}
    runs = [join_session(store, plan, by_id, session.code, store.participant(f"Người {i}", "quan_ba_dinh"))
            for i in range(4)]
    missed = session.question_ids[0]
    for run in runs:
        for pos, q in enumerate(run.questions):
            run.answer(pos, shown_wrong(run, pos) if q.id == missed else shown_key(run, pos))
        run.finish()
    d = dashboard(store, plan, by_id, session.code)
    assert (d["joined"], d["finished"], d["total"]) == (4, 4, 5)
    assert d["scores"] == [4.0] * 4
    assert d["most_missed"]["question_id"] == missed and d["most_missed"]["share_correct"] == 0.0
    # Test mode, open: the key is not even in the data the trainer's page receives.
    assert d["most_missed"]["key_may_show"] is False and not {"correct", "explanation", "source"} & set(d["most_missed"])
    SessionStore(store).close(session.code)
    d = dashboard(store, plan, by_id, session.code)
    assert d["most_missed"]["source"] == by_id[missed].source and d["most_missed"]["key_may_show"]
    data = session_workbook(store, plan, by_id, session.code)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert set(sheets) == {"Phiên", "Người tham gia", "Câu trả lời", "Thống kê câu hỏi", "Nhầm lẫn cơ quan"}
    assert len(sheets["Câu trả lời"]) == 20 and len(sheets["Người tham gia"]) == 4
    stats = sheets["Thống kê câu hỏi"].set_index("Mã câu hỏi")
    assert stats.loc[missed, "Độ khó: tỉ lệ trả lời đúng (%)"] == 0.0
