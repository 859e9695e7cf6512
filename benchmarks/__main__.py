"""``python -m benchmarks [--quick]``: print one JSON line per figure, then a summary line.

Every figure carries its baseline (measured in the same run), the ratio, the target from issue 6
and whether it is met. Progress goes to stderr; stdout holds only the JSON lines. The exit code is
0 whatever the figures say (the benchmark reports, it does not judge): non-zero only if the
benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import analytics_bench
from benchmarks import server as server_module
from benchmarks.participants import QUIZ_NOTEBOOK, WORKSHOP_NOTEBOOK
from benchmarks.room import percentile, run_room
from benchmarks.server import BARE, app_notebooks, build_folder, preheat_args, probe_name, running
from toolkit.serving.serve import REPO_ROOT

POOL_FILL_DELAY_S = 3600  # no refill while a figure is measured (VOILA.md: a 1 s refill competes with joins)
POOL_READY_TIMEOUT_S = 900
HEAVY_FOR_TARGET = ("pandas", "matplotlib")


_T0 = time.monotonic()


def log(*parts) -> None:
    print(f"[{time.monotonic() - _T0:6.0f} s]", *parts, file=sys.stderr, flush=True)


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class Report:
    def __init__(self, out_path: Path | None):
        self.lines: list[dict] = []
        self.out = open(out_path, "w") if out_path else None

    def figure(self, figure: str, value, unit: str, baseline_name: str, baseline, target: str | None = None,
               ok: bool | None = None, **detail) -> dict:
        ratio = value / baseline if isinstance(value, (int, float)) and isinstance(baseline, (int, float)) \
            and baseline not in (0, None) and not math.isnan(baseline) else None
        if target is not None and (detail.get("failed_loads") or detail.get("failed_participants")):
            ok = False  # a page that never became usable fails its figure whatever the median says
        line = {"figure": figure, "value": value, "unit": unit, "baseline_name": baseline_name,
                "baseline": baseline, "ratio": ratio, "target": target,
                "pass": None if target is None else bool(ok), **detail}
        line = _clean(line)
        self.lines.append(line)
        text = json.dumps(line, ensure_ascii=False)
        print(text, flush=True)
        if self.out:
            self.out.write(text + "\n")
            self.out.flush()
        return line

    def summary(self, **extra) -> None:
        judged = [x for x in self.lines if x["pass"] is not None]
        line = _clean({"summary": True, "figures": len(self.lines), "targets": len(judged),
                       "met": sum(1 for x in judged if x["pass"]),
                       "missed": [x["figure"] for x in judged if not x["pass"]], **extra})
        text = json.dumps(line, ensure_ascii=False)
        print(text, flush=True)
        if self.out:
            self.out.write(text + "\n")
            self.out.close()


def _median(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else float("nan")


def git_state() -> dict:
    def run(*cmd):
        try:
            return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = [line[3:] for line in run("git", "status", "--porcelain").splitlines()]
    return {"commit": run("git", "rev-parse", "--short", "HEAD"), "uncommitted_files": len(dirty)}


# ---------------------------------------------------------------- figures 1 and 2


def probe_modules(server, notebooks: list[str]) -> dict[str, dict]:
    """Load each app's probe notebook over the protocol: which heavy modules its kernel imported."""
    from benchmarks.protocol import Page, _http, run_async

    async def one(notebook):
        page = Page(server.base_url, probe_name(notebook), _http())
        try:
            try:
                await page.load()
            except Exception as exc:  # noqa: BLE001 - reported in the figure
                return {"error": f"{type(exc).__name__}: {exc}"}
            values = [s.get("value", "") for s in page.models.values() if s.get("_model_name") == "HTMLModel"]
            found = [json.loads(v) for v in values if v.startswith('{"probe"')]
            return found[0] if found else {"error": "no probe output (the app cell failed?)"}
        finally:
            await page.close()

    out = {}
    for notebook in notebooks:
        out[notebook] = run_async(lambda: one(notebook))
    server.wait_kernels(0, 30)
    return out


