"""Database fixtures: store tests run on SQLite and on PostgreSQL.

`make test` (tools/test-machine.sh) starts a loopback PostgreSQL and sets TOOLKIT_TEST_POSTGRES_URL, or
fails before pytest. Without the URL the PostgreSQL runs fail under CI; elsewhere they are skipped,
with a reason that says how to run them (pytest run by hand, or TOOLKIT_SKIP_POSTGRES=1 knowingly).
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
            pytest.fail("TOOLKIT_TEST_POSTGRES_URL is not set under CI: `make test` (tools/test-machine.sh) "
                        "must start PostgreSQL and set it")
        if os.environ.get("TOOLKIT_SKIP_POSTGRES") == "1":
            pytest.skip("TOOLKIT_SKIP_POSTGRES=1")
        pytest.skip("no PostgreSQL server configured: run `make test`, or "
                    'eval "$(tools/test-machine.sh)" before pytest (sets TOOLKIT_TEST_POSTGRES_URL)')
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def store(database_url):
    """The store on each database; its connections closed after the test (PostgreSQL is reset for the next)."""
    from toolkit.storage.store import Store

    db = Store(database_url)
    yield db
    db.engine.dispose()


@pytest.fixture(scope="module")
def questions(plan):
    """Every question served: generated and authored (a module may narrow it to the generated ones)."""
    from toolkit.quiz.banks import question_bank

    qs, _ = question_bank(plan)
    return qs
