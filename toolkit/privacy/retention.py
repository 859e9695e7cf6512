"""Everything older than the retention period, deleted or made anonymous (`toolkit privacy delete
--older-than-retention`, or the trainer's page). What “older” means for each kind of row is
`PersonalStore.apply_retention`'s; submitted self-assessments are the unit's records and stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from toolkit.privacy.settings import retention_cutoff, retention_days
from toolkit.storage.personal import PersonalStore
from toolkit.storage.records import now


@dataclass(frozen=True)
class RetentionRun:
    days: int
    cutoff: datetime  # rows older than this went
    counts: dict[str, int]
    dry_run: bool


def apply_retention(store, by: str = "administrator", at: datetime | None = None, days: int | None = None,
                    dry_run: bool = False, env: Mapping[str, str] | None = None) -> RetentionRun:
    """Delete (or, with `dry_run`, count) what is older than the period at `at` (default: now).

    `days` defaults to the setting (TOOLKIT_RETENTION_DAYS, else 365).
    """
    at = at or now()
    days = retention_days(env) if days is None else days
    cutoff = retention_cutoff(at, days)
    counts = PersonalStore(store).apply_retention(cutoff, by, at=at, dry_run=dry_run)
    return RetentionRun(days, cutoff, counts, dry_run)
