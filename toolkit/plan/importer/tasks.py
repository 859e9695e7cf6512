"""Tasks from the plan's items: who is given each one and in what role, its deadline, duties and source.

How an item gives its task, in the plan's own words:
- "X chủ trì, phối hợp với Y …": X leads (the words say "chủ trì"), Y coordinates;
- "X phối hợp với Y …" (no one "chủ trì"): X coordinates, Y is only named (works_with);
- "Đề nghị X …": X is requested, not directed (bodies the issuer cannot direct);
- "X [verb] …", or a heading "b) X" with bullets: X is given the task (lead, but not "chủ trì").
Bullets that name another body or carry another deadline become sub-tasks (II.1.a.1, II.1.a.2), as the
plan's readers split them. Everything drafted carries a review mark: its span, how sure the importer is,
and, when unsure, why (in Vietnamese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.plan.importer.bodies import BodyReader, Mention, Token, tokens
from toolkit.plan.importer.deadlines import Found, inline, labelled
from toolkit.plan.importer.normalise import Paragraph
from toolkit.plan.importer.structure import Node, is_deadline
from toolkit.vietnamese import fold, squash

MODALS = (("co", "trach", "nhiem"), ("chiu", "trach", "nhiem"), ("chu", "dong"), ("tich", "cuc"), ("tiep", "tuc"),
          ("can",), ("phai",), ("thuong", "xuyen"))


@dataclass
class Mark:
    """One drafted field the reviewer must accept or correct."""

    ref: str
    field: str
    confidence: float
    span: tuple[int, int]
    why: str | None = None


@dataclass
class Clause:
    """What one sentence of an item says about who does it."""

    start: int
    end: int
    subject: list[Mention] = field(default_factory=list)
    subject_span: tuple[int, int] | None = None
    requested: bool = False
    requested_span: tuple[int, int] | None = None  # the words "Đề nghị"
    chu_tri: bool = False  # the subject "chủ trì"
    chu_tri_end: int | None = None
    bare_chu_tri: bool = False  # "Chủ trì, phối hợp …" / "… chủ trì, phối hợp …" with no other body before it
    chu_tri_later: bool = False  # "… chủ trì, phối hợp với Y" later in the sentence: Y coordinates
    coordinating: list[Mention] = field(default_factory=list)
    coordinating_span: tuple[int, int] | None = None
    works_with: list[Mention] = field(default_factory=list)
    phoi_hop_only: bool = False
    phoi_hop_end: int | None = None
    rest_start: int = 0
    core_start: int = 0  # where the duty's own words start, past the bodies and their roles
    skipped: list[str] = field(default_factory=list)  # common nouns in the subject's list read as no body

    @property
    def rest(self) -> tuple[int, int]:
        return self.rest_start, self.end


def _at(toks: list[Token], i: int, words) -> bool:
    return tuple(t.folded for t in toks[i:i + len(words)]) == tuple(words)


def read_clause(reader: BodyReader, start: int, end: int) -> Clause:
    """The subject, role words and bodies of the clause text[start:end]."""
    text = reader.text
    toks = tokens(text[start:end], start)
    c = Clause(start, end, rest_start=start)
    i = 0
    if _at(toks, i, ("de", "nghi")):
        c.requested, c.requested_span, i = True, (toks[0].start, toks[1].end), i + 2
    elif _at(toks, i, ("giao",)):
        i += 1
    before = len(reader.skipped)
    subject, j = reader.read_list(toks, i)
    c.skipped = reader.skipped[before:]
    if subject:
        c.subject = subject
        c.subject_span = (toks[i].start, subject[-1].end)
        i = j
    while i < len(toks) and toks[i].folded in (":", ","):
        i += 1
    k = i
    while True:
        mod = next((m for m in MODALS if _at(toks, k, m)), None)
        if mod is None:
            break
        k += len(mod)
    if _at(toks, k, ("chu", "tri")):
        c.chu_tri = bool(subject)
        c.bare_chu_tri = not subject
        c.chu_tri_end = toks[k + 1].end
        k = _coordinators(reader, toks, k + 2, c)
    elif _at(toks, k, ("phoi", "hop")):
        c.phoi_hop_only, c.core_start = True, toks[k].start
        k += 2
        if _at(toks, k, ("chat", "che")):
            k += 2
        if _at(toks, k, ("voi",)):
            k += 1
        c.phoi_hop_end = toks[k - 1].end
        found, k2 = reader.read_list(toks, k)
        if found:
            c.works_with, k = found, k2
    else:
        _chu_tri_later(reader, toks, k, c)
    c.rest_start = toks[i].start if i < len(toks) else end
    if not c.core_start:
        c.core_start = c.rest_start
        if c.chu_tri and c.coordinating:
            c.core_start = _after_list(text, c.coordinating[-1].end)
        elif c.chu_tri and c.chu_tri_end:
            c.core_start = _after_list(text, c.chu_tri_end)
    return c


def _coordinators(reader: BodyReader, toks, k: int, c: Clause) -> int:
    """After "chủ trì": ", phối hợp (với) Y" or ", Y phối hợp"."""
    while k < len(toks) and toks[k].folded in (",", "va"):
        k += 1
    if _at(toks, k, ("phoi", "hop")):
        k += 2
        if _at(toks, k, ("chat", "che")):
            k += 2
        if _at(toks, k, ("voi",)):
            k += 1
        found, k2 = reader.read_list(toks, k)
        if found:
            c.coordinating, c.coordinating_span = found, (found[0].start, found[-1].end)
            return k2
        return k
    found, k2 = reader.read_list(toks, k)
    if found and _at(toks, k2, ("phoi", "hop")):
        c.coordinating, c.coordinating_span = found, (found[0].start, found[-1].end)
        return k2 + 2
    return k


def _chu_tri_later(reader: BodyReader, toks, k: int, c: Clause) -> None:
    """"Căn cứ vào Kế hoạch này chủ trì, phối hợp với Y": the first sentence's "chủ trì, phối hợp (với)"."""
    q = k
    while q < len(toks) - 1 and toks[q].folded not in (".", ";", ":"):
        if _at(toks, q, ("chu", "tri")) and (_at(toks, q + 2, ("phoi", "hop")) or _at(toks, q + 2, (",", "phoi", "hop"))):
            # "Chỉ đạo cơ quan Tư pháp chủ trì": a body right before it is the one that leads, not the subject.
            before = any((m := reader.read_one(toks, s))[0] is not None and m[1] == q for s in range(max(k, q - 8), q))
            c.bare_chu_tri, c.chu_tri_later = not before, True
            c.chu_tri_end = toks[q + 1].end
            _coordinators(reader, toks, q + 2, c)
            return
        q += 1


