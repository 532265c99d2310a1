"""One role's headcount as an exact Markov chain: the distribution `simulate` samples from.

The chain is the Monte Carlo's recursion (forecasting/simulate/engine.py: `simulate_role`,
`simulate_positions_role`, `_stay`) run on probabilities instead of draws. A state is

* starts mode (no hiring policy): (batch, headcount) -- exits ~ Binomial(N, p), then the
  month's planned starts, each kept with the fill rate;
* positions mode: (batch, headcount, due backlog, pending requisitions by the step they
  come due) -- exits, requisitions opened for every position neither filled nor being
  filled, cancellation of unstarted requisitions latest first when positions fall, at
  most `cap` due requisitions tried a month, each starting with the fill rate (a failed
  one stays in the backlog);
* in either mode, after the exits, a planned reskilling's people leave (as many as there
  are; `ChainResult.short` is the probability that fewer were there) or join.

A *batch* is one value of what a Monte Carlo path draws once: its monthly exit
probability (a quadrature node of the attrition distribution) and, for a `path` policy
with a band, its positions (one cell of the band's z, forecasting/simulate/exact_mixture.py).
The batch is part of the state, so the chain of a role is one chain and its probabilities
carry the mixture's weights.

States are kept sparse: each month the reachable states are enumerated (every exit and
fill outcome of every state), equal states merged, and the least likely states are dropped
within an explicit budget: the whole chain drops at most TRUNCATION = 1e-12 of probability,
half of each month's share in the upper tail of the exits (a state's exit outcomes are
expanded until its probability times the tail left is below its share) and half in the
least likely merged states. The dropped mass is reported. Vectorised over states with
numpy; the loop runs over months only.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecasting.simulate import exact_nodes
from forecasting.simulate.exact_months import (
    Stage,
    key_columns,
    merge_late,
    open_and_due,
    quick_month,
    quick_outcomes,
)
from forecasting.simulate.exact_states import (
    MAX_EXPANDED,
    ChainSpec,
    NotExact,
    binomial_table,
    expand,
    fill_table,
    merge,
    non_increasing,
    outcomes_within,
    prune,
    within_expansion,
)

#: Probability a whole chain may drop (least likely states), over all months.
TRUNCATION = 1e-12
#: Live states (all batches together) above which a chain is not evaluated exactly.
MAX_STATES = 150_000
#: The most binomial-table work (quadrature nodes x people x people) and the largest
#: fill-rate table (starts x starts) an exact chain may build: beyond, a team of tens of
#: thousands would take minutes and gigabytes before the state count could refuse it.
MAX_TABLE_WORK = 4e8
MAX_FILL_TABLE = 2_000
#: State-months `states_at` runs between two asks of its give_up (about 15 ms of work).
ASK_EVERY = 100_000
#: Take the short cuts that give the same numbers (`quick_month`, `_exit_outcomes`'
#: bisection); False runs every month's general steps (tests compare the two).
QUICK = True
#: Run a shrinking team's chain with its rate nodes side by side (exact_nodes.py
#: `side_by_side`: the same numbers within the truncation, a third to a half of the CPU)
#: when it records no states; False: the general chain (tests compare the two).
NODES = True


class ChainCutShort(NotExact):
    """The caller's `give_up` stopped a chain part-way (its work budget ran out). Not
    remembered in the memo: with more time the chain is exact."""


#: Called between a chain's months: True gives the chain up (ChainCutShort); it may also
#: raise (e.g. the caller's cancellation), which passes through.
GiveUp = Callable[[], bool]


@dataclass
class Recorded:
    """The chain's states from a month on, for the joint (DS x MLE) chain of P(held).

    Attributes:
        first: the first recorded month.
        people: per month m >= first: (S_m,) headcount of each state.
        prob: per month: (S_m,) probability of each state (mixture weights included).
        moves: per step m -> m+1, its stages (the exits, then the fill when it is random):
            (src, dst, conditional probability, number of destination states).
    """

    first: int
    people: list[np.ndarray] = field(default_factory=list)
    prob: list[np.ndarray] = field(default_factory=list)
    moves: list[list[Stage]] = field(default_factory=list)
    _transposed: list[Any] | None = None

    def transposed(self) -> list[Any]:
        """Per step, the transition's transpose as a scipy.sparse CSR matrix (made once):
        row d holds the probabilities of moving into state d."""
        if self._transposed is None:
            from scipy import sparse  # only P(held) needs it

            out = []
            for i, stages in enumerate(self.moves):
                n_src = self.people[i].size
                step = None
                for src, dst, p, n_dst in stages:
                    m = sparse.csr_matrix((p, (dst, src)), shape=(n_dst, n_src))
                    step = m if step is None else m @ step
                    n_src = n_dst
                out.append(step)
            self._transposed = out
        return self._transposed


@dataclass(frozen=True)
class ChainResult:
    """One role's exact headcount distribution.

    Attributes:
        probabilities: (T+1, max_people+1) P(headcount = n) in each month.
        truncated: probability dropped (rows sum to 1 - at most this).
        states: live states in each month (T+1,).
        recorded: the states and moves from the requested month on, or None.
        short: probability that some step had fewer people than its `moves_out` (they
            all left; the people joining another role from it are then fewer).
    """

    probabilities: np.ndarray
    truncated: float
    states: np.ndarray
    recorded: Recorded | None = None
    short: float = 0.0


# ------------------------------------------------------------------ the chain


class ChainMemo:
    """Chains already run, by what they are (the spec, the recording month, the state bound
    and the truncation): a thread-safe LRU of the last `size` results (and of the chains
    found too large, which are the slowest to find out).

    A scenario's change of target, deadline, confidence or hold leaves every role's chain
    as it was, and the solver's next search tries mostly the same ML engineer schedules:
    their chains come from here. A result is the same object every time: its arrays are
    read-only.

    Bounded by `size` entries and `max_bytes` of arrays (a distribution is (T+1) x (N+1)
    floats: 18 MB for 19,000 people over 120 months, so 256 of them would be 4.6 GB in a
    server that many links reach); the least recently used go first.
    """

    def __init__(self, size: int, max_bytes: float | None = None) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.nbytes = 0  # the arrays of what is kept
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, ChainResult | NotExact] = OrderedDict()
        self._sizes: dict[bytes, int] = {}

    def get(self, key: bytes) -> ChainResult | NotExact | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: bytes, value: ChainResult | NotExact) -> None:
        with self._lock:
            self.nbytes -= self._sizes.pop(key, 0)
            self._items[key] = value
            self._items.move_to_end(key)
            self._sizes[key] = _nbytes(value)
            self.nbytes += self._sizes[key]
            while self._items and (
                len(self._items) > self.size
                or (self.max_bytes is not None and self.nbytes > self.max_bytes)
            ):
                old, _ = self._items.popitem(last=False)
                self.nbytes -= self._sizes.pop(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._sizes.clear()
            self.nbytes = 0


def _nbytes(value: ChainResult | NotExact) -> int:
    """Bytes of the arrays a memo entry holds (its distribution, states, recorded moves)."""
    if not isinstance(value, ChainResult):
        return 0
    total = value.probabilities.nbytes + value.states.nbytes
    rec = value.recorded
    if rec is not None:
        total += sum(a.nbytes for a in (*rec.people, *rec.prob))
        total += sum(a.nbytes for step in rec.moves for stage in step for a in stage[:3])
    return total


#: Chains kept between calls (a distribution is (T+1) x (N+1) floats: a few kB for a team
#: of tens, 18 MB for 19,000 people over 120 months) and chains kept with their recorded
#: states for P(held) (larger: a few); each memo within MEMO_BYTES of arrays.
MEMO_BYTES = 128 * 2**20
MEMO = ChainMemo(256, MEMO_BYTES)
MEMO_RECORDED = ChainMemo(8, MEMO_BYTES)


def _memo_key(spec: ChainSpec, record_from: int | None, max_states: int) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    scalars = (spec.months, spec.n0, spec.fill_rate, spec.lag, spec.cap, spec.open_reqs)
    h.update(repr((scalars, record_from, max_states, TRUNCATION)).encode())
    arrays = (spec.p_exit, spec.rate_weight, spec.starts, spec.positions, spec.cell_weight)
    for arr in (*arrays, spec.moves_out, spec.moves_in):
        if arr is None:
            h.update(b"none")
            continue
        a = np.ascontiguousarray(arr)
        h.update(repr((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.digest()


def _read_only(result: ChainResult) -> ChainResult:
    result.probabilities.flags.writeable = False
    result.states.flags.writeable = False
    return result


def run_chain(
    spec: ChainSpec,
    *,
    record_from: int | None = None,
    max_states: int = MAX_STATES,
    memo: bool = True,
    give_up: GiveUp | None = None,
) -> ChainResult:
    """The exact headcount distribution of one role, month by month.

    Args:
        spec: the role's chain (exact.py builds it from a scenario).
        record_from: keep the states and moves from this month on (for P(held)).
        max_states: the most live states (all batches) before giving up; the work is
            about 1.5 microseconds per state and month.
        memo: look the chain up in (and keep it in) `MEMO` / `MEMO_RECORDED`; the
            result is the same either way.
        give_up: asked before the chain starts and between its months (not on a memo
            hit); True stops it with ChainCutShort, which the memo does not keep.

    Returns:
        The distribution, the truncated mass and, when asked, the recorded states
        (arrays read-only when memoised).

    Raises:
        NotExact: the live states exceed `max_states`; ChainCutShort: `give_up` said so.
    """
    if not memo:
        return _run_chain(spec, record_from=record_from, max_states=max_states, give_up=give_up)
    store = MEMO if record_from is None else MEMO_RECORDED
    key = _memo_key(spec, record_from, max_states)
    hit = store.get(key)
    if isinstance(hit, NotExact):
        raise NotExact(str(hit))
    if hit is not None:
        return hit
    try:
        result = _read_only(
            _run_chain(spec, record_from=record_from, max_states=max_states, give_up=give_up)
        )
    except ChainCutShort:
        raise
    except NotExact as exc:
        store.put(key, exc)
        raise
    store.put(key, result)
    return result


def known(spec: ChainSpec, max_states: int = MAX_STATES) -> bool:
    """True when `MEMO` holds this chain (its result, or that it is too large)."""
    return MEMO.get(_memo_key(spec, None, max_states)) is not None


def states_at(
    spec: ChainSpec, month: int, *, max_states: int = MAX_STATES, give_up: GiveUp | None = None
) -> int:
    """The live states of the chain at `month`, running its months up to there only (the
    same months `run_chain` runs first, raising as it would in them; give_up asked before
    and then every ASK_EVERY state-months, not every month: a few milliseconds of a
    search's many small chains, each ask a check of the session). Kept in `MEMO` (the
    chain's months up to `month`, under their own key: a search asks again at every
    rerun); what a memo entry holds past `month` is not read."""
    key = _memo_key(spec, None, max_states) + b"until %d" % month
    hit = MEMO.get(key)
    if isinstance(hit, ChainResult):
        return int(hit.states[month])
    result = _read_only(
        _run_chain(
            spec,
            record_from=None,
            max_states=max_states,
            give_up=give_up,
            until=month,
            ask_every=ASK_EVERY,
        )
    )
    MEMO.put(key, result)
    return int(result.states[month])


def never_too_large(spec: ChainSpec, max_states: int = MAX_STATES) -> bool:
    """True when the chain cannot raise NotExact in any month (a bound, not a run): its
    tables are within bounds and its states within `max_states` and MAX_EXPANDED
    outcomes whatever happens. A hiring policy whose positions never fall below the
    people and their requisitions (positions never decreasing, none joining from
    reskilling, no more people and requisitions at the start than positions) keeps
    people + requisitions = positions after every month, so a rate node and cell has at
    most C(W + lag + 1, lag + 1) states (people, backlog and each month's requisitions
    adding up to W, the most positions); in starts mode a state is a headcount."""
    n_max = spec.max_people
    if len(spec.p_exit) * float(n_max + 2) * n_max > MAX_TABLE_WORK:
        return False
    tries = 0
    if spec.positions is None:
        assert spec.starts is not None
        per_batch = n_max + 1
        if spec.fill_rate < 1.0:
            tries = int(spec.starts.max(initial=0))
    else:
        pos = spec.positions
        if spec.moves_in is not None and spec.moves_in.any():
            return False
        if pos.shape[1] < 2 or np.any(np.diff(pos, axis=1) < 0):
            return False
        if spec.n0 + spec.open_reqs > int(pos[:, 1].min()):
            return False
        per_batch = math.comb(int(pos.max(initial=0)) + spec.lag + 1, spec.lag + 1)
        if spec.fill_rate < 1.0:
            tries = min(spec.cap, n_max + spec.open_reqs)
    if tries > MAX_FILL_TABLE:
        return False
    bound = spec.batches * per_batch
    if bound > max_states:
        return False
    outcomes = max(n_max + 2, tries + 1)  # exits 0..hi (hi <= the table's width), starts
    if bound * outcomes <= MAX_EXPANDED:
        return True
    width_k = binomial_table(spec.p_exit, n_max)[0].shape[2]
    return bound * max(width_k + 1, tries + 1) <= MAX_EXPANDED


def _run_chain(
    spec: ChainSpec,
    *,
    record_from: int | None,
    max_states: int,
    give_up: GiveUp | None,
    until: int | None = None,
    ask_every: int = 0,
) -> ChainResult:
    """`run_chain` without the memo (`until`: stop after that month, `states_at`; give_up
    asked before the chain and then once more than `ask_every` state-months have run
    since: between every two months by default)."""

    since = 0  # state-months run since give_up was last asked

    def check() -> None:
        if give_up is not None and give_up():
            raise ChainCutShort("the exact evaluation was cut short by the work budget")

    check()
    months, n_max = spec.months, spec.max_people
    n_cells = len(spec.cell_weight)
    if len(spec.p_exit) * float(n_max + 2) * n_max > MAX_TABLE_WORK:
        raise NotExact(f"the team is too large for exact evaluation ({n_max:,} people)")
    if NODES and record_from is None and exact_nodes.side_by_side(spec):
        side = exact_nodes.run_nodes(spec, max_states=max_states, truncation=TRUNCATION,
                                    max_fill=MAX_FILL_TABLE, check=check, until=until,
                                    ask_every=ask_every)  # fmt: skip
        cut = 1.0 - float(spec.cell_weight.sum())
        return ChainResult(side[0], side[1] + cut, side[2], None, side[3])
    pmf3, tail3 = binomial_table(spec.p_exit, n_max)
    width_k = pmf3.shape[2]
    pmf = pmf3.reshape(-1)  # flat: (node * (n_max + 1) + people) * width_k + exits
    tail = tail3.reshape(-1, width_k)
    monotone = QUICK and non_increasing(tail)
    fill_pmf = fill_table(spec, MAX_FILL_TABLE)
    lag = spec.lag if spec.positions_mode else 0
    width = 2 + (1 + lag if spec.positions_mode else 0)  # b, people[, backlog, pending...]
    batches = spec.batches
    node_of = np.arange(batches) // n_cells
    # cols[:, i]: state i = (batch, people[, due backlog, pending due in step t + j ...])
    cols = np.zeros((width, batches), dtype=np.int64)
    cols[0] = np.arange(batches)
    cols[1] = spec.n0
    if spec.positions_mode and spec.open_reqs:
        cols[2 + lag] = spec.open_reqs  # due at step max(lag, 1) - 1 (lag 0: the backlog)
    prob = np.outer(spec.rate_weight, spec.cell_weight).ravel()
    dropped = short = 0.0
    out = np.zeros((months + 1, n_max + 1))
    out[0, spec.n0] = prob.sum()
    rec = Recorded(first=record_from) if record_from is not None else None
    if rec is not None and record_from == 0:
        rec.people.append(cols[1].copy())
        rec.prob.append(prob.copy())
    per_step = TRUNCATION / 2 / max(months, 1)
    n_states = np.zeros(months + 1, dtype=np.int64)
    n_states[0] = prob.size
    for t in range(months if until is None else min(until, months)):
        since += prob.size
        if since > ask_every:
            check()
            since = 0
        stages: list[Stage] = []
        # 1. exits ~ Binomial(people, p) of the batch's rate node: outcomes 0..hi, hi the
        # first whose upper tail times the state's probability is within its share.
        row = node_of[cols[0]] * (n_max + 1) + cols[1]
        hi, at = _exit_outcomes(tail, row, prob, per_step / (2 * prob.size), monotone)
        dropped += float(np.add.reduce(prob * at))  # (not BLAS: its threads cost more)
        within_expansion(hi, t)
        quick = quick_month(cols, hi, spec, t, fill_pmf is not None) if QUICK else None
        if quick is not None:
            # the common month in a few passes over the outcomes (`quick_outcomes`)
            recording = rec is not None and t >= rec.first
            fill = None if fill_pmf is None else (fill_pmf, spec.cap)
            codes, prob, inv, src, cp, stages = quick_outcomes(
                quick, (pmf, width_k, row), prob, hi, fill, recording, t
            )
            dropped, codes, prob, inv = _pruned(dropped, codes, prob, inv, per_step, recording)
            cols = quick.decode(codes)
            n_states[t + 1] = _close_month(
                spec, t, cols, prob, inv, src, cp, stages, rec, out, lag, max_states
            )
            continue
        src, exits = expand(hi + 1)
        cp = np.take(pmf, np.take(row, src) * width_k + exits)
        new = np.take(cols, src, axis=1)
        new[1] -= exits
        # 1b. reskilling as planned: out of this role, or into it after training
        if spec.moves_out is not None and spec.moves_out[t + 1]:
            leave = int(spec.moves_out[t + 1])
            lacking = new[1] < leave
            if lacking.any():
                short += float(np.take(prob, src[lacking]) @ cp[lacking])
            new[1] -= np.minimum(new[1], leave)
        if spec.moves_in is not None and spec.moves_in[t]:
            new[1] += int(spec.moves_in[t])
        # 2. requisitions (positions mode) or planned starts, and the starts tried
        if spec.positions is not None:
            tried, want = open_and_due(new, spec, t, n_cells)
        else:
            assert spec.starts is not None
            planned = int(spec.starts[t])
            want = None
            tried = np.full(new.shape[1], planned if fill_pmf is not None else 0)
            if fill_pmf is None:
                new[1] += planned
        # 3. each start tried happens with the fill rate (a failed one stays in the backlog)
        if fill_pmf is not None and tried.max(initial=0) > 0:
            first, inv = merge(new, new if want is None else key_columns(new, want, lag))
            stages.append((src, inv, cp, first.size))
            new, tried = np.take(new, first, axis=1), np.take(tried, first)
            prob_mid = np.bincount(inv, weights=np.take(prob, src) * cp, minlength=first.size)
            if want is not None:
                want = np.take(want, first)
            within_expansion(tried, t)
            src, got = expand(tried + 1)
            cp = fill_pmf[np.take(tried, src), got]
            new = np.take(new, src, axis=1)
            if want is not None:
                want = np.take(want, src)
        else:
            prob_mid, got = prob, tried
        if spec.positions is not None:
            new[2] -= got
        new[1] += got
        key = new if want is None else key_columns(new, want, lag)
        first, inv = merge(new, key)
        cols = np.take(new, first, axis=1)
        prob = np.bincount(inv, weights=np.take(prob_mid, src) * cp, minlength=first.size)
        dropped, cols, prob, inv = _pruned(dropped, cols, prob, inv, per_step)
        n_states[t + 1] = _close_month(
            spec, t, cols, prob, inv, src, cp, stages, rec, out, lag, max_states
        )
    cut = 1.0 - float(spec.cell_weight.sum())
    return ChainResult(out, dropped + cut, n_states, rec, short)


def _exit_outcomes(
    tail: np.ndarray, row: np.ndarray, prob: np.ndarray, threshold: float, monotone: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each state's last exit outcome expanded (`hi`: the first whose upper tail times the
    state's probability is within `threshold`) and that upper tail (what is dropped).

    Bisected along each row of the tail table when its rows never increase (`monotone`),
    else counted over the whole row; the same numbers either way.
    """
    width_k = tail.shape[1]
    if monotone and row.size * width_k > 32_768:  # (a small month: one pass is quicker)
        hi = outcomes_within(tail, row, prob, threshold)
        if hi.max(initial=0) < width_k:
            return hi, np.take(tail.reshape(-1), row * width_k + hi)
    tails = np.take(tail, row, axis=0)
    hi = np.count_nonzero(tails * prob[:, None] > threshold, axis=1)
    return hi, np.take(tails.reshape(-1), np.arange(prob.size) * width_k + hi)


