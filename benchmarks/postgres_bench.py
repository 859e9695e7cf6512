"""Several Voila servers in front of one PostgreSQL: the deployment of README's worked configuration.

Two Voila servers (the same command and voila.json, two ports; on two machines it is the same with
two addresses), both with ``TOOLKIT_DATABASE_URL`` on one PostgreSQL database. N participants
join at once, participant i on server i mod 2, and take the quiz as in figure 3. Checked:

- every answer the participants saw acknowledged is in PostgreSQL once (responses of their
  attempts, distinct (attempt, position));
- a participant who answered 3 questions on server A and then opens the quiz on server B is
  offered the same attempt with 3 answers (all state is in the database, none in a server).

Runs only with a database URL (``--postgres`` or TOOLKIT_BENCH_POSTGRES_URL) whose database name
contains "bench": its schema is dropped and recreated.
"""

from __future__ import annotations

import sqlalchemy as sa

from benchmarks.participants import Barriers, QuizParticipant, resumable_answers
from benchmarks.protocol import _http, run_async
from benchmarks.room import run_room, stored_answers
from benchmarks.server import running


def reset(url: str) -> None:
    database = sa.engine.make_url(url).database or ""
    if "bench" not in database:
        raise SystemExit(f"refusing to reset database {database!r}: its name must contain 'bench'")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def cross_server_resume(a, b, answers: int = 3) -> int | None:
    """Answer `answers` questions on server a, leave; open the quiz on server b: the answers it counts."""
    async def scenario():
        http = _http()
        person = QuizParticipant(a.base_url, 999, http, seed=4242)
        person.stop_after = answers
        await person.run(0.0, Barriers.open())
        await person.page.close()
        if person.error:
            raise RuntimeError(person.error)
        try:
            return await resumable_answers(b.base_url, person.name, 1, http)
        finally:
            http.close()

    return run_async(scenario)


def two_servers(work, folder, url: str, n: int, think, questions: int) -> dict:
    reset(url)
    with running(folder, work, name="pg-a", database_url=url) as a, \
            running(folder, work, name="pg-b", database_url=url) as b:
        room = run_room([a, b], "quiz", n, think=think, seed=7000 + n, questions=questions)
        rows, distinct = stored_answers(url, room.names)
        resumed = cross_server_resume(a, b)
    return {"room": room, "rows": rows, "distinct": distinct, "resumed": resumed}
