"""Authored question banks (quizzes/*.yaml), and a plan's whole bank: generated plus authored."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from toolkit.datacache import cached, fingerprint
from toolkit.datafile import DataError, Problem, check_schema, load_schema, non_nfc_strings, read_yaml
from toolkit.paths import DEFAULT_QUIZ_DIR
from toolkit.plan.model import Plan
from toolkit.quiz.checks import authored_problems, identical_stems
from toolkit.quiz.generate import generate_questions
from toolkit.quiz.questions import TRUE_FALSE, Question
from toolkit.quiz.retired import RETIRED_FILE, without_retired
from toolkit.vietnamese import fold, squash

BANK_SCHEMA = DEFAULT_QUIZ_DIR / "schema" / "bank.schema.json"
# A title is an option in the topic list on a 375 px phone: longer ones wrap into an unreadable block.
TITLE_MAX = 80


# ---------------------------------------------------------------- authored banks


@dataclass(frozen=True)
class Bank:
    key: str
    title: str
    file: str
    questions: tuple[Question, ...]
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # question id -> line, for messages
    title_line: int | None = field(default=None, compare=False)
    # Questions marked `uncited: true` (imported from Moodle, toolkit.quiz.importing): checked for shape,
    # never served, exported or scored until an author cites the plan and removes the mark.
    uncited: tuple[Question, ...] = ()


def load_bank(path: Path | str, plan: Plan) -> Bank:
    """Read one authored bank; raise DataError listing every problem (the bank is refused whole)."""
    doc = read_yaml(path)
    problems = check_schema(doc, load_schema(BANK_SCHEMA)) + non_nfc_strings(doc)
    if problems:
        raise DataError(problems)
    source = plan.source_text or ""
    data, questions, uncited, seen, lines = doc.data, [], [], {}, {}
    title = squash(data["title"])
    problems.extend(doc.problem(("title",), m) for m in _title_problems(title, data["bank"], Path(path).stem))
    for i, q in enumerate(data["questions"]):
        at = ("questions", i)
        if q["id"] in seen:
            problems.append(doc.problem(at + ("id",), f"Mã câu hỏi '{q['id']}' bị trùng (đã có ở dòng {seen[q['id']]})."))
        seen.setdefault(q["id"], doc.line(at))
        opts = q.get("options", [])
        n_right = sum(1 for o in opts if o.get("correct"))
        if q["type"] in ("single", "true_false") and n_right != 1:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': cần đúng một đáp án đúng, đang có {n_right}."))
        if q["type"] == "multiple" and n_right < 1:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': chưa có đáp án đúng nào."))
        if q["type"] in ("single", "multiple", "true_false") and len(opts) < 2:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': cần ít nhất 2 phương án."))
        rows = q.get("rows", [])
        if q["type"] == "matching":
            # A matching question's options are its rows' answers (each once), then any extra wrong ones.
            opts = [{"text": t} for t in dict.fromkeys(squash(r["answer"]) for r in rows)] + [
                {"text": t} for t in q.get("extra_options", [])]
            problems.extend(doc.problem(at + (key,), f"Câu '{q['id']}': câu ghép dùng 'rows' và 'extra_options', "
                                                     f"không dùng '{key}'.") for key in ("options", "answers") if key in q)
            for j, first in repeats([r["text"] for r in rows]):
                problems.append(doc.problem(at + ("rows", j), f"Câu '{q['id']}': dòng ghép “{rows[j]['text']}” trùng "
                                                              f"với “{first}” (không kể dấu, hoa thường)."))
        else:
            problems.extend(doc.problem(at + (key,), f"Câu '{q['id']}': chỉ câu ghép ('matching') dùng '{key}'.")
                            for key in ("rows", "extra_options") if key in q)
        if q.get("uncited") and "source" in q:
            problems.append(doc.problem(at + ("uncited",), f"Câu '{q['id']}': đã có trích dẫn ('source') nhưng vẫn "
                                                           "ghi 'uncited: true'; xóa dòng 'uncited' để câu được dùng."))
        if q["type"] == "text" and not q.get("answers"):
            problems.append(doc.problem(at, f"Câu '{q['id']}': câu tự luận ngắn cần danh sách 'answers'."))
        for j, answer in enumerate(q.get("answers", ()) if q["type"] == "text" else ()):
            if isinstance(answer, str) and "->" in answer:
                # GIFT has no escape for it: Moodle would read the question as a matching one.
                problems.append(doc.problem(at + ("answers", j), f"Câu '{q['id']}': đáp án “{answer}” có “->”; "
                                                                 "Moodle sẽ đọc nhầm thành câu ghép, hãy viết khác."))
        for j, first in repeats([o["text"] for o in opts]):
            problems.append(doc.problem(at + ("options", j), f"Câu '{q['id']}': phương án “{opts[j]['text']}” trùng "
                                                             f"với “{first}” (không kể dấu, hoa thường)."))
        if q["type"] == "true_false" and sorted(o["text"] for o in opts) != sorted(TRUE_FALSE):
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': câu đúng/sai phải có đúng hai phương án "
                                                           "“Đúng” và “Sai”."))
        if q["type"] == "text" and opts:
            problems.append(doc.problem(at + ("options",), f"Câu '{q['id']}': câu trả lời ngắn không dùng 'options'."))
        for j, tid in enumerate(q.get("task_ids", [])):
            if not plan.has_task(tid):
                problems.append(doc.problem(at + ("task_ids", j), f"Câu '{q['id']}': không có nhiệm vụ '{tid}' trong Kế hoạch."))
        for j, key in enumerate(q.get("agencies", [])):
            if key not in plan.agencies:
                problems.append(doc.problem(at + ("agencies", j), f"Câu '{q['id']}': mã cơ quan '{key}' không có trong danh mục."))
        for j, excerpt in enumerate(q.get("source", [])):
            if squash(excerpt) not in source:
                problems.append(doc.problem(at + ("source", j), f"Câu '{q['id']}': trích dẫn không khớp nguyên văn Kế hoạch."))
        if q["type"] == "true_false":
            # The key follows the text: written as [Sai, Đúng (correct)] it is still "Đúng".
            options = TRUE_FALSE
            correct = tuple(sorted(TRUE_FALSE.index(o["text"]) for o in opts if o.get("correct") and o["text"] in TRUE_FALSE))
        elif q["type"] == "matching":
            options = tuple(squash(o["text"]) for o in opts)
            correct = tuple(options.index(squash(r["answer"])) for r in rows)
        else:
            options = tuple(squash(o["text"]) for o in opts)
            correct = tuple(j for j, o in enumerate(opts) if o.get("correct"))
        lines[q["id"]] = doc.line(at + ("id",))
        question = Question(
            id=q["id"], type=q["type"], stem=squash(q["stem"]), options=options, correct=correct,
            explanation=squash(q.get("explanation", "")), source=" […] ".join(squash(s) for s in q.get("source", ())),
            task_ids=tuple(q.get("task_ids", ())), template=None, section=q.get("section"),
            rows=tuple(squash(r["text"]) for r in rows),
            answers=tuple(q.get("answers", ())), agencies=tuple(q.get("agencies", ())), bank=data["bank"],
            bank_title=title)
        if q.get("uncited"):
            # The fidelity rules judge a question against the plan text it cites: they wait for the citation.
            uncited.append(question)
            continue
        questions.append(question)
        # The fidelity rules every question keeps (toolkit.quiz.checks), where they apply to a written one.
        problems.extend(doc.problem(at, f"Câu '{q['id']}': {m}.") for m in authored_problems(plan, questions[-1]))
    problems.extend(Problem(doc.file, None, f"{m}.") for m in identical_stems(questions))
    if problems:
        raise DataError(problems)
    return Bank(data["bank"], title, doc.file, tuple(questions), lines, doc.line(("title",)), tuple(uncited))


def repeats(texts: Sequence[str]) -> list[tuple[int, str]]:
    """(position, the earlier text) of each text equal to an earlier one but for case and marks.

    Compared by position, not identity: Python keeps one object per one-letter string, so "A" is "A".

    >>> repeats(["Sở Tư pháp", "A", "so tu phap", "A"])
    [(2, 'Sở Tư pháp'), (3, 'A')]
    """
    seen: dict[str, int] = {}
    out = []
    for j, text in enumerate(texts):
        first = seen.setdefault(fold(text), j)
        if first != j:
            out.append((j, texts[first]))
    return out


def _title_problems(title: str, key: str, stem: str) -> list[str]:
    """What is wrong with a bank's title, the name every page and export shows for the bank."""
    if not title:
        return ["Tên ngân hàng ('title') không được để trống."]
    if fold(title) in {fold(key.replace("-", " ")), fold(stem.replace("-", " ")), fold(key), fold(stem)}:
        return [f"Tên ngân hàng (“{title}”) đang là mã hoặc tên tệp; hãy viết tên tiếng Việt có dấu cho "
                "người làm bài đọc."]
    if len(title) > TITLE_MAX:
        return [f"Tên ngân hàng dài {len(title)} ký tự, tối đa {TITLE_MAX} (tên hiện trong danh sách chủ đề "
                "trên điện thoại); ý dài hơn đặt ở 'description'."]
    return []


