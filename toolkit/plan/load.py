"""Loading a plan folder: read its YAML files, check them against their schemas and each other, build a `Plan`."""

import dataclasses
import functools
import os
from datetime import date
from pathlib import Path
from types import MappingProxyType

from toolkit.datacache import cached, fingerprint
from toolkit.datafile import (
    DataError,
    JoinedDoc,
    Problem,
    YamlDoc,
    check_schema,
    load_schema,
    non_nfc_strings,
    read_yaml,
)
from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.model import (
    FILES,
    SOURCE_DIR,
    Agency,
    Deadline,
    Document,
    Overlap,
    Plan,
    PlanInfo,
    Section,
    Task,
    parse_deadline,
)
from toolkit.plan.registry import Built, build_units, read_city_lists, read_extras, registry_files
from toolkit.vietnamese import fold, squash

# ---------------------------------------------------------------- loading


def plan_dir() -> Path:
    return Path(os.environ.get("TOOLKIT_PLAN_DIR") or DEFAULT_PLAN_DIR)


@functools.lru_cache(maxsize=4)
def _load_cached(directory: str) -> Plan:
    folder = Path(directory)
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    # The city registry lives outside the plan folder; a change there must give a new cache entry too.
    key = fingerprint(files + [p for p in registry_files(folder) if p.exists()])

    def build() -> Plan:
        return dataclasses.replace(_load(folder), source_key=key)

    return cached("plan", key, build, slot=directory)


def load_plan(directory: Path | str | None = None) -> Plan:
    """Load and validate the plan data; raise DataError listing every problem with file and line."""
    return _load_cached(str(Path(directory or plan_dir()).resolve()))


def read_plan(directory: Path | str) -> Plan:
    """The plan in `directory` as its files are now, bypassing the caches (a draft being edited)."""
    return _load(Path(directory))


def validate_plan_dir(directory: Path | str | None = None) -> list[Problem]:
    """Every problem in a plan data folder (empty list when it is valid)."""
    try:
        _load(Path(directory or plan_dir()))
    except DataError as exc:
        return exc.problems
    return []


def _load(directory: Path) -> Plan:
    docs, problems = {}, []
    for name in FILES:
        try:
            doc = read_yaml(directory / f"{name}.yaml")
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(check_schema(doc, load_schema(_schema_path(directory, name))))
        problems.extend(non_nfc_strings(doc))
        docs[name] = doc
    if problems:
        raise DataError(problems)
    city, problems = read_city_lists(directory, docs["units"])
    extras, more = read_extras(directory, docs["units"])
    problems += more
    if problems:
        raise DataError(problems)
    for name, doc in city.items():
        docs[name] = JoinedDoc((doc, docs[name]), name)
    source, problems = _source_text(directory)
    problems.extend(_semantic_problems(docs, directory, source))
    built = None
    if not problems:
        built, more = build_units(docs["units"], extras, {a["key"] for a in docs["agencies"].data["agencies"]},
                                  {t["id"] for t in docs["tasks"].data["tasks"]}, source,
                                  docs["plan"].data["plan"]["number"])
        problems.extend(more)
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    return _build_plan(docs, built, source, directory)


def _schema_path(directory: Path, name: str) -> Path:
    """A data folder may publish its own schema; otherwise the toolkit's is used."""
    own = directory / "schema" / f"{name}.schema.json"
    return own if own.exists() else DEFAULT_PLAN_DIR / "schema" / f"{name}.schema.json"


