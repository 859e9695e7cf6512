"""Figure 3: a room (or a hall) of N participants joining at once, at the protocol level (participants.py).

All N start at the same instant. "All usable" is the time until the last of them has every widget
state. Then, together, they sign in and reach their first question (the bare page has nothing to
do); the room is left idle for ``IDLE_WINDOW_S`` to measure what N idle kernels and their server
cost per second; then all N answer, every answer → feedback round trip is recorded; then all N
finish. Finally every page closes as a browser tab does (the shutdown POST) and the kernels still
running are counted.

CPU, always split into the Voila server process and the participants' kernels (a trainer's
kernel is counted on its own):

- per join: from the first request to the last page usable, divided by N (for a preheated pool,
  only what the pool's kernels used after the room arrived);
- per sign-in: from the go-ahead to the last first question, divided by N;
- per answer: while all N answer (answer → feedback → next question, nothing else), divided by
  the answers, less the idle cost of that time (``idle_*_per_s`` × the answering time). The gross
  figure is kept beside it.

Messages and bytes per answer are each answer's own (the answer's values, "Trả lời", "Câu tiếp
theo" and every reply to them), in each direction. The simulator's own CPU and how late its event
loop ran are measured too: it shares the machine's cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import time
from dataclasses import dataclass, field

import psutil

from benchmarks.participants import (
    QUESTIONS,
    BareParticipant,
    Barriers,
    QuizParticipant,
    Trainer,
    WorkshopParticipant,
    join_timeout,
)
from benchmarks.protocol import Traffic, _http, now, run_async
from benchmarks.server import BENCH_PASSCODE, Server

CLOSE_WAIT_S = 60.0
IDLE_WINDOW_S = 3.0  # the room idle, everyone on their first question: the cost of N kernels doing nothing
WATCH_EVERY_S = 2.0
LAG_EVERY_S = 0.05
KINDS = {"quiz": QuizParticipant, "bare": BareParticipant, "workshop": WorkshopParticipant}


@dataclass
class RoomResult:
    notebook: str
    n: int
    all_usable_s: float
    usable_median_s: float
    round_trips: list[float]
    cpu_per_join_s: float
    kernels_before: int
    kernels_left: int
    shutdown_codes: dict[int, int]
    errors: list[str] = field(default_factory=list)
    join_failures: int = 0
    answered: int = 0
    answering_s: float = 0.0
    wall_s: float = 0.0
    # while all N answered, per answer (or click), less the idle cost of that time
    cpu_per_answer_s: float = float("nan")
    server_cpu_per_answer_s: float = float("nan")  # the Voila process(es) alone
    kernel_cpu_per_answer_s: float = float("nan")  # the participants' kernels alone
    gross_cpu_per_answer_s: float = float("nan")  # idle cost included
    idle_server_cpu_per_s: float = float("nan")
    idle_kernel_cpu_per_s: float = float("nan")
    server_cpu_per_join_s: float = float("nan")  # of cpu_per_join_s, the Voila process(es)
    kernel_cpu_per_join_s: float = float("nan")  # and the participants' kernels
    sign_in_cpu_s: float = float("nan")  # per participant, server + kernels, from go-ahead to first question
    traffic: Traffic = field(default_factory=Traffic)  # all answers' messages and replies
    kernel_rss_mb: list[float] = field(default_factory=list)  # participants' kernels after answering
    client_cpu_per_answer_s: float = float("nan")  # the simulator's own process while all answered
    loop_lag_ms: list[float] = field(default_factory=list)  # how late the simulator's loop woke, answering
    dashboard: dict | None = None
    stored: int | None = None  # answers in the database, distinct (attempt, position), of this room's names
    names: list[str] = field(default_factory=list)
    kernel_start_failures: int = 0  # "Address already in use" in the server log during the room
    log_problems: dict[str, int] = field(default_factory=dict)
    load_start: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpus: int = 0
    think_s: tuple[float, float] = (0.0, 0.0)
    pool_fill_s: float | None = None
    pool_ready: bool | None = None
    pool_start_failures: int = 0

    @property
    def rtt_median_ms(self) -> float:
        return 1000 * statistics.median(self.round_trips) if self.round_trips else float("nan")

    @property
    def rtt_p95_ms(self) -> float:
        return 1000 * percentile(self.round_trips, 95) if self.round_trips else float("nan")

    @property
    def answers_lost(self) -> int | None:
        return None if self.stored is None else self.answered - self.stored

    @property
    def rss_median_mb(self) -> float:
        return statistics.median(self.kernel_rss_mb) if self.kernel_rss_mb else float("nan")

    def per_answer(self, count: int) -> float:
        return count / self.answered if self.answered else float("nan")


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (no interpolation: p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


class _Cpu:
    """CPU used by the servers and their kernels since a snapshot (kernels started later count whole).

    ``exclude``: kernel processes counted apart (the trainer's).
    """

    def __init__(self, servers, exclude: set[int] = frozenset()):
        self.servers, self.exclude = servers, exclude
        self.at = now()
        self.kernels = [s.kernel_cpu(exclude) for s in servers]
        self.server = [s.cpu_seconds() for s in servers]

    def used(self) -> float:
        return sum(self.split())

    def split(self) -> tuple[float, float]:
        """(Voila processes, kernels): a Voila process is one thread, so it alone saturates at one core."""
        servers = kernels_total = 0.0
        for s, kernels, server in zip(self.servers, self.kernels, self.server):
            servers += s.cpu_seconds() - server
            kernels_total += sum(t - kernels.get(pid, 0.0) for pid, t in s.kernel_cpu(self.exclude).items())
        return servers, kernels_total


class KernelWatch:
    """Which kernel processes run, scanned for the whole room every ``WATCH_EVERY_S`` in a thread.

    Replaces each page's own question to the server (protocol.Page._watch_kernel), which at 200
    pages would be 100 requests a second on the server being measured.
    """

    def __init__(self, servers):
        self.servers = servers
        self.ids: set[str] = set()
        self.scanned_at: float | None = None  # when the latest complete scan began
        self._task: asyncio.Task | None = None

    def gone(self, kernel_id: str, since: float) -> bool:
        return self.scanned_at is not None and self.scanned_at > since and kernel_id not in self.ids

    def _scan(self) -> tuple[float, set[str]]:
        began = now()
        return began, {kid for s in self.servers for kid in s.kernel_ids()}

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.scanned_at, self.ids = await loop.run_in_executor(None, self._scan)
            await asyncio.sleep(WATCH_EVERY_S)

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class LoopLag:
    """How late the simulator's event loop wakes up: a late loop would add its delay to every round trip."""

    def __init__(self):
        self.lags: list[float] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            before = now()
            await asyncio.sleep(LAG_EVERY_S)
            self.lags.append(1000 * (now() - before - LAG_EVERY_S))

    def start(self) -> None:
        self.lags = []
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
        return self.lags


def _proc_cpu(proc: psutil.Process) -> float:
    try:
        t = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return t.user + t.system


def _client_cpu() -> float:
    return _proc_cpu(psutil.Process())


def stored_answers(url: str, names: list[str]) -> tuple[int, int]:
    """(responses, distinct (attempt, position)) of the attempts of these participants."""
    import sqlalchemy as sa

    from toolkit.storage.schema import attempts, participants, responses

    if not names:
        return 0, 0
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(responses.c.attempt_id, responses.c.position)
                                .select_from(responses.join(attempts).join(participants))
                                .where(participants.c.name.in_(names))).all()
    finally:
        engine.dispose()
    return len(rows), len({(r.attempt_id, r.position) for r in rows})


