"""The Forecast page's backtest: the model re-run from 12 months before the as-of date on
the data behind the forecast, and how often what happened fell inside its P10–P90.

An upload's backtest is computed once per upload and kept in this session
(ui/projections.upload_cache); the sample team's is public and shared (st.cache_data).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from forecasting.ingest import IngestResult
from forecasting.model.errors import PlannerError
from forecasting.model.formatting import month_name
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, Role
from forecasting.model.scenario import Scenario
from forecasting.plan.backtest import NOMINAL, Backtest, backtest_upload
from ui import background, projections, state
from ui.sample_data import sample_ingest
from ui.text import md_escape

MONTHS = 12


@st.cache_data(show_spinner=False, max_entries=2)
def _sample_backtest() -> Backtest | str:
    """The sample team's backtest (public data: shared by every session)."""
    return _run(sample_ingest())


def _run(result: IngestResult) -> Backtest | str:
    try:
        return backtest_upload(result, months=MONTHS)
    except PlannerError as exc:
        return str(exc)


def backtest_for(upload_key: tuple | None, result: IngestResult | None) -> Backtest | str:
    """The backtest of the upload (``upload_key``), else of the sample team; a string says
    why there is none."""
    if upload_key is None or result is None:
        return _sample_backtest()
    cache = projections.upload_cache(upload_key)
    if ("backtest", MONTHS) not in cache:
        with st.spinner("Re-running the model on your history…"):
            cache[("backtest", MONTHS)] = _run(result)
    return cache[("backtest", MONTHS)]


def backtest_job(
    upload_key: tuple | None, result: IngestResult | None
) -> tuple[background.Job, Callable[[], bool | None]]:
    """The background job that fills `backtest_for`'s cache, and the check that it has."""
    if upload_key is None or result is None:
        return background.Job("sample backtest", _sample_backtest), partial(
            background.is_cached, _sample_backtest
        )
    cache = projections.upload_cache(upload_key)

    def run() -> None:
        if ("backtest", MONTHS) not in cache:
            cache[("backtest", MONTHS)] = _run(result)

    return background.Job("upload backtest", run), lambda: ("backtest", MONTHS) in cache


def warm_jobs(
    scenario: Scenario, workshop: bool = False, draw: projections.ChartDraw | None = None
) -> list[background.Job]:
    """The fits the Forecast page needs for `scenario`'s history, as background jobs run
    when the history arrives (not on the first visit to Forecast): the sample team's
    status-quo trends and backtest (shared caches), or an upload's charts (in `workshop`
    mode or not) and backtest (this session's upload cache; its trends are fitted when
    the upload is applied; its charts drawn by `draw`, `ui.compute.forecast_spec`)."""
    history = projections.history_for(scenario)
    if history is None:
        return []
    if history.upload_key is None:  # the sample team
        horizon = scenario.horizon_months
        return [projections.sample_trends_job(horizon)[0], backtest_job(None, None)[0]]
    jobs = []
    horizon = scenario.horizon_months
    drawn = (
        None
        if draw is None
        else projections.upload_charts_job(history.upload_key, horizon, workshop, draw)
    )
    if drawn is not None and not drawn[1]():
        jobs.append(drawn[0])
    cache = projections.upload_cache(history.upload_key)
    upload = st.session_state.get(state.KEY_UPLOAD)
    if ("backtest", MONTHS) not in cache and upload is not None:
        jobs.append(backtest_job(history.upload_key, upload.result)[0])
    return jobs


def section(found: Backtest | str, *, workshop: bool) -> None:
    """How far to trust the model: the sentence, coverage, and each role's checks."""
    st.subheader("How far to trust the model: a backtest on this data")
    if isinstance(found, str):
        st.caption(
            f"No backtest: {md_escape(found)}. It needs {MONTHS + 12} months of history in "
            "which the file lists leavers."
        )
        return
    st.markdown(md_escape(found.sentence()))
    by = found.coverage_by("measure")
    c1, c2, c3 = st.columns(3)
    c1.metric("Inside P10–P90, all checks", f"{found.coverage:.0%}")
    c2.metric("Headcount at each month's end", f"{by.get('headcount', float('nan')):.0%}")
    c3.metric(f"Exits since {month_name(found.origin)}", f"{by.get('exits', float('nan')):.0%}")
    st.caption(
        f"Rates estimated only from the months up to {month_name(found.origin)}; the hires "
        "that happened taken as given; the Monte Carlo from each role's headcount then. A "
        f"hit is an actual value inside the predicted P10–P90: at least {NOMINAL:.0%} of the "
        "paths, more for small teams (counts are whole numbers)."
    )
    if workshop:
        return
    roles = [r for r in ROLE_KEYS if r in set(found.table["role"])]
    if not roles:
        return
    role = st.selectbox(
        "Checks of",
        roles,
        format_func=lambda r: ROLE_LABELS[Role(r)],
        key="backtest_role",
    )
    st.dataframe(checks_table(found.table, role), hide_index=True)


def checks_table(table: pd.DataFrame, role: str) -> pd.DataFrame:
    """One row per month: the actual headcount and exits, their P10–P90 and hit or miss."""
    mine = table[table["role"] == role]
    out = pd.DataFrame({"month": [month_name(m) for m in mine["month"].unique()]})
    for measure, label in (("headcount", "headcount"), ("exits", "exits since origin")):
        part = mine[mine["measure"] == measure].reset_index(drop=True)
        out[f"{label}: actual"] = part["actual"].astype(int)
        spans = zip(part["p10"], part["p90"])
        out[f"{label}: P10–P90"] = [f"{lo:.0f}–{hi:.0f}" for lo, hi in spans]
        out[f"{label}: hit"] = ["hit" if h else "miss" for h in part["hit"]]
    return out
