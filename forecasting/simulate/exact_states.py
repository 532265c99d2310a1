"""The exact chains' building blocks (exact_chain.py): what a chain is (`ChainSpec`),
binomial tables, expanding each state into its outcomes, merging equal states and
pruning the least likely."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: The most outcomes (state x exits, or state x starts) one month may expand to before its
#: equal states merge: about 100 bytes each at the peak, so a chain holds at most a few
#: hundred MB at once. A few thousand states of a team of thousands (hundreds of exit
#: outcomes each) reach it long before the state bound (a 19,000-person role used 22 GB).
MAX_EXPANDED = 3_000_000


class NotExact(Exception):
    """The exact chain is not available for this scenario (the message says why); the
    caller uses the Monte Carlo instead."""


@dataclass(frozen=True)
class ChainSpec:
    """Everything one role's chain needs (built from a scenario in exact.py).

    Attributes:
        months: horizon T.
        n0: headcount at month 0.
        p_exit: (R,) monthly exit probability of each rate node.
        rate_weight: (R,) their weights (sum 1).
        fill_rate: probability that a tried start happens.
        starts: starts mode: (T,) planned starts (entry t joins in step t), else None.
        positions: positions mode: (J, T+1) positions of each band cell, else None.
        cell_weight: (J,) weights of the cells (sum <= 1: the band's tails are cut).
        lag: time to fill (positions mode).
        cap: most starts tried in a month (positions mode).
        open_reqs: requisitions open at month 0 (positions mode).
        moves_out: (T+1,) people leaving for reskilling by month index (in step t,
            after the exits, min(moves_out[t + 1], people) leave), or None.
        moves_in: (T,) people joining from reskilling in step t, after the exits, or None.
    """

    months: int
    n0: int
    p_exit: np.ndarray
    rate_weight: np.ndarray
    fill_rate: float = 1.0
    starts: np.ndarray | None = None
    positions: np.ndarray | None = None
    cell_weight: np.ndarray = field(default_factory=lambda: np.ones(1))
    lag: int = 0
    cap: int = 0
    open_reqs: int = 0
    moves_out: np.ndarray | None = None
    moves_in: np.ndarray | None = None

    @property
    def positions_mode(self) -> bool:
        return self.positions is not None

    @property
    def batches(self) -> int:
        return len(self.p_exit) * len(self.cell_weight)

    @property
    def max_people(self) -> int:
        """The most people the role can have in any month."""
        joining = 0 if self.moves_in is None else int(self.moves_in.sum())
        if self.positions is not None:
            return int(max(self.n0, self.positions.max(initial=0))) + joining
        assert self.starts is not None
        return int(self.n0 + self.starts.sum()) + joining


# ------------------------------------------------------------------ binomial tables


def binomial_table(p: np.ndarray, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Binomial(n, p) pmfs for n = 0..n_max and each p, with upper tails.

    Built by the recursion pmf_{n+1}(k) = (1 - p) pmf_n(k) + p pmf_n(k - 1) (a convex
    combination, so stable), keeping only the columns k < K where the upper tail of
    Binomial(n_max, p) beyond K is below 1e-30.

    Args:
        p: (R,) probabilities.
        n_max: largest n.

    Returns:
        (pmf (R, n_max+1, K), tail (R, n_max+1, K) = P(X > k) up to the 1e-30 cut).
    """
    p = np.asarray(p, dtype=float)[:, None]
    q = 1.0 - p
    row = np.zeros((p.shape[0], n_max + 2))
    row[:, 0] = 1.0
    for _ in range(n_max):
        row[:, 1:] = q * row[:, 1:] + p * row[:, :-1]
        row[:, 0] *= q[:, 0]
    beyond = np.cumsum(row[:, ::-1], axis=1)[:, ::-1]  # P(X >= k) for n = n_max
    k = int(np.max(np.argmax(beyond < 1e-30, axis=1), initial=1))  # beyond[n_max + 1] = 0
    pmf = np.zeros((p.shape[0], n_max + 1, k))
    row = np.zeros((p.shape[0], k + 1))
    row[:, 0] = 1.0
    pmf[:, 0, :] = row[:, :k]
    for n in range(1, n_max + 1):
        row[:, 1:] = q * row[:, 1:] + p * row[:, :-1]
        row[:, 0] *= q[:, 0]
        pmf[:, n, :] = row[:, :k]
    # P(X > k) within the kept columns (the rest is below 1e-30), summed from the top.
    tail = np.cumsum(pmf[:, :, ::-1], axis=2)[:, :, ::-1] - pmf
    return pmf, np.maximum(tail, 0.0)


def full_binomial(p: float, n_max: int) -> np.ndarray:
    """(n_max+1, n_max+1) Binomial(n, p) pmfs, row n, every outcome."""
    out = np.zeros((n_max + 1, n_max + 1))
    out[0, 0] = 1.0
    for n in range(1, n_max + 1):
        out[n, 1:] = (1.0 - p) * out[n - 1, 1:] + p * out[n - 1, :-1]
        out[n, 0] = (1.0 - p) * out[n - 1, 0]
    return out


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row index, outcome 0..count-1) for every outcome of every row."""
    idx = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return idx, np.arange(idx.size) - np.repeat(starts, counts)


# ------------------------------------------------------------------ states


def merge(cols: np.ndarray, key_cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find equal states: (index of one row of each distinct state, row -> distinct state).

    The distinct states come in the lexicographic order of `key_cols` (its first row
    first), whichever way they are found.

    Args:
        cols: (width, m) the states, one column per row.
        key_cols: (width', m) non-negative integers that identify a state (cols itself,
            or a smaller-ranged equivalent).
    """
    low = key_cols.min(axis=1)
    span = key_cols.max(axis=1) - low + 1
    if float(np.prod(span.astype(float))) >= 2.0**62:  # pragma: no cover - a very long lag
        _, first, inv = np.unique(cols.T, axis=0, return_index=True, return_inverse=True)
        return first, inv.ravel()
    key = np.zeros(key_cols.shape[1], dtype=np.int64)
    for j in range(key_cols.shape[0]):
        if span[j] > 1:
            key *= span[j]
            key += key_cols[j] - low[j]
    return merge_codes(key, int(np.prod(span)))