def _semantic_problems(docs: dict[str, YamlDoc], directory: Path, source: str | None) -> list[Problem]:
    pd, ad, td, ud = docs["plan"], docs["agencies"], docs["tasks"], docs["units"]
    out: list[Problem] = []
    agencies = ad.data["agencies"]
    keys = {}
    for i, a in enumerate(agencies):
        if a["key"] in keys:
            out.append(ad.problem(("agencies", i, "key"), f"Mã cơ quan '{a['key']}' bị trùng."))
        keys[a["key"]] = a
    for i, a in enumerate(agencies):
        for j, g in enumerate(a.get("member_of", [])):
            if g not in keys:
                out.append(ad.problem(("agencies", i, "member_of", j), f"Nhóm '{g}' không có trong danh mục cơ quan."))
            elif keys[g]["kind"] not in ("group", "generic"):
                out.append(ad.problem(("agencies", i, "member_of", j), f"'{g}' không phải là nhóm (kind: group)."))
    out.extend(_membership_cycles(agencies, keys, ad))
    seen_alias: dict[str, str] = {}
    for i, a in enumerate(agencies):
        for j, alias in enumerate(a["aliases"]):
            other = seen_alias.setdefault(fold(alias), a["key"])
            if other != a["key"]:
                out.append(ad.problem(("agencies", i, "aliases", j),
                                      f"Tên gọi '{alias}' đã dùng cho cơ quan '{other}'."))

    def check_key(doc, path, key, what="Mã cơ quan"):
        if key not in keys:
            out.append(doc.problem(path, f"{what} '{key}' không có trong danh mục cơ quan (agencies.yaml)."))

    check_key(pd, ("plan", "issuer"), pd.data["plan"]["issuer"])
    collecting = pd.data["plan"].get("collecting_task")
    if collecting and collecting not in {t["id"] for t in td.data["tasks"] if t["lead"]}:
        out.append(pd.problem(("plan", "collecting_task"), f"Nhiệm vụ tổng hợp báo cáo '{collecting}' không có trong "
                                                           "tasks.yaml hoặc không có cơ quan chủ trì."))
    period = pd.data["plan"]["period"]
    sections = {s["id"] for s in pd.data["sections"]}

    out.extend(_overlap_problems(ad, keys, source))
    all_ids = {x["id"] for x in td.data["tasks"]}
    ids: dict[str, int] = {}
    for i, t in enumerate(td.data["tasks"]):
        tid = t["id"]
        if tid in ids:
            out.append(td.problem(("tasks", i, "id"), f"Mã nhiệm vụ '{tid}' bị trùng (đã có ở dòng {td.line(('tasks', ids[tid]))})."))
        ids.setdefault(tid, i)
        for role in ("lead", "coordinating", "addressed_to", "works_with", "also_true_for"):
            for j, k in enumerate(t.get(role, ())):
                check_key(td, ("tasks", i, role, j), k)
        out.extend(_role_problems(td, i, t, all_ids))
        if t["section"] not in sections:
            out.append(td.problem(("tasks", i, "section"), f"Mục '{t['section']}' không có trong plan.yaml."))
        elif not (tid == t["section"] or tid.startswith(t["section"] + ".")):
            out.append(td.problem(("tasks", i, "section"), f"Nhiệm vụ {tid} không thuộc mục {t['section']}."))
        if t.get("parent") and not tid.startswith(t["parent"] + "."):
            out.append(td.problem(("tasks", i, "parent"), f"Nhiệm vụ {tid} không phải nhiệm vụ con của {t['parent']}."))
        out.extend(_deadline_problems(td, i, t, period))
        if source is not None:
            src_text = " ".join(squash(s) for s in t["source"])
            for j, s in enumerate(t["source"]):
                if squash(s) not in source:
                    out.append(td.problem(("tasks", i, "source", j),
                                          f"Trích dẫn của nhiệm vụ {tid} không khớp nguyên văn Kế hoạch."))
            for j, d in enumerate(t["duties"]):
                if squash(d) not in src_text:
                    out.append(td.problem(("tasks", i, "duties", j),
                                          f"Nhiệm vụ {tid}: nội dung không có trong trích dẫn nguồn (source) của chính nó."))
            # lead_basis quotes the task's own source; " […] " joins pieces that are not adjacent in the plan.
            pieces = [squash(b) for b in (t.get("lead_basis") or "").split("[…]") if b.strip()]
            if pieces and (" ".join(pieces) not in src_text or any(b not in source for b in pieces)):
                out.append(td.problem(("tasks", i, "lead_basis"),
                                      f"Nhiệm vụ {tid}: lead_basis không có nguyên văn trong trích dẫn nguồn (source) của chính nó."))
            for j, b in enumerate(t.get("also_true_basis", ())):
                if squash(b) not in source:
                    out.append(td.problem(("tasks", i, "also_true_basis", j),
                                          f"Nhiệm vụ {tid}: also_true_basis không khớp nguyên văn Kế hoạch."))
    for kind in ("implements", "cites"):
        for i, d in enumerate(pd.data["documents"][kind]):
            for j, tid in enumerate(d.get("cited_in", [])):
                if tid not in ids:
                    out.append(pd.problem(("documents", kind, i, "cited_in", j), f"Không có nhiệm vụ '{tid}'."))

    unit_keys: dict[str, int] = {}
    units = ud.data["units"]
    for i, u in enumerate(units):
        if u["key"] in unit_keys:
            out.append(ud.problem(("units", i, "key"), f"Mã đơn vị '{u['key']}' bị trùng."))
        unit_keys.setdefault(u["key"], i)
    for i, u in enumerate(units):
        if "agency" in u:
            check_key(ud, ("units", i, "agency"), u["agency"])
        for j, g in enumerate(u.get("groups", [])):
            check_key(ud, ("units", i, "groups", j), g, "Nhóm")
        if not u.get("agency") and not u.get("groups") and not u.get("inherits_reading"):
            out.append(ud.problem(("units", i), f"Đơn vị '{u['key']}' cần 'agency', 'groups' hoặc kế thừa (inherits_reading) "
                                                "để suy ra nhiệm vụ."))
        for j, old in enumerate(u.get("successor_of", [])):
            if old not in unit_keys:
                out.append(ud.problem(("units", i, "successor_of", j), f"Đơn vị tiền thân '{old}' không có trong danh mục."))
        if u.get("valid_to") and u["valid_to"] < u["valid_from"]:
            out.append(ud.problem(("units", i, "valid_to"), "Ngày kết thúc trước ngày bắt đầu."))
    return out


