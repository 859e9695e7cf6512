"""Checking a personal code typed (or arriving in `?code=`) on the page “Dữ liệu của tôi”, with the
passcode's lockout: each failure is counted in the database every kernel shares (a reload is no new
start), per client and for the whole server, apart from the passcode's own count
(toolkit.storage.passcodes.SEPARATE_PAGES).

A code has 60 random bits, so the lockout is not what keeps it secret (at the lockout's pace a guesser
gets about a hundred tries a day); it keeps the page from being a free oracle and puts guessing in the log.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from toolkit.serving.access import PasscodeGate

PAGE = "personal-code"


class PersonalCodeGate(PasscodeGate):
    """`check(code)` → (found, Vietnamese message); `participant` is then the code's owner, or None."""

    TEXT = {"blank": "Vui lòng nhập mã cá nhân.", "wrong": "Mã cá nhân không đúng (hoặc dữ liệu đã bị xóa).",
            "server": "Máy chủ nhận quá nhiều mã cá nhân sai; thử lại sau {s} giây.",
            "client": "Nhập sai quá nhiều lần; thử lại sau {s} giây."}

    # Far above the passcode's: without a proxy every phone shares one client key (""), and a hall typing
    # 12-symbol codes mistypes often; 60 random bits, not the lockout, keep a code secret.
    max_failures, server_max_failures = 100, 1000

    def __init__(self, store, env: Mapping[str, str] | None = None, clock=time.time):
        super().__init__(store, PAGE, env, clock)
        self.store = store
        self.participant = None

    def check(self, typed: str) -> tuple[bool, str]:
        from toolkit.storage.personal import clean_code

        self.participant = None
        ok, message = super().check(clean_code(typed))
        return ok, ("Đã mở dữ liệu của bạn." if ok else message)

    def _right(self, typed: str) -> bool:
        from toolkit.storage.personal import PersonalStore

        self.participant = PersonalStore(self.store).by_code(typed)
        return self.participant is not None
