"""Does every question keep the fidelity rules of issue 10? Each rule is a property over EVERY generated
question (and every authored one where it applies), checked by toolkit.quiz.checks; each rule also has a
hand-made bad question, to show the check can fail.

The rules: no wrong option overlapping a key; "chủ trì" only where the plan's words say it; no wrong
option that the plan gives the task by some path (the closing sentence included); options clearly
distinct; the plan's numbering, not split ids; no identical stems within a template; no constant answer
beating chance by more than 15 points; Vietnamese quotation marks and the plan's own words in quotes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest

from toolkit.datafile import DataError
from toolkit.quiz import checks
from toolkit.quiz.banks import load_bank, load_banks
from toolkit.quiz.generate import generate_questions
from toolkit.quiz.questions import TRUE_FALSE, Question


@pytest.fixture(scope="module")
def questions(plan):
    return generate_questions(plan)


@pytest.fixture(scope="module")
def authored(plan):
    banks, problems = load_banks(None, plan)
    assert not problems, problems  # the committed banks pass the same checks
    return [q for b in banks for q in b.questions]


def q_(template, task_ids, options, correct, stem="Câu hỏi thử?", explanation="", qtype="single", qid=None,
       agencies=(), rows=(), source=""):
    """A hand-made question, shaped like a generated one."""
    return Question(id=qid or f"{template}:{task_ids[0]}", type=qtype, stem=stem, options=tuple(options),
                    correct=tuple(correct), explanation=explanation, source=source, task_ids=tuple(task_ids),
                    template=template, agencies=tuple(agencies), rows=tuple(rows))


def summary(plan, tid):
    return plan.task(tid).summary


# ---------------------------------------------------------------- the whole bank at once


def test_does_every_generated_question_pass_every_check(plan, questions):
    assert len(questions) > 100
    assert [f"{q.id}: {p}" for q in questions for p in checks.question_problems(plan, q)] == []


def test_does_every_authored_question_pass_the_checks_that_apply(plan, authored):
    assert len(authored) > 40
    assert [f"{q.id}: {p}" for q in authored for p in checks.authored_problems(plan, q)] == []


# ---------------------------------------------------------------- 1. no wrong option overlaps a key


def test_no_wrong_option_overlaps_a_key(plan, questions, authored):
    """Single, multiple and true/false alike: not the same body, group and member, nor overlap data."""
    assert [q.id for q in questions + authored if checks.overlapping_options(plan, q)] == []


def test_is_an_overlapping_wrong_option_caught(plan):
    # "Tổ chức chính trị - xã hội" keyed, "Đoàn thể Thành phố" offered as wrong (the issue's case).
    single = q_("lead", ["II.8.a"], ["Tổ chức chính trị - xã hội", "Đoàn thể Thành phố", "Sở Nội vụ", "Sở Tài chính"],
                [0])
    multiple = q_("coordinators", ["II.7.b"], ["Đoàn thể Thành phố", "Tổ chức thành viên của Mặt trận", "Sở Nội vụ"],
                  [0], qtype="multiple")
    false_statement = q_("tf_lead", ["II.1.b"], TRUE_FALSE, [1], qid="tf_lead:II.1.b:to_chuc_ct_xh", qtype="true_false")
    group_member = q_("lead", ["II.5.a"], ["Các sở, ban, ngành", "Sở Tư pháp", "Đoàn Luật sư Hà Nội"], [0])
    for q in (single, multiple, false_statement, group_member):
        assert checks.overlapping_options(plan, q), q.id
    # Đoàn Luật sư and Hội Luật gia are treated alike against "Tổ chức xã hội - nghề nghiệp".
    for name in ("Đoàn Luật sư Hà Nội", "Hội Luật gia Thành phố"):
        assert checks.overlapping_options(plan, q_("lead", ["III.5"], ["Tổ chức xã hội - nghề nghiệp", name], [0]))


# ---------------------------------------------------------------- 2. "chủ trì" only where the plan says it


def test_chu_tri_only_where_the_plans_words_say_it(plan, questions, authored):
    assert [q.id for q in questions + authored if checks.unsupported_chu_tri(plan, q)] == []
    said = {t for q in questions for t in q.task_ids if "chủ trì" in checks.own_words(q.stem)}
    assert said and all(plan.task(t).lead_named for t in said)


def test_is_chu_tri_without_the_plans_words_caught(plan):
    for tid in ("III.4", "II.6.b", "II.6.c.3", "II.9"):  # "phối hợp" (three), or no role word (II.9)
        q = q_("lead", [tid], ["Văn phòng UBND Thành phố", "Sở Nội vụ"], [0],
               stem=f"Cơ quan, tổ chức nào chủ trì nhiệm vụ “{summary(plan, tid)}”?")
        assert checks.unsupported_chu_tri(plan, q), tid
    ok = q_("lead", ["II.5.b"], ["Sở Tư pháp", "Sở Nội vụ"], [0], stem="Cơ quan, tổ chức nào chủ trì nhiệm vụ này?")
    assert not checks.unsupported_chu_tri(plan, ok)
    written = dataclasses.replace(ok, template=None, source="b) Sở Tư pháp chủ trì, phối hợp với")
    assert not checks.unsupported_chu_tri(plan, written)
    assert checks.unsupported_chu_tri(plan, dataclasses.replace(written, source="tham mưu UBND Thành phố"))


# ---------------------------------------------------------------- 3. no wrong option the plan gives the task


def test_no_wrong_option_is_given_the_task_by_any_path(plan, questions):
    assert [q.id for q in questions if checks.distractors_given_the_task(plan, q)] == []


def test_is_a_wrong_task_given_by_another_path_caught(plan):
    cases = [
        ("so_tai_chinh", "II.5.c", "III.5"),      # the closing sentence: every sở "triển khai thực hiện Kế hoạch"
        ("ubnd_cap_huyen", "II.2.b", "III.1.a"),  # III.2.a gives the districts the same clause
        ("so_tu_phap", "III.3", "III.4"),         # the Office "phối hợp Sở Tư pháp" there
        ("ubnd_cap_huyen", "II.2.a", "II.6.b"),   # Sở Tư pháp "Phối hợp với … UBND quận, huyện, thị xã"
    ]
    for body, key, wrong in cases:
        q = q_("task_of", [key], [summary(plan, key), summary(plan, wrong)], [0], agencies=[body],
               qid=f"task_of:{body}:{key}")
        assert checks.distractors_given_the_task(plan, q), (body, wrong)
    # "Who is III.4 given to?" with Sở Tư pháp (whom the Office works with) as a wrong option.
    q = q_("lead", ["III.4"], ["Văn phòng UBND Thành phố", "Sở Tư pháp", "Sở Nội vụ"], [0])
    assert checks.distractors_given_the_task(plan, q)


# ---------------------------------------------------------------- 4. options clearly distinct


def test_options_are_clearly_distinct(plan, questions):
    assert [q.id for q in questions if checks.indistinct_options(plan, q)] == []


def test_are_indistinct_options_caught(plan):
    # II.1.a and II.1.b give two sets of bodies the same duty: never two options of one question.
    q = q_("task_of", ["II.1.a"], [summary(plan, "II.1.a"), summary(plan, "II.1.b"), summary(plan, "II.3.g")], [0],
           agencies=["so_ban_nganh"], qid="task_of:so_ban_nganh:II.1.a")
    assert checks.indistinct_options(plan, q)
    # II.10.b's duty is also II.2.a's first bullet: heading II.2 is not a fair wrong option.
    q = q_("section", ["II.10.b"], [plan.section("II.10").label, plan.section("II.2").label], [0])
    assert checks.indistinct_options(plan, q)
    q = q_("deadline", ["II.3.e.2"], ["Khi Đề án được Trung ương ban hành", "Sau khi Trung ương ban hành Đề án"], [0])
    assert checks.indistinct_options(plan, q)
    # II.4.b.2 has no time line of its own; "Quý IV năm 2021" follows the bullet before it.
    q = q_("deadline", ["II.4.b.2"], ["Khi được Trung ương ban hành", "Hoàn thành trong Quý IV năm 2021"], [0])
    assert checks.indistinct_options(plan, q)


# ---------------------------------------------------------------- 5. the plan's numbering, not split ids


def test_no_question_cites_a_split_id(questions, authored):
    assert [q.id for q in questions + authored if checks.split_ids_cited(q)] == []
    assert any("mục II.4.b, gạch đầu dòng thứ hai" in q.stem for q in questions)


def test_is_a_split_id_caught():
    q = q_("lead", ["II.4.b.2"], ["Sở Tư pháp", "Sở Nội vụ"], [0], stem="Ai chủ trì nhiệm vụ II.4.b.2?")
    assert checks.split_ids_cited(q)
    assert checks.split_ids_cited(dataclasses.replace(q, stem="Ai?", explanation="Xem II.6.c.3."))
    assert not checks.split_ids_cited(dataclasses.replace(q, stem="Ai chủ trì (mục II.4.b)?"))


# ---------------------------------------------------------------- 6. no identical stems within a template


def test_no_two_stems_of_a_template_or_bank_are_the_same(questions, authored):
    assert checks.identical_stems(questions) == []
    assert checks.identical_stems(authored) == []


def test_are_identical_stems_caught():
    a = q_("task_of", ["II.5.b"], ["x", "y"], [0], stem="Nhiệm vụ nào giao cho Sở Tư pháp?", qid="task_of:a")
    b = dataclasses.replace(a, id="task_of:b")
    assert checks.identical_stems([a, b])
    assert not checks.identical_stems([a, dataclasses.replace(b, template="lead")])  # another template


# ---------------------------------------------------------------- 7. the guessing bound, per template


def test_no_constant_answer_beats_chance_by_more_than_15_points(questions, authored):
    assert checks.guessing_problems(questions) == []
    assert checks.guessing_problems(authored) == []
    by_template = defaultdict(list)
    for q in questions:
        by_template[q.template].append(q)
    for template, qs in by_template.items():
        r = checks.guessing(qs)
        assert r["best_share"] <= r["chance"] + checks.GUESS_MARGIN, (template, r)


def test_is_a_guessable_template_caught():
    # "Hàng năm" as the key of 3 questions in 4: 75% for always answering it, 25% by chance.
    qs = [q_("deadline", [f"II.{i}"], ["Hàng năm", "Năm 2022", "Hoàn thành trong Quý IV năm 2020", "x"],
             [0 if i < 3 else 1], qid=f"deadline:{i}") for i in range(4)]
    assert checks.guessing_problems(qs)
    assert checks.guessing(qs)["best"] == "Hàng năm"
    balanced = [dataclasses.replace(q, correct=(i,)) for i, q in enumerate(qs)]
    assert not checks.guessing_problems(balanced)


def test_every_template_still_asks_something(questions):
    assert {q.template for q in questions} == {"lead", "task_of", "coordinators", "deadline", "section", "directs",
                                               "tf_lead", "tf_deadline", "matching"}


# ---------------------------------------------------------------- 8. wording


def test_wording(plan, questions, authored):
    """“ ” not guillemets or straight quotes, no "đề nghị chủ trì", no "Thời hạn: Không nêu thời hạn", no reason
    for "Đề nghị" the plan does not give, "cơ quan, tổ chức nào" when the key is an organisation."""
    assert [q.id for q in questions + authored if checks.wording_problems(plan, q)] == []
    assert all("cơ quan nào" not in q.stem for q in questions)


def test_is_bad_wording_caught(plan):
    base = q_("lead", ["II.1.b"], ["Ủy ban MTTQ Việt Nam Thành phố", "Sở Nội vụ"], [0], stem="Ai?")
    for change in ({"stem": "Nhiệm vụ \u00abTriển khai\u00bb do ai làm?"},
                   {"stem": 'Nhiệm vụ "Triển khai" do ai làm?'},
                   {"stem": "Cơ quan, tổ chức nào được đề nghị chủ trì nhiệm vụ này?"},
                   {"explanation": "Thời hạn: Không nêu thời hạn."},
                   {"explanation": "Kế hoạch dùng từ này vì UBND Thành phố không chỉ đạo trực tiếp các tổ chức này."},
                   {"stem": "Theo Kế hoạch, cơ quan nào được đề nghị thực hiện việc này?"}):
        assert checks.wording_problems(plan, dataclasses.replace(base, **change)), change
    assert not checks.wording_problems(plan, dataclasses.replace(base, stem="Cơ quan, tổ chức nào được đề nghị?"))


# ---------------------------------------------------------------- 9. the compiler's words are marked


def test_explanations_quote_only_the_plans_words(plan, questions, authored):
    assert [q.id for q in questions + authored if checks.unquoted_compiler_words(plan, q)] == []
    marked = [q for q in questions if checks.COMPILER_NOTE in q.explanation]
    assert marked and all(q.explanation.index(checks.COMPILER_NOTE) > 0 for q in marked)


def test_is_a_made_up_quotation_caught(plan):
    q = q_("lead", ["II.6.b"], ["Sở Tư pháp", "Sở Nội vụ"], [0],
           explanation="Mục II.6.b: “Sở Tư pháp chủ trì tổ chức tập huấn”.")
    assert checks.unquoted_compiler_words(plan, q)
    fine = dataclasses.replace(q, explanation="Mục II.6.b: “b) Sở Tư pháp: - Phối hợp với các sở, ngành…”.")
    assert not checks.unquoted_compiler_words(plan, fine)


# ---------------------------------------------------------------- 10. who-questions the summary answers


def test_no_who_question_where_the_summary_names_the_field(plan, questions):
    """Army (II.6.c.2), police (II.6.c.3), ethnic minorities (II.6.d), finance (II.5.c, II.8.b, III.6)..."""
    assert [q.id for q in questions if checks.who_of_hinting_task(plan, q)] == []
    asked = {t for q in questions if q.template in ("lead", "tf_lead", "matching") for t in q.task_ids}
    assert asked.isdisjoint({"II.6.c.2", "II.6.c.3", "II.6.d", "II.8.b", "II.5.c", "III.6"})


def test_is_a_who_question_about_a_hinting_task_caught(plan):
    q = q_("lead", ["II.6.c.3"], ["Công an Thành phố", "Sở Nội vụ"], [0], qid="lead:II.6.c.3:cong_an_tp")
    assert checks.who_of_hinting_task(plan, q)


# ---------------------------------------------------------------- the issue's own cases, by id


def test_the_issues_cases_are_gone(plan, questions):
    by_id = {q.id: q for q in questions}
    # III.4 and II.6.b: never "chủ trì"; asked as "giao … cho cơ quan, tổ chức nào"; Sở Tư pháp is not a
    # wrong option for III.4 (the Office "phối hợp Sở Tư pháp").
    for qid in ("lead:III.4:van_phong_ubnd_tp", "lead:II.6.b:so_tu_phap"):
        if qid in by_id:
            assert "chủ trì" not in checks.own_words(by_id[qid].stem) and "giao nhiệm vụ" in by_id[qid].stem
    if "lead:III.4:van_phong_ubnd_tp" in by_id:
        assert "Sở Tư pháp" not in by_id["lead:III.4:van_phong_ubnd_tp"].options
    assert not any(q.id in ("coordinators:III.4", "coordinators:II.6.b", "coordinators:II.6.c.3",
                            "coordinators:II.3.c", "coordinators:III.2.a") for q in questions)
    # III.5's summary is never a wrong task for a sở or a district (the closing sentence).
    iii5 = summary(plan, "III.5")
    for q in questions:
        if q.template == "task_of" and iii5 in q.options and q.options.index(iii5) not in q.correct:
            assert not plan.overlaps_any(q.agencies[0], ("so_ban_nganh", "ubnd_cap_huyen")), q.id
    # No "Sau khi Trung ương ban hành Đề án, Chương trình"; II.4.b.1 (Quý IV/2021) is asked.
    assert not any("Chương trình" in o for q in questions if q.template == "deadline" for o in q.options)
    assert "deadline:II.4.b.1" in by_id


# ---------------------------------------------------------------- authored banks are refused for the same faults


BAD_BANK = """schema_version: 1
bank: "thu"
title: "Thử"
description: "Thử"
questions:
  - id: "thu-01"
    type: "single"
    section: "III"
    task_ids: ["III.4"]
    stem: "Theo mục III.4, cơ quan nào chủ trì việc «kiểm tra, sơ kết» (nhiệm vụ II.4.b.2)?"
    options:
      - text: "Văn phòng UBND Thành phố"
        correct: true
      - text: "Sở Nội vụ"
    explanation: "Mục III.4 nói vậy."
    source:
      - "4. Văn phòng UBND Thành phố: có trách nhiệm phối hợp Sở Tư pháp tham mưu"
"""


def test_is_an_authored_bank_breaking_a_rule_refused(plan, tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(BAD_BANK, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_bank(bank, plan)
    text = str(err.value)
    assert "chủ trì" in text and "\u00ab \u00bb" in text and "II.4.b.2" in text
