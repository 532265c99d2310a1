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

Method. Every candidate schedule is evaluated with exactly the random numbers
`simulate` uses for it (same seed; the data-scientist paths are shared, and the
ML engineer stream consumes one uniform per person-draw whatever the schedule),
so probabilities are common-random-number comparisons and the reported
probability is what `simulate(plan.scenario)` gives. Each strategy defines a
nested order in which starts fill the months before the deadline; a binary
search finds the smallest prefix that meets the target. With ``hold``, one
maintenance start at a time is then added just before the month that fails
most often. Finally a minimality pass removes any single start whose removal
keeps the probability at or above the confidence, until none can be removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from forecasting.errors import SolverError
from forecasting.roles import ROLE_KEYS, ROLES
from forecasting.scenario import Scenario
from forecasting.simulate import (
    DS,
    MLE,
    exit_probability,
    role_generators,
    run_paths,
    scheduled_starts,
    simulate_positions_role,
    simulate_role,
)


class Strategy(StrEnum):
    """Where the starts go in the months before the deadline."""

    EVEN = "even"  # spread evenly over the months from time-to-fill to the deadline
    FRONT_LOADED = "front_loaded"  # as early as possible, up to the monthly maximum
    JUST_IN_TIME = "just_in_time"  # as late as possible before the deadline


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
        annual_cost: run-rate of the added ML engineers, USD/yr: new positions x
            annual cost (positions mode), or added starts x fill_rate x annual cost.
        total_cost: expected cost of the added ML engineers from month 1 to the
            horizon, USD: the difference in mean simulated ML engineer payroll
            with and without them (same random numbers).
        scenario: the solved Scenario (simulate it to get the full projection).
        strategy: the strategy used.
        mode: "positions" (the ML engineer policy sets positions) or "starts".
        positions: ML engineer positions per month (horizon+1), positions mode only.
        positions_added: new positions opened per month (horizon+1), positions mode;
            all zero in starts mode.
        total_positions_added: sum of positions_added.
        expected_starts: mean ML engineer starts over the horizon in the solved
            scenario (new positions, backfills of leavers and added starts).
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
    mode: str = "starts"
    positions: tuple[int, ...] | None = None
    positions_added: tuple[int, ...] = ()
    total_positions_added: int = 0
    expected_starts: float = 0.0

    @property
    def added(self) -> int:
        """New positions (positions mode) or added starts (starts mode)."""
        return self.total_positions_added if self.mode == "positions" else self.added_starts

    @property
    def added_per_month(self) -> tuple[int, ...]:
        """By month index 0..horizon: new positions opened, or added starts joining."""
        if self.mode == "positions":
            return self.positions_added
        return (0, *self.added_by_month)

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
        if self.mode == "positions":
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
            "mode": self.mode,
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
            "target": {**sc.target.to_dict(), "deadline": labels[sc.target.deadline_month]},
            "scenario": sc.to_dict(),
        }


