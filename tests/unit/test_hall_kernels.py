"""The server's limits for a hall: more sockets than libzmq's default, and kernels without IPython history."""

import asyncio
import resource
from concurrent.futures import ThreadPoolExecutor

import pytest
import zmq

from toolkit.serving.kernels import HallKernelManager, hall_context, raise_file_limit
from toolkit.serving.voila_main import config

DEFAULT_MAX = 1024  # libzmq's ZMQ_MAX_SOCKETS_DFLT, the limit a hall of 200 ran into


def open_sockets(context, n):
    sockets = []
    try:
        for _ in range(n):
            sockets.append(context.socket(zmq.DEALER))
        return len(sockets)
    except zmq.ZMQError:
        return len(sockets)
    finally:
        for s in sockets:
            s.close(linger=0)


def test_a_default_context_stops_near_1024_sockets_and_the_halls_does_not():
    need = 1100
    if raise_file_limit() < 2 * need + 64:
        pytest.skip("the open-file limit of this machine is too low to open the sockets")
    plain = zmq.Context()
    try:
        assert open_sockets(plain, need) < DEFAULT_MAX  # the old limit, so the test below can fail
    finally:
        plain.term()
    hall = hall_context(zmq.Context())
    try:
        assert hall.get(zmq.MAX_SOCKETS) >= 9 * 300
        assert open_sockets(hall, need) == need
    finally:
        hall.term()


def test_raising_the_file_limit_never_lowers_it_or_passes_the_hard_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    got = raise_file_limit(16)
    assert got == soft == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    got = raise_file_limit(10**9)
    assert got >= soft and (hard == resource.RLIM_INFINITY or got <= hard)


def test_voila_uses_the_hall_kernel_manager():
    assert config().VoilaConfiguration.multi_kernel_manager_class == "toolkit.serving.kernels.HallKernelManager"


def test_a_participant_kernel_keeps_no_history_and_the_manager_allows_a_hall():
    # Its own thread and event loop: in the whole suite, Playwright's sync API leaves a loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _kernel_without_history()).result(timeout=120)


async def _kernel_without_history():
    outputs: list[str] = []
    manager = HallKernelManager()
    assert manager.context.get(zmq.MAX_SOCKETS) >= 9 * 300
    kid = await manager.start_kernel(kernel_name="python3")
    try:
        client = manager.get_kernel(kid).client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive(
            "print(get_ipython().history_manager.enabled)", timeout=60,
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(outputs).strip() == "False"
        client.stop_channels()
    finally:
        await manager.shutdown_kernel(kid, now=True)
        manager.context.destroy(linger=0)



def test_a_loaded_server_waits_for_a_cells_output_rather_than_drop_it():
    import json

    from toolkit.paths import REPO_ROOT

    settings = json.loads((REPO_ROOT / "voila.json").read_text(encoding="utf-8"))
    assert settings["VoilaExecutor"]["iopub_timeout"] >= 30  # nbclient's 4 s lost the page of a hall's joiner
