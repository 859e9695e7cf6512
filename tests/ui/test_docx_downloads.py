"""Do the self-assessment page and the city overview page offer their reports as Word files beside the others?"""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest

from toolkit.assessment.criteria import load_settings
from toolkit.assessment.importing import import_assessments
from toolkit.serving.access import PasscodeGate
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.ui.assessment import AssessmentApp
from toolkit.ui.city import CityOverviewApp

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
CODE = "246810"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def settings(plan):
    return load_settings(plan)


def offered(link_html: str, name: str):
    """The Word document inside a download link, after checking its file name and type."""
    assert f'download="{name}"' in link_html
    match = re.search(rf'href="data:{re.escape(WORD)};base64,([^"]+)"', link_html)
    assert match, link_html[:200]
    return docx.Document(io.BytesIO(base64.b64decode(match.group(1))))


def text_of(doc) -> str:
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_does_the_assessment_page_offer_the_version_shown_as_a_word_report(plan, settings, tmp_path):
    app = AssessmentApp(plan, settings, Store(f"sqlite:///{tmp_path / 'assess.sqlite3'}"), today=date(2026, 11, 26))
    app.year_choice.value = 2021
    app.unit.value = "quan_ba_dinh"
    app.criterion.value = "II.2.a"
    app.rating.value = "hoan_thanh"
    app.evidence_link.value = "https://example.vn/bao-cao"
    tab = app.tabs.children[2]  # “Nộp và tải về”
    row = next(w for w in tab.children if getattr(w, "children", None) and app.download_html in w.children)
    assert app.download_docx in row.children  # beside the HTML and Excel downloads
    app.download_docx.click()
    assert app.error.value == ""
    doc = offered(app.download.value, "tu-danh-gia-quan_ba_dinh-2021-v1.docx")
    text = text_of(doc)
    assert "UBND QUẬN BA ĐÌNH" in text and "BẢN NHÁP — chưa nộp (phiên bản 1)" in text
    links = [h.url for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs for h in p.hyperlinks]
    assert "https://example.vn/bao-cao" in links


@pytest.fixture
def city(plan, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", CODE)
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'city.sqlite3'}"))
    assert import_assessments([IMPORTS / "valid.json"], plan, settings, astore).results[0].outcome == "imported"
    return CityOverviewApp(plan, settings, astore, PasscodeGate(astore, "city", env={}, clock=lambda: 1000.0),
                           today=date(2023, 3, 1))


def test_is_the_city_word_report_refused_before_unlocking(city):
    assert city.download_docx is None
    city.on_download_docx()
    assert "nhập đúng mã truy cập trước" in city.gate_message.value and city.download_link is None


def test_does_the_city_page_offer_the_year_as_a_word_report(city):
    city.passcode.value = CODE
    city.unlock.click()
    assert city.unlocked
    city.download_docx.click()
    assert city.error.value == ""
    doc = offered(city.download_link.value, "bao-cao-tong-hop-tu-danh-gia-2022.docx")
    text = text_of(doc)
    assert "SỞ TƯ PHÁP" in text and "Năm 2022" in text
    assert "UBND quận Ba Đình" in text and "26,67%" in text  # the ranking the page shows
    assert "Tải báo cáo tổng hợp năm 2022 (Word)" in city.download_link.value