class _Evaluator:
    """Evaluates ML engineer schedules with the random numbers `simulate` would use.

    A schedule is, in starts mode, the ML engineer planned starts by index
    (horizon entries) and, in positions mode, the positions added by month
    (horizon+1 entries, the policy's own positions_added included).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.k = scenario.target.ds_per_mle
        self.deadline = scenario.target.deadline_month
        self.positions_mode = scenario.hiring_policy[MLE].sets_positions
        raw = run_paths(scenario, roles=(DS,))
        self.ds = np.ascontiguousarray(raw.headcount[self.deadline :, DS, :])
        self.moved = raw.moved
        # Open requisitions are scheduled on top of planned starts.
        self.requisitions = scheduled_starts(scenario, MLE) - np.array(
            scenario.starts_of(ROLES[MLE]), dtype=np.int64
        )
        self.cache: dict[bytes, tuple[float, float, np.ndarray]] = {}
        self.details: dict[bytes, tuple[np.ndarray, float]] = {}
        self.calls = 0
        # The ML engineer stream's draws before the recursion (per-path attrition, and
        # the per-path positions of a path with a band) do not depend on the schedule:
        # make them once and restart every evaluation from the stream's state after them.
        sc = scenario
        rng = role_generators(sc.seed)[MLE]
        self.p_exit = exit_probability(rng, sc, MLE, sc.paths)
        self.base_positions = None
        if self.positions_mode:
            policy = sc.hiring_policy[MLE].with_added(())
            if policy.uncertain:
                z = rng.standard_normal(sc.paths)  # as simulate.policy_positions draws it
                self.base_positions = policy.positions_for_paths(z, sc.horizon_months)
            else:
                n0 = sc.headcount[MLE] + sc.open_requisitions[MLE]
                self.base_positions = policy.positions(n0, sc.horizon_months)
        self.rng_state = rng.bit_generator.state

    def _run(self, schedule: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """ML engineer headcount (T+1, P) and realised starts (T, P) or None."""
        sc = self.scenario
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = self.rng_state
        out = np.empty((sc.horizon_months + 1, sc.paths), dtype=np.int32)
        p_exit = self.p_exit
        if self.positions_mode:
            base = self.base_positions
            added = np.cumsum(schedule)
            positions = base + (added[:, None] if base.ndim == 2 else added)
            realised, _ = simulate_positions_role(
                rng,
                out,
                n0=sc.headcount[MLE],
                p_exit=p_exit,
                positions=positions,
                lag=sc.time_to_fill_months[MLE],
                cap=sc.max_starts_per_month[MLE],
                open_reqs=sc.open_requisitions[MLE],
                fill_rate=sc.fill_rate,
                inflow=self.moved,
            )
        else:
            realised, _ = simulate_role(
                rng,
                out,
                n0=sc.headcount[MLE],
                p_exit=p_exit,
                starts=schedule + self.requisitions,
                fill_rate=sc.fill_rate,
                inflow=self.moved,
                aligned_fill=True,
            )
        return out, realised

    def __call__(self, schedule: np.ndarray) -> tuple[float, float, np.ndarray]:
        """Return (p_met, p_held, share of paths on target per month deadline..horizon)."""
        key = schedule.tobytes()
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        self.calls += 1
        out, realised = self._run(schedule)
        if realised is not None:
            starts = float(realised.sum(axis=0).mean())
        else:
            starts = float((schedule + self.requisitions).sum())
        self.details[key] = (out.mean(axis=1), starts)
        mle = out[self.deadline :]
        ratio = np.full(mle.shape, np.inf)
        np.divide(self.ds, mle, out=ratio, where=mle > 0)
        ok = ratio <= self.k  # same comparison as simulate.target_probabilities
        result = (float(ok[0].mean()), float(ok.all(axis=0).mean()), ok.mean(axis=1))
        self.cache[key] = result
        return result

    def detail(self, schedule: np.ndarray) -> tuple[np.ndarray, float]:
        """Mean ML engineer headcount by month (T+1,) and mean starts over the horizon."""
        self(schedule)
        return self.details[schedule.tobytes()]


def _even_order(slots: list[int]) -> list[int]:
    """Slots in a low-discrepancy order (middle, quarters, eighths, ...): any prefix is spread."""
    n = len(slots)
    seen: list[int] = []
    k = 1
    while len(seen) < n and k < 64 * n:
        x, denom, j = 0.0, 1.0, k
        while j:  # van der Corput radical inverse, base 2
            denom *= 2
            x += (j % 2) / denom
            j //= 2
        idx = int(x * n)
        if idx not in seen:
            seen.append(idx)
        k += 1
    seen += [i for i in range(n) if i not in seen]
    return [slots[i] for i in seen]


def _fill_order(strategy: Strategy, slots: list[int], caps: np.ndarray) -> list[int]:
    """The order in which starts fill `slots`: allocation of n = the first n entries."""
    if strategy is Strategy.FRONT_LOADED:
        return [i for i in slots for _ in range(caps[i])]
    if strategy is Strategy.JUST_IN_TIME:
        return [i for i in reversed(slots) for _ in range(caps[i])]
    spread = _even_order(slots)
    order: list[int] = []
    for round_ in range(int(caps.max(initial=0))):
        order += [i for i in spread if caps[i] > round_]
    return order


def _allocation(order: list[int], n: int, months: int) -> np.ndarray:
    return np.bincount(np.array(order[:n], dtype=np.int64), minlength=months).astype(np.int64)


def _smallest_prefix(passes: Callable[[int], bool], n_max: int) -> int:
    """Smallest n in 0..n_max with passes(n), by binary search (passes is monotone in n).

    Returns n_max when even n_max fails.
    """
    if passes(0):
        return 0
    if not passes(n_max):
        return n_max
    lo, hi = 0, n_max  # passes(lo) is False, passes(hi) is True
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return hi


def solve(scenario: Scenario, strategy: Strategy | str = Strategy.EVEN) -> HiringPlan:
    """Find the fewest new ML engineer positions (or starts) that reach the scenario's target.

    Args:
        scenario: the scenario. With an ML engineer hiring policy (backfill, growth,
            path) the solver adds positions to it (its own positions_added are a
            floor); with policy none it adds starts to the planned starts (a floor).
        strategy: "even", "front_loaded" or "just_in_time".

    Returns:
        The HiringPlan. Raises SolverError, naming what to relax, when even the
        largest schedule allowed by time to fill and max_starts_per_month fails.
    """
    try:
        strategy = Strategy(strategy)
    except ValueError:
        raise SolverError(
            f"strategy: unknown {strategy!r}; use one of {', '.join(s.value for s in Strategy)}"
        ) from None
    sc = scenario
    months, target = sc.horizon_months, sc.target
    deadline, conf, hold = target.deadline_month, target.confidence, target.hold
    labels = sc.months()
    role = ROLES[MLE]
    policy = sc.policy_of(role)
    positions_mode = policy.sets_positions
    cap_month = sc.max_starts_of(role)
    lag = sc.time_to_fill_of(role)
    if positions_mode:
        # Slot t = a position opened at month t (1..horizon), filled at t + lag at the earliest.
        n_slots, offset = months + 1, lag
        floor = np.zeros(n_slots, dtype=np.int64)
        floor[: len(policy.positions_added)] = policy.positions_added
        first = 1
        unit = "positions"
    else:
        # Slot i = starts joining at the end of month i+1.
        n_slots, offset = months, 1
        floor = np.array(sc.starts_of(role), dtype=np.int64)
        first = max(lag - 1, 0)  # earliest index for a new start
        unit = "starts"
    caps = np.where(np.arange(n_slots) >= first, np.maximum(cap_month - floor, 0), 0)

    evaluate = _Evaluator(sc)

    def score(added: np.ndarray) -> float:
        p_met, p_held, _ = evaluate(floor + added)
        return p_held if hold else p_met

    pre_slots = [i for i in range(first, n_slots) if i + offset <= deadline and caps[i] > 0]
    order = _fill_order(strategy, pre_slots, caps)
    what = f"1:{target.ds_per_mle:g} by month {deadline} ({labels[deadline]})"
    if hold:
        what += f" and hold it to month {months} ({labels[months]})"
    relax = (
        "relax target.deadline_month, target.confidence or "
        f"max_starts_per_month.{role.value}, or plan reskilling"
    )

    added = np.zeros(n_slots, dtype=np.int64)
    if score(added) < conf:
        if not order:
            raise SolverError(
                f"cannot reach {what} with {conf:.0%} confidence: no new ML engineer can "
                f"start by then (time_to_fill_months.{role.value} "
                f"{sc.time_to_fill_of(role)}, max_starts_per_month.{role.value} {cap_month}); "
                + relax
            )
        largest = caps if hold else _allocation(order, len(order), n_slots)
        best = score(largest)
        if best < conf:
            every = "new positions" if positions_mode else "ML engineer starts"
            raise SolverError(
                f"cannot reach {what} with {conf:.0%} confidence: even {cap_month} {every} "
                f"every month from month {first + (0 if positions_mode else 1)} give "
                f"{best:.0%}; " + relax
            )
        # Smallest prefix of the strategy's order meeting the target at the deadline.
        hi_needed = _smallest_prefix(
            lambda n: evaluate(floor + _allocation(order, n, n_slots))[0] >= conf, len(order)
        )
        added = _allocation(order, hi_needed, n_slots)
        sequence = list(order[:hi_needed])
        if hold:
            added, sequence = _maintain(
                evaluate, floor, added, sequence, caps, order, conf, offset, unit
            )
        added = _minimise(score, added, sequence, conf)

    schedule = floor + added
    p_met, p_held, _ = evaluate(schedule)
    mean_with, expected_starts = evaluate.detail(schedule)
    mean_without, _ = evaluate.detail(floor)
    monthly = sc.annual_cost_of(role) / 12.0
    total_cost = float(np.sum(mean_with[1:] - mean_without[1:]) * monthly)
    if positions_mode:
        solved = sc.replace(
            hiring_policy={**sc.by_role("hiring_policy"), role.value: policy.with_added(schedule)}
        )
        positions = tuple(solved.positions_of(role) or ())
        annual_cost = float(added.sum() * sc.annual_cost_of(role))
        added_starts, added_by_month = 0, (0,) * months
        positions_added = tuple(int(x) for x in schedule)
    else:
        solved = sc.replace(planned_starts={**sc.by_role("planned_starts"), role.value: schedule})
        positions = None
        annual_cost = float(added.sum() * sc.fill_rate * sc.annual_cost_of(role))
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
        mode="positions" if positions_mode else "starts",
        positions=positions,
        positions_added=positions_added,
        total_positions_added=sum(positions_added),
        expected_starts=expected_starts,
    )


def _maintain(
    evaluate: _Evaluator,
    floor: np.ndarray,
    added: np.ndarray,
    sequence: list[int],
    caps: np.ndarray,
    order: list[int],
    conf: float,
    offset: int,
    unit: str,
) -> tuple[np.ndarray, list[int]]:
    """Add starts (or positions) one at a time until the ratio holds to the horizon.

    Each step finds the month (deadline..horizon) on target least often; at the
    deadline it takes the strategy's next pre-deadline slot, later it adds one in
    the latest slot that still counts for that month (slot + offset <= month).
    """
    deadline = evaluate.deadline
    added = added.copy()
    next_pre = len(sequence)
    while True:
        _, p_held, marginal = evaluate(floor + added)
        if p_held >= conf:
            return added, sequence
        worst = deadline + int(np.argmin(marginal))
        slot = None
        if worst > deadline:
            free = [
                i for i in range(min(worst - offset, len(added) - 1), -1, -1) if added[i] < caps[i]
            ]
            slot = free[0] if free else None
        else:
            while next_pre < len(order) and slot is None:
                candidate = order[next_pre]
                next_pre += 1
                if added[candidate] < caps[candidate]:
                    slot = candidate
        if slot is None:
            free = [i for i in range(len(added) - 1, -1, -1) if added[i] < caps[i]]
            if not free:
                raise SolverError(
                    f"cannot hold the target to the horizon within max_starts_per_month "
                    f"(no more ML engineer {unit} can be added); "
                    "relax target.confidence, target.hold or max_starts_per_month"
                )
            slot = free[0]
        added[slot] += 1
        sequence.append(slot)


def _minimise(
    score: Callable[[np.ndarray], float], added: np.ndarray, sequence: list[int], conf: float
) -> np.ndarray:
    """Remove single starts while the target is still met, last added first."""
    added = added.copy()
    slots = list(dict.fromkeys(reversed(sequence)))
    changed = True
    while changed:
        changed = False
        for slot in slots:
            if added[slot] == 0:
                continue
            added[slot] -= 1
            if score(added) >= conf:
                changed = True
            else:
                added[slot] += 1
    return added
