"""Is a self-assessment scored as documented? Expected values are computed by hand in the comments."""

import pytest

from toolkit.assessment.criteria import Criterion, criteria_for, deadline_status, load_settings
from toolkit.assessment.scoring import Entry, completed_before, entry_problems, score_assessment, unit_history
from toolkit.datafile import DataError
from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.records import AssessmentLocked
from toolkit.storage.store import Store


def crit(plan, task_id, role="lead", weight=1.0, status="due"):
    return Criterion(plan.task(task_id), role, "x", weight, status)


def test_hand_computed_score(plan, settings):
    criteria = [
        crit(plan, "II.5.b"),                                      # Hoàn thành: 1 × 100% = 1 of 1
        crit(plan, "II.6.b", "coordinating", 0.5),                 # Đang thực hiện: 0.5 × 50% = 0.25 of 0.5
        crit(plan, "II.3.b"),                                      # Không áp dụng + reason: out of the maximum
        crit(plan, "II.1.a", status="overdue"),                    # "Hoàn thành" on an overdue duty: refused, 0 of 1
        crit(plan, "II.4.b.2", status="awaiting_central"),         # not scored this year
        crit(plan, "II.4.b.1", status="overdue"),                  # Hoàn thành chậm: 75% = 0.75 of 1
        crit(plan, "III.3"),                                       # not rated yet: 0 of 1
    ]
    entries = {
        "II.5.b": Entry("hoan_thanh", evidence_number="45/BC-STP"),
        "II.6.b": Entry("dang_thuc_hien"),
        "II.3.b": Entry("khong_ap_dung", reason="Đơn vị không có báo cáo viên"),
        "II.1.a": Entry("hoan_thanh"),
        "II.4.b.1": Entry("hoan_thanh_cham"),
    }
    s = score_assessment(criteria, entries, settings)
    assert (s.points, s.max_points) == (2.0, 4.5)
    assert s.percent == 44.44 and not s.passed
    assert (s.rated, s.to_rate) == (5, 6) and not s.complete
    assert dict((k, (p, m)) for k, p, m in s.by_section) == {
        "II.5": (1.0, 1.0), "II.6": (0.25, 0.5), "II.3": (0.0, 0.0), "II.1": (0.0, 1.0), "II.4": (0.75, 1.0),
        "III": (0.0, 1.0)}
    by_id = {i.task_id: i for i in s.items}
    assert "quá thời hạn" in by_id["II.1.a"].why and not by_id["II.4.b.2"].counted


def test_not_applicable_needs_a_reason(plan, settings):
    c = crit(plan, "II.3.b")
    assert entry_problems(c, Entry("khong_ap_dung"), settings) == ["Chọn “Không áp dụng” cần ghi rõ lý do."]
    s = score_assessment([c], {"II.3.b": Entry("khong_ap_dung", reason="  ")}, settings)
    assert (s.points, s.max_points) == (0.0, 1.0)  # without a reason it still counts against the unit


def test_all_complete_passes(plan, settings):
    criteria = [crit(plan, "II.5.b"), crit(plan, "II.6.b", "coordinating", 0.5)]
    s = score_assessment(criteria, {"II.5.b": Entry("hoan_thanh"), "II.6.b": Entry("hoan_thanh")}, settings)
    assert (s.points, s.max_points, s.percent, s.passed, s.complete) == (1.5, 1.5, 100.0, True, True)


@pytest.mark.parametrize("task_id,year,kw,expected", [
    ("II.2.a", 2020, {}, "due"),                       # annual
    ("II.2.a", 2027, {}, "due"),
    ("III.1.a", 2023, {}, "due"),                      # no deadline: a standing duty, every year
    ("II.1.a", 2020, {}, "due"),                       # Quý IV/2020
    ("II.1.a", 2021, {}, "overdue"),
    ("II.1.a", 2021, {"completed_in": 2020}, "done_earlier"),
    ("II.5.b", 2021, {}, "not_due"),                   # Năm 2022
    ("II.5.b", 2022, {"completed_in": 2022}, "due"),   # completed this year is still this year's criterion
    ("II.5.b", 2023, {}, "overdue"),
    ("II.6.c.2", 2022, {}, "awaiting_central"),
    ("II.6.c.2", 2022, {"central_issued": True}, "due"),
])
def test_deadline_status(plan, task_id, year, kw, expected):
    assert deadline_status(plan.task(task_id), year, **kw) == expected


def test_weights_follow_section_then_task_then_role(plan, settings, tmp_path):
    text = (DEFAULT_PLAN_DIR / "criteria.yaml").read_text(encoding="utf-8")
    text = text.replace("  sections: {}\n  tasks: {}", '  sections: {"II.4": 2}\n  tasks: {"II.4.a": 3}')
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    custom = load_settings(plan, path)
    assert custom.weight(plan.task("II.4.a"), "lead") == 3
    assert custom.weight(plan.task("II.4.b.1"), "coordinating") == 1.0  # section 2 × role 0.5
    assert custom.weight(plan.task("II.5.a"), "lead") == 1


