"""simulate(): analytic expectations, exact deterministic cases, seeding, invariants, outputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.model import params
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.simulate.engine import (
    DS,
    MLE,
    exit_probability,
    monthly_probability,
    run_paths,
    simulate,
)
from tests.conftest import make_scenario


def scenario(**kw) -> Scenario:
    return make_scenario(**({"headcount": {}, "paths": 500, "seed": 7} | kw))


#: A small team with every random flow: attrition, DS -> MLE reskilling, unfilled starts.
NOISY_TEAM = {
    "headcount": {"data_scientist": 30, "ml_engineer": 1},
    "attrition_annual": 0.3,
    "reskill_annual": 0.1,
    "fill_rate": 0.7,
    "planned_starts": {"ml_engineer": [0, 1]},
    "horizon_months": 18,
}


def test_mean_headcount_matches_the_stock_flow_expectation():
    n0, h, annual, months = 40, 2, 0.25, 24
    sc = scenario(
        headcount={"data_scientist": n0},
        attrition_annual=annual,
        planned_starts={"data_scientist": [h] * months},
        fill_rate=1.0,  # h starts a month join: the expectation below
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
        fill_rate=1.0,
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
        fill_rate=1.0,
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
        fill_rate=1.0,
        horizon_months=5,
    )
    assert list(simulate(sc).headcount_mean[:, MLE]) == [1, 1, 1, 3, 3, 3]


#: Ten ML engineer starts planned for month 1 into an empty team that nobody leaves.
TEN_STARTS = {
    "headcount": {"ml_engineer": 0},
    "attrition_annual": 0.0,
    "planned_starts": {"ml_engineer": [10]},
    "horizon_months": 2,
    "paths": 4000,
}


def test_fill_rate_scales_the_expected_starts():
    sc = scenario(**TEN_STARTS, fill_rate=0.84)
    res = simulate(sc)
    got = res.paths_headcount[:, 1, MLE]
    se = math.sqrt(10 * 0.84 * 0.16 / sc.paths)
    assert abs(got.mean() - 8.4) < 4.5 * se
    assert got.min() >= 0 and got.max() <= 10
    assert res.starts_mean[1, MLE] == pytest.approx(got.mean())


def test_same_seed_same_paths_and_other_seed_other_paths():
    sc = scenario(**NOISY_TEAM)
    a, b = simulate(sc), simulate(sc)
    assert np.array_equal(a.paths_headcount, b.paths_headcount)
    assert a.to_json_dict() == b.to_json_dict()
    c = simulate(sc.replace(seed=8))
    assert not np.array_equal(a.paths_headcount, c.paths_headcount)


def test_changing_only_mle_starts_keeps_the_data_scientist_paths_and_never_lowers_mle():
    base = scenario(**NOISY_TEAM)
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
        "fill_rate": 1.0,
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
        fill_rate=1.0,
        cost_multiplier=1.0,  # salary only
        horizon_months=3,
    )
    res = simulate(sc)
    expected = np.array([10 * 10_000 + 2 * 20_000] + [10 * 10_000 + 3 * 20_000] * 3)
    assert np.allclose(res.cost_mean, expected)
    assert np.allclose(res.cost_q, expected)
    assert np.allclose(res.cumulative_cost_mean, [0, *np.cumsum(expected[1:])])


@pytest.mark.parametrize("multiplier", [None, 1.0, 2.5])
def test_payroll_is_headcount_times_salary_times_cost_multiplier_over_12(multiplier):
    """Every path's monthly payroll is its headcount x salary x cost_multiplier / 12; without
    a multiplier in the scenario it is the registry's fully loaded default."""
    given_multiplier = {} if multiplier is None else {"cost_multiplier": multiplier}
    sc = scenario(
        headcount={"data_scientist": 10, "ml_engineer": 2, "product_manager": 1},
        attrition_annual=0.3,
        annual_cost={"data_scientist": 120_000, "ml_engineer": 240_000, "product_manager": 180_000},
        planned_starts={"ml_engineer": [1, 0, 2]},
        horizon_months=6,
        **given_multiplier,
    )
    m = params.value("cost_multiplier") if multiplier is None else multiplier
    assert sc.cost_multiplier == m
    salary = np.array(sc.annual_cost)  # base salaries, in ROLES order
    assert salary[MLE] == 240_000 and salary[DS] == 120_000
    assert sc.loaded_costs == pytest.approx(tuple(salary * m))
    assert sc.annual_cost_of("ml_engineer") == pytest.approx(240_000 * m)
    res = simulate(sc)
    payroll = np.einsum("ptr,r->pt", res.paths_headcount, salary) * m / 12  # (paths, months)
    assert np.ptp(payroll[:, -1]) > 0  # the paths differ: a payroll per path, not a constant
    assert np.allclose(res.cost_mean, payroll.mean(axis=0))
    assert res.cost_mean[0] == pytest.approx((10 * 120_000 + 2 * 240_000 + 180_000) * m / 12)
    assert np.allclose(res.cumulative_cost_mean, [0, *np.cumsum(payroll.mean(axis=0)[1:])])


