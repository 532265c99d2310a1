"""Hiring-path solver: the fewest ML engineer positions (or starts) that reach the ratio target.

Two modes, chosen by the ML engineer hiring policy:

* **positions** (policy backfill, growth or path -- the app's default is backfill):
  the solver opens new, permanent ML engineer positions (``positions_added`` of
  the policy; their leavers are replaced like everyone's). A position opened at
  month index t (t >= 1) is filled at month t + time_to_fill at the earliest, so
  it counts for the deadline d when t + time_to_fill <= d. No more than
  ``max_starts_per_month`` positions are opened in one month.
* **starts** (policy none): as below, one-off starts on top of planned starts.

`solve(scenario, strategy)` adds ML engineer starts to the scenario's planned
starts (kept as a floor; other roles unchanged) so that
P(DS/MLE <= k at the deadline) >= confidence, or, with ``target.hold``,
P(DS/MLE <= k at every month from the deadline to the horizon) >= confidence.

Constraints: a new start at planned_starts index i (joining at the end of month
i+1) needs ``i + 1 >= time_to_fill_months.ml_engineer``; no month may exceed
``max_starts_per_month.ml_engineer`` (months already above it keep their
planned starts and get no more).

Method. Where the model's chains are small enough, every probability is exact
(forecasting/simulate/exact.py, through the `Evaluator`): the answer is the same on every
seed and no accepted plan is below the goal. The shaped strategies (even, front-loaded,
just-in-time) answer the smallest prefix of their fill order meeting the goal (binary
search; to the horizon when the target must hold; a sampled search from the shape's
last answer, `HINTS`), so a plan keeps its shape; `fewest`
adds units where they raise the probability most (galloping), prunes what is not needed,
and answers no more than any shape needs. Where a probability is sampled (reskilling
couples the roles; a joint chain too large for P(held)), `Judge` decides only when the
estimate is clear of its noise, on more independent paths when it is not. A `Budget`
bounds the work of one search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.errors import SolverError
from forecasting.model.formatting import confidence_percent, percent_at_least
from forecasting.model.roles import MLE, ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.plan.decide import Certificate, Judge
from forecasting.plan.evaluate import Budget, Evaluator
from forecasting.plan.schedule import (
    Slots,
    Strategy,
    allocation,
    bisect_first,
    fill_order,
    shaped,
    smallest_near,
    smallest_prefix,
)

#: The last answer of each shape's sampled search in this process ((shape, one unit a
#: month, hold) -> n, whatever the scenario; a shape that found none leaves it): the
#: next sampled search starts there (`smallest_near`), as a control moved in the room
#: mostly moves the answer by a position or two. The answer does not depend on it where
#: the decision is monotone in n (it is unless a schedule clear of the noise above the
#: goal had one more position clear of it below: tests/test_solver_warm.py compares).
#: Not for an exact search: it probes from the small end because a schedule's chain can
#: prove too large, which sends the whole search to sampling (a hint far above the
#: answer, e.g. an unreachable target's, would). The work a search does depends on it,
#: so with a `Budget` near its cap whether the search finishes can too (as it depends on
#: the machine's load with a CPU cap). A walk through five new attritions, solve and
#: projection, median CPU with it / without (`python -m benchmarks.bench_solve
#: --controls`, three runs): the sample team 68-79 / 91-112 ms, the upload roster
#: 69-104 / 103-138 ms.
HINTS: dict[tuple[str, bool, bool], int] = {}


class TargetUnreachable(SolverError):
    """Even the most hiring max_starts_per_month and time to fill allow misses the target
    (see `reachable` for what would work)."""


@dataclass(frozen=True)
class HiringPlan:
    """A solved hiring schedule.

    Attributes:
        planned_starts: role key -> list of horizon_months starts (entry i joins at
            the end of month i+1); the ML engineer row is solved, others as given.
        total_starts: ML engineer starts in the schedule, planned floor included.
        added_starts: ML engineer starts the solver added to the planned floor.
        added_by_month: the added starts by planned_starts index.
        p_target_met: P(DS/MLE <= target at the deadline) of the solved scenario.
        p_target_held: P(DS/MLE <= target from the deadline to the horizon).
        annual_cost: run-rate of the added ML engineers at the deadline, USD/yr: the
            difference in mean simulated ML engineer headcount at the deadline with and
            without them (same random numbers: leavers, empty seats and the fill rate
            counted) times the annual cost.
        total_cost: expected cost of the added ML engineers from month 1 to the
            horizon, USD: the difference in mean simulated ML engineer payroll
            with and without them (same random numbers).
        scenario: the solved Scenario (simulate it to get the full projection).
        strategy: the strategy used.
        mode: positions (the ML engineer policy sets positions) or starts.
        positions: ML engineer positions per month (horizon+1), positions mode only.
        positions_added: new positions opened per month (horizon+1), positions mode;
            all zero in starts mode.
        total_positions_added: sum of positions_added.
        expected_starts: mean ML engineer starts over the horizon in the solved
            scenario (new positions, backfills of leavers and added starts).
        certified: how the plan's probabilities were decided: exactly, or on the
            Monte Carlo paths on which the decision was clear of the noise.
        p_method: "exact" or "monte carlo": how p_target_met was evaluated; p_se its
            standard error (0 when exact).
        p_held_method, p_held_se: the same for p_target_held.
    """

    planned_starts: dict[str, list[int]]
    total_starts: int
    added_starts: int
    added_by_month: tuple[int, ...]
    p_target_met: float
    p_target_held: float
    annual_cost: float
    total_cost: float
    scenario: Scenario
    strategy: Strategy
    mode: PlanMode = PlanMode.STARTS
    positions: tuple[int, ...] | None = None
    positions_added: tuple[int, ...] = ()
    total_positions_added: int = 0
    expected_starts: float = 0.0
    certified: Certificate | None = None
    p_method: str = "monte carlo"
    p_se: float = 0.0
    p_held_method: str = "monte carlo"
    p_held_se: float = 0.0

    @property
    def added(self) -> int:
        """New positions (positions mode) or added starts (starts mode)."""
        return self.total_positions_added if self.mode.positions else self.added_starts

    def to_json_dict(self) -> dict[str, Any]:
        """Return the `python -m forecasting solve` JSON object.

        Returns:
            dict with planned_starts, total_starts, added_starts, added_by_month,
            schedule (months where ML engineers join), p_target_met, p_target_held,
            annual_cost, total_cost, strategy, target.
        """
        sc = self.scenario
        labels = sc.months()
        mle = self.planned_starts[ROLE_KEYS[MLE]]
        if self.mode.positions:
            schedule = [
                {"index": i, "opens": labels[i], "positions_added": n}
                for i, n in enumerate(self.positions_added)
                if n
            ]
        else:
            schedule = [
                {"index": i, "joins": labels[i + 1], "starts": n, "added": self.added_by_month[i]}
                for i, n in enumerate(mle)
                if n
            ]
        return {
            "mode": self.mode.value,
            "positions": None if self.positions is None else list(self.positions),
            "positions_added": list(self.positions_added),
            "total_positions_added": self.total_positions_added,
            "expected_starts": round(self.expected_starts, 3),
            "planned_starts": {k: list(v) for k, v in self.planned_starts.items()},
            "total_starts": self.total_starts,
            "added_starts": self.added_starts,
            "added_by_month": list(self.added_by_month),
            "schedule": schedule,
            "p_target_met": self.p_target_met,
            "p_target_held": self.p_target_held,
            "annual_cost": round(self.annual_cost, 2),
            "total_cost": round(self.total_cost, 2),
            "strategy": self.strategy.value,
            "target": {**sc.target.to_dict(), "deadline": labels[sc.deadline]},
            "scenario": sc.to_dict(),
            "certified": None if self.certified is None else self.certified.to_json_dict(),
            "p_method": self.p_method,
            "p_se": round(self.p_se, 6),
            "p_held_method": self.p_held_method,
            "p_held_se": round(self.p_held_se, 6),
        }


def solve(
    scenario: Scenario, strategy: Strategy | str = Strategy.EVEN, *, budget: Budget | None = None
) -> HiringPlan:
    """Find the fewest new ML engineer positions (or starts) that reach the scenario's target.

    Args:
        scenario: the scenario. With an ML engineer hiring policy (backfill, growth,
            path) the solver adds positions to it (its own positions_added are a
            floor); with policy none it adds starts to the planned starts (a floor).
        strategy: "even", "front_loaded", "just_in_time" or "fewest".
        budget: the most simulation the search may use and a stop signal (the app's
            interactive requests); None = no limit.

    Returns:
        The HiringPlan. Raises SolverError, naming what to relax, when even the
        largest schedule allowed by time to fill and max_starts_per_month fails (found
        with one simulation, before any search), or when the budget runs out.
    """
    try:
        strategy = Strategy(strategy)
    except ValueError:
        raise SolverError(
            f"strategy: unknown {strategy!r}; use one of {', '.join(s.value for s in Strategy)}"
        ) from None
    sc = scenario
    months, target = sc.horizon_months, sc.target
    deadline, conf, hold = sc.deadline, target.confidence, target.hold
    labels = sc.months()
    slots_ = Slots.of(sc)
    role, mode = slots_.role, slots_.mode
    cap_month, n_slots, offset = slots_.cap_month, slots_.n_slots, slots_.offset
    floor, first, caps = slots_.floor, slots_.first, slots_.caps

    budget = budget or Budget()
    evaluate = Evaluator(sc, budget)
    judge = Judge(sc, budget, evaluate, hold, conf)

    def score(added: np.ndarray) -> float:
        schedule = floor + added
        return evaluate.held(schedule)[0] if hold else evaluate.met(schedule)[0]

    pre_slots = [i for i in range(first, n_slots) if i + offset <= deadline and caps[i] > 0]
    order = fill_order(strategy, pre_slots, caps)
    what = f"1:{target.ds_per_mle:g} by month {deadline} ({labels[deadline]})"
    if hold:
        what += f" and hold it to month {months} ({labels[months]})"
    relax = (
        "relax target.deadline_month, target.confidence or "
        f"max_starts_per_month.{role.value}, or plan reskilling"
    )

    added = np.zeros(n_slots, dtype=np.int64)
    if not judge.passes(floor):
        if not order:
            raise TargetUnreachable(
                f"cannot reach {what} with {conf:.0%} confidence: no new ML engineer can "
                f"start by then (time_to_fill_months.{role.value} "
                f"{sc.time_to_fill_of(role)}, max_starts_per_month.{role.value} {cap_month}); "
                + relax
            )
        largest = caps if hold else allocation(order, len(order), n_slots)

        def check_largest() -> None:
            """Raise TargetUnreachable when even the largest schedule misses the goal."""
            best = score(largest)
            if not judge.passes(floor + largest):
                every = mode.unit(role="") if mode.positions else mode.unit()
                most = f"even {cap_month} {every} every month from month {slots_.first_month}"
                shown = judge.shown(floor + largest)
                if best >= conf and shown is not None:
                    # every path meets it, but no more paths than a decision may use can
                    # show the goal (e.g. 99.9999% on at most 100,000 paths)
                    low, paths = shown
                    goal = confidence_percent(conf)
                    raise TargetUnreachable(
                        f"cannot show {what} with {goal} confidence: {most} meet "
                        f"it on all {paths:,} simulated paths a decision may use, which "
                        f"shows at least {percent_at_least(low)}; ask for at most that "
                        "confidence, "
                        "or " + relax[0].lower() + relax[1:]
                    )
                raise TargetUnreachable(
                    f"cannot reach {what} with {confidence_percent(conf)} confidence: {most} give "
                    f"{best:.0%}; " + relax
                )

        # Exact probabilities grow with the schedule (monotone), and an exact chain's cost
        # with its size: the shapes are searched from the small end and the largest
        # schedule is tried only when no shape reaches the goal (every shape's schedules
        # lie within it). A sampled search tries the largest first, as it always has.
        exact = evaluate.exact is not None
        if not exact:
            check_largest()
        slots = [i for i in range(n_slots) if caps[i] > 0 and (hold or i + offset <= deadline)]
        search = _Search(floor, caps, slots, hold, conf, judge.passes)
        # Every shape's smallest prefix of its fill order (to the horizon when the target
        # must hold): the shaped strategies' answers, and bounds for `fewest`.
        shaped_answers: dict[Strategy, np.ndarray] = {}
        variants = [(s, False) for s in (Strategy.EVEN, Strategy.FRONT_LOADED)]
        variants += [(Strategy.JUST_IN_TIME, False), (Strategy.JUST_IN_TIME, True)]
        for shape, one_a_month in variants:
            if strategy is not Strategy.FEWEST and shape is not strategy:
                continue
            make, n_max = shaped(sc, shape, to_horizon=hold, one_a_month=one_a_month)

            def passes_n(n: int, make: Callable[[int], np.ndarray] = make) -> bool:
                return judge.passes(make(n))

            key = (shape.value, one_a_month, hold)
            hint = None if exact else HINTS.get(key)
            if hint is not None:
                n = smallest_near(passes_n, n_max, hint)
            else:
                n = (smallest_from_below if exact else smallest_prefix)(passes_n, n_max)
            found = shaped_answers.get(shape)
            if passes_n(n):
                HINTS[key] = n
                if found is None or n < found.sum():
                    shaped_answers[shape] = make(n) - floor
        if exact and not shaped_answers:
            check_largest()
        if strategy is not Strategy.FEWEST:
            if strategy not in shaped_answers:
                raise TargetUnreachable(
                    f"cannot reach {what} with {conf:.0%} confidence in the "
                    f"{strategy.value.replace('_', '-')} shape; try the fewest strategy, or "
                    + relax
                )
            added = shaped_answers[strategy]
        else:
            # The fewest in any months: the greedy search and its pruning, and no more
            # than any shape needs.
            added = search.prune(evaluate, search.greedy(evaluate, added))
            if not mode.positions:
                added = search.reshape(evaluate, added)
            for candidate in shaped_answers.values():
                if candidate.sum() < added.sum():
                    added = search.prune(evaluate, candidate)

    schedule = floor + added
    p_met, se_met = judge.met(schedule)
    # P(held) decides only when the target must hold; otherwise it is reported from the
    # plan's simulated paths (with its standard error), which the costs come from too.
    p_held, se_held = judge.held(schedule) if hold else judge.held_sampled(schedule)
    on = judge.evaluator_of(schedule)  # the paths the plan carries (and was decided on)
    mean_with, expected_starts = on.detail(schedule)
    mean_without, _ = on.detail(floor)
    monthly = sc.annual_cost_of(role) / 12.0
    total_cost = float(np.sum(mean_with[1:] - mean_without[1:]) * monthly)
    # Run-rate: the added ML engineers actually on payroll at the deadline (mean over
    # paths, so leavers, empty seats and fill rate are counted), times their annual cost.
    annual_cost = float(mean_with[deadline] - mean_without[deadline]) * sc.annual_cost_of(role)
    solved = slots_.scenario_with(sc, schedule)
    decided = judge.decided_scenario(schedule)
    if (decided.paths, decided.seed) != (sc.paths, sc.seed):
        # A sampled decision made on more (independent) paths: the plan carries them, so
        # simulating it gives the numbers the decision was made on (card = tiles).
        solved = solved.replace(paths=decided.paths, seed=decided.seed)
    if mode.positions:
        positions = tuple(solved.positions_of(role) or ())
        added_starts, added_by_month = 0, (0,) * months
        positions_added = tuple(int(x) for x in schedule)
    else:
        positions = None
        added_starts, added_by_month = int(added.sum()), tuple(int(x) for x in added)
        positions_added = (0,) * (months + 1)
    return HiringPlan(
        planned_starts={k: list(v) for k, v in solved.by_role("planned_starts").items()},
        total_starts=int(sum(solved.starts_of(role))),
        added_starts=added_starts,
        added_by_month=added_by_month,
        p_target_met=p_met,
        p_target_held=p_held,
        annual_cost=annual_cost,
        total_cost=total_cost,
        scenario=solved,
        strategy=strategy,
        mode=mode,
        positions=positions,
        positions_added=positions_added,
        total_positions_added=sum(positions_added),
        expected_starts=expected_starts,
        certified=judge.certificate(schedule),
        p_method="exact" if on.is_exact(schedule, held=False) else "monte carlo",
        p_se=se_met,
        p_held_method="exact" if hold and on.is_exact(schedule, held=True) else "monte carlo",
        p_held_se=se_held,
    )


def smallest_from_below(passes: Callable[[int], bool], n_max: int) -> int:
    """`smallest_prefix`'s answer for a monotone `passes` (exact probabilities), probing
    from the small end: 0, 1, 2, 4, ... up to the first n that passes, then bisection
    below it. The same n, without trying schedules much larger than the answer (an exact
    chain's cost grows with the schedule).

    Returns n_max when even n_max fails.
    """
    if passes(0):
        return 0
    lo, hi = 0, 1
    while hi < n_max and not passes(hi):
        lo, hi = hi, min(2 * hi, n_max)
    hi = min(hi, n_max)
    if not passes(hi):
        return n_max
    return bisect_first(passes, lo, hi)


class _Search:
    """Greedy additions, pruning and reshaping of a schedule against one evaluator.

    Every step uses that the problem is monotone: more positions (or starts) never
    lower the probability (common random numbers make this hold path by path up to
    the discreteness of the draws).
    """

    def __init__(
        self,
        floor: np.ndarray,
        caps: np.ndarray,
        slots: list[int],
        hold: bool,
        conf: float,
        passes: Callable[[np.ndarray], bool],
    ) -> None:
        self.floor, self.caps, self.slots, self.hold, self.conf = floor, caps, slots, hold, conf
        self.passes = passes

    def ok(self, evaluate: Evaluator, added: np.ndarray) -> bool:
        """The schedule meets the goal (`Judge.passes`: exact, or clear of the noise)."""
        return self.passes(self.floor + added)

    def greedy(self, evaluate: Evaluator, added: np.ndarray) -> np.ndarray:
        """Add units where they raise (probability, -shortfall) most, until the target is met.

        Each round tries one more unit in every slot and takes the best slot; while the
        target is still missed it then doubles the units added there (1, 2, 4, ...) as
        long as that keeps improving, so a plan of n units takes O(log n) rounds per slot,
        not n. Overshoot is removed by `prune`.
        """
        added = added.copy()
        while not self.ok(evaluate, added):
            best, best_key = None, None
            for i in self.slots:
                if added[i] >= self.caps[i]:
                    continue
                added[i] += 1
                key = (*evaluate.key(self.floor + added, self.hold), i)  # ties: later, cheaper
                added[i] -= 1
                if best_key is None or key > best_key:
                    best, best_key = i, key
            if best is None:
                raise TargetUnreachable(
                    "cannot meet the target within max_starts_per_month on independent paths; "
                    "relax target.confidence, target.hold or max_starts_per_month"
                )
            added[best] += 1
            step = 1
            while not self.ok(evaluate, added) and added[best] < self.caps[best]:
                step = min(2 * step, int(self.caps[best] - added[best]))
                before = evaluate.key(self.floor + added, self.hold)
                added[best] += step
                if evaluate.key(self.floor + added, self.hold) <= before:
                    added[best] -= step  # no longer helps here: choose the slot again
                    break
        return added

    def prune(self, evaluate: Evaluator, added: np.ndarray) -> np.ndarray:
        """Remove units while the target is still met (latest slots first).

        Per slot, the fewest units that keep the target are found by bisection (the
        probability only grows with the units in a slot).
        """
        added = added.copy()
        changed = True
        while changed:
            changed = False
            for i in sorted(np.flatnonzero(added), reverse=True):
                keep = int(added[i])
                lo, hi = -1, keep  # ok(lo) unknown/False, ok(hi) True
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    added[i] = mid
                    if self.ok(evaluate, added):
                        hi = mid
                    else:
                        lo = mid
                added[i] = hi
                changed = changed or hi < keep
        return added

    def reshape(self, evaluate: Evaluator, added: np.ndarray, budget: int = 300) -> np.ndarray:
        """Try plans one start smaller: two starts replaced by one in a later month.

        For each pair of starts (i, j) and a slot m at or after both: remove i and j,
        add m. Pruning alone cannot turn 'two starts early' into 'one start later' (a
        start made later is still there at the deadline); this can. At most `budget`
        evaluations.
        """
        improved = True
        calls = evaluate.calls
        while improved and added.sum() > 0 and evaluate.calls - calls < budget:
            improved = False
            units = list(np.flatnonzero(added))
            for a in units:
                for b in units:
                    if b < a or (a == b and added[a] < 2):
                        continue
                    trial = added.copy()
                    trial[a] -= 1
                    trial[b] -= 1
                    for m in self.slots:
                        if m < b or trial[m] >= self.caps[m]:
                            continue
                        trial[m] += 1
                        if self.ok(evaluate, trial):
                            added, improved = trial, True
                            break
                        trial[m] -= 1
                    if improved:
                        break
                if improved:
                    break
        return added
