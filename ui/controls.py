"""The planning controls, one definition each: target, deadline, confidence, hold, the
data-science growth, strategy, reskilling, the planning horizon and the start month.

Drawn in full on Hiring plan and, in workshop mode, five of them in the compact bar at
the top of every page (:func:`workshop_bar`). Each widget is bound to the scenario with
``state.bind`` (seeded from it, written back by its callback); a callback reads the
other widgets' values when they are on screen and the scenario's otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from forecasting.model import edits, formatting
from forecasting.model.errors import PlannerError
from forecasting.model.months import month_labels
from forecasting.model.policy import PolicyKind
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy
from forecasting.report.compare import strategy_label
from ui import state
from ui.text import md_escape

DS = "data_scientist"
CONFIDENCES = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99)
HORIZONS = (12, 18, 24, 30, 36, 48, 60, 72, 84, 96, 108, 120)
#: Start months offered: this many months either side of the scenario's.
START_SPAN = 24
KEY_ERROR = "controls_error"
#: The controls a keyboard walks one step at a time (their widget keys).
WALKED = ("w_target_k", "w_deadline", "w_confidence", "w_ds_to", "w_attrition_all")
#: A run whose control moved the way the previous run's did is a step of a walk
#: (`walking`) when it started at most WALK_AFTER_END seconds after the previous run
#: finished (the browser sent the next key press as soon as it had drawn that run), or,
#: the previous run having been interrupted by a newer value, WALK_AFTER_START seconds
#: after it started.
WALK_AFTER_END = 0.4
WALK_AFTER_START = 1.5
KEY_WALK = "controls_walk"


def _value(key: str, default: Any) -> Any:
    """A widget's value when it is on screen, else `default` (the scenario's)."""
    return st.session_state.get(key, default)


def ds_growth_now(base: Scenario) -> tuple[int, int]:
    """(grow to, by month) of the data scientists' plan as the growth controls show it."""
    policy, positions = base.policy_of(DS), base.positions_of(DS)
    if policy.kind is PolicyKind.GROWTH and policy.to is not None and policy.by_month is not None:
        return int(policy.to), int(policy.by_month)
    by = int(base.deadline)
    return (int(positions[by]) if positions else base.headcount_of(DS)), by


def _update_target() -> None:
    base = state.base()
    t = base.target
    target = {
        **t.to_dict(),  # the team-shape targets too
        "ds_per_mle": float(_value("w_target_k", t.ds_per_mle)),
        "deadline_month": int(_value("w_deadline", base.deadline)),
        "confidence": float(_value("w_confidence", t.confidence)),
        "hold": bool(_value("w_hold", t.hold)),
    }
    state.set_base(base.replace(target=target))


def _update_ds_growth() -> None:
    base = state.base()
    to_now, by_now = ds_growth_now(base)
    policies = base.by_role("hiring_policy")
    to, by = int(_value("w_ds_to", to_now)), int(_value("w_ds_by", by_now))
    policies[DS] = {"kind": "growth", "to": to, "by_month": by}
    starts = {**base.by_role("planned_starts"), DS: []}
    state.set_base(base.replace(hiring_policy=policies, planned_starts=starts))
    state.reset_editors()


def _replace_all(change: Callable[[Scenario], Scenario], what: str) -> None:
    """A change that moves every month (horizon, start): the widgets re-read the result."""
    try:
        scenario = change(state.base())
    except PlannerError as exc:
        st.session_state[KEY_ERROR] = f"{what} not changed: {exc}"
        return
    state.set_base(scenario, reset=True)


def target_k(where: Any = st, *, label: str | None = None) -> None:
    k_now = float(state.base().target.ds_per_mle)
    where.slider(
        label or "Target ratio (one ML engineer per k data scientists)",
        min_value=min(1.0, k_now),
        max_value=max(15.0, k_now),
        step=0.5,
        format="1:%.1f",
        key=state.bind("w_target_k", k_now),
        on_change=_update_target,
        help="One ML engineer per k data scientists; the 1:5–1:10 band is shaded on every "
        "ratio chart.",
    )


def _month_slider(where: Any, label: str, key: str, now: int, on_change: Callable) -> None:
    """A slider over the months 1..horizon, shown as month names."""
    base = state.base()
    months = base.months()
    where.select_slider(
        label,
        options=list(range(1, base.horizon_months + 1)),
        format_func=lambda i: formatting.month_name(months[i]),
        key=state.bind(key, now),
        on_change=on_change,
    )


def deadline(where: Any = st) -> None:
    _month_slider(where, "Deadline", "w_deadline", int(state.base().deadline), _update_target)


