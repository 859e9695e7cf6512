"""The passcode that protects trainer and city-overview pages, checked in the kernel.

Voila in directory mode lists and runs every notebook, so a protected page shows nothing until
its kernel has checked the passcode. The passcode lives in a file under the var folder (created
by `toolkit serve`, which prints it) or in TOOLKIT_PASSCODE; kernels read it, browsers never do.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from toolkit.paths import var_dir

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60


def passcode_file() -> Path:
    return var_dir() / "passcode.txt"


def ensure_passcode() -> str:
    """The passcode in force, creating a random one (6 digits, easy to read aloud) the first time."""
    if os.environ.get("TOOLKIT_PASSCODE"):
        return os.environ["TOOLKIT_PASSCODE"].strip()
    path = passcode_file()
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    code = f"{secrets.randbelow(10**6):06d}"
    # Created readable by the owner only: other local users have no business reading it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(code + "\n")
    return code


class PasscodeGate:
    """Checks typed passcodes for one page (one kernel), slowing down guessing."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0
        self.unlocked = False

    def check(self, typed: str) -> tuple[bool, str]:
        """(unlocked, Vietnamese message)."""
        now = self.clock()
        if now < self.locked_until:
            return False, f"Nhập sai quá nhiều lần; thử lại sau {int(self.locked_until - now) + 1} giây."
        expected = ensure_passcode()
        if hmac.compare_digest((typed or "").strip().encode(), expected.encode()):
            self.unlocked, self.failures = True, 0
            return True, "Đã mở khóa."
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.failures, self.locked_until = 0, now + LOCKOUT_SECONDS
            return False, f"Mã truy cập không đúng. Tạm khóa {LOCKOUT_SECONDS} giây."
        return False, "Mã truy cập không đúng."
