"""Exports for people and machines: the plan as JSON, the assignment table as xlsx/CSV, and charts.

pandas and matplotlib are imported inside the functions that need them: a Voila page that never
exports or draws should not pay for them (about 70 MB and 0.6 s per kernel, see VOILA.md).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from toolkit.exports import csv_bytes, excel_writer, fit_columns
from toolkit.plan.model import DEADLINE_KINDS, READING_LABEL, Assignment, Plan, Reading, Task, Unit
from toolkit.plan.naming import plan_short
from toolkit.vietnamese import sort_key

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


JSON_FORMAT_VERSION = 1

TABLE_COLUMNS = {
    "id": "Mã nhiệm vụ",
    "section": "Mục",
    "section_title": "Tên mục",
    "summary": "Nhiệm vụ (tóm tắt)",
    "lead": "Cơ quan được giao (chủ trì/thực hiện)",
    "lead_named": "Văn bản viết “chủ trì”",
    "coordinating": "Cơ quan phối hợp",
    "works_with": "Phối hợp với (văn bản không nêu cơ quan chủ trì)",
    "requested": "Hình thức",
    "deadline": "Thời hạn",
    "deadline_kind": "Loại thời hạn",
    "duties": "Nội dung nhiệm vụ",
    "source": "Nguyên văn Kế hoạch",
    "notes": "Ghi chú biên soạn",
}


def _agency_refs(plan: Plan, keys) -> list[dict]:
    return [{"key": k, "name": plan.agency(k).name} for k in keys]


def task_dict(plan: Plan, task: Task) -> dict:
    section = plan.section(task.section)
    return {
        "id": task.id,
        "parent": task.parent,
        "section": {"id": section.id, "number": section.number, "title": section.title},
        "heading": task.heading,
        "summary": task.summary,
        "addressed_to": _agency_refs(plan, task.addressed_to),
        "lead": _agency_refs(plan, task.lead),
        "lead_named": task.lead_named,
        "lead_basis": task.lead_basis,
        "coordinating": _agency_refs(plan, task.coordinating),
        "works_with": _agency_refs(plan, task.works_with),
        "hints_lead": task.hints_lead,
        "also_true_for": _agency_refs(plan, task.also_true_for),
        "related": list(plan.related(task.id)),
        "requested": task.requested,
        "deadline": {"kind": task.deadline.kind, "year": task.deadline.year, "quarter": task.deadline.quarter,
                     "text": task.deadline.text},
        "duties": list(task.duties),
        "source": task.source_text,
        "notes": list(task.notes),
    }


def plan_json(plan: Plan) -> dict:
    """The stable JSON interface read by later tools: plan metadata, tasks, agencies, units and readings."""
    info = plan.info
    doc = lambda d: {"number": d.number, "kind": d.kind, "title": d.title,  # noqa: E731
                     "date": d.date.isoformat() if d.date else None, "issuer": d.issuer}
    return {
        "format_version": JSON_FORMAT_VERSION,
        "plan": {
            "number": info.number, "date": info.date.isoformat(), "place": info.place,
            "issuer": {"key": info.issuer, "name": plan.agency(info.issuer).name},
            "kind": info.kind, "title": info.title,
            "signer": {"name": info.signer_name, "title": info.signer_title, "capacity": info.signer_capacity},
            "implements": [doc(d) for d in plan.implements],
            "cites": [doc(d) for d in plan.cites],
            "purposes": list(plan.purposes),
            "requirements": list(plan.requirements),
            "sections": [{"id": s.id, "part": s.part, "number": s.number, "title": s.title} for s in plan.sections],
        },
        "tasks": [task_dict(plan, t) for t in plan.tasks],
        "agencies": [{"key": a.key, "name": a.name, "short": a.short, "kind": a.kind, "aliases": list(a.aliases),
                      "member_of": list(a.member_of), "members": list(plan.members(a.key)) if a.is_group else []}
                     for a in plan.agencies.values()],
        # The unit registry as of every date: the plan's units and the city's (communes, merged departments).
        "units": [unit_dict(plan, u) for u in plan.units.values()],
        # The compiler's readings (never the plan's words) and the bodies renamed since the plan.
        "readings": [reading_dict(r) for r in plan.readings],
        "renamings": [{"key": r.key, "plan_name": r.plan_name, "present_key": r.present_key,
                       "present_name": r.present_name, "since": r.since.isoformat(), "label": r.label,
                       "source": r.source, "source_cite": r.source_cite} for r in plan.renamings],
    }


def unit_dict(plan: Plan, unit: Unit) -> dict:
    """One unit for other tools: who it is, when it existed, whom it succeeds, where that is written."""
    return {
        "key": unit.key, "name": unit.name, "code": unit.code, "kind": unit.kind, "level": unit.level,
        "area_name": unit.area_name, "agency": unit.agency, "groups": list(unit.groups),
        "valid_from": unit.valid_from.isoformat(), "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "successor_of": list(unit.successor_of),
        "readings": [r.key for r in plan.readings_of(unit.key)],
        "formed_from": [{"name": f.name, "code": f.code, "district": f.district, "share": f.share}
                        for f in unit.formed_from],
        "source": unit.source, "source_cite": unit.source_cite, "note": unit.note,
    }


def reading_dict(r: Reading) -> dict:
    return {
        "key": r.key, "title": r.title, "outcome": r.outcome, "valid_from": r.valid_from.isoformat(),
        "note_label": READING_LABEL, "note": r.note,
        "basis": [{"source": b.source, "cite": b.cite, "excerpt": b.excerpt} for b in r.basis],
        "carried_by": list(r.carried_by), "carried_by_kinds": list(r.carried_by_kinds),
        "from_units": list(r.from_units), "via": list(r.via), "tasks": list(r.tasks),
        "except_tasks": list(r.except_tasks), "mentions": list(r.mentions), "split_possible": r.split_possible,
        "could_go_to": list(r.could_go_to), "unnamed_other": r.unnamed_other, "origin": r.origin,
    }


def assignment_rows(plan: Plan, tasks=None) -> list[dict]:
    """One row per task: the "Bảng phân công nhiệm vụ" as plain dicts, keyed like TABLE_COLUMNS."""
    rows = []
    for t in plan.tasks if tasks is None else tasks:
        rows.append({
            "id": t.id,
            "section": t.section,
            "section_title": plan.section(t.section).title,
            "summary": t.summary,
            # Who the item is given to; "chủ trì" is a separate column, true only where the plan says it.
            "lead": "; ".join(plan.agency_name(k) for k in t.addressed_to),
            "lead_named": "Có" if t.lead_named else "Không",
            "coordinating": "; ".join(plan.agency_name(k) for k in t.coordinating if k not in t.addressed_to),
            "works_with": "; ".join(plan.agency_name(k) for k in t.works_with),
            "requested": "Đề nghị" if t.requested else "Giao thực hiện",
            "deadline": t.deadline.label,
            "deadline_kind": DEADLINE_KINDS[t.deadline.kind],
            "duties": "\n".join(f"- {d}" for d in t.duties),
            "source": t.source_text,
            "notes": "\n".join(t.notes),
        })
    return rows


def assignment_table(plan: Plan, tasks=None) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(assignment_rows(plan, tasks), columns=list(TABLE_COLUMNS)).rename(columns=TABLE_COLUMNS)


def table_bytes(df: "pd.DataFrame", fmt: str, sheet: str = "Phân công nhiệm vụ") -> bytes:
    """xlsx or CSV bytes, text kept as text (toolkit.exports); CSV carries a UTF-8 BOM for Excel."""
    if fmt == "csv":
        return csv_bytes(df)
    if fmt == "xlsx":
        buf = io.BytesIO()
        with excel_writer(buf) as writer:
            df.to_excel(writer, index=False, sheet_name=sheet[:31])
            fit_columns(writer.sheets[sheet[:31]], df)
        return buf.getvalue()
    raise ValueError(f"Định dạng không hỗ trợ: {fmt}")


def assignment_grid(plan: Plan) -> tuple[list[str], dict[tuple[str, str], list[Assignment]]]:
    """Agencies × sections: who the plan names in each section's tasks, and in which role.

    Rows are the bodies the plan names itself (no generic "cơ quan liên quan", no duty reached only
    through a group): named bodies, then groups, each in Vietnamese alphabetical order. A cell holds
    the body's assignments among that section's tasks, in plan order; a task gives one role (lead wins).
    """
    cells: dict[tuple[str, str], list[Assignment]] = {}
    for key, agency in plan.agencies.items():
        if agency.kind == "generic":
            continue
        for a in plan.assignments(key, via_groups=False):
            cells.setdefault((key, a.task.section), []).append(a)
    shown = {key for key, _ in cells}
    agencies = sorted(shown, key=lambda k: (plan.agency(k).is_group, sort_key(plan.agency_name(k))))
    return agencies, cells


def assignment_matrix(plan: Plan) -> tuple[list[str], list[str], dict[tuple[str, str], tuple[int, int]]]:
    """The grid as counts: agencies, sections, and (lead count, coordinating count) per non-empty cell."""
    agencies, cells = assignment_grid(plan)
    counts = {k: (sum(a.role == "lead" for a in found), sum(a.role == "coordinating" for a in found))
              for k, found in cells.items()}
    return agencies, [s.id for s in plan.sections], counts


def assignment_chart(plan: Plan, width: float = 11.0) -> "Figure":
    """Dot matrix: a filled dot where an agency is given (leads) tasks in a section, a ring where it coordinates.

    Built with the object API (no pyplot state), so it is safe in a long-running kernel.
    DejaVu Sans ships with matplotlib and has every Vietnamese glyph.
    """
    from matplotlib.figure import Figure

    agencies, sections, counts = assignment_matrix(plan)
    fig = Figure(figsize=(width, 0.42 * len(agencies) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    for y, key in enumerate(agencies):
        for x, sec in enumerate(sections):
            lead, coord = counts.get((key, sec), (0, 0))
            for dx, n, style in ((-0.17, lead, {"color": "#1d4ed8"}),
                                 (0.17, coord, {"facecolors": "none", "edgecolors": "#d97706", "linewidths": 2})):
                if n:
                    ax.scatter(x + dx, y, s=60 + 40 * n, **style)
                    if n > 1:
                        ax.annotate(str(n), (x + dx, y), xytext=(0, -9), textcoords="offset points",
                                    ha="center", va="top", fontsize=7, color="#374151")
    ax.set_xticks(range(len(sections)), sections)
    ax.set_yticks(range(len(agencies)), [plan.agency_name(k) for k in agencies], fontsize=9)
    ax.set_xlim(-0.6, len(sections) - 0.4)
    ax.set_ylim(len(agencies) - 0.5, -0.7)
    ax.xaxis.tick_top()
    ax.grid(True, color="#e5e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_visible(False)
    lead_h = ax.scatter([], [], s=90, color="#1d4ed8", label="Được giao (chủ trì, thực hiện)")
    coord_h = ax.scatter([], [], s=90, facecolors="none", edgecolors="#d97706", linewidths=2, label="Phối hợp (số dưới chấm: số nhiệm vụ khi nhiều hơn 1)")
    ax.legend(handles=[lead_h, coord_h], loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2, frameon=False)
    ax.set_title(f"Cơ quan được nêu tên: được giao, phối hợp theo mục của {plan_short(plan)}", fontsize=11, pad=12)
    return fig


def with_review_marks(data: dict, directory) -> dict:
    """A plan's JSON export with a draft's review marks (review.yaml), for tools that show what is unreviewed.

    The plan gets `review` (status, when and from what file it was imported, and the marks that are not a
    task's); each task gets `review`, its own marks. A folder without review.yaml (a hand-verified plan) is
    exported as it is.
    """
    from pathlib import Path

    from toolkit.datafile import read_yaml
    from toolkit.plan.catalogue import REVIEW_FILE

    path = Path(directory) / REVIEW_FILE
    if not path.exists():
        return data
    review = read_yaml(path).data or {}
    marks: dict[str, list[dict]] = {}
    for item in review.get("items") or ():
        mark = {k: item.get(k) for k in ("ref", "field", "confidence", "span", "status", "why") if k in item}
        marks.setdefault(str(item.get("ref", "")), []).append(mark)
    for task in data["tasks"]:
        task["review"] = marks.pop(f"task:{task['id']}", [])
    data["plan"]["review"] = {"status": review.get("status", "draft"), "imported": review.get("imported"),
                              "text": review.get("text"), "items": [m for ms in marks.values() for m in ms]}
    return data
