"""Time for the review: instants are timezone-aware UTC, days are Vietnam days, times are shown in Vietnam time.

A Vietnam day runs from 00:00 to 24:00 at UTC+7 (toolkit.vietnamese.VIETNAM; no daylight saving), whatever
the server's zone: an answer at 23:30 belongs to that day, one at 00:30 to the next.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from toolkit.vietnamese import VIETNAM, local_time

# How the review pages write a time: Vietnam time, day first.
SHOWN_TIME = "%d/%m/%Y %H:%M"


def utc(at: datetime) -> datetime:
    """An aware time as UTC (fsrs accepts only `timezone.utc` itself); a naive time is refused, not guessed."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"Thời điểm {at.isoformat()} không có múi giờ; cần thời điểm theo UTC.")
    return at.astimezone(timezone.utc)


def stored_utc(at: datetime | str) -> datetime:
    """A time read from the store or JSON as UTC: naive values (SQLite keeps no zone) are UTC by the store's rule."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def shown_time(at: datetime | None) -> str:
    """A time as the review pages show it, in Vietnam time: "dd/mm/yyyy HH:MM".

    >>> shown_time(datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc))
    '01/03/2026 23:30'
    """
    return local_time(at, SHOWN_TIME)


def vietnam_day(at: datetime) -> date:
    """The day in Vietnam at an instant.

    >>> vietnam_day(datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)), vietnam_day(datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc))
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2))
    """
    return utc(at).astimezone(VIETNAM).date()


def day_start(day: date) -> datetime:
    """The first instant (UTC) of a Vietnam day: 17:00 UTC the day before."""
    return datetime.combine(day, time(), VIETNAM).astimezone(timezone.utc)


def day_end(day: date) -> datetime:
    """The first instant (UTC) after a Vietnam day."""
    return day_start(day + timedelta(days=1))