def test_the_default_fill_rate_is_the_registrys_offer_acceptance():
    """Without a fill rate in the scenario, planned starts join with the cited US
    offer-acceptance rate (0.84), not with certainty."""
    acceptance = params.param("offer_acceptance").value
    assert acceptance == 0.84
    assert params.value("fill_rate") == acceptance
    sc = scenario(**TEN_STARTS)
    assert sc.fill_rate == acceptance
    assert Scenario.from_json(sc.to_json()).fill_rate == acceptance
    got = simulate(sc).paths_headcount[:, 1, MLE]
    se = math.sqrt(10 * acceptance * (1 - acceptance) / sc.paths)
    assert abs(got.mean() - 10 * acceptance) < 4.5 * se
    assert got.min() >= 0 and got.max() <= 10


def test_frames_have_the_documented_columns():
    res = simulate(scenario(headcount={"data_scientist": 10, "ml_engineer": 1}, horizon_months=6))
    month_cols = ["month_index", "month"]
    role_cols = [*month_cols, "role"]
    cost_cols = ["cost_mean", "cost_p10", "cost_p90", "cumulative_mean"]
    summary_cols = ["ds_engineering_share", "ds_modelling_fte", "delivery_index", "bottleneck"]
    assert list(res.headcount.columns) == [*role_cols, "mean", "p10", "p50", "p90"]
    assert list(res.ratio.columns) == [*month_cols, "p10", "p50", "p90", "share_defined"]
    assert list(res.cost.columns) == [*month_cols, *cost_cols]
    assert list(res.starts.columns) == [*role_cols, "mean"]
    assert list(res.capacity.columns) == [*role_cols, "effective_fte"]
    assert list(res.capacity_summary.columns) == [*month_cols, *summary_cols]
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


def test_attrition_interval_widens_the_spread_of_outcomes():
    sc = scenario(
        headcount={"data_scientist": 200},
        attrition_annual={"data_scientist": 0.13},
        horizon_months=24,
        paths=2000,
    )
    fixed = simulate(sc)
    uncertain = simulate(sc.replace(attrition_interval={"data_scientist": [0.07, 0.22]}))
    width = lambda r: r.headcount_q[2, -1, DS] - r.headcount_q[0, -1, DS]  # noqa: E731 - a one-line helper read next to its use
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


# --------------------------------------------------------------------------- hiring policy
#
# A role with a hiring policy has positions; a leaver (or a new position) opens a
# requisition at the end of that month, which starts time_to_fill_months later (same
# step when 0), each start succeeding with fill_rate (a failure is retried the next
# month), at most max_starts_per_month a month; people + open requisitions never
# exceed the positions (docs/scenario-format.md, "Hiring policy").

