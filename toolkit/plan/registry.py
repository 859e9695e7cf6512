"""The city registry and the compiler's readings, read beside a plan's own files.

A plan's units.yaml names the city's shared registry files (`registry:`, paths from the plan folder):
`communes` (the communes and wards formed by a resolution, each with its clause) and `departments`
(departments merged, with successors, dates and readings). They stay in one place for every plan of the
city; this module turns them into `Unit`s, `Renaming`s and `Reading`s and checks them against the plan.
The plan folder's optional readings.yaml holds the readings that are the plan's own (which of its duties a
new ward carries). Every problem names the file and line, in Vietnamese.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from toolkit.datafile import DataError, Problem, YamlDoc, check_schema, load_schema, non_nfc_strings, read_yaml
from toolkit.paths import DEFAULT_PLAN_DIR
from toolkit.plan.model import Basis, FormerUnit, Reading, Renaming, Unit
from toolkit.vietnamese import squash

REGISTRY_KINDS = ("communes", "departments")
# The city's agencies and units: read before the plan's own files of the same name, as one list each.
CITY_LISTS = ("agencies", "units")
READINGS_FILE = "readings"
_CITY_SCHEMAS = DEFAULT_PLAN_DIR.parent / "hanoi" / "schema"
_LEVELS = {"phuong": "Phường", "xa": "Xã"}


def registry_files(directory: Path) -> list[Path]:
    """The registry files a plan folder's units.yaml names (for the data cache's fingerprint); [] if unreadable."""
    try:
        data = yaml.load((directory / "units.yaml").read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return [(directory / entry["file"]).resolve() for entry in (data.get("registry") or {}).values()]
    except Exception:  # noqa: BLE001 - a broken units.yaml is reported by the loader, not here
        return []


def read_city_lists(directory: Path, units_doc: YamlDoc) -> tuple[dict[str, YamlDoc], list[Problem]]:
    """The city's agencies.yaml and units.yaml that the plan's units.yaml names (registry.agencies, .units)."""
    return _read_registry(directory, units_doc, CITY_LISTS, DEFAULT_PLAN_DIR / "schema")


def read_extras(directory: Path, units_doc: YamlDoc) -> tuple[dict[str, YamlDoc], list[Problem]]:
    """The registry files units.yaml names and the folder's readings.yaml, each checked against its schema."""
    docs, problems = _read_registry(directory, units_doc, REGISTRY_KINDS, _CITY_SCHEMAS)
    path = directory / f"{READINGS_FILE}.yaml"
    if path.exists():
        own = directory / "schema" / f"{READINGS_FILE}.schema.json"
        problems += _read(docs, READINGS_FILE, path,
                          own if own.exists() else DEFAULT_PLAN_DIR / "schema" / f"{READINGS_FILE}.schema.json")
    return docs, problems


def _read_registry(directory: Path, units_doc: YamlDoc, names, schemas: Path) -> tuple[dict[str, YamlDoc], list[Problem]]:
    """The registry files of these kinds that units.yaml names; a file's own schema/ folder wins over `schemas`."""
    docs, problems = {}, []
    for name, entry in (units_doc.data.get("registry") or {}).items():
        if name not in names:
            continue
        path = directory / entry["file"]
        if not path.exists():
            problems.append(units_doc.problem(("registry", name, "file"),
                                              f"Không tìm thấy danh mục Thành phố “{entry['file']}” (đường dẫn tính "
                                              "từ thư mục dữ liệu Kế hoạch)."))
            continue
        own = path.parent / "schema" / f"{name}.schema.json"
        problems += _read(docs, name, path, own if own.exists() else schemas / f"{name}.schema.json")
    return docs, problems


def _read(docs: dict, name: str, path: Path, schema: Path) -> list[Problem]:
    try:
        doc = read_yaml(path)
    except DataError as exc:
        return exc.problems
    docs[name] = doc
    return check_schema(doc, load_schema(schema)) + non_nfc_strings(doc)


