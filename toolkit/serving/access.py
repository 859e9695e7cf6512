"""The passcode that protects trainer and city-overview pages, checked in the kernel.

Voila in directory mode lists and runs every notebook, so a protected page shows nothing until
its kernel has checked the passcode. The passcode lives in a file under the var folder (created
by `toolkit serve`, which prints it) or in TOOLKIT_PASSCODE; kernels read it, browsers never do.

Guessing is slowed down in the database, not in the kernel: a reload or a new tab is a new kernel
and would otherwise start with a fresh count. Failures are counted per client address and for the
whole server, and every failure and lockout goes to the server's log.

What a kernel knows of the client: Voila gives it no address at all (only the query string and the
HTTP headers named in voila.json's ``http_header_envs``). Behind the nginx of deploy/ the last entry
of X-Forwarded-For is the address nginx saw; served directly, a browser sends no such header, so
every direct client shares one key (""), and a client that sends the header itself chooses its key.
The count for the whole server does not depend on any of this: it is what stops a client that
changes its address (or claims a new one) with every guess.
"""

from __future__ import annotations

import dataclasses
import hmac
import ipaddress
import logging
import math
import os
import secrets
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

from toolkit.paths import var_dir

log = logging.getLogger(__name__)

MAX_FAILURES = 5  # one client's failures before it has to wait
SERVER_MAX_FAILURES = 20  # everyone's failures before everyone has to wait (four clients' worth)
LOCKOUT_SECONDS = 60  # the first wait; each further failure doubles it
MAX_LOCKOUT_SECONDS = 15 * 60
# Failures older than this stop counting. Long enough that a guesser held to one try per
# MAX_LOCKOUT_SECONDS never falls back under SERVER_MAX_FAILURES (20 x 15 min = 5 h), so it gets about
# 96 guesses a day at a 6-digit code; short enough that a morning's attack no longer locks the
# afternoon's class.
WINDOW_SECONDS = 6 * 3600


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


def lockout_seconds(failures: int, allowed: int) -> int:
    """How long to wait after the latest of `failures` failures, the first `allowed` being free.

    >>> [lockout_seconds(n, MAX_FAILURES) for n in (4, 5, 6, 7, 8, 9, 40)]
    [0, 60, 120, 240, 480, 900, 900]
    """
    if failures < allowed:
        return 0
    return min(LOCKOUT_SECONDS * 2 ** min(failures - allowed, 16), MAX_LOCKOUT_SECONDS)


