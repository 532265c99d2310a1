"""Monte Carlo stock-flow projection of the four roles: `simulate(scenario)`.

Month t -> t+1, per role and path (the semantics in docs/scenario-format.md):

1. exits ~ Binomial(N_t, p) with p = 1 - (1 - annual)^(1/12) (per path, drawn
   once from the rate's posterior when `attrition_interval` is given: its median is
   `attrition_annual`, the value shown and edited, and its 5th and 95th percentiles
   are the interval's ends; forecasting/simulate/draws.py);
2. data scientists move to ML engineer ~ Binomial(DS survivors, p_reskill), then the
   planned reskilling: ``reskill_planned[t+1]`` of the survivors (as many as there are)
   leave data science at month t+1; both train ``reskill_months`` and then join the ML
   engineers;
3. ``planned_starts[role][t]`` (plus open requisitions at index
   ``time_to_fill - 1``) join, each kept with probability `fill_rate` when it is
   below 1; they are counted in N_{t+1}.

A role with a hiring policy (forecasting/model/policy.py) has positions P_t instead of
planned starts. After the exits (and reskilling) of month t -> t+1, requisitions
are opened for every position not filled or already being filled
(P_{t+1} - people - open requisitions; when that is negative, requisitions not yet
started are cancelled, latest first; nobody is laid off). A requisition opened in
this step starts ``time_to_fill`` steps later (in the same step when it is 0),
each start succeeding with `fill_rate` (a failed one stays open and is tried again
the next month) and at most ``max_starts_per_month`` starting in a month. So
people + open requisitions never exceed the positions, and with no lag, fill
rate 1 and no binding cap the headcount equals the positions every month.

One role's recursion is forecasting/simulate/recursion.py's; this module draws what a
path draws once (the attrition rate, a band's level), runs every role (reusing the paths
`paths_memo.MEMO` keeps) and reduces the paths to the SimulationResult.

Random numbers: one PCG64 generator per role plus one for reskilling, spawned
from ``SeedSequence(scenario.seed)``. Every person-draw consumes the same
uniforms whatever the other roles or the ML engineer schedule are, so two
scenarios that differ only in ML engineer starts share their data-scientist
paths exactly (common random numbers; the solver relies on it). Only
vectorised over paths; the loop runs over months.

pandas is imported lazily, only when a DataFrame attribute is first read: the
CLI `plan` path needs numpy only.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model.roles import DS, MLE, ROLES
from forecasting.model.scenario import Scenario
from forecasting.model.target import meets_target, ratio_paths
from forecasting.simulate import paths_memo
from forecasting.simulate.capacity import capacity_paths
from forecasting.simulate.draws import draw_monthly_exit, monthly_probability
from forecasting.simulate.paths_memo import RolePaths
from forecasting.simulate.quantiles import (
    counted_quantiles,
    counted_ratio_quantiles,
    sorted_quantiles,
)
from forecasting.simulate.recursion import (
    padded,
    simulate_positions_role,
    simulate_role,
)
from forecasting.simulate.result import SimulationResult

QUANTILES: tuple[float, float, float] = (0.1, 0.5, 0.9)


def role_generators(seed: int) -> list[np.random.Generator]:
    """One PCG64 generator per role (ROLES order) plus one for reskilling.

    Args:
        seed: the scenario seed; the generators are spawned from SeedSequence(seed).

    Returns:
        Five generators; role i always gets the same stream for the same seed.
    """
    children = np.random.SeedSequence(seed).spawn(len(ROLES) + 1)
    return [np.random.Generator(np.random.PCG64(c)) for c in children]


def scheduled_starts(scenario: Scenario, role_index: int) -> np.ndarray:
    """Planned starts of one role by month index, open requisitions included.

    Args:
        scenario: the scenario.
        role_index: index into ROLES.

    Returns:
        int64 array of length horizon: entry i joins at the end of month i+1.
        Open requisitions sit at index ``max(time_to_fill, 1) - 1``.
    """
    role = ROLES[role_index]
    starts = np.array(scenario.starts_of(role), dtype=np.int64)
    reqs = scenario.open_requisitions[role_index]
    at = max(scenario.time_to_fill_months[role_index], 1) - 1
    if reqs and at < len(starts):
        starts[at] += reqs
    return starts


def exit_probability(
    rng: np.random.Generator, scenario: Scenario, r: int, paths: int
) -> float | np.ndarray:
    """Monthly exit probability of role r: a number, or one draw per path from its posterior.

    Args:
        rng: the role's generator (the rate draws come first in its stream).
        scenario: the scenario.
        r: index into ROLES.
        paths: number of paths.

    Returns:
        A float, or a (paths,) array when the role has an attrition_interval (drawn by
        `draw_monthly_exit`: median attrition_annual, 90% interval attrition_interval).
    """
    interval = scenario.attrition_interval[r]
    point = scenario.attrition_annual[r]
    if interval is None or interval[1] - interval[0] < 1e-9 or point <= 0:
        return float(monthly_probability(point))
    return draw_monthly_exit(rng, point, interval, paths)


def policy_positions(
    scenario: Scenario, r: int, rng: np.random.Generator | None, paths: int
) -> np.ndarray:
    """Positions of role r for the simulation: (T+1,), or (T+1, P) for a path with a band.

    Args:
        scenario: the scenario (role r has a policy other than none).
        r: index into ROLES.
        rng: the role's generator (one normal draw per path when the path has a band).
        paths: number of paths.
    """
    policy = scenario.hiring_policy[r]
    horizon = scenario.horizon_months
    if policy.uncertain and rng is not None:
        return policy.positions_for_paths(rng.standard_normal(paths), horizon)
    n0 = scenario.headcount[r] + scenario.open_requisitions[r]
    return policy.positions(n0, horizon)


@dataclass(frozen=True)
class _Paths:
    """Raw per-path output of the recursion (internal; shared with the solver)."""

    headcount: np.ndarray  # (T+1, 4, P) int32
    realised: list[np.ndarray | None]  # per role: (T, P) or None when certain
    moved: np.ndarray | None  # (T, P) data scientists starting reskilling in step t, or None
    p_exit: list[float | np.ndarray]  # per role: monthly exit probability, or one per path
    arrived: np.ndarray | None = None  # (T, P) reskilled joining ML engineers in step t

    def in_training(self) -> np.ndarray | None:
        """(T+1, P) reskilled data scientists in training at each month's end, or None."""
        if self.moved is None or self.arrived is None:
            return None
        out = np.zeros((self.moved.shape[0] + 1, self.moved.shape[1]), dtype=np.int32)
        np.cumsum(self.moved - self.arrived, axis=0, out=out[1:])
        return out