def preheated_query_string(server) -> dict:
    """Does a preheated quiz kernel see the request's query string (VOILA.md: wait_for_request)?

    The quiz reads ?lang= and ?unit= in ``from_environment``; a preheated kernel ran the notebook
    before any request, so it must wait for the request before reading QUERY_STRING.
    """
    from benchmarks.protocol import Page, _http, run_async

    async def check():
        page = Page(server.base_url, f"{QUIZ_NOTEBOOK}?lang=en&unit=quan_ba_dinh", _http())
        try:
            await page.load()
            english = bool(page.find_all("ButtonModel", description="Continue"))
            unit = page.find_all("DropdownModel", description="Unit")
            labels = page.models[unit[0]].get("_options_labels", []) if unit else []
            index = page.models[unit[0]].get("index") if unit else None
            chosen = labels[index] if unit and index is not None else None
            return {"english": english, "unit_chosen": chosen, "kernel_id": page.kernel_id,
                    "honoured": english and chosen == "UBND quận Ba Đình"}
        except Exception as exc:  # noqa: BLE001
            return {"honoured": False, "error": f"{type(exc).__name__}: {exc}"}
        finally:
            await page.close()

    result = run_async(check)
    kid = result.pop("kernel_id", None)
    result["served_by_pool"] = bool(kid) and f"Using pre-heated kernel: {kid}" in server.log_path.read_text(
        errors="replace")
    return result


def failures(loads, baseline_loads) -> dict:
    """Loads that never became usable (a failed notebook cell, a timeout): listed, and the figure fails."""
    errors = [x.error for x in loads if x.error]
    base = [x.error for x in baseline_loads if x.error]
    return ({"failed_loads": errors} if errors else {}) | ({"failed_baseline_loads": base} if base else {})


