"""Passcode attempts on protected pages, counted across kernels (a reload no longer resets the lockout)."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passcode_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_passcode_attempts_at", "passcode_attempts", ["at"])
    op.create_index("ix_passcode_attempts_client", "passcode_attempts", ["client"])


def downgrade() -> None:
    op.drop_index("ix_passcode_attempts_client", table_name="passcode_attempts")
    op.drop_index("ix_passcode_attempts_at", table_name="passcode_attempts")
    op.drop_table("passcode_attempts")
