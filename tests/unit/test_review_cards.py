"""Are the plan's facts cards that every question maps to, with ids that stay the same in every process?"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from toolkit.paths import DEFAULT_QUIZ_DIR
from toolkit.quiz.banks import load_banks, question_bank
from toolkit.quiz.generate import TEMPLATES, generate_questions
from toolkit.quiz.questions import Question
from toolkit.review.cards import AUTHORED, FACT_OF_TEMPLATE, FACTS, PLAN_KEY, build_deck, cards_of, section_order

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def every_question(plan):
    """Every question there is: generated for the plan and all of quizzes/ (retired ones too: old answers)."""
    banks, problems = load_banks(DEFAULT_QUIZ_DIR, plan)
    assert not problems
    return generate_questions(plan) + [q for b in banks for q in b.questions]


@pytest.fixture(scope="module")
def deck(plan):
    return build_deck(plan, question_bank(plan)[0])


def test_does_every_template_test_a_known_fact():
    """A new generator template must say which fact it tests, or its answers would schedule nothing."""
    assert set(FACT_OF_TEMPLATE) == set(TEMPLATES)
    assert set(FACT_OF_TEMPLATE.values()) <= set(FACTS)


def test_does_every_question_map_to_a_card_and_every_card_have_a_question(plan, every_question):
    deck = build_deck(plan, every_question)
    ids = [c.id for c in deck.cards]
    assert len(ids) == len(set(ids))
    for q in every_question:
        assert cards_of(q), q.id
        assert all(cid in deck for cid in cards_of(q)), q.id
    for c in deck.cards:
        assert c.question_ids, c.id
        assert all(c.id in cards_of(deck.questions[qid]) for qid in c.question_ids), c.id
    # The cards' question lists together are exactly the questions, each as often as it tests cards.
    assert sorted(q for c in deck.cards for q in c.question_ids) == sorted(q.id for q in every_question
                                                                           for _ in cards_of(q))


def test_does_every_card_have_a_question_that_tests_it_alone(deck):
    """A review asks such a question, so answering one card never reviews others off their schedule."""
    for c in deck.cards:
        assert any(cards_of(deck.questions[q]) == (c.id,) for q in c.question_ids), c.id


def test_are_card_ids_made_of_the_plans_numbering_and_the_banks_keys(plan, deck):
    assert PLAN_KEY == plan.info.number.split("/")[0] == "241"
    banks = {q.bank for q in deck.questions.values() if q.bank}
    for c in deck.cards:
        if c.fact == AUTHORED:
            bank, qid = re.fullmatch(r"bank:([^:]+):([^:]+)", c.id).groups()
            assert bank in banks and deck.questions[qid].bank == bank and c.question_ids == (qid,)
        else:
            task, fact = re.fullmatch(r"241:([^:]+):([a-z_]+)", c.id).groups()
            assert plan.has_task(task) and fact == c.fact and c.task_ids == (task,)
            assert c.section == plan.task(task).section


def test_does_a_matching_question_review_each_rows_task(deck):
    q = next(q for q in deck.questions.values() if q.template == "matching")
    assert cards_of(q) == tuple(f"241:{t}:lead" for t in q.task_ids)
    assert len(cards_of(q)) == len(q.rows) > 1


def test_does_a_question_of_no_template_and_no_bank_test_no_card():
    assert cards_of(Question("x", "single", "?", ("a", "b"), (0,), "", "")) == ()


_SCRIPT = """
import json
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank
from toolkit.review.cards import build_deck
plan = load_plan()
deck = build_deck(plan, question_bank(plan)[0])
print(json.dumps([[c.id, c.label, list(c.question_ids)] for c in deck.cards], ensure_ascii=False))
"""


def test_are_cards_the_same_in_two_processes(deck):
    """Two interpreters with different hash salts build the same cards in the same order (no hash())."""
    runs = []
    for salt in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=salt)
        out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=ROOT, env=env,
                             check=True)
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1] == [[c.id, c.label, list(c.question_ids)] for c in deck.cards]


def test_do_the_modules_use_no_hash_widgets_or_sql():
    for path in sorted((ROOT / "toolkit" / "review").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "hash" not in names, path
        assert not imported & {"ipywidgets", "IPython", "sqlalchemy", "alembic"}, path


def test_are_cards_in_the_plans_order(plan, deck):
    sections = section_order(plan)
    tasks = [t.id for t in plan.tasks]
    positions = [(sections.index(c.section), tasks.index(c.task_id) if c.fact != AUTHORED else None) for c in deck.cards]
    assert [s for s, _ in positions] == sorted(s for s, _ in positions)
    plan_facts = [(s, t, FACTS.index(c.fact)) for (s, t), c in zip(positions, deck.cards) if c.fact != AUTHORED]
    assert plan_facts == sorted(plan_facts)
    assert deck.cards[0].section == "docs" and deck.cards[-1].section == "III"


def test_do_labels_name_the_fact_but_never_its_answer(plan, deck):
    """A section card's label quotes the task, not its number (II.3.a would say it is under II.3)."""
    assert deck.card("241:II.5.b:lead").label == "Cơ quan chủ trì nhiệm vụ tại mục II.5.b"
    assert deck.card("241:II.9:lead").label == "Cơ quan được giao nhiệm vụ tại mục II.9"
    for c in deck.cards:
        assert c.label and unicodedata.is_normalized("NFC", c.label) and "«" not in c.label
        if c.fact == "section":
            assert not re.search(rf"{re.escape(c.section)}(?![\d])", c.label), c.label
            assert plan.task(c.task_id).summary in c.label
        if c.fact == "lead":
            assert not any(plan.agency_name(k) in c.label for k in plan.task(c.task_id).lead)


def test_does_a_review_pick_a_question_of_the_card_the_same_way_each_time(deck):
    card = next(c for c in deck.cards if len([q for q in c.question_ids
                                             if cards_of(deck.questions[q]) == (c.id,)]) >= 2)
    picks = {deck.question_for(card.id, seed).id for seed in range(40)}
    assert len(picks) >= 2 and all(card.id in cards_of(deck.questions[q]) for q in picks)
    assert deck.question_for(card.id, 7).id == deck.question_for(card.id, 7).id
    last = deck.question_for(card.id, 7).id
    assert all(deck.question_for(card.id, s, exclude={last}).id != last for s in range(40))


def test_does_a_review_avoid_a_matching_question_and_fall_back_when_all_are_excluded(deck):
    matching = next(q for q in deck.questions.values() if q.template == "matching")
    card = cards_of(matching)[0]
    assert all(deck.question_for(card, s).template != "matching" for s in range(40))
    only = deck.card("bank:van-ban-can-cu:docs-nguoi-ky-ho-ten")
    assert deck.question_for(only.id, 1, exclude=set(only.question_ids)).id == only.question_ids[0]
