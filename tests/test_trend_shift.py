"""Tests for the status-quo trend's level-shift candidate (forecasting/estimate/trend_shift.py,
trend_models.shift_forecast): the closed form is statsmodels' regression on a step, the
shift is found where it is and not in noise, the backtest's forecasts are the final ones
from each origin, and its band is calibrated on the errors since the shift only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate import trend_models, trend_shift
from forecasting.estimate.trend import LEVEL_SHIFT, status_quo


def stepped(n: int, at: int, size: float, seed: int, noise: float = 2.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 50 + rng.normal(0, noise, n) + np.where(np.arange(n) >= at, size, 0.0)


def brute_force_shift(x: np.ndarray) -> tuple[int, float]:
    """The shift month and summed squared deviations by trying every month."""
    best = (0, float(np.sum((x - x.mean()) ** 2)))
    total = best[1]
    split = min(
        (
            float(np.sum((x[:b] - x[:b].mean()) ** 2) + np.sum((x[b:] - x[b:].mean()) ** 2)),
            b,
        )
        for b in range(trend_shift.MIN_SEGMENT, x.size - trend_shift.MIN_AFTER + 1)
    )
    if x.size * np.log(total / split[0]) > trend_shift.PENALTY * np.log(x.size):
        best = (split[1], split[0])
    return best


@pytest.mark.parametrize("seed", range(8))
def test_the_closed_form_is_a_brute_force_search_and_statsmodels_step_regression(seed):
    import statsmodels.api as sm

    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 60))
    x = stepped(n, int(rng.integers(1, n)), float(rng.choice([0.0, 3.0, 8.0])), seed)
    fit = trend_shift.shift_fits(x, np.array([n]))
    b, sse = brute_force_shift(x)
    assert fit.shift[0] == b
    assert fit.level[0] == pytest.approx(x[b:].mean(), rel=1e-12)
    assert fit.s2[0] == pytest.approx(sse / (n - 2 if b else n - 1), rel=1e-9)
    design = np.ones((n, 2 if b else 1))
    design[:b, 1:] = 0.0
    res = sm.OLS(x, design).fit()
    assert fit.s2[0] == pytest.approx(float(res.scale), rel=1e-9)
    pred, shift = trend_models.shift_forecast(x, 12, 0.8)
    assert shift == b and pred.df == fit.df[0] and not pred.log
    assert pred.mean == pytest.approx(np.full(12, x[b:].mean()), rel=1e-12)
    # The prediction interval of a mean of m months, s^2 (1 + 1/m), flat in h, but never
    # below a constant history's: p h, p = 1 - 0.2^(1/(m - 1)).
    m = n - b
    p = 1 - 0.2 ** (1 / max(m - 1, 1))
    h = np.arange(1, 13)
    want = np.sqrt(np.maximum(res.scale * (1 + 1 / m), p * h))
    assert pred.scale == pytest.approx(want, rel=1e-9)


def test_a_step_of_four_noise_deviations_is_found_at_its_month():
    found = [int(trend_shift.shift_fits(stepped(36, 20, 8.0, s), np.array([36])).shift[0])
             for s in range(50)]  # fmt: skip
    assert sum(b == 20 for b in found) >= 45 and all(b > 0 for b in found)


def test_noise_alone_rarely_reads_as_a_shift():
    """The BIC's penalty: flat noise is a level with no shift on most series."""
    shifts = [int(trend_shift.shift_fits(stepped(36, 0, 0.0, s), np.array([36])).shift[0])
              for s in range(200)]  # fmt: skip
    assert np.mean(np.array(shifts) > 0) < 0.25


def test_the_backtest_forecasts_are_the_final_forecasts_from_each_origin():
    x = stepped(40, 25, 8.0, seed=3)
    mean, scale, df = trend_shift.shift_ahead(x, 13, 6, 0.8)
    for o in (13, 24, 26, 39):
        pred, _ = trend_models.shift_forecast(x[:o], 6, 0.8)
        assert mean[o - 13] == pytest.approx(pred.mean, rel=1e-10)
        assert scale[o - 13] == pytest.approx(pred.scale, rel=1e-9)
        assert df[o - 13, 0] == pred.df


