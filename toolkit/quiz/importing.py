"""Question banks trainers already have, in Moodle XML or GIFT, read into an authored bank (quizzes/*.yaml).

Single-choice, multiple-choice, true/false, matching and short-answer questions are kept; any other kind
(essay, numerical, cloze, description, calculated, drag-and-drop, random …) is left out and named with its
file and line. The bank gets a title (the Moodle category, or the file's name) and the general feedback as
each question's explanation. It gets no plan citations: every question is written `uncited: true`, which
the loader (toolkit.quiz.banks) reads as "checked for shape, never served" until an author adds 'section',
'source' and 'explanation' and removes the mark.

Every problem is a `Finding` in Vietnamese with file and line ("tệp X, dòng N: …"). One error and nothing
is written: the bank is built in a temporary file, loaded back with the real loader, and only then
renamed into place.

Moodle XML is read with the standard library's expat, refusing entity declarations and external entities
(the attacks defusedxml guards against), so a file cannot make the parser expand or fetch anything.
GIFT follows Moodle's own reader (question/format/gift/format.php): questions split by blank lines,
`//` comment lines, `::name::`, `[format]`, `{…}` answers, `####` general feedback and the escapes
\\~ \\= \\# \\{ \\} \\: \\n \\\\.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat

from toolkit.datafile import DataError, display_name, read_yaml, write_atomic
from toolkit.plan.model import Plan
from toolkit.quiz.banks import load_bank, load_banks, repeats
from toolkit.quiz.checks import AUTHORED_CHECKS, split_ids_cited, unsupported_chu_tri
from toolkit.quiz.questions import TRUE_FALSE
from toolkit.quiz.retired import RETIRED_FILE
from toolkit.vietnamese import fold, number, squash

ERROR, SKIPPED, NOTE = "error", "skipped", "note"
MOODLE_XML, GIFT = "Moodle XML", "GIFT"
BANK_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FULL = 0.999999  # Moodle stores a full-credit fraction as 1.0000000; anything from here up is full credit
WHAT_WE_KEEP = "chỉ nhập câu chọn một, chọn nhiều, đúng/sai, ghép và trả lời ngắn"
MEDIA_NOTE = "có hình ảnh hoặc tệp đính kèm; chỉ phần chữ được nhập, hãy kiểm tra câu còn đủ nghĩa."

# Moodle's question types this toolkit has no counterpart for, in words (Moodle's own name after).
UNSUPPORTED = {
    "essay": "tự luận (essay)", "numerical": "trả lời bằng số (numerical)",
    "cloze": "điền khuyết nhiều chỗ (cloze)", "multianswer": "điền khuyết nhiều chỗ (cloze)",
    "description": "đoạn mô tả, không phải câu hỏi (description)", "calculated": "tính toán (calculated)",
    "calculatedsimple": "tính toán đơn giản (calculatedsimple)",
    "calculatedmulti": "chọn đáp án tính toán (calculatedmulti)", "ddwtos": "kéo thả vào văn bản (ddwtos)",
    "gapselect": "chọn từ điền vào chỗ trống (gapselect)", "ddimageortext": "kéo thả vào ảnh (ddimageortext)",
    "ddmarker": "kéo thả điểm đánh dấu (ddmarker)", "random": "câu ngẫu nhiên (random)",
    "randomsamatch": "ghép câu trả lời ngắn ngẫu nhiên (randomsamatch)", "ordering": "sắp xếp thứ tự (ordering)",
}


# ---------------------------------------------------------------- what is found


@dataclass(frozen=True)
class Finding:
    """One thing to tell the trainer: an ERROR (nothing is written), a SKIPPED item, or a NOTE."""

    file: str
    line: int | None
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        where = f"tệp {self.file}, dòng {self.line}" if self.line else f"tệp {self.file}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ReadQuestion:
    """One question as read from the file, in this toolkit's terms (Question's fields, with where it was)."""

    line: int
    name: str
    type: str
    stem: str
    options: tuple[str, ...] = ()
    correct: tuple[int, ...] = ()
    rows: tuple[str, ...] = ()  # matching: correct[i] is the option of row i; other options are extra choices
    answers: tuple[str, ...] = ()
    explanation: str = ""
    category: tuple[str, ...] = ()  # the Moodle category path it sits in, top first
    category_line: int | None = None
    idnumber: str = ""


@dataclass(frozen=True)
class ReadResult:
    file: str
    format: str
    questions: tuple[ReadQuestion, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == ERROR)


@dataclass(frozen=True)
class ImportOutcome:
    """What `import_questions` did: its findings, and the file written (None when an error stopped it)."""

    source: str
    format: str | None
    findings: tuple[Finding, ...]
    written: Path | None = None
    title: str | None = None
    questions: tuple[ReadQuestion, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == ERROR)

    @property
    def skipped(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == SKIPPED)


# ---------------------------------------------------------------- text


def clean(text: str) -> str:
    """Text as a bank keeps it: no control or invisible format characters, NFC, single spaces.

    >>> clean("Quy\u0301 \u200bđi\u0323nh\\n  mới")
    'Quý định mới'
    """
    kept = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or (unicodedata.category(ch) not in ("Cc", "Cf", "Cs") and ch not in "\ufffe\uffff"))
    return squash(unicodedata.normalize("NFC", kept))


class _PlainText(HTMLParser):
    """HTML to its words: tags dropped, entities decoded, blocks and line breaks read as spaces."""

    BREAKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
                       "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split())
    HIDDEN = frozenset(("script", "style", "template", "head"))
    MEDIA = frozenset(("img", "video", "audio", "object", "embed", "iframe", "svg", "math"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.media = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag in self.MEDIA:
            self.media += 1
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, int]:
    """The words of an HTML fragment, and how many images (or other media) it held, which are not kept.

    >>> html_to_text('<p>Luật <b>PBGDPL</b>&nbsp;năm 2012</p><script>alert(1)</script><img src="a.png">')
    ('Luật PBGDPL năm 2012', 1)
    """
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return clean("".join(parser.parts)), parser.media


def _to_text(raw: str, fmt: str) -> tuple[str, int]:
    """Moodle text in its format: HTML and Moodle's auto-format are markup, plain and Markdown are words."""
    if fmt in ("plain_text", "plain", "markdown"):
        return clean(raw), 0
    return html_to_text(raw)


