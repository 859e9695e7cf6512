"""Files only their owner may read: the SQLite database (with its -wal and -shm) and its backups.

They hold officers' names, units, answers and scores (Luật Bảo vệ dữ liệu cá nhân, 91/2025/QH15), so
another account on the same laptop or server must not read them. Files are created owner-only
(os.open with mode 0600, which the umask can only narrow), never written first and narrowed after:
a chmod after writing leaves a moment in which the content is readable by everyone.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
# SQLite gives a database's -wal and -shm files the permissions of the database file itself (unix VFS,
# findCreateFileMode), so an owner-only database file makes them owner-only too.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_database(path: Path) -> None:
    """Create the SQLite file owner-only before SQLite would create it world-readable (0644).

    An empty file is a valid empty SQLite database. A database (or side file) that others can read
    already is narrowed, with a log line. Nothing happens when the folder does not exist: SQLite
    then reports the missing folder as it always did.
    """
    path = Path(path)
    if not path.parent.is_dir():
        return
    if not path.exists():
        # O_CREAT without O_EXCL: two kernels opening a new database together both succeed.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for p in (path, *(path.with_name(path.name + side) for side in SQLITE_SIDE_FILES)):
        tighten(p)


def private_dir(path: Path) -> Path:
    """A folder only its owner can enter (made if missing, narrowed with a log line if it was open)."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def private_temp(folder: Path, name: str) -> Path:
    """A new empty owner-only file in `folder` (named after `name`), for writing then renaming into place."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")  # mkstemp creates it 0600
    os.close(fd)
    return Path(tmp)


def tighten(path: Path) -> bool:
    """Take away group and other permissions from an existing file or folder; True if it had any."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
    if not mode & 0o077:
        return False
    wanted = DIR_MODE if os.path.isdir(path) else FILE_MODE
    try:
        os.chmod(path, wanted)
    except OSError as exc:  # another account's file: say so, but keep the toolkit working
        log.warning("Tệp %s để người khác đọc được (quyền %04o) nhưng không đổi được quyền: %s", path, mode, exc)
        return False
    log.warning("Tệp %s để người khác đọc được (quyền %04o): đã đổi thành %04o, chỉ chủ sở hữu đọc, ghi.",
                path, mode, wanted)
    return True