@dataclass
class Built:
    units: dict[str, Unit]
    readings: list[Reading] = field(default_factory=list)
    renamings: list[Renaming] = field(default_factory=list)


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _area_name(name: str, kind: str) -> str | None:
    """A local government's place name from the body's: "UBND quận Ba Đình" -> "Quận Ba Đình"."""
    if kind in ("ubnd_cap_huyen", "ubnd_cap_xa") and name.startswith("UBND "):
        rest = name[len("UBND "):]
        return rest[:1].upper() + rest[1:]
    return None


def build_units(units_doc: YamlDoc, extras: dict[str, YamlDoc], agencies: dict, task_ids: set[str],
                source_text: str | None, plan_number: str | None = None) -> tuple[Built, list[Problem]]:
    """Every unit (the plan's, then the registry's), the renamings and the readings, with every problem found."""
    ud, out = units_doc, []
    config = ud.data.get("registry") or {}
    for name, entry in config.items():
        for j, g in enumerate(entry.get("groups", ())):
            if g not in agencies:
                out.append(ud.problem(("registry", name, "groups", j), f"Nhóm '{g}' không có trong danh mục cơ quan."))

    units: dict[str, Unit] = {}
    for u in ud.data["units"]:
        units.setdefault(u["key"], Unit(
            key=u["key"], name=u["name"], kind=u["kind"], valid_from=_date(u["valid_from"]), agency=u.get("agency"),
            level=u.get("level"), groups=tuple(u.get("groups", ())), valid_to=_date(u.get("valid_to")),
            successor_of=tuple(u.get("successor_of", ())), note=u.get("note"),
            area_name=_area_name(u["name"], u["kind"])))
    plan_keys = set(units)
    built = Built(units)
    if "communes" in extras:
        out += _communes(built, extras["communes"], config["communes"], agencies, plan_keys)
    if "departments" in extras:
        out += _departments(built, extras["departments"], config["departments"], agencies, plan_keys, task_ids,
                            plan_number)
    if READINGS_FILE in extras:
        out += _readings(built, extras[READINGS_FILE], ud, extras.get("communes"), agencies, task_ids, source_text,
                         plan_number)
    else:
        for i, u in enumerate(ud.data["units"]):
            if u.get("inherits_reading"):
                out.append(ud.problem(("units", i, "inherits_reading"),
                                      f"Không có cách đọc '{u['inherits_reading']}': thư mục không có readings.yaml."))
    for i, u in enumerate(ud.data["units"]):
        if u.get("inherits") and not u.get("inherits_reading"):
            out.append(ud.problem(("units", i, "inherits"),
                                  f"Đơn vị '{u['key']}': nhiệm vụ nhận từ đơn vị tiền thân là cách đọc của người biên soạn; "
                                  "thay “inherits: true” bằng “inherits_reading: <khóa trong readings.yaml>”."))
    out += _succession_problems(built.units, ud, extras)
    # A unit carries its predecessors' duties when a reading without from_units is carried by it.
    inheriting = {k for r in built.readings if r.from_predecessors for k in r.carried_by}
    for k in inheriting:
        built.units[k] = dataclasses.replace(built.units[k], inherits=True)
    return built, out


