"""Taking a quiz: one participant's attempt, with the rules enforced here in the kernel.

The browser can set any widget value and click disabled buttons, so every rule lives in this class:
one answer per question, no answer after the time limit or after submitting, answers only in range.
What the UI shows comes from `shown()`, which carries no answer key; the key is revealed by
`answer()` (as feedback) only once the participant has answered.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable, Collection, Mapping, Sequence

from toolkit.plan.catalogue import key_of
from toolkit.plan.model import Plan
from toolkit.quiz.assembly import REVIEW_TOPIC, QuizItem, build_quiz
from toolkit.quiz.questions import Question, Score, present_name_notes, score
from toolkit.storage.records import AttemptRecord, Participant, ResponseRecord, now

if TYPE_CHECKING:
    from toolkit.storage.store import Store

MODES = {"practice": "Luyện tập (xem đáp án ngay)", "test": "Kiểm tra (xem đáp án khi nộp bài)"}
EXTRA_SECTIONS = {"I": "Phần I. Mục đích, yêu cầu", "docs": "Văn bản căn cứ, dẫn chiếu"}


class QuizRuleError(Exception):
    """An action the rules do not allow; the message is Vietnamese and shown to the participant."""


@dataclass(frozen=True)
class ShownQuestion:
    """Everything the page may display for one question, and nothing that reveals the key."""

    position: int
    number: int
    total: int
    type: str
    stem: str
    options: tuple[str, ...]
    rows: tuple[str, ...]


@dataclass(frozen=True)
class Feedback:
    position: int
    question_id: str
    is_correct: bool
    points: float
    max_points: float
    given: str
    correct: str
    explanation: str
    source: str
    section: str | None
    stem: str
    # Today's names of merged bodies the question names (questions.present_name_notes): keys stay in the
    # plan's words.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    points: float
    max_points: float
    answered: int
    total: int
    by_section: tuple[tuple[str, float, float], ...]  # (label, points, max_points)
    duration: timedelta
    mistakes: tuple[Feedback, ...]

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


def section_label(plan: Plan, section: str | None) -> str:
    if section in EXTRA_SECTIONS:
        return EXTRA_SECTIONS[section]
    try:
        return plan.section(section).label
    except StopIteration:
        return section or "Khác"


class QuizRun:
    def __init__(self, store: Store, attempt: AttemptRecord, questions: Mapping[str, Question], plan: Plan,
                 clock: Callable[[], datetime] = now, guard: Callable[[], str | None] | None = None,
                 retired: Collection[str] = (), memory: Callable | None = None):
        self.store, self.attempt, self.plan, self.clock = store, attempt, plan, clock
        # memory: how an answer updates the officer's memory of the plan's facts, run in the answer's
        # transaction (toolkit.storage.reviews.record_answer; the pages set it, toolkit.ui.answering).
        self.memory = memory
        # guard: an extra rule checked before each answer (a workshop session that must still be open);
        # it returns the Vietnamese reason to refuse, or None.
        self.guard = guard
        stored = [QuizItem(i["q"], tuple(i["o"]), tuple(i.get("r", ()))) for i in attempt.items]
        # A question retired after the attempt began is left out of it: not shown, not scored. The others
        # keep their stored positions (`slots`), where their answers were and will be saved. Any other
        # question missing from the bank refuses the attempt: it cannot be shown as it was.
        self.dropped = tuple(i.question_id for i in stored if i.question_id in retired)
        kept = [(slot, i) for slot, i in enumerate(stored) if i.question_id not in retired]
        self.slots = tuple(slot for slot, _ in kept)
        self.items = [i for _, i in kept]
        missing = [i.question_id for i in self.items if i.question_id not in questions]
        if missing:
            raise QuizRuleError(f"Bài làm có câu hỏi không còn trong ngân hàng: {', '.join(missing)}.")
        if not self.items:
            raise QuizRuleError("Mọi câu hỏi của bài làm này đã ngừng sử dụng; hãy bắt đầu bài mới.")
        self.questions = [questions[i.question_id] for i in self.items]
        self._position = {slot: position for position, slot in enumerate(self.slots)}
        self.responses: dict[int, ResponseRecord] = self._stored_responses()

    # -- starting and resuming
    @classmethod
    def start(cls, store: Store, participant: Participant, pool: Sequence[Question], plan: Plan, *, topic: str,
              n: int, mode: str = "practice", time_limit_s: int | None = None, seed: int | None = None,
              session_code: str | None = None, clock: Callable[[], datetime] = now,
              guard: Callable[[], str | None] | None = None, memory: Callable | None = None) -> "QuizRun":
        if mode not in MODES:
            raise QuizRuleError(f"Chế độ không hợp lệ: {mode}")
        if not pool:
            raise QuizRuleError("Chủ đề này chưa có câu hỏi nào.")
        if time_limit_s is not None and time_limit_s <= 0:
            raise QuizRuleError("Thời gian làm bài phải lớn hơn 0.")
        seed = secrets.randbits(48) if seed is None else seed
        items = build_quiz(pool, max(1, n), seed)
        record = store.create_attempt(
            participant.id, topic, mode, [{"q": i.question_id, "o": list(i.option_order), "r": list(i.row_order)}
                                          for i in items], seed, time_limit_s, session_code, plan=key_of(plan))
        return cls(store, record, {q.id: q for q in pool}, plan, clock, guard, memory=memory)

    @classmethod
    def resume(cls, store: Store, attempt_id: int, questions: Mapping[str, Question], plan: Plan,
               clock: Callable[[], datetime] = now, guard: Callable[[], str | None] | None = None,
               retired: Collection[str] = ()) -> "QuizRun":
        """The stored attempt, without the questions retired since it began (see `retired_ids`)."""
        return cls(store, store.attempt(attempt_id), questions, plan, clock, guard, retired)

    # -- state
    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def mode(self) -> str:
        return self.attempt.mode

    @property
    def source(self) -> str:
        """Where the answers are given, as the review log says it: review, workshop or quiz."""
        if self.attempt.topic.partition(":")[0] == REVIEW_TOPIC:
            return "review"
        return "workshop" if self.attempt.session_code else "quiz"

    @property
    def finished(self) -> bool:
        return self.attempt.finished_at is not None

    @property
    def deadline(self) -> datetime | None:
        if self.attempt.time_limit_s is None:
            return None
        return self.attempt.started_at + timedelta(seconds=self.attempt.time_limit_s)

    def remaining_seconds(self) -> float | None:
        if self.deadline is None:
            return None
        return max(0.0, (self.deadline - self.clock()).total_seconds())

    @property
    def expired(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline

    def is_answered(self, position: int) -> bool:
        return position in self.responses

    @property
    def answered_count(self) -> int:
        return len(self.responses)

    def next_unanswered(self, after: int = -1) -> int | None:
        order = list(range(after + 1, self.total)) + list(range(0, after + 1))
        return next((p for p in order if p not in self.responses), None)

    # -- showing
    def shown(self, position: int) -> ShownQuestion:
        self._check_position(position)
        q, item = self.questions[position], self.items[position]
        return ShownQuestion(position, position + 1, self.total, q.type, q.stem,
                             tuple(q.options[i] for i in item.option_order),
                             tuple(q.rows[i] for i in item.row_order))

    # -- answering
    def answer(self, position: int, shown_answer) -> Feedback:
        """Score and store an answer given in the displayed order; raise QuizRuleError if not allowed."""
        self._check_position(position)
        if self.finished:
            raise QuizRuleError("Bài đã nộp; không thể trả lời thêm.")
        if self.expired:
            self.finish()
            raise QuizRuleError("Đã hết thời gian làm bài; câu trả lời này không được tính.")
        if position in self.responses:
            raise QuizRuleError(f"Câu {position + 1} đã được trả lời; mỗi câu chỉ trả lời một lần.")
        refusal = self.guard() if self.guard else None
        if refusal:
            raise QuizRuleError(refusal)
        q = self.questions[position]
        answer = self._to_original(position, shown_answer)
        result: Score = score(q, answer)
        then = None
        if self.memory is not None:
            then = functools.partial(self.memory, question=q, answer=answer, at=self.clock(),
                                     officer=self.attempt.participant_id, source=self.source,
                                     attempt_id=self.attempt.id, position=self.slots[position])
        if not self.store.save_response(self.attempt.id, self.slots[position], q.id, answer, result.points,
                                        result.max_points, then=then):
            # Another page of the same attempt answered first: keep what is stored.
            self.responses = self._stored_responses()
            raise QuizRuleError(f"Câu {position + 1} đã được trả lời ở một trang khác.")
        # Kept here rather than read back: an answer is one INSERT, not an INSERT and a read of them all
        # (issue 16). Another page's answers are read when they matter: this question answered there
        # (above), and the score (`finish`).
        self.responses[position] = ResponseRecord(self.slots[position], q.id, json.loads(json.dumps(answer)),
                                                  result.points, result.max_points, now())  # as read back
        return self.feedback(position)

    def shown_answer(self, position: int):
        """The stored answer in this attempt's display order, to show a participant what they chose."""
        if position not in self.responses:
            return None
        q, item, answer = self.questions[position], self.items[position], self.responses[position].answer
        if q.type in ("single", "true_false"):
            return item.option_order.index(answer)
        if q.type == "multiple":
            return sorted(item.option_order.index(i) for i in answer)
        if q.type == "matching":
            return [item.option_order.index(answer[r]) for r in item.row_order]
        return answer

    def feedback(self, position: int) -> Feedback:
        """What was answered and the key; only for a question already answered."""
        if position not in self.responses:
            raise QuizRuleError("Chưa trả lời câu này.")
        r, q = self.responses[position], self.questions[position]
        return Feedback(position, q.id, r.points >= r.max_points, r.points, r.max_points,
                        q.describe(r.answer), q.correct_text, q.explanation, q.source, q.section, q.stem,
                        present_name_notes(q, self.plan, self.clock().date()))

    def finish(self) -> "Summary":
        if not self.finished:
            self.store.finish_attempt(self.attempt.id)
            self.attempt = self.store.attempt(self.attempt.id)
        self.responses = self._stored_responses()  # with what another page of this attempt answered
        return self.summary()

    def summary(self) -> Summary:
        sections: dict[str, list[float]] = {}
        mistakes, points, maximum = [], 0.0, 0.0
        for pos, q in enumerate(self.questions):
            label = section_label(self.plan, q.section)
            got = self.responses[pos].points if pos in self.responses else 0.0
            top = self.responses[pos].max_points if pos in self.responses else 1.0
            entry = sections.setdefault(label, [0.0, 0.0])
            entry[0] += got
            entry[1] += top
            points += got
            maximum += top
            if pos in self.responses and got < top:
                mistakes.append(self.feedback(pos))
        end = self.attempt.finished_at or self.clock()
        order = {section_label(self.plan, s.id): i for i, s in enumerate(self.plan.sections)}
        by_section = tuple(sorted(((k, v[0], v[1]) for k, v in sections.items()), key=lambda x: order.get(x[0], -1)))
        return Summary(round(points, 4), maximum, len(self.responses), self.total, by_section,
                       end - self.attempt.started_at, tuple(mistakes))

    def mistake_questions(self) -> list[Question]:
        """Questions answered wrong or left unanswered, for "practise my mistakes again"."""
        return [q for pos, q in enumerate(self.questions)
                if pos not in self.responses or self.responses[pos].points < self.responses[pos].max_points]

    # -- helpers
    def _stored_responses(self) -> dict[int, ResponseRecord]:
        """The stored answers by this run's positions (a retired question's answer is not one of them)."""
        return {self._position[r.position]: r for r in self.store.responses(self.attempt.id)
                if r.position in self._position}

    def _check_position(self, position) -> None:
        if not isinstance(position, int) or not 0 <= position < self.total:
            raise QuizRuleError("Câu hỏi không tồn tại.")

    def _to_original(self, position: int, shown):
        q, item = self.questions[position], self.items[position]
        bad = QuizRuleError("Câu trả lời không hợp lệ; hãy chọn lại.")
        n = len(item.option_order)

        def option(i):
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < n:
                raise bad
            return item.option_order[i]

        if q.type in ("single", "true_false"):
            return option(shown)
        if q.type == "multiple":
            if not isinstance(shown, (list, tuple)) or not shown:
                raise QuizRuleError("Hãy chọn ít nhất một phương án.")
            return sorted({option(i) for i in shown})
        if q.type == "matching":
            if not isinstance(shown, (list, tuple)) or len(shown) != len(item.row_order):
                raise bad
            original = [None] * len(item.row_order)
            for shown_row, choice in enumerate(shown):
                original[item.row_order[shown_row]] = None if choice is None else option(choice)
            if any(c is None for c in original):
                raise QuizRuleError("Hãy ghép đủ tất cả các dòng.")
            return original
        if q.type == "text":
            text = str(shown or "").strip()
            if not text:
                raise QuizRuleError("Hãy nhập câu trả lời.")
            return text[:200]
        raise bad