def page_figures(report: Report, work: Path, folder: Path, pages: list[str], loads: int) -> None:
    from benchmarks.pages import Browser, measure_pages

    notebooks = [BARE, *pages]
    browser = Browser()
    try:
        log(f"[1/4] pages, cold: {len(notebooks)} notebooks × {loads} fresh loads in one headless Chromium")
        with running(folder, work, name="pages-cold") as server:
            cold = measure_pages(browser, server, notebooks, loads, log=log)
            probes = probe_modules(server, notebooks)
        # + the bare warm-up load, + one quiz kernel for the query-string check
        pool = {nb: loads + (nb == BARE) + (nb == QUIZ_NOTEBOOK) for nb in notebooks}
        log(f"[1/4] pages, preheated: pool of {loads} per notebook, fill_delay {POOL_FILL_DELAY_S} s; filling…")
        started = time.monotonic()
        with running(folder, work, name="pages-preheated",
                     extra_args=preheat_args(pool, POOL_FILL_DELAY_S)) as server:
            ready = server.wait_idle(sum(pool.values()), POOL_READY_TIMEOUT_S)
            log(f"  pool {'ready' if ready else 'NOT ready'} after {time.monotonic() - started:.0f} s "
                f"({server.kernel_count()} kernels)")
            hot = measure_pages(browser, server, notebooks, loads, log=log)
            query = preheated_query_string(server)
    finally:
        browser.close()

    bare = cold[BARE]
    bare_s = _median([x.seconds for x in bare])
    bare_hot_s = _median([x.seconds for x in hot[BARE]])
    bare_rss = _median([x.rss_mb for x in bare])
    bare_uss = _median([x.uss_mb for x in bare])
    bare_cpu = _median([x.cpu_per_join for x in bare])
    for nb in pages:
        is_quiz = nb == QUIZ_NOTEBOOK
        s = _median([x.seconds for x in cold[nb]])
        report.figure(f"page_usable_cold:{nb}", s, "s", f"{BARE} cold", bare_s,
                      "≤ 1.2 × bare" if is_quiz else None, s <= 1.2 * bare_s,
                      loads=[x.seconds for x in cold[nb]], baseline_loads=[x.seconds for x in bare],
                      **failures(cold[nb], bare))
    for nb in pages:
        is_quiz = nb == QUIZ_NOTEBOOK
        s = _median([x.seconds for x in hot[nb]])
        report.figure(f"page_usable_preheated:{nb}", s, "s", f"{BARE} cold", bare_s,
                      "≤ 1.0 × bare cold" if is_quiz else None, s <= bare_s,
                      loads=[x.seconds for x in hot[nb]], bare_preheated=bare_hot_s,
                      ratio_to_bare_preheated=s / bare_hot_s if bare_hot_s else None, **failures(hot[nb], hot[BARE]))
    report.figure(f"preheated_query_string:{QUIZ_NOTEBOOK}", int(query["honoured"]), "bool",
                  "the same page from a normal kernel", 1, "?lang=en&unit=… honoured by a preheated kernel",
                  query["honoured"], **{k: v for k, v in query.items() if k != "honoured"})
    quiz_hot_rss = _median([x.rss_mb for x in hot[QUIZ_NOTEBOOK]])
    bare_hot_rss = _median([x.rss_mb for x in hot[BARE]])
    report.figure(f"kernel_rss_preheated:{QUIZ_NOTEBOOK}", quiz_hot_rss, "MB", f"{BARE} preheated kernel",
                  bare_hot_rss, "≤ bare + 40 MB", quiz_hot_rss <= bare_hot_rss + 40,
                  delta_mb=quiz_hot_rss - bare_hot_rss,
                  uss_mb=_median([x.uss_mb for x in hot[QUIZ_NOTEBOOK]]),
                  baseline_uss_mb=_median([x.uss_mb for x in hot[BARE]]))
    for nb in pages:
        is_quiz = nb == QUIZ_NOTEBOOK
        rss = _median([x.rss_mb for x in cold[nb]])
        uss = _median([x.uss_mb for x in cold[nb]])
        report.figure(f"kernel_rss:{nb}", rss, "MB", f"{BARE} kernel", bare_rss,
                      "≤ bare + 40 MB" if is_quiz else None, rss <= bare_rss + 40,
                      delta_mb=rss - bare_rss, uss_mb=uss, baseline_uss_mb=bare_uss, delta_uss_mb=uss - bare_uss,
                      preheated_rss_mb=_median([x.rss_mb for x in hot[nb]]),
                      preheated_uss_mb=_median([x.uss_mb for x in hot[nb]]),
                      preheated_baseline_rss_mb=_median([x.rss_mb for x in hot[BARE]]))
    bare_heavy = len([m for m in HEAVY_FOR_TARGET if m in probes.get(BARE, {}).get("loaded", [])])
    for nb in pages:
        is_quiz = nb == QUIZ_NOTEBOOK
        probe = probes.get(nb, {})
        loaded = probe.get("loaded", [])
        heavy = [m for m in HEAVY_FOR_TARGET if m in loaded]
        mapped = {k: any(x.maps.get(k) for x in cold[nb]) for k in ("pandas", "matplotlib", "numpy", "PIL")}
        report.figure(f"heavy_imports:{nb}", len(heavy), "modules", f"{BARE} kernel", bare_heavy,
                      "pandas and matplotlib not imported" if is_quiz else None,
                      not heavy and not mapped["pandas"] and not mapped["matplotlib"],
                      sys_modules=probe, extension_mapped_in_page_kernels=mapped)
    for nb in pages:
        is_quiz = nb == QUIZ_NOTEBOOK
        cpu = _median([x.cpu_per_join for x in cold[nb]])
        report.figure(f"cpu_per_join:{nb}", cpu, "CPU-s", f"{BARE} join", bare_cpu,
                      "≤ 1.2 × bare" if is_quiz else None, cpu <= 1.2 * bare_cpu,
                      server_cpu_s=_median([x.server_cpu_s for x in cold[nb]]),
                      kernel_cpu_s=_median([x.kernel_cpu_s for x in cold[nb]]),
                      baseline_server_cpu_s=_median([x.server_cpu_s for x in bare]),
                      baseline_kernel_cpu_s=_median([x.kernel_cpu_s for x in bare]),
                      preheated_cpu_per_join=_median([x.cpu_per_join for x in hot[nb]]))


# ---------------------------------------------------------------- figure 3


ROOM = 60  # issue 6's room: its targets (all usable vs bare, round trips) are judged at this size
HALL = 200  # issue 16's hall: its targets are judged at this size and above
HALL_USABLE_S = 15.0  # a hall of 200 with a pool of 200: all usable within 15 s of arriving
CPU_PER_ANSWER_RATIO = 3.0  # an answer (answer → feedback → next question) ≤ 3 × a bare click, server + kernel
RSS_OVER_BARE_MB = 15.0  # a participant kernel ≤ bare + 15 MB, measured in the room after answering
PAGES = {"bare": BARE, "quiz": QUIZ_NOTEBOOK, "workshop": WORKSHOP_NOTEBOOK}
PREFIX = {"quiz": "room", "workshop": "workshop"}  # the quiz keeps the figure names of earlier runs


def think_for(n: int, given: tuple[float, float] | None) -> tuple[float, float]:
    """Seconds a participant reads before each answer: `given`, or issue 6's 1.5–3.5 s in a room up to
    ROOM, issue 16's 5–15 s in a larger hall (1.5–3.5 s for 200 would be 80 answers a second).

    >>> think_for(60, None), think_for(200, None), think_for(200, (1.0, 2.0))
    ((1.5, 3.5), (5.0, 15.0), (1.0, 2.0))
    """
    if given:
        return given
    return (5.0, 15.0) if n > ROOM else (1.5, 3.5)


