"""Do stored answers, reviews, assessments, reports and sessions carry their plan, so that two plans with the
same task ids never mix (SQLite and PostgreSQL)? And does migration 0007 keep a database in use, every row of
it Plan 241's? (issue 15)"""

from __future__ import annotations

import dataclasses
import functools

import pytest
import sqlalchemy as sa
from helpers import shown_key, shown_wrong

from toolkit.quiz.attempt import QuizRuleError, QuizRun
from toolkit.quiz.workshop import create_session, join_session
from toolkit.review.cards import cards_of
from toolkit.storage import migrations
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.personal import PersonalStore
from toolkit.storage.reviews import ReviewStore, record_answer
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

FIRST, SECOND = "plan-241", "plan-2026"
THU, UNIT = "Phạm Thị Thu", "phuong_hoan_kiem"


@pytest.fixture(scope="module")
def second(plan):
    """Another plan with the very same task ids (and so the same question and card ids) as Plan 241."""
    return dataclasses.replace(plan, key=SECOND)


def one_card(questions, n=2):
    return [q for q in questions if len(cards_of(q)) == 1 and q.type == "single"][:n]


def answered(store, person, pool, plan, right=True):
    """A finished attempt of `plan` at `pool`, every answer reviewing the officer's cards as the pages do."""
    run = QuizRun.start(store, person, pool, plan, topic="all", n=len(pool), mode="practice",
                        memory=functools.partial(record_answer, plan=plan.key))
    for i in range(run.total):
        run.answer(i, shown_key(run, i) if right else shown_wrong(run, i))
    run.finish()
    return run


def test_is_an_attempt_of_its_plan_and_resumed_only_on_it(store, plan, second, questions):
    person = store.participant(THU, UNIT)
    pool = one_card(questions)
    first = QuizRun.start(store, person, pool, plan, topic="all", n=2)
    other = QuizRun.start(store, person, pool, second, topic="all", n=2)
    assert (first.attempt.plan, other.attempt.plan) == (FIRST, SECOND)
    assert [a.id for a in store.open_attempts(person.id, plan=FIRST)] == [first.attempt.id]
    assert [a.id for a in store.open_attempts(person.id, plan=SECOND)] == [other.attempt.id]
    assert {a.id for a in store.open_attempts(person.id)} == {first.attempt.id, other.attempt.id}
    first.answer(0, shown_key(first, 0))
    assert [r.plan for r in store.results(plan=FIRST)] == [FIRST]
    assert store.results(plan=SECOND) == [] and len(store.results()) == 1


def test_are_the_same_cards_of_two_plans_two_memories(store, plan, second, questions):
    person = store.participant(THU, UNIT)
    pool = one_card(questions)
    answered(store, person, pool, plan)
    answered(store, person, pool, second, right=False)
    mine, theirs = ReviewStore(store, FIRST), ReviewStore(store, SECOND)
    cards = {c for q in pool for c in cards_of(q)}
    assert set(mine.memories(person.id)) == set(theirs.memories(person.id)) == cards
    assert all(m.reps == 1 and m.lapses == 0 for m in mine.memories(person.id).values())  # not 2: not mixed
    assert all(m.lapses == 0 and m.reps == 1 for m in theirs.memories(person.id).values())
    assert {e.rating for e in mine.log(person.id)} != {e.rating for e in theirs.log(person.id)}
    assert len(mine.log(person.id)) == len(theirs.log(person.id)) == len(pool)
    assert set(mine.states_of([person.id])[str(person.id)]) == cards
    assert ReviewStore(store, "plan-khac").memories(person.id) == {}


def test_does_a_unit_assess_each_plan_apart(store):
    first, other = AssessmentStore(store, FIRST), AssessmentStore(store, SECOND)
    a = first.open_draft(UNIT, 2026)
    b = other.open_draft(UNIT, 2026)
    assert (a.version, b.version, a.plan, b.plan) == (1, 1, FIRST, SECOND) and a.id != b.id
    first.save_entry(a.id, "II.1.a", {"rating": "hoan_thanh"})
    other.save_entry(b.id, "II.1.a", {"rating": "chua_hoan_thanh"})
    first.submit(a.id, "Trần Thị Bình")
    assert other.latest(UNIT, 2026).id == b.id and not other.latest(UNIT, 2026).submitted
    assert [r.id for r in first.submitted()] == [a.id] and other.submitted() == []
    assert [(r.id, e["II.1.a"]["rating"]) for r, e in first.submitted_with_entries()] == [(a.id, "hoan_thanh")]
    assert other.entries(b.id)["II.1.a"]["rating"] == "chua_hoan_thanh"
    assert first.open_draft(UNIT, 2026).version == 2  # a new version of the first plan's, not the second's
    assert [v.version for v in other.versions(UNIT, 2026)] == [1]
    assert AssessmentStore(store).latest(UNIT, 2026).plan == FIRST  # no plan named: Plan 241's, as before


