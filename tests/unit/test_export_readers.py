"""Do programs we did not write read our GIFT and Moodle XML exports as the questions we meant?

Our own tests of toolkit/quiz/formats.py (test_quiz_formats.py) read the files with our own idea of the
formats. Here two independent readers do:

- gift-pegjs (npm; a PEG grammar of Moodle's GIFT format), run by tests/external/parse-gift.js, must parse
  every question of the whole export (generated from the default plan + the authored banks in quizzes/)
  as the type we meant, with our key;
- moodle-xml-parser (PyPI) must find every multiple-choice question of the Moodle XML export, with
  fractions that Moodle accepts.

The key each reading is compared with comes from our Question objects, never from our own output.

Moodle's rule for fractions (qtype_multichoice: edit_multichoice_form::validation and save_question_options,
whose messages are errfractionsnomax / errfractionsaddwrong): a single-answer question needs one answer at
100 % (its maximum fraction is 1); in a multiple-answer question the positive fractions, summed and rounded
to 2 decimals (as fractions of 1), must make exactly 1, and wrong answers may carry negative fractions. Every
fraction must be one of Moodle's grade options (question_bank::fraction_options_full, checked on import by
match_grade_options), which is what fmt.MOODLE_FRACTIONS lists.

`make pytest` installs gift-pegjs from tests/external/package-lock.json (`npm ci --prefix tests/external`).
Without Node.js or the package these tests fail under CI (CI set) and are skipped elsewhere, with the reason.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.plan.load import load_plan
from toolkit.quiz import formats as fmt
from toolkit.quiz.banks import question_bank
from toolkit.quiz.questions import TRUE_FALSE, Question

EXTERNAL = Path(__file__).resolve().parents[1] / "external"
GIFT_TYPES = {"single": "MC", "multiple": "MC", "true_false": "TF", "matching": "Matching", "text": "Short"}
# gift-pegjs 1.0.2 leaves a matching answer (the right of "->") with its escapes as placeholders ("&&058;"
# for "\:"), where Moodle's own reader (qformat_gift::escapedchar_post) gives the character back.
PEG_PLACEHOLDER = re.compile(r"&&(\d{3});")
CATEGORY = "Kế hoạch 241/KH-UBND"  # a plan's name, with the "/" a Moodle category path must escape


NPM_CI = "`make pytest` installs it (npm ci --prefix tests/external)"


def reader_missing(why: str, remedy: str = NPM_CI):
    if os.environ.get("CI"):
        pytest.fail(f"{why}, under CI: {remedy}", pytrace=False)
    pytest.skip(f"{why}: {remedy}")


def gift_pegjs_node() -> str:
    """The node that runs parse-gift.js, once gift-pegjs is installed at the version the lockfile names."""
    node = shutil.which("node")
    if not node:
        reader_missing("Node.js (node) is not on PATH", "`make test` (tools/test-machine.sh) installs it, as root")
    lock = json.loads((EXTERNAL / "package-lock.json").read_text(encoding="utf-8"))
    want = lock["packages"]["node_modules/gift-pegjs"]["version"]
    installed = EXTERNAL / "node_modules" / "gift-pegjs" / "package.json"
    if not installed.is_file():
        reader_missing("gift-pegjs is not installed in tests/external/node_modules")
    have = json.loads(installed.read_text(encoding="utf-8"))["version"]
    if have != want:
        reader_missing(f"tests/external/node_modules holds gift-pegjs {have}, package-lock.json says {want}")
    return node


def read_gift(path: Path) -> list[dict]:
    """What gift-pegjs understood of a GIFT file: its questions and categories, in file order."""
    node = gift_pegjs_node()
    # The timeout only keeps a hung reader from hanging the suite; nothing here is timed.
    run = subprocess.run([node, str(EXTERNAL / "parse-gift.js"), str(path)], capture_output=True, text=True,
                         encoding="utf-8", timeout=300)
    try:
        out = json.loads(run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"parse-gift.js printed no JSON (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    if "error" in out:
        e = out["error"]
        pytest.fail(f"{out['reader']} cannot read {path.name}, line {e['line']}, column {e['column']}: "
                    f"{e['message']}\n{e['text']}", pytrace=False)
    assert run.returncode == 0, run.stderr
    return out["questions"]


def read_moodle_xml(data: bytes, capsys) -> list:
    """moodle-xml-parser's multiple-choice questions. It prints a question it cannot read and goes on, so
    anything it printed is a question it dropped."""
    try:
        from moodle_xml_parser.parser import parse_bytes
    except ImportError:
        reader_missing("moodle-xml-parser is not installed", "`make setup` installs it (the `test` extra)")
    parsed = parse_bytes(data)["multichoice"]
    printed = capsys.readouterr().out
    assert "Error" not in printed, printed
    return parsed


def peg_text(t: dict) -> str:
    """A text as gift-pegjs gives it ({format, text}), as a person reads it: HTML decoded when marked so."""
    return html.unescape(t["text"]) if t["format"] == "html" else t["text"]


def peg_plain(s: str) -> str:
    return PEG_PLACEHOLDER.sub(lambda m: chr(int(m.group(1))), s)


def gift_problems(q: Question, p: dict) -> list[str]:
    """How gift-pegjs's reading `p` of question `q` differs from `q`: type, texts and key."""
    out = []
    if p["title"] != q.id:
        out.append(f"title {p['title']!r}")
    if p["type"] != GIFT_TYPES[q.type]:
        return out + [f"read as {p['type']}, not {GIFT_TYPES[q.type]}"]
    if peg_text(p["stem"]) != q.stem:
        out.append(f"stem {p['stem']['text']!r}")
    if not (p.get("globalFeedback") and q.explanation in peg_text(p["globalFeedback"])):
        out.append("general feedback lost")
    if q.type == "true_false":
        if p["isTrue"] != (q.options[q.correct[0]] == TRUE_FALSE[0]):
            out.append(f"key {p['isTrue']}")
    elif q.type == "text":
        # Moodle compares a short answer with what was typed, as plain text: no HTML decoding.
        if [c["text"]["text"] for c in p["choices"]] != list(q.answers) or not all(c["isCorrect"] for c in p["choices"]):
            out.append(f"answers {[c['text']['text'] for c in p['choices']]}")
    elif q.type == "matching":
        pairs = [(peg_text(m["subquestion"]), peg_plain(m["subanswer"])) for m in p["matchPairs"]]
        if pairs != [(row, q.options[c]) for row, c in zip(q.rows, q.correct)]:
            out.append(f"pairs {pairs}")
    else:
        choices = p["choices"]
        if [peg_text(c["text"]) for c in choices] != list(q.options):
            out.append(f"options {[c['text']['text'] for c in choices]}")
        if q.type == "single":
            # "=" marks the one right answer, "~" the others; a weight would make it a multiple-answer one.
            key = [i for i, c in enumerate(choices) if c["isCorrect"]]
            if key != list(q.correct) or any(c["weight"] is not None for c in choices):
                out.append(f"key {key}, weights {[c['weight'] for c in choices]}")
        else:
            # Multiple answers: no "=" at all (Moodle then sets single = 0), every option weighted.
            weights = [c["weight"] for c in choices]
            out += moodle_fraction_problems(q, weights, single=False)
            if any(c["isCorrect"] for c in choices):
                out.append("an option marked “=”: Moodle would make it a single-answer question")
    return out