def load_warning(load_1min: float, cpus: int) -> bool:
    """True if the machine was not quiet: a 1-minute load above 0.5 per core.

    >>> load_warning(0.9, 2), load_warning(1.1, 2)
    (False, True)
    """
    return load_1min > 0.5 * max(1, cpus)


def room_detail(r) -> dict:
    return {"participants": r.n, "answered": r.answered, "failed_participants": len(r.errors),
            "errors": r.errors[:5], "usable_median_s": r.usable_median_s, "answering_s": r.answering_s,
            "cpu_per_answer_s": r.cpu_per_answer_s, "server_cpu_per_answer_s": r.server_cpu_per_answer_s,
            "kernel_cpu_per_answer_s": r.kernel_cpu_per_answer_s, "sign_in_cpu_s": r.sign_in_cpu_s,
            "server_cpu_per_join_s": r.server_cpu_per_join_s, "kernel_cpu_per_join_s": r.kernel_cpu_per_join_s,
            "kernel_start_failures": r.kernel_start_failures, "server_log": r.log_problems,
            "shutdown_responses": {str(k): v for k, v in r.shutdown_codes.items()}, "think_s": list(r.think_s),
            "load_avg_start": list(r.load_start), "load_avg_end": list(r.load_end), "cpus": r.cpus}


def _simulator(r) -> dict:
    """The simulator's own cost and lateness while the room answered (it shares the server's cores)."""
    lags = r.loop_lag_ms
    return {"simulator_cpu_per_answer_s": r.client_cpu_per_answer_s,
            "simulator_loop_lag_p99_ms": percentile(lags, 99) if lags else None,
            "simulator_loop_lag_max_ms": max(lags) if lags else None}


def _log_room(label: str, r) -> None:
    lags = r.loop_lag_ms
    log(f"  {label}: all usable {r.all_usable_s:.1f} s, rtt median {r.rtt_median_ms:.0f} ms "
        f"p95 {r.rtt_p95_ms:.0f} ms, CPU/answer {1000 * r.cpu_per_answer_s:.1f} ms "
        f"(server {1000 * r.server_cpu_per_answer_s:.1f}, kernel {1000 * r.kernel_cpu_per_answer_s:.1f}), "
        f"msgs/answer {r.per_answer(r.traffic.received):.1f} in {r.per_answer(r.traffic.sent):.1f} out, "
        f"left {r.kernels_left}, errors {len(r.errors)}, lost {r.answers_lost}, "
        f"simulator {1000 * r.client_cpu_per_answer_s:.1f} ms/answer, lag max {max(lags) if lags else 0:.0f} ms, "
        f"load {r.load_start[0]:.2f}→{r.load_end[0]:.2f}, wall {r.wall_s:.0f} s"
        + (f", server log {r.log_problems}" if r.log_problems else ""))
    if r.dashboard:
        d = r.dashboard
        log(f"    dashboard: {d['refreshes']} refreshes in {d['ticks']} ticks, longest gap "
            f"{max(d['gaps_s']) if d['gaps_s'] else float('nan'):.1f} s, {d['bytes_per_refresh']:.0f} bytes/refresh"
            + (f", error {d['error']}" if d.get("error") else ""))
    for e in r.errors[:3]:
        log(f"    {e}")


