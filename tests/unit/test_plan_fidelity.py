"""Does the plan data say what Plan 241/KH-UBND says? Checks against the plan's own text.

The text in data/plan-241/van-ban/ is a copy of the plan; the item structure below is re-read from
that text independently of the YAML, so a missing or misnumbered task fails here.
"""

import re
import unicodedata
from pathlib import Path

import pytest

from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.load import source_file
from toolkit.plan.model import parse_deadline
from toolkit.vietnamese import fold, squash

PLAN_TEXT = source_file(DEFAULT_PLAN_DIR).read_text(encoding="utf-8")
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
    # "- Công an Thành phố, phối hợp với Sở Tư pháp và các sở, ngành…": no chủ trì; its own role is phối hợp.
    "II.6.c.3": (set(), {"cong_an_tp"}, "after_central", None, None, False),
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


def test_do_reading_notes_name_bodies_not_keys(plan):
    """A reading's note is shown to officers as it is: it names bodies as they are called, never by a data key
    (“so_noi_vu”), and says it is the compiler's reading."""
    for r in plan.readings:
        assert not re.search(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", r.note), (r.key, r.note)
        assert r.note == unicodedata.normalize("NFC", r.note), r.key


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


# The tasks whose lead the plan calls "chủ trì" for that very duty (re-read from the text, issue 10).
LEAD_NAMED = {"II.3.đ", "II.3.e.1", "II.3.e.2", "II.4.b.1", "II.4.b.2", "II.5.b", "II.5.c", "II.6.c.2", "II.6.d",
              "II.7.b", "II.8.b", "III.1.a", "III.3"}
# Where "chủ trì" is in the source but not of the lead for the whole task: one bullet of an unsplit item
# (II.3.a, II.3.b), content (II.4.a "vai trò chủ trì của…", II.8.a "do mình chủ trì"), or another body
# (III.2.a "Chỉ đạo cơ quan Tư pháp chủ trì").
CHU_TRI_NOT_OF_THE_LEAD = {"II.3.a", "II.3.b", "II.4.a", "II.8.a", "III.2.a"}


def test_chu_tri_is_recorded_exactly_where_the_plan_writes_it(plan):
    assert {t.id for t in plan.tasks if t.lead_named} == LEAD_NAMED
    for t in plan.tasks:
        says = "chủ trì" in t.source_text.lower()
        if t.lead_named:
            assert "chủ trì" in t.lead_basis.lower(), t.id
            assert all(squash(b) in " ".join(t.source) for b in t.lead_basis.split("[…]")), t.id
            assert any(n in t.lead_basis for k in t.lead for n in (plan.agency(k).short, *plan.agency(k).aliases)), t.id
        elif says:
            assert t.id in CHU_TRI_NOT_OF_THE_LEAD, t.id
            assert any("chủ trì" in n for n in t.notes), f"{t.id}: why this is not the lead's chủ trì is not noted"
    assert {t.id for t in plan.tasks if not t.lead_named and "chủ trì" in t.source_text.lower()} == \
        CHU_TRI_NOT_OF_THE_LEAD


def test_every_task_states_who_it_is_given_to_in_the_plans_words():
    """addressed_to and lead_basis are written out for every task (the loader defaults them for old files)."""
    import yaml

    raw = yaml.safe_load((DEFAULT_PLAN_DIR / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    text = squash(PLAN_TEXT)
    for t in raw:
        assert t.get("addressed_to") and "lead_named" in t and t.get("lead_basis"), t["id"]
        for piece in t["lead_basis"].split("[…]"):
            assert squash(piece) in text, t["id"]


def test_the_three_tasks_without_a_chu_tri(plan):
    """The addressee's own verb is "phối hợp (với)": no lead, the addressee coordinating, a note says so."""
    expect = {"II.6.b": ({"so_tu_phap"}, {"so_ban_nganh", "ubnd_cap_huyen"}),
              "II.6.c.3": ({"cong_an_tp"}, {"so_tu_phap", "so_ban_nganh", "ubnd_cap_huyen"}),
              "III.4": ({"van_phong_ubnd_tp"}, {"so_tu_phap"})}
    assert {t.id for t in plan.tasks if not t.lead} == set(expect)
    for tid, (addressed, works_with) in expect.items():
        t = plan.task(tid)
        assert (set(t.addressed_to), set(t.coordinating), set(t.works_with)) == (addressed, addressed, works_with)
        assert "phối hợp" in t.lead_basis.lower() and "chủ trì" not in t.source_text.lower(), tid
        assert any("không nêu cơ quan chủ trì" in n or "không có từ “chủ trì”" in n for n in t.notes), tid


def test_summaries_keep_the_plans_meaning(plan):
    """Summaries say "chủ trì" only where the source does, and name a body given the task only where
    hints_lead stops "who?" questions; II.3.d no longer adds "phát thanh, truyền hình"; II.4.b.1 keeps
    "khi được Trung ương ban hành"; II.6.b and III.4 keep "Phối hợp"."""
    for t in plan.tasks:
        assert "chủ trì" not in t.summary or "chủ trì" in t.source_text, t.id
        named = [k for k in t.addressed_to if any(fold(n) in fold(t.summary) for n in (plan.agency(k).short,
                                                                                      *plan.agency(k).aliases))]
        assert not named or t.hints_lead, (t.id, named)
    assert "phát thanh" not in plan.task("II.3.d").summary
    assert plan.task("II.4.b.1").summary.endswith("khi được Trung ương ban hành")
    assert plan.task("II.6.b").summary.startswith("Phối hợp") and plan.task("III.4").summary.startswith("Phối hợp")


def test_notes_quote_only_the_plans_words(plan):
    """Text in “ ” in a compiler's note (tasks, agencies, overlaps) is the plan's, verbatim."""
    from toolkit.quiz.checks import plan_quote_problems

    notes = [(t.id, n) for t in plan.tasks for n in t.notes]
    notes += [(a.key, a.note) for a in plan.agencies.values() if a.note]
    notes += [(o.agencies[0], o.note) for o in plan.agency_overlaps if o.note]
    for where, note in notes:
        assert not plan_quote_problems(plan, note), (where, plan_quote_problems(plan, note))
        assert '"' not in note and "\u00ab" not in note, where


def test_overlap_data_gives_its_basis_and_marks_readings(plan):
    text = squash(PLAN_TEXT)
    assert plan.agency_overlaps
    for o in plan.agency_overlaps:
        assert o.basis and all(b in text for b in o.basis), o.agencies
        assert not o.reading or o.note, o.agencies
    # Đoàn Luật sư and Hội Luật gia are treated alike: both among "các tổ chức xã hội - nghề nghiệp".
    assert {k for k in ("doan_luat_su_hn", "hoi_luat_gia_tp") if "to_chuc_xh_nghe_nghiep" in plan.memberships(k)} \
        == {"doan_luat_su_hn", "hoi_luat_gia_tp"}


def test_split_tasks_are_the_plans_dash_bullets_in_order(plan):
    """"mục II.4.b, gạch đầu dòng thứ hai" in a question must be the second "- " bullet of item II.4.b."""
    from toolkit.quiz.generate import cite

    lines = PLAN_TEXT.splitlines()
    for t in plan.tasks:
        if not t.parent:
            continue
        def opens(i):  # the item's first two lines begin its first excerpt
            two = squash(" ".join(lines[i:i + 2]))
            return re.match(r"^[a-zđ]\) ", lines[i]) and t.source[0].startswith(two[:len(t.source[0])][:60])

        letter_line = next(i for i in range(len(lines)) if opens(i))
        bullets = []
        for line in lines[letter_line + 1:]:
            if re.match(r"^([a-zđ]\)|\d+\.) ", line):
                break
            if line.startswith("- "):
                bullets.append(squash(line))
        n = int(t.id.rsplit(".", 1)[1])
        assert bullets[n - 1] in t.source_text, (t.id, bullets[n - 1])
        assert all(b not in t.source_text for i, b in enumerate(bullets) if i != n - 1), t.id
        assert cite(t) == f"mục {t.parent}, gạch đầu dòng {('thứ nhất', 'thứ hai', 'thứ ba')[n - 1]}"
