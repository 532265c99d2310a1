"""Cached calls into the engine, and the 'effective plan' every page shows.

Caching lives here (UI side), never in forecasting/. Cache keys are Scenario
objects: aggregate numbers only, never uploaded rows, so a cache hit from another
session can only return numbers that session would have computed itself. Fits on
uploaded history are cached per session (see pages/forecast.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from forecasting.errors import SolverError
from forecasting.roles import ROLE_KEYS, Role
from forecasting.scenario import Scenario
from forecasting.simulate import SimulationResult, simulate
from forecasting.solver import HiringPlan, solve
from ui import state

MLE = Role.ML_ENGINEER.value


@st.cache_data(show_spinner=False, max_entries=256)
def simulate_cached(scenario: Scenario) -> SimulationResult:
    """simulate(), cached on the (hashable, frozen) scenario."""
    return simulate(scenario)


@st.cache_data(show_spinner=False, max_entries=256)
def solve_cached(scenario: Scenario, strategy: str) -> tuple[HiringPlan | None, str | None]:
    """solve(), cached; an infeasible target returns (None, message) instead of raising."""
    try:
        return solve(scenario, strategy), None
    except SolverError as exc:
        return None, str(exc)


def without_mle_plan(scenario: Scenario) -> Scenario:
    """The scenario with no ML engineer starts planned: what the solver starts from."""
    starts = {k: list(scenario.starts_of(k)) for k in ROLE_KEYS if k != MLE}
    return scenario.replace(planned_starts=starts)


def with_mle_plan(scenario: Scenario, mle_starts: list[int]) -> Scenario:
    """The scenario with its ML engineer starts replaced by `mle_starts`."""
    starts = {k: list(scenario.starts_of(k)) for k in ROLE_KEYS}
    starts[MLE] = [int(x) for x in mle_starts]
    return scenario.replace(planned_starts=starts)


@dataclass(frozen=True)
class PlanView:
    """What the pages show: the effective scenario, its simulation and the recommendation."""

    scenario: Scenario
    result: SimulationResult
    recommendation: HiringPlan | None
    solver_error: str | None
    mode: str
    strategy: str


def view_for(base: Scenario, strategy: str, mode: str) -> PlanView:
    """Resolve a (base scenario, strategy, plan mode) triple into what is simulated.

    In "recommended" mode the ML engineer starts are the solver's; in "manual" mode
    they are the base scenario's own. When the solver cannot reach the target, the
    base scenario is shown as it is and the error explains what to relax.
    """
    recommendation, error = solve_cached(without_mle_plan(base), strategy)
    if mode == state.PLAN_RECOMMENDED and recommendation is not None:
        effective = recommendation.scenario
    else:
        effective = base
    return PlanView(
        scenario=effective,
        result=simulate_cached(effective),
        recommendation=recommendation,
        solver_error=error,
        mode=mode,
        strategy=strategy,
    )


def current_view() -> PlanView:
    """The PlanView of this session's current scenario."""
    return view_for(state.base(), state.strategy(), state.plan_mode())
