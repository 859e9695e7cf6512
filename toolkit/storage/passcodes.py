"""Passcodes typed on protected pages, in the database every kernel shares: the lockout's memory.

Each Voila page is its own kernel, so a count kept in a kernel starts again with every reload or new
tab. The rule (how many failures, how long to wait) lives in toolkit.serving.access; this module
counts, and records each attempt so that two pages checking at the same moment see each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from toolkit.storage.records import as_aware
from toolkit.storage.schema import passcode_attempts as attempts

# PostgreSQL advisory lock held by one check at a time (any constant no other lock of the toolkit uses).
CHECK_LOCK = 241_2020_0004
# Pages whose attempts guess another secret than the passcode, counted apart from it: personal codes
# (toolkit.serving.personal_code). A room mistyping its own codes must not lock the trainer out, nor
# someone guessing the passcode lock officers out of their own data.
SEPARATE_PAGES = ("personal-code",)


@dataclass(frozen=True)
class RecentFailures:
    """Failed attempts since a moment: by one client after its last success, and by everyone."""

    client: int
    client_last: datetime | None
    everyone: int
    everyone_last: datetime | None


@dataclass(frozen=True)
class Reservation:
    """What `PasscodeAttempts.reserve` decided: refused (wait_s > 0, nothing recorded) or recorded."""

    before: RecentFailures  # the failures this decision was made on, this attempt not included
    wait_s: float
    attempt_id: int | None  # the recorded attempt, a failure until `succeeded` says otherwise


class PasscodeAttempts:
    """Attempts at the passcode: time, client address ("" if unknown), page, and whether it was right."""

    def __init__(self, store):
        self.engine = store.engine  # a Store, or a view of one (AssessmentStore, SessionStore)

    def reserve(self, client: str, page: str, at: datetime, since: datetime,
                wait_for: Callable[[RecentFailures], float]) -> Reservation:
        """Record an attempt, as failed, unless `wait_for(failures so far)` asks to wait first.

        One check at a time across every kernel: two pages submitting together must not both pass on
        the same count. SQLite gives that because the row is written first (the writer holds the file's
        write lock until it commits, and the next one waits on busy_timeout); PostgreSQL takes an
        advisory lock first. The attempt counts as failed from here on, so a page that dies between
        this and `succeeded` leaves a failure, never a free guess. A refused attempt is rolled back:
        refusals compare nothing and would only fill the table.
        """
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHECK_LOCK})
            aid = conn.execute(attempts.insert().values(at=at, client=client, page=page, ok=False)
                               ).inserted_primary_key[0]
            before = _failures(conn, client, since, aid, page)
            wait = wait_for(before)
            if wait > 0:
                conn.rollback()
                return Reservation(before, wait, None)
            conn.commit()
        return Reservation(before, 0.0, aid)

    def succeeded(self, attempt_id: int) -> None:
        """The reserved attempt had the right passcode: its client's earlier failures stop counting."""
        with self.engine.begin() as conn:
            conn.execute(attempts.update().where(attempts.c.id == attempt_id).values(ok=True))


def _failures(conn, client: str, since: datetime, exclude: int, page: str = "") -> RecentFailures:
    same = attempts.c.page == page if page in SEPARATE_PAGES else attempts.c.page.notin_(SEPARATE_PAGES)
    failed = (attempts.c.ok.is_(False), attempts.c.at >= since, attempts.c.id != exclude, same)
    last_success = conn.execute(sa.select(sa.func.max(attempts.c.id))
                                .where(attempts.c.client == client, attempts.c.ok.is_(True), same)).scalar()
    mine = sa.select(sa.func.count(), sa.func.max(attempts.c.at)).where(
        *failed, attempts.c.client == client, attempts.c.id > (last_success or 0))
    everyone = sa.select(sa.func.count(), sa.func.max(attempts.c.at)).where(*failed)
    n_mine, last_mine = conn.execute(mine).one()
    n_all, last_all = conn.execute(everyone).one()
    return RecentFailures(int(n_mine), as_aware(last_mine), int(n_all), as_aware(last_all))
