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
from forecasting.plan.evaluate import Budget
from forecasting.plan.sensitivity import Sensitivity, sensitivity
from forecasting.report import sentences
from ui.charts import advice as charts
from ui.compute import INTERACTIVE_SOLVER_BUDGET, vega_lite_spec
from ui.text import md_escape

#: Paths the interactive analyses run on (the CLI takes the scenario's).
ANALYSIS_PATHS = 2_000


def _analysed(scenario: Scenario) -> Scenario:
    return scenario.replace(paths=min(scenario.paths, ANALYSIS_PATHS))


@st.cache_data(show_spinner=False, max_entries=64)
def sensitivity_cached(scenario: Scenario, strategy: str, plan: tuple[int, ...]) -> Sensitivity:
    """The tornado of `scenario` (without its ML engineer plan) holding `plan` fixed."""
    import numpy as np

    return sensitivity(_analysed(scenario), strategy, plan=np.array(plan, dtype=np.int64))


@st.cache_data(show_spinner=False, max_entries=64)
def budget_cached(scenario: Scenario, budget: float, strategy: str) -> budgets.BudgetAnswer:
    return budgets.solve_budget(_analysed(scenario), budget, strategy)


@st.cache_data(show_spinner=False, max_entries=64)
def frontier_cached(
    scenario: Scenario, strategy: str, targets: tuple[float, ...]
) -> budgets.Frontier:
    return budgets.frontier(_analysed(scenario), strategy, targets=targets)


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


def frontier_frame(f: budgets.Frontier) -> pd.DataFrame:
    rows = [
        {"target": formatting.ratio_text(k), "k": k, "added": n, "run_rate": rr, "p": p}
        for k, ps in f.p.items()
        for n, rr, p in zip(f.added, f.run_rate, ps, strict=True)
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


@st.cache_data(show_spinner=False, max_entries=64)
def mix_cached(scenario: Scenario, strategy: str) -> reskill.Mix:
    """`cheapest_mix` on the analysis paths, within the interactive budget."""
    budget = Budget(path_months=INTERACTIVE_SOLVER_BUDGET * MIX_BUDGET_SOLVES)
    return reskill.cheapest_mix(
        _analysed(scenario), strategy, budget=budget, month_step=MIX_MONTH_STEP
    )


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
