"""Where the toolkit's files are: the checkout's data, banks and notebooks, and the var folder it writes.

The var folder holds what the toolkit writes (database, passcode, data cache); TOOLKIT_VAR_DIR moves it.
"""

from __future__ import annotations

import os
from pathlib import Path

CODE_DIR = Path(__file__).resolve().parent
REPO_ROOT = CODE_DIR.parent
DEFAULT_PLAN_DIR = REPO_ROOT / "data" / "plan-241"
DEFAULT_QUIZ_DIR = REPO_ROOT / "quizzes"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
DEFAULT_VAR_DIR = REPO_ROOT / "var"


def var_dir() -> Path:
    return Path(os.environ.get("TOOLKIT_VAR_DIR") or DEFAULT_VAR_DIR)
