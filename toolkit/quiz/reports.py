"""Reported questions and retiring one: what the trainer page and `toolkit questions` share.

Participants report a question from its feedback ("Báo lỗi câu hỏi", stored by `Store.report_question`).
The people who know the plan best read the reports beside the question, its key and the plan's words,
and retire a question that is wrong: it goes into quizzes/retired.yaml (toolkit.quiz.retired), to be
reviewed and committed in git like the banks, and no page, session or export serves it from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Iterable

from toolkit.datafile import DataError, Problem, display_name
from toolkit.paths import DEFAULT_QUIZ_DIR
from toolkit.plan.model import Plan
from toolkit.quiz import retired
from toolkit.quiz.banks import question_bank, refresh_question_bank
from toolkit.quiz.questions import Question
from toolkit.storage.records import InputError, QuestionReports, clean_name, now
from toolkit.vietnamese import VIETNAM

if TYPE_CHECKING:
    from toolkit.storage.store import Store


@dataclass(frozen=True)
class ReportedQuestion:
    """A reported question with its reports; `question` is None if the bank no longer holds it."""

    reports: QuestionReports
    question: Question | None


def reported_questions(store: Store, questions: Iterable[Question],
                       retired_ids: Collection[str] = (), plan: str | None = None) -> list[ReportedQuestion]:
    """Reported questions still in use (of the plan with key `plan`, whose bank `questions` is, if given),
    most reported first: retired ones are done with."""
    by_id = {q.id: q for q in questions}
    return [ReportedQuestion(r, by_id.get(r.question_id)) for r in store.question_reports(plan=plan)
            if r.question_id not in retired_ids]


def key_view(q: Question) -> tuple[tuple[str, bool], ...]:
    """A question's choices as (text, part of the key), for the people reviewing it: never for a participant.

    Choice questions list every option; a matching question its right pairs; a short-answer question
    the answers it accepts.
    """
    if q.type == "text":
        return tuple((a, True) for a in q.answers)
    if q.type == "matching":
        return tuple((f"{row} → {q.options[c]}", True) for row, c in zip(q.rows, q.correct))
    return tuple((o, i in q.correct) for i, o in enumerate(q.options))


def retire_question(plan: Plan, question_id: str, reason: str, by: str, directory: Path | str | None = None,
                    today: date | None = None) -> retired.Retirement:
    """Add a question of the bank to the folder's retired list and forget this process's bank.

    The bank is read afresh (another kernel may have retired something), the whole new list is
    checked as a reader will check it, and only then written, atomically: on any error (InputError
    for what was typed, DataError for the list's own problems) nothing is written.
    """
    folder = Path(directory or DEFAULT_QUIZ_DIR)
    path = retired.retired_path(folder)
    qid = (question_id or "").strip()
    entry_reason, entry_by = retired.clean_reason(reason), clean_name(by)
    with retired.exclusive():
        refresh_question_bank()
        questions, problems = question_bank(plan, folder)
        own = [p for p in problems if Path(p.file).resolve() == path.resolve()]
        if own:
            raise DataError(own + [Problem(display_name(path), None, "Hãy sửa các lỗi trên (rồi commit) trước khi "
                                                                    "ngừng dùng thêm câu hỏi.")])
        entries, _ = retired.read_retired(path)
        earlier = next((e for e in entries if e.id == qid), None)
        if earlier is not None:
            since = f" từ ngày {earlier.retired_on:%d/%m/%Y}" if earlier.retired_on else ""
            raise InputError(f"Câu hỏi '{qid}' đã ngừng dùng{since}.")
        ids = {q.id for q in questions}
        if qid not in ids:
            raise InputError(f"Không có câu hỏi '{qid}' trong ngân hàng câu hỏi.")
        entry = retired.Retirement(qid, entry_reason, today or now().astimezone(VIETNAM).date(), entry_by)
        retired.write_retired(path, (*entries, entry), ids | {e.id for e in entries})
        refresh_question_bank()
    return entry
