"""A simulated workshop: N browser sessions on the Hiring plan page, each moving the target
slider every few seconds, with every move's latency and every error recorded.

Used by tests/e2e/test_workshop_load.py (5 sessions, in CI) and
benchmarks/bench_workshop_load.py (20 sessions, by hand). Traffic goes only to the
127.0.0.1 server the caller started; the run is bounded by `duration` plus a drain.

Latency of a move = key press on the slider thumb -> the script run it caused has
finished and no stale element is left, timed inside the page (performance.now()),
so the driver's polling of many pages does not add to it.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from tests.e2e.server import IDLE_JS, PROBLEMS_JS, new_context, open_app

STRATEGIES = ("even", "front_loaded", "just_in_time")
#: Sessions move from the sample's target (1:6) between 1:4 and 1:9, in half steps.
LOW, HIGH = -4, 6

#: Done = a script run finished after the key press (counted off the websocket, see
#: TRACKER_JS) and the page has drawn it: idle, no stale element. Timed in the page.
DONE_COND = f"""(T) => T.done > T.d0 && ({IDLE_JS})()"""
MARK_JS = f"""() => {{
  const T = window.__st;
  T.d0 = T.done; T.t0 = performance.now(); T.moveDoneAt = null;
  if (!T.doneObserver) {{
    const cond = {DONE_COND};
    T.doneObserver = new MutationObserver(() => {{
      if (T.moveDoneAt === null && T.d0 !== undefined && cond(T)) {{
        T.moveDoneAt = performance.now();
      }}
    }});
    T.doneObserver.observe(document.documentElement, {{
      subtree: true, childList: true, characterData: true, attributes: true}});
  }}
}}"""
DONE_JS = f"""() => {{
  const T = window.__st;
  if (T.moveDoneAt === null) {{
    if (!({DONE_COND})(T)) return null;
    T.moveDoneAt = performance.now();
  }}
  return {{ms: T.moveDoneAt - T.t0, problems: ({PROBLEMS_JS})()}};
}}"""


STATE_JS = """() => ({
  tracker: JSON.stringify(window.__st),
  slider: document.querySelector('[data-testid="stSlider"] input[type="range"]')
    ?.getAttribute('aria-valuetext'),
  focused: document.activeElement?.tagName,
  connection: document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-connection-state'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  sentence: document.querySelector('h4')?.innerText.slice(0, 40),
  moveDoneAt: window.__st.moveDoneAt,
})"""


@dataclass
class _Session:
    index: int
    context: object
    page: object
    step: int = 0  # half steps from the sample's target
    direction: int = 1
    next_at: float = 0.0
    pressed_at: float | None = None
    js_errors: list[str] = field(default_factory=list)


@dataclass
class WorkshopResult:
    sessions: int
    duration_s: float
    latencies_ms: list[float]
    errors: list[str]
    open_s: float

    @property
    def moves(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of move latency, in ms (nearest-rank)."""
        data = sorted(self.latencies_ms)
        if not data:
            return float("nan")
        rank = max(1, min(len(data), round(q / 100 * len(data) + 0.5)))
        return data[rank - 1]

    def summary(self) -> str:
        lat = self.latencies_ms
        return (
            f"{self.sessions} sessions, {self.duration_s:.0f} s: {self.moves} moves, "
            f"p50 {statistics.median(lat) if lat else float('nan'):.0f} ms, "
            f"p95 {self.percentile(95):.0f} ms, max {max(lat, default=float('nan')):.0f} ms, "
            f"errors {len(self.errors)}"
        )


def run_workshop(
    browser,
    url: str,
    *,
    sessions: int = 5,
    duration: float = 20.0,
    interval: float = 2.0,
    move_timeout: float = 60.0,
    before_close=None,
) -> WorkshopResult:
    """Open `sessions` fresh browser contexts on `url`/plan and make moves for `duration` s.

    Each session presses ArrowLeft/ArrowRight on the target slider every `interval`
    seconds (after its previous move has finished), bouncing between 1:4 and 1:9;
    sessions use different solver strategies so they do not all share one cache entry.
    `before_close()`, if given, is called after the last move, with every session still
    open (e.g. to read the server's session count). Contexts are closed before returning.
    """
    opened: list[_Session] = []
    errors: list[str] = []
    latencies: list[float] = []
    t_open = time.perf_counter()
    try:
        for i in range(sessions):
            ctx = new_context(browser)
            page = ctx.new_page()
            s = _Session(i, ctx, page, direction=1 if i % 2 else -1)
            page.on("pageerror", lambda exc, s=s: s.js_errors.append(str(exc)))
            # One after the other: on two cores, parallel loads only thrash.
            open_app(s.page, f"{url}/plan?strategy={STRATEGIES[i % len(STRATEGIES)]}", 180_000)
            opened.append(s)
        open_s = time.perf_counter() - t_open

        thumbs = {
            s.index: s.page.locator('[data-testid="stSlider"]')
            .filter(has_text="Target ratio")
            .locator('input[type="range"]')
            for s in opened
        }
        start = time.perf_counter()
        for s in opened:  # staggered first moves
            s.next_at = start + interval * s.index / sessions
        deadline = start + duration
        while True:
            now = time.perf_counter()
            busy = False
            for s in opened:
                if s.pressed_at is not None:
                    busy = True
                    done = s.page.evaluate(DONE_JS)
                    if done is not None:
                        latencies.append(float(done["ms"]))
                        errors += [f"session {s.index}: {p}" for p in done["problems"]]
                        s.pressed_at = None
                        s.next_at = now + interval
                    elif now - s.pressed_at > move_timeout:
                        state = s.page.evaluate(STATE_JS)
                        errors.append(
                            f"session {s.index}: move not done in {move_timeout} s ({state})"
                        )
                        s.pressed_at = None
                        s.next_at = now + interval
                elif now < deadline and now >= s.next_at:
                    if not LOW <= s.step + s.direction <= HIGH:
                        s.direction = -s.direction
                    s.step += s.direction
                    thumb = thumbs[s.index]
                    thumb.focus()
                    s.page.evaluate(MARK_JS)
                    thumb.press("ArrowRight" if s.direction > 0 else "ArrowLeft")
                    s.pressed_at = now
                    busy = True
            if now >= deadline and not busy:
                break
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        for s in opened:
            errors += [f"session {s.index}: JavaScript error {e}" for e in s.js_errors]
            state = s.page.evaluate(
                """() => document.querySelector('[data-testid="stApp"]')
                         .getAttribute('data-test-connection-state')"""
            )
            if state != "CONNECTED":
                errors.append(f"session {s.index}: connection {state}")
        if before_close is not None:
            before_close()
    finally:
        for s in opened:
            s.context.close()
    return WorkshopResult(sessions, elapsed, latencies, errors, open_s)
