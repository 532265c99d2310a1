"""The team plan table: one row per role, its hiring policy, positions, starts and pace.

Shown on the Hiring plan page and on Team & data. Policy, "grow to" and "by" are
editable; everything else is what the engine computed for the plan on screen. An
edit is read from the editor's returned table, applied to the base scenario once,
and the editors start afresh (state.apply_edit), as every table edit does.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from forecasting import plans, summary
from forecasting.errors import PlannerError
from forecasting.plans import (
    BACKFILL_LABEL,
    GROW,
    MANUAL,
    NO_HIRING,
    PATH,
    PROJECTION,
)
from forecasting.policy import BACKFILL, NONE, HiringPolicy, PolicyKind
from forecasting.roles import ROLE_LABELS, ROLES, Role
from forecasting.scenario import Scenario
from forecasting.simulate import SimulationResult
from ui import projections, state
from ui.text import md_escape

OPTIONS = [BACKFILL_LABEL, GROW, PROJECTION, NO_HIRING, MANUAL]


def _fmt_rate(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.1f}/month"


def table(
    scenario: Scenario, result: SimulationResult, pace: dict[str, plans.Pace]
) -> pd.DataFrame:
    """The team plan as shown: one row per role (pure: no widgets)."""
    months = scenario.months()
    rows = plans.plan_summary(scenario, result, pace)
    out = []
    for r, (role, row) in enumerate(zip(ROLES, rows)):
        policy = scenario.hiring_policy[r]
        growth = policy.kind is PolicyKind.GROWTH
        out.append(
            {
                "role": ROLE_LABELS[role],
                "today": row["headcount"],
                "policy": row["policy"],
                "grow to": policy.to if growth else None,
                "by": summary.month_name(months[policy.by_month]) if growth else None,
                "positions at deadline": row["positions_deadline"],
                "positions at horizon": row["positions_horizon"],
                "starts to horizon": round(row["starts"], 1),
                "this plan hires": _fmt_rate(row["starts_per_month"]),
                "status-quo pace": _fmt_rate(row["pace_per_month"]),
                "plan": row["description"],  # last: the longest column
            }
        )
    return pd.DataFrame(out)


def _new_policy(
    scenario: Scenario,
    role: Role,
    choice: str,
    grow_to: object,
    by_label: object,
    month_index: dict[str, int],
) -> tuple[HiringPolicy, bool] | str:
    """The policy a row asks for and whether it keeps planned starts, or a message."""
    current = scenario.policy_of(role)
    label = ROLE_LABELS[role].lower()
    if choice == BACKFILL_LABEL:
        return BACKFILL, False
    if choice == NO_HIRING:
        return NONE, False
    if choice == MANUAL:
        if role is Role.ML_ENGINEER:
            return (
                "ML engineer starts are planned in the table below "
                "(set the policy to 'no hiring' to plan one-off starts)"
            )
        return NONE, True
    if choice == PROJECTION:
        trends = projections.trends_for(scenario)
        if not trends or role.value not in trends:
            return (
                f"there is no history for {label}s of this team to project; upload a "
                "monthly history or roster on Team & data"
            )
        n0 = scenario.headcount_of(role) + scenario.open_requisitions_of(role)
        return plans.projection_policy(trends[role.value], n0, scenario.horizon_months), False
    if choice in (GROW, PATH):
        if choice == PATH and current.kind is PolicyKind.PATH:
            return current, False
        positions = scenario.positions_of(role)
        to = grow_to
        if to is None or (isinstance(to, float) and math.isnan(to)):
            to = positions[-1] if positions else scenario.headcount_of(role)
        by = month_index.get(str(by_label), scenario.deadline)
        try:
            return HiringPolicy.from_dict(
                {"kind": "growth", "to": int(to), "by_month": int(by)},
                f"{label}s",
                scenario.horizon_months,
            ), False
        except PlannerError as exc:
            return str(exc)
    return f"unknown policy {choice!r}"


def edited_scenario(scenario: Scenario, shown: pd.DataFrame, edited: pd.DataFrame):
    """The scenario with the table's edits applied: (scenario, messages)."""
    months = scenario.months()
    month_index = {summary.month_name(m): i for i, m in enumerate(months) if i > 0}
    policies = scenario.by_role("hiring_policy")
    starts = scenario.by_role("planned_starts")
    messages: list[str] = []
    changed = False
    for r, role in enumerate(ROLES):
        before, after = shown.iloc[r], edited.iloc[r]
        same = all(
            (pd.isna(before[c]) and pd.isna(after[c])) or before[c] == after[c]
            for c in ("policy", "grow to", "by")
        )
        if same:
            continue
        choice = str(after["policy"])
        if (
            choice == before["policy"]
            and choice != GROW
            and (not pd.isna(after["grow to"]) or not pd.isna(after["by"]))
        ):
            choice = GROW  # typing a number to grow to switches the row to growth
        got = _new_policy(scenario, role, choice, after["grow to"], after["by"], month_index)
        if isinstance(got, str):
            messages.append(f"{ROLE_LABELS[role]}: {got}.")
            continue
        policy, keep_starts = got
        policies[role.value] = policy
        if not keep_starts:
            starts[role.value] = []
        elif not any(starts[role.value]):
            # Manual starts begin from this plan's expected starts, rounded month by month.
            starts[role.value] = _rounded_starts(scenario, r)
        changed = True
    if not changed:
        return scenario, messages
    try:
        return scenario.replace(hiring_policy=policies, planned_starts=starts), messages
    except PlannerError as exc:
        return scenario, [*messages, str(exc)]


