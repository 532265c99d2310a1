"""Hiring plan: target, deadline, confidence, strategy -> recommended ML engineer starts."""

from __future__ import annotations

import streamlit as st

from forecasting import summary
from forecasting.solver import Strategy
from ui import compute, plan_table, state
from ui.layout import download_projections, fmt_pct

state.require_app()

ss = st.session_state
base = state.base()
horizon = base.horizon_months
months = base.months()
workshop = state.workshop()
deadline_now = base.target.deadline_month or horizon
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
c2.select_slider(
    "Deadline",
    options=list(range(1, horizon + 1)),
    format_func=lambda i: summary.month_name(months[i]),
    key=state.bind("w_deadline", int(deadline_now)),
    on_change=_update_target,
)
c3.select_slider(
    "Confidence",
    options=confidences,
    format_func=fmt_pct,
    key=state.bind("w_confidence", float(base.target.confidence)),
    on_change=_update_target,
    help="Required share of simulated paths meeting the target at the deadline.",
)
c4, c5, c6 = st.columns(3)
c4.radio(
    "Strategy",
    options=[s.value for s in Strategy],
    format_func=lambda s: s.replace("_", "-").capitalize(),
    horizontal=True,
    key=state.bind("w_strategy", state.strategy()),
    on_change=_update_strategy,
    help="Front-loaded: hire as early as allowed. Even: spread to the deadline. "
    "Just-in-time: as late as possible before the deadline.",
)
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
mle_cost = scenario.annual_cost_of("ml_engineer")
plan = list(scenario.starts_of("ml_engineer"))

st.markdown(
    "#### "
    + summary.plan_sentence(
        k=target.ds_per_mle,
        deadline_label=months[target.deadline_month or horizon],
        confidence=target.confidence,
        hold=target.hold,
        total_starts=None if rec is None else rec.total_starts,
        annual_cost=None if rec is None else rec.annual_cost,
        strategy=view.strategy,
        error=view.solver_error,
    )
)
m1, m2, m3, m4 = st.columns(4)
m1.metric(
    "ML engineer starts in plan",
    sum(plan),
    "hand-edited" if view.mode == "manual" else "recommended",
    delta_color="off",
    delta_arrow="off",
)
m2.metric("P(target met at deadline)", fmt_pct(result.p_target_met))
m3.metric("P(target held to horizon)", fmt_pct(result.p_target_held))
m4.metric(
    "Run-rate of added ML engineers",
    f"{summary.money(sum(plan) * scenario.fill_rate * mle_cost)}/yr",
    help="Expected hires (starts x fill rate) x annual cost of an ML engineer.",
)

left, right = st.columns(2) if not workshop else (st.container(), st.container())
with left:
    compute.show_chart("ratio_fan", scenario, workshop=workshop)
with right:
    compute.show_chart("headcount_fan_ds_mle", scenario, workshop=workshop)
compute.show_chart("hires_and_cost", scenario, workshop=workshop)
download_projections(scenario, key="plan")

if not workshop:
    st.subheader("ML engineer starts by month")
    st.caption(
        "Edit any month to take the plan over by hand; starts join at the end of "
        "the month shown. The recommendation column follows the sliders."
    )
    recommended = list(rec.planned_starts.get("ml_engineer", [])) if rec else []
    plan_table.editor(months, recommended, plan)
    if view.mode == state.PLAN_MANUAL:
        plan_table.reset_button()
