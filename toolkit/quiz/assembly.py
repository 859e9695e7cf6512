"""What a quiz is about (its topic), and how one attempt's questions and option orders are drawn."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from toolkit.plan.model import Plan
from toolkit.quiz.questions import Question

# ---------------------------------------------------------------- topics and assembling a quiz


@dataclass(frozen=True)
class Topic:
    """What a quiz is about: kind is all | section | agency | unit | bank; value names which one."""

    kind: str = "all"
    value: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Topic":
        kind, _, value = text.partition(":")
        return cls(kind, value or None)

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind}:{self.value}"


def questions_for_topic(plan: Plan, questions: Sequence[Question], topic: Topic) -> list[Question]:
    if topic.kind == "all":
        return list(questions)
    if topic.kind == "section":
        return [q for q in questions if q.section == topic.value]
    if topic.kind == "bank":
        return [q for q in questions if q.bank == topic.value]
    if topic.kind in ("agency", "unit"):
        if topic.kind == "agency":
            tasks = {a.task.id for a in plan.assignments(topic.value)}
            through = plan.memberships(topic.value)
        else:
            tasks = {t.id for t in plan.tasks_for_unit(topic.value)}
            through = plan.unit_memberships(topic.value)
        return [q for q in questions if (q.task_ids and set(q.task_ids) <= tasks) or set(q.agencies) & through]
    raise ValueError(f"Chủ đề không hợp lệ: {topic}")


@dataclass(frozen=True)
class QuizItem:
    """One question as shown in one attempt: the option order (and row order for matching) on screen."""

    question_id: str
    option_order: tuple[int, ...]
    row_order: tuple[int, ...] = ()


def build_quiz(questions: Sequence[Question], n: int, seed: int) -> list[QuizItem]:
    """Pick n questions and shuffle their options; the same seed rebuilds the same attempt.

    Questions are drawn round-robin across templates so a short quiz is not ten true/false items.
    """
    rng = random.Random(seed)
    by_kind: dict[str, list[Question]] = {}
    for q in sorted(questions, key=lambda q: q.id):
        by_kind.setdefault(q.template or "authored", []).append(q)
    for qs in by_kind.values():
        rng.shuffle(qs)
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    chosen: list[Question] = []
    used_tasks: set[str] = set()
    while len(chosen) < n and any(by_kind.values()):
        for kind in kinds:
            if not by_kind[kind] or len(chosen) == n:
                continue
            # Prefer a question about a task not asked yet in this attempt.
            qs = by_kind[kind]
            pick = next((q for q in qs if not set(q.task_ids) & used_tasks), qs[0])
            qs.remove(pick)
            chosen.append(pick)
            used_tasks.update(pick.task_ids)
    rng.shuffle(chosen)
    items = []
    for q in chosen:
        order = list(range(len(q.options)))
        if q.type != "true_false":
            rng.shuffle(order)
        rows = list(range(len(q.rows)))
        rng.shuffle(rows)
        items.append(QuizItem(q.id, tuple(order), tuple(rows)))
    return items
