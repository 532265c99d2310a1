"""Hiring plan: target, deadline, confidence, strategy -> recommended ML engineer starts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting import summary
from forecasting.solver import Strategy
from ui import charts, compute, state
from ui.layout import download_projections, fmt_pct

state.require_app()

ss = st.session_state
base = state.base()
horizon = base.horizon_months
months = base.months()
workshop = state.workshop()
deadline_now = base.target.deadline_month or horizon


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
    min_value=1.0,
    max_value=15.0,
    step=0.5,
    format="1:%.1f",
    key=state.bind("w_target_k", float(base.target.ds_per_mle)),
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
    options=[0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99],
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
    max_value=30,
    step=1,
    format="%d%%/yr",
    key=state.bind("w_reskill", round(100 * base.reskill_annual)),
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
m4.metric("Run-rate of added ML engineers", f"{summary.money(sum(plan) * mle_cost)}/yr")

left, right = st.columns(2) if not workshop else (st.container(), st.container())
with left:
    st.altair_chart(
        charts.ratio_fan(
            result.ratio,
            target.ds_per_mle,
            deadline_month=months[target.deadline_month or horizon],
            workshop=workshop,
        ),
        width="stretch",
    )
with right:
    st.altair_chart(
        charts.headcount_fan(
            result.headcount, roles=["data_scientist", "ml_engineer"], workshop=workshop
        ),
        width="stretch",
    )
st.altair_chart(
    charts.hires_and_cost(result.starts, result.cost, workshop=workshop), width="stretch"
)
download_projections(result, key="plan")

if not workshop:
    st.subheader("ML engineer starts by month")
    st.caption(
        "Edit any month to take the plan over by hand; starts join at the end of "
        "the month shown. The recommendation column follows the sliders."
    )
    recommended = list(rec.planned_starts.get("ml_engineer", [])) if rec else []
    table = pd.DataFrame(
        {
            "month": [summary.month_name(m) for m in months[1:]],
            "recommended": [recommended[i] if i < len(recommended) else 0 for i in range(horizon)],
            "planned": [plan[i] if i < len(plan) else 0 for i in range(horizon)],
        }
    )
    version = ss.setdefault("plan_editor_version", 0)

    def _apply_edits() -> None:
        edits = ss[f"plan_editor_{version}"]["edited_rows"]
        new = table["planned"].tolist()
        for row, change in edits.items():
            if change.get("planned") is not None:
                new[int(row)] = max(0, int(change["planned"]))
        state.set_base(compute.with_mle_plan(state.base(), new))
        state.set_plan_mode(state.PLAN_MANUAL)
        ss["plan_editor_version"] = version + 1

    st.data_editor(
        table,
        key=f"plan_editor_{version}",
        on_change=_apply_edits,
        hide_index=True,
        disabled=["month", "recommended"],
        height=300,
        column_config={
            "month": "Month",
            "recommended": st.column_config.NumberColumn("Recommended", format="%d"),
            "planned": st.column_config.NumberColumn(
                "Planned starts", min_value=0, max_value=100, step=1, format="%d"
            ),
        },
    )
    if view.mode == state.PLAN_MANUAL and st.button("Reset to the recommendation"):
        state.set_base(compute.without_mle_plan(state.base()))
        state.set_plan_mode(state.PLAN_RECOMMENDED)
        st.rerun()
