"""Benchmark: server start -> first chart visible in headless Chromium (target < 4 s).

Each round starts a fresh `streamlit run app.py` on 127.0.0.1 (Chromium is already running,
as a user's browser would be), and at once opens a fresh browser context on the Overview
page, retrying the navigation until the server answers; the clock stops when the first
Altair chart's SVG is visible. Printed per round: the server healthy (/_stcore/health),
the page's first script run finished, and the first chart visible, all from the moment
the server process was started; then a second visitor's first chart on the warm server.

A second series starts the server with `server.scriptHealthCheckEnabled` and calls
`/_stcore/script-health-check` once it is healthy (as a readiness probe would, see
docs/deploy.md): the app script runs once server-side (imports, sample team's caches),
then the first visitor arrives. Printed: ready (check answered) and that visitor's first
chart, from the process start.

A third series (``--server-side``) measures the first screen server-side with the command
the README and the image run, ``python -m ui.launch``, with its warm-up at start
(ui/warmup.py) switched off (``PLANNER_WARMUP=0``) and on, alternately, a fresh process
each: the server's script runs are timed inside the server (this module's ``--serve``
wraps ui.launch and writes each run's wall and script-thread CPU seconds to its log).
Printed per round: healthy after start; the slowest /_stcore/health answer while the
warm-up ran (polled every 50 ms during `--idle` seconds after healthy); then a visitor
opens Overview: GET to its first script run finished (server clock), the run's wall and
CPU seconds; then the medians of both settings.

    python -m benchmarks.bench_startup [--rounds 3]
    python -m benchmarks.bench_startup --server-side [--rounds 5] [--idle 6]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.server import (  # noqa: E402 - after the sys.path line (run as a script)
    IDLE_JS,
    app_server,
    free_port,
    launch_chromium,
    new_context,
    stop,
    wait_healthy,
)

CHART = '[data-testid="stVegaLiteChart"] svg.marks'
TARGET_S = 4.0


def first_chart(browser, url: str, t0: float) -> tuple[float, float]:
    """(script run finished, first chart visible), seconds since t0, for a fresh visitor."""
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        while True:  # the server may not listen yet: retry like a reloading user
            try:
                page.goto(url, wait_until="commit", timeout=10_000)
                break
            except Exception:
                if time.perf_counter() - t0 > 60:
                    raise
                time.sleep(0.05)
        page.wait_for_selector(CHART, state="visible", timeout=120_000)
        chart = time.perf_counter() - t0
        page.wait_for_function(IDLE_JS, timeout=120_000, polling=20)
        run = time.perf_counter() - t0
        return run, chart
    finally:
        ctx.close()


RUN_LINE = re.compile(r"^BENCH-RUN start=(\S+) end=(\S+) cpu=(\S+)$", re.M)
WARM_LINE = re.compile(r"^BENCH-WARMUP done=(\S+)$", re.M)


def serve(argv: list[str]) -> None:
    """`python -m ui.launch argv` with every script run's times written to stderr (the
    server's own log): ``BENCH-RUN start=<epoch s> end=<epoch s> cpu=<thread CPU s>``, and
    ``BENCH-WARMUP done=<epoch s>`` once the warm-up's queue has run."""
    from streamlit.runtime.scriptrunner import script_runner

    from ui import launch

    real = script_runner.ScriptRunner._run_script

    def timed(self, *a, **k):
        start, cpu = time.time(), time.thread_time()
        try:
            return real(self, *a, **k)
        finally:
            cpu = time.thread_time() - cpu
            print(
                f"BENCH-RUN start={start:.4f} end={time.time():.4f} cpu={cpu:.4f}", file=sys.stderr
            )

    script_runner.ScriptRunner._run_script = timed

    def report_warmup() -> None:
        while "ui.background" not in sys.modules:  # imported by the warm-up, not here
            time.sleep(0.02)
        background = sys.modules["ui.background"]
        while getattr(getattr(background, "WORKER", None), "thread", None) is None:
            time.sleep(0.02)
        background.wait_idle(600)
        print(f"BENCH-WARMUP done={time.time():.4f}", file=sys.stderr, flush=True)

    if os.environ.get("PLANNER_WARMUP", "1") != "0":
        threading.Thread(target=report_warmup, daemon=True).start()
    launch.main(argv)


def health_while_idle(url: str, seconds: float) -> float:
    """Poll /_stcore/health every 50 ms for `seconds`; the slowest answer (seconds)."""
    worst, end = 0.0, time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
            r.read()
        worst = max(worst, time.monotonic() - t)
        time.sleep(0.05)
    return worst


