"""Workshop sessions and yearly self-assessments."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop_sessions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("time_limit_s", sa.Integer),
        sa.Column("show_rank", sa.Boolean, nullable=False),
        sa.Column("tie_break_time", sa.Boolean, nullable=False),
        sa.Column("question_ids", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_key", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("submitted_by", sa.String(80)),
        sa.UniqueConstraint("unit_key", "year", "version", name="uq_assessment_version"),
    )
    op.create_table(
        "assessment_entries",
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
        sa.Column("task_id", sa.String(20), primary_key=True),
        sa.Column("rating", sa.String(40)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence_number", sa.String(200), nullable=False),
        sa.Column("evidence_date", sa.String(20), nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        sa.Column("evidence_link", sa.String(500), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("central_issued", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("assessment_entries")
    op.drop_table("assessments")
    op.drop_table("workshop_sessions")
