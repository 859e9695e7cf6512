"""Does the plan data say what Plan 241/KH-UBND says? Checks against the plan's own text.

The text in data/plan-241/van-ban/ is a copy of the plan; the item structure below is re-read from
that text independently of the YAML, so a missing or misnumbered task fails here.
"""

import re
from pathlib import Path

import pytest

from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.model import SOURCE_TEXT, parse_deadline
from toolkit.vietnamese import fold, squash

PLAN_TEXT = (DEFAULT_PLAN_DIR / SOURCE_TEXT).read_text(encoding="utf-8")
SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "plan" / "KH-241-UBND-2020.txt"


def lettered_items() -> list[str]:
    """Item ids ('II.3.đ', 'III.1.c', 'II.9', 'III.4') read straight from the plan's text."""
    lines = PLAN_TEXT.splitlines()
    start = next(i for i, text in enumerate(lines) if text.startswith("II. NHIỆM VỤ"))
    end = next(i for i, text in enumerate(lines) if text.startswith("Nơi nhận"))
    part, number, ids, lettered = "II", None, [], set()
    for line in lines[start:end]:
        if line.startswith("III. "):
            part = "III"
        elif m := re.match(r"^(\d+)\. ", line):
            number = m[1]
            ids.append(f"{part}.{number}")
        elif m := re.match(r"^([a-zđ])\) ", line):
            ids.append(f"{part}.{number}.{m[1]}")
            lettered.add(f"{part}.{number}")
    return [i for i in ids if i not in lettered]


def test_repo_copy_of_plan_text_is_the_shared_original():
    """Is the copy we check against the plan text we were given (when it is beside the repo)?"""
    if not SHARED_COPY.exists():
        pytest.skip("shared/plan is not beside this checkout")
    assert PLAN_TEXT == SHARED_COPY.read_text(encoding="utf-8")


def test_every_item_of_parts_ii_and_iii_is_a_task(plan):
    """Does every lettered item (and every unlettered numbered item) have a task or sub-tasks?"""
    items = lettered_items()
    assert len(items) == 42 - 7 + 3  # 42 tasks, of which 7 sub-tasks of the 3 split items II.3.e, II.4.b, II.6.c
    ids = {t.id for t in plan.tasks}
    parents = {t.parent for t in plan.tasks if t.parent}
    for item in items:
        assert item in ids or item in parents, f"{item} is in the plan but not in tasks.yaml"
    for t in plan.tasks:
        assert (t.parent or t.id) in items, f"{t.id} is not an item of the plan"


def test_split_items_are_exactly_the_ones_with_different_leads_or_deadlines(plan):
    split = {}
    for t in plan.tasks:
        if t.parent:
            split.setdefault(t.parent, []).append(t)
    assert sorted(split) == ["II.3.e", "II.4.b", "II.6.c"]
    for parent, subs in split.items():
        assert [s.id for s in subs] == [f"{parent}.{i}" for i in range(1, len(subs) + 1)]
        differs = {(s.lead, s.deadline.kind, s.deadline.year) for s in subs}
        assert len(differs) == len(subs), f"{parent} split without a difference of lead or deadline"
        assert any("tách" in n for n in subs[0].notes), f"{parent}: the reason for the split is not recorded"


def test_every_source_excerpt_is_verbatim(plan):
    text = squash(PLAN_TEXT)
    for t in plan.tasks:
        for excerpt in t.source:
            assert excerpt in text, t.id
        for duty in t.duties:
            assert duty in " ".join(t.source), (t.id, duty)


def test_deadline_agrees_with_the_time_line_in_its_own_source(plan):
    """Where a task's excerpt has a 'Thời gian thực hiện:' line, is the parsed deadline that line?"""
    checked = 0
    for t in plan.tasks:
        found = re.findall(r"Thời gian thực\s*hiện: (.*?)\.(?: |$)", t.source_text)
        if found:
            assert len(found) == 1, t.id
            assert parse_deadline(found[0]) == t.deadline, t.id
            checked += 1
    # Each of the plan's 30 time lines sits in exactly one task's excerpt; II.3.e.2, II.4.b.2 and II.10.b
    # have none and take their deadline from the duty's words (recorded in their notes).
    assert checked == PLAN_TEXT.count("Thời gian thực") == 30


def test_every_time_line_of_the_plan_is_some_tasks_deadline(plan):
    lines = re.findall(r"Thời gian thực\s*hiện: (.*?)\.", squash(PLAN_TEXT))
    deadlines = {(t.deadline.kind, t.deadline.year, t.deadline.quarter) for t in plan.tasks}
    for text in lines:
        d = parse_deadline(text)
        assert (d.kind, d.year, d.quarter) in deadlines, text


def test_agency_aliases_occur_in_the_plan(plan):
    folded = fold(PLAN_TEXT)
    for a in plan.agencies.values():
        for alias in a.aliases:
            assert fold(alias) in folded, (a.key, alias)


