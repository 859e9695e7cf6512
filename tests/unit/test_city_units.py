"""Does the loaded plan know Hanoi as it is today, and keep the compiler's readings apart from the plan's words?

Properties over all the data: every commune and ward of data/hanoi/communes-2025.yaml, every merged
department of departments-2025.yaml, every reading, every former ward, commune and township. The sources
outside the checkout (../shared/sources) are needed only where a test quotes them; without them those
tests are skipped, except under CI (CI=true), where a missing source is a failure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from tests.unit.test_hanoi_registry import need  # skips without the sources, fails under CI
from toolkit.plan.export import plan_json
from toolkit.plan.model import READING_LABEL
from toolkit.vietnamese import fold, sort_key, squash

REPO = Path(__file__).resolve().parents[2]
HANOI = REPO / "data" / "hanoi"
SOURCES = REPO.parent / "shared" / "sources"
REFORM = date(2025, 7, 1)
MERGER = date(2025, 3, 1)


@pytest.fixture(scope="module")
def registry():
    return yaml.safe_load((HANOI / "communes-2025.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wards(plan, registry):
    return [plan.unit(u["key"]) for u in registry["units"]]


@pytest.fixture(scope="module")
def districts(plan):
    return [u for u in plan.units.values() if u.kind == "ubnd_cap_huyen"]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------------------------------------- the 126 units

def test_does_every_commune_and_ward_load_with_code_clause_and_source(plan, registry, wards):
    assert len(wards) == len(registry["units"]) == 126
    for raw, u in zip(registry["units"], wards):
        assert re.fullmatch(r"\d{5}", u.code) and u.code == raw["code"], u.key
        assert u.source == raw["source"] and u.source.startswith(f"{raw['clause']}. "), u.key
        assert u.source_cite == f"Nghị quyết số 1656/NQ-UBTVQH15, Điều 1 khoản {raw['clause']}", u.key
        assert u.area_name == raw["name"] and u.name == "UBND " + raw["name"][0].lower() + raw["name"][1:]
        assert u.kind == "ubnd_cap_xa" and u.groups == ("ubnd_cap_xa",)
        assert u.level == {"phuong": "Phường", "xa": "Xã"}[raw["kind"]] and u.area_name.startswith(u.level + " ")
        assert u.valid_from == REFORM and u.valid_to is None
        assert u.successor_of == tuple(raw["succeeds_districts"])
        assert [(f.name, f.code, f.district, f.share) for f in u.formed_from] == \
            [(f["name"], f["code"], f["district"], f["share"]) for f in raw["formed_from"]]
    assert len({u.code for u in wards}) == 126


def test_is_each_source_the_clause_of_the_resolution(wards):
    """The loaded source is the clause as the resolution writes it (Markdown stripped), not a retelling."""
    text = nfc(need(SOURCES / "NQ-1656-NQ-UBTVQH15-2025.md").read_text(encoding="utf-8"))
    plain = " ".join(text.replace("**", "").replace("\\", "").split())
    for u in wards:
        assert u.source in plain, u.key


def test_do_the_counts_agree_with_khoan_127(plan, registry, wards):
    m = re.fullmatch(r"127\. Sau khi sắp xếp, thành phố Hà Nội có (\d+) đơn vị hành chính cấp xã, gồm (\d+) phường "
                     r"và (\d+) xã\.", registry["source"]["counts_excerpt"])
    total, phuong, xa = map(int, m.groups())
    levels = [u.level for u in wards]
    assert (len(wards), levels.count("Phường"), levels.count("Xã")) == (total, phuong, xa) == (126, 51, 75)
    assert len(plan.units_on(REFORM)) == len([u for u in plan.units.values() if u.active_on(REFORM)])
    assert sum(u.kind == "ubnd_cap_xa" for u in plan.units_on(REFORM)) == total


def test_does_every_former_district_end_on_30_june_with_successors(plan, districts, wards):
    assert len(districts) == 30
    for d in districts:
        successors = plan.successors(d.key)
        assert successors and all(s in wards for s in successors), d.key
        assert d.valid_to == date(2025, 6, 30) == REFORM - timedelta(days=1), d.key
        assert all(s.valid_from == d.valid_to + timedelta(days=1) for s in successors), d.key


def test_is_2025_split_between_districts_and_wards(plan, districts, wards):
    assert {u.key for u in plan.units_on(date(2025, 6, 30))} >= {d.key for d in districts}
    assert not set(plan.units_on(date(2025, 6, 30))) & set(wards)
    assert set(wards) <= set(plan.units_on(REFORM)) and not set(plan.units_on(REFORM)) & set(districts)
    in_2025 = set(plan.units_on(2025))
    assert set(wards) <= in_2025 and set(districts) <= in_2025
    for u in wards:
        assert u.period_in(2025) == (REFORM, date(2025, 12, 31)) and u.period_in(2024) is None
    for d in districts:
        assert d.period_in(2025) == (date(2025, 1, 1), date(2025, 6, 30)) and d.period_in(2026) is None


def test_is_no_unit_active_on_a_day_it_has_been_succeeded(plan):
    """On the first day of a successor that began after its predecessor, the predecessor has ended; on
    the predecessor's last day it still existed. A body that continues (Sở Nội vụ) is checked at the day
    the predecessor ended."""
    pairs = [(u, plan.unit(p)) for u in plan.units.values() for p in u.successor_of]
    assert len(pairs) >= 126 + 3
    days = sorted({d for u in plan.units.values() for d in (u.valid_from, u.valid_to) if d})
    for u, p in pairs:
        assert p.valid_to is not None, (u.key, p.key)
        handover = p.valid_to + timedelta(days=1)
        assert p.active_on(p.valid_to) and not p.active_on(handover) and u.active_on(handover), (u.key, p.key)
        for day in days:
            for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
                if u.valid_from > p.valid_from:
                    assert not (u.active_on(d) and p.active_on(d)), (u.key, p.key, d)
                elif d > p.valid_to:
                    assert p not in plan.units_on(d)


# ---------------------------------------------------------------------------------------------- departments

def test_do_merged_departments_end_and_pass_to_their_successors(plan):
    data = yaml.safe_load((HANOI / "departments-2025.yaml").read_text(encoding="utf-8"))
    for m in data["mergers"]:
        s = plan.unit(m["successor"]["key"])
        assert s.name == m["successor"]["name"]
        if m["successor"]["key_status"] == "new":
            assert s.valid_from == m["valid_from"] == MERGER and s.source == m["source"]["excerpt"]
            assert "so_ban_nganh" in s.groups and s.source_cite.startswith(m["source"]["cited_in"])
        for f in m["former"]:
            if f["unit_key"] is None:
                continue
            old = plan.unit(f["unit_key"])
            assert old.valid_to == f.get("valid_to"), old.key
            if old.key != s.key:
                assert old.key in s.successor_of, (s.key, old.key)
                renamed = plan.renaming(old.key)
                assert renamed.present_name == s.name and renamed.since == MERGER
                assert plan.name_with_present(old.key) == f"{old.name} (từ 01/3/2025: {s.name})"
                assert plan.name_with_present(old.key, 2024) == old.name  # before the merger: the plan's name only
    assert plan.name_with_present("so_tttt") == "Sở Thông tin và Truyền thông (từ 01/3/2025: Sở Khoa học và Công nghệ)"


def test_does_the_year_over_year_comparison_use_labelled_predecessors(plan, wards):
    for u in wards:
        pairs = plan.comparison_units(u.key, 2024)
        assert pairs and all(is_pred for _, is_pred in pairs), u.key
        assert {p.key for p, _ in pairs} == set(u.successor_of), u.key
        assert plan.comparison_units(u.key, 2026) == [(u, False)]
    assert [(p.key, is_pred) for p, is_pred in plan.comparison_units("so_khcn", 2024)] == [("so_tttt", True)]


# ---------------------------------------------------------------------------------------------- readings

def all_duties(plan):
    """Every unit's duties at every date that matters: each year, and each boundary day and the day after."""
    days = sorted({d for u in plan.units.values() for d in (u.valid_from, u.valid_to) if d})
    whens = list(range(plan.info.period_start, plan.info.period_end + 1)) + days + [d + timedelta(days=1) for d in days]
    for u in plan.units.values():
        for on in [None, *whens]:
            yield u, on, plan.duties(u.key, on)


