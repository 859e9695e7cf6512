"""The trainer's live dashboard keeps refreshing while 60 participants answer: nothing blocks.

60 spawned processes (one per participant kernel) join one workshop session in the SQLite store
and answer its 10 questions over a few seconds; meanwhile the trainer page's own refresh
(``TrainerApp.on_refresh``, what its ticker and its button run) is called in a loop. Every refresh
must complete without an error on the page and within a few seconds, and the counts it shows
(joined, submitted) and the answers stored may only grow, ending at 60, 60 and 600.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
import time

from tests.reliability import workers
from tests.reliability.workers import TIMEOUT_S
from toolkit.ui import trainer as workshop

PROCESSES = 60
QUESTIONS = 10
PASSCODE = "515151"
REFRESH_MAX_S = 10.0  # one refresh on a loaded 2-core machine; a blocked store would exceed it
COUNTS = re.compile(r"Đã tham gia: <b>(\d+)</b> · Đã nộp bài: <b>(\d+)</b>")


def test_the_dashboard_keeps_refreshing_while_sixty_participants_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))
    from toolkit.plan.load import load_plan
    from toolkit.quiz.banks import question_bank
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store

    url = f"sqlite:///{tmp_path / 'toolkit.sqlite3'}"
    store = Store(url)
    plan = load_plan()
    questions, _problems = question_bank(plan)
    trainer = workshop.TrainerApp(plan, questions, store, env={
        "VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb"})
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    trainer.title.value, trainer.count.value, trainer.mode.value = "Thử tải 60 học viên", QUESTIONS, "practice"
    trainer.create.click()
    code = trainer.current
    assert code, trainer.create_message.value + trainer.error.value
    sessions = SessionStore(store)
    question_ids = list(sessions.get(code).question_ids)
    assert len(question_ids) == QUESTIONS

    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(PROCESSES + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=workers.session_participant, args=(url, code, question_ids, i, ready, results))
             for i in range(PROCESSES)]
    for p in procs:
        p.start()
    seen = []  # (joined, submitted, answers stored) after each refresh
    durations = []
    done = []
    try:
        ready.wait(TIMEOUT_S)  # every participant's store is open: they all start now
        deadline = time.monotonic() + TIMEOUT_S
        while len(done) < PROCESSES and time.monotonic() < deadline:
            started = time.perf_counter()
            trainer.on_refresh()
            durations.append(time.perf_counter() - started)
            assert trainer.error.value == "", trainer.error.value  # @guarded puts a failure here
            match = COUNTS.search(trainer.counts.value)
            assert match, trainer.counts.value
            answered = sum(a.answered for a in sessions.attempts(code))
            seen.append((int(match.group(1)), int(match.group(2)), answered))
            while True:
                try:
                    done.append(results.get_nowait())
                except queue.Empty:
                    break
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    assert len(done) == PROCESSES, f"{len(done)} of {PROCESSES} participants finished"
    assert [e for _i, e in done if e] == []
    trainer.on_refresh()
    assert trainer.error.value == ""
    final = COUNTS.search(trainer.counts.value)
    seen.append((int(final.group(1)), int(final.group(2)), sum(a.answered for a in sessions.attempts(code))))

    assert seen[-1] == (PROCESSES, PROCESSES, PROCESSES * QUESTIONS)
    # Counts only grow, refresh after refresh.
    for before, after in zip(seen, seen[1:]):
        assert all(a >= b for a, b in zip(after, before)), (before, after)
    # The refreshes really ran while answers were arriving, and none of them stalled.
    during = [s for s in seen if 0 < s[2] < PROCESSES * QUESTIONS]
    assert len(during) >= 3, seen
    assert max(durations) < REFRESH_MAX_S, max(durations)
    assert "Đã nộp bài: <b>60</b>" in trainer.counts.value
    store.engine.dispose()
