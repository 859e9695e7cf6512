"""Backups of the SQLite store, taken while the server runs, and restoring one after checking it.

A backup is SQLite's online backup API (sqlite3.Connection.backup) copying the whole database in one
step: one read transaction, so the copy is the database as it was at one moment, and in WAL mode the
kernels writing answers meanwhile are not blocked. The copy is written to an owner-only temporary file
beside its target and renamed into place, so a backup file is never half-written.

Restoring checks the file (an SQLite database, `PRAGMA integrity_check` ok, the toolkit's tables and a
schema revision this code knows), copies it to a temporary file beside the database and migrates that
copy to the current schema, backs up the current database, and then loads the checked copy into the
database with the backup API again. That load is one SQLite write transaction: every reader, in any
process, sees the old database or the restored one, and a crash halfway leaves the old one (SQLite's
journal rolls it back). Renaming the copy over the database file instead would be atomic for the
directory but not for SQLite: kernels that have the file open keep writing to the old, unlinked file
(those answers are lost), and the old -wal file beside the new database would be replayed into it.
Renaming is used only when there is no usable database to load into.

PostgreSQL has its own tools (pg_dump, pg_restore); for it both commands only say how to use them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from toolkit.paths import var_dir
from toolkit.storage.private import SQLITE_SIDE_FILES, private_database, private_dir, private_temp
from toolkit.vietnamese import VIETNAM

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
CORE_TABLES = ("participants", "attempts", "responses")  # in every schema revision since 0001
BUSY_MS = 15_000  # as the store's busy timeout: wait for a kernel's short write, do not fail on it


class BackupError(Exception):
    """A backup or restore refused; the message is Vietnamese and names the file."""


class ServerDatabase(BackupError):
    """The database is a server (PostgreSQL): the message says how to back it up with its own tools."""


@dataclass(frozen=True)
class BackupInfo:
    """A checked database file and what it holds."""

    path: Path
    revision: str
    participants: int
    attempts: int
    responses: int


@dataclass(frozen=True)
class Restored:
    database: Path
    previous: Path | None  # the backup of the database as it was before, if there was one
    revision_found: str  # the backup's schema revision before it was brought to the current one
    info: BackupInfo


def backup_dir() -> Path:
    return var_dir() / "backups"


def backup_name(at: datetime | None = None, kind: str = "") -> str:
    """A backup's file name, stamped in Vietnam time (UTC+7) so it matches the clock on the wall.

    >>> backup_name(datetime(2026, 3, 15, 7, 30, 5, tzinfo=timezone.utc))
    'toolkit-20260315-143005.sqlite3'
    >>> backup_name(datetime(2026, 3, 15, 7, 30, 5, tzinfo=timezone.utc), "truoc-khoi-phuc")
    'toolkit-truoc-khoi-phuc-20260315-143005.sqlite3'
    """
    at = (at or datetime.now(timezone.utc)).astimezone(VIETNAM)
    return f"toolkit-{kind + '-' if kind else ''}{at:%Y%m%d-%H%M%S}.sqlite3"


def sqlite_file(url: str) -> Path:
    """The SQLite file behind a database URL; ServerDatabase for PostgreSQL, BackupError for the rest."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise ServerDatabase(postgres_instructions(url))
    if backend != "sqlite":
        raise BackupError(f"Cơ sở dữ liệu {backend} không sao lưu được bằng lệnh này (chỉ SQLite): "
                          "hãy dùng công cụ sao lưu của hệ quản trị cơ sở dữ liệu đó.")
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không có tệp để sao lưu.")
    return Path(parsed.database)


