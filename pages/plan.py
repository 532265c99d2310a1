"""Hiring plan: target and data-science growth -> new ML engineer positions, and the team plan."""

from __future__ import annotations

import streamlit as st

from forecasting.model import edits
from ui import answer, compute, controls, downloads, plan_table, state, team_plan
from ui.layout import download_projections

state.require_app()

base = state.base()
workshop = state.workshop()

if not workshop:
    st.title("Hiring plan")
    for row in (
        (controls.target_k, controls.ds_grow_to, controls.ds_by),
        (controls.deadline, controls.confidence, controls.strategy),
        (controls.reskill, controls.horizon, controls.start_month),
        (controls.attrition_all,),
    ):
        for column, control in zip(st.columns(3), row):
            control(column)
    controls.hold()
    controls.team_shape()
    controls.show_error()

view = compute.current_view()
scenario, result, rec = view.scenario, view.result, view.recommendation
months = scenario.months()
mode = edits.PlanMode.of(scenario)
plan = edits.mle_schedule(scenario)

answer.card(view, where="plan")

downloads.show_chart_pair("ratio_fan", "headcount_fan_ds_mle", scenario, workshop=workshop)
downloads.show_chart("hires_and_cost", scenario, workshop=workshop)
if workshop:
    with st.expander("More settings: strategy, reskilling, horizon, start month"):
        controls.strategy()
        controls.ds_by()
        controls.reskill()
        controls.horizon()
        controls.start_month()
        controls.team_shape()
download_projections(scenario, key="plan", view=view)

st.subheader("Team plan")
st.caption(
    "Every role's hiring policy, nothing hidden: leavers open requisitions that start after "
    "the role's time to fill. Positions at the deadline and the horizon, mean starts, and "
    "the status-quo pace from history."
)
team_plan.editor(scenario, result, key="team_plan_editor")


@st.fragment
def mle_plan_by_month(
    months: list[str], recommended: list[int], planned: list[int], *, positions: bool, manual: bool
) -> None:
    """The ML engineer plan by month: a fragment, so a cell typed into it reruns this
    table alone (a change to the plan then reruns the page, state.apply_edit)."""
    plan_table.editor(months, recommended, planned, positions=positions)
    if manual:
        plan_table.reset_button()


if not workshop:
    st.subheader(f"{mode.unit(capital=True)} by month")
    st.caption(
        "Edit any month to take the plan over by hand; "
        + (
            "a position opened in a month starts after the time to fill. "
            if mode.positions
            else "starts join at the end of the month shown. "
        )
        + "The recommendation column follows the sliders."
    )
    recommended = (
        list(rec.positions_added if mode.positions else rec.planned_starts.get("ml_engineer", []))
        if rec
        else []
    )
    mle_plan_by_month(
        months,
        recommended,
        plan,
        positions=mode.positions,
        manual=view.mode == state.PLAN_MANUAL,
    )
