"""The database's tables (SQLAlchemy Core); the migrations in toolkit/storage/migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

from toolkit.storage.records import (
    FIRST_PLAN,
    MAX_NAME,
    MAX_NOTE,
    MAX_PLAN_KEY,
)

metadata = sa.MetaData()


def plan_column() -> sa.Column:
    """The key of the plan a row belongs to (its folder's name); rows from before 0007 are Plan 241's."""
    return sa.Column("plan", sa.String(MAX_PLAN_KEY), nullable=False, server_default=FIRST_PLAN)


participants = sa.Table(
    "participants", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False),
    sa.Column("name_key", sa.String(MAX_NAME), nullable=False),
    sa.Column("unit_key", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The personal code's SHA-256 (toolkit.storage.personal): the code is a bearer secret shown once.
    sa.Column("code_hash", sa.String(64)),
    sa.Column("code_issued_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("name_key", "unit_key", name="uq_participant"),
    sa.Index("uq_participant_code", "code_hash", unique=True),  # an index: 0005 adds it to a table in use
)

attempts = sa.Table(
    "attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(32), nullable=False, unique=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("time_limit_s", sa.Integer),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("items", sa.Text, nullable=False),  # JSON: [{"q": id, "o": [...], "r": [...]}, ...]
    sa.Column("session_code", sa.String(20), index=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    plan_column(),
)

responses = sa.Table(
    "responses", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("question_id", sa.String(200), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),  # JSON, in the question's own option indices
    sa.Column("points", sa.Float, nullable=False),
    sa.Column("max_points", sa.Float, nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("attempt_id", "position", name="uq_response"),
)

# One row per participant and question they reported ("Báo lỗi câu hỏi"); reporting again updates it.
question_reports = sa.Table(
    "question_reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.String(200), nullable=False, index=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id")),  # where it was reported, if in an attempt
    sa.Column("note", sa.String(MAX_NOTE), nullable=False),  # "" when no note was given
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    plan_column(),  # two plans may both have a question "lead-1.1": a report is of one plan's
    sa.UniqueConstraint("participant_id", "plan", "question_id", name="uq_question_report"),
)

workshop_sessions = sa.Table(
    "workshop_sessions", metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("time_limit_s", sa.Integer),
    sa.Column("show_rank", sa.Boolean, nullable=False),
    sa.Column("tie_break_time", sa.Boolean, nullable=False),
    sa.Column("question_ids", sa.Text, nullable=False),  # JSON list: every participant gets these
    sa.Column("status", sa.String(10), nullable=False),  # open | closed
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    # How many participants had their data deleted from this session: its figures no longer count them.
    sa.Column("erased_participants", sa.Integer, nullable=False, server_default="0"),
    plan_column(),
)

assessments = sa.Table(
    "assessments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("unit_key", sa.String(80), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # draft | submitted
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_by", sa.String(MAX_NAME)),
    plan_column(),  # a unit assesses each plan's duties apart, in versions of its own
    sa.UniqueConstraint("plan", "unit_key", "year", "version", name="uq_assessment_version"),
)

assessment_entries = sa.Table(
    "assessment_entries", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("task_id", sa.String(20), primary_key=True),
    sa.Column("rating", sa.String(40)),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("evidence_number", sa.String(200), nullable=False, default=""),
    sa.Column("evidence_date", sa.String(20), nullable=False, default=""),
    sa.Column("evidence_text", sa.Text, nullable=False, default=""),
    sa.Column("evidence_link", sa.String(500), nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("central_issued", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# One row per passcode typed on a protected page that was compared with the passcode (refusals during a
# lockout are not rows). Kept in the database, not in a kernel: a reload or another tab is a new kernel.
passcode_attempts = sa.Table(
    "passcode_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("client", sa.String(64), nullable=False, index=True),  # the client's address, "" if unknown
    sa.Column("page", sa.String(40), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
)

# Consent to a page's notice on personal data (toolkit.privacy.notices): who (a participant, or the person
# named on a self-assessment), which notice and version, on which page, when. One row per person, notice
# and version: continuing past the same notice again records nothing new.
consents = sa.Table(
    "consents", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), index=True),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), index=True),
    sa.Column("notice", sa.String(20), nullable=False),  # quiz | workshop | assessment
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("page", sa.String(40), nullable=False),
    sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(participant_id IS NULL) <> (assessment_id IS NULL)", name="ck_consent_who"),
)

# Every deletion of personal data: when, what kind, by whom (a role, never a name) and how many rows of
# each table it removed or made anonymous. Never what was deleted.
deletions = sa.Table(
    "deletions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),  # participant | session | retention
    sa.Column("by", sa.String(20), nullable=False),  # participant | trainer | administrator
    sa.Column("session_code", sa.String(12)),  # the session whose personal data a `session` deletion removed
    sa.Column("cutoff", sa.DateTime(timezone=True)),  # retention: what was older than this went
    sa.Column("counts", sa.Text, nullable=False),  # JSON: {table: rows removed or made anonymous}
)

# Spaced repetition (toolkit.review): each officer's memory of each card (a fact of the plan), the log of
# every answer's effect on it, and the officer's daily cap of new cards. The officer is a participant (the
# personal code is their return code). Times UTC. The log is the record: `replay` rebuilds the states.
review_states = sa.Table(
    "review_states", metadata,
    sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
    # A card is a fact of one plan: two plans' "lead:1.1" are two cards.
    sa.Column("plan", sa.String(MAX_PLAN_KEY), primary_key=True, server_default=FIRST_PLAN),
    sa.Column("card_id", sa.String(200), primary_key=True),
    sa.Column("stability", sa.Float, nullable=False),
    sa.Column("difficulty", sa.Float, nullable=False),
    sa.Column("due", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_review", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reps", sa.Integer, nullable=False),
    sa.Column("lapses", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_review_states_officer_due", "officer", "due"),
)

review_log = sa.Table(
    "review_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("card_id", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rating", sa.Integer, nullable=False),
    sa.Column("source", sa.String(10), nullable=False),  # review | quiz | workshop
    sa.Column("question_id", sa.String(200)),
    sa.Column("elapsed_days", sa.Integer),
    sa.Column("retrievability", sa.Float),
    sa.Column("due", sa.DateTime(timezone=True), nullable=False),
    sa.Column("stability", sa.Float, nullable=False),
    sa.Column("difficulty", sa.Float, nullable=False),
    # The stored answer this entry comes from ("<attempt id>:<position>"): an answer saved twice (a resumed
    # page) logs once, by this constraint.
    sa.Column("answer_ref", sa.String(40)),
    plan_column(),
    sa.UniqueConstraint("answer_ref", "card_id", name="uq_review_log_answer"),
    sa.Index("ix_review_log_officer_at", "officer", "at"),
)

review_settings = sa.Table(
    "review_settings", metadata,
    sa.Column("officer", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
    sa.Column("new_per_day", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
