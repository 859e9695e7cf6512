"""Does the store keep each officer's review states and log (SQLite and PostgreSQL), review an answer in the
transaction that stores it, never count a re-saved answer twice, never lose an answer to a failed review,
answer a trainer's group queries, and delete an officer's review with their personal data? (issue 14)"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from helpers import shown_key, shown_wrong

from toolkit.quiz.attempt import QuizRun
from toolkit.quiz.workshop import create_session, join_session
from toolkit.review.cards import cards_of
from toolkit.review.schedule import apply_answer, replay
from toolkit.review.today import DAILY_NEW_CARDS
from toolkit.storage import schema
from toolkit.storage.personal import PersonalStore
from toolkit.storage.records import InputError
from toolkit.storage.reviews import ReviewStore, record_answer
from toolkit.storage.sessions import SessionStore

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam


def single(questions, n=3):
    """Questions that each test exactly one card (a lead or a deadline), for counting rows."""
    return [q for q in questions if len(cards_of(q)) == 1 and q.type == "single"][:n]


def count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_do_states_and_log_round_trip_in_utc(store, questions):
    pid = store.participant("Phạm Thị Thu", "phuong_hoan_kiem").id
    q = single(questions, 1)[0]
    pairs = apply_answer({}, q, q.correct[0], T0, officer=str(pid), source="quiz")
    reviews = ReviewStore(store)
    assert reviews.save(pairs, "7:0") == 1
    (memory, entry) = pairs[0]
    assert reviews.memories(pid) == {memory.card_id: memory}
    assert reviews.log(pid) == [entry]
    stored = reviews.memories(pid)[memory.card_id]
    assert stored.due.tzinfo == timezone.utc and stored.last_review == T0
    # The next answer, read back and reviewed again, gives what replaying the stored log gives.
    later = T0 + timedelta(days=3)
    again = apply_answer(reviews.memories(pid, cards_of(q)), q, q.correct[0], later, officer=str(pid), source="review")
    reviews.save(again, "8:0")
    assert replay(reviews.log(pid)) == reviews.memories(pid)
    assert reviews.memories(pid)[memory.card_id].reps == 2
    assert reviews.memories(pid, ["241:nothing:lead"]) == {}


def test_is_a_resaved_answer_logged_and_counted_once(store, questions):
    pid = store.participant("Phạm Thị Thu", "phuong_hoan_kiem").id
    q = single(questions, 1)[0]
    reviews = ReviewStore(store)
    pairs = apply_answer({}, q, q.correct[0], T0, officer=str(pid), source="quiz")
    assert reviews.save(pairs, "9:3") == 1
    replayed = apply_answer(reviews.memories(pid), q, q.correct[0], T0 + timedelta(days=2), officer=str(pid),
                            source="quiz")
    assert reviews.save(replayed, "9:3") == 0  # the same stored answer again: nothing changes
    assert len(reviews.log(pid)) == 1 and reviews.memories(pid)[pairs[0][0].card_id].reps == 1


def test_is_an_answer_reviewed_in_its_own_transaction_and_once(store, plan, questions):
    thu = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")
    pool = single(questions)
    run = QuizRun.start(store, thu, pool, plan, topic="all", n=3, clock=lambda: T0, memory=record_answer)
    run.answer(0, shown_key(run, 0))
    run.answer(1, shown_wrong(run, 1))
    reviews = ReviewStore(store)
    log = reviews.log(thu.id)
    assert [e.source for e in log] == ["quiz", "quiz"] and [e.right for e in log] == [True, False]
    assert [e.question_id for e in log] == [q.id for q in run.questions[:2]]
    # The same answer stored again (a second page of the attempt, a retried write) is refused with its review.
    q = run.questions[0]
    assert not store.save_response(run.attempt.id, run.slots[0], q.id, q.correct[0], 1.0, 1.0,
                                   then=lambda conn: record_answer(conn, question=q, answer=q.correct[0], at=T0,
                                                                   officer=thu.id, source="quiz",
                                                                   attempt_id=run.attempt.id, position=run.slots[0]))
    assert len(reviews.log(thu.id)) == 2 and count(store, schema.review_states) == 2


def test_does_a_failing_review_leave_the_answer_stored(store, plan, questions):
    thu = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")

    def broken(conn, **_):
        conn.execute(schema.review_settings.insert().values(officer=thu.id, new_per_day=3, updated_at=T0))
        raise RuntimeError("review failed")

    run = QuizRun.start(store, thu, single(questions), plan, topic="all", n=3, clock=lambda: T0, memory=broken)
    feedback = run.answer(0, shown_key(run, 0))
    assert feedback.is_correct and len(store.responses(run.attempt.id)) == 1
    assert count(store, schema.review_settings) == 0  # the savepoint took back what the review began


def test_is_the_daily_cap_stored_and_checked(store):
    pid = store.participant("Phạm Thị Thu", "phuong_hoan_kiem").id
    reviews = ReviewStore(store)
    assert reviews.new_per_day(pid) == DAILY_NEW_CARDS
    assert reviews.set_new_per_day(pid, " 5 ") == 5 and reviews.new_per_day(pid) == 5
    assert reviews.set_new_per_day(pid, 0) == 0 and reviews.new_per_day(pid) == 0
    with pytest.raises(InputError, match="từ 0 đến"):
        reviews.set_new_per_day(pid, "năm")
    assert reviews.new_per_day(pid) == 0


def test_do_the_group_queries_find_the_sessions_and_the_units_people(store, plan, questions):
    by_id = {q.id: q for q in questions}
    a = create_session(store, plan, questions, title="Lớp A", topic="all", n=3)
    b = create_session(store, plan, questions, title="Lớp B", topic="all", n=3)
    thu = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")
    binh = store.participant("Trần Văn Bình", "phuong_ba_dinh")
    lan = store.participant("Lê Thị Lan", "phuong_hoan_kiem")
    for person, code in ((thu, a.code), (binh, b.code), (thu, b.code)):
        run = join_session(store, plan, by_id, code, person)
        run.memory = record_answer
        run.answer(0, shown_key(run, 0))
    reviews = ReviewStore(store)
    assert [p.name for p in reviews.session_participants([a.code])] == [thu.name]
    assert [p.name for p in reviews.session_participants([a.code.lower(), b.code])] == [thu.name, binh.name]
    assert [p.name for p in reviews.unit_participants("phuong_hoan_kiem")] == [thu.name, lan.name]
    assert reviews.units() == ["phuong_ba_dinh", "phuong_hoan_kiem"]
    states = reviews.states_of([thu.id, binh.id, lan.id])
    assert sorted(states) == sorted([str(thu.id), str(binh.id)])  # Lan answered nothing
    logs = reviews.logs_of([thu.id, binh.id])
    assert {e.source for e in logs} == {"workshop"} and len(logs) == len(reviews.log(thu.id)) + len(reviews.log(binh.id))
    assert [e.at for e in logs] == sorted(e.at for e in logs)


def test_does_deleting_a_participant_delete_their_review(store, plan, questions):
    thu = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")
    binh = store.participant("Trần Văn Bình", "phuong_ba_dinh")
    for person in (thu, binh):
        run = QuizRun.start(store, person, single(questions), plan, topic="all", n=3, memory=record_answer)
        run.answer(0, shown_key(run, 0))
    ReviewStore(store).set_new_per_day(thu.id, 4)
    counts = PersonalStore(store).delete_participant(thu.id, "participant")
    assert counts["review_log"] == 1 and counts["review_states"] == 1 and counts["review_settings"] == 1
    reviews = ReviewStore(store)
    assert reviews.log(thu.id) == [] and reviews.memories(thu.id) == {}
    assert len(reviews.log(binh.id)) == 1  # the other officer's review stays
    # Someone who never reviewed: no review counts in their deletion's record.
    lan = store.participant("Lê Thị Lan", "phuong_hoan_kiem")
    assert not {"review_log", "review_states", "review_settings"} & set(
        PersonalStore(store).delete_participant(lan.id, "participant"))


def test_does_taking_a_sessions_names_out_drop_its_review_log(store, plan, questions):
    by_id = {q.id: q for q in questions}
    session = create_session(store, plan, questions, title="Lớp A", topic="all", n=3)
    thu = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")
    practice = QuizRun.start(store, thu, single(questions), plan, topic="all", n=1, memory=record_answer)
    practice.answer(0, shown_key(practice, 0))
    run = join_session(store, plan, by_id, session.code, thu)
    run.memory = record_answer
    for i in range(run.total):
        run.answer(i, shown_key(run, i))
    SessionStore(store).close(session.code)
    reviews = ReviewStore(store)
    assert {e.source for e in reviews.log(thu.id)} == {"quiz", "workshop"}
    states = len(reviews.memories(thu.id))
    PersonalStore(store).anonymise_session(session.code, "trainer")
    assert {e.source for e in reviews.log(thu.id)} == {"quiz"}  # nothing ties her to the session any more
    assert len(reviews.memories(thu.id)) == states
