"""The target rule, once: the DS/MLE ratio of a path, whether it meets 1:k, P(met) by month,
P(met at the deadline) and P(held to the horizon), and the months-to-target rule."""

from __future__ import annotations

import math

import numpy as np

from forecasting.model.roles import DS, MLE


def meets_target(ratio: np.ndarray | float, k: float) -> np.ndarray:
    """Whether a ratio meets the target 1:k: ``DS / MLE <= k`` (the one rule, everywhere).

    The ratio is the float quotient ``ds / mle`` of `ratio_paths`
    (+inf where there is no ML engineer, which never meets the target), compared with
    k itself, not ``ds <= k * mle``: the two differ by rounding, e.g. 255 data scientists
    and 25 ML engineers meet k = 10.2 (255 / 25 = 10.2) although 10.2 * 25 < 255.

    Args:
        ratio: data scientists per ML engineer, any shape.
        k: target data scientists per ML engineer.

    Returns:
        Boolean array shaped like `ratio`.
    """
    return np.asarray(ratio) <= k


def p_target_by_month(paths_headcount: np.ndarray, k: float) -> np.ndarray:
    """P(the ratio meets 1:k) for each month, from (paths, T+1, 4) headcounts.

    Args:
        paths_headcount: `SimulationResult.paths_headcount`.
        k: target data scientists per ML engineer.

    Returns:
        (T+1,) share of paths that meet the target (`meets_target`) in each month.
    """

    ratio = ratio_paths(np.moveaxis(paths_headcount, 0, -1))
    return meets_target(ratio, k).mean(axis=1)


def current_ratio(headcount: dict[str, int] | tuple[int, ...]) -> float:
    """Today's data scientists per ML engineer (inf when there is no ML engineer)."""
    if isinstance(headcount, dict):
        ds, mle = headcount.get("data_scientist", 0), headcount.get("ml_engineer", 0)
    else:
        ds, mle = headcount[DS], headcount[MLE]
    return math.inf if mle == 0 else ds / mle


def ratio_paths(headcount: np.ndarray) -> np.ndarray:
    """Data scientists per ML engineer per month and path; +inf where there is no ML engineer.

    Args:
        headcount: (T+1, 4, P) headcount.

    Returns:
        (T+1, P) float array.
    """
    return ratio_of(headcount[:, DS, :], headcount[:, MLE, :])


def ratio_of(ds: np.ndarray, mle: np.ndarray) -> np.ndarray:
    """ds / mle elementwise as floats, +inf where there is no ML engineer."""
    ratio = np.full(np.broadcast_shapes(ds.shape, mle.shape), np.inf)
    np.divide(ds, mle, out=ratio, where=mle > 0)
    return ratio


def target_probabilities(ratio: np.ndarray, k: float, deadline: int) -> tuple[float, float]:
    """P(ratio <= k at the deadline) and P(ratio <= k at every month deadline..horizon).

    Args:
        ratio: (T+1, P) ratio paths (+inf = undefined, never meets the target).
        k: target data scientists per ML engineer.
        deadline: month index of the deadline.

    Returns:
        (p_target_met, p_target_held).
    """
    ok = meets_target(ratio[deadline:], k)
    return float(ok[0].mean()), float(ok.all(axis=0).mean())


def months_to_target(p_by_month: np.ndarray, confidence: float) -> int | None:
    """First month from which P(target met) stays at or above `confidence` to the horizon,
    or None when P is below it at the horizon."""
    below = np.flatnonzero(np.asarray(p_by_month) < confidence - 1e-12)
    if not below.size:
        return 0
    last = int(below[-1])
    return None if last == len(p_by_month) - 1 else last + 1
