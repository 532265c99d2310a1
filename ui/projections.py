"""The history behind the team plan: status-quo projections and hiring pace, cached safely.

Which history applies: the session's upload when its team is the scenario's team (an
uploaded monthly history or roster), else the built-in sample's when the scenario's
team is the sample team, else none (a team typed by hand has no history).

The sample team's fits are public and shared between sessions (``st.cache_data``);
an upload's are fitted once per upload and kept in this session's state only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from forecasting.estimate.trend import TrendForecast, status_quo_all
from forecasting.model.errors import PlannerError
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.plan.policies import Pace
from ui import state
from ui.background import Job, is_cached
from ui.sample_data import sample_ingest

KEY_CACHE = "trend_cache"


@dataclass(frozen=True)
class History:
    """The monthly history that applies to the current team."""

    label: str  # "your upload <name>" or "the sample team"
    frame: pd.DataFrame | None  # None for the sample team (read on demand: sample_ingest)
    upload_key: tuple | None  # None for the sample team


@st.cache_data(show_spinner="Fitting the sample team's trends…", max_entries=8)
def sample_trends(horizon: int) -> dict[str, TrendForecast]:
    """Status-quo fits of the public sample team (safe to share across sessions)."""
    return status_quo_all(sample_ingest().history, horizon)


def sample_trends_job(horizon: int) -> tuple[Job, Callable[[], bool | None]]:
    """The background job that fits the sample team's trends, and the check that it has."""
    return Job("sample trends", partial(sample_trends, horizon)), partial(
        is_cached, sample_trends, horizon
    )


SAMPLE_PACE_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_pace.json"


@st.cache_resource(show_spinner=False)
def sample_pace() -> dict[str, Pace]:
    """The sample team's hiring pace, computed with the sample scenario by
    data/make_sample_scenario.py (public data: shared by every session)."""
    data = json.loads(SAMPLE_PACE_PATH.read_text(encoding="utf-8"))
    return {role: Pace(**values) for role, values in data.items()}


def upload_cache(key: tuple) -> dict:
    """This session's cache for one upload's fits and charts (never in a shared cache)."""
    cache = st.session_state.setdefault(KEY_CACHE, {})
    if cache.get("upload") != key:
        cache.clear()  # keep one upload's results at most
        cache["upload"] = key
    return cache


def upload_trends(key: tuple, history: pd.DataFrame, horizon: int) -> dict[str, TrendForecast]:
    """Fits on uploaded history, once per upload and horizon, with a progress indicator."""
    cache = upload_cache(key)
    if ("fits", horizon) not in cache:
        with st.spinner("Fitting the status-quo projection to your history…"):
            cache[("fits", horizon)] = status_quo_all(history, horizon)
    return cache[("fits", horizon)]


#: Draws one role's forecast chart spec: (role, its fit, workshop) -> spec
#: (`ui.compute.forecast_spec`, handed in: ui.compute prepares this module's jobs).
ChartDraw = Callable[[str, TrendForecast, bool], dict]


def upload_chart(
    cache: dict, role: str, tf: TrendForecast, horizon: int, workshop: bool, draw: ChartDraw
) -> dict:
    """The chart spec of one role's forecast on an upload, kept in its cache
    (`upload_cache`: this session's): 50-100 ms a chart to draw."""
    key = ("chart", role, horizon, workshop)
    if key not in cache:
        cache[key] = draw(role, tf, workshop)
    return cache[key]


def upload_charts_job(
    key: tuple, horizon: int, workshop: bool, draw: ChartDraw
) -> tuple[Job, Callable[[], bool]] | None:
    """The background job that draws the Forecast page's charts of an upload whose trends
    are fitted (at `horizon`), and the check that it has; None before the fits."""
    from ui import background

    cache = upload_cache(key)
    fits = cache.get(("fits", horizon))
    if fits is None:
        return None

    def run() -> None:
        for role, tf in fits.items():
            if background.should_give_way():
                raise background.Cancelled  # again after the script run (charts kept)
            upload_chart(cache, role, tf, horizon, workshop, draw)

    def ready() -> bool:
        return all(("chart", role, horizon, workshop) in cache for role in fits)

    return Job("upload charts", run), ready


def _same_team(headcount: dict[str, int], scenario: Scenario) -> bool:
    return all(int(headcount.get(k, 0)) == scenario.headcount_of(k) for k in ROLE_KEYS)


def history_for(scenario: Scenario) -> History | None:
    """The history that applies to `scenario`'s team, or None."""
    # This session's last good upload (ui.uploads.Upload: name, key, parsed result), read
    # from the session rather than through ui.uploads, which draws with these projections.
    upload = st.session_state.get(state.KEY_UPLOAD)
    if (
        upload is not None
        and len(upload.result.history)
        and _same_team(upload.result.headcount, scenario)
    ):
        return History(f"your upload {upload.name}", upload.result.history, upload.key)
    if state.default_scenario().headcount == scenario.headcount:
        return History("the sample team", None, None)
    return None


def trends_for(scenario: Scenario) -> dict[str, TrendForecast] | None:
    """Status-quo projections for `scenario`'s team at its horizon, or None without history."""
    history = history_for(scenario)
    if history is None:
        return None
    try:
        if history.upload_key is None or history.frame is None:  # the sample team
            return sample_trends(scenario.horizon_months)
        return upload_trends(history.upload_key, history.frame, scenario.horizon_months)
    except PlannerError:
        return None


def pace_for(scenario: Scenario) -> dict[str, Pace]:
    """Hiring pace per role from the history of `scenario`'s team (empty without one)."""
    history = history_for(scenario)
    if history is None:
        return {}
    if history.upload_key is None or history.frame is None:  # the sample team
        return sample_pace()
    cache = upload_cache(history.upload_key)
    if "pace" not in cache:
        from forecasting.plan.policies import hiring_pace

        cache["pace"] = hiring_pace(history.frame)
    return cache["pace"]
