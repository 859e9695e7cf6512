"""Do the migrations build the schema the code expects, from empty and from the previous version?"""

import pytest
import sqlalchemy as sa

from toolkit import migrations
from toolkit.store import Store, metadata


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