UP_AND_DOWN = [60, 64, 70, 70, 68, 66, 66, 69, 67, 65, 65, 72, 70, 68]


def policy_scenario(policy: dict, role: str = "data_scientist", **kw) -> Scenario:
    d = {
        "headcount": {role: 60, "ml_engineer": 3},
        "hiring_policy": {role: policy},
        "horizon_months": 24,
        "time_to_fill_months": 0,
        "max_starts_per_month": 10_000,
        "fill_rate": 1.0,
    }
    d.update(kw)
    return scenario(**d)


@pytest.mark.parametrize(
    "policy",
    [
        {"kind": "backfill"},
        {"kind": "growth", "to": 90, "by_month": 16},
        {"kind": "path", "headcount": UP_AND_DOWN, "source": "up and down"},
    ],
    ids=["backfill", "growth", "path"],
)
def test_with_no_lag_full_fill_and_no_binding_cap_headcount_equals_positions_everywhere(policy):
    """Attrition 0.99 a year (p = 0.32 a month): about 20 of 60 people leave every month.

    The path falls by at most 2 a month, far fewer than leave, so no surplus is ever
    left over and headcount is exactly the positions on every path and month.
    """
    sc = policy_scenario(policy, attrition_annual={"data_scientist": 0.99})
    hc = simulate(sc).paths_headcount[:, :, DS]
    positions = np.array(sc.positions_of("data_scientist"))
    assert np.array_equal(hc, np.broadcast_to(positions, hc.shape))
    assert run_paths(sc).realised[DS].mean() > 15  # sanity: many left and were replaced


@pytest.mark.parametrize("lag", [1, 3])
def test_backfill_with_a_lag_settles_at_positions_over_one_plus_lag_times_exit_probability(lag):
    """E[H] + E[open] = P and E[open] = lag * p * E[H] (each leaver's seat is empty for
    `lag` months), so E[H] = P / (1 + lag * p) once the start-up transient is over."""
    positions, annual = 100, 0.3
    sc = policy_scenario(
        {"kind": "backfill"},
        headcount={"data_scientist": positions},
        attrition_annual={"data_scientist": annual},
        time_to_fill_months=lag,
        horizon_months=60,
        paths=2000,
    )
    hc = simulate(sc).paths_headcount[:, 24:, DS].astype(float)
    per_path = hc.mean(axis=1)  # paths are independent; months within one are not
    se = per_path.std(ddof=1) / math.sqrt(len(per_path))
    p = monthly_probability(annual)
    expected = positions / (1 + lag * p)
    assert abs(per_path.mean() - expected) < 4 * se, (per_path.mean(), expected, se)
    # The test tells lags apart: one month more or less is far outside the tolerance.
    for other in (lag - 1, lag + 1):
        assert abs(per_path.mean() - positions / (1 + other * p)) > 20 * se


@pytest.mark.parametrize("lag", [0, 2])
def test_a_leavers_requisition_starts_time_to_fill_months_after_they_left(lag):
    sc = policy_scenario(
        {"kind": "backfill"}, attrition_annual={"data_scientist": 0.4}, time_to_fill_months=lag
    )
    raw = run_paths(sc)
    hc = raw.headcount[:, DS, :].astype(np.int64)  # (T+1, P)
    starts = raw.realised[DS]  # (T, P)
    exits = hc[:-1] - hc[1:] + starts
    assert exits.sum() > 100
    assert np.all(starts[:lag] == 0)
    assert np.array_equal(starts[lag:], exits[: len(exits) - lag])


@pytest.mark.parametrize(("lag", "filled_at"), [(0, 5), (2, 7)])
def test_a_new_position_is_filled_time_to_fill_months_after_it_opens(lag, filled_at):
    sc = policy_scenario(
        {"kind": "backfill", "positions_added": [0, 0, 0, 0, 0, 4]},
        headcount={"data_scientist": 10},
        attrition_annual=0.0,
        time_to_fill_months=lag,
        horizon_months=10,
    )
    hc = simulate(sc).paths_headcount[:, :, DS]
    expected = [10] * filled_at + [14] * (11 - filled_at)
    assert np.array_equal(hc, np.broadcast_to(expected, hc.shape))