def _communes(built: Built, doc: YamlDoc, cfg: dict, agencies: dict, plan_keys: set[str]) -> list[Problem]:
    out = []
    src = doc.data["source"]
    document = src.get("document") or src["number"]
    for i, u in enumerate(doc.data["units"]):
        key = u["key"]
        if key in built.units or key in agencies:
            where = "danh mục đơn vị (units.yaml)" if key in built.units else "danh mục cơ quan (agencies.yaml)"
            out.append(doc.problem(("units", i, "key"), f"Mã đơn vị '{key}' trùng với một mã đã có trong {where}."))
            continue
        for j, d in enumerate(u["succeeds_districts"]):
            if d not in plan_keys:
                out.append(doc.problem(("units", i, "succeeds_districts", j),
                                       f"Đơn vị '{key}': quận, huyện, thị xã cũ '{d}' không có trong units.yaml."))
        area = u["name"]
        built.units[key] = Unit(
            key=key, name="UBND " + area[:1].lower() + area[1:], kind=cfg["kind"], valid_from=_date(u["valid_from"]),
            level=_LEVELS[u["kind"]], groups=tuple(cfg["groups"]), successor_of=tuple(u["succeeds_districts"]),
            code=u["code"], area_name=area,
            formed_from=tuple(FormerUnit(f["name"], f.get("code"), f.get("district"), f["share"]) for f in u["formed_from"]),
            source=u["source"], source_cite=f"{document}, Điều 1 khoản {u['clause']}")
    return out


def _departments(built: Built, doc: YamlDoc, cfg: dict, agencies: dict, plan_keys: set[str],
                 task_ids: set[str], plan_number: str | None = None) -> list[Problem]:
    out, units = [], built.units
    # The readings name one plan's tasks: another plan of the city takes the mergers, not those readings.
    own_tasks = doc.data.get("tasks_of_plan") in (None, plan_number)
    new_keys = {m["successor"]["key"] for m in doc.data["mergers"] if m["successor"]["key_status"] == "new"}
    for i, m in enumerate(doc.data["mergers"]):
        at = ("mergers", i)
        since = _date(m["valid_from"])
        s = m["successor"]
        cite = m["source"]["cited_in"] + "".join(f"; {r}" for r in m["source"].get("reports", ()))
        formers = [f["unit_key"] for f in m["former"] if f["unit_key"]]
        for j, f in enumerate(m["former"]):
            k = f["unit_key"]
            if k is None:
                continue
            if k not in plan_keys:
                out.append(doc.problem(at + ("former", j, "unit_key"), f"Đơn vị '{k}' không có trong units.yaml."))
                continue
            end = _date(f.get("valid_to"))
            if end is None:
                continue
            if units[k].valid_to not in (None, end):
                out.append(doc.problem(at + ("former", j, "valid_to"),
                                       f"Đơn vị '{k}': ngày kết thúc {end} khác ngày ghi ở units.yaml ({units[k].valid_to})."))
            if end >= since:
                out.append(doc.problem(at + ("former", j, "valid_to"),
                                       f"Đơn vị '{k}' kết thúc ({end}) không trước ngày sáp nhập ({since})."))
            units[k] = dataclasses.replace(units[k], valid_to=end)
            built.renamings.append(Renaming(key=k, plan_name=units[k].name, present_key=s["key"],
                                            present_name=s["name"], since=since, source=m["source"]["excerpt"],
                                            source_cite=cite))
        if s["key_status"] == "new":
            if s["key"] in units or s["key"] in agencies:
                out.append(doc.problem(at + ("successor", "key"), f"Mã đơn vị mới '{s['key']}' đã có trong danh mục."))
                continue
            units[s["key"]] = Unit(
                key=s["key"], name=s["name"], kind=cfg["kind"], valid_from=since, groups=tuple(cfg["groups"]),
                successor_of=tuple(formers), note=s.get("note"), source=m["source"]["excerpt"], source_cite=cite)
        elif s["key"] not in plan_keys:
            out.append(doc.problem(at + ("successor", "key"), f"Đơn vị '{s['key']}' (tiếp tục) không có trong units.yaml."))
        else:
            more = tuple(k for k in formers if k != s["key"] and k not in units[s["key"]].successor_of)
            units[s["key"]] = dataclasses.replace(units[s["key"]], successor_of=units[s["key"]].successor_of + more)
        for j, r in enumerate(m["reading"] if own_tasks else ()):
            rat = at + ("reading", j)
            if r["from"] not in plan_keys:
                out.append(doc.problem(rat + ("from",), f"Đơn vị '{r['from']}' không có trong units.yaml."))
            for n, k in enumerate(r["could_go_to"]):
                if k not in plan_keys and k not in new_keys:
                    out.append(doc.problem(rat + ("could_go_to", n), f"Đơn vị '{k}' không có trong danh mục."))
            for n, t in enumerate(r["tasks"]):
                if t not in task_ids:
                    out.append(doc.problem(rat + ("tasks", n), f"Không có nhiệm vụ '{t}' trong tasks.yaml."))
            if r["split_possible"] != (len(r["could_go_to"]) > 1 or r.get("unnamed_other", False)):
                out.append(doc.problem(rat + ("split_possible",), "split_possible phải đúng khi nhiệm vụ có thể về hơn "
                                                                  "một cơ quan (could_go_to, unnamed_other)."))
            from_name = units[r["from"]].name if r["from"] in units else r["from"]
            built.readings.append(Reading(
                key=f"{m['id']}_{r['from']}", title=f"Nhiệm vụ của {from_name} sau khi sắp xếp các sở từ "
                                                    f"{since.day:02d}/{since.month}/{since.year}",
                note=squash(r["note"]), outcome="passes", valid_from=since,
                basis=(Basis("sources_readme", m["source"]["excerpt"], "mục “Departments merged in 2025”"),),
                carried_by=tuple(r["could_go_to"]), from_units=(r["from"],), tasks=tuple(r["tasks"]),
                split_possible=r["split_possible"], could_go_to=tuple(r["could_go_to"]),
                unnamed_other=r.get("unnamed_other", False), origin=doc.file))
    return out


