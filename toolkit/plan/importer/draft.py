"""`import_plan`: a plan's file in, a draft plan folder out (the format of data/<plan>/ plus review.yaml).

The folder is written beside the target under a temporary name, checked with the loader's own validator,
and only then renamed to the target: a file that cannot be imported leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from toolkit.paths import DEFAULT_PLAN_DIR, REPO_ROOT
from toolkit.plan.catalogue import REVIEW_FILE, data_dir
from toolkit.plan.importer.bodies import (
    BodyReader,
    Mention,
    Registry,
    agency_key,
    city_agencies_file,
    near_name,
    tokens,
)
from toolkit.plan.importer.documents import DocumentRef, dedupe, document_key, references
from toolkit.plan.importer.errors import ImportFailure
from toolkit.plan.importer.normalise import Text, normalise
from toolkit.plan.importer.read import Source, read_source
from toolkit.plan.importer.structure import Node, Part, Structure, StructureError, parse
from toolkit.plan.importer.tasks import Context, Draft, Mark, item_tasks, read_clause, section_split
from toolkit.vietnamese import VIETNAM, fold, squash

CITY = "hanoi"  # the city registry's folder in the data folder (data/hanoi, or TOOLKIT_DATA_DIR/hanoi)
CITY_LISTS = ("agencies", "units")


@dataclass
class ImportResult:
    """What `import_plan` wrote: the folder, how much it drafted, and what the reviewer must look at."""

    directory: Path
    source: Source
    text: Text
    tasks: int
    sections: int
    proposed_agencies: list[str]
    review_items: int
    unsure: int  # review items with a reason to look (confidence below 0.8)


@dataclass
class _Plan:
    """Everything drafted, before it is written."""

    structure: Structure
    text: Text
    issuer: Mention
    drafts: list[Draft] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    implements: list[DocumentRef] = field(default_factory=list)
    cites: list[DocumentRef] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


def import_plan(path: Path | str, output: Path | str, *, city_dir: Path | str | None = None,
                key: str | None = None, now: datetime | None = None) -> ImportResult:
    """Read a plan's .docx, .txt, .md or .pdf and write a draft plan folder at `output`.

    `output` must not exist or be an empty folder. `city_dir` is the city registry (default data/hanoi):
    bodies are matched to its agencies.yaml and the draft's units.yaml names its files. `key`, when given,
    is the key the plan is meant to be published under (review.yaml `key`; the folder's name otherwise).
    Raises ImportFailure, writing nothing, when the file cannot be read as a plan.
    """
    path, output = Path(path), Path(output)
    city = Path(city_dir) if city_dir else data_dir() / CITY
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ImportFailure(str(output), "thư mục đích đã có dữ liệu: chọn thư mục khác hoặc xóa thư mục này trước "
                                         "(bản nháp không ghi đè lên dữ liệu có sẵn).")
    agencies_file = city_agencies_file(city)
    if not agencies_file.exists():
        raise ImportFailure(str(agencies_file), "không có danh mục cơ quan của Thành phố (agencies.yaml) trong thư mục "
                                                "danh mục đã chọn (--city).")
    registry = Registry.from_file(agencies_file)
    source = read_source(path)
    text = normalise(source.raw, markdown=source.format == "md", known_words=registry.words())
    try:
        structure = parse(text)
    except StructureError as exc:
        raise source.fail(str(exc), text.raw_offset(exc.offset)) from None
    plan = _draft_plan(source, text, structure, registry)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        proposed = _write(tmp, output, source, plan, registry, city, key, now)
        from toolkit.plan.load import validate_plan_dir

        problems = validate_plan_dir(tmp)
        if problems:
            listed = "; ".join(p.message for p in problems[:5])
            raise ImportFailure(source.name, f"bản nháp chưa hợp lệ ({len(problems)} lỗi, đây là lỗi của công cụ nhập, xin "
                                             f"báo lại kèm tệp): {listed}")
        if output.exists():
            output.rmdir()
        os.rename(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    marks = plan.marks + [m for d in plan.drafts for m in d.marks]
    return ImportResult(output, source, text, len(plan.drafts), len(plan.sections), proposed, len(marks),
                        sum(1 for m in marks if m.confidence < 0.8))


# ---------------------------------------------------------------- drafting


def _draft_plan(source: Source, text: Text, st: Structure, registry: Registry) -> _Plan:
    reader = BodyReader(registry, text.text, text.soft_breaks)
    if st.number is None:
        raise source.fail("không tìm thấy số và ký hiệu văn bản (dòng “Số: …”) ở phần đầu.", text.raw_offset(0))
    if st.date is None:
        raise source.fail("không tìm thấy ngày ban hành (dòng “…, ngày … tháng … năm …”) ở phần đầu.",
                          text.raw_offset(0))
    issuer = _issuer(reader, st)
    plan = _Plan(st, text, issuer)
    tasks_parts = [p for p in st.parts if p.role in ("tasks", "funding")]
    organisation = [p for p in st.parts if p.role == "organisation"]
    if not tasks_parts and not organisation:
        raise source.fail("không tìm thấy phần nhiệm vụ của Kế hoạch (ví dụ “II. NHIỆM VỤ, GIẢI PHÁP”).",
                          text.raw_offset(st.parts[0].node.para.start if st.parts else 0))
    _purposes(plan, [p for p in st.parts if p.role == "purposes"])
    _refuse_task_tables(source, text, tasks_parts)
    for part in tasks_parts:
        for number, sec in enumerate(_sections_of(part), start=1):
            _section(plan, reader, part, sec, number, issuer)
    for part in organisation:
        _organisation(plan, reader, part, issuer)
    if not plan.drafts:
        raise source.fail("không tìm thấy nhiệm vụ nào (các mục “1.”, “a)” … giao cho cơ quan nào làm gì).",
                          text.raw_offset(tasks_parts[0].node.para.start if tasks_parts else 0))
    _documents(plan, text, st)
    return plan


def _refuse_task_tables(source: Source, text: Text, parts) -> None:
    """Tasks laid out as a table ("| STT | Nội dung | Cơ quan chủ trì | …", as a .docx table or its text) are not
    read: one draft task made of every row would teach nothing right. Header tables name no "chủ trì"."""
    if not parts:
        return
    offset = 0
    for line in source.raw.splitlines(keepends=True):
        if line.count("|") >= 2 and "chu tri" in fold(line):
            raise source.fail("nhiệm vụ viết thành bảng (cột “Cơ quan chủ trì”) chưa đọc được: hãy chuyển bảng thành "
                              "các mục “1.”, “a)” (mỗi hàng một mục, có cơ quan chủ trì, phối hợp, thời gian thực hiện) "
                              "rồi nhập lại.", offset)
        offset += len(line)


def _issuer(reader: BodyReader, st: Structure) -> Mention:
    """The issuing body: the last body the header's first cell names ("UBND THÀNH PHỐ HÀ NỘI / SỞ TƯ PHÁP")."""
    f = st.issuer
    if f is None:
        return Mention(st.title.span[0], st.title.span[1], "Cơ quan ban hành", None, "ubnd", False,
                       "Không đọc được cơ quan ban hành ở phần đầu văn bản.")
    toks = tokens(reader.text[f.span[0]:f.span[1]], f.span[0])
    for s in range(len(toks)):
        k = reader.registry.key_of(tuple(t.folded for t in toks[s:]))
        if k:
            return Mention(toks[s].start, f.span[1], reader.text[toks[s].start:f.span[1]], k,
                           reader.registry.agencies[k].kind)
    name = st.casing.restore(squash(f.value)) if st.casing else squash(f.value)
    return Mention(f.span[0], f.span[1], name, None, "ubnd" if fold(name).startswith(("ubnd", "uy ban nhan dan")) else "so",
                   False, "Cơ quan ban hành không có trong danh mục cơ quan của Thành phố.")


def _purposes(plan: _Plan, parts: list[Part]) -> None:
    text = plan.text.text
    got: dict[str, list[tuple[str, tuple[int, int]]]] = {"purposes": [], "requirements": []}
    loose: list[tuple[str, tuple[int, int]]] = []
    for part in parts:
        for child in part.node.children:
            label = fold(child.own_text)
            which = "purposes" if label.startswith("muc dich") else "requirements" if label.startswith("yeu cau") else None
            items = _items_of(text, child, strip_label=which is not None)
            (got[which] if which else loose).extend(items)
        loose.extend((squash(p.text), (p.start, p.end)) for p in part.node.paras)
    for which in ("purposes", "requirements"):
        items = got[which] or loose or got["purposes"] or got["requirements"]
        why = None if got[which] else ("Văn bản không tách riêng phần “" + ("Mục đích" if which == "purposes" else "Yêu cầu")
                                       + "”: các đoạn của Phần I được ghi cho cả hai.")
        if not items:
            items = [(plan.structure.title.value, plan.structure.title.span)]
            why = "Không tìm thấy phần mục đích, yêu cầu; tạm ghi trích yếu của Kế hoạch."
        setattr(plan, which, [x for x, _ in items])
        plan.marks.append(Mark("plan", which, 0.8 if why is None else 0.4, (items[0][1][0], items[-1][1][1]), why))


def _items_of(text: str, node: Node, strip_label: bool) -> list[tuple[str, tuple[int, int]]]:
    out = []
    own = node.own_text
    if strip_label:
        own = re.sub(r"^\s*(?:Mục đích|Yêu cầu)\s*[:.]?\s*", "", own, flags=re.IGNORECASE)
    if own.strip():
        out.append((_clean_item(own), (node.para.end - len(own), node.para.end)))
    for p in node.paras:
        out.append((_clean_item(p.text), (p.start, p.end)))
    for c in node.children:
        paras = c.all_paras()
        body = squash(" ".join([c.own_text] + [p.text for p in paras[1:]]))
        out.append((_clean_item(body), (c.para.start, paras[-1].end)))
    return [(x, s) for x, s in out if x]


def _clean_item(s: str) -> str:
    return re.sub(r"[.;,:]+$", "", squash(s)).strip()


def _sections_of(part: Part) -> list[Node]:
    """A tasks part's sections: its numbered children ("1.", "1.1."); the part itself when it has none."""
    kids = [c for c in part.node.children if c.kind in ("dec", "letter", "num")]
    return kids or [part.node]


def _child_id(parent: str, node: Node, k: int, taken: set[str]) -> str:
    """The plan's own number for a child of `parent` ("II.1" + "a)" -> "II.1.a"; "2.1.3." -> "2.1.3"), or the
    k-th letter or number when the plan's own one is taken (a numbering mistake in the text)."""
    if node.kind == "dec":
        last = node.label.split(".")[-1]
        own = node.label if node.label.startswith(parent + ".") and node.label.count(".") == parent.count(".") + 1 \
            else f"{parent}.{last}"
    else:
        own = f"{parent}.{node.label}"
    if own not in taken:
        return own
    k = next(n for n in range(k, k + 100) if f"{parent}.{n}" not in taken)
    return f"{parent}.{k}"


def _section(plan: _Plan, reader: BodyReader, part: Part, sec: Node, number: int, issuer: Mention) -> None:
    taken = {s["id"] for s in plan.sections}
    if sec.kind == "part":
        sid, n = part.node.label, None
    elif sec.kind == "letter":
        sid = next(f"{part.node.label}.{k}" for k in range(number, number + 100)
                   if f"{part.node.label}.{k}" not in taken)
        n = int(sid.rsplit(".", 1)[1])
    else:
        sid = _child_id(part.node.label, sec, number, taken)
        n = int(sid.rsplit(".", 1)[1])
    items = [c for c in sec.children if c.kind in ("letter", "dec", "num")]
    at = section_split(reader, sec) if not items and sec.kind != "part" else None
    title = _clean_item(sec.own_text if at is None else reader.text[sec.text_start:at])
    if sec.kind == "part":
        title = _clean_item(part.title)
    if plan.structure.casing:
        title = plan.structure.casing.restore(title)
    plan.sections.append({"id": sid, "part": part.node.label, "number": n, "title": title or f"Mục {sid}"})
    if sec.para is not None:
        plan.marks.append(Mark(f"section:{sid}", "title", 0.9, (sec.text_start, sec.para.end), None))
    if items:
        ids: set[str] = set()
        for k, item in enumerate(items, start=1):
            iid = _child_id(sid, item, k, ids)
            ids.add(iid)
            plan.drafts += item_tasks(reader, item, iid, Context(sid), fallback=[issuer])
    else:
        plan.drafts += item_tasks(reader, sec, sid, Context(sid), title_is_heading=sec.kind != "part", fallback=[issuer])


def _organisation(plan: _Plan, reader: BodyReader, part: Part, issuer: Mention) -> None:
    """Part "Tổ chức thực hiện": "1. Các sở, ban, ngành:" with a) b) c) under it, or "3. Sở Tư pháp: …"."""
    sid = part.node.label
    title = plan.structure.casing.restore(part.title) if plan.structure.casing else part.title
    if not any(s["id"] == sid for s in plan.sections):
        plan.sections.append({"id": sid, "part": sid, "number": None, "title": _clean_item(title)})
        plan.marks.append(Mark(f"section:{sid}", "title", 0.9, (part.node.text_start, part.node.para.end), None))
    kids = [c for c in part.node.children if c.kind in ("dec", "letter", "num")]
    used: set[str] = set()
    for k, child in enumerate(kids, start=1):
        tid = _child_id(sid, child, k, used)
        used.add(tid)
        subs = [c for c in child.children if c.kind in ("letter", "dec", "num")]
        if subs:
            clause = read_clause(reader, child.text_start, child.para.end)
            heading = _clean_item(child.own_text)
            ids: set[str] = set()
            for j, sub in enumerate(subs, start=1):
                sub_id = _child_id(tid, sub, j, ids)
                ids.add(sub_id)
                ctx = Context(sid, clause.subject, clause.subject_span, heading, [child.para], clause)
                plan.drafts += item_tasks(reader, sub, sub_id, ctx, fallback=[issuer])
        else:
            plan.drafts += item_tasks(reader, child, tid, Context(sid), fallback=[issuer])


def _documents(plan: _Plan, text: Text, st: Structure) -> None:
    t = text.text
    refs = [r for p in st.preamble for r in references(t, p.start, p.end)]
    if not refs:  # a plan without a preamble of its own implements what the Quyết định issuing it rests on
        refs = [r for p in st.wrapper if fold(p.text).startswith(("can cu", "thuc hien")) for r in references(t, p.start, p.end)]
    implements = dedupe(refs)
    # The plan's own Quyết định (the one it is attached to) is not a document it implements.
    own = fold(st.number.value) if st.number else ""
    implements = [r for r in implements if fold(r.number) != own]
    taken: set[str] = set()
    for r in implements:
        r.key = document_key(r, taken)
        taken.add(r.key)
    known = {(r.kind, fold(r.number)) for r in implements}
    cites: list[DocumentRef] = []
    for d in plan.drafts:
        for a, b in d.source:
            for r in references(t, a, b):
                if (r.kind, fold(r.number)) in known or fold(r.number) == own:
                    continue
                r.cited_in = [d.id]
                cites.append(r)
    cites = dedupe(cites)
    for r in cites:
        r.key = document_key(r, taken)
        taken.add(r.key)
    plan.implements, plan.cites = implements, cites
    for r in implements + cites:
        plan.marks.append(Mark(f"document:{r.key}", "number", 0.8, r.span, None))
        plan.marks.append(Mark(f"document:{r.key}", "title", 0.6, r.span,
                               "Tên (trích yếu) của văn bản được đọc tới hết vế câu nêu nó."))


# ---------------------------------------------------------------- writing


def _write(tmp: Path, output: Path, source: Source, plan: _Plan, registry: Registry, city: Path, key: str,
           now: datetime | None) -> list[str]:
    st, text = plan.structure, plan.text
    keys = _agency_keys(plan, registry)
    stem = re.sub(r"[^\w.-]+", "-", source.path.stem).strip("-") or "van-ban"
    (tmp / "van-ban").mkdir()
    (tmp / "van-ban" / f"{stem}.txt").write_text(text.text + "\n", encoding="utf-8")

    years = [st.date.value.year]
    for d in plan.drafts:
        if d.deadline and d.deadline.deadline.year:
            years.append(d.deadline.deadline.year)
    years += [int(y) for y in re.findall(r"\b(20\d\d)\b", st.title.value)]
    period = {"start": min(years), "end": max(years),
              "note": "Khoảng năm do công cụ nhập suy ra từ ngày ban hành, các thời hạn và trích yếu; văn bản có thể "
                      "không ghi thời kỳ thực hiện. Cần xem lại."}
    sig = st.signature
    signer = {"name": sig.name.value if sig else "Chưa xác định", "title": sig.title.value if sig else "Chưa xác định"}
    if sig and sig.capacity:
        signer["capacity"] = sig.capacity.value
    info = {
        "number": st.number.value, "date": st.date.value.isoformat(),
        "place": st.place.value if st.place else "Chưa xác định", "issuer": keys[id(plan.issuer)],
        "kind": st.kind.value, "title": st.title.value, "signer": signer, "period": period,
    }
    plan_doc = {
        "schema_version": 1, "plan": info,
        "documents": {"implements": [_doc(r) for r in plan.implements], "cites": [_doc(r) for r in plan.cites]},
        "purposes_and_requirements": {"purposes": plan.purposes, "requirements": plan.requirements},
        "sections": plan.sections,
    }
    attached = ("Kế hoạch ban hành kèm theo một Quyết định: số, ngày và người ký là của Quyết định đó."
                if st.attached_note else None)
    marks = [
        Mark("plan", "number", 0.7 if attached else st.number.confidence, st.number.span, attached),
        Mark("plan", "date", st.date.confidence, st.date.span),
        Mark("plan", "place", st.place.confidence if st.place else 0.0, st.place.span if st.place else st.date.span,
             None if st.place else "Không thấy địa danh trước “ngày … tháng … năm …”."),
        Mark("plan", "issuer", 0.9 if plan.issuer.key else 0.4, (plan.issuer.start, plan.issuer.end), plan.issuer.why),
        Mark("plan", "kind", st.kind.confidence, st.kind.span),
        Mark("plan", "title", st.title.confidence, st.title.span, st.title.why),
        Mark("plan", "signer", sig.title.confidence if sig else 0.0,
             (sig.capacity.span[0] if sig and sig.capacity else sig.title.span[0], sig.name.span[1]) if sig else
             (len(text.text) - 1, len(text.text)), sig.title.why if sig else "Không tìm thấy chữ ký (chức vụ, họ tên)."),
        Mark("plan", "period", 0.4, st.date.span, period["note"]),
    ]
    plan.marks = marks + plan.marks
    tasks = [_task(d, keys, text.text) for d in plan.drafts]
    new_agencies = _proposed(plan, keys, registry)
    for a in new_agencies:
        m = a.pop("_mention")
        plan.marks.append(Mark(f"agency:{a['key']}", "name", 0.5, (m.start, m.end), a.pop("_why")))

    _dump(tmp / "plan.yaml", plan_doc, _schema_line(output, "plan") +
          f"# Bản nháp do `toolkit plan import` soạn từ “{source.name}”: mọi trường chờ duyệt (review.yaml).\n")
    _dump(tmp / "tasks.yaml", {"schema_version": 1, "tasks": tasks}, _schema_line(output, "tasks") +
          "# Nhiệm vụ do công cụ nhập đọc từ văn bản: source là nguyên văn; summary do công cụ tạo, không phải lời "
          "văn bản.\n")
    _dump(tmp / "agencies.yaml", {"schema_version": 1, "agencies": new_agencies}, _schema_line(output, "agencies") +
          "# Cơ quan văn bản nêu tên mà danh mục của Thành phố chưa có: đề xuất thêm, chờ duyệt. Cơ quan đã có ở danh "
          "mục\n# Thành phố không chép lại ở đây.\n")
    _dump(tmp / "units.yaml", {"schema_version": 1, "registry": _registry_block(city, output), "units": []},
          _schema_line(output, "units") +
          "# Danh mục dùng chung của Thành phố (đường dẫn tính từ thư mục này); Kế hoạch không có đơn vị riêng.\n")
    _write_criteria(tmp / "criteria.yaml", _schema_line(output, "criteria"))
    items = []
    for m in plan.marks + [m for d in plan.drafts for m in d.marks]:
        item = {"ref": m.ref, "field": m.field, "confidence": round(float(m.confidence), 2),
                "span": [int(m.span[0]), int(max(m.span[1], m.span[0] + 1))], "status": "unreviewed"}
        if m.why:
            item["why"] = m.why
        items.append(item)
    at = (now or datetime.now(VIETNAM)).astimezone(VIETNAM).replace(microsecond=0)
    review = {"schema_version": 1, "status": "draft", **({"key": key} if key else {}),
              "imported": {"file": source.name, "sha256": source.sha256, "format": source.format, "at": at.isoformat()},
              "text": f"van-ban/{stem}.txt", "items": items}
    _dump(tmp / REVIEW_FILE, review, "# Dấu duyệt của bản nháp: mỗi mục là một trường công cụ nhập đã soạn; người duyệt "
                                       "chấp nhận (accepted) hoặc sửa (corrected).\n# span: vị trí [đầu, cuối) trong "
                                       "văn bản ở `text`.\n")
    return [a["key"] for a in new_agencies]


def _schema_line(output: Path, name: str) -> str:
    """The comment that lets an editor check the file against its schema while typing."""
    return f"# yaml-language-server: $schema={os.path.relpath(DEFAULT_PLAN_DIR / 'schema', output.resolve())}/{name}.schema.json\n"


def _agency_keys(plan: _Plan, registry: Registry) -> dict[int, str]:
    """Every mention's agency key: the registry's, or one proposed key per name not in it."""
    taken = set(registry.agencies)
    by_name: dict[str, str] = {}
    out: dict[int, str] = {}
    mentions = [plan.issuer] + [m for d in plan.drafts for m in d.addressed_to + d.lead + d.coordinating + d.works_with]
    for m in mentions:
        if m.key:
            out[id(m)] = m.key
            continue
        name = re.sub(r"[^a-z0-9]+", " ", fold(m.text)).strip()  # "UBND các xã, phường" = "UBND các xã phường"
        if name not in by_name:
            by_name[name] = agency_key(m.text, taken)
            taken.add(by_name[name])
        out[id(m)] = by_name[name]
    return out


def _proposed(plan: _Plan, keys: dict[int, str], registry: Registry) -> list[dict]:
    seen: dict[str, dict] = {}
    mentions = [plan.issuer] + [m for d in plan.drafts for m in d.addressed_to + d.lead + d.coordinating + d.works_with]
    for m in mentions:
        if m.key:
            continue
        k = keys[id(m)]
        if k in seen:
            continue
        name = m.text[:1].upper() + m.text[1:]
        near = near_name(registry, m.text)
        why = ("“" + m.text + "” không có trong danh mục cơ quan của Thành phố: đề xuất thêm. " +
               ("Được đọc là một nhóm cơ quan (không phải một cơ quan cụ thể) theo cách viết: cần xác nhận. "
                if m.group else "") +
               (f"Tên gần giống “{near}” trong danh mục, nhưng công cụ không tự ghép: nếu là cùng một cơ quan, hãy "
                "dùng mã của danh mục." if near else ""))
        kind = "generic" if m.kind == "generic" else "group" if m.group else m.kind or "so"
        seen[k] = {"key": k, "name": name, "short": name, "kind": kind, "aliases": [m.text],
                   "_mention": m, "_why": why.strip()}
    return list(seen.values())


def _task(d: Draft, keys: dict[int, str], text: str) -> dict:
    def ks(ms):
        return list(dict.fromkeys(keys[id(m)] for m in ms))

    lead, coordinating, addressed, works = ks(d.lead), ks(d.coordinating), ks(d.addressed_to), ks(d.works_with)
    works = [k for k in works if k not in lead and k not in coordinating]
    t = {"id": d.id, "section": d.section}
    if d.parent:
        t["parent"] = d.parent
    if d.heading:
        t["heading"] = d.heading
    t["summary"] = d.summary
    if d.addressee:
        t["addressee"] = d.addressee
    t.update({"lead": lead, "coordinating": coordinating, "requested": d.requested, "addressed_to": addressed})
    if works:
        t["works_with"] = works
    t["lead_named"] = d.lead_named and bool(lead)
    if d.lead_basis:
        t["lead_basis"] = d.lead_basis
    t["duties"] = d.duties
    dl = d.deadline.deadline if d.deadline and d.deadline.understood else None
    if dl is None:
        t["deadline"] = {"kind": "none"}
    else:
        t["deadline"] = {k: v for k, v in (("kind", dl.kind), ("text", dl.text), ("year", dl.year),
                                           ("quarter", dl.quarter)) if v is not None}
    t["source"] = [squash(text[a:b]) for a, b in d.source]
    if d.notes:
        t["notes"] = d.notes
    return t


def _doc(r: DocumentRef) -> dict:
    out = {"key": r.key, "number": r.number}
    if r.day:
        out["date"] = r.day.isoformat()
    if r.issuer:
        out["issuer"] = r.issuer
    out["kind"] = r.kind
    out["title"] = r.title
    if r.cited_in:
        out["cited_in"] = r.cited_in
    return out


def _registry_block(city: Path, output: Path) -> dict:
    """The city's files, by paths from the draft's folder; the communes and departments lists as the city's other
    plans name them (their kind and groups are the city's reading, not this plan's)."""
    def rel(p: Path) -> str:
        return os.path.relpath(p.resolve(), output.resolve())

    block = {name: {"file": rel(city / f"{name}.yaml")} for name in CITY_LISTS if (city / f"{name}.yaml").exists()}
    for other in sorted(city.resolve().parent.glob("*/units.yaml")):
        if other.parent.resolve() in (output.resolve(), city.resolve()):
            continue
        try:
            data = yaml.safe_load(other.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for name, entry in (data.get("registry") or {}).items():
            if name in block or name in CITY_LISTS or not isinstance(entry, dict) or "file" not in entry:
                continue
            target = (other.parent / entry["file"]).resolve()
            if target.parent == city.resolve() and target.exists():
                block[name] = {**entry, "file": rel(target)}
    return block


def _write_criteria(path: Path, header: str) -> None:
    settings = yaml.safe_load((DEFAULT_PLAN_DIR / "criteria.yaml").read_text(encoding="utf-8"))
    doc = {"schema_version": 1, "scale": settings["scale"], "pass_threshold": settings["pass_threshold"],
           "roles": settings["roles"], "weights": {"default": 1, "sections": {}, "tasks": {}},
           "include_requested": settings.get("include_requested", True)}
    _dump(path, doc, header + "# Tiêu chí tự đánh giá: tiêu chí của một đơn vị là các nhiệm vụ Kế hoạch giao cho đơn vị đó.\n"
                     "# Thang điểm, ngưỡng đạt và hệ số theo vai trò dưới đây KHÔNG có trong Kế hoạch: đó là thiết lập "
                     "của Sở Tư pháp,\n# chép từ thiết lập đang dùng (" + os.path.relpath(DEFAULT_PLAN_DIR / "criteria.yaml",
                                                                          REPO_ROOT) + "); sửa được trong tệp này.\n")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    """Long texts folded over lines (read back joined by spaces), the rest as PyYAML sees fit."""
    style = ">" if len(value) >= 100 and "\n" not in value and value == value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _dump(path: Path, data, header: str) -> None:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")

