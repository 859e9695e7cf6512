"""Is the printable report (now a Jinja2 template) the same document as before, escaped and without the old defects?

The expected files under tests/data/report/ are the f-string version's output for the same views
(same fixed timestamps) with only the three fixes of issue 12 that the last tests here check, and
Jinja2's spelling of two escapes (&#39; and &#34; where html.escape wrote &#x27; and &quot;: the
same characters). The chart is replaced by fixed bytes so the files stay small and do not depend on
the installed matplotlib; `test_does_the_report_embed_the_real_chart` covers the real one.
Issue 10 regenerated them for the plan data's changes only: rewritten summaries, "Thực hiện" where the
plan does not write "chủ trì", no II.6.b / II.6.c.3 rows for a district (there Sở Tư pháp and Công an
"phối hợp với" the districts, who get no role), and II.6.d as the coordinating criterion rated instead.
Issue 11 added three style rules only (the period of a part-year, the compiler's reading notes): a district's
2021 has neither, so the documents are otherwise unchanged.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from toolkit.assessment import report as ar
from toolkit.assessment.scoring import Entry
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store

EXPECTED = Path(__file__).parent.parent / "data" / "report"
UNIT, YEAR = "quan_ba_dinh", 2021
EVIL = "<script>alert('x')</script>"
FAKE_PNG = b"\x89PNG fixed bytes for the expected files"
SUBMITTED_AT = datetime(2022, 1, 14, 17, 30, 5, tzinfo=timezone.utc)  # 15/01/2022 00:30 in Vietnam

ENTRIES = {
    "II.1.a": Entry("hoan_thanh_cham", evidence_number="12/KH-UBND", evidence_date="2021-02-03",
                    evidence_text="Kế hoạch triển khai Kết luận 80", evidence_link="https://example.vn/kh12"),
    "II.2.a": Entry("hoan_thanh", evidence_text=EVIL, note="Ghi chú & <b>đậm</b>"),
    "II.3.a": Entry("khong_ap_dung", reason="Quận không có đối tượng"),
    "II.6.d": Entry("dang_thuc_hien", evidence_link="javascript:alert(1)"),
    "II.6.a": Entry("hoan_thanh", evidence_date="không rõ", evidence_link='HTTP://example.vn/a?b=1&c=<2>"onclick="x'),
}

# name -> report_html's chart argument; the views are built by `build_views`.
CASES = {"empty": True, "draft": True, "submitted": False, "previous": True}


def _fill(astore, unit, year, entries, submit_by=None):
    record = astore.open_draft(unit, year)
    for tid, e in entries.items():
        astore.save_entry(record.id, tid, e.__dict__)
    return astore.submit(record.id, submit_by) if submit_by else record


def build_views(plan, settings, folder: Path) -> dict[str, ar.AssessmentView]:
    """The views the expected files show, each in its own SQLite file under `folder`."""
    def store(name):
        return AssessmentStore(Store(f"sqlite:///{folder / (name + '.sqlite3')}"))

    views = {}
    views["empty"] = ar.load_view(plan, settings, store("empty"), UNIT, YEAR, None)
    s = store("draft")
    views["draft"] = ar.load_view(plan, settings, s, UNIT, YEAR, _fill(s, UNIT, YEAR, ENTRIES))
    s = store("submitted")
    record = _fill(s, UNIT, YEAR, ENTRIES, submit_by='Trần Thị "Bé" <script>x</script> & Bình')
    view = ar.load_view(plan, settings, s, UNIT, YEAR, record)
    unit = dataclasses.replace(view.unit, name="UBND <script>alert(2)</script> & Đống Đa")
    views["submitted"] = dataclasses.replace(view, unit=unit,
                                             record=dataclasses.replace(record, submitted_at=SUBMITTED_AT))
    s = store("previous")
    _fill(s, UNIT, YEAR - 1, {"II.1.a": Entry("hoan_thanh"), "II.2.a": Entry("dang_thuc_hien")}, submit_by="An")
    views["previous"] = ar.load_view(plan, settings, s, UNIT, YEAR, _fill(s, UNIT, YEAR, ENTRIES))
    return views


def render(plan, settings, views, name: str) -> str:
    return ar.report_html(plan, settings, views[name], chart=CASES[name])


def squeeze(doc: str) -> str:
    """Whitespace between tags and runs of whitespace do not change how a browser shows the page."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", doc)).strip()


