#!/usr/bin/env python3
"""Sinh data/hanoi/communes-2025.yaml và data/hanoi/CHECK.md từ hai nguồn.

Nguồn (thư mục ../shared/sources so với gốc kho, hoặc --sources DIR):
  - NQ-1656-NQ-UBTVQH15-2025.md : Nghị quyết 1656/NQ-UBTVQH15 (bản chuyển Markdown). Văn bản là căn cứ.
  - hanoi-2025-communes.csv     : bảng của bên thứ ba (dvhcvn/20250701); mỗi dòng được đối chiếu với
                                  khoản của Điều 1 mà nó dẫn.
Đơn vị cũ, tỉ lệ (toàn bộ / một phần) và tên mới được đọc từ lời văn của khoản; từ CSV chỉ lấy mã
(new_code, old_code) và quận/huyện cũ (khi khoản không tự ghi trong ngoặc). Mọi chỗ hai nguồn khác
nhau được ghi vào CHECK.md, không sửa lặng lẽ (chỉ chuẩn hóa NFC và khoảng trắng).

Chạy lại:   python3 data/hanoi/build_communes.py            (ghi hai tệp)
            python3 data/hanoi/build_communes.py --check    (không ghi; mã thoát 1 nếu tệp đã lưu khác)
Chỉ dùng thư viện chuẩn và PyYAML. Kết quả xác định (không có dấu thời gian, thứ tự cố định).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]  # data/hanoi -> repo root
DEFAULT_SOURCES = REPO.parent / "shared" / "sources"
NQ_FILE = "NQ-1656-NQ-UBTVQH15-2025.md"
CSV_FILE = "hanoi-2025-communes.csv"
UNITS_FILE = REPO / "data" / "hanoi" / "units.yaml"
AGENCIES_FILE = REPO / "data" / "hanoi" / "agencies.yaml"
OUT_YAML = HERE / "communes-2025.yaml"
OUT_CHECK = HERE / "CHECK.md"

# How a clause says what part of a former unit goes into the new one (longest first).
PHRASES = [
    ("một phần diện tích tự nhiên, toàn bộ quy mô dân số của", "partial"),
    ("toàn bộ diện tích tự nhiên, quy mô dân số của", "full"),
    ("một phần diện tích tự nhiên, quy mô dân số của", "partial"),
    ("một phần diện tích tự nhiên của", "partial"),
    ("phần còn lại của", "partial"),
]
PHRASE_RE = re.compile("(" + "|".join(re.escape(p) for p, _ in PHRASES) + ")")
SHARE_OF = dict(PHRASES)
REF_RE = re.compile(
    r"sau khi sắp xếp theo quy định tại "
    r"(?P<refs>(?:các )?khoản \d+(?:(?:, | và )(?:khoản )?\d+)*)(?: Điều này)?$"
)
ITEM_RE = re.compile(r"^(?:(?P<cac>các) )?(?:(?P<kind>phường|xã|thị trấn) )?(?P<name>.+?)"
                     r"(?: \((?P<dkind>quận|huyện|thị xã) (?P<dname>[^)]+)\))?$")
CLAUSE_RE = re.compile(r"^(?P<n>\d+)\. Sắp xếp (?P<body>.+) thành (?P<kind>phường|xã) mới có tên gọi là "
                       r"(?P<kind2>phường|xã) (?P<name>.+)\.$")
K127_RE = re.compile(r"có (?P<total>\d+) đơn vị hành chính cấp xã, gồm (?P<phuong>\d+) phường và (?P<xa>\d+) xã")
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def ws(s: str) -> str:
    return " ".join(s.split())


def tone_loose(s: str) -> tuple[str, tuple[str, ...]]:
    """Same letters and same tone marks, wherever the mark sits (Hoà / Hòa, Thuỵ / Thụy)."""
    d = unicodedata.normalize("NFD", s)
    return "".join(c for c in d if c not in TONES), tuple(sorted(c for c in d if c in TONES))


def slug(s: str) -> str:
    d = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    a = "".join(c for c in d if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", a).strip("_")


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------------
# The resolution
# --------------------------------------------------------------------------------------------------

def strip_md_line(line: str) -> str:
    """One Markdown line as plain text: `**` removed, backslash escapes (`1\\.`, `\\-`) and trailing
    `\\` line-break markers removed, surrounding blanks trimmed."""
    line = line.replace("**", "")
    line = re.sub(r"\\$", "", line.rstrip())
    line = re.sub(r"\\([^\w\s])", r"\1", line)
    return line.strip()


def paragraphs(lines: list[str]) -> list[str]:
    out, cur = [], []
    for raw in lines:
        s = strip_md_line(raw)
        if s:
            cur.append(s)
        elif cur:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return [ws(p) for p in out]


def read_resolution(path: Path) -> dict:
    raw_text = path.read_text(encoding="utf-8")
    text = nfc(raw_text)
    lines = text.splitlines()
    quirks = []
    non_nfc = sum(1 for l in raw_text.splitlines() if nfc(l) != l)
    if non_nfc:
        quirks.append(f"Tệp Nghị quyết có {non_nfc} dòng không ở dạng NFC (dấu tổ hợp rời); đã chuẩn hóa NFC "
                      "trước khi đọc.")
    for l in lines:
        m = re.match(r"^(\s*)(\d+)(\\?)\. Sắp xếp", l)
        if m and (m.group(1) or not m.group(3)):
            quirks.append(f"Khoản {m.group(2)} trong tệp Markdown bắt đầu bằng {len(m.group(1))} dấu cách và "
                          f"«{m.group(2)}.» không có dấu «\\» như các khoản khác; lời văn không đổi.")
    start = next(i for i, l in enumerate(lines) if strip_md_line(l).startswith("Điều 1."))
    end = next(i for i, l in enumerate(lines) if strip_md_line(l).startswith("Điều 2."))
    end3 = next(i for i, l in enumerate(lines) if strip_md_line(l).startswith("Điều 3."))
    clauses: dict[int, str] = {}
    for p in paragraphs(lines[start + 1:end]):
        m = re.match(r"^(\d+)\. ", p)
        if m:
            n = int(m.group(1))
            if n in clauses:
                raise SystemExit(f"khoản {n} xuất hiện hai lần")
            clauses[n] = p
    if sorted(clauses) != list(range(1, len(clauses) + 1)):
        raise SystemExit(f"các khoản của Điều 1 không liên tục: {sorted(clauses)}")
    dieu2 = {int(re.match(r"^(\d+)\. ", p).group(1)): p
             for p in paragraphs(lines[end + 1:end3]) if re.match(r"^\d+\. ", p)}
    # Whole text as plain words, for checking the metadata excerpts (italics `*` removed too).
    plain = ws(" ".join(strip_md_line(l).replace("*", " ") for l in lines))
    return {"clauses": clauses, "dieu2": dieu2, "plain": plain, "quirks": quirks}


def parse_items(seg: str) -> list[dict]:
    items, kind = [], None
    for tok in re.split(r", | và ", seg):
        m = ITEM_RE.match(tok)
        if not m:
            raise ValueError(f"không tách được: {tok!r}")
        if m.group("kind"):
            kind = m.group("kind")
        if kind is None:
            raise ValueError(f"không rõ loại đơn vị: {tok!r}")
        name = m.group("name")
        if not all(w[:1].isupper() or w[:1].isdigit() or w == "-" for w in name.split()):
            raise ValueError(f"tên không hợp lệ: {name!r} (trong {seg!r})")
        district = None
        if m.group("dkind"):
            district = cap(m.group("dkind")) + " " + m.group("dname")
        items.append({"name": cap(kind) + " " + name, "district_in_clause": district})
    return items


def parse_clause(n: int, text: str) -> dict:
    m = CLAUSE_RE.match(text)
    if not m:
        raise SystemExit(f"khoản {n}: không nhận ra câu 'Sắp xếp ... thành ... mới có tên gọi là ...'")
    if m.group("kind") != m.group("kind2"):
        raise SystemExit(f"khoản {n}: '{m.group('kind')} mới' nhưng tên gọi là '{m.group('kind2')} ...'")
    parts = PHRASE_RE.split(m.group("body"))
    if parts[0].strip():
        raise SystemExit(f"khoản {n}: lời văn trước cụm đầu tiên: {parts[0]!r}")
    former = []
    for phrase, seg in zip(parts[1::2], parts[2::2]):
        seg = seg.strip()
        seg = re.sub(r"(?:,| và)$", "", seg).strip()
        refs: list[int] = []
        if " sau khi " in seg:
            units_part, tail = seg.split(" sau khi ", 1)
            r = REF_RE.match("sau khi " + tail)
            if not r:
                raise SystemExit(f"khoản {n}: không đọc được phần dẫn chiếu {tail!r}")
            refs = [int(x) for x in re.findall(r"\d+", r.group("refs"))]
            seg = units_part.strip()
        elif phrase == "phần còn lại của":
            raise SystemExit(f"khoản {n}: 'phần còn lại' không dẫn chiếu khoản nào: {seg!r}")
        try:
            items = parse_items(seg)
        except ValueError as e:
            raise SystemExit(f"khoản {n}: {e}")
        for it in items:
            it.update(phrase=phrase.removesuffix(" của"), share=SHARE_OF[phrase], refs=refs)
            former.append(it)
    return {"clause": n, "kind": m.group("kind"), "name": cap(m.group("kind")) + " " + m.group("name"),
            "former": former, "text": text}


# --------------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------------

def build(sources: Path) -> tuple[dict, str, list[str]]:
    nq_path, csv_path = sources / NQ_FILE, sources / CSV_FILE
    res = read_resolution(nq_path)
    clauses = res["clauses"]
    last = max(clauses)
    k127 = K127_RE.search(clauses[last])
    if not k127:
        raise SystemExit(f"khoản {last} không nêu tổng số đơn vị")
    counts = {k: int(v) for k, v in k127.groupdict().items()}
    parsed = {n: parse_clause(n, clauses[n]) for n in range(1, last)}

    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = [{k: ws(nfc(v)) for k, v in r.items()} for r in csv.DictReader(fh)]
    by_clause: dict[int, list[dict]] = defaultdict(list)
    for i, r in enumerate(rows, start=2):
        r["_line"] = i
        by_clause[int(r["nq1656_clause"])].append(r)

    units_doc = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))
    plan_units = units_doc["units"]
    district_key = {u["name"]: u["key"] for u in plan_units if u.get("kind") == "ubnd_cap_huyen"}
    district_order = [u["key"] for u in plan_units if u.get("kind") == "ubnd_cap_huyen"]
    taken_keys = {u["key"] for u in plan_units}
    taken_keys |= {a["key"] for a in yaml.safe_load(AGENCIES_FILE.read_text(encoding="utf-8"))["agencies"]}

    issues: dict[str, list[str]] = defaultdict(list)
    notes: list[str] = list(res["quirks"])
    out_units = []
    seen_keys: dict[str, int] = {}
    appearances: dict[str, list[tuple[int, dict]]] = defaultdict(list)  # old_code -> (clause, item)

    for n in range(1, last):
        pc = parsed[n]
        crow = by_clause.get(n, [])
        # --- new unit: name and code
        new_names = {r["new_name"] for r in crow}
        new_codes = {r["new_code"] for r in crow}
        if not crow:
            issues["clause_not_in_csv"].append(f"khoản {n} ({pc['name']}): không có dòng nào trong CSV")
        if len(new_codes) > 1 or len(new_names) > 1:
            issues["new_unit"].append(f"khoản {n}: CSV ghi nhiều mã/tên mới {sorted(new_codes)} {sorted(new_names)}")
        code = sorted(new_codes)[0] if new_codes else None
        for nm in sorted(new_names):
            if nm != pc["name"]:
                kind = "khác cách đặt dấu thanh" if tone_loose(nm) == tone_loose(pc["name"]) else "khác tên"
                issues["new_unit"].append(f"khoản {n}: văn bản «{pc['name']}», CSV «{nm}» ({kind})")
        # --- former units: match each named unit with a CSV row of the same clause
        unmatched_rows = list(crow)
        formed_from = []
        names_here = Counter(it["name"] for it in pc["former"])
        for nm, c in names_here.items():
            if c > 1:
                issues["duplicate_in_clause"].append(f"khoản {n}: «{nm}» được nêu {c} lần")
        for it in pc["former"]:
            cands = [r for r in unmatched_rows if r["old_name"] == it["name"]]
            spelled = None
            if not cands:
                cands = [r for r in unmatched_rows if tone_loose(r["old_name"]) == tone_loose(it["name"])]
                spelled = "khác vị trí dấu thanh" if cands else None
            if not cands:
                cands = [r for r in unmatched_rows
                         if tone_loose(r["old_name"].lower()) == tone_loose(it["name"].lower())]
                spelled = "khác chữ hoa/thường" if cands else None
            if len(cands) > 1 and it["district_in_clause"]:
                cands = [r for r in cands if r["old_district"] == it["district_in_clause"]] or cands
            if len(cands) > 1:
                issues["ambiguous"].append(f"khoản {n}: «{it['name']}» khớp nhiều dòng CSV "
                                           + ", ".join(str(r["_line"]) for r in cands))
            row = cands[0] if cands else None
            entry = {"name": it["name"]}
            if row is None:
                issues["clause_unit_not_in_csv"].append(
                    f"khoản {n} ({pc['name']}): văn bản nêu «{it['name']}» ({it['phrase']}) "
                    "nhưng CSV không có dòng nào cho khoản này mang tên đó")
                entry["district"] = it["district_in_clause"]
                entry["district_source"] = "nq1656" if it["district_in_clause"] else None
            else:
                unmatched_rows.remove(row)
                if spelled:
                    issues["spelling"].append(
                        f"khoản {n}: văn bản «{it['name']}», CSV dòng {row['_line']} «{row['old_name']}» "
                        f"(mã {row['old_code']}; {spelled}; dữ liệu giữ cách viết của văn bản)")
                if it["district_in_clause"]:
                    if it["district_in_clause"] != row["old_district"]:
                        issues["district"].append(
                            f"khoản {n}: «{it['name']}» văn bản ghi ({it['district_in_clause']}), "
                            f"CSV dòng {row['_line']} ghi {row['old_district']}")
                    entry["district"] = it["district_in_clause"]
                    entry["district_source"] = "nq1656"
                else:
                    entry["district"] = row["old_district"]
                    entry["district_source"] = "csv"
                entry["code"] = row["old_code"]
                if spelled:
                    entry["csv_name"] = row["old_name"]
                if row["share"] != it["share"]:
                    issues["share"].append(
                        f"khoản {n}: «{it['name']}» văn bản ghi «{it['phrase']}» ({it['share']}), "
                        f"CSV dòng {row['_line']} ghi {row['share']}")
                appearances[row["old_code"]].append((n, it))
            entry["share"] = it["share"]
            entry["phrase"] = it["phrase"]
            if it["refs"]:
                entry["after_clauses"] = list(it["refs"])
            order = ["name", "csv_name", "code", "district", "district_source", "share", "phrase",
                     "after_clauses"]
            formed_from.append({k: entry[k] for k in order if k in entry})
        for r in unmatched_rows:
            issues["csv_row_not_in_clause"].append(
                f"CSV dòng {r['_line']}: {r['old_code']} «{r['old_name']}» ({r['old_district']}, {r['share']}) "
                f"gắn với khoản {n} ({r['new_name']}) nhưng khoản {n} không nêu tên đơn vị này")
        # --- key, districts
        key = slug(pc["name"])
        if key in taken_keys:
            issues["key"].append(f"khoản {n}: khóa {key} trùng khóa trong data/hanoi")
        if key in seen_keys:
            issues["key"].append(f"khoản {n}: khóa {key} trùng khoản {seen_keys[key]}")
        seen_keys[key] = n
        dkeys = set()
        for e in formed_from:
            if e.get("district"):
                ukey = district_key.get("UBND " + e["district"][:1].lower() + e["district"][1:])
                if ukey is None:
                    issues["district"].append(f"khoản {n}: «{e['district']}» không có trong units.yaml")
                else:
                    dkeys.add(ukey)
        out_units.append({
            "key": key,
            "code": code,
            "name": pc["name"],
            "kind": "phuong" if pc["kind"] == "phường" else "xa",
            "valid_from": dt.date(2025, 7, 1),
            "clause": n,
            "formed_from": formed_from,
            "succeeds_districts": [k for k in district_order if k in dkeys],
            "source": pc["text"],
        })

    for code, c in Counter(u["code"] for u in out_units).items():
        if c > 1:
            issues["new_unit"].append(f"mã đơn vị mới {code} dùng cho {c} đơn vị")
    for n in sorted(set(by_clause) - set(parsed)):
        issues["clause_not_in_csv"].append(f"CSV dẫn khoản {n}, Điều 1 không có khoản tạo đơn vị số {n}")

    # --- consistency across clauses: a former unit taken whole goes to one new unit only; one taken in
    # part goes to two or more; a "phần còn lại ... sau khi sắp xếp theo khoản N" names it in khoản N.
    for ocode, app in sorted(appearances.items()):
        shares = [it["share"] for _, it in app]
        ns = [c for c, _ in app]
        label = f"{app[0][1]['name']} (mã {ocode})"
        if "full" in shares and len(app) > 1:
            issues["consistency"].append(f"{label}: «toàn bộ» ở khoản {ns[shares.index('full')]} nhưng cũng "
                                         f"có mặt ở các khoản {ns}")
        if "full" not in shares and len(app) == 1:
            issues["consistency"].append(f"{label}: chỉ «một phần» ở khoản {ns[0]}, phần còn lại không thấy "
                                         "ở khoản nào")
        for c, it in app:
            for ref in it["refs"]:
                if ref not in ns:
                    issues["consistency"].append(f"{label}: khoản {c} dẫn «sau khi sắp xếp theo quy định tại "
                                                 f"khoản {ref}» nhưng khoản {ref} không nêu đơn vị này")
        rem = [(c, it) for c, it in app if it["phrase"] == "phần còn lại"]
        if len(rem) > 1:
            issues["consistency"].append(f"{label}: «phần còn lại» ở nhiều khoản {[c for c, _ in rem]}")
        if rem and "full" not in shares:
            c, it = rem[0]
            if set(ns) != set(it["refs"]) | {c}:
                issues["consistency"].append(
                    f"{label}: «phần còn lại» ở khoản {c} sau các khoản {it['refs']}, nhưng đơn vị có mặt ở "
                    f"các khoản {sorted(ns)}")
        if not rem and len(app) > 1:
            issues["consistency"].append(f"{label}: có mặt ở các khoản {ns} mà không khoản nào nhận «phần "
                                         "còn lại»")
    # the resolution itself spelling one former unit two ways in different clauses
    for ocode, app in sorted(appearances.items()):
        spellings = defaultdict(list)
        for c, it in app:
            spellings[it["name"]].append(c)
        if len(spellings) > 1:
            issues["spelling_nq"].append(f"mã {ocode}: " + "; ".join(
                f"«{nm}» ở khoản {', '.join(map(str, cs))}" for nm, cs in spellings.items())
                + " (mỗi khoản giữ cách viết của chính nó)")
    # the CSV on its own terms: a former unit has one 'full' row and no other, or two or more 'partial'
    csv_by_code = defaultdict(list)
    for r in rows:
        csv_by_code[r["old_code"]].append(r)
    for ocode, rs in sorted(csv_by_code.items()):
        shares = sorted(r["share"] for r in rs)
        if not (shares == ["full"] or (len(shares) > 1 and set(shares) == {"partial"})):
            issues["consistency_csv"].append(
                f"CSV mã {ocode} «{rs[0]['old_name']}»: " + ", ".join(
                    f"dòng {r['_line']} khoản {r['nq1656_clause']} {r['share']}" for r in rs))
        if len({(r["old_name"], r["old_district"]) for r in rs}) > 1:
            issues["consistency_csv"].append(f"CSV mã {ocode}: nhiều tên/quận huyện khác nhau")
    # a district parenthesis written after "xã A và xã B (huyện X)": note which reading the data uses
    for n in range(1, last):
        for m in re.finditer(r"(?:phường|xã|thị trấn) ([^,()]+?) và (?:phường|xã|thị trấn) [^,()]+? "
                             r"\((quận|huyện|thị xã) [^)]+\)", clauses[n]):
            notes.append(f"khoản {n}: «{m.group(0)}» — ngoặc đứng sau tên thứ hai; dữ liệu gắn ngoặc với tên "
                         "đứng ngay trước nó, tên thứ nhất lấy quận/huyện từ CSV (district_source: csv).")

    # --- counts
    n_units = len(out_units)
    n_phuong = sum(u["kind"] == "phuong" for u in out_units)
    n_xa = sum(u["kind"] == "xa" for u in out_units)
    csv_new = {r["new_code"]: r["new_name"] for r in rows}
    csv_phuong = sum(v.startswith("Phường ") for v in csv_new.values())
    csv_xa = sum(v.startswith("Xã ") for v in csv_new.values())
    count_lines = [
        ("Tổng số đơn vị (khoản 1–{})".format(last - 1), counts["total"], n_units, len(csv_new)),
        ("Phường", counts["phuong"], n_phuong, csv_phuong),
        ("Xã", counts["xa"], n_xa, csv_xa),
    ]
    for label, want, got_nq, got_csv in count_lines:
        if got_nq != want:
            issues["counts"].append(f"{label}: khoản {last} nêu {want}, các khoản 1–{last - 1} cho {got_nq}")
        if got_csv != want:
            issues["counts"].append(f"{label}: khoản {last} nêu {want}, CSV có {got_csv}")
    n_old_nq = len({(e.get("code") or e["name"]) for u in out_units for e in u["formed_from"]})
    n_old_csv = len({r["old_code"] for r in rows})
    districts_csv = {r["old_district"] for r in rows}
    readme_claims = [("số dòng CSV", 796, len(rows)), ("đơn vị mới trong CSV", 126, len(csv_new)),
                     ("đơn vị cũ trong CSV", 526, n_old_csv), ("quận/huyện cũ trong CSV", 30, len(districts_csv))]
    for label, want, got in readme_claims:
        if want != got:
            issues["counts"].append(f"README nêu {label} = {want}, thực tế {got}")
    missing_d = [k for k in district_order if not any(k in u["succeeds_districts"] for u in out_units)]
    for k in missing_d:
        issues["district"].append(f"quận/huyện {k} không có đơn vị kế thừa nào")

    source_meta = build_source_meta(res, nq_path, csv_path, counts, last)
    doc = {"schema_version": 1, "source": source_meta, "units": out_units}

    check = render_check(issues, notes, count_lines, counts, last, n_old_nq, n_old_csv, readme_claims,
                         rows, nq_path, csv_path, out_units)
    problems = [k for k in ("key",) if issues.get(k)]
    return doc, check, problems


def build_source_meta(res: dict, nq_path: Path, csv_path: Path, counts: dict, last: int) -> dict:
    plain = res["plain"]
    num = re.search(r"Số: (\S+)", plain).group(1)
    date_ex = re.search(r"Hà Nội, ngày (\d+) tháng (\d+) năm (\d{4})", plain)
    issuer_ex = re.search(r"Nghị quyết này được (Ủy ban Thường vụ Quốc hội) [^.]*? thông qua ngày "
                          r"(\d+) tháng (\d+) năm (\d{4})\.", plain)
    title_ex = re.search(r"NGHỊ QUYẾT (VỀ VIỆC [^a-zđ]+? NĂM \d{4})", plain)
    d2 = res["dieu2"]
    meta = {
        "document": f"Nghị quyết số {num}",
        "number": num,
        "title_excerpt": title_ex.group(1),
        "date": dt.date(int(date_ex.group(3)), int(date_ex.group(2)), int(date_ex.group(1))),
        "date_excerpt": date_ex.group(0),
        "issuer": issuer_ex.group(1),
        "issuer_excerpt": issuer_ex.group(0),
        "effective": {
            "in_force_excerpt": d2[1],
            "units_operate_from": dt.date(2025, 7, 1),
            "units_operate_from_excerpt": d2[2],
            "where": "Điều 2, khoản 1 và khoản 2",
        },
        "counts_excerpt": res["clauses"][last],
        "counts": {"units": counts["total"], "phuong": counts["phuong"], "xa": counts["xa"]},
        "file": f"shared/sources/{NQ_FILE}",
        "file_sha256": sha256(nq_path),
        "upstream": "dvhcvn/20250701, input/docs/1656_NQ-UBTVQH15.md (giấy phép MIT, "
                    "shared/sources/LICENSE-dvhcvn-20250701.txt)",
        "cross_check": {
            "file": f"shared/sources/{CSV_FILE}",
            "file_sha256": sha256(csv_path),
            "note": "Bảng của bên thứ ba (dvhcvn/20250701, mapping/merges.json và output/01/); chỉ lấy mã "
                    "đơn vị và quận/huyện cũ; đối chiếu từng dòng với khoản tương ứng, xem CHECK.md.",
        },
    }
    if "01 tháng 7 năm 2025" not in d2[2]:
        raise SystemExit("Điều 2 khoản 2 không nêu ngày 01 tháng 7 năm 2025")
    for k in ("title_excerpt", "date_excerpt", "issuer_excerpt"):
        assert meta[k] in plain, k
    return meta


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------

SECTIONS = [
    ("counts", "Số lượng so với khoản 127 (và README)"),
    ("csv_row_not_in_clause", "Dòng CSV có đơn vị cũ mà khoản được dẫn không nêu tên"),
    ("clause_unit_not_in_csv", "Đơn vị cũ khoản nêu tên nhưng CSV không có"),
    ("clause_not_in_csv", "Khoản không có trong CSV / CSV dẫn khoản không có"),
    ("spelling", "Khác cách viết (sau NFC và khoảng trắng)"),
    ("share", "Khác tỉ lệ (toàn bộ / một phần)"),
    ("district", "Khác quận/huyện cũ"),
    ("spelling_nq", "Văn bản viết một đơn vị cũ theo hai cách ở các khoản khác nhau"),
    ("new_unit", "Khác tên hoặc mã đơn vị mới"),
    ("duplicate_in_clause", "Một đơn vị được nêu hai lần trong một khoản"),
    ("ambiguous", "Một tên khớp nhiều dòng CSV"),
    ("consistency", "Nhất quán giữa các khoản (toàn bộ ở một khoản; một phần ở từ hai khoản; dẫn chiếu)"),
    ("consistency_csv", "Nhất quán trong CSV (một dòng full, hoặc từ hai dòng partial)"),
    ("key", "Khóa trùng"),
]


def render_check(issues, notes, count_lines, counts, last, n_old_nq, n_old_csv, readme_claims, rows,
                 nq_path, csv_path, out_units) -> str:
    total = sum(len(v) for v in issues.values())
    L = ["# Đối chiếu CSV với Nghị quyết 1656/NQ-UBTVQH15", "",
         "Tệp này do `data/hanoi/build_communes.py` sinh ra; đừng sửa tay. Văn bản Nghị quyết là căn cứ; "
         "CSV là bảng của bên thứ ba, được đối chiếu từng dòng với khoản nó dẫn.", "",
         f"- Nghị quyết: `shared/sources/{NQ_FILE}` (sha256 `{sha256(nq_path)}`)",
         f"- CSV: `shared/sources/{CSV_FILE}` (sha256 `{sha256(csv_path)}`), {len(rows)} dòng",
         "- Chuẩn hóa trước khi so: chỉ NFC và khoảng trắng. Tên khác nhau về vị trí dấu thanh (Hoà / Hòa) "
         "được báo, không gộp.", "",
         f"**Tổng số điểm khác nhau: {total}.**", "",
         "## Số lượng", "",
         f"| | Khoản {last} | Các khoản 1–{last - 1} | CSV |", "|---|---:|---:|---:|"]
    for label, want, got_nq, got_csv in count_lines:
        L.append(f"| {label} | {want} | {got_nq} | {got_csv} |")
    L += ["", f"Đơn vị cũ khác nhau: văn bản (qua mã CSV) {n_old_nq}, CSV {n_old_csv}. "
          f"Cặp (đơn vị mới, đơn vị cũ): văn bản {sum(len(u['formed_from']) for u in out_units)}, "
          f"CSV {len(rows)}.", "",
          "README: " + "; ".join(f"{lab} {want} → {'đúng' if want == got else f'thực tế {got}'}"
                                  for lab, want, got in readme_claims) + ".", ""]
    for key, title in SECTIONS:
        items = issues.get(key, [])
        L.append(f"## {title} ({len(items)})")
        L.append("")
        L += [f"- {x}" for x in items] or ["Không có."]
        L.append("")
    L += ["## Ghi chú (không phải điểm khác nhau)", ""]
    L += [f"- {x}" for x in notes] or ["Không có."]
    L.append("")
    return "\n".join(L)


HEADER = """\
# Danh mục đơn vị hành chính cấp xã của thành phố Hà Nội từ ngày 01/7/2025 (126 đơn vị: 51 phường,
# 75 xã), dùng chung cho các kế hoạch. Mỗi đơn vị ứng với một khoản (1–126) Điều 1 của Nghị quyết số
# 1656/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về việc sắp xếp các đơn vị hành chính
# cấp xã của thành phố Hà Nội năm 2025.
# Nguồn:
#   - Văn bản Nghị quyết (căn cứ): shared/sources/NQ-1656-NQ-UBTVQH15-2025.md, bản chuyển Markdown
#     từ kho dvhcvn/20250701 (giấy phép MIT).
#   - Bảng đối chiếu của bên thứ ba: shared/sources/hanoi-2025-communes.csv (dvhcvn/20250701); từ bảng
#     này chỉ lấy mã đơn vị (code) và quận/huyện cũ khi khoản không tự ghi; chỗ khác nhau: CHECK.md.
# Trường:
#   source (của đơn vị): nguyên văn khoản, đã bỏ ký hiệu Markdown (`**`, `\\`), nối dòng bằng một dấu
#     cách, NFC.
#   formed_from: đơn vị cũ theo thứ tự khoản nêu; name viết như văn bản; phrase là cụm từ của văn bản
#     ("toàn bộ diện tích tự nhiên, quy mô dân số" → share: full; mọi cụm khác, kể cả "phần còn lại"
#     và "một phần diện tích tự nhiên, toàn bộ quy mô dân số" → share: partial); after_clauses: các
#     khoản mà "sau khi sắp xếp theo quy định tại ..." dẫn tới; district_source: nq1656 nếu khoản ghi
#     quận/huyện trong ngoặc, csv nếu lấy từ bảng đối chiếu; csv_name: chỉ có khi CSV viết khác văn bản.
#   succeeds_districts: khóa (data/hanoi/units.yaml) của các quận, huyện, thị xã cũ có đơn vị cũ
#     (toàn bộ hoặc một phần) nhập vào đơn vị này; suy ra từ formed_from.
#   valid_from: ngày chính quyền địa phương cấp xã mới chính thức hoạt động (Điều 2 khoản 2).
# key: tên đơn vị (gồm chữ "phường"/"xã") bỏ dấu, "đ" → "d", chữ thường, ký tự khác chữ/số → "_".
# Tệp do data/hanoi/build_communes.py sinh ra; đừng sửa tay, hãy chạy lại script.
"""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no &id001 anchors: every list is written out where it is used
        return True


def _str_rep(dumper, s):
    if re.fullmatch(r"[0-9]+", s):
        style = '"'  # codes such as "00049" stay strings for every YAML reader
    else:
        style = ">" if len(s) > 90 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


def _list_rep(dumper, items):
    flow = all(isinstance(x, (str, int)) for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _str_rep)
_Dumper.add_representer(list, _list_rep)


def render_yaml(doc: dict) -> str:
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False, indent=2)
    text = HEADER + body
    if yaml.safe_load(text) != doc:  # the folded text must read back to exactly the same data
        raise SystemExit("YAML sinh ra không đọc lại đúng dữ liệu")
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    ap.add_argument("--check", action="store_true", help="không ghi; báo nếu tệp đã lưu khác kết quả")
    args = ap.parse_args(argv)
    if not (args.sources / NQ_FILE).exists():
        print(f"không thấy {args.sources / NQ_FILE}", file=sys.stderr)
        return 2
    doc, check, problems = build(args.sources)
    ytext = render_yaml(doc)
    if args.check:
        stale = [p.name for p, t in ((OUT_YAML, ytext), (OUT_CHECK, check))
                 if not p.exists() or p.read_text(encoding="utf-8") != t]
        print("khác: " + ", ".join(stale) if stale else "khớp")
        return 1 if stale else 0
    OUT_YAML.write_text(ytext, encoding="utf-8")
    OUT_CHECK.write_text(check, encoding="utf-8")
    first = check.split("**Tổng số điểm khác nhau: ", 1)[1].split(".", 1)[0]
    print(f"{len(doc['units'])} đơn vị → {OUT_YAML.relative_to(REPO)}; {first} điểm khác nhau → "
          f"{OUT_CHECK.relative_to(REPO)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
