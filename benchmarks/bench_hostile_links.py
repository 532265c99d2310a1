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

4. "pages" (``--pages``): every page opened from links at the scenario format's limits
   (90,000 data scientists with 100,000 starts a month; a team-shape search with
   50,000 data scientists; the "search" link above; a 12-scenario ``?c=`` bundle of
   them) and from the sample, in one tab a link, page after page (the caches shared
   as for a user): server CPU seconds and peak RSS growth per page, and the ratio to
   the sample's same page.
5. "concurrent" (``--concurrent``): ten different large links opened at once in ten tabs:
   the server's peak RSS growth and seconds until all have drawn; then every tab closed
   and the server CPU spent in the 1 s and the 5 s after (work left for nobody).

Measured (issue 22, memory round; server peak RSS growth on a fresh server, so each link's
first page includes the app's own imports, about +175 MiB for the sample too):

| --pages, peak RSS growth, MiB | sample | 90k-ds | shape | search |
|---|---|---|---|---|
| overview, before | +178 | +407 | +593 | +215 |
| overview, after (two runs) | +175, +162 | +194, +194 | +170, +190 | +164, +176 |
| compare (12-scenario ``?c=`` bundle), before | +606 | +491 | +259 | +663 |
| compare, after | +69, +74 | +49, +32 | +33, +76 | +59, +76 |
| sensitivity, before / after | +57 / +51 | +56 / +5 | +249 / +11 | +80 / +6 |

Every other page +38 MiB or less. CPU within 5x the sample's page throughout (worst 3.8x:
shape, overview; a third run at the end of the round gave the same figures within 15 MiB).
``--concurrent``: +1,027 MiB (last round), +498, +455 and +433 MiB after; 0.16-0.35 CPU s
in the second after every tab closed.
What it was: the team-shape search and the solver listed their fill orders (a Python list
of one entry a unit: 100,000 starts a month over 100 months is 80 MB, once per role); a
sampled plan carried up to 100,000 paths into every page's simulation; and `simulate`
held ratios, costs and their sorted copies for the whole horizon (now a block of months
at a time, and a decision grows to no more paths than the work budget's memory bound).

Run from the repository root:
python -m benchmarks.bench_hostile_links [--uploads | --pages | --concurrent]
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
from tests.e2e.server import app_server, launch_chromium, new_context, problems_on, wait_loaded
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


#: Links at the scenario format's limits (the page-by-page and concurrent runs).
LIMIT_LINKS = {
    "90k-ds": {
        "headcount": {"data_scientist": 90_000, "ml_engineer": 10},
        "max_starts_per_month": 100_000,
        "horizon_months": 36,
        "target": {"ds_per_mle": 6, "deadline_month": 24},
    },
    "shape": {
        "headcount": {
            "data_scientist": 50_000,
            "ml_engineer": 10,
            "data_engineer": 1,
            "product_manager": 1,
        },
        "max_starts_per_month": 100_000,
        "horizon_months": 120,
        "paths": 10_000,
        "target": {
            "ds_per_mle": 6,
            "deadline_month": 100,
            "ds_per_de": 1,
            "ds_per_pm": 1,
            "confidence": 0.99,
        },
    },
    "search": LINKS["search"],
}
PAGES = ("", "team", "forecast", "plan", "capacity", "compare", "sensitivity")


def _watch_peak(app) -> tuple[list[int], threading.Event, threading.Thread]:
    peak = [app.rss_bytes()]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], app.rss_bytes())
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return peak, stop, thread


def _bundle_token() -> str:
    from ui.link import encode_bundle, entry

    scenarios = [Scenario.from_dict(d) for d in LIMIT_LINKS.values()]
    bundle = {
        f"limit {i}": entry(scenarios[i % len(scenarios)], "even", "recommended") for i in range(12)
    }
    return encode_bundle(bundle)


