"""The projection the app and the CLI show: the Monte Carlo's fans, costs and capacity,
with the target's probabilities exact wherever the model's chains allow.

`simulate` (forecasting/simulate/engine.py) samples paths; the probabilities a leader
repeats (P(target met) by month, the month the target is reached, how long it holds)
come from the exact chains (forecasting/simulate/exact.py) and are the same on every
seed. Where the chains do not apply (reskilling couples the roles, or a team too large),
the Monte Carlo's shares are kept with their standard errors.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from forecasting.model.scenario import Scenario
from forecasting.simulate.engine import simulate
from forecasting.simulate.exact import ExactEvaluator, NotExact
from forecasting.simulate.exact_chain import GiveUp
from forecasting.simulate.result import SimulationResult


def standard_errors(p: np.ndarray | float, paths: int) -> np.ndarray:
    """Monte Carlo standard error of probabilities estimated on `paths` paths."""
    q = np.asarray(p, dtype=float)
    return np.sqrt(np.clip(q * (1.0 - q), 0.0, None) / max(paths, 1))


def project(
    scenario: Scenario,
    *,
    exact_held: bool | None = None,
    paths: bool = True,
    give_up: GiveUp | None = None,
) -> SimulationResult:
    """`simulate(scenario)` with exact target probabilities where they can be had.

    Args:
        scenario: the scenario.
        exact_held: compute P(target held) exactly on the joint chain (None: when the
            target must hold, the case where the answer rests on it).
        paths: keep the per-path headcount (`paths_headcount`); False releases it before
            the exact chains run (what a cache keeps: `without_paths`).
        give_up: asked between the exact chains' months; True leaves the probabilities
            sampled, with their standard errors (the work budget of a very large team);
            an exception it raises (a cancellation) passes through.

    Returns:
        The SimulationResult; `p_method` / `p_held_method` say how each probability was
        got and `p_se` / `p_held_se` carry the standard errors (0 when exact).
    """
    result = simulate(scenario)
    if not paths:
        result = result.without_paths()
    n = scenario.paths
    sampled = dataclasses.replace(
        result,
        p_se=standard_errors(result.p_target_by_month, n),
        p_held_se=float(standard_errors(result.p_target_held, n)),
    )
    try:
        exact = ExactEvaluator(scenario, give_up=give_up)
        p_by_month = exact.p_met_by_month()
    except NotExact:
        return sampled
    held, held_method, held_se = result.p_target_held, "monte carlo", sampled.p_held_se
    if scenario.target.hold if exact_held is None else exact_held:
        try:
            p = exact.p_held()
        except NotExact:  # the joint chain proved too large: the sampled P(held) stays
            p = None
        if p is not None:
            held, held_method, held_se = p, "exact", 0.0
    return dataclasses.replace(
        sampled,
        p_target_met=float(p_by_month[scenario.deadline]),
        p_target_by_month=p_by_month,
        p_method="exact",
        p_se=np.zeros_like(p_by_month),
        p_target_held=float(held),
        p_held_method=held_method,
        p_held_se=held_se,
    )
