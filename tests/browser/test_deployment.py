"""README's deployment beyond one machine, run for real: two Voila servers sharing one PostgreSQL,
behind nginx configured by deploy/nginx-pbgdpl.conf (that very file, with free ports for its own).

- The trainer creates a session on server A; the join URL and QR code point at the proxy
  (TOOLKIT_PUBLIC_URL), which is what the participants' phones can reach.
- One participant joins through the proxy (so its page's websocket crosses nginx), another on server
  B directly; both answer.
- The trainer's live dashboard on server A counts both: the servers share nothing but the database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.workshop_steps import (
    JOIN,
    TRAINER,
    Q,
    T,
    answer,
    attempt_of,
    close_context,
    create_session,
    join,
    new_phone,
)
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank
from toolkit.serving.serve import NOTEBOOK_DIR, REPO_ROOT, die_with_parent, render_url
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

CONFIG = REPO_ROOT / "deploy" / "nginx-pbgdpl.conf"
PG_URL = os.environ.get("TOOLKIT_TEST_POSTGRES_URL")
NGINX = shutil.which("nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")


def _needed(what: str, why: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing under CI: {why}", pytrace=False)
    pytest.skip(f"{what} is missing: {why}")


@pytest.fixture
def shared_database():
    """A new PostgreSQL database of its own (the store tests reset the shared one's schema)."""
    if not PG_URL:
        _needed("TOOLKIT_TEST_POSTGRES_URL", "`make test` (tools/test-machine.sh) starts PostgreSQL and sets it")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"pbgdpl_deploy_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_config(text: str, port_a: int, port_b: int, proxy_port: int) -> str:
    for old, new in (("127.0.0.1:8866;", f"127.0.0.1:{port_a};"), ("127.0.0.1:8867;", f"127.0.0.1:{port_b};"),
                     ("listen 8080;", f"listen 127.0.0.1:{proxy_port};")):
        assert text.count(old) == 1, f"{CONFIG.name} no longer has exactly one “{old}”: update this test with it"
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def running_nginx(folder: Path, site: str, port: int):
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(mode=0o777)
    (folder / "pbgdpl.conf").write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 512; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/pbgdpl.conf;
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"),
                            preexec_fn=die_with_parent)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(render_url(base), timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not serve {base}: {(folder / 'stderr.log').read_text(errors='replace')}"
                            f"{(folder / 'error.log').read_text(errors='replace')[-2000:]}", pytrace=False)
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_servers_one_postgresql_behind_nginx(page, browser, voila_factory, wait_for_widgets, shared_database,
                                                 tmp_path):
    if not NGINX:
        _needed("nginx", "`make test` (tools/test-machine.sh) installs Debian's nginx for this test")
    proxy_port = _free_port()
    proxy = f"http://127.0.0.1:{proxy_port}"
    env = {"TOOLKIT_PUBLIC_URL": proxy}  # what `toolkit serve` is told on each machine behind the proxy
    server_a = voila_factory(NOTEBOOK_DIR, database_url=shared_database, extra_env=env)
    server_b = voila_factory(NOTEBOOK_DIR, database_url=shared_database, extra_env=env)
    a_port, b_port = (int(s.base_url.rsplit(":", 1)[1]) for s in (server_a, server_b))
    site = render_config(CONFIG.read_text(encoding="utf-8"), a_port, b_port, proxy_port)
    bank = {q.id: q for q in question_bank(load_plan())[0]}
    store = Store(shared_database)

    with running_nginx(tmp_path, site, proxy_port):
        code = create_session(page, server_a.url(TRAINER), server_a.passcode, wait_for_widgets)
        trainer = page.locator(T)
        via_proxy = f"{render_url(proxy, JOIN)}?code={code}"
        expect(trainer.locator(".join-url")).to_have_text(via_proxy)  # what the QR code holds
        expect(trainer.locator(".counts")).to_have_text("Đã tham gia: 0 · Đã nộp bài: 0 · Đang làm: 0")

        people = {"Phạm Thu Hà": via_proxy, "Đỗ Minh Quân": f"{server_b.url(JOIN)}?code={code}"}
        contexts = [new_phone(browser) for _ in people]
        try:
            for context, (name, url) in zip(contexts, people.items()):
                phone = context.new_page()
                join(phone, url, wait_for_widgets, code, name)
                raw = attempt_of(store, code, name).items[0]
                answer(phone, bank[raw["q"]], raw, right=True)
                expect(phone.locator(f"{Q} .progress-text")).to_contain_text("Đã trả lời 1/5")

            # Server A's dashboard sees the participant served by B (and the one behind the proxy).
            expect(trainer.locator(".counts")).to_have_text("Đã tham gia: 2 · Đã nộp bài: 0 · Đang làm: 2")
            for name in people:
                expect(trainer.locator("table.people")).to_contain_text(name)
            attempts = SessionStore(store).attempts(code)
            assert len(attempts) == 2
            assert [len(store.responses(a.id)) for a in attempts] == [1, 1]
            assert server_a.kernel_count() >= 1 and server_b.kernel_count() >= 1
        finally:
            for context in contexts:
                close_context(context)
        # The proxied page's kernel websocket went through nginx, upgraded (nginx logs it once closed).
        deadline = time.monotonic() + 15
        while not any("/channels" in line and '" 101 ' in line
                      for line in (tmp_path / "access.log").read_text(errors="replace").splitlines()):
            assert time.monotonic() < deadline, (tmp_path / "access.log").read_text(errors="replace")[-2000:]
            time.sleep(0.3)
    store.engine.dispose()