def test_its_band_is_calibrated_on_the_errors_since_the_shift_only():
    """The errors of origins before the shift include the jump: counted, they would stretch
    the band to the cap (x2) though the level since the shift is correctly specified."""
    x = stepped(48, 24, 8.0, seed=5)
    c = trend_models.candidate(LEVEL_SHIFT, x, 36, 0.8, log=False)
    start = trend_models.min_train(48)
    ahead = trend_shift.shift_ahead(x, start, 32, 0.8)
    every = trend_models.band_factors(x, start, ahead, 0.8, 36)
    assert every[11] > 1.5  # the jump's errors, 12 months ahead of the origins before it
    assert np.all(np.abs(np.log(c.factors)) < np.log(1.3))


def test_after_a_step_the_level_takes_the_weight_and_its_band_is_the_noises():
    """48 months, +8 at month 30: the projection is the level since the shift (58) with a
    band near the noise's +-1.28 sd (2.6), not a random walk's that grows with the months.
    (On 4 of these 20 series the random walk keeps a quarter of the weight or more: the
    noise before the step happened to drift.)"""
    months = pd.period_range("2020-01", periods=48, freq="M").strftime("%Y-%m")
    level_series = 0
    for seed in range(20):
        x = stepped(48, 30, 8.0, seed=seed)
        history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": x})
        fc = status_quo(history, "data_scientist", 36)
        weight = fc.backtest.set_index("model")["weight"][LEVEL_SHIFT]
        if weight < 0.8:
            continue
        level_series += 1
        assert fc.model == LEVEL_SHIFT
        f = fc.forecast
        assert f["mean"].iloc[-1] == pytest.approx(58, abs=1.5)
        half = (f["high"] - f["low"]).to_numpy() / 2
        assert 1.5 < half[-1] < 4.0 and half[-1] < 1.5 * half[0]  # a walk's grows 6x
    assert level_series >= 14


def test_every_origins_fit_at_once_is_each_origins_own_fit():
    x = stepped(50, 31, 6.0, seed=7)
    ends = np.arange(5, 51)
    together = trend_shift.shift_fits(x, ends)
    for i, e in enumerate(ends):
        alone = trend_shift.shift_fits(x[:e], np.array([e]))
        assert together.shift[i] == alone.shift[0] == brute_force_shift(x[:e])[0]
        assert together.level[i] == pytest.approx(alone.level[0], rel=1e-12)
        assert together.s2[i] == pytest.approx(alone.s2[0], rel=1e-9)


def test_the_note_names_the_shifts_month_and_size():
    x = np.round(stepped(48, 30, 8.0, seed=12))
    months = pd.period_range("2022-01", periods=48, freq="M").strftime("%Y-%m")
    history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": x})
    fc = status_quo(history, "data_scientist", 36)
    assert fc.model == LEVEL_SHIFT
    after, before = x[30:].mean(), x[:30].mean()
    assert f"the level since 2024-07: {after:.1f} people on average" in fc.note
    assert f"{after - before:+.1f} from the {before:.1f} before" in fc.note
    # Its band was calibrated on the 14 months from 4 after the shift: 1-14 months ahead.
    assert "1-32 months" not in fc.note and "1-14 months ahead" in fc.note


def test_constant_segments_are_a_clean_step_not_a_failed_fit():
    """Both segments constant: OLS's residual variance is 0 where the closed form keeps a
    negligible floor; the candidate is not left out (it was: "the level is not the mean")."""
    x = np.array([20.0] * 16 + [28.0] * 8)
    pred, shift = trend_models.shift_forecast(x, 12, 0.8)
    assert shift == 16 and pred.mean == pytest.approx(np.full(12, 28.0))


@pytest.mark.parametrize("blip", [False, True])
def test_a_level_without_noise_is_no_surer_than_a_constant_history(blip):
    """Eight months at 28 after sixteen at 20 (one of them 21): the band 36 months out is at
    least the one eight constant months get (+-3.5 at 80%), not 27.9-28.1."""
    from forecasting.estimate.trend import constant_band

    x = np.array([20.0] * 16 + [28.0] * 8)
    if blip:
        x[3] = 21.0
    months = pd.period_range("2022-01", periods=24, freq="M").strftime("%Y-%m")
    history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": x})
    fc = status_quo(history, "data_scientist", 36)
    assert fc.model == LEVEL_SHIFT
    half = (fc.band["high"] - fc.band["low"]).to_numpy() / 2
    assert np.all(half >= constant_band(8, 36, 0.8) - 1e-9)
    assert half[-1] > 3.0 and np.all(np.diff(half) > 0)