def client_address(env: Mapping[str, str]) -> str:
    """The client's address as far as the kernel can tell, "" if it cannot (see the module's docstring).

    The last X-Forwarded-For entry is the one the nearest proxy added; anything before it is what the
    client itself sent.

    >>> client_address({"HTTP_X_FORWARDED_FOR": "10.9.9.9, 192.168.1.23"}), client_address({})
    ('192.168.1.23', '')
    """
    last = (env.get("HTTP_X_FORWARDED_FOR") or "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return ""  # no header, or one that is not an address: not worth a key of its own


def _remaining(after: datetime | None, wait: int, now: float) -> float:
    return 0.0 if after is None or wait <= 0 else after.timestamp() + wait - now


def whole_seconds(wait: float) -> int:
    """A wait as people read it, rounded up to the second. Times pass through datetime (microseconds),
    so a wait of exactly 60 s can come back as 60.0000001: rounding to the millisecond first keeps it 60.

    >>> whole_seconds(60.0000001), whole_seconds(59.2), whole_seconds(0.0004)
    (60, 60, 0)
    """
    return math.ceil(round(wait, 3))


class PasscodeGate:
    """Checks typed passcodes for one page, slowing down guessing across every page and kernel.

    `store` is the database the pages share (a Store, or a view of one with its `.engine`); `page`
    names the page in the log; `env` is where Voila put the request (os.environ in a kernel);
    `clock` gives seconds since the epoch, every kernel's the same.
    """

    # What the person at the page reads; a gate guarding another secret (toolkit.serving.personal_code) has its own.
    TEXT = {"blank": "Vui lòng nhập mã truy cập.", "wrong": "Mã truy cập không đúng.",
            "server": "Máy chủ nhận quá nhiều mã truy cập sai; thử lại sau {s} giây.",
            "client": "Nhập sai quá nhiều lần; thử lại sau {s} giây."}
    max_failures, server_max_failures = MAX_FAILURES, SERVER_MAX_FAILURES

    def __init__(self, store, page: str, env: Mapping[str, str] | None = None, clock=time.time):
        from toolkit.storage.passcodes import PasscodeAttempts

        self.attempts = PasscodeAttempts(store)
        self.page = page
        self.env = env
        self.clock = clock
        self.unlocked = False
        self._client: str | None = None
        self._logged_lockout: float | None = None  # one log line per lockout met, not one per click

    @property
    def client(self) -> str:
        if self._client is None:
            if self.env is None:
                from toolkit.serving.request import wait_for_request

                wait_for_request()  # a preheated kernel learns its request (headers included) only now
            self._client = client_address(os.environ if self.env is None else self.env)
        return self._client

    def check(self, typed: str) -> tuple[bool, str]:
        """(unlocked, Vietnamese message). The lockout is checked before the passcode is compared."""
        typed = (typed or "").strip()
        if not typed:
            return False, self.TEXT["blank"]
        now = self.clock()
        at = datetime.fromtimestamp(now, timezone.utc)
        since = datetime.fromtimestamp(now - WINDOW_SECONDS, timezone.utc)
        reservation = self.attempts.reserve(self.client, self.page, at, since, lambda f: self._wait(f, now)[0])
        if reservation.attempt_id is None:
            return False, self._refused(reservation, now)
        if self._right(typed):
            self.attempts.succeeded(reservation.attempt_id)
            self.unlocked = True
            # A right code after failures may be a guess that found it: worth the administrator's eye.
            (log.warning if reservation.before.client else log.info)(
                "mở khóa trang %s, địa chỉ %s, sau %d lần nhập sai", self.page, self._shown_client(),
                reservation.before.client)
            return True, "Đã mở khóa."
        before = reservation.before
        failures = dataclasses.replace(before, client=before.client + 1, client_last=at,
                                       everyone=before.everyone + 1, everyone_last=at)
        wait, _ = self._wait(failures, now)
        log.warning("mã truy cập sai: trang %s, địa chỉ %s, lần sai thứ %d của địa chỉ, %d của máy chủ trong %d giờ%s",
                    self.page, self._shown_client(), failures.client, failures.everyone, WINDOW_SECONDS // 3600,
                    f"; khóa {whole_seconds(wait)} giây" if wait > 0 else "")
        if wait > 0:
            return False, f"{self.TEXT['wrong']} Tạm khóa {whole_seconds(wait)} giây."
        return False, self.TEXT["wrong"]

    def _right(self, typed: str) -> bool:
        """Is `typed` the secret this gate guards? Here the passcode, compared in constant time."""
        return hmac.compare_digest(typed.encode(), ensure_passcode().encode())

    def _wait(self, failures, now: float) -> tuple[float, bool]:
        """(seconds still to wait, whether it is the whole server's count that holds it)."""
        own = _remaining(failures.client_last, lockout_seconds(failures.client, self.max_failures), now)
        everyone = _remaining(failures.everyone_last, lockout_seconds(failures.everyone, self.server_max_failures),
                              now)
        return max(own, everyone, 0.0), everyone > max(own, 0.0)

    def _refused(self, reservation, now: float) -> str:
        seconds = whole_seconds(reservation.wait_s)
        _, server_wide = self._wait(reservation.before, now)
        until = now + reservation.wait_s
        if self._logged_lockout is None or abs(until - self._logged_lockout) > 1:
            self._logged_lockout = until
            log.warning("từ chối mã truy cập khi đang khóa: trang %s, địa chỉ %s, còn %d giây (%s)", self.page,
                        self._shown_client(), seconds, "cả máy chủ" if server_wide else "địa chỉ này")
        return self.TEXT["server" if server_wide else "client"].format(s=seconds)

    def _shown_client(self) -> str:
        return self.client or "không rõ"
