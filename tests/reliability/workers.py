"""What the spawned processes of the reliability tests run: kept apart from the tests so that each
of the 60 children imports only the store (about 37 MB), not pytest."""

from __future__ import annotations

import os
import threading

ANSWERS = 10
TIMEOUT_S = 150


def participant(var_dir: str, index: int, ready, results) -> None:
    """One kernel's worth of writes; runs in a spawned process (imports only the store)."""
    os.environ.pop("TOOLKIT_DATABASE_URL", None)
    os.environ["TOOLKIT_VAR_DIR"] = var_dir
    from toolkit.storage.store import Store

    try:
        store = Store()  # the default: $TOOLKIT_VAR_DIR/toolkit.sqlite3
        person = store.participant(f"Học viên {index:02d}", "so_tu_phap")
        items = [{"q": f"q{j}", "o": [0, 1, 2, 3], "r": []} for j in range(ANSWERS)]
        attempt = store.create_attempt(person.id, "all", "practice", items, seed=index)
        ready.wait(TIMEOUT_S)  # all 60 answer at the same moment
        outcomes = []
        for position in range(ANSWERS):
            saved = [None, None]
            both = threading.Barrier(2)

            def click(k, position=position, saved=saved, both=both):
                both.wait(10)
                saved[k] = store.save_response(attempt.id, position, f"q{position}", k, float(k == 0), 1.0)

            threads = [threading.Thread(target=click, args=(k,)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(TIMEOUT_S)
            outcomes.append(saved)
        store.engine.dispose()
        results.put((index, attempt.id, outcomes, None))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
        results.put((index, None, None, f"{type(exc).__name__}: {exc}"))


def open_new_database(url: str, ready, results) -> None:
    from toolkit.storage.store import Store

    ready.wait(TIMEOUT_S)
    try:
        Store(url).engine.dispose()
        results.put(None)
    except Exception as exc:  # noqa: BLE001
        results.put(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")


def session_participant(url: str, code: str, question_ids: list[str], index: int, ready, results) -> None:
    """A workshop participant's kernel: joins the session and answers its 10 questions over a few seconds.

    Writes what the participant page writes (participant, attempt with the session code, one response
    per question) at the store level, so each process needs only the store, not the plan.
    """
    import random
    import time

    from toolkit.storage.store import Store

    rng = random.Random(index)
    try:
        store = Store(url)
        ready.wait(TIMEOUT_S)
        person = store.participant(f"Học viên phiên {index:02d}", "so_tu_phap")
        items = [{"q": qid, "o": [0, 1, 2, 3], "r": []} for qid in question_ids]
        attempt = store.create_attempt(person.id, "all", "practice", items, seed=index, session_code=code)
        for position, qid in enumerate(question_ids):
            time.sleep(rng.uniform(0.1, 0.6))  # reading the question
            right = rng.random() < 0.6
            assert store.save_response(attempt.id, position, qid, 0 if right else 1, float(right), 1.0)
        store.finish_attempt(attempt.id)
        store.engine.dispose()
        results.put((index, None))
    except Exception as exc:  # noqa: BLE001
        results.put((index, f"{type(exc).__name__}: {exc}"))
