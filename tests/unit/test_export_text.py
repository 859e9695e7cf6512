"""Does every xlsx and CSV export write the text people typed as text, never as a live formula?

Issue 12 (3): a participant named `=HYPERLINK("http://evil.example","Bấm vào đây")` reached the session
workbook as a formula. OWASP's "CSV Injection" lists the starts a spreadsheet reads as a formula
(= + - @ tab, carriage return). The exports are found from the source (every function that writes
through toolkit.exports), so a new export without a case here fails the completeness test.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from toolkit.exports import FORMULA_STARTS, csv_cell, looks_like_formula

TOOLKIT = Path(__file__).resolve().parents[2] / "toolkit"
HYPERLINK = '=HYPERLINK("http://evil.example","Bấm vào đây")'
# Text a person may type; names must hold a letter (toolkit.storage.records.clean_name), so each does.
DANGEROUS = (HYPERLINK, "@SUM(A1) Nguyễn Văn A", "-Lê Văn B+1", "+An", "\uff1dBình", "=1+2 Chi",
             "Dũng\r=1+1")
NOTES = ("\t=cmd|' /C calc'!A0 ghi chú", "=1+1 minh chứng", "-2+3 lý do")


# ---------------------------------------------------------------- the exports, found from the source

WRITERS = {"excel_writer", "csv_bytes"}  # toolkit.exports: the one home of the rule
RAW = {"ExcelWriter", "to_csv", "DictWriter", "Workbook"}  # writing around it


def _calls(node) -> set[str]:
    return {c.func.id if isinstance(c.func, ast.Name) else c.func.attr for c in ast.walk(node)
            if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))}


def source_exports() -> tuple[set[str], list[str]]:
    """Functions that write through toolkit.exports, and any place that writes a sheet or CSV around it."""
    found, around = set(), []
    for path in sorted(TOOLKIT.rglob("*.py")):
        if "migrations" in path.parts or path == TOOLKIT / "exports.py":
            continue
        module = ".".join(path.relative_to(TOOLKIT.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                calls = _calls(node)
                if calls & WRITERS:
                    found.add(f"{module}.{node.name}")
                if "to_excel" in calls and not calls & WRITERS:
                    around.append(f"{module}.{node.name} calls to_excel outside excel_writer")
        for name in sorted(_calls(tree) & RAW):
            around.append(f"{module} calls {name}")
        if re.search(r"\bcsv\.writer\b", path.read_text(encoding="utf-8")):
            around.append(f"{module} uses csv.writer")
    return found, around


# ---------------------------------------------------------------- each export, filled with dangerous text


@pytest.fixture(scope="module")
def bank(plan):
    from toolkit.quiz.banks import question_bank

    return {q.id: q for q in question_bank(plan)[0]}


def session_case(plan, settings, bank, tmp_path):
    """A session titled like a formula, people named like formulas, one typing a formula as an answer."""
    from helpers import shown_key

    from toolkit.quiz.workshop import join_session, session_workbook
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'session.sqlite3'}")
    text_q = next(q.id for q in bank.values() if q.type == "text")
    lead_q = next(q.id for q in bank.values() if q.template == "lead")
    session = SessionStore(store).create(HYPERLINK, "all", "practice", [text_q, lead_q], None, True, False)
    for i, name in enumerate(DANGEROUS):
        run = join_session(store, plan, bank, session.code, store.participant(name, "khac"))
        for pos, q in enumerate(run.questions):
            run.answer(pos, NOTES[i % len(NOTES)] if q.type == "text" else shown_key(run, pos))
        if i % 2:
            run.finish()
    stored = [r.name for r in SessionStore(store).attempts(session.code)]
    typed = [bank[r.question_id].describe(json.loads(r.answer))
             for r in SessionStore(store).responses(session.code) if r.question_id == text_q]
    data = session_workbook(store, plan, bank, session.code)
    store.engine.dispose()
    return data, [HYPERLINK, *stored, *typed]


def report_case(plan, settings, bank, tmp_path):
    """A self-assessment whose evidence, notes and submitter are formula-like."""
    from toolkit.assessment import report as ar
    from toolkit.assessment.scoring import Entry
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'assessment.sqlite3'}")
    astore = AssessmentStore(store)
    record = astore.open_draft("quan_ba_dinh", 2021)
    entries = {"II.1.a": Entry("hoan_thanh", evidence_text=NOTES[1], note=NOTES[0]),
               "II.3.a": Entry("khong_ap_dung", reason=NOTES[2])}
    for tid, e in entries.items():
        astore.save_entry(record.id, tid, e.__dict__)
    record = astore.submit(record.id, DANGEROUS[0])
    view = ar.load_view(plan, settings, astore, "quan_ba_dinh", 2021, record)
    stored = [getattr(view.entries[t], f) for t, f in (("II.1.a", "evidence_text"), ("II.1.a", "note"),
                                                      ("II.3.a", "reason"))]
    data = ar.report_xlsx(plan, settings, view)
    store.engine.dispose()
    return data, [*stored, record.submitted_by]


def city_case(plan, settings, bank, tmp_path):
    """The city overview of units whose submitter names are formula-like."""
    from toolkit.assessment.city import Submission, city_overview, overview_xlsx
    from toolkit.assessment.scoring import Entry

    subs = [Submission("doan_luat_su_hn", 2022, {"II.7.a": Entry("hoan_thanh")}, submitted_by=DANGEROUS[1]),
            Submission("ubmttq_tp", 2022, {"II.8.a": Entry("dang_thuc_hien")}, submitted_by=HYPERLINK)]
    return overview_xlsx(plan, city_overview(plan, settings, subs, 2022)), [DANGEROUS[1], HYPERLINK]


TABLE = pd.DataFrame({"Họ và tên": list(DANGEROUS), "Ghi chú": [*NOTES, "", "bình thường", None, "@"],
                      "Điểm": [-5, -1, 0, 2, 3, -7, 1], "Tỷ lệ": [-0.5, 1.25, 0.0, -2.0, 3.5, 0.1, -0.25]})


def table_case(fmt):
    def build(plan, settings, bank, tmp_path):
        from toolkit.plan.export import table_bytes

        return table_bytes(TABLE, fmt), [*DANGEROUS, *NOTES, "@"]

    build.__name__ = "table_case"
    return build


def results_case(fmt):
    """`toolkit export results`: the stored answers of a session, through the same table writer."""
    def build(plan, settings, bank, tmp_path):
        from toolkit.plan.export import table_bytes
        from toolkit.quiz.formats import results_table
        from toolkit.storage.store import Store

        data, texts = session_case(plan, settings, bank, tmp_path)
        store = Store(f"sqlite:///{tmp_path / 'session.sqlite3'}")
        df = results_table(plan, store.results(), bank)
        store.engine.dispose()
        return table_bytes(df, fmt, sheet="Kết quả"), texts[1:]  # the title is not in the results

    build.__name__ = "results_case"
    return build


def results_file_case(fmt):
    """`toolkit export results`: the stored answers of a session, behind the notice that they hold names."""
    def build(plan, settings, bank, tmp_path):
        from toolkit.quiz.formats import results_file
        from toolkit.storage.store import Store

        data, texts = session_case(plan, settings, bank, tmp_path)
        store = Store(f"sqlite:///{tmp_path / 'session.sqlite3'}")
        out = results_file(plan, store.results(), bank, fmt)
        store.engine.dispose()
        return out, texts[1:]  # the title is not in the results

    build.__name__ = "results_file_case"
    return build


def personal_case(plan, settings, bank, tmp_path):
    """“Dữ liệu của tôi”: a participant named like a formula, who typed formulas as an answer and a note, and
    whose answers scheduled their spaced review (its sheets are written too)."""
    from helpers import shown_key

    from toolkit.privacy.subject import personal_data, personal_workbook
    from toolkit.quiz.attempt import QuizRun
    from toolkit.storage.reviews import ReviewStore, record_answer
    from toolkit.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'personal.sqlite3'}")
    person = store.participant(HYPERLINK, "khac")
    pool = [next(q for q in bank.values() if q.type == "text"), next(q for q in bank.values() if q.template == "lead")]
    run = QuizRun.start(store, person, pool, plan, topic="all", n=2, mode="practice", memory=record_answer)
    for pos, q in enumerate(run.questions):
        run.answer(pos, NOTES[1] if q.type == "text" else shown_key(run, pos))
    store.report_question(person.id, pool[0].id, NOTES[0])
    ReviewStore(store).set_new_per_day(person.id, 3)
    rows = personal_data(store, person)
    assert rows.review_states and rows.review_log and rows.review_settings
    data = personal_workbook(rows, plan, bank)
    store.engine.dispose()
    return data, [HYPERLINK, rows.question_reports[0]["note"], bank[pool[0].id].describe(NOTES[1])]


def review_group_case(plan, settings, bank, tmp_path):
    """The trainer's review workbook (issue 14), named: a participant named like a formula, due for review."""
    from datetime import datetime, timezone

    from toolkit.review.cards import build_deck
    from toolkit.review.group import group_review, group_workbook
    from toolkit.review.schedule import apply_answer
    from toolkit.storage.records import Participant

    person = Participant(7, HYPERLINK, "khac")
    q = next(q for q in bank.values() if q.template == "lead" and q.type == "single")
    at = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    ((memory, entry),) = apply_answer({}, q, q.correct[0], at, officer="7", source="quiz")
    deck = build_deck(plan, bank.values())
    group = group_review("Phiên ABC234", [person], {"7": {memory.card_id: memory}}, [entry], deck,
                         datetime(2026, 3, 30, 1, 0, tzinfo=timezone.utc))
    return group_workbook(group, plan, names=True), [HYPERLINK]