@pytest.mark.parametrize(("lag", "joins_at"), [(0, 1), (1, 1), (3, 3)])
def test_open_requisitions_count_as_positions_and_join_at_time_to_fill(lag, joins_at):
    sc = policy_scenario(
        {"kind": "backfill"},
        headcount={"data_scientist": 10},
        open_requisitions={"data_scientist": 2},
        attrition_annual=0.0,
        time_to_fill_months=lag,
        horizon_months=6,
    )
    assert sc.positions_of("data_scientist") == [12] * 7
    hc = simulate(sc).paths_headcount[:, :, DS]
    expected = [10] * joins_at + [12] * (7 - joins_at)
    assert np.array_equal(hc, np.broadcast_to(expected, hc.shape))


def test_falling_positions_cancel_the_latest_unstarted_requisitions_and_lay_nobody_off():
    """Nobody leaves; time to fill 2. Positions 10, 12, 14, 12, 12, 8, ...

    Step 0 opens 2 requisitions (due in step 2), step 1 two more (due in step 3). In step 2
    the positions of month 3 are 12: the two latest requisitions are cancelled, the two
    due now start, so month 3 has 12 (cancelling the earliest would leave 10, cancelling
    none would give 14 in month 4). From month 5 positions are 8, but the 12 stay.
    """
    path = [10, 12, 14, 12, 12, 8]
    sc = policy_scenario(
        {"kind": "path", "headcount": path, "source": "test"},
        headcount={"data_scientist": 10},
        attrition_annual=0.0,
        time_to_fill_months=2,
        horizon_months=8,
    )
    hc = simulate(sc).paths_headcount[:, :, DS]
    assert np.array_equal(hc, np.broadcast_to([10, 10, 10, 12, 12, 12, 12, 12, 12], hc.shape))


@pytest.mark.parametrize("fill_rate", [1.0, 0.6])
def test_people_never_exceed_the_positions_or_last_months_headcount_whichever_is_more(fill_rate):
    """People + open requisitions never exceed the positions, and nobody is laid off,
    so with no reskilling inflow H[t+1] <= max(P[t+1], H[t]) on every path: a
    requisition left open when positions fell would break it once it starts."""
    rng = np.random.default_rng(11)
    path = (60 + np.cumsum(rng.integers(-6, 7, size=25))).tolist()
    sc = policy_scenario(
        {"kind": "path", "headcount": path, "source": "random walk"},
        attrition_annual={"data_scientist": 0.3},
        time_to_fill_months=3,
        max_starts_per_month=4,
        fill_rate=fill_rate,
        paths=1000,
    )
    hc = simulate(sc).paths_headcount[:, :, DS].astype(np.int64)
    positions = np.array(sc.positions_of("data_scientist"))
    assert np.all(hc[:, 1:] <= np.maximum(positions[1:], hc[:, :-1]))
    assert np.any(hc[:, 1:] > hc[:, :-1])  # sanity: the role did hire


