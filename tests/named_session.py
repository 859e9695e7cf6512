"""A workshop session full of names, for the tests of pseudonymised exports (unit, UI and CLI).

Imported as `named_session` (pyproject puts tests/ on the test path). Four people join in a known
order, each from another unit; the last to join scores best, so the ranking is not the join order.
Names turn up where people type: the title names one participant, and two typed answers name
others (one without diacritics, one after a formula-like start).
"""

from __future__ import annotations

from helpers import shown_key, shown_wrong

from toolkit.storage.sessions import SessionStore
from toolkit.vietnamese import fold

# (name, unit) in the order they join.
PEOPLE = (("Nguyễn Thị Lan", "quan_ba_dinh"), ("Đỗ Văn Khoa", "so_tu_phap"),
          ("Trịnh Thu Hằng", "khac"), ("Vũ Đức Thắng", "quan_cau_giay"))
NAMES = tuple(n for n, _ in PEOPLE)
TITLE = "Lớp bồi dưỡng của Nguyễn Thị Lan"
TYPED = ("Sở Tư pháp", '=HYPERLINK("http://x.example") nguyen thi  LAN', "hỏi anh VŨ ĐỨC THẮNG", "không nhớ")
RIGHT = (1, 0, 1, 2)  # lead questions answered right by each, in join order


def make_session(store, plan, bank):
    """The session's record: a text question and two "who leads" questions, answered by PEOPLE."""
    text_q = next(q.id for q in bank.values() if q.type == "text")
    leads = [q.id for q in bank.values() if q.template == "lead"][:2]
    session = SessionStore(store).create(TITLE, "all", "practice", [text_q, *leads], None, True, False)
    from toolkit.quiz.workshop import join_session

    for (name, unit), typed, right in zip(PEOPLE, TYPED, RIGHT):
        run = join_session(store, plan, bank, session.code, store.participant(name, unit))
        done = 0
        for pos, q in enumerate(run.questions):
            if q.type == "text":
                run.answer(pos, typed)
            else:
                run.answer(pos, shown_key(run, pos) if done < right else shown_wrong(run, pos))
                done += 1
        run.finish()
    return session


def names_in(texts) -> list[tuple[str, str]]:
    """(name, text) for every text that holds one of NAMES, with or without diacritics, in any case."""
    folded = [(t, fold(str(t))) for t in texts if t is not None]
    return [(n, t) for n in NAMES for t, f in folded if fold(n) in f]