def server_side_round(browser, warmup: bool, idle: float) -> dict[str, float]:
    """One fresh `python -m ui.launch` (through `serve`), its first Overview visit."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_startup",
        "--serve",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
    ]
    env = {**os.environ, "PLANNER_WARMUP": "1" if warmup else "0"}
    fd, log_name = tempfile.mkstemp(prefix="bench-startup-", suffix=".log")
    t0, t0_epoch = time.monotonic(), time.time()
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, 60, proc)
        healthy = time.monotonic() - t0
        worst = health_while_idle(url, idle)
        text = Path(log_name).read_text(encoding="utf-8", errors="replace")
        warm = WARM_LINE.search(text)
        ctx = new_context(browser)
        page = ctx.new_page()
        get = time.time()
        page.goto(url, wait_until="commit", timeout=60_000)
        page.wait_for_function("() => window.__st && window.__st.done > 0", timeout=120_000)
        page.wait_for_function(IDLE_JS, timeout=120_000, polling=20)
        ctx.close()
        time.sleep(0.3)
        text = Path(log_name).read_text(encoding="utf-8", errors="replace")
    finally:
        stop(proc)
        os.unlink(log_name)
    runs = [(float(a), float(b), float(c)) for a, b, c in RUN_LINE.findall(text)]
    if not runs:
        raise RuntimeError("no script run timed: " + text[-2000:])
    start, end, cpu = runs[0]
    return {
        "healthy": healthy,
        "worst_health": worst,
        "get_to_run_done": end - get,
        "run_wall": end - start,
        "run_cpu": cpu,
        "warmup_done": float(warm.group(1)) - t0_epoch if warm else float("nan"),
    }


def server_side(rounds: int, idle: float) -> None:
    from playwright.sync_api import sync_playwright

    rows: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        warm = new_context(browser)
        warm.new_page().goto("about:blank")
        warm.close()
        for _ in range(rounds):
            for warmup in (False, True):
                row = server_side_round(browser, warmup, idle)
                rows[warmup].append(row)
                print(
                    f"  warm-up {'on ' if warmup else 'off'}: healthy {row['healthy']:5.2f} s"
                    f"   slowest health {1000 * row['worst_health']:4.0f} ms"
                    f"   GET -> Overview run done {row['get_to_run_done']:5.2f} s"
                    f"   run {row['run_wall']:5.2f} s wall, {row['run_cpu']:5.2f} s CPU"
                    f"   (warm-up done {row['warmup_done']:5.2f} s after start)",
                    flush=True,
                )
        browser.close()
    for warmup in (False, True):
        got = rows[warmup]

        def med(key: str, got: list[dict[str, float]] = got) -> float:
            return statistics.median(r[key] for r in got)

        print(
            f"warm-up {'on ' if warmup else 'off'} (medians of {rounds} fresh servers): "
            f"healthy {med('healthy'):.2f} s, slowest health {1000 * med('worst_health'):.0f} ms, "
            f"GET -> Overview run done {med('get_to_run_done'):.2f} s, "
            f"run {med('run_wall'):.2f} s wall / {med('run_cpu'):.2f} s CPU"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--server-side", action="store_true", help="the launcher's warm-up off / on"
    )
    parser.add_argument("--idle", type=float, default=6.0, help="seconds before the visit")
    args = parser.parse_args()
    if args.server_side:
        server_side(args.rounds, args.idle)
        return

    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        # Chromium's own first start (disk cache, fonts) is not the server's: prime it.
        warm = new_context(browser)
        warm.new_page().goto("about:blank")
        warm.close()
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            with app_server(timeout=60) as app:
                healthy = app.healthy_after  # measured from just before the process started
                run, chart = first_chart(browser, app.url, t0)
                t1 = time.perf_counter()
                _, second = first_chart(browser, app.url, t1)
            rows.append((healthy, run, chart, second))
            print(
                f"  healthy {healthy:5.2f} s   first chart visible {chart:5.2f} s   "
                f"first run done {run:5.2f} s   second visitor's chart {second:5.2f} s"
            )
        ready_rows = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            with app_server(extra_args=["--server.scriptHealthCheckEnabled=true"]) as app:
                check = f"{app.url}/_stcore/script-health-check"
                with urllib.request.urlopen(check, timeout=120) as r:
                    assert r.read() == b"ok"
                ready = time.perf_counter() - t0
                _, chart = first_chart(browser, app.url, t0)
            ready_rows.append((ready, chart))
            print(
                f"  with script-health-check as readiness: ready {ready:5.2f} s   "
                f"first visitor's chart {chart:5.2f} s after start, "
                f"{chart - ready:5.2f} s after ready"
            )
        browser.close()
    charts = [r[2] for r in rows]
    verdict = "meets" if statistics.median(charts) < TARGET_S else "misses"
    print(
        f"server start -> first chart visible: median {statistics.median(charts):.2f} s, "
        f"best {min(charts):.2f} s over {args.rounds} rounds "
        f"({verdict} the target < {TARGET_S:g} s)"
    )
    after_ready = statistics.median(c - r for r, c in ready_rows)
    ready = statistics.median(r for r, _ in ready_rows)
    print(
        f"warmed by a readiness check: ready {ready:.2f} s after start, then the first "
        f"visitor's chart in {after_ready:.2f} s (medians)"
    )


if __name__ == "__main__":
    main()