def room_figures(report: Report, work: Path, folder: Path, sizes: list[int], think, questions: int,
                 pages: list[str]) -> dict:
    kinds = ["bare", *pages]
    cold: dict[tuple[str, int], object] = {}
    log(f"[3/4] rooms, cold: N = {sizes}, pages {kinds}; {questions} answers each, "
        + ", ".join(f"N={n}: {think_for(n, think)[0]:g}–{think_for(n, think)[1]:g} s" for n in sizes)
        + " before each")
    with running(folder, work, name="rooms-cold") as server:
        for n in sizes:
            for kind in kinds:
                r = run_room(server, kind, n, think=think_for(n, think), seed=n, questions=questions)
                cold[(kind, n)] = r
                _log_room(f"cold {kind} N={n}", r)
    hot: dict[tuple[str, int], object] = {}
    for n in sizes:
        for kind in kinds:
            notebook = PAGES[kind]
            log(f"[3/4] rooms, preheated: pool of {n} for {notebook}; filling…")
            started = time.monotonic()  # the pool starts filling while the server starts
            with running(folder, work, name=f"rooms-pool-{kind}-{n}",
                         extra_args=preheat_args({notebook: n}, POOL_FILL_DELAY_S)) as server:
                ready = server.wait_idle(n, POOL_READY_TIMEOUT_S)
                fill_s = time.monotonic() - started
                log(f"  pool {'ready' if ready else 'NOT READY'} in {fill_s:.0f} s")
                r = run_room(server, kind, n, think=think_for(n, think), seed=n, questions=questions)
                r.pool_fill_s, r.pool_ready = fill_s, ready
                r.pool_start_failures = server.kernel_start_failures() - r.kernel_start_failures
                hot[(kind, n)] = r
                _log_room(f"pooled {kind} N={n}", r)
    for n in sizes:
        for page in pages:
            page_room_figures(report, page, n, cold[(page, n)], cold[("bare", n)], hot[(page, n)], hot[("bare", n)])
    return cold


