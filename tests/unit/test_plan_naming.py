"""Does everything the toolkit writes about “the plan” name it from its metadata (issue 15)?

A second plan is made by copying data/plan-241 and changing its number, date and title in plan.yaml. Its
questions, Moodle exports, assessment reports and city summary must name it, and say "241" nowhere; the
privacy notices and the pages' titles serve every plan and name none.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import shutil

import docx
import openpyxl
import pytest
import yaml

from toolkit.assessment import docx_report as dr
from toolkit.assessment import report as ar
from toolkit.assessment.city import city_overview, overview_xlsx, synthetic_submissions
from toolkit.assessment.criteria import load_settings
from toolkit.assessment.importing import read_assessment_file
from toolkit.assessment.scoring import Entry
from toolkit.cli import main
from toolkit.datafile import DataError
from toolkit.paths import DEFAULT_PLAN_DIR, REPO_ROOT
from toolkit.plan.export import assignment_chart
from toolkit.plan.load import load_plan
from toolkit.plan.naming import file_stem, plan_dated, plan_label, plan_numbered, plan_short
from toolkit.privacy.notices import NOTICE_KEYS, PURPOSES, notice
from toolkit.privacy.record import processing_report
from toolkit.quiz.generate import generate_questions
from toolkit.serving.pages import HOME, PAGES
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store

NUMBER, DATE, TITLE = "36/KH-UBND", datetime.date(2021, 3, 5), (
    "Kế hoạch phổ biến, giáo dục pháp luật năm 2021 trên địa bàn thành phố Hà Nội")
# "241" as a number of its own: commune codes such as "00241" are not Plan 241.
PLAN_241 = re.compile(r"(?<![\d/])241(?!\d)")
UNIT, YEAR = "quan_ba_dinh", 2022
IMPORTS = REPO_ROOT / "tests" / "data" / "imports"


def says_241(text: str) -> list[str]:
    return [text[max(0, m.start() - 40): m.end() + 40] for m in PLAN_241.finditer(text)]


@pytest.fixture(scope="module")
def other_dir(tmp_path_factory):
    """data/plan-241 under another folder name with another number, date and title; the city registry beside it."""
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(DEFAULT_PLAN_DIR.parent / "hanoi", root / "hanoi")
    folder = shutil.copytree(DEFAULT_PLAN_DIR, root / "ke-hoach-36")
    path = folder / "plan.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["plan"].update(number=NUMBER, date=DATE, title=TITLE)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def other(other_dir):
    return load_plan(other_dir)


@pytest.fixture(scope="module")
def other_settings(other, other_dir):
    return load_settings(other, other_dir / "criteria.yaml")


def test_are_the_names_built_from_the_plans_number_date_and_issuer(plan, other):
    assert (plan_short(other), plan_numbered(other), plan_dated(other)) == (
        "Kế hoạch 36/KH-UBND", "Kế hoạch số 36/KH-UBND", "Kế hoạch số 36/KH-UBND ngày 05/03/2021")
    assert plan_label(other) == "Kế hoạch số 36/KH-UBND ngày 05/03/2021 của UBND Thành phố"
    assert plan_label(other, full_issuer=True).endswith("của Ủy ban nhân dân thành phố Hà Nội")
    assert (file_stem(plan), file_stem(other)) == ("KH-241-UBND-2020", "KH-36-UBND-2021")


@pytest.mark.parametrize("number, stem", [("123/QĐ-UBND", "QD-123-UBND-2021"), ("02-KH/TU", "KH-02-TU-2021"),
                                          ("", "KE-HOACH-2021")])
def test_is_the_file_stem_ascii_with_the_symbol_first(other, number, stem):
    assert file_stem(dataclasses.replace(other, info=dataclasses.replace(other.info, number=number))) == stem


def test_do_the_second_plans_questions_cite_it_where_241s_cite_241(plan, other):
    mine, theirs = generate_questions(other), generate_questions(plan)
    assert [q.id for q in mine] == [q.id for q in theirs]  # the same tasks: the same questions
    for q, q241 in zip(mine, theirs):
        assert q.stem == q241.stem.replace("Kế hoạch 241/KH-UBND", "Kế hoạch 36/KH-UBND"), q.id
        texts = "\n".join((q.stem, q.explanation, *q.options, *q.rows))
        assert not says_241(texts), (q.id, says_241(texts))
    assert sum("Kế hoạch 36/KH-UBND" in q.stem for q in mine) > len(mine) / 2


def test_do_the_moodle_exports_file_the_second_plans_questions_under_its_name(other, other_dir, tmp_path):
    (tmp_path / "ngan-hang").mkdir()  # no authored bank: those in quizzes/ are written for Plan 241
    for f in ("gift", "moodle-xml"):
        out = tmp_path / f"cau-hoi.{f}"
        assert main(["--plan-dir", str(other_dir), "export", "questions", "--format", f, "--output", str(out),
                     "--quizzes", str(tmp_path / "ngan-hang")]) == 0
        text = out.read_text(encoding="utf-8")
        paths = re.findall(r"\$course\$/top/[^<\n]*", text)
        assert paths and all(p.startswith("$course$/top/Kế hoạch 36//KH-UBND/") for p in paths), f
        assert not says_241(text), (f, says_241(text)[:3])


@pytest.fixture(scope="module")
def view(other, other_settings, tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('db') / 'naming.sqlite3'}")
    astore = AssessmentStore(store, other.key)
    record = astore.open_draft(UNIT, YEAR)
    astore.save_entry(record.id, "II.1.a", Entry("hoan_thanh", evidence_text="Kế hoạch triển khai").__dict__)
    record = astore.submit(record.id, "Nguyễn Văn An")
    yield ar.load_view(other, other_settings, astore, UNIT, YEAR, record)
    store.engine.dispose()


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells + [d.core_properties.title or ""])


def xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_does_the_units_report_name_the_second_plan_in_every_format(other, other_settings, view):
    html = ar.report_html(other, other_settings, view, chart=False)
    word = docx_text(dr.report_docx(other, other_settings, view, chart=False))
    sheets = xlsx_text(ar.report_xlsx(other, other_settings, view))
    for name, text in (("html", html), ("docx", word)):
        assert "Tự đánh giá kết quả thực hiện Kế hoạch số 36/KH-UBND ngày 05/03/2021 của UBND Thành phố" in text, name
        assert "Thực hiện Kế hoạch số 36/KH-UBND ngày 05/03/2021 của Ủy ban nhân dân thành phố Hà Nội," in text, name
    assert "Kế hoạch số 36/KH-UBND ngày 05/03/2021" in sheets
    assert ar.report_json(other, other_settings, view)["plan"] == NUMBER
    for name, text in (("html", html), ("docx", word), ("xlsx", sheets)):
        assert not says_241(text), (name, says_241(text)[:3])


def test_does_the_city_summary_name_the_second_plan(other, other_settings):
    overview = city_overview(other, other_settings, synthetic_submissions(other, other_settings, [YEAR], seed=2), YEAR)
    word = docx_text(dr.city_docx(other, overview, charts=False))
    sheets = xlsx_text(overview_xlsx(other, overview))
    assert "Tổng hợp kết quả tự đánh giá thực hiện Kế hoạch số 36/KH-UBND ngày 05/03/2021 của UBND Thành phố" in word
    assert "Kế hoạch số 36/KH-UBND" in sheets
    for name, text in (("docx", word), ("xlsx", sheets)):
        assert not says_241(text), (name, says_241(text)[:3])


def test_does_the_assignment_chart_title_name_the_second_plan(other):
    fig = assignment_chart(other)
    assert fig.axes[0].get_title() == "Cơ quan được nêu tên: được giao, phối hợp theo mục của Kế hoạch 36/KH-UBND"


def test_do_the_notices_record_and_page_titles_name_no_plan():
    texts = [notice(k, {}).text for k in NOTICE_KEYS] + [processing_report("sqlite://", "var", {})]
    texts += [t for p in (HOME, *PAGES) for t in (p.title, p.intro)]
    assert not [says_241(t) for t in texts if says_241(t)]
    assert not [t for t in texts if "KH-UBND" in t or "15/12/2020" in t]


def test_does_every_page_a_notice_names_exist_under_that_title():
    """A notice sends a person to a page by its title (“Tra cứu Kế hoạch”): the page must be called so."""
    titles = {p.title for p in (HOME, *PAGES)}
    named = set()
    for text in [notice(k, {}).text for k in NOTICE_KEYS] + list(PURPOSES.values()):
        named.update(re.findall(r"[Tt]rang “([^”]+)”", text))
    assert named and named <= titles, named - titles


def test_is_a_plan_241_file_refused_by_a_plan_numbered_41(plan, settings):
    """The file's plan number must be the plan's as a whole: "41/KH-UBND" is inside "241/KH-UBND"."""
    forty_one = dataclasses.replace(plan, info=dataclasses.replace(plan.info, number="41/KH-UBND"))
    with pytest.raises(DataError) as caught:
        read_assessment_file(IMPORTS / "valid.json", forty_one, settings)
    assert [p.message for p in caught.value.problems if "không phải Kế hoạch số 41/KH-UBND" in p.message]
    assert read_assessment_file(IMPORTS / "valid.json", plan, settings).unit_key == "quan_ba_dinh"


def test_a_plan_issued_with_a_decision_is_named_as_attached_to_it():
    """The sample plan carries its Quyết định's number: “Kế hoạch 9901/QĐ-UBND” would name a plan that is not."""
    from toolkit.paths import REPO_ROOT
    from toolkit.plan.load import load_plan
    from toolkit.plan.naming import plan_dated, plan_short

    plan = load_plan(REPO_ROOT / "tests" / "data" / "plans" / "ke-hoach-mau" / "gold")
    assert plan_short(plan) == "Kế hoạch kèm theo Quyết định 9901/QĐ-UBND"
    assert plan_dated(plan) == "Kế hoạch ban hành kèm theo Quyết định số 9901/QĐ-UBND ngày 12/01/2026"
