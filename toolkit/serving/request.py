"""The page's request, for a kernel that Voila started before anyone asked for a page.

A preheated kernel (Voila's ``preheat_kernel``) runs the notebook ahead of any request, so the page's
query string (``?code=…`` from a workshop's QR code) is not known yet; Voila sends it over a websocket
when a browser takes the kernel. ``voila.utils.wait_for_request`` does this, but importing it pulls in
Voila's server side: measured 69 MB more in every participant's kernel (1,070 modules). This is the
same exchange with tornado, which the kernel has already imported (about 3 MB).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading

CONNECT_TIMEOUT_S = 5  # as Voila's own helper: a server that is not there fails fast
_asked = False  # a kernel's request comes once: asked again, it is in os.environ already


def query_url() -> str:
    """Where Voila 0.5 serves the request info of this kernel (mirrors voila.utils.wait_for_request)."""
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    ip = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"


def preheated() -> bool:
    """Whether this kernel was started before its request (Voila's pool)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def wait_for_request() -> None:
    """In a preheated kernel, block until a page takes it, then put the request in os.environ.

    Does nothing in an ordinary kernel, which Voila starts with the request already in its environment,
    nor once the request is known.
    """
    global _asked
    if not preheated() or _asked:
        return
    _asked = True
    received: list[str] = []

    async def fetch() -> None:
        from tornado.websocket import websocket_connect

        conn = await asyncio.wait_for(websocket_connect(query_url()), CONNECT_TIMEOUT_S)
        try:
            message = await conn.read_message()
            if message is not None:
                received.append(message)
        finally:
            conn.close()

    def run() -> None:
        # The kernel's own event loop is busy running this cell: wait on a loop of our own.
        try:
            asyncio.run(fetch())
        except (OSError, asyncio.TimeoutError):
            pass  # as Voila's helper: no server, no request info; the page runs with what it has

    thread = threading.Thread(target=run, name="voila-request")
    thread.start()
    thread.join()
    if received:
        os.environ.update({k: str(v) for k, v in json.loads(received[0]).items()})


def query_parameters() -> dict[str, str]:
    """The page's query string (`?code=…&lang=en`) as a dict, first value of each name.

    Voila gives the kernel the request in QUERY_STRING; a preheated kernel waits for it first.
    """
    from urllib.parse import parse_qs

    wait_for_request()
    return {k: v[0] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items()}