def postgres_instructions(url: str, at: datetime | None = None) -> str:
    """How to back up and restore this PostgreSQL database with its own tools (the password left out)."""
    import sqlalchemy as sa

    # pg_dump and pg_restore take a libpq URL: no "+psycopg" driver; the password stays out of the
    # screen and the shell history (they ask for it, or read PGPASSWORD / ~/.pgpass).
    given = sa.engine.make_url(url)
    target = sa.engine.URL.create("postgresql", username=given.username, host=given.host, port=given.port,
                                  database=given.database, query=given.query).render_as_string(hide_password=False)
    dump = f"toolkit-{(at or datetime.now(timezone.utc)).astimezone(VIETNAM):%Y%m%d}.dump"
    return (f"Cơ sở dữ liệu là PostgreSQL ({target}): `toolkit backup` và `toolkit restore` chỉ làm việc với tệp "
            "SQLite. Với PostgreSQL, hãy dùng công cụ của PostgreSQL:\n"
            f"  Sao lưu (kể cả khi máy chủ đang chạy, pg_dump chụp một bản nhất quán):\n"
            f"    (umask 077; pg_dump --format=custom --file={dump} \"{target}\")\n"
            f"  Khôi phục (nên dừng `toolkit serve` trước):\n"
            f"    pg_restore --clean --if-exists --no-owner --dbname=\"{target}\" {dump}\n"
            "Mật khẩu không in ra đây: pg_dump và pg_restore sẽ hỏi, hoặc đọc từ biến môi trường PGPASSWORD hay "
            "tệp ~/.pgpass. `umask 077` để tệp sao lưu chỉ người tạo đọc được, vì nó chứa họ tên và câu trả lời "
            "của cán bộ.")


def backup(url: str | None = None, output: Path | str | None = None, kind: str = "") -> BackupInfo:
    """Copy the database to `output` (default var/backups/toolkit-<time>.sqlite3), owner-only.

    Safe while the server runs. The copy is one self-contained file (not in WAL mode), so it can be
    read from a read-only USB stick.
    """
    from toolkit.storage.store import database_url

    live = sqlite_file(url or database_url())
    if not _has_content(live):
        raise BackupError(f"Chưa có cơ sở dữ liệu {live}: chưa có gì để sao lưu.")
    if output is None:
        target = _free_name(private_dir(backup_dir()), backup_name(kind=kind))
    else:
        target = Path(output)
        if not target.parent.is_dir():
            raise BackupError(f"Không có thư mục {target.parent} để ghi {target}.")
        # Renaming a copy over the live file (or its -wal, -shm) is what restore avoids: open pages would go on
        # writing to the unlinked file.
        side = {live.resolve()} | {live.with_name(live.name + s).resolve() for s in ("-wal", "-shm", "-journal")}
        if target.resolve() in side:
            raise BackupError(f"{target} là chính cơ sở dữ liệu đang dùng (hoặc tệp đi kèm): hãy chọn tệp khác.")
    tmp = private_temp(target.parent, target.name)
    try:
        with _closing(_open_readonly(live)) as src, _closing(sqlite3.connect(tmp)) as dst:
            _copy(src, dst, live)
            dst.execute("PRAGMA journal_mode=DELETE")  # the source's WAL flag came with its pages
            info = _summary(dst, target)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
    finally:
        _remove(tmp)
    return info


def check_backup(path: Path | str) -> str:
    """Check a file before it is restored; its schema revision, or BackupError naming the file."""
    from toolkit.storage import migrations

    path = Path(path)
    _check_header(path)
    try:
        with _closing(_open_readonly(path)) as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise BackupError(f"{path}: cơ sở dữ liệu bị hỏng (PRAGMA integrity_check: {problems[0]}).")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in ("alembic_version", *CORE_TABLES) if t not in tables]
            if missing:
                raise BackupError(f"{path}: là cơ sở dữ liệu SQLite nhưng không phải của bộ công cụ PBGDPL "
                                  f"(không có bảng {', '.join(missing)}).")
            found = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: không đọc được như cơ sở dữ liệu SQLite ({exc}).") from exc
    if len(found) != 1:
        raise BackupError(f"{path}: bảng alembic_version phải có đúng một phiên bản lược đồ, tệp có {len(found)}.")
    if found[0] not in migrations.REVISIONS:
        raise BackupError(f"{path}: phiên bản lược đồ {found[0]} phần mềm này không biết (chỉ biết "
                          f"{', '.join(migrations.REVISIONS)}); có thể tệp do phiên bản mới hơn tạo ra: hãy cập "
                          "nhật phần mềm rồi khôi phục.")
    return found[0]