@pytest.mark.parametrize("old,new,words", [
    ("  - key: dang_thuc_hien", "  - key: hoan_thanh", "Mức đánh giá 'hoan_thanh' bị trùng"),
    ("    not_applicable: true\n", "", "đúng một mức “Không áp dụng”"),
    ("  tasks: {}", '  tasks: {"II.3.f": 2}', "Không có nhiệm vụ 'II.3.f'"),
    ("pass_threshold: 80", "pass_threshold: 180", "pass_threshold"),
])
def test_bad_settings_are_refused_with_file_and_line(plan, tmp_path, old, new, words):
    text = (DEFAULT_PLAN_DIR / "criteria.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "criteria.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_settings(plan, path)
    assert any(words in p.message and p.file.endswith("criteria.yaml") and p.line for p in err.value.problems)


def test_criteria_are_derived_from_the_tasks(plan, settings):
    criteria = criteria_for(plan, settings, "quan_ba_dinh", 2021)
    assert [c.id for c in criteria] == [t.id for t in plan.tasks_for_unit("quan_ba_dinh")]
    roles = {c.id: c.role for c in criteria}
    assert roles["II.1.a"] == "lead" and roles["II.4.b.1"] == "coordinating"
    assert {c.id: c.weight for c in criteria}["II.4.b.1"] == 0.5


def test_requested_duties_can_be_left_out(plan, settings):
    import dataclasses

    names = [c.id for c in criteria_for(plan, settings, "ubmttq_tp", 2021)]
    assert "II.1.b" in names
    without = dataclasses.replace(settings, include_requested=False)
    assert "II.1.b" not in [c.id for c in criteria_for(plan, without, "ubmttq_tp", 2021)]


def test_a_duty_completed_last_year_is_not_assessed_again(plan, settings, tmp_path):
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    d = astore.open_draft("so_tu_phap", 2021)
    astore.save_entry(d.id, "II.4.b.1", {"rating": "hoan_thanh", "evidence_number": "204/KH-UBND"})
    astore.submit(d.id, "Trần Văn Bình")
    done = completed_before(unit_history(astore, "so_tu_phap"), settings, 2022)
    assert done == {"II.4.b.1": 2021}
    status = {c.id: c.status for c in criteria_for(plan, settings, "so_tu_phap", 2022, completed=done)}
    assert status["II.4.b.1"] == "done_earlier" and status["II.5.b"] == "due"


def test_submitting_freezes_a_version_and_edits_make_a_new_one(tmp_path):
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    v1 = astore.open_draft("quan_cau_giay", 2022)
    astore.save_entry(v1.id, "II.2.a", {"rating": "dang_thuc_hien"})
    astore.submit(v1.id, "Lê Hoa")
    with pytest.raises(AssessmentLocked):
        astore.save_entry(v1.id, "II.2.a", {"rating": "hoan_thanh"})
    v2 = astore.open_draft("quan_cau_giay", 2022)
    assert v2.version == 2 and astore.entries(v2.id)["II.2.a"]["rating"] == "dang_thuc_hien"
    astore.save_entry(v2.id, "II.2.a", {"rating": "hoan_thanh"})
    assert astore.entries(v1.id)["II.2.a"]["rating"] == "dang_thuc_hien"  # the submitted version is kept
    assert [a.version for a in astore.versions("quan_cau_giay", 2022)] == [1, 2]
    assert [a.version for a in astore.submitted("quan_cau_giay")] == [1]


def test_is_the_fillers_name_kept_with_a_draft_and_never_shown_as_its_submitter(database_url):
    """Issue 12: the name typed on the page goes with the draft (a reload restores it) until it is submitted."""
    from toolkit.storage.records import InputError

    astore = AssessmentStore(Store(database_url))
    d = astore.open_draft("quan_cau_giay", 2022)
    assert astore.filler(d.id) == ""
    astore.save_filler(d.id, "  Lê   Hoa ")
    assert astore.filler(d.id) == "Lê Hoa"
    assert astore.latest("quan_cau_giay", 2022).submitted_by is None  # reports and files name no submitter yet
    with pytest.raises(InputError):
        astore.save_filler(d.id, "123")
    assert astore.filler(d.id) == "Lê Hoa"
    astore.save_filler(d.id, "")
    assert astore.filler(d.id) == ""
    astore.save_filler(d.id, "Lê Hoa")
    assert astore.submit(d.id, "Nguyễn An").submitted_by == "Nguyễn An"  # the name given when submitting
    with pytest.raises(AssessmentLocked):
        astore.save_filler(d.id, "Người khác")
    assert astore.filler(d.id) == "Nguyễn An"
