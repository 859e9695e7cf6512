"""Voila servers for the benchmark, started as ``toolkit serve`` starts them (same command, same voila.json).

The served folder is built per run: copies of ``notebooks/*.ipynb`` (the apps, unchanged), the bare
one-button notebook of ``benchmarks/notebooks/``, and one probe notebook per app (the app's cell,
then a cell that reports which heavy modules the kernel has imported). One folder, one server: an
app and its baseline are measured on the same server in the same run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from toolkit.serving.serve import NOTEBOOK_DIR, REPO_ROOT, die_with_parent, voila_command, wait_until_ready

HERE = Path(__file__).resolve().parent
BENCH_PASSCODE = "246810"  # TOOLKIT_PASSCODE of every benchmark server: what the simulated trainer types
KERNEL_ID_IN_ARG = re.compile(r"kernel-([0-9a-f-]{36})\.json")
# What the server's log says when a room is too much for it (issue 16), counted per room.
LOG_PROBLEMS = {"too_many_open_files": "Too many open files", "address_in_use": "Address already in use",
                "kernel_died_starting": "KeyError: 'last_activity'", "database_locked": "database is locked",
                "kernel_info_timeout": "Timeout waiting for kernel_info", "kernel_died": "Kernel died",
                # nbclient gave up waiting for the cell's output: the page shows no widget (protocol.VIEW_RE)
                "output_lost": "Timeout waiting for IOPub output",
                "restarting": "restarting", "traceback": "Traceback (most recent call last)"}
EXTRA_ARGS: list[str] = []  # --voila-arg: added to every server's command (default none: exactly voila.json)
BARE = "bare.ipynb"
HEAVY = ("pandas", "matplotlib", "numpy", "openpyxl", "PIL", "scipy", "sqlalchemy", "alembic", "yaml", "jsonschema")
PROBE_CELL = f"""import sys as _sys, json as _json, ipywidgets as _w
_w.HTML(_json.dumps({{"probe": True, "modules": len(_sys.modules),
                     "loaded": sorted(m for m in {HEAVY!r} if m in _sys.modules)}}))"""

WARM = """
try:
    from toolkit.serving.warm import warm_caches
except ModuleNotFoundError as exc:
    if exc.name != "toolkit.serving.warm":
        raise
else:
    warm_caches()
