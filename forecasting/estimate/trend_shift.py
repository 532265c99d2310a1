"""The status-quo trend's level-shift candidate: a level since the history's last shift.

A team that was flat, then moved once (a reorganisation brought eight people in, a
hiring wave ended) and has been flat since, is a level with one shift, not a random walk:
its changes do not accumulate, and the next 36 months scatter around the level since the
shift. The drift and AR(1) read the jump as evidence of jumps that recur, and their bands,
calibrated on backtest errors that include the jump, were 1.5-2x too wide after a step
(80% intervals covered 0.91-0.97 of the synthetic steps of
benchmarks/bench_trend_coverage.py).

The fit on x[:e] (closed form, cumulative sums): the shift month b (at least
`MIN_SEGMENT` months before it, `MIN_AFTER` after) that minimises the two segments'
summed squared deviations from their means; the shift is kept when it lowers that sum enough,
e log(SSE0 / SSE1) > `PENALTY` log e (BIC: the shift's month and size are two more
parameters), else the level is the whole history's mean. The forecast h months ahead is
the mean since the shift, m months, with the prediction variance s^2 (1 + 1/m), s^2 the
residual variance of the segments (t with e - 2 df; e - 1 without a shift): flat in h,
a level that stays -- but never narrower than a constant history of m months gets
(trend.constant_band's rule): m - 1 months without a change bound the monthly chance of
a one-person change at p = 1 - (1 - level)^(1/(m - 1)), which adds variance p a month, so
the variance h months ahead is at least p h, in the backtest (its scores and calibration)
and after the calibration. Without that floor, eight months at 28 after 16 at 20 (one of
them 21) gave an 80% band of 27.9-28.1 for three years.
trend_models.shift_forecast is statsmodels OLS of the history on a constant and the
shift's step, checked against this closed form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Months before a shift: fewer cannot tell a shift from noise.
MIN_SEGMENT = 4
#: Months after it: one, so that the level follows a jump as soon as a random walk does
#: (with 2, 19 against 22 of 24 step and flat cells of benchmarks/bench_trend_coverage.py
#: were in 70-90%, 100 series a cell: the level lost the weight in the months it lagged).
MIN_AFTER = 1
#: The BIC's penalty per parameter of the shift (its month and its size): log e each.
PENALTY = 2.0


@dataclass(frozen=True)
class ShiftFit:
    """The level since the last shift, fitted to x[:end] for each end (arrays)."""

    level: np.ndarray
    s2: np.ndarray  # residual variance of the segments
    months: np.ndarray  # m: the months since the shift (end when there is none)
    shift: np.ndarray  # b: the first month of the level (0 when there is none)
    df: np.ndarray


def shift_fits(x: np.ndarray, ends: np.ndarray) -> ShiftFit:
    """The level-shift fit (module docstring) to x[:end] for every end >= 2."""
    ends = np.asarray(ends, dtype=int)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def sse(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        k = (j - i).astype(float)
        return np.maximum(s2[j] - s2[i] - (s1[j] - s1[i]) ** 2 / k, 0.0)

    total = sse(np.zeros(ends.size, dtype=int), ends)
    shift = np.zeros(ends.size, dtype=int)
    best = total.copy()
    b = np.arange(MIN_SEGMENT, max(int(ends.max()) - MIN_AFTER + 1, MIN_SEGMENT))
    if b.size:
        # Every (end, shift month) pair at once: the split's summed squared deviations.
        e = ends[:, None]
        ok = b[None, :] <= e - MIN_AFTER
        split = np.where(
            ok,
            sse(np.zeros_like(b), b)[None, :] + sse(b[None, :], np.maximum(e, b[None, :] + 1)),
            np.inf,
        )
        k = np.argmin(split, axis=1)
        low = split[np.arange(ends.size), k]
        floor = 1e-12 * np.maximum(total, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = ends * np.log(np.maximum(total, floor) / np.maximum(low, floor))
        keep = np.isfinite(low) & (gain > PENALTY * np.log(ends))
        shift = np.where(keep, b[k], 0)
        best = np.where(keep, low, total)
    has = shift > 0
    df = np.where(has, ends - 2, ends - 1).astype(float)
    df = np.maximum(df, 1.0)
    months = ends - shift
    level = (s1[ends] - s1[shift]) / months
    s2_res = np.maximum(best / df, 1e-12 * np.maximum(np.abs(level), 1.0) ** 2)
    return ShiftFit(level=level, s2=s2_res, months=months, shift=shift, df=df)


def change_chance(months: Any, level: float) -> Any:
    """The most a month's chance of a one-person change can be after `months` months
    without one, at the `level`: 1 - (1 - level)^(1/(months - 1)) (months - 1 taken as at
    least 1). trend.constant_band's rule, and this candidate's floor."""
    return 1.0 - (1.0 - level) ** (1.0 / np.maximum(np.asarray(months) - 1, 1))


def calibrated_from(shift: int) -> int:
    """The first backtest origin whose errors calibrate the band of a level since month
    `shift`: `MIN_SEGMENT` months after it (0 without a shift: every origin)."""
    return shift + MIN_SEGMENT if shift else 0


def change_floor(months: np.ndarray, hmax: int, level: float) -> np.ndarray:
    """sqrt(p h), 1..hmax months ahead of m months without a shift (fits x months),
    p = `change_chance`(m)."""
    h = np.arange(1, hmax + 1, dtype=float)
    return np.sqrt(change_chance(months, level)[:, None] * h)


def shift_scale(fit: ShiftFit, hmax: int, level: float) -> np.ndarray:
    """The scale 1..hmax months ahead of each fit (fits x months): sqrt(s^2 (1 + 1/m)),
    at least `change_floor`."""
    noise = np.sqrt(fit.s2 * (1.0 + 1.0 / fit.months))
    return np.maximum(noise[:, None], change_floor(fit.months, hmax, level))


def shift_ahead(x: np.ndarray, start: int, hmax: int, level: float) -> tuple[np.ndarray, ...]:
    """1..hmax months ahead from every origin o >= start: (mean, scale, df) of the level
    since the last shift fitted to x[:o] (origins x months; df origins x 1)."""
    fit = shift_fits(x, np.arange(start, x.size))
    mean = np.repeat(fit.level[:, None], hmax, axis=1)
    return mean, shift_scale(fit, hmax, level), fit.df[:, None]
