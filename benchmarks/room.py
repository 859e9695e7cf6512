"""Figure 3: a room of N participants joining at once, at the protocol level (participants.py).

All N start at the same instant. "All usable" is the time until the last of them has every widget
state. Then all N answer together (a shared start after the last one joined) and every
answer → feedback round trip is recorded. Finally every page closes as a browser tab does (the
shutdown POST) and the kernels still running are counted.

Server CPU per join: the Voila process's CPU plus the CPU every kernel used, from the first
request to the last page usable, divided by N (for a preheated pool, only what the pool's kernels
used after the room arrived). CPU per answer: the same, while all N answered, per answer.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

from benchmarks.participants import QUESTIONS, BareParticipant, QuizParticipant
from benchmarks.protocol import _http, now, run_async
from benchmarks.server import Server

CLOSE_WAIT_S = 60.0


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
    answered: int = 0
    answering_s: float = 0.0
    wall_s: float = 0.0
    cpu_per_answer_s: float = float("nan")  # servers + kernels while all N answered, per answer (or click)
    server_cpu_per_answer_s: float = float("nan")  # the Voila process(es) alone
    names: list[str] = field(default_factory=list)
    kernel_start_failures: int = 0  # "Address already in use" in the server log during the room
    pool_fill_s: float | None = None
    pool_ready: bool | None = None
    pool_start_failures: int = 0

    @property
    def rtt_median_ms(self) -> float:
        return 1000 * statistics.median(self.round_trips) if self.round_trips else float("nan")

    @property
    def rtt_p95_ms(self) -> float:
        return 1000 * percentile(self.round_trips, 95) if self.round_trips else float("nan")


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (no interpolation: p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


class _Cpu:
    """CPU used by the servers and all their kernels since a snapshot (kernels started later count whole)."""

    def __init__(self, servers):
        self.servers = servers
        self.kernels = [s.kernel_cpu() for s in servers]
        self.server = [s.cpu_seconds() for s in servers]

    def used(self) -> float:
        return sum(self.split())

    def split(self) -> tuple[float, float]:
        """(Voila processes, kernels): a Voila process is one thread, so it alone saturates at one core."""
        servers = kernels_total = 0.0
        for s, kernels, server in zip(self.servers, self.kernels, self.server):
            servers += s.cpu_seconds() - server
            kernels_total += sum(t - kernels.get(pid, 0.0) for pid, t in s.kernel_cpu().items())
        return servers, kernels_total


async def _room(servers: list[Server], kind, n: int, think, seed: int, questions: int) -> RoomResult:
    http = _http()
    kernels_before = sum(s.kernel_count() for s in servers)
    failures_before = sum(s.kernel_start_failures() for s in servers)
    joining_cpu = _Cpu(servers)
    go = asyncio.Event()
    joined = [0]
    cpu_at_all_joined: list[float] = []
    answering_cpu: list[_Cpu] = []

    def on_joined():
        joined[0] += 1
        if joined[0] == n:
            cpu_at_all_joined.append(joining_cpu.used())
            answering_cpu.append(_Cpu(servers))
            go.set()

    people = [kind(servers[i % len(servers)].base_url, i, http, think=think, seed=seed, questions=questions)
              for i in range(n)]
    t0 = now()
    tasks = [asyncio.ensure_future(p.run(t0, go, on_joined)) for p in people]
    await go.wait()
    answering_started = now()
    await asyncio.gather(*tasks)
    answering_s = now() - answering_started
    server_answering, kernels_answering = answering_cpu[0].split()
    cpu_answering = server_answering + kernels_answering
    codes: dict[int, int] = {}
    for code in await asyncio.gather(*(p.page.close() for p in people)):
        codes[code] = codes.get(code, 0) + 1
    usable = [p.usable_at for p in people if p.usable_at is not None]
    rtts = [x for p in people for x in p.round_trips]
    errors = [f"{p.index}: {p.error}" for p in people if p.error]
    http.close()

    # The shutdowns were answered (204); the processes take a moment to exit.
    def left_running() -> int:
        return sum(s.wait_kernels(0, CLOSE_WAIT_S) for s in servers)

    left = await asyncio.get_running_loop().run_in_executor(None, left_running)
    answered = sum(p.answered for p in people)
    failures = sum(s.kernel_start_failures() for s in servers) - failures_before
    return RoomResult(
        notebook=kind.notebook, n=n,
        all_usable_s=max(usable) if usable else float("nan"),  # of those that joined; failures listed
        usable_median_s=statistics.median(usable) if usable else float("nan"),
        round_trips=rtts, cpu_per_join_s=(cpu_at_all_joined[0] / n) if cpu_at_all_joined else float("nan"),
        kernels_before=kernels_before, kernels_left=left, shutdown_codes=codes, errors=errors,
        answered=answered, answering_s=answering_s,
        cpu_per_answer_s=cpu_answering / answered if answered else float("nan"),
        server_cpu_per_answer_s=server_answering / answered if answered else float("nan"),
        names=[p.name for p in people if getattr(p, "name", None)], kernel_start_failures=failures)


def run_room(server: Server | list[Server], notebook_kind: str, n: int, think=(0.0, 0.0), seed: int = 0,
             questions: int = QUESTIONS) -> RoomResult:
    """N participants of one kind; with several servers, participant i joins server i mod len(servers)."""
    kind = {"quiz": QuizParticipant, "bare": BareParticipant}[notebook_kind]
    servers = server if isinstance(server, list) else [server]
    started = time.monotonic()
    result = run_async(lambda: _room(servers, kind, n, think, seed, questions))
    result.wall_s = time.monotonic() - started
    return result
