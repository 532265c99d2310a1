"""Reskilling or hiring: the cheapest mix of whole data scientists reskilled (how many, and
the month they start) and the new ML engineer positions (or starts) `solve` then adds,
against hiring only.

Every option is a scenario with a planned reskilling (`reskill_planned`: n data
scientists starting training at month m, none at a continuing rate) solved by `solve`
with the caller's strategy, so the option with nobody reskilled is exactly `solve`'s
answer. Reskilling is searched only where it is needed: the people arrive by the deadline
(m + reskill_months <= deadline), never more people than hiring alone needs, and the
search stops at the fewest people with whom some month needs no new positions. A pair
whose reskilling alone costs at least as much as an option already found is not solved
(new positions only add to the payroll). Every option is costed the same way over one window,
the same for all options: the mean loaded payroll and programme cost of months 1..horizon
(`MixWindow`), minus that of the scenario with no positions (or starts) beyond its own
plan, which the solver keeps as a floor, and no reskilling, on the scenario's own paths
and seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forecasting.model.edits import PlanMode
from forecasting.model.roles import DS, MLE, Role
from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Budget
from forecasting.plan.solver import Strategy, TargetUnreachable, solve
from forecasting.simulate.engine import mean_cost

DS_ROLE = Role.DATA_SCIENTIST
#: The most data scientists the search reskills (the bound when hiring alone cannot
#: reach the target).
MAX_RESKILLED = 40


@dataclass(frozen=True)
class MixWindow:
    """The months every option is costed over (month indices, both included).

    Attributes:
        first, last: month indices (1 and the horizon).
        first_label, last_label: the same months as "YYYY-MM".
    """

    first: int
    last: int
    first_label: str
    last_label: str

    @property
    def months(self) -> int:
        """How many months the window holds."""
        return self.last - self.first + 1


@dataclass(frozen=True)
class MixOption:
    """One mix of reskilling and new positions (see `cheapest_mix`).

    Attributes:
        people: data scientists who start reskilling (0 = hiring only).
        month: the month index they start training (None when nobody reskills).
        arrives: the month index they count as ML engineers (month + reskill_months).
        added: new ML engineer positions (or starts) `solve` adds with this reskilling;
            None when the target is out of reach with the caps.
        cost: added payroll and programme cost over the mix's window, USD, against no
            new positions and no reskilling; None when out of reach.
        p_target_met: P(target met at the deadline) of the solved option, or None.
        p_method: how that probability was evaluated ("exact" or "monte carlo").
        scenario: the solved option's scenario (its reskilling and positions), or None.
    """

    people: int
    month: int | None
    arrives: int | None
    added: int | None
    cost: float | None
    p_target_met: float | None
    p_method: str = ""
    scenario: Scenario | None = None

    @property
    def reachable(self) -> bool:
        return self.cost is not None


@dataclass(frozen=True)
class Mix:
    """The options of `cheapest_mix`, the window they are costed over and the answer.

    Attributes:
        options: hiring only first, then by people and month.
        window: the months every option is costed over.
        mode: positions or starts (what `added` counts).
        deadline: the target's deadline month index.
        skipped: (people, month) pairs not solved because their reskilling alone, with
            no new position, already costs at least as much as an option found.
        month_step: the start months tried were every `month_step`-th back from the last.
    """

    options: tuple[MixOption, ...]
    window: MixWindow
    mode: PlanMode
    deadline: int
    skipped: int = 0
    month_step: int = 1

    @property
    def hiring_only(self) -> MixOption:
        """The option with nobody reskilled: `solve`'s answer."""
        return self.options[0]

    @property
    def best(self) -> MixOption | None:
        """The reachable option with the lowest cost (ties: fewer reskilled, fewer added,
        later), or None when none is reachable."""
        return cheapest(list(self.options))


def cheapest(options: list[MixOption]) -> MixOption | None:
    """The reachable option with the lowest cost (ties: fewer people reskilled, fewer
    added, the later month), or None."""
    reachable = [o for o in options if o.cost is not None and o.added is not None]
    if not reachable:
        return None
    return min(
        reachable,
        key=lambda o: (round(o.cost or 0.0, 2), o.people, o.added or 0, -(o.month or 0)),
    )


