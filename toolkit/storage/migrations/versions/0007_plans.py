"""Several plans side by side: every row of answers, sessions, assessments, reports and reviews names its plan.

The column holds the plan folder's name; rows stored before are Plan 241's, the only plan there was
(server default "plan-241"). Where a question or task id is part of a uniqueness key, so is the plan:
two plans may both have a task "1.1".

SQLite cannot change a table's constraints in place, so three tables are rebuilt: question_reports and
review_states (nothing points at them), and assessments, which assessment_entries and consents point at.
Foreign keys are on in every kernel's connection: dropping assessments would orphan its entries for a
moment, so the checks are deferred to the commit (`PRAGMA defer_foreign_keys`), by which time every row
is back under its old id. That needs the whole rebuild in one transaction, which Python's sqlite3 opens
only at a data-changing statement, hence the no-op UPDATE first.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIRST = "plan-241"
PLAIN = ("attempts", "workshop_sessions", "review_log")  # a column added, nothing else changes


def _plan(primary_key: bool = False) -> sa.Column:
    return sa.Column("plan", sa.String(80), nullable=False, server_default=FIRST, primary_key=primary_key)


def _question_reports(with_plan: bool) -> tuple:
    columns = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id")),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]
    key = ("participant_id", "plan", "question_id") if with_plan else ("participant_id", "question_id")
    return (*columns, *([_plan()] if with_plan else []), sa.UniqueConstraint(*key, name="uq_question_report"))


def _review_states(with_plan: bool) -> tuple:
    return (
        sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
        *([_plan(primary_key=True)] if with_plan else []),
        sa.Column("card_id", sa.String(200), primary_key=True),
        sa.Column("stability", sa.Float, nullable=False),
        sa.Column("difficulty", sa.Float, nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def _assessments(with_plan: bool) -> tuple:
    key = ("plan", "unit_key", "year", "version") if with_plan else ("unit_key", "year", "version")
    return (
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_key", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("submitted_by", sa.String(80)),
        *([_plan()] if with_plan else []),
        sa.UniqueConstraint(*key, name="uq_assessment_version"),
    )


INDEXES = {
    "question_reports": [("ix_question_reports_question_id", ["question_id"])],
    "review_states": [("ix_review_states_officer_due", ["officer", "due"])],
    "assessments": [],
}
REBUILT = {"question_reports": _question_reports, "review_states": _review_states, "assessments": _assessments}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _one_transaction() -> None:
    op.execute("UPDATE alembic_version SET version_num = version_num")
    op.execute("PRAGMA defer_foreign_keys = ON")


def _rebuild(name: str, with_plan: bool) -> None:
    """SQLite: copy the rows aside, drop the table, create it anew, put the rows back under their ids."""
    bind = op.get_bind()
    aside = f"_0007_{name}"
    op.execute(f'CREATE TABLE "{aside}" AS SELECT * FROM "{name}"')
    op.drop_table(name)  # its indexes go with it
    op.create_table(name, *REBUILT[name](with_plan))
    for index, columns in INDEXES[name]:
        op.create_index(index, name, columns)
    kept = [c["name"] for c in sa.inspect(bind).get_columns(aside) if c["name"] != "plan" or with_plan]
    names = ", ".join(f'"{c}"' for c in kept)
    op.execute(f'INSERT INTO "{name}" ({names}) SELECT {names} FROM "{aside}"')
    op.drop_table(aside)


def upgrade() -> None:
    if _sqlite():
        _one_transaction()  # first: a failure half-way then leaves the database as it was
    for name in PLAIN:
        op.add_column(name, _plan())
    if _sqlite():
        for name in REBUILT:
            _rebuild(name, with_plan=True)
        return
    op.add_column("question_reports", _plan())
    op.drop_constraint("uq_question_report", "question_reports", type_="unique")
    op.create_unique_constraint("uq_question_report", "question_reports", ["participant_id", "plan", "question_id"])
    op.add_column("assessments", _plan())
    op.drop_constraint("uq_assessment_version", "assessments", type_="unique")
    op.create_unique_constraint("uq_assessment_version", "assessments", ["plan", "unit_key", "year", "version"])
    op.add_column("review_states", _plan())
    op.drop_constraint("review_states_pkey", "review_states", type_="primary")
    op.create_primary_key("review_states_pkey", "review_states", ["officer", "plan", "card_id"])


def downgrade() -> None:
    """Back to one plan: refused while any row is another plan's (the old schema could not tell them apart)."""
    bind = op.get_bind()
    for name in (*PLAIN, *REBUILT):
        others = bind.execute(sa.text(f'SELECT COUNT(*) FROM "{name}" WHERE "plan" <> :first'), {"first": FIRST}).scalar()
        if others:
            raise RuntimeError(f"Không hạ được lược đồ xuống 0006: bảng {name} có {others} dòng của kế hoạch khác "
                               f"“{FIRST}”. Hãy sao lưu rồi xóa các dòng đó trước.")
    if _sqlite():
        _one_transaction()
        for name in REBUILT:
            _rebuild(name, with_plan=False)
    else:
        op.drop_constraint("review_states_pkey", "review_states", type_="primary")
        op.drop_column("review_states", "plan")
        op.create_primary_key("review_states_pkey", "review_states", ["officer", "card_id"])
        op.drop_constraint("uq_assessment_version", "assessments", type_="unique")
        op.drop_column("assessments", "plan")
        op.create_unique_constraint("uq_assessment_version", "assessments", ["unit_key", "year", "version"])
        op.drop_constraint("uq_question_report", "question_reports", type_="unique")
        op.drop_column("question_reports", "plan")
        op.create_unique_constraint("uq_question_report", "question_reports", ["participant_id", "question_id"])
    for name in PLAIN:
        op.drop_column(name, "plan")  # ALTER TABLE DROP COLUMN on SQLite (3.35 and later), as 0005's
