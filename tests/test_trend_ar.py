"""Tests for the status-quo trend's mean-reverting candidate, AR(1) with a constant
(forecasting/estimate/trend_ar.py, trend_models.ar1_forecast): the closed form is
statsmodels' fit, the forecast reverts to the level, phi is restricted, the band holds
the estimates' uncertainty."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate import trend_ar, trend_models
from forecasting.estimate.trend import AR1, status_quo


def ar1_series(c: float, phi: float, start: float, n: int, noise: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = start
    for t in range(1, n):
        x[t] = c + phi * x[t - 1] + rng.normal(0, noise)
    return x


def test_the_closed_form_is_statsmodels_autoreg_fit():
    from statsmodels.tsa.ar_model import AutoReg

    x = ar1_series(20, 0.6, 80, 40, 2.0, seed=1)
    res = AutoReg(x, lags=1, trend="c").fit()
    fit = trend_ar.ar1_fits(x, np.array([40]))
    assert [fit.c[0], fit.phi[0]] == pytest.approx(np.asarray(res.params), rel=1e-10)
    # Its variance is the OLS one with n - 1 - 2 degrees of freedom (AutoReg divides by
    # the n - 1 pairs).
    assert fit.s2[0] == pytest.approx(res.ssr / 37) and fit.df[0] == 37
    cov = np.asarray(res.cov_params()) * 39 / 37
    assert [fit.var_c[0], fit.var_phi[0], fit.cov[0]] == pytest.approx(
        [cov[0, 0], cov[1, 1], cov[0, 1]], rel=1e-8
    )
    pred = trend_models.ar1_forecast(x, 12)
    assert pred.mean == pytest.approx(np.asarray(res.forecast(12)), rel=1e-10)
    assert pred.df == 37 and not pred.log


def test_one_month_ahead_the_band_is_the_lagged_regressions_prediction_interval():
    """h = 1: the delta method is exact, the OLS prediction variance s^2 (1 + x0' (X'X)^-1 x0)."""
    import statsmodels.api as sm

    x = ar1_series(20, 0.6, 80, 30, 2.0, seed=2)
    res = sm.OLS(x[1:], sm.add_constant(x[:-1])).fit()
    pred = res.get_prediction(np.array([[1.0, x[-1]]]))
    pred_var = float(np.asarray(pred.var_pred_mean)[0]) + float(res.scale)
    ar = trend_models.ar1_forecast(x, 3)
    assert ar.scale[0] == pytest.approx(np.sqrt(pred_var), rel=1e-9)
    assert np.all(np.diff(ar.scale) > 0)  # noise accumulates, estimates matter more


def test_the_backtest_forecasts_are_the_final_forecasts_from_each_origin():
    x = ar1_series(10, 0.8, 20, 36, 1.5, seed=3)
    mean, scale, df = trend_ar.ar1_ahead(x, 12, 6)
    for o in (12, 20, 35):
        pred = trend_models.ar1_forecast(x[:o], 6)
        assert mean[o - 12] == pytest.approx(pred.mean, rel=1e-10)
        assert scale[o - 12] == pytest.approx(pred.scale, rel=1e-10)
        assert df[o - 12, 0] == pred.df == o - 3


def test_the_forecast_reverts_to_the_level_c_over_one_minus_phi():
    """A team far below its level (a birth-death team's hires / exit rate) is projected
    towards it: mu + phi^h (x_n - mu), closer every month."""
    x = ar1_series(20, 0.8, 40, 60, 1.0, seed=4)  # level 100, starts at 40
    x = np.append(x, 70.0)  # knocked down by 30 in the last month
    fit = trend_ar.ar1_fits(x, np.array([x.size]))
    c, phi = fit.c[0], fit.phi[0]
    mu = c / (1 - phi)
    assert mu == pytest.approx(100, abs=5) and 0.7 < phi < 0.9  # 96.8, 0.79
    pred = trend_models.ar1_forecast(x, 36)
    h = np.arange(1, 37)
    assert pred.mean == pytest.approx(mu + phi**h * (70 - mu), rel=1e-10)
    gap = np.abs(pred.mean - mu)
    assert np.all(np.diff(gap) < 0) and gap[-1] < 0.01 * gap[0]
    # Far ahead the band is the stationary spread s / sqrt(1 - phi^2) (plus the level's
    # uncertainty), not one that grows like sqrt(h).
    stationary = np.sqrt(fit.s2[0] / (1 - phi**2))
    assert stationary < pred.scale[-1] < 1.5 * stationary
    assert pred.scale[-1] == pytest.approx(pred.scale[-2], rel=0.01)


def test_an_explosive_estimate_is_put_on_the_bound_with_c_refitted_given_it():
    x = 50 * 1.03 ** np.arange(30) + np.random.default_rng(5).normal(0, 0.5, 30)
    free = trend_ar.ar1_fits(x, np.array([30]), phi_max=None)
    assert free.phi[0] > 1  # exponential growth: explosive
    fit = trend_ar.ar1_fits(x, np.array([30]))
    assert fit.phi[0] == trend_ar.PHI_MAX
    # c is the least-squares constant given phi: the mean of x_t - phi x_{t-1}
    assert fit.c[0] == pytest.approx(np.mean(x[1:] - trend_ar.PHI_MAX * x[:-1]))
    sse = np.sum((x[1:] - fit.c[0] - fit.phi[0] * x[:-1]) ** 2)
    assert fit.s2[0] == pytest.approx(sse / 27)
    pred = trend_models.ar1_forecast(x, 36)  # statsmodels' estimate is checked, unbounded
    mu = fit.c[0] / (1 - fit.phi[0])
    h = np.arange(1, 37)
    assert pred.mean == pytest.approx(mu + fit.phi[0] ** h * (x[-1] - mu), rel=1e-10)
    assert np.all(np.isfinite(pred.scale))
    # The bound holds below too.
    alternating = 50 + 5 * (-1.0) ** np.arange(20)
    assert trend_ar.ar1_fits(alternating, np.array([20])).phi[0] == -trend_ar.PHI_MAX


def test_a_saturating_team_keeps_the_mean_reverting_candidate_in_the_mixture():
    """A birth-death team (start 30, Poisson(1) hires, 13%/yr exits) saturating towards 87:
    AR(1) is scored beside the others, weighted and named in the backtest table."""
    rng = np.random.default_rng(6)
    head, values = 30, []
    for _ in range(48):
        head = head - rng.binomial(head, 1 - 0.87 ** (1 / 12)) + rng.poisson(1.0)
        values.append(head)
    months = pd.period_range("2022-01", periods=48, freq="M").strftime("%Y-%m")
    frame = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": values})
    fc = status_quo(frame, "data_scientist", 36)
    row = fc.backtest[fc.backtest["model"] == AR1]
    assert len(row) == 1 and row["origins"].item() == 48 - 16
    assert 0 < row["weight"].item() < 1 and row["failures"].item() == 0
    assert AR1 + trend_models.LOG_SUFFIX not in set(fc.backtest["model"])  # headcount only
    assert fc.backtest["weight"].sum() == pytest.approx(1.0)
