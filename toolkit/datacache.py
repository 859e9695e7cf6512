"""Validated data kept on disk, so that each new page's kernel need not validate it again.

Every Voila page is a new kernel that loads the plan (YAML, JSON Schema, cross-checks) and builds the
question bank (9 templates over 42 tasks, 4 authored banks). Done once per page, that was most of
the difference between the quiz page and a bare page in CPU per join (make bench). The result is
pickled under the var folder, named by a fingerprint of everything that produced it: the input
files and the toolkit's own code. Any change to either gives a new name, so a stale entry is never
read; a damaged or unreadable entry is rebuilt. Only successful builds are stored: data with
problems is validated (and reported) every time.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
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


def cached(kind: str, key: str, build: Callable[[], T]) -> T:
    """The value stored under (kind, key), or build() stored there (best effort: never fails the page)."""
    path = cache_dir() / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - damaged, truncated, or from classes that moved: rebuild
        log.warning("bỏ qua bộ nhớ đệm hỏng %s: %s", path, exc)
    value = build()
    try:
        _store(path, kind, value)
    except Exception as exc:  # noqa: BLE001 - the cache saves time; it must never cost the page
        log.warning("không ghi được bộ nhớ đệm %s: %s", path, exc)
    return value


def _store(path: Path, kind: str, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))  # readers see all of it or none
    for old in path.parent.glob(f"{kind}-*.pickle"):  # entries of earlier code or data
        if old != path:
            old.unlink(missing_ok=True)
