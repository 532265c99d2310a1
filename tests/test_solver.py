"""solve(): minimal schedules, constraints, strategies, infeasibility, consistency with simulate."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.errors import SolverError
from forecasting.model.scenario import Scenario
from forecasting.plan.schedule import shaped
from forecasting.plan.solver import HiringPlan, Strategy, solve
from forecasting.simulate.engine import simulate
from forecasting.simulate.exact import ExactEvaluator

MLE = "ml_engineer"


def scenario(**kw) -> Scenario:
    d = {
        "start_month": "2027-01",
        "horizon_months": 18,
        "headcount": {"data_engineer": 6, "data_scientist": 30, "ml_engineer": 3},
        "attrition_annual": {"data_scientist": 0.15, "ml_engineer": 0.13},
        "time_to_fill_months": {MLE: 2},
        "max_starts_per_month": {MLE: 2},
        "target": {"ds_per_mle": 6, "deadline_month": 12, "confidence": 0.8},
        "paths": 400,
        "seed": 3,
    }
    d.update(kw)
    return Scenario.from_dict(d)


def probability(sc: Scenario) -> float:
    """The exact probability that counts (met at the deadline, or held to the horizon)."""
    exact = ExactEvaluator(sc)
    return exact.p_held() if sc.target.hold else exact.p_met()


def assert_minimal(plan: HiringPlan) -> None:
    """The plan meets the confidence exactly, and one start fewer does not: for `fewest`,
    removing any one added start breaks it; for a shaped strategy, the shape's plan one
    start smaller does (the shape is kept: its plan of n is the first n of its order)."""
    sc = plan.scenario
    conf = sc.target.confidence
    assert probability(sc) >= conf
    starts = list(sc.starts_of(MLE))
    if plan.strategy is Strategy.FEWEST:
        for i, added in enumerate(plan.added_by_month):
            if added:
                fewer = starts.copy()
                fewer[i] -= 1
                assert probability(sc.replace(planned_starts={MLE: fewer})) < conf, i
        return
    base = sc.replace(planned_starts={MLE: []})
    make, _ = shaped(base, plan.strategy, to_horizon=sc.target.hold)
    n = plan.added_starts
    assert list(make(n)) == [int(x) for x in plan.added_by_month]
    smaller = [int(x) for x in make(n - 1)]
    assert probability(base.replace(planned_starts={MLE: smaller})) < conf


@pytest.mark.parametrize("strategy", list(Strategy))
def test_plan_is_minimal_removing_any_start_drops_below_confidence(strategy):
    plan = solve(scenario(), strategy)
    assert plan.added_starts > 0
    assert plan.p_method == "exact" and plan.p_se == 0.0
    assert_minimal(plan)


def test_plan_holding_the_target_is_minimal_and_holds():
    sc = scenario(target={"ds_per_mle": 6, "deadline_month": 8, "confidence": 0.7, "hold": True})
    plan = solve(sc, "fewest")
    assert plan.certified.p_target_held >= 0.7
    assert_minimal(plan)


def test_reported_probabilities_are_exact_where_the_chains_allow():
    plan = solve(scenario(fill_rate=0.84), "even")
    exact = ExactEvaluator(plan.scenario)
    assert plan.p_method == "exact" and plan.p_target_met == pytest.approx(exact.p_met(), abs=1e-12)
    # Not asked to hold: P(held) is the plan's simulated share, with its standard error.
    res = simulate(plan.scenario)
    assert plan.p_target_held == res.p_target_held and plan.p_held_se > 0


def test_with_reskilling_the_probability_is_sampled_and_clear_of_the_noise():
    plan = solve(scenario(fill_rate=0.84, reskill_annual=0.05), "even")
    assert plan.p_method == "monte carlo" and plan.p_se > 0
    assert plan.p_target_met - 2 * plan.p_se >= plan.scenario.target.confidence


def test_a_lower_target_ratio_never_needs_fewer_starts():
    totals = [solve(scenario(target={"ds_per_mle": k}), "even").total_starts for k in (9, 7, 6, 5)]
    assert totals == sorted(totals)
    assert totals[-1] > totals[0]


def test_higher_confidence_never_needs_fewer_starts():
    totals = [
        solve(scenario(target={"ds_per_mle": 6, "confidence": c}), "front_loaded").total_starts
        for c in (0.5, 0.8, 0.95)
    ]
    assert totals == sorted(totals)


def test_no_new_start_before_time_to_fill():
    plan = solve(scenario(time_to_fill_months={MLE: 4}), "front_loaded")
    assert plan.added_by_month[:3] == (0, 0, 0)  # index i joins at month i+1 >= 4
    assert plan.added_by_month[3] > 0


def test_monthly_maximum_is_respected_and_planned_starts_are_a_floor():
    floor = [0, 0, 0, 1, 0, 2]
    plan = solve(scenario(planned_starts={MLE: floor}, max_starts_per_month={MLE: 2}))
    mle = np.array(plan.planned_starts[MLE])
    assert np.all(mle[: len(floor)] >= floor)
    assert np.all(mle[np.array(plan.added_by_month) > 0] <= 2)
    assert plan.total_starts == mle.sum() == sum(floor) + plan.added_starts


def test_other_roles_keep_their_planned_starts():
    ds_starts = [1, 0, 1]
    plan = solve(scenario(planned_starts={"data_scientist": ds_starts}))
    assert plan.planned_starts["data_scientist"][:3] == ds_starts
    assert sum(plan.planned_starts["data_engineer"]) == 0


def test_a_target_already_met_needs_no_new_start():
    plan = solve(scenario(target={"ds_per_mle": 20}))
    assert plan.added_starts == 0 and plan.annual_cost == 0 and plan.total_cost == 0


def test_front_loaded_starts_come_no_later_than_just_in_time():
    def mean_index(plan: HiringPlan) -> float:
        added = np.array(plan.added_by_month)
        return float((np.arange(len(added)) * added).sum() / added.sum())

    front = solve(scenario(), "front_loaded")
    even = solve(scenario(), "even")
    late = solve(scenario(), "just_in_time")
    assert mean_index(front) <= mean_index(even) <= mean_index(late)


def test_infeasible_target_raises_saying_what_to_relax():
    sc = scenario(target={"ds_per_mle": 2, "deadline_month": 4}, max_starts_per_month={MLE: 1})
    with pytest.raises(SolverError, match="deadline_month.*confidence.*max_starts_per_month"):
        solve(sc)


def test_no_start_possible_before_the_deadline_raises():
    sc = scenario(time_to_fill_months={MLE: 6}, target={"ds_per_mle": 6, "deadline_month": 4})
    with pytest.raises(SolverError, match="time_to_fill_months.ml_engineer 6"):
        solve(sc)


def test_unknown_strategy_is_a_solver_error():
    with pytest.raises(SolverError, match="unknown 'fastest'"):
        solve(scenario(), "fastest")


def test_costs_are_the_run_rate_and_the_expected_spend_of_the_added_hires():
    # nobody leaves, every start joins, and a position costs its salary
    sc = scenario(
        attrition_annual=0.0, fill_rate=1.0, annual_cost={MLE: 120_000}, cost_multiplier=1.0
    )
    plan = solve(sc, "just_in_time")
    assert plan.annual_cost == plan.added_starts * 120_000
    months_on_payroll = sum(n * (sc.horizon_months - i) for i, n in enumerate(plan.added_by_month))
    assert plan.total_cost == pytest.approx(months_on_payroll * 10_000)


def test_plan_json_has_the_cli_keys():
    out = solve(scenario()).to_json_dict()
    for key in ("planned_starts", "total_starts", "p_target_met", "annual_cost"):
        assert key in out
    assert len(out["planned_starts"][MLE]) == 18
    assert out["strategy"] == "even"


def test_a_chain_too_large_for_one_schedule_turns_the_search_to_sampled_not_an_error():
    """A hold search on the sample with data science growing to 60: a late schedule's ML
    engineer chain passed the state bound mid-search (the page showed an error)."""
    from pathlib import Path

    sample = Scenario.from_json(Path("data/sample_scenario.json").read_text())
    policies = {
        **sample.by_role("hiring_policy"),
        "data_scientist": {"kind": "growth", "to": 60, "by_month": 18},
    }
    target = {**sample.target.to_dict(), "hold": True}
    plan = solve(sample.replace(hiring_policy=policies, target=target, paths=500), "even")
    assert plan.total_positions_added > 0
    assert plan.p_target_held - 2 * plan.p_held_se >= 0.8 or plan.p_held_se == 0.0
