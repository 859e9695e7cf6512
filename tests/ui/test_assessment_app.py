"""Does the self-assessment page save every change, score live, enforce its rules in the kernel, and submit?"""

from __future__ import annotations

import json
from datetime import date

import pytest

from toolkit.assessment.criteria import load_settings
from toolkit.assessment.scoring import Entry, entries_of
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store
from toolkit.ui.assessment import LOCKED, TAB_RESULT, AssessmentApp, RuleError

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def settings(plan):
    return load_settings(plan)


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'assess.sqlite3'}")


@pytest.fixture
def app(plan, settings, store):
    return AssessmentApp(plan, settings, store, today=TODAY)


def choose(app, unit="quan_ba_dinh", year=2021):
    app.year_choice.value = year
    app.unit.value = unit
    assert app.unit_key == unit and app.year == year, app.notice.value + app.error.value


def rate(app, task_id, key, **fields):
    app.criterion.value = task_id
    assert app.current == task_id
    app.rating.value = key
    for name, value in fields.items():
        getattr(app, name).value = value


def stored(store, app) -> dict[str, Entry]:
    return entries_of(AssessmentStore(store), app.record.id)


def fill_all(app, key="hoan_thanh"):
    for c in app.criteria:
        if c.scored:
            rate(app, c.id, "hoan_thanh_cham" if c.status == "overdue" and key == "hoan_thanh" else key)
    assert app.score.complete, app.status.value


def submit(app, name="Trần Thị Bình"):
    app.name.value = name
    app.submit.click()
    app.confirm.click()


def widget_states(root) -> str:
    """Every synced trait of every widget on the page: what the browser receives."""
    seen, out, todo = set(), [], [root]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        out.append(json.dumps(w.get_state(), default=str, ensure_ascii=False))
        todo.extend(getattr(w, "children", ()))
    return "\n".join(out)


def count_widgets(root) -> int:
    seen, todo = set(), [root]
    while todo:
        w = todo.pop()
        if id(w) not in seen:
            seen.add(id(w))
            todo.extend(getattr(w, "children", ()))
    return len(seen)


# ---------------------------------------------------------------- choosing


def test_does_choosing_a_district_and_year_show_its_criteria_without_writing_anything(app, store):
    choose(app)
    assert len(app.criteria) == 20 and len(app.criterion.options) == 20
    assert "<b>0/17</b> tiêu chí đã đánh giá" in app.status.value
    assert app.current == "II.1.a"  # the first criterion still to rate
    assert "Hoàn thành trong Quý IV năm 2020" in app.card.value and "Đã quá thời hạn" in app.card.value
    assert "qua nhóm UBND quận, huyện, thị xã" in app.card.value
    assert "Nguyên văn Kế hoạch" in app.card.value and "<details" in app.card.value
    assert AssessmentStore(store).latest("quan_ba_dinh", 2021) is None  # looking creates no draft


def test_is_a_unit_outside_its_years_refused_with_a_message_and_the_year_kept(app):
    app.year_choice.value = 2025
    app.unit.value = "quan_ba_dinh"  # the district level ended 30/06/2025: 2025 is its last year
    assert app.year == 2025 and app.unit_key == "quan_ba_dinh"
    app.year_choice.value = 2026
    assert app.year_choice.value == 2026 and app.unit.value == "quan_ba_dinh"  # neither changed behind the user
    assert app.unit_key is None and app.body.children == ()
    assert "không hoạt động trong năm 2026: chấm dứt hoạt động từ 01/7/2025" in app.notice.value
    assert "hãy chọn xã, phường kế thừa: Phường Ba Đình" in app.notice.value
    assert "không hoạt động năm 2026" in dict((v, k) for k, v in app.unit.options)["quan_ba_dinh"]


def test_are_the_years_units_in_the_list(app, plan):
    listed = [v for _, v in app.unit.options][1:]
    assert listed == [u.key for u in plan.units_on(TODAY.year)]
    assert "phuong_hoan_kiem" in listed and "quan_ba_dinh" not in listed


