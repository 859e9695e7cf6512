"""Validated data kept on disk, so that each new page's kernel need not validate it again.

Every Voila page is a new kernel that loads the plan (YAML, JSON Schema, cross-checks) and builds the
question bank (9 templates over 42 tasks, 4 authored banks). Done once per page, that was most of
the difference between the quiz page and a bare page in CPU per join (make bench). The result is
pickled under the var folder, named by a fingerprint of everything that produced it: the input
files and the toolkit's own code. Any change to either gives a new name, so a stale entry is never
read; a damaged or unreadable entry is rebuilt. Only successful builds are stored: data with
problems is validated (and reported) every time.

Each entry belongs to a slot (a plan's folder, a bank's folder): a new entry replaces the older ones
of its own slot only, so plans served side by side keep an entry each. Kernels that miss at the same
moment (a room arriving after the data changed) wait for the one that builds and read its entry,
instead of each building it: the cold room of 60 spent 0,8 CPU-s per join on this (issue 16).
`toolkit serve` fills the cache before the first kernel starts (`toolkit.serving.warm`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import pickle
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from toolkit.datafile import write_atomic
from toolkit.paths import CODE_DIR, var_dir

T = TypeVar("T")
log = logging.getLogger(__name__)


def cache_dir() -> Path:
    return var_dir() / "cache"


def _code_digest() -> bytes:
    h = hashlib.sha256(sys.version.encode())
    # Every module of every subpackage: a class that moved must not be read back from an old pickle.
    for path in sorted(CODE_DIR.rglob("*.py")):
        h.update(path.relative_to(CODE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


def fingerprint(files: Iterable[Path], *extra: str) -> str:
    """A name for what `files` (read now) and the toolkit's code produce."""
    h = hashlib.sha256(_code_digest())
    for part in extra:
        h.update(part.encode() + b"\0")
    for path in sorted(Path(f) for f in files):
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def slot_name(kind: str, slot: str) -> str:
    return f"{kind}-{hashlib.sha256(slot.encode()).hexdigest()[:12]}"


def cached(kind: str, key: str, build: Callable[[], T], *, slot: str) -> T:
    """The value stored under (kind, slot, key), or build() stored there (best effort: never fails the page)."""
    prefix = slot_name(kind, slot)
    path = cache_dir() / f"{prefix}-{key}.pickle"
    found = _read(path)
    if found is not _MISSING:
        return found
    with _building(cache_dir() / f"{prefix}.lock"):
        found = _read(path)  # built by whoever held the lock before us
        if found is not _MISSING:
            return found
        value = build()
        try:
            _store(path, prefix, value)
        except Exception as exc:  # noqa: BLE001 - the cache saves time; it must never cost the page
            log.warning("không ghi được bộ nhớ đệm %s: %s", path, exc)
    return value


_MISSING = object()
_UNSLOTTED = re.compile(r"[a-z]+-[0-9a-f]{32}")  # entries named before slots existed


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - damaged, truncated, or from classes that moved: rebuild
        log.warning("bỏ qua bộ nhớ đệm hỏng %s: %s", path, exc)
    return _MISSING


@contextlib.contextmanager
def _building(lock: Path):
    """One builder per slot across processes; where no lock can be taken (unwritable folder, no fcntl,
    a file system without flock), none: each builds, as before there was a lock."""
    fh = _locked(lock)
    try:
        yield
    finally:
        if fh is not None:
            fh.close()  # closing the file releases the lock


def _locked(lock: Path):
    try:
        import fcntl

        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a")
    except (ImportError, OSError):
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
    except OSError:
        fh.close()
        return None
    return fh


def _store(path: Path, prefix: str, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))  # readers see all of it or none
    for old in path.parent.glob("*.pickle"):  # this slot's entries of earlier code or data
        if old != path and (old.name.startswith(prefix + "-") or _UNSLOTTED.fullmatch(old.stem)):
            old.unlink(missing_ok=True)
