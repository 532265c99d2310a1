"""Benchmark: a 20-person workshop on one server, in headless Chromium, for 60 s.

Starts `streamlit run app.py` on 127.0.0.1, opens 20 fresh browser contexts on the
Hiring plan page (one Streamlit session each; sessions use the three solver strategies
in turn) and has each move the target-ratio slider by keyboard every few seconds, after
its previous move has finished, for 60 s (tests/e2e/workshop.py; the CI test runs 5).

Prints move latency p50/p95/max (key press -> script run finished, no stale elements,
timed in the page), errors (exceptions, error alerts, JavaScript errors, lost
connections, moves not done in 60 s: must be 0), server RSS before/after, and the
server's own session counts from /_stcore/metrics: active while the workshop runs,
and after the browsers close (sessions released).

Everything, the browser included, shares this machine's cores with the server, so the
latencies are an upper bound for one server with remote users. Run from the repository
root (about 3-4 minutes):

    python -m benchmarks.bench_workshop_load [--sessions 20] [--seconds 60] [--interval 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.server import app_server, launch_chromium, warm_up  # noqa: E402 - after the sys.path line (run as a script)
from tests.e2e.workshop import run_workshop  # noqa: E402 - after the sys.path line (run as a script)

MIB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=3.0)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, app_server() as app:
        browser = launch_chromium(pw)
        rss_start = app.rss_bytes()
        warm_up(browser, app.url)
        app.wait_sessions(at_most=0)
        rss_before = app.rss_bytes()
        baseline = app.active_sessions()
        during: dict[str, float] = {}

        def probe() -> None:
            during["active"] = app.active_sessions()
            during["rss"] = app.rss_bytes()

        result = run_workshop(
            browser,
            app.url,
            sessions=args.sessions,
            duration=args.seconds,
            interval=args.interval,
            before_close=probe,
        )
        released_after = app.wait_sessions(at_most=baseline, timeout=60)
        rss_after = app.rss_bytes()
        metrics = app.metrics()
        browser.close()
        log = app.log()

    print(
        f"workshop: {args.sessions} sessions, a move every {args.interval:g} s, "
        f"{args.seconds:g} s (opening the sessions took {result.open_s:.0f} s)"
    )
    print("  " + result.summary())
    for e in result.errors[:20]:
        print("  error:", e)
    print(f"  server log tracebacks: {log.count('Traceback')}")
    print(
        f"  server RSS: {rss_start / MIB:.0f} MiB at start, {rss_before / MIB:.0f} MiB warm, "
        f"{during['rss'] / MIB:.0f} MiB with {args.sessions} sessions, "
        f"{rss_after / MIB:.0f} MiB after they closed"
    )
    print(
        f"  active sessions: {baseline} before, {during['active']:.0f} during, "
        f"{int(metrics.get('active_sessions', 0))} after close "
        f"(back to {baseline} {released_after:.1f} s after the browsers closed)"
    )
    events = {k: v for k, v in metrics.items() if k.startswith("session_events_total")}
    print(f"  session events: {events}")


if __name__ == "__main__":
    main()
