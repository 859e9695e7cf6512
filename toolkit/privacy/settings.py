"""The personal-data settings, read from the environment like the toolkit's others (TOOLKIT_…).

TOOLKIT_RETENTION_DAYS: how long names, units and answers are kept (default 365 days). The plan asks each
body to report its year's PBGDPL work once a year (“Định kỳ hàng năm báo cáo kết quả”, Part III): a year
covers a training from its day to the report of its year, and no purpose of the toolkit needs the names
after that. What remains after it is anonymous (a session's answers without names, for comparing
questions across years).

TOOLKIT_DATA_CONTROLLER: the body responsible for the data (“bên kiểm soát dữ liệu cá nhân”), named in
every notice, e.g. “Sở Tư pháp Hà Nội, phòng Phổ biến, giáo dục pháp luật, 024 3…”. A deployment sets it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta

DEFAULT_RETENTION_DAYS = 365
MIN_RETENTION_DAYS = 1  # a shorter period would delete a session while its people are still answering
MAX_RETENTION_DAYS = 3650
DEFAULT_CONTROLLER = "cơ quan, đơn vị vận hành máy chủ này (hỏi người quản trị hoặc báo cáo viên)"


class SettingError(ValueError):
    """A setting that cannot be used; the message is Vietnamese and names the variable."""


def retention_days(env: Mapping[str, str] | None = None) -> int:
    """The retention period in days: TOOLKIT_RETENTION_DAYS, or 365.

    >>> retention_days({}), retention_days({"TOOLKIT_RETENTION_DAYS": "730"})
    (365, 730)
    """
    env = os.environ if env is None else env
    text = (env.get("TOOLKIT_RETENTION_DAYS") or "").strip()
    if not text:
        return DEFAULT_RETENTION_DAYS
    if not text.isdigit() or not MIN_RETENTION_DAYS <= int(text) <= MAX_RETENTION_DAYS:
        raise SettingError(f"TOOLKIT_RETENTION_DAYS={text!r} không hợp lệ: cần một số ngày từ {MIN_RETENTION_DAYS} "
                           f"đến {MAX_RETENTION_DAYS} (mặc định {DEFAULT_RETENTION_DAYS}).")
    return int(text)


def retention_cutoff(at: datetime, days: int) -> datetime:
    """What is older than this (strictly) is past the retention period at `at`."""
    return at - timedelta(days=days)


def controller(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return " ".join((env.get("TOOLKIT_DATA_CONTROLLER") or "").split()) or DEFAULT_CONTROLLER
