"""Does an attempt keep every answer, enforce the rules in the kernel, and score as documented?"""

import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest
from helpers import shown_key, shown_wrong

from toolkit.quiz.assembly import Topic, questions_for_topic
from toolkit.quiz.attempt import QuizRuleError, QuizRun, ShownQuestion
from toolkit.quiz.generate import generate_questions
from toolkit.quiz.questions import Question, score
from toolkit.storage.records import InputError, clean_name
from toolkit.storage.store import Store


@pytest.fixture(scope="module")
def bank(plan):
    return generate_questions(plan)


def q(qtype, options=("A", "B", "C", "D"), correct=(0,), **kw):
    return Question(id=f"t-{qtype}", type=qtype, stem="?", options=tuple(options), correct=tuple(correct),
                    explanation="", source="", **kw)


# ------------------------------------------------------------ scoring, computed by hand


@pytest.mark.parametrize("answer,points", [
    ([0, 2], 1.0),        # both correct options
    ([0], 0.5),           # one of two
    ([0, 1], 0.0),        # one right (+1/2), one wrong (-1/2)
    ([0, 1, 2, 3], 0.0),  # ticking everything earns nothing
    ([1, 3], 0.0),        # floored at zero
    (None, 0.0),
])
def test_multiple_choice_partial_credit(answer, points):
    assert score(q("multiple", correct=(0, 2)), answer).points == points


def test_matching_scores_each_row():
    m = q("matching", options=("X", "Y", "Z"), correct=(2, 0, 1), rows=("r1", "r2", "r3"))
    assert score(m, [2, 0, 1]).points == 1.0
    assert score(m, [2, 1, 0]).points == pytest.approx(1 / 3, abs=1e-4)


@pytest.mark.parametrize("typed", ["Năm 2022", "nam 2022", "  NĂM  2022. ", "2022"])
def test_typed_answers_ignore_case_diacritics_and_spacing(typed):
    t = q("text", options=(), correct=(), answers=("năm 2022", "2022"))
    assert score(t, typed).points == 1.0
    assert score(t, "2021").points == 0.0


def test_a_blank_answer_scores_zero():
    assert score(q("single"), None).points == 0.0


# ------------------------------------------------------------ taking a quiz


def start(store, plan, bank, **kw):
    person = store.participant("Nguyễn Văn An", "quan_ba_dinh")
    pool = questions_for_topic(plan, bank, Topic("unit", "quan_ba_dinh"))
    return QuizRun.start(store, person, pool, plan, topic="unit:quan_ba_dinh", n=kw.pop("n", 10), seed=kw.pop("seed", 7),
                         **kw)




def test_unit_topic_only_asks_about_the_units_duties(plan, bank):
    pool = questions_for_topic(plan, bank, Topic("unit", "quan_ba_dinh"))
    own = {t.id for t in plan.tasks_for_unit("quan_ba_dinh")}
    assert pool and all(set(x.task_ids) <= own or "ubnd_cap_huyen" in x.agencies for x in pool)


def test_the_same_seed_replays_the_same_attempt(store, plan, bank):
    a, b = start(store, plan, bank, seed=42), start(store, plan, bank, seed=42)
    assert a.items == b.items
    assert start(store, plan, bank, seed=43).items != a.items


def test_shown_question_carries_no_key(store, plan, bank):
    run = start(store, plan, bank)
    shown = run.shown(0)
    assert set(ShownQuestion.__dataclass_fields__) == {"position", "number", "total", "type", "stem", "options", "rows"}
    assert sorted(shown.options) == sorted(run.questions[0].options)


def test_each_answer_is_stored_when_given_and_survives_a_restart(store, plan, bank, tmp_path):
    run = start(store, plan, bank)
    fb = run.answer(0, shown_key(run, 0))
    assert fb.is_correct and fb.points == 1.0 and fb.source
    run.answer(1, 0 if run.questions[1].type != "multiple" else [0])
    # A new Store on the same file is what a new kernel after a reload or restart gets.
    again = QuizRun.resume(Store(store.url), run.attempt.id, {x.id: x for x in bank}, plan)
    assert again.answered_count == 2 and again.next_unanswered() == 2
    assert again.feedback(0).is_correct


