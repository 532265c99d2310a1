"""Hiring plan: target and data-science growth -> new ML engineer positions, and the team plan."""

from __future__ import annotations

import streamlit as st

from forecasting import plans, summary
from forecasting.policy import PolicyKind
from forecasting.solver import Strategy
from ui import compute, plan_table, state, team_plan
from ui.layout import download_projections, fmt_pct

state.require_app()

ss = st.session_state
base = state.base()
horizon = base.horizon_months
months = base.months()
workshop = state.workshop()
deadline_now = base.deadline
# A scenario from a link or file may hold values off the widgets' usual scales: widen
# the scales to include them rather than snap them (and write the snapped value back).
k_now = float(base.target.ds_per_mle)
reskill_now = round(100 * base.reskill_annual)
CONFIDENCES = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99)
confidences = sorted({*CONFIDENCES, float(base.target.confidence)})


def _update_target() -> None:
    state.set_base(
        state.base().replace(
            target={
                "ds_per_mle": float(ss["w_target_k"]),
                "deadline_month": int(ss["w_deadline"]),
                "confidence": float(ss["w_confidence"]),
                "hold": bool(ss["w_hold"]),
            }
        )
    )


DS = "data_scientist"
ds_policy = base.policy_of(DS)
ds_positions = base.positions_of(DS)
if ds_policy.kind is PolicyKind.GROWTH:
    ds_to_now, ds_by_now = int(ds_policy.to), int(ds_policy.by_month)
else:
    ds_by_now = int(deadline_now)
    ds_to_now = int(ds_positions[ds_by_now]) if ds_positions else base.headcount_of(DS)


def _update_ds_growth() -> None:
    policies = state.base().by_role("hiring_policy")
    policies[DS] = {"kind": "growth", "to": int(ss["w_ds_to"]), "by_month": int(ss["w_ds_by"])}
    starts = {**state.base().by_role("planned_starts"), DS: []}
    state.set_base(state.base().replace(hiring_policy=policies, planned_starts=starts))
    state.reset_editors()


def _update_reskill() -> None:
    state.set_base(state.base().replace(reskill_annual=ss["w_reskill"] / 100))


def _update_strategy() -> None:
    state.set_strategy(ss["w_strategy"])


st.title("Hiring plan")
c1, c2, c3 = st.columns(3)
c1.slider(
    "Target ratio (one ML engineer per k data scientists)",
    min_value=min(1.0, k_now),
    max_value=max(15.0, k_now),
    step=0.5,
    format="1:%.1f",
    key=state.bind("w_target_k", k_now),
    on_change=_update_target,
    help="The 1:5–1:10 band is shaded on every ratio chart.",
)
c2.number_input(
    "Data scientists: grow to",
    min_value=0,
    max_value=100_000,
    step=1,
    key=state.bind("w_ds_to", ds_to_now),
    on_change=_update_ds_growth,
    help="The ratio's denominator: data-science positions grow linearly from today's to "
    "this number by the month on the right, then hold; leavers are replaced. "
    f"Now: {ds_policy.describe(base.headcount_of(DS), horizon)}.",
)
c3.select_slider(
    "Data scientists: by",
    options=list(range(1, horizon + 1)),
    format_func=lambda i: summary.month_name(months[i]),
    key=state.bind("w_ds_by", ds_by_now),
    on_change=_update_ds_growth,
)
c1, c2, c3 = st.columns(3)
c1.select_slider(
    "Deadline",
    options=list(range(1, horizon + 1)),
    format_func=lambda i: summary.month_name(months[i]),
    key=state.bind("w_deadline", int(deadline_now)),
    on_change=_update_target,
)
c2.select_slider(
    "Confidence",
    options=confidences,
    format_func=fmt_pct,
    key=state.bind("w_confidence", float(base.target.confidence)),
    on_change=_update_target,
    help="Required share of simulated paths meeting the target at the deadline.",
)
c3.radio(
    "Strategy",
    options=[s.value for s in Strategy],
    format_func=lambda s: s.replace("_", "-").capitalize(),
    horizontal=True,
    key=state.bind("w_strategy", state.strategy()),
    on_change=_update_strategy,
    help="Even: spread to the deadline. Front-loaded: hire as early as allowed. "
    "Just-in-time: as late as possible before the deadline. Fewest: the fewest hires in "
    "any months. Every plan is checked on independent simulated paths.",
)
c5, c6 = st.columns(2)
c5.slider(
    "Reskilling (data scientists → ML engineers)",
    min_value=0,
    max_value=max(30, reskill_now),
    step=1,
    format="%d%%/yr",
    key=state.bind("w_reskill", reskill_now),
    on_change=_update_reskill,
)
c6.toggle(
    "Hold the target to the horizon",
    key=state.bind("w_hold", bool(base.target.hold)),
    on_change=_update_target,
    help="Also require the ratio to stay at or below k every month after the deadline.",
)

view = compute.current_view()
scenario, result, rec = view.scenario, view.result, view.recommendation
target = scenario.target
positions_mode = plans.mle_positions_mode(scenario)
plan = plans.mle_schedule(scenario)

st.markdown(
    "#### "
    + summary.answer_sentence(
        rec, base, strategy=view.strategy, error=view.solver_error, reachable=view.reachable
    )
)
held = summary.held_warning(
    result.p_target_met, result.p_target_held, target.confidence, target.ds_per_mle
)
if held:
    st.warning(held + " Turn on 'Hold the target to the horizon' to plan for it.")
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    "New ML engineer positions" if positions_mode else "ML engineer starts in plan",
    sum(plan),
    "hand-edited" if view.mode == "manual" else "recommended",
    delta_color="off",
    delta_arrow="off",
)
goal = target.confidence
m2.metric(
    "P(target met at deadline)",
    summary.probability_text(result.p_target_met, scenario.paths, goal),
    help="Share of simulated paths on target; near the goal with its Monte Carlo error (±1 "
    "standard error). The plan is also certified on independent paths.",
)
m3.metric(
    "P(target held to horizon)",
    summary.probability_text(result.p_target_held, scenario.paths, goal if target.hold else None),
)
run_rate = compute.run_rate(view)
m4.metric(
    "Run-rate of added ML engineers",
    f"{summary.money(run_rate)}/yr",
    help="The added ML engineers on payroll at the deadline (mean over simulated paths: "
    "leavers, seats empty while refilled and the fill rate counted) x their annual cost.",
)
compute.show_quarters(scenario, workshop=workshop)

compute.show_chart_pair("ratio_fan", "headcount_fan_ds_mle", scenario, workshop=workshop)
compute.show_chart("hires_and_cost", scenario, workshop=workshop)
download_projections(scenario, key="plan")

st.subheader("Team plan")
st.caption(
    "Every role's hiring policy, nothing hidden: leavers open requisitions that start after "
    "the role's time to fill. Positions at the deadline and the horizon, mean starts, and "
    "the status-quo pace from history."
)
team_plan.editor(scenario, result, key="team_plan_editor")

if not workshop:
    st.subheader(
        "New ML engineer positions by month" if positions_mode else "ML engineer starts by month"
    )
    st.caption(
        "Edit any month to take the plan over by hand; "
        + (
            "a position opened in a month starts after the time to fill. "
            if positions_mode
            else "starts join at the end of the month shown. "
        )
        + "The recommendation column follows the sliders."
    )
    recommended = (
        list(rec.positions_added if positions_mode else rec.planned_starts.get("ml_engineer", []))
        if rec
        else []
    )
    plan_table.editor(months, recommended, plan, positions=positions_mode)
    if view.mode == state.PLAN_MANUAL:
        plan_table.reset_button()
