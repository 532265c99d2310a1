"""Tests for forecasting.simulate.draws: the per-path attrition rates honour the posterior the
estimators state (its median is the rate shown, its 5th and 95th percentiles the interval)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecasting.estimate.rates import (
    annual_to_monthly,
    estimate_rates,
    exit_prior,
    monthly_to_annual,
    rate_posterior,
)
from forecasting.model.scenario import Scenario
from forecasting.simulate.draws import draw_monthly_exit, rate_quantiles
from forecasting.simulate.engine import DS, exit_probability

PRIOR_MONTHLY = annual_to_monthly(0.13)
U = np.array([0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.999])


def small_team(people: int, exits: int, months: int = 24) -> pd.DataFrame:
    """`people` data scientists kept full for `months` months with `exits` leavers."""
    labels = [str(m) for m in pd.period_range("2023-12", periods=months + 1, freq="M")]
    return pd.DataFrame(
        {
            "month": labels,
            "role": "data_scientist",
            "headcount": people,
            "exits": [0] + [1] * exits + [0] * (months - exits),
        }
    )


@pytest.mark.parametrize(("exits", "exposure"), [(0, 0), (0, 48), (0, 120), (3, 72), (40, 2400)])
def test_the_draws_are_the_posterior_itself_when_the_three_numbers_come_from_it(exits, exposure):
    median, low, high = rate_posterior(exits, exposure, prior_rate=PRIOR_MONTHLY)
    shown = [monthly_to_annual(v) for v in (median, low, high)]
    shape, rate = exit_prior(PRIOR_MONTHLY)
    posterior = stats.gamma(shape + exits, scale=1 / (rate + exposure))
    assert rate_quantiles(*shown, U) == pytest.approx(posterior.ppf(U), rel=5e-4)


@pytest.mark.parametrize(("people", "exits"), [(2, 0), (5, 0), (3, 2), (30, 9)])
def test_per_path_draws_have_the_estimates_interval_as_their_5th_and_95th_percentiles(
    people, exits
):
    """End to end: a history's estimate, put into a scenario as the engine reads it
    (rounded to 4 decimals, as the sample scenario stores it), drawn per path."""
    mid, low, high = (
        round(v, 4)
        for v in estimate_rates(small_team(people, exits)).annual_attrition("data_scientist")
    )
    sc = Scenario(
        headcount={"data_scientist": people},
        attrition_annual={"data_scientist": mid},
        attrition_interval={"data_scientist": [low, high]},
        paths=100_000,
    )
    annual = monthly_to_annual_array(exit_probability(np.random.default_rng(1), sc, DS, sc.paths))
    for value, share in ((low, 0.05), (mid, 0.5), (high, 0.95)):
        below = float(np.mean(annual <= value))
        assert below == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / sc.paths))


def test_an_interval_from_zero_keeps_its_95th_percentile():
    """The review: [0, 19.5%] was drawn with a 95th percentile of 0.34%."""
    q = monthly_to_annual_array(rate_quantiles(0.05, 0.0, 0.195, np.array([0.05, 0.5, 0.95])))
    assert q[1:] == pytest.approx([0.05, 0.195], rel=1e-6)
    assert 0 < q[0] < 0.05  # from 0: the upper piece's Gamma below the median, not 0 itself


def test_an_interval_of_one_value_draws_that_value():
    q = rate_quantiles(0.13, 0.13, 0.13, U)
    assert q == pytest.approx(np.full(U.size, annual_to_monthly(0.13)))


def test_quantiles_rise_with_the_probability():
    u = np.linspace(0, 1, 2001)
    q = rate_quantiles(0.2, 0.05, 0.6, u)
    assert np.all(np.diff(q) >= 0)
    assert np.all((q >= 0) & (q < 1))


def test_a_draw_uses_one_uniform_per_path_so_streams_stay_aligned():
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    draw_monthly_exit(a, 0.13, (0.05, 0.3), 500)
    b.random(500)
    assert a.random() == b.random()


def monthly_to_annual_array(monthly: np.ndarray) -> np.ndarray:
    return 1 - (1 - np.asarray(monthly)) ** 12