def test_is_every_duty_from_a_reading_marked_with_its_note(plan):
    readings = {r.key: r for r in plan.readings}
    seen_reading = seen_plan = 0
    for u, on, duties in all_duties(plan):
        own = set()
        for k in ((u.agency,) if u.agency else ()) + u.groups:
            own |= plan.memberships(k)
        for d in duties:
            named = set(getattr(d.task, d.role))
            if d.reading is None:
                # The plan's own words give the unit this role, through its body or its groups.
                assert named & own, (u.key, on, d.task.id)
                assert d.basis_label == "Lời văn Kế hoạch" and d.note is None
                seen_plan += 1
            else:
                r = d.reading
                assert readings[r.key] is r and r.outcome == "passes" and u.key in r.carried_by
                assert d.from_reading and d.basis_label == READING_LABEL == "Ghi chú biên soạn"
                assert d.note == r.note and "Cách đọc của người biên soạn, không phải" in d.note
                assert r.basis and d.from_unit and named & plan.memberships(d.via)
                assert d.from_unit in (r.from_units or u.successor_of)
                # Where the plan's words give the same role, they win: a reading never relabels them.
                assert not (named & own and d.plan_role == d.role)
                seen_reading += 1
    assert seen_reading and seen_plan


def test_do_wards_carry_the_district_duties_as_a_reading(plan, wards, districts):
    district_tasks = [t.id for t in plan.tasks_for_unit(districts[0].key)]
    for u in wards:
        duties = {d.task.id: d for d in plan.duties(u.key, 2026)}
        assert list(duties) == [t for t in district_tasks if t != "II.2.c"], u.key
        assert all(d.reading.key == "xa_phuong_mang_nhiem_vu_cap_huyen" for d in duties.values())
        # III.2.a gives “UBND xã, phường, thị trấn” a role in the plan's own words; the reading adds the lead.
        assert (duties["III.2.a"].role, duties["III.2.a"].plan_role) == ("lead", "coordinating")
        assert plan.duties(u.key, date(2025, 6, 30)) == [] and plan.duties(u.key, 2024) == []


