"""Do backups taken while participants answer keep every answer, and does restore refuse what it should?"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import sqlite3
import stat
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from backup_writers import answer_until_stopped

from toolkit.cli import main
from toolkit.storage import backup as bk
from toolkit.storage import migrations
from toolkit.storage.store import Store

WRITERS = 10
# Not a measured time: how long to wait for a writer's next answer before calling the run stuck.
STUCK_S = 120


@pytest.fixture
def var(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "var"
    folder.mkdir()
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(folder))
    monkeypatch.delenv("TOOLKIT_DATABASE_URL", raising=False)
    return folder


@pytest.fixture
def url(var) -> str:
    return f"sqlite:///{var / 'toolkit.sqlite3'}"


@pytest.fixture
def open_umask():
    """Umask 0: a file made with default permissions would be world-readable, so only explicit modes pass."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def names(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM participants")}


def answer_keys(path: Path) -> set[tuple[int, int, str]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return set(conn.execute("SELECT attempt_id, position, question_id FROM responses"))


def assert_consistent(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute("SELECT count(*) FROM responses r LEFT JOIN attempts a ON a.id = r.attempt_id "
                               "WHERE a.id IS NULL").fetchone()[0]
        assert orphans == 0


def with_people(url: str, *people: str) -> None:
    store = Store(url)
    for name in people:
        store.participant(name, "quan_ba_dinh")
    store.engine.dispose()


class Room:
    """Writer processes answering through the Store, and the answers they acknowledged, as received."""

    def __init__(self, url: str, n: int):
        ctx = multiprocessing.get_context("spawn")  # fresh interpreters, as Voila's kernels are
        self.acks, self.stop = ctx.Queue(), ctx.Event()
        self.procs = [ctx.Process(target=answer_until_stopped, args=(url, i, self.acks, self.stop), daemon=True)
                      for i in range(n)]
        self.acked: list[tuple] = []
        self.finished: set[int] = set()

    def receive(self, block: bool = True):
        item = self.acks.get(timeout=STUCK_S) if block else self.acks.get_nowait()
        if item[0] in ("done", "error"):
            self.finished.add(item[1])
            if item[0] == "error":
                raise AssertionError(f"writer {item[1]} failed:\n{item[2]}")
            return None
        self.acked.append(item)
        return item

    def receive_waiting(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self.receive(block=False)

    def __enter__(self):
        for p in self.procs:
            p.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        # A process cannot exit while answers it put on the queue are unread: read to every "done".
        with contextlib.suppress(AssertionError):
            while len(self.finished) < len(self.procs):
                self.receive()
        for p in self.procs:
            p.join()


def test_does_a_backup_taken_while_ten_processes_answer_keep_every_acknowledged_answer(var, url, tmp_path):
    with_people(url)  # the schema exists before the room arrives, as after `toolkit serve` has run once
    copy = tmp_path / "sao-luu.sqlite3"
    with Room(url, WRITERS) as room:
        while len(per := Counter(a[0] for a in room.acked)) < WRITERS or min(per.values()) < 3:
            room.receive()
        room.receive_waiting()
        acknowledged = list(room.acked)  # every one of these was committed before the backup starts
        info = bk.backup(url, copy)
        in_copy = answer_keys(copy)
        # The writers went on answering after the copy was taken: each has an answer the copy lacks.
        after = set()
        while len(after) < WRITERS:
            item = room.receive()
            if item and item[1:] not in in_copy:
                after.add(item[0])
    assert [p.exitcode for p in room.procs] == [0] * WRITERS

    assert {a[1:] for a in acknowledged} <= in_copy
    assert {a[0] for a in acknowledged} == set(range(WRITERS))
    assert info.responses == len(in_copy) and info.participants == WRITERS
    assert_consistent(copy)

    done = bk.restore(copy, url)
    live = var / "toolkit.sqlite3"
    assert answer_keys(live) == in_copy  # the copy as it was, not mixed with what came later
    assert_consistent(live)
    store = Store(url)  # and through the store, as the pages read it
    answered = {(aid, r.position, r.question_id) for aid in {a[1] for a in acknowledged}
                for r in store.responses(aid)}
    assert {a[1:] for a in acknowledged} <= answered
    store.engine.dispose()
    # What was answered after the backup is not lost either: it is in the backup restore made first.
    assert {a[1:] for a in room.acked} <= answer_keys(done.previous)


def test_does_restore_put_the_backup_back_and_keep_the_previous_database(var, url):
    with_people(url, "Đỗ Thu Hà")
    taken = bk.backup(url)
    with_people(url, "Trần Văn Nam")
    done = bk.restore(taken.path, url)
    assert names(var / "toolkit.sqlite3") == {"Đỗ Thu Hà"}
    assert names(done.previous) == {"Đỗ Thu Hà", "Trần Văn Nam"}
    assert done.previous.parent == var / "backups" and done.previous.name.startswith("toolkit-truoc-khoi-phuc-")
    assert done.info.participants == 1 and done.revision_found == migrations.HEAD
    assert sorted(p.name for p in var.iterdir() if p.name.endswith(".tmp")) == []  # no temporary file left


def test_is_a_backup_of_an_older_schema_migrated_when_restored(var, url, tmp_path):
    old = tmp_path / "cu.sqlite3"
    engine = sa.create_engine(f"sqlite:///{old}")
    migrations.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO participants (name, name_key, unit_key, created_at) "
                             "VALUES ('Đỗ Thu Hà', 'do thu ha', 'quan_ba_dinh', CURRENT_TIMESTAMP)"))
    engine.dispose()
    with_people(url, "Trần Văn Nam")
    done = bk.restore(old, url)
    assert done.revision_found == "0001" and done.info.revision == migrations.HEAD
    store = Store(url)
    assert migrations.current_revision(store.engine) == migrations.HEAD
    assert store.participant_by_id(1).name == "Đỗ Thu Hà"
    store.engine.dispose()


def test_does_restore_onto_a_machine_without_a_database_need_no_previous_backup(var, url, tmp_path, open_umask):
    with_people(url, "Đỗ Thu Hà")
    taken = bk.backup(url, tmp_path / "mang-sang-may-moi.sqlite3")
    for p in var.glob("toolkit.sqlite3*"):
        p.unlink()
    done = bk.restore(taken.path, url)
    assert done.previous is None
    assert names(var / "toolkit.sqlite3") == {"Đỗ Thu Hà"} and mode(var / "toolkit.sqlite3") == 0o600


def _truncated(tmp_path, url):
    with_people(url, *(f"Học viên {i}" for i in range(300)))
    whole = bk.backup(url, tmp_path / "day-du.sqlite3").path.read_bytes()
    path = tmp_path / "bi-cat.sqlite3"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _other_app(tmp_path, url):
    path = tmp_path / "anh-gia-dinh.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, file TEXT)")
        conn.commit()
    return path


