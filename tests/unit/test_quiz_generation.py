"""Are generated questions right? Every key is checked again here, straight from the plan data.

The hard cases: tasks with several leads, groups and their members ("các sở, ban, ngành" contains
Sở Tư pháp), split sub-tasks, and a body that is both lead (through a group) and coordinator.
The fidelity rules (issue 10) are properties over every question in test_question_fidelity.py.
"""

import json
import subprocess
import sys

import pytest

from toolkit.quiz.checks import role_holders
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
    """The key is the chủ trì where the plan says "chủ trì", otherwise a body the item is given to."""
    for q in by_template(questions, "lead"):
        task = plan.task(q.task_ids[0])
        holders = role_holders(task)
        keys = [key_of[o] for o in q.options]
        right = [k for k in keys if k in holders]
        assert [keys.index(k) for k in right] == list(q.correct), q.id
        for k in keys:
            if k not in holders:
                assert not any(related(plan, k, h) for h in holders), (q.id, k)
        assert ("chủ trì nhiệm vụ" in q.stem) == task.lead_named, q.id


def test_multi_lead_task_asks_for_one_of_the_leads(plan, questions, key_of):
    """II.6.c.1 is given to two bodies: one question, one of them offered, the other never a distractor."""
    qs = [q for q in questions if q.template == "lead" and q.task_ids == ("II.6.c.1",)]
    assert len(qs) == 1 and qs[0].id in {"lead:II.6.c.1:cong_an_tp", "lead:II.6.c.1:bo_tu_lenh_thu_do"}
    assert "một trong các cơ quan, tổ chức được giao" in qs[0].stem
    assert sum(key_of[o] in ("cong_an_tp", "bo_tu_lenh_thu_do") for o in qs[0].options) == 1


def test_group_members_are_never_distractors_for_a_group_lead(plan, questions, key_of):
    """When 'các sở, ban, ngành' leads, no single department (e.g. Sở Tư pháp) may be offered as wrong."""
    for q in questions:
        if q.template == "lead" and "so_ban_nganh" in role_holders(plan.task(q.task_ids[0])):
            assert not {key_of[o] for o in q.options} & set(plan.members("so_ban_nganh")), q.id


def test_task_of_questions(plan, questions):
    """The key is given to the body by name; no wrong task is the body's by any path (Plan.given_to)."""
    by_summary = {t.summary: t for t in plan.tasks}
    for q in by_template(questions, "task_of"):
        agency = q.agencies[0]
        for i, option in enumerate(q.options):
            task = by_summary[option]
            if i in q.correct:
                assert agency in task.addressed_to, (q.id, task.id)
            else:
                assert not plan.given_to(task, agency), (q.id, task.id)
        assert len(q.correct) == 1


def test_coordinator_questions_list_exactly_the_named_coordinators(plan, questions, key_of):
    """Asked only where the plan names a chủ trì; the key is every body it names after "phối hợp với"."""
    for q in by_template(questions, "coordinators"):
        task = plan.task(q.task_ids[0])
        assert task.lead_named, q.id
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
    """The key is the task's deadline in the plan's own words; no wrong option is of the same kind."""
    for q in by_template(questions, "deadline"):
        task = plan.task(q.task_ids[0])
        right = q.options[q.correct[0]]
        d = task.deadline
        assert right == d.label, q.id
        if d.kind == "annual":
            assert right == "Hàng năm"
        elif d.kind == "after_central":
            assert "Trung ương ban hành" in right
        else:
            assert str(d.year) in right
        wrong = [o for i, o in enumerate(q.options) if i not in q.correct]
        assert d.kind != "annual" or "Hàng năm" not in wrong
        assert d.kind != "after_central" or not any("Trung ương ban hành" in o for o in wrong)
        assert "Chương trình" not in " ".join(q.options)  # no deadline of the plan waits for a "Chương trình"


def test_split_sub_tasks_keep_their_own_deadlines(questions):
    """II.4.b.2 waits for the Bộ tiêu chí ("khi được Trung ương ban hành"), II.4.b.1 is due in Quý IV/2021
    (the plan's only such deadline, now asked), II.3.e.2 waits for its Đề án."""
    q2 = next(q for q in questions if q.id == "deadline:II.4.b.2")
    assert q2.options[q2.correct[0]] == "Khi được Trung ương ban hành"
    q1 = next(q for q in questions if q.id == "deadline:II.4.b.1")
    assert q1.options[q1.correct[0]] == "Hoàn thành trong Quý IV năm 2021"
    assert not any("Trung ương ban hành" in o for o in q1.options)  # its last clause waits for the centre
    q3 = next(q for q in questions if q.id == "deadline:II.3.e.2")
    assert q3.options[q3.correct[0]] == "Khi Đề án được Trung ương ban hành"


def test_no_deadline_question_gives_its_answer_away(plan, questions):
    # "Định kỳ hằng năm báo cáo kết quả…" (III.2.b) asked "by when?" answers itself: seen on a phone.
    asked = set()
    for q in questions:
        if q.template not in ("deadline", "tf_deadline"):
            continue
        task = plan.task(q.task_ids[0])
        asked.add(task.id)
        assert f"“{task.summary}”" in q.stem
        shown, d = fold(task.summary), task.deadline  # what the stem says of the task
        if d.kind == "annual":
            assert "hang nam" not in shown and "dinh ky" not in shown, q.stem
        elif d.year is not None:  # a programme period ending that year ("2017-2021") is not the deadline
            assert f"nam {d.year}" not in shown and f" {d.year}" not in shown.replace(f"-{d.year}", ""), q.stem
    assert {"III.1.c", "III.2.b", "II.10.b", "II.3.e.1"}.isdisjoint(asked)
    # Every dated or conditional deadline is still asked (annual ones are balanced: see the guessing bound).
    assert {t.id for t in plan.tasks if t.deadline.kind in ("once_by", "year", "after_central")} <= asked


def test_section_questions(plan, questions):
    for q in by_template(questions, "section"):
        task = plan.task(q.task_ids[0])
        assert q.options[q.correct[0]] == plan.section(task.section).label


def test_directs_or_requests(plan, questions):
    keys = {q.task_ids[0]: q for q in by_template(questions, "directs")}
    for tid, q in keys.items():
        assert (q.correct[0] == 1) == plan.task(tid).requested
        assert "vì" not in q.explanation.split("Ghi chú biên soạn")[0]  # no reason the plan does not give
    assert keys["II.1.b"].correct == (1,) and keys["II.3.d"].correct == (0,)


def test_true_false_about_leads(plan, questions, key_of):
    for q in by_template(questions, "tf_lead"):
        task = plan.task(q.task_ids[0])
        named = q.id.rsplit(":", 1)[1]
        holders = role_holders(task)
        assert q.options == TRUE_FALSE
        assert (q.correct == (0,)) == (named in holders), q.id
        assert q.correct == (0,) or not any(related(plan, named, h) for h in holders), q.id
        assert ("chủ trì" in q.stem.split("“")[0]) == task.lead_named, q.id


def test_matching_rows_map_to_their_only_lead(plan, questions, key_of):
    for q in by_template(questions, "matching"):
        keys = [key_of[o] for o in q.options]
        for tid, c in zip(q.task_ids, q.correct):
            assert role_holders(plan.task(tid)) == (keys[c],)
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
