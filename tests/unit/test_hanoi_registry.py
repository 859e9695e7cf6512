"""Is the Hanoi city registry (data/hanoi/) true to its sources?

communes-2025.yaml must say what Nghị quyết 1656/NQ-UBTVQH15 says (Điều 1 khoản 1–126, counts in
khoản 127, dates in Điều 2), and every row of the third-party CSV must either agree with its clause or be
reported in CHECK.md. departments-2025.yaml must use real unit keys and the plan's real task lists, and
keep the compiler's readings marked as readings.

The sources live outside the checkout (../shared/sources). Without them the source-dependent tests are
skipped, except under CI (CI=true), where a missing source is a failure.
Reads the files directly (stdlib + PyYAML); the resolution is stripped here independently of
data/hanoi/build_communes.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).parents[2].parent / "shared" / "sources"
NQ = SOURCES / "NQ-1656-NQ-UBTVQH15-2025.md"
CSV_PATH = SOURCES / "hanoi-2025-communes.csv"
README = SOURCES / "README.md"
HANOI = REPO / "data" / "hanoi"
PLAN = REPO / "data" / "plan-241"

FULL = "toàn bộ diện tích tự nhiên, quy mô dân số"
PHRASES = {FULL, "một phần diện tích tự nhiên, quy mô dân số", "một phần diện tích tự nhiên",
           "một phần diện tích tự nhiên, toàn bộ quy mô dân số", "phần còn lại"}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def need(path: Path) -> Path:
    if not path.exists():
        msg = f"source file {path} not found (expected ../shared/sources next to the checkout)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + "; under CI the sources must be present")
        pytest.skip(msg)
    return path


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def communes():
    return load_yaml(HANOI / "communes-2025.yaml")


@pytest.fixture(scope="module")
def departments():
    return load_yaml(HANOI / "departments-2025.yaml")


@pytest.fixture(scope="module")
def plan_units():
    return load_yaml(HANOI / "units.yaml")["units"]


@pytest.fixture(scope="module")
def plan_tasks():
    return load_yaml(PLAN / "tasks.yaml")["tasks"]


@pytest.fixture(scope="module")
def districts(plan_units):
    return [u for u in plan_units if u.get("kind") == "ubnd_cap_huyen"]


@pytest.fixture(scope="module")
def clauses():
    """Điều 1's numbered paragraphs, stripped: blocks split on blank lines, `**` and every backslash
    dropped, all whitespace runs (line breaks included) made one space, NFC."""
    text = nfc(need(NQ).read_text(encoding="utf-8"))
    start = text.index("**Điều 1.")
    end = text.index("**Điều 2.")
    out = {}
    for block in re.split(r"\n[ \t]*\n", text[start:end]):
        plain = " ".join(block.replace("**", "").replace("\\", "").split())
        m = re.match(r"(\d+)\. ", plain)
        if m:
            assert int(m.group(1)) not in out
            out[int(m.group(1))] = plain
    return out


@pytest.fixture(scope="module")
def resolution_plain():
    text = nfc(need(NQ).read_text(encoding="utf-8"))
    return " ".join(text.replace("**", "").replace("*", " ").replace("\\", "").split())


@pytest.fixture(scope="module")
def counts(clauses):
    """khoản 127 (the last numbered paragraph of Điều 1): total, phường, xã — read from the text."""
    last = max(clauses)
    m = re.search(r"có (\d+) đơn vị hành chính cấp xã, gồm (\d+) phường và (\d+) xã", clauses[last])
    assert m, f"khoản {last} does not state the counts"
    return {"clause": last, "total": int(m.group(1)), "phuong": int(m.group(2)), "xa": int(m.group(3))}


@pytest.fixture(scope="module")
def csv_rows():
    with need(CSV_PATH).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for line, r in enumerate(rows, start=2):
        r["_line"] = line
    return rows


@pytest.fixture(scope="module")
def check_md():
    return (HANOI / "CHECK.md").read_text(encoding="utf-8")


def reported_csv_lines(check_md: str) -> set[int]:
    return {int(x) for x in re.findall(r"CSV dòng (\d+)", check_md)}


def body(clause_text: str) -> str:
    """The part of a clause that lists former units (before 'thành phường/xã mới')."""
    return re.split(r" thành (?:phường|xã) mới có tên gọi", clause_text)[0]


def bare(name: str) -> str:
    return re.sub(r"^(?:Phường|Xã|Thị trấn) ", "", name)


def named_in(name: str, clause_text: str) -> bool:
    """Is this former unit named, exactly as spelled, in the clause's list of former units?"""
    pat = (r"(?:phường|xã|trấn|,|và) " + re.escape(bare(name))
           + r"(?=,| và | \(| sau khi|$)")
    return re.search(pat, body(clause_text)) is not None


