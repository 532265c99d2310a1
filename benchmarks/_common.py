"""Shared by the benchmarks: timing a call over several runs and the command line in a new
process; and, for those that compare the Hiring plan page with a bare chart page
(bench_rerun.py, bench_browser_latency.py), the frames the Hiring plan page charts for the
sample team and a bare Streamlit page drawing the same frames."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]

T = TypeVar("T")


def time_runs(call: Callable[[], T], runs: int = 5) -> tuple[T, list[float], list[float]]:
    """Call `call` `runs` times; return its last result and each run's wall and CPU seconds."""
    timings, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = call()
        timings.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return result, timings, cpu


def best_median(timings: Sequence[float]) -> tuple[float, float]:
    """The best and the median (the upper one of an even count) of `timings`."""
    return min(timings), sorted(timings)[len(timings) // 2]


def time_cli(args: Sequence[str], runs: int = 1) -> list[float]:
    """Wall seconds of each of `runs` runs of ``python -m forecasting ARGS`` in a new process."""
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "forecasting", *args],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        timings.append(time.perf_counter() - t0)
    return timings


#: The top of every bare page: the frames, loaded once per server (st.cache_data). No final
#: newline: a body starts with one.
BARE_PAGE_HEAD = """
import pickle

import altair as alt
import streamlit as st


@st.cache_data
def frames(path):
    with open(path, "rb") as f:
        return pickle.load(f)


st.title("Bare page")"""


def chart_frames() -> dict:
    """The frames the Hiring plan page charts, for the sample team."""
    from forecasting.model.scenario import Scenario
    from forecasting.simulate.engine import simulate

    scenario = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    result = simulate(scenario)
    starts_cost = result.starts.merge(result.cost, on=["month_index", "month"], how="left")
    headcount = result.headcount[result.headcount["role"].isin(["data_scientist", "ml_engineer"])]
    return {"ratio": result.ratio, "headcount": headcount, "hires and cost": starts_cost}


def write_bare_page(folder: Path, body: str) -> Path:
    """Pickle :func:`chart_frames` into `folder` and write a bare page there; return its path.

    The page is :data:`BARE_PAGE_HEAD` then `body`, a :meth:`str.format` template (literal
    braces doubled) that gets the frames with ``frames({path!r})``.
    """
    data = folder / "frames.pkl"
    data.write_bytes(pickle.dumps(chart_frames()))
    page = folder / "bare_page.py"
    page.write_text(textwrap.dedent((BARE_PAGE_HEAD + body).format(path=str(data))))
    return page
