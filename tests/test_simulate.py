"""simulate(): analytic expectations, exact deterministic cases, seeding, invariants, outputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.roles import ROLE_KEYS
from forecasting.scenario import Scenario
from forecasting.simulate import (
    DS,
    MLE,
    beta_for_interval,
    monthly_probability,
    run_paths,
    simulate,
)


def scenario(**kw) -> Scenario:
    d = {"start_month": "2027-01", "headcount": {}, "paths": 500, "seed": 7}
    d.update(kw)
    return Scenario.from_dict(d)


def test_mean_headcount_matches_the_stock_flow_expectation():
    n0, h, annual, months = 40, 2, 0.25, 24
    sc = scenario(
        headcount={"data_scientist": n0},
        attrition_annual=annual,
        planned_starts={"data_scientist": [h] * months},
        horizon_months=months,
        paths=4000,
    )
    res = simulate(sc)
    q = 1 - monthly_probability(annual)
    t = np.arange(months + 1)
    expected = q**t * n0 + h * (1 - q**t) / (1 - q)
    paths = res.paths_headcount[:, :, DS]
    se = paths.std(axis=0, ddof=1) / math.sqrt(sc.paths)
    se[0] = 1e-9
    z = (res.headcount_mean[:, DS] - expected) / np.maximum(se, 1e-9)
    assert np.all(np.abs(z) < 4.5), z
    assert res.headcount_mean[0, DS] == n0


def test_zero_attrition_and_certain_starts_give_exact_headcount():
    starts = [1, 0, 2, 0, 0, 3]
    sc = scenario(
        headcount={"ml_engineer": 3, "data_scientist": 20},
        attrition_annual=0.0,
        planned_starts={"ml_engineer": starts},
        horizon_months=8,
    )
    res = simulate(sc)
    expected = 3 + np.concatenate([[0], np.cumsum(starts + [0, 0])])
    assert np.all(res.paths_headcount[:, :, MLE] == expected)
    for col in range(3):
        assert np.array_equal(res.headcount_q[col, :, MLE], expected)
    assert np.array_equal(res.headcount_mean[:, MLE], expected)


def test_planned_start_at_index_i_is_counted_from_month_i_plus_1():
    sc = scenario(
        headcount={"ml_engineer": 1},
        attrition_annual=0.0,
        planned_starts={"ml_engineer": [0, 0, 5]},
        horizon_months=4,
    )
    mle = simulate(sc).headcount_mean[:, MLE]
    assert list(mle) == [1, 1, 1, 6, 6]


def test_open_requisitions_join_at_the_end_of_time_to_fill():
    sc = scenario(
        headcount={"ml_engineer": 1},
        attrition_annual=0.0,
        open_requisitions={"ml_engineer": 2},
        time_to_fill_months={"ml_engineer": 3},
        horizon_months=5,
    )
    assert list(simulate(sc).headcount_mean[:, MLE]) == [1, 1, 1, 3, 3, 3]


def test_fill_rate_scales_the_expected_starts():
    sc = scenario(
        headcount={"ml_engineer": 0},
        attrition_annual=0.0,
        planned_starts={"ml_engineer": [10]},
        fill_rate=0.84,
        horizon_months=2,
        paths=4000,
    )
    res = simulate(sc)
    got = res.paths_headcount[:, 1, MLE]
    se = math.sqrt(10 * 0.84 * 0.16 / sc.paths)
    assert abs(got.mean() - 8.4) < 4.5 * se
    assert got.min() >= 0 and got.max() <= 10
    assert res.starts_mean[1, MLE] == pytest.approx(got.mean())


def test_same_seed_same_paths_and_other_seed_other_paths():
    sc = scenario(
        headcount={"data_scientist": 30, "ml_engineer": 3},
        attrition_annual=0.2,
        fill_rate=0.8,
        planned_starts={"ml_engineer": [1, 1, 1]},
        horizon_months=12,
    )
    a, b = simulate(sc), simulate(sc)
    assert np.array_equal(a.paths_headcount, b.paths_headcount)
    assert a.to_json_dict() == b.to_json_dict()
    c = simulate(sc.replace(seed=8))
    assert not np.array_equal(a.paths_headcount, c.paths_headcount)


def test_changing_only_mle_starts_keeps_the_data_scientist_paths_and_never_lowers_mle():
    base = scenario(
        headcount={"data_scientist": 30, "ml_engineer": 1},
        attrition_annual=0.3,
        reskill_annual=0.1,
        fill_rate=0.7,
        planned_starts={"ml_engineer": [0, 1]},
        horizon_months=18,
    )
    more = base.replace(planned_starts={"ml_engineer": [0, 1, 0, 2, 0, 0, 1]})
    a, b = run_paths(base).headcount, run_paths(more).headcount
    assert np.array_equal(a[:, DS], b[:, DS])
    assert np.all(b[:, MLE] >= a[:, MLE])


def test_reskilling_conserves_ds_plus_mle_without_attrition():
    sc = scenario(
        headcount={"data_scientist": 30, "ml_engineer": 2},
        attrition_annual=0.0,
        reskill_annual=0.3,
        horizon_months=24,
    )
    hc = simulate(sc).paths_headcount
    assert np.all(hc[:, :, DS] + hc[:, :, MLE] == 32)
    assert hc[:, -1, MLE].mean() > 2


def test_target_met_and_held_are_exactly_one_or_zero_in_deterministic_cases():
    base = {
        "headcount": {"data_scientist": 30, "ml_engineer": 3},
        "attrition_annual": 0.0,
        "planned_starts": {"ml_engineer": [2]},  # 30 / 5 = 6 from month 1
        "horizon_months": 6,
    }
    met = simulate(scenario(**base, target={"ds_per_mle": 6, "deadline_month": 1}))
    assert met.p_target_met == 1.0 and met.p_target_held == 1.0
    strict = simulate(scenario(**base, target={"ds_per_mle": 5.9, "deadline_month": 1}))
    assert strict.p_target_met == 0.0 and strict.p_target_held == 0.0
    # Data scientists joining in month 4 push the ratio back to 40 / 5 = 8.
    broken = scenario(
        **{**base, "planned_starts": {"ml_engineer": [2], "data_scientist": [0, 0, 0, 10]}},
        target={"ds_per_mle": 6, "deadline_month": 2},
    )
    res = simulate(broken)
    assert res.p_target_met == 1.0 and res.p_target_held == 0.0


def test_no_ml_engineer_means_undefined_ratio_and_target_not_met():
    sc = scenario(
        headcount={"data_scientist": 10},
        attrition_annual=0.0,
        horizon_months=3,
        target={"ds_per_mle": 100, "deadline_month": 3},
    )
    res = simulate(sc)
    assert res.p_target_met == 0.0 and res.p_target_held == 0.0
    assert np.all(np.isnan(res.ratio_q)) and np.all(res.share_defined == 0)
    out = res.to_json_dict()
    assert out["ds_per_mle"]["p50"] == [None] * 4
    json.dumps(out, allow_nan=False)


def test_ratio_quantile_is_null_only_where_it_lands_on_undefined_paths():
    # 2 ML engineers at 60%/yr: many paths lose both. Undefined ratios sort as +inf,
    # so quantile q is undefined exactly when fewer than a share q of paths have an MLE.
    sc = scenario(
        headcount={"data_scientist": 20, "ml_engineer": 2},
        attrition_annual={"ml_engineer": 0.6, "data_scientist": 0.0},
        horizon_months=24,
        paths=2000,
    )
    res = simulate(sc)
    share = res.share_defined
    for i, q in enumerate((0.1, 0.5, 0.9)):
        undefined = np.isnan(res.ratio_q[i])
        assert not undefined[share > q + 0.01].any()
        assert undefined[share < q - 0.01].all()
    assert (share < 0.85).any() and (share > 0.95).any()  # both cases occur


def test_cost_is_headcount_times_monthly_salary():
    sc = scenario(
        headcount={"data_scientist": 10, "ml_engineer": 2},
        attrition_annual=0.0,
        annual_cost={"data_scientist": 120_000, "ml_engineer": 240_000},
        planned_starts={"ml_engineer": [1]},
        horizon_months=3,
    )
    res = simulate(sc)
    expected = np.array([10 * 10_000 + 2 * 20_000] + [10 * 10_000 + 3 * 20_000] * 3)
    assert np.allclose(res.cost_mean, expected)
    assert np.allclose(res.cost_q, expected)
    assert np.allclose(res.cumulative_cost_mean, [0, *np.cumsum(expected[1:])])


def test_frames_have_the_documented_columns():
    res = simulate(scenario(headcount={"data_scientist": 10, "ml_engineer": 1}, horizon_months=6))
    role_cols = ["month_index", "month", "role"]
    assert list(res.headcount.columns) == [*role_cols, "mean", "p10", "p50", "p90"]
    assert list(res.ratio.columns) == ["month_index", "month", "p10", "p50", "p90", "share_defined"]
    assert list(res.cost.columns) == [
        "month_index",
        "month",
        "cost_mean",
        "cost_p10",
        "cost_p90",
        "cumulative_mean",
    ]
    assert list(res.starts.columns) == [*role_cols, "mean"]
    assert list(res.capacity.columns) == [*role_cols, "effective_fte"]
    assert list(res.capacity_summary.columns) == [
        "month_index",
        "month",
        "ds_engineering_share",
        "ds_modelling_fte",
        "delivery_index",
        "bottleneck",
    ]
    assert len(res.headcount) == 7 * 4 and len(res.ratio) == 7
    assert res.months[0] == "2027-01" and res.months[-1] == "2027-07"
    assert res.paths_headcount.shape == (500, 7, 4)


def test_plan_json_has_the_cli_keys():
    out = simulate(scenario(headcount={"data_scientist": 10, "ml_engineer": 1})).to_json_dict()
    for key in ("months", "headcount", "ds_per_mle", "p_target_met", "p_target_held", "cost"):
        assert key in out
    assert "capacity" in out and "delivery_index" in out["capacity"]
    assert set(out["headcount"]) == set(ROLE_KEYS)
    assert set(out["headcount"]["ml_engineer"]) == {"mean", "p10", "p50", "p90"}
    assert len(out["months"]) == 37 and len(out["cost"]["mean"]) == 37
    json.dumps(out, allow_nan=False)


@pytest.mark.parametrize(("low", "high"), [(0.08, 0.2), (0.05, 0.4), (0.12, 0.14)])
def test_beta_for_interval_puts_90_percent_inside_the_interval(low, high):
    a, b = beta_for_interval(low, high)
    draws = np.random.default_rng(0).beta(a, b, size=200_000)
    lo, hi = np.quantile(draws, [0.05, 0.95])
    assert lo == pytest.approx(low, abs=0.004 * (1 + (high - low) * 10))
    assert hi == pytest.approx(high, abs=0.004 * (1 + (high - low) * 10))


def test_attrition_interval_widens_the_spread_of_outcomes():
    kw = {
        "headcount": {"data_scientist": 200},
        "attrition_annual": {"data_scientist": 0.13},
        "horizon_months": 24,
        "paths": 2000,
    }
    fixed = simulate(scenario(**kw))
    uncertain = simulate(scenario(**kw, attrition_interval={"data_scientist": [0.07, 0.22]}))
    width = lambda r: r.headcount_q[2, -1, DS] - r.headcount_q[0, -1, DS]  # noqa: E731
    assert width(uncertain) > 1.5 * width(fixed)


small_scenarios = st.fixed_dictionaries(
    {
        "headcount": st.fixed_dictionaries({k: st.integers(0, 15) for k in ROLE_KEYS}),
        "attrition_annual": st.floats(0.0, 0.8),
        "horizon_months": st.integers(1, 12),
        "planned_starts": st.fixed_dictionaries(
            {"ml_engineer": st.lists(st.integers(0, 3), max_size=12)}
        ),
        "fill_rate": st.sampled_from([1.0, 0.5]),
        "reskill_annual": st.sampled_from([0.0, 0.3]),
        "seed": st.integers(0, 1000),
    }
)


@settings(max_examples=30, deadline=None)
@given(d=small_scenarios)
def test_invariants_hold_for_any_small_scenario(d):
    d["planned_starts"]["ml_engineer"] = d["planned_starts"]["ml_engineer"][: d["horizon_months"]]
    sc = scenario(**d, paths=100)
    res = simulate(sc)
    assert res.paths_headcount.min() >= 0
    q = res.headcount_q
    assert np.all(q[0] <= q[1]) and np.all(q[1] <= q[2])
    r = res.ratio_q
    both = ~np.isnan(r[0]) & ~np.isnan(r[1]) & ~np.isnan(r[2])
    assert np.all(r[0][both] <= r[1][both]) and np.all(r[1][both] <= r[2][both])
    assert 0.0 <= res.p_target_held <= res.p_target_met <= 1.0
    assert np.all(np.isfinite(res.capacity_arrays.effective_fte))
    assert np.all(res.capacity_arrays.effective_fte <= res.headcount_mean + 1e-9)


@settings(max_examples=20, deadline=None)
@given(
    ds=st.integers(0, 40),
    mle=st.integers(0, 10),
    reskill=st.floats(0.01, 0.9),
    seed=st.integers(0, 1000),
)
def test_reskilling_never_creates_or_loses_people(ds, mle, reskill, seed):
    sc = scenario(
        headcount={"data_scientist": ds, "ml_engineer": mle},
        attrition_annual=0.0,
        reskill_annual=reskill,
        horizon_months=6,
        paths=100,
        seed=seed,
    )
    hc = simulate(sc).paths_headcount
    assert np.all(hc[:, :, DS] + hc[:, :, MLE] == ds + mle)