def test_is_every_reading_the_compilers_and_quoted_from_its_sources(plan):
    plan_text = plan.source_text
    resolution = " ".join(nfc(need(SOURCES / "NQ-1656-NQ-UBTVQH15-2025.md").read_text(encoding="utf-8"))
                          .replace("**", "").replace("\\", "").split())
    readme = " ".join(nfc(need(SOURCES / "README.md").read_text(encoding="utf-8")).split())
    texts = {"plan": plan_text, "nq1656": resolution, "sources_readme": readme}
    keys = [r.key for r in plan.readings]
    assert len(keys) == len(set(keys))
    for r in plan.readings:
        assert "Cách đọc của người biên soạn, không phải" in r.note, r.key
        assert r.basis, r.key
        for b in r.basis:
            assert squash(b.excerpt) in texts[b.source], (r.key, b.excerpt)
        if r.outcome == "unknown":
            assert not r.carried_by and r.mentions and "không nói" in r.note, r.key
        else:
            assert r.carried_by, r.key
        assert r.split_possible == (len(r.could_go_to) > 1 or r.unnamed_other), r.key
        assert all(plan.has_task(t) for t in r.tasks + r.except_tasks + r.mentions), r.key


def test_do_the_sources_say_who_carries_the_district_justice_office_and_councils(plan):
    """They do not: both are recorded as readings that give the duties to no one, with the plan's words."""
    office = plan.reading("phong_tu_phap_cap_huyen")
    councils = plan.reading("hoi_dong_phoi_hop_cap_huyen")
    assert office.outcome == councils.outcome == "unknown"
    assert any("Phòng Tư pháp" in b.excerpt for b in office.basis)
    assert any("Hội đồng phối hợp PBGDPL" in b.excerpt for b in councils.basis)
    assert councils in plan.readings_about("hdph_cap_huyen")
    assert "II.2.c" in plan.reading("xa_phuong_mang_nhiem_vu_cap_huyen").except_tasks and "II.2.c" in councils.mentions


def test_is_a_split_department_duty_given_as_possible_to_each_successor(plan):
    for r in plan.readings:
        if r.outcome != "passes" or not r.from_units:
            continue
        for k in r.could_go_to:
            got = {d.task.id: d for d in plan.duties(k, 2026)}
            for t in r.tasks:
                assert t in got, (r.key, k, t)
                if got[t].reading is r:
                    assert set(got[t].shared_with(k)) == set(r.could_go_to) - {k}
            before = {d.task.id: d for d in plan.duties(k, 2024)}
            assert all(d.reading is None for d in before.values()), k  # no reading before 01/3/2025


# ---------------------------------------------------------------------------------------------- finding a unit

def test_is_every_unit_found_by_its_folded_name_and_code(plan):
    for u in plan.units.values():
        for text in filter(None, (u.name, u.area_name, u.code)):
            found = plan.find_units(fold(text), on=u.valid_from)
            assert found and found[0].rank == 0, (u.key, text)
            # The unit is among the exact matches (two units may share a name: a ward and the district it succeeds).
            assert u.key in {m.unit.key for m in found if m.rank == 0}, (u.key, text)
        assert plan.find_units(u.name.upper(), on=u.valid_from)[0].unit == u or u.area_name is None