def moodle_fraction_problems(q: Question, fractions: list, single: bool) -> list[str]:
    """Moodle's rule (see the module docstring) and our key, for fractions in percent."""
    out = []
    if any(f is None or abs(f) not in fmt.MOODLE_FRACTIONS for f in fractions):
        out.append(f"fractions {fractions} not all among Moodle's grade options")
        return out
    if single:
        if max(fractions) != 100 or [i for i, f in enumerate(fractions) if f == 100] != list(q.correct):
            out.append(f"single answer: fractions {fractions}, key {list(q.correct)}")
    else:
        if round(sum(f for f in fractions if f > 0) / 100, 2) != 1:
            out.append(f"positive fractions {fractions} do not sum to 100")
        if [i for i, f in enumerate(fractions) if f > 0] != list(q.correct):
            out.append(f"key {[i for i, f in enumerate(fractions) if f > 0]}, not {list(q.correct)}")
        if any(f >= 0 for i, f in enumerate(fractions) if i not in q.correct):
            out.append(f"a wrong option without a negative fraction: {fractions}")
    return out


def moodle_xml_problems(q: Question, m) -> list[str]:
    """How moodle-xml-parser's reading `m` of multiple-choice question `q` differs from `q`."""
    out = []
    if m.single != (q.type == "single"):
        out.append(f"single={m.single}")
    # The question text is HTML (<p>…</p>, escaped); the reader has already decoded the entities once.
    if re.sub(r"</?p>", "", m.text_pre_parse) != q.stem:
        out.append(f"stem {m.text_pre_parse!r}")
    if [o.answer for o in m.options] != list(q.options):
        out.append(f"options {[o.answer for o in m.options]}")
    return out + moodle_fraction_problems(q, [o.score_fraction for o in m.options], single=m.single)


