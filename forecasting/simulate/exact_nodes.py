"""An exact chain with its attrition nodes side by side (exact_chain.py runs it when no
states are recorded): the same chain as `exact_chain._run_chain`'s, whose states are
(batch, ...) with the batch's rate node a digit of the state, laid out as one row per
(band cell, ...) state and one column per rate node.

Every node of a role sees the same positions, starts, cap and fill rate; only its exits
differ. So the states the nodes reach are nearly the same, and the general chain found,
expanded, sorted and merged each of them once per node: 24 times the same work on the
columns of a state. Here a state's columns are worked once, and its 24 probabilities
travel as one row of a (states, nodes) array: the exits' outcomes of a state are those of
its node needing the most, the merge sorts the states once, and the probabilities of
equal states are summed per node.

The numbers are the general chain's within its truncation: the outcomes and states a
node would have dropped are kept while another node needs them (so less is dropped), and
the least likely (state, node) probabilities are dropped within the same budget. An
independent review ran 3,907 random chains both ways (1-30 nodes, 1-60 people, 6-36
months, both modes, band cells, reskilling): distributions within 6.5e-14 of each other,
the reskilling shortfall within 8.3e-14, and both within 3.7e-13 of a brute-force
enumeration of small chains. Its live (state, node) pairs count against the state bound
(0.995-1.029 times the general chain's states in a month, for the outcomes it keeps) and
the general chain's own outcomes against the expansion bound (counted pair by pair when
the bound is near: 0.2% more than the general chain's, from the pairs pruned
differently), so the chains refused as too large are the same but within a few percent of
a bound (1 of the 3,907, at 0.8% over the state bound). The exact P(held)'s size check
reads the data scientists' states from here for a shrinking team: near its bound it may
sample where it used to be exact.

Where it is used (`side_by_side`): a shrinking team, whose months the general chain
cannot take its short cut for. The upload roster's 91 data scientists asked to be 89 or
87 by the deadline (24 nodes, 49-52 k (state, node) pairs a month): 1.24 / 1.06 s CPU a
chain -> 0.39 / 0.35 s, that control's cold rerun 1.31 / 1.12 -> 0.46 / 0.41 s (the same
values, one process, back to back). A growing team stays with the general chain's short
cut, which is quicker there (tests/test_speed_nodes.py, `side_by_side`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasting.simulate.exact_months import key_columns, merge_late, open_and_due
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
    within_outcomes,
)

#: Fewest rate nodes and people for which the side-by-side layout is used (with one
#: node it is the general chain without its short cuts; a small chain's months cost
#: their numpy calls, not their states).
MIN_NODES = 4
MIN_PEOPLE = 20
#: Share of a chain's months with falling positions from which it runs side by side
#: (`side_by_side`: 0.5 and more measured quicker here, 0.17 quicker in the general chain).
SHRINKING = 0.4


def side_by_side(spec: ChainSpec) -> bool:
    """Whether `run_nodes` is the quicker way to run `spec`: a hiring policy's chain of
    MIN_PEOPLE or more with MIN_NODES rate nodes or more that spends at least SHRINKING
    of its months with its positions below its people or below an earlier month's
    positions (a shrinking team), months that are not `quick_month`'s, which the general
    chain runs per (state, node). 91 data scientists shrinking to 87: 3.3 -> 1.2 s CPU;
    30 whose positions fall by 5 and rise again (0.71 of the months): 0.14 -> 0.08 s;
    40 growing to 50 and falling back to 45 (0.5): 0.29 -> 0.16 s. A chain whose
    positions never fall is quicker in the general chain (its quick months expand each
    (state, node) to its own outcomes: 1.0 against 1.5 s for 91 growing to 95), and so is
    one that dips for a month or two (0.17 of the months: 0.19 against 0.22 s) and a
    small one."""
    pos = spec.positions
    if pos is None or len(spec.p_exit) < MIN_NODES or spec.max_people < MIN_PEOPLE:
        return False
    if spec.lag < 1 or pos.shape[1] < 2:
        return False
    # people above their positions stay (nobody is laid off) until enough of them leave
    start = np.maximum(pos[:, :1], spec.n0)
    highest = np.maximum.accumulate(np.concatenate([start, pos[:, 1:]], axis=1), axis=1)
    below = pos[:, 1:] < highest[:, 1:]
    return float(below.mean()) >= SHRINKING


def _sums(rows: np.ndarray, inv: np.ndarray, size: int) -> np.ndarray:
    """Rows of `rows` (E, R) summed by destination `inv` (E,) into (size, R), each node's
    sum in the order of the rows (as the general chain's bincount adds them): a sparse
    (size, E) matrix of ones, one per column, times the rows (the same sums as a bincount
    of the flattened (row, node) pairs, bit for bit, 9x quicker on a million rows)."""
    from scipy import sparse  # (not at import: `plan` and a growing team's chain run without it)

    ones = np.ones(inv.size)
    gather = sparse.csc_matrix((ones, inv, np.arange(inv.size + 1)), shape=(size, inv.size))
    return np.asarray(gather @ rows)


def _own_outcomes(
    tail3: np.ndarray, people: np.ndarray, prob: np.ndarray, share: float
) -> np.ndarray:
    """(nodes, states): the last exit outcome each (state, node) of the general chain
    expands (its own, not its state's), -1 where the pair has no probability."""
    width_k = tail3.shape[2]
    rows = (np.arange(tail3.shape[0])[:, None] * tail3.shape[1] + people[None, :]).ravel()
    need = outcomes_within(tail3.reshape(-1, width_k), rows, prob.T.ravel(), share)
    return np.where(prob.T > 0, need.reshape(tail3.shape[0], -1), -1)


def _expansion(
    tail3: np.ndarray,
    people: np.ndarray,
    prob: np.ndarray,
    share: float,
    hi: np.ndarray,
    live: np.ndarray,
    t: int,
) -> np.ndarray | None:
    """NotExact when the general chain would expand this month's exits to more than
    MAX_EXPANDED outcomes (its (state, node) pairs each to their own outcomes): counted
    pair by pair (and those returned, `_own_outcomes`) only when the states' outcomes
    (at least the pairs') could be more."""
    if int(((hi + 1) * live).sum()) <= MAX_EXPANDED:
        return None
    own = _own_outcomes(tail3, people, prob, share)
    within_outcomes(int((own + 1).sum()), t, MAX_EXPANDED)
    return own


def _fill_expansion(
    counts: np.ndarray, own: np.ndarray, src: np.ndarray, exits: np.ndarray, inv: np.ndarray
) -> int:
    """The general chain's outcomes of the fill stage: `counts` (starts tried + 1) for
    each merged (state, node) pair that one of the pair's own exit outcomes reaches (a
    pair reached only by outcomes another node of its state needed is not one of its)."""
    mine = (exits[:, None] <= own.T[src]).astype(float)  # (outcomes, nodes)
    reached = _sums(mine, inv, counts.size) > 0
    return int((counts * np.count_nonzero(reached, axis=1)).sum())


def run_nodes(
    spec: ChainSpec,
    *,
    max_states: int,
    truncation: float,
    max_fill: int,
    check: Callable[[], None] = lambda: None,
    until: int | None = None,
    ask_every: int = 0,
) -> tuple[np.ndarray, float, np.ndarray, float]:
    """The chain of `spec` month by month, its rate nodes side by side.

    Args:
        spec: the role's chain.
        max_states: the most live (state, node) pairs before NotExact.
        truncation: the probability the whole chain may drop.
        max_fill: the most starts a month the fill rate's table may have (NotExact).
        check: called once more than `ask_every` (state, node)-months have run since it
            last was (before a month): raises to stop the chain.
        until: stop after that month (None: the horizon).
        ask_every: see `check` (0: before every month).

    Returns:
        (probabilities (T+1, N+1), dropped, live pairs per month (T+1,), short), as the
        general chain's ChainResult has them (without the band's cut tails).
    """
    months, n_max = spec.months, spec.max_people
    n_cells = len(spec.cell_weight)
    pmf3, tail3 = binomial_table(spec.p_exit, n_max)
    width_k = pmf3.shape[2]
    # (people, exits, node): a state's outcome gathers one contiguous row of its nodes
    pmf_rows = np.ascontiguousarray(pmf3.transpose(1, 2, 0))
    tail_rows = np.ascontiguousarray(tail3.transpose(1, 2, 0))
    # the upper tails of the node most likely to lose people bound every node's (a
    # binomial's P(X > k) grows with p)
    top = tail3[int(np.argmax(spec.p_exit))]
    monotone = non_increasing(top)
    fill_pmf = fill_table(spec, max_fill)
    positions = spec.positions is not None
    lag = spec.lag if positions else 0
    width = 2 + (1 + lag if positions else 0)
    cols = np.zeros((width, n_cells), dtype=np.int64)
    cols[0] = np.arange(n_cells)  # the band cell (the general chain's batch less its node)
    cols[1] = spec.n0
    if positions and spec.open_reqs:
        cols[2 + lag] = spec.open_reqs
    prob = np.outer(spec.cell_weight, spec.rate_weight)  # (states, nodes)
    dropped = short = 0.0
    since = 0  # (state, node)-months since `check` was called
    out = np.zeros((months + 1, n_max + 1))
    out[0, spec.n0] = prob.sum()
    per_step = truncation / 2 / max(months, 1)
    n_states = np.zeros(months + 1, dtype=np.int64)
    n_states[0] = prob.size
    for t in range(months if until is None else min(until, months)):
        live = np.count_nonzero(prob, axis=1)
        pairs = int(live.sum())
        since += pairs
        if since > ask_every:
            check()
            since = 0
        # 1. exits: the general chain expands a (state, node)'s outcomes while its upper
        # tail times its probability is above its share; a state here expands as many as
        # the top node's tail times the state's largest probability asks, at least what
        # any of its nodes would
        share = per_step / (2 * pairs)
        if monotone:
            hi = outcomes_within(top, cols[1], prob.max(axis=1), share)
        else:  # (a rounding could make a tail rise: count over the whole row)
            hi = np.count_nonzero(top[cols[1]] * prob.max(axis=1)[:, None] > share, axis=1)
        hi = np.minimum(hi, width_k - 1)
        own = _expansion(tail3, cols[1], prob, share, hi, live, t)
        people_before, prob_before = cols[1], prob
        lost = tail_rows[cols[1], hi]  # (states, nodes): P(X > hi) of each node
        dropped += float(np.add.reduce((prob * lost).ravel()))
        src, exits = expand(hi + 1)
        people = np.take(cols[1], src)
        cp = pmf_rows[people, exits]  # (outcomes, nodes)
        new = np.take(cols, src, axis=1)
        new[1] -= exits
        if spec.moves_out is not None and spec.moves_out[t + 1]:
            leave = int(spec.moves_out[t + 1])
            lacking = new[1] < leave
            if lacking.any():
                short += float((np.take(prob, src[lacking], axis=0) * cp[lacking]).sum())
            new[1] -= np.minimum(new[1], leave)
        if spec.moves_in is not None and spec.moves_in[t]:
            new[1] += int(spec.moves_in[t])
        # 2. requisitions (positions mode) or planned starts, and the starts tried
        want = None
        if positions:
            tried, want = open_and_due(new, spec, t, n_cells)
        else:
            assert spec.starts is not None
            planned = int(spec.starts[t])
            tried = np.full(new.shape[1], planned if fill_pmf is not None else 0)
            if fill_pmf is None:
                new[1] += planned
        rows = np.take(prob, src, axis=0) * cp
        # 3. each start tried happens with the fill rate (a failed one stays in the backlog)
        if fill_pmf is not None and tried.max(initial=0) > 0:
            first, inv = merge(new, new if want is None else key_columns(new, want, lag))
            mid = _sums(rows, inv, first.size)
            new, tried = np.take(new, first, axis=1), np.take(tried, first)
            if want is not None:
                want = np.take(want, first)
            # the general chain counts its own merged pairs' starts tried (fewer than these
            # rows' pairs: an outcome kept for another node makes a pair it does not have)
            if int(((tried + 1) * np.count_nonzero(mid, axis=1)).sum()) > MAX_EXPANDED:
                if own is None:
                    own = _own_outcomes(tail3, people_before, prob_before, share)
                within_outcomes(_fill_expansion(tried + 1, own, src, exits, inv), t, MAX_EXPANDED)
            src, got = expand(tried + 1)
            rows = np.take(mid, src, axis=0) * fill_pmf[np.take(tried, src), got][:, None]
            new = np.take(new, src, axis=1)
            if want is not None:
                want = np.take(want, src)
        else:
            got = tried
        if positions:
            new[2] -= got
        new[1] += got
        first, inv = merge(new, new if want is None else key_columns(new, want, lag))
        cols = np.take(new, first, axis=1)
        prob = _sums(rows, inv, first.size)
        # the least likely (state, node) probabilities within the month's share
        nonzero = np.flatnonzero(prob)  # (flat, row-major)
        keep = prune(np.take(prob, nonzero), per_step)
        if keep is not None:
            gone = np.ones(nonzero.size, dtype=bool)
            gone[keep] = False
            at = np.divmod(nonzero[gone], prob.shape[1])
            dropped += float(prob[at].sum())
            prob[at] = 0.0
            kept = np.flatnonzero(prob.any(axis=1))
            cols, prob = np.take(cols, kept, axis=1), np.take(prob, kept, axis=0)
        n_states[t + 1] = np.count_nonzero(prob)
        if n_states[t + 1] > max_states:
            raise NotExact(
                f"the chain has {int(n_states[t + 1]):,} states at month {t + 1} "
                f"(more than {max_states:,})"
            )
        if lag > 1:
            merge_late(cols, spec.months - (t + 1))
        out[t + 1] = np.bincount(cols[1], weights=prob.sum(axis=1), minlength=n_max + 1)
    return out, dropped, n_states, short
