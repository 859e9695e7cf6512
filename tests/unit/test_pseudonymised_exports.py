"""Do files that leave the server say whether they hold names, and does the pseudonymised one hold none?

Issue 17 (Luật Bảo vệ dữ liệu cá nhân): the session workbook and the results export (xlsx and CSV)
come with names or with participant numbers, by a choice on the export; a file with names says so in
its first sheet or first CSV column, one without says it is pseudonymised. Every cell of every sheet
is scanned for each participant's name, with and without diacritics; the name key the store keeps
(`fold(name)`) is the name without diacritics, so the same scan covers it.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from named_session import NAMES, PEOPLE, TITLE, make_session, names_in
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.exports import CSV_NAMED, CSV_PSEUDONYMISED, NAME_REMOVED, PERSONAL_DATA, looks_like_formula
from toolkit.quiz.banks import question_bank
from toolkit.quiz.formats import ATTEMPT_NUMBER, results_file, unit_label
from toolkit.quiz.workshop import PARTICIPANT_NUMBER, session_workbook
from toolkit.storage.store import Store


@pytest.fixture(scope="module")
def bank(plan):
    return {q.id: q for q in question_bank(plan)[0]}


@pytest.fixture
def session(database_url, plan, bank):
    store = Store(database_url)
    s = make_session(store, plan, bank)
    yield store, s
    store.engine.dispose()


def cells(data: bytes) -> dict[str, list[list]]:
    """Every sheet as rows of cell values, in the workbook's order."""
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def every_value(book: dict[str, list[list]]) -> list:
    return [v for rows in book.values() for row in rows for v in row]


