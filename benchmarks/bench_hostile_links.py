"""Benchmark: the two heavy links of the hardening review, in a real browser.

1. "search": 100,000 data scientists, no ML engineers, ML engineer attrition 0.9, target
   1:1 at 0.999999 held, 100,000 starts a month, no time to fill (before: about 2.2 million
   simulations, 14 CPU-days, and the work went on after the tab closed);
2. "large": the largest simulation a link may ask for: 100,000 paths x 120 months, fill
   rate 0.5, reskilling, per-path attrition draws (before: 13 s to open, 1.2-1.7 GiB peak).

For each: seconds until the page has finished its first run (or 120 s), the server's peak
RSS while it works, and, with a second tab closed 3 s after opening, the server CPU used
in the 15 s after the close (work left running for nobody).

3. "uploads" (``--uploads``): a session that pushes 40 files of 20 MB to the upload
   endpoint under made-up file ids, no file uploader asking (before: +765 MB, held after
   the session disconnected); then one real upload through the drop zone still works.

Run from the repository root: python -m benchmarks.bench_hostile_links [--uploads]
"""

from __future__ import annotations

import http.client
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from forecasting.model.scenario import Scenario
from tests.e2e.server import app_server, launch_chromium, new_context, wait_loaded
from ui.state import encode_scenario

LINKS = {
    "search": {
        "headcount": {"data_scientist": 100_000, "ml_engineer": 0},
        "attrition_annual": {"ml_engineer": 0.9},
        "target": {"ds_per_mle": 1, "deadline_month": 18, "confidence": 0.999999, "hold": True},
        "max_starts_per_month": 100_000,
        "time_to_fill_months": 0,
        "horizon_months": 36,
        "paths": 2000,
    },
    "large": {
        "headcount": {"data_scientist": 40, "ml_engineer": 4, "data_engineer": 8},
        "attrition_annual": {"data_scientist": 0.15},
        "attrition_interval": {"data_scientist": [0.08, 0.3]},
        "fill_rate": 0.5,
        "reskill_annual": 0.2,
        "horizon_months": 120,
        "paths": 100_000,
        "target": {"ds_per_mle": 6, "deadline_month": 60},
    },
}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    from playwright.sync_api import sync_playwright

    for name, d in LINKS.items():
        token = encode_scenario(Scenario.from_dict(d))
        with app_server() as app, sync_playwright() as pw:
            browser = launch_chromium(pw)
            peak = [app.rss_bytes()]
            stop = threading.Event()

            def watch(app=app, peak=peak, stop=stop) -> None:
                while not stop.is_set():
                    peak[0] = max(peak[0], app.rss_bytes())
                    time.sleep(0.1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            ctx = new_context(browser)
            page = ctx.new_page()
            t0 = time.perf_counter()
            try:
                page.goto(f"{app.url}/?s={token}")
                wait_loaded(page, timeout=120_000)
                answered = f"{time.perf_counter() - t0:.1f} s"
            except Exception:
                answered = "> 120 s"
            ctx.close()
            app.wait_sessions(0, timeout=60)
            # A tab closed 3 s after opening: how much CPU does the server spend afterwards?
            ctx = new_context(browser)
            page = ctx.new_page()
            page.goto(f"{app.url}/plan?s={token}&strategy=fewest")
            time.sleep(3)
            ctx.close()
            closed = cpu_seconds(app.pid)
            time.sleep(15)
            after = cpu_seconds(app.pid) - closed
            stop.set()
            watcher.join()
            browser.close()
            print(
                f"{name}: answered in {answered}; server peak RSS {peak[0] / 2**20:.0f} MiB; "
                f"CPU in the 15 s after a tab closed at 3 s: {after:.1f} s"
            )


def upload_flood(files: int = 40, size: int = 20_000_000) -> None:
    """RSS and answers of `files` uploads under made-up ids of a real session."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import open_app
    from tests.e2e.test_uploads import GOOD, upload

    with app_server() as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = new_context(browser).new_page()
        puts: list[str] = []
        page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
        open_app(page, f"{app.url}/team")
        upload(page, "team.csv", GOOD)
        session = urlparse(puts[-1]).path.split("/")[-2]
        before = app.rss_bytes()
        u = urlparse(app.url)
        body = b"x" * size
        statuses: dict[int, int] = {}
        t0 = time.perf_counter()
        for _ in range(files):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            path = f"/_stcore/upload_file/{session}/{uuid.uuid4()}"
            conn.request("PUT", path, body=body, headers={"Content-Type": "text/csv"})
            status = conn.getresponse().status
            statuses[status] = statuses.get(status, 0) + 1
            conn.close()
        elapsed = time.perf_counter() - t0
        grown = (app.rss_bytes() - before) / 2**20
        browser.close()
        print(
            f"uploads: {files} x {size / 1e6:.0f} MB under made-up ids of a live session: "
            f"answers {statuses} in {elapsed:.1f} s; server RSS {grown:+.0f} MiB"
        )


if __name__ == "__main__":
    if "--uploads" in sys.argv[1:]:
        upload_flood()
    else:
        main()
