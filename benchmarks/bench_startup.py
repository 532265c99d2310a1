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

    python -m benchmarks.bench_startup [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.server import IDLE_JS, app_server, launch_chromium, new_context  # noqa: E402 - after the sys.path line (run as a script)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

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
