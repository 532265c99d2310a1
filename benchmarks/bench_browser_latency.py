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
p50s plan / bare.

**Last value wins** (`--last-value-wins`, also run by benchmarks/bench_room.py): on the
Hiring plan page, the deadline slider moved with the keyboard, `--presses` key presses
80 ms apart (a held arrow key), months the session has not seen yet; timed from the first
press to the final value's charts drawn, beside one press of the same slider timed the
same way, with the number of script runs that finished (a run the next press
interrupts does not finish: one finished run is the last value winning).

Run from the repository root (takes about 2-3 minutes):

    python -m benchmarks.bench_browser_latency [--moves 40] [--workshop] [--last-value-wins]
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


#: Every message the page sends to the server (a widget's new value is one), timestamped.
SENT_JS = """(() => {
  window.__sent = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__sent.push(performance.now());
    return send.call(this, data);
  };
})();"""


def deadline_thumb(page):
    return (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Deadline")
        .locator('input[type="range"]')
    )


def link_deadline(page) -> int:
    """The deadline month of the scenario the page's link carries (the session's answer)."""
    from urllib.parse import parse_qs, urlparse

    from ui.state import decode_scenario

    return int(decode_scenario(parse_qs(urlparse(page.url).query)["s"][0]).deadline)


def press_and_wait(page, thumb, presses: int, gap_ms: int, final: int) -> dict:
    """Press ArrowRight `presses` times, `gap_ms` apart; wait until the session's answer
    is for deadline month `final` and drawn. {'ms': first press -> the last chart change,
    'runs': script runs that finished meanwhile, 'sent': first press -> the page's last
    message to the server (the last value sent)}; 'lost': (month, slider text) instead when
    the session has not reached `final` 30 s later. (A slider's later presses may reach the
    server after a first run has finished and the page has been still for a while.)"""
    thumb.focus()
    page.evaluate(MARK_JS)
    for i in range(presses):
        if i:
            page.wait_for_timeout(gap_ms)
        thumb.press("ArrowRight")
    for _ in range(600):  # 30 s
        if link_deadline(page) == final:
            break
        page.wait_for_timeout(50)
    else:  # a press lost on the way: say where the page ended, and go on from there
        page.wait_for_function(IDLE_JS, timeout=180_000, polling=50)
        shown = thumb.get_attribute("aria-valuetext")
        return {"ms": None, "runs": None, "sent": None, "lost": (link_deadline(page), shown)}
    done = page.wait_for_function(DONE_JS, timeout=180_000, polling=50).json_value()
    runs, sent = page.evaluate(
        "() => [window.__st.done - window.__st.d0,"
        " Math.max(...window.__sent.filter(t => t > window.__st.t0)) - window.__st.t0]"
    )
    return {"ms": done["chart"], "runs": runs, "sent": sent}


def last_value_wins(
    browser, url: str, *, presses: int = 5, reps: int = 3, gap_ms: int = 80
) -> tuple[list[dict], list[dict]]:
    """The deadline slider on the Hiring plan page (`url` its server's base URL): `reps`
    runs of `presses` quick key presses, and `reps` single presses, each to months not
    seen yet in the session (both upwards from the sample's deadline). Returns the
    (several presses, one press) results of :func:`press_and_wait`."""
    ctx = new_context(browser)
    ctx.add_init_script(SENT_JS)
    page = ctx.new_page()
    try:
        open_app(page, f"{url}/plan")
        page.evaluate(WATCH_JS)
        # .first: while a run replaces the page, its stale copy may still be there
        thumb = deadline_thumb(page).first
        out: dict[int, list[dict]] = {presses: [], 1: []}
        for n in (presses, 1):
            for _ in range(reps):
                final = link_deadline(page) + n
                out[n].append(press_and_wait(page, thumb, n, gap_ms, final))
        return out[presses], out[1]
    finally:
        ctx.close()