# ---------------------------------------------------------------- the whole export


@pytest.fixture(scope="module")
def bank():
    """Every question the default export holds: generated from the plan plus quizzes/, as Question objects."""
    questions, problems = question_bank(load_plan())
    assert not problems
    return {q.id: q for q in questions}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The files `toolkit export questions` writes for the default plan and quizzes/."""
    folder = tmp_path_factory.mktemp("export")
    files = {}
    for f, name in (("gift", "cau-hoi.gift.txt"), ("moodle-xml", "cau-hoi.xml")):
        files[f] = folder / name
        assert main(["export", "questions", "--format", f, "--output", str(files[f])]) == 0
    return files


def test_gift_pegjs_reads_every_exported_question_with_its_type_and_key(bank, exported):
    """Does gift-pegjs read each question of the GIFT export as its type, with its texts and our key?"""
    read = read_gift(exported["gift"])
    questions = [p for p in read if p["type"] != "Category"]
    assert Counter(p["title"] for p in questions) == Counter(bank.keys())  # each once, none made up
    problems = {p["title"]: gift_problems(bank[p["title"]], p) for p in questions}
    assert {k: v for k, v in problems.items() if v} == {}
    accepted = Counter(p["type"] for p in questions)
    ours = Counter(GIFT_TYPES[q.type] for q in bank.values())
    assert accepted == ours and set(ours) == {"MC", "TF", "Matching", "Short"}
    # One $CATEGORY line per template or authored bank, as in the Moodle XML export.
    groups = {q.template or q.bank_title for q in bank.values()}
    assert len([p for p in read if p["type"] == "Category"]) == len(groups)


def test_moodle_xml_parser_reads_every_multiple_choice_question_with_moodles_fractions(bank, exported, capsys):
    """Does moodle-xml-parser find each single- and multiple-answer question, fractions as Moodle wants them?"""
    read = read_moodle_xml(exported["moodle-xml"].read_bytes(), capsys)
    choice = {k: q for k, q in bank.items() if q.type in ("single", "multiple")}
    assert Counter(m.name for m in read) == Counter(choice.keys())
    problems = {m.name: moodle_xml_problems(choice[m.name], m) for m in read}
    assert {k: v for k, v in problems.items() if v} == {}
    assert Counter(m.single for m in read) == Counter(q.type == "single" for q in choice.values())


# ---------------------------------------------------------------- texts that test the escaping

# Every character GIFT reserves (~ = # { } : and the backslash), what Moodle reads as HTML (& < >), the
# matching arrow "->", a comment mark and Vietnamese with its tones, in every place a text goes.
SPECIAL = "Điều 1: a=b, ~c, #d, {e}, \\f, ::g::, // h, i -> k, <b>l</b> & “m” — Sở Tư pháp; Quận Hoàn Kiếm"


def tricky(qid: str, qtype: str, **kw) -> Question:
    base = dict(stem=f"Câu {qid}: {SPECIAL}?", options=(), correct=(), explanation=f"Vì {SPECIAL}.",
                source=f"Nguyên văn {SPECIAL}", bank="dac-biet", bank_title="Ký tự đặc biệt: {=~#} & <>")
    return Question(qid, qtype, **{**base, **kw})


PLAIN = "Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp: hướng dẫn #1 {a=b} ~c \\d"
TRICKY = (
    tricky("dac-biet:mot", "single", options=(f"A {SPECIAL}", "=B", "~C", "#D", "{E}"), correct=(2,)),
    tricky("dac-biet:nhieu-3", "multiple", options=("Sở Tư pháp", f"~{SPECIAL}", "Sở Nội vụ: {x}", "=D", "#E"),
           correct=(0, 1, 3)),
    tricky("dac-biet:nhieu-6", "multiple", options=tuple(f"Phương án {c} = {c}" for c in "ABCDEFG"),
           correct=(0, 1, 2, 3, 4, 6)),
    tricky("dac-biet:nhieu-1", "multiple", options=("Đúng một: A", "B", "C"), correct=(1,)),
    tricky("dac-biet:dung", "true_false", options=TRUE_FALSE, correct=(0,)),
    tricky("dac-biet:sai", "true_false", options=TRUE_FALSE, correct=(1,)),
    tricky("dac-biet:ghep", "matching", rows=(f"Hàng 1 {SPECIAL}", "Hàng 2: {a}", "Hàng 3 #"),
           options=("Sở Tư pháp: {=}", "Sở Nội vụ ~ # \\", "Sở Tài chính", "Công an Thành phố"), correct=(0, 1, 3)),
    tricky("dac-biet:ngan", "text", answers=("15", "a=b", "c:d", "#e", "{f}", "~g", "\\h", "mười lăm năm")),
    # The same characters in a question with nothing Moodle would take as HTML: written plain.
    Question("dac-biet:tron", "single", PLAIN, (PLAIN, "Sở Tư pháp"), (0,), PLAIN, PLAIN),
)


def test_gift_marks_html_only_the_questions_whose_text_moodle_would_take_as_html():
    """Is a question holding & < > marked [html] and escaped, while one without them stays plain?"""
    text = fmt.gift(TRICKY, CATEGORY)
    marked = [q.id for q in TRICKY if f"::{fmt.gift_escape(q.id)}::[html]" in text]
    assert marked == [q.id for q in TRICKY if q.id != "dac-biet:tron"]
    assert "&lt;b&gt;l&lt;/b&gt; &amp; “m”" in text and "<b>" not in text
    assert f"::dac-biet\\:tron::{fmt.gift_escape(PLAIN)} {{" in text


def test_gift_matching_row_with_an_arrow_splits_where_moodle_splits():
    """Does each matching line split at its first "->" into the row and its answer, as Moodle reads it?"""
    q = next(q for q in TRICKY if q.type == "matching")
    body = fmt.gift([q], CATEGORY).split("{\n", 1)[1]
    lines = [line.strip()[1:] for line in body.splitlines() if line.strip().startswith("=")]
    unescape = re.compile(r"\\(.)")
    split = [tuple(unescape.sub(r"\1", part).strip() for part in line.split("->", 1)) for line in lines]
    assert [(html.unescape(row), answer) for row, answer in split] == [
        (row, q.options[c]) for row, c in zip(q.rows, q.correct)]


def test_gift_pegjs_reads_special_characters_in_every_kind_of_question(tmp_path):
    """Do escaped GIFT characters, HTML characters, "->" and Vietnamese reach gift-pegjs as written?"""
    path = tmp_path / "dac-biet.gift.txt"
    path.write_text(fmt.gift(TRICKY, CATEGORY), encoding="utf-8")
    read = [p for p in read_gift(path) if p["type"] != "Category"]
    by_id = {q.id: q for q in TRICKY}
    assert sorted(p["title"] for p in read) == sorted(by_id)
    assert {p["title"]: gift_problems(by_id[p["title"]], p) for p in read} == {q: [] for q in by_id}


def test_moodle_xml_parser_reads_special_characters_and_every_fraction_split(capsys):
    """Do the same texts, and 1, 3 or 6 right answers of many, reach moodle-xml-parser as Moodle wants?"""
    read = read_moodle_xml(fmt.moodle_xml(TRICKY, CATEGORY).encode("utf-8"), capsys)
    by_id = {q.id: q for q in TRICKY if q.type in ("single", "multiple")}
    assert sorted(m.name for m in read) == sorted(by_id)
    assert {m.name: moodle_xml_problems(by_id[m.name], m) for m in read} == {q: [] for q in by_id}
