"""One month of an exact chain under a hiring policy (forecasting/simulate/exact_chain.py
runs the months): requisitions opened and cancelled, the merge key of a state, and the
short cut of a common month (`quick_month`, `quick_outcomes`), which finds the same states
in the same order from the states rather than from every outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from forecasting.simulate.exact_states import ChainSpec, distinct_codes, within_expansion

#: One stage of a step's moves: (src, dst, conditional probability, destination states).
Stage = tuple[np.ndarray, np.ndarray, np.ndarray, int]


def merge_late(cols: np.ndarray, first_late: int) -> None:
    """Requisitions due at or after the horizon never start: keep them in one slot (they
    are cancelled first anyway, being the latest), so equal futures merge."""
    lag = cols.shape[0] - 3
    if 0 <= first_late < lag - 1:
        j = 3 + first_late
        cols[j] += cols[j + 1 :].sum(axis=0)
        cols[j + 1 :] = 0


def open_and_due(
    new: np.ndarray, spec: ChainSpec, t: int, n_cells: int
) -> tuple[np.ndarray, np.ndarray]:
    """After the exits of month t -> t+1 under a hiring policy (in place on `new`): open
    requisitions for the positions neither filled nor being filled, or cancel unstarted
    ones, latest first, when the positions fall; move the due ones to the backlog.

    Returns:
        (starts tried: the backlog up to the cap, the positions of month t+1).
    """
    assert spec.positions is not None
    lag = spec.lag
    people, backlog, pend = new[1], new[2], new[3:]
    open_total = backlog.copy()
    for j in range(lag):
        open_total += pend[j]
    month = spec.positions[:, t + 1]
    want = month[new[0] % n_cells] if n_cells > 1 else np.full(people.size, month[0])
    gap = want - people - open_total
    if gap.min(initial=0) < 0:
        # Fewer positions than people + requisitions: cancel unstarted ones, latest first.
        surplus = np.clip(-gap, 0, open_total)
        for j in range(lag - 1, -1, -1):
            take = np.minimum(surplus, pend[j])
            pend[j] -= take
            surplus -= take
        backlog -= surplus
        np.maximum(gap, 0, out=gap)
    if lag:
        backlog += pend[0]  # due in this step
        pend[:-1] = pend[1:].copy()
        pend[-1] = gap  # opened now, due in step t + lag
    else:
        backlog += gap
    return np.minimum(backlog, spec.cap), want


def key_columns(new: np.ndarray, want: np.ndarray, lag: int) -> np.ndarray:
    """The state's columns with the people above the positions instead of the people:
    people + requisitions = max(positions, people) once requisitions are opened, so that
    column is 0 but after a fall, which keeps the merge's key short."""
    key = new.copy()
    excess = key[1]
    excess += new[2] - want
    for j in range(lag):
        excess += new[3 + j]
    return key


class QuickMonth(NamedTuple):
    """A common month found per state (`quick_month`).

    Attributes:
        code: each state's code with no exit (and no start, when `tried` is not None); an
            outcome of e exits (and g starts) has code + e (- g * step).
        size: the codes' bound.
        decode: the new states' columns from their codes.
        tried: the starts each state tries, when they may fail (fill rate below 1, some
            start tried): a second stage then draws how many happen; else None.
        step: the code's change for one start more (the weight of the backlog's digit).
        backlog: (low, span) of the backlog's digit.
    """

    code: np.ndarray
    size: int
    decode: Callable[[np.ndarray], np.ndarray]
    tried: np.ndarray | None
    step: int
    backlog: tuple[int, int]