# ---------------------------------------------------------------------------------------------- communes

def test_is_there_one_unit_per_clause_1_to_126(communes, clauses, counts):
    assert sorted(u["clause"] for u in communes["units"]) == list(range(1, counts["clause"]))
    assert sorted(clauses) == list(range(1, counts["clause"] + 1))
    assert communes["schema_version"] == 1


def test_does_each_source_equal_its_clause_text(communes, clauses):
    for u in communes["units"]:
        assert u["source"] == clauses[u["clause"]], u["key"]


def test_is_each_name_the_one_the_clause_gives(communes, clauses):
    for u in communes["units"]:
        m = re.search(r"thành (phường|xã) mới có tên gọi là (phường|xã) (.+)\.$", clauses[u["clause"]])
        assert m and m.group(1) == m.group(2), u["clause"]
        assert u["name"] == m.group(2).capitalize() + " " + m.group(3)
        assert u["kind"] == {"phường": "phuong", "xã": "xa"}[m.group(1)]


def test_do_the_counts_agree_with_khoan_127(communes, clauses, counts, csv_rows):
    units = communes["units"]
    kinds = Counter(u["kind"] for u in units)
    assert (len(units), kinds["phuong"], kinds["xa"]) == (counts["total"], counts["phuong"], counts["xa"])
    # the same numbers straight from the clause texts, and from the CSV
    from_text = Counter(re.search(r"thành (phường|xã) mới", clauses[n]).group(1)
                        for n in range(1, counts["clause"]))
    assert (from_text["phường"], from_text["xã"]) == (counts["phuong"], counts["xa"])
    csv_new = {r["new_code"]: r["new_name"] for r in csv_rows}
    assert len(csv_new) == counts["total"]
    assert sum(v.startswith("Phường ") for v in csv_new.values()) == counts["phuong"]
    assert sum(v.startswith("Xã ") for v in csv_new.values()) == counts["xa"]
    assert communes["source"]["counts"] == {"units": counts["total"], "phuong": counts["phuong"],
                                            "xa": counts["xa"]}
    assert (counts["total"], counts["phuong"], counts["xa"]) == (126, 51, 75)


def test_are_the_source_excerpts_verbatim(communes, resolution_plain, clauses, counts):
    src = communes["source"]
    for k in ("title_excerpt", "date_excerpt", "issuer_excerpt", "counts_excerpt"):
        assert src[k] in resolution_plain, k
    assert src["counts_excerpt"] == clauses[counts["clause"]]
    eff = src["effective"]
    assert eff["in_force_excerpt"] in resolution_plain
    assert eff["units_operate_from_excerpt"] in resolution_plain
    assert "01 tháng 7 năm 2025" in eff["units_operate_from_excerpt"]
    assert eff["units_operate_from"] == dt.date(2025, 7, 1)
    assert src["number"] == "1656/NQ-UBTVQH15" and f"Số: {src['number']}" in resolution_plain
    assert src["date"] == dt.date(2025, 6, 16)
    assert all(u["valid_from"] == dt.date(2025, 7, 1) for u in communes["units"])


def test_does_every_csv_row_match_a_unit_named_in_its_clause(communes, clauses, csv_rows, check_md):
    """Rows whose former unit is not named, as spelled, in their clause must all be reported in CHECK.md,
    and the data must either leave them out or record the CSV's spelling next to the text's."""
    by_clause = {u["clause"]: u for u in communes["units"]}
    unmatched = [r for r in csv_rows if not named_in(nfc(r["old_name"]), clauses[int(r["nq1656_clause"])])]
    reported = reported_csv_lines(check_md)
    assert {r["_line"] for r in unmatched} <= reported
    for r in unmatched:
        entries = [e for e in by_clause[int(r["nq1656_clause"])]["formed_from"] if e.get("code") == r["old_code"]]
        assert not entries or entries[0].get("csv_name") == r["old_name"], r
    # everything else matches a formed_from entry with the CSV's code, name and district
    for r in csv_rows:
        if r in unmatched:
            continue
        entries = [e for e in by_clause[int(r["nq1656_clause"])]["formed_from"] if e.get("code") == r["old_code"]]
        assert len(entries) == 1, r
        e = entries[0]
        assert e["name"] == r["old_name"] and e["district"] == r["old_district"], r
        if e["share"] != r["share"]:
            assert r["_line"] in reported, r