def test_does_the_page_keep_a_small_fixed_number_of_widgets(app):
    """One shared form: the widget count does not grow with the number of criteria (VOILA.md)."""
    choose(app, "quan_ba_dinh", 2021)
    small = count_widgets(app.widget)
    choose(app, "so_tu_phap", 2021)
    assert len(app.criteria) == 27  # not II.3.c, II.6.c.3, III.4: there others "phối hợp với" Sở Tư pháp
    assert count_widgets(app.widget) == small < 60


# ---------------------------------------------------------------- saving


def test_is_every_change_saved_at_once(app, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    assert stored(store, app)["II.2.a"].rating == "hoan_thanh"
    assert "Đã lưu lúc" in app.status.value
    app.evidence_number.value = "45/BC-UBND"
    assert stored(store, app)["II.2.a"].evidence_number == "45/BC-UBND"
    app.evidence_date.value = date(2021, 12, 20)
    assert stored(store, app)["II.2.a"].evidence_date == "2021-12-20"
    app.evidence_text.value = "Báo cáo kết quả PBGDPL năm 2021"
    app.evidence_link.value = "https://badinh.hanoi.gov.vn/bc-45"
    app.note.value = "Đã gửi Sở Tư pháp"
    assert stored(store, app)["II.2.a"] == Entry("hoan_thanh", "", "45/BC-UBND", "2021-12-20",
                                                 "Báo cáo kết quả PBGDPL năm 2021", "https://badinh.hanoi.gov.vn/bc-45",
                                                 "Đã gửi Sở Tư pháp", False)
    assert app.criterion.options[1][0].startswith("✔ II.2.a")


def test_does_progress_and_the_live_score_match_a_hand_computed_case(app):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")                                 # lead 1 × 100% = 1
    rate(app, "II.6.d", "dang_thuc_hien")                             # coordinating 0.5 × 50% = 0.25
    rate(app, "II.3.a", "khong_ap_dung", reason="Không có đối tượng")  # out of the maximum: 15 − 1
    rate(app, "II.1.a", "hoan_thanh_cham")                            # overdue, late: 1 × 75% = 0.75
    s = app.score
    assert (s.points, s.max_points, s.percent) == (2.0, 14.0, 14.29)  # 2 / 14
    assert "<b>4/17</b> tiêu chí đã đánh giá" in app.status.value
    assert "<b>2/14</b> (14,29%)" in app.status.value and "Chưa đạt" in app.status.value
    # II.6.a 1 + II.6.d 0.5 (II.6.b is Sở Tư pháp's "Phối hợp với … UBND quận, huyện, thị xã": no role for them)
    assert dict((k, (p, m)) for k, p, m in s.by_section)["II.6"] == (0.25, 1.5)
    app.tabs.selected_index = TAB_RESULT
    assert "II.6. " in app.result.value and "0,25/1,5" in app.result.value and "16,67%" in app.result.value
    assert app.chart.value[:4] == b"\x89PNG" and app.chart.layout.display is None
    assert 'data-task="II.3.a"' in app.overview.value and "Không áp dụng: Không có đối tượng" in app.overview.value


def test_does_a_section_without_a_maximum_say_so_instead_of_0_of_0(app):
    """Issue 12: II.3's only criterion "Không áp dụng" left "Mục II.3: 0/0 điểm", which told the unit nothing."""
    choose(app)
    rate(app, "II.3.a", "khong_ap_dung", reason="Không có đối tượng")
    assert "Mục II.3: không có tiêu chí tính điểm trong năm" in app.status.value and "0/0" not in app.status.value
    app.tabs.selected_index = TAB_RESULT
    assert "<td colspan=\"2\">Không có tiêu chí tính điểm trong năm</td>" in app.result.value


def test_does_not_applicable_without_a_reason_show_the_rule_and_count_zero(app, store):
    choose(app)
    rate(app, "II.3.a", "khong_ap_dung")
    assert "Chọn “Không áp dụng” cần ghi rõ lý do." in app.entry_note.value
    assert app.reason.layout.display is None  # the reason box appears
    assert stored(store, app)["II.3.a"].rating == "khong_ap_dung"  # kept, so the reason can follow
    assert (app.score.points, app.score.max_points) == (0.0, 15.0)  # still counts its weight, earning 0
    assert app.criterion.options[4][0].startswith("⚠ II.3.a")
    app.reason.value = "Quận không có đối tượng"
    assert app.entry_note.value == "" and app.score.max_points == 14.0


def points_of(app, task_id):
    return next((i.points, i.max_points) for i in app.score.items if i.task_id == task_id)


def test_does_on_time_for_an_overdue_duty_keep_the_choice_and_say_what_to_add(app, store):
    """Issue 12: "Hoàn thành" on II.1.a (due Quý IV/2020) in 2021 was put back to "— Chưa chọn —"."""
    choose(app)
    app.criterion.value = "II.1.a"
    assert "không muộn hơn 31/12/2020" in app.card.value and "Hoàn thành chậm so với thời hạn" in app.card.value
    app.rating.value = "hoan_thanh"
    assert app.rating.value == "hoan_thanh"  # kept on screen ...
    assert stored(store, app)["II.1.a"].rating == "hoan_thanh"  # ... and in the draft, so evidence can follow
    note = app.entry_note.value
    assert "Nhiệm vụ II.1.a đã quá thời hạn (Hoàn thành trong Quý IV năm 2020)" in note
    assert "số, ký hiệu (hoặc liên kết) và ngày của văn bản minh chứng (không muộn hơn 31/12/2020)" in note
    assert "“Hoàn thành chậm so với thời hạn”" in note
    assert points_of(app, "II.1.a") == (0.0, 1.0)  # counts nothing until the document is there
    assert app.criterion.options[0][0].startswith("⚠ II.1.a")
    assert any(p.startswith("II.1.a: Nhiệm vụ II.1.a đã quá thời hạn") for p in app.submit_problems())


def test_is_on_time_for_an_overdue_duty_accepted_with_a_document_dated_by_the_deadline(app, store):
    choose(app)
    rate(app, "II.1.a", "hoan_thanh", evidence_number="12/KH-UBND", evidence_date=date(2021, 3, 10))
    assert "sau ngày 31/12/2020" in app.entry_note.value and app.rating.value == "hoan_thanh"
    app.evidence_date.value = date(2020, 12, 15)
    assert app.entry_note.value == "" and app.criterion.options[0][0].startswith("✔ II.1.a")
    assert stored(store, app)["II.1.a"] == Entry("hoan_thanh", evidence_number="12/KH-UBND",
                                                 evidence_date="2020-12-15")
    assert points_of(app, "II.1.a") == (1.0, 1.0)
    assert not any(p.startswith("II.1.a:") for p in app.submit_problems())


def test_is_late_completion_of_an_overdue_duty_accepted(app, store, settings):
    choose(app)
    rate(app, "II.1.a", "hoan_thanh_cham")
    assert app.entry_note.value == "" and stored(store, app)["II.1.a"].rating == "hoan_thanh_cham"
    assert points_of(app, "II.1.a") == (settings.rating("hoan_thanh_cham").points / 100, 1.0)


def test_does_a_refused_change_stay_on_screen_with_its_reason_and_store_nothing(app, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh", evidence_number="45/BC-UBND")
    app.evidence_number.value = "x" * 201
    assert app.evidence_number.value == "x" * 201  # what the unit typed is not wiped
    assert "Chưa lưu thay đổi này: “Số/ký hiệu văn bản” quá dài (201 ký tự; tối đa 200)." in app.entry_note.value
    assert stored(store, app)["II.2.a"].evidence_number == "45/BC-UBND"
    app.evidence_number.value = "45/BC-UBND ngày 20/12"
    assert app.entry_note.value == "" and stored(store, app)["II.2.a"].evidence_number == "45/BC-UBND ngày 20/12"


def test_does_ticking_central_issued_make_an_awaiting_criterion_due(app, store):
    choose(app)
    app.criterion.value = "II.4.b.2"
    assert "Chờ Trung ương ban hành" in app.card.value
    assert app.central.layout.display is None and app.rating.layout.display == "none"
    app.rating.value = "hoan_thanh"  # crafted: the hidden radio set from the browser
    assert "Chưa lưu thay đổi này" in app.entry_note.value and "không được chấm trong năm này" in app.entry_note.value
    assert app.record is None  # refused: nothing stored
    app.central.value = True
    assert app.by_id["II.4.b.2"].status == "due" and app.rating.layout.display is None
    assert app.score.to_rate == 18 and app.score.max_points == 15.5  # + 0.5 (coordinating)
    assert stored(store, app)["II.4.b.2"].central_issued is True
    app.rating.value = "dang_thuc_hien"
    assert stored(store, app)["II.4.b.2"].rating == "dang_thuc_hien" and app.score.points == 0.25


def test_is_an_unknown_rating_refused(app, store):
    choose(app)
    with pytest.raises(RuleError, match="Mức đánh giá không hợp lệ"):
        app.save("II.2.a", Entry("xuat_sac"))
    app.criterion.value = "II.2.a"
    app.rating.options = list(app.rating.options) + [("Xuất sắc", "xuat_sac")]  # a value the scale lacks
    app.rating.value = "xuat_sac"
    assert "Mức đánh giá không hợp lệ" in app.entry_note.value and app.record is None


def test_is_a_link_that_is_not_a_web_address_refused(app, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    app.evidence_link.value = "javascript:alert(1)"
    assert "http://" in app.entry_note.value and stored(store, app)["II.2.a"].evidence_link == ""
    with pytest.raises(RuleError, match="quá dài"):
        app.save("II.2.a", Entry("hoan_thanh", evidence_number="x" * 201))


def test_does_a_reload_resume_the_draft(app, plan, settings, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh", evidence_number="12/KH-UBND")
    rate(app, "II.2.b", "dang_thuc_hien")
    again = AssessmentApp(plan, settings, store, today=TODAY)
    choose(again)
    assert again.record.id == app.record.id and "<b>2/17</b>" in again.status.value
    assert again.current == "II.1.a"  # the first criterion still to rate
    again.criterion.value = "II.2.a"
    assert again.rating.value == "hoan_thanh" and again.evidence_number.value == "12/KH-UBND"


def test_does_a_reload_restore_the_fillers_name_so_submitting_works(app, plan, settings, store):
    """Issue 12: the name was lost on reload, and submitting was then refused with “Vui lòng nhập họ và tên”."""
    choose(app)
    app.name.value = "  Trần   Thị Bình "  # typed before the first rating: no draft yet to keep it
    fill_all(app)
    assert AssessmentStore(store).filler(app.record.id) == "Trần Thị Bình"
    assert AssessmentStore(store).latest("quan_ba_dinh", 2021).submitted_by is None  # a draft names no submitter
    again = AssessmentApp(plan, settings, store, today=TODAY)  # a reload: a new page on the same database
    assert again.name.value == ""
    choose(again)
    assert again.name.value == "Trần Thị Bình" and not again.submit.disabled
    again.submit.click()
    again.confirm.click()
    record = AssessmentStore(store).latest("quan_ba_dinh", 2021)
    assert record.submitted and record.submitted_by == "Trần Thị Bình", again.notice.value


def test_is_a_changed_or_cleared_name_kept_with_the_draft(app, plan, settings, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    app.name.value = "Lê Văn Cường"
    assert AssessmentStore(store).filler(app.record.id) == "Lê Văn Cường"
    app.name.value = "123"  # not a name: not stored, and submitting says why
    assert AssessmentStore(store).filler(app.record.id) == "Lê Văn Cường"
    assert any("Họ và tên phải có chữ cái" in p for p in app.submit_problems())
    app.name.value = ""
    assert AssessmentStore(store).filler(app.record.id) == ""
    again = AssessmentApp(plan, settings, store, today=TODAY)
    choose(again)
    assert again.name.value == "" and any("Vui lòng nhập họ và tên" in p for p in again.submit_problems())


# ---------------------------------------------------------------- submitting


def test_is_submitting_refused_while_criteria_are_unrated(app, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    app.name.value = "Trần Thị Bình"
    assert app.submit.disabled
    app.submit.click()  # the browser can click a disabled button
    assert "Chưa nộp được" in app.notice.value and "Còn 16 tiêu chí chưa đánh giá" in app.notice.value
    assert app.confirm_box.layout.display == "none"
    app.confirm.click()  # and the hidden confirm button too
    assert "bấm “Nộp bản tự đánh giá” trước" in app.notice.value
    assert not AssessmentStore(store).latest("quan_ba_dinh", 2021).submitted


def test_does_a_complete_assessment_submit_after_confirming_and_become_read_only(app, store):
    choose(app)
    fill_all(app)
    app.name.value = ""
    app.submit.click()
    assert "Vui lòng nhập họ và tên" in app.notice.value  # the submitter must be named
    app.name.value = "Trần Thị Bình"
    assert not app.submit.disabled and "Đã đánh giá đủ" in app.submit_info.value
    app.submit.click()
    assert app.confirm_box.layout.display is None and not AssessmentStore(store).latest("quan_ba_dinh", 2021).submitted
    app.confirm.click()
    record = AssessmentStore(store).latest("quan_ba_dinh", 2021)
    assert record.submitted and record.submitted_by == "Trần Thị Bình" and record.version == 1
    assert len(stored(store, app)) == 17
    assert "Đã nộp phiên bản 1 lúc" in app.status.value and "Trần Thị Bình" in app.status.value
    assert app.readonly and all(w.disabled for w in app._inputs())
    assert app.edit.layout.display is None and app.submit.layout.display == "none"
    assert "Phiên bản 1: đã nộp" in app.versions.value
    # 13 lead + 4 × 0.5 coordinating = 15; II.1.a done late earns 75%: 15 − 0.25 = 14.75 (98.33%)
    assert "<b>14,75/15</b> (98,33%)" in app.status.value and ">Đạt<" in app.status.value


def test_is_a_change_to_a_submitted_version_refused(app, store):
    choose(app)
    fill_all(app)
    submit(app)
    before = stored(store, app)
    app.criterion.value = "II.2.a"
    app.rating.value = "chua_thuc_hien"  # crafted: the radio is disabled in the browser
    assert LOCKED in app.entry_note.value and app.rating.value == "hoan_thanh"
    app.note.value = "sửa lén"
    assert stored(store, app) == before
    with pytest.raises(RuleError, match="đã nộp"):
        app.save("II.2.a", Entry("chua_thuc_hien"))
    app.submit.click()
    app.confirm.click()
    assert AssessmentStore(store).versions("quan_ba_dinh", 2021)[-1].version == 1


def test_does_submitting_check_the_database_not_this_pages_copy(app, store):
    choose(app)
    fill_all(app)
    app.name.value = "Trần Thị Bình"
    app.submit.click()
    # Meanwhile another page of the same unit marks a criterion "Không áp dụng" without a reason.
    AssessmentStore(store).save_entry(app.record.id, "II.2.b", {"rating": "khong_ap_dung"})
    app.confirm.click()
    assert "II.2.b: Chọn “Không áp dụng” cần ghi rõ lý do." in app.notice.value
    assert not AssessmentStore(store).latest("quan_ba_dinh", 2021).submitted


def test_does_a_submission_from_another_page_lock_this_draft(app, store):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    AssessmentStore(store).submit(app.record.id, "Người khác")  # another kernel submitted meanwhile
    app.rating.value = "dang_thuc_hien"
    assert LOCKED in app.entry_note.value and app.readonly
    assert stored(store, app)["II.2.a"].rating == "hoan_thanh"


def test_does_editing_a_submitted_version_create_version_2_with_its_entries(app, store):
    choose(app)
    fill_all(app)
    app.criterion.value = "II.2.a"
    app.evidence_number.value = "45/BC-UBND"
    submit(app)
    first = stored(store, app)
    app.name.value = ""  # a reload of the submitted version: nobody has typed a name on this page yet
    app.edit.click()
    assert app.record.version == 2 and not app.readonly and stored(store, app) == first
    assert app.name.value == "Trần Thị Bình" == AssessmentStore(store).filler(app.record.id)  # v1's submitter
    assert "Đang sửa phiên bản 2" in app.status.value
    app.criterion.value = "II.2.a"
    assert app.evidence_number.value == "45/BC-UBND"
    app.rating.value = "dang_thuc_hien"
    versions = AssessmentStore(store).versions("quan_ba_dinh", 2021)
    assert [(v.version, v.status) for v in versions] == [(1, "submitted"), (2, "draft")]
    assert entries_of(AssessmentStore(store), versions[0].id)["II.2.a"].rating == "hoan_thanh"  # old one kept
    assert "Phiên bản 1: đã nộp" in app.versions.value and "Phiên bản 2: bản nháp" in app.versions.value


def test_is_last_year_compared_once_it_was_submitted(app, plan, settings, store):
    choose(app, year=2020)
    fill_all(app, "dang_thuc_hien")
    rate(app, "II.1.a", "hoan_thanh")  # due in 2020 (Quý IV/2020) and completed
    submit(app)
    assert app.readonly
    this = AssessmentApp(plan, settings, store, today=TODAY)
    choose(this, year=2021)
    assert this.previous is not None and this.previous.percent == app.score.percent
    assert this.by_id["II.1.a"].status == "done_earlier"  # completed in 2020: not scored again
    this.tabs.selected_index = TAB_RESULT
    assert "Năm 2020" in this.result.value and "Chênh lệch" in this.result.value
    assert this.chart.value[:4] == b"\x89PNG"


def test_is_no_comparison_offered_without_last_years_submission(app):
    choose(app, year=2021)
    app.tabs.selected_index = TAB_RESULT
    assert "Chưa có bản tự đánh giá đã nộp của năm 2020" in app.result.value


# ---------------------------------------------------------------- safety


def test_does_a_failing_callback_show_vietnamese_and_no_traceback(app, monkeypatch):
    choose(app)

    def broken(*args, **kwargs):
        raise RuntimeError("/secret/path/database.sqlite3 is locked")

    monkeypatch.setattr(app.astore, "open_draft", broken)
    app.criterion.value = "II.2.a"
    app.rating.value = "hoan_thanh"
    assert "Không thể lưu đánh giá" in app.error.value
    assert "Traceback" not in widget_states(app.widget) and "/secret/path" not in widget_states(app.widget)


def test_are_names_and_evidence_shown_as_text(app):
    choose(app)
    evil = "<img src=x onerror=alert(1)>"
    fill_all(app)
    app.criterion.value = "II.2.a"
    app.evidence_text.value = evil
    app.note.value = evil
    submit(app, name=evil)
    assert app.readonly, app.notice.value
    app.tabs.selected_index = TAB_RESULT
    states = widget_states(app.widget)
    assert "&lt;img src=x onerror=alert(1)&gt;" in app.status.value
    # The raw text is only ever inside an input's own value (where the browser shows it as text).
    html_values = [w.value for w in (app.status, app.versions, app.card, app.overview, app.result, app.notice,
                                     app.submit_info, app.entry_note)]
    assert not any("<img" in v for v in html_values), states[:200]
    app.download_html.click()
    assert "data:text/html" in app.download.value


def test_do_downloads_offer_the_version_shown(app):
    choose(app)
    rate(app, "II.2.a", "hoan_thanh")
    app.download_xlsx.click()
    assert 'download="tu-danh-gia-quan_ba_dinh-2021-v1.xlsx"' in app.download.value
    app.download_json.click()
    assert 'download="tu-danh-gia-quan_ba_dinh-2021-v1.json"' in app.download.value
    app.download_html.click()
    assert 'download="tu-danh-gia-quan_ba_dinh-2021-v1.html"' in app.download.value


def test_does_the_query_string_preselect_unit_and_year(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("QUERY_STRING", "unit=quan_ba_dinh&year=2021")
    app = AssessmentApp.from_environment()
    assert (app.unit_key, app.year) == ("quan_ba_dinh", 2021) and app.criteria
    monkeypatch.setenv("QUERY_STRING", "unit=khong_co&year=abc")
    app = AssessmentApp.from_environment()
    assert app.unit_key is None and app.error.value == ""
