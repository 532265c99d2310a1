"""Overview: today's ratio, the target, the odds of reaching it, cost, and the two key charts."""

from __future__ import annotations

import streamlit as st

from forecasting import plans, summary
from ui import compute, state
from ui.layout import download_projections, fmt_pct

state.require_app()

view = compute.current_view()
scenario, result = view.scenario, view.result
target = scenario.target
months = result.months
deadline = scenario.deadline
workshop = state.workshop()

st.title("ML team workforce plan")

rec = view.recommendation
st.markdown(
    "#### "
    + summary.answer_sentence(
        rec, state.base(), strategy=view.strategy, error=view.solver_error, reachable=view.reachable
    )
)
if view.mode == state.PLAN_MANUAL:
    unit = "new ML engineer positions" if plans.mle_positions_mode(scenario) else "starts"
    st.caption(
        f"The charts show your hand-edited plan ({sum(plans.mle_schedule(scenario))} {unit}); "
        "the sentence above is the solver's recommendation. Switch back on the Hiring plan page."
    )
held = summary.held_warning(
    result.p_target_met, result.p_target_held, target.confidence, target.ds_per_mle
)
if held:
    st.warning(held + " Hold the target on the Hiring plan page to plan for it.")
compute.show_quarters(scenario, workshop=workshop)

today = summary.current_ratio(scenario.headcount)
to_target = result.months_to_target(target.confidence)
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(
    "Today's ratio (MLE : DS)",
    summary.ratio_text(round(today, 1)),
    help="One ML engineer per k data scientists, from the current headcount.",
)
c2.metric(
    "Target",
    summary.ratio_text(target.ds_per_mle),
    f"by {summary.month_name(months[deadline])}",
    delta_color="off",
    delta_arrow="off",
)
c3.metric(
    "P(target met by deadline)",
    summary.probability_text(result.p_target_met, scenario.paths, target.confidence),
    f"goal {fmt_pct(target.confidence)}",
    delta_color="off",
    delta_arrow="off",
    help="Share of simulated paths with at most k data scientists per ML engineer "
    "at the deadline month; near the goal with its Monte Carlo error (±1 standard error).",
)
c4.metric(
    "Months to target",
    "—" if to_target is None else f"{to_target}",  # a long value would be cut
    "not within horizon" if to_target is None else summary.month_name(months[to_target]),
    delta_color="off",
    delta_arrow="off",
    help=f"First month from which P(target met) stays at or above the "
    f"{fmt_pct(target.confidence)} goal in every month to the horizon; a month where it "
    "reaches the goal and later falls back does not count.",
)
c5.metric(
    "Payroll at horizon",
    f"{summary.money(12 * float(result.cost_mean[-1]))}/yr",
    f"{summary.money(12 * (float(result.cost_mean[-1]) - float(result.cost_mean[0])))}/yr vs today",
    delta_color="off",
    delta_arrow="off",
    help="Mean simulated annualised salary cost of all four roles in the last month.",
)

compute.show_chart_pair("ratio_fan", "headcount_fan", scenario, workshop=workshop)

download_projections(scenario, key="overview")

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