@pytest.fixture(scope="module")
def views(plan, settings, tmp_path_factory):
    return build_views(plan, settings, tmp_path_factory.mktemp("report"))


@pytest.fixture
def fixed_chart(monkeypatch):
    monkeypatch.setattr(ar, "chart_png", lambda plan, view: FAKE_PNG)


@pytest.mark.parametrize("name", list(CASES))
def test_is_the_report_the_expected_document(plan, settings, views, fixed_chart, name):
    doc = render(plan, settings, views, name)
    expected = (EXPECTED / f"{name}.html").read_text(encoding="utf-8")
    assert squeeze(doc) == squeeze(expected)  # what a reader sees
    assert doc == expected  # and byte for byte, so any change to the template shows up here


@pytest.mark.parametrize("name", ["empty", "draft", "previous"])
def test_is_the_report_without_a_chart_the_same_document_less_the_chart(plan, settings, views, fixed_chart, name):
    expected = (EXPECTED / f"{name}.html").read_text(encoding="utf-8")
    chart = re.search(r'<div class="chart">.*?</div>', expected).group(0)
    assert ar.report_html(plan, settings, views[name], chart=False) == expected.replace(chart, "")


def test_does_the_report_embed_the_real_chart(plan, settings, views):
    doc = ar.report_html(plan, settings, views["previous"])
    src = re.search(r'<img alt="Biểu đồ tỷ lệ điểm theo mục" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', doc)
    assert src and base64.b64decode(src.group(1)) == ar.chart_png(plan, views["previous"])


def test_does_the_report_escape_markup_in_names_and_evidence(plan, settings, views):
    doc = ar.report_html(plan, settings, views["submitted"], chart=False)
    assert "<script" not in doc.lower()
    assert "UBND &lt;script&gt;alert(2)&lt;/script&gt; &amp; Đống Đa" in doc  # title, header and body
    assert "Trần Thị &#34;Bé&#34; &lt;script&gt;x&lt;/script&gt; &amp; Bình" in doc
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in doc
    assert "Ghi chú &amp; &lt;b&gt;đậm&lt;/b&gt;" in doc


def test_is_the_template_environment_built_once_with_autoescape():
    env = ar._environment()
    assert env is ar._environment() and env.autoescape is True


def test_is_only_an_http_link_clickable(plan, settings, views):
    doc = ar.report_html(plan, settings, views["draft"], chart=False)
    links = re.findall(r'<a ([^>]*)>', doc)
    # the quote in the second URL stays inside the attribute: no onclick attribute appears
    assert links == ['href="https://example.vn/kh12"',
                     'href="HTTP://example.vn/a?b=1&amp;c=&lt;2&gt;&#34;onclick=&#34;x"']
    assert "javascript:alert(1)" in doc and 'href="javascript' not in doc


def test_is_the_not_applicable_reason_printed_once(plan, settings, views):
    """Issue 12: the reason used to appear twice, once as "Lý do không áp dụng" and once as the score's note."""
    doc = ar.report_html(plan, settings, views["draft"], chart=False)
    assert doc.count("Quận không có đối tượng") == 1
    row = re.search(r'<tr data-task="II.3.a">.*?</tr>', doc, re.S).group(0)
    assert "Lý do không áp dụng: Quận không có đối tượng" in row


def test_does_the_report_name_no_file_path(plan, settings, views):
    """Issue 12: readers see whose settings these are, not where they are stored."""
    for name in CASES:
        doc = ar.report_html(plan, settings, views[name], chart=False)
        assert "criteria.yaml" not in doc and "data/" not in doc
        assert "theo thiết lập của Sở Tư pháp" in doc


def test_does_a_section_without_a_scored_criterion_say_so(plan, settings, views):
    """Issue 12: II.3's only criterion is "Không áp dụng", so it has no maximum; "0/0" told the reader nothing."""
    doc = ar.report_html(plan, settings, views["draft"], chart=False)
    sections = re.search(r'<table class="sections">.*?</table>', doc, re.S).group(0)
    row = re.search(r"<tr><td>II\.3\. .*?</tr>", sections, re.S).group(0)
    assert '<td colspan="2">Không có tiêu chí tính điểm trong năm</td>' in row and "0/0" not in row
    assert "0/0" not in sections
