"""Benchmark: warm rerun of the Hiring plan page after a slider move vs a bare chart page.

Both are measured with Streamlit's AppTest in one process, interleaved:

- **plan**: app.py on the Hiring plan page; each rerun moves the target-ratio slider
  between 1:6 and 1:5.5, so every engine call is a cache hit (both values are warmed
  first) but the whole page reruns: sidebar, metrics, charts, downloads, plan table.
- **bare**: a page written to a temporary file with one slider and the same number of
  Altair charts (one simple line mark each), built from frames with the same rows and
  columns as the ones the Hiring plan charts get (the sample team's simulation).

Prints the median and best rerun of each (wall time, seconds) and the ratio of medians;
the target (issue 4, "Speed") is plan / bare <= 1.5. CPU time of this process is printed
too, as the machine may be shared. Run from the repository root:

    python -m benchmarks.bench_rerun [--reruns 21]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402 - after the sys.path line (run as a script)

from benchmarks._common import write_bare_page  # noqa: E402 - after the sys.path line (run as a script)

SLIDER_VALUES = (6.0, 5.5)

BARE_PAGE_BODY = """
k = st.slider("k", min_value=1.0, max_value=15.0, step=0.5, value=6.0, key="k")
for name, df in frames({path!r}).items():
    y = [c for c in df.columns if c not in ("month", "month_index", "role")][0]
    st.altair_chart(
        alt.Chart(df, title=name).mark_line().encode(x="month:T", y=f"{{y}}:Q"),
        width="stretch",
    )
"""


def run_pages_through_app() -> None:
    """Make AppTest run every page through app.py's st.navigation, as the server does.

    Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until a script
    calls ``st.navigation``, and AppTest resets that flag before every run, so after
    ``switch_page`` it would time the page file alone (no sidebar, no session set-up).
    The same switch is made in tests/conftest.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def timed_rerun(at: AppTest, widget: str, value: float) -> tuple[float, float]:
    """(wall, cpu) seconds of one rerun after moving the slider `widget` to `value`."""
    w0, c0 = time.perf_counter(), time.process_time()
    at.slider(key=widget).set_value(value).run()
    return time.perf_counter() - w0, time.process_time() - c0


def main(reruns: int = 21) -> None:
    run_pages_through_app()
    with tempfile.TemporaryDirectory() as tmp:
        bare_path = write_bare_page(Path(tmp), BARE_PAGE_BODY)

        plan = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
        plan.switch_page("pages/plan.py").run()
        bare = AppTest.from_file(str(bare_path), default_timeout=60).run()
        charts_plan = len(plan.get("vega_lite_chart"))
        charts_bare = len(bare.get("vega_lite_chart"))
        if plan.exception or plan.error or not plan.toggle:
            raise SystemExit("the Hiring plan page did not render cleanly through app.py")

        for value in (*SLIDER_VALUES, *SLIDER_VALUES):  # warm every cache on both values
            timed_rerun(plan, "w_target_k", value)
            timed_rerun(bare, "k", value)

        times: dict[str, list[tuple[float, float]]] = {"plan": [], "bare": []}
        for i in range(reruns):
            value = SLIDER_VALUES[i % 2]
            times["plan"].append(timed_rerun(plan, "w_target_k", value))
            times["bare"].append(timed_rerun(bare, "k", value))

    print(f"warm reruns after a slider move, {reruns} each, interleaved (AppTest)")
    print(f"charts on the page: hiring plan {charts_plan}, bare page {charts_bare}")
    medians = {}
    for name, rows in times.items():
        wall = [w for w, _ in rows]
        cpu = [c for _, c in rows]
        medians[name] = statistics.median(wall)
        print(
            f"  {name:5s} median {medians[name]:.3f} s  best {min(wall):.3f} s  "
            f"median CPU {statistics.median(cpu):.3f} s"
        )
    ratio = medians["plan"] / medians["bare"]
    verdict = "meets" if ratio <= 1.5 else "misses"
    print(f"ratio plan / bare (medians): {ratio:.2f}  ({verdict} the target <= 1.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=21, help="timed reruns per page (>= 15)")
    args = parser.parse_args()
    main(max(15, args.reruns))
