"""How far an imported draft agrees with a reviewed plan folder of the same text.

Items are paired by their source text, never by id: a reference task is found when a draft task's
excerpt holds most of its word triples (coverage ≥ 60 %) and is mostly about it (≥ 30 % of the draft
task's triples), the best such pair by Dice overlap. For found items, the sets of leads, of
coordinating bodies and the deadline kinds are compared; every share is of all the reference's items,
so an item not found counts against each figure.

A wrong match is a registry agency the draft names in a paired task (as addressed, lead, coordinating or
works_with) that the reference task does not name at all: the draft read some words there as that
registry agency and the reviewer did not. An agency the draft proposes as new is never a wrong match
(it disagrees, and says so), which is why the importer proposes rather than guesses.

>>> a = Agreement(items=10, found=10, leads=9, coordinators=8, deadline_kinds=10)
>>> a.share("leads")
0.9
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.datafile import read_yaml
from toolkit.vietnamese import fold, percent

COVERAGE, PRECISION = 0.6, 0.3


@dataclass(frozen=True)
class WrongMatch:
    reference_task: str
    draft_task: str
    agency: str


@dataclass(frozen=True)
class Pair:
    reference_task: str
    draft_task: str | None
    lead: bool = False
    coordinators: bool = False
    deadline_kind: bool = False
    detail: tuple[str, ...] = ()


@dataclass
class Agreement:
    items: int
    found: int
    leads: int
    coordinators: int
    deadline_kinds: int
    wrong_matches: list[WrongMatch] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)

    def share(self, what: str) -> float | None:
        return getattr(self, what) / self.items if self.items else None

    def lines(self) -> list[str]:
        """The figures, as `toolkit plan compare` prints them."""
        def row(label, n):
            return f"{label}: {n}/{self.items} ({percent(n / self.items if self.items else None)})"

        return [
            row("Nhiệm vụ của bản đối chiếu tìm thấy trong bản nháp (theo nguyên văn)", self.found),
            row("Cơ quan chủ trì, thực hiện (lead) khớp", self.leads),
            row("Cơ quan phối hợp (coordinating) khớp", self.coordinators),
            row("Loại thời hạn khớp", self.deadline_kinds),
            f"Cơ quan bị ghép nhầm với một cơ quan của danh mục: {len(self.wrong_matches)}",
        ]

    def differences(self) -> list[str]:
        out = []
        for p in self.pairs:
            if p.draft_task is None:
                out.append(f"{p.reference_task}: không tìm thấy trong bản nháp")
            elif p.detail:
                out.append(f"{p.reference_task} ↔ {p.draft_task}: " + "; ".join(p.detail))
        out += [f"{w.reference_task} ↔ {w.draft_task}: ghép nhầm “{w.agency}”" for w in self.wrong_matches]
        return out


def _triples(text: str) -> set[tuple[str, str, str]]:
    words = re.findall(r"\w+", fold(text.replace("[…]", " ")))
    return {tuple(words[k:k + 3]) for k in range(len(words) - 2)}


def _own_agencies(directory: Path) -> set[str]:
    path = Path(directory) / "agencies.yaml"
    if not path.exists():
        return set()
    return {a["key"] for a in (read_yaml(path).data or {}).get("agencies") or ()}


def compare(draft_dir: Path | str, reference_dir: Path | str) -> Agreement:
    """The agreement of the draft folder with the reference folder (both must load)."""
    from toolkit.plan.load import load_plan

    draft, ref = load_plan(draft_dir), load_plan(reference_dir)
    proposed = _own_agencies(Path(draft_dir))
    registry_keys = set(draft.agencies) - proposed
    # A body both folders add to the registry agrees when they name it alike (its key is the writer's choice).
    def names(plan, k):
        a = plan.agency(k)
        return {fold(n) for n in (a.name, a.short, *a.aliases)}

    ref_own = {n: k for k in _own_agencies(Path(reference_dir)) for n in names(ref, k)}
    alias = {k: ref_own[n] for k in proposed for n in sorted(names(draft, k)) if n in ref_own}

    def keys(ks):
        return {alias.get(k, k) for k in ks}

    drafts = [(t, _triples(t.source_text)) for t in draft.tasks]
    agreement = Agreement(len(ref.tasks), 0, 0, 0, 0)
    for rt in ref.tasks:
        r3 = _triples(rt.source_text)
        best, score = None, 0.0
        for dt, d3 in drafts:
            common = len(r3 & d3)
            if not r3 or not d3 or common / len(r3) < COVERAGE or common / len(d3) < PRECISION:
                continue
            dice = 2 * common / (len(r3) + len(d3))
            if dice > score:
                best, score = dt, dice
        if best is None:
            agreement.pairs.append(Pair(rt.id, None))
            continue
        agreement.found += 1
        lead = keys(best.lead) == set(rt.lead)
        coord = keys(best.coordinating) == set(rt.coordinating)
        kind = best.deadline.kind == rt.deadline.kind
        agreement.leads += lead
        agreement.coordinators += coord
        agreement.deadline_kinds += kind
        detail = []
        if not lead:
            detail.append(f"lead {sorted(best.lead)} ≠ {sorted(rt.lead)}")
        if not coord:
            detail.append(f"coordinating {sorted(best.coordinating)} ≠ {sorted(rt.coordinating)}")
        if not kind:
            detail.append(f"thời hạn {best.deadline.kind} ≠ {rt.deadline.kind}")
        agreement.pairs.append(Pair(rt.id, best.id, lead, coord, kind, tuple(detail)))
        named = set(rt.bodies) | set(rt.also_true_for)
        for k in dict.fromkeys(best.bodies):
            if k in registry_keys and k not in named:
                agreement.wrong_matches.append(WrongMatch(rt.id, best.id, k))
    return agreement
