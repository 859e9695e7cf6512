"""Database schema migrations (Alembic), run by `Store` when it opens a database.

Every page load opens the store, so the common case (the schema is current) is one small query and
does not import Alembic. An empty database is brought to the newest schema; an older one is upgraded
in place, keeping its data.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

HEAD = "0002"
REVISIONS = ("0001", "0002")
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


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest)."""
    found = current_revision(engine)
    if found is not None and found not in REVISIONS:
        raise RuntimeError(f"Cơ sở dữ liệu có phiên bản lược đồ {found}, mới hơn phần mềm này ({HEAD}); "
                           "hãy cập nhật phần mềm.")
    if revision == "head" and found == HEAD:
        return
    from alembic import command

    for attempt in range(3):
        try:
            with engine.begin() as conn:
                command.upgrade(config(conn), revision)
            return
        except sa.exc.DBAPIError:
            # Two kernels opening a new database at once: one creates the tables, the other fails
            # on them; it then finds the schema current.
            if current_revision(engine) == (HEAD if revision == "head" else revision) or attempt == 2:
                if attempt == 2:
                    raise
                return
