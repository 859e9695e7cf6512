"""Spaced repetition (toolkit.review): officers' review states, the review log and their daily cap."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_states",
        sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
        sa.Column("card_id", sa.String(200), primary_key=True),
        sa.Column("stability", sa.Float, nullable=False),
        sa.Column("difficulty", sa.Float, nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_states_officer_due", "review_states", ["officer", "due"])
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("question_id", sa.String(200)),
        sa.Column("elapsed_days", sa.Integer),
        sa.Column("retrievability", sa.Float),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stability", sa.Float, nullable=False),
        sa.Column("difficulty", sa.Float, nullable=False),
        sa.Column("answer_ref", sa.String(40)),
        sa.UniqueConstraint("answer_ref", "card_id", name="uq_review_log_answer"),
    )
    op.create_index("ix_review_log_card_id", "review_log", ["card_id"])
    op.create_index("ix_review_log_officer_at", "review_log", ["officer", "at"])
    op.create_table(
        "review_settings",
        sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
        sa.Column("new_per_day", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_settings")
    op.drop_index("ix_review_log_officer_at", table_name="review_log")
    op.drop_index("ix_review_log_card_id", table_name="review_log")
    op.drop_table("review_log")
    op.drop_index("ix_review_states_officer_due", table_name="review_states")
    op.drop_table("review_states")
