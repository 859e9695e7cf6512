"""Reported questions: one row per participant and question ("Báo lỗi câu hỏi"), with an optional note."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id")),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        # One report per person and question, even when two pages of theirs click at the same moment.
        sa.UniqueConstraint("participant_id", "question_id", name="uq_question_report"),
    )
    op.create_index("ix_question_reports_question_id", "question_reports", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_question_reports_question_id", table_name="question_reports")
    op.drop_table("question_reports")
