"""What a quiz is about (its topic), and how one attempt's questions and option orders are drawn."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from toolkit.plan.model import Plan
from toolkit.quiz.questions import Question
from toolkit.vietnamese import sort_key

# ---------------------------------------------------------------- topics and assembling a quiz

# The topic of a day's review (“Ôn tập hôm nay”, toolkit.ui.review): "review:<Vietnam day>", an attempt like
# any other, whose answers count as reviews.
REVIEW_TOPIC = "review"


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

    def label(self, plan: Plan, bank_titles: Mapping[str, str] | None = None) -> str:
        """The topic in words, as exports name it; a value the plan no longer holds is shown as stored.

        >>> from toolkit.plan.load import load_plan
        >>> Topic.parse("all").label(load_plan()), Topic.parse("agency:so_tu_phap").label(load_plan())
        ('Toàn bộ Kế hoạch', 'Cơ quan: Sở Tư pháp')
        >>> Topic.parse("review:2026-03-05").label(load_plan())
        'Ôn tập ngày 05/03/2026'
        """
        v = self.value
        if self.kind == "all":
            return "Toàn bộ Kế hoạch"
        if self.kind == "section":
            section = next((s for s in plan.sections if s.id == v), None)
            return f"Mục {section.label if section else v}"
        if self.kind == "unit":
            return f"Nhiệm vụ của {plan.units[v].name if v in plan.units else v}"
        if self.kind == "agency":
            return f"Cơ quan: {plan.agency_name(v) if v in plan.agencies else v}"
        if self.kind == "bank":
            return f"Câu hỏi soạn sẵn: {(bank_titles or {}).get(v, v)}"
        if self.kind == REVIEW_TOPIC:
            try:
                return f"Ôn tập ngày {date.fromisoformat(v):%d/%m/%Y}"
            except (TypeError, ValueError):
                return "Ôn tập"
        return str(self)


def titles_by_bank(questions: Sequence[Question]) -> dict[str, str]:
    """The authored banks among `questions`, key -> title, in Vietnamese alphabetical order of title."""
    titles = {q.bank: q.bank_title or q.bank for q in questions if q.bank}
    return dict(sorted(titles.items(), key=lambda kv: sort_key(kv[1])))


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