CASES = [
    ("toolkit.privacy.subject.personal_workbook", "xlsx", personal_case),
    ("toolkit.review.group.group_workbook", "xlsx", review_group_case),
    ("toolkit.quiz.workshop.session_workbook", "xlsx", session_case),
    ("toolkit.assessment.report.report_xlsx", "xlsx", report_case),
    ("toolkit.assessment.city.overview_xlsx", "xlsx", city_case),
    ("toolkit.plan.export.table_bytes", "xlsx", table_case("xlsx")),
    ("toolkit.plan.export.table_bytes", "csv", table_case("csv")),
    ("toolkit.plan.export.table_bytes", "xlsx", results_case("xlsx")),
    ("toolkit.plan.export.table_bytes", "csv", results_case("csv")),
    ("toolkit.quiz.formats.results_file", "xlsx", results_file_case("xlsx")),
    ("toolkit.quiz.formats.results_file", "csv", results_file_case("csv")),
]


def test_does_every_export_in_the_source_have_a_case_here():
    found, around = source_exports()
    assert around == [], "a sheet or CSV written without toolkit.exports' excel_writer/csv_bytes"
    assert found == {name for name, _, _ in CASES}, "an export without a dangerous-text case in CASES"
    assert {fmt for name, fmt, _ in CASES if name == "toolkit.plan.export.table_bytes"} == {"xlsx", "csv"}