def test_one_answer_per_question_even_from_a_second_page(store, plan, bank):
    run = start(store, plan, bank)
    run.answer(0, shown_key(run, 0))
    with pytest.raises(QuizRuleError, match="đã được trả lời"):
        run.answer(0, shown_key(run, 0))
    other_page = QuizRun.resume(Store(store.url), run.attempt.id, {x.id: x for x in bank}, plan)
    other_page.responses.clear()  # a page that loaded before the first answer was given
    with pytest.raises(QuizRuleError, match="trang khác"):
        other_page.answer(0, shown_key(run, 0))
    assert len(store.responses(run.attempt.id)) == 1


@pytest.mark.parametrize("bad", [99, -1, "0", True, None, [0, 99]])
def test_out_of_range_answers_are_refused(store, plan, bank, bad):
    run = start(store, plan, bank)
    pos = next(p for p, x in enumerate(run.questions) if x.type in ("single", "true_false"))
    with pytest.raises(QuizRuleError):
        run.answer(pos, bad)
    assert not run.is_answered(pos)


def test_no_answer_after_the_time_limit(store, plan, bank):
    clock = [datetime.now(timezone.utc)]
    run = start(store, plan, bank, time_limit_s=60, clock=lambda: clock[0])
    run.answer(0, shown_key(run, 0))
    clock[0] += timedelta(seconds=61)
    with pytest.raises(QuizRuleError, match="hết thời gian"):
        run.answer(1, shown_key(run, 1))
    assert run.finished and run.answered_count == 1


def test_no_answer_after_submitting(store, plan, bank):
    run = start(store, plan, bank)
    run.finish()
    with pytest.raises(QuizRuleError, match="đã nộp"):
        run.answer(0, shown_key(run, 0))




def test_summary_by_section_and_mistakes(store, plan, bank):
    run = start(store, plan, bank, n=6)
    for pos in range(6):
        run.answer(pos, shown_key(run, pos) if pos % 2 == 0 else shown_wrong(run, pos))
    summary = run.finish()
    assert (summary.total, summary.answered, summary.points, summary.max_points) == (6, 6, 3.0, 6.0)
    assert summary.percent == 50.0
    assert sum(p for _, p, _ in summary.by_section) == 3.0
    assert sum(m for _, _, m in summary.by_section) == 6.0
    assert [m.position for m in summary.mistakes] == [1, 3, 5]
    assert [x.id for x in run.mistake_questions()] == [run.questions[p].id for p in (1, 3, 5)]


def test_names(store):
    assert clean_name("  Trần   Thị  Bình ") == "Trần Thị Bình"
    for bad in ["", "   ", "a" * 81, "x\x00y", "1234"]:
        with pytest.raises(InputError):
            clean_name(bad)
    odd = store.participant("<img src=x onerror=alert(1)>", "so_tu_phap")
    assert odd.name == "<img src=x onerror=alert(1)>"  # stored as text; escaping is the page's job
    assert store.participant("tran thi binh", "so_tu_phap").id == store.participant("Trần Thị Bình", "so_tu_phap").id


def _write_attempt(args):
    url, i = args
    store = Store(url)
    person = store.participant(f"Người {i}", "so_tu_phap")
    attempt = store.create_attempt(person.id, "all", "test", [{"q": f"q{j}", "o": [0], "r": []} for j in range(10)], i)
    for j in range(10):
        store.save_response(attempt.id, j, f"q{j}", 0, 1.0, 1.0)
        store.save_response(attempt.id, j, f"q{j}", 1, 0.0, 1.0)  # a duplicate click: must not be stored
    return attempt.id


def test_concurrent_processes_lose_and_duplicate_nothing(database_url):
    url = database_url
    Store(url)
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        ids = pool.map(_write_attempt, [(url, i) for i in range(16)])
    store = Store(url)
    rows = store.results()
    assert len(set(ids)) == 16 and len(rows) == 160
    assert all(r.points == 1.0 for r in rows)


def test_two_pages_of_one_attempt_answer_different_questions_and_the_score_counts_both(store, plan, bank):
    run = start(store, plan, bank)
    other_page = QuizRun.resume(Store(store.url), run.attempt.id, {x.id: x for x in bank}, plan)
    run.answer(0, shown_key(run, 0))
    other_page.answer(1, shown_key(other_page, 1))
    assert run.answered_count == 1  # each page keeps its own answers without reading them all back
    summary = run.finish()
    assert summary.answered == 2 and summary.points == 2.0
    assert run.is_answered(1) and run.feedback(1).is_correct