def _rounded_starts(scenario: Scenario, r: int) -> list[int]:
    """The role's mean starts per month in the current plan, rounded keeping the total."""
    from ui import compute

    mean = compute.simulate_cached(scenario).starts_mean[1:, r]
    cum = [round(float(x)) for x in mean.cumsum()]
    return [b - a for a, b in zip([0, *cum[:-1]], cum)]


def editor(scenario: Scenario, result: SimulationResult, *, key: str) -> None:
    """The team plan table (editable unless in workshop mode)."""
    pace = projections.pace_for(scenario)
    shown = table(scenario, result, pace)
    months = scenario.months()
    if state.workshop():
        st.dataframe(shown.drop(columns=["grow to", "by"]), hide_index=True)
        return
    edited = st.data_editor(
        shown,
        hide_index=True,
        key=state.editor_key(key),
        disabled=[c for c in shown.columns if c not in ("policy", "grow to", "by")],
        column_config={
            "role": st.column_config.TextColumn("Role"),
            "today": st.column_config.NumberColumn("Today", help="Headcount at month 0."),
            "policy": st.column_config.SelectboxColumn(
                "Policy",
                options=OPTIONS + ([PATH] if PATH in set(shown["policy"]) else []),
                required=True,
                help="backfill: hold today's positions, replace leavers. grow: positions "
                "rise linearly to 'grow to' by 'by' (leavers replaced). follow the "
                "projection: the status-quo trend from your history (statsmodels). no "
                "hiring: leavers are not replaced. manual starts: starts you type by month.",
            ),
            "grow to": st.column_config.NumberColumn(
                "Grow to", min_value=0, max_value=100_000, step=1, format="%d"
            ),
            "by": st.column_config.SelectboxColumn(
                "By", options=[summary.month_name(m) for m in months[1:]]
            ),
            "plan": st.column_config.TextColumn("Plan", width="medium"),
            "positions at deadline": st.column_config.NumberColumn(
                "At deadline", help="Positions at the deadline month."
            ),
            "positions at horizon": st.column_config.NumberColumn(
                "At horizon", help="Positions at the end of the horizon."
            ),
            "starts to horizon": st.column_config.NumberColumn(
                "Starts", format="%.1f", help="Mean starts over the horizon."
            ),
            "this plan hires": st.column_config.TextColumn(
                "Plan pace", help="Mean starts per month over the horizon."
            ),
            "status-quo pace": st.column_config.TextColumn(
                "Status-quo pace",
                help="Hires a month over the last 24 months of history (Poisson GLM with "
                "headcount exposure); — without history.",
            ),
        },
    )
    new, messages = edited_scenario(scenario, shown, edited)
    for m in messages:
        st.warning(md_escape(m))
    if new is not scenario:
        mle_changed = new.policy_of(Role.ML_ENGINEER) != scenario.policy_of(Role.ML_ENGINEER)
        state.apply_edit(new, plan_mode=state.PLAN_RECOMMENDED if mle_changed else None)
    _manual_starts(scenario)
    history = projections.history_for(scenario)
    ds = scenario.policy_of(Role.DATA_SCIENTIST)
    ds_pace = pace.get(Role.DATA_SCIENTIST.value)
    ds_row = plans.plan_summary(scenario, result, pace)[ROLES.index(Role.DATA_SCIENTIST)]
    if ds_pace is not None:
        st.caption(
            f"You hired {ds_pace.per_month:.1f} data scientists a month over the last "
            f"{ds_pace.months} months of {md_escape(history.label) if history else 'history'}; "
            f"this plan needs {ds_row['starts_per_month']:.1f}."
        )
    if ds.kind is PolicyKind.PATH and ds.uncertain:
        st.caption(
            "Data scientists follow a projection with an 80% band: each simulated path "
            "follows its own level within the band, so the data-scientist fan shows the "
            "projection's uncertainty as well as attrition and hiring."
        )


MANUAL_ROLES = [r for r in ROLES if r is not Role.ML_ENGINEER]


def _manual_starts(scenario: Scenario) -> None:
    """Per-month starts typed by hand for the roles other than ML engineers.

    Editing a role's column makes that role's policy "manual starts" (kind none with
    these planned starts). ML engineers are planned in the table further down.
    """
    months = scenario.months()
    manual = [r for r in MANUAL_ROLES if not scenario.policy_of(r).sets_positions]
    with st.expander("Manual starts by month (data engineers, data scientists, PMs)"):
        st.caption(
            "Type starts per month for a role to plan it by hand: its policy becomes "
            "'manual starts' (leavers are then not replaced automatically). Roles with a "
            "policy show 0 here."
        )
        table = pd.DataFrame({"month": [summary.month_name(m) for m in months[1:]]})
        for role in MANUAL_ROLES:
            table[ROLE_LABELS[role]] = list(scenario.starts_of(role)) if role in manual else 0
        edited = st.data_editor(
            table,
            hide_index=True,
            key=state.editor_key("manual_starts_editor"),
            disabled=["month"],
            height=260,
            column_config={
                ROLE_LABELS[r]: st.column_config.NumberColumn(
                    min_value=0, max_value=1000, step=1, format="%d"
                )
                for r in MANUAL_ROLES
            },
        )
    policies = scenario.by_role("hiring_policy")
    starts = scenario.by_role("planned_starts")
    changed = False
    for role in MANUAL_ROLES:
        column = ROLE_LABELS[role]
        new = [max(0, int(x)) if pd.notna(x) else 0 for x in edited[column]]
        if new != table[column].tolist():
            policies[role.value] = NONE
            starts[role.value] = new
            changed = True
    if changed:
        try:
            edited = scenario.replace(hiring_policy=policies, planned_starts=starts)
        except PlannerError as exc:
            st.error(md_escape(exc))
            return
        state.apply_edit(edited)
