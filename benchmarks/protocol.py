"""A participant's page at the protocol level: Voila's HTTP page plus the kernel websocket.

What a Voila 0.5.13 page does after its HTML arrives, replayed without a browser (so that N
participants cost the server what N browsers would, and the client almost nothing):

1. ``GET /voila/render/<notebook>``: the kernel runs the notebook while the HTML streams; the
   kernel id is in the ``jupyter-config-data`` script (``"kernelId": …``).
2. ``GET /api/kernels/<id>`` (``KernelAPI.getKernelModel`` in the widgets-manager8 extension).
3. websocket ``/api/kernels/<id>/channels?session_id=…``, a ``kernel_info_request``.
4. The widget manager (ipywidgets 8 ``_loadFromKernel``) opens a comm to
   ``jupyter.widget.control`` and sends ``{"method": "request_states"}``; the kernel answers
   ``update_states`` with every widget's state. From then on the page is usable.
5. The page sets traits with ``comm_msg`` ``{"method": "update", "state": …}`` and clicks a
   Button with ``{"method": "custom", "content": {"event": "click"}}``; the kernel sends
   ``comm_open`` for new widgets and ``update`` for changed traits.
6. On unload the page posts ``_xsrf`` (a FormData beacon) to ``/voila/api/shutdown/<id>``.

Every message a page sends and receives is counted with its payload bytes as framed on the
websocket (``Traffic``); an exchange (an answer, a dashboard tick) is tallied by the ids of the
messages the page sent for it, and a received message belongs to the exchange its
``parent_header`` names, so replies that trail in after the page moved on still count. The
kernel's ``status: idle`` for a message says it has handled it and sent everything it caused
(``settle``).

Like the browser, we speak the ``v1.kernel.websocket.jupyter.org`` subprotocol (binary framing of
the same messages); ``protocol="json"`` selects the legacy JSON text protocol instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tornado import httpclient, websocket

KERNEL_ID_RE = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
# The cell's output in the page's HTML: the widget view the browser renders. Voila (nbclient) drops an
# output that reaches it more than iopub_timeout (4 s) after the cell's reply ("Timeout waiting for
# IOPub output" in its log): the page then has a kernel and widgets but shows none of them.
VIEW_RE = re.compile(r'widget-view\+json"\s*:\s*\{[^}]*"model_id"\s*:\s*"([0-9a-f]+)"')
HTTP_TIMEOUT_S = 600.0
STEP_TIMEOUT_S = 300.0
CONTROL_PROTOCOL_VERSION = "1.0.0"
DEBUG = False  # ipywidgets 8 `__control_protocol_version__`


class ProtocolError(RuntimeError):
    pass


def _http() -> httpclient.AsyncHTTPClient:
    # One client per event loop; max_clients bounds concurrent requests (default 10 would queue a room).
    return httpclient.AsyncHTTPClient(force_instance=True, max_clients=1000,
                                      defaults={"request_timeout": HTTP_TIMEOUT_S,
                                                "connect_timeout": HTTP_TIMEOUT_S})


V1 = "v1.kernel.websocket.jupyter.org"


def encode_v1(channel: str, msg: dict) -> bytes:
    """The browser's framing: n, n little-endian uint64 offsets, channel, header, parent, metadata, content."""
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    parts = [channel.encode(), *parts, *msg.get("buffers", [])]
    offsets = [8 * (1 + len(parts) + 1)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), *parts])


def decode_v1(frame: bytes) -> dict:
    n = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(n - 1)]
    header = json.loads(parts[1])
    return {"channel": parts[0].decode(), "header": header, "msg_type": header.get("msg_type"),
            "parent_header": json.loads(parts[2]), "metadata": json.loads(parts[3]),
            "content": json.loads(parts[4]), "buffers": parts[5:]}