def load_banks(directory: Path | str | None, plan: Plan,
               files: Sequence[Path] | None = None) -> tuple[list[Bank], list[Problem]]:
    """Every valid bank in a folder (or the given files), and the problems of those refused (each whole).

    A bank whose key, title or question ids are already taken by an earlier file (in name order) is refused:
    two banks of one title could not be told apart in the topic list.
    """
    banks, problems, ids, keys, titles = [], [], {}, {}, {}
    paths = files if files is not None else sorted(p for p in Path(directory or DEFAULT_QUIZ_DIR).glob("*.yaml")
                                                   if p.name != RETIRED_FILE)  # the retired list is not a bank
    for path in paths:
        try:
            bank = load_bank(path, plan)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if bank.key in keys:
            problems.append(Problem(bank.file, None, f"Mã ngân hàng '{bank.key}' đã dùng trong {keys[bank.key]}; "
                                                     "ngân hàng này bị từ chối toàn bộ."))
            continue
        clashes = [Problem(bank.file, bank.title_line, f"Tên ngân hàng “{bank.title}” đã dùng trong "
                                                       f"{titles[fold(bank.title)]}; ngân hàng này bị từ chối toàn bộ.")
                   ] if fold(bank.title) in titles else []
        clashes += [Problem(bank.file, bank.lines.get(q.id), f"Mã câu hỏi '{q.id}' đã có trong {ids[q.id]}; "
                                                            "ngân hàng này bị từ chối toàn bộ.")
                    for q in bank.questions + bank.uncited if q.id in ids]
        if clashes:
            problems.extend(clashes)
            continue
        keys[bank.key] = bank.file
        titles[fold(bank.title)] = bank.file
        ids.update({q.id: bank.file for q in bank.questions + bank.uncited})
        banks.append(bank)
    return banks, problems