@pytest.mark.parametrize("lag", [0, 2])
def test_a_failed_fill_stays_open_and_is_retried_the_next_month(lag):
    """10 new positions at month 1, nobody leaves, fill rate 0.5: the requisitions first
    come due `lag` months later (month 1 + lag); each then starts with probability 0.5
    every month until it does (not after another time to fill), so with n = t - lag
    attempts by month t, E[H_t] = 20 - 10 * 0.5^n, and every path reaches 20."""
    sc = policy_scenario(
        {"kind": "backfill", "positions_added": [0, 10]},
        headcount={"data_scientist": 10},
        attrition_annual=0.0,
        fill_rate=0.5,
        time_to_fill_months=lag,
        horizon_months=30,
        paths=2000,
    )
    hc = simulate(sc).paths_headcount[:, :, DS].astype(float)
    assert np.all(hc[:, : lag + 1] == 10)
    n = np.arange(1, 6)
    expected = 20 - 10 * 0.5**n
    se = np.sqrt(10 * 0.5**n * (1 - 0.5**n) / sc.paths)  # H - 10 ~ Binomial(10, 1 - 0.5^n)
    got = hc[:, lag + 1 : lag + 6].mean(axis=0)
    assert np.all(np.abs(got - expected) < 4 * se), (got, expected)
    assert np.all(hc <= 20) and np.all(hc[:, -1] == 20)


def test_a_lower_fill_rate_lowers_mean_headcount_but_never_above_positions():
    kw = {
        "headcount": {"data_scientist": 50},
        "attrition_annual": {"data_scientist": 0.2},
        "time_to_fill_months": 1,
        "paths": 1000,
    }
    full = simulate(policy_scenario({"kind": "backfill"}, **kw))
    partial = simulate(policy_scenario({"kind": "backfill"}, fill_rate=0.6, **kw))
    assert np.all(partial.headcount_mean[3:, DS] < full.headcount_mean[3:, DS] - 0.2)
    assert partial.paths_headcount[:, :, DS].max() <= 50
    assert full.paths_headcount[:, :, DS].max() <= 50


@pytest.mark.parametrize("fill_rate", [1.0, 0.8])
def test_starts_never_exceed_max_starts_per_month_on_any_path(fill_rate):
    sc = policy_scenario(
        {"kind": "growth", "to": 40, "by_month": 3},
        headcount={"data_scientist": 10},
        attrition_annual={"data_scientist": 0.3},
        max_starts_per_month=2,
        fill_rate=fill_rate,
        paths=500,
    )
    raw = run_paths(sc)
    starts = raw.realised[DS]
    assert starts.max() == 2  # the cap binds...
    assert np.all(starts <= 2)  # ...and is never exceeded
    assert raw.headcount[3, DS, :].max() <= 10 + 3 * 2
    res = simulate(sc)
    assert np.all(res.starts_mean[:, DS] <= 2)


def test_reskilled_data_scientists_join_ml_engineers_and_their_seats_are_backfilled():
    """Nobody leaves; no lag. Data scientists backfill: every one who reskills opens a
    requisition that starts the same month, so the role stays at 40 while ML engineers
    gain exactly the reskilled (their backfill keeps the newcomers: nobody is laid off)."""
    kw = {
        "headcount": {"data_scientist": 40, "ml_engineer": 3},
        "attrition_annual": 0.0,
        "reskill_annual": 0.3,
        "paths": 500,
    }
    sc = policy_scenario(
        {"kind": "backfill"}, **kw, hiring_policy={"data_scientist": {"kind": "backfill"}}
    )
    raw = run_paths(sc)
    moved = np.cumsum(raw.moved, axis=0)
    assert moved[-1].mean() > 5
    assert np.all(raw.headcount[:, DS, :] == 40)
    assert np.array_equal(raw.headcount[1:, MLE, :], 3 + moved)
    assert np.array_equal(raw.realised[DS], raw.moved)  # each reskilled seat refilled at once

    both = policy_scenario(
        {"kind": "backfill"},
        **kw,
        hiring_policy={"data_scientist": {"kind": "backfill"}, "ml_engineer": {"kind": "backfill"}},
    )
    raw_both = run_paths(both)
    assert np.array_equal(raw_both.moved, raw.moved)
    assert np.array_equal(raw_both.headcount, raw.headcount)
    assert raw_both.realised[MLE].sum() == 0  # more ML engineers than positions: no hiring

    without = run_paths(scenario(**kw, horizon_months=24))  # no policy: seats stay empty
    assert np.array_equal(without.headcount[1:, DS, :], 40 - np.cumsum(without.moved, axis=0))


