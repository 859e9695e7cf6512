"""Retired questions (quizzes/retired.yaml): questions no page, session or export serves any more.

A question is retired when the people who know the plan find it wrong or misleading, usually after
participants reported it. The list is data like the banks: YAML with a JSON Schema beside the banks'
(quizzes/schema/retired.schema.json), reviewed and committed in git, checked with file and line
(`toolkit validate quizzes/`). The whole bank (`banks.question_bank`) leaves every listed question
out; a workshop session or an attempt made before the retirement skips it (toolkit.quiz.workshop,
toolkit.quiz.attempt).

The toolkit writes the file itself (the trainer page, `toolkit questions retire`): each time whole,
in one fixed layout, after checking the result, and atomically. Removing an entry by hand brings the
question back.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Collection, Iterable, Sequence

from toolkit.datafile import (
    DataError,
    Problem,
    check_schema,
    display_name,
    load_schema,
    non_nfc_strings,
    read_yaml,
    write_atomic,
)
from toolkit.paths import DEFAULT_QUIZ_DIR, REPO_ROOT, var_dir
from toolkit.quiz.questions import Question
from toolkit.storage.records import clean_text
from toolkit.vietnamese import squash

RETIRED_FILE = "retired.yaml"
RETIRED_SCHEMA = DEFAULT_QUIZ_DIR / "schema" / "retired.schema.json"
MAX_REASON = 500
log = logging.getLogger(__name__)

HEADER = """\
# yaml-language-server: $schema=schema/retired.schema.json
# Câu hỏi ngừng sử dụng: không trang, phiên tập huấn hay tệp xuất nào còn dùng các câu này.
# Thêm từ trang báo cáo viên (“Câu hỏi bị báo lỗi” → “Ngừng dùng câu hỏi”) hoặc bằng lệnh
#   toolkit questions retire MÃ_CÂU_HỎI --reason "…"
# rồi xem lại và commit tệp này trong git như các ngân hàng câu hỏi. Bộ công cụ ghi lại cả tệp theo
# một khuôn cố định (chú thích khác ngoài mấy dòng này không được giữ). Xóa một mục để dùng lại câu đó.
"""


@dataclass(frozen=True)
class Retirement:
    """One retired question: which, why, since when and on whose decision."""

    id: str
    reason: str
    retired_on: date | None  # None only for an entry whose date is not a real date (a problem is reported)
    by: str
    line: int | None = field(default=None, compare=False)  # where the entry starts, for messages


def retired_path(directory: Path | str | None = None) -> Path:
    return Path(directory or DEFAULT_QUIZ_DIR) / RETIRED_FILE


def retired_name(directory: Path | str | None = None) -> str:
    """The list's path as people name it: relative to the checkout (quizzes/retired.yaml) when inside it."""
    path = retired_path(directory).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return display_name(path)


def read_retired(path: Path | str, known_ids: Collection[str] | None = None
                 ) -> tuple[tuple[Retirement, ...], list[Problem]]:
    """The entries of a retired list and every problem in it, each with file and line.

    Every entry that names a question is returned, even one with problems elsewhere (a blank reason,
    a date that does not exist): a slip in one field must not bring a retired question back. With
    `known_ids`, an id that is not a question of the bank is a problem too. A missing file is an
    empty list.
    """
    path = Path(path)
    if not path.exists():
        return (), []
    try:
        doc = read_yaml(path)
    except DataError as exc:
        return (), list(exc.problems)
    problems = check_schema(doc, load_schema(RETIRED_SCHEMA)) + non_nfc_strings(doc)
    listed = doc.data.get("retired") if isinstance(doc.data, dict) else None
    entries, seen = [], {}
    for i, item in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue  # the schema check has said what is wrong with it
        at, qid = ("retired", i), item["id"]
        if qid in seen:
            problems.append(doc.problem(at + ("id",), f"Câu hỏi '{qid}' đã có trong danh sách ngừng dùng "
                                                      f"(dòng {seen[qid]})."))
        seen.setdefault(qid, doc.line(at + ("id",)))
        if known_ids is not None and qid not in known_ids:
            problems.append(doc.problem(at + ("id",), f"Không có câu hỏi '{qid}' trong ngân hàng câu hỏi (sinh từ "
                                                      "Kế hoạch hoặc soạn tay); kiểm tra lại mã."))
        for key in ("reason", "by"):
            value = item.get(key)
            if isinstance(value, str) and value and _bad_text(value):
                problems.append(doc.problem(at + (key,), f"Câu hỏi '{qid}': {_bad_text(value)}"))
        retired_on = _date(item.get("retired_on"))
        if isinstance(item.get("retired_on"), str) and retired_on is None and _looks_like_date(item["retired_on"]):
            problems.append(doc.problem(at + ("retired_on",), f"Câu hỏi '{qid}': ngày '{item['retired_on']}' không "
                                                              "có thật (ghi NĂM-THÁNG-NGÀY, ví dụ 2025-07-01)."))
        entries.append(Retirement(qid, item.get("reason") if isinstance(item.get("reason"), str) else "",
                                  retired_on, item.get("by") if isinstance(item.get("by"), str) else "",
                                  doc.line(at)))
    return tuple(entries), sorted(set(problems), key=lambda p: (p.line or 0, p.message))


