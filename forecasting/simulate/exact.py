"""Exact probabilities of the model: P(target met) by month and P(target held), no sampling.

Each role's headcount is a Markov chain (forecasting/simulate/exact_chain.py) run on the
Monte Carlo's own rules, mixed over what a path draws once:

* the **attrition rate** (when the role has an `attrition_interval`): by a 24-node Gauss
  rule in p of the distribution `draws.rate_quantiles` draws from (converged to 1e-7 or
  better; forecasting/simulate/exact_mixture.py says how it was checked);
* the **band of a `path` policy** (p10/p90): positions are round half up of
  mean + z * spread, a step function of z, so the band is integrated exactly over the
  cells of z between the steps; |z| > 7.4 (probability 1.4e-13) is cut and counted as
  truncated (forecasting/simulate/exact_mixture.py).

The roles are independent given the plan, so P(DS / MLE <= k) in a month is a sum over
the two marginals (`meets_target`, the one target rule). P(held from the deadline to the
horizon) needs the joint: the DS x MLE chain from the deadline on (its start is the
product of the marginals there), one step being A^T X B and the target's mask.

Planned reskilling (whole people at set months) is followed by both chains: the data
scientists lose them, the ML engineers gain them after training. Not exact (the caller
uses the Monte Carlo): reskilling at a rate, which couples the two roles (`coupled`), a
plan that may find fewer data scientists than it moves (`short_of_planned`), and chains
above a size bound (`exact_reason` says which). `ExactEvaluator` keeps what does not
depend on the ML engineer plan (the data scientists' chain) for the solver's many
candidate schedules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from forecasting.model.roles import DS, MLE, ROLES
from forecasting.model.scenario import Scenario
from forecasting.model.target import meets_target, ratio_of
from forecasting.simulate.engine import scheduled_starts
from forecasting.simulate.exact_chain import (
    MAX_STATES,
    TRUNCATION,
    ChainResult,
    ChainSpec,
    GiveUp,
    NotExact,
    Recorded,
    known,
    never_too_large,
    run_chain,
    states_at,
)
from forecasting.simulate.exact_mixture import RATE_NODES, band_cells, rate_nodes

__all__ = [
    "ExactEvaluator",
    "NotExact",
    "coupled",
    "exact_reason",
    "headcount_distribution",
    "p_held",
    "p_met_by_month",
    "supported",
]

#: Most chains one role may mix (rate nodes x band cells) for an exact evaluation.
MAX_BATCHES = 400
#: Largest joint (DS x MLE) chain, in state pairs, for an exact P(held).
MAX_JOINT = 1_000_000
#: ML engineer schedules an ExactEvaluator keeps (their chains for P(held): 1/16 of it).
CACHED_SCHEDULES = 512


def _positions(
    scenario: Scenario, r: int, added: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(positions (J, T+1), cell weights (J,)) of role r, `added` replacing positions_added."""
    policy = scenario.hiring_policy[r]
    horizon = scenario.horizon_months
    if added is not None:
        policy = policy.with_added(())
    if policy.uncertain:
        positions, weight = band_cells(policy, horizon)
    else:
        n0 = scenario.headcount[r] + scenario.open_requisitions[r]
        positions, weight = policy.positions(n0, horizon)[None, :], np.ones(1)
    if added is not None:
        positions = positions + np.cumsum(_padded(added, horizon + 1))[None, :]
    return positions, weight


