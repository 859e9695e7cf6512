"""Browser tests: a real Voila server, started exactly as ``toolkit serve`` starts it,
driven by Debian's headless Chromium through Playwright (never a downloaded browser).

Fixtures: ``voila_server`` (the app's notebooks/), ``voila_factory`` (serve another
folder), ``browser``, ``page`` (desktop), ``phone_page``, and the helpers
``wait_for_widgets`` / ``wait_for_rendered`` handed out as fixtures so no test
imports this conftest.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from toolkit.serving.serve import NOTEBOOK_DIR, REPO_ROOT, die_with_parent, render_url, voila_command, wait_until_ready

CHROMIUM = Path(os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium"))
# Running as root needs --no-sandbox; the rest keeps Chromium off the network and quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_BROWSER = os.environ.get("TOOLKIT_SKIP_BROWSER") == "1"
READY_TIMEOUT_S = 60
# A Voila page on 2 cores is usable in ~2-3 s; the margin covers a loaded CI machine.
WIDGETS_TIMEOUT_MS = 30_000
HERE = Path(__file__).resolve().parent
BROWSER_PASSCODE = "731905"


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: touch only tests under tests/browser.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if SKIP_BROWSER:
                item.add_marker(pytest.mark.skip(reason="TOOLKIT_SKIP_BROWSER=1"))


# ---------------------------------------------------------------- Voila server


@dataclass
class VoilaServer:
    base_url: str
    proc: subprocess.Popen
    log_path: Path
    # TOOLKIT_DATABASE_URL of this server: tests read what the pages stored (never a real database).
    database_url: str = ""
    # TOOLKIT_PASSCODE of this server: what the trainer and city pages accept.
    passcode: str = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def url(self, notebook: str) -> str:
        return render_url(self.base_url, notebook)

    def kernel_pids(self) -> list[int]:
        """Kernels are child processes of the server (Voila has no kernel-list API)."""
        kernels = []
        for child in psutil.Process(self.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "ipykernel_launcher" in " ".join(child.cmdline()):
                    kernels.append(child.pid)
        return kernels

    def kernel_count(self) -> int:
        return len(self.kernel_pids())

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    kernels = []
    with contextlib.suppress(psutil.Error):
        kernels = psutil.Process(proc.pid).children(recursive=True)
    # SIGTERM lets Voila shut its kernels down; kernels run in their own sessions.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for kernel in kernels:  # never leave a kernel behind, even if Voila died hard
        with contextlib.suppress(psutil.Error):
            kernel.kill()


@contextlib.contextmanager
def _running_voila(notebook_dir: Path, var_dir: Path, log_dir: Path, database_url: str | None = None,
                   extra_env: dict | None = None, extra_args: tuple[str, ...] = ()):
    port = _free_port()
    database_url = database_url or f"sqlite:///{var_dir / 'toolkit.sqlite'}"
    env = {
        **os.environ,
        # The app keeps its state here; tests must never touch a real database.
        "TOOLKIT_VAR_DIR": str(var_dir),
        "TOOLKIT_DATABASE_URL": database_url,
        # Protected pages unlock with this, never with the passcode of a real var/ folder.
        "TOOLKIT_PASSCODE": BROWSER_PASSCODE,
        **(extra_env or {}),
    }
    log_path = log_dir / "voila.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*voila_command(notebook_dir, port), *extra_args],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so teardown can signal it whole
            preexec_fn=die_with_parent,  # a killed pytest must not leave a server running
        )
        server = VoilaServer(base_url=f"http://127.0.0.1:{port}", proc=proc, log_path=log_path,
                             database_url=database_url, passcode=BROWSER_PASSCODE)
        try:
            if not wait_until_ready(server.base_url + "/", proc, READY_TIMEOUT_S):
                pytest.fail(
                    f"Voila did not answer on {server.base_url} within {READY_TIMEOUT_S} s "
                    f"(exit code {proc.poll()}). Log:\n{server.log_tail()}",
                    pytrace=False,
                )
            yield server
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def voila_factory(tmp_path_factory):
    """``voila_factory(notebook_dir, database_url=None, extra_env=None, extra_args=())`` starts one more
    server, stopped at session end (by default with its own SQLite database in a fresh folder)."""
    with contextlib.ExitStack() as stack:

        def start(notebook_dir: Path, database_url: str | None = None, extra_env: dict | None = None,
                  extra_args: tuple[str, ...] = ()) -> VoilaServer:
            var_dir = tmp_path_factory.mktemp("var")
            log_dir = tmp_path_factory.mktemp("voila-log")
            return stack.enter_context(_running_voila(Path(notebook_dir), var_dir, log_dir, database_url, extra_env,
                                                      extra_args))

        yield start


@pytest.fixture(scope="session")
def voila_server(voila_factory) -> VoilaServer:
    """Voila serving the app's notebooks/ on a free 127.0.0.1 port."""
    return voila_factory(NOTEBOOK_DIR)


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} and it is missing. "
            "Install it (apt-get install chromium) or set TOOLKIT_SKIP_BROWSER=1 "
            "to skip the browser tests knowingly.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def close_like_a_user(context) -> None:
    """Close every page the way closing a tab does (fires Voila's shutdown beacon)."""
    for open_page in context.pages:
        with contextlib.suppress(Exception):
            # Navigating away runs beforeunload and waits for it, unlike context.close().
            open_page.goto("about:blank", timeout=10_000)
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WIDGETS_TIMEOUT_MS)
    yield context.new_page()
    close_like_a_user(context)


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(WIDGETS_TIMEOUT_MS)
    yield context.new_page()
    close_like_a_user(context)


# ---------------------------------------------------------------- waiting for Voila

# Voila 0.5.13's lab template: `#loading` (spinner) is removed and `#rendered_cells`
# shown once every cell ran; each widget view starts as a
# <script type="application/vnd.jupyter.widget-view+json"> that the widget manager
# replaces with a `.jupyter-widgets` element once the view is rendered.
_RENDERED_JS = """() => {
  if (document.getElementById('loading')) return false;
  const cells = document.getElementById('rendered_cells');
  return !!cells && getComputedStyle(cells).display !== 'none';
}"""
_WIDGETS_JS = """() => {
  if (!(%s)()) return false;
  if (document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) return false;
  return [...document.querySelectorAll('#rendered_cells .jupyter-widgets')]
    .some(el => el.getClientRects().length > 0);
}""" % _RENDERED_JS


def _wait(page, script: str, what: str, timeout: float) -> None:
    try:
        page.wait_for_function(script, timeout=timeout)
    except Exception as error:  # Playwright's TimeoutError; say what the page showed
        text = ""
        with contextlib.suppress(Exception):
            text = page.inner_text("body")[:1500]
        raise AssertionError(f"{what} not reached on {page.url} within {timeout} ms: {error}\n"
                             f"Page text:\n{text}") from None


def _wait_for_rendered(page, timeout: float = WIDGETS_TIMEOUT_MS) -> None:
    """Voila finished running the notebook and shows the cells (widgets may still load)."""
    _wait(page, _RENDERED_JS, "Rendered page", timeout)


def _wait_for_widgets(page, timeout: float = WIDGETS_TIMEOUT_MS) -> None:
    """The page shows its cells and every widget view is rendered and visible."""
    _wait(page, _WIDGETS_JS, "Rendered widgets", timeout)


@pytest.fixture(autouse=True)
def _patient_expect():
    """Playwright's expect() waits 5 s by default; a kernel round trip on 2 busy cores can take longer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WIDGETS_TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def wait_for_rendered():
    return _wait_for_rendered


@pytest.fixture
def wait_for_widgets():
    return _wait_for_widgets
