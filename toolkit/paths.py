"""Where the toolkit keeps what it writes: the var folder (database, passcode, data cache)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_VAR_DIR = Path(__file__).resolve().parents[1] / "var"


def var_dir() -> Path:
    return Path(os.environ.get("TOOLKIT_VAR_DIR") or DEFAULT_VAR_DIR)