#: Share of a trainee's time still on data science while reskilling (params: reskill_months).
TRAINING_SHARE = 0.5


def delayed(moved: np.ndarray | None, months: int) -> np.ndarray | None:
    """Reskilled data scientists arriving as ML engineers `months` steps after they left
    (the training), (T, P); the same array when there is no training."""
    if moved is None or months <= 0:
        return moved
    out = np.zeros_like(moved)
    if months < len(moved):
        out[months:] = moved[:-months]
    return out


def role_key(scenario: Scenario, r: int) -> bytes:
    """What role r's paths are a function of, but its plan (`plan_key` adds it): the seed
    and paths, the horizon, the role's headcount, attrition and interval, hiring policy
    (without its positions added), time to fill, cap, open requisitions, the fill rate,
    for the data scientists the reskilling and, for the ML engineers when anyone is
    reskilled, the data scientists' key (who joins them).

    Args:
        scenario: the scenario.
        r: index into ROLES.
    """
    policy = scenario.hiring_policy[r]
    planned = tuple(scenario.reskill_planned_by_month())
    parts: tuple[Any, ...] = (
        "role paths 1",
        scenario.seed,
        scenario.paths,
        scenario.horizon_months,
        r,
        scenario.headcount[r],
        repr(scenario.attrition_annual[r]),
        repr(scenario.attrition_interval[r]),
        repr(scenario.fill_rate),
        repr(policy.with_added(())) if policy.sets_positions else "starts",
        scenario.time_to_fill_months[r],
        scenario.max_starts_per_month[r],
        scenario.open_requisitions[r],
    )
    if r == DS:
        parts += (repr(scenario.reskill_annual), scenario.reskill_months, planned)
    h = hashlib.blake2b(repr(parts).encode(), digest_size=20)
    if r == MLE and (scenario.reskill_annual > 0 or any(planned)):
        h.update(plan_key(role_key(scenario, DS), plan_of(scenario, DS)))
    return h.digest()