def restore(source: Path | str, url: str | None = None, force: bool = False) -> Restored:
    """Put a checked backup in place of the database, keeping a backup of the database as it was.

    Refused (BackupError) while other connections have the database open, that is while `toolkit
    serve` has pages open, unless `force`: the restore itself is safe for them (they see the old
    database or the new one), but a page in the middle of a quiz then refers to an attempt the
    restored copy may not have.
    """
    from toolkit.storage.store import database_url

    url = url or database_url()
    live = sqlite_file(url)
    source = Path(source)
    found = check_backup(source)
    if not live.parent.is_dir():
        raise BackupError(f"Không có thư mục {live.parent} để khôi phục {live}.")
    if live.exists():
        private_database(live)  # a database others could read is narrowed before it is restored into
    tmp = private_temp(live.parent, live.name)
    try:
        with _closing(_open_readonly(source)) as src, _closing(sqlite3.connect(tmp)) as dst:
            _copy(src, dst, source)
            dst.execute("PRAGMA journal_mode=DELETE")
        _migrate(tmp, source)
        with _closing(_open_readonly(tmp)) as conn:
            info = _summary(conn, live)
        if _is_database(live):
            previous = _load_into(tmp, live, url, force)
        else:  # no database (a new laptop), or a file SQLite cannot read: nobody can be using it
            previous = _keep_unreadable(live)
            for side in SQLITE_SIDE_FILES:  # never let a stale -wal be replayed into the restored file
                _remove(live.with_name(live.name + side))
            _fsync(tmp)
            os.replace(tmp, live)
            _fsync(live.parent)
    finally:
        _remove(tmp)
    return Restored(live, previous, found, info)


# ---------------------------------------------------------------- steps


def _load_into(tmp: Path, live: Path, url: str, force: bool) -> Path:
    with _closing(sqlite3.connect(live, timeout=0, isolation_level=None)) as dest:
        if not force and _in_use(dest):
            raise BackupError(f"Cơ sở dữ liệu {live} đang được dùng (máy chủ `toolkit serve` có vẻ đang chạy, có "
                              "trang đang mở): hãy dừng máy chủ rồi khôi phục lại. Nếu vẫn muốn khôi phục ngay, "
                              "thêm --force: các trang đang mở sẽ thấy dữ liệu đã khôi phục, bài đang làm dở có "
                              "thể không còn.")
        previous = backup(url, kind="truoc-khoi-phuc").path
        dest.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        page_size = dest.execute("PRAGMA page_size").fetchone()[0]
        with _closing(sqlite3.connect(tmp, isolation_level=None)) as src:
            # A WAL database cannot take pages of another size from the backup API.
            if src.execute("PRAGMA page_size").fetchone()[0] != page_size:
                src.execute(f"PRAGMA page_size={int(page_size)}")
                src.execute("VACUUM")
            _copy(src, dest, live)
        with contextlib.suppress(sqlite3.OperationalError):  # a kernel that connects meanwhile does it too
            dest.execute("PRAGMA journal_mode=WAL")
    return previous


def _in_use(dest: sqlite3.Connection) -> bool:
    """Whether another connection (any process) has this WAL database open.

    In WAL mode every open connection holds a shared lock on the file, so leaving WAL mode, which needs
    the file alone, fails at once (no busy wait: timeout 0) while one is open. When it succeeds the
    file is in rollback mode until the restore puts WAL mode back.
    """
    if dest.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return False
    try:
        return dest.execute("PRAGMA journal_mode=DELETE").fetchone()[0] != "delete"
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise


