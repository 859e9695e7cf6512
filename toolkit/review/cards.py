"""The plan's facts as cards: what an officer should remember, each tested by one or more questions.

A generated question tests a fact of a task: who it is given to (chủ trì where the plan says so), who
coordinates, by when, under which section, whether the plan directs or only requests it. Every question
of a template tests the same fact (a "lead" and the two "tf_lead" questions of II.3.a all ask who does
II.3.a), so one card stands for all of them and any answer to any of them, in a quiz, a workshop or a
review, is a review of that card. An authored question is a card of its own: what it tests is written,
not derived.

Card ids are text built from the plan's numbering and the bank's keys, never from hash() (which Python
salts per process): "241:II.3.a:lead", "bank:phan-iii-to-chuc-thuc-hien:iii-don-doc-thuc-hien".

>>> from toolkit.quiz.banks import question_bank
>>> deck = build_deck(load_plan(), question_bank(load_plan())[0])
>>> card = deck.card("241:II.5.b:lead")
>>> card.label, card.section
('Cơ quan chủ trì nhiệm vụ tại mục II.5.b', 'II.5')
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Collection, Iterable, Mapping, Sequence

from toolkit.plan.model import Plan, Task
from toolkit.quiz.attempt import section_label
from toolkit.quiz.generate import cite
from toolkit.quiz.questions import Question, stable_seed

# Every card id begins so: the prefix the review memories and logs stored before there were several plans
# carry, kept so they stay valid. An identity, never shown; which plan a stored card is of is its row's
# `plan` column (migration 0007), not this prefix.
PLAN_KEY = "241"
AUTHORED = "authored"
# The fact each generator template tests. A template missing here would leave its answers unscheduled:
# tests/unit/test_review_cards.py fails when generate.TEMPLATES gains one.
FACT_OF_TEMPLATE = {
    "lead": "lead",
    "tf_lead": "lead",
    "task_of": "lead",  # "which task does the plan give X?" asks the same pairing from the body's side
    "matching": "lead",  # one card per row: each row pairs a task with the body it is given to
    "coordinators": "coordinators",
    "deadline": "deadline",
    "tf_deadline": "deadline",
    "section": "section",
    "directs": "directs",
}
# A task's facts in the order an officer meets them (who, with whom, by when, where, in what form).
FACTS = ("lead", "coordinators", "deadline", "section", "directs")
# An authored card is labelled by its question's stem; longer stems are cut at a word (the trainer's table).
LABEL_MAX = 110


@dataclass(frozen=True)
class Card:
    """One fact: `question_ids` are the served questions that test it (at least one, by construction)."""

    id: str
    fact: str  # one of FACTS, or AUTHORED
    section: str | None
    task_ids: tuple[str, ...]
    label: str  # what the fact is about, never its answer ("Thời hạn thực hiện nhiệm vụ tại mục II.9")
    detail: str  # the task's summary (a plan fact) or the bank's title (an authored card)
    question_ids: tuple[str, ...]

    @property
    def task_id(self) -> str | None:
        """The task a plan fact is about; an authored card's first task, or None when it names none."""
        return self.task_ids[0] if self.task_ids else None


def fact_card_id(task_id: str, fact: str) -> str:
    """The id of a fact of a task.

    >>> fact_card_id("II.3.a", "lead")
    '241:II.3.a:lead'
    """
    return f"{PLAN_KEY}:{task_id}:{fact}"


def authored_card_id(bank: str, question_id: str) -> str:
    return f"bank:{bank}:{question_id}"


def cards_of(question: Question) -> tuple[str, ...]:
    """The ids of the cards an answer to this question reviews, in the question's own order (matching: its rows).

    Depends on the question alone, so an answer stored years ago maps to the same cards; a question of no
    known template and no bank (one built in memory) tests no card.

    >>> q = Question("matching:II.9+II.5.b", "matching", "", (), (), "", "", ("II.9", "II.5.b"), "matching")
    >>> cards_of(q)
    ('241:II.9:lead', '241:II.5.b:lead')
    """
    if question.bank:
        return (authored_card_id(question.bank, question.id),)
    fact = FACT_OF_TEMPLATE.get(question.template or "")
    if fact is None:
        return ()
    return tuple(dict.fromkeys(fact_card_id(t, fact) for t in question.task_ids))


# ---------------------------------------------------------------- the deck


