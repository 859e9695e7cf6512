"""Database fixtures: store tests run on SQLite and, where a server is configured, on PostgreSQL.

CI starts PostgreSQL and sets TOOLKIT_TEST_POSTGRES_URL; without it the PostgreSQL runs are skipped,
except under CI, where a missing server must fail rather than pass quietly.
"""

import os

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("TOOLKIT_TEST_POSTGRES_URL")


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TOOLKIT_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL server configured (TOOLKIT_TEST_POSTGRES_URL)")
    reset_postgres(PG_URL)
    return PG_URL