@functools.lru_cache(maxsize=4)
def _question_bank_cached(plan: Plan, directory: str) -> tuple[tuple[Question, ...], tuple[Problem, ...]]:
    def build():
        banks, problems = load_banks(directory, plan)
        return _serving(tuple(generate_questions(plan)) + tuple(q for b in banks for q in b.questions),
                        tuple(problems), directory)

    plan_key = plan.source_key
    if not plan_key:  # a plan built in memory (tests): nothing on disk names it
        return build()
    folder = Path(directory)
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts] if folder.is_dir() else []
    return cached("questions", fingerprint(files, plan_key, directory), build, slot=f"{plan.key}\0{directory}")


def question_bank(plan: Plan, directory: Path | str | None = None) -> tuple[tuple[Question, ...], tuple[Problem, ...]]:
    """Generated plus authored questions, less retired ones (cached per plan and folder), and the problems
    of refused banks and of the retired list."""
    return _question_bank_cached(plan, str(Path(directory or DEFAULT_QUIZ_DIR).resolve()))


def _serving(questions: tuple[Question, ...], problems: tuple[Problem, ...], directory: str):
    """The bank as served: every question but those in the folder's retired list (quizzes/retired.yaml)."""
    kept, retired_problems = without_retired(questions, directory)
    return kept, problems + tuple(retired_problems)


def refresh_question_bank() -> None:
    """Forget this process's banks, so the next `question_bank` reads the files (after a retirement)."""
    _question_bank_cached.cache_clear()