def _newer(tmp_path, url):
    path = bk.backup(url, tmp_path / "ban-moi-hon.sqlite3").path
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    return path


def _text(tmp_path, url):
    path = tmp_path / "ghi-chu.sqlite3"
    path.write_text("Danh sách học viên lớp tập huấn\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("make", "says"), [
    (_text, "không phải tệp cơ sở dữ liệu SQLite"),
    (_truncated, "bị cắt cụt"),
    (_other_app, "không phải của bộ công cụ PBGDPL"),
    (_newer, "phiên bản lược đồ 9999"),
    (lambda tmp_path, url: tmp_path / "khong-co.sqlite3", "Không có tệp"),
])
def test_does_restore_refuse_a_file_it_cannot_trust_naming_it_and_change_nothing(var, url, tmp_path, make, says):
    with_people(url, "Đỗ Thu Hà")
    bad = make(tmp_path, url)
    with_people(url, "Trần Văn Nam")
    before = sorted(p.name for p in var.iterdir())
    with pytest.raises(bk.BackupError) as refused:
        bk.restore(bad, url)
    assert says in str(refused.value) and str(bad) in str(refused.value)
    assert {"Đỗ Thu Hà", "Trần Văn Nam"} <= names(var / "toolkit.sqlite3")
    assert sorted(p.name for p in var.iterdir()) == before  # no temporary copy, no backup left behind


def test_is_restore_refused_while_a_page_has_the_database_open_and_safe_when_forced(var, url):
    with_people(url, "Đỗ Thu Hà")
    taken = bk.backup(url)
    page = Store(url)  # an open page: its kernel keeps a connection to the database
    page.participant("Trần Văn Nam", "quan_ba_dinh")
    with pytest.raises(bk.BackupError, match="đang được dùng") as refused:
        bk.restore(taken.path, url)
    assert str(var / "toolkit.sqlite3") in str(refused.value)
    assert page.participant_by_id(2).name == "Trần Văn Nam"  # nothing changed
    bk.restore(taken.path, url, force=True)
    # The open page reads the restored database through its existing connection, not a broken one.
    with page.engine.connect() as conn:
        assert [r.name for r in conn.execute(sa.text("SELECT name FROM participants"))] == ["Đỗ Thu Hà"]
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    page.engine.dispose()


def test_are_backups_and_their_folder_owner_only(var, url, tmp_path, open_umask):
    with_people(url, "Đỗ Thu Hà")
    taken = bk.backup(url)
    assert taken.path.parent == var / "backups"
    assert mode(taken.path) == 0o600 and mode(var / "backups") == 0o700
    chosen = bk.backup(url, tmp_path / "cho-usb.sqlite3")
    assert mode(chosen.path) == 0o600
    done = bk.restore(chosen.path, url)
    assert mode(done.previous) == 0o600 and mode(var / "toolkit.sqlite3") == 0o600