@dataclass(frozen=True)
class Deck:
    """Every card of a question bank, in the plan's order, with the questions that test them."""

    cards: tuple[Card, ...]
    questions: Mapping[str, Question]
    section_labels: Mapping[str, str]
    _index: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_index", MappingProxyType({c.id: i for i, c in enumerate(self.cards)}))

    def __contains__(self, card_id: object) -> bool:
        return card_id in self._index

    def __len__(self) -> int:
        return len(self.cards)

    def card(self, card_id: str) -> Card:
        return self.cards[self._index[card_id]]

    def position(self, card_id: str) -> int:
        """Where the card stands in the plan's order (new cards are offered in this order)."""
        return self._index[card_id]

    def question_for(self, card_id: str, seed: int | str, exclude: Collection[str] = ()) -> Question:
        """A question that tests the card, for a review; the same seed picks the same question.

        A question testing this card alone is preferred (a matching question would review two other cards
        off their schedule); `exclude` (the question asked last time, say) is avoided unless nothing else
        tests the card.
        """
        ids = self.card(card_id).question_ids
        alone = [i for i in ids if cards_of(self.questions[i]) == (card_id,)]
        pool = alone or list(ids)
        fresh = [i for i in pool if i not in exclude] or pool
        rng = random.Random(stable_seed("review", card_id, str(seed)))
        return self.questions[rng.choice(sorted(fresh))]


def section_order(plan: Plan) -> tuple[str, ...]:
    """The plan's reading order of sections: the documents it implements, Part I, Part II's sections, Part III."""
    return ("docs", "I", *(s.id for s in plan.sections))


def build_deck(plan: Plan, questions: Iterable[Question]) -> Deck:
    """The cards the questions test, labelled from the plan, each with the questions testing it.

    Cards are derived from the questions (not from every task), so every card can be asked; a fact no
    served question tests (a retired question's, a template that skips a task) has no card.
    """
    questions = list(questions)
    testing: dict[str, list[str]] = {}
    first_seen: dict[str, int] = {}
    for n, q in enumerate(questions):
        for cid in cards_of(q):
            testing.setdefault(cid, []).append(q.id)
            first_seen.setdefault(cid, n)
    by_id = {q.id: q for q in questions}
    sections = {s: i for i, s in enumerate(section_order(plan))}
    tasks = {t.id: i for i, t in enumerate(plan.tasks)}
    cards = []
    for cid, qids in testing.items():
        first = by_id[qids[0]]
        if first.bank:
            cards.append(_authored_card(cid, first, qids))
        else:
            task_id, fact = cid.split(":")[1:]
            cards.append(_fact_card(cid, plan.task(task_id), fact, qids))

    def order(c: Card) -> tuple:
        # Section, then the task's place in the plan (an authored card without a task first in its section),
        # then the fact, then where its first question stands in the bank (an authored file's own order).
        task = min((tasks[t] for t in c.task_ids if t in tasks), default=-1)
        fact = FACTS.index(c.fact) if c.fact in FACTS else len(FACTS)
        return (sections.get(c.section, len(sections)), task, fact, first_seen[c.id], c.id)

    cards.sort(key=order)
    labels = {s: section_label(plan, s) for s in dict.fromkeys(c.section for c in cards) if s is not None}
    return Deck(tuple(cards), MappingProxyType(by_id), MappingProxyType(labels))


def _fact_card(cid: str, task: Task, fact: str, qids: Sequence[str]) -> Card:
    where = f"nhiệm vụ tại {cite(task)}"
    if fact == "lead":
        who = ("Cơ quan chủ trì" if task.lead_named else
               "Cơ quan được đề nghị thực hiện" if task.requested else "Cơ quan được giao")
        label = f"{who} {where}"
    elif fact == "coordinators":
        label = f"Cơ quan phối hợp thực hiện {where}"
    elif fact == "deadline":
        label = f"Thời hạn thực hiện {where}"
    elif fact == "section":
        # The plan's numbering names the section ("II.3.a" is under II.3): the label quotes the task instead.
        label = f"Nhóm nhiệm vụ, giải pháp của nhiệm vụ “{task.summary}”"
    else:
        label = f"Giao hay đề nghị thực hiện {where}"
    return Card(cid, fact, task.section, (task.id,), label, task.summary, tuple(qids))


def _authored_card(cid: str, q: Question, qids: Sequence[str]) -> Card:
    return Card(cid, AUTHORED, q.section, q.task_ids, shorten(q.stem), q.bank_title or q.bank or "", tuple(qids))


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    """Text cut at a word to at most `limit` characters, "…" marking the cut.

    >>> shorten("Theo mục II.2.a, Kế hoạch lấy điều gì làm thước đo?", 30)
    'Theo mục II.2.a, Kế hoạch lấy…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut falls inside a word: drop the word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
