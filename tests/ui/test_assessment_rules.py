"""Does the self-assessment page enforce every entry rule exactly as Sở Tư pháp's importer does?

One entry, two judges: the page (saving it, then whether it may be submitted) and the importer (the
unit's exported file with that entry in it). A unit must never be able to submit what the city
refuses, nor be refused what the city would accept. Both call toolkit.assessment.entry.validate_entry;
these tests make sure they keep doing so.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.assessment.entry import TEXT_LIMITS, Entry
from toolkit.assessment.importing import read_assessment_bytes
from toolkit.assessment.scoring import entries_of
from toolkit.datafile import DataError
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.ui.assessment import AssessmentApp, RuleError

VALID = Path(__file__).resolve().parents[1] / "data" / "imports" / "valid.json"  # quan_ba_dinh, 2022
UNIT, YEAR = "quan_ba_dinh", 2022
SETTINGS = settings(max_examples=100, deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'rules.sqlite3'}")


@pytest.fixture
def app(plan, settings, store):
    app = AssessmentApp(plan, settings, store, today=date(2026, 11, 26))
    app.year_choice.value = YEAR
    app.unit.value = UNIT
    assert (app.unit_key, app.year) == (UNIT, YEAR)
    return app


def page_verdict(app, store, task_id: str, entry: Entry) -> tuple[list[str], Entry | None]:
    """What the page says about the entry (empty: it can be submitted) and what it stored."""
    try:
        app.save(task_id, entry)
    except RuleError as exc:
        return [str(exc)], None
    said = [p.removeprefix(f"{task_id}: ") for p in app.submit_problems() if p.startswith(f"{task_id}: ")]
    return said, entries_of(AssessmentStore(store), app.record.id)[task_id]


def import_verdict(plan, settings, task_id: str, entry: Entry) -> tuple[list[str], Entry | None]:
    """What the importer says about the unit's file with this entry in it, and the entry it would store."""
    doc = json.loads(VALID.read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(doc["entries"]) if e["task_id"] == task_id)
    doc["entries"][index] = {"task_id": task_id, **asdict(entry)}
    try:
        imported = read_assessment_bytes("don-vi.json", json.dumps(doc).encode(), plan, settings)
    except DataError as exc:
        assert all(p.where.startswith(f"entries[{index}]") for p in exc.problems), [str(p) for p in exc.problems]
        return [p.message.removeprefix(f"Nhiệm vụ {task_id}: ") for p in exc.problems], None
    return [], imported.entries[task_id]


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- the same verdict on any entry

SIZES = sorted({n for limit in TEXT_LIMITS.values() for n in (limit - 1, limit, limit + 1)})
texts = st.one_of(
    st.sampled_from(["", "  ", "45/BC-UBND", "  có khoảng trắng  ", "dòng 1\ndòng 2", "cột\tcột", "nul\x00",
                     "ngắt dòng Word\x0b", "e\u0301 gõ tổ hợp", "Sở Tư pháp", "\u200b"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "e\u0301", "ế", " "]), st.sampled_from(SIZES)))
links = st.one_of(texts, st.sampled_from(["https://example.gov.vn/bc-45", "HTTP://A.VN/X", "http://", "https://",
                                          "javascript:alert(1)", "http://a b", "  https://a.vn/x  ", "ftp://a.vn",
                                          "https://a.vn/\u00a0x", "www.a.vn"]))
dates = st.one_of(texts, st.sampled_from(["2024-01-15", "15/01/2024", "15-01-2024", "15.01.2024", "31/02/2022",
                                          "2024-1-5", " 2024-01-15 ", "hôm qua", "15/01/2024 08:00"]))


ODD = {"reason": texts, "evidence_number": texts, "evidence_date": dates, "evidence_text": texts,
       "evidence_link": links, "note": texts}
PLAIN = {"reason": st.sampled_from(["", "Quận không có đối tượng"]), "evidence_number": st.sampled_from(["", "45/BC"]),
         "evidence_date": st.sampled_from(["", "2022-12-05"]), "evidence_text": st.just(""),
         "evidence_link": st.sampled_from(["", "https://example.gov.vn/bc-45"]), "note": st.just("")}


