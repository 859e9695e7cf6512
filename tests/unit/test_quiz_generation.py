"""Are generated questions right? Every key is checked again here, straight from the plan data.

The hard cases: tasks with several leads, groups and their members ("các sở, ban, ngành" contains
Sở Tư pháp), split sub-tasks, and a body that is both lead (through a group) and coordinator.
"""

import json
import subprocess
import sys

import pytest

from toolkit.quiz.generate import generate_questions
from toolkit.quiz.questions import TRUE_FALSE, score
from toolkit.vietnamese import fold


@pytest.fixture(scope="module")
def questions(plan):
    return generate_questions(plan)


@pytest.fixture(scope="module")
def key_of(plan):
    return {a.short: k for k, a in plan.agencies.items()}


def related(plan, a, b):
    return a == b or a in plan.memberships(b) or b in plan.memberships(a)


def by_template(questions, name):
    found = [q for q in questions if q.template == name]
    assert found, name
    return found


def test_every_template_produces_questions(questions):
    assert {q.template for q in questions} == {"lead", "task_of", "coordinators", "deadline", "section", "directs",
                                               "tf_lead", "tf_deadline", "matching"}


def test_ids_are_unique_and_carry_what_the_brief_asks(questions):
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.stem and q.explanation and q.source and q.task_ids and q.options, q.id
        assert len(set(q.options)) == len(q.options), q.id
        assert all(0 <= c < len(q.options) for c in q.correct), q.id


