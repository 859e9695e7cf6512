"""Workshop sessions in the database: join codes, the questions everyone gets, open or closed."""

from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from toolkit.storage.records import (
    FIRST_PLAN,
    JOIN_ALPHABET,
    AnswerRow,
    InputError,
    SessionAttempt,
    SessionRecord,
    as_aware,
    now,
)
from toolkit.storage.schema import attempts, participants, responses, workshop_sessions
from toolkit.storage.store import Store, answer_rows
from toolkit.vietnamese import squash


class SessionStore:
    """Workshop sessions: a join code, the questions everyone gets, open or closed."""

    def __init__(self, store: Store):
        self.store = store
        self.engine = store.engine

    def create(self, title: str, topic: str, mode: str, question_ids: list[str], time_limit_s: int | None,
               show_rank: bool, tie_break_time: bool, plan: str = FIRST_PLAN) -> SessionRecord:
        """A new open session of `plan`'s questions (the plan's key) with a fresh join code."""
        title = squash(unicodedata.normalize("NFC", title or ""))
        if not title:
            raise InputError("Vui lòng nhập tên buổi tập huấn.")
        if len(title) > 200:
            raise InputError("Tên buổi tập huấn quá dài (tối đa 200 ký tự).")
        for _ in range(20):
            code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(6))
            try:
                with self.engine.begin() as conn:
                    conn.execute(workshop_sessions.insert().values(
                        code=code, title=title, topic=topic, mode=mode, time_limit_s=time_limit_s,
                        show_rank=show_rank, tie_break_time=tie_break_time, question_ids=json.dumps(question_ids),
                        status="open", created_at=now(), plan=plan))
                return self.get(code)
            except IntegrityError:
                continue
        raise RuntimeError("Không tạo được mã phiên; vui lòng thử lại.")

    def get(self, code: str) -> SessionRecord | None:
        code = (code or "").strip().upper()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(workshop_sessions).where(workshop_sessions.c.code == code)).first()
        if row is None:
            return None
        return SessionRecord(row.code, row.title, row.topic, row.mode, row.time_limit_s, row.show_rank,
                             row.tie_break_time, tuple(json.loads(row.question_ids)), row.status,
                             as_aware(row.created_at), as_aware(row.closed_at), row.plan)

    def close(self, code: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(workshop_sessions.update().where(workshop_sessions.c.code == code,
                                                          workshop_sessions.c.status == "open")
                         .values(status="closed", closed_at=now()))

    def all(self, plan: str | None = None) -> list[SessionRecord]:
        """Every session (of `plan`, if given), newest first."""
        q = sa.select(workshop_sessions.c.code).order_by(workshop_sessions.c.created_at.desc())
        if plan is not None:
            q = q.where(workshop_sessions.c.plan == plan)
        with self.engine.connect() as conn:
            codes = conn.execute(q).scalars().all()
        return [self.get(c) for c in codes]

    def attempts(self, code: str, question_ids: Collection[str] | None = None) -> list[SessionAttempt]:
        """Every attempt of a session with its participant, answered count and points (counting only
        answers to `question_ids` if given: the questions a session still serves)."""
        answers = responses.c.attempt_id == attempts.c.id
        if question_ids is not None:
            answers = sa.and_(answers, responses.c.question_id.in_(list(question_ids)))
        q = (sa.select(attempts.c.id, attempts.c.started_at, attempts.c.finished_at, participants.c.id.label("pid"),
                       participants.c.name, participants.c.unit_key,
                       sa.func.count(responses.c.id).label("answered"),
                       sa.func.coalesce(sa.func.sum(responses.c.points), 0).label("points"),
                       sa.func.max(responses.c.answered_at).label("last_answer"))
             .select_from(attempts.join(participants).outerjoin(responses, answers))
             .where(attempts.c.session_code == code)
             .group_by(attempts.c.id, participants.c.id, participants.c.name, participants.c.unit_key)
             .order_by(attempts.c.id))
        with self.engine.connect() as conn:
            return [SessionAttempt(r.id, r.pid, r.name, r.unit_key, as_aware(r.started_at), as_aware(r.finished_at),
                                   int(r.answered), float(r.points or 0), as_aware(r.last_answer))
                    for r in conn.execute(q)]

    def responses(self, code: str) -> list[AnswerRow]:
        """Every answer given in a session, in attempt and question order."""
        return answer_rows(self.engine, attempts.c.session_code == code)
