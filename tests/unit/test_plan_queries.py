"""Do the plan queries answer what officers ask: who leads what, what reaches my unit, search without diacritics?"""

import dataclasses
import shutil

import pytest

from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.load import load_plan, validate_plan_dir
from toolkit.plan.model import parse_deadline
from toolkit.vietnamese import fold, search


def test_models_are_frozen(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.tasks[0].lead = ("so_tu_phap",)
    with pytest.raises(TypeError):
        plan.agencies["x"] = None


def test_tasks_led_by_sở_tư_pháp_directly(plan):
    # Not II.6.b: "b) Sở Tư pháp: - Phối hợp với các sở, ngành, UBND quận, huyện, thị xã tổ chức tập huấn"
    # names no chủ trì; Sở Tư pháp carries it in the role the plan gives it (coordinating).
    assert [t.id for t in plan.tasks_led_by("so_tu_phap", via_groups=False)] == \
        ["II.3.b", "II.4.b.1", "II.4.b.2", "II.5.b", "II.7.b", "III.3"]
    assert "II.6.b" in [t.id for t in plan.tasks_coordinated_by("so_tu_phap", via_groups=False)]


def test_group_duties_reach_members(plan):
    """Does Sở Tư pháp also carry what the plan gives to 'các sở, ban, ngành'?"""
    via = {a.task.id: a.via for a in plan.assignments("so_tu_phap")}
    assert via["II.1.a"] == "so_ban_nganh" and via["II.5.b"] == "so_tu_phap"
    group_tasks = {t.id for t in plan.tasks if "so_ban_nganh" in t.lead + t.coordinating}
    assert group_tasks <= set(via)


def test_a_body_named_both_directly_and_through_its_group_is_counted_once_as_itself(plan):
    """III.1.a has 'các sở, ban, ngành' leading and Sở Tư pháp coordinating: lead through the group wins."""
    found = [a for a in plan.assignments("so_tu_phap") if a.task.id == "III.1.a"]
    assert len(found) == 1 and found[0].role == "lead" and found[0].via == "so_ban_nganh"


def test_coordinated_by(plan):
    # III.4 "Văn phòng UBND Thành phố: có trách nhiệm phối hợp Sở Tư pháp"; not II.3.c, where Sở Thông tin
    # và Truyền thông "Phối hợp với Sở Tư pháp, Văn phòng UBND Thành phố" (no role for either).
    assert [t.id for t in plan.tasks_coordinated_by("van_phong_ubnd_tp", via_groups=False)] == ["III.4"]


def test_works_with_bodies_get_no_role(plan):
    """II.6.b, II.6.c.3, III.4 name no chủ trì: the bodies the addressee "phối hợp với" carry no duty by it."""
    for tid in ("II.6.b", "II.6.c.3", "III.4"):
        t = plan.task(tid)
        assert t.lead == () and t.coordinating == t.addressed_to and t.works_with, tid
        for key in t.works_with:
            assert tid not in {a.task.id for a in plan.assignments(key, via_groups=False)}, (tid, key)


@pytest.mark.parametrize("task_id,role,label", [
    ("II.5.b", "lead", "Chủ trì"),                  # "b) Sở Tư pháp chủ trì, phối hợp với…"
    ("II.3.g", "lead", "Thực hiện"),                # "g) Sở Nội vụ Tham mưu…": no "chủ trì"
    ("II.3.a", "lead", "Thực hiện"),                # "Chủ trì" in the first bullet only, not split
    ("II.1.b", "lead", "Được đề nghị thực hiện"),   # "b) Đề nghị Ủy ban Mặt trận…"
    ("II.6.b", "coordinating", "Phối hợp"),         # "- Phối hợp với các sở, ngành…"
])
def test_role_labels_say_chu_tri_only_where_the_plan_does(plan, task_id, role, label):
    assert plan.task(task_id).role_label(role) == label


@pytest.mark.parametrize("a,b,expected", [
    ("so_ban_nganh", "so_tu_phap", True),           # a group and its member
    ("to_chuc_xh_nghe_nghiep", "hoi_luat_gia_tp", True),  # member, as the Đoàn Luật sư (both read so)
    ("doan_the_tp", "to_chuc_ct_xh", True),         # overlap data (compiler's reading)
    ("to_chuc_thanh_vien_mttq", "to_chuc_ct_xh", True),  # "includes"
    ("doan_the_tp", "ubmttq_tp", True),
    ("to_chuc_xh_nghe_nghiep", "to_chuc_thanh_vien_mttq", True),  # through Hội Luật gia, Đoàn Luật sư
    ("hdph_cac_cap", "so_tu_phap", True),           # "associated" reaches the group holding the Council
    ("so_ban_nganh", "cong_an_tp", True),           # "ngành" may include Công an
    ("so_tu_phap", "so_noi_vu", False),
    ("cong_an_tp", "bo_tu_lenh_thu_do", False),
    ("ubnd_cap_huyen", "ubnd_cap_xa", False),
    ("dai_ptth_hn", "ttxvn_hn", False),
])
def test_overlaps(plan, a, b, expected):
    assert plan.overlaps(a, b) == plan.overlaps(b, a) == expected


def test_a_task_given_by_another_sentence_reaches_its_bodies(plan):
    """III.5's "triển khai thực hiện Kế hoạch này" is every sở's and district's by the closing sentence."""
    t = plan.task("III.5")
    assert plan.given_to(t, "so_tai_chinh") and plan.given_to(t, "ubnd_cap_huyen")
    assert "III.2.a" in plan.related("III.1.a") and "III.1.a" in plan.related("III.2.a")  # symmetric
    assert plan.given_to(plan.task("III.1.a"), "ubnd_cap_huyen")  # III.2.a: the same clause, word for word
    assert not plan.given_to(plan.task("II.6.c.2"), "ubmttq_tp")  # Bộ Tư lệnh, Sở Tư pháp, sở, ngành, districts


def test_members_are_derived_from_member_of(plan):
    members = plan.members("so_ban_nganh")
    assert "so_tu_phap" in members and "cong_an_tp" not in members
    assert set(plan.members("hdph_cac_cap")) == {"hdph_tp", "hdph_cap_huyen"}


def test_tasks_for_a_district(plan):
    ids = [t.id for t in plan.tasks_for_unit("quan_ba_dinh")]
    expected = [t.id for t in plan.tasks if "ubnd_cap_huyen" in t.lead + t.coordinating]
    assert ids == expected
    assert "II.1.a" in ids and "III.2.b" in ids and "II.3.b" not in ids


def test_generic_groups_never_reach_a_unit(plan):
    """'Cơ quan, tổ chức liên quan' names nobody: no unit inherits tasks through it."""
    for unit in plan.units:
        assert not plan.unit_memberships(unit) & {"co_quan_lien_quan", "so_nganh_lien_quan"}


def test_tasks_of_section_and_by_deadline_kind(plan):
    assert [t.id for t in plan.tasks_of_section("II.5")] == ["II.5.a", "II.5.b", "II.5.c"]
    assert [t.id for t in plan.tasks_by_deadline_kind("once_by")] == ["II.1.a", "II.1.b", "II.4.b.1"]
    assert [t.id for t in plan.tasks_by_deadline_kind("year")] == ["II.5.b"]
    assert {t.id for t in plan.tasks_by_deadline_kind("after_central")} == {"II.3.e.2", "II.4.b.2", "II.6.c.2", "II.6.c.3"}


@pytest.mark.parametrize("query", ["so tu phap", "SỞ TƯ PHÁP", "Sở Tư pháp", "sở tư  pháp"])
def test_search_ignores_case_and_diacritics(plan, query):
    assert [t.id for t in plan.search(query)] == [t.id for t in plan.search("Sở Tư pháp")]
    assert "II.5.b" in {t.id for t in plan.search(query)}


def test_search_reads_a_phrase_before_loose_words(plan):
    """'so tu phap' must not match every task with 'cơ sở', 'tư vấn' and 'pháp luật' in it."""
    assert len(plan.search("so tu phap")) < len(plan.tasks) / 2
    assert [t.id for t in plan.search("bo tu lenh thu do chu tri")] == ["II.6.c.2"]
    assert plan.search("không có cụm từ này") == []


def test_search_within_a_subset(plan):
    subset = plan.tasks_of_section("II.4")
    assert [t.id for t in plan.search("trung uong ban hanh", subset)] == ["II.4.b.1", "II.4.b.2"]


def test_fold_handles_đ():
    assert fold("Đoàn Luật sư, đoàn thể") == "doan luat su, doan the"
    assert search("doan", {"a": fold("Đoàn")}) == ["a"]


@pytest.mark.parametrize("text,expected", [
    ("Hoàn thành trong Quý IV năm 2020", ("once_by", 2020, 4)),
    ("Hoàn thành trong Quý IV năm 2021", ("once_by", 2021, 4)),
    ("Năm 2022", ("year", 2022, None)),
    ("Hàng năm", ("annual", None, None)),
    ("Định kỳ hàng năm", ("annual", None, None)),
    ("Sau khi Trung ương ban hành Đề án", ("after_central", None, None)),
    ("khi được Trung ương ban hành", ("after_central", None, None)),
    ("thường xuyên", ("ongoing", None, None)),
    (None, ("none", None, None)),
])
def test_parse_deadline(text, expected):
    d = parse_deadline(text)
    assert (d.kind, d.year, d.quarter) == expected


def test_parse_deadline_refuses_what_it_cannot_read():
    with pytest.raises(ValueError):
        parse_deadline("sớm nhất có thể")


def test_due_dates():
    assert parse_deadline("Hoàn thành trong Quý IV năm 2020").due.isoformat() == "2020-12-31"
    assert parse_deadline("Hoàn thành trong Quý II năm 2021").due.isoformat() == "2021-06-30"
    assert parse_deadline("Năm 2022").due.isoformat() == "2022-12-31"
    assert parse_deadline("Hàng năm").due is None


def copy_plan_with_registry(tmp_path):
    """The plan folder and the city registry beside it, as units.yaml's `registry:` paths expect."""
    folder = tmp_path / "data" / "plan-241"
    shutil.copytree(DEFAULT_PLAN_DIR, folder)
    shutil.copytree(DEFAULT_PLAN_DIR.parent / "hanoi", tmp_path / "data" / "hanoi")
    return folder


def add_ward(tmp_path, how_it_inherits: str):
    """A copy of the plan with one more ward in units.yaml, succeeding Quận Hoàn Kiếm as `how_it_inherits` says."""
    folder = copy_plan_with_registry(tmp_path)
    units = folder / "units.yaml"
    text = units.read_text(encoding="utf-8")
    assert text.endswith("units: []\n")  # the city's units are in data/hanoi/units.yaml; this one is the plan's own
    units.write_text(text[:-len("units: []\n")] + "units:\n"
                     '  - key: phuong_vi_du\n    name: "UBND phường Ví Dụ"\n    kind: ubnd_cap_xa\n'
                     "    groups: [ubnd_cap_xa]\n    valid_from: 2025-07-01\n    successor_of: [quan_hoan_kiem]\n"
                     f"    {how_it_inherits}\n", encoding="utf-8")
    return folder


def test_a_successor_unit_is_added_by_data_alone(tmp_path):
    """Can a new unit take over a former unit's duties with no code change, the inherited ones marked as
    the reading they come from?"""
    plan = load_plan(add_ward(tmp_path, "inherits_reading: xa_phuong_mang_nhiem_vu_cap_huyen"))
    new = plan.duties("phuong_vi_du", 2026)
    old = [t.id for t in plan.tasks_for_unit("quan_hoan_kiem")]
    assert [d.task.id for d in new] == [t for t in old if t != "II.2.c"]  # the reading keeps II.2.c back
    assert all(d.from_reading and d.from_unit == "quan_hoan_kiem" for d in new)
    assert {"ubnd_cap_xa", "ubnd_cap_huyen"} <= plan.unit_memberships("phuong_vi_du")
    assert plan.unit("phuong_vi_du").active_in(2026) and plan.unit("phuong_vi_du").inherits


def test_inherits_alone_is_refused(tmp_path):
    """An inheritance with no reading named would show the compiler's reading as the plan's words."""
    problems = validate_plan_dir(add_ward(tmp_path, "inherits: true"))
    assert [p.message for p in problems if "inherits_reading" in p.message and p.file.endswith("units.yaml")]
