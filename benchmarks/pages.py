"""Figures 1 and 2: one real headless Chromium loads each page, one page at a time.

Each load is fresh (a new browser context: no cache, no cookies) and is timed from ``goto`` to
"usable", the condition of the browser tests' ``wait_for_widgets`` (imported from
tests/browser/conftest.py, so the two cannot drift apart). After each load we read the page's
kernel id, measure that kernel (RSS, USS, CPU) and the server's CPU, then close the page as a
user does (Voila's shutdown beacon) and wait until its kernel is gone, so loads do not overlap.
Notebooks are interleaved round by round, so a drift of the machine hits every page alike.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from benchmarks.server import Server

SETTLE_S = 0.3  # after usable, before reading memory: the kernel finishes sending states


def _conftest():
    from tests.browser import conftest  # the browser tests' Chromium path, args and "usable" condition

    return conftest


@dataclass
class Load:
    seconds: float
    rss_mb: float
    uss_mb: float
    server_cpu_s: float  # Voila process CPU during the load
    kernel_cpu_s: float  # CPU the page's kernel used until usable (a preheated kernel: since taken)
    kernel_id: str
    maps: dict[str, bool] = field(default_factory=dict)
    error: str | None = None

    @classmethod
    def failed(cls, error: str) -> "Load":
        nan = float("nan")
        return cls(nan, nan, nan, nan, nan, "", {}, error)

    @property
    def cpu_per_join(self) -> float:
        return self.server_cpu_s + self.kernel_cpu_s


def _mapped(pid: int) -> dict[str, bool]:
    """Which heavy packages' compiled extensions the kernel process has mapped (i.e. imported)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return {}
    return {"pandas": "/pandas/_libs/" in maps, "matplotlib": "/matplotlib/" in maps,
            "numpy": "/numpy/" in maps, "PIL": "/PIL/" in maps}


class Browser:
    def __init__(self):
        conftest = _conftest()
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=str(conftest.CHROMIUM), headless=True,
                                                args=conftest.CHROMIUM_ARGS)
        self.widgets_js = conftest._WIDGETS_JS
        self.close_like_a_user = conftest.close_like_a_user

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.browser.close()
        with contextlib.suppress(Exception):
            self._pw.stop()

    def load(self, server: Server, notebook: str, timeout_ms: int = 30_000) -> Load:
        """One fresh load; a page that never becomes usable is a failed load, not a crash."""
        try:
            return self._load(server, notebook, timeout_ms)
        except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError and friends
            return Load.failed(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")

    def _load(self, server: Server, notebook: str, timeout_ms: int) -> Load:
        context = self.browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(timeout_ms)
        try:
            page = context.new_page()
            kernels_before = server.kernel_cpu()
            cpu_before = server.cpu_seconds()
            started = time.perf_counter()
            page.goto(f"{server.base_url}/voila/render/{notebook}")
            page.wait_for_function(self.widgets_js, timeout=timeout_ms)
            seconds = time.perf_counter() - started
            server_cpu = server.cpu_seconds() - cpu_before
            kernel_id = page.evaluate(
                "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
            proc = server.kernel_process(kernel_id)
            kernel_cpu = sum(proc.cpu_times()[:2]) - kernels_before.get(proc.pid, 0.0)
            time.sleep(SETTLE_S)
            mem = proc.memory_full_info()
            load = Load(seconds, mem.rss / 2**20, mem.uss / 2**20, server_cpu, kernel_cpu, kernel_id,
                        _mapped(proc.pid))
        finally:
            closing = time.monotonic()
            self.close_like_a_user(context)
            self.close_s = time.monotonic() - closing
        # The page's kernel must be gone before the next load (the beacon shut it down).
        waiting = time.monotonic()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                server.kernel_process(kernel_id, timeout=0)
            except RuntimeError:
                break
            time.sleep(0.1)
        self.exit_wait_s = time.monotonic() - waiting
        return load


def measure_pages(browser: Browser, server: Server, notebooks: list[str], loads: int,
                  log=print) -> dict[str, list[Load]]:
    # The server's first page compiles its templates: one unmeasured load of the first notebook.
    browser.load(server, notebooks[0])
    results: dict[str, list[Load]] = {nb: [] for nb in notebooks}
    for round_ in range(loads):
        for notebook in notebooks:
            load = browser.load(server, notebook)
            results[notebook].append(load)
            log(f"  load {round_ + 1}/{loads} {notebook}: "
                + (f"FAILED {load.error}" if load.error else f"{load.seconds:.2f} s, RSS {load.rss_mb:.0f} MB")
                + f" (closing {getattr(browser, 'close_s', 0):.1f} s, kernel exit {getattr(browser, 'exit_wait_s', 0):.1f} s)")
    return results


def median(values) -> float:
    return statistics.median(values)


def kernel_left(server: Server) -> int:
    return server.kernel_count()


def process_memory(pid: int) -> tuple[float, float]:
    mem = psutil.Process(pid).memory_full_info()
    return mem.rss / 2**20, mem.uss / 2**20
