"""Reachability: for a target that cannot be met, the highest confidence at the deadline and
the earliest deadline at the goal with the most hiring the caps allow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.roles import ROLES
from forecasting.model.scenario import Scenario
from forecasting.plan.decide import sampled_bounds
from forecasting.plan.evaluate import Budget
from forecasting.plan.schedule import Slots


@dataclass(frozen=True)
class Reachable:
    """What the most hiring the caps allow reaches (for a target that cannot be met).

    Attributes:
        mode: new positions or ML engineer starts.
        per_month: the most new positions (or starts) a month (max_starts_per_month).
        first_month: month index of the first one the time to fill allows.
        probability: P(target met at the deadline) (P(held to the horizon) with hold)
            with that most hiring: the highest confidence at today's deadline.
        earliest_deadline: the first month index after today's deadline at which the
            goal confidence is reached (and, with hold, held to the horizon); None when
            not within the horizon.
        paths: the simulated paths they come from.
    """

    mode: PlanMode
    per_month: int
    first_month: int
    probability: float
    earliest_deadline: int | None
    paths: int = 0  # the simulated paths these come from


def reachable(scenario: Scenario, *, budget: Budget | None = None) -> Reachable:
    """The highest confidence at the deadline and the earliest deadline at the goal
    confidence, when every month from the first the time to fill allows gets the most
    new ML engineer positions (or starts) max_starts_per_month allows (one simulation,
    counted against `budget`: WorkCapped past it).
    """
    from forecasting.model.target import meets_target, ratio_paths
    from forecasting.simulate.engine import run_paths

    (budget or Budget()).spend(scenario.paths * scenario.horizon_months * len(ROLES))
    slots = Slots.of(scenario)
    most = slots.scenario_with(scenario, slots.floor + slots.caps)
    target = most.target
    ok = meets_target(ratio_paths(run_paths(most).headcount), target.ds_per_mle)
    # held[m]: the target holds in every month from m to the horizon.
    held = np.flip(np.logical_and.accumulate(np.flip(ok, axis=0), axis=0), axis=0).mean(axis=1)
    counts = held if target.hold else ok.mean(axis=1)
    paths = most.paths
    # A month is at the goal when the share is, and for a share of 1 only when its paths
    # can show it (`decide.sampled_bounds`, as the solver's Judge: 10,000 paths that all
    # meet it do not show 99.9999%).
    all_show = sampled_bounds(1.0, 0.0, paths)[0]
    later = [
        m
        for m in range(most.deadline + 1, most.horizon_months + 1)
        if counts[m] >= target.confidence and (counts[m] < 1.0 or all_show >= target.confidence)
    ]
    return Reachable(
        mode=slots.mode,
        per_month=slots.cap_month,
        first_month=slots.first_month,
        probability=float(counts[most.deadline]),
        earliest_deadline=later[0] if later else None,
        paths=paths,
    )
