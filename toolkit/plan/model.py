"""The plan as data: frozen models of a plan, its tasks, bodies and units, and the questions asked of it.

>>> plan = load_plan()
>>> [t.id for t in plan.tasks_led_by("so_tu_phap", via_groups=False)][:3]
['II.3.b', 'II.4.b.1', 'II.4.b.2']
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from toolkit.vietnamese import fold, search

SOURCE_TEXT = Path("van-ban") / "KH-241-UBND-2020.txt"
FILES = ("plan", "agencies", "tasks", "units")

DEADLINE_KINDS = {
    "once_by": "Hoàn thành trong một quý/năm",
    "annual": "Hằng năm",
    "year": "Trong một năm cụ thể",
    "after_central": "Sau khi Trung ương ban hành",
    "ongoing": "Thường xuyên, định kỳ",
    "none": "Không nêu thời hạn",
}
# Role names when no particular task is meant (filters, column headers). For one task, Task.role_label
# says "Chủ trì" only where the plan's words do.
ROLES = {"lead": "Chủ trì, thực hiện", "coordinating": "Phối hợp"}
OVERLAP_RELATIONS = ("includes", "overlaps", "associated")
AGENCY_KINDS = {
    "ubnd": "Ủy ban nhân dân",
    "so": "Sở, ban, ngành",
    "luc_luong_vu_trang": "Lực lượng vũ trang",
    "co_quan_bao_chi": "Cơ quan báo chí",
    "mat_tran": "Mặt trận Tổ quốc",
    "to_chuc_xa_hoi_nghe_nghiep": "Tổ chức xã hội - nghề nghiệp",
    "hoi_dong": "Hội đồng",
    "co_quan_tu_phap": "Cơ quan tư pháp",
    "ubnd_cap_huyen": "UBND cấp huyện",
    "ubnd_cap_xa": "UBND cấp xã",
    "group": "Nhóm cơ quan",
    "generic": "Nhóm không xác định",
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    short: str
    kind: str
    aliases: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    note: str | None = None

    @property
    def is_group(self) -> bool:
        return self.kind in ("group", "generic")


@dataclass(frozen=True)
class Overlap:
    """Bodies that may share members beyond member_of: never key and wrong option of one question.

    `agencies[0]` is compared with each of the others: "includes" (it contains them), "overlaps" (they
    share, or may share, members) or "associated" (distinct bodies too closely tied to be opposed).
    `reading` is True when the overlap is the compiler's reading, explained in `note`.
    """

    agencies: tuple[str, ...]
    relation: str
    basis: tuple[str, ...] = ()
    reading: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str
    text: str | None = None
    year: int | None = None
    quarter: int | None = None

    @property
    def label(self) -> str:
        """How the deadline reads in a card: the plan's own words, or that it gives none."""
        return self.text[:1].upper() + self.text[1:] if self.text else "Không nêu thời hạn"

    @property
    def due(self) -> date | None:
        """Last day a dated duty is on time; None for recurring or conditional ones."""
        if self.kind == "once_by" and self.quarter:
            return date(self.year, self.quarter * 3, 31 if self.quarter in (1, 4) else 30)
        if self.kind in ("once_by", "year"):
            return date(self.year, 12, 31)
        return None


@dataclass(frozen=True)
class Section:
    id: str
    part: str
    number: int | None
    title: str

    @property
    def label(self) -> str:
        return f"{self.id}. {self.title}"