def test_a_band_gives_each_path_its_own_positions_from_one_normal_draw():
    """Path j's positions are mean + z_j * (p90 - mean) / 1.2816 above the mean and
    mean - z_j * (mean - p10) / 1.2816 below it, one z_j ~ N(0, 1) for all months.

    With no lag, fill rate 1 and attrition high enough that leavers cover every fall of
    a path's positions (from today's 200 to a low path's 190), headcount is each path's
    positions. The
    p10 / p90 sit on .5 so that rounding half up keeps P(H < p10) = P(z < -1.2816) =
    0.1 exactly, and the same above p90. The band widens and is asymmetric, so a wrong
    side, scale or a draw per month would show.
    """
    months = 12
    t = np.arange(months + 1)
    mean = 200 + 5 * t
    p10 = mean - 10.5 - 2 * t
    p90 = mean + 20.5 + 4 * t
    policy = {
        "kind": "path",
        "headcount": mean.tolist(),
        "source": "test",
        "p10": p10.tolist(),
        "p90": p90.tolist(),
    }
    sc = policy_scenario(
        policy,
        headcount={"data_scientist": 200},
        attrition_annual={"data_scientist": 0.99},  # leavers cover every fall of a path
        horizon_months=months,
        paths=4000,
    )
    hc = simulate(sc).paths_headcount[:, :, DS].astype(float)
    se = math.sqrt(0.1 * 0.9 / sc.paths)
    below = (hc[:, 1:] < p10[1:]).mean(axis=0)
    above = (hc[:, 1:] > p90[1:]).mean(axis=0)
    assert np.all(np.abs(below - 0.1) < 4 * se), below
    assert np.all(np.abs(above - 0.1) < 4 * se), above
    # One draw per path: a path above (below) the mean stays above (below) it.
    dev = hc[:, 1:] - mean[1:]
    assert np.corrcoef(dev[:, 0], dev[:, -1])[0, 1] > 0.95
    z = np.where(dev >= 0, dev / (p90[1:] - mean[1:]), dev / (mean[1:] - p10[1:])) * 1.2815515655
    assert np.all(z.std(axis=1) < 0.1)  # the same z (up to rounding) in every month
    assert abs(z[:, -1].mean()) < 4 / math.sqrt(sc.paths)
    assert abs(z[:, -1].std() - 1) < 0.05


# ------------------------------------------- per-path attrition: the interval shown, honoured


@pytest.mark.parametrize(
    ("point", "interval"),
    [(0.147, (0.078, 0.268)), (0.13, (0.02, 0.60)), (0.30, (0.05, 0.70))],
    ids=["sample-ds-interval", "wide-interval", "high-rate"],
)
def test_per_path_attrition_draws_have_the_rate_shown_as_median_and_the_interval_as_5_95(
    point, interval
):
    """The review: per-path draws did not honour the stated interval ([0, 19.5%] was drawn
    with a 95th percentile of 0.34%); the former Beta was matched to the point as its mean
    and to the interval's width only. The rate shown is the posterior median and the
    interval its 5th-95th percentiles: the paths' rates have exactly those."""
    sc = Scenario(
        headcount={"data_scientist": 30},
        attrition_annual={"data_scientist": point},
        attrition_interval={"data_scientist": list(interval)},
        paths=100_000,
    )
    monthly = exit_probability(np.random.default_rng(5), sc, DS, sc.paths)
    annual = 1 - (1 - monthly) ** 12
    for value, share in ((interval[0], 0.05), (point, 0.5), (interval[1], 0.95)):
        below = float(np.mean(annual <= value))  # sampling error of a share: binomial
        assert below == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / sc.paths))


