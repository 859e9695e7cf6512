"""The question bank and quiz results in exchange formats: JSON, Moodle XML, GIFT, xlsx/CSV.

Moodle XML and GIFT are what Moodle's question bank imports, so a trainer can reuse the plan's
questions in a Moodle course. Option order is the bank's; Moodle shuffles on its side.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Mapping, Sequence

from toolkit.plan.model import Plan
from toolkit.quiz.assembly import Topic, titles_by_bank
from toolkit.quiz.attempt import MODES
from toolkit.quiz.questions import Question
from toolkit.storage.records import AnswerRow
from toolkit.vietnamese import local_time

# Moodle accepts only these grade fractions (percent) for an answer.
MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                    14.28571, 12.5, 11.11111, 10, 5, 0)


def question_dict(q: Question) -> dict:
    return {"id": q.id, "type": q.type, "template": q.template, "bank": q.bank,
            "bank_title": q.bank_title, "task_ids": list(q.task_ids),
            "section": q.section, "stem": q.stem, "rows": list(q.rows), "options": list(q.options),
            "correct": list(q.correct), "answers": list(q.answers), "explanation": q.explanation,
            "source": q.source}


def questions_json(questions: Sequence[Question]) -> str:
    return json.dumps({"format_version": 1, "questions": [question_dict(q) for q in questions]},
                      ensure_ascii=False, indent=2) + "\n"


def moodle_fraction(share: float) -> str:
    """The closest fraction Moodle accepts, as it writes them (e.g. 33.33333)."""
    sign = -1 if share < 0 else 1
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(f - abs(share) * 100))
    return ("-" if sign < 0 and best else "") + str(best)


def _text(parent, tag, value, fmt="html"):
    el = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(el, "text").text = value
    return el


def _feedback(q: Question) -> str:
    return f"<p>{html.escape(q.explanation)}</p><p><em>Nguyên văn Kế hoạch:</em> “{html.escape(q.source)}”</p>"


TOP_CATEGORY = "Kế hoạch 241/KH-UBND"


def moodle_category(*names: str) -> str:
    """A Moodle category path under the course's top category, each name kept whole.

    Moodle splits a path at "/" and reads "//" as a "/" inside a name (qformat_default::split_category_path),
    so "Kế hoạch 241/KH-UBND" must be written "Kế hoạch 241//KH-UBND" or it becomes two nested categories.

    >>> moodle_category("Kế hoạch 241/KH-UBND", "Phần I — Mục đích, yêu cầu")
    '$course$/top/Kế hoạch 241//KH-UBND/Phần I — Mục đích, yêu cầu'
    """
    return "/".join(["$course$", "top"] + [n.replace("/", "//").strip() for n in names])


def _in_categories(questions: Sequence[Question]):
    """(category name, question) as Moodle gets them: one category per template, one per authored bank,
    named by the bank's title (the name a trainer sees in Moodle's question bank)."""
    for q in sorted(questions, key=lambda q: (q.template or q.bank or "", q.id)):
        yield q.template or q.bank_title or q.bank or "khac", q


def moodle_xml(questions: Sequence[Question], category: str = TOP_CATEGORY) -> str:
    """Moodle XML question bank, one category per template or authored bank."""
    quiz = ET.Element("quiz")
    current = None
    for group, q in _in_categories(questions):
        if group != current:
            cat = ET.SubElement(quiz, "question", {"type": "category"})
            _text(cat, "category", moodle_category(category, group), fmt=None)
            current = group
        qtype = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
                 "matching": "matching", "text": "shortanswer"}[q.type]
        el = ET.SubElement(quiz, "question", {"type": qtype})
        _text(el, "name", q.id, fmt=None)
        _text(el, "questiontext", f"<p>{html.escape(q.stem)}</p>")
        _text(el, "generalfeedback", _feedback(q))
        ET.SubElement(el, "defaultgrade").text = "1"
        ET.SubElement(el, "penalty").text = "0"
        ET.SubElement(el, "hidden").text = "0"
        ET.SubElement(el, "idnumber").text = q.id
        if q.type in ("single", "multiple"):
            ET.SubElement(el, "single").text = "true" if q.type == "single" else "false"
            ET.SubElement(el, "shuffleanswers").text = "true"
            ET.SubElement(el, "answernumbering").text = "abc"
            k = len(q.correct)
            for i, option in enumerate(q.options):
                share = (1 / k if i in q.correct else (-1 / k if q.type == "multiple" else 0))
                ans = _text(el, "answer", html.escape(option))
                ans.set("fraction", moodle_fraction(share))
                _text(ans, "feedback", "")
        elif q.type == "true_false":
            truth = q.correct[0] == 0
            for word, right in (("true", truth), ("false", not truth)):
                ans = _text(el, "answer", word, fmt="moodle_auto_format")
                ans.set("fraction", "100" if right else "0")
                _text(ans, "feedback", "")
        elif q.type == "matching":
            ET.SubElement(el, "shuffleanswers").text = "true"
            used = set(q.correct)
            for row, c in zip(q.rows, q.correct):
                sub = _text(el, "subquestion", html.escape(row))
                ET.SubElement(ET.SubElement(sub, "answer"), "text").text = q.options[c]
            for i, option in enumerate(q.options):
                if i not in used:  # an extra wrong choice is a subquestion with no text
                    sub = _text(el, "subquestion", "")
                    ET.SubElement(ET.SubElement(sub, "answer"), "text").text = option
        elif q.type == "text":
            ET.SubElement(el, "usecase").text = "0"
            for a in q.answers:
                ans = _text(el, "answer", a, fmt="moodle_auto_format")
                ans.set("fraction", "100")
                _text(ans, "feedback", "")
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


_GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def gift_escape(text: str) -> str:
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def gift(questions: Sequence[Question], category: str = TOP_CATEGORY) -> str:
    """GIFT text (Moodle's plain format), in the same categories as `moodle_xml` ($CATEGORY lines).

    Matching loses its extra wrong choice: GIFT cannot hold one.
    """
    out = []
    current = None
    for group, q in _in_categories(questions):
        if group != current:
            # Moodle reads the rest of the line as the path, unescaped: no gift_escape here.
            out.append(f"$CATEGORY: {moodle_category(category, group)}\n")
            current = group
        title = f"::{gift_escape(q.id)}::"
        stem = gift_escape(q.stem)
        feedback = f"####{gift_escape(q.explanation + ' Nguyên văn Kế hoạch: “' + q.source + '”')}"
        if q.type == "true_false":
            body = "{" + ("T" if q.correct[0] == 0 else "F") + feedback + "}"
        elif q.type == "single":
            lines = [("=" if i in q.correct else "~") + gift_escape(o) for i, o in enumerate(q.options)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        elif q.type == "multiple":
            k = len(q.correct)
            lines = [f"~%{moodle_fraction(1 / k if i in q.correct else -1 / k)}%{gift_escape(o)}"
                     for i, o in enumerate(q.options)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        elif q.type == "matching":
            lines = [f"={gift_escape(row)} -> {gift_escape(q.options[c])}" for row, c in zip(q.rows, q.correct)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        else:
            body = "{" + " ".join("=" + gift_escape(a) for a in q.answers) + feedback + "}"
        out.append(f"// {group}\n{title}{stem} {body}\n")
    return "\n".join(out)


def questions_table(questions: Sequence[Question]):
    import pandas as pd

    rows = [{"Mã câu hỏi": q.id, "Loại": q.type, "Mẫu": q.template or "", "Ngân hàng": q.bank_title or "",
             "Nhiệm vụ": ", ".join(q.task_ids), "Mục": q.section or "", "Câu hỏi": q.stem,
             "Dòng ghép": "\n".join(q.rows),
             "Phương án": "\n".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(q.options)),
             "Đáp án": q.correct_text, "Giải thích": q.explanation, "Nguyên văn": q.source} for q in questions]
    return pd.DataFrame(rows)


# The unit key of "Đơn vị khác (không có trong danh sách)" on the sign-in form (toolkit.ui.answering).
OTHER_UNIT = "khac"
OTHER_UNIT_NAME = "Đơn vị khác (không có trong danh sách)"

RESULT_COLUMNS = ("Họ và tên", "Đơn vị", "Mã bài làm", "Chủ đề", "Chế độ", "Phiên", "Bắt đầu", "Nộp bài", "Câu số",
                  "Mã câu hỏi", "Câu hỏi", "Trả lời", "Điểm", "Điểm tối đa", "Trả lời lúc")


def unit_label(plan: Plan, key: str) -> str:
    """A participant's unit by name; "khac" is the form's "other unit", any other unknown key is shown as stored."""
    unit = plan.units.get(key)
    return unit.name if unit else OTHER_UNIT_NAME if key == OTHER_UNIT else key


def topic_label(plan: Plan, topic: str, bank_titles: Mapping[str, str] | None = None) -> str:
    """A stored topic ("all", "section:II.6", "bank:…") in words: the banks' titles where known."""
    return Topic.parse(topic).label(plan, bank_titles)


def results_table(plan: Plan, rows: list[AnswerRow], questions: Mapping[str, Question],
                  titles: Mapping[str, str] | None = None):
    """Stored answers, one row each, in words: unit, topic and mode by name, the answer as the options read.

    `titles` names the authored banks a topic may be; by default, the titles the questions carry.
    """
    import pandas as pd

    titles = titles_by_bank(tuple(questions.values())) if titles is None else titles
    out = []
    for r in rows:
        q = questions.get(r.question_id)
        answer = json.loads(r.answer)
        out.append(dict(zip(RESULT_COLUMNS, (
            r.name, unit_label(plan, r.unit_key), r.attempt_id, topic_label(plan, r.topic, titles),
            MODES.get(r.mode, r.mode), r.session_code or "", sheet_time(r.started_at), sheet_time(r.finished_at),
            r.position + 1, r.question_id, q.stem if q else "", q.describe(answer) if q else json.dumps(answer),
            r.points, r.max_points, sheet_time(r.answered_at)))))
    return pd.DataFrame(out, columns=list(RESULT_COLUMNS))


def sheet_time(value: datetime | None) -> str:
    """Stored times are UTC; people read them in Việt Nam time."""
    return local_time(value, "%Y-%m-%d %H:%M:%S")
