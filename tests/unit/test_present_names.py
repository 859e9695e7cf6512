"""Do quiz keys stay in the plan's words while feedback gives today's name of every merged body named?"""

from __future__ import annotations

import pytest

from toolkit.quiz.banks import question_bank
from toolkit.quiz.questions import Question, present_name_note, present_name_notes
from toolkit.vietnamese import fold


@pytest.fixture(scope="module")
def bank(plan):
    questions, problems = question_bank(plan)
    assert not problems
    return questions


def names_of(plan, r) -> set[str]:
    a = plan.agency(r.key)
    return {r.plan_name, a.short, a.name, *a.aliases}


def test_does_every_merged_body_named_in_a_key_or_option_get_its_present_name_note(plan, bank):
    """Over the whole bank (generated and authored): a key or option naming a merged body brings its note."""
    seen = 0
    for q in bank:
        shown = fold(" ".join((q.correct_text, *q.options)))
        notes = present_name_notes(q, plan, 2026)
        for r in plan.renamings:
            if any(fold(n) in shown for n in names_of(plan, r)):
                seen += 1
                assert present_name_note(r) in notes, (q.id, r.key)
        assert len(set(notes)) == len(notes)
    assert seen >= len(plan.renamings)  # each merged department is named in some question


def test_is_the_key_itself_left_in_the_plans_words(plan, bank):
    q = next(q for q in bank if q.id == "lead:II.3.c:so_tttt")
    assert q.correct_text == "Sở Thông tin và Truyền thông"
    assert present_name_notes(q, plan, 2026)[0] == (
        "Ghi chú: từ 01/3/2025, Sở Thông tin và Truyền thông hợp nhất vào Sở Khoa học và Công nghệ.")


def test_is_a_reorganised_body_not_said_to_be_merged(plan):
    q = Question("x", "single", "Ai?", ("Ban Dân tộc Thành phố", "Sở Tư pháp"), (0,), "", "")
    assert present_name_notes(q, plan, 2026) == (
        "Ghi chú: từ 01/3/2025, Ban Dân tộc Thành phố được tổ chức lại thành Sở Dân tộc và Tôn giáo.",)


def test_are_there_no_notes_before_the_mergers_or_for_bodies_not_renamed(plan, bank):
    assert not any(present_name_notes(q, plan, 2024) for q in bank)
    q = Question("x", "single", "Ai?", ("Sở Tư pháp", "Sở Nội vụ"), (0,), "", "")
    assert present_name_notes(q, plan, 2026) == ()