# ---------------------------------------------------------------- items


@dataclass
class Unit:
    """One duty-bearing piece of an item: its lead sentence, or one bullet with what nests under it."""

    paras: list[Paragraph]
    text_start: int
    clause: Clause
    lead: bool  # the item's own sentence (not a bullet)
    deadline: Found | None = None
    deadline_paras: list[Paragraph] = field(default_factory=list)
    inline: bool = False


@dataclass
class Draft:
    """A task as drafted, ready for tasks.yaml, with its review marks and the bodies it names."""

    id: str
    section: str
    summary: str
    lead: list[Mention]
    coordinating: list[Mention]
    addressed_to: list[Mention]
    works_with: list[Mention]
    requested: bool
    lead_named: bool
    lead_basis: str | None
    duties: list[str]
    deadline: Found | None
    source: list[tuple[int, int]]
    parent: str | None = None
    heading: str | None = None
    addressee: str | None = None
    notes: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    fallback_subject: bool = False


@dataclass
class Context:
    """What an item inherits: the body a heading above it names, that heading, the section it is in."""

    section: str
    subject: list[Mention] = field(default_factory=list)
    subject_span: tuple[int, int] | None = None
    heading: str | None = None
    heading_paras: list[Paragraph] = field(default_factory=list)
    heading_clause: Clause | None = None