def _readings(built: Built, doc: YamlDoc, ud: YamlDoc, communes: YamlDoc | None, agencies: dict,
              task_ids: set[str], source_text: str | None, plan_number: str | None = None) -> list[Problem]:
    out, units = [], built.units
    taken = {r.key for r in built.readings}
    nq_texts = _resolution_texts(communes)
    by_key: dict[str, Reading] = {}
    for i, r in enumerate(doc.data["readings"]):
        at = ("readings", i)
        if r["key"] in taken or r["key"] in by_key:
            out.append(doc.problem(at + ("key",), f"Mã cách đọc '{r['key']}' bị trùng."))
            continue
        carried = r.get("carried_by") or {}
        if r["outcome"] == "passes" and not carried and not _inheritors(ud, r["key"]):
            out.append(doc.problem(at + ("outcome",), f"Cách đọc '{r['key']}' (passes) phải nêu đơn vị nhận (carried_by)."))
        if r["outcome"] == "unknown" and carried:
            out.append(doc.problem(at + ("carried_by",), f"Cách đọc '{r['key']}' (unknown: nguồn không nói ai mang) "
                                                         "không được giao nhiệm vụ cho đơn vị nào (carried_by)."))
        for field_, known, what in (("from_units", units, "Đơn vị"), ("via", agencies, "Cơ quan"),
                                    ("could_go_to", units, "Đơn vị")):
            for j, k in enumerate(r.get(field_, ())):
                if k not in known:
                    out.append(doc.problem(at + (field_, j), f"{what} '{k}' không có trong danh mục."))
        for j, k in enumerate(carried.get("units", ())):
            if k not in units:
                out.append(doc.problem(at + ("carried_by", "units", j), f"Đơn vị '{k}' không có trong danh mục."))
        for field_ in ("tasks", "except_tasks", "mentions"):
            for j, t in enumerate(r.get(field_, ())):
                if t not in task_ids:
                    out.append(doc.problem(at + (field_, j), f"Không có nhiệm vụ '{t}' trong tasks.yaml."))
        for j, b in enumerate(r["basis"]):
            text = squash(b["excerpt"])
            if b["source"] == "plan" and source_text is not None and text not in source_text:
                out.append(doc.problem(at + ("basis", j, "excerpt"), "Căn cứ không khớp nguyên văn Kế hoạch."))
            if b["source"] == "nq1656" and nq_texts is not None and not any(text in t for t in nq_texts):
                out.append(doc.problem(at + ("basis", j, "excerpt"),
                                       "Căn cứ không khớp nguyên văn Nghị quyết 1656/NQ-UBTVQH15 (các trích đoạn trong "
                                       "danh mục xã, phường)."))
        kinds = tuple(carried.get("kinds", ()))
        keys = [k for k in units if units[k].kind in kinds] + [k for k in carried.get("units", ()) if k in units]
        keys += [k for k in _inheritors(ud, r["key"]) if k in units]
        if r["outcome"] == "passes" and carried and not keys:
            out.append(doc.problem(at + ("carried_by",), f"Cách đọc '{r['key']}': không đơn vị nào thuộc carried_by."))
        by_key[r["key"]] = Reading(
            key=r["key"], title=r["title"], note=squash(r["note"]), outcome=r["outcome"],
            valid_from=_date(r["valid_from"]), basis=tuple(Basis(b["source"], squash(b["excerpt"]), b.get("where"),
                                                                 f"Kế hoạch số {plan_number}"
                                                                 if b["source"] == "plan" and plan_number else None)
                                                           for b in r["basis"]),
            carried_by=tuple(dict.fromkeys(keys)), carried_by_kinds=kinds, from_units=tuple(r.get("from_units", ())),
            via=tuple(r.get("via", ())), tasks=tuple(r.get("tasks", ())), except_tasks=tuple(r.get("except_tasks", ())),
            mentions=tuple(r.get("mentions", ())), split_possible=r.get("split_possible", False),
            could_go_to=tuple(r.get("could_go_to", ())), unnamed_other=r.get("unnamed_other", False), origin=doc.file)
    for i, u in enumerate(ud.data["units"]):
        k = u.get("inherits_reading")
        if k and (k not in by_key or by_key[k].outcome != "passes"):
            out.append(ud.problem(("units", i, "inherits_reading"),
                                  f"Đơn vị '{u['key']}': không có cách đọc '{k}' (outcome: passes) trong readings.yaml."))
    built.readings.extend(by_key.values())
    return out