def test_is_a_question_reported_in_each_plan_apart(store):
    person = store.participant(THU, UNIT)
    assert store.report_question(person.id, "lead:1.1:so_tu_phap", "đáp án sai", plan=FIRST)
    assert store.report_question(person.id, "lead:1.1:so_tu_phap", "", plan=SECOND)  # new: another plan's
    assert not store.report_question(person.id, "lead:1.1:so_tu_phap", "sửa ghi chú", plan=FIRST)
    (mine,) = store.question_reports(plan=FIRST)
    (theirs,) = store.question_reports(plan=SECOND)
    assert (mine.count, mine.notes[0].note, mine.plan) == (1, "sửa ghi chú", FIRST)
    assert (theirs.count, theirs.notes, theirs.plan) == (1, (), SECOND)
    assert len(store.question_reports()) == 2


def test_is_a_session_of_its_plan_and_joined_only_with_it(store, plan, second, questions):
    by_id = {q.id: q for q in questions}
    session = create_session(store, second, questions, title="Tập huấn kế hoạch 2026", topic="all", n=3)
    assert session.plan == SECOND and SessionStore(store).get(session.code).plan == SECOND
    assert SessionStore(store).all(plan=FIRST) == [] and [s.code for s in SessionStore(store).all(SECOND)] == [
        session.code]
    person = store.participant(THU, UNIT)
    with pytest.raises(QuizRuleError, match="kế hoạch khác"):
        join_session(store, plan, by_id, session.code, person)
    run = join_session(store, second, by_id, session.code, person)
    assert run.attempt.plan == SECOND and run.attempt.session_code == session.code
    # Taking the names out of the session keeps its answers the session's plan's.
    for i in range(run.total):
        run.answer(i, shown_key(run, i))
    run.finish()
    SessionStore(store).close(session.code)
    PersonalStore(store).anonymise_session(session.code, by="trainer")
    assert {a.plan for a in store.results(plan=SECOND)} == {SECOND} and len(store.results(plan=SECOND)) == 3


# ---------------------------------------------------------------- the migration


def columns(engine, table) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def test_does_0007_upgrade_and_downgrade_a_database_in_use(database_url, plan, questions):
    """Every table 0007 changes holds rows, and entries and consents point at the assessments it rebuilds."""
    from alembic import command

    store = Store(database_url)
    person = store.participant(THU, UNIT)
    run = answered(store, person, one_card(questions), plan)
    store.report_question(person.id, run.questions[0].id, "ghi chú", attempt_id=run.attempt.id)
    session = create_session(store, plan, questions, title="Tập huấn", topic="all", n=2)
    astore = AssessmentStore(store)
    draft = astore.open_draft(UNIT, 2026)
    astore.save_entry(draft.id, "II.1.a", {"rating": "hoan_thanh"})
    PersonalStore(store).record_consent(notice="assessment", version="v1", page="assessment", assessment_id=draft.id)
    astore.submit(draft.id, "Trần Thị Bình")
    memories = ReviewStore(store).memories(person.id)
    with store.engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0006")
    assert all("plan" not in columns(store.engine, t) for t in ("attempts", "assessments", "review_states",
                                                               "review_log", "question_reports", "workshop_sessions"))
    store.engine.dispose()

    again = Store(database_url)  # opening upgrades it again, the rows in place
    assert migrations.current_revision(again.engine) == "0007"
    assert again.attempt(run.attempt.id).plan == FIRST and len(again.responses(run.attempt.id)) == run.total
    assert ReviewStore(again).memories(person.id) == memories
    (report,) = again.question_reports(plan=FIRST)
    assert report.count == 1 and SessionStore(again).get(session.code).plan == FIRST
    kept = AssessmentStore(again)
    assert kept.latest(UNIT, 2026).id == draft.id and kept.latest(UNIT, 2026).submitted
    assert kept.entries(draft.id)["II.1.a"]["rating"] == "hoan_thanh"
    assert [c.assessment_id for c in PersonalStore(again).consents(assessment_id=draft.id)] == [draft.id]
    # What 0007 is for: the second plan's version 1 of the same unit and year, beside Plan 241's.
    assert AssessmentStore(again, SECOND).open_draft(UNIT, 2026).version == 1

    # Back to one plan is refused while a row is another plan's, and leaves the database as it was.
    with pytest.raises(RuntimeError, match="kế hoạch khác"):
        with again.engine.begin() as conn:
            command.downgrade(migrations.config(conn), "0006")
    assert "plan" in columns(again.engine, "assessments") and migrations.current_revision(again.engine) == "0007"
    again.engine.dispose()