def test_generation_is_stable_across_processes(questions):
    """Same question, same id and same option order in another Python process (hash salting differs)."""
    code = ("import json; from toolkit.plan.load import load_plan; from toolkit.quiz.generate import generate_questions; "
            "print(json.dumps([[q.id, q.options, q.correct] for q in generate_questions(load_plan())], ensure_ascii=False))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout
    assert json.loads(out) == [[q.id, list(q.options), list(q.correct)] for q in questions]


def test_lead_questions_have_one_right_answer(plan, questions, key_of):
    for q in by_template(questions, "lead"):
        task = plan.task(q.task_ids[0])
        keys = [key_of[o] for o in q.options]
        right = [k for k in keys if k in task.lead]
        assert [keys.index(k) for k in right] == list(q.correct), q.id
        for k in keys:
            if k not in task.lead:
                assert not any(related(plan, k, lead) for lead in task.lead), (q.id, k)


def test_multi_lead_task_asks_for_one_of_the_leads(plan, questions, key_of):
    """II.6.c.1 has two leads: neither appears as a distractor when the other is the answer."""
    qs = [q for q in questions if q.template == "lead" and q.task_ids == ("II.6.c.1",)]
    assert {q.id for q in qs} == {"lead:II.6.c.1:cong_an_tp", "lead:II.6.c.1:bo_tu_lenh_thu_do"}
    for q in qs:
        assert "một trong các cơ quan" in q.stem
        assert sum(key_of[o] in ("cong_an_tp", "bo_tu_lenh_thu_do") for o in q.options) == 1


def test_group_members_are_never_distractors_for_a_group_lead(plan, questions, key_of):
    """When 'các sở, ban, ngành' leads, no single department (e.g. Sở Tư pháp) may be offered as wrong."""
    for q in questions:
        if q.template == "lead" and "so_ban_nganh" in plan.task(q.task_ids[0]).lead:
            assert not {key_of[o] for o in q.options} & set(plan.members("so_ban_nganh")), q.id


def test_task_of_questions(plan, questions):
    by_summary = {t.summary: t for t in plan.tasks}
    for q in by_template(questions, "task_of"):
        agency = q.agencies[0]
        for i, option in enumerate(q.options):
            task = by_summary[option]
            led = any(related(plan, agency, lead) for lead in task.lead)
            assert led == (i in q.correct), (q.id, task.id)
        assert len(q.correct) == 1


def test_coordinator_questions_list_exactly_the_named_coordinators(plan, questions, key_of):
    for q in by_template(questions, "coordinators"):
        task = plan.task(q.task_ids[0])
        chosen = {key_of[q.options[i]] for i in q.correct}
        assert chosen == {k for k in task.coordinating if plan.agency(k).kind != "generic" and k not in task.lead}, q.id
        for i, o in enumerate(q.options):
            if i not in q.correct:
                assert not any(related(plan, key_of[o], c) for c in task.coordinating), (q.id, o)
                assert key_of[o] not in task.coordinating, (q.id, o)


def test_coordinators_of_iii_1_a_leave_out_the_group_that_also_leads(plan, questions, key_of):
    """III.1.a: 'các sở, ban, ngành' leads and 'các sở, ngành' coordinates; asking it as coordinator would be a trap."""
    q = next(q for q in questions if q.id == "coordinators:III.1.a")
    assert "so_ban_nganh" not in {key_of[o] for o in q.options}
    assert {key_of[q.options[i]] for i in q.correct} == {"so_tu_phap", "doan_the_tp", "ubnd_cap_huyen"}


def test_deadline_questions(plan, questions):
    for q in by_template(questions, "deadline"):
        task = plan.task(q.task_ids[0])
        right = q.options[q.correct[0]]
        d = task.deadline
        if d.kind == "annual":
            assert right == "Hàng năm"
        elif d.kind == "after_central":
            assert right.startswith("Sau khi Trung ương ban hành")
        else:
            assert str(d.year) in right
        assert "Hàng năm" not in [o for i, o in enumerate(q.options) if i not in q.correct] or d.kind != "annual"


def test_split_sub_tasks_keep_their_own_deadlines(questions):
    """II.4.b.2 waits for the central programme, II.4.b.1 is due in Quý IV/2021; II.3.e.2 waits too."""
    q2 = next(q for q in questions if q.id == "deadline:II.4.b.2")
    assert q2.options[q2.correct[0]].startswith("Sau khi Trung ương")
    q3 = next(q for q in questions if q.id == "deadline:II.3.e.2")
    assert q3.options[q3.correct[0]].startswith("Sau khi Trung ương")


def test_no_deadline_question_gives_its_answer_away(plan, questions):
    # "Định kỳ hằng năm báo cáo kết quả…" (III.2.b) asked "by when?" answers itself: seen on a phone.
    asked = set()
    for q in questions:
        if q.template not in ("deadline", "tf_deadline"):
            continue
        task = plan.task(q.task_ids[0])
        asked.add(task.id)
        assert f"«{task.summary}»" in q.stem
        shown, d = fold(task.summary), task.deadline  # what the stem says of the task
        if d.kind == "annual":
            assert "hang nam" not in shown and "dinh ky" not in shown, q.stem
        elif d.year is not None:
            assert str(d.year) not in shown, q.stem
    assert {"III.1.c", "III.2.b", "II.10.b", "II.3.e.1"}.isdisjoint(asked)
    assert len(asked) >= 25  # the rest of the plan's dated and annual tasks are still asked


def test_section_questions(plan, questions):
    for q in by_template(questions, "section"):
        task = plan.task(q.task_ids[0])
        assert q.options[q.correct[0]] == plan.section(task.section).label


def test_directs_or_requests(plan, questions):
    keys = {q.task_ids[0]: q for q in by_template(questions, "directs")}
    for tid, q in keys.items():
        assert (q.correct[0] == 1) == plan.task(tid).requested
    assert keys["II.1.b"].correct == (1,) and keys["II.7.a"].correct == (0,)


def test_true_false_about_leads(plan, questions, key_of):
    for q in by_template(questions, "tf_lead"):
        task = plan.task(q.task_ids[0])
        named = q.id.rsplit(":", 1)[1]
        assert q.options == TRUE_FALSE
        assert (q.correct == (0,)) == (named in task.lead), q.id
        assert q.correct == (0,) or not any(related(plan, named, lead) for lead in task.lead), q.id


def test_matching_rows_map_to_their_only_lead(plan, questions, key_of):
    for q in by_template(questions, "matching"):
        keys = [key_of[o] for o in q.options]
        for tid, c in zip(q.task_ids, q.correct):
            assert plan.task(tid).lead == (keys[c],)
            others = [k for i, k in enumerate(keys) if i != c]
            assert not any(related(plan, k, keys[c]) for k in others), q.id
        assert len(set(q.correct)) == len(q.correct)


def test_the_answer_is_not_given_away_in_the_stem(plan, questions):
    from toolkit.vietnamese import fold

    for q in questions:
        if q.template == "lead":
            assert fold(q.options[q.correct[0]]) not in fold(q.stem), q.id


def test_keys_score_full_marks(questions):
    """Answering each generated question with its own key scores 1; the first wrong option scores 0."""
    for q in questions:
        if q.type == "matching":
            assert score(q, list(q.correct)).points == 1
        elif q.type == "multiple":
            assert score(q, list(q.correct)).points == 1
        else:
            assert score(q, q.correct[0]).points == 1
            wrong = next(i for i in range(len(q.options)) if i not in q.correct)
            assert score(q, wrong).points == 0