def category_names(path: str) -> tuple[str, ...]:
    """A Moodle category path as names, without "$course$" and "top"; "//" is a "/" inside a name.

    >>> category_names("$course$/top/Kế hoạch 241//KH-UBND/Phần I")
    ('Kế hoạch 241/KH-UBND', 'Phần I')
    """
    names = [clean(p.replace("//", "/")) for p in re.split(r"(?<!/)/(?!/)", path)]
    names = [n for n in names if n]
    if names and names[0].startswith("$") and names[0].endswith("$"):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return tuple(names)


def _label(name: str, stem: str) -> str:
    text = name or stem
    return f"câu “{text if len(text) <= 60 else text[:59] + '…'}”" if text else "câu"


def _percent(weight: float) -> str:
    return f"{number(weight * 100, 5)}%"


# ---------------------------------------------------------------- one question, whatever the format


@dataclass
class _Question:
    """A question being read: where it is, what it says so far, and the findings about it."""

    file: str
    line: int
    name: str
    stem: str
    explanation: str
    category: tuple[str, ...]
    category_line: int | None
    findings: list[Finding]
    idnumber: str = ""
    failed: bool = field(default=False)

    @property
    def label(self) -> str:
        return _label(self.name, self.stem)

    def error(self, message: str, line: int | None = None) -> None:
        self.failed = True
        self.findings.append(Finding(self.file, line or self.line, f"{self.label}: {message}"))

    def note(self, message: str, line: int | None = None) -> None:
        self.findings.append(Finding(self.file, line or self.line, f"{self.label}: {message}", NOTE))

    def skip(self, message: str) -> None:
        self.failed = True
        self.findings.append(Finding(self.file, self.line, f"bỏ qua {self.label}: {message}", SKIPPED))

    def done(self, **fields) -> ReadQuestion | None:
        if not self.stem:
            self.error("không có nội dung câu hỏi.")
        if self.failed:
            return None
        return ReadQuestion(self.line, self.name, stem=self.stem, explanation=self.explanation,
                            category=self.category, category_line=self.category_line, idnumber=self.idnumber,
                            **fields)

    def distinct(self, texts: list[tuple[str, int]], what: str) -> None:
        """Two options (or rows) equal but for case and marks are one to a participant: the loader refuses them."""
        for i, first in repeats([t for t, _ in texts]):
            self.error(f"{what} “{texts[i][0]}” trùng với “{first}” (không kể dấu, hoa thường).", texts[i][1])

    def choice(self, single: bool, answers: list[tuple[str, float, int]]) -> ReadQuestion | None:
        """Multiple choice, one answer or several, from (text, weight 0..1, line) per option."""
        for k, (text, _, line) in enumerate(answers, 1):
            if not text:
                self.error(f"phương án thứ {k} trống.", line)
        if len(answers) < 2:
            self.error(f"cần ít nhất 2 phương án, đang có {len(answers)}.")
        self.distinct([(t, ln) for t, _, ln in answers if t], "phương án")
        options = tuple(t for t, _, _ in answers)
        if single:
            full = [i for i, (_, w, _) in enumerate(answers) if w >= FULL]
            if not full:
                self.error("không có phương án nào được 100% điểm (đáp án đúng).")
            elif len(full) > 1:
                self.skip(f"có {len(full)} phương án cùng được 100% điểm; câu chọn một ở đây có đúng một đáp án.")
            for t, w, line in answers:
                if 0 < w < FULL:
                    self.note(f"phương án “{t}” được {_percent(w)} điểm trong Moodle; ở đây được tính là sai.", line)
            return self.done(type="single", options=options, correct=tuple(full[:1]))
        right = [i for i, (_, w, _) in enumerate(answers) if w > 0]
        if not right:
            self.error("câu nhiều đáp án không có phương án nào được điểm dương (đáp án đúng).")
        elif len({round(answers[i][1], 4) for i in right}) > 1:
            self.note("các đáp án đúng có điểm khác nhau trong Moodle; ở đây mỗi đáp án đúng được điểm như nhau.")
        return self.done(type="multiple", options=options, correct=tuple(right))

    def true_false(self, truth: bool) -> ReadQuestion | None:
        return self.done(type="true_false", options=TRUE_FALSE, correct=(0 if truth else 1,))

    def short_answer(self, answers: list[tuple[str, float, int]], case_sensitive: bool = False) -> ReadQuestion | None:
        accepted = []
        for k, (text, w, line) in enumerate(answers, 1):
            if not text:
                self.error(f"đáp án thứ {k} trống.", line)
            elif w >= FULL:
                accepted.append(text)
                if "*" in text:
                    self.note(f"đáp án “{text}” có dấu * (ký tự đại diện trong Moodle); ở đây * chỉ là một ký tự.", line)
            elif w > 0:
                self.note(f"đáp án “{text}” được {_percent(w)} điểm trong Moodle; ở đây không được chấp nhận.", line)
        if not accepted:
            self.error("không có đáp án nào được 100% điểm.")
        if case_sensitive:
            self.note("Moodle phân biệt chữ hoa, chữ thường ở câu này; ở đây không phân biệt (cũng không kể dấu).")
        return self.done(type="text", answers=tuple(dict.fromkeys(accepted)))

    def matching(self, pairs: list[tuple[str, str, int]]) -> ReadQuestion | None:
        """Matching from (row, answer, line); a row with no text is an extra wrong choice, as in Moodle."""
        rows = [(r, a, ln) for r, a, ln in pairs if r]
        for r, a, line in pairs:
            if not a:
                self.error(f"dòng ghép “{r}” không có phương án ghép." if r else "phương án ghép thêm trống.", line)
        if len(rows) < 2:
            self.error(f"câu ghép cần ít nhất 2 dòng, đang có {len(rows)}.")
        self.distinct([(r, ln) for r, _, ln in rows], "dòng ghép")
        options = list(dict.fromkeys(a for r, a, _ in pairs if a))  # the same choice twice is one choice in Moodle
        first_line = {a: ln for _, a, ln in reversed(pairs)}
        self.distinct([(o, first_line[o]) for o in options], "phương án ghép")
        return self.done(type="matching", rows=tuple(r for r, _, _ in rows), options=tuple(options),
                         correct=tuple(options.index(a) if a in options else 0 for _, a, _ in rows))