def confidence(where: Any = st) -> None:
    now = float(state.base().target.confidence)
    where.select_slider(
        "Confidence",
        options=sorted({*CONFIDENCES, now}),
        format_func=formatting.percent,
        key=state.bind("w_confidence", now),
        on_change=_update_target,
        help="Required share of simulated paths meeting the target at the deadline.",
    )


def hold(
    where: Any = st, *, label: str = "Hold the target to the horizon", compact: bool = False
) -> None:
    where.toggle(
        label,
        key=state.bind("w_hold", bool(state.base().target.hold)),
        on_change=_update_target,
        help=None
        if compact
        else "Also require the ratio to stay at or below k every month after the deadline.",
    )


def ds_grow_to(where: Any = st, *, label: str = "Data scientists: grow to") -> None:
    base = state.base()
    to_now, _ = ds_growth_now(base)
    _whole_number(
        where,
        label,
        ("w_ds_to", to_now, 100_000),
        _update_ds_growth,
        "The ratio's denominator: data-science positions grow linearly from today's to "
        "this number by the month chosen, then hold; leavers are replaced. Now: "
        # The description quotes the policy's source, which comes from the link: escaped.
        f"{md_escape(base.policy_of(DS).describe(base.headcount_of(DS), base.horizon_months))}.",
    )


def _whole_number(
    where: Any, label: str, bound: tuple[str, int, int], on_change: Callable, help: str
) -> None:
    """A whole-number input from 0 to a maximum, bound to the scenario: `bound` is
    (widget key, value now, maximum)."""
    key, now, high = bound
    where.number_input(
        label,
        min_value=0,
        max_value=high,
        step=1,
        key=state.bind(key, now),
        on_change=on_change,
        help=help,
    )


def ds_by(where: Any = st) -> None:
    by_now = ds_growth_now(state.base())[1]
    _month_slider(where, "Data scientists: by", "w_ds_by", by_now, _update_ds_growth)


def strategy(where: Any = st) -> None:
    where.radio(
        "Strategy",
        options=[s.value for s in Strategy],
        format_func=strategy_label,
        horizontal=True,
        key=state.bind("w_strategy", state.strategy()),
        on_change=lambda: state.set_strategy(st.session_state["w_strategy"]),
        help="Even: spread to the deadline. Front-loaded: hire as early as allowed. "
        "Just-in-time: as late as possible before the deadline. Fewest: the fewest hires in "
        "any months. Every plan is checked on independent simulated paths.",
    )


def reskill(where: Any = st) -> None:
    now = round(100 * state.base().reskill_annual)
    where.slider(
        "Reskilling (data scientists → ML engineers)",
        min_value=0,
        max_value=max(30, now),
        step=1,
        format="%d%%/yr",
        key=state.bind("w_reskill", now),
        on_change=lambda: state.set_base(
            state.base().replace(reskill_annual=st.session_state["w_reskill"] / 100)
        ),
    )


def _update_attrition() -> None:
    annual = float(st.session_state["w_attrition_all"]) / 100
    _replace_all(lambda sc: edits.with_attrition(sc, annual), "Attrition")


def attrition_all(where: Any = st, *, label: str = "Attrition, all roles") -> None:
    """One what-if for every role's attrition ("what if attrition is 20%?")."""
    now = round(100 * edits.common_attrition(state.base()))
    _whole_number(
        where,
        label,
        ("w_attrition_all", now, 60),
        _update_attrition,
        "Sets every role's annual attrition (%/yr) at once; each role's interval moves with "
        "it. Per-role values are on Team & data.",
    )


def _update_shape() -> None:
    base = state.base()
    target = base.target.to_dict()
    for name in ("ds_per_de", "ds_per_pm"):
        value = float(_value(f"w_{name}", 0.0) or 0.0)
        target[name] = value if value > 0 else None
    state.set_base(base.replace(target=target))


def team_shape(where: Any = st) -> None:
    """Optional targets of data scientists per data engineer and per product manager."""
    t = state.base().target
    c1, c2 = where.columns(2)
    for column, name, who in (
        (c1, "ds_per_de", "data engineer"),
        (c2, "ds_per_pm", "product manager"),
    ):
        column.number_input(
            f"Data scientists per {who} (1:k; 0 = no target)",
            min_value=0.0,
            max_value=1000.0,
            step=0.5,
            key=state.bind(f"w_{name}", float(getattr(t, name) or 0.0)),
            on_change=_update_shape,
            help=f"Solved with the ML engineer target: the fewest new {who} positions so "
            "that every target is met at the deadline with the confidence.",
        )