def merge_codes(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`merge` of states already coded as one integer each, 0 <= key < size, in the order
    of the states: (index of one row of each distinct code, row -> distinct code), the
    distinct codes ascending."""
    distinct, inv = distinct_codes(key, size)
    first = np.empty(distinct.size, dtype=np.int64)
    first[inv] = np.arange(key.size)
    return first, inv


def distinct_codes(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct codes of `key` ascending, row -> its code's index), 0 <= key < size."""
    if size <= max(8 * key.size, 1 << 16):
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        distinct = np.flatnonzero(seen)
        lookup = np.empty(size, dtype=np.int64)
        lookup[distinct] = np.arange(distinct.size)
        return distinct, np.take(lookup, key)
    got = np.unique(key, return_inverse=True)
    return got[0], got[1].ravel()


def non_increasing(tail: np.ndarray) -> bool:
    """True when every row of `tail` (last axis) never increases, as upper tails should
    (in floating point a tail's rounding could, in principle, break it)."""
    return bool(np.all(tail[..., 1:] <= tail[..., :-1]))


def outcomes_within(
    tail: np.ndarray, row: np.ndarray, prob: np.ndarray, threshold: float
) -> np.ndarray:
    """For each state, how many of its upper tails P(X > k) (k = 0..K-1, row `row` of the
    (rows, K) table `tail`, non-increasing along k) times its probability exceed
    `threshold`: `count_nonzero(tail[row] * prob[:, None] > threshold, axis=1)` by a
    bisection of each row (log2 K gathers of one value per state instead of K)."""
    width = tail.shape[1]
    flat = tail.reshape(-1)
    base = row * width
    lo = np.zeros(row.size, dtype=np.int64)
    hi = np.full(row.size, width, dtype=np.int64)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) >> 1
        above = np.take(flat, base + np.minimum(mid, width - 1)) * prob > threshold
        above &= active
        below = active & ~above
        lo = np.where(above, mid + 1, lo)
        hi = np.where(below, mid, hi)


def prune(prob: np.ndarray, budget: float) -> np.ndarray | None:
    """Indices of the states to keep (None: all): drop the least likely ones while their
    total probability stays within `budget`."""
    if budget <= 0 or prob.size < 2 or prob.min() > budget:
        return None
    # Only states at most `budget` likely can be among the dropped (each counts in the
    # sum): they are the least likely, so sorting them alone gives the same partial sums
    # as sorting every state, in O(states) instead of a sort of all (a few per mille of
    # a month's states are candidates).
    # Fewer still: the states at most `below` likely, when they add up to more than the
    # budget (the cut then falls among them; typically half the states are within the
    # budget and the dropped ones a thousandth of it).
    below = budget / 1024 if prob.size > 4096 else budget
    while True:
        small = np.flatnonzero(prob <= below)
        order = np.take(small, np.argsort(np.take(prob, small)))
        cum = np.cumsum(np.take(prob, order))
        if below >= budget or (cum.size and cum[-1] > budget):
            break
        below = min(below * 32, budget)
    n_drop = int(np.searchsorted(cum, budget, side="right"))
    if n_drop == 0:
        return None
    if n_drop < order.size and prob[order[n_drop]] == prob[order[n_drop - 1]]:
        # The cut falls inside a run of equal probabilities: which of them go depends on
        # the sort's order of ties; drop the ones a sort of all the states drops.
        order = np.argsort(prob)
    drop = np.zeros(prob.size, dtype=bool)
    drop[order[:n_drop]] = True
    return np.flatnonzero(~drop)


def within_expansion(outcomes_less_one: np.ndarray, t: int) -> None:
    """NotExact when a month's states would expand to more than MAX_EXPANDED outcomes."""
    within_outcomes(int(outcomes_less_one.sum()) + outcomes_less_one.size, t, MAX_EXPANDED)


def within_outcomes(rows: int, t: int, bound: int) -> None:
    """NotExact when month t's `rows` outcomes are more than `bound` (MAX_EXPANDED)."""
    if rows > bound:
        raise NotExact(f"the chain has {rows:,} outcomes at month {t + 1} (more than {bound:,})")


def fill_table(spec: ChainSpec, max_fill: int) -> np.ndarray | None:
    """The fill rate's binomial table for the most starts a month can try (`full_binomial`),
    None when every start happens; NotExact beyond `max_fill` starts."""
    if spec.fill_rate >= 1.0:
        return None
    if spec.starts is not None:
        most = int(spec.starts.max(initial=0))
    else:
        most = min(spec.cap, spec.max_people + spec.open_reqs)
    if most > max_fill:
        raise NotExact(f"too many starts a month for exact evaluation ({most:,})")
    return full_binomial(spec.fill_rate, max(most, 0))