def page_room_figures(report: Report, page: str, n: int, qc, bc, qh, bh) -> None:
    """The figures of one page's rooms of N, cold and pooled, each against the bare page's same room."""
    p, room, hall = PREFIX[page], n == ROOM, n >= HALL
    report.figure(f"{p}_all_usable_cold:N={n}", qc.all_usable_s, "s", f"{BARE} N={n} cold", bc.all_usable_s,
                  "≤ 1.5 × bare" if room else None,
                  not qc.errors and not bc.errors and qc.all_usable_s <= 1.5 * bc.all_usable_s,
                  cpu_per_join_s=qc.cpu_per_join_s, baseline_cpu_per_join_s=bc.cpu_per_join_s, **room_detail(qc))
    target, ok = None, None
    if room:
        target, ok = "≤ 0.5 × bare cold", qh.all_usable_s <= 0.5 * bc.all_usable_s
    elif hall:  # a hall of 200 cannot start 200 kernels cold within 15 s on 2 cores: the pool's target
        target, ok = f"≤ {HALL_USABLE_S:g} s", qh.all_usable_s <= HALL_USABLE_S
    report.figure(f"{p}_all_usable_preheated:N={n}", qh.all_usable_s, "s", f"{BARE} N={n} cold",
                  bc.all_usable_s, target, not qh.errors and qh.pool_ready and ok,
                  bare_preheated_s=bh.all_usable_s, pool_fill_s=qh.pool_fill_s, pool_ready=qh.pool_ready,
                  bare_pool_fill_s=bh.pool_fill_s, cpu_per_join_s=qh.cpu_per_join_s,
                  pool_kernel_start_failures=qh.pool_start_failures,
                  baseline_preheated_cpu_per_join_s=bh.cpu_per_join_s, **room_detail(qh))
    report.figure(f"{p}_pool_fill:N={n}", qh.pool_fill_s, "s", f"{BARE} pool of {n}", bh.pool_fill_s, None, None,
                  pool_ready=qh.pool_ready, baseline_pool_ready=bh.pool_ready,
                  pool_kernel_start_failures=qh.pool_start_failures)
    for mode, q, b in (("cold", qc, bc), ("preheated", qh, bh)):
        judged = room or hall
        report.figure(f"{p}_answer_rtt_median_{mode}:N={n}", q.rtt_median_ms, "ms",
                      f"{BARE} click N={n} {mode}", b.rtt_median_ms, "≤ 100 ms" if judged else None,
                      not q.errors and q.rtt_median_ms <= 100, samples=len(q.round_trips), **_simulator(q))
        report.figure(f"{p}_answer_rtt_p95_{mode}:N={n}", q.rtt_p95_ms, "ms",
                      f"{BARE} click N={n} {mode}", b.rtt_p95_ms, "≤ 500 ms" if judged else None,
                      not q.errors and q.rtt_p95_ms <= 500, samples=len(q.round_trips),
                      max_ms=1000 * max(q.round_trips) if q.round_trips else None, **_simulator(q))
        report.figure(f"{p}_joins_failed_{mode}:N={n}", q.join_failures, "participants",
                      f"{BARE} N={n} {mode}", b.join_failures, "0", q.join_failures == 0,
                      errors=[e for e in q.errors if ": join: " in e][:5],
                      kernel_start_failures=q.kernel_start_failures, server_log=q.log_problems)
        report.figure(f"{p}_answers_lost_{mode}:N={n}", q.answers_lost, "answers",
                      "answers acknowledged to participants", q.answered, "0",
                      q.answered > 0 and q.answers_lost == 0, stored=q.stored)  # none answered proves nothing
        report.figure(f"{p}_kernels_left_{mode}:N={n}", q.kernels_left, "kernels",
                      f"{BARE} N={n} {mode}", b.kernels_left, "0", q.kernels_left == 0,
                      kernels_before=q.kernels_before)
        report.figure(f"{p}_cpu_per_answer_{mode}:N={n}", q.cpu_per_answer_s, "CPU-s",
                      f"{BARE} click N={n} {mode}", b.cpu_per_answer_s, f"≤ {CPU_PER_ANSWER_RATIO:g} × bare",
                      not q.errors and q.cpu_per_answer_s <= CPU_PER_ANSWER_RATIO * b.cpu_per_answer_s,
                      server_cpu_per_answer_s=q.server_cpu_per_answer_s,
                      kernel_cpu_per_answer_s=q.kernel_cpu_per_answer_s,
                      baseline_server_cpu_per_answer_s=b.server_cpu_per_answer_s,
                      baseline_kernel_cpu_per_answer_s=b.kernel_cpu_per_answer_s,
                      gross_cpu_per_answer_s=q.gross_cpu_per_answer_s,
                      baseline_gross_cpu_per_answer_s=b.gross_cpu_per_answer_s,
                      idle_server_cpu_per_s=q.idle_server_cpu_per_s, idle_kernel_cpu_per_s=q.idle_kernel_cpu_per_s,
                      baseline_idle_server_cpu_per_s=b.idle_server_cpu_per_s,
                      baseline_idle_kernel_cpu_per_s=b.idle_kernel_cpu_per_s,
                      sign_in_cpu_s=q.sign_in_cpu_s, answers=q.answered, baseline_answers=b.answered,
                      answering_s=q.answering_s, failed_participants=len(q.errors), **_simulator(q))
        report.figure(f"{p}_server_cpu_per_answer_{mode}:N={n}", q.server_cpu_per_answer_s, "CPU-s",
                      f"{BARE} click N={n} {mode}, Voila process", b.server_cpu_per_answer_s, None, None)
        report.figure(f"{p}_kernel_cpu_per_answer_{mode}:N={n}", q.kernel_cpu_per_answer_s, "CPU-s",
                      f"{BARE} click N={n} {mode}, kernels", b.kernel_cpu_per_answer_s, None, None)
        t, bt = q.traffic, b.traffic
        report.figure(f"{p}_messages_per_answer_{mode}:N={n}", q.per_answer(t.received), "messages",
                      f"{BARE} click N={n} {mode}", b.per_answer(bt.received), None, None,
                      direction="server → browser", browser_to_server=q.per_answer(t.sent),
                      baseline_browser_to_server=b.per_answer(bt.sent),
                      widgets_opened_per_answer=q.per_answer(t.opened),
                      baseline_widgets_opened_per_answer=b.per_answer(bt.opened))
        report.figure(f"{p}_bytes_per_answer_{mode}:N={n}", q.per_answer(t.received_bytes), "bytes",
                      f"{BARE} click N={n} {mode}", b.per_answer(bt.received_bytes), None, None,
                      direction="server → browser", browser_to_server=q.per_answer(t.sent_bytes),
                      baseline_browser_to_server=b.per_answer(bt.sent_bytes))
        report.figure(f"{p}_kernel_rss_{mode}:N={n}", q.rss_median_mb, "MB", f"{BARE} kernel N={n} {mode}",
                      b.rss_median_mb, f"≤ bare + {RSS_OVER_BARE_MB:g} MB",
                      bool(q.kernel_rss_mb) and q.rss_median_mb <= b.rss_median_mb + RSS_OVER_BARE_MB,
                      delta_mb=q.rss_median_mb - b.rss_median_mb, kernels=len(q.kernel_rss_mb),
                      max_mb=max(q.kernel_rss_mb) if q.kernel_rss_mb else None,
                      baseline_max_mb=max(b.kernel_rss_mb) if b.kernel_rss_mb else None)
        d = q.dashboard
        if d is not None:
            gaps, tick = d["gaps_s"], d["interval_s"]
            latency = sorted(d["tick_latency_s"])
            report.figure(f"{p}_dashboard_refresh_{mode}:N={n}", max(gaps) if gaps else None, "s",
                          "the dashboard's tick interval", tick, "longest gap ≤ 2 × tick interval",
                          not d["error"] and d["refreshes"] > 0 and max(gaps) <= 2 * tick,
                          median_gap_s=statistics.median(gaps) if gaps else None, refreshes=d["refreshes"],
                          ticks=d["ticks"], unanswered_ticks=d["unanswered_ticks"],
                          tick_latency_median_ms=1000 * statistics.median(latency) if latency else None,
                          tick_latency_p95_ms=1000 * percentile(latency, 95) if latency else None,
                          tick_latency_max_ms=1000 * latency[-1] if latency else None,
                          bytes_per_refresh=d["bytes_per_refresh"], messages_per_refresh=d["messages_per_refresh"],
                          bytes_per_unchanged_tick=d["bytes_per_unchanged_tick"],
                          trainer_kernel_cpu_per_tick_s=d["trainer_kernel_cpu_per_tick_s"], error=d["error"])