def item_tasks(reader: BodyReader, node: Node, item_id: str, ctx: Context, *, title_is_heading: bool = False,
               fallback: list[Mention] | None = None) -> list[Draft]:
    """The task (or sub-tasks) of one item of the plan."""
    text = reader.text
    lead_paras = ([] if title_is_heading or node.para is None else [node.para]) + node.paras
    heading, heading_paras = ctx.heading, list(ctx.heading_paras)
    own_heading_paras: list[Paragraph] = []
    at = section_split(reader, node) if title_is_heading else None
    if at is not None:  # "2.3. Khen thưởng\nSở Nội vụ hướng dẫn …": the section's line goes on with its task
        lead_paras = [Paragraph(node.para.index, at, node.para.end, text[at:node.para.end])] + node.paras
    units: list[Unit] = []
    order: list[tuple[str, object]] = []
    first_text = lead_paras[0] if lead_paras and not is_deadline(lead_paras[0]) else None
    lead_text_paras = [p for p in lead_paras if not is_deadline(p)]
    if first_text is not None:
        start = node.text_start if first_text is node.para else first_text.start
        clause = read_clause(reader, start, first_text.end)
        at = None if clause.subject or first_text.text.rstrip().endswith(":") else split_heading(reader, first_text, start)
        if at is not None:  # "b) Thực hiện đánh giá … PBGDPL\nCác sở, ban, ngành … cần xác định …"
            heading = text[start:at].strip().rstrip(":")
            own_heading_paras = [Paragraph(first_text.index, first_text.start, at - 1, text[first_text.start:at - 1])]
            first_text = Paragraph(first_text.index, at, first_text.end, text[at:first_text.end])
            lead_text_paras = [first_text] + lead_text_paras[1:]
            start = at
            clause = read_clause(reader, start, first_text.end)
        later = [p for p in lead_text_paras[1:]]
        bullets_with_subject = any(read_clause(reader, c.text_start, c.para.end).subject for c in node.children)
        if not clause.subject and not first_text.text.rstrip().endswith(":") and (
                (later and read_clause(reader, later[0].start, later[0].end).subject) or
                (not later and bullets_with_subject)):
            # "a) Tăng cường công tác kiểm tra …" then the sentence that names who: the first line is a heading.
            heading = text[start:first_text.end].strip().rstrip(":")
            own_heading_paras = [first_text]
            lead_text_paras = later
            if later:
                clause = read_clause(reader, later[0].start, later[0].end)
                start = later[0].start
            else:
                clause = None
        if clause is not None:
            units.append(Unit(lead_text_paras, start, clause, lead=True))
    for p in lead_paras:
        if is_deadline(p):
            order.append(("deadline", p))
    if units:
        order.insert(0, ("unit", units[0]))
    for child in node.children:
        paras = child.all_paras()
        body = [p for p in paras if not is_deadline(p)]
        u = Unit(body, child.text_start, read_clause(reader, child.text_start, child.para.end), lead=False)
        units.append(u)
        order.append(("unit", u))
        order += [("deadline", p) for p in paras if is_deadline(p)]

    # Subjects: a unit's own, else the item's sentence's, else the heading above.
    item_clause = units[0].clause if units and units[0].lead else None
    item_subject = (item_clause.subject if item_clause and item_clause.subject else None)
    base_subject = item_subject or ctx.subject or fallback or []

    # Deadlines: a "Thời gian thực hiện" line covers the units since the previous one; the rest read inline.
    pending: list[Unit] = []
    for kind, x in order:
        if kind == "unit":
            pending.append(x)
        else:
            found = labelled(x.text, x.start)
            for u in pending:
                u.deadline, u.deadline_paras = found, [x]
            pending = []
    for u in units:
        if u.deadline is None:
            u.deadline = inline(text[u.text_start:u.paras[-1].end], u.text_start) if u.paras else None
            u.inline = u.deadline is not None

    duty_units = [u for u in units if not (u.lead and _heading_only(text, u))]
    if not duty_units and units:
        duty_units = units[:1]
    # A heading-only item sentence ("b) Sở Tư pháp:") gives its deadline to nobody; its bullets carry theirs.
    groups: list[list[Unit]] = []
    for u in duty_units:
        subj = u.clause.subject if (u.clause.subject and not u.lead) else base_subject
        key = (_keys(subj), _deadline_key(u.deadline))
        if groups and groups[-1][0] == key:
            groups[-1][1].append(u)
        else:
            groups.append([key, [u]])

    drafts = []
    for n, (_, group) in enumerate(groups, start=1):
        tid = item_id if len(groups) == 1 else f"{item_id}.{n}"
        drafts.append(_draft(reader, tid, item_id if len(groups) > 1 else None, ctx, heading, heading_paras,
                             own_heading_paras, units, group, item_clause, base_subject, len(groups) == 1,
                             fallback_used=not item_subject and not ctx.subject and bool(fallback)))
    return drafts


