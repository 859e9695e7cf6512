"""How a plan is named wherever the toolkit shows or saves it: from its metadata (plan.yaml), never typed.

Stems, titles, reports, exports and file names all call these, so a second plan is named by its own
number, date and issuer, and no text says "241" unless the plan is Plan 241.

>>> plan = load_plan()
>>> plan_short(plan)
'Kế hoạch 241/KH-UBND'
>>> plan_numbered(plan)
'Kế hoạch số 241/KH-UBND'
>>> plan_dated(plan)
'Kế hoạch số 241/KH-UBND ngày 15/12/2020'
>>> plan_label(plan)
'Kế hoạch số 241/KH-UBND ngày 15/12/2020 của UBND Thành phố'
>>> file_stem(plan)
'KH-241-UBND-2020'
"""

from __future__ import annotations

import re

from toolkit.plan.model import Plan
from toolkit.vietnamese import fold

# A plan issued with a Quyết định carries the decision's number ("9901/QĐ-UBND"): it is cited as attached to it.
WRAPPERS = {"QĐ": "Quyết định"}


def _wrapper(plan: Plan) -> str | None:
    """The kind of document whose number the plan carries, when it is not the plan's own kind."""
    symbol = plan.info.number.split("/", 1)[1].split("-", 1)[0] if "/" in plan.info.number else ""
    kind = WRAPPERS.get(symbol)
    return kind if kind and kind != plan.info.kind else None


def plan_short(plan: Plan) -> str:
    """The plan as a question cites it and as a Moodle category is named: "Kế hoạch 241/KH-UBND"
    ("Kế hoạch kèm theo Quyết định 9901/QĐ-UBND" for a plan issued with a decision)."""
    wrapper = _wrapper(plan)
    return f"{plan.info.kind} kèm theo {wrapper} {plan.info.number}" if wrapper else f"{plan.info.kind} {plan.info.number}"


def plan_numbered(plan: Plan) -> str:
    """"Kế hoạch số 241/KH-UBND": a table's "Kế hoạch" cell, where the date has a column of its own
    ("Kế hoạch ban hành kèm theo Quyết định số 9901/QĐ-UBND" for a plan issued with a decision)."""
    wrapper = _wrapper(plan)
    if wrapper:
        return f"{plan.info.kind} ban hành kèm theo {wrapper} số {plan.info.number}"
    return f"{plan.info.kind} số {plan.info.number}"


def plan_dated(plan: Plan) -> str:
    """"Kế hoạch số 241/KH-UBND ngày 15/12/2020": the number and date, as an administrative text cites a document."""
    return f"{plan_numbered(plan)} ngày {plan.info.date:%d/%m/%Y}"


def plan_label(plan: Plan, *, full_issuer: bool = False) -> str:
    """Number, date and issuing body: "Kế hoạch số 241/KH-UBND ngày 15/12/2020 của UBND Thành phố".

    `full_issuer` writes the body's full name ("của Ủy ban nhân dân thành phố Hà Nội"), as a report's
    opening sentence does.
    """
    issuer = plan.agency(plan.info.issuer)
    return f"{plan_dated(plan)} của {issuer.name if full_issuer else issuer.short}"


def names_number(text: str, number: str) -> bool:
    """Does the text cite this number as a whole ("Kế hoạch số 241/KH-UBND ngày …"), not inside another?

    A file's "Kế hoạch" cell says which plan it is of; "41/KH-UBND" is not in "241/KH-UBND".

    >>> names_number("Kế hoạch số 241/KH-UBND ngày 15/12/2020", "241/KH-UBND"), names_number("241/KH-UBND", "41/KH-UBND")
    (True, False)
    """
    return re.search(rf"(?<![\w/-]){re.escape(number)}(?![\w/-])", text) is not None


def file_stem(plan: Plan) -> str:
    """An ASCII stem for the plan's files, from its kind's symbol, number, issuer's symbol and year.

    Numbers restart each year and each body numbers its own, so all four are kept; the form is the one the
    source texts are filed under (van-ban/KH-241-UBND-2020.txt). "số-ký hiệu/cơ quan" numbers (Party
    documents, "02-KH/TU") put the symbol first the same way: "KH-02-TU-2020".
    """
    info = plan.info
    parts = re.findall(r"[A-Z0-9]+", fold(info.number).upper())
    if len(parts) > 1 and parts[0].isdigit():
        parts[0], parts[1] = parts[1], parts[0]
    if not parts:
        parts = re.findall(r"[A-Z0-9]+", fold(info.kind).upper())
    year = str(info.date.year)
    return "-".join(parts if year in parts else [*parts, year])
