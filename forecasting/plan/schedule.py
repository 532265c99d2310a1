"""Schedules of new ML engineer positions (or starts): the strategies' shapes, the months a
unit may go in (`Slots`), fill orders and the smallest passing prefix, shared by the solver,
reachability, budget, reskilling, team shape and sensitivity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.policy import HiringPolicy
from forecasting.model.roles import MLE, ROLES, Role
from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Evaluator


class Strategy(StrEnum):
    """Where the starts go in the months before the deadline."""

    EVEN = "even"  # spread evenly over the months from time-to-fill to the deadline
    FRONT_LOADED = "front_loaded"  # as early as possible, up to the monthly maximum
    JUST_IN_TIME = "just_in_time"  # as late as possible before the deadline
    FEWEST = "fewest"  # no shape: the fewest positions (or starts) in any months


def shaped(
    scenario: Scenario,
    strategy: Strategy | str,
    *,
    to_horizon: bool,
    role_index: int = MLE,
    one_a_month: bool = False,
) -> tuple[Callable[[int], np.ndarray], int]:
    """(n -> the first n entries of the strategy's fill order as a schedule, the floor
    included; the most entries) over the slots whose hires count by the deadline (by
    the horizon with `to_horizon`). With `one_a_month`, just-in-time takes one unit a
    month from the deadline back before a second in any month (when backfills share the
    monthly cap, units bunched in the last month can start too late)."""
    strategy = Strategy(strategy)
    if strategy is Strategy.FEWEST:
        strategy = Strategy.EVEN
    slots = Slots.of(scenario, role_index)
    last = scenario.horizon_months if to_horizon else scenario.deadline
    usable = [
        i
        for i in range(slots.first, slots.n_slots)
        if i + slots.offset <= last and slots.caps[i] > 0
    ]
    if one_a_month and strategy is Strategy.JUST_IN_TIME:
        order = FillOrder.rounds(usable[::-1], slots.caps)
    else:
        order = fill_order(strategy, usable, slots.caps)
    return (lambda n: slots.floor + allocation(order, n, slots.n_slots)), len(order)


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
    schedule, n_max = shaped(scenario, strategy, to_horizon=target.hold)

    def passes(n: int) -> bool:
        p_met, p_held = evaluate(schedule(n))
        return (p_held if target.hold else p_met) >= target.confidence

    if guess is None or not 0 <= guess <= n_max:
        n = smallest_prefix(passes, n_max)
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


def even_order(slots: list[int]) -> list[int]:
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


@dataclass(frozen=True, eq=False)
class FillOrder:
    """The order in which units fill their slots, without listing it: a list of one entry
    a unit is as long as the units allowed (100,000 starts a month over 100 months is 10
    million entries, 80 MB of Python list, and as much again for each prefix taken).

    Either slot by slot (each slot of `sequence` up to its cap before the next), or round
    by round (one unit in every slot of `sequence` with room left, then again).
    """

    sequence: np.ndarray  # distinct slot indices, in the order they are visited
    caps: np.ndarray  # the units each slot of `sequence` takes
    by_round: bool

    @classmethod
    def slots(cls, sequence: list[int], caps: np.ndarray) -> FillOrder:
        """Each slot filled to its cap before the next (front-loaded, just-in-time)."""
        seq = np.asarray(sequence, dtype=np.int64)
        return cls(seq, np.asarray(caps, dtype=np.int64)[seq], by_round=False)

    @classmethod
    def rounds(cls, sequence: list[int], caps: np.ndarray) -> FillOrder:
        """One unit in each slot with room, in `sequence` order, round after round."""
        seq = np.asarray(sequence, dtype=np.int64)
        return cls(seq, np.asarray(caps, dtype=np.int64)[seq], by_round=True)

    def __len__(self) -> int:
        return int(self.caps.sum())

    def taken(self, n: int) -> np.ndarray:
        """Units per slot of `sequence` in the first `n` entries of the order."""
        n = min(max(int(n), 0), len(self))
        caps = self.caps
        if not self.by_round:
            before = np.cumsum(caps) - caps
            return np.clip(n - before, 0, caps)
        lo, hi = 0, int(caps.max(initial=0))  # the complete rounds: F(r) <= n < F(r + 1)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if int(np.minimum(caps, mid).sum()) <= n:
                lo = mid
            else:
                hi = mid - 1
        taken = np.minimum(caps, lo)
        rest = n - int(taken.sum())
        if rest:  # the next round, cut short: its first `rest` slots with room
            room = np.flatnonzero(caps > lo)[:rest]
            taken[room] += 1
        return taken

    def allocation(self, n: int, months: int) -> np.ndarray:
        """The first `n` entries as units by slot index, (months,) int64."""
        out = np.zeros(max(months, int(self.sequence.max(initial=-1)) + 1), dtype=np.int64)
        out[self.sequence] = self.taken(n)
        return out


def fill_order(strategy: Strategy, slots: list[int], caps: np.ndarray) -> FillOrder:
    """The order in which starts fill `slots`: allocation of n = the first n entries."""
    if strategy is Strategy.FRONT_LOADED:
        return FillOrder.slots(slots, caps)
    if strategy is Strategy.JUST_IN_TIME:
        return FillOrder.slots(slots[::-1], caps)
    return FillOrder.rounds(even_order(slots), caps)


def allocation(order: FillOrder, n: int, months: int) -> np.ndarray:
    return order.allocation(n, months)


def smallest_prefix(passes: Callable[[int], bool], n_max: int) -> int:
    """Smallest n in 0..n_max with passes(n), by binary search (passes is monotone in n).

    Returns n_max when even n_max fails.
    """
    if passes(0):
        return 0
    if not passes(n_max):
        return n_max
    return bisect_first(passes, 0, n_max)


def smallest_near(passes: Callable[[int], bool], n_max: int, hint: int) -> int:
    """`smallest_prefix`'s answer for a monotone `passes`, searched outwards from `hint`
    (a likely answer, e.g. the last one): hint, then hint - 1, hint - 3, hint - 7, ...
    down while they pass, or hint + 1, hint + 3, hint + 7, ... up while they fail, then
    bisection between the last two. Two probes when the hint is the answer; about twice
    bisection's log2 of the distance when it is not.

    Returns n_max when even n_max fails.
    """
    hint = min(max(int(hint), 0), n_max)
    step = 1
    if passes(hint):
        hi = hint
        while hi > 0:
            lo = max(hi - step, 0)
            if not passes(lo):
                return bisect_first(passes, lo, hi)
            hi, step = lo, 2 * step
        return 0
    lo = hint
    while lo < n_max:
        hi = min(lo + step, n_max)
        if passes(hi):
            return bisect_first(passes, lo, hi)
        lo, step = hi, 2 * step
    return n_max


def bisect_first(passes: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest n in (lo, hi] with passes(n), for a monotone `passes` known False at
    `lo` and True at `hi`."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return hi


@dataclass(frozen=True)
class Slots:
    """Where the solver may add ML engineers: one slot per month, with the floor and caps.

    Positions mode: slot t = a position opened at month t (1..horizon), filled at
    t + time to fill at the earliest (offset = lag). Starts mode: slot i = starts
    joining at the end of month i+1 (offset 1), from index time to fill - 1.
    """

    role: Role
    policy: HiringPolicy
    mode: PlanMode
    cap_month: int
    n_slots: int
    offset: int
    floor: np.ndarray
    first: int
    caps: np.ndarray

    @classmethod
    def of(cls, sc: Scenario, role_index: int = MLE) -> Slots:
        role = ROLES[role_index]
        policy = sc.policy_of(role)
        cap_month, lag, months = sc.max_starts_of(role), sc.time_to_fill_of(role), sc.horizon_months
        if policy.sets_positions:
            n_slots, offset, first = months + 1, lag, 1
            floor = np.zeros(n_slots, dtype=np.int64)
            floor[: len(policy.positions_added)] = policy.positions_added
        else:
            n_slots, offset, first = months, 1, max(lag - 1, 0)
            floor = np.array(sc.starts_of(role), dtype=np.int64)
        caps = np.where(np.arange(n_slots) >= first, np.maximum(cap_month - floor, 0), 0)
        return cls(
            role, policy, PlanMode.of(sc, role), cap_month, n_slots, offset, floor, first, caps
        )

    def scenario_with(self, sc: Scenario, schedule: np.ndarray) -> Scenario:
        """`sc` with this role's schedule (positions added, or planned starts)."""
        key = self.role.value
        if self.mode.positions:
            policies = {**sc.by_role("hiring_policy"), key: self.policy.with_added(schedule)}
            return sc.replace(hiring_policy=policies)
        return sc.replace(planned_starts={**sc.by_role("planned_starts"), key: schedule})

    @property
    def first_month(self) -> int:
        """The month index of the first new position (or start) the caps allow."""
        return self.first if self.mode.positions else self.first + 1
