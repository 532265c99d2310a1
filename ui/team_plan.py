"""The team plan table: one row per role, its hiring policy, positions, starts and pace.

Shown on the Hiring plan page. Policy, "grow to" and "by" are editable; everything else
is what the engine computed for the plan on screen.

The page's tables (this one, the manual starts by month and the ML engineer plan by month,
ui/plan_table.py) are read from each editor's returned table on every run and compared
cell by cell with what they show, so an edit lands once and later runs find nothing new.
The editor typed into stays mounted under its key (state.apply_edit with keep_editors), so
values typed down a column while the app reruns are kept; the page's other tables start
afresh (:func:`editor_key`, :func:`land`), so their old edits are never re-applied on top
of the change. Edits land on the base scenario, never on the solver's additions shown.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from forecasting.model import formatting
from forecasting.model.errors import PlannerError
from forecasting.model.policy import (
    BACKFILL,
    BACKFILL_LABEL,
    GROW,
    MANUAL,
    NO_HIRING,
    NONE,
    PATH,
    PROJECTION,
    HiringPolicy,
    PolicyKind,
)
from forecasting.model.roles import ROLE_LABELS, ROLES, Role
from forecasting.model.scenario import Scenario
from forecasting.plan.policies import Pace, projection_policy
from forecasting.report import tables
from forecasting.simulate.result import SimulationResult
from ui import projections, state
from ui.text import md_escape

OPTIONS = [BACKFILL_LABEL, GROW, PROJECTION, NO_HIRING, MANUAL]

#: Table name -> how many edits it has landed this session (see editor_key).
KEY_LANDED = "plan_tables_landed"


def editor_key(name: str) -> str:
    """The key of the Hiring plan page's table `name`: state.editor_key plus the number of
    edits the page's other tables have landed.

    An edit landed from one table (:func:`land`) keeps that table's key, so what the user
    types next in it is kept, and changes every other table's key: those start afresh from
    the new scenario, and an edit of theirs already applied (e.g. a role's growth, before
    its starts were typed by hand) is not applied again on top of the change.
    """
    landed = st.session_state.get(KEY_LANDED, {})
    others = sum(landed.values()) - landed.get(name, 0)
    return f"{state.editor_key(name)}_{others}"


def land(scenario: Scenario, name: str, *, plan_mode: str | None = None) -> None:
    """Apply an edit typed into table `name` (see :func:`editor_key`) and rerun; nothing
    when it changes neither the base scenario nor the plan mode."""
    if scenario == state.base() and plan_mode in (None, state.plan_mode()):
        return
    landed = st.session_state.setdefault(KEY_LANDED, {})
    landed[name] = landed.get(name, 0) + 1
    state.apply_edit(scenario, plan_mode=plan_mode, keep_editors=True)


def _fmt_rate(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.1f}/month"


def table(
    scenario: Scenario,
    result: SimulationResult,
    pace: dict[str, Pace],
    rows: list[dict] | None = None,
) -> pd.DataFrame:
    """The team plan as shown: one row per role (pure: no widgets); `rows` are
    tables.plan_summary's for these arguments, when already made."""
    months = scenario.months()
    rows = tables.plan_summary(scenario, result, pace) if rows is None else rows
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
                "by": formatting.month_name(months[policy.by_month])
                if growth and policy.by_month is not None
                else None,
                "positions at deadline": row["positions_deadline"],
                "positions at horizon": row["positions_horizon"],
                "starts to horizon": round(row["starts"], 1),
                "this plan hires": _fmt_rate(row["starts_per_month"]),
                "status-quo pace": _fmt_rate(row["pace_per_month"]),
                "plan": row["description"],  # last: the longest column
            }
        )
    return pd.DataFrame(out)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _new_policy(
    scenario: Scenario,
    plan: Scenario,
    role: Role,
    choice: str,
    grow_to: float | None,
    by_label: object,
    month_index: dict[str, int],
) -> tuple[HiringPolicy, bool] | str:
    """The policy a row asks for and whether it keeps planned starts, or a message.

    `scenario` is the base scenario the edit lands on, `plan` the one the table shows. A
    cleared "grow to" or "by" keeps the row's growth value; a row switched to growth
    without one grows to the positions it shows at the horizon, by the deadline.
    """
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
        return projection_policy(trends[role.value], n0, scenario.horizon_months), False
    if choice in (GROW, PATH):
        if choice == PATH and current.kind is PolicyKind.PATH:
            return current, False
        growth = current.kind is PolicyKind.GROWTH
        to = None if _missing(grow_to) else grow_to
        if to is None:
            positions = plan.positions_of(role)
            if growth and current.to is not None:
                to = current.to
            else:
                to = positions[-1] if positions else plan.headcount_of(role)
        by = month_index.get(str(by_label))
        if by is None:
            by = current.by_month if growth and current.by_month is not None else scenario.deadline
        try:
            return HiringPolicy.from_dict(
                {"kind": "growth", "to": int(to), "by_month": int(by)},
                f"{label}s",
                scenario.horizon_months,
            ), False
        except PlannerError as exc:
            return str(exc)
    return f"unknown policy {choice!r}"


