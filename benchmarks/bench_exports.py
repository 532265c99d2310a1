"""Benchmark: what the exports cost: a chart converted to PNG / SVG with vl-convert, the
wide projections CSV and the one-page brief, for the sample team.

Why it matters: a conversion above ~50 ms a chart is too much for every rerun of a page
with three charts, so the pages convert only when a download button is clicked
(`st.download_button(data=callable)`, ui/downloads.py) and cache the bytes
(`compute.chart_image`). The first conversion in a process also starts vl-convert's
JavaScript engine; it is printed apart. Times are wall-clock (vl-convert works on its own
threads), median of N after that first call.

Run from the repository root: python -m benchmarks.bench_exports
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 7


def _quiet_streamlit() -> None:
    """The cached functions run without a Streamlit server here: hush its warnings."""
    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    """(first call, median of `repeat` further calls), in milliseconds."""
    start = time.perf_counter()
    fn()
    first = 1000 * (time.perf_counter() - start)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return first, statistics.median(times)


def main() -> None:
    import vl_convert

    from forecasting.model.scenario import Scenario
    from forecasting.report.brief import BriefChart, render_brief
    from forecasting.report.export import projections_csv
    from forecasting.report.sentences import answer_sentence
    from ui import compute

    _quiet_streamlit()
    base = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    view = compute.view_for(base, "even", "recommended")
    scenario, result = view.scenario, view.result
    print(f"sample team, {scenario.paths} paths, {scenario.horizon_months} months")
    print(f"vl-convert {vl_convert.__version__ if hasattr(vl_convert, '__version__') else '?'}")

    start = time.perf_counter()
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]}})
    startup = 1000 * (time.perf_counter() - start)
    print(f"engine start-up (first conversion in a process): {startup:.0f} ms")

    print(f"\n{'chart':<22}{'spec kB':>8}{'SVG ms':>8}{'PNG ms':>8}{'SVG kB':>8}{'PNG kB':>8}")
    svg_ms, png_ms = [], []
    for name in [*compute.CHARTS, "quarters"]:
        spec = compute.export_spec(
            compute._spec_for_export(name, scenario), width=compute.EXPORT_WIDTH
        )
        _, svg = timed(lambda spec=spec: vl_convert.vegalite_to_svg(spec))
        _, png = timed(
            lambda spec=spec: vl_convert.vegalite_to_png(spec, scale=compute.EXPORT_SCALE)
        )
        svg_ms.append(svg)
        png_ms.append(png)
        svg_kb = len(vl_convert.vegalite_to_svg(spec)) / 1000
        png_kb = len(vl_convert.vegalite_to_png(spec, scale=compute.EXPORT_SCALE)) / 1000
        size = len(json.dumps(spec)) / 1000
        print(f"{name:<22}{size:>8.0f}{svg:>8.0f}{png:>8.0f}{svg_kb:>8.0f}{png_kb:>8.0f}")
    print(
        f"{'median':<22}{'':>8}{statistics.median(svg_ms):>8.0f}{statistics.median(png_ms):>8.0f}"
    )

    _, cached = timed(lambda: compute.chart_image("ratio_fan", scenario, "png"))
    print(f"\ncompute.chart_image, cache hit: {cached:.2f} ms")
    first, csv_ms = timed(lambda: projections_csv(result, strategy="even", plan="recommended"))
    print(f"wide projections CSV: {csv_ms:.0f} ms (first {first:.0f} ms)")

    def brief() -> str:
        charts = [
            BriefChart(name, compute.chart_image(name, scenario, "svg", width=470, height=230))
            for name in ("ratio_fan", "headcount_fan")
        ]
        answer = answer_sentence(view.recommendation, base, strategy="even")
        return render_brief(scenario, result, answer=answer, run_rate_usd=1.0, charts=charts)

    first, brief_ms = timed(brief)
    print(f"one-page brief (HTML): first {first:.0f} ms (two SVG conversions)")
    print(f"one-page brief (HTML), charts cached: {brief_ms:.0f} ms")


if __name__ == "__main__":
    main()
