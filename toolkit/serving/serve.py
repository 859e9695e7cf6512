"""Start Voila on the ``notebooks/`` folder with the committed ``voila.json``.

Plain Python on purpose (no ipywidgets): the CLI and the browser tests import it,
and the browser tests start Voila with :func:`voila_command` so they test exactly
what ``toolkit serve`` runs.

Why ``voila.json`` (repo root, read because Voila is started there and pointed at it
with ``Voila.config_file_paths``) holds these values, checked against Voila 0.5.13:

- ``VoilaConfiguration.strip_sources`` / ``show_tracebacks=false``: participants see
  neither notebook code nor tracebacks from the first run of a notebook.
- ``VoilaConfiguration.allow_template_override`` / ``allow_theme_override="NO"``:
  ``?template=…`` / ``?theme=…`` in the URL are ignored.
- ``VoilaConfiguration.http_header_envs=["X-Forwarded-For"]``: Voila gives a kernel no client
  address; this header (as ``HTTP_X_FORWARDED_FOR``) is what lets the passcode lockout count per
  client behind a proxy (toolkit.serving.access says what it is worth without one).
- ``VoilaConfiguration.template="pbgdpl"`` (``share/jupyter/voila/templates/pbgdpl``, found because
  Voila runs through :mod:`toolkit.serving.voila_main`): Voila's lab template minus what it loads from
  the internet (Font Awesome from a CDN; Voila's own bundle already carries it), because a workshop
  room's LAN often has none; plus the upload guard, whose limits ``voila_main`` hands the template
  (:mod:`toolkit.serving.uploads`).
- ``Voila.tornado_settings.websocket_max_message_size=33554432`` (32 MiB, Tornado's default is 10 MiB):
  a FileUpload sends all chosen files in one websocket message, and a larger message closes the page's
  connection without a word. 32 MiB is above a whole selection (``MAX_SELECTION_BYTES``, 20 MB) plus
  the message's own overhead; tests/unit/test_uploads.py keeps the two in step.
- ``Voila.tornado_settings.disable_check_xsrf=true``: closing a page POSTs
  ``/voila/api/shutdown/<kernel>`` without the ``_xsrf`` cookie Voila never sets
  (voila#1458); with the check on, that request gets 403 and every page load
  leaves a kernel running. What the check would guard here is a cross-site page
  shutting down a kernel, and it would need the kernel's random id to do so.
- ``VoilaExecutor.iopub_timeout=60`` s: nbclient's 4 s default dropped a cell's output on a loaded
  server (a hall joining at once), leaving a page with a kernel and nothing on it.
- ``MappingKernelManager`` culling (the class Voila's kernel manager derives from):
  ``cull_idle_timeout=900`` s, ``cull_interval=60`` s, ``cull_connected=false``,
  ``cull_busy=false``. Culling is the safety net for pages that vanish without
  the shutdown request: phones rarely fire ``beforeunload``, a closed laptop lid
  or a lost Wi-Fi never does. A participant whose page is open (websocket
  connected) keeps their kernel however long they read; one whose phone slept
  through a 10-minute break still finds their kernel when the page reconnects,
  because only kernels with no connection for 15 minutes are culled. Answers are
  stored as they are given, so a culled kernel costs a reload, not work; and an
  abandoned kernel (55–75 MB, make bench) is freed within 16 minutes.
- ``KernelManager.transport="ipc"``: kernels talk to Voila over Unix sockets in Voila's private
  temporary folder instead of TCP ports on 127.0.0.1. With TCP, Voila picks five free ports per
  kernel and the kernel binds them a moment later; when a room joins at once another kernel (or
  one of Voila's own connections) can take a port in between, and that kernel dies with "Address
  already in use" and its participant gets an error page (seen in ``make bench``: 1 of 30 joins).
  Unix socket paths are unique per kernel, so this cannot happen, and no kernel port is open to
  other users of the machine.
- ``Voila.port_retries=0``: if the port is taken, fail instead of silently
  moving to another port than the one we print.
- ``Voila.open_browser=false``: the server may be headless; we print the URL.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from toolkit.paths import NOTEBOOK_DIR, REPO_ROOT

HOME_NOTEBOOK = "0-trang-chu.ipynb"
DEFAULT_PORT = 8866
LOCAL_IP = "127.0.0.1"
LAN_IP = "0.0.0.0"


def voila_command(notebook_dir: Path | str, port: int, ip: str = LOCAL_IP, pool: int = 0) -> list[str]:
    """The command that serves ``notebook_dir``; run it with ``cwd=REPO_ROOT``.

    ``config_file_paths`` names the repo root explicitly so the committed voila.json
    is the only Voila config read, whatever the cwd or a user's ~/.jupyter holds.
    """
    return [
        sys.executable,
        "-m",
        "toolkit.serving.voila_main",  # Voila, with the project's page template on its search path
        str(notebook_dir),
        f"--Voila.config_file_paths={REPO_ROOT}",
        f"--Voila.ip={ip}",
        f"--Voila.port={int(port)}",
        "--no-browser",
        *pool_args(pool),
    ]


POOL_NOTEBOOK = "4-tap-huan-tham-gia.ipynb"  # the page a whole room opens at once
POOL_FILL_DELAY_S = 10


def pool_args(participants: int) -> list[str]:
    """Voila options that start ``participants`` workshop pages' kernels before anyone arrives.

    A room opening the participant page together costs about a CPU-second per page on a 2-core laptop
    (make bench), so 60 arrivals queue for a minute unless their kernels already ran the page. Only
    the participant page is pooled: other pages are opened one at a time. A taken kernel is replaced
    after POOL_FILL_DELAY_S, not at once (Voila's 1 s default), so the refill does not compete with
    the rest of the room still joining; someone who comes after the pool is used up waits about that
    long plus a kernel start. Pooled kernels are never culled (Voila excludes them) and hold their
    memory while they wait.
    """
    if participants <= 0:
        return []
    pools = {"default": {"pool_size": 0}, POOL_NOTEBOOK: {"pool_size": int(participants)}}
    return ["--preheat_kernel=True", f"--VoilaKernelManager.fill_delay={POOL_FILL_DELAY_S}",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}"]


def die_with_parent() -> None:
    """``preexec_fn`` for Voila: Linux sends it SIGTERM when its parent dies.

    A ``toolkit serve`` or pytest that is killed (``timeout``, SIGKILL) cannot stop
    its Voila; without this, the server and all its kernels would keep running.
    On SIGTERM Voila shuts its kernels down itself.
    """
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _load_prctl():
    # Looked up once in the parent: the child, between fork and exec, only calls it.
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PR_SET_PDEATHSIG = 1
_prctl = _load_prctl()


def render_url(base_url: str, notebook: str = HOME_NOTEBOOK) -> str:
    return f"{base_url.rstrip('/')}/voila/render/{notebook}"


def wait_until_ready(base_url: str, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    """Poll ``base_url`` until Voila answers; False if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base_url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def port_is_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As Tornado does: a port left in TIME_WAIT by a previous run is free to listen on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def lan_addresses() -> list[str]:
    """Best guess at this machine's LAN IPv4 addresses, without sending any packet."""
    found: list[str] = []
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
        found = [a for a in out.split() if "." in a]
    except (OSError, subprocess.SubprocessError):
        pass
    if not found:
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
            found = sorted({info[4][0] for info in infos})
        except OSError:
            pass
    return [a for a in found if not a.startswith("127.")]


def workshop_lines(bases: list[str]) -> list[str]:
    """The two workshop pages, at each address participants and the trainer can use."""
    from toolkit.serving.pages import WORKSHOP_JOIN_NOTEBOOK, WORKSHOP_TRAINER_NOTEBOOK  # no ipywidgets import

    lines = []
    for base in bases:
        lines.append(f"Học viên tham gia phiên / Workshop participants: {render_url(base, WORKSHOP_JOIN_NOTEBOOK)}")
    for base in bases:
        lines.append(f"Báo cáo viên / Workshop trainer: {render_url(base, WORKSHOP_TRAINER_NOTEBOOK)}")
    return lines


def _warm() -> None:
    """Fill the data caches before any kernel starts; a failure here costs speed, never the server."""
    from toolkit.serving.warm import warm_caches

    try:
        warm_caches()
    except Exception as exc:  # noqa: BLE001 - each page loads and reports its data itself
        print(f"Chưa nạp sẵn được dữ liệu Kế hoạch ({exc}); các trang sẽ tự nạp. / "
              f"Could not preload the plans' data ({exc}); the pages will load it themselves.", file=sys.stderr)


def serve(lan: bool = False, port: int = DEFAULT_PORT, open_browser: bool = False, pool: int = 0) -> int:
    """Run Voila on ``notebooks/`` until stopped; return its exit code."""
    ip = LAN_IP if lan else LOCAL_IP
    if not port_is_free(ip, port):
        print(
            f"Cổng {port} đang được dùng. Chọn cổng khác: --port N\n"
            f"Port {port} is already in use. Choose another one: --port N",
            file=sys.stderr,
        )
        return 1
    cmd = voila_command(NOTEBOOK_DIR, port, ip, pool)
    _warm()
    addresses = lan_addresses() if lan else []
    env = dict(os.environ)
    if addresses and not env.get("TOOLKIT_PUBLIC_URL"):
        # The trainer's page builds the participants' join URL and QR code from this, even when the
        # trainer's own browser opened the page on 127.0.0.1 (a phone cannot reach that address).
        env["TOOLKIT_PUBLIC_URL"] = f"http://{addresses[0]}:{port}"
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, preexec_fn=die_with_parent)
    # `kill <pid>` / systemd stop: let Voila shut its kernels down before we exit.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        local_base = f"http://{LOCAL_IP}:{port}"
        if wait_until_ready(local_base + "/", proc):
            home = render_url(local_base)
            lines = [
                "",
                f"Trang chủ / Home page: {home}",
            ]
            bases = [local_base]
            if lan and addresses:
                bases = [f"http://{address}:{port}" for address in addresses]
                lines += [f"Trong mạng LAN / On the LAN: {render_url(base)}" for base in bases]
            elif lan:
                lines.append(
                    "Không đoán được địa chỉ LAN; dùng địa chỉ IP của máy này.\n"
                    "Could not guess the LAN address; use this machine's IP address."
                )
            if os.environ.get("TOOLKIT_PUBLIC_URL"):  # set by whoever runs a proxy in front: what users reach
                bases = [os.environ["TOOLKIT_PUBLIC_URL"].rstrip("/")]
            lines += workshop_lines(bases)
            if pool > 0:
                lines.append(f"Đang chuẩn bị sẵn {pool} trang cho học viên (khoảng {pool * 60} MB bộ nhớ). / "
                             f"Preparing {pool} participant pages ahead (about {pool * 60} MB of memory).")
            from toolkit.serving.access import ensure_passcode

            lines.append(f"Mã truy cập các trang báo cáo viên, tổng hợp Thành phố, duyệt kế hoạch / Passcode of the "
                         f"trainer, city and plan review pages: {ensure_passcode()}")
            lines.append("Nhấn Ctrl+C để dừng. / Press Ctrl+C to stop.")
            print("\n".join(lines), flush=True)
            if open_browser:
                import webbrowser

                webbrowser.open(home)
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl+C reached Voila too (same process group): wait while it stops its kernels.
        return proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="toolkit serve", description="Chạy Voila phục vụ các trang của bộ công cụ."
    )
    parser.add_argument(
        "--lan", action="store_true", help="mở cho mạng LAN (0.0.0.0) thay vì chỉ máy này"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng (mặc định 8866)")
    parser.add_argument("--open", action="store_true", help="mở trình duyệt")
    parser.add_argument("--pool", type=int, default=0, metavar="N",
                        help="chuẩn bị sẵn N trang tham gia tập huấn (cỡ lớp học) trước khi học viên vào")
    args = parser.parse_args(argv)
    return serve(lan=args.lan, port=args.port, open_browser=args.open, pool=args.pool)


if __name__ == "__main__":
    sys.exit(main())
