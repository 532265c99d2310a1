"""What a budget buys and what confidence costs, each evaluated with the solver's `Evaluator`
(the scenario's own random numbers, `simulate`'s exactly):

- `solve_budget`: what a yearly budget for added ML engineers buys: the best ratio
  reachable by the deadline at the confidence, and P(today's target);
- `frontier`: the run-rate of the fewest positions meeting each confidence, for
  targets across the 1:5-1:10 band, and the cost of each extra 10 points.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Budget, Evaluator, WorkCapped
from forecasting.plan.schedule import Slots, shaped
from forecasting.plan.solver import Strategy


def _run_rate(scenario: Scenario, evaluate: Evaluator, schedule: np.ndarray) -> float:
    """Run-rate of what `schedule` adds to the scenario's own plan at the deadline, USD/yr
    (the solver's: mean ML engineers on payroll with and without, same random numbers)."""
    slots = Slots.of(scenario)
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
        mode: new positions or ML engineer starts.
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
    mode: PlanMode
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
        from forecasting.model.formatting import ratio_text

        key = self.mode.schedule_key
        return {
            "budget_usd": self.budget,
            "mode": self.mode.value,
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
    scenario: Scenario,
    budget: float,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    work: Budget | None = None,
) -> BudgetAnswer:
    """The most new ML engineer positions (or starts) the budget pays for once they are
    all filled (n x annual cost <= budget: a position costs its full salary), placed by the
    strategy before the deadline, and what they reach.

    Args:
        scenario: the scenario (its own ML engineer plan is kept as a floor; the budget
            pays for what is added to it).
        budget: USD per year, >= 0.
        strategy: where the positions go (fewest is placed as even).
        work: the work allowed (`evaluate.Budget`; raises WorkCapped past it).

    Raises:
        SolverError: the budget is negative or not a number.
    """
    from forecasting.model.errors import SolverError

    if not isinstance(budget, int | float) or not math.isfinite(budget) or budget < 0:
        raise SolverError(f"budget: {budget!r} is not a yearly amount in USD; give 0 or more")
    evaluate = Evaluator(scenario, work)
    schedule, n_max = shaped(scenario, strategy, to_horizon=False)
    slots = Slots.of(scenario)
    each = scenario.annual_cost_of(slots.role)
    n = n_max if each <= 0 else min(n_max, int(math.floor(budget / each + 1e-9)))
    best = schedule(n)
    k = _ratio_at(evaluate.ratios(best)[scenario.deadline], scenario.target.confidence)
    p_met, p_held = evaluate(best)
    return BudgetAnswer(
        budget=float(budget),
        mode=slots.mode,
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
    capped: str = ""  # why the frontier stops short of FRONTIER_TOP (the work budget), or ""

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
    work: Budget | None = None,
) -> Frontier:
    """Run-rate and P(target met at the deadline) for 0, 1, 2 ... added positions, for
    each target k, until every target is met with FRONTIER_TOP, the caps run out or the
    work allowed (`work`) does: then the points so far, `capped` saying why."""
    evaluate = Evaluator(scenario, work)
    schedule, n_max = shaped(scenario, strategy, to_horizon=False)
    added: list[int] = []
    costs: list[float] = []
    ps: dict[float, list[float]] = {float(k): [] for k in targets}
    capped = ""
    for n in range(n_max + 1):
        s = schedule(n)
        try:
            at_deadline = evaluate.ratios(s)[scenario.deadline]
            cost = _run_rate(scenario, evaluate, s)
        except WorkCapped as exc:
            if not added:
                raise
            capped = str(exc)
            break
        added.append(n)
        costs.append(cost)
        for k in ps:
            ps[k].append(float(np.mean(at_deadline <= k)))
        if min(p[-1] for p in ps.values()) >= FRONTIER_TOP:
            break
    return Frontier(tuple(added), tuple(costs), {k: tuple(v) for k, v in ps.items()}, capped)