def test_editing_attrition_with_an_interval_moves_the_simulated_headcount():
    """The review: moving data-scientist attrition 8% -> 26% with an interval present left
    the mean headcount at month 36, P(target) and the cost identical."""

    def run(rate: float):
        base = Scenario(
            headcount={"data_scientist": 30, "ml_engineer": 5},
            attrition_annual={"data_scientist": 0.147},
            attrition_interval={"data_scientist": [0.078, 0.268]},
            horizon_months=36,
            paths=2000,
            seed=4,
        )
        edited = base.replace(
            attrition_annual={**base.by_role("attrition_annual"), "data_scientist": rate},
            attrition_interval=base.moved_intervals({"data_scientist": rate}),
        )
        return simulate(edited)

    low, high = run(0.08), run(0.26)
    ds = 1
    # No hiring: E[N_36] = 30 E[q^36]; the draws are centred on the point, so the means
    # are near 30 (1 - 0.08)^3 = 23.4 and 30 (1 - 0.26)^3 = 12.2.
    assert low.headcount_mean[-1, ds] == pytest.approx(30 * 0.92**3, rel=0.05)
    assert high.headcount_mean[-1, ds] == pytest.approx(30 * 0.74**3, rel=0.08)
    assert low.cost_mean[-1] > high.cost_mean[-1]


def test_target_reached_of_a_result_agrees_with_the_per_path_rule():
    """The month a result reaches the target (and how long it holds after the deadline)
    is the per-path rule's, each month's P 2 Monte Carlo standard errors clear of the goal."""
    sc = Scenario(
        headcount={"data_scientist": 30, "ml_engineer": 3},
        planned_starts={"ml_engineer": [0, 2, 0, 0, 1]},
        target={"ds_per_mle": 8, "deadline_month": 6},
        horizon_months=12,
        paths=500,
        seed=3,
    )
    from forecasting.model.target import held_through, p_target_by_month, target_reached

    res = simulate(sc)
    p = p_target_by_month(res.paths_headcount, 8)
    se = np.sqrt(p * (1 - p) / sc.paths)
    for conf in (0.5, 0.8, 0.95):
        assert res.target_reached(conf) == target_reached(p, conf, se)
        assert res.held_through(conf) == held_through(p, conf, 6, se)
    lean = res.without_paths()
    assert lean.paths_headcount is None
    assert lean.target_reached(0.8) == res.target_reached(0.8)
    assert lean.held_through(0.8) == res.held_through(0.8)


def test_a_result_without_paths_is_small_whatever_the_number_of_paths():
    """The review: a cached 100,000-path result held ~185 MiB of raw paths; six links that
    differed only in seed took the cache to 1.1 GiB. What the app caches is aggregates."""
    import pickle

    def size(paths: int) -> int:
        sc = Scenario(
            headcount={"data_scientist": 30, "ml_engineer": 3},
            horizon_months=120,
            paths=paths,
            seed=1,
        )
        return len(pickle.dumps(simulate(sc).without_paths()))

    small, large = size(500), size(20_000)
    assert large < 200_000  # bytes: 121 months of means, quantiles and capacity
    assert large == pytest.approx(small, rel=0.05)


def test_bottleneck_periods_are_the_runs_of_the_limiting_role():
    sc = Scenario(
        headcount={
            "data_scientist": 30,
            "ml_engineer": 1,
            "data_engineer": 8,
            "product_manager": 4,
        },
        planned_starts={"ml_engineer": [0, 0, 10]},
        attrition_annual=0.0,
        horizon_months=6,
        paths=100,
    )
    res = simulate(sc)
    periods = res.bottleneck_periods
    roles = list(res.capacity_arrays.bottleneck)
    # the periods cover every month once, in order, each a run of one role
    expanded = []
    for row in periods.itertuples():
        i, j = res.months.index(row.start), res.months.index(row.end)
        expanded += [row.bottleneck] * (j - i + 1)
    assert expanded == roles
    assert all(a != b for a, b in zip(periods["bottleneck"], periods["bottleneck"][1:]))
