"""Per-path draws of the Monte Carlo's uncertain rates (numpy only, no scipy import).

`monthly_probability` converts annual attrition to the engine's monthly exit probability.

When the scenario gives an `attrition_interval`, each path draws its monthly exit
probability from the rate's posterior: the distribution whose median is the rate shown
and edited and whose 5th and 95th percentiles are the interval's ends (a 90% interval,
as forecasting.estimate.rates and forecasting.estimate.survival give it). An estimated
rate's posterior is a Gamma on the monthly rate (the posterior median and equal-tailed
interval of `forecasting.estimate.rates.rate_posterior`), so the draws are a **two-piece
Gamma**: below the median, the Gamma through (low, point); above it, the Gamma through
(point, high). When the three numbers come from one Gamma, both pieces are that Gamma and
the paths draw the posterior itself; an edited point or a typed interval still gets a
distribution whose three percentiles are exactly the ones shown (an interval from 0
bounds the rate: below the median the upper piece's Gamma is used). Draws are made by
inverting the distribution function at one uniform per path
(`rate_quantiles`, which also serves quadrature over the rate).

The former rule (`beta_for_point`, a Beta with mean = the point) did not honour the
interval: [0, 19.5%] was drawn with a 95th percentile of 0.34%, and a posterior median
shown with a Beta mean in the draws puts the Monte Carlo's rate above the one shown.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

#: The probability of the scenario's attrition intervals (as the estimators give them).
INTERVAL_MASS = 0.9
#: Shapes of the fitted Gamma pieces are kept in this range (a point mass beyond it).
_SHAPE_RANGE = (1e-3, 1e7)
#: Grid points for the numeric Gamma distribution function.
_GRID = 6001


def monthly_probability(annual: float | np.ndarray) -> float | np.ndarray:
    """Convert an annual rate to the monthly probability 1 - (1 - annual)^(1/12)."""
    return 1.0 - (1.0 - annual) ** (1.0 / 12.0)


def _log_gamma_cdf(shape: float) -> tuple[np.ndarray, np.ndarray]:
    """(z, F): the distribution function of log X, X ~ Gamma(shape, 1), on a grid of z.

    The density of z = log X is proportional to exp(shape z - e^z). The grid reaches
    the far lower tail of a small shape (P(X < x) ~ x^shape) and a few standard
    deviations past the upper one.
    """
    a = float(shape)
    # P(X < x) ~ x^a for a small shape: its lower tail reaches far down on a log scale.
    z_lo = math.log(a) - 16.0 / math.sqrt(a) if a >= 1.0 else math.log(1e-15) / a
    z_hi = math.log(a + 16.0 * math.sqrt(a) + 45.0)
    z = np.linspace(z_lo, z_hi, _GRID)
    lw = a * z - np.exp(z)
    w = np.exp(lw - lw.max())
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(z))])
    return z, cum / cum[-1]


def _log_quantiles(shape: float, qs: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) quantiles (numeric)."""
    z, cdf = _log_gamma_cdf(shape)
    return np.interp(qs, cdf, z)


def _shape_for(log_ratio: float, q_from: float, q_to: float) -> float:
    """The Gamma shape whose log(quantile(q_to) / quantile(q_from)) is `log_ratio`.

    That log ratio falls as the shape grows (a Gamma narrows relative to its scale), so
    the shape is bisected on a log scale within `_SHAPE_RANGE`, 60 steps. Two short cuts
    give the same shape (tests/test_speed_draws.py): the log ratio at a step's shape does
    not depend on `log_ratio`, so every bisection's first steps (the same shapes, until
    its answer parts from another's) read it from `_log_ratio_at`'s memo; and a step
    that leaves the bracket as it was (the midpoint no longer between its ends in
    floating point, from about step 53) is every later step, so the bisection stops
    there. A new attrition fits eight of these (four roles, two pieces): walking 14 ->
    15 -> 16%, 61 -> 41 (sample) / 46 (upload roster) distributions computed per fit,
    and 32 -> 22 / 24 ms CPU for the eight (medians of five new values, two alternating
    runs each).
    """
    lo, hi = math.log(_SHAPE_RANGE[0]), math.log(_SHAPE_RANGE[1])
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        too_wide = _log_ratio_at(mid, q_from, q_to) > log_ratio  # then a larger shape
        bracket = (mid, hi) if too_wide else (lo, mid)
        if bracket == (lo, hi):
            break
        lo, hi = bracket
    return math.exp(0.5 * (lo + hi))