def without_retired(questions: Sequence[Question], directory: Path | str | None = None
                    ) -> tuple[tuple[Question, ...], list[Problem]]:
    """The questions that are not retired, and the problems of the retired list in `directory`.

    `questions` is the whole bank, so an id the list names that is not one of them is reported.
    """
    entries, problems = read_retired(retired_path(directory), {q.id for q in questions})
    gone = {e.id for e in entries}
    return tuple(q for q in questions if q.id not in gone), problems


_IDS_SEEN: dict[Path, tuple[tuple[int, int, int], frozenset[str]]] = {}


def retired_ids(directory: Path | str | None = None) -> frozenset[str]:
    """The ids the retired list names now, read again only when the file changes (one stat per call).

    For pages already open when a question is retired elsewhere: a new quiz, a join or a resume
    asks this, not the bank the page loaded with. A file that cannot be read keeps the ids last
    read from it (the problem itself is reported by `toolkit validate` and the bank).
    """
    path = retired_path(directory).resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        return frozenset()
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    seen = _IDS_SEEN.get(path)
    if seen and seen[0] == stamp:
        return seen[1]
    try:
        doc = read_yaml(path)
        listed = doc.data.get("retired") if isinstance(doc.data, dict) else None
        ids = frozenset(item["id"] for item in (listed if isinstance(listed, list) else [])
                        if isinstance(item, dict) and isinstance(item.get("id"), str))
    except DataError as exc:
        log.warning("không đọc được danh sách câu hỏi ngừng dùng: %s", exc)
        ids = seen[1] if seen else frozenset()
    _IDS_SEEN[path] = (stamp, ids)
    return ids


# ---------------------------------------------------------------- writing


def clean_reason(text: str | None) -> str:
    """Why a question is retired, as written to the file: NFC, single spaces, printable, 1–500 characters.

    >>> clean_reason("  Đáp án sai:   Sở Tư pháp chủ trì,\\n không phải Sở Nội vụ ")
    'Đáp án sai: Sở Tư pháp chủ trì, không phải Sở Nội vụ'
    """
    return clean_text(text, "Lý do", MAX_REASON, blank="Vui lòng ghi lý do ngừng dùng câu hỏi.")


def render_retired(entries: Iterable[Retirement]) -> str:
    """The file's text for these entries: the header, then one block per entry, oldest first."""
    entries = list(entries)
    if not entries:
        return HEADER + "schema_version: 1\nretired: []\n"
    blocks = [f"  - id: {_quoted(e.id)}\n    reason: {_quoted(e.reason)}\n"
              f"    retired_on: {_quoted(e.retired_on.isoformat() if e.retired_on else '')}\n    by: {_quoted(e.by)}\n"
              for e in entries]
    return HEADER + "schema_version: 1\nretired:\n" + "".join(blocks)


def write_retired(path: Path | str, entries: Sequence[Retirement], known_ids: Collection[str]) -> None:
    """Write the list, after checking the text about to be written exactly as a reader will check it.

    DataError, naming `path`, if it has any problem; then nothing is written.
    """
    path = Path(path)
    text = render_retired(entries)
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / RETIRED_FILE
        trial.write_text(text, encoding="utf-8")
        _, problems = read_retired(trial, known_ids)
    if problems:
        name = display_name(path)
        raise DataError([Problem(name, p.line, p.message) for p in problems])
    path.parent.mkdir(parents=True, exist_ok=True)  # a plan's first retirement makes its quizzes/ folder
    write_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def exclusive():
    """One writer of retired lists at a time, across the trainer's kernels and the command line.

    Each writer reads the list, adds to it and writes it whole; two at once would lose one entry.
    The lock file lives in the var folder, not beside the list, so git never sees it.
    """
    import fcntl

    folder = var_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "retired.yaml.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---------------------------------------------------------------- helpers


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is YAML's."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _bad_text(text: str) -> str | None:
    if any(unicodedata.category(ch)[0] == "C" and not ch.isspace() for ch in text):
        return "Có ký tự điều khiển không hợp lệ."
    if not squash(text):
        return "Không được để trống."
    return None


def _looks_like_date(text: str) -> bool:
    return len(text) == 10 and text[4] == text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdigit()


def _date(value) -> date | None:
    if not isinstance(value, str) or not _looks_like_date(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