def _decode(frame, v1: bool = False) -> dict:
    if v1:
        return decode_v1(frame)
    if isinstance(frame, str):
        return json.loads(frame)
    # Legacy binary framing (a message with buffers): nbufs, offsets (big-endian uint32), JSON, buffers.
    nbufs = struct.unpack("!i", frame[:4])[0]
    offsets = list(struct.unpack("!" + "I" * nbufs, frame[4:4 * (nbufs + 1)])) + [None]
    parts = [frame[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    msg = json.loads(parts[0].decode())
    msg["buffers"] = parts[1:]
    return msg


@dataclass
class Traffic:
    """Websocket messages and their payload bytes, browser → server (sent) and server → browser (received)."""

    sent: int = 0
    sent_bytes: int = 0
    received: int = 0
    received_bytes: int = 0
    opened: int = 0  # widgets the kernel created in reply (comm_open): each a model and a view to build
    updated: set = field(default_factory=set)  # widget models the kernel updated in reply

    def __iadd__(self, other: "Traffic") -> "Traffic":
        self.sent += other.sent
        self.sent_bytes += other.sent_bytes
        self.received += other.received
        self.received_bytes += other.received_bytes
        self.opened += other.opened
        self.updated |= other.updated
        return self


class Page:
    """One participant's page: loads, keeps every widget model's state, sets traits and clicks.

    ``watch``: something with ``gone(kernel_id, since)`` that tells whether the page's kernel process
    has gone (room.KernelWatch); without one, the page asks the server about its kernel every 2 s.
    """

    def __init__(self, base_url: str, notebook: str, http: httpclient.AsyncHTTPClient | None = None,
                 protocol: str = "v1", watch=None):
        self.base_url = base_url.rstrip("/")
        self.notebook = notebook
        self.http = http or _http()
        self.kernel_id: str | None = None
        self.models: dict[str, dict] = {}
        self.changed: dict[tuple[str, str], int] = {}  # (model, trait) -> seq of the last update
        self.seq = 0
        self.session = uuid.uuid4().hex
        self.ws: websocket.WebSocketClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._waiters: list[tuple[callable, asyncio.Future]] = []
        self._replies: dict[str, asyncio.Future] = {}
        self.control_comm = uuid.uuid4().hex
        self.closed = False
        self.protocol = protocol  # "v1": the browser's binary framing; "json": the legacy JSON text protocol
        self.html_bytes = 0
        self.trace: list[dict] = []
        self.watch = watch
        self.traffic = Traffic()  # everything on the websocket since it opened
        self.tally: Traffic | None = None  # the exchange the messages sent now belong to (`tallied`)
        self._tally_of: dict[str, Traffic] = {}  # msg_id sent -> its exchange
        self.idle_at: dict[str, float] = {}  # msg_id sent -> when the kernel reported idle after it
        self.last_sent: str | None = None
        self.view_ids: list[str] = []  # widget views in the page's HTML (VIEW_RE)

    # ------------------------------------------------------------------ loading
    async def load(self) -> None:
        """Everything until the widget states are in: the page is usable."""
        url = f"{self.base_url}/voila/render/{self.notebook}"
        chunks: list[bytes] = []
        found = asyncio.Event()

        def on_chunk(chunk: bytes) -> None:
            # Voila streams the page: the kernel id comes in the head, long before the cells have run.
            chunks.append(chunk)
            if self.kernel_id is None:
                match = KERNEL_ID_RE.search(b"".join(chunks[-2:]).decode("utf-8", "replace"))
                if match:
                    self.kernel_id = match.group(1)
                    found.set()

        fetch = asyncio.ensure_future(self.http.fetch(url, streaming_callback=on_chunk))
        watchdog = asyncio.ensure_future(self._watch_kernel(found))
        done, _pending = await asyncio.wait({fetch, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        watchdog.cancel()
        if fetch not in done:
            fetch.cancel()
            if watchdog.exception() is not None:
                raise ProtocolError(f"{self.notebook}: watching kernel {self.kernel_id}: {watchdog.exception()}")
            raise ProtocolError(f"{self.notebook}: kernel {self.kernel_id} died while the page ran")
        fetch.result()
        self.html_bytes = sum(len(c) for c in chunks)
        self.view_ids = VIEW_RE.findall(b"".join(chunks).decode("utf-8", "replace"))
        if self.kernel_id is None:
            raise ProtocolError(f"no kernelId in {url} ({self.html_bytes} bytes)")
        await self.http.fetch(f"{self.base_url}/api/kernels/{self.kernel_id}")
        ws_url = (self.base_url.replace("http://", "ws://")
                  + f"/api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        self.ws = await websocket.websocket_connect(ws_url, max_message_size=256 * 1024 * 1024,
                                                    connect_timeout=HTTP_TIMEOUT_S,
                                                    subprotocols=[V1] if self.protocol == "v1" else None)
        if self.protocol == "v1" and self.ws.selected_subprotocol != V1:
            raise ProtocolError(f"server refused the {V1} subprotocol")
        self._reader = asyncio.ensure_future(self._read())
        await self.request("kernel_info_request", {}, channel="shell")
        await self.request_states()

    async def _watch_kernel(self, found: asyncio.Event, every_s: float = 2.0) -> None:
        """Returns if the page's kernel is gone (Voila then never finishes the page: a browser spins forever).

        jupyter_client picks each kernel's TCP ports before the kernel binds them; when many kernels
        start at once another connection can take a port in between and the kernel dies at start.
        """
        await found.wait()
        if self.watch is not None:
            # One scan of the kernel processes for the whole room: 200 pages asking the server every
            # 2 s would be 100 requests a second on the server being measured.
            since = now()
            while True:
                await asyncio.sleep(every_s)
                if self.watch.gone(self.kernel_id, since):
                    return
        while True:
            await asyncio.sleep(every_s)
            response = await self.http.fetch(f"{self.base_url}/api/kernels/{self.kernel_id}", raise_error=False)
            if response.code == 404:
                return

    async def request_states(self) -> None:
        future = asyncio.get_running_loop().create_future()
        self._states_future = future
        # ipywidgets refuses a control comm without the control protocol version in the metadata.
        self.send("comm_open", {"comm_id": self.control_comm, "target_name": "jupyter.widget.control",
                                "data": {}}, metadata={"version": CONTROL_PROTOCOL_VERSION})
        self.send("comm_msg", {"comm_id": self.control_comm, "data": {"method": "request_states"}})
        await asyncio.wait_for(future, STEP_TIMEOUT_S)
        self.send("comm_close", {"comm_id": self.control_comm, "data": {}})

    # ------------------------------------------------------------------ sending
    def send(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> str:
        msg_id = uuid.uuid4().hex
        msg = {"header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "",
                          "version": "5.3", "date": datetime.now(timezone.utc).isoformat()},
               "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel,
               "buffers": []}
        if self.protocol == "v1":
            frame = encode_v1(channel, msg)
            self.ws.write_message(frame, binary=True)
            size = len(frame)
        else:
            text = json.dumps(msg)
            self.ws.write_message(text)
            size = len(text.encode())
        self.last_sent = msg_id
        self.traffic.sent += 1
        self.traffic.sent_bytes += size
        if self.tally is not None:
            self.tally.sent += 1
            self.tally.sent_bytes += size
            self._tally_of[msg_id] = self.tally
        return msg_id

    @contextlib.contextmanager
    def tallied(self, into: Traffic):
        """Messages sent inside the block, and every reply to them whenever it comes, are counted in `into`."""
        outer, self.tally = self.tally, into
        try:
            yield into
        finally:
            self.tally = outer

    async def settle(self, msg_id: str, what: str = "", timeout: float = STEP_TIMEOUT_S) -> float:
        """Until the kernel is idle after `msg_id`: it has run the handler and sent all it caused. When."""
        await self.wait(lambda: msg_id in self.idle_at, what or "the kernel to finish", timeout)
        return self.idle_at[msg_id]

    async def request(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        future = asyncio.get_running_loop().create_future()
        msg_id = self.send(msg_type, content, channel)
        self._replies[msg_id] = future
        return await asyncio.wait_for(future, STEP_TIMEOUT_S)

    def set(self, model_id: str, **state) -> None:
        self.models[model_id].update(state)
        self.send("comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                             "buffer_paths": []}})

    def click(self, model_id: str) -> int:
        """Click a Button; returns the sequence number to wait for updates after."""
        seq = self.seq
        self.send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}})
        return seq

    # ------------------------------------------------------------------ receiving
    async def _read(self) -> None:
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                self.closed = True
                for _pred, fut in self._waiters:
                    if not fut.done():
                        fut.set_exception(ProtocolError("websocket closed"))
                return
            size = len(frame) if isinstance(frame, bytes) else len(frame.encode())
            self._handle(_decode(frame, self.protocol == "v1"), size)

    def _handle(self, msg: dict, size: int = 0) -> None:
        self.seq += 1
        if DEBUG:
            self.trace.append(msg)
        msg_type = msg.get("msg_type") or msg["header"]["msg_type"]
        content = msg.get("content") or {}
        parent = (msg.get("parent_header") or {}).get("msg_id")
        self.traffic.received += 1
        self.traffic.received_bytes += size
        tally = self._tally_of.get(parent)
        if tally is not None:
            tally.received += 1
            tally.received_bytes += size
            if msg_type == "comm_open":
                tally.opened += 1
            elif msg_type == "comm_msg" and (content.get("data") or {}).get("method") == "update":
                tally.updated.add(content.get("comm_id"))
        if msg_type == "status" and content.get("execution_state") == "idle" and parent:
            self.idle_at[parent] = now()
        if parent in self._replies and msg_type.endswith("_reply"):
            future = self._replies.pop(parent)
            if not future.done():
                future.set_result(msg)
        if msg_type == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"]["state"])
            for key in content["data"]["state"]:
                self.changed[(content["comm_id"], key)] = self.seq
        elif msg_type == "comm_msg":
            data = content.get("data") or {}
            method = data.get("method")
            if content.get("comm_id") == self.control_comm and method == "update_states":
                for model_id, entry in data["states"].items():
                    self.models[model_id] = dict(entry["state"])
                future = getattr(self, "_states_future", None)
                if future is not None and not future.done():
                    future.set_result(True)
            elif method == "update" and content.get("comm_id") in self.models:
                self.models[content["comm_id"]].update(data["state"])
                for key in data["state"]:
                    self.changed[(content["comm_id"], key)] = self.seq
        elif msg_type == "comm_close":
            if content.get("comm_id") == self.control_comm:
                # The kernel has no widget control target: ipywidgets was never imported (the cell failed).
                future = getattr(self, "_states_future", None)
                if future is not None and not future.done():
                    future.set_exception(ProtocolError(f"{self.notebook}: the kernel has no widgets"))
            self.models.pop(content.get("comm_id"), None)
        if self._waiters:
            still = []
            for predicate, future in self._waiters:
                if future.done():
                    continue
                if predicate():
                    future.set_result(True)
                else:
                    still.append((predicate, future))
            self._waiters = still

    async def wait(self, predicate, what: str = "", timeout: float = STEP_TIMEOUT_S) -> None:
        if predicate():
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise ProtocolError(f"timed out waiting for {what} on {self.notebook}") from None

    def check_views(self) -> None:
        """The page shows a widget: its HTML holds a view of a model the kernel has (a browser renders only those)."""
        if not any(v in self.models for v in self.view_ids):
            raise ProtocolError(f"{self.notebook}: no widget view in the page's HTML ({len(self.view_ids)} views, "
                                "none of a known model): the cell's output was lost")

    def updated_after(self, model_id: str, key: str, seq: int) -> bool:
        return self.changed.get((model_id, key), -1) > seq

    # ------------------------------------------------------------------ finding widgets
    def find(self, model_name: str, **match) -> str:
        found = self.find_all(model_name, **match)
        if len(found) != 1:
            raise ProtocolError(f"{len(found)} {model_name} matching {match} on {self.notebook}")
        return found[0]

    def find_all(self, model_name: str, **match) -> list[str]:
        return [mid for mid, s in self.models.items()
                if s.get("_model_name") == model_name and all(s.get(k) == v for k, v in match.items())]

    def children(self, model_id: str) -> list[str]:
        return [c.removeprefix("IPY_MODEL_") for c in self.models[model_id].get("children", [])]

    # ------------------------------------------------------------------ closing
    async def close(self) -> int:
        """What the page does on unload: the shutdown beacon, then the websocket goes away."""
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_xsrf\"\r\n\r\n\r\n"
                f"--{boundary}--\r\n").encode()
        code = 0
        if self.kernel_id:
            try:
                response = await self.http.fetch(
                    f"{self.base_url}/voila/api/shutdown/{self.kernel_id}", method="POST", body=body,
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, raise_error=False)
                code = response.code
            except Exception:  # noqa: BLE001 - a failed beacon is counted by the kernels left running
                code = -1
        if self.ws is not None:
            self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
        return code


def now() -> float:
    return time.perf_counter()


def run_async(make_coro):
    """Run a coroutine to completion on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread, where asyncio.run fails.
    """
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coro())).result()
