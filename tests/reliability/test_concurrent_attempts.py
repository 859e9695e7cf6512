"""60 participants' kernels writing at once to the default SQLite store: nothing lost, nothing twice.

Each of 60 processes (spawned, as Voila's kernels are separate processes) is one participant: it
opens the store the way a kernel does (``Store()`` with only TOOLKIT_VAR_DIR set, so the default
file in WAL mode), starts an attempt of 10 questions, waits until all 60 are ready, then answers
all 10 as fast as it can. Every answer is a double click: two threads submit the same question at
the same instant with different answers; the unique constraint must refuse exactly one of them.

The counts checked at the end: 60 participants, 60 attempts, 600 responses, 600 distinct
(attempt, position) pairs, 600 refused duplicates, and each stored answer is the one whose
save returned True.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.reliability import workers
from tests.reliability.workers import ANSWERS, TIMEOUT_S

PROCESSES = 60


def test_sixty_concurrent_participants_lose_and_duplicate_nothing(tmp_path, monkeypatch):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(var_dir))
    monkeypatch.delenv("TOOLKIT_DATABASE_URL", raising=False)
    from toolkit.storage.schema import attempts, participants, responses
    from toolkit.storage.store import Store

    store = Store()  # the schema exists, as on any machine where the toolkit has run once
    assert store.url == f"sqlite:///{var_dir / 'toolkit.sqlite3'}"

    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [ctx.Process(target=workers.participant, args=(str(var_dir), i, ready, results))
             for i in range(PROCESSES)]
    for p in procs:
        p.start()
    got = []
    try:
        for _ in procs:
            got.append(results.get(timeout=TIMEOUT_S))
    except queue.Empty:
        pytest.fail(f"only {len(got)} of {PROCESSES} participants reported within {TIMEOUT_S} s")
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    errors = [(i, e) for i, _a, _o, e in got if e]
    assert not errors, errors
    assert all(p.exitcode == 0 for p in procs)

    # In each double click exactly one save was accepted and one refused.
    accepted = {}
    for _i, attempt_id, outcomes, _e in got:
        for position, (first, second) in enumerate(outcomes):
            assert {first, second} == {True, False}, (attempt_id, position, first, second)
            accepted[(attempt_id, position)] = 0 if first else 1
    refused = sum(1 for *_x, outcomes, _e in got for pair in outcomes for ok in pair if not ok)
    assert refused == PROCESSES * ANSWERS

    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        n_participants = conn.execute(sa.select(sa.func.count()).select_from(participants)).scalar()
        n_attempts = conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar()
        rows = conn.execute(sa.select(responses.c.attempt_id, responses.c.position, responses.c.answer,
                                      responses.c.points)).all()
    assert (n_participants, n_attempts) == (PROCESSES, PROCESSES)
    assert len(rows) == PROCESSES * ANSWERS  # every answer stored
    assert len({(r.attempt_id, r.position) for r in rows}) == len(rows)  # none twice
    per_attempt = {}
    for r in rows:
        per_attempt[r.attempt_id] = per_attempt.get(r.attempt_id, 0) + 1
    assert sorted(per_attempt.values()) == [ANSWERS] * PROCESSES
    # The stored answer is the one whose save said it was stored.
    assert {(r.attempt_id, r.position): json.loads(r.answer) for r in rows} == accepted
    assert all(r.points == float(json.loads(r.answer) == 0) for r in rows)
    store.engine.dispose()


def test_kernels_opening_a_new_database_at_once_all_succeed(tmp_path):
    # A race: three fresh databases, 12 kernels each (one to four of ten failed per try when found).
    n = 12
    ctx = multiprocessing.get_context("spawn")
    errors = []
    for trial in range(3):
        url = f"sqlite:///{Path(tmp_path) / f'new-{trial}.sqlite3'}"
        ready = ctx.Barrier(n)
        results = ctx.Queue()
        procs = [ctx.Process(target=workers.open_new_database, args=(url, ready, results)) for _ in range(n)]
        for p in procs:
            p.start()
        try:
            errors += [e for e in (results.get(timeout=TIMEOUT_S) for _ in procs) if e]
        finally:
            for p in procs:
                p.join(30)
    assert errors == []