def _padded(schedule: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    arr = np.zeros(n, dtype=np.int64)
    values = np.asarray(schedule, dtype=np.int64)[:n]
    arr[: values.size] = np.maximum(values, 0)
    return arr


def role_spec(
    scenario: Scenario,
    r: int,
    *,
    mle_schedule: Sequence[int] | np.ndarray | None = None,
    nodes: int = RATE_NODES,
) -> ChainSpec:
    """The chain of role r as `run_paths` simulates it (reskilling at a rate aside).

    Args:
        scenario: the scenario.
        r: index into ROLES.
        mle_schedule: for r = MLE, a plan replacing the scenario's (see `edits.mle_schedule`:
            positions added per month 0..horizon, or planned starts per index).
        nodes: quadrature nodes over the attrition rate.

    Returns:
        The ChainSpec.

    Raises:
        NotExact: the band needs more than MAX_BATCHES chains.
    """
    if mle_schedule is not None and r != MLE:
        raise ValueError("mle_schedule replaces the ML engineer plan; pass role_index=MLE")
    p, w = rate_nodes(scenario, r, nodes)
    months, n0 = scenario.horizon_months, scenario.headcount[r]
    moves_out, moves_in = planned_moves(scenario, r)
    if not scenario.hiring_policy[r].sets_positions:
        starts = scheduled_starts(scenario, r)
        if mle_schedule is not None:
            requisitions = starts - np.array(scenario.starts_of(ROLES[r]), dtype=np.int64)
            starts = _padded(mle_schedule, months) + requisitions
        return ChainSpec(
            months,
            n0,
            p,
            w,
            fill_rate=scenario.fill_rate,
            starts=starts,
            moves_out=moves_out,
            moves_in=moves_in,
        )
    added = None if mle_schedule is None else np.asarray(mle_schedule)
    positions, cell_weight = _positions(scenario, r, added)
    if len(cell_weight) * len(p) > MAX_BATCHES:
        raise NotExact(
            f"the {ROLES[r].label.lower()} path's band needs {len(cell_weight)} cells of z "
            f"x {len(p)} attrition nodes (more than {MAX_BATCHES:,} chains)"
        )
    return ChainSpec(
        months,
        n0,
        p,
        w,
        fill_rate=scenario.fill_rate,
        positions=positions,
        cell_weight=cell_weight,
        lag=scenario.time_to_fill_months[r],
        cap=scenario.max_starts_per_month[r],
        open_reqs=scenario.open_requisitions[r],
        moves_out=moves_out,
        moves_in=moves_in,
    )


def planned_moves(scenario: Scenario, r: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The planned reskilling of role r's chain: (`moves_out`, `moves_in`) of its ChainSpec;
    the data scientists lose the planned people by month index, the ML engineers gain them
    by step, `reskill_months` after they leave; (None, None) when nothing is planned.

    The ML engineers receive every planned person: exact while the data scientists' chain
    never has fewer people than it plans to move (`ChainResult.short`, checked by
    `short_of_planned`).
    """
    planned = np.array(scenario.reskill_planned_by_month(), dtype=np.int64)
    if not planned.any() or r not in (DS, MLE):
        return None, None
    if r == DS:
        return planned, None
    months, lag = scenario.horizon_months, scenario.reskill_months
    moves_in = np.zeros(months, dtype=np.int64)  # step s moves planned[s + 1] out
    if lag < months:
        moves_in[lag:] = planned[1 : months - lag + 1]
    return None, moves_in


# ------------------------------------------------------------------ public functions


def coupled(scenario: Scenario) -> str | None:
    """Why the data scientists' and ML engineers' chains are not independent, or None.

    Reskilling at a rate moves a random number of people between them: the ML engineers'
    chain would need the data scientists' state, so the evaluation is sampled
    (`NotExact`). Planned reskilling moves a set number of people, which the two chains
    follow each on its own (`planned_moves`; see `short_of_planned`).
    """
    if scenario.reskill_annual > 0:
        return "reskilling couples the data scientists' and ML engineers' chains"
    return None


def short_of_planned(ds: ChainResult) -> None:
    """Raise NotExact when the data scientists' chain may have fewer people than a planned
    reskilling moves (more than the chains' truncation): the ML engineers would then
    receive fewer than planned, which their own chain cannot know."""
    if ds.short > TRUNCATION:
        raise NotExact(
            "planned reskilling moves more data scientists than may be there "
            f"(probability {ds.short:.2g}), which couples the two chains"
        )


def exact_reason(scenario: Scenario) -> str | None:
    """Why the target's probabilities of `scenario` cannot be evaluated exactly, or None.

    A cheap check of what is known before running the chains (reskilling, the band's
    size); a chain can still prove too large while running (`NotExact`).

    Args:
        scenario: the scenario.

    Returns:
        A short reason, e.g. "reskilling couples the data scientists' and ML engineers'
        chains", or None when the exact evaluation applies.
    """
    why = coupled(scenario)
    if why is not None:
        return why
    for r in (DS, MLE):
        try:
            role_spec(scenario, r)
        except NotExact as exc:
            return str(exc)
    return None


def supported(scenario: Scenario) -> bool:
    """True when `exact_reason` finds nothing against an exact evaluation."""
    return exact_reason(scenario) is None


def headcount_distribution(
    scenario: Scenario,
    role_index: int,
    *,
    mle_schedule: Sequence[int] | np.ndarray | None = None,
) -> np.ndarray:
    """Exact P(headcount = n) of one role in every month.

    Args:
        scenario: the scenario.
        role_index: index into ROLES.
        mle_schedule: for the ML engineers, a plan replacing the scenario's (positions
            added per month 0..horizon in positions mode, planned starts per index in
            starts mode; see forecasting/model/edits.py `mle_schedule`).

    Returns:
        (T+1, N+1) probabilities, N the most people the role can have; each row sums to 1
        within the truncated mass (< 1e-12 but for a band's cut tails, 1.3e-13).

    Raises:
        NotExact: reskilling moves people into or out of this role, or the chain is too
            large.
    """
    why = coupled(scenario)
    if why is not None and role_index in (DS, MLE):
        raise NotExact(why)
    if role_index == MLE and any(scenario.reskill_planned):
        short_of_planned(run_chain(role_spec(scenario, DS)))
    spec = role_spec(scenario, role_index, mle_schedule=mle_schedule)
    return run_chain(spec).probabilities


def p_met_by_month(scenario: Scenario) -> np.ndarray:
    """Exact P(DS / MLE <= k) in every month 0..horizon (k = target.ds_per_mle).

    Args:
        scenario: the scenario, with its own ML engineer plan.

    Returns:
        (T+1,) probabilities (`meets_target` on the two marginals), each within the
        chains' truncated mass (< 2e-12) below the exact value.

    Raises:
        NotExact: see `exact_reason`, or a chain above MAX_STATES.
    """
    return ExactEvaluator(scenario).p_met_by_month()


def p_held(scenario: Scenario) -> float | None:
    """Exact P(DS / MLE <= k in every month from the deadline to the horizon).

    Args:
        scenario: the scenario, with its own ML engineer plan.

    Returns:
        The probability, or None when the joint chain has more than MAX_JOINT state pairs
        in a month (the caller then uses the Monte Carlo with its standard error).

    Raises:
        NotExact: see `exact_reason`, or a chain above MAX_STATES.
    """
    return ExactEvaluator(scenario).p_held()


def target_mask(ds_people: np.ndarray, mle_people: np.ndarray, k: float) -> np.ndarray:
    """(len(ds), len(mle)) whether each pair of headcounts meets 1:k (the one rule)."""
    return meets_target(ratio_of(ds_people[:, None], mle_people[None, :]), k)


class ExactEvaluator:
    """Exact target probabilities of ML engineer schedules on one scenario.

    The data scientists' chain does not depend on the ML engineer plan: it is run once;
    each schedule runs the (small) ML engineer chain and combines the two.

    A schedule is what `edits.mle_schedule` gives: positions added per month 0..horizon
    (positions mode, the policy's own positions_added included) or planned starts per
    index (starts mode). None means the scenario's own plan.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        max_states: int = MAX_STATES,
        give_up: GiveUp | None = None,
    ) -> None:
        """Run the data scientists' chain.

        Args:
            scenario: the scenario (its own ML engineer plan is the default schedule).
            max_states: the most live states of a chain (the time budget: about 1.5
                microseconds per state and month).
            give_up: asked between the months of every chain this evaluator runs
                (`exact_chain.run_chain`): True stops it with ChainCutShort (a NotExact);
                an exception it raises (a cancellation) passes through.

        Raises:
            NotExact: the scenario cannot be evaluated exactly (`exact_reason`), or the
                data scientists' chain exceeds `max_states`.
        """
        why = coupled(scenario)
        if why is not None:
            raise NotExact(why)
        self.scenario = scenario
        self.k = scenario.target.ds_per_mle
        self.deadline = scenario.deadline
        self.max_states = max_states
        self.give_up = give_up
        self._ds_spec = role_spec(scenario, DS)
        self.ds = run_chain(self._ds_spec, max_states=max_states, give_up=give_up)
        short_of_planned(self.ds)
        self._ds_recorded: Recorded | None = None
        self._mle: dict[bytes, ChainResult] = {}
        self._mle_recorded: dict[bytes, Recorded] = {}

    def _key(self, schedule: Sequence[int] | np.ndarray | None) -> bytes:
        return b"own" if schedule is None else np.asarray(schedule, dtype=np.int64).tobytes()

    def mle(self, schedule: Sequence[int] | np.ndarray | None = None) -> ChainResult:
        """The ML engineers' exact chain under `schedule` (cached).

        Args:
            schedule: positions added per month 0..horizon (positions mode) or planned
                starts per index (starts mode); None: the scenario's own plan.

        Returns:
            Its ChainResult (`.probabilities` (T+1, N+1), `.truncated`).
        """
        key = self._key(schedule)
        hit = self._mle.get(key)
        if hit is None:
            spec = role_spec(self.scenario, MLE, mle_schedule=schedule)
            hit = run_chain(spec, max_states=self.max_states, give_up=self.give_up)
            _remember(self._mle, key, hit, CACHED_SCHEDULES)
        return hit

    def truncated(self, schedule: Sequence[int] | np.ndarray | None = None) -> float:
        """Probability the two chains dropped (a bound on any probability's error)."""
        return self.ds.truncated + self.mle(schedule).truncated

    def p_met_by_month(self, schedule: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """Exact P(DS / MLE <= k) in each month under `schedule`.

        Args:
            schedule: as for `mle`.

        Returns:
            (T+1,) probabilities: sum over DS = d and MLE = m of P(d) P(m) [d / m <= k].
        """
        ds = self.ds.probabilities
        mle = self.mle(schedule).probabilities
        mask = target_mask(np.arange(ds.shape[1]), np.arange(mle.shape[1]), self.k)
        return np.einsum("td,dm,tm->t", ds, mask.astype(float), mle)

    def p_met(self, schedule: Sequence[int] | np.ndarray | None = None) -> float:
        """Exact P(DS / MLE <= k at the deadline) under `schedule`."""
        return float(self.p_met_by_month(schedule)[self.deadline])

    def p_held(self, schedule: Sequence[int] | np.ndarray | None = None) -> float | None:
        """Exact P(DS / MLE <= k in every month deadline..horizon) under `schedule`, or None
        when the joint chain has more than MAX_JOINT state pairs in a month."""
        d = self.deadline
        if d >= self.scenario.horizon_months:
            return self.p_met(schedule)
        if self._key(schedule) not in self._mle and self._beyond_joint(schedule):
            return None
        pairs = self.ds.states[d:] * self.mle(schedule).states[d:]
        if pairs.max() > MAX_JOINT:
            return None
        if self._ds_recorded is None:
            ds = run_chain(
                self._ds_spec, record_from=d, max_states=self.max_states, give_up=self.give_up
            )
            self._ds_recorded = ds.recorded
        key = self._key(schedule)
        mle = self._mle_recorded.get(key)
        if mle is None:
            spec = role_spec(self.scenario, MLE, mle_schedule=schedule)
            mle = run_chain(
                spec, record_from=d, max_states=self.max_states, give_up=self.give_up
            ).recorded
            assert mle is not None
            _remember(self._mle_recorded, key, mle, CACHED_SCHEDULES // 16)
        assert self._ds_recorded is not None
        return joint_held(self._ds_recorded, mle, self.k)

    def _beyond_joint(self, schedule: Sequence[int] | np.ndarray | None) -> bool:
        """True when the joint chain has more than MAX_JOINT state pairs at the deadline,
        found from the ML engineer chain's months up to the deadline only, when that chain
        cannot prove too large later (`never_too_large`): `p_held` is then None, as the
        whole chain would have said, for part of its work (the search tries many
        schedules only to learn this). False: the whole chain decides."""
        spec = role_spec(self.scenario, MLE, mle_schedule=schedule)
        if known(spec, self.max_states) or not never_too_large(spec, self.max_states):
            return False
        d = self.deadline
        at = states_at(spec, d, max_states=self.max_states, give_up=self.give_up)
        return int(self.ds.states[d]) * at > MAX_JOINT


def _remember(cache: dict[bytes, Any], key: bytes, value: Any, size: int) -> None:
    """Keep `value` under `key`, dropping the oldest entry beyond `size`."""
    if len(cache) >= size:
        cache.pop(next(iter(cache)))
    cache[key] = value


def joint_held(ds: Recorded, mle: Recorded, k: float) -> float | None:
    """P(the target is met in every recorded month) on the joint DS x MLE chain.

    The two chains are independent, so the joint starts as the product of their state
    distributions at the first recorded month; each step is X <- A^T X B followed by the
    target's mask (A, B the two roles' transitions, sparse).

    Returns:
        The probability, or None when a month has more than MAX_JOINT state pairs.
    """
    if any(a.size * b.size > MAX_JOINT for a, b in zip(ds.people, mle.people)):
        return None
    x = np.outer(ds.prob[0], mle.prob[0]) * target_mask(ds.people[0], mle.people[0], k)
    for i, (a, b) in enumerate(zip(ds.transposed(), mle.transposed())):
        x = np.asarray(b @ (a @ x).T).T  # A^T X B, with a = A^T and b = B^T
        x *= target_mask(ds.people[i + 1], mle.people[i + 1], k)
    return float(x.sum())