def _pruned(
    dropped: float,
    cols: np.ndarray,
    prob: np.ndarray,
    inv: np.ndarray,
    per_step: float,
    rows: bool = True,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Drop the month's least likely states within `per_step` (`prune`): the dropped
    mass added to `dropped`, the kept states (columns of `cols`, the last axis), and rows
    into them (-1: dropped; when `rows`, else `inv` as it was)."""
    keep = prune(prob, per_step)
    if keep is not None:
        dropped += float(prob.sum() - prob[keep].sum())
        cols, prob_kept = np.take(cols, keep, axis=-1), np.take(prob, keep)
        if rows:
            remap = np.full(prob.size, -1, dtype=np.int64)
            remap[keep] = np.arange(keep.size)
            inv = np.take(remap, inv)
        prob = prob_kept
    return dropped, cols, prob, inv


def _close_month(
    spec: ChainSpec,
    t: int,
    cols: np.ndarray,
    prob: np.ndarray,
    inv: np.ndarray,
    src: np.ndarray,
    cp: np.ndarray,
    stages: list[Stage],
    rec: Recorded | None,
    out: np.ndarray,
    lag: int,
    max_states: int,
) -> int:
    """The end of month t -> t+1 (in place): the state bound, the recorded moves and
    states, late requisitions merged, the month's headcount distribution. Returns the
    live states."""
    if prob.size > max_states:
        raise NotExact(
            f"the chain has {prob.size:,} states at month {t + 1} (more than {max_states:,})"
        )
    if rec is not None and t >= rec.first:
        ok = inv >= 0
        stages.append((src[ok], inv[ok], cp[ok], prob.size))
        rec.moves.append(stages)
    if lag > 1:
        merge_late(cols, spec.months - (t + 1))
    out[t + 1] = np.bincount(cols[1], weights=prob, minlength=out.shape[1])
    if rec is not None and t + 1 >= rec.first:
        rec.people.append(cols[1].copy())
        rec.prob.append(prob.copy())
    return prob.size