def plan_key(base: bytes, plan: np.ndarray) -> bytes:
    """`base` (a `role_key`) with the role's plan: the cumulative positions added by month
    (T+1,) under a hiring policy, else the starts by index (T,), open requisitions
    included (`plan_of`)."""
    h = hashlib.blake2b(base, digest_size=20)
    h.update(np.ascontiguousarray(plan, dtype=np.int64).tobytes())
    return h.digest()


def plan_of(scenario: Scenario, r: int) -> np.ndarray:
    """Role r's own plan as `plan_key` takes it."""
    policy = scenario.hiring_policy[r]
    if policy.sets_positions:
        return policy.added_path(scenario.horizon_months)
    return scheduled_starts(scenario, r)


def run_paths(scenario: Scenario, *, roles: tuple[int, ...] = (0, 1, 2, 3)) -> _Paths:
    """Simulate the headcount paths of `roles` (indices into ROLES).

    A role whose paths `paths_memo.MEMO` holds (the same inputs simulated before, by
    this function or by the solver's evaluations) is not simulated again: the numbers
    are the same.

    Args:
        scenario: the scenario.
        roles: which roles to simulate; the others stay 0. Data scientists are
            simulated whenever ML engineers are and reskilling is on.

    Returns:
        The raw paths.
    """
    months, paths = scenario.horizon_months, scenario.paths
    gens: list[np.random.Generator] | None = None
    headcount = np.zeros((months + 1, len(ROLES), paths), dtype=np.int32)
    realised: list[np.ndarray | None] = [None] * len(ROLES)
    p_reskill = float(monthly_probability(scenario.reskill_annual))
    planned = np.array(scenario.reskill_planned_by_month(), dtype=np.int64)
    moved = arrived = None
    order = sorted(roles, key=lambda r: r != DS)  # DS first: reskilling feeds MLE
    if MLE in roles and DS not in roles and (p_reskill > 0 or planned.any()):
        order = [DS, *order]
    p_exits: list[float | np.ndarray] = [
        float(monthly_probability(a)) for a in scenario.attrition_annual
    ]
    memo = paths_memo.MEMO
    for r in order:
        key = None
        if memo.enabled:
            key = plan_key(role_key(scenario, r), plan_of(scenario, r))
            got = memo.get(key)
            if got is not None:
                headcount[:, r, :] = got.headcount
                realised[r], moved_r, p_exits[r] = got.realised, got.moved, got.p_exit
                if r == DS:
                    moved = moved_r
                    arrived = delayed(moved, scenario.reskill_months)
                continue
        if gens is None:
            gens = role_generators(scenario.seed)
        rng = gens[r]
        p_exit = exit_probability(rng, scenario, r, paths)
        p_exits[r] = p_exit
        # Kept: the role's own (T+1, P) array; else straight into the roles' array.
        out = headcount[:, r, :] if key is None else np.empty((months + 1, paths), np.int32)
        common: dict[str, Any] = {
            "n0": scenario.headcount[r],
            "p_exit": p_exit,
            "fill_rate": scenario.fill_rate,
            "inflow": arrived if r == MLE else None,
            "reskill": (gens[-1], p_reskill) if r == DS and p_reskill > 0 else None,
            "planned_out": planned if r == DS and planned.any() else None,
        }
        if scenario.hiring_policy[r].sets_positions:
            realised[r], moved_r = simulate_positions_role(
                rng,
                out,
                positions=policy_positions(scenario, r, rng, paths),
                lag=scenario.time_to_fill_months[r],
                cap=scenario.max_starts_per_month[r],
                open_reqs=scenario.open_requisitions[r],
                **common,
            )
        else:
            realised[r], moved_r = simulate_role(
                rng,
                out,
                starts=scheduled_starts(scenario, r),
                aligned_fill=r == MLE,
                **common,
            )
        if key is not None:
            memo.put(key, RolePaths(out, realised[r], moved_r, p_exit))
            headcount[:, r, :] = out
        if r == DS:
            moved = moved_r
            arrived = delayed(moved, scenario.reskill_months)
    return _Paths(
        headcount=headcount, realised=realised, moved=moved, p_exit=p_exits, arrived=arrived
    )