def test_is_every_former_unit_named_in_its_clause(communes, clauses, csv_rows, check_md):
    csv_keys = {(int(r["nq1656_clause"]), r["old_code"]) for r in csv_rows}
    for u in communes["units"]:
        text = clauses[u["clause"]]
        for e in u["formed_from"]:
            assert named_in(e["name"], text), (u["clause"], e["name"])
            assert e["phrase"] in PHRASES and e["phrase"] in text, (u["clause"], e)
            assert e["share"] == ("full" if e["phrase"] == FULL else "partial"), (u["clause"], e)
            if e.get("code") is None or (u["clause"], e["code"]) not in csv_keys:
                assert f"“{e['name']}”" in check_md, (u["clause"], e["name"])
            if e.get("district_source") == "nq1656":
                assert f"{bare(e['name'])} ({e['district'][0].lower()}{e['district'][1:]})" in text


def test_is_each_former_unit_whole_in_one_place_or_split(communes):
    """A unit taken whole ('toàn bộ') goes into one new unit only; one taken in part into two or more."""
    seen = defaultdict(list)
    for u in communes["units"]:
        for e in u["formed_from"]:
            seen[e["code"]].append(e["share"])
    for code, shares in seen.items():
        assert shares == ["full"] or (len(shares) > 1 and set(shares) == {"partial"}), (code, shares)
    assert len(seen) == 526


def test_are_codes_those_of_the_csv(communes, csv_rows):
    new_code = {int(r["nq1656_clause"]): r["new_code"] for r in csv_rows}
    codes = [u["code"] for u in communes["units"]]
    assert all(isinstance(c, str) and re.fullmatch(r"\d{5}", c) for c in codes)
    assert len(set(codes)) == len(codes)
    for u in communes["units"]:
        assert u["code"] == new_code[u["clause"]], u["key"]


def test_are_succeeds_districts_real_districts_that_all_have_successors(communes, districts):
    by_key = {d["key"]: d for d in districts}
    by_name = {d["name"]: d["key"] for d in districts}
    assert len(districts) == 30
    covered = set()
    for u in communes["units"]:
        assert u["succeeds_districts"], u["key"]
        for k in u["succeeds_districts"]:
            assert k in by_key, k
            assert by_key[k]["valid_to"] == dt.date(2025, 6, 30), k
        derived = {by_name["UBND " + e["district"][0].lower() + e["district"][1:]] for e in u["formed_from"]}
        assert set(u["succeeds_districts"]) == derived, u["key"]
        covered |= set(u["succeeds_districts"])
    assert covered == set(by_key)


