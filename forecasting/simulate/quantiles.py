"""Quantiles of the simulated paths along the last axis (numpy's default, linear
interpolation), as `engine.simulate` reports them: from sorted values, or, for headcounts,
by counting each row's values (the same order statistics without the sort)."""

from __future__ import annotations

import math

import numpy as np


def sorted_quantiles(sorted_values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Linear-interpolated quantiles along the last axis of pre-sorted data (numpy's default).

    A quantile that touches +inf (an undefined ratio) is returned as NaN.
    """
    n = sorted_values.shape[-1]
    out = []
    for q in qs:
        pos = (n - 1) * q
        lo = math.floor(pos)
        frac = pos - lo
        a = sorted_values[..., lo].astype(float)
        if frac == 0 or lo + 1 >= n:
            v = a
        else:
            b = sorted_values[..., lo + 1].astype(float)
            with np.errstate(invalid="ignore"):
                v = a + (b - a) * frac
        out.append(np.where(np.isfinite(v), v, np.nan))
    return np.stack(out)


#: Values counted at once by `counted_quantiles` (its int64 temporaries: 8 MB).
COUNT_CHUNK = 1 << 20


def counted_quantiles(values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray | None:
    """`sorted_quantiles(np.sort(values, axis=-1), qs)` of integers (headcounts) by
    counting each row's values instead of sorting them: the same order statistics, so the
    same numbers, in a few times less time (2.4 instead of 15 ms for 37 months x 4 roles
    x 8,000 paths). None when the values span more than one count per value (a very large
    team: sort instead).
    """
    n = values.shape[-1]
    rows = values.reshape(-1, n)
    if rows.size == 0:
        return None
    low, high = int(rows.min()), int(rows.max())
    width = high - low + 1
    if rows.shape[0] * width > rows.size:
        return None
    # below[i, v]: values of row i at most low + v (rows a chunk at a time)
    below = np.empty((rows.shape[0], width), dtype=np.int64)
    step = max(1, COUNT_CHUNK // n)
    for a in range(0, rows.shape[0], step):
        chunk = rows[a : a + step]
        index = chunk + (np.arange(chunk.shape[0], dtype=np.int64) * width - low)[:, None]
        counts = np.bincount(index.ravel(), minlength=chunk.shape[0] * width)
        np.cumsum(counts.reshape(chunk.shape[0], width), axis=1, out=below[a : a + step])

    def kth(k: int) -> np.ndarray:  # the k-th smallest (0-based) of each row
        return (low + np.count_nonzero(below <= k, axis=1)).astype(float)

    out = []
    for q in qs:
        pos = (n - 1) * q
        lo = math.floor(pos)
        frac = pos - lo
        a = kth(lo)
        v = a if frac == 0 or lo + 1 >= n else a + (kth(lo + 1) - a) * frac
        out.append(v.reshape(values.shape[:-1]))
    return np.stack(out)