def _migrate(tmp: Path, source: Path) -> None:
    """Bring the copy to the current schema the usual way, before it replaces anything."""
    import sqlalchemy as sa

    from toolkit.storage import migrations
    from toolkit.storage.schema import metadata

    engine = sa.create_engine(f"sqlite:///{tmp}")
    try:
        migrations.upgrade(engine)
        with engine.connect() as conn:
            missing = sorted(set(metadata.tables) - set(sa.inspect(conn).get_table_names()))
    except Exception as exc:
        raise BackupError(f"{source}: không nâng cấp được lên lược đồ {migrations.HEAD} ({exc}).") from exc
    finally:
        engine.dispose()
        _remove(Path(f"{tmp}.migrate-lock"))
    if missing:
        raise BackupError(f"{source}: thiếu bảng {', '.join(missing)} của bộ công cụ PBGDPL.")


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            header = fh.read(HEADER_SIZE)
        size = path.stat().st_size
    except (FileNotFoundError, IsADirectoryError):
        raise BackupError(f"Không có tệp {path}.") from None
    except OSError as exc:
        raise BackupError(f"{path}: không đọc được ({exc.strerror}).") from exc
    if not header.startswith(SQLITE_MAGIC):
        raise BackupError(f"{path}: không phải tệp cơ sở dữ liệu SQLite (bản sao lưu của bộ công cụ là tệp "
                          "SQLite, do `toolkit backup` tạo ra).")
    if len(header) < HEADER_SIZE:
        raise BackupError(f"{path}: tệp SQLite bị cắt cụt (chỉ có {size} byte).")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    counter, pages, valid_for = (struct.unpack(">I", header[a:a + 4])[0] for a in (24, 28, 92))
    # The page count in the header is valid only when the change counter matches version-valid-for.
    if counter == valid_for and pages and size < pages * page_size:
        raise BackupError(f"{path}: tệp SQLite bị cắt cụt (có {size} byte, phần đầu tệp ghi {pages * page_size} "
                          "byte).")


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, name: Path) -> None:
    try:
        # pages=-1: every page in one step, under one read transaction on the source: a consistent
        # snapshot even while other processes write (in smaller steps a write restarts the copy).
        src.backup(dst, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"{name}: không sao chép được cơ sở dữ liệu ({exc}).") from exc


def _summary(conn: sqlite3.Connection, path: Path) -> BackupInfo:
    def count(table):
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our own table names

    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return BackupInfo(path, revision, count("participants"), count("attempts"), count("responses"))


def _keep_unreadable(live: Path) -> Path | None:
    """Keep the bytes of a database file SQLite cannot read (and its -wal) before replacing it."""
    found = [p for p in (live, live.with_name(live.name + "-wal")) if p.exists() and p.stat().st_size]
    if not found:
        return None
    target = _free_name(private_dir(backup_dir()), backup_name(kind="truoc-khoi-phuc"))
    for p in found:
        dest = target.with_name(target.name + p.name[len(live.name):])
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, open(p, "rb") as fh:
            while chunk := fh.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    return target


def _open_readonly(path: Path) -> sqlite3.Connection:
    # mode=ro: a mistyped path is an error, not a new empty database.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_MS / 1000)


def _is_database(path: Path) -> bool:
    if not _has_content(path):
        return False
    try:
        with _closing(_open_readonly(path)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:  # locked, or not readable: it may be in use, so never replace it
        raise BackupError(f"Không mở được cơ sở dữ liệu {path} ({exc}); chưa khôi phục gì.") from exc
    except sqlite3.DatabaseError:  # not a database, or a broken one
        return False
    return True


def _has_content(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3 … when a backup of the same second is there already."""
    target = folder / name
    stem, suffix = name.rsplit(".", 1)
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}.{suffix}"
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + side) for side in SQLITE_SIDE_FILES)):
        p.unlink(missing_ok=True)


@contextlib.contextmanager
def _closing(conn: sqlite3.Connection):
    # sqlite3's own context manager commits but does not close; an open handle would keep the
    # database "in use" and, for a temporary file, leave it behind.
    try:
        yield conn
    finally:
        conn.close()
