"""The plans the toolkit holds: every plan folder of the data folder, published or draft.

A plan folder is a subfolder of the data folder (TOOLKIT_DATA_DIR, default the checkout's data/) with a
plan.yaml; its name is the plan's key ("plan-241"), which stored answers, sessions and assessments carry.
A folder with review.yaml is an imported plan: a draft until its status is `published` and no item is
left `unreviewed` (toolkit.plan.review publishes it). Only published plans are studied, quizzed and
self-assessed, so only they are listed by `published()` and opened by `get()`.

A folder that does not load is left out and reported (`problems()`, and the log): one broken plan must
not take the others' pages down. TOOLKIT_PLAN_DIR, when set, makes the catalogue that one plan folder
(a deployment or a test of one plan).

>>> [p.key for p in published()][-1]
'plan-241'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from toolkit.datafile import DataError, Problem, read_yaml
from toolkit.paths import DEFAULT_PLAN_DIR, DEFAULT_QUIZ_DIR, REPO_ROOT
from toolkit.plan.load import load_plan
from toolkit.plan.model import Plan
from toolkit.storage.records import FIRST_PLAN

log = logging.getLogger(__name__)

REVIEW_FILE = "review.yaml"
PLAN_FILE = "plan.yaml"
DRAFT, PUBLISHED = "draft", "published"
REVIEWED = ("accepted", "corrected")  # an item's statuses that count as reviewed; any other is not
QUIZ_FOLDER = "quizzes"  # a plan's own authored question banks, inside its folder


class NotPublished(LookupError):
    """A key that names no published plan (a draft, a broken folder, or nothing); the message is Vietnamese."""


def data_dir() -> Path:
    """The folder whose subfolders are plans: TOOLKIT_DATA_DIR, or the checkout's data/."""
    return Path(os.environ.get("TOOLKIT_DATA_DIR") or REPO_ROOT / "data")


def plan_folders() -> list[Path]:
    """Every plan folder in key order (TOOLKIT_PLAN_DIR alone when it is set)."""
    one = os.environ.get("TOOLKIT_PLAN_DIR")
    if one:
        return [Path(one)]
    root = data_dir()
    if not root.is_dir():
        return []
    # A hidden folder is a plan being published or checked (toolkit.plan.review): never half a plan.
    return sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / PLAN_FILE).is_file()),
                  key=lambda p: p.name)


def review_state(folder: Path) -> str:
    """"published" or "draft": no review.yaml is a hand-verified plan; one with review.yaml is published
    only when it says so and no item is left unreviewed. DataError if review.yaml cannot be read."""
    path = Path(folder) / REVIEW_FILE
    if not path.exists():
        return PUBLISHED
    doc = read_yaml(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    items = data.get("items")
    # Strict, for people who review in git: a typo in a status, or items that are not a list of mappings,
    # leaves the plan a draft rather than teaching what nobody reviewed.
    reviewed = isinstance(items, list) and all(isinstance(i, dict) and i.get("status") in REVIEWED for i in items)
    return PUBLISHED if data.get("status") == PUBLISHED and reviewed else DRAFT


def _scan() -> tuple[list[Plan], list[Path], dict[str, tuple[Problem, ...]]]:
    plans, drafts, broken = [], [], {}
    for folder in plan_folders():
        try:
            if review_state(folder) == DRAFT:
                drafts.append(folder)
                continue
            plans.append(load_plan(folder))
        except DataError as exc:
            broken[folder.name] = tuple(exc.problems)
        except Exception as exc:  # noqa: BLE001 - a folder the loader did not foresee still leaves the others
            log.exception("Không nạp được kế hoạch ở %s", folder)
            broken[folder.name] = (Problem(str(folder), None, f"Không nạp được kế hoạch: {exc}"),)
    for key, found in broken.items():
        log.warning("Kế hoạch “%s” có lỗi nên không hiển thị: %s", key, "; ".join(map(str, found[:3])))
    plans.sort(key=lambda p: (p.info.date, p.key), reverse=True)
    return plans, drafts, broken


def published() -> list[Plan]:
    """The published plans, loaded, newest first (by the plan's date); broken folders left out."""
    return _scan()[0]


def drafts() -> list[Path]:
    """The folders of imported plans still under review, in key order."""
    return _scan()[1]


def problems() -> dict[str, tuple[Problem, ...]]:
    """The folders that do not load, by key, with their problems (file and line)."""
    return _scan()[2]


def default() -> Plan:
    """The most recent published plan: what a page shows until someone chooses another."""
    plans = published()
    if not plans:
        raise NotPublished(f"Không có kế hoạch nào đã xuất bản trong thư mục dữ liệu {_where()}.")
    return plans[0]


def get(key: str) -> Plan:
    """The published plan with this key; NotPublished (Vietnamese) for a draft or an unknown key, DataError
    (file and line) for a folder that does not load."""
    folder = folder_of(key)
    if folder is None:
        raise NotPublished(f"Không có kế hoạch “{key}” trong thư mục dữ liệu {_where()}.")
    if review_state(folder) == DRAFT:
        raise NotPublished(f"Kế hoạch “{key}” là bản nháp đang chờ rà soát: chỉ kế hoạch đã xuất bản mới được "
                           "học, kiểm tra và tự đánh giá.")
    return load_plan(folder)


def opening(key: str | None = None) -> tuple[list[Plan], Plan]:
    """The published plans, and the one a page opens with: `key`'s (from `?plan=`) when it is one of them,
    else the most recent. A draft's key opens the most recent: a draft is never shown."""
    plans = published()
    if not plans:
        default()  # raises NotPublished, saying where it looked
    return plans, next((p for p in plans if p.key == key), plans[0])


def folder_of(key: str) -> Path | None:
    """The folder of the plan with this key (published or not), None if there is none."""
    return next((f for f in plan_folders() if f.name == key), None)


def key_of(plan: Plan) -> str:
    """The key stored with a plan's data: its folder's name; a plan built in memory (tests) is Plan 241's,
    as every row stored before plans were recorded is."""
    return plan.key or FIRST_PLAN


def quiz_dir(plan: Plan) -> Path:
    """The folder of a plan's authored banks and retired list: its own quizzes/ if it has one. Plan 241's
    banks were written before plans had folders: they are the checkout's quizzes/."""
    folder = folder_of(key_of(plan))
    own = folder / QUIZ_FOLDER if folder is not None else None
    if own is not None and own.is_dir():
        return own
    if own is None or key_of(plan) == FIRST_PLAN or _is_first_plan_copy(plan):
        return DEFAULT_QUIZ_DIR
    return own


def _is_first_plan_copy(plan: Plan) -> bool:
    """One plan by TOOLKIT_PLAN_DIR is how a deployment served Plan 241 before there were others: its copy (same
    number and date as the checkout's) keeps the checkout's banks; any other plan never gets them."""
    if not os.environ.get("TOOLKIT_PLAN_DIR"):
        return False
    first = load_plan(DEFAULT_PLAN_DIR).info
    return (plan.info.number, plan.info.date) == (first.number, first.date)


def criteria_path(plan: Plan) -> Path | None:
    """The plan's criteria.yaml (the self-assessment's scale and weights), None for a plan not on disk."""
    folder = folder_of(key_of(plan))
    return folder / "criteria.yaml" if folder is not None else None


def _where() -> str:
    return os.environ.get("TOOLKIT_PLAN_DIR") or str(data_dir())