@dataclass(frozen=True)
class Task:
    id: str
    section: str
    summary: str
    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    requested: bool
    duties: tuple[str, ...]
    deadline: Deadline
    source: tuple[str, ...]
    parent: str | None = None
    heading: str | None = None
    addressee: str | None = None
    notes: tuple[str, ...] = ()
    # Who the item is given to (its heading or the subject of its verbs); the lead by default.
    addressed_to: tuple[str, ...] = ()
    # True only where the plan's words write "chủ trì" of the lead for this duty (lead_basis quotes them).
    lead_named: bool = False
    lead_basis: str | None = None
    # Bodies the addressee "phối hợp (với)" where the plan names no chủ trì: they get no role.
    works_with: tuple[str, ...] = ()
    # The summary names the lead's field (army, police, finance...): no "who is it given to" question.
    hints_lead: bool = False
    # Bodies another sentence of the plan gives the same duty (also_true_basis quotes it).
    also_true_for: tuple[str, ...] = ()
    also_true_basis: tuple[str, ...] = ()
    # Tasks whose duties read nearly the same (either direction is enough; Plan.related is symmetric).
    related: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.addressed_to:
            object.__setattr__(self, "addressed_to", self.lead)

    @property
    def part(self) -> str:
        return self.id.split(".")[0]

    @property
    def source_text(self) -> str:
        """The plan's words; excerpts that are not adjacent in the plan are joined with […]."""
        return " […] ".join(self.source)

    @property
    def bodies(self) -> tuple[str, ...]:
        """Every body the item names as doing something: addressees, lead, coordinating, works_with."""
        return tuple(dict.fromkeys(self.addressed_to + self.lead + self.coordinating + self.works_with))

    def role_label(self, role: str) -> str:
        """How a body's role in this task reads: "Chủ trì" only where the plan's words say it.

        >>> plan = load_plan()
        >>> plan.task("II.5.b").role_label("lead"), plan.task("II.9").role_label("lead")
        ('Chủ trì', 'Thực hiện')
        >>> plan.task("III.5").role_label("lead"), plan.task("III.4").role_label("coordinating")
        ('Được đề nghị thực hiện', 'Phối hợp')
        """
        if role == "coordinating":
            return "Phối hợp"
        if self.lead_named:
            return "Chủ trì"
        return "Được đề nghị thực hiện" if self.requested else "Thực hiện"


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    kind: str
    valid_from: date
    agency: str | None = None
    level: str | None = None
    groups: tuple[str, ...] = ()
    valid_to: date | None = None
    successor_of: tuple[str, ...] = ()
    inherits: bool = False
    note: str | None = None

    def active_in(self, year: int) -> bool:
        return self.valid_from.year <= year and (self.valid_to is None or self.valid_to.year >= year)


@dataclass(frozen=True)
class Document:
    key: str
    number: str
    kind: str
    title: str
    date: date | None = None
    issuer: str | None = None
    note: str | None = None
    cited_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanInfo:
    number: str
    date: date
    place: str
    issuer: str
    kind: str
    title: str
    signer_name: str
    signer_title: str
    signer_capacity: str | None
    period_start: int
    period_end: int
    period_note: str | None


@dataclass(frozen=True)
class Assignment:
    """One duty of an agency or unit: the task, its role, and the body it reaches it through."""

    task: Task
    role: str  # "lead" | "coordinating"
    via: str  # agency key named in the task (the body itself, or a group it belongs to)


