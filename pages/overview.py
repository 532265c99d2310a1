"""Overview: the answer first (positions, when, cost, odds), then the ratio and the team."""

from __future__ import annotations

import streamlit as st

from forecasting.model import formatting
from forecasting.model.target import current_ratio
from ui import answer, compute, downloads, state
from ui.layout import download_projections

state.require_app()

view = compute.current_view()
scenario, result = view.scenario, view.result
target, workshop = scenario.target, state.workshop()

if not workshop:
    st.title("ML team workforce plan")
answer.card(view, where="overview")
downloads.show_chart_pair("ratio_fan", "headcount_fan", scenario, workshop=workshop)

today = current_ratio(scenario.headcount)
reached = result.target_reached(target.confidence)
c1, c2, c3, c4 = st.columns(4)
c1.metric(
    "Today's ratio (MLE : DS)",
    formatting.ratio_text(round(today, 1)),
    help="One ML engineer per k data scientists, from the current headcount.",
)
c2.metric(
    "Target",
    formatting.ratio_text(target.ds_per_mle),
    f"by {formatting.month_name(result.months[scenario.deadline])}",
    delta_color="off",
    delta_arrow="off",
)
c3.metric(
    "Target reached",
    "—" if reached is None else ("now" if reached == 0 else f"{reached} mo"),
    "not within horizon"
    if reached is None
    else ("already met" if reached == 0 else formatting.month_name(result.months[reached])),
    delta_color="off",
    delta_arrow="off",
    help=f"The first month in which P(target met) is at or above the "
    f"{formatting.percent(target.confidence)} goal (the answer card's rule); how long it "
    "holds after the deadline is P(target held) on the card.",
)
c4.metric(
    "Payroll at horizon",
    f"{formatting.money(12 * float(result.cost_mean[-1]))}/yr",
    f"{formatting.money(12 * float(result.cost_mean[-1] - result.cost_mean[0]))}/yr vs today",
    delta_color="off",
    delta_arrow="off",
    help="Mean simulated annualised salary cost of all four roles in the last month.",
)

download_projections(scenario, key="overview", view=view)

with st.expander("Why this ratio? (public claims, quoted as reported)", expanded=False):
    st.markdown(
        "- Gartner was reported to estimate **one ML engineer for every 10 data scientists**, "
        "moving to one for every 5–10.\n"
        '- Data scientists "wear too many hats" when engineers are missing: deployment, '
        "scaling and data preparation land on them (see the Capacity page).\n"
        "- Roles: **Data engineer** (integration, pipelines, data quality), **Data scientist** "
        "(use cases, experiments, models), **ML engineer** (deploys, scales, production "
        "readiness, feedback loop), **Product manager** (what to build, planning, priorities)."
    )