def section_split(reader: BodyReader, node: Node) -> int | None:
    """Where a section that is one task stops being its title, when its task's sentence follows on the same line."""
    if node.para is None or any(read_clause(reader, p.start, p.end).subject for p in node.paras[:1]
                                if not is_deadline(p)):
        return None
    return split_heading(reader, node.para, node.text_start)


def split_heading(reader: BodyReader, para: Paragraph, start: int) -> int | None:
    """Where a heading's line ends and a sentence giving a task begins inside one paragraph: at a raw line
    break, before a capitalised list of bodies followed by what they do ("Khen thưởng\nSở Nội vụ hướng dẫn")."""
    text = reader.text
    for b in sorted(x for x in reader.soft_breaks if start < x < para.end):
        before = text[start:b].rstrip()
        if not before or before[-1] in ",;:-–" or before.rsplit(" ", 1)[-1].lower() in _CONNECTIVES:
            continue
        if not text[b + 1:b + 2].isupper():
            continue
        toks = tokens(text[b + 1:para.end], b + 1)
        i = 2 if _at(toks, 0, ("de", "nghi")) else 1 if _at(toks, 0, ("giao",)) else 0
        found, j = reader.read_list(toks, i)
        if found and j < len(toks) and toks[j].word:
            return b + 1
    return None


_CONNECTIVES = frozenset("và với của cho các những hoặc cùng tại về theo là để trong đến từ".split())


def _heading_only(text: str, u: Unit) -> bool:
    """Nothing but the body (and its role words) before the bullets: "b) Sở Tư pháp", "đ) X chủ trì, phối hợp …:"."""
    rest = text[u.clause.rest_start:u.paras[-1].end] if u.paras else ""
    after_roles = rest
    if u.clause.chu_tri and u.clause.coordinating:
        after_roles = text[u.clause.coordinating[-1].end:u.paras[-1].end]
    elif u.clause.chu_tri and u.clause.chu_tri_end:
        after_roles = text[u.clause.chu_tri_end:u.paras[-1].end]
    return len(u.paras) == 1 and bool(u.clause.subject) and not re.sub(r"[\s:;,.\-–]+", "", after_roles)


def _keys(mentions: list[Mention]) -> tuple:
    return tuple(m.key or ("?", fold(m.text)) for m in mentions)


def _deadline_key(d: Found | None):
    return None if d is None else (d.deadline.kind, d.deadline.year, d.deadline.quarter, fold(d.written))


