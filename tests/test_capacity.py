"""Capacity model: ramp, mentoring drag, DS time split, delivery index (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting import params
from forecasting.capacity import (
    capacity_paths,
    coverage,
    delivery_terms,
    ds_engineering_share,
    effective_fte,
    ramp_fraction,
    ramp_shortfall,
)
from forecasting.scenario import CapacityParams, Scenario
from forecasting.simulate import MLE, simulate

DEFAULT = CapacityParams()


def test_a_hire_at_tenure_0_contributes_nothing_and_at_half_ramp_half():
    assert ramp_fraction(0, 4) == 0.0
    assert ramp_fraction(2, 4) == 0.5
    assert ramp_fraction(4, 4) == 1.0
    assert ramp_fraction(9, 4) == 1.0


def test_zero_ramp_means_productive_at_once():
    assert ramp_fraction(0, 0) == 1.0


def test_shortfall_of_one_hire_falls_linearly_over_the_ramp():
    starts = np.zeros(8)
    starts[1] = 1
    short = ramp_shortfall(starts, retention_monthly=1.0, ramp_months=4)
    assert np.allclose(short, [0, 1, 0.75, 0.5, 0.25, 0, 0, 0])


def test_shortfall_follows_expected_survival():
    starts = np.array([0, 10, 0, 0])
    short = ramp_shortfall(starts, retention_monthly=0.9, ramp_months=4)
    assert np.allclose(short, [0, 10, 10 * 0.9 * 0.75, 10 * 0.81 * 0.5])


def test_shortfall_keeps_a_paths_axis():
    starts = np.zeros((5, 3))
    starts[1] = [0, 1, 2]
    short = ramp_shortfall(starts, 1.0, 2)
    assert np.allclose(short[:, 2], [0, 2, 1, 0, 0])


def test_effective_fte_subtracts_ramp_and_mentoring_drag():
    # 10 people, 2 of them new at tenure 0 (shortfall 2), drag 0.2: 10 - 2 - 0.4.
    assert effective_fte(10, 2.0, 0.2) == pytest.approx(7.6)
    assert effective_fte(1, 2.0, 0.2) == 0.0  # never negative


def test_coverage_is_capped_at_one_and_is_one_without_data_scientists():
    assert coverage(3, 5, 30) == pytest.approx(0.5)
    assert coverage(10, 5, 30) == 1.0
    assert coverage(0, 5, 30) == 0.0
    assert coverage(2, 5, 0) == 1.0


def test_a_typical_one_to_ten_team_spends_about_45_percent_on_engineering_and_prep():
    # Calibration team (params.py): per 10 data scientists, 1 ML engineer and 2 data engineers.
    share = ds_engineering_share(mle_fte=3, de_fte=6, ds_fte=30, params=DEFAULT)
    assert share == pytest.approx(0.20 + 0.35 * 0.5 + 0.35 * 0.2)
    assert abs(share - params.value("reference.ds_data_prep_share")) < 0.01


def test_share_is_the_floor_with_full_support_and_floor_plus_gaps_with_none():
    assert ds_engineering_share(6, 8, 30, DEFAULT) == pytest.approx(DEFAULT.ds_floor_share)
    assert ds_engineering_share(0, 0, 30, DEFAULT) == pytest.approx(0.9)


def test_delivery_terms_put_each_role_in_data_scientist_units():
    eff = np.array([[8.0, 30.0, 3.0, 3.0]])
    terms = delivery_terms(eff, np.array([18.0]), DEFAULT)
    assert np.allclose(terms[0], [32.0, 18.0, 15.0, 24.0])
    no_pm = delivery_terms(eff, np.array([18.0]), CapacityParams(ds_per_pm_supported=0))
    assert np.isinf(no_pm[0, 3])


def _hand_capacity(hc: np.ndarray) -> tuple[float, float, float]:
    de, ds, mle, pm = hc
    share = float(ds_engineering_share(mle, de, ds, DEFAULT))
    modelling = ds * (1 - share)
    supply = min(modelling, mle * 5, de * 4, pm * 8)
    return share, modelling, supply


def test_capacity_paths_match_the_formulas_on_a_fixed_team():
    month0 = np.array([8, 30, 3, 3])
    month1 = np.array([8, 30, 6, 3])  # three ML engineers joined in month 1
    hc = np.stack([month0, month1])[:, :, None].repeat(5, axis=2)
    starts = [np.zeros(2), np.zeros(2), np.array([0.0, 3.0]), np.zeros(2)]
    out = capacity_paths(hc, starts, np.ones(4), np.full(4, 4.0), DEFAULT)
    # New hires at tenure 0 contribute 0 and cost 0.2 FTE each of mentoring: 6 - 3*1.2.
    assert out.effective_fte[1, MLE] == pytest.approx(6 - 3 * 1.2)
    share0, modelling0, supply0 = _hand_capacity(month0.astype(float))
    share1, modelling1, supply1 = _hand_capacity(np.array([8, 30, 2.4, 3]))
    assert out.ds_engineering_share[0] == pytest.approx(share0)
    assert out.ds_modelling_fte[1] == pytest.approx(modelling1, rel=1e-6)
    assert out.delivery_index[0] == pytest.approx(100.0)
    assert out.delivery_index[1] == pytest.approx(100 * supply1 / supply0, rel=1e-6)
    assert out.bottleneck == ["ml_engineer", "ml_engineer"]


def test_bottleneck_is_data_scientists_when_engineers_are_plentiful():
    hc = np.array([[20, 10, 10, 10]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(1)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.bottleneck == ["data_scientist"]


def test_delivery_index_is_undefined_when_month_zero_delivers_nothing():
    hc = np.array([[5, 10, 0, 2], [5, 10, 1, 2]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert np.all(np.isnan(out.delivery_index))


def test_hiring_ml_engineers_dips_then_raises_effective_capacity_in_simulate():
    sc = Scenario.from_dict(
        {
            "headcount": {
                "data_engineer": 8,
                "data_scientist": 30,
                "ml_engineer": 3,
                "product_manager": 4,
            },
            "attrition_annual": 0.0,
            "planned_starts": {"ml_engineer": [3]},
            "ramp_months": {"ml_engineer": 4},
            "horizon_months": 8,
            "paths": 100,
        }
    )
    cap = simulate(sc).capacity_arrays
    eff = cap.effective_fte[:, MLE]
    assert eff[1] == pytest.approx(6 - 3 * 1.2)  # joined: no output yet, mentoring drag
    assert eff[3] == pytest.approx(6 - 3 * 1.2 * 0.5)
    assert eff[5] == pytest.approx(6.0)
    assert cap.delivery_index[1] < 100 < cap.delivery_index[5]
    assert cap.ds_engineering_share[5] < cap.ds_engineering_share[0]