@st.composite
def entries(draw, settings_):
    """An entry with at most two odd fields, so each rule is often the only one broken (and the rating's reached)."""
    odd = draw(st.sets(st.sampled_from(sorted(ODD)), max_size=2))
    values = {f: draw(ODD[f] if f in odd else PLAIN[f]) for f in ODD}
    rating = draw(st.sampled_from([None, *settings_.rating_keys, "xuat_sac"]))
    return Entry(rating, central_issued=draw(st.booleans()), **values)


@SETTINGS
@given(data=st.data())
def test_do_the_page_and_the_importer_give_the_same_verdict_on_any_entry(app, store, plan, settings, data):
    task_id = data.draw(st.sampled_from([c.id for c in app.criteria]))
    entry = data.draw(entries(settings))
    page, stored = page_verdict(app, store, task_id, entry)
    city, imported = import_verdict(plan, settings, task_id, entry)
    assert bool(page) == bool(city), (task_id, entry, page, city)
    if not page:
        assert stored == imported  # and both store the same cleaned text


# ---------------------------------------------------------------- the same words for each rule

CASES = {
    "too long": ("II.2.a", Entry("hoan_thanh", evidence_number="x" * 201), "quá dài (201 ký tự; tối đa 200)"),
    "control character": ("II.2.a", Entry("hoan_thanh", evidence_text="a\x00b"), "ký tự điều khiển"),
    "date": ("II.2.a", Entry("hoan_thanh", evidence_date="31/02/2022"), "ngày văn bản “31/02/2022” không đọc được"),
    "link": ("II.2.a", Entry("hoan_thanh", evidence_link="javascript:alert(1)"), "http:// hoặc https://"),
    "bare scheme": ("II.2.a", Entry("hoan_thanh", evidence_link="http://"), "http:// hoặc https://"),
    "reason": ("II.3.a", Entry("khong_ap_dung", reason="  "), "Chọn “Không áp dụng” cần ghi rõ lý do."),
    "overdue": ("II.1.a", Entry("hoan_thanh"), "Nhiệm vụ II.1.a đã quá thời hạn"),
    "not scored": ("II.4.b.2", Entry("hoan_thanh"), "Nhiệm vụ II.4.b.2 không được chấm trong năm này"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_does_each_rule_read_the_same_on_the_page_and_in_the_import_report(app, store, plan, settings, case):
    task_id, entry, words = CASES[case]
    page, _ = page_verdict(app, store, task_id, entry)
    city, _ = import_verdict(plan, settings, task_id, entry)
    assert page == [sentence(m) for m in city] and words.lower() in page[0].lower(), (page, city)


def test_is_a_rating_off_the_scale_refused_by_both_in_their_own_words(app, store, plan, settings):
    """The page says the key is not valid; the import report lists the scale, in the file's terms."""
    page, _ = page_verdict(app, store, "II.2.a", Entry("xuat_sac"))
    city, _ = import_verdict(plan, settings, "II.2.a", Entry("xuat_sac"))
    assert page == ["Mức đánh giá không hợp lệ: xuat_sac."]
    assert city == ["Mức đánh giá “xuat_sac” không có trong thang điểm (nhiệm vụ II.2.a; các mức: "
                    + ", ".join(settings.rating_keys) + ")."]


def test_does_the_page_store_text_as_the_importer_does(app, store, plan, settings):
    entry = Entry("hoan_thanh", evidence_number="  45/BC\n UBND ", note=" Đã gửi\nSở Tư pháp ",
                  evidence_text="Ba\u0300o ca\u0301o")
    _, stored = page_verdict(app, store, "II.2.a", entry)
    _, imported = import_verdict(plan, settings, "II.2.a", entry)
    assert stored == imported == Entry("hoan_thanh", evidence_number="45/BC UBND", note="Đã gửi\nSở Tư pháp",
                                       evidence_text="Bào cáo")
