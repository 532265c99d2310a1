"""Tests for forecasting.estimate.trend: status-quo headcount projections."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate import trend
from forecasting.estimate.trend import (
    ARIMA_DRIFT,
    DRIFT,
    ETS_DAMPED,
    NAIVE,
    status_quo,
    status_quo_all,
)
from forecasting.model.errors import EstimationError

#: Synthetic families for interval coverage (the same as benchmarks/bench_trend_coverage.py,
#: which runs more series): level 50, 36 months ahead of the history.
FAMILIES = ("random walk with drift", "linear trend + noise", "flat + noise", "level step")
COVERAGE_SERIES = 40
#: Allowed shortfall below the nominal 80%: two binomial standard errors for 40 series.
COVERAGE_TOLERANCE = 2 * np.sqrt(0.8 * 0.2 / COVERAGE_SERIES)
#: Allowed excess over 10% of outcomes above (or below) an 80% band, on the same basis.
TAIL_TOLERANCE = 2 * np.sqrt(0.1 * 0.9 / COVERAGE_SERIES)


def history(values, role: str = "data_scientist", start: str = "2022-01") -> pd.DataFrame:
    months = pd.period_range(start, periods=len(values), freq="M")
    return pd.DataFrame(
        {"month": months.strftime("%Y-%m"), "role": role, "headcount": np.asarray(values)}
    )


def noisy_line(intercept: float, slope: float, n: int = 36, noise: float = 0.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return intercept + slope * np.arange(n) + rng.normal(0, noise, n)


def family_series(family: str, n: int, seed: int, ahead: int = 36) -> np.ndarray:
    """n months of history followed by `ahead` months to check the forecast against."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + ahead)
    if family == "random walk with drift":
        return 50 + np.concatenate([[0.0], np.cumsum(0.5 + rng.normal(0, 1.0, t.size - 1))])
    if family == "linear trend + noise":
        return 50 + 0.5 * t + rng.normal(0, 2.0, t.size)
    if family == "flat + noise":
        return 50 + rng.normal(0, 2.0, t.size)
    step_at = rng.integers(n // 3, n - 6)  # "level step": +8 somewhere in the history
    return 50 + rng.normal(0, 2.0, t.size) + np.where(t >= step_at, 8.0, 0.0)


@functools.cache
def coverage(family: str, n: int) -> dict[str, np.ndarray]:
    """80% interval outcomes 6, 24 and 36 months ahead over COVERAGE_SERIES seeded series.

    Returns {"inside", "above", "below"}: boolean arrays (series x the three horizons).
    """
    steps = np.array([6, 24, 36])
    inside, above, below = [], [], []
    for i in range(COVERAGE_SERIES):
        y = family_series(family, n, seed=1000 * FAMILIES.index(family) + i)
        fc = status_quo(history(y[:n]), "data_scientist", 36).forecast
        actual = y[n + steps - 1]
        low, high = fc["low"].to_numpy()[steps - 1], fc["high"].to_numpy()[steps - 1]
        above.append(actual > high)
        below.append(actual < low)
        inside.append((low <= actual) & (actual <= high))
    return {"inside": np.array(inside), "above": np.array(above), "below": np.array(below)}


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


@pytest.mark.slow
def test_a_steady_trend_is_continued_not_damped():
    """48 months of 20 + 0.5 t: the projection keeps growing ~0.5 a month to 36 months.

    The damped ETS wins the 6-month backtest here but flattens the line (it under-forecast
    growth in the review); the drift benchmark continues it.
    """
    y = noisy_line(20, 0.5, n=84, noise=1.0, seed=3)
    fc = status_quo(history(y[:48]), "data_scientist", 36)
    assert fc.model == DRIFT
    assert "steady trend" in fc.note
    true_line = 20 + 0.5 * np.arange(48, 84)
    assert abs(fc.forecast["mean"].iloc[-1] - true_line[-1]) < 4.0
    inside = (fc.forecast["low"] <= true_line) & (true_line <= fc.forecast["high"])
    assert inside.all()


def test_calibration_never_narrows_the_chosen_models_own_interval():
    y = family_series("linear trend + noise", 24, seed=7)[:24]
    fc = status_quo(history(y), "data_scientist", 36)
    mean, low, high = trend._FORECASTERS[fc.model](y.astype(float), 36, 0.8)
    out = fc.forecast
    assert (out["low"].to_numpy() <= np.maximum(low, 0) + 1e-9).all()
    assert (out["high"].to_numpy() >= high - 1e-9).all()
    assert np.allclose(out["mean"], np.maximum(mean, 0))


def test_arima_with_drift_band_includes_the_drifts_uncertainty(monkeypatch):
    """statsmodels' ARIMA band treats the drift as known; ours is never narrower than the
    drift benchmark's, which has the same point forecast and includes it."""

    def fails(y, h, level):
        raise trend._FitFailed("left out for this test")

    for name in (NAIVE, DRIFT, ETS_DAMPED):
        monkeypatch.setitem(trend._FORECASTERS, name, fails)
    y = noisy_line(20, 0.5, n=36, noise=1.0, seed=4)
    fc = status_quo(history(y), "data_scientist", 36)
    assert fc.model == ARIMA_DRIFT
    _, d_low, d_high = trend._drift(y, 36, 0.8)
    assert (fc.forecast["high"].to_numpy() >= d_high - 1e-9).all()
    assert (fc.forecast["low"].to_numpy() <= np.maximum(d_low, 0) + 1e-9).all()


@pytest.mark.slow
def test_linear_trend_with_24_months_of_history_is_covered_at_36_months():
    """Review: 80% intervals covered 0.36 of linear-trend series 36 months ahead."""
    covered = coverage("linear trend + noise", 24)["inside"].mean(axis=0)
    assert covered[2] >= 0.8 - COVERAGE_TOLERANCE, covered


@pytest.mark.slow
def test_linear_trend_with_48_months_of_history_is_covered_at_6_24_and_36_months():
    """Review: 0.72 / 0.66 / 0.58 at 6 / 24 / 36 months with 48 months of history."""
    covered = coverage("linear trend + noise", 48)["inside"].mean(axis=0)
    assert (covered >= 0.8 - COVERAGE_TOLERANCE).all(), covered


@pytest.mark.slow
def test_linear_trend_lands_above_the_band_no_more_than_a_tenth_of_the_time():
    """Review: misses were one-sided, the damped trend under-forecasting growth (before:
    half of the 48-month series above the band at 36 months, none below)."""
    above = coverage("linear trend + noise", 48)["above"].mean(axis=0)
    assert (above <= 0.1 + TAIL_TOLERANCE).all(), above


@pytest.mark.slow
def test_random_walk_with_drift_is_covered_at_6_24_and_36_months():
    """Before: 0.75 / 0.62 / 0.55 (naive and damped ETS drop the drift)."""
    covered = coverage("random walk with drift", 48)["inside"].mean(axis=0)
    assert (covered >= 0.8 - COVERAGE_TOLERANCE).all(), covered


@pytest.mark.slow
def test_random_walk_with_drift_lands_above_the_band_no_more_than_a_tenth_of_the_time():
    """Before: 0.25 / 0.32 / 0.38 above the band, 0 / 0.05 / 0.08 below."""
    above = coverage("random walk with drift", 48)["above"].mean(axis=0)
    assert (above <= 0.1 + TAIL_TOLERANCE).all(), above


@pytest.mark.slow
def test_flat_series_intervals_are_calibrated_not_inflated():
    """The trend allowance must not swamp a flat series: near 80% (mean over horizons)."""
    covered = coverage("flat + noise", 24)["inside"].mean(axis=0)
    assert (covered >= 0.8 - COVERAGE_TOLERANCE).all(), covered
    assert covered.mean() <= 0.8 + COVERAGE_TOLERANCE, covered


@pytest.mark.slow
def test_level_step_is_covered_at_6_24_and_36_months():
    covered = coverage("level step", 24)["inside"].mean(axis=0)
    assert (covered >= 0.8 - COVERAGE_TOLERANCE).all(), covered