# ---------------------------------------------------------------- Moodle XML


@dataclass
class _Node:
    tag: str
    attrs: dict
    line: int
    children: list["_Node"] = field(default_factory=list)
    parts: list["str | _Node"] = field(default_factory=list)  # its text and its children, in document order

    @property
    def text(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def words(self) -> str:
        """Its text and that of everything inside: HTML written into <text> without CDATA parses as elements."""
        return "".join(p if isinstance(p, str) else p.words for p in self.parts)

    def child(self, tag: str) -> "_Node | None":
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list["_Node"]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        """The text of <tag><text>…</text></tag>, or of <tag>…</tag> where there is no <text> inside."""
        node = self.child(tag)
        if node is None:
            return default
        inner = node.child("text")
        return (inner.words if inner is not None else node.text).strip()


class _Refused(Exception):
    def __init__(self, line: int):
        self.line = line


def parse_xml(data: bytes) -> _Node:
    """Elements with their lines. Entity declarations and external entities are refused, as defusedxml does.

    Raises expat.ExpatError for malformed XML and _Refused for a declared entity.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    roots: list[_Node] = []
    stack: list[_Node] = []

    def start(tag, attrs):
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
            stack[-1].parts.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def chars(data):
        if stack:
            stack[-1].parts.append(data)

    def refuse(*_args):
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(data, True)
    return roots[0]


def read_moodle_xml(data: bytes, file: str) -> ReadResult:
    """The questions of a Moodle XML file (Moodle's "Moodle XML format" export)."""
    findings: list[Finding] = []
    try:
        root = parse_xml(data)
    except _Refused as exc:
        return ReadResult(file, MOODLE_XML, (), (Finding(file, exc.line, "tệp khai báo thực thể XML (<!ENTITY …>); "
                                                 "không đọc vì lý do an toàn. Tệp Moodle xuất ra không có khai báo này."),))
    except expat.ExpatError as exc:
        return ReadResult(file, MOODLE_XML, (), (Finding(file, exc.lineno, "XML không hợp lệ, có thể tệp bị cắt "
                                                 f"hoặc sửa tay (chi tiết: {expat.ErrorString(exc.code)})."),))
    if root.tag != "quiz":
        return ReadResult(file, MOODLE_XML, (), (Finding(file, root.line, f"phần tử gốc là <{root.tag}>, không phải "
                                                 "<quiz> của tệp câu hỏi Moodle XML."),))
    questions, category, category_line = [], (), None
    for el in root.all("question"):
        qtype = el.attrs.get("type", "")
        if qtype == "category":
            category, category_line = category_names(el.value("category")), el.line
            continue
        qfmt = (el.child("questiontext").attrs.get("format", "html") if el.child("questiontext") is not None
                else "html")
        stem, media = _to_text(el.value("questiontext"), qfmt)
        gfmt = el.child("generalfeedback").attrs.get("format", qfmt) if el.child("generalfeedback") is not None else qfmt
        explanation, more = _to_text(el.value("generalfeedback"), gfmt)
        q = _Question(file, el.line, clean(el.value("name")), stem, explanation, category, category_line, findings,
                      idnumber=clean(el.value("idnumber")))
        if qtype in UNSUPPORTED or qtype not in ("multichoice", "truefalse", "shortanswer", "matching"):
            q.skip(f"loại {UNSUPPORTED.get(qtype, f'“{qtype}”')} chưa được hỗ trợ ({WHAT_WE_KEEP}).")
            continue
        if el.child("questiontext") is None:
            q.error("thiếu phần nội dung câu hỏi (<questiontext>).")
        read = _xml_question(q, qtype, el, qfmt)
        if el.value("hidden") == "1":
            q.note("câu đang ẩn trong Moodle; vẫn được nhập.")
        if media + more + _xml_media(el, qfmt):
            q.note(MEDIA_NOTE)
        if read is not None:
            questions.append(read)
    return ReadResult(file, MOODLE_XML, tuple(questions), tuple(findings))


def _xml_media(el: _Node, qfmt: str) -> int:
    """Embedded files (<file>) anywhere in the question, and images in its options and rows."""
    def files(node: _Node) -> int:
        return (node.tag == "file") + sum(files(c) for c in node.children)

    return files(el) + sum(_to_text(a.value("text"), a.attrs.get("format", qfmt))[1]
                           for a in el.all("answer") + el.all("subquestion"))


def _weight(q: _Question, node: _Node) -> float:
    raw = node.attrs.get("fraction", "0")
    try:
        return float(raw) / 100
    except ValueError:
        q.error(f"điểm của phương án (fraction=“{raw}”) không phải là số.", node.line)
        return 0.0


def _xml_question(q: _Question, qtype: str, el: _Node, qfmt: str) -> ReadQuestion | None:
    answers = el.all("answer")
    if qtype == "multichoice":
        single = el.value("single", "true").lower() in ("true", "1")
        read = [(_to_text(a.value("text"), a.attrs.get("format", qfmt))[0], _weight(q, a), a.line) for a in answers]
        return q.done() if q.failed else q.choice(single, read)
    if qtype == "truefalse":
        # Moodle names the two answers "true" and "false"; an old file without the words lists true first.
        full = set()
        for k, a in enumerate(answers):
            word = a.value("text").lower()
            word = word if word in ("true", "false") else ("true" if k == 0 else "false")
            if _weight(q, a) >= FULL:
                full.add(word)
        if len(answers) != 2 or len(full) != 1:
            q.error("câu đúng/sai cần hai đáp án “true” và “false”, đúng một trong hai được 100% điểm.")
            return q.done()
        return q.true_false(full == {"true"})
    if qtype == "shortanswer":
        return q.short_answer([(clean(a.value("text")), _weight(q, a), a.line) for a in answers],
                              case_sensitive=el.value("usecase") == "1")
    pairs = []
    for s in el.all("subquestion"):
        row = _to_text(s.value("text"), s.attrs.get("format", qfmt))[0]
        answer = s.child("answer")
        pairs.append((row, clean(answer.value("text") if answer is not None else ""), s.line))
    return q.matching(pairs)


# ---------------------------------------------------------------- GIFT

# Moodle's escapedchar_pre swaps escaped specials for placeholders before parsing; these private-use
# characters play that part (a file holding one of them is refused rather than misread).
_PLACEHOLDER = {":": "\ue000", "#": "\ue001", "=": "\ue002", "{": "\ue003", "}": "\ue004", "~": "\ue005", "n": "\ue006"}
_RESTORED = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_PLACEHOLDERS = re.compile("[\ue000-\ue006]")
_GIFT_WEIGHT = re.compile(r"%(-*)([0-9]{1,2}\.?[0-9]*)%")  # Moodle's $giftanswerweightregex
_GIFT_FORMATS = {"moodle": "moodle", "html": "html", "plain": "plain", "markdown": "markdown"}


def _protect(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and (text[i + 1] == "\\" or text[i + 1] in _PLACEHOLDER):
            out.append("\\" if text[i + 1] == "\\" else _PLACEHOLDER[text[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return _PLACEHOLDERS.sub(lambda m: _RESTORED[m[0]], text)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's parse_text_with_format: a leading [html], [moodle], [plain] or [markdown] sets the format."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        name = text[1:text.index("]")]
        if name in _GIFT_FORMATS:
            return text[text.index("]") + 1:].strip(), name
    return text, default


def _gift_text(raw: str, default: str) -> tuple[str, str, int]:
    """(words, format, media count) of a piece of GIFT text."""
    text, fmt = _with_format(raw, default)
    words, media = _to_text(_restore(text), fmt)
    return words, fmt, media


def _gift_blocks(text: str):
    """(first line number, lines) of each question: lines up to a blank line, as Moodle's readquestions."""
    block, first = [], None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            if block:
                yield first, block
            block, first = [], None
            continue
        if first is None:
            first = n
        block.append(line)
    if block:
        yield first, block


def read_gift(text: str, file: str) -> ReadResult:
    """The questions of a GIFT file, read as Moodle's GIFT importer reads them."""
    findings: list[Finding] = []
    questions = []
    category: tuple[str, ...] = ()
    category_line = None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for n, line in enumerate(text.split("\n"), 1):
        if _PLACEHOLDERS.search(line):
            findings.append(Finding(file, n, "có ký tự dùng riêng (U+E000–U+E006) mà trình đọc GIFT dùng nội bộ; "
                                             "hãy xóa ký tự đó."))
    if findings:
        return ReadResult(file, GIFT, (), tuple(findings))
    for first, lines in _gift_blocks(text):
        # Comment lines are blanked, not removed, so a line number still counts from the block's first line.
        joined = "\n".join(" " if ln.startswith("//") else ln for ln in lines)
        if not joined.strip():
            continue
        t = _protect(joined)
        pos = len(t) - len(t.lstrip())

        def line_of(i: int, t: str = t, first: int = first) -> int:
            return first + t.count("\n", 0, max(i, 0))

        if t.startswith("$CATEGORY:", pos):
            rest = t[pos + len("$CATEGORY:"):].strip()
            if "\n" in rest:
                findings.append(Finding(file, line_of(pos), "sau dòng $CATEGORY cần một dòng trống; Moodle đọc cả "
                                                            "khối bên dưới là tên danh mục."))
            category, category_line = category_names(_restore(rest)), line_of(pos)
            continue
        read = _gift_question(t, pos, line_of, file, category, category_line, findings)
        if read is not None:
            questions.append(read)
    return ReadResult(file, GIFT, tuple(questions), tuple(findings))


def _gift_question(t: str, pos: int, line_of, file: str, category, category_line,
                   findings: list[Finding]) -> ReadQuestion | None:
    line = line_of(pos)
    name = ""
    if t.startswith("::", pos):
        end = t.find("::", pos + 2)
        if end < 0:
            findings.append(Finding(file, line, "tên câu hỏi mở bằng “::” nhưng thiếu “::” đóng."))
            return None
        name = clean(_restore(t[pos + 2:end]))
        pos = end + 2
    start, finish = t.find("{", pos), t.find("}", pos)
    q = _Question(file, line, name, "", "", category, category_line, findings)
    if start < 0 and finish < 0:
        q.stem = _gift_text(t[pos:], "moodle")[0]
        q.skip(f"loại {UNSUPPORTED['description']} chưa được hỗ trợ ({WHAT_WE_KEEP}).")
        return None
    if finish < 0:
        q.error("thiếu dấu “}” đóng phần đáp án (dấu { } trong lời văn phải viết \\{ \\}).", line_of(start))
        return None
    if start < 0 or finish < start:
        q.error("thiếu dấu “{” mở phần đáp án (dấu { } trong lời văn phải viết \\{ \\}).", line_of(finish))
        return None
    after = t[finish + 1:]
    if "{" in t[start + 1:finish] or "{" in after or "}" in after:
        bad = t.find("{", start + 1)
        q.error("có hơn một phần đáp án { … }; GIFT chỉ cho một (dấu { } trong lời văn phải viết \\{ \\}).",
                line_of(bad if 0 <= bad else finish))
        return None
    # As Moodle: answers in the middle of the text leave a blank there ("missing word" questions).
    raw_stem = t[pos:start] + ("_____" + after if after.strip() else "")
    answer_text = t[start + 1:finish]
    base = start + 1
    general = ""
    cut = answer_text.rfind("####")
    if cut >= 0:
        general, answer_text = answer_text[cut + 4:], answer_text[:cut]
    q.stem, fmt, media = _gift_text(raw_stem, "moodle")
    q.explanation, _, more = _gift_text(general, fmt)
    media += more
    body = answer_text.strip()
    lead = base + len(answer_text) - len(answer_text.lstrip())
    if body == "":
        q.skip(f"loại {UNSUPPORTED['essay']} chưa được hỗ trợ ({WHAT_WE_KEEP}).")
        return None
    if body.startswith("#"):
        q.skip(f"loại {UNSUPPORTED['numerical']} chưa được hỗ trợ ({WHAT_WE_KEEP}).")
        return None
    if "~" in body:
        read = _gift_choice(q, body, lead, line_of, fmt)
    elif "=" in body and "->" in body:
        read = _gift_matching(q, body, lead, line_of, fmt)
    else:
        word = body[:body.index("#")].strip() if body.find("#") > 0 else body
        if word in ("T", "TRUE", "F", "FALSE"):
            read = q.true_false(word in ("T", "TRUE"))
            if "#" in body:
                q.note("phản hồi riêng cho từng đáp án không được giữ; chỉ phản hồi chung (####) thành lời giải thích.")
        else:
            read = _gift_short(q, body, lead, line_of)
    if media and read is not None:
        q.note(MEDIA_NOTE)
    return read


def _pieces(body: str, lead: int, markers: str):
    """(marker, text, offset) of each answer: body split before each marker character, as Moodle's explode."""
    cuts = [m.start() for m in re.finditer(f"[{re.escape(markers)}]", body)]
    before = body[:cuts[0]].strip() if cuts else body.strip()
    out = [("", before, lead)] if before else []
    for a, b in zip(cuts, cuts[1:] + [len(body)]):
        out.append((body[a], body[a + 1:b], lead + a))
    return out


def _gift_weight(text: str) -> tuple[float | None, str]:
    text = text.strip()
    m = _GIFT_WEIGHT.match(text)
    if not m:
        return None, text
    return (-1 if m[1] else 1) * float(m[2]) / 100, text[m.end():]


def _split_feedback(text: str) -> str:
    """The answer without its own feedback (after "#"): the bank keeps one explanation per question."""
    return text.split("#", 1)[0]


def _gift_choice(q: _Question, body: str, lead: int, line_of, fmt: str) -> ReadQuestion | None:
    answers = []
    feedback = False
    for marker, text, at in _pieces(body, lead, "~="):
        if not marker:
            q.error(f"phương án “{clean(_restore(text))}” thiếu dấu ~ (sai) hoặc = (đúng) ở đầu.", line_of(at))
            continue
        if marker == "=":
            weight, text = 1.0, text
        else:
            found, text = _gift_weight(text)
            weight = found if found is not None else 0.0
        feedback = feedback or "#" in text
        words, _, media = _gift_text(_split_feedback(text), fmt)
        if media:
            q.note(MEDIA_NOTE, line_of(at))
        answers.append((words, weight, line_of(at)))
    if feedback:
        q.note("phản hồi riêng cho từng phương án không được giữ; chỉ phản hồi chung (####) thành lời giải thích.")
    # As Moodle: an "=" makes it a one-answer question, otherwise the weights say which options are right.
    return q.done() if q.failed else q.choice("=" in body, answers)


def _gift_matching(q: _Question, body: str, lead: int, line_of, fmt: str) -> ReadQuestion | None:
    pairs = []
    for marker, text, at in _pieces(body, lead, "="):
        if "->" not in text:
            q.error(f"dòng ghép “{clean(_restore(text))}” thiếu “->” giữa dòng và phương án ghép.", line_of(at))
            continue
        row, answer = text.split("->", 1)
        pairs.append((_gift_text(row, fmt)[0], clean(_restore(answer)), line_of(at)))
    return q.done() if q.failed else q.matching(pairs)


def _gift_short(q: _Question, body: str, lead: int, line_of) -> ReadQuestion | None:
    answers = []
    for marker, text, at in _pieces(body, lead, "="):
        if not marker:
            q.error(f"đáp án “{clean(_restore(text))}” thiếu dấu = ở đầu.", line_of(at))
            continue
        weight, text = _gift_weight(text)
        text, _ = _with_format(_split_feedback(text), "plain")
        answers.append((clean(_restore(text)), 1.0 if weight is None else weight, line_of(at)))
    return q.short_answer(answers)


# ---------------------------------------------------------------- reading a file


def detect_format(raw: bytes) -> str:
    """MOODLE_XML when the content is XML, GIFT otherwise: the content decides, not the file's name."""
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return MOODLE_XML if head.startswith((b"<?xml", b"<quiz", b"<!--", b"<!DOCTYPE")) else GIFT


def read_questions(path: Path | str) -> ReadResult:
    """The questions of a Moodle XML or GIFT file, told apart by content, with every finding."""
    path = Path(path)
    file = display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ReadResult(file, "", (), (Finding(file, None, "không tìm thấy tệp."),))
    except OSError as exc:
        return ReadResult(file, "", (), (Finding(file, None, f"không đọc được tệp ({exc.strerror or exc})."),))
    kind = detect_format(raw)
    notes = []
    suffix = path.suffix.lower()
    if (suffix == ".xml") != (kind == MOODLE_XML) and suffix in (".xml", ".gift", ".txt"):
        notes.append(Finding(file, None, f"đuôi tệp là {suffix} nhưng nội dung là {kind}; đọc theo nội dung.", NOTE))
    if kind == MOODLE_XML:
        result = read_moodle_xml(raw, file)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            return ReadResult(file, GIFT, (), (Finding(file, line, "tệp không phải UTF-8; hãy lưu lại với mã hóa "
                                                                   "UTF-8 (Moodle xuất GIFT ở UTF-8)."),))
        result = read_gift(text, file)
    return ReadResult(result.file, result.format, result.questions, tuple(notes) + result.findings)


# ---------------------------------------------------------------- the bank


def question_ids(questions: tuple[ReadQuestion, ...], key: str) -> list[str]:
    """Stable ids: the bank's key and the question's Moodle idnumber or name (or its first words), made unique.

    >>> q = ReadQuestion(1, "=Câu 1: Luật", "text", "Ai?", answers=("x",))
    >>> question_ids((q, q), "luat")
    ['luat-cau-1-luat', 'luat-cau-1-luat-2']
    """
    out, used = [], set()
    for q in questions:
        words = " ".join(q.stem.split()[:8])
        base = next((s for s in (_slug(q.idnumber), _slug(q.name), _slug(words)) if s), "cau")
        qid, n = f"{key}-{base}", 1
        while qid in used:
            n += 1
            qid = f"{key}-{base}-{n}"
        used.add(qid)
        out.append(qid)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:48].rstrip("-")


def default_title(result: ReadResult) -> tuple[str, int | None]:
    """The bank's title: the category all questions share (its last name), else the file's name."""
    cats = [q.category for q in result.questions]
    common: tuple[str, ...] = cats[0] if cats else ()
    for c in cats[1:]:
        n = 0
        while n < min(len(common), len(c)) and common[n] == c[n]:
            n += 1
        common = common[:n]
    if common:
        line = next((q.category_line for q in result.questions if q.category[:len(common)] == common), None)
        return common[-1], line
    return clean(re.sub(r"[-_.]+", " ", Path(result.file).stem)), None


def _s(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is YAML's, so "=", ":" or "#" stay text."""
    return json.dumps(text, ensure_ascii=False)


TITLE_LINE = 8  # the line of "title:" in the file bank_yaml writes


def bank_yaml(result: ReadResult, key: str, title: str) -> tuple[str, dict, list[tuple[int, int]]]:
    """The bank file's text, the data it must read back as, and for each question its (first, last) YAML line."""
    ids = question_ids(result.questions, key)
    out = ["# yaml-language-server: $schema=schema/bank.schema.json",
           f"# Nhập từ {result.file} ({result.format}) bằng lệnh “toolkit import questions”. Câu ghi 'uncited: true'",
           "# chưa có trích dẫn Kế hoạch: nạp được nhưng chưa dùng cho học viên. Với mỗi câu, người biên soạn thêm",
           "# 'section' (mục của Kế hoạch), 'source' (nguyên văn Kế hoạch) và 'explanation' nếu còn thiếu, xóa dòng",
           "# 'uncited: true', rồi chạy “toolkit validate quizzes/” để kiểm tra.",
           "schema_version: 1", f"bank: {_s(key)}", f"title: {_s(title)}", "questions:"]
    assert out[TITLE_LINE - 1].startswith("title:")
    data = {"schema_version": 1, "bank": key, "title": title, "questions": []}
    spans = []
    for q, qid in zip(result.questions, ids):
        out.append("")
        out.append(f"  # {result.file}, dòng {q.line}" + (f" (tên trong Moodle: “{q.name}”)" if q.name else ""))
        first = len(out) + 1
        item: dict = {"id": qid, "type": q.type, "uncited": True, "stem": q.stem}
        out += [f"  - id: {_s(qid)}", f"    type: {_s(q.type)}", "    uncited: true", f"    stem: {_s(q.stem)}"]
        if q.type in ("single", "multiple", "true_false"):
            item["options"] = []
            out.append("    options:")
            for i, o in enumerate(q.options):
                out.append(f"      - text: {_s(o)}")
                if i in q.correct:
                    out.append("        correct: true")
                item["options"].append({"text": o, "correct": True} if i in q.correct else {"text": o})
        elif q.type == "matching":
            item["rows"] = [{"text": r, "answer": q.options[c]} for r, c in zip(q.rows, q.correct)]
            out.append("    rows:")
            for r in item["rows"]:
                out += [f"      - text: {_s(r['text'])}", f"        answer: {_s(r['answer'])}"]
            extra = [o for i, o in enumerate(q.options) if i not in q.correct]
            if extra:
                item["extra_options"] = extra
                out.append(f"    extra_options: {json.dumps(extra, ensure_ascii=False)}")
        else:
            item["answers"] = list(q.answers)
            out.append(f"    answers: {json.dumps(list(q.answers), ensure_ascii=False)}")
        if q.explanation:
            item["explanation"] = q.explanation
            out.append(f"    explanation: {_s(q.explanation)}")
        data["questions"].append(item)
        spans.append((first, len(out)))
    return "\n".join(out) + "\n", data, spans


def import_questions(source: Path | str, output: Path | str, plan: Plan, title: str | None = None,
                     force: bool = False) -> ImportOutcome:
    """Read a Moodle XML or GIFT file and write it as the authored bank `output`, or write nothing and say why.

    The bank is checked as the toolkit will load it (toolkit.quiz.banks.load_bank), and against the other
    banks of its folder (a key, title or question id may be used once), before it is renamed into place.
    """
    output = Path(output)
    out_name = display_name(output)
    findings: list[Finding] = []
    key = output.stem
    if output.suffix != ".yaml":
        findings.append(Finding(out_name, None, "tệp đích phải có đuôi .yaml (ví dụ quizzes/luat-pbgdpl.yaml)."))
    elif output.name == RETIRED_FILE:
        findings.append(Finding(out_name, None, "đây là danh sách câu hỏi ngừng dùng, không phải ngân hàng câu hỏi."))
    elif not BANK_KEY.match(key):
        findings.append(Finding(out_name, None, "tên tệp đích là mã ngân hàng: chỉ dùng chữ thường không dấu, chữ số "
                                                "và dấu gạch ngang (ví dụ quizzes/luat-pbgdpl.yaml)."))
    if not output.parent.is_dir():
        findings.append(Finding(out_name, None, f"không có thư mục {display_name(output.parent)}."))
    elif output.exists() and not force:
        findings.append(Finding(out_name, None, "tệp đã có; chưa ghi gì. Thêm --force để ghi đè."))
    result = read_questions(source)
    findings.extend(result.findings)
    if not result.questions:
        if not result.errors:
            findings.append(Finding(result.file, None, "không có câu hỏi nào nhập được."))
        return ImportOutcome(result.file, result.format or None, tuple(findings))
    if title is not None:
        chosen, title_line = clean(title), None
    else:
        chosen, title_line = default_title(result)
    if not BANK_KEY.match(key):  # no key, no bank to check; an existing output is reported with the rest
        return ImportOutcome(result.file, result.format, tuple(findings), title=chosen, questions=result.questions)
    text, data, spans = bank_yaml(result, key, chosen)
    findings.extend(_check_bank(result, text, data, spans, key, chosen, title_line, plan, output, title is not None))
    outcome = ImportOutcome(result.file, result.format, tuple(findings), title=chosen, questions=result.questions)
    if outcome.errors:
        return outcome
    write_atomic(output, text.encode("utf-8"))
    return ImportOutcome(result.file, result.format, tuple(findings), output, chosen, result.questions)


def _check_bank(result: ReadResult, text: str, data: dict, spans, key: str, title: str, title_line: int | None,
                plan: Plan, output: Path, title_given: bool) -> list[Finding]:
    """The bank loaded back by the real loader; its problems and the folder's clashes, at the source's lines."""
    file, out = result.file, []

    def source_line(yaml_line: int | None) -> int | None:
        for (a, b), q in zip(spans, result.questions):
            if yaml_line is not None and a <= yaml_line <= b:
                return q.line
        return None

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{key}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            if read_yaml(path).data != data:  # the writer's quoting must give back exactly what was meant
                raise AssertionError(f"{path}: YAML read back differs from the data written")
            bank = load_bank(path, plan)
        except DataError as exc:
            for p in exc.problems:
                line = source_line(p.line)
                if p.line == TITLE_LINE:
                    how = "đặt bằng --title" if title_given else ("lấy từ danh mục Moodle" if title_line
                                                                  else "lấy từ tên tệp; đặt tên khác bằng --title")
                    out.append(Finding(file, title_line, f"{p.message} (tên ngân hàng {how})"))
                else:
                    out.append(Finding(file, line, p.message))
            return out
    ids = [q.id for q in bank.uncited]
    lines = dict(zip(ids, (q.line for q in result.questions)))
    folder = output.parent
    others = sorted(p for p in folder.glob("*.yaml") if p.name not in (RETIRED_FILE, output.name))
    banks, _ = load_banks(None, plan, files=others) if others else ([], [])
    for b in banks:
        if b.key == key:
            out.append(Finding(file, None, f"mã ngân hàng “{key}” đã dùng trong {b.file}; hãy chọn tên tệp đích khác."))
        if fold(b.title) == fold(title):
            out.append(Finding(file, title_line, f"tên ngân hàng “{title}” đã dùng trong {b.file}; hãy đặt tên khác "
                                                 "bằng --title."))
        for q in b.questions + b.uncited:
            if q.id in lines:
                out.append(Finding(file, lines[q.id], f"mã câu hỏi “{q.id}” đã có trong {b.file}."))
    # What the author must put right before removing 'uncited' (the loader checks it then): the fidelity
    # rules of toolkit.quiz.checks, and one stem per question within a bank. "Chủ trì" is judged against
    # the citation, which does not exist yet.
    checks = [c for c in AUTHORED_CHECKS if c is not unsupported_chu_tri]
    for q, read in zip(bank.uncited, result.questions):
        for m in [p for c in checks for p in c(plan, q)] + split_ids_cited(q):
            out.append(Finding(file, read.line, f"{_label(read.name, read.stem)}: cần sửa trước khi bỏ 'uncited': "
                                                f"{m}.", NOTE))
    by_stem: dict[str, list[int]] = {}
    for q, read in zip(bank.uncited, result.questions):
        by_stem.setdefault(squash(q.stem), []).append(read.line)
    for same in (v for v in by_stem.values() if len(v) > 1):
        out.append(Finding(file, same[0], f"các câu ở dòng {', '.join(map(str, same))} có cùng câu dẫn; cần sửa "
                                          "trước khi bỏ 'uncited'.", NOTE))
    return out