def _role_problems(doc, i, t, all_ids) -> list[Problem]:
    """Who the task is given to, and in what role, must hang together (the plan's words are checked elsewhere)."""
    tid, at, out = t["id"], ("tasks", i), []
    lead, coord, addressed = t["lead"], t["coordinating"], t.get("addressed_to") or t["lead"]
    if not addressed:
        out.append(doc.problem(at + ("lead",), f"Nhiệm vụ {tid} không có cơ quan chủ trì (lead) và không nêu cơ quan "
                                               "được giao (addressed_to)."))
    elif not lead and not set(addressed) <= set(coord):
        # The plan names no chủ trì (the addressee's own verb is "phối hợp"): its role is then "Phối hợp".
        out.append(doc.problem(at + ("coordinating",), f"Nhiệm vụ {tid} không có cơ quan chủ trì: cơ quan được giao "
                                                       "(addressed_to) phải ghi ở coordinating."))
    if t.get("lead_named"):
        if not lead:
            out.append(doc.problem(at + ("lead_named",), f"Nhiệm vụ {tid}: lead_named nhưng không có cơ quan chủ trì."))
        if "chu tri" not in fold(t.get("lead_basis") or ""):  # the plan's own words must say it
            out.append(doc.problem(at + ("lead_named",), f"Nhiệm vụ {tid}: lead_named chỉ dùng khi lời văn bản (lead_basis) "
                                                         "viết “chủ trì”."))
    elif not set(lead) <= set(addressed):
        out.append(doc.problem(at + ("addressed_to",), f"Nhiệm vụ {tid}: cơ quan thực hiện (lead) phải là cơ quan được "
                                                       "giao (addressed_to) khi văn bản không viết “chủ trì”."))
    both = set(t.get("works_with", ())) & set(lead + coord)
    if both:
        out.append(doc.problem(at + ("works_with",), f"Nhiệm vụ {tid}: {', '.join(sorted(both))} vừa có vai trò vừa ghi ở "
                                                     "works_with (cơ quan không mang vai trò)."))
    for j, r in enumerate(t.get("related", ())):
        if r not in all_ids or r == tid:
            out.append(doc.problem(at + ("related", j), f"Nhiệm vụ {tid}: related '{r}' không phải nhiệm vụ khác trong tệp."))
    return out


def _overlap_problems(doc, keys, source) -> list[Problem]:
    out = []
    for i, o in enumerate(doc.data.get("overlaps", ())):
        for j, k in enumerate(o["agencies"]):
            if k not in keys:
                out.append(doc.problem(("overlaps", i, "agencies", j), f"Mã cơ quan '{k}' không có trong danh mục cơ quan."))
        for j, b in enumerate(o["basis"]):
            if source is not None and squash(b) not in source:
                out.append(doc.problem(("overlaps", i, "basis", j), "Căn cứ (basis) không khớp nguyên văn Kế hoạch."))
    return out


def _membership_cycles(agencies, keys, doc) -> list[Problem]:
    out = []
    for i, a in enumerate(agencies):
        seen, todo = set(), list(a.get("member_of", []))
        while todo:
            k = todo.pop()
            if k == a["key"]:
                out.append(doc.problem(("agencies", i, "member_of"), f"Nhóm của '{a['key']}' tạo thành vòng lặp."))
                break
            if k in seen or k not in keys:
                continue
            seen.add(k)
            todo.extend(keys[k].get("member_of", []))
    return out


def _deadline_problems(doc, i, t, period) -> list[Problem]:
    dl, tid, path = t["deadline"], t["id"], ("tasks", i, "deadline")
    out = []
    try:
        parsed = parse_deadline(dl.get("text"))
    except ValueError:
        return [doc.problem(path + ("text",), f"Nhiệm vụ {tid}: không hiểu thời hạn {dl.get('text')!r}.")]
    stated = Deadline(dl["kind"], dl.get("text"), dl.get("year"), dl.get("quarter"))
    if stated != parsed:
        out.append(doc.problem(path, f"Nhiệm vụ {tid}: thời hạn ghi là {_describe_deadline(stated)} nhưng "
                                     f"\"{dl.get('text')}\" có nghĩa là {_describe_deadline(parsed)}."))
    year = dl.get("year")
    if year is not None and not (period["start"] <= year <= period["end"]):
        out.append(doc.problem(path + ("year",), f"Nhiệm vụ {tid}: năm {year} nằm ngoài thời kỳ của Kế hoạch "
                                                 f"({period['start']}–{period['end']})."))
    return out