def test_is_an_open_backup_folder_narrowed_with_a_log_line(var, url, caplog):
    with_people(url, "Đỗ Thu Hà")
    (var / "backups").mkdir(mode=0o755)
    os.chmod(var / "backups", 0o755)
    with caplog.at_level(logging.WARNING, logger="toolkit.storage.private"):
        bk.backup(url)
    assert mode(var / "backups") == 0o700
    assert any(str(var / "backups") in r.getMessage() and "0755" in r.getMessage() for r in caplog.records)


def test_is_a_second_backup_in_the_same_second_kept_beside_the_first(var, url, monkeypatch):
    with_people(url, "Đỗ Thu Hà")
    monkeypatch.setattr(bk, "backup_name", lambda at=None, kind="": "toolkit-20260315-143005.sqlite3")
    first, second = bk.backup(url).path, bk.backup(url).path
    assert (first.name, second.name) == ("toolkit-20260315-143005.sqlite3", "toolkit-20260315-143005-2.sqlite3")


def test_is_the_database_created_owner_only_with_its_wal_and_shm(var, url, open_umask):
    store = Store(url)
    store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    with store.engine.connect():  # while a connection is open the -wal and -shm files exist
        found = {p.name: mode(p) for p in var.glob("toolkit.sqlite3*") if not p.name.endswith("migrate-lock")}
    store.engine.dispose()
    assert found == {"toolkit.sqlite3": 0o600, "toolkit.sqlite3-wal": 0o600, "toolkit.sqlite3-shm": 0o600}


def test_is_a_database_others_can_read_narrowed_on_open_with_a_log_line(var, url, caplog):
    path = var / "toolkit.sqlite3"
    sqlite3.connect(path).close()
    path.touch()
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger="toolkit.storage.private"):
        Store(url).engine.dispose()
    assert mode(path) == 0o600
    assert any(str(path) in r.getMessage() and "0644" in r.getMessage() for r in caplog.records)


def test_do_backup_and_restore_commands_report_what_they_did(var, url, tmp_path, capsys):
    with_people(url, "Đỗ Thu Hà")
    target = tmp_path / "ban-sao.sqlite3"
    assert main(["backup", "--database", url, "--output", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Đã sao lưu vào {target}: 1 người tham gia" in out
    assert main(["restore", str(target)]) == 0  # the default database: var/toolkit.sqlite3
    out = capsys.readouterr().out
    assert "Đã sao lưu cơ sở dữ liệu trước khi khôi phục vào " + str(var / "backups") in out
    assert f"Đã khôi phục {target} vào {var / 'toolkit.sqlite3'}" in out


def test_does_the_restore_command_refuse_a_bad_file_by_name(var, url, tmp_path, capsys):
    with_people(url, "Đỗ Thu Hà")
    bad = _text(tmp_path, url)
    assert main(["restore", str(bad), "--database", url]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: không phải tệp cơ sở dữ liệu SQLite" in err and "Chưa khôi phục gì" in err


def test_on_postgresql_do_both_commands_say_how_to_use_pg_dump_without_the_password(var, monkeypatch, capsys):
    def no_shell(*args, **kwargs):
        raise AssertionError("the command must not run pg_dump itself")

    monkeypatch.setattr(subprocess, "Popen", no_shell)
    fake = "postgresql+psycopg://toolkit:bi-mat-123@db.so-tu-phap.local:5432/pbgdpl"
    shown = "postgresql://toolkit@db.so-tu-phap.local:5432/pbgdpl"
    assert main(["backup", "--database", fake]) == 2
    err = capsys.readouterr().err
    assert "pg_dump --format=custom" in err and f'"{shown}"' in err and "bi-mat-123" not in err
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", fake)
    assert main(["restore", "toolkit-20260315.dump"]) == 2
    err = capsys.readouterr().err
    assert f'pg_restore --clean --if-exists --no-owner --dbname="{shown}"' in err and "bi-mat-123" not in err


def test_is_a_backup_onto_the_live_database_refused(var, url):
    """`--output` naming the database itself (or its -wal) would rename a copy over the file pages write to."""
    Store(url).participant("Nguyễn Văn An", "phuong_hoan_kiem")
    live = bk.sqlite_file(url)
    before = live.read_bytes()
    for target in (live, live.with_name(live.name + "-wal")):
        with pytest.raises(bk.BackupError) as refused:
            bk.backup(url, target)
        assert "chính cơ sở dữ liệu đang dùng" in str(refused.value)
    assert live.read_bytes() == before
