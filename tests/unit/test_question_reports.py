"""Are reported questions stored once per person and question, on SQLite and PostgreSQL, even when two
pages click at once, and read back as frozen records with their count and latest notes?"""

from __future__ import annotations

import dataclasses
import multiprocessing
import queue
import threading
import time

import pytest
import sqlalchemy as sa

from toolkit.storage import migrations
from toolkit.storage.records import MAX_NOTE, InputError, QuestionReports, ReportNote, clean_note, now
from toolkit.storage.schema import question_reports
from toolkit.storage.store import Store


def rows(store: Store) -> list:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(question_reports).order_by(question_reports.c.id)).all()


def test_is_a_report_stored_with_the_question_the_person_and_the_attempt(store):
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    attempt = store.create_attempt(person.id, "all", "practice", [{"q": "docs-kl80-co-quan", "o": [0, 1], "r": []}], 1)
    assert store.report_question(person.id, "docs-kl80-co-quan", "Đáp án sai", attempt_id=attempt.id) is True
    (row,) = rows(store)
    assert (row.question_id, row.participant_id, row.attempt_id, row.note) == \
        ("docs-kl80-co-quan", person.id, attempt.id, "Đáp án sai")
    assert row.created_at is not None and row.updated_at is not None


def test_does_reporting_again_update_the_note_instead_of_adding_a_row(store):
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    assert store.report_question(person.id, "q1", "lần đầu") is True
    assert store.report_question(person.id, "q1", "đã sửa ghi chú") is False
    (row,) = rows(store)
    assert row.note == "đã sửa ghi chú" and row.updated_at >= row.created_at
    assert store.report_question(person.id, "q1") is False  # the note is optional: reporting again clears it
    assert rows(store)[0].note == ""


def test_is_one_report_per_person_and_question_a_database_constraint(store):
    """Not only a check in one kernel: the table itself refuses a second row."""
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    store.report_question(person.id, "q1", "")
    stamp = rows(store)[0].created_at
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(question_reports.insert().values(question_id="q1", participant_id=person.id, note="",
                                                          created_at=stamp, updated_at=stamp))


def test_is_the_second_of_two_simultaneous_reports_an_update_not_a_duplicate(store):
    """Another page of the same person has inserted, not yet committed, when this one reports.

    On PostgreSQL this one's insert waits on the unique index and then fails, so the store updates the
    row instead; on SQLite it waits for the other writer and finds the row to update. One row either way.
    """
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    other = sa.create_engine(store.url)
    if other.dialect.name == "sqlite":
        other = Store(store.url).engine  # with the store's busy timeout, as another kernel has
    conn = other.connect()
    tx = conn.begin()
    stamp = now()
    conn.execute(question_reports.insert().values(question_id="q1", participant_id=person.id, note="trang kia",
                                                  created_at=stamp, updated_at=stamp))
    outcome = {}
    second = threading.Thread(target=lambda: outcome.update(new=store.report_question(person.id, "q1", "trang này")))
    second.start()
    time.sleep(0.5)
    assert second.is_alive()  # waiting for the other page's transaction, not failing
    tx.commit()
    conn.close()
    second.join(30)
    other.dispose()
    assert outcome == {"new": False}
    assert [(r.question_id, r.note) for r in rows(store)] == [("q1", "trang này")]


def _report_many(url: str, pid: int, index: int, ready, results) -> None:
    """One kernel reporting the same question again and again (runs in a forked process)."""
    try:
        store = Store(url)
        ready.wait(60)
        created = sum(store.report_question(pid, "q-hot", f"trang {index}, lần {i}") for i in range(15))
        store.engine.dispose()
        results.put((created, None))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
        results.put((0, f"{type(exc).__name__}: {exc}"))


def test_do_two_kernels_reporting_at_once_make_exactly_one_row(store):
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    store.engine.dispose()  # nothing of the parent's connections is shared with the children
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_report_many, args=(store.url, person.id, k, ready, results)) for k in (0, 1)]
    for p in procs:
        p.start()
    got = []
    try:
        for _ in procs:
            got.append(results.get(timeout=90))
    except queue.Empty:
        pytest.fail(f"only {len(got)} of the 2 kernels reported back")
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    assert [e for _n, e in got if e] == []
    assert sum(n for n, _e in got) == 1  # one of all 30 reports created the row; every other one updated it
    (row,) = rows(store)
    assert row.note.startswith("trang ") and row.note.endswith("lần 14")


def test_are_reports_read_back_as_frozen_records_most_reported_first(store):
    a, b, c = (store.participant(n, "quan_ba_dinh") for n in ("Đỗ Thu Hà", "Lê Văn Bình", "Trần Mai"))
    store.report_question(a.id, "q-once", "")
    for person, note in ((a, "Sai cơ quan chủ trì"), (b, ""), (c, "Thời hạn là năm 2022")):
        store.report_question(person.id, "q-thrice", note)
    reports = store.question_reports()
    assert [(r.question_id, r.count) for r in reports] == [("q-thrice", 3), ("q-once", 1)]
    first = reports[0]
    assert isinstance(first, QuestionReports) and all(isinstance(n, ReportNote) for n in first.notes)
    assert [(n.note, n.name) for n in first.notes] == [("Thời hạn là năm 2022", "Trần Mai"),
                                                      ("Sai cơ quan chủ trì", "Đỗ Thu Hà")]  # newest first
    assert reports[1].notes == ()  # counted, but no note to show
    assert first.latest_at.tzinfo is not None and first.notes[0].at.tzinfo is not None  # UTC, aware
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.count = 0
    assert len(store.question_reports(notes_per_question=1)[0].notes) == 1


def test_is_a_note_stored_as_nfc_single_spaced_and_short(store):
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    decomposed = "Đa\u0301p a\u0301n   sai\n"  # "Đáp án sai" typed with combining accents, then a newline
    store.report_question(person.id, "q1", decomposed)
    assert rows(store)[0].note == "Đáp án sai"
    for bad, words in (("x" * (MAX_NOTE + 1), "quá dài"), ("sai\x00", "ký tự điều khiển"),
                       ("sai\u202e", "ký tự điều khiển")):
        with pytest.raises(InputError, match=words):
            store.report_question(person.id, "q1", bad)
    assert rows(store)[0].note == "Đáp án sai"  # a refused note changes nothing
    assert clean_note("x" * MAX_NOTE) == "x" * MAX_NOTE
    with pytest.raises(InputError, match="Mã câu hỏi"):
        store.report_question(person.id, "  ", "")


def test_is_a_report_by_no_known_participant_refused(store):
    with pytest.raises(sa.exc.IntegrityError):
        store.report_question(4040, "q1", "")
    assert rows(store) == []


def test_does_upgrading_from_0002_add_the_table_and_keep_the_data(database_url):
    engine = sa.create_engine(database_url)
    migrations.upgrade(engine, "0002")
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("question_reports")
        conn.execute(sa.text("INSERT INTO participants (name, name_key, unit_key, created_at) "
                             "VALUES ('Đỗ Thu Hà', 'do thu ha', 'quan_ba_dinh', CURRENT_TIMESTAMP)"))
    engine.dispose()
    store = Store(database_url)  # opening the store upgrades
    assert migrations.current_revision(store.engine) == migrations.HEAD
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    assert person.id == 1 and store.report_question(person.id, "q1", "ghi chú") is True
    migrations_down(store.engine)
    with store.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("question_reports") and sa.inspect(conn).has_table("participants")
    store.engine.dispose()


def migrations_down(engine: sa.Engine) -> None:
    """0003's downgrade undoes it (Alembic's own command, on the toolkit's configuration)."""
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0002")