def _describe_deadline(d: Deadline) -> str:
    when = "".join([f" quý {d.quarter}" if d.quarter else "", f" năm {d.year}" if d.year else ""])
    return f"'{d.kind}'{when}"


def source_file(directory: Path) -> Path | None:
    """The plan's text: the one .txt file in its van-ban/ folder (None when there is none)."""
    found = sorted((Path(directory) / SOURCE_DIR).glob("*.txt"))
    return found[0] if len(found) == 1 else None


def _source_text(directory: Path) -> tuple[str | None, list[Problem]]:
    found = sorted((directory / SOURCE_DIR).glob("*.txt"))
    if len(found) > 1:
        names = ", ".join(f"“{p.name}”" for p in found)
        return None, [Problem(str(directory / SOURCE_DIR), None, f"Thư mục văn bản có nhiều tệp .txt ({names}): "
                                                                  "chỉ để lại một tệp là văn bản của Kế hoạch.")]
    return (squash(found[0].read_text(encoding="utf-8")) if found else None), []


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _build_plan(docs: dict[str, YamlDoc], built: Built, source_text: str | None = None,
                directory: Path | None = None) -> Plan:
    p, pr = docs["plan"].data["plan"], docs["plan"].data["purposes_and_requirements"]
    info = PlanInfo(
        number=p["number"], date=_date(p["date"]), place=p["place"], issuer=p["issuer"], kind=p["kind"],
        title=p["title"], signer_name=p["signer"]["name"], signer_title=p["signer"]["title"],
        signer_capacity=p["signer"].get("capacity"), period_start=p["period"]["start"],
        period_end=p["period"]["end"], period_note=p["period"].get("note"), collecting_task=p.get("collecting_task"))

    def document(d):
        return Document(key=d["key"], number=d["number"], kind=d["kind"], title=d["title"], date=_date(d.get("date")),
                        issuer=d.get("issuer"), note=d.get("note"), cited_in=tuple(d.get("cited_in", ())))

    docs_ = docs["plan"].data["documents"]
    agencies = {a["key"]: Agency(key=a["key"], name=a["name"], short=a["short"], kind=a["kind"],
                                 aliases=tuple(a["aliases"]), member_of=tuple(a.get("member_of", ())),
                                 note=a.get("note"))
                for a in docs["agencies"].data["agencies"]}
    tasks = tuple(
        Task(id=t["id"], section=t["section"], summary=t["summary"], lead=tuple(t["lead"]),
             coordinating=tuple(t["coordinating"]), requested=t["requested"],
             duties=tuple(squash(d) for d in t["duties"]),
             deadline=Deadline(t["deadline"]["kind"], t["deadline"].get("text"), t["deadline"].get("year"),
                               t["deadline"].get("quarter")),
             source=tuple(squash(s) for s in t["source"]), parent=t.get("parent"), heading=t.get("heading"),
             addressee=t.get("addressee"), notes=tuple(squash(n) for n in t.get("notes", ())),
             addressed_to=tuple(t.get("addressed_to") or t["lead"]), lead_named=t.get("lead_named", False),
             lead_basis=squash(t["lead_basis"]) if t.get("lead_basis") else None,
             works_with=tuple(t.get("works_with", ())), hints_lead=t.get("hints_lead", False),
             also_true_for=tuple(t.get("also_true_for", ())),
             also_true_basis=tuple(squash(b) for b in t.get("also_true_basis", ())),
             related=tuple(t.get("related", ())))
        for t in docs["tasks"].data["tasks"])
    overlaps = tuple(Overlap(agencies=tuple(o["agencies"]), relation=o["relation"],
                             basis=tuple(squash(b) for b in o["basis"]), reading=o.get("reading", False),
                             note=squash(o["note"]) if o.get("note") else None)
                     for o in docs["agencies"].data.get("overlaps", ()))
    return Plan(
        info=info, implements=tuple(map(document, docs_["implements"])), cites=tuple(map(document, docs_["cites"])),
        purposes=tuple(map(squash, pr["purposes"])), requirements=tuple(map(squash, pr["requirements"])),
        sections=tuple(Section(s["id"], s["part"], s["number"], squash(s["title"])) for s in docs["plan"].data["sections"]),
        tasks=tasks, agencies=MappingProxyType(agencies), units=MappingProxyType(built.units), agency_overlaps=overlaps,
        readings=tuple(built.readings), renamings=tuple(built.renamings), source_text=source_text,
        key=directory.name if directory else "", directory=str(directory.resolve()) if directory else "")