def _draft(reader, tid, parent, ctx, heading, heading_paras, own_heading_paras, units, group, item_clause,
           base_subject, only_group, fallback_used) -> Draft:
    text = reader.text
    ref = f"task:{tid}"
    first = group[0]
    own = first.clause.subject if first.clause.subject and not first.lead else None
    subject = own or base_subject
    subject_clause = first.clause if own else (item_clause if item_clause and item_clause.subject else ctx.heading_clause)
    inherits_item = not own
    clauses = [u.clause for u in group]
    if inherits_item and item_clause is not None and item_clause not in clauses:
        clauses = [item_clause] + clauses
    if inherits_item and ctx.heading_clause is not None and not (item_clause and item_clause.subject):
        clauses = [ctx.heading_clause] + clauses

    named_clause = next((c for c in clauses if c.chu_tri), None)
    if named_clause is None and only_group and len(group) == 1 and group[0].clause.bare_chu_tri:
        named_clause = group[0].clause  # the item's one sentence says "chủ trì" of the body above it
    coords = _unique(m for c in clauses if c.chu_tri or c.bare_chu_tri or c.chu_tri_later for m in c.coordinating)
    works = _unique(m for c in clauses for m in c.works_with)
    duty_clauses = [u.clause for u in group]
    phoi_hop_only = all(c.phoi_hop_only for c in duty_clauses) and named_clause is None and not any(
        c.bare_chu_tri for c in clauses)
    lead_keys = _keys(subject)
    if phoi_hop_only:
        lead, coordinating = [], subject
        works = [m for m in works if _keys([m])[0] not in lead_keys]
    else:
        lead = subject
        coordinating = [m for m in coords if _keys([m])[0] not in lead_keys]
        ck = set(_keys(coordinating))
        works = [m for m in works if _keys([m])[0] not in lead_keys and _keys([m])[0] not in ck]
    requested = any(c.requested for c in clauses)

    # The source: the heading above, the item's sentence, the group's bullets and their deadline lines.
    paras = list(heading_paras) + list(own_heading_paras)
    for u in units:
        if u.lead:
            paras += u.paras + u.deadline_paras if u in group else u.paras
    for u in group:
        if not u.lead:
            paras += u.paras + u.deadline_paras
    source = _pieces(paras)

    duties = []
    for u in group:
        duties += _duties(text, u)
    if not duties:
        duties = [squash(text[first.text_start:first.paras[-1].end]).rstrip(" .;:")]
    deadline = first.deadline
    cores = [_trim(text[u.clause.core_start:u.paras[-1].end]) for u in group if u.paras]
    summary = _summary(reader, [c for c in cores if c] + duties, subject, heading)

    marks: list[Mark] = []
    subj_span = (subject_clause.subject_span if subject_clause and subject_clause.subject_span else
                 (source[0][0], source[0][0] + 1))
    why_lead = None
    conf = 0.9
    # The issuer stands in only because no body was read: a "chủ trì" or "phối hợp với" in the words is someone
    # else's, whom the reader could not name, so it is neither claimed for the issuer nor said to be absent.
    fallback_lead = fallback_used and not own
    said = fold(" ".join(squash(text[a:b]) for a, b in source))
    if fallback_lead and ("chu tri" in said or "phoi hop voi" in said):
        conf, why_lead = 0.1, ("Câu có “chủ trì” hoặc “phối hợp với” nhưng bộ nhập không đọc được tên cơ quan; tạm ghi "
                               "cơ quan ban hành Kế hoạch, cần sửa theo lời văn bản.")
    elif fallback_lead:
        conf, why_lead = 0.2, ("Văn bản không nêu cơ quan thực hiện nhiệm vụ này; tạm ghi cơ quan ban hành Kế hoạch, "
                               "cần sửa theo phần tổ chức thực hiện.")
    elif phoi_hop_only:
        conf, why_lead = 0.6, ("Không có cơ quan nào “chủ trì”: cơ quan được giao chỉ “phối hợp”, nên được ghi ở "
                               "cơ quan phối hợp, cơ quan còn lại chỉ được nêu tên.")
    elif named_clause is None:
        conf, why_lead = 0.75, ("Không tìm thấy “chủ trì”; cơ quan " + ("ở tiêu đề phía trên" if inherits_item and not item_clause
                                                                        else "đầu câu") + " được đọc là cơ quan thực hiện.")
    if subject_clause is not None and subject_clause.skipped:
        words = ", ".join(f"“{w}”" for w in subject_clause.skipped)
        conf, why_lead = min(conf, 0.7), _join_why(why_lead, f"Từ {words} trong danh sách không được đọc là một cơ quan.")
    proposed = [m for m in subject if m.key is None]
    if proposed:
        conf = min(conf, 0.5)
        why_lead = _join_why(why_lead, _new_body_why(proposed))
    marks.append(Mark(ref, "addressed_to", conf, subj_span, why_lead))
    marks.append(Mark(ref, "lead", conf, subj_span, why_lead))
    c_span = next((c.coordinating_span for c in clauses if c.coordinating_span), None)
    c_new = [m for m in coordinating + works if m.key is None]
    if not coordinating and "phoi hop voi" in said:
        marks.append(Mark(ref, "coordinating", 0.2, c_span or subj_span, "Văn bản có “phối hợp với” nhưng bộ nhập không "
                                                                          "đọc được tên cơ quan phối hợp: cần ghi lại."))
    else:
        marks.append(Mark(ref, "coordinating", 0.5 if c_new else (0.85 if coordinating else 0.8),
                          c_span or subj_span, _new_body_why(c_new) if c_new else (
                              None if coordinating else "Không thấy “phối hợp với” trong mục này.")))
    if works:
        w_span = (works[0].start, works[-1].end)
        marks.append(Mark(ref, "works_with", 0.6, w_span, "Cơ quan được giao “phối hợp với” các cơ quan này mà văn bản "
                                                          "không nêu cơ quan chủ trì: các cơ quan này không mang vai trò."))
    req = next((c.requested_span for c in clauses if c.requested_span), None)
    marks.append(Mark(ref, "requested", 0.9 if requested else 0.8, req or subj_span, None if requested else
                      "Không có “Đề nghị”: nhiệm vụ được đọc là giao thực hiện."))
    marks.append(_deadline_mark(ref, deadline, source, text))
    d_span = (first.text_start, group[-1].paras[-1].end if group[-1].paras else first.text_start)
    marks.append(Mark(ref, "duties", 0.7, d_span, "Nội dung nhiệm vụ được tách theo gạch đầu dòng và dấu “;” của "
                                                "văn bản; cần xem lại chỗ tách."))
    marks.append(Mark(ref, "summary", 0.5, d_span, "Tóm tắt do công cụ nhập tạo từ nội dung nhiệm vụ đầu tiên, "
                                                   "không phải lời văn bản."))
    marks.append(Mark(ref, "source", 0.9, (source[0][0], source[-1][1]),
                      "Mục có nhiều cơ quan hoặc thời hạn khác nhau nên được tách thành nhiệm vụ con."
                      if parent else None))

    lead_basis = None if fallback_lead else _lead_basis(text, named_clause, phoi_hop_only, duty_clauses,
                                                         subject_clause, heading_paras, source)
    notes: list[str] = []
    addressee = squash(text[subj_span[0]:subj_span[1]]) if subject_clause and subject_clause.subject_span else None
    return Draft(tid, ctx.section, summary, lead, coordinating, subject, works, requested,
                 named_clause is not None and not fallback_lead, lead_basis, duties, deadline, source, parent, heading, addressee, notes, marks, fallback_used)