def print_last_value_wins(many: list[dict], one: list[dict], presses: int) -> None:
    print(
        f"last value wins: deadline slider, {presses} key presses 80 ms apart vs one press "
        f"(Hiring plan, headless Chromium, {len(many)} reps each, months not seen before)"
    )
    for name, rows in ((f"{presses} presses", many), ("one press", one)):
        for r in rows:
            if r["ms"] is None:
                month, shown = r["lost"]
                print(
                    f"  {name}: a press was lost: the session stayed at month {month} "
                    f"(the slider shows {shown})"
                )
        rows = [r for r in rows if r["ms"] is not None]
        if not rows:
            continue
        ms, sent = [r["ms"] for r in rows], [r["sent"] for r in rows]
        print(
            f"  {name:10s} first press -> final charts p50 {statistics.median(ms):6.0f} ms "
            f"max {max(ms):6.0f} ms; -> last value sent p50 {statistics.median(sent):6.0f} ms; "
            f"runs finished {[r['runs'] for r in rows]}"
        )
    many_ms = [r["ms"] for r in many if r["ms"] is not None]
    one_ms = [r["ms"] for r in one if r["ms"] is not None]
    if many_ms and one_ms:
        ratio = statistics.median(many_ms) / statistics.median(one_ms)
        print(
            f"  ratio {presses} presses / one press (p50): {ratio:.2f} (a run a press: ~{presses})"
        )


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[max(0, min(len(data) - 1, round(q / 100 * len(data) + 0.5) - 1))]


def line(name: str, rows: list[dict], key: str) -> str:
    vals = [r[key] for r in rows]
    return (
        f"  {name:13s} {key:5s} p50 {statistics.median(vals):7.0f} ms   "
        f"p95 {pct(vals, 95):7.0f} ms   (n={len(vals)})"
    )


def run(moves: int, *, workshop: bool = False, presses: int = 0) -> None:
    """Measure and print: the target slider on the Hiring plan page (`workshop`: in
    workshop mode) and on the bare page, `moves` moves each; with `presses`, the last
    value winning on the deadline slider too (benchmarks/bench_room.py calls this)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        bare_path = write_bare_page(Path(tmp), BARE_PAGE_BODY)
        browser = launch_chromium(pw)
        with app_server() as app:
            warm_up(browser, app.url)
            query = "?workshop=1" if workshop else ""
            plan, n_plan = measure(browser, f"{app.url}/plan{query}", moves)
            if presses:
                wins = last_value_wins(browser, app.url, presses=presses)
        with app_server(bare_path) as bare_app:
            warm_up(browser, bare_app.url)
            bare, n_bare = measure(browser, bare_app.url, moves)
        browser.close()

    # The sweep visits each target value once on the way out (cold solve), then again.
    seen, cold = {0}, []
    pos = 0
    for key in sweep(moves):
        pos += 1 if key == "ArrowRight" else -1
        cold.append(pos not in seen)
        seen.add(pos)
    mode = "workshop mode" if workshop else "normal mode"
    print(f"slider move -> chart redrawn, headless Chromium, {moves} moves per page ({mode})")
    print(f"charts on the page: hiring plan {n_plan}, bare page {n_bare}")
    split = {
        "cold solve": [r for r, c in zip(plan, cold) if c],
        "warm": [r for r, c in zip(plan, cold) if not c],
    }
    for key in ("chart", "run"):
        print(line("hiring plan", plan, key))
        for name, rows in split.items():
            print(line(f"  {name}", rows, key))
        print(line("bare page", bare, key))
    bare_chart = [r["chart"] for r in bare]
    for name, rows in split.items():
        if rows:
            ms = [r["chart"] for r in rows]
            print(
                f"ratio to the bare page, chart redrawn, {name}: p50 "
                f"{statistics.median(ms) / statistics.median(bare_chart):.2f}x  p95 "
                f"{pct(ms, 95) / pct(bare_chart, 95):.2f}x"
            )
    if presses:
        print_last_value_wins(*wins, presses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40)
    parser.add_argument(
        "--workshop", action="store_true", help="the plan page in workshop mode (the top bar)"
    )
    parser.add_argument("--last-value-wins", action="store_true", help="also time 5 quick presses")
    parser.add_argument("--presses", type=int, default=5)
    args = parser.parse_args()
    run(args.moves, workshop=args.workshop, presses=args.presses if args.last_value_wins else 0)


if __name__ == "__main__":
    main()
