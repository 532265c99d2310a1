"""Benchmark: slider move -> ratio chart redrawn, in headless Chromium, vs a bare Streamlit page.

Two servers run one after the other on 127.0.0.1, each driven by one browser session:

- **plan**: `streamlit run app.py`, Hiring plan page; the target-ratio slider moves by
  keyboard (focus the thumb, ArrowLeft/ArrowRight), sweeping 1:6 -> 1:3.5 -> 1:8.5 and
  back, so the first visit of each value solves afresh (cold) and later ones hit the cache
  (warm).
- **bare**: a page written to a temporary file with the same slider and the same number
  of Altair charts (a line of the same frames the Hiring plan charts get, plus a rule at
  the slider's value so every move changes every chart).

For each move the page records performance.now() at the key press, then a
requestAnimationFrame loop timestamps every change of the charts' SVGs; a move is
done when its script run has finished (data-test-script-state back to notRunning, no
stale elements) and the chart has not changed for 0.5 s. Reported per page:

- chart: key press -> last change of any chart's SVG (what the user sees updated);
- run: key press -> the script run's "finished" message reached the page (websocket).

Prints p50/p95 of each over all moves (and the plan's cold/warm split) and the ratio of
p50s plan / bare. Run from the repository root (takes about 2-3 minutes):

    python -m benchmarks.bench_browser_latency [--moves 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import write_bare_page  # noqa: E402 - after the sys.path line (run as a script)
from tests.e2e.server import IDLE_JS, app_server, launch_chromium, new_context, open_app, warm_up  # noqa: E402 - after the sys.path line (run as a script)

BARE_PAGE_BODY = """
k = st.slider(
    "Target ratio (one ML engineer per k data scientists)",
    min_value=1.0, max_value=15.0, step=0.5, value=6.0, format="1:%.1f",
)
for name, df in frames({path!r}).items():
    y = [c for c in df.columns if c not in ("month", "month_index", "role")][0]
    line = alt.Chart(df, title=name).mark_line().encode(x="month:T", y=f"{{y}}:Q")
    rule = alt.Chart(alt.Data(values=[{{"k": k}}])).mark_rule().encode(y="k:Q")
    st.altair_chart(line + rule, width="stretch")
"""

WATCH_JS = """() => {
  const W = window.__watch = {changes: [], last: null};
  const tick = () => {
    // every chart: the first may not change (e.g. the quarter strip at the same plan)
    const html = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')]
      .map(e => e.outerHTML).join('');
    if (html !== W.last) { W.changes.push(performance.now()); W.last = html; }
    requestAnimationFrame(tick);
  };
  tick();
}"""
MARK_JS = """() => { const T = window.__st; T.d0 = T.done; T.t0 = performance.now(); }"""
DONE_JS = f"""() => {{
  const T = window.__st, W = window.__watch;
  if (!(T.done > T.d0 && ({IDLE_JS})())) return null;
  const after = W.changes.filter(t => t > T.t0);
  if (!after.length || performance.now() - after[after.length - 1] < 500) return null;
  return {{chart: after[after.length - 1] - T.t0, run: T.doneAt - T.t0}};
}}"""


def sweep(moves: int) -> list[str]:
    """Keys for `moves` moves: 1:6 down to 1:3.5, up to 1:8.5, back to 1:6, repeated."""
    cycle = ["ArrowLeft"] * 5 + ["ArrowRight"] * 10 + ["ArrowLeft"] * 5
    return [cycle[i % len(cycle)] for i in range(moves)]


def measure(browser, url: str, moves: int) -> tuple[list[dict], int]:
    """Per-move {'chart': ms, 'run': ms} on `url`, and the number of charts on it."""
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        open_app(page, url)
        charts = page.locator('[data-testid="stVegaLiteChart"]').count()
        page.evaluate(WATCH_JS)
        thumb = (
            page.locator('[data-testid="stSlider"]')
            .filter(has_text="Target")  # "Target ratio ..." or the workshop bar's "Target (1:k)"
            .locator('input[type="range"]')
        )
        out = []
        for key in sweep(moves):
            thumb.focus()
            page.evaluate(MARK_JS)
            thumb.press(key)
            handle = page.wait_for_function(DONE_JS, timeout=120_000, polling=50)
            out.append(handle.json_value())
        return out, charts
    finally:
        ctx.close()


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[max(0, min(len(data) - 1, round(q / 100 * len(data) + 0.5) - 1))]


def line(name: str, rows: list[dict], key: str) -> str:
    vals = [r[key] for r in rows]
    return (
        f"  {name:13s} {key:5s} p50 {statistics.median(vals):7.0f} ms   "
        f"p95 {pct(vals, 95):7.0f} ms   (n={len(vals)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument(
        "--workshop", action="store_true", help="the plan page in workshop mode (the top bar)"
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        bare_path = write_bare_page(Path(tmp), BARE_PAGE_BODY)
        browser = launch_chromium(pw)
        with app_server() as app:
            warm_up(browser, app.url)
            query = "?workshop=1" if args.workshop else ""
            plan, n_plan = measure(browser, f"{app.url}/plan{query}", args.moves)
        with app_server(bare_path) as bare_app:
            warm_up(browser, bare_app.url)
            bare, n_bare = measure(browser, bare_app.url, args.moves)
        browser.close()

    # The sweep visits each target value once on the way out (cold solve), then again.
    seen, cold = {0}, []
    pos = 0
    for key in sweep(args.moves):
        pos += 1 if key == "ArrowRight" else -1
        cold.append(pos not in seen)
        seen.add(pos)
    print(f"slider move -> chart redrawn, headless Chromium, {args.moves} moves per page")
    print(f"charts on the page: hiring plan {n_plan}, bare page {n_bare}")
    for key in ("chart", "run"):
        print(line("hiring plan", plan, key))
        print(line("  cold solve", [r for r, c in zip(plan, cold) if c], key))
        print(line("  warm", [r for r, c in zip(plan, cold) if not c], key))
        print(line("bare page", bare, key))
    ratio = statistics.median(r["chart"] for r in plan) / statistics.median(
        r["chart"] for r in bare
    )
    print(f"ratio of chart p50s, hiring plan / bare page: {ratio:.2f}")


if __name__ == "__main__":
    main()
