"""Do the migrations build the schema the code expects, from empty and from the previous version?"""

import pytest
import sqlalchemy as sa

from toolkit.storage import migrations
from toolkit.storage.schema import metadata
from toolkit.storage.store import Store


def test_empty_database_reaches_head_and_matches_the_code(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(database_url)
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.HEAD
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_upgrade_from_the_previous_schema_keeps_data(database_url):
    engine = sa.create_engine(database_url)
    migrations.upgrade(engine, "0001")
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("assessments")
        conn.execute(sa.text("INSERT INTO participants (name, name_key, unit_key, created_at) "
                             "VALUES ('Đỗ Thu Hà', 'do thu ha', 'quan_ba_dinh', CURRENT_TIMESTAMP)"))
    store = Store(database_url)  # opening the store upgrades
    assert migrations.current_revision(store.engine) == migrations.HEAD
    assert store.participant("Đỗ Thu Hà", "quan_ba_dinh").id == 1
    with store.engine.connect() as conn:
        assert sa.inspect(conn).has_table("assessments") and sa.inspect(conn).has_table("workshop_sessions")


def test_a_newer_database_is_refused(database_url):
    engine = sa.create_engine(database_url)
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(RuntimeError, match="mới hơn phần mềm"):
        Store(database_url)


def test_opening_waits_while_another_process_converts_a_new_sqlite_file(tmp_path):
    # What a second kernel meets when it opens a new database a moment after the first: the file is
    # still in rollback mode and the first holds its write lock while creating the schema. SQLite
    # refuses "PRAGMA journal_mode=WAL" at once then ("database is locked", no busy wait), so the
    # opening must wait for the first one's lock, not run into it.
    import fcntl
    import sqlite3
    import threading

    path = tmp_path / "new.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("CREATE TABLE being_created (i INTEGER)")
    lock = open(f"{path}.migrate-lock", "a")
    fcntl.flock(lock, fcntl.LOCK_EX)
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO being_created VALUES (1)")

    outcome = {}

    def open_store():
        try:
            outcome["store"] = Store(f"sqlite:///{path}")
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            outcome["error"] = exc

    opener = threading.Thread(target=open_store)
    opener.start()
    opener.join(0.5)
    assert opener.is_alive() and not outcome, outcome  # waiting, not failed
    first.execute("COMMIT")
    first.close()
    fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
    opener.join(30)
    assert "error" not in outcome, outcome
    with outcome["store"].engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    assert migrations.current_revision(outcome["store"].engine) == migrations.HEAD
    outcome["store"].engine.dispose()


def test_is_a_missing_row_a_typed_not_found_error(tmp_path):
    """Storage raises its own NotFound (with a Vietnamese message), not SQLAlchemy's NoResultFound."""
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.records import NotFound
    from toolkit.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for lookup in (lambda: store.attempt(404), lambda: store.participant_by_id(404),
                   lambda: AssessmentStore(store).get(404)):
        with pytest.raises(NotFound, match="Không có"):
            lookup()