def quick_month(
    cols: np.ndarray, hi: np.ndarray, spec: ChainSpec, t: int, fill: bool = False
) -> QuickMonth | None:
    """Month t -> t+1 of a hiring policy with a time to fill, nobody leaving for
    reskilling and no positions falling below the people and their requisitions, its
    exit outcomes 0..hi per state (`fill`: each start tried happens with the fill rate,
    below 1; else all happen), coded per state (`QuickMonth`), or None when the month is
    not such (the general steps then run).

    The same states in the same order as the general steps (`open_and_due`, then
    `merge` on `key_columns`, whose lexicographic order the codes keep), found per
    state rather than per outcome: with no fall, a state's requisitions opened are its
    gap + its exits, its starts (the due backlog up to the cap) do not depend on its
    exits, and the key's excess column is 0 (people + requisitions = positions); so an
    outcome's code is its state's plus its exits, the new requisitions being the key's
    last column. With `fill`, that code is the state after the exits (the backlog all
    due, no start yet: the general steps' first merge) and each start that happens
    takes `step` off it (one fewer in the backlog, people + requisitions unchanged: the
    second merge), the backlog's digit ranging from the fewest left to the most due.
    """
    if spec.positions is None or spec.lag < 1:
        return None
    if spec.moves_out is not None and spec.moves_out[t + 1]:
        return None
    lag, n_cells = spec.lag, len(spec.cell_weight)
    people = cols[1]
    if spec.moves_in is not None and spec.moves_in[t]:
        people = people + int(spec.moves_in[t])
    backlog, pend = cols[2], cols[3:]
    open_total = backlog + pend.sum(axis=0)
    month = spec.positions[:, t + 1]
    want = month[cols[0] % n_cells] if n_cells > 1 else month[0]
    gap = want - people - open_total  # before the exits; the exits add to it
    if gap.min(initial=0) < 0:
        return None
    due = backlog + pend[0]
    tried = np.minimum(due, spec.cap)
    backlog = due - tried  # what is left when the starts tried all happen
    staged = fill and int(tried.max(initial=0)) > 0
    code = np.zeros(people.size, dtype=np.int64)
    lows, spans = [], []
    # each digit's range: its column's, but the backlog's reaches down to what is left
    # after every start tried happens (with `staged`, the code holds the backlog all due)
    digits = [(cols[0], cols[0]), (due if staged else backlog, backlog)]
    for column, lowest in [*digits, *((c, c) for c in pend[1:])]:
        lows.append(int(lowest.min(initial=0)))
        spans.append(int(column.max(initial=0)) - lows[-1] + 1)
        if spans[-1] > 1:
            code *= spans[-1]
            code += column - lows[-1]
    lows.append(int(gap.min(initial=0)))
    spans.append(int((gap + hi).max(initial=0)) - lows[-1] + 1)
    size = float(np.prod(np.array(spans, dtype=float)))
    if size >= 2.0**62:  # pragma: no cover - a very long lag
        return None
    code *= spans[-1]
    code += gap - lows[-1]
    step = int(np.prod(np.array(spans[2:], dtype=np.int64)))

    def decode(kept: np.ndarray) -> np.ndarray:
        new = np.empty((cols.shape[0], kept.size), dtype=cols.dtype)
        rest = kept.copy()
        for row, low, span in zip((0, *range(2, 3 + lag))[::-1], lows[::-1], spans[::-1]):
            if span > 1:
                new[row] = rest % span + low
                rest //= span
            else:
                new[row] = low
        at = month[new[0] % n_cells] if n_cells > 1 else month[0]
        new[1] = at - new[2:].sum(axis=0)  # people = positions - requisitions
        return new

    return QuickMonth(code, int(size), decode, tried if staged else None, step, (lows[1], spans[1]))


def quick_outcomes(
    quick: QuickMonth,
    exits: tuple[np.ndarray, int, np.ndarray],
    prob: np.ndarray,
    hi: np.ndarray,
    fill: tuple[np.ndarray, int] | None,
    recording: bool,
    t: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[Stage]]:
    """The states of a quick month (`quick_month`) and their probabilities: the general
    steps' merges done on codes, in a few passes over the outcomes (row r = first[s] + e
    is state s's outcome of e exits, then row r = first[m] + g the merged state m's of g
    starts), the same rows in the same order, so the same sums.

    Args:
        quick: the month's codes.
        exits: (the flat exit pmf table, its width, each state's row in it).
        prob: the states' probabilities; hi: each state's last exit outcome.
        fill: (the fill rate's full binomial table, the cap) when `quick.tried` is set.
        recording: the moves are recorded (P(held)): the rows' sources are returned.
        t: the month (for `within_expansion`).

    Returns:
        (the new states' codes ascending, their probabilities, row -> state, row ->
        source (the rows themselves when not recording), the rows' conditional
        probabilities, the earlier stages (the exits, when there are two and recording)).
    """
    pmf, width_k, row = exits
    counts = hi + 1
    first, rows = _rows(counts)
    cp = np.take(pmf, np.repeat(row * width_k - first, counts) + rows)
    codes, inv = distinct_codes(np.repeat(quick.code - first, counts) + rows, quick.size)
    weight = np.repeat(prob, counts) * cp
    prob = np.bincount(inv, weights=weight, minlength=codes.size)
    src = np.repeat(np.arange(counts.size), counts) if recording else rows
    if quick.tried is None:
        return codes, prob, inv, src, cp, []
    assert fill is not None
    fill_pmf, cap = fill
    stages: list[Stage] = [(src, inv, cp, codes.size)] if recording else []
    low, span = quick.backlog
    due = codes // quick.step
    if span > 1:
        due %= span
        due += low
    else:
        due[:] = low
    tried = np.minimum(due, cap)
    within_expansion(tried, t)
    counts = tried + 1
    first, rows = _rows(counts)
    # row r = first[m] + g: the table's entry tried[m] * width + g, the code codes[m] - g * step
    cp = np.take(fill_pmf.reshape(-1), np.repeat(tried * fill_pmf.shape[1] - first, counts) + rows)
    if float(quick.size) + float(rows.size) * quick.step < 2.0**62:
        end = np.repeat(codes + first * quick.step, counts) - rows * quick.step
    else:  # pragma: no cover - (codes + first * step would overflow)
        end = np.repeat(codes, counts) - (rows - np.repeat(first, counts)) * quick.step
    ends, inv = distinct_codes(end, quick.size)
    prob = np.bincount(inv, weights=np.repeat(prob, counts) * cp, minlength=ends.size)
    src = np.repeat(np.arange(counts.size), counts) if recording else rows
    return ends, prob, inv, src, cp, stages


def _rows(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each state's first row, every row) when state s has counts[s] outcome rows in a row."""
    first = np.cumsum(counts) - counts
    return first, np.arange(int(first[-1] + counts[-1]))
