"""The status-quo trend's mean-reverting candidate: AR(1) with a constant, in closed form.

A team with steady hiring and proportional attrition converges to hires / exit rate:
x_t = c + phi x_{t-1} + e_t with 0 < phi < 1 reverts to mu = c / (1 - phi), and h months
ahead of x_n its mean is mu + phi^h (x_n - mu) = c (1 + phi + ... + phi^(h-1)) + phi^h x_n.
None of the other candidates bends towards a level (the damped trend flattens the last
slope wherever it is): a birth-death team of 30 (Poisson(1) hires a month, 13%/yr exits)
saturating towards 87 was projected ~8 people too high 36 months after 48 months of
history by the drift.

The estimates are conditional least squares (OLS of x_t on 1, x_{t-1}), what statsmodels'
``AutoReg(x, lags=1, trend="c")`` fits (trend_models.ar1_forecast checks they agree), for
every backtest origin at once from cumulative sums. phi is restricted to |phi| <=
`PHI_MAX`: a larger estimate (a trending series looks explosive) is put on the bound and
c refitted by least squares given it, so the candidate stays a stationary model (it
reverts, slowly) on every series instead of being left out of some. The band's variance
is the noise's, s^2 (1 + phi^2 + ... + phi^(2(h-1))), plus the estimates' (delta method:
g' V g, g the mean's gradient in (c, phi), V = s^2 (X'X)^-1), t with n - 3 df.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The bound on |phi|: the birth-death family's monthly retention, 0.9885, stays inside.
#: 0.98, 0.99 and 0.995 measured alike on the synthetic families of
#: benchmarks/bench_trend_coverage.py (a replay of the families AR(1) moves most, 100-200
#: series a cell, AR(1) at a prior weight of a third: 25, 25 and 26 of their 36 cells in
#: 70-90%, 0.078 from 80% on average).
PHI_MAX = 0.995


@dataclass(frozen=True)
class AR1Fit:
    """Estimates of AR(1) with a constant fitted to x[:end] for each end (arrays)."""

    c: np.ndarray
    phi: np.ndarray
    s2: np.ndarray  # residual variance, sse / (pairs - 2)
    var_c: np.ndarray
    var_phi: np.ndarray
    cov: np.ndarray  # covariance of c and phi
    df: np.ndarray  # pairs - 2 (at least 1)
    last: np.ndarray  # x[end - 1], where the forecast starts


def ar1_fits(x: np.ndarray, ends: np.ndarray, phi_max: float | None = PHI_MAX) -> AR1Fit:
    """Conditional least squares of x_t on (1, x_{t-1}) over x[:end], for every end >= 4;
    phi clipped to +-`phi_max` (None: unrestricted) with c refitted given it."""
    ends = np.asarray(ends, dtype=int)
    k = (ends - 1).astype(float)  # pairs (x_{t-1}, x_t)
    a, b = x[:-1], x[1:]
    sums = [np.concatenate([[0.0], np.cumsum(v)])[ends - 1] for v in (a, b, a * a, a * b, b * b)]
    sx, sy, sxx, sxy, syy = sums
    xb, yb = sx / k, sy / k
    cxx = np.maximum(sxx - k * xb**2, 1e-12 * np.maximum(sxx, 1.0))
    cxy = sxy - k * xb * yb
    cyy = syy - k * yb**2
    phi = cxy / cxx
    if phi_max is not None:
        phi = np.clip(phi, -phi_max, phi_max)
    c = yb - phi * xb
    sse = np.maximum(cyy - 2 * phi * cxy + phi**2 * cxx, 1e-12 * np.maximum(cyy, 1.0))
    df = np.maximum(k - 2, 1)
    s2 = sse / df
    # s^2 (X'X)^-1 with X = [1, x_{t-1}]: det = k Cxx.
    return AR1Fit(
        c=c,
        phi=phi,
        s2=s2,
        var_c=s2 * sxx / (k * cxx),
        var_phi=s2 / cxx,
        cov=-s2 * xb / cxx,
        df=df,
        last=x[ends - 1],
    )


def ar1_path(fit: AR1Fit, hmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale 1..hmax months ahead of each fit (fits x months): see the module
    docstring."""
    phi, c = fit.phi[:, None], fit.c[:, None]
    h = np.arange(1, hmax + 1, dtype=float)
    j = h - 1
    powers = phi**j  # phi^j, j = 0..h-1
    s = np.cumsum(powers, axis=1)  # 1 + phi + ... + phi^(h-1)
    ds = np.cumsum(j * phi ** np.maximum(j - 1, 0), axis=1)  # its derivative in phi
    last = fit.last[:, None]
    mean = c * s + phi**h * last
    g_c, g_phi = s, c * ds + h * phi ** (h - 1) * last
    var_est = (
        g_c**2 * fit.var_c[:, None]
        + 2 * g_c * g_phi * fit.cov[:, None]
        + g_phi**2 * fit.var_phi[:, None]
    )
    var_noise = fit.s2[:, None] * np.cumsum(powers**2, axis=1)
    return mean, np.sqrt(var_noise + np.maximum(var_est, 0.0))


def ar1_ahead(x: np.ndarray, start: int, hmax: int) -> tuple[np.ndarray, ...]:
    """1..hmax months ahead from every origin o >= start: (mean, scale, df) of AR(1) fitted
    to x[:o] (origins x months; df origins x 1), as trend_models.ar1_forecast gives them."""
    fit = ar1_fits(x, np.arange(start, x.size))
    mean, scale = ar1_path(fit, hmax)
    return mean, scale, fit.df[:, None]
