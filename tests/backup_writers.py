"""A participant answering through the real Store API in a process of its own, as each Voila kernel does.

Lives outside the test file because spawned processes import their target by module name, and pytest
imports test files under names a child process cannot import (--import-mode=importlib).
"""

from __future__ import annotations

import traceback

QUESTIONS = 5


def answer_until_stopped(url: str, writer: int, acks, stop) -> None:
    """Create attempts and answer them until `stop` is set; put (writer, attempt_id, position, question_id) on
    `acks` for every answer after save_response returned (the answer is committed), then ("done", writer)."""
    store = None
    try:
        from toolkit.storage.store import Store

        store = Store(url)
        who = store.participant(f"Học viên số {writer}", "quan_ba_dinh")
        items = [{"q": f"cau-{k}", "o": [0, 1], "r": [0]} for k in range(QUESTIONS)]
        while not stop.is_set():
            attempt = store.create_attempt(who.id, "Phần II", "practice", items, seed=writer)
            for position in range(QUESTIONS):
                if store.save_response(attempt.id, position, f"cau-{position}", [position % 2], 1.0, 1.0):
                    acks.put((writer, attempt.id, position, f"cau-{position}"))
        acks.put(("done", writer))
    except BaseException:
        acks.put(("error", writer, traceback.format_exc()))
        raise
    finally:
        if store is not None:
            store.engine.dispose()