def edited_scenario(
    scenario: Scenario,
    shown: pd.DataFrame,
    edited: pd.DataFrame,
    plan: Scenario | None = None,
) -> tuple[Scenario, list[str]]:
    """The scenario with the table's edits applied: (scenario, messages).

    Only the rows whose policy, "grow to" or "by" in `edited` differ from `shown` (the
    table made from `plan`, by default `scenario`) change, so a table whose edits were
    applied already changes nothing. `scenario` is the base scenario: the solver's
    additions shown in `plan` are not written into it.
    """
    plan = scenario if plan is None else plan
    months = scenario.months()
    month_index = {formatting.month_name(m): i for i, m in enumerate(months) if i > 0}
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
        got = _new_policy(scenario, plan, role, choice, after["grow to"], after["by"], month_index)
        if isinstance(got, str):
            messages.append(f"{ROLE_LABELS[role]}: {got}.")
            continue
        policy, keep_starts = got
        policies[role.value] = policy
        if not keep_starts:
            starts[role.value] = []
        elif not any(starts[role.value]):
            # Manual starts begin from this plan's expected starts, rounded month by month.
            starts[role.value] = _rounded_starts(plan, r)
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


@st.fragment
def editor(scenario: Scenario, result: SimulationResult, *, key: str) -> None:
    """The team plan table (editable unless in workshop mode), with the manual starts.

    A fragment: a cell typed into either table reruns these tables alone, not the page's
    solve and charts; an edit that changes the scenario then reruns the page
    (:func:`land`), one that is refused only shows why here.
    """
    pace = projections.pace_for(scenario)
    summary = tables.plan_summary(scenario, result, pace)
    shown = table(scenario, result, pace, summary)
    months = scenario.months()
    if state.workshop():
        # read-only, as a table that wraps its headers: every column fits a projector
        starts = shown["starts to horizon"]
        shown["starts to horizon"] = [formatting.number(x, digits=1) for x in starts]
        st.table(shown.drop(columns=["grow to", "by", "plan"]).set_index("role"))
        return
    edited = st.data_editor(
        shown,
        hide_index=True,
        key=editor_key(key),
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
                "By", options=[formatting.month_name(m) for m in months[1:]]
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
    base = state.base()
    new, messages = edited_scenario(base, shown, edited, plan=scenario)
    for m in messages:
        st.warning(md_escape(m))
    if new is not base:
        mle_changed = new.policy_of(Role.ML_ENGINEER) != base.policy_of(Role.ML_ENGINEER)
        land(new, key, plan_mode=state.PLAN_RECOMMENDED if mle_changed else None)
    _manual_starts(scenario)
    history = projections.history_for(scenario)
    ds = scenario.policy_of(Role.DATA_SCIENTIST)
    ds_pace = pace.get(Role.DATA_SCIENTIST.value)
    ds_row = summary[ROLES.index(Role.DATA_SCIENTIST)]
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
MANUAL_EDITOR = "manual_starts_editor"


def _manual_starts(scenario: Scenario) -> None:
    """Per-month starts typed by hand for the roles other than ML engineers.

    Editing a role's column makes that role's policy "manual starts" (kind none with
    these planned starts): the typed cells on top of the role's own starts in the base
    scenario. ML engineers are planned in the table further down.
    """
    months = scenario.months()
    manual = [r for r in MANUAL_ROLES if not scenario.policy_of(r).sets_positions]
    with st.expander("Manual starts by month (data engineers, data scientists, PMs)"):
        st.caption(
            "Type starts per month for a role to plan it by hand: its policy becomes "
            "'manual starts' (leavers are then not replaced automatically). Roles with a "
            "policy show 0 here."
        )
        table = pd.DataFrame({"month": [formatting.month_name(m) for m in months[1:]]})
        for role in MANUAL_ROLES:
            table[ROLE_LABELS[role]] = list(scenario.starts_of(role)) if role in manual else 0
        edited = st.data_editor(
            table,
            hide_index=True,
            key=editor_key(MANUAL_EDITOR),
            disabled=["month"],
            height=260,
            column_config={
                ROLE_LABELS[r]: st.column_config.NumberColumn(
                    min_value=0, max_value=1000, step=1, format="%d"
                )
                for r in MANUAL_ROLES
            },
        )
    base = state.base()
    policies = base.by_role("hiring_policy")
    starts = base.by_role("planned_starts")
    changed = False
    for role in MANUAL_ROLES:
        column = ROLE_LABELS[role]
        typed = [max(0, int(x)) if pd.notna(x) else 0 for x in edited[column]]
        cells = [i for i, (x, was) in enumerate(zip(typed, table[column])) if x != was]
        if not cells:
            continue
        # The role's own starts (zeros while it has a policy) with the typed cells.
        own = not base.policy_of(role).sets_positions
        new = list(base.starts_of(role)) if own else [0] * len(typed)
        for i in cells:
            new[i] = typed[i]
        policies[role.value] = NONE
        starts[role.value] = new
        changed = True
    if changed:
        try:
            new_scenario = base.replace(hiring_policy=policies, planned_starts=starts)
        except PlannerError as exc:
            st.error(md_escape(exc))
            return
        land(new_scenario, MANUAL_EDITOR)