def reskill_programme(where: Any = st) -> None:
    """The reskilling programme: months in training and the cost per person."""
    base = state.base()
    c1, c2 = where.columns(2)
    c1.number_input(
        "Reskilling: months in training",
        min_value=0,
        max_value=36,
        step=1,
        key=state.bind("w_reskill_months", int(base.reskill_months)),
        on_change=lambda: state.set_base(
            state.base().replace(reskill_months=int(st.session_state["w_reskill_months"]))
        ),
        help="They leave the data scientists when training starts (the seat is backfilled), "
        "join the ML engineers after it, are paid meanwhile and do half their data science.",
    )
    c2.number_input(
        "Reskilling: programme cost per person (USD)",
        min_value=0.0,
        max_value=1e7,
        step=5_000.0,
        format="%.0f",
        key=state.bind("w_reskill_cost", float(base.reskill_cost)),
        on_change=lambda: state.set_base(
            state.base().replace(reskill_cost=float(st.session_state["w_reskill_cost"]))
        ),
    )


def horizon(where: Any = st) -> None:
    base = state.base()
    now = base.horizon_months
    where.select_slider(
        "Planning horizon",
        options=sorted({*HORIZONS, now}),
        format_func=lambda h: f"{h} months",
        key=state.bind("w_horizon", now),
        on_change=lambda: _replace_all(
            lambda sc: edits.with_horizon(sc, int(st.session_state["w_horizon"])), "Horizon"
        ),
        help="How far the simulation runs. A shorter horizon cuts every plan at its end "
        "(a growth target is cut on its line) and moves a later deadline to it.",
    )


def start_month(where: Any = st) -> None:
    base = state.base()
    labels = month_labels(base.start_month, 2 * START_SPAN + 1, offset=-START_SPAN)
    where.selectbox(
        "Start month (month 0: today's team)",
        options=labels,
        format_func=formatting.month_name,
        key=state.bind("w_start", base.start_month),
        on_change=lambda: _replace_all(
            lambda sc: sc.replace(start_month=st.session_state["w_start"]), "Start month"
        ),
        help="The month the headcount describes; every plan keeps its months counted from it.",
    )


def show_error() -> None:
    """The message of a horizon or start-month change that was refused (once)."""
    error = st.session_state.pop(KEY_ERROR, None)
    if error:
        st.error(md_escape(error))


def workshop_bar() -> None:
    """Workshop mode's compact bar: the five controls that matter, one row, no sidebar."""
    with st.container(key="workshop_bar"):
        cols = st.columns([1.1, 1.25, 1.0, 1.0, 0.9, 0.7, 1.0], vertical_alignment="bottom")
        target_k(cols[0], label="Target (1:k)")
        deadline(cols[1])
        confidence(cols[2])
        ds_grow_to(cols[3], label="Data scientists")
        attrition_all(cols[4], label="Attrition %")
        hold(cols[5], label="Hold", compact=True)
        cols[6].toggle(
            "Workshop",
            value=True,
            key="workshop_bar_toggle",
            on_change=lambda: state.set_workshop(False),
        )
    show_error()


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def walking() -> bool:
    """Whether this run is a step of a control being walked with the keyboard (a held or
    repeatedly pressed arrow key: `walk`). Called once per full run, before the page;
    `run_finished` marks its end."""
    ss = st.session_state
    record, walked = walk(ss.get(KEY_WALK), {key: ss.get(key) for key in WALKED}, time.monotonic())
    ss[KEY_WALK] = record
    return walked


def walk(before: dict | None, values: dict[str, Any], now: float) -> tuple[dict, bool]:
    """(this run's record, whether it is a step of a walk): one of the WALKED controls
    moved (`values` against the previous run's, `before`), the same way as in the previous
    run, and this run started right after that one ended (WALK_AFTER_END; or, that run
    interrupted by this one's value, WALK_AFTER_START after it started). A facilitator
    moving a slider back and forth, or a step now and then, is not walking it."""
    step = None
    if before is not None:
        moved = [
            key
            for key, value in values.items()
            if isinstance(value, int | float)
            and isinstance(before["values"].get(key), int | float)
            and value != before["values"][key]
        ]
        if len(moved) == 1:
            (key,) = moved
            step = (key, _sign(float(values[key]) - float(before["values"][key])))
    record = {"values": dict(values), "started": now, "step": step, "finished": None}
    if step is None or before is None or before["step"] != step:
        return record, False
    if before["finished"] is None:  # interrupted by this run's value
        return record, now - before["started"] <= WALK_AFTER_START
    return record, now - before["finished"] <= WALK_AFTER_END


def run_finished(record: dict | None = None) -> None:
    """Mark the end of a full run that was not interrupted (for `walking`).

    Args:
        record: this run's walk record, read before the page ran, when the page ended the
            run with st.stop(): session state can no longer be read then (every access
            raises the stop again).
    """
    walk = st.session_state.get(KEY_WALK) if record is None else record
    if walk is not None:
        walk["finished"] = time.monotonic()
