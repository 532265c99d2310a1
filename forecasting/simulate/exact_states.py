"""The exact chains' building blocks (exact_chain.py): binomial tables, expanding each
state into its outcomes, merging equal states and pruning the least likely."""

from __future__ import annotations

import numpy as np

#: The most outcomes (state x exits, or state x starts) one month may expand to before its
#: equal states merge: about 100 bytes each at the peak, so a chain holds at most a few
#: hundred MB at once. A few thousand states of a team of thousands (hundreds of exit
#: outcomes each) reach it long before the state bound (a 19,000-person role used 22 GB).
MAX_EXPANDED = 3_000_000


class NotExact(Exception):
    """The exact chain is not available for this scenario (the message says why); the
    caller uses the Monte Carlo instead."""


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
    return idx, np.arange(idx.size) - starts[idx]


# ------------------------------------------------------------------ states


def merge(cols: np.ndarray, key_cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Find equal states: (index of one row of each distinct state, row -> distinct state).

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
    size = int(np.prod(span))
    if size <= max(8 * key.size, 1 << 16):
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        distinct = np.flatnonzero(seen)
        lookup = np.empty(size, dtype=np.int64)
        lookup[distinct] = np.arange(distinct.size)
        inv = lookup[key]
        first = np.empty(distinct.size, dtype=np.int64)
        first[inv] = np.arange(key.size)
        return first, inv
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    return first, inv.ravel()


def prune(prob: np.ndarray, budget: float) -> np.ndarray | None:
    """Indices of the states to keep (None: all): drop the least likely ones while their
    total probability stays within `budget`."""
    if budget <= 0 or prob.size < 2 or prob.min() > budget:
        return None
    # Only states at most `budget` likely can be among the dropped (each counts in the
    # sum): they are the least likely, so sorting them alone gives the same partial sums
    # as sorting every state, in O(states) instead of a sort of all (a few per mille of
    # a month's states are candidates).
    small = np.flatnonzero(prob <= budget)
    order = small[np.argsort(prob[small])]
    cum = np.cumsum(prob[order])
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
    rows = int(outcomes_less_one.sum()) + outcomes_less_one.size
    if rows > MAX_EXPANDED:
        raise NotExact(
            f"the chain has {rows:,} outcomes at month {t + 1} (more than {MAX_EXPANDED:,})"
        )