def _unique(mentions) -> list[Mention]:
    out, seen = [], set()
    for m in mentions:
        k = _keys([m])[0]
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


def _pieces(paras: list[Paragraph]) -> list[tuple[int, int]]:
    """Paragraphs as excerpts: adjacent ones read as one, in the plan's order."""
    out: list[list[int]] = []
    for p in sorted({(p.start, p.end): p for p in paras}.values(), key=lambda p: p.start):
        if out and p.start <= out[-1][1] + 1:  # the next line, or the rest of the same one
            out[-1][1] = max(out[-1][1], p.end)
        else:
            out.append([p.start, p.end])
    return [(a, b) for a, b in out]


def _duties(text: str, u: Unit) -> list[str]:
    if u.lead:
        start = u.clause.rest_start if u.clause.phoi_hop_only else u.clause.core_start
        pieces = []
        for k, p in enumerate(u.paras):
            a = start if k == 0 else p.start
            pieces += _split_semicolons(text[a:p.end])
        return [d for d in pieces if d]
    body = squash(text[u.text_start:u.paras[-1].end]) if u.paras else ""
    d = _trim(body)
    return [d] if d else []


def _after_list(text: str, at: int) -> int:
    while at < len(text) and text[at] in " ,:":
        at += 1
    return at


def _split_semicolons(s: str) -> list[str]:
    return [_trim(x) for x in re.split(r";\s+", squash(s)) if _trim(x)]


def _trim(s: str) -> str:
    s = squash(s)
    s = re.sub(r"(?:\./\.|[.;:,])+$", "", s).strip()
    return s


def _summary(reader: BodyReader, duties: list[str], subject: list[Mention], heading: str | None) -> str:
    """A short line for cards and lists, cut before any name of a body the task is given to."""
    names = set()
    for m in subject:
        names.add(fold(m.text))
        if m.key:
            names.update(fold(n) for n in reader.registry.names_of(m.key))
    names.discard("")
    for d in duties + ([heading] if heading else []):
        f = fold(d)
        cut = min((f.find(n) for n in names if _word_in(f, n)), default=-1)
        s = d if cut < 0 else d[:cut].rstrip(" ,;:-–")
        first = s.split("; ", 1)[0]  # the first clause reads as a title; the whole duty is listed anyway
        s = first if len(first.split()) >= 3 else s
        s = re.sub(r"\s+(?:và|với|của|cho|các)$", "", s)
        if len(s.split()) >= 3:
            return _shorten(s[:1].upper() + s[1:])
    return _shorten(duties[0][:1].upper() + duties[0][1:]) if duties else "Nhiệm vụ"


