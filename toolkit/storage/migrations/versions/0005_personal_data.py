"""Personal data (Luật 91/2025/QH15): participants' personal codes, consents, the deletion log, and each
session's count of participants whose data was deleted."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, no batch copy: SQLite cannot drop a table that attempts still point at (foreign
    # keys are on), so uniqueness is a unique index, which SQLite can add to an existing table.
    op.add_column("participants", sa.Column("code_hash", sa.String(64)))
    op.add_column("participants", sa.Column("code_issued_at", sa.DateTime(timezone=True)))
    op.create_index("uq_participant_code", "participants", ["code_hash"], unique=True)
    op.add_column("workshop_sessions", sa.Column("erased_participants", sa.Integer, nullable=False,
                                                 server_default="0"))
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id")),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id")),
        sa.Column("notice", sa.String(20), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(participant_id IS NULL) <> (assessment_id IS NULL)", name="ck_consent_who"),
    )
    op.create_index("ix_consents_participant_id", "consents", ["participant_id"])
    op.create_index("ix_consents_assessment_id", "consents", ["assessment_id"])
    op.create_table(
        "deletions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("by", sa.String(20), nullable=False),
        sa.Column("session_code", sa.String(12)),
        sa.Column("cutoff", sa.DateTime(timezone=True)),
        sa.Column("counts", sa.Text, nullable=False),
    )
    op.create_index("ix_deletions_at", "deletions", ["at"])


def downgrade() -> None:
    op.drop_index("ix_deletions_at", table_name="deletions")
    op.drop_table("deletions")
    op.drop_index("ix_consents_assessment_id", table_name="consents")
    op.drop_index("ix_consents_participant_id", table_name="consents")
    op.drop_table("consents")
    # ALTER TABLE DROP COLUMN (SQLite 3.35 and later), for the same reason as above.
    op.drop_column("workshop_sessions", "erased_participants")
    op.drop_index("uq_participant_code", table_name="participants")
    op.drop_column("participants", "code_issued_at")
    op.drop_column("participants", "code_hash")