def page_by_page() -> None:
    """Server CPU and peak RSS growth per page, links at the limits against the sample."""
    from playwright.sync_api import sync_playwright

    from ui import state

    links = {"sample": encode_scenario(state.default_scenario())}
    links.update({k: encode_scenario(Scenario.from_dict(d)) for k, d in LIMIT_LINKS.items()})
    bundle = _bundle_token()
    cost: dict[str, dict[str, tuple[float, float]]] = {}
    for name, token in links.items():
        with app_server() as app, sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = new_context(browser).new_page()
            cost[name] = {}
            for path in PAGES:
                query = f"s={token}" + (f"&c={bundle}" if path == "compare" else "")
                peak, stop, watcher = _watch_peak(app)
                before_rss, before_cpu = peak[0], cpu_seconds(app.pid)
                try:
                    page.goto(f"{app.url}/{path}?{query}")
                    wait_loaded(page, timeout=180_000)
                    problems = problems_on(page)
                except Exception as exc:  # a page that does not answer is a result too
                    problems = [f"{type(exc).__name__}"]
                stop.set()
                watcher.join()
                used = cpu_seconds(app.pid) - before_cpu
                grown = (peak[0] - before_rss) / 2**20
                cost[name][path or "overview"] = (used, grown)
                flag = f"  PROBLEMS {problems}" if problems else ""
                print(
                    f"{name:8s} {path or 'overview':12s} CPU {used:6.2f} s  "
                    f"RSS {grown:+7.0f} MiB{flag}",
                    flush=True,
                )
            browser.close()
    for name in links:
        if name == "sample":
            continue
        ratios = [cost[name][p][0] / max(cost["sample"][p][0], 0.05) for p in cost[name]]
        worst = max(cost[name], key=lambda p: cost[name][p][0] / max(cost["sample"][p][0], 0.05))
        print(
            f"{name}: worst page {worst} at {max(ratios):.1f}x the sample's CPU; "
            f"largest RSS growth {max(g for _, g in cost[name].values()):+.0f} MiB"
        )


def concurrent(tabs: int = 10) -> None:
    """Ten different large links at once: peak RSS growth, time to draw, work after close."""
    from playwright.sync_api import sync_playwright

    tokens = []
    for i in range(tabs):
        d = dict(LIMIT_LINKS[list(LIMIT_LINKS)[i % len(LIMIT_LINKS)]])
        d["seed"] = 1000 + i  # ten different scenarios: no cache hit between tabs
        tokens.append(encode_scenario(Scenario.from_dict(d)))
    with app_server() as app, sync_playwright() as pw:
        browser = launch_chromium(pw)
        peak, stop, watcher = _watch_peak(app)
        before = peak[0]
        contexts = [new_context(browser) for _ in tokens]
        pages = [c.new_page() for c in contexts]
        t0 = time.perf_counter()
        for page, token in zip(pages, tokens):
            page.goto(f"{app.url}/?s={token}", wait_until="commit")
        drawn = 0
        for page in pages:
            try:
                wait_loaded(page, timeout=300_000)
                drawn += 1
            except Exception:
                pass
        elapsed = time.perf_counter() - t0
        # The ten tabs to Sensitivity (new work for each), closed after 3 s: work for nobody.
        for page, token in zip(pages, tokens):
            page.goto(f"{app.url}/sensitivity?s={token}", wait_until="commit")
        time.sleep(3)
        for c in contexts:
            c.close()
        closed = cpu_seconds(app.pid)
        time.sleep(1)
        after_1 = cpu_seconds(app.pid) - closed
        time.sleep(4)
        after_5 = cpu_seconds(app.pid) - closed
        stop.set()
        watcher.join()
        browser.close()
        print(
            f"concurrent: {drawn}/{tabs} tabs drawn in {elapsed:.1f} s; server peak RSS "
            f"{(peak[0] - before) / 2**20:+.0f} MiB; after closing every tab, server CPU "
            f"{after_1:.2f} s in the first second, {after_5:.2f} s in five"
        )


if __name__ == "__main__":
    if "--uploads" in sys.argv[1:]:
        upload_flood()
    elif "--pages" in sys.argv[1:]:
        page_by_page()
    elif "--concurrent" in sys.argv[1:]:
        concurrent()
    else:
        main()
