"""Shared page chrome: sidebar controls, workshop styling and number formatting."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal, TypedDict

import streamlit as st

from forecasting.model import formatting
from forecasting.model.edits import has_mle_plan
from forecasting.model.errors import PlannerError
from forecasting.model.scenario import Scenario
from forecasting.report.export import download_name
from ui import state
from ui.text import md_escape

if TYPE_CHECKING:
    from ui.compute import PlanView

# Our own static CSS (no user text is ever interpolated into it).
# In both modes: a metric's label and delta and a button's label wrap instead of being cut
# ("Download one-page brief (…", "bottleneck: Product…").
WRAP_CSS = """
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] div,
[data-testid="stMetricLabel"] p { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] div,
[data-testid="stMetricDelta"] p { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; max-width: 100%; height: auto; }
[data-testid="stDownloadButton"] button, [data-testid="stButton"] button { height: auto; }
[data-testid="stDownloadButton"] button *, [data-testid="stButton"] button * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
"""

WORKSHOP_CSS = (
    """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMarkdownContainer"] p,
[data-testid="stMarkdownContainer"] li { font-size: 1.15rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] p { font-size: 2.1rem !important; white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; line-height: 1.15; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] div,
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
h1 { font-size: 2.2rem !important; }
h4 { font-size: 1.3rem !important; line-height: 1.3; padding: 0 0 0.3rem 0; }
[data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stDecoration"],
[data-testid="stElementToolbar"] { display: none !important; }
.block-container { padding-top: 3.6rem; padding-bottom: 2rem; max-width: 1860px; }
.st-key-workshop_bar [data-testid="stWidgetLabel"] p { font-size: 0.95rem !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 0.95rem; }
/* the answer card: the sentence, its four numbers and the quarter strip on the first screen */
[class*="st-key-answer_card"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
[class*="st-key-answer_card"] h4 { padding-bottom: 0.3rem !important; }
/* 125% browser zoom on a 1280 x 720 projector is a 1024 x 576 CSS viewport: the same
   physical type size is 16 CSS px there, so the page lays out as it does at 1280 x 720. */
@media (max-width: 1100px) {
  html, body, [data-testid="stAppViewContainer"] { font-size: 16px; }
  .block-container { padding-top: 4.2rem; }
}"""
    + WRAP_CSS
    + "</style>\n"
)

# Outside workshop mode: a narrow window (a laptop at 1024 px, the sidebar open) gives each
# of four metrics about 130 px, where Streamlit cut "$902k/yr" to "$902…" and the labels
# and download buttons to their first words. The numbers shrink with the window instead
# (2.25rem, Streamlit's size, from about 1500 px), and labels and buttons wrap.
# Chart pairs (Forecast, Hiring plan, Capacity) stay side by side while each column gets
# 26rem; in a narrower window they go one under the other: at 1024 px each chart of a pair
# was 274 px wide, its legend taking a third and the plot about 130 px, with one month
# label on its axis (1440 px: 482 px each, unchanged). Workshop mode stacks them anyway.
PAIR_CSS = """
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stVegaLiteChart"])
  { flex-wrap: wrap; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stVegaLiteChart"])
  > [data-testid="stColumn"] { min-width: min(100%, 26rem); }
"""
NORMAL_CSS = (
    """
<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div,
[data-testid="stMetricValue"] p { font-size: clamp(1.4rem, 2.4vw, 2.25rem) !important;
  overflow: visible !important; text-overflow: clip !important; }"""
    + WRAP_CSS
    + PAIR_CSS
    + "</style>\n"
)


def apply_theme() -> None:
    """Inject the page CSS (larger type and no editing chrome in workshop mode; numbers
    that fit a narrow window otherwise)."""
    st.html(WORKSHOP_CSS if state.workshop() else NORMAL_CSS)


def _toggle_workshop() -> None:
    state.set_workshop(st.session_state["workshop_toggle"])


def _restore_scenario() -> None:
    upload = st.session_state.get("scenario_upload")
    if upload is None:
        return
    try:
        if upload.size > 256_000:
            raise PlannerError("scenario file: larger than 256 kB; is this a scenario JSON?")
        scenario = Scenario.from_json(upload.getvalue())
    except PlannerError as exc:
        st.session_state["scenario_upload_error"] = f"Scenario not restored: {exc}"
        return
    state.set_base(scenario, reset=True)
    state.set_plan_mode(state.PLAN_MANUAL if has_mle_plan(scenario) else state.PLAN_RECOMMENDED)
    state.notice("Scenario restored from the file.")


def sidebar() -> None:
    """Controls shared by every page."""
    with st.sidebar:
        st.toggle(
            "Workshop mode",
            value=state.workshop(),
            key="workshop_toggle",
            on_change=_toggle_workshop,
            help="Large type and charts for a projector, editing controls hidden. "
            "Also kept in the link.",
        )
        st.caption(
            "**Share:** the link in the address bar reproduces this scenario exactly "
            "(team, assumptions, target, plan). Uploaded files are never in the link."
        )
        st.download_button(
            "Download scenario (JSON)",
            data=state.base().to_json,  # made when clicked
            # named by what it is: scenario-1to6-2028-05_2026-12-07.json
            file_name=download_name("scenario", state.base(), date.today().isoformat(), "json"),
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
        )
        if not state.workshop():
            st.file_uploader(
                "Restore a scenario file",
                type=["json"],
                key="scenario_upload",
                on_change=_restore_scenario,
                help="A scenario JSON downloaded from this app or written by hand "
                "(docs/scenario-format.md).",
            )
            error = st.session_state.pop("scenario_upload_error", None)
            if error:
                st.error(md_escape(error))


class DeltaStyle(TypedDict):
    """st.metric's keyword arguments for a delta's colour and arrow."""

    delta_color: Literal["green", "red", "off"]
    delta_arrow: Literal["up", "down", "off"]


def delta_style(change: float, *, good: Literal["up", "down"] = "up") -> DeltaStyle:
    """st.metric's delta colour and arrow for a change written with a true minus sign
    (forecasting.model.formatting), which Streamlit would read as a rise: green when the change
    goes the `good` way ("up" or "down"), red the other way, grey and no arrow at zero."""
    if change == 0:
        return {"delta_color": "off", "delta_arrow": "off"}
    direction: Literal["up", "down"] = "up" if change > 0 else "down"
    return {"delta_color": "green" if direction == good else "red", "delta_arrow": direction}


def fmt_pct(p: float) -> str:
    """0.8 -> '80%' (forecasting.model.formatting.percent)."""
    return formatting.percent(p)


def download_projections(scenario: Scenario, *, key: str, view: PlanView | None = None) -> None:
    """The shared download row: projections (CSV, formula-injection safe), the one-page
    brief (HTML) and the scenario (JSON), side by side (ui/downloads.py; `view`: the
    page's `compute.PlanView`, looked up again when None)."""
    from ui.downloads import download_row

    download_row(scenario, key=key, view=view)
