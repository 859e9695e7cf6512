"""The participant page's address for a session's join code, as the trainer's QR code shows it."""

from __future__ import annotations

import ipaddress
import os
from typing import Mapping
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


def join_url(code: str, env: Mapping[str, str] | None = None) -> tuple[str, str | None]:
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
        return f"{public.rstrip('/')}/voila/render/{WORKSHOP_JOIN_NOTEBOOK}?{query}", None
    request = (env.get("VOILA_REQUEST_URL") or "").strip()
    if request.startswith(("http://", "https://")):
        parts = urlsplit(request)
        folder = parts.path.rsplit("/", 1)[0]
        url = urlunsplit((parts.scheme, parts.netloc, f"{folder}/{WORKSHOP_JOIN_NOTEBOOK}", query, ""))
        if _is_loopback(parts.hostname or ""):
            return url, ("Địa chỉ này chỉ mở được trên chính máy này. Để học viên mở bằng điện thoại, hãy chạy "
                         "“toolkit serve --lan” và mở trang này bằng địa chỉ LAN mà lệnh in ra.")
        return url, None
    return f"{WORKSHOP_JOIN_NOTEBOOK}?{query}", "Không xác định được địa chỉ máy chủ; học viên nhập mã phiên."
