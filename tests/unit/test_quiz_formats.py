"""Do the exported banks carry the same keys as the bank, in structures Moodle imports?"""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from toolkit.cli import main
from toolkit.plan.load import load_plan
from toolkit.quiz import formats as fmt
from toolkit.quiz.banks import question_bank


@pytest.fixture(scope="module")
def questions():
    qs, problems = question_bank(load_plan())
    assert not problems
    return qs


def test_json_lists_every_question_with_its_key(questions):
    doc = json.loads(fmt.questions_json(questions))
    assert [q["id"] for q in doc["questions"]] == [q.id for q in questions]
    for d, q in zip(doc["questions"], questions):
        assert set(d) >= {"id", "type", "template", "task_ids", "stem", "options", "correct", "explanation", "source"}
        assert d["correct"] == list(q.correct)


def test_moodle_xml_structure(questions):
    root = ET.fromstring(fmt.moodle_xml(questions, "Kế hoạch 241/KH-UBND").encode("utf-8"))
    assert root.tag == "quiz"
    real = [q for q in root.findall("question") if q.get("type") != "category"]
    assert len(real) == len(questions)
    by_id = {q.id: q for q in questions}
    for el in real:
        q = by_id[el.findtext("name/text")]
        assert el.findtext("questiontext/text") and el.findtext("generalfeedback/text")
        assert el.get("type") == {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
                                  "matching": "matching", "text": "shortanswer"}[q.type]
        if el.get("type") == "multichoice":
            fractions = [float(a.get("fraction")) for a in el.findall("answer")]
            assert len(fractions) == len(q.options)
            assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.01)
            assert [i for i, f in enumerate(fractions) if f > 0] == list(q.correct)
            allowed = set(fmt.MOODLE_FRACTIONS)
            assert all(abs(f) in allowed for f in fractions)
        if el.get("type") == "truefalse":
            right = [a.findtext("text") for a in el.findall("answer") if a.get("fraction") == "100"]
            assert right == ["true" if q.correct[0] == 0 else "false"]
        if el.get("type") == "matching":
            pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in el.findall("subquestion")]
            assert len([p for p in pairs if p[0]]) == len(q.rows) >= 3  # Moodle needs 3 pairs or more
            assert [a for _, a in pairs[: len(q.rows)]] == [q.options[c] for c in q.correct]


def test_gift_has_one_block_per_question_and_escapes_specials(questions):
    text = fmt.gift(questions, "Kế hoạch 241/KH-UBND")
    assert len(re.findall(r"^::", text, re.M)) == len(questions)
    assert "::lead\\:II.5.b\\:so_tu_phap::" in text or "lead\\:II.5.b" in text
    assert fmt.gift_escape("a:b=c~d#e{f}") == "a\\:b\\=c\\~d\\#e\\{f\\}"


def test_cli_exports(tmp_path):
    for f in ("json", "moodle-xml", "gift", "xlsx"):
        out = tmp_path / f"bank.{f}"
        assert main(["export", "questions", "--format", f, "--output", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_results_export_reads_stored_answers(tmp_path, questions):
    from toolkit.storage.store import Store

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    store = Store(url)
    p = store.participant("Lê Thị Hoa", "quan_ba_dinh")
    q = next(q for q in questions if q.type == "single")
    a = store.create_attempt(p.id, "all", "practice", [{"q": q.id, "o": [0, 1, 2, 3], "r": []}], 1)
    store.save_response(a.id, 0, q.id, q.correct[0], 1.0, 1.0)
    out = tmp_path / "ket-qua.csv"
    assert main(["export", "results", "--format", "csv", "--database", url, "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "Lê Thị Hoa" in text and "UBND quận Ba Đình" in text and q.options[q.correct[0]] in text
