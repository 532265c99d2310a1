"""The Sensitivity page's cached analyses (forecasting.plan.sensitivity / forecasting.plan.budget)
and their chart frames. Aggregates only: nothing per path is cached."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from forecasting.model import formatting
from forecasting.model.scenario import Scenario
from forecasting.plan import budget as budgets
from forecasting.plan import reskill
from forecasting.plan.evaluate import WorkCapped
from forecasting.plan.sensitivity import Sensitivity, sensitivity
from forecasting.report import sentences
from ui import background, compute, work
from ui.charts import advice as charts
from ui.compute import HASH_FUNCS, stop_check, vega_lite_spec
from ui.text import md_escape

#: Paths the interactive analyses run on (the CLI takes the scenario's).
ANALYSIS_PATHS = 2_000


def _analysed(scenario: Scenario) -> Scenario:
    return scenario.replace(paths=min(scenario.paths, ANALYSIS_PATHS))


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def sensitivity_cached(
    scenario: Scenario, strategy: str, plan: tuple[int, ...]
) -> tuple[Sensitivity | None, str | None]:
    """The tornado of `scenario` (without its ML engineer plan) holding `plan` fixed, within
    the interactive work budget: (tornado, None), its rows so far when the budget runs out
    midway (`Sensitivity.capped` names the rest), or (None, why) before today's answer."""
    import numpy as np

    budget = work.budget(stop_check())
    with work.heavy(budget.should_stop):
        try:
            schedule = np.array(plan, dtype=np.int64)
            return sensitivity(_analysed(scenario), strategy, plan=schedule, budget=budget), None
        except WorkCapped as exc:
            return None, str(exc)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def budget_cached(
    scenario: Scenario, budget: float, strategy: str
) -> tuple[budgets.BudgetAnswer | None, str | None]:
    """What `budget` USD a year buys, or (None, why) past the interactive work budget."""
    work_budget = work.budget(stop_check())
    with work.heavy(work_budget.should_stop):
        try:
            return budgets.solve_budget(
                _analysed(scenario), budget, strategy, work=work_budget
            ), None
        except WorkCapped as exc:
            return None, str(exc)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def frontier_cached(
    scenario: Scenario, strategy: str, targets: tuple[float, ...]
) -> tuple[budgets.Frontier | None, str | None]:
    """The cost-of-confidence frontier (its first points, `capped`, when the interactive
    work budget runs out), or (None, why) when it runs out before the first."""
    budget = work.budget(stop_check())
    with work.heavy(budget.should_stop):
        try:
            return budgets.frontier(
                _analysed(scenario), strategy, targets=targets, work=budget
            ), None
        except WorkCapped as exc:
            return None, str(exc)


def tornado_frame(result: Sensitivity, months: list[str], measure: str) -> pd.DataFrame:
    """One row per assumption: its label, the values tried and the answer at each end."""
    rows = []
    for r in result.rows:
        ends = r.positions if measure == "positions" else r.p_target_met
        rows.append(
            {
                "label": r.label,
                "low_text": sentences.value_text(r.parameter, r.low, months),
                "high_text": sentences.value_text(r.parameter, r.high, months),
                "low": math.nan if ends[0] is None else float(ends[0]),
                "high": math.nan if ends[1] is None else float(ends[1]),
            }
        )
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, max_entries=64)
def tornado_spec(
    result: Sensitivity, months: list[str], measure: str, workshop: bool
) -> dict[str, Any]:
    unit = result.mode.unit(capital=True)
    base: float | None  # today's answer: positions, or a probability
    if measure == "positions":
        base, what, title = result.positions, unit, f"{unit}, re-solved"
    else:
        base, what = result.p_target_met, "P(target met)"
        title = "P(target met at the deadline) of today's plan"
    df = tornado_frame(result, months, measure)
    chart = charts.tornado(df, measure=what, base=float(base or 0), title=title, workshop=workshop)
    return vega_lite_spec(chart)


#: Most rows a chart is given (Altair refuses more than 5,000): longer series are thinned.
MAX_CHART_ROWS = 4_000