def mean_cost(scenario: Scenario, *, roles: tuple[int, ...] = (0, 1, 2, 3)) -> np.ndarray:
    """Mean loaded payroll and reskilling programme cost by month, (T+1,) USD: `simulate`'s
    `cost_mean` (to rounding) without its quantiles, ratio and capacity.

    Args:
        scenario: the scenario.
        roles: the roles whose payroll counts (each role has its own random numbers, so
            a difference between two scenarios that change only these roles is the same).
    """
    raw = run_paths(scenario, roles=roles)
    monthly_cost = np.array(scenario.loaded_costs) / 12.0
    out = raw.headcount.mean(axis=-1) @ monthly_cost
    training = raw.in_training()
    if training is not None and raw.moved is not None:
        out = out + training.mean(axis=1) * monthly_cost[DS]
        out[1:] += raw.moved.mean(axis=1) * scenario.reskill_cost
    return np.asarray(out, dtype=float)


#: Bytes of one month-block's float64 temporaries in `simulate` (ratios, costs and their
#: sorted copies are made a block of months at a time, never for the whole horizon).
MONTH_BLOCK_BYTES = 4 << 20


def month_blocks(months: int, paths: int) -> list[slice]:
    """Slices of 0..months (inclusive) of at most MONTH_BLOCK_BYTES of float64 a path."""
    step = max(1, MONTH_BLOCK_BYTES // (8 * max(paths, 1)))
    return [slice(a, min(a + step, months + 1)) for a in range(0, months + 1, step)]


def simulate(scenario: Scenario) -> SimulationResult:
    """Project headcount, ratio, cost and capacity of a scenario by Monte Carlo.

    Memory: the per-path headcount (int32) and realised starts (int32) of the whole
    horizon, plus the reductions' temporaries a block of months at a time
    (`month_blocks`): every quantile, probability and mean is per month, so the blocks
    give the numbers the whole arrays would.

    Args:
        scenario: a validated Scenario (paths and seed included).

    Returns:
        The aggregated SimulationResult; the same scenario always gives the same result.
    """
    raw = run_paths(scenario)
    hc = raw.headcount
    months, paths = scenario.horizon_months, scenario.paths
    k, deadline = scenario.target.ds_per_mle, scenario.deadline

    hc_mean = hc.mean(axis=-1)
    monthly_cost = np.array(scenario.loaded_costs) / 12.0
    training = raw.in_training()
    hc_q, ratio_q, share_defined, p_by_month, cost_q, cost_means = [], [], [], [], [], []
    p_met = 0.0
    held = np.ones(paths, dtype=bool)  # the target met in every month from the deadline
    for b in month_blocks(months, paths):
        block = hc[b]
        counted = counted_quantiles(block, QUANTILES)
        hc_q.append(
            sorted_quantiles(np.sort(block, axis=-1), QUANTILES) if counted is None else counted
        )
        ratio = ratio_paths(block)
        share_defined.append((block[:, MLE, :] > 0).mean(axis=-1))
        counted = counted_ratio_quantiles(block[:, DS, :], block[:, MLE, :], QUANTILES)
        ratio_q.append(
            sorted_quantiles(np.sort(ratio, axis=-1), QUANTILES) if counted is None else counted
        )
        ok = meets_target(ratio, k)
        p_by_month.append(ok.mean(axis=-1))
        if b.start <= deadline < b.stop:
            p_met = float(ok[deadline - b.start].mean())
        if b.stop > deadline:
            held &= ok[max(deadline - b.start, 0) :].all(axis=0)
        del ratio, ok
        cost = np.einsum("trp,r->tp", block, monthly_cost)
        if training is not None and raw.moved is not None:
            # Trainees stay on the payroll as data scientists; the programme is paid when
            # they start it. (Zero duration and cost leave the payroll as it was.)
            cost = cost + training[b] * monthly_cost[DS]
            first = max(b.start, 1)  # cost[1:] += moved * reskill_cost
            cost[first - b.start :] += raw.moved[first - 1 : b.stop - 1] * scenario.reskill_cost
            cost_means.append(cost.mean(axis=-1))
        # float32 is ample for p10/p90 of a monthly payroll and sorts twice as fast.
        cost_q.append(sorted_quantiles(np.sort(cost.astype(np.float32), axis=-1), (0.1, 0.9)))
        del cost
    p_held = float(held.mean())
    p_by_month_all = np.concatenate(p_by_month)
    cost_mean = np.concatenate(cost_means) if training is not None else hc_mean @ monthly_cost

    # Starts first counted in month t (index 0 = none), per role: certain (T+1,) or (T+1, P).
    starts: list[np.ndarray] = []
    starts_mean = np.zeros((months + 1, len(ROLES)))
    for r in range(len(ROLES)):
        realised = raw.realised[r]
        if realised is None:
            s = np.concatenate([[0], scheduled_starts(scenario, r)])
            starts_mean[:, r] = s
        else:
            s = padded(realised)
            starts_mean[:, r] = s.mean(axis=-1)
        if r == MLE and raw.arrived is not None:  # reskilled data scientists ramp as MLEs too
            moved = np.zeros((months + 1, paths), dtype=np.int32)
            moved[1:] = raw.arrived
            s = moved + (s[:, None] if s.ndim == 1 else s)
        starts.append(s)
    # Cohorts survive with the attrition each path was simulated with (per-path draws).
    retention = [1.0 - p for p in raw.p_exit]
    extra = {}  # trainees' part-time data science, when anyone is in training
    if training is not None and training.any():
        # float32 as the capacity model reads it (exact: half of a count below 2**24)
        extra["ds_extra"] = training.astype(np.float32) * np.float32(TRAINING_SHARE)
    ramp = np.array(scenario.ramp_months)
    cap = capacity_paths(hc, starts, retention, ramp, scenario.capacity, **extra)

    return SimulationResult(
        scenario=scenario,
        months=scenario.months(),
        p_target_met=p_met,
        p_target_held=p_held,
        paths_headcount=hc.transpose(2, 0, 1),
        headcount_mean=hc_mean,
        headcount_q=np.concatenate(hc_q, axis=1),
        ratio_q=np.concatenate(ratio_q, axis=1),
        share_defined=np.concatenate(share_defined),
        cost_mean=cost_mean,
        cost_q=np.concatenate(cost_q, axis=1),
        starts_mean=starts_mean,
        capacity_arrays=cap,
        p_target_by_month=p_by_month_all,
        p_se=np.sqrt(np.clip(p_by_month_all * (1.0 - p_by_month_all), 0.0, None) / paths),
        p_held_se=math.sqrt(max(p_held * (1.0 - p_held), 0.0) / paths),
    )