def _word_in(folded: str, name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", folded) is not None


def _shorten(s: str, limit: int = 220) -> str:
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit - 1)
    return s[:cut].rstrip(" ,;:") + "…"


# Deadline words parse_deadline has no kind for ("Tháng 9 năm 2026", "trước ngày 30/6/2026"), or a label inside a
# sentence: said to the reviewer, never read as "no deadline".
_UNREAD_DEADLINE = re.compile(r"(?:thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: thuc hien| hoan thanh)?)\s*:\s*"
                              r"[^.;\n]+|truoc ngay \d{1,2}/\d{1,2}(?:/\d{4})?|thang \d{1,2}(?:/\d{4}| nam \d{4}| hang nam)")


def _stated_deadline(text: str, source) -> tuple[int, int] | None:
    """Where the task's own words state a deadline the reader did not read, if they do."""
    for a, b in source:
        folded = fold(text[a:b])
        if len(folded) == b - a and (m := _UNREAD_DEADLINE.search(folded)):
            return a + m.start(), a + m.end()
    return None


def _deadline_mark(ref: str, d: Found | None, source, text: str) -> Mark:
    if d is None:
        stated = _stated_deadline(text, source)
        if stated:
            words = squash(text[stated[0]:stated[1]])
            return Mark(ref, "deadline", 0.3, stated, f"Văn bản ghi thời hạn “{words}” nhưng chưa đọc được thành quý, năm "
                                                      "hay định kỳ: cần ghi lại bằng tay.")
        return Mark(ref, "deadline", 0.5, (source[-1][1] - 1, source[-1][1]), "Văn bản không nêu thời hạn cho nhiệm vụ này.")
    if not d.understood:
        return Mark(ref, "deadline", 0.3, (d.start, d.end), f"Thời hạn “{d.written}” chưa đọc được thành quý, năm hay "
                                                            "định kỳ: cần ghi lại bằng tay.")
    if d.inline:
        return Mark(ref, "deadline", 0.6, (d.start, d.end), f"Thời hạn đọc từ cụm “{d.written}” trong câu (không ở dòng "
                                                            "“Thời gian thực hiện” riêng).")
    why = None if d.deadline.text == d.written else f"Chỉ phần “{d.deadline.text}” của “{d.written}” được đọc."
    return Mark(ref, "deadline", 0.9 if why is None else 0.7, (d.start, d.end), why)


def _new_body_why(mentions: list[Mention]) -> str:
    names = ", ".join(f"“{m.text}”" for m in mentions)
    return f"{names} không có trong danh mục cơ quan của Thành phố: được đề xuất thêm cơ quan mới (agencies.yaml)."


def _join_why(a: str | None, b: str | None) -> str | None:
    return " ".join(x for x in (a, b) if x) or None


def _lead_basis(text, named_clause, phoi_hop_only, duty_clauses, subject_clause, heading_paras, source) -> str | None:
    """The plan's words that give the task: through "chủ trì" when they say it."""
    def piece(a, b):
        return squash(text[max(_line_start(text, a), _piece_start(source, a)):b])

    if named_clause is not None and named_clause.chu_tri_end:
        words = squash(text[_piece_start(source, named_clause.start):named_clause.chu_tri_end])
        return _with_heading(text, heading_paras, named_clause, words, source)
    if phoi_hop_only:
        c = next((c for c in duty_clauses if c.phoi_hop_end), None)
        if c:
            return piece(c.start, c.phoi_hop_end)
    if subject_clause is not None and subject_clause.subject_span:
        a, b = subject_clause.subject_span
        words = re.match(r"(?:\W*\w+){0,3}", text[b:subject_clause.end])
        return piece(a, b + (words.end() if words else 0))
    return None


def _piece_start(source, at: int) -> int:
    return max((a for a, b in source if a <= at), default=at)


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _with_heading(text, heading_paras, clause, words, source) -> str:
    """When the body is named by the heading above ("1. Các sở, ban, ngành Thành phố:"), the basis quotes it too."""
    if not heading_paras or clause.subject:
        return words
    h = heading_paras[-1]
    if any(a <= h.start and clause.start <= b for a, b in source):  # the heading and the item are one piece
        return words
    return squash(h.text) + " […] " + words
