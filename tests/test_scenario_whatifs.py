"""What-ifs the scenario carries (so the link, the file and Compare carry them): planned
reskilling of whole people (`reskill_planned`) and the yearly budget (`budget_annual`),
validated with errors that say how to fix them, round-tripped through JSON, applied by the
engine, and followed by the exact chains (by the Monte Carlo where they cannot)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from forecasting.model.edits import with_horizon
from forecasting.model.errors import ScenarioError
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import solve
from forecasting.simulate.engine import run_paths, simulate
from forecasting.simulate.exact import (
    ExactEvaluator,
    NotExact,
    exact_reason,
    headcount_distribution,
)
from tests.conftest import small_team

DS, MLE = 1, 2


def test_reskill_planned_and_budget_round_trip_through_json():
    sc = small_team(reskill_planned=[0, 0, 2, 0, 1, 0, 0], budget_annual=700_000)
    assert sc.reskill_planned == (0, 0, 2, 0, 1)  # trailing zeros dropped
    again = Scenario.from_json(sc.to_json())
    assert again == sc
    assert again.to_dict()["reskill_planned"] == [0, 0, 2, 0, 1]
    assert again.to_dict()["budget_annual"] == 700_000.0
    assert sc.reskill_planned_by_month() == (0, 0, 2, 0, 1) + (0,) * 8


def test_a_file_without_the_keys_has_no_planned_reskilling_and_no_budget():
    sc = small_team()
    assert (sc.reskill_planned, sc.budget_annual) == ((), None)
    assert Scenario.from_dict({**sc.to_dict(), "budget_annual": None}).budget_annual is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([3], "reskill_planned[0]: 3 at month 0, whose headcount is given; start training"),
        ([0, -1], "reskill_planned[1]: -1 is negative"),
        ([0, 1.5], "reskill_planned[1]: 1.5 is not a whole number"),
        ([0] * 13 + [1], "reskill_planned[13]: month 13 is beyond horizon_months 12"),
        ("2", "reskill_planned: expected a list of data scientists starting training"),
        ({"3": 1}, "reskill_planned: expected a list"),
    ],
)
def test_reskill_planned_errors_name_the_entry_and_the_fix(value, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        small_team(reskill_planned=value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-5, "budget_annual: -5 is outside [0, 1e+09]; give USD a year"),
        ("lots", 'budget_annual: "lots" is not a number'),
        (2e9, "budget_annual: 2000000000.0 is outside"),
    ],
)
def test_budget_errors_name_the_key_and_the_fix(value, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        small_team(budget_annual=value)


def test_a_shorter_horizon_cuts_the_planned_reskilling():
    sc = small_team(reskill_planned=[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert with_horizon(sc, 6).reskill_planned == (0, 1)


def test_planned_people_leave_data_science_at_their_month_and_join_after_training():
    # no attrition, no hiring: the planned reskilling is the only move
    sc = small_team(
        attrition_annual=0.0, reskill_planned=[0, 0, 0, 2], reskill_months=3, reskill_cost=1000
    )
    raw = run_paths(sc)
    ds, mle = raw.headcount[:, DS, :], raw.headcount[:, MLE, :]
    assert (ds[:3] == 20).all() and (ds[3:] == 18).all()
    assert (mle[:6] == 2).all() and (mle[6:] == 4).all()
    r, free = simulate(sc), simulate(sc.replace(reskill_planned=()))
    extra = r.cost_mean - free.cost_mean
    monthly = np.array(sc.loaded_costs) / 12
    assert extra[3] == pytest.approx(2 * 1000)  # the programme, paid when training starts
    assert np.allclose(extra[4:6], 0.0)  # trainees stay on the payroll as data scientists
    assert np.allclose(extra[6:], 2 * (monthly[MLE] - monthly[DS]))


def test_planned_reskilling_takes_only_the_data_scientists_there_are():
    sc = small_team(headcount={"data_scientist": 1, "ml_engineer": 1}, reskill_planned=[0, 5])
    raw = run_paths(sc)
    assert (raw.moved.sum(axis=0) <= 1).all()
    assert (raw.headcount >= 0).all()


def test_the_seat_is_backfilled_under_the_data_science_policy():
    sc = small_team(
        attrition_annual=0.0,
        fill_rate=1.0,
        time_to_fill_months=2,
        hiring_policy={"data_scientist": {"kind": "backfill"}},
        reskill_planned=[0, 0, 0, 2],
        reskill_months=3,
    )
    ds = run_paths(sc).headcount[:, DS, :]
    # the two seats open requisitions at month 3 that start two months later
    assert (ds[3:5] == 18).all() and (ds[5:] == 20).all()


def test_planned_reskilling_is_exact_while_the_people_are_surely_there():
    sc = small_team(reskill_planned=[0, 0, 1])
    assert exact_reason(sc) is None
    plan = solve(sc)
    assert plan.p_method == "exact" and plan.p_se == 0.0


def test_a_plan_moving_more_than_may_be_there_is_left_to_the_monte_carlo():
    sc = small_team(headcount={"data_scientist": 2, "ml_engineer": 1}, reskill_planned=[0, 0, 2])
    with pytest.raises(NotExact, match="moves more data scientists than may be there"):
        ExactEvaluator(sc)
    assert solve(sc).p_method == "monte carlo"


@pytest.mark.parametrize(
    "policy",
    [{}, {"data_scientist": {"kind": "backfill"}, "ml_engineer": {"kind": "backfill"}}],
    ids=["starts", "positions"],
)
def test_the_exact_chains_follow_planned_reskilling_as_the_engine_does(policy):
    sc = Scenario.from_dict(
        {
            "start_month": "2027-01",
            "horizon_months": 18,
            "headcount": {"data_scientist": 24, "ml_engineer": 3},
            "hiring_policy": policy,
            "attrition_annual": 0.2,
            "fill_rate": 0.8,
            "time_to_fill_months": 2,
            "reskill_planned": [0, 0, 0, 2, 0, 0, 1],
            "reskill_months": 4,
            "target": {"ds_per_mle": 6, "deadline_month": 10, "hold": True},
            "paths": 20_000,
            "seed": 3,
        }
    )
    exact, sampled = ExactEvaluator(sc), simulate(sc)
    p = sampled.p_target_by_month
    se = np.sqrt(p * (1 - p) / sc.paths)
    assert np.all(np.abs(exact.p_met_by_month() - p) <= 4 * se + 1e-3)
    held = exact.p_held()
    assert held is not None and abs(held - sampled.p_target_held) <= 0.015
    for role in (DS, MLE):
        d = headcount_distribution(sc, role)
        assert np.allclose(d @ np.arange(d.shape[1]), sampled.headcount_mean[:, role], atol=0.06)
