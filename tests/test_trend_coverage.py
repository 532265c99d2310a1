"""Coverage of the status-quo trend's 80% intervals on synthetic families (issue 18, item 6).

Seven families x three history lengths (12, 24, 48 months), each forecast 36 months ahead
and checked at 6, 24 and 36 months: the share of outcomes inside [low, high] must be in
70-90%, give or take two binomial standard errors of the few series a cell runs here.
benchmarks/bench_trend_coverage.py runs 200 series a cell (same generator) and prints the
table. Before the mixture: exponential growth of 3% a month was covered 0-3% of the time
24-36 months out, linear trends and steps 99-100% (bands 3-10 times too wide), short
birth-death series 56-74%. Before the bands were calibrated on the backtest's h-month
errors: steps with 12-24 months of history 0.93 here (20 series a cell), 0.83 pooled.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate.trend import status_quo

FAMILIES = (
    "random walk with drift",
    "linear trend + noise",
    "flat + noise",
    "level step",
    "exponential 1.5%/month",
    "exponential 3%/month",
    "birth-death",
)
LENGTHS = (12, 24, 48)
HORIZONS = (6, 24, 36)
AHEAD = 36
LEVEL = 0.80
#: Series per cell here (the benchmark runs 200): the slow part stays near a minute.
SERIES = 20
#: Series per cell of the level-step check (it compares with 90% on the step cells alone).
STEP_SERIES = 60
#: The monthly exit probability of 13%/yr attrition (the birth-death family).
P_EXIT = 1 - 0.87 ** (1 / 12)


def family_series(family: str, n: int, seed: int, ahead: int = AHEAD) -> np.ndarray:
    """n months of history followed by `ahead` months to check the forecast against.

    * random walk with drift -- 50 + cumsum(0.5 + N(0, 1));
    * linear trend + noise   -- 50 + 0.5 t + N(0, 2);
    * flat + noise           -- 50 + N(0, 2);
    * level step             -- flat + noise, +8 from a month drawn in [n/3, n - 6);
    * exponential g/month    -- 50 (1 + g)^t exp(N(0, 0.03)), g = 1.5% or 3%;
    * birth-death            -- a team of 30: exits ~ Binomial(N, 13%/yr), hires ~ Poisson(1)
      a month (growing towards 87, slower and slower).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n + ahead)
    if family == "random walk with drift":
        return 50 + np.concatenate([[0.0], np.cumsum(0.5 + rng.normal(0, 1.0, t.size - 1))])
    if family == "linear trend + noise":
        return 50 + 0.5 * t + rng.normal(0, 2.0, t.size)
    if family == "flat + noise":
        return 50 + rng.normal(0, 2.0, t.size)
    if family == "level step":
        step_at = rng.integers(n // 3, n - 6)
        return 50 + rng.normal(0, 2.0, t.size) + np.where(t >= step_at, 8.0, 0.0)
    if family.startswith("exponential"):
        growth = 0.015 if "1.5%" in family else 0.03
        return 50 * (1 + growth) ** t * np.exp(rng.normal(0, 0.03, t.size))
    if family == "birth-death":
        y = np.empty(t.size)
        head = 30
        for i in range(t.size):
            head = head - rng.binomial(head, P_EXIT) + rng.poisson(1.0)
            y[i] = head
        return y
    raise ValueError(f"unknown family {family!r}")


def seed_of(family: str, n: int, i: int) -> int:
    """The seed of series i of a cell (the benchmark's too)."""
    return 50_000 + 10_000 * FAMILIES.index(family) + 97 * i + n


@functools.cache
def projected(
    family: str, n: int, series: int = SERIES
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inside [low, high] at HORIZONS for `series` seeded series (bool, series x horizons),
    whether each projection fell back (a candidate's fit failed; bool, series) and inside
    the unrounded band (`TrendForecast.band`; the same but for whole-people histories)."""
    idx = np.array(HORIZONS) - 1
    rows, fallback, unrounded = [], [], []
    for i in range(series):
        y = family_series(family, n, seed_of(family, n, i))
        months = pd.period_range("2020-01", periods=n, freq="M").strftime("%Y-%m")
        history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": y[:n]})
        projection = status_quo(history, "data_scientist", AHEAD, level=LEVEL)
        actual = y[n:][idx]
        for frame, out in ((projection.forecast, rows), (projection.band, unrounded)):
            low, high = frame["low"].to_numpy()[idx], frame["high"].to_numpy()[idx]
            out.append((low <= actual) & (actual <= high))
        fallback.append(projection.fallback)
    return np.array(rows), np.array(fallback), np.array(unrounded)


def outcomes(family: str, n: int, series: int = SERIES) -> np.ndarray:
    """Inside [low, high] at HORIZONS for `series` seeded series: bool (series x horizons)."""
    return projected(family, n, series)[0]


@pytest.mark.slow
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("family", FAMILIES)
def test_80_percent_intervals_cover_70_to_90_percent_6_to_36_months_ahead(family, n):
    inside = outcomes(family, n)
    coverage = float(inside.mean())
    # The horizons of one series are correlated: count series, not outcomes.
    tolerance = 2 * np.sqrt(LEVEL * (1 - LEVEL) / SERIES)
    assert 0.70 - tolerance <= coverage <= 0.90 + tolerance, (coverage, inside.mean(axis=0))


@pytest.mark.slow
def test_over_every_family_and_history_length_80_percent_intervals_cover_80_percent():
    """The cells' outcomes pooled (420 series, 1,260 outcomes): within two points of 80%
    (0.816 here; 0.813 before a whole-people history's band was in whole people, 0.815
    before the level-shift candidate, 0.812 before AR(1) was a
    candidate, 0.821 with AR(1) at a prior weight of a third; 0.809 while log-scale drift
    fits were left out at random; before the bands were calibrated on the backtest's
    h-month errors 0.833, erring wide where 12 months cannot tell a line from a random walk
    and after steps)."""
    inside = np.concatenate([outcomes(f, n) for f in FAMILIES for n in LENGTHS])
    assert abs(float(inside.mean()) - LEVEL) <= 0.02, inside.mean()


@pytest.mark.slow
def test_a_whole_people_band_covers_a_birth_death_team_nearer_its_level():
    """Headcounts are whole people: the band in whole people (the whole-number band whose
    probability is nearest the level) holds more of a birth-death team's outcomes than
    the fitted band's whole numbers, which fall short: pooled here 0.717 against 0.700
    (the benchmark, 200 series a cell: 78 of 84 cells in 70-90% against 76)."""
    rounded = np.concatenate([projected("birth-death", n)[0] for n in LENGTHS])
    unrounded = np.concatenate([projected("birth-death", n)[2] for n in LENGTHS])
    assert float(unrounded.mean()) < float(rounded.mean()) <= LEVEL, (
        rounded.mean(),
        unrounded.mean(),
    )


@pytest.mark.slow
def test_after_a_level_step_in_12_to_24_months_of_history_the_band_does_not_err_wide():
    """A step reads as a random walk's jump unless the months since it show a level; the
    bands, calibrated on their own h-month backtest errors, do not cover more than 90%
    (0.869 on these 60 series a cell, as before the level-shift candidate; 0.93 on the
    first 20 before the calibration: 0.97 and 0.90 on 12 and 24 months). 60 series, not
    20: the first 20 24-month steps cover 1.0 with the level-shift candidate, 0.80-0.95
    without, and the next 40 0.85-0.88 with it -- 20 series could not tell."""
    inside = np.concatenate([outcomes("level step", n, STEP_SERIES) for n in (12, 24)])
    assert float(inside.mean()) <= 0.90, inside.mean(axis=0)


@pytest.mark.slow
def test_no_candidate_is_left_out_on_any_synthetic_series():
    """Every family's series is long enough and varied enough for every fit: none falls
    back. Before the drift was fitted in units of its changes' standard deviation, 10-15%
    of the log-scale drift fits warned that they had not converged (44 of these 420
    projections fell back) and the candidate was left out at random."""
    fallback = np.concatenate([projected(f, n)[1] for f in FAMILIES for n in LENGTHS])
    assert not fallback.any(), int(fallback.sum())