@dataclass(frozen=True, eq=False)  # identity equality: a loaded plan is one object, cached and shared
class Plan:
    info: PlanInfo
    implements: tuple[Document, ...]
    cites: tuple[Document, ...]
    purposes: tuple[str, ...]
    requirements: tuple[str, ...]
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    agencies: Mapping[str, Agency]
    units: Mapping[str, Unit]
    agency_overlaps: tuple[Overlap, ...] = ()
    # The plan's text, whitespace collapsed (None for a plan built in memory): authored banks quote it.
    source_text: str | None = dataclasses.field(default=None, repr=False)
    # Names the data files a loaded plan came from, so a question bank built from it can be cached.
    source_key: str | None = None

    # -- pickling (toolkit.datacache): the fields only, not what cached_property derived from them
    def __getstate__(self) -> dict:
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        state.update(agencies=dict(self.agencies), units=dict(self.units))
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state, agencies=MappingProxyType(state["agencies"]), units=MappingProxyType(state["units"]))
        for name, value in state.items():
            object.__setattr__(self, name, value)

    # -- look-ups
    def task(self, task_id: str) -> Task:
        return self._tasks_by_id[task_id]

    def has_task(self, task_id: str) -> bool:
        return task_id in self._tasks_by_id

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def agency(self, key: str) -> Agency:
        return self.agencies[key]

    def unit(self, key: str) -> Unit:
        return self.units[key]

    def agency_name(self, key: str) -> str:
        return self.agencies[key].short

    @functools.cached_property
    def _tasks_by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    # -- groups
    def memberships(self, agency_key: str) -> frozenset[str]:
        """The agency and every group it belongs to, directly or through another group."""
        return self._memberships[agency_key]

    @functools.cached_property
    def _memberships(self) -> dict[str, frozenset[str]]:
        return _reach({k: a.member_of for k, a in self.agencies.items()})

    def overlaps(self, a: str, b: str) -> bool:
        """May a and b name some of the same bodies? The same body, a group and its member, or overlap data.

        A body reaches down to its members (member_of) and to what an "includes" entry says it contains;
        two bodies overlap when those sets meet, or when an "overlaps" or "associated" entry links something
        in one to something in the other (a group holding an associated body is kept apart from it too).

        >>> plan = load_plan()
        >>> plan.overlaps("so_ban_nganh", "so_tu_phap"), plan.overlaps("doan_the_tp", "to_chuc_ct_xh")
        (True, True)
        >>> plan.overlaps("so_tu_phap", "so_noi_vu"), plan.overlaps("cong_an_tp", "bo_tu_lenh_thu_do")
        (False, False)
        """
        if a == b:
            return True
        down_a, down_b = self._down[a], self._down[b]
        if down_a & down_b:
            return True
        return any(frozenset((x, y)) in self._overlap_pairs for x in down_a for y in down_b)

    def overlaps_any(self, a: str, keys: Iterable[str]) -> bool:
        return any(self.overlaps(a, k) for k in keys)

    @functools.cached_property
    def _down(self) -> dict[str, frozenset[str]]:
        contains: dict[str, set[str]] = {k: set() for k in self.agencies}
        for k, a in self.agencies.items():
            for g in a.member_of:
                contains[g].add(k)
        for o in self.agency_overlaps:
            if o.relation == "includes":
                contains[o.agencies[0]].update(o.agencies[1:])
        return _reach(contains)

    @functools.cached_property
    def _overlap_pairs(self) -> frozenset[frozenset[str]]:
        # "associated" bodies are kept apart like overlapping ones, and so are the groups that hold them.
        return frozenset(frozenset((o.agencies[0], k)) for o in self.agency_overlaps if o.relation != "includes"
                         for k in o.agencies[1:])

    def related(self, task_id: str) -> tuple[str, ...]:
        """Tasks whose duties read nearly the same as this one's, in plan order (the relation is symmetric)."""
        return self._related.get(task_id, ())

    @functools.cached_property
    def _related(self) -> dict[str, tuple[str, ...]]:
        pairs: dict[str, set[str]] = {}
        for t in self.tasks:
            for r in t.related:
                pairs.setdefault(t.id, set()).add(r)
                pairs.setdefault(r, set()).add(t.id)
        order = {t.id: i for i, t in enumerate(self.tasks)}
        return {k: tuple(sorted(v, key=order.__getitem__)) for k, v in pairs.items()}

    def reach(self, task: Task, named_only: bool = False) -> frozenset[str]:
        """Every body a task's duty may belong to by some path of the plan's words.

        The bodies the item names (Task.bodies), those another sentence gives the same duty
        (also_true_for), and the bodies of tasks whose duties read nearly the same (related).
        `named_only` leaves out the unnamed "cơ quan, tổ chức liên quan" (who may be anyone).
        """
        keys = set(task.bodies) | set(task.also_true_for)
        for r in self.related(task.id):
            other = self.task(r)
            keys |= set(other.bodies) | set(other.also_true_for)
        if named_only:
            keys = {k for k in keys if self.agencies[k].kind != "generic"}
        return frozenset(keys)

    def given_to(self, task: Task, body: str, named_only: bool = False) -> bool:
        """May the plan be read as giving this task (or a duty like it) to `body`, by any path?

        >>> plan = load_plan()
        >>> plan.given_to(plan.task("III.5"), "so_tai_chinh")  # the closing sentence: every sở
        True
        >>> plan.given_to(plan.task("II.6.d"), "ubmttq_tp")
        False
        """
        return self.overlaps_any(body, self.reach(task, named_only))

    def members(self, group_key: str) -> tuple[str, ...]:
        """Agencies that belong to a group, directly or through a sub-group (derived, never stored)."""
        return tuple(k for k in self.agencies if k != group_key and group_key in self.memberships(k))

    def unit_memberships(self, unit_key: str) -> frozenset[str]:
        """Agency keys through which tasks reach a concrete unit: its body, its groups, and what it inherits."""
        unit = self.units[unit_key]
        keys: set[str] = set()
        for key in ((unit.agency,) if unit.agency else ()) + unit.groups:
            keys |= self.memberships(key)
        if unit.inherits:
            for old in unit.successor_of:
                keys |= self.unit_memberships(old)
        # Generic groups name no one in particular: a unit never inherits their duties.
        return frozenset(k for k in keys if self.agencies[k].kind != "generic")

    # -- queries
    def assignments(self, agency_key: str | None = None, *, unit_key: str | None = None,
                    via_groups: bool = True) -> list[Assignment]:
        """Every duty of an agency (or of a concrete unit), in plan order, lead before coordinating."""
        if unit_key is not None:
            through = self.unit_memberships(unit_key)
            agency_key = self.units[unit_key].agency
        elif via_groups:
            through = self.memberships(agency_key)
        else:
            through = frozenset([agency_key])
        out = []
        for task in self.tasks:
            for role in ("lead", "coordinating"):
                hit = [k for k in getattr(task, role) if k in through]
                if hit:
                    # Prefer the body itself (or the unit's own body) over a group when both are named.
                    via = agency_key if agency_key in hit else hit[0]
                    out.append(Assignment(task, role, via))
                    break
        return out

    def tasks_led_by(self, agency_key: str, via_groups: bool = True) -> list[Task]:
        return [a.task for a in self.assignments(agency_key, via_groups=via_groups) if a.role == "lead"]

    def tasks_coordinated_by(self, agency_key: str, via_groups: bool = True) -> list[Task]:
        return [a.task for a in self.assignments(agency_key, via_groups=via_groups) if a.role == "coordinating"]

    def tasks_of_section(self, section_id: str) -> list[Task]:
        return [t for t in self.tasks if t.section == section_id]

    def tasks_by_deadline_kind(self, kind: str) -> list[Task]:
        return [t for t in self.tasks if t.deadline.kind == kind]

    def tasks_for_unit(self, unit_key: str) -> list[Task]:
        return [a.task for a in self.assignments(unit_key=unit_key)]

    def filter_tasks(self, *, section: str | None = None, deadline_kind: str | None = None,
                     agency: str | None = None, unit: str | None = None, role: str | None = None,
                     via_groups: bool = True, query: str | None = None) -> list[Task]:
        """Tasks matching every filter given (None keeps everything), in plan order.

        `agency` and `unit` keep the tasks that body carries (through its groups unless via_groups is
        False; a unit also through the units it succeeds), `role` ("lead" | "coordinating") only in that
        role; `query` is `search`.

        >>> [t.id for t in load_plan().filter_tasks(agency="so_tu_phap", role="lead", section="II.4")]
        ['II.4.a', 'II.4.b.1', 'II.4.b.2']
        """
        tasks = list(self.tasks)
        if section:
            tasks = [t for t in tasks if t.section == section]
        if deadline_kind:
            tasks = [t for t in tasks if t.deadline.kind == deadline_kind]
        for found in ([self.assignments(agency, via_groups=via_groups)] if agency else []) + (
                [self.assignments(unit_key=unit)] if unit else []):
            ids = {a.task.id for a in found if role in (None, a.role)}
            tasks = [t for t in tasks if t.id in ids]
        if query and query.strip():
            tasks = self.search(query, tasks)
        return tasks

    def search(self, query: str, tasks: Iterable[Task] | None = None) -> list[Task]:
        """Tasks whose text, agencies or deadline contain every word of query, ignoring case and diacritics.

        >>> [t.id for t in load_plan().search("bo tu lenh thu do chu tri")]
        ['II.6.c.2']
        """
        pool = list(self.tasks if tasks is None else tasks)
        hits = set(search(query, {t.id: self._haystack[t.id] for t in pool}))
        return [t for t in pool if t.id in hits]

    @functools.cached_property
    def _haystack(self) -> dict[str, str]:
        out = {}
        for t in self.tasks:
            names = [n for k in t.bodies for n in (self.agencies[k].name, self.agencies[k].short,
                                                   *self.agencies[k].aliases)]
            parts = [t.id, t.summary, t.heading or "", t.addressee or "", *t.duties, t.source_text,
                     t.deadline.label, self.section(t.section).title, *names]
            out[t.id] = fold(" ".join(parts))
        return out