def frontier_frame(f: budgets.Frontier) -> pd.DataFrame:
    """One row per target and point; with more than MAX_CHART_ROWS, every step-th point
    and the last (a frontier of thousands of positions is drawn, not listed)."""
    step = max(1, math.ceil(len(f.added) * max(len(f.p), 1) / MAX_CHART_ROWS))
    keep = sorted({*range(0, len(f.added), step), len(f.added) - 1}) if f.added else []
    rows = [
        {
            "target": formatting.ratio_text(k),
            "k": k,
            "added": f.added[i],
            "run_rate": f.run_rate[i],
            "p": ps[i],
        }
        for k, ps in f.p.items()
        for i in keep
    ]
    return pd.DataFrame(rows)


@st.cache_data(show_spinner=False, max_entries=64)
def frontier_spec(
    f: budgets.Frontier, confidence: float, target: float, workshop: bool
) -> dict[str, Any]:
    chart = charts.frontier(
        frontier_frame(f), confidence=confidence, target=target, workshop=workshop
    )
    return vega_lite_spec(chart)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def mix_cached(scenario: Scenario, strategy: str) -> tuple[reskill.Mix | None, str | None]:
    """`cheapest_mix` on the analysis paths within the interactive work budget (it solves
    once per option: MIX_BUDGET_SOLVES engine calls' worth), or (None, why) past it."""
    budget = work.budget(stop_check(), scale=MIX_BUDGET_SOLVES)
    with work.heavy(budget.should_stop):
        try:
            mix = reskill.cheapest_mix(
                _analysed(scenario), strategy, budget=budget, month_step=MIX_MONTH_STEP
            )
        except WorkCapped as exc:
            return None, str(exc)
    return mix, None


#: The mix may spend this many interactive solves' work (it solves once per option).
MIX_BUDGET_SOLVES = 20
#: Start months the page tries: every third month back from the last that arrives by the
#: deadline (`python -m`-side callers of cheapest_mix try every month).
MIX_MONTH_STEP = 3


def mix_markdown(mix: reskill.Mix, scenario: Scenario) -> str:
    """The mix's answer in words, escaped for st.markdown (money's "$" is not LaTeX)."""
    return "##### " + md_escape(sentences.mix_sentence(mix, scenario))


def mix_table(mix: reskill.Mix, months: list[str]) -> list[dict[str, str]]:
    """Hiring only and, for each number of data scientists reskilled, its cheapest start
    month, as a person reads them; every cost over the mix's one window."""
    best = mix.best
    w = mix.window
    over = f"cost {formatting.month_name(w.first_label)}–{formatting.month_name(w.last_label)}"
    unit = mix.mode.unit(capital=True)
    shown: dict[int, reskill.MixOption] = {}
    for o in mix.options:
        if o.people not in shown or reskill.cheapest([shown[o.people], o]) is o:
            shown[o.people] = o
    return [
        {
            "data scientists reskilled": str(o.people),
            "start training": "—" if o.month is None else formatting.month_name(months[o.month]),
            "ML engineers from": "—"
            if o.arrives is None
            else formatting.month_name(months[o.arrives]),
            unit: "out of reach" if o.added is None else str(o.added),
            over: "—" if o.cost is None else formatting.money(o.cost),
            "P(target met)": "—" if o.p_target_met is None else formatting.percent(o.p_target_met),
            "": "cheapest" if o is best else ("hiring only" if o.people == 0 else ""),
        }
        for o in shown.values()
    ]


def _prepare_sensitivity(
    base: Scenario, strategy: str, mode: str, workshop: bool
) -> list[background.Job]:
    """The tornado the Sensitivity page will show for this view, prepared in the
    background (ui/background.py) so that its first visit finds it cached."""
    return [sensitivity_job(base, strategy, mode, workshop)]


def sensitivity_job(base: Scenario, strategy: str, mode: str, workshop: bool) -> background.Job:
    """The background job that fills `sensitivity_cached` for the view of `base` (the page's
    own arguments: its scenario without the ML engineer plan, holding the view's plan)."""

    def run() -> None:
        from forecasting.model import edits
        from forecasting.plan.evaluate import SolverCancelled

        try:
            view = compute.view_for(base, strategy, mode)
            analysed = edits.without_mle_plan(compute.interactive(base))
            sensitivity_cached(analysed, view.strategy, tuple(edits.mle_schedule(view.scenario)))
        except SolverCancelled:
            raise background.Cancelled from None

    return background.Job("sensitivity", run)


background.PREPARERS.append(_prepare_sensitivity)