async def _in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def _room(servers: list[Server], kind, n: int, think, seed: int, questions: int,
                with_trainer: bool) -> RoomResult:
    http = _http()
    load_start = os.getloadavg()
    watch = KernelWatch(servers)
    watch.start()
    trainer, trainer_procs, trainer_pids, dashboard_stop, ticking = None, [], set(), asyncio.Event(), None
    if with_trainer:
        # The trainer opens the session before the room arrives, and its dashboard ticks from then on.
        trainer = Trainer(servers[0].base_url, http, BENCH_PASSCODE, questions, watch=watch)
        code = await trainer.open_session(f"Hội trường thử tải {n} người")
        kind = type(kind.__name__, (kind,), {"code": code})
        trainer_procs = [p for s in servers for kid, p in (await _in_thread(s.kernel_ids)).items()
                         if kid == trainer.page.kernel_id]
        trainer_pids = {p.pid for p in trainer_procs}
        ticking = asyncio.ensure_future(trainer.keep_ticking(dashboard_stop))
    kernels_before = sum(s.kernel_count() for s in servers)
    failures_before = sum(s.kernel_start_failures() for s in servers)
    problems_before = [s.log_problems() for s in servers]
    joining_cpu = await _in_thread(_Cpu, servers, trainer_pids)
    room = Barriers(n)
    tag = f"{secrets.randbelow(10**6):06d}"
    people = [kind(servers[i % len(servers)].base_url, i, http, think=think, seed=seed, questions=questions,
                   watch=watch, join_timeout_s=join_timeout(n), tag=tag) for i in range(n)]
    t0 = now()
    tasks = [asyncio.ensure_future(p.run(t0, room)) for p in people]

    await room.all_reached("joined")
    server_joining, kernels_joining = await _in_thread(joining_cpu.split)
    cpu_joining = server_joining + kernels_joining
    watch.stop()
    setup_cpu = await _in_thread(_Cpu, servers, trainer_pids)
    room.release("go")

    await room.all_reached("ready")
    sign_in_cpu = await _in_thread(setup_cpu.used)
    idle_cpu = await _in_thread(_Cpu, servers, trainer_pids)
    await asyncio.sleep(IDLE_WINDOW_S)
    idle_server, idle_kernels = await _in_thread(idle_cpu.split)
    idle_s = now() - idle_cpu.at
    answering_cpu = await _in_thread(_Cpu, servers, trainer_pids)
    trainer_before = sum(_proc_cpu(p) for p in trainer_procs)
    client_before = _client_cpu()
    lag = LoopLag()
    lag.start()
    answering_started = now()
    room.release("answer")

    await room.all_reached("answered")
    answering_s = now() - answering_started
    client_answering = _client_cpu() - client_before
    lags = lag.stop()
    server_answering, kernels_answering = await _in_thread(answering_cpu.split)
    trainer_answering = sum(_proc_cpu(p) for p in trainer_procs) - trainer_before
    rss = [mb for s in servers for mb in await _in_thread(s.kernel_rss_mb, trainer_pids)]
    room.release("finish")
    await asyncio.gather(*tasks)

    dashboard = None
    if trainer is not None:
        dashboard_stop.set()
        await ticking
        dashboard = trainer.tick_report(answering_started, answering_started + answering_s)
        dashboard.update(interval_s=trainer.interval_s, error=trainer.error,
                         trainer_kernel_cpu_s=trainer_answering,
                         trainer_kernel_cpu_per_tick_s=(trainer_answering / dashboard["ticks"]
                                                        if dashboard["ticks"] else float("nan")))
    codes: dict[int, int] = {}
    pages = [p.page for p in people] + ([trainer.page] if trainer else [])
    for code in await asyncio.gather(*(page.close() for page in pages)):
        codes[code] = codes.get(code, 0) + 1
    usable = [p.usable_at for p in people if p.usable_at is not None]
    rtts = [x for p in people for x in p.round_trips]
    errors = [f"{p.index}: {p.error}" for p in people if p.error]
    http.close()

    # The shutdowns were answered (204); the processes take a moment to exit.
    def left_running() -> int:
        return sum(s.wait_kernels(0, CLOSE_WAIT_S) for s in servers)

    left = await _in_thread(left_running)
    answered = sum(p.answered for p in people)
    traffic = Traffic()
    for p in people:
        for cycle in p.cycles:
            traffic += cycle
    failures = sum(s.kernel_start_failures() for s in servers) - failures_before
    problems = {}
    for s, before in zip(servers, problems_before):
        for key, count in s.log_problems().items():
            problems[key] = problems.get(key, 0) + count - before.get(key, 0)
    idle_server_rate, idle_kernel_rate = idle_server / idle_s, idle_kernels / idle_s
    net_server = max(0.0, server_answering - idle_server_rate * answering_s)
    net_kernels = max(0.0, kernels_answering - idle_kernel_rate * answering_s)

    def per(x: float) -> float:
        return x / answered if answered else float("nan")

    return RoomResult(
        notebook=kind.notebook, n=n,
        all_usable_s=max(usable) if usable else float("nan"),  # of those that joined; failures listed
        usable_median_s=statistics.median(usable) if usable else float("nan"),
        round_trips=rtts, cpu_per_join_s=cpu_joining / n, server_cpu_per_join_s=server_joining / n,
        kernel_cpu_per_join_s=kernels_joining / n,
        kernels_before=kernels_before, kernels_left=left, shutdown_codes=codes, errors=errors,
        join_failures=sum(p.failed_in == "join" for p in people),
        answered=answered, answering_s=answering_s,
        cpu_per_answer_s=per(net_server + net_kernels), server_cpu_per_answer_s=per(net_server),
        kernel_cpu_per_answer_s=per(net_kernels), gross_cpu_per_answer_s=per(server_answering + kernels_answering),
        idle_server_cpu_per_s=idle_server_rate, idle_kernel_cpu_per_s=idle_kernel_rate,
        sign_in_cpu_s=sign_in_cpu / n, traffic=traffic, kernel_rss_mb=rss,
        client_cpu_per_answer_s=per(client_answering), loop_lag_ms=lags, dashboard=dashboard,
        names=[p.name for p in people if getattr(p, "name", None)], kernel_start_failures=failures,
        log_problems={k: v for k, v in problems.items() if v}, load_start=load_start, load_end=os.getloadavg(),
        cpus=os.cpu_count() or 0, think_s=tuple(think))


def run_room(server: Server | list[Server], notebook_kind: str, n: int, think=(0.0, 0.0), seed: int = 0,
             questions: int = QUESTIONS, with_trainer: bool | None = None) -> RoomResult:
    """N participants of one kind; with several servers, participant i joins server i mod len(servers).

    A workshop room has a trainer (its session, its dashboard ticking) unless `with_trainer` is False.
    """
    kind = KINDS[notebook_kind]
    servers = server if isinstance(server, list) else [server]
    trainer = notebook_kind == "workshop" if with_trainer is None else with_trainer
    started = time.monotonic()
    result = run_async(lambda: _room(servers, kind, n, think, seed, questions, trainer))
    result.wall_s = time.monotonic() - started
    if notebook_kind != "bare":
        result.stored = stored_answers(servers[0].database_url, result.names)[1]
    return result