def xlsx_cells(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<f[ >/]", z.read(name)), f"a formula element in {name}"
    return [c for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize(("name", "fmt", "build"), CASES, ids=[f"{n.rsplit('.', 1)[1]}-{f}-{b.__name__}"
                                                               for n, f, b in CASES])
def test_is_dangerous_text_written_as_the_same_text_and_never_as_a_formula(name, fmt, build, plan, settings,
                                                                          bank, tmp_path):
    data, texts = build(plan, settings, bank, tmp_path)
    assert any(looks_like_formula(t) for t in texts)  # the case really holds dangerous text
    if fmt == "xlsx":
        cells = xlsx_cells(data)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        # Formula-like text keeps Excel's quote prefix, so editing the cell does not turn it into one.
        assert [c.coordinate for c in cells if looks_like_formula(c.value) and not c.quotePrefix] == []
        values = {c.value for c in cells}
        # Exactly as typed, no apostrophe added; a carriage return inside text may read back as a line feed
        # (openpyxl's own XML reader normalises line ends, lxml's keeps them: a line break in the cell either way).
        assert [t for t in texts if t not in values and t.replace("\r", "\n") not in values] == []
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        fields = [f for row in rows for f in row]
        assert len({len(r) for r in rows}) == 1  # a carriage return inside a name did not break its row
        assert [f for f in fields if f.startswith(FORMULA_STARTS) and not _is_number(f)] == []
        assert [t for t in texts if csv_cell(t) not in fields] == []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_do_negative_numbers_stay_numbers(fmt):
    from toolkit.plan.export import table_bytes

    data = table_bytes(TABLE, fmt)
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data)).active
        scores = [(c.value, c.data_type) for c in ws["C"][1:]]
        assert scores == [(v, "n") for v in TABLE["Điểm"]]
        assert [c.value for c in ws["D"][1:]] == list(TABLE["Tỷ lệ"])
    else:
        back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        assert list(back["Điểm"]) == list(TABLE["Điểm"]) and list(back["Tỷ lệ"]) == list(TABLE["Tỷ lệ"])
        assert back["Họ và tên"][0] == "'" + HYPERLINK


def test_is_the_text_rule_the_one_owasp_gives():
    """OWASP's starts, and their fullwidth forms; a number, text in the middle or an empty cell is left alone."""
    for start in ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"):
        assert looks_like_formula(start + "1") and csv_cell(start + "1") == "'" + start + "1"
    for value in (-5, -2.5, "", "Nguyễn Văn A", "A=1", "'=1", None):
        assert not looks_like_formula(value) and csv_cell(value) == value
