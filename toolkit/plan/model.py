"""The plan as data: frozen models of a plan, its tasks, bodies and units, and the questions asked of it.

>>> plan = load_plan()
>>> [t.id for t in plan.tasks_led_by("so_tu_phap", via_groups=False)][:3]
['II.3.b', 'II.4.b.1', 'II.4.b.2']
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from toolkit.vietnamese import fold, match_rank, search, sort_key, squash

# A plan folder's text is the one .txt file in this subfolder (toolkit.plan.load.source_file).
SOURCE_DIR = Path("van-ban")
FILES = ("plan", "agencies", "tasks", "units")

# The line that states a task's deadline, as plans write it ("Thời gian thực hiện: Quý IV năm 2020",
# "Thời gian hoàn thành: …", "Thời hạn: …"); group 1 is the label as written.
DEADLINE_LABEL = re.compile(r"(Thời gian thực hiện|Thời gian hoàn thành|Thời hạn(?: thực hiện| hoàn thành)?)\s*:",
                            re.IGNORECASE)
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
class FormerUnit:
    """A ward, commune or township a registry unit was formed from, as its clause names it."""

    name: str  # "Phường Hàng Bạc", spelled as the resolution spells it
    code: str | None
    district: str | None  # "Quận Hoàn Kiếm"
    share: str  # "full" (the whole former unit) | "partial"


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
    # True when a reading gives the unit its predecessors' duties (Plan.readings_of says which).
    inherits: bool = False
    note: str | None = None
    # Units from the city registry (data/hanoi/): statistical code, the place's own name ("Phường Hoàn
    # Kiếm", beside name "UBND phường Hoàn Kiếm"), what it was formed from, and the verbatim source.
    code: str | None = None
    area_name: str | None = None
    formed_from: tuple[FormerUnit, ...] = ()
    source: str | None = None  # verbatim excerpt (a clause of the resolution, a line of the sources)
    source_cite: str | None = None  # where the excerpt is from, in words

    def active_in(self, year: int) -> bool:
        """Did the unit exist on some day of `year`? In 2025 both a district (to 30/6) and a ward (from 1/7) did."""
        return self.valid_from.year <= year and (self.valid_to is None or self.valid_to.year >= year)

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def period_in(self, year: int) -> tuple[date, date] | None:
        """The days of `year` the unit existed (first, last), or None.

        >>> Unit("x", "X", "so", date(2025, 7, 1)).period_in(2025)
        (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))
        """
        first = max(self.valid_from, date(year, 1, 1))
        last = min(self.valid_to or date.max, date(year, 12, 31))
        return (first, last) if first <= last else None


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
    # The task under which a body collects the units' reports (Plan 241: III.3, Sở Tư pháp); None if not recorded.
    collecting_task: str | None = None


@dataclass(frozen=True)
class Assignment:
    """One duty of an agency or unit: the task, its role, and the body it reaches it through."""

    task: Task
    role: str  # "lead" | "coordinating"
    via: str  # agency key named in the task (the body itself, or a group it belongs to)


# How a duty's provenance is headed wherever it is shown: the plan's words, or the compiler's reading.
PLAN_WORDS_LABEL = "Lời văn Kế hoạch"
READING_LABEL = "Ghi chú biên soạn"
BASIS_SOURCES = {
    "plan": "Kế hoạch",  # the loader names the plan itself (Basis.label): "Kế hoạch số 241/KH-UBND"
    "nq1656": "Nghị quyết số 1656/NQ-UBTVQH15",
    "sources_readme": "shared/sources/README.md",
}
READING_OUTCOMES = ("passes", "unknown")

When = date | int | None  # a day, a year (any day of it), or no date


@dataclass(frozen=True)
class Basis:
    """One verbatim excerpt a reading rests on: `source` is a key of BASIS_SOURCES, `where` the place in it."""

    source: str
    excerpt: str
    where: str | None = None
    label: str | None = None  # the source's name when it is not BASIS_SOURCES's (the plan's own number)

    @property
    def cite(self) -> str:
        return (self.label or BASIS_SOURCES.get(self.source, self.source)) + (f", {self.where}" if self.where else "")


@dataclass(frozen=True)
class Reading:
    """The compiler's reading of who carries some of the plan's duties after a change the plan did not foresee.

    Never the plan's words: `note` (Vietnamese, shown as READING_LABEL) says it is a reading and why, and
    `basis` quotes what it rests on. outcome "passes": from `valid_from` the duties pass to the units in
    `carried_by`; "unknown": the sources do not say who carries them, no unit is given them, and `mentions`
    lists the tasks whose words name the body.
    Which duties pass: those the source units (`from_units`, or else each carrying unit's own predecessors)
    have by the plan's words, only through the bodies in `via` (all when empty), only the `tasks` listed
    (all when empty), never the `except_tasks`.
    """

    key: str
    title: str
    note: str
    outcome: str
    valid_from: date
    basis: tuple[Basis, ...] = ()
    carried_by: tuple[str, ...] = ()  # unit keys (a registry's kinds are resolved to units when loading)
    carried_by_kinds: tuple[str, ...] = ()
    from_units: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    except_tasks: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    # The duties may have gone to more than one successor (could_go_to), or partly to a body the sources
    # do not name (unnamed_other).
    split_possible: bool = False
    could_go_to: tuple[str, ...] = ()
    unnamed_other: bool = False
    origin: str | None = None  # the data file that records it

    @property
    def from_predecessors(self) -> bool:
        return self.outcome == "passes" and not self.from_units

    def covers(self, task_id: str) -> bool:
        return (not self.tasks or task_id in self.tasks) and task_id not in self.except_tasks


@dataclass(frozen=True)
class Duty:
    """One duty of a unit at a time, and whether the plan's own words give it or a reading does.

    `reading` is None when the plan's words give the unit this role (through its body or its groups);
    otherwise the duty was `from_unit`'s and passes by that reading, whose note must be shown with it.
    `plan_role` is the role the plan's words give the unit itself, if any, when a reading gives a
    stronger one (III.2.a: a ward coordinates by the plan's words, leads by the reading).
    """

    task: Task
    role: str  # "lead" | "coordinating"
    via: str  # agency key named in the task through which the role is reached
    reading: Reading | None = None
    from_unit: str | None = None
    plan_role: str | None = None

    @property
    def from_reading(self) -> bool:
        return self.reading is not None

    @property
    def note(self) -> str | None:
        return self.reading.note if self.reading else None

    @property
    def basis_label(self) -> str:
        return READING_LABEL if self.reading else PLAN_WORDS_LABEL

    def shared_with(self, unit_key: str) -> tuple[str, ...]:
        """Other units the reading says this duty may have gone to instead of, or as well as, `unit_key`."""
        return tuple(k for k in self.reading.could_go_to if k != unit_key) if self.reading else ()

    @property
    def assignment(self) -> Assignment:
        return Assignment(self.task, self.role, self.via)


@dataclass(frozen=True)
class Renaming:
    """A body the plan names that has, since `since`, another name (a merger): the plan's words stay, the
    present name is shown beside them."""

    key: str  # unit key of the body the plan names
    plan_name: str
    present_key: str
    present_name: str
    since: date
    source: str  # verbatim excerpt
    source_cite: str

    @property
    def present_suffix(self) -> str:
        """"(từ 01/3/2025: Sở Khoa học và Công nghệ)", to follow the plan's name of the body."""
        d = self.since
        return f"(từ {d.day:02d}/{d.month}/{d.year}: {self.present_name})"

    @property
    def label(self) -> str:
        """"Sở Thông tin và Truyền thông (từ 01/3/2025: Sở Khoa học và Công nghệ)"."""
        return f"{self.plan_name} {self.present_suffix}"


MATCH_HOW = ("name", "code", "former", "predecessor", "all")  # ranked in this order after match quality


@dataclass(frozen=True)
class UnitMatch:
    """A unit found by Plan.find_units, and what matched: its own name or code, a former ward, commune or
    township it was formed from (`former`), or a unit it succeeds (`predecessor`).

    `rank` is the match quality (0 exact, 1 prefix, 2 phrase starting a word, 3 every word starts a word).
    """

    unit: Unit
    how: str
    rank: int
    matched: str
    former: FormerUnit | None = None
    predecessor: Unit | None = None
    show_district: bool = False  # the former name is shared by units of different districts

    @property
    def explanation(self) -> str | None:
        """Why a unit whose own name was not typed is listed: "Phường Hàng Bạc → Phường Hoàn Kiếm"."""
        target = self.unit.area_name or self.unit.name
        if self.former is not None:
            f = self.former
            where = f" ({f.district})" if self.show_district and f.district else ""
            part = " (một phần)" if f.share == "partial" else ""
            return f"{f.name}{where}{part} → {target}"
        if self.predecessor is not None:
            return f"{self.predecessor.area_name or self.predecessor.name} → {target}"
        return None


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
    # The compiler's readings of who carries duties after the 2025 reforms, and the bodies renamed by them.
    readings: tuple[Reading, ...] = ()
    renamings: tuple[Renaming, ...] = ()
    # The plan's text, whitespace collapsed (None for a plan built in memory): authored banks quote it.
    source_text: str | None = dataclasses.field(default=None, repr=False)
    # Names the data files a loaded plan came from, so a question bank built from it can be cached.
    source_key: str | None = None
    # The plan folder's name ("plan-241"): what stored answers, sessions and assessments name the plan by.
    key: str = ""
    # The plan folder itself (its criteria.yaml, its text); "" for a plan built in memory.
    directory: str = ""

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
        """Agency keys through which tasks reach a concrete unit: its body, its groups, and the bodies whose
        duties a reading passes to it whole from its first day (a ward: "UBND quận, huyện, thị xã")."""
        unit = self.units[unit_key]
        keys = set(self._own_through(unit_key))
        for r in self.readings_of(unit_key):
            if r.outcome == "passes" and not r.tasks and r.valid_from <= unit.valid_from:
                for src in r.from_units or unit.successor_of:
                    keys |= {k for k in self._own_through(src) if not r.via or k in r.via}
        return frozenset(keys)

    def _own_through(self, unit_key: str) -> frozenset[str]:
        """What the plan's own words reach a unit through: its body and its groups (never a generic group)."""
        unit = self.units[unit_key]
        keys: set[str] = set()
        for key in ((unit.agency,) if unit.agency else ()) + unit.groups:
            keys |= self.memberships(key)
        # Generic groups name no one in particular: a unit never inherits their duties.
        return frozenset(k for k in keys if self.agencies[k].kind != "generic")

    # -- queries
    def assignments(self, agency_key: str | None = None, *, unit_key: str | None = None,
                    via_groups: bool = True, on: When = None) -> list[Assignment]:
        """Every duty of an agency (or of a concrete unit), in plan order, lead before coordinating.

        A unit's duties include those a reading passes to it (see `duties`, which says which ones);
        `on` is as there.
        """
        if unit_key is not None:
            return [d.assignment for d in self.duties(unit_key, on)]
        through = self.memberships(agency_key) if via_groups else frozenset([agency_key])
        return [Assignment(task, *hit) for task in self.tasks
                if (hit := _role_in(task, through, agency_key)) is not None]

    def duties(self, unit_key: str, on: When = None) -> list[Duty]:
        """A unit's duties at a time, in plan order, each saying whether the plan's words or a reading give it.

        `on` is a day or a year (any day of it); None means the unit's first day, so a reading that starts
        later (a department merged on 01/3/2025 into a body that already existed) needs a date. A unit that
        does not exist then has no duties. Where both give the task, the stronger role wins (lead before
        coordinating), and at equal roles the plan's words do.

        >>> plan = load_plan()
        >>> d = {x.task.id: x for x in plan.duties("phuong_hoan_kiem", 2026)}
        >>> d["III.2.a"].role, d["III.2.a"].plan_role, d["III.2.a"].reading.key, d["III.2.a"].from_unit
        ('lead', 'coordinating', 'xa_phuong_mang_nhiem_vu_cap_huyen', 'quan_ba_dinh')
        >>> [x.task.id for x in plan.duties("so_noi_vu", 2026) if x.from_reading]  # merged in on 01/3/2025
        ['II.3.e.1', 'II.3.e.2']
        >>> [x.task.id for x in plan.duties("so_noi_vu", 2024) if x.from_reading], plan.duties("quan_ba_dinh", 2026)
        ([], [])
        """
        unit = self.units[unit_key]
        if on is None:
            last = unit.valid_from
        elif isinstance(on, int):
            period = unit.period_in(on)
            if period is None:
                return []
            last = period[1]
        elif unit.active_on(on):
            last = on
        else:
            return []
        own = self._own_through(unit_key)
        paths = [(r, src, frozenset(k for k in self._own_through(src) if not r.via or k in r.via))
                 for r in self.readings_of(unit_key) if r.outcome == "passes" and r.valid_from <= last
                 for src in (r.from_units or unit.successor_of)]
        out = []
        for task in self.tasks:
            plan_hit = _role_in(task, own, unit.agency)
            best, reading, from_unit = plan_hit, None, None
            for r, src, through in paths:
                if not r.covers(task.id):
                    continue
                hit = _role_in(task, through, self.units[src].agency)
                if hit and (best is None or (best[0] == "coordinating" and hit[0] == "lead")):
                    best, reading, from_unit = hit, r, src
            if best is not None:
                out.append(Duty(task, best[0], best[1], reading, from_unit,
                                plan_hit[0] if plan_hit and reading else None))
        return out

    # -- readings and renamings
    def reading(self, key: str) -> Reading:
        return self._readings_by_key[key]

    def readings_of(self, unit_key: str) -> tuple[Reading, ...]:
        """The readings that pass duties to a unit (whatever their date)."""
        return self._readings_by_unit.get(unit_key, ())

    def readings_about(self, key: str) -> tuple[Reading, ...]:
        """Readings about who now carries what the plan gave a body (agency or unit key), "unknown" ones
        included: where its duties went, or that the sources do not say.

        >>> [r.key for r in load_plan().readings_about("ubnd_cap_huyen")]
        ['xa_phuong_mang_nhiem_vu_cap_huyen']
        """
        return tuple(r for r in self.readings if key in r.from_units or key in r.via)

    @functools.cached_property
    def _readings_by_key(self) -> dict[str, Reading]:
        return {r.key: r for r in self.readings}

    @functools.cached_property
    def _readings_by_unit(self) -> dict[str, tuple[Reading, ...]]:
        out: dict[str, list[Reading]] = {}
        for r in self.readings:
            for k in r.carried_by:
                out.setdefault(k, []).append(r)
        return {k: tuple(v) for k, v in out.items()}

    def renaming(self, key: str, on: When = None) -> Renaming | None:
        """The present name of a body the plan names (agency or unit key), if it changed by `on`
        (None: whenever it did)."""
        r = self._renamings_by_key.get(key)
        if r is None or on is None:
            return r
        day = date(on, 12, 31) if isinstance(on, int) else on
        return r if r.since <= day else None

    def name_with_present(self, key: str, on: When = None) -> str:
        """A body in the plan's words, with its present name added where it has changed.

        >>> plan = load_plan()
        >>> plan.name_with_present("so_tttt")
        'Sở Thông tin và Truyền thông (từ 01/3/2025: Sở Khoa học và Công nghệ)'
        >>> plan.name_with_present("so_tttt", 2024), plan.name_with_present("so_tu_phap")
        ('Sở Thông tin và Truyền thông', 'Sở Tư pháp')
        """
        name = self.agencies[key].short if key in self.agencies else self.units[key].name
        r = self.renaming(key, on)
        return f"{name} {r.present_suffix}" if r is not None else name

    @functools.cached_property
    def _renamings_by_key(self) -> dict[str, Renaming]:
        out = {}
        for r in self.renamings:
            out[r.key] = r
            if self.units[r.key].agency:  # the body as the plan's tasks name it (agency key)
                out.setdefault(self.units[r.key].agency, r)
        return out

    # -- units in time
    def units_on(self, on: When = None) -> list[Unit]:
        """The units that existed on a day or in a year (None: all), in Vietnamese alphabetical order."""
        return sorted((u for u in self.units.values() if _exists(u, on)), key=unit_sort_key)

    def predecessors(self, unit_key: str) -> tuple[Unit, ...]:
        """The units this one succeeds (successor_of), directly."""
        return tuple(self.units[k] for k in self.units[unit_key].successor_of)

    def successors(self, unit_key: str) -> tuple[Unit, ...]:
        """The units that succeed this one, directly, in Vietnamese alphabetical order."""
        return tuple(sorted((u for u in self.units.values() if unit_key in u.successor_of), key=unit_sort_key))

    def predecessors_in(self, unit_key: str, year: int) -> tuple[Unit, ...]:
        """The unit's predecessors that existed in `year`, going back through successors that did not.

        >>> [u.key for u in load_plan().predecessors_in("phuong_hoan_kiem", 2024)]
        ['quan_ba_dinh', 'quan_hoan_kiem']
        """
        out: dict[str, Unit] = {}
        todo, seen = list(self.units[unit_key].successor_of), set()
        while todo:
            key = todo.pop(0)
            if key in seen:
                continue
            seen.add(key)
            unit = self.units[key]
            if unit.active_in(year):
                out[key] = unit
            else:
                todo.extend(unit.successor_of)
        return tuple(out.values())

    def comparison_units(self, unit_key: str, year: int) -> list[tuple[Unit, bool]]:
        """What a unit's figures for `year` are compared with: (unit, is_predecessor) pairs, the unit itself
        first when it existed that year, then its predecessors that did (to be labelled as predecessors).

        >>> [(u.key, p) for u, p in load_plan().comparison_units("so_dan_toc_ton_giao", 2024)]
        [('ban_dan_toc', True)]
        """
        unit = self.units[unit_key]
        own = [(unit, False)] if unit.active_in(year) else []
        return own + [(p, True) for p in self.predecessors_in(unit_key, year)]

    # -- finding a unit
    def find_units(self, query: str, on: When = None, limit: int | None = None) -> list[UnitMatch]:
        """Units whose name, code, former wards or communes, or predecessors match `query`, best first.

        Case and diacritics are ignored. Exact matches come first, then prefixes, then a phrase starting a
        word, then every word starting a word; at equal quality the names with the diacritics typed (if any),
        then a unit's own name before its code, a former
        unit it was formed from, and a unit it succeeds; then Vietnamese alphabetical order. Each unit is
        listed once, with the best thing that matched (UnitMatch.explanation says why it is listed). `on`
        keeps the units that existed then; an empty query lists them all.

        >>> plan = load_plan()
        >>> m = plan.find_units("hang bac", on=2026)[0]
        >>> m.unit.name, m.explanation
        ('UBND phường Hoàn Kiếm', 'Phường Hàng Bạc → Phường Hoàn Kiếm')
        >>> [m.unit.name for m in plan.find_units("xa soc son", on=2026)][:1]
        ['UBND xã Sóc Sơn']
        """
        pool = [u for u in self.units.values() if _exists(u, on)]
        q = fold(query)
        if not q:
            found = [UnitMatch(u, "all", 0, u.name) for u in sorted(pool, key=unit_sort_key)]
            return found[:limit] if limit is not None else found
        # A query typed with diacritics ("Đống") prefers the names that have them ("Đống Đa" before "Đông Anh").
        marked = unicodedata.normalize("NFC", squash(query)).casefold() if q != squash(query).casefold() else None
        best: dict[str, tuple[tuple, UnitMatch]] = {}
        words = q.split()
        for u in pool:
            hay = self._unit_haystack[u.key]
            if not all(w in hay for w in words):  # most units: rejected without looking at each name
                continue
            for how, text, folded, former, pred in self._unit_index[u.key]:
                rank = match_rank(q, folded)
                if rank is None:
                    continue
                order = (rank, int(marked is not None and marked not in text.casefold()), MATCH_HOW.index(how))
                if u.key not in best or order < best[u.key][0]:
                    shared = former is not None and len(self._former_districts.get(fold(former.name), ())) > 1
                    best[u.key] = (order, UnitMatch(u, how, rank, text, former, pred, shared))
        found = [m for _, m in sorted(best.values(), key=lambda om: (om[0], unit_sort_key(om[1].unit)))]
        return found[:limit] if limit is not None else found

    @functools.cached_property
    def _unit_index(self) -> dict[str, list[tuple[str, str, str, FormerUnit | None, Unit | None]]]:
        def names(u: Unit) -> list[str]:
            out = [u.name]
            if u.area_name:
                out += [u.area_name, _bare(u.area_name)]
            if u.agency and u.agency in self.agencies:
                a = self.agencies[u.agency]
                out += [a.name, a.short]
            return list(dict.fromkeys(out))

        index = {}
        for u in self.units.values():
            rows = [("name", n, fold(n), None, None) for n in names(u)]
            rows += [("code", c, fold(c), None, None) for c in (u.code, u.key) if c]
            for f in u.formed_from:
                rows += [("former", n, fold(n), f, None) for n in dict.fromkeys((f.name, _bare(f.name)))]
                if f.code:
                    rows.append(("former", f.code, f.code, f, None))
            seen, todo = set(), list(u.successor_of)
            while todo:
                key = todo.pop(0)
                if key in seen or key not in self.units:
                    continue
                seen.add(key)
                p = self.units[key]
                rows += [("predecessor", n, fold(n), None, p) for n in names(p)]
                todo.extend(p.successor_of)
            index[u.key] = rows
        return index

    @functools.cached_property
    def _unit_haystack(self) -> dict[str, str]:
        return {k: "\n".join(row[2] for row in rows) for k, rows in self._unit_index.items()}

    @functools.cached_property
    def _former_districts(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for u in self.units.values():
            for f in u.formed_from:
                out.setdefault(fold(f.name), set()).add(f.district or "")
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
        if m[1].upper() not in _ROMAN:
            raise ValueError(f"không có quý {m[1].upper()} (chỉ có Quý I đến Quý IV): {text!r}")
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


def unit_sort_key(unit: Unit) -> tuple:
    """Units in Vietnamese alphabetical order of name ("UBND phường Đống Đa" after "UBND phường Dương Nội")."""
    return sort_key(unit.name)


def _exists(unit: Unit, on: When) -> bool:
    if on is None:
        return True
    return unit.active_in(on) if isinstance(on, int) else unit.active_on(on)


_LEVEL_WORDS = re.compile(r"^(?:phường|xã|thị trấn|thị xã|quận|huyện) ", re.IGNORECASE)


def _bare(place: str) -> str:
    """A place's name without its level: "Phường Hàng Bạc" -> "Hàng Bạc", "Thị trấn Sóc Sơn" -> "Sóc Sơn"."""
    return _LEVEL_WORDS.sub("", place)


def _role_in(task: Task, through: frozenset[str] | set[str], prefer: str | None) -> tuple[str, str] | None:
    """The role (lead before coordinating) a task gives someone reached through `through`, and the body named.

    The body itself (`prefer`) is named as `via` over a group when the task names both.
    """
    for role in ("lead", "coordinating"):
        hit = [k for k in getattr(task, role) if k in through]
        if hit:
            return role, prefer if prefer in hit else hit[0]
    return None


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