def test_requested_tasks_are_the_ones_the_plan_words_de_nghi(plan):
    for t in plan.tasks:
        says_de_nghi = t.source_text.split(") ", 1)[-1].startswith("Đề nghị") or t.source_text.startswith(f"{t.id.split('.')[-1]}. Đề nghị")
        assert t.requested == says_de_nghi, t.id
    assert {t.id for t in plan.tasks if t.requested} == {"II.1.b", "II.8.a", "III.5"}


# Checked by hand against the plan text (lead, coordinating, deadline kind, year, quarter, requested).
HAND_CHECKED = {
    "II.1.a": ({"so_ban_nganh", "ubnd_cap_huyen"}, set(), "once_by", 2020, 4, False),
    "II.1.b": ({"ubmttq_tp", "to_chuc_thanh_vien_mttq", "to_chuc_xh_nghe_nghiep", "hiep_hoi_dn"}, set(), "once_by", 2020, 4, True),
    "II.2.c": ({"ubnd_tp", "ubnd_cap_huyen"}, set(), "annual", None, None, False),
    "II.3.đ": ({"so_gddt"}, {"so_tu_phap", "so_nganh_lien_quan"}, "annual", None, None, False),
    "II.3.e.2": ({"so_ldtbxh"}, {"so_gddt", "so_tu_phap", "so_nganh_lien_quan"}, "after_central", None, None, False),
    "II.4.b.1": ({"so_tu_phap"}, {"so_ban_nganh", "doan_the_tp", "ubnd_cap_huyen"}, "once_by", 2021, 4, False),
    "II.5.b": ({"so_tu_phap"}, {"so_ban_nganh", "doan_the_tp", "ubnd_cap_huyen"}, "year", 2022, None, False),
    "II.5.c": ({"so_tai_chinh"}, {"so_tu_phap", "so_nganh_lien_quan"}, "annual", None, None, False),
    "II.6.c.1": ({"cong_an_tp", "bo_tu_lenh_thu_do"}, set(), "annual", None, None, False),
    "II.6.c.2": ({"bo_tu_lenh_thu_do"}, {"so_tu_phap", "so_ban_nganh", "ubnd_cap_huyen"}, "after_central", None, None, False),
    "II.6.c.3": ({"cong_an_tp"}, {"so_tu_phap", "so_ban_nganh", "ubnd_cap_huyen"}, "after_central", None, None, False),
    "II.6.d": ({"ban_dan_toc"}, {"so_ban_nganh", "ubnd_cap_huyen"}, "annual", None, None, False),
    "II.8.b": ({"so_tai_chinh"}, {"so_tu_phap", "ubmttq_tp", "to_chuc_thanh_vien_mttq"}, "annual", None, None, False),
    "II.10.a": ({"ubnd_tp", "so_ban_nganh", "doan_the_tp", "ubnd_cap_huyen"}, set(), "annual", None, None, False),
    "III.3": ({"so_tu_phap"}, {"so_ban_nganh", "ubmttq_tp", "to_chuc_thanh_vien_mttq", "tand_tp", "vksnd_tp", "ubnd_cap_huyen"}, "ongoing", None, None, False),
    "III.5": ({"ubmttq_tp", "to_chuc_ct_xh", "to_chuc_xh_nghe_nghiep", "hiep_hoi_dn"}, set(), "none", None, None, True),
}


@pytest.mark.parametrize("task_id", sorted(HAND_CHECKED))
def test_hand_checked_assignments(plan, task_id):
    lead, coord, kind, year, quarter, requested = HAND_CHECKED[task_id]
    t = plan.task(task_id)
    assert (set(t.lead), set(t.coordinating), t.deadline.kind, t.deadline.year, t.deadline.quarter, t.requested) == \
        (lead, coord, kind, year, quarter, requested)


def test_ambiguous_readings_are_recorded(plan):
    """Do the tasks whose wording is ambiguous carry a note saying which reading was chosen?"""
    for task_id in ["II.2.c", "II.3.c", "II.4.b.1", "II.6.b", "II.6.c.3", "II.7.a", "II.10.b", "III.3", "III.4"]:
        assert plan.task(task_id).notes, task_id


def test_metadata(plan):
    info = plan.info
    assert (info.number, info.date.isoformat(), info.signer_name, info.signer_title) == \
        ("241/KH-UBND", "2020-12-15", "Lê Hồng Sơn", "Phó Chủ tịch")
    assert [d.number for d in plan.implements] == ["80-KL/TW", "32-CT/TW", "1521/QĐ-TTg", "02-KH/TU"]
    assert [d.number for d in plan.cites] == ["172/KH-UBND", "204/KH-UBND", "Luật Phổ biến, giáo dục pháp luật năm 2012"]
    assert len(plan.purposes) == 3 and len(plan.requirements) == 5
    text = squash(PLAN_TEXT)
    for item in plan.purposes + plan.requirements:
        assert item in text


def test_district_units_as_of_the_plan_date(plan):
    districts = [u for u in plan.units.values() if u.kind == "ubnd_cap_huyen"]
    levels = [u.level for u in districts]
    assert (len(districts), levels.count("Quận"), levels.count("Huyện"), levels.count("Thị xã")) == (30, 12, 17, 1)
    assert all(u.active_in(2020) and not u.active_in(2026) for u in districts)
