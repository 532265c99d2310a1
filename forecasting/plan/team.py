"""The whole team shape: data scientists per data engineer and per product manager, solved
with the ML engineer target.

Each role with a shape target (``target.ds_per_de``, ``target.ds_per_pm``: at most k data
scientists per one) gets the fewest new positions (or starts, without a hiring policy),
placed by the strategy before the deadline like the ML engineers', so that its own ratio
is met at the deadline with the scenario's confidence. Then the targets are taken
together: while P(every target met at the deadline) is below the confidence, the role
whose own probability is lowest gets one more position. The ML engineer plan (the
solver's, already in the scenario) is kept as it is.

Every probability is read from `run_paths`, the simulation's own random numbers: each
role draws from its own stream and shares the data scientists' paths, so adding a data
engineer never moves the ML engineer answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.roles import DE, DS, MLE, PM, ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.model.target import meets_target, ratio_of
from forecasting.plan.evaluate import Budget, WorkCapped
from forecasting.plan.schedule import Slots, shaped, smallest_prefix
from forecasting.plan.solver import Strategy
from forecasting.simulate.engine import run_paths

#: Role index -> the Target field holding its shape target.
SHAPE_ROLES = {DE: "ds_per_de", PM: "ds_per_pm"}


@dataclass(frozen=True)
class RolePlan:
    """One role's new positions for its shape target."""

    role: str
    k: float
    added: int | None  # None: out of reach with the role's caps
    schedule: tuple[int, ...]  # positions added by month (or planned starts)
    p_target_met: float  # P(DS / role <= k at the deadline) with this plan
    mode: PlanMode


@dataclass(frozen=True)
class TeamPlan:
    """The team-shape plan: one RolePlan per shape target and the joint probability."""

    roles: tuple[RolePlan, ...]
    p_all_met: float  # P(every target, the ML engineer one included, met at the deadline)
    met: bool  # p_all_met reaches the confidence (False: the hiring limits bind)
    scenario: Scenario  # the scenario with every role's plan
    capped: str = ""  # why the joint search stopped short (the work budget), or ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "p_all_met": self.p_all_met,
            "met": self.met,
            **({"capped": self.capped} if self.capped else {}),
            "roles": {
                r.role: {
                    "ds_per": r.k,
                    "added": r.added,
                    r.mode.schedule_key: list(r.schedule),
                    "p_target_met": r.p_target_met,
                }
                for r in self.roles
            },
        }


def _met(
    sc: Scenario, roles: tuple[int, ...], ks: dict[int, float], budget: Budget
) -> dict[int, np.ndarray]:
    """Per role in `ks`, whether DS / role <= k at the deadline on each path."""
    budget.spend(sc.paths * sc.horizon_months * (1 + len(roles)))
    hc = run_paths(sc, roles=(DS, *roles)).headcount[sc.deadline]
    return {r: meets_target(ratio_of(hc[DS], hc[r]), k) for r, k in ks.items()}


def solve_team(
    scenario: Scenario, strategy: Strategy | str = Strategy.EVEN, *, budget: Budget | None = None
) -> TeamPlan | None:
    """The fewest new positions per shape-target role, taken together with the ML engineer
    target; None when the scenario sets no shape target.

    Args:
        scenario: the scenario with its ML engineer plan (e.g. the solver's
            `HiringPlan.scenario`); the other roles' own plans are kept as floors.
        strategy: where each role's positions go (fewest is placed as even).
        budget: the work allowed (each role's simulation counts its path-months). When
            it runs out in the joint step, the plan so far is returned with `capped`
            saying so; before that, WorkCapped is raised (there is no plan yet).
    """
    budget = budget or Budget()
    shape = {r: getattr(scenario.target, name) for r, name in SHAPE_ROLES.items()}
    ks = {r: float(k) for r, k in shape.items() if k is not None}
    if not ks:
        return None
    conf = scenario.target.confidence
    shapes = {r: shaped(scenario, strategy, to_horizon=False, role_index=r) for r in ks}
    slots = {r: Slots.of(scenario, r) for r in ks}

    def with_plans(n: dict[int, int]) -> Scenario:
        sc = scenario
        for r, count in n.items():
            sc = slots[r].scenario_with(sc, shapes[r][0](count))
        return sc

    # Each role on its own: the smallest n meeting its ratio with the confidence.
    n: dict[int, int] = {}
    for r, k in ks.items():
        n_max = shapes[r][1]

        def passes(count: int, r: int = r, k: float = k) -> bool:
            sc = slots[r].scenario_with(scenario, shapes[r][0](count))
            return float(_met(sc, (r,), {r: k}, budget)[r].mean()) >= conf

        n[r] = smallest_prefix(passes, n_max)
    # Together: every target (the ML engineer one too) met on the same paths. While the
    # joint probability is short, add the one position (of any role, ML engineers beyond
    # the solver's plan included) that raises it most; stop when none raises it.
    shapes[MLE] = shaped(scenario, strategy, to_horizon=False, role_index=MLE)
    slots[MLE] = Slots.of(scenario, MLE)
    n[MLE] = 0
    all_ks = {MLE: scenario.target.ds_per_mle, **ks}

    def joint_of(counts: dict[int, int]) -> tuple[float, dict[int, np.ndarray]]:
        met = _met(with_plans(counts), (MLE, *ks), all_ks, budget)
        return float(np.logical_and.reduce(list(met.values())).mean()), met

    joint, met = joint_of(n)
    capped = ""
    while joint < conf:
        tries = []
        try:
            for r in all_ks:
                if n[r] < shapes[r][1]:
                    more = {**n, r: n[r] + 1}
                    tries.append((*joint_of(more), -r, more))
        except WorkCapped as exc:
            capped = str(exc)
            break
        if not tries:
            break
        best = max(tries, key=lambda t: (t[0], t[2]))
        if best[0] <= joint:
            break  # no single position helps: the hiring limits bind
        joint, met, n = best[0], best[1], best[3]
    final = with_plans(n)
    plans = []
    for r, k in all_ks.items():
        if r == MLE and n[MLE] == 0:
            continue  # the solver's ML engineer plan is enough together too
        final_schedule = shapes[r][0](n[r])
        p = float(met[r].mean())
        reachable = p >= conf or n[r] < shapes[r][1]
        plans.append(
            RolePlan(
                role=ROLE_KEYS[r],
                k=k,
                added=int(final_schedule.sum() - slots[r].floor.sum()) if reachable else None,
                schedule=tuple(int(x) for x in final_schedule),
                p_target_met=p,
                mode=slots[r].mode,
            )
        )
    return TeamPlan(
        roles=tuple(plans), p_all_met=joint, met=joint >= conf, scenario=final, capped=capped
    )
