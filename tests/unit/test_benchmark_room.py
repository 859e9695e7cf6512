"""The room benchmark's bookkeeping (benchmarks/): what it counts per answer, without a server."""

import pytest

from benchmarks.__main__ import load_warning, think_for
from benchmarks.participants import Barriers, refresh_gaps
from benchmarks.protocol import Page, ProtocolError, Traffic, decode_v1, encode_v1
from benchmarks.room import percentile


class FakeSocket:
    def __init__(self):
        self.frames = []

    def write_message(self, frame, binary=False):
        self.frames.append(frame)


def page_with_socket() -> Page:
    page = Page("http://127.0.0.1:1", "bare.ipynb", http=object())
    page.ws = FakeSocket()
    return page


def reply(parent: str, msg_type: str, content: dict) -> dict:
    return {"msg_type": msg_type, "header": {"msg_type": msg_type}, "parent_header": {"msg_id": parent},
            "content": content, "metadata": {}, "buffers": []}


def test_v1_frames_round_trip():
    msg = {"header": {"msg_id": "a", "msg_type": "comm_msg"}, "parent_header": {}, "metadata": {"m": 1},
           "content": {"data": {"method": "update", "state": {"value": "Câu 1/5"}}}}
    back = decode_v1(encode_v1("shell", msg))
    assert (back["channel"], back["msg_type"], back["content"], back["metadata"]) == (
        "shell", "comm_msg", msg["content"], {"m": 1})


def test_an_exchange_counts_its_messages_and_every_reply_to_them_even_late():
    page = page_with_socket()
    page.send("comm_msg", {"comm_id": "before"})  # not part of the exchange
    answer = Traffic()
    with page.tallied(answer):
        page.send("comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"index": 1}}})
        click = page.send("comm_msg", {"comm_id": "b", "data": {"method": "custom", "content": {"event": "click"}}})
    outside = page.send("comm_msg", {"comm_id": "after"})
    assert (answer.sent, answer.sent_bytes) == (2, sum(len(f) for f in page.ws.frames[1:3]))

    page._handle(reply(click, "status", {"execution_state": "busy"}), 100)
    page._handle(reply(click, "comm_open", {"comm_id": "new", "target_name": "jupyter.widget",
                                            "data": {"state": {"value": ""}}}), 300)
    page._handle(reply(click, "comm_msg", {"comm_id": "fb", "data": {"method": "update", "state": {"value": "✔"}}}), 50)
    page._handle(reply(outside, "status", {"execution_state": "idle"}), 40)  # another exchange's reply
    assert click not in page.idle_at
    page._handle(reply(click, "status", {"execution_state": "idle"}), 100)  # after the block closed

    assert (answer.received, answer.received_bytes, answer.opened, answer.updated) == (4, 550, 1, {"fb"})
    assert click in page.idle_at and outside in page.idle_at
    assert (page.traffic.sent, page.traffic.received, page.traffic.received_bytes) == (4, 5, 590)


def test_a_page_whose_html_shows_no_widget_of_its_kernel_is_not_usable():
    page = page_with_socket()
    page.models = {"6836c98f59ce4ee78081d6bd6fd454fe": {"_model_name": "VBoxModel"}}
    page.view_ids = ["0123456789abcdef0123456789abcdef"]
    with pytest.raises(ProtocolError, match="output was lost"):
        page.check_views()
    page.view_ids.append("6836c98f59ce4ee78081d6bd6fd454fe")
    page.check_views()


def test_a_participant_who_fails_reaches_every_barrier_still_ahead():
    room = Barriers(2)
    room.reach("joined")
    room.leave("setup")  # failed signing in: joined already, never ready, never answers
    assert dict(room.reached) == {"joined": 1, "ready": 1, "answered": 1}
    room.leave("join")  # the other never got a page
    assert dict(room.reached) == {"joined": 2, "ready": 2, "answered": 2}
    assert all(event.is_set() for event in room._all.values())


def test_refresh_gaps_count_the_wait_before_the_first_and_after_the_last():
    assert refresh_gaps([3.0, 6.5], 0.0, 8.0) == [3.0, 3.5, 1.5]
    assert refresh_gaps([], 10.0, 40.0) == [30.0]  # a dashboard that never refreshed
    assert refresh_gaps([5.0, 50.0], 10.0, 40.0) == [30.0]  # refreshes outside the window do not count


def test_think_time_and_quiet_machine():
    assert think_for(10, None) == think_for(60, None) == (1.5, 3.5)
    assert think_for(200, None) == (5.0, 15.0)
    assert think_for(200, (1.0, 2.0)) == (1.0, 2.0)
    assert not load_warning(1.0, 2) and load_warning(1.01, 2)


def test_percentile_is_nearest_rank():
    values = list(range(1, 21))
    assert (percentile(values, 95), percentile(values, 50), percentile([7], 95)) == (19, 10, 7)