"""


def app_notebooks() -> list[str]:
    return sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))


def probe_name(notebook: str) -> str:
    return f"probe-{notebook}"


def build_folder(root: Path) -> Path:
    """``root/served``: the app notebooks, the bare notebook and the probes."""
    served = root / "served"
    served.mkdir(parents=True, exist_ok=True)
    sources = {name: NOTEBOOK_DIR / name for name in app_notebooks()}
    sources[BARE] = HERE / "notebooks" / BARE
    for name, source in sources.items():
        shutil.copy2(source, served / name)
        nb = nbformat.read(source, as_version=4)
        probe_cell = nbformat.v4.new_code_cell(PROBE_CELL)
        probe_cell.id = "probe"
        nb.cells.append(probe_cell)
        nbformat.write(nb, served / probe_name(name))
    return served


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def preheat_args(pool: dict[str, int] | int, fill_delay: float) -> list[str]:
    """Voila's preheated kernels: a pool per notebook (a dict) or the same size for every notebook.

    ``fill_delay``: seconds before the pool refills after a kernel is taken (VOILA.md: the default
    1 s refill competes with a room that is still joining).
    """
    args = ["--preheat_kernel=True", f"--VoilaKernelManager.fill_delay={fill_delay:g}"]
    if isinstance(pool, int):
        args.append(f"--pool_size={pool}")
    else:
        config = {"default": {"pool_size": 0}, **{nb: {"pool_size": n} for nb, n in pool.items()}}
        args.append(f"--VoilaKernelManager.kernel_pools_config={json.dumps(config)}")
    return args


@dataclass
class Server:
    base_url: str
    proc: subprocess.Popen
    log_path: Path
    database_url: str
    extra_args: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kernels(self) -> list[psutil.Process]:
        found = []
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(self.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if "ipykernel_launcher" in " ".join(child.cmdline()):
                        found.append(child)
        return found

    def kernel_count(self) -> int:
        return len(self.kernels())

    def kernel_process(self, kernel_id: str, timeout: float = 10.0) -> psutil.Process:
        deadline = time.monotonic() + timeout
        while True:
            for proc in self.kernels():
                with contextlib.suppress(psutil.Error):
                    if any(kernel_id in arg for arg in proc.cmdline()):
                        return proc
            if time.monotonic() > deadline:
                raise RuntimeError(f"no kernel process for {kernel_id}")
            time.sleep(0.1)

    def kernel_ids(self) -> dict[str, psutil.Process]:
        """Kernel id -> its process, from the connection file on each kernel's command line."""
        found = {}
        for proc in self.kernels():
            with contextlib.suppress(psutil.Error):
                for arg in proc.cmdline():
                    match = KERNEL_ID_IN_ARG.search(arg)
                    if match:
                        found[match.group(1)] = proc
        return found

    def kernel_rss_mb(self, exclude: set[int] = frozenset()) -> list[float]:
        out = []
        for proc in self.kernels():
            if proc.pid not in exclude:
                with contextlib.suppress(psutil.Error):
                    out.append(proc.memory_info().rss / 2**20)
        return out

    def log_problems(self) -> dict[str, int]:
        text = self.log_path.read_text(errors="replace")
        return {key: text.count(pattern) for key, pattern in LOG_PROBLEMS.items()}

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.pid).cpu_times()
        return times.user + times.system

    def kernel_cpu(self, exclude: set[int] = frozenset()) -> dict[int, float]:
        out = {}
        for proc in self.kernels():
            if proc.pid in exclude:
                continue
            with contextlib.suppress(psutil.Error):
                t = proc.cpu_times()
                out[proc.pid] = t.user + t.system
        return out

    def wait_kernels(self, expected: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        count = self.kernel_count()
        while count != expected and time.monotonic() < deadline:
            time.sleep(0.25)
            count = self.kernel_count()
        return count

    def wait_idle(self, expected_kernels: int, timeout: float, quiet_s: float = 1.0, give_up_s: float = 10.0) -> bool:
        """Until ``expected_kernels`` kernels run and none of them (nor the server) uses CPU.

        A preheated pool is ready when its kernels have started *and* run their notebook; Voila logs
        "filled" as soon as they have started, so we watch CPU instead. False if the machine has been
        quiet for ``give_up_s`` with fewer kernels (some died at start) or after ``timeout``.
        """
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            before = self.kernel_cpu()
            server_before = self.cpu_seconds()
            time.sleep(quiet_s)
            after = self.kernel_cpu()
            busy = sum(after.get(pid, 0) - before.get(pid, 0) for pid in after)
            busy += self.cpu_seconds() - server_before
            quiet = busy < 0.05 * quiet_s * (1 + len(after) / 20)
            if quiet and len(after) >= expected_kernels:
                return True
            quiet_since = (quiet_since or time.monotonic()) if quiet else None
            if quiet_since is not None and time.monotonic() - quiet_since > give_up_s:
                return False
        return False

    def kernel_start_failures(self) -> int:
        """Kernels that died binding their TCP ports (jupyter_client picks them before the kernel binds)."""
        return self.log_path.read_text(errors="replace").count("Address already in use")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        kernels = self.kernels()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for kernel in kernels:
            with contextlib.suppress(psutil.Error):
                kernel.kill()


@contextlib.contextmanager
def running(folder: Path, work: Path, extra_args: list[str] = (), name: str = "voila",
            database_url: str | None = None, ready_timeout: float = 120.0, init_database: bool = True):
    """A Voila server on a free loopback port serving ``folder``, with its own var dir and database."""
    var_dir = work / f"var-{name}"
    var_dir.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{var_dir / 'toolkit.sqlite3'}"
    if init_database:
        # The schema exists before the room arrives, as on any machine where the toolkit has run once.
        # On a brand-new database N kernels opening it at once race to create it (see README).
        from toolkit.storage.store import Store

        Store(database_url).engine.dispose()
    port = free_port()
    env = {**os.environ, "TOOLKIT_VAR_DIR": str(var_dir), "TOOLKIT_DATABASE_URL": database_url,
           "TOOLKIT_PASSCODE": BENCH_PASSCODE}
    # As `toolkit serve` does before Voila starts: the room reads the plans' cache, none builds it.
    # A checkout from before the warming has no such module, and its server did not warm either.
    subprocess.run([sys.executable, "-c", WARM], cwd=REPO_ROOT, env=env, check=True)
    log_path = work / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*voila_command(folder, port), *EXTRA_ARGS, *extra_args], cwd=REPO_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=die_with_parent)
    server = Server(f"http://127.0.0.1:{port}", proc, log_path, database_url, list(extra_args))
    try:
        if not wait_until_ready(server.base_url + "/", proc, ready_timeout):
            raise RuntimeError(f"Voila did not start ({proc.poll()}):\n{server.log_tail()}")
        yield server
    finally:
        server.stop()


def kernel_id_of(html: str) -> str | None:
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    return match.group(1) if match else None