def test_are_keys_unique_ascii_and_clear_of_plan_keys(communes, plan_units):
    keys = [u["key"] for u in communes["units"]]
    assert len(set(keys)) == len(keys)
    plan_keys = {u["key"] for u in plan_units}
    plan_keys |= {a["key"] for a in load_yaml(HANOI / "agencies.yaml")["agencies"]}
    assert not set(keys) & plan_keys
    for u in communes["units"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", u["key"]), u["key"]
        ascii_name = "".join(c for c in unicodedata.normalize("NFD", u["name"].replace("Đ", "D").replace("đ", "d"))
                             if not unicodedata.combining(c))
        assert u["key"] == "_".join(re.findall(r"[a-z0-9]+", ascii_name.lower())), u["key"]
    assert "phuong_ba_dinh" in keys and "xa_soc_son" in keys


def walk_strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from walk_strings(k)
            yield from walk_strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk_strings(v)


def test_is_every_string_nfc():
    for name in ("communes-2025.yaml", "departments-2025.yaml", "CHECK.md", "build_communes.py"):
        text = (HANOI / name).read_text(encoding="utf-8")
        assert nfc(text) == text, name
    for name in ("communes-2025.yaml", "departments-2025.yaml"):
        for s in walk_strings(load_yaml(HANOI / name)):
            assert nfc(s) == s and s == s.strip(), (name, s)


def test_does_the_generator_reproduce_the_files():
    need(NQ)
    need(CSV_PATH)
    r = subprocess.run([sys.executable, str(HANOI / "build_communes.py"), "--check"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------------------------------------- departments

def tasks_of(plan_tasks, key):
    return {"lead": [t["id"] for t in plan_tasks if key in t["lead"]],
            "coordinating": [t["id"] for t in plan_tasks if key in t["coordinating"]]}


def test_do_mergers_use_real_unit_keys(departments, plan_units):
    unit_keys = {u["key"] for u in plan_units}
    unit_names = {u["name"] for u in plan_units}
    not_in = {x["name"] for x in departments["former_not_in_units"]}
    for m in departments["mergers"]:
        assert m["valid_from"] == dt.date(2025, 3, 1)
        for f in m["former"]:
            if f["unit_key"] is None:
                assert f["name"] in not_in and f["name"] not in unit_names, f
            else:
                assert f["unit_key"] in unit_keys, f
        s = m["successor"]
        if s["key_status"] == "continues":
            assert s["key"] in unit_keys and s["key"] in {f["unit_key"] for f in m["former"]}
            assert [f for f in m["former"] if f["unit_key"] == s["key"]][0].get("valid_to") is None
        else:
            assert s["key_status"] == "new" and s["key"] not in unit_keys
    assert {m["successor"]["key"] for m in departments["mergers"]} == {
        "so_khcn", "so_noi_vu", "so_tai_chinh", "so_dan_toc_ton_giao"}
    assert departments["source"]["number"] is None


def test_are_plan_tasks_the_plans_own(departments, plan_tasks):
    agencies = {a["key"]: a for a in load_yaml(HANOI / "agencies.yaml")["agencies"]}
    assert departments["group_tasks"]["so_ban_nganh"] == tasks_of(plan_tasks, "so_ban_nganh")
    listed = set()
    for m in departments["mergers"]:
        assert set(m["plan_tasks"]) == {f["unit_key"] for f in m["former"] if f["unit_key"]}
        for key, t in m["plan_tasks"].items():
            assert {"lead": t["lead"], "coordinating": t["coordinating"]} == tasks_of(plan_tasks, key), key
            assert t["member_of"] == agencies[key].get("member_of", []), key
            listed |= set(t["lead"]) | set(t["coordinating"])
        # every task the merged body held by name is covered by a reading
        read = {tid for r in m["reading"] for tid in r["tasks"]}
        assert read == {tid for t in m["plan_tasks"].values() for tid in t["lead"] + t["coordinating"]}
    assert listed == {"II.3.c", "II.3.e.1", "II.3.e.2", "II.3.g", "II.5.c", "II.8.b", "III.6", "II.6.d"}


def test_are_readings_marked_as_the_compilers(departments, plan_units):
    known = {u["key"] for u in plan_units} | {m["successor"]["key"] for m in departments["mergers"]}
    split = set()
    for m in departments["mergers"]:
        for r in m["reading"]:
            assert "Cách đọc của người biên soạn, không phải dữ kiện" in r["note"], r
            assert set(r["could_go_to"]) <= known, r
            assert r["split_possible"] == (len(r["could_go_to"]) > 1 or r.get("unnamed_other", False)), r
            if r["split_possible"]:
                split |= set(r["tasks"])
    assert {"II.3.e.1", "II.3.e.2"} <= split  # vocational training of Sở LĐTBXH


def test_do_departments_cite_exactly_what_the_readme_says(departments):
    readme = " ".join(nfc(need(README).read_text(encoding="utf-8")).split())
    src = departments["source"]
    assert " ".join(src["excerpt"].split()) in readme
    assert "The resolution's own number was not found in the sources available to us." in src["note"]
    assert "The resolution's own number was not found in the sources available to us." in readme
    for rep in src["reports"]:
        assert f"{rep['publisher']}, {rep['date']:%d/%m/%Y}" in readme
        if rep["title"]:
            assert f'"{rep["title"]}"' in readme
    assert f"in force from {src['in_force']:%d/%-m/%Y}" in readme
    assert f"kỳ họp thứ 21 ({src['adopted']:%d/%m/%Y})" in readme
    for m in departments["mergers"]:
        assert m["source"]["excerpt"] in readme, m["id"]
        for f in m["former"]:
            assert f["name"] in m["source"]["excerpt"]
        assert m["successor"]["name"] in m["source"]["excerpt"]
        fn = m["source"].get("functions")
        if fn:
            assert f"{fn['document']}, {fn['date']:%d/%m/%Y}" in readme