def test_does_every_former_unit_lead_to_its_successors(plan, wards):
    successors: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}  # by code: a clause may spell a name its own way (Trung Hoà, Trung Hòa)
    for u in wards:
        for f in u.formed_from:
            successors.setdefault(f.code, set()).add(u.key)
            names.setdefault(f.code, set()).add(f.name)
    assert len(successors) == 526
    for code, keys in successors.items():
        for query in {q for name in names[code]
                      for q in (name, fold(re.sub(r"^(Phường|Xã|Thị trấn) ", "", name)))}:
            found = {m.unit.key: m for m in plan.find_units(query, on=REFORM)}
            assert keys <= set(found), (query, keys - set(found))
            for k in keys:
                m = found[k]
                assert m.rank == 0, (query, k)  # the whole name typed is an exact match
                if m.how == "former":
                    # Another former unit of the same name may be the one named (Xã and Thị trấn Yên Viên).
                    assert m.former in plan.unit(k).formed_from and fold(query) in (
                        fold(m.former.name), fold(re.sub(r"^(Phường|Xã|Thị trấn) ", "", m.former.name))), (query, k)
                    assert m.explanation.endswith("→ " + m.unit.area_name), (query, k)
                else:  # the ward kept the former unit's name (Phường Cửa Nam): found by its own name
                    assert m.how == "name" and m.matched in (m.unit.name, m.unit.area_name) or \
                        fold(m.matched) == fold(query), (query, k)
    m = plan.find_units("hang bac", on=REFORM)[0]
    assert (m.unit.area_name, m.explanation) == ("Phường Hoàn Kiếm", "Phường Hàng Bạc → Phường Hoàn Kiếm")


def test_do_exact_and_prefix_matches_come_first(plan):
    for query in ("hoan kiem", "xa soc son", "Đống Đa", "phuong ba dinh", "son tay"):
        found = plan.find_units(query, on=2026)
        ranks = [m.rank for m in found]
        assert ranks == sorted(ranks), query
    assert plan.find_units("xa soc son", on=2026)[0].unit.key == "xa_soc_son"
    assert plan.find_units("Đống", on=2026)[0].unit.key == "phuong_dong_da"


def test_does_the_list_sort_đ_after_d(plan):
    names = [u.area_name for u in plan.units_on(2026) if u.area_name and u.level == "Phường"]
    d = [i for i, n in enumerate(names) if n.startswith("Phường D")]
    dd = [i for i, n in enumerate(names) if n.startswith("Phường Đ")]
    assert d and dd and max(d) < min(dd)
    everyone = plan.units_on()
    assert [sort_key(u.name) for u in everyone] == sorted(sort_key(u.name) for u in everyone)
    assert sorted(["Đông Anh", "Dương Nội", "Yên Hòa", "Ân Thi", "An Khánh"], key=sort_key) == \
        ["An Khánh", "Ân Thi", "Dương Nội", "Đông Anh", "Yên Hòa"]


# ---------------------------------------------------------------------------------------------- export

def test_does_the_json_export_carry_every_unit_and_reading(plan):
    doc = json.loads(json.dumps(plan_json(plan), ensure_ascii=False))
    units = {u["key"]: u for u in doc["units"]}
    assert set(units) == set(plan.units)
    for key, u in units.items():
        unit = plan.unit(key)
        assert (u["name"], u["kind"], u["code"]) == (unit.name, unit.kind, unit.code)
        assert u["valid_from"] == unit.valid_from.isoformat()
        assert u["valid_to"] == (unit.valid_to.isoformat() if unit.valid_to else None)
        assert u["successor_of"] == list(unit.successor_of)
        assert u["readings"] == [r.key for r in plan.readings_of(key)]
    assert sum(1 for u in units.values() if u["code"]) == 126
    assert {r["key"] for r in doc["readings"]} == {r.key for r in plan.readings}
    assert all(r["note_label"] == "Ghi chú biên soạn" and r["note"] for r in doc["readings"])
    assert {r["key"] for r in doc["renamings"]} == {"so_tttt", "so_ldtbxh", "ban_dan_toc"}


def test_does_the_cli_export_carry_the_units_and_mark_readings(capsys):
    from toolkit.cli import main

    assert main(["export", "plan", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(1 for u in doc["units"] if u["code"]) == 126 and {"phuong_hoan_kiem", "so_khcn", "quan_ba_dinh"} <= {u["key"] for u in doc["units"]}
    assert main(["tasks", "--unit", "phuong_hoan_kiem"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line[:1] in "I"]
    assert lines and all("cách đọc của người biên soạn" in line for line in lines)
    assert main(["tasks", "--unit", "quan_ba_dinh"]) == 0
    assert "cách đọc" not in capsys.readouterr().out