def mix_window(scenario: Scenario) -> MixWindow:
    """The window every option of `scenario` is costed over: months 1..horizon."""
    labels = scenario.months()
    last = scenario.horizon_months
    return MixWindow(1, last, labels[1], labels[last])


def window_cost(scenario: Scenario, window: MixWindow, budget: Budget) -> float:
    """Mean loaded payroll and programme cost of data scientists and ML engineers over
    `window`, USD (the other roles have their own random numbers and the same paths in
    every option: they cancel in an option's cost)."""
    budget.spend(scenario.paths * scenario.horizon_months)
    cost = mean_cost(scenario, roles=(DS, MLE))
    return float(cost[window.first : window.last + 1].sum())


def reskill_months_to_try(scenario: Scenario, step: int = 1) -> list[int]:
    """The months reskilling may start so that the people arrive by the deadline: every
    `step`-th month back from the last one."""
    last = scenario.deadline - scenario.reskill_months
    return sorted(range(last, 0, -step))


def cheapest_mix(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    budget: Budget | None = None,
    max_people: int = MAX_RESKILLED,
    month_step: int = 1,
) -> Mix:
    """Search (people reskilled, the month they start) with the positions `solve` adds.

    Args:
        scenario: the scenario; its own reskilling (rate and plan) is replaced by each
            option's, its ML engineer plan beyond the policy's floor is the solver's.
        strategy: the solver's strategy, the same for every option.
        budget: the work bound and stop signal, shared by every solve and simulation.
        max_people: the most data scientists reskilled.
        month_step: start months tried: every month (1), or every `month_step`-th month
            back from the last one that arrives by the deadline (the app's quick look).

    Returns:
        The Mix: hiring only (exactly `solve` of the scenario without reskilling) and every
        option tried, each costed over the same window.
    """
    budget = budget or Budget()
    base = scenario.replace(reskill_annual=0.0, reskill_planned=())
    window = mix_window(base)
    floor_cost = window_cost(base, window, budget)  # its own plan is the solver's floor

    def option(people: int, month: int | None, sc: Scenario) -> MixOption:
        arrives = None if month is None else month + base.reskill_months
        try:
            plan = solve(sc, strategy, budget=budget)
        except TargetUnreachable:
            return MixOption(people, month, arrives, None, None, None)
        # the same paths and seed for every option (a sampled decision may carry more)
        costed = plan.scenario.replace(paths=base.paths, seed=base.seed)
        cost = window_cost(costed, window, budget) - floor_cost
        return MixOption(
            people, month, arrives, plan.added, cost, plan.p_target_met, plan.p_method, costed
        )

    hiring = option(0, None, base)
    options, skipped = [hiring], 0
    lowest = math.inf if hiring.cost is None else hiring.cost
    months = reskill_months_to_try(base, month_step)
    top = min(max_people, base.headcount_of(DS_ROLE))
    if hiring.added is not None:
        top = min(top, hiring.added)  # more reskilled than hires needed is never needed
    # A reskilled data scientist paid at least as much as before costs more the earlier
    # they start: once one month's reskilling alone is too dear, so are the earlier ones.
    earlier_dearer = base.annual_cost_of(Role.ML_ENGINEER) >= base.annual_cost_of(DS_ROLE)
    for people in range(1, top + 1) if months else ():
        tried = []
        for i, month in enumerate(reversed(months)):  # the latest first: usually cheapest
            sc = base.replace(reskill_planned=[0] * month + [people])
            # New positions only add to the payroll: the reskilling alone is a lower bound.
            if window_cost(sc, window, budget) - floor_cost >= lowest:
                if earlier_dearer:
                    skipped += len(months) - i
                    break
                skipped += 1
                continue
            o = option(people, month, sc)
            tried.append(o)
            lowest = min(lowest, math.inf if o.cost is None else o.cost)
        options += sorted(tried, key=lambda o: o.month or 0)
        if not tried or any(o.added == 0 for o in tried):
            break  # dearer than an option found, or enough people: more is past the need
    return Mix(tuple(options), window, PlanMode.of(base), base.deadline, skipped, month_step)
