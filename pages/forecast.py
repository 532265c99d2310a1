"""Forecast: the status-quo headcount trend per role from history (statsmodels)."""

from __future__ import annotations

import streamlit as st

from forecasting.estimate.trend import TrendForecast
from forecasting.estimate.trend_text import CANDIDATES_TEXT
from forecasting.model import policy
from forecasting.model.errors import PlannerError
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, Role
from ui import background, backtest_view, charts, compute, projections, state, uploads
from ui.downloads import show_spec
from ui.sample_data import sample_ingest
from ui.text import md_escape

state.require_app()

workshop = state.workshop()
horizon = state.base().horizon_months


@st.cache_data(show_spinner=False, max_entries=16)
def _sample_chart(role: str, horizon: int, workshop: bool) -> dict:
    """The chart spec of one role's sample-team forecast (public data: shared cache)."""
    tf = projections.sample_trends(horizon)[role]
    chart = charts.history_forecast(tf.history, tf.forecast, tf.model, role=role, workshop=workshop)
    return compute.vega_lite_spec(chart)


def _chart(role: str, tf: TrendForecast) -> dict:
    """The chart spec of one role's forecast, from the cache that fits its data."""
    if upload_key is None:
        return _sample_chart(role, horizon, workshop)
    cache = projections.upload_cache(upload_key)
    return projections.upload_chart(cache, role, tf, horizon, workshop, compute.forecast_spec)


NO_HISTORY_FROM_LINK = (
    "This team's history is not in the link: a link carries the scenario's numbers, never a "
    "file, so this session (a new tab, or after a server restart) has no history for it. "
    "Drop the file again on Team & data to see its forecast and backtest."
)
NO_HISTORY = (
    "This team has no history here: it was typed by hand or read from a file without "
    "history (a snapshot). Upload a roster or a monthly history on Team & data to forecast it."
)

st.title("Status-quo forecast")
upload = uploads.current()
upload_key = None
waiting: dict = {}  # job label -> its ready check: the parts the background computes
if upload is not None and len(upload.result.history):
    source = f"your upload **{md_escape(upload.name)}**"
    history = upload.result.history
    try:
        trends = projections.upload_trends(upload.key, history, horizon)
    except PlannerError as exc:
        st.error(f"Your history cannot be forecast: {md_escape(exc)}")
        st.stop()
    upload_key = upload.key
    # Drawn in the background when the fits arrived: not ready yet, the page says so and
    # the charts arrive by themselves (the same specs).
    drawn = projections.upload_charts_job(upload_key, horizon, workshop, compute.forecast_spec)
    if drawn is not None and background.in_background_now(*drawn):
        waiting[drawn[0].label] = drawn[1]
        trends = {}
elif state.is_sample_team(state.base()):
    source = "the built-in **sample team**"
    # Fitted in the background when the app opened: not ready yet, the page says so and
    # the charts arrive by themselves (the same fits: the same numbers). The sample's
    # history is read there too (seconds, once per process): not waited for here.
    job, ready = projections.sample_trends_job(horizon)
    if background.in_background_now(job, ready):
        waiting[job.label] = ready
        history, trends = None, {}  # type: ignore[assignment]  # drawn once ready
    else:
        history = sample_ingest().history
        trends = projections.sample_trends(horizon)
else:
    # Never the sample's history for another team: a link carries numbers, never a file.
    st.info(NO_HISTORY_FROM_LINK if state.from_uploaded_history(state.base()) else NO_HISTORY)
    st.page_link("pages/team.py", label="Upload on Team & data", icon=":material/upload:")
    st.stop()
months_seen = None if history is None else (history["month"].nunique() if len(history) else 0)
seen = "" if months_seen is None else f" ({months_seen} months of history)"
st.caption(
    f"What happens with no change in hiring behaviour: each role's monthly headcount from "
    f"{source}{seen}, projected {horizon} months. Models: {CANDIDATES_TEXT}, "
    "weighted by how well each predicted the history one month at a time (a rolling-origin "
    "backtest); 80% intervals."
    + (
        " Upload a roster or a monthly history on Team & data to forecast your own team."
        if upload is None
        else ""
    )
)
ds_policy = state.base().policy_of("data_scientist")
if policy.policy_label(ds_policy) == policy.PROJECTION:
    st.caption(
        "The data-scientist projection drives the team plan: data-science positions follow "
        f"it ({md_escape(ds_policy.source)}), with its band in the Monte Carlo. Change it in "
        "the team plan on the Hiring plan page."
    )
if upload is not None and not len(upload.result.history):
    st.info(
        "Your upload has no history to forecast (a snapshot is one point in time; a roster "
        "or panel without leavers has no window), so the sample team's history is shown."
    )
elif upload is not None and upload.result.history_note:
    st.caption(md_escape(upload.result.history_note))

if waiting and upload_key is not None:
    background.computing("Drawing the trend charts for each role… they appear here by themselves.")
elif waiting:
    background.computing(
        "Fitting the trend models for each role (ARIMA, linear, damped-trend ETS, AR(1) and "
        "a level since the last shift, with their backtests)… the charts appear here by "
        "themselves in a few seconds."
    )
cols = st.columns(2) if not workshop else [st.container(), st.container()]
for i, role in enumerate(r for r in ROLE_KEYS if r in trends):
    tf = trends[role]
    with cols[i % 2]:
        show_spec(_chart(role, tf), key=f"forecast_{role}", workshop=workshop)
        line = f"**{ROLE_LABELS[Role(role)]}** — model used: **{tf.model}**"
        if tf.fallback:
            line += " (fallback)"
        st.markdown(line)
        if tf.note:
            st.info(tf.note)
        if not workshop and len(tf.backtest):
            bt = tf.backtest[
                [c for c in ("model", "mae", "coverage", "chosen") if c in tf.backtest]
            ]
            st.dataframe(
                bt,
                hide_index=True,
                width="content",
                column_config={
                    "mae": st.column_config.NumberColumn("backtest MAE (people)", format="%.2f")
                },
            )

result = upload.result if upload is not None else None
job, ready = backtest_view.backtest_job(upload_key, result)
if background.in_background_now(job, ready):
    waiting[job.label] = ready
    st.subheader("How far to trust the model: a backtest on this data")
    background.computing("Re-running the model on this history (the backtest)…")
else:
    backtest_view.section(backtest_view.backtest_for(upload_key, result), workshop=workshop)
background.rerun_when_ready(waiting)