@functools.lru_cache(maxsize=4096)
def _log_ratio_at(log_shape: float, q_from: float, q_to: float) -> float:
    """log(quantile(q_to) / quantile(q_from)) of Gamma(exp(log_shape), 1) (kept: the
    bisections of `_shape_for` share their first steps)."""
    q = _log_quantiles(math.exp(log_shape), (q_from, q_to))
    return float(q[1] - q[0])


@dataclass(frozen=True)
class _Piece:
    """One half of the two-piece Gamma: log X = log scale + log Gamma(shape, 1)."""

    shape: float
    log_scale: float
    constant: bool  # a point mass at the median (no spread on this side)

    def log_quantile(self, u: np.ndarray) -> np.ndarray:
        if self.constant:
            return np.full(u.shape, self.log_scale)
        z, cdf = _log_gamma_cdf(self.shape)
        return self.log_scale + np.interp(u, cdf, z)


def _piece(log_median: float, log_end: float, tail: float, upper: bool) -> _Piece:
    """The Gamma through (end, median): end at quantile `tail` (or 1 - tail when upper)."""
    spread = (log_end - log_median) if upper else (log_median - log_end)
    if spread <= 1e-9:
        return _Piece(shape=math.inf, log_scale=log_median, constant=True)
    q = (0.5, 1.0 - tail) if upper else (tail, 0.5)
    shape = _shape_for(spread, *q)
    log_scale = log_median - float(_log_quantiles(shape, (0.5,))[0])
    return _Piece(shape=shape, log_scale=log_scale, constant=False)


@functools.lru_cache(maxsize=256)
def _pieces(point: float, low: float, high: float, mass: float) -> tuple[_Piece, _Piece]:
    m = float(monthly_probability(min(max(point, 1e-9), 1 - 1e-9)))
    lo = float(monthly_probability(min(max(low, 0.0), point)))
    hi = float(monthly_probability(min(max(high, point), 1 - 1e-9)))
    tail = (1.0 - mass) / 2.0
    upper = _piece(math.log(m), math.log(hi), tail, upper=True)
    if lo <= 0.0:
        # "From 0" bounds the rate, it does not put 5% of the paths at no attrition at
        # all: below the median the paths follow the upper piece's Gamma.
        return upper, upper
    return _piece(math.log(m), math.log(lo), tail, upper=False), upper


def rate_quantiles(
    point: float, low: float, high: float, u: np.ndarray | float, mass: float = INTERVAL_MASS
) -> np.ndarray:
    """Monthly exit probabilities at probabilities `u` of the per-path rate distribution.

    The distribution is the two-piece Gamma on the monthly rate (module docstring) whose
    median is `point` and whose central `mass` interval is [low, high], all annual.

    Args:
        point: the annual attrition shown (the posterior median), in (0, 1).
        low: the interval's lower end (annual, >= 0).
        high: its upper end (annual, < 1).
        u: probabilities in [0, 1] (uniform draws, or quadrature nodes).
        mass: the interval's probability, e.g. 0.9.

    Returns:
        Monthly exit probabilities, the shape of `u`, in [0, 1): quantile(u).
    """
    lower, upper = _pieces(float(point), float(low), float(high), float(mass))
    u = np.asarray(u, dtype=float)
    out = np.where(
        u < 0.5,
        lower.log_quantile(np.minimum(u, 0.5)),
        upper.log_quantile(np.maximum(u, 0.5)),
    )
    return np.minimum(np.exp(out), 1.0 - 1e-12)


def draw_monthly_exit(
    rng: np.random.Generator,
    point: float,
    interval: tuple[float, float],
    paths: int,
    mass: float = INTERVAL_MASS,
) -> np.ndarray:
    """One monthly exit probability per path from the rate's posterior (`rate_quantiles`).

    Args:
        rng: the generator (consumes exactly `paths` uniforms).
        point: the annual attrition shown, the distribution's median.
        interval: (low, high) annual, its central `mass` interval.
        paths: number of paths.
        mass: the interval's probability (default 0.9).

    Returns:
        A (paths,) array of monthly exit probabilities.
    """
    return rate_quantiles(point, interval[0], interval[1], rng.random(paths), mass)