def _inheritors(ud: YamlDoc, reading_key: str) -> list[str]:
    return [u["key"] for u in ud.data["units"] if u.get("inherits_reading") == reading_key]


def _resolution_texts(communes: YamlDoc | None) -> list[str] | None:
    """The resolution's verbatim excerpts the communes registry holds (its clauses and its source block)."""
    if communes is None:
        return None
    src = communes.data["source"]
    texts = [squash(u["source"]) for u in communes.data["units"]]

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k.endswith("excerpt") and isinstance(v, str):
                    texts.append(squash(v))
                else:
                    walk(v)

    walk(src)
    return texts


def _succession_problems(units: dict[str, Unit], ud: YamlDoc, extras: dict[str, YamlDoc]) -> list[Problem]:
    """A predecessor must have ended before its successor began (or, for a body that continues, have begun
    no earlier than it): no unit is both active and succeeded on the same day."""
    out = []
    for u in units.values():
        for p in u.successor_of:
            if p not in units:
                continue  # units.yaml's own check, or the registry's, names it
            old = units[p]
            fine = old.valid_to is not None and (old.valid_to < u.valid_from or u.valid_from <= old.valid_from)
            if not fine:
                out.append(Problem(_file_of(u, ud, extras), None,
                                   f"Đơn vị '{u.key}' kế tiếp '{p}', nhưng '{p}' không kết thúc (valid_to) trước ngày "
                                   f"'{u.key}' bắt đầu ({u.valid_from})."))
    return out


def _file_of(u: Unit, ud: YamlDoc, extras: dict[str, YamlDoc]) -> str:
    if u.code and "communes" in extras:
        return extras["communes"].file
    return ud.file