# ---------------------------------------------------------------- deadlines


def parse_deadline(text: str | None) -> Deadline:
    """Read a deadline as the plan writes it.

    >>> parse_deadline("Hoàn thành trong Quý IV năm 2020")
    Deadline(kind='once_by', text='Hoàn thành trong Quý IV năm 2020', year=2020, quarter=4)
    >>> parse_deadline("Năm 2022").kind
    'year'
    """
    if not text:
        return Deadline("none")
    f = fold(text)
    if m := re.search(r"quy ([iv]+) nam (\d{4})", f):
        return Deadline("once_by", text, int(m[2]), _ROMAN[m[1].upper()])
    if m := re.fullmatch(r"nam (\d{4})", f):
        return Deadline("year", text, int(m[1]))
    if "hang nam" in f:
        return Deadline("annual", text)
    if "trung uong ban hanh" in f:
        return Deadline("after_central", text)
    if "thuong xuyen" in f or "dinh ky" in f:
        return Deadline("ongoing", text)
    raise ValueError(f"Không hiểu thời hạn: {text!r}")


def _reach(edges: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """For every key, itself and every key reachable from it along `edges` (groups up, or members down)."""
    out = {}
    for start in edges:
        seen, todo = set(), [start]
        while todo:
            key = todo.pop()
            if key not in seen:
                seen.add(key)
                todo.extend(edges[key])
        out[start] = frozenset(seen)
    return out
