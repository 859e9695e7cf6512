"""The participant page's address for a session's join code, as the trainer's QR code shows it."""

from __future__ import annotations

import ipaddress
import os
from typing import Mapping, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

from toolkit.serving.pages import WORKSHOP_JOIN_NOTEBOOK

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def _is_loopback(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class JoinLink(NamedTuple):
    url: str
    # Vietnamese, when phones in the room cannot open `url`; the trainer's page then shows no QR code.
    warning: str | None


LOOPBACK_WARNING = ("Điện thoại của học viên không mở được địa chỉ này: máy chủ đang chỉ phục vụ chính máy này. "
                    "Dừng máy chủ (Ctrl+C) rồi chạy lại bằng lệnh “toolkit serve --lan”, mở lại trang này bằng "
                    "địa chỉ mạng nội bộ (LAN) mà lệnh in ra; mã QR sẽ hiện khi đó.")


def join_url(code: str, env: Mapping[str, str] | None = None) -> JoinLink:
    """The participant page's address with `?code=`, and a Vietnamese warning if phones cannot open it.

    In order: TOOLKIT_PUBLIC_URL (set by `toolkit serve --lan`, or by whoever runs a proxy in front),
    the address the trainer's own page was requested at (Voila gives the kernel VOILA_REQUEST_URL),
    else the path relative to the trainer's page.

    >>> join_url("ABC234", {"TOOLKIT_PUBLIC_URL": "http://192.168.1.20:8866"})[0]
    'http://192.168.1.20:8866/voila/render/4-tap-huan-tham-gia.ipynb?code=ABC234'
    """
    env = os.environ if env is None else env
    query = f"code={quote(code)}"
    public = (env.get("TOOLKIT_PUBLIC_URL") or "").strip()
    if public:
        return JoinLink(f"{public.rstrip('/')}/voila/render/{WORKSHOP_JOIN_NOTEBOOK}?{query}", None)
    request = (env.get("VOILA_REQUEST_URL") or "").strip()
    if request.startswith(("http://", "https://")):
        parts = urlsplit(request)
        folder = parts.path.rsplit("/", 1)[0]
        url = urlunsplit((parts.scheme, parts.netloc, f"{folder}/{WORKSHOP_JOIN_NOTEBOOK}", query, ""))
        return JoinLink(url, LOOPBACK_WARNING if _is_loopback(parts.hostname or "") else None)
    return JoinLink(f"{WORKSHOP_JOIN_NOTEBOOK}?{query}",
                    "Không xác định được địa chỉ máy chủ, nên không có mã QR: học viên mở trang “Tham gia phiên "
                    "tập huấn” và nhập mã phiên.")
