"""Database schema migrations (Alembic), run by `Store` when it opens a database.

Every page load opens the store, so the common case (the schema is current) is one small query and
does not import Alembic. An empty database is brought to the newest schema; an older one is upgraded
in place, keeping its data.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import sqlalchemy as sa

HEAD = "0007"
ADVISORY_LOCK = 24_120_2020  # any constant shared by every process of this toolkit
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HERE = Path(__file__).resolve().parent


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


@contextlib.contextmanager
def _exclusive(engine: sa.Engine):
    """Only one process migrates a database at a time.

    Kernels of a room of participants open a new database at the same moment; SQLite's driver
    commits each CREATE TABLE on its own, so without this the second kernel sees half a schema.
    SQLite files are locked with a lock file beside them, PostgreSQL with an advisory lock.
    """
    if _sqlite_file(engine):
        import fcntl

        with open(f"{engine.url.database}.migrate-lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
                conn.commit()
    else:
        yield


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest)."""
    target = HEAD if revision == "head" else revision
    if _sqlite_file(engine):
        # A connection's first statement turns the file to WAL; SQLite fails that at once, without
        # waiting, while another connection converts or writes the still rollback-mode file (seen in
        # CI as "database is locked" when 12 kernels opened a new database together). So every
        # opening of a SQLite file is serialised; on a current file that costs one flock.
        with _exclusive(engine):
            _upgrade_locked(engine, target, revision)
        return
    found = current_revision(engine)
    _check_known(found)
    if found == target:
        return  # the common case: one small query, no lock, no Alembic import
    with _exclusive(engine):
        _upgrade_locked(engine, target, revision)


def _upgrade_locked(engine: sa.Engine, target: str, revision: str) -> None:
    found = current_revision(engine)  # another process may have migrated while we waited
    _check_known(found)
    if found == target:
        return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(config(conn), revision)


def _sqlite_file(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


def _check_known(found: str | None) -> None:
    if found is not None and found not in REVISIONS:
        raise RuntimeError(f"Cơ sở dữ liệu có phiên bản lược đồ {found}, mới hơn phần mềm này ({HEAD}); "
                           "hãy cập nhật phần mềm.")
