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
from typing import Collection, Mapping, Sequence

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


def moodle_category(*names: str) -> str:
    """A Moodle category path under the course's top category, each name kept whole.

    The first name is the plan's (toolkit.plan.naming.plan_short): the questions of two plans imported
    into one course stay apart.

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


def moodle_xml(questions: Sequence[Question], category: str) -> str:
    """Moodle XML question bank under `category` (the plan's name), one category per template or authored bank."""
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


# Moodle's GIFT reader takes text as HTML-ish "Moodle auto-format" unless a question starts [html], so "<b>"
# would be a tag and "&amp;" an "&"; and it splits a matching row at its first "->", which GIFT cannot escape.
_HTML_SPECIAL = re.compile(r"[&<>]")


# A formatted text that begins "[plain]" (or html, moodle, markdown) would lose it as a format marker; an
# answer that begins "%50%" would lose it as a weight. Both are written after an explicit marker or weight.
_FORMAT_MARKER = re.compile(r"\s*\[(?:html|moodle|plain|markdown)\]")
_WEIGHT_LIKE = re.compile(r"\s*%-*[0-9]{1,2}\.?[0-9]*%")


def _gift_html(q: Question) -> bool:
    """Does the question need [html] (its text escaped as in `moodle_xml`) to reach Moodle as written?

    Only the texts Moodle formats count: stem, choices, matching rows, feedback. Short answers and the
    answers of a matching question are plain text in Moodle, compared or listed as typed.
    """
    texts = (q.stem, q.explanation, q.source, *q.rows, *(q.options if q.type in ("single", "multiple") else ()))
    return any(_HTML_SPECIAL.search(t) or _FORMAT_MARKER.match(t) for t in texts)


def _gift_rich(text: str, marked: bool) -> str:
    """A formatted text of a GIFT question: HTML-escaped first in a question marked [html]."""
    own = "[html]" if marked and _FORMAT_MARKER.match(text) else ""
    return own + gift_escape(html.escape(text, quote=False) if marked else text)


def _weighted(text: str, weight: str) -> str:
    """An answer's text, after an explicit weight where the text itself begins like one."""
    return f"%{weight}%{text}" if _WEIGHT_LIKE.match(text) else text


def gift(questions: Sequence[Question], category: str) -> str:
    """GIFT text (Moodle's plain format), in the same categories as `moodle_xml` ($CATEGORY lines).

    A question whose text holds & < or > is marked [html] and escaped, as Moodle's own GIFT export writes
    an HTML question; the others stay plain, easy to read and edit. Matching loses its extra wrong choice:
    GIFT cannot hold one. A short answer must not contain "->": Moodle would read the question as matching (the
    bank loader refuses it). A right option of a one-answer question that begins like a weight ("%50% …") is
    left as it is: Moodle's readers differ on weights after "=".
    """
    out = []
    current = None
    for group, q in _in_categories(questions):
        if group != current:
            # Moodle reads the rest of the line as the path, unescaped: no gift_escape here.
            out.append(f"$CATEGORY: {moodle_category(category, group)}\n")
            current = group
        title = f"::{gift_escape(q.id)}::"
        marked = _gift_html(q)
        stem = "[html]" + gift_escape(html.escape(q.stem, quote=False)) if marked else gift_escape(q.stem)
        feedback = f"####{_gift_rich(q.explanation + ' Nguyên văn Kế hoạch: “' + q.source + '”', marked)}"
        if q.type == "true_false":
            body = "{" + ("T" if q.correct[0] == 0 else "F") + feedback + "}"
        elif q.type == "single":
            lines = ["=" + _gift_rich(o, marked) if i in q.correct else "~" + _weighted(_gift_rich(o, marked), "0")
                     for i, o in enumerate(q.options)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        elif q.type == "multiple":
            k = len(q.correct)
            lines = [f"~%{moodle_fraction(1 / k if i in q.correct else -1 / k)}%{_gift_rich(o, marked)}"
                     for i, o in enumerate(q.options)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        elif q.type == "matching":
            lines = [f"={_gift_rich(row, marked)} -> {gift_escape(q.options[c])}" for row, c in zip(q.rows, q.correct)]
            body = "{\n\t" + "\n\t".join(lines) + "\n\t" + feedback + "\n}"
        else:
            body = "{" + " ".join("=" + _weighted(gift_escape(a), "100") for a in q.answers) + feedback + "}"
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
                  titles: Mapping[str, str] | None = None, *, pseudonyms: Mapping[int, str] | None = None,
                  pseudonym_label: str = "Bài làm (số thứ tự)", hide: Collection[str] = ()):
    """Stored answers, one row each, in words: unit, topic and mode by name, the answer as the options read.

    `titles` names the authored banks a topic may be; by default, the titles the questions carry.
    With `pseudonyms` (attempt id → "BL-001"), the table is pseudonymised: that number, under
    `pseudonym_label`, stands where the name and the attempt id were, and every name of `hide` and of
    the rows themselves is taken out of the answers people typed (`toolkit.exports.without_names`).
    """
    import pandas as pd

    from toolkit.exports import without_names

    titles = titles_by_bank(tuple(questions.values())) if titles is None else titles
    hidden = () if pseudonyms is None else sorted({*hide, *(r.name for r in rows)}, key=len, reverse=True)
    out = []
    for r in rows:
        q = questions.get(r.question_id)
        answer = json.loads(r.answer)
        said = q.describe(answer) if q else json.dumps(answer)
        out.append(dict(zip(RESULT_COLUMNS, (
            r.name, unit_label(plan, r.unit_key), r.attempt_id, topic_label(plan, r.topic, titles),
            MODES.get(r.mode, r.mode), r.session_code or "", sheet_time(r.started_at), sheet_time(r.finished_at),
            r.position + 1, r.question_id, q.stem if q else "", without_names(said, hidden),
            r.points, r.max_points, sheet_time(r.answered_at)))))
    table = pd.DataFrame(out, columns=list(RESULT_COLUMNS))
    if pseudonyms is None:
        return table
    table.insert(0, pseudonym_label, [pseudonyms[r.attempt_id] for r in rows])
    return table.drop(columns=["Họ và tên", "Mã bài làm"])


# `toolkit export results --an-danh`: one number per attempt, in the order the attempts were made.
ATTEMPT_PREFIX = "BL"
ATTEMPT_NUMBER = "Bài làm (số thứ tự)"


def results_notice(names: bool) -> str:
    """What a results file says first about the names in it."""
    from toolkit.exports import named_notice, pseudonymised_notice

    if names:
        return named_notice("người làm bài", "cột “Họ và tên”", "lưu hồ sơ tập huấn và kết quả làm bài",
                            "Cần gửi cho người khác thì xuất bản ẩn danh (toolkit export results --an-danh).")
    return pseudonymised_notice(
        "người làm bài", f"mỗi bài làm mang một số thứ tự ({ATTEMPT_PREFIX}-001, {ATTEMPT_PREFIX}-002…) theo thứ "
        "tự làm bài, chỉ có nghĩa trong tệp này; họ tên có trong câu trả lời tự nhập được thay bằng “[họ tên]”",
        "Đơn vị, phiên và thời gian làm bài vẫn giữ, nên ở đơn vị ít người vẫn có thể đoán ra ai: vẫn giữ tệp "
        "cẩn thận.")


def results_file(plan: Plan, rows: list[AnswerRow], questions: Mapping[str, Question], fmt: str, *,
                 names: bool = True) -> bytes:
    """Every stored answer as xlsx or CSV, saying first whether it holds names (`toolkit export results`).

    xlsx: a first sheet "Thông tin" (its first row the notice, then what the file holds), then "Kết quả".
    CSV: the first column "Dữ liệu cá nhân" (`toolkit.exports.with_notice_column`). With `names=False`,
    pseudonymised: attempts numbered BL-001… in order, names out of typed answers, units kept.
    """
    import io

    import pandas as pd

    from toolkit import exports

    rows = sorted(rows, key=lambda r: (r.attempt_id, r.position))
    numbers = None if names else exports.numbering([r.attempt_id for r in rows], ATTEMPT_PREFIX)
    table = results_table(plan, rows, questions, pseudonyms=numbers, pseudonym_label=ATTEMPT_NUMBER)
    if fmt == "csv":
        return exports.csv_bytes(exports.with_notice_column(table, names))
    if fmt != "xlsx":
        raise ValueError(f"Định dạng không hỗ trợ: {fmt}")
    info = pd.DataFrame([exports.notice_row(results_notice(names)),
                         ("Nội dung", "Mọi câu trả lời đã lưu, mỗi dòng một câu"),
                         ("Số bài làm", len({r.attempt_id for r in rows})), ("Số câu trả lời", len(rows))],
                        columns=list(exports.NOTICE_COLUMNS)).astype({"Giá trị": str})
    buf = io.BytesIO()
    with exports.excel_writer(buf) as writer:
        for name, df in (("Thông tin", info), ("Kết quả", table)):
            df.to_excel(writer, index=False, sheet_name=name)
            exports.fit_columns(writer.sheets[name], df)
    return buf.getvalue()


def sheet_time(value: datetime | None) -> str:
    """Stored times are UTC; people read them in Việt Nam time."""
    return local_time(value, "%Y-%m-%d %H:%M:%S")