def table(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------- the session workbook


def test_does_the_pseudonymised_workbook_hold_no_name_from_the_session(session, plan, bank):
    store, s = session
    named = cells(session_workbook(store, plan, bank, s.code))
    assert {n for n, _ in names_in(every_value(named))} == set(NAMES)  # the scan finds names where they are
    book = cells(session_workbook(store, plan, bank, s.code, names=False))
    assert names_in(every_value(book)) == []
    assert names_in(book) == []  # nor in a sheet's title


def test_is_each_participant_one_number_in_join_order_in_every_sheet(session, plan, bank):
    store, s = session
    book = cells(session_workbook(store, plan, bank, s.code, names=False))
    people = table(book["Người tham gia"])
    joined = {f"NTG-{i:03d}": unit_label(plan, unit) for i, (_, unit) in enumerate(PEOPLE, start=1)}
    # Numbered in the order they joined, each with their unit (the unit's report needs it).
    assert {p[PARTICIPANT_NUMBER]: p["Đơn vị"] for p in people} == joined
    assert people[0][PARTICIPANT_NUMBER] == "NTG-004"  # the last to join scored best: ranks are not numbers
    answers = table(book["Câu trả lời"])
    assert {(a[PARTICIPANT_NUMBER], a["Đơn vị"]) for a in answers} == set(joined.items())
    headers = set(book["Câu trả lời"][0]) | set(book["Người tham gia"][0])
    assert not headers & {"Họ và tên", "Mã bài làm"}


def test_are_the_statistics_the_same_with_or_without_names(session, plan, bank):
    store, s = session
    named = cells(session_workbook(store, plan, bank, s.code))
    pseudonymised = cells(session_workbook(store, plan, bank, s.code, names=False))
    for sheet in ("Thống kê câu hỏi", "Nhầm lẫn cơ quan"):
        assert named[sheet] == pseudonymised[sheet], sheet
    summary = dict(named["Phiên"][1:])
    other = dict(pseudonymised["Phiên"][1:])
    assert summary["Tên buổi"] == TITLE and other["Tên buổi"] == f"Lớp bồi dưỡng của {NAME_REMOVED}"
    changed = {k for k in summary if summary[k] != other[k]}
    assert changed == {PERSONAL_DATA, "Tên buổi"}


def test_does_the_first_row_of_the_first_sheet_say_which_it_is(session, plan, bank):
    store, s = session
    for names, start in ((True, "Tệp này có họ tên người tham gia"), (False, "Tệp này không có họ tên người tham gia")):
        first = next(iter(cells(session_workbook(store, plan, bank, s.code, names=names)).values()))
        assert first[0] == ["Mục", "Giá trị"] and first[1][0] == PERSONAL_DATA
        assert first[1][1].startswith(start), first[1][1]
    assert "Luật số 91/2025/QH15" in cells(session_workbook(store, plan, bank, s.code))["Phiên"][1][1]


def test_are_typed_answers_kept_without_names_and_still_never_formulas(session, plan, bank):
    store, s = session
    data = session_workbook(store, plan, bank, s.code, names=False)
    typed = {a["Trả lời"] for a in table(cells(data)["Câu trả lời"])}
    assert f'=HYPERLINK("http://x.example") {NAME_REMOVED}' in typed and f"hỏi anh {NAME_REMOVED}" in typed
    assert "Sở Tư pháp" in typed  # an answer without a name is left as typed
    wb = load_workbook(io.BytesIO(data))
    formula_like = [c for ws in wb for row in ws.iter_rows() for c in row if looks_like_formula(c.value)]
    assert formula_like and all(c.data_type == "s" and c.quotePrefix for c in formula_like)


# ---------------------------------------------------------------- the results export


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_does_the_pseudonymised_results_file_hold_no_name(session, plan, bank, fmt):
    store, _ = session
    named = results_file(plan, store.results(), bank, fmt)
    data = results_file(plan, store.results(), bank, fmt, names=False)
    if fmt == "xlsx":
        assert {n for n, _ in names_in(every_value(cells(named)))} == set(NAMES)
        assert names_in(every_value(cells(data))) == []
    else:
        assert {n for n, _ in names_in(f for row in csv_rows(named) for f in row)} == set(NAMES)
        assert names_in(f for row in csv_rows(data) for f in row) == []


def test_does_the_results_workbook_say_first_whether_it_holds_names(session, plan, bank):
    store, _ = session
    for names, start in ((True, "Tệp này có họ tên"), (False, "Tệp này không có họ tên")):
        book = cells(results_file(plan, store.results(), bank, "xlsx", names=names))
        assert list(book) == ["Thông tin", "Kết quả"]
        assert book["Thông tin"][1][0] == PERSONAL_DATA and book["Thông tin"][1][1].startswith(start)
    results = table(book["Kết quả"])
    assert {r[ATTEMPT_NUMBER] for r in results} == {f"BL-{i:03d}" for i in range(1, len(PEOPLE) + 1)}


def test_does_the_csv_say_it_in_its_first_line_and_stay_a_plain_table(session, plan, bank):
    store, _ = session
    for names, value in ((True, CSV_NAMED), (False, CSV_PSEUDONYMISED)):
        data = results_file(plan, store.results(), bank, "csv", names=names)
        rows = csv_rows(data)
        assert rows[0][0] == PERSONAL_DATA and {r[0] for r in rows[1:]} == {value}
        assert len({len(r) for r in rows}) == 1  # one header line, then records: any CSV reader reads it
        back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        assert len(back) == len(store.results()) and ("Họ và tên" in back.columns) == names
        assert (ATTEMPT_NUMBER in back.columns) != names


# ---------------------------------------------------------------- the commands


def test_do_the_export_commands_pseudonymise_with_an_danh(session, plan, bank, tmp_path, capsys):
    store, s = session
    url = store.url
    out = tmp_path / "phien.xlsx"
    assert main(["export", "session", s.code, "--an-danh", "--output", str(out), "--database", url]) == 0
    book = cells(out.read_bytes())
    assert names_in(every_value(book)) == [] and book["Phiên"][1][1].startswith("Tệp này không có họ tên")
    assert main(["export", "session", s.code, "--output", str(out), "--database", url]) == 0
    assert cells(out.read_bytes())["Phiên"][1][1].startswith("Tệp này có họ tên")  # names by default, said so

    csv_out = tmp_path / "ket-qua.csv"
    assert main(["export", "results", "--pseudonymise", "--output", str(csv_out), "--database", url]) == 0
    rows = csv_rows(csv_out.read_bytes())
    assert names_in(f for row in rows for f in row) == [] and rows[1][0] == CSV_PSEUDONYMISED
    assert main(["export", "results", "--format", "xlsx", "--output", str(tmp_path / "k.xlsx"),
                 "--database", url]) == 0
    assert cells((tmp_path / "k.xlsx").read_bytes())["Thông tin"][1][1].startswith("Tệp này có họ tên")
    capsys.readouterr()


# ---------------------------------------------------------------- self-assessment and city overview


def test_do_the_self_assessment_and_city_files_say_whether_they_name_a_submitter(plan, settings):
    from dataclasses import replace
    from datetime import datetime, timezone

    from toolkit.assessment import report as ar
    from toolkit.assessment.city import Submission, city_overview, overview_xlsx
    from toolkit.assessment.criteria import criteria_for
    from toolkit.assessment.importing import read_assessment_bytes
    from toolkit.assessment.scoring import Entry, score_assessment
    from toolkit.storage.records import AssessmentRecord

    unit = plan.unit("quan_ba_dinh")
    criteria = tuple(criteria_for(plan, settings, unit.key, 2021))
    entries = {criteria[0].id: Entry("chua_thuc_hien")}
    draft = ar.AssessmentView(unit, 2021, criteria, entries, score_assessment(list(criteria), entries, settings))
    first = next(iter(cells(ar.report_xlsx(plan, settings, draft)).values()))
    assert first[1][0] == PERSONAL_DATA and first[1][1].startswith("Tệp này không có họ tên")
    record = AssessmentRecord(1, unit.key, 2021, 1, "submitted", datetime(2021, 12, 1, tzinfo=timezone.utc),
                              datetime(2021, 12, 2, tzinfo=timezone.utc), "Nguyễn Thị Lan")
    data = ar.report_xlsx(plan, settings, replace(draft, record=record))
    first = next(iter(cells(data).values()))
    assert first[1][0] == PERSONAL_DATA and first[1][1].startswith("Tệp này có họ tên người nộp")
    assert read_assessment_bytes("a.xlsx", data, plan, settings).submitted_by == "Nguyễn Thị Lan"  # still imports

    subs = [Submission("doan_luat_su_hn", 2022, {"II.7.a": Entry("hoan_thanh")}, submitted_by="Đỗ Văn Khoa"),
            Submission("ubmttq_tp", 2022, {"II.8.a": Entry("dang_thuc_hien")}, submitted_by="Trịnh Thu Hằng")]
    ov = city_overview(plan, settings, subs, 2022)
    named, pseudonymised = cells(overview_xlsx(plan, ov)), cells(overview_xlsx(plan, ov, names=False))
    assert list(named)[0] == "Thông tin" and named["Thông tin"][1][1].startswith("Tệp này có họ tên")
    assert {n for n, _ in names_in(every_value(named))} == {"Đỗ Văn Khoa", "Trịnh Thu Hằng"}
    assert pseudonymised["Thông tin"][1][1].startswith("Tệp này không có họ tên")
    assert names_in(every_value(pseudonymised)) == []
    assert named["Theo mục"] == pseudonymised["Theo mục"]
