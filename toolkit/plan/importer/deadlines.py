"""Deadlines as a plan writes them: a line of their own ("Thời gian thực hiện: Hàng năm.") or inline words.

The text kept is the plan's own words, and it is read with toolkit.plan.model.parse_deadline, the same
function the validator checks it with, so a draft's deadline always agrees with its text. Where the words
say more than parse_deadline reads ("Trong năm 2026"), the shortest part of them it reads the same way is
kept ("năm 2026"); where it reads nothing ("Quý 2/2026", "trước ngày 30/6"), the deadline is left "none"
and the reviewer is told the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.plan.model import Deadline, parse_deadline
from toolkit.vietnamese import fold

LABEL = re.compile(r"(thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: thuc hien| hoan thanh)?)\s*:\s*")

# Inline words, strongest first: (pattern on folded text, what it reads as).
INLINE = (
    (re.compile(r"(?:sau )?khi (?:\S+ ){0,6}?(?:duoc )?trung uong ban hanh"), "after_central"),
    (re.compile(r"(?:hoan thanh )?(?:trong |truoc |den het )?quy [ivx]+ nam \d{4}"), "once_by"),
    (re.compile(r"(?<=trong )nam \d{4}|(?<=truoc )nam \d{4}|(?<=den )nam \d{4}|(?<=hoan thanh )nam \d{4}"), "year"),
    (re.compile(r"(?:dinh ky )?h[aă]ng nam"), "annual"),
    (re.compile(r"dinh ky|thuong xuyen"), "ongoing"),
)


@dataclass(frozen=True)
class Found:
    """A deadline read from the text: what it means, the words kept and where they are."""

    deadline: Deadline
    start: int
    end: int
    written: str  # the words as the plan writes them (more than `deadline.text` when only part is read)
    inline: bool = False

    @property
    def understood(self) -> bool:
        return self.deadline.kind != "none"


def labelled(text: str, offset: int = 0) -> Found | None:
    """The deadline of a line "Thời gian thực hiện: …" (None for any other line)."""
    m = LABEL.match(fold(text[:60]))
    if not m:
        return None
    value = text[m.end():].rstrip()
    value = re.sub(r"[.;,]+$", "", value).strip()
    start = offset + m.end()
    return _read(value, start, start + len(value))


def inline(text: str, offset: int = 0) -> Found | None:
    """Deadline words inside a duty ("… khi Đề án được Trung ương ban hành", "Định kỳ hàng năm")."""
    folded = fold(text)
    if len(folded) != len(text):  # fold keeps one character per character of NFC Vietnamese; if not, give up
        return None
    for rx, _ in INLINE:
        m = rx.search(folded)
        if m:
            found = _read(text[m.start():m.end()], offset + m.start(), offset + m.end())
            return Found(found.deadline, found.start, found.end, found.written, inline=True)
    return None


def _read(value: str, start: int, end: int) -> Found:
    if not value:
        return Found(Deadline("none"), start, end, value)
    try:
        return Found(parse_deadline(value), start, end, value)
    except ValueError:
        pass
    # "Trong năm 2026", "Hoàn thành năm 2026": the part parse_deadline reads ("năm 2026").
    m = re.search(r"năm \d{4}$", value, re.IGNORECASE)
    if m and fold(value[:m.start()]).strip() in ("trong", "truoc", "den", "hoan thanh", "hoan thanh trong"):
        part = value[m.start():]
        return Found(parse_deadline(part), start + m.start(), end, value)
    return Found(Deadline("none"), start, end, value)
