"""Alembic environment: migrations run on the connection `toolkit.migrations.upgrade` passes in."""

from alembic import context

from toolkit.storage.schema import metadata

connection = context.config.attributes["connection"]
# Batch mode lets later migrations alter tables on SQLite (which has no ALTER COLUMN).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
