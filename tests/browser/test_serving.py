"""The real server, as participants reach it: sources hidden, no tracebacks,
no kernel left behind, no URL overrides, loopback only."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import nbformat
import psutil
import pytest

HOME = "0-trang-chu.ipynb"
SECRET = "toolkit-secret-4242"


def text_of(markup: str) -> str:
    """Markup without tags and entities: highlighted source splits code into <span>s."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def wait_for_kernel_gone(pid: int, timeout: float = 15.0) -> bool:
    try:
        psutil.Process(pid).wait(timeout=timeout)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        return False
    return True


def test_home_page_renders_widgets_without_notebook_source(voila_server, page, wait_for_widgets):
    response = page.goto(voila_server.url(HOME))
    assert response.status == 200
    wait_for_widgets(page)
    # strip_sources: neither the HTML Voila sent nor the live DOM holds the code cell.
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0
    for markup in (response.text(), page.content()):
        assert "toolkit.ui import" not in text_of(markup)


def test_home_page_fits_a_phone_screen(voila_server, phone_page, wait_for_widgets):
    phone_page.goto(voila_server.url(HOME))
    wait_for_widgets(phone_page)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than a 375px phone screen"


def test_closing_the_page_shuts_its_kernel_down(voila_server, browser, wait_for_widgets):
    # Only this page's kernel is watched: an earlier test's beacon may be lost like a phone's on a
    # dropped network, and culling (voila.json) is the net for those, minutes later.
    before = set(voila_server.kernel_pids())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(voila_server.url(HOME))
        wait_for_widgets(page)
        (kernel,) = set(voila_server.kernel_pids()) - before
        # The kernel talks to Voila over Unix sockets (voila.json: KernelManager.transport=ipc): no TCP
        # port to collide with another kernel starting at the same moment, none open to other users.
        cmdline = psutil.Process(kernel).cmdline()
        connection = json.loads(Path(cmdline[cmdline.index("-f") + 1]).read_text())
        assert connection["transport"] == "ipc"
        bound = {c.laddr for c in psutil.Process(kernel).net_connections(kind="unix")}
        assert {f"{connection['ip']}-{port}" for port in range(1, 6)} <= bound  # shell, iopub, stdin, control, hb
        # Closing the tab fires Voila's beforeunload beacon to /voila/api/shutdown/<id>,
        # which gets 403 without Voila.tornado_settings.disable_check_xsrf (voila#1458).
        page.close(run_before_unload=True)
        assert wait_for_kernel_gone(kernel), f"kernel {kernel} still running after the page closed"
    finally:
        context.close()


@pytest.fixture(scope="module")
def raising_server(voila_factory, tmp_path_factory):
    folder = tmp_path_factory.mktemp("raising-notebooks")
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Trang lỗi"),
            nbformat.v4.new_code_cell(f'raise RuntimeError("{SECRET}")'),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "raises.ipynb")
    return voila_factory(folder)


def test_notebook_error_shows_no_traceback_or_source(raising_server, page, wait_for_rendered):
    response = page.goto(raising_server.url("raises.ipynb"))
    wait_for_rendered(page)
    for markup in (response.text(), page.content()):
        text = text_of(markup)
        assert SECRET not in text  # neither the source line nor the exception message
        assert "RuntimeError" not in text
        assert "Traceback" not in text
    assert "Trang lỗi" in page.inner_text("body")  # the page did render, minus the error


def test_template_and_theme_overrides_in_url_are_ignored(voila_server, page, wait_for_widgets):
    # Voila 0.5 reads ?template= / ?theme=; older releases used the voila- prefix.
    query = "?template=reveal&theme=dark&voila-template=reveal&voila-theme=dark"
    response = page.goto(voila_server.url(HOME) + query)
    wait_for_widgets(page)
    html = response.text()
    assert "/voila/templates/pbgdpl/static/" in html  # the project's template (voila.json), not the URL's
    assert "/voila/templates/reveal/" not in html
    assert "theme-dark" not in html
    body_classes = page.get_attribute("body", "class").split()
    assert "theme-light" in body_classes and "theme-dark" not in body_classes


def test_server_listens_on_loopback_only(voila_server):
    listening = {
        conn.laddr.ip
        for conn in psutil.Process(voila_server.pid).net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }
    assert listening == {"127.0.0.1"}


def test_a_preheated_kernel_reads_the_join_code_of_the_request(voila_factory, page, wait_for_widgets):
    # With Voila's preheated kernels (a pool started before anyone arrives) the notebook runs before
    # the request exists; the participant page must still take ?code= from the QR code's link.
    from toolkit.serving.serve import NOTEBOOK_DIR, POOL_NOTEBOOK, pool_args

    join = POOL_NOTEBOOK
    server = voila_factory(NOTEBOOK_DIR, extra_args=tuple(pool_args(1)))  # as `toolkit serve --pool 1`
    deadline = time.monotonic() + 90
    while f"Kernel pool of {join} is filled" not in server.log_tail(20_000):
        assert time.monotonic() < deadline, server.log_tail()
        time.sleep(0.5)
    page.goto(server.url(join) + "?code=ABC234")
    wait_for_widgets(page)
    assert page.get_by_label("Mã phiên").input_value() == "ABC234"
    assert "Using pre-heated kernel" in server.log_tail(20_000)
