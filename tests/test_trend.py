"""Tests for forecasting.trend: status-quo headcount projections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import trend
from forecasting.errors import EstimationError
from forecasting.trend import ARIMA_DRIFT, DRIFT, ETS_DAMPED, NAIVE, status_quo, status_quo_all


def history(values, role: str = "data_scientist", start: str = "2022-01") -> pd.DataFrame:
    months = pd.period_range(start, periods=len(values), freq="M")
    return pd.DataFrame(
        {"month": months.strftime("%Y-%m"), "role": role, "headcount": np.asarray(values)}
    )


def noisy_line(intercept: float, slope: float, n: int = 36, noise: float = 0.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return intercept + slope * np.arange(n) + rng.normal(0, noise, n)


@pytest.fixture(scope="module")
def line_forecast():
    """36 months of 20 + 0.5 t with small noise; 6 months ahead."""
    return status_quo(history(noisy_line(20, 0.5)), "data_scientist", 6)


def test_constant_series_gives_flat_forecast_equal_to_the_constant():
    fc = status_quo(history([12] * 30), "data_scientist", 9)
    assert (fc.forecast["mean"] == 12).all()
    assert fc.forecast[["low", "high"]].isna().all().all()  # no fake precision
    assert fc.note and fc.fallback


def test_linear_series_forecast_continues_the_line(line_forecast):
    true_line = 20 + 0.5 * np.arange(36, 42)
    assert np.abs(line_forecast.forecast["mean"].to_numpy() - true_line).max() < 1.0


def test_linear_series_intervals_contain_the_line(line_forecast):
    true_line = 20 + 0.5 * np.arange(36, 42)
    fc = line_forecast.forecast
    assert (fc["low"].to_numpy() <= true_line).all()
    assert (true_line <= fc["high"].to_numpy()).all()


def test_forecast_months_continue_after_the_last_history_month(line_forecast):
    expected = [str(p) for p in pd.period_range("2025-01", periods=6, freq="M")]
    assert line_forecast.forecast["month"].tolist() == expected


def test_backtest_table_includes_the_naive_benchmarks(line_forecast):
    bt = line_forecast.backtest
    assert {NAIVE, DRIFT, ARIMA_DRIFT, ETS_DAMPED} <= set(bt["model"])
    assert bt.loc[bt["model"] == NAIVE, "mae"].notna().all()
    assert bt["chosen"].sum() == 1
    assert bt.loc[bt["chosen"], "model"].item() == line_forecast.model


def test_chosen_model_has_the_lowest_backtest_mae(line_forecast):
    bt = line_forecast.backtest
    best = bt["mae"].min()
    assert bt.loc[bt["chosen"], "mae"].item() <= best * (1 + trend.TIE_TOLERANCE) + 1e-12


def test_declining_series_forecast_is_never_negative():
    values = np.round(noisy_line(30, -1.0, n=24, noise=1.0, seed=2))  # ends near 7
    fc = status_quo(history(values), "data_scientist", 18).forecast
    assert (fc[["mean", "low", "high"]].to_numpy() >= 0).all()
    assert fc["low"].iloc[-1] == 0  # the unfloored interval would cross zero


def test_short_series_uses_naive_and_says_why():
    fc = status_quo(history([5, 6, 6, 7, 8, 8, 9, 9, 10, 11]), "data_scientist", 6)
    assert fc.model == NAIVE
    assert "naive" in fc.model.lower()
    assert "10 month" in fc.note
    assert (fc.forecast["mean"] == 11).all()
    assert NAIVE in set(fc.backtest["model"])


def test_naive_benchmark_wins_when_the_trend_has_stopped():
    values = np.concatenate([np.arange(10, 34), np.full(12, 33)]).astype(float)
    values[-12:] += np.tile([0, 1], 6)  # flat with a little noise
    fc = status_quo(history(values), "data_scientist", 6)
    assert fc.model == NAIVE
    assert not fc.fallback


def test_failed_final_fit_falls_back_to_the_next_model_and_is_labelled(monkeypatch):
    values = noisy_line(20, 0.5, n=24)  # a trend: naive cannot win the backtest

    def fails_on_the_full_series(forecaster):
        def run(y, h, level):
            if y.size == values.size:
                raise trend._FitFailed("did not converge")
            return forecaster(y, h, level)

        return run

    for name in (DRIFT, ARIMA_DRIFT, ETS_DAMPED):
        monkeypatch.setitem(
            trend._FORECASTERS, name, fails_on_the_full_series(trend._FORECASTERS[name])
        )
    fc = status_quo(history(values), "data_scientist", 6)
    assert fc.fallback
    assert fc.model == NAIVE
    assert "final fit failed" in fc.note


def test_status_quo_all_returns_one_forecast_per_role_in_canonical_order():
    both = pd.concat([history([3] * 12, role="ml_engineer"), history([30] * 12)])
    out = status_quo_all(both, 4)
    assert list(out) == ["data_scientist", "ml_engineer"]
    assert out["ml_engineer"].forecast["mean"].tolist() == [3] * 4


def test_unknown_role_raises_estimation_error():
    with pytest.raises(EstimationError, match="ml_engineer"):
        status_quo(history([1, 2, 3]), "ml_engineer", 3)


def test_zero_horizon_raises_estimation_error():
    with pytest.raises(EstimationError, match="horizon"):
        status_quo(history([1, 2, 3]), "data_scientist", 0)
