"""Per-path draws of the Monte Carlo's uncertain rates (numpy only, no scipy import).

`monthly_probability` converts annual attrition to the engine's monthly exit probability;
`beta_for_point` gives the Beta distribution each path draws its annual attrition from
when the scenario has an `attrition_interval`: centred on the rate shown and edited, as
wide as the interval.
"""

from __future__ import annotations

import functools
import math

import numpy as np


def monthly_probability(annual: float | np.ndarray) -> float | np.ndarray:
    """Convert an annual rate to the monthly probability 1 - (1 - annual)^(1/12)."""
    return 1.0 - (1.0 - annual) ** (1.0 / 12.0)


def _beta_quantiles(m: float, c: float, qs: tuple[float, ...]) -> np.ndarray:
    """Quantiles of Beta(m c, (1 - m) c) by numeric integration on a logit grid (numpy only)."""
    z = np.linspace(-40.0, 40.0, 4001)
    log_x, log_1mx = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)
    # density of logit(X): x^a (1 - x)^b (the Jacobian x(1 - x) folded into the powers)
    lw = m * c * log_x + (1 - m) * c * log_1mx
    w = np.exp(lw - lw.max())
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(z))])
    cum /= cum[-1]
    zq = np.interp(qs, cum, z)
    return 1.0 / (1.0 + np.exp(-zq))


@functools.lru_cache(maxsize=256)
def beta_for_point(mean: float, low: float, high: float, mass: float = 0.9) -> tuple[float, float]:
    """Beta(a, b) with mean `mean` whose central `mass` interval is as wide as [low, high].

    The point estimate is what the user sees and edits, so the per-path draws are
    centred on it (their mean is exactly `mean`); the interval gives the spread.

    Args:
        mean: the point value (annual attrition), in (0, 1).
        low: lower end of its interval.
        high: upper end.
        mass: probability of the interval, e.g. 0.9.

    Returns:
        (a, b) with a / (a + b) = mean. The concentration a + b is bisected so the
        Beta's central interval has the width high - low (clamped to [0.05, 1e6]).
    """
    m = min(max(mean, 1e-6), 1 - 1e-6)
    width = max(high - low, 1e-9)
    tail = (1.0 - mass) / 2.0
    lo_c, hi_c = math.log(0.05), math.log(1e6)
    for _ in range(40):
        mid = 0.5 * (lo_c + hi_c)
        q = _beta_quantiles(m, math.exp(mid), (tail, 1.0 - tail))
        if q[1] - q[0] > width:
            lo_c = mid  # too wide: more concentration
        else:
            hi_c = mid
    c = math.exp(0.5 * (lo_c + hi_c))
    return m * c, (1 - m) * c
