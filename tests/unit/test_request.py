"""A preheated kernel's request: fetched once from the server, then read from the environment."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest


@pytest.fixture
def query_server(monkeypatch):
    """A stand-in for Voila's /voila/query/<kernel id> websocket: sends the request once per connection."""
    from tornado.web import Application
    from tornado.websocket import WebSocketHandler

    connections = []
    ready, loop_box = threading.Event(), {}

    class Query(WebSocketHandler):
        def open(self, kernel_id):
            connections.append(kernel_id)
            self.write_message(json.dumps({"QUERY_STRING": "code=K7QM2X&lang=en"}))

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = Application([(r"/voila/query/(.*)", Query)])
        server = app.listen(0, "127.0.0.1")
        loop_box["port"] = next(iter(server._sockets.values())).getsockname()[1]
        loop_box["loop"], loop_box["server"] = loop, server
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(loop_box["port"]))
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.setenv("QUERY_STRING", "")  # so that what the request puts there is undone after the test
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    yield connections
    loop_box["loop"].call_soon_threadsafe(loop_box["server"].stop)
    loop_box["loop"].call_soon_threadsafe(loop_box["loop"].stop)
    thread.join(5)


def test_is_the_request_asked_for_once_and_then_read_from_the_environment(query_server, monkeypatch):
    from toolkit.serving import request

    monkeypatch.setattr(request, "_asked", False)
    assert request.query_parameters() == {"code": "K7QM2X", "lang": "en"}
    # A page asks again (the quiz page builds itself, then reads the unit and code): no second wait.
    assert request.query_parameters() == {"code": "K7QM2X", "lang": "en"}
    assert query_server == ["kernel-1"]


def test_does_an_ordinary_kernel_never_ask(query_server, monkeypatch):
    from toolkit.serving import request

    monkeypatch.setattr(request, "_asked", False)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "unit=phuong_ba_dinh")
    assert request.query_parameters() == {"unit": "phuong_ba_dinh"}
    assert query_server == []
