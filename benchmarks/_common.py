"""Shared by the benchmarks that compare the Hiring plan page with a bare chart page
(bench_rerun.py, bench_browser_latency.py): the frames the Hiring plan page charts for the
sample team, and a bare Streamlit page drawing the same frames."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