def beyond_pool_figure(report: Report, work: Path, folder: Path, fill_delay: float = 15.0) -> None:
    """A participant who arrives when the pool is empty waits for the delayed refill, not for a new kernel.

    Voila 0.5.13 puts the refill task in the pool as soon as a kernel is taken, and a request that
    finds a task there awaits it: with ``fill_delay`` D, whoever comes after the pool ran out waits
    about D seconds plus a kernel start. Measured with a pool of 1: the first join is served by the
    pool (baseline), the second comes right after it.
    """
    from benchmarks.protocol import Page, _http, now, run_async

    log(f"[3/4] a join beyond the pool: pool of 1, fill_delay {fill_delay:g} s")
    with running(folder, work, name="pool-exhausted",
                 extra_args=preheat_args({QUIZ_NOTEBOOK: 1}, fill_delay)) as server:
        server.wait_idle(1, POOL_READY_TIMEOUT_S)

        async def joins():
            http = _http()
            times, pages = [], []
            for _ in range(2):
                page = Page(server.base_url, QUIZ_NOTEBOOK, http)
                started = now()
                await page.load()
                times.append(now() - started)
                pages.append(page)
            for page in pages:
                await page.close()
            http.close()
            return times

        first, second = run_async(joins)
    report.figure("preheat_join_beyond_pool", second, "s", "a join served by the pool", first, None, None,
                  fill_delay_s=fill_delay, pool_size=1)


def postgres_figures(report: Report, work: Path, folder: Path, url: str, n: int, think, questions: int,
                     cold: dict) -> None:
    from benchmarks import postgres_bench

    log(f"[3/4] two Voila servers, one PostgreSQL: a room of {n} split between them")
    r = postgres_bench.two_servers(work, folder, url, n, think, questions)
    room = r["room"]
    single = cold.get(("quiz", n))
    report.figure(f"postgres_two_servers_all_usable:N={n}", room.all_usable_s, "s",
                  f"{QUIZ_NOTEBOOK} N={n}, one server, SQLite, cold", single.all_usable_s if single else None,
                  None, None, rtt_median_ms=room.rtt_median_ms, rtt_p95_ms=room.rtt_p95_ms,
                  kernels_left=room.kernels_left, **room_detail(room))
    report.figure(f"postgres_answers_stored:N={n}", r["rows"], "answers", "answers acknowledged to participants",
                  room.answered, "every acknowledged answer stored, none twice",
                  not room.errors and r["rows"] == r["distinct"] == room.answered, distinct=r["distinct"])
    report.figure("postgres_cross_server_resume", r["resumed"], "answers",
                  "answers given on the other server", 3, "resume offers all 3", r["resumed"] == 3)


# ---------------------------------------------------------------- figure 4


