"""A question about the plan, and how an answer to it is scored (points with their maximum)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.vietnamese import fold

if TYPE_CHECKING:
    from toolkit.plan.model import Plan, Renaming, When

QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "text")
TRUE_FALSE = ("Đúng", "Sai")


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    stem: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str
    source: str
    task_ids: tuple[str, ...] = ()
    template: str | None = None
    section: str | None = None
    rows: tuple[str, ...] = ()  # matching: one prompt per row; correct[i] is the option for row i
    answers: tuple[str, ...] = ()  # text: accepted answers
    agencies: tuple[str, ...] = ()
    bank: str | None = None  # the authored bank's key (its file's `bank`); None for generated questions
    bank_title: str | None = None  # how pages and exports name that bank (its file's `title`)

    @property
    def correct_text(self) -> str:
        """The right answer in words, for feedback after the participant has answered."""
        if self.type == "text":
            return self.answers[0]
        if self.type in ("single", "true_false"):
            return self.options[self.correct[0]]
        return self.describe(list(self.correct))

    def describe(self, answer) -> str:
        """An answer (in this question's own option indices) in words; a malformed one as its JSON."""
        import json

        try:
            if self.type in ("single", "true_false"):
                return self.options[answer]
            if self.type == "multiple":
                return "; ".join(self.options[i] for i in answer)
            if self.type == "matching":
                return "; ".join(f"{row} → {self.options[c]}" for row, c in zip(self.rows, answer))
        except (IndexError, TypeError):
            return json.dumps(answer, ensure_ascii=False)
        return str(answer)


def present_name_notes(question: Question, plan: "Plan", on: "When" = None) -> tuple[str, ...]:
    """Today's name of each renamed or merged body the question names, as notes for its feedback.

    The key and options stay in the plan's words (a question is about the plan); the note says what the
    body is now. A body counts as named when any of its names is in the stem, options, rows, accepted
    answers or explanation; `on` is as for Plan.renaming.

    >>> plan = load_plan()
    >>> q = Question("x", "single", "Ai?", ("Sở Thông tin và Truyền thông", "Sở Tư pháp"), (0,), "", "")
    >>> present_name_notes(q, plan, 2026)
    ('Ghi chú: từ 01/3/2025, Sở Thông tin và Truyền thông hợp nhất vào Sở Khoa học và Công nghệ.',)
    >>> present_name_notes(q, plan, 2024)
    ()
    """
    text = fold(" ".join((question.stem, *question.options, *question.rows, *question.answers,
                          question.explanation)))
    out = []
    for r in plan.renamings:
        if plan.renaming(r.key, on) is None:
            continue
        agency = plan.agencies.get(plan.units[r.key].agency or r.key)
        names = {r.plan_name} | ({agency.short, agency.name, *agency.aliases} if agency else set())
        if any(fold(n) in text for n in names):
            out.append(present_name_note(r))
    return tuple(dict.fromkeys(out))


def present_name_note(r: "Renaming") -> str:
    """"Ghi chú: từ 01/3/2025, Sở Thông tin và Truyền thông hợp nhất vào Sở Khoa học và Công nghệ."

    The source line names the bodies merged ("A + B → C") or the body reorganised ("A → C").
    """
    d = r.since
    merged = "+" in r.source.split("→", 1)[0]
    how = "hợp nhất vào" if merged else "được tổ chức lại thành"
    return f"Ghi chú: từ {d.day:02d}/{d.month}/{d.year}, {r.plan_name} {how} {r.present_name}."


def stable_seed(*parts: str) -> int:
    """The same text gives the same seed in every process (unlike hash(), which Python salts)."""
    return int(hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16], 16)


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    points: float
    max_points: float

    @property
    def is_correct(self) -> bool:
        return self.points >= self.max_points


def score(question: Question, answer) -> Score:
    """Points for an answer given in the question's own option indices (not the shuffled display order).

    - single, true_false: 1 if the chosen index is the correct one, else 0; no answer is 0.
    - multiple: each correct option ticked adds 1/k (k = number of correct options), each wrong option
      ticked takes 1/k away, floored at 0 — so ticking everything earns nothing (as in Moodle).
    - matching: 1/r for each of the r rows matched correctly.
    - text: 1 if the answer equals an accepted answer ignoring case, diacritics, spaces and final punctuation.
    """
    if answer is None:
        return Score(0.0, 1.0)
    if question.type in ("single", "true_false"):
        return Score(1.0 if answer == question.correct[0] else 0.0, 1.0)
    if question.type == "multiple":
        chosen, right = set(answer), set(question.correct)
        k = len(right)
        return Score(round(max(0.0, (len(chosen & right) - len(chosen - right)) / k), 4), 1.0)
    if question.type == "matching":
        rows = len(question.correct)
        hits = sum(1 for given, want in zip(answer, question.correct) if given == want)
        return Score(round(hits / rows, 4), 1.0)
    if question.type == "text":
        return Score(1.0 if _norm_answer(answer) in {_norm_answer(a) for a in question.answers} else 0.0, 1.0)
    raise ValueError(question.type)


def _norm_answer(text: str) -> str:
    return fold(str(text)).strip(" .;,!?\"'")
