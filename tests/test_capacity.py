"""Capacity model: ramp, mentoring drag, DS time split, delivery index (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model import params
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import CapacityParams, Scenario
from forecasting.simulate import engine
from forecasting.simulate.capacity import (
    capacity_paths,
    coverage,
    delivery,
    delivery_reference,
    ds_engineering_share,
    effective_fte,
    ramp_fraction,
    ramp_shortfall,
    ramping_headcount,
)
from forecasting.simulate.engine import MLE, simulate

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


def test_ramping_headcount_counts_hires_until_their_ramp_ends():
    starts = np.zeros(8)
    starts[1] = 2
    assert np.allclose(ramping_headcount(starts, 1.0, 4), [0, 2, 2, 2, 2, 0, 0, 0])
    assert np.allclose(ramping_headcount(starts, 0.5, 2), [0, 2, 1, 0, 0, 0, 0, 0])


def test_effective_fte_subtracts_ramp_and_mentoring_drag():
    # 10 people, 2 of them new at tenure 0 (shortfall 2), drag 0.2: 10 - 2 - 0.4.
    assert effective_fte(10, 2.0, 2.0, 0.2) == pytest.approx(7.6)


def test_mentoring_drag_is_capped_by_the_incumbents_available_to_mentor():
    """9 hires at tenure 0 and 1 incumbent: the drag is 1 FTE (all of the incumbent's
    time), not 0.2 * 9 = 1.8; without incumbents there is no drag at all."""
    assert effective_fte(10, 9.0, 9.0, 0.2) == pytest.approx(0.0)
    assert effective_fte(10, 7.5, 9.0, 0.2) == pytest.approx(10 - 7.5 - 1)
    assert effective_fte(9, 7.5, 9.0, 0.2) == pytest.approx(9 - 7.5)


def test_effective_fte_is_never_negative():
    assert effective_fte(1, 2.0, 0.0, 0.2) == 0.0


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


def _delivery(hc) -> tuple[float, float, float, str]:
    """Time split, modelling FTE, delivered FTE and bottleneck of one fully ramped team."""
    d = delivery([np.asarray(float(x)) for x in hc], DEFAULT)
    return float(d.share), float(d.modelling), float(d.output), ROLE_KEYS[int(d.bottleneck)]


def test_delivery_is_the_modelling_time_left_capped_by_product_managers():
    # 30 DS, 3 MLE (cover 15 of 30), 8 DE (cover 32), 4 PM (direct 32):
    # share 0.2 + 0.35 * 0.5 = 0.375, modelling 30 * 0.625 = 18.75.
    assert _delivery([8, 30, 3, 4])[:3] == pytest.approx((0.375, 18.75, 18.75))
    # One PM directs only 8 data scientists: delivery 8 of the 18.75 modelling FTE.
    _, modelling, output, bottleneck = _delivery([8, 30, 3, 1])
    assert (modelling, output) == pytest.approx((18.75, 8.0))
    assert bottleneck == "product_manager"


def test_engineering_work_at_0_ml_engineers_is_counted_once():
    """30 data scientists and no ML engineer: they do the engineering themselves (share
    0.2 + 0.35 = 0.55, modelling 13.5 FTE), and delivery is those 13.5 FTE, not
    min(..., 0 ML engineers * 5) = 0 on top."""
    share, modelling, output, bottleneck = _delivery([8, 30, 0, 4])
    assert (share, modelling, output) == pytest.approx((0.55, 13.5, 13.5))
    assert bottleneck == "ml_engineer"


def test_data_engineers_missing_work_is_also_counted_once():
    # 2 DE cover 8 of 30: share 0.2 + 0.35 * 22/30, no cap at 2 * 4 = 8 on top.
    share, modelling, output, bottleneck = _delivery([2, 30, 6, 4])
    assert share == pytest.approx(0.2 + 0.35 * 22 / 30)
    assert output == pytest.approx(30 * (1 - share)) and output > 8
    assert bottleneck == "data_engineer"


def test_bottleneck_is_ml_engineers_while_their_missing_work_costs_modelling_time():
    """5 ML engineers cover 25 of 30 data scientists: the other 5 lose 0.35 of their time
    (1.75 FTE), so ML engineers limit delivery although 5 * 5 = 25 exceeds the 22.25
    modelling FTE."""
    share, modelling, _, bottleneck = _delivery([8, 30, 5, 4])
    assert modelling == pytest.approx(30 - 6 - 1.75)
    assert bottleneck == "ml_engineer"


def test_bottleneck_is_data_scientists_when_engineers_are_plentiful():
    hc = np.array([[20, 10, 10, 10]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(1)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.bottleneck == ["data_scientist"]


def test_delivery_index_100_is_todays_data_scientists_fully_supported():
    """100 = today's 30 data scientists losing only the 20% floor (24 FTE); today's 1:10
    team delivers 18.75 FTE, index 78.125 (it was 100 = month 0 by construction)."""
    assert delivery_reference(30, DEFAULT) == pytest.approx(24.0)
    hc = np.array([[8, 30, 3, 4], [8, 30, 6, 4]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.delivery_reference == pytest.approx(24.0)
    assert out.delivery_index == pytest.approx([100 * 18.75 / 24, 100.0])


def test_capacity_paths_match_the_formulas_on_a_fixed_team():
    month0 = np.array([8, 30, 3, 3])
    month1 = np.array([8, 30, 6, 3])  # three ML engineers joined in month 1
    hc = np.stack([month0, month1])[:, :, None].repeat(5, axis=2)
    starts = [np.zeros(2), np.zeros(2), np.array([0.0, 3.0]), np.zeros(2)]
    out = capacity_paths(hc, starts, np.ones(4), np.full(4, 4.0), DEFAULT)
    # New hires at tenure 0 contribute 0 and cost 0.2 FTE each of mentoring: 6 - 3*1.2.
    assert out.effective_fte[1, MLE] == pytest.approx(6 - 3 * 1.2)
    share0, modelling0, output0, _ = _delivery(month0)
    share1, modelling1, output1, _ = _delivery([8, 30, 2.4, 3])
    assert out.ds_engineering_share[0] == pytest.approx(share0)
    assert out.ds_modelling_fte[1] == pytest.approx(modelling1, rel=1e-6)
    assert out.delivery_index[0] == pytest.approx(100 * output0 / 24, rel=1e-6)
    assert out.delivery_index[1] == pytest.approx(100 * output1 / 24, rel=1e-6)
    assert out.bottleneck == ["ml_engineer", "ml_engineer"]


def test_a_team_starting_with_0_ml_engineers_has_a_defined_delivery_index():
    """It was NaN for the whole horizon (month 0 delivered min(..., 0) = 0). Now month 0 is
    the 13.5 modelling FTE its 30 data scientists keep (index 100 * 13.5 / 24), and
    hiring 6 ML engineers raises it to the fully supported 24 FTE (100)."""
    hc = np.array([[8, 30, 0, 4], [8, 30, 6, 4]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.delivery_index == pytest.approx([100 * 13.5 / 24, 100.0])
    assert out.bottleneck == ["ml_engineer", "data_scientist"]


def test_losing_every_ml_engineer_keeps_the_modelling_time_data_scientists_keep():
    """Month 1 has 0 ML engineers: delivery 13.5 FTE (index 56.25), not 0."""
    hc = np.array([[8, 30, 3, 4], [8, 30, 0, 4]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.delivery_index[1] == pytest.approx(100 * 13.5 / 24)


def test_a_team_starting_without_product_managers_has_a_defined_delivery_index():
    """No PM to direct the work: delivery 0 today (index 0, bottleneck product manager),
    then 2 PMs direct 16 of the 24 modelling FTE (index 66.7); it was NaN throughout."""
    hc = np.array([[8, 30, 6, 0], [8, 30, 6, 2]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.delivery_index == pytest.approx([0.0, 100 * 16 / 24])
    assert out.bottleneck == ["product_manager", "product_manager"]


def test_a_team_starting_without_data_scientists_has_a_defined_delivery_index():
    """100 = one fully supported data scientist (0.8 FTE) when there is none today."""
    hc = np.array([[2, 0, 1, 1], [2, 2, 1, 1]])[:, :, None]
    out = capacity_paths(hc, [np.zeros(2)] * 4, np.ones(4), np.zeros(4), DEFAULT)
    assert out.delivery_reference == pytest.approx(0.8)
    assert out.delivery_index == pytest.approx([0.0, 100 * 1.6 / 0.8])


def _empty_team(n_mle: int) -> Scenario:
    return Scenario.from_dict(
        {
            "headcount": {"data_engineer": 8, "data_scientist": 30, "ml_engineer": n_mle},
            "attrition_annual": 0.0,
            "planned_starts": {"ml_engineer": [9]},
            "fill_rate": 1.0,  # all 9 join: the known answers below
            "ramp_months": {"ml_engineer": 6},
            "horizon_months": 8,
            "paths": 100,
        }
    )


def test_9_hires_into_an_empty_team_cost_no_mentoring():
    """9 ML engineers join a team with none (month 1): nobody can mentor them, so they
    ramp as 9 * tenure / 6 FTE; the drag made them 0 FTE through month 2."""
    eff = simulate(_empty_team(0)).capacity_arrays.effective_fte[:, MLE]
    assert eff == pytest.approx([0, 0, 1.5, 3.0, 4.5, 6.0, 7.5, 9.0, 9.0])


def test_9_hires_with_1_incumbent_cost_at_most_that_incumbents_time():
    """Drag 0.2 * shortfall, at most the 1 incumbent's FTE: 10 - 7.5 - 1 = 1.5 in month 2
    (not 10 - 7.5 * 1.2 = 1.0), 10 - 4.5 - 0.9 = 4.6 in month 4 (cap no longer binds)."""
    eff = simulate(_empty_team(1)).capacity_arrays.effective_fte[:, MLE]
    assert eff == pytest.approx([1.0, 0.0, 1.5, 3.0, 4.6, 6.4, 8.2, 10.0, 10.0])


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
            "fill_rate": 1.0,  # all 3 join
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
    assert cap.delivery_index[1] < cap.delivery_index[0] < cap.delivery_index[5]
    assert cap.ds_engineering_share[5] < cap.ds_engineering_share[0]


def test_cohort_survival_uses_each_paths_own_attrition():
    """The review: the capacity model's cohort survival used the point attrition while the
    headcount was simulated with per-path draws. Two paths, q = 1 and q = 0: 4 hires ramp
    over 4 months on the first path; on the second they are gone after their first month."""
    from forecasting.simulate.capacity import ramp_shortfall

    starts = np.array([0.0, 4.0, 0, 0, 0, 0])[:, None] * np.ones((1, 2))
    short = ramp_shortfall(starts, np.array([1.0, 0.0]), 4.0)
    assert short[:, 0].tolist() == [0, 4, 3, 2, 1, 0]
    assert short[:, 1].tolist() == [0, 4, 0, 0, 0, 0]


def test_simulate_passes_the_per_path_retention_it_simulated_with(monkeypatch):

    seen = {}
    real = engine.capacity_paths

    def spy(headcount, starts, retention, ramp, params):
        seen["retention"] = retention
        return real(headcount, starts, retention, ramp, params)

    monkeypatch.setattr(engine, "capacity_paths", spy)
    sc = Scenario(
        headcount={"data_scientist": 10, "ml_engineer": 2},
        attrition_annual={"ml_engineer": 0.2},
        attrition_interval={"ml_engineer": [0.05, 0.5]},
        planned_starts={"ml_engineer": [2, 2]},
        horizon_months=6,
        paths=300,
        seed=2,
    )
    engine.simulate(sc)
    q = seen["retention"][2]
    assert np.shape(q) == (300,) and np.ptp(q) > 0  # one retention per path
    raw = engine.run_paths(sc)
    assert np.array_equal(q, 1.0 - raw.p_exit[2])