def analytics_figures(report: Report, repeat: int) -> None:
    log("[4/4] analytics")
    r = analytics_bench.item_analysis(repeat)
    report.figure("item_analysis:100000_responses", r["value"], "s", "pandas groupby mean, same frame",
                  r["baseline"], "< 1 s", r["value"] < 1.0, rows=r["rows"], items=r["items"])
    if analytics_bench.city_available():
        c = analytics_bench.city(max(2, repeat // 2))
        report.figure("city_overview:600_units_3_years", c["value"], "s",
                      "score_of every submission of the year", c["baseline"], "< 2 s", c["value"] < 2.0,
                      submissions=c["submissions"], years=c["years"])
    else:
        log("  toolkit.city has no city_overview: city figure skipped")
        report.figure("city_overview:600_units_3_years", None, "s", "n/a", None, None, None,
                      skipped="toolkit.city.city_overview not available")


# ---------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 loads per page, one room of 10 (a few minutes)")
    ap.add_argument("--loads", type=int, help="fresh loads per page (default 5, --quick 3)")
    ap.add_argument("--rooms", help="room sizes, comma-separated (default 10,30,60; --quick 10)")
    ap.add_argument("--think", help="seconds a participant reads before each answer: min,max "
                                    "(default 1.5,3.5 for rooms up to 60, 5,15 for larger halls)")
    ap.add_argument("--room-pages", default="quiz,workshop",
                    help="pages a room answers on, each against the bare page: quiz (2-kiem-tra), workshop "
                         "(4-tap-huan-tham-gia with a trainer's dashboard ticking); default both")
    ap.add_argument("--questions", type=int, default=5, choices=(5, 10, 15, 20),
                    help="questions each simulated participant answers (the quiz offers 5, 10, 15, 20)")
    ap.add_argument("--only", default="pages,rooms,postgres,analytics",
                    help="pages,rooms,postgres,analytics (any subset)")
    ap.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL database whose name contains 'bench' "
                                       "(its schema is reset): two Voila servers share it "
                                       "(default: TOOLKIT_BENCH_POSTGRES_URL; skipped if neither)")
    ap.add_argument("--voila-arg", action="append", default=[], metavar="ARG",
                    help="extra Voila command-line argument for every server, e.g. "
                         "--voila-arg=--KernelManager.transport=ipc (default: exactly voila.json)")
    ap.add_argument("--out", type=Path, help="also write the JSON lines to this file")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server logs, databases)")
    args = ap.parse_args(argv)

    loads = args.loads or (3 if args.quick else 5)
    sizes = [int(x) for x in (args.rooms or ("10" if args.quick else "10,30,60")).split(",")]
    think = tuple(float(x) for x in args.think.split(",")) if args.think else None
    room_pages = [x for x in args.room_pages.split(",") if x]
    if not set(room_pages) <= set(PREFIX):
        ap.error(f"--room-pages: {', '.join(PREFIX)}")
    from toolkit.serving.kernels import raise_file_limit

    # A hall of 200 is 200 websockets and 200 HTTP connections in this one process, and psutil's /proc reads.
    file_limit = raise_file_limit()
    only = set(args.only.split(","))
    started = time.monotonic()
    load_start = os.getloadavg()
    cpus = os.cpu_count() or 1
    report = Report(args.out)
    if load_warning(load_start[0], cpus):
        log(f"WARNING: the machine is not quiet: load {load_start[0]:.2f} on {cpus} cores; times and ratios are noisy")
        report.figure("machine_quiet_at_start", load_start[0] / cpus, "load per core", "a quiet machine", 0.5,
                      "1-minute load ≤ 0.5 per core", False, load_avg=list(load_start), cpus=cpus)
    work = Path(tempfile.mkdtemp(prefix="pbgdpl-bench-"))
    server_module.EXTRA_ARGS[:] = args.voila_arg
    log(f"work folder: {work}")
    try:
        folder = build_folder(work)
        pages = app_notebooks()
        if "pages" in only:
            page_figures(report, work, folder, pages, loads)
        cold = {}
        if "rooms" in only:
            cold = room_figures(report, work, folder, sizes, think, args.questions, room_pages)
            beyond_pool_figure(report, work, folder)
        postgres_url = args.postgres or os.environ.get("TOOLKIT_BENCH_POSTGRES_URL")
        if postgres_url and "postgres" in only:
            postgres_figures(report, work, folder, postgres_url, max(sizes), think_for(max(sizes), think),
                             args.questions, cold)
        elif "postgres" in only:
            log("no --postgres / TOOLKIT_BENCH_POSTGRES_URL: two-server PostgreSQL figure skipped")
        if "analytics" in only:
            analytics_figures(report, 3 if args.quick else 5)
    finally:
        report.summary(seconds=time.monotonic() - started, quick=args.quick, loads_per_page=loads,
                       room_sizes=sizes, room_pages=room_pages,
                       think_s={n: list(think_for(n, think)) for n in sizes}, answers_per_participant=args.questions,
                       load_avg_start=list(load_start), load_avg_end=list(os.getloadavg()), cpus=cpus,
                       quiet_at_start=not load_warning(load_start[0], cpus), file_limit=file_limit,
                       python=platform.python_version(),
                       extra_voila_args=args.voila_arg,
                       git=git_state())
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
