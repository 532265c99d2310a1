"""What else would work: quick schedules, what the caps allow, what a budget buys.

Analyses around the solver's answer (forecasting/solver.py), each evaluated with the
solver's `Evaluator` (the scenario's own random numbers, `simulate`'s exactly):

- `quick_schedule`: the strategy's smallest schedule meeting the target, without the
  certification on independent paths (for the many re-solves of a sensitivity run);
- `reachable`: for a target that cannot be met, the highest confidence at the deadline
  and the earliest deadline at the goal with the most hiring the caps allow;
- `solve_budget`: what a yearly budget for added ML engineers buys: the best ratio
  reachable by the deadline at the confidence, and P(today's target);
- `frontier`: the run-rate of the fewest positions meeting each confidence, for
  targets across the 1:5-1:10 band, and the cost of each extra 10 points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.evaluate import Evaluator
from forecasting.roles import DS, MLE
from forecasting.scenario import Scenario
from forecasting.solver import (  # the solver's own slot rules, shared on purpose
    Strategy,
    _allocation,
    _fill_order,
    _Slots,
    _smallest_prefix,
)


def _shaped(
    scenario: Scenario, strategy: Strategy | str, *, to_horizon: bool, role_index: int = MLE
) -> tuple[Callable[[int], np.ndarray], int]:
    """(n -> the first n entries of the strategy's fill order as a schedule, the floor
    included; the most entries) over the slots whose hires count by the deadline (by
    the horizon with `to_horizon`)."""
    strategy = Strategy(strategy)
    if strategy is Strategy.FEWEST:
        strategy = Strategy.EVEN
    slots = _Slots.of(scenario, role_index)
    last = scenario.horizon_months if to_horizon else scenario.deadline
    usable = [
        i
        for i in range(slots.first, slots.n_slots)
        if i + slots.offset <= last and slots.caps[i] > 0
    ]
    order = _fill_order(strategy, usable, slots.caps)
    return (lambda n: slots.floor + _allocation(order, n, slots.n_slots)), len(order)


def quick_schedule(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    evaluate: Evaluator | None = None,
    guess: int | None = None,
) -> np.ndarray | None:
    """The strategy's smallest schedule meeting the target on the scenario's own paths.

    The shaped search of `solve` without its certification on independent paths: the
    smallest n such that the first n entries of the strategy's fill order (slots to the
    deadline; to the horizon when the target must hold) meet the confidence. For the
    many re-solves of a sensitivity analysis, where every scenario shares the random
    numbers (common random numbers), so differences are the assumption's, not noise.

    Args:
        scenario: the scenario (its ML engineer policy decides positions or starts).
        strategy: even, front_loaded or just_in_time (fewest is searched as even).
        evaluate: an Evaluator of `scenario` to reuse, if any.
        guess: a likely n (e.g. the unperturbed answer): searched outwards from it.

    Returns:
        The schedule (floor included; positions added by month, or planned starts),
        or None when even the whole order misses the target.
    """
    target = scenario.target
    evaluate = evaluate or Evaluator(scenario)
    schedule, n_max = _shaped(scenario, strategy, to_horizon=target.hold)

    def passes(n: int) -> bool:
        p_met, p_held = evaluate(schedule(n))
        return (p_held if target.hold else p_met) >= target.confidence

    if guess is None or not 0 <= guess <= n_max:
        n = _smallest_prefix(passes, n_max)
    elif passes(guess):
        n = guess
        while n > 0 and passes(n - 1):
            n -= 1
    else:
        n = guess + 1
        while n <= n_max and not passes(n):
            n += 1
    if n > n_max or not passes(n):
        return None
    return schedule(n)


@dataclass(frozen=True)
class Reachable:
    """What the most hiring the caps allow reaches (for a target that cannot be met).

    Attributes:
        positions_mode: new positions (True) or ML engineer starts (False).
        per_month: the most new positions (or starts) a month (max_starts_per_month).
        first_month: month index of the first one the time to fill allows.
        probability: P(target met at the deadline) (P(held to the horizon) with hold)
            with that most hiring: the highest confidence at today's deadline.
        earliest_deadline: the first month index after today's deadline at which the
            goal confidence is reached (and, with hold, held to the horizon); None when
            not within the horizon.
    """

    positions_mode: bool
    per_month: int
    first_month: int
    probability: float
    earliest_deadline: int | None


def reachable(scenario: Scenario) -> Reachable:
    """The highest confidence at the deadline and the earliest deadline at the goal
    confidence, when every month from the first the time to fill allows gets the most
    new ML engineer positions (or starts) max_starts_per_month allows (one simulation).
    """
    from forecasting.simulate import ratio_paths, run_paths
    from forecasting.summary import meets_target

    slots = _Slots.of(scenario)
    most = slots.scenario_with(scenario, slots.floor + slots.caps)
    target = most.target
    ok = meets_target(ratio_paths(run_paths(most).headcount), target.ds_per_mle)
    # held[m]: the target holds in every month from m to the horizon.
    held = np.flip(np.logical_and.accumulate(np.flip(ok, axis=0), axis=0), axis=0).mean(axis=1)
    counts = held if target.hold else ok.mean(axis=1)
    later = [
        m
        for m in range(most.deadline + 1, most.horizon_months + 1)
        if counts[m] >= target.confidence
    ]
    return Reachable(
        positions_mode=slots.positions_mode,
        per_month=slots.cap_month,
        first_month=slots.first_month,
        probability=float(counts[most.deadline]),
        earliest_deadline=later[0] if later else None,
    )


def _run_rate(scenario: Scenario, evaluate: Evaluator, schedule: np.ndarray) -> float:
    """Run-rate of what `schedule` adds to the scenario's own plan at the deadline, USD/yr
    (the solver's: mean ML engineers on payroll with and without, same random numbers)."""
    slots = _Slots.of(scenario)
    with_, _ = evaluate.detail(schedule)
    without, _ = evaluate.detail(slots.floor)
    d = scenario.deadline
    return float(with_[d] - without[d]) * scenario.annual_cost_of(slots.role)


def _ratio_at(ratios: np.ndarray, confidence: float) -> float:
    """The smallest k with P(ratio <= k) >= confidence (inf when that needs paths with
    no ML engineer)."""
    ordered = np.sort(ratios)
    return float(ordered[max(int(np.ceil(confidence * len(ordered))) - 1, 0)])


@dataclass(frozen=True)
class BudgetAnswer:
    """What a yearly budget for added ML engineers buys (see `solve_budget`).

    Attributes:
        budget: USD per year for the added ML engineers' run-rate.
        positions_mode: new positions (True) or ML engineer starts (False).
        schedule: positions added by month (horizon+1) or planned starts (horizon),
            the scenario's own plan included.
        added: positions (or starts) the budget adds to the scenario's own plan.
        positions_cost: their full yearly cost once filled (added x annual cost, at
            most `budget`).
        run_rate: their expected run-rate at the deadline, USD/yr (leavers, empty seats
            and the fill rate counted, as the solver's `annual_cost`; at most
            `positions_cost`).
        confidence: the confidence asked for (the scenario's).
        best_ratio: the smallest k such that DS / MLE <= k at the deadline with that
            confidence; None when not reachable (too many paths with no ML engineer).
        p_target_met, p_target_held: today's target with this plan.
        scenario: the scenario with this plan (`python -m forecasting plan` re-checks it).
    """

    budget: float
    positions_mode: bool
    schedule: tuple[int, ...]
    added: int
    positions_cost: float
    run_rate: float
    confidence: float
    best_ratio: float | None
    p_target_met: float
    p_target_held: float
    scenario: Scenario
    strategy: str

    def to_json_dict(self) -> dict[str, Any]:
        """The `python -m forecasting solve --budget X` JSON object."""
        from forecasting.formatting import ratio_text

        key = "positions_added" if self.positions_mode else "planned_starts"
        return {
            "budget_usd": self.budget,
            "mode": "positions" if self.positions_mode else "starts",
            "strategy": self.strategy,
            key: list(self.schedule),
            "added": self.added,
            "positions_cost": round(self.positions_cost, 2),
            "annual_cost": round(self.run_rate, 2),
            "confidence": self.confidence,
            "deadline_month": self.scenario.deadline,
            "best_ratio": None
            if self.best_ratio is None
            else math.ceil(self.best_ratio * 1e4) / 1e4,
            "best_ratio_text": None if self.best_ratio is None else ratio_text(self.best_ratio),
            "p_target_met": self.p_target_met,
            "p_target_held": self.p_target_held,
            "target": self.scenario.target.to_dict(),
            "scenario": self.scenario.to_dict(),
        }


def solve_budget(
    scenario: Scenario, budget: float, strategy: Strategy | str = Strategy.EVEN
) -> BudgetAnswer:
    """The most new ML engineer positions (or starts) the budget pays for once they are
    all filled (n x annual cost <= budget: a position costs its full salary), placed by the
    strategy before the deadline, and what they reach.

    Args:
        scenario: the scenario (its own ML engineer plan is kept as a floor; the budget
            pays for what is added to it).
        budget: USD per year, >= 0.
        strategy: where the positions go (fewest is placed as even).

    Raises:
        SolverError: the budget is negative or not a number.
    """
    from forecasting.errors import SolverError

    if not isinstance(budget, int | float) or not math.isfinite(budget) or budget < 0:
        raise SolverError(f"budget: {budget!r} is not a yearly amount in USD; give 0 or more")
    evaluate = Evaluator(scenario)
    schedule, n_max = _shaped(scenario, strategy, to_horizon=False)
    slots = _Slots.of(scenario)
    each = scenario.annual_cost_of(slots.role)
    n = n_max if each <= 0 else min(n_max, int(math.floor(budget / each + 1e-9)))
    best = schedule(n)
    k = _ratio_at(evaluate.ratios(best)[scenario.deadline], scenario.target.confidence)
    p_met, p_held = evaluate(best)
    return BudgetAnswer(
        budget=float(budget),
        positions_mode=slots.positions_mode,
        schedule=tuple(int(x) for x in best),
        added=n,
        positions_cost=n * each,
        run_rate=_run_rate(scenario, evaluate, best),
        confidence=scenario.target.confidence,
        best_ratio=k if math.isfinite(k) else None,
        p_target_met=p_met,
        p_target_held=p_held,
        scenario=slots.scenario_with(scenario, best),
        strategy=Strategy(strategy).value,
    )


#: The frontier's targets (the 1:5-1:10 band) and the confidence steps it prices.
FRONTIER_TARGETS = (5.0, 6.0, 7.0, 8.0, 10.0)
CONFIDENCE_STEPS = (0.5, 0.6, 0.7, 0.8, 0.9)
#: The frontier stops once every target is met with this probability.
FRONTIER_TOP = 0.99


@dataclass(frozen=True)
class Frontier:
    """Run-rate against P(target met) as positions are added one by one.

    The n-th point adds the first n entries of the strategy's fill order (before the
    deadline) to the scenario's own plan; every target is read off the same simulated
    paths, so the lines are comparable and each is monotone up to Monte Carlo ties.

    Attributes:
        added: 0, 1, 2 ... positions (or starts) added.
        run_rate: their run-rate at the deadline, USD/yr.
        p: target k -> P(DS / MLE <= k at the deadline) for each n.
    """

    added: tuple[int, ...]
    run_rate: tuple[float, ...]
    p: dict[float, tuple[float, ...]]

    def cheapest(self, k: float, confidence: float) -> tuple[int, float] | None:
        """(positions, run-rate) of the fewest positions meeting 1:k with `confidence`."""
        for n, rr, p in zip(self.added, self.run_rate, self.p[k], strict=True):
            if p >= confidence:
                return n, rr
        return None

    def cost_per_10_points(
        self, k: float, steps: tuple[float, ...] = CONFIDENCE_STEPS
    ) -> list[tuple[float, float, float | None]]:
        """(from, to, added USD/yr) between consecutive confidence steps for 1:k; None
        where the higher step is not reached."""
        out: list[tuple[float, float, float | None]] = []
        for lo, hi in itertools.pairwise(steps):
            a, b = self.cheapest(k, lo), self.cheapest(k, hi)
            out.append((lo, hi, None if a is None or b is None else b[1] - a[1]))
        return out


def frontier(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    targets: tuple[float, ...] = FRONTIER_TARGETS,
) -> Frontier:
    """Run-rate and P(target met at the deadline) for 0, 1, 2 ... added positions, for
    each target k, until every target is met with FRONTIER_TOP or the caps run out."""
    evaluate = Evaluator(scenario)
    schedule, n_max = _shaped(scenario, strategy, to_horizon=False)
    added: list[int] = []
    costs: list[float] = []
    ps: dict[float, list[float]] = {float(k): [] for k in targets}
    for n in range(n_max + 1):
        s = schedule(n)
        at_deadline = evaluate.ratios(s)[scenario.deadline]
        added.append(n)
        costs.append(_run_rate(scenario, evaluate, s))
        for k in ps:
            ps[k].append(float(np.mean(at_deadline <= k)))
        if min(p[-1] for p in ps.values()) >= FRONTIER_TOP:
            break
    return Frontier(tuple(added), tuple(costs), {k: tuple(v) for k, v in ps.items()})


#: Reskilling rates the mix search tries (share of data scientists per year).
RESKILL_RATES = (0.0, 0.05, 0.1, 0.15, 0.2)


@dataclass(frozen=True)
class MixOption:
    """One mix of reskilling and new positions meeting the target (see `cheapest_mix`).

    Attributes:
        reskill_annual: the reskilling rate tried.
        added: new ML engineer positions (or starts) the target then needs; None when
            out of reach with the caps.
        reskilled: data scientists who start reskilling by the deadline (mean).
        year_cost: added payroll and programme cost in the 12 months to the deadline
            against no new positions and no reskilling, USD (salaries of new and
            reskilled ML engineers, backfilled data-science seats, trainees, the
            programme); None when out of reach.
        p_target_met: P(target met at the deadline) of this mix.
    """

    reskill_annual: float
    added: int | None
    reskilled: float
    year_cost: float | None
    p_target_met: float | None


def cheapest_mix(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    rates: tuple[float, ...] = RESKILL_RATES,
) -> list[MixOption]:
    """For each reskilling rate, the fewest new positions meeting the target and what the
    mix costs in the year to the deadline; the cheapest reachable option is the answer
    (`min(options, key=...)`; hiring only is the rate 0 option).

    Reskilling keeps its duration (`reskill_months`, trainees count as neither data
    scientists nor ML engineers and do half their data-science work), its programme cost
    (`reskill_cost`) and the backfill of the data-science seat under that role's policy.
    """
    from forecasting.simulate import run_paths, simulate

    slots = _Slots.of(scenario)
    d = scenario.deadline
    year = slice(max(d - 11, 1), d + 1)
    baseline = simulate(scenario.replace(reskill_annual=0.0))
    base_cost = float(baseline.cost_mean[year].sum())
    options = []
    for rate in rates:
        sc = scenario.replace(reskill_annual=float(rate))
        found = quick_schedule(sc, strategy)
        if found is None:
            options.append(MixOption(float(rate), None, 0.0, None, None))
            continue
        result = simulate(slots.scenario_with(sc, found))
        moved = run_paths(sc, roles=(DS,)).moved
        reskilled = 0.0 if moved is None else float(moved[:d].sum(axis=0).mean())
        options.append(
            MixOption(
                reskill_annual=float(rate),
                added=int(found.sum() - slots.floor.sum()),
                reskilled=reskilled,
                year_cost=float(result.cost_mean[year].sum()) - base_cost,
                p_target_met=result.p_target_met,
            )
        )
    return options


def cheapest(options: list[MixOption]) -> MixOption | None:
    """The reachable option with the lowest cost in the year to the deadline (ties: less
    reskilling), or None."""
    reachable_ = [o for o in options if o.year_cost is not None]
    if not reachable_:
        return None
    return min(reachable_, key=lambda o: (round(o.year_cost or 0.0, 2), o.reskill_annual))
