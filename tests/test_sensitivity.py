"""Sensitivity (forecasting/plan/sensitivity.py): known answers, exact zeros under common random
numbers, an order that an independent re-solve confirms, and the CLI's JSON contract."""

from __future__ import annotations

import json

import numpy as np
import pytest

from forecasting.cli.main import main
from forecasting.model.edits import without_mle_plan
from forecasting.model.scenario import SCENARIO_KEYS, Scenario
from forecasting.plan.sensitivity import sensitivity
from forecasting.plan.solver import solve
from forecasting.simulate.project import project

MLE, DS = "ml_engineer", "data_scientist"


CERTAIN = {
    "start_month": "2027-01",
    "horizon_months": 18,
    "headcount": {"data_scientist": 30, "ml_engineer": 2, "product_manager": 3},
    "attrition_annual": {DS: 0.0, MLE: 0.0, "data_engineer": 0.1, "product_manager": 0.2},
    "hiring_policy": {DS: {"kind": "backfill"}, MLE: {"kind": "backfill"}},
    "fill_rate": 1.0,
    "time_to_fill_months": {MLE: 1, DS: 1},
    "max_starts_per_month": {MLE: 2},
    "target": {"ds_per_mle": 3, "deadline_month": 12, "confidence": 0.8},
    "paths": 300,
    "seed": 5,
}


def certain(**kw) -> Scenario:
    """No leavers, every requisition filled: 30 data scientists who backfill, 2 ML
    engineers who backfill, at most 2 new positions a month filled the next month;
    1:3 by month 12 needs 10 ML engineers: 8 new positions."""
    return Scenario.from_dict({**CERTAIN, **kw})


def rows_by_parameter(result) -> dict:
    return {r.parameter: r for r in result.rows}


def test_known_answers_on_a_certain_team():
    result = sensitivity(certain())
    assert result.positions == 8 and result.p_target_met == 1.0
    rows = rows_by_parameter(result)
    growth = rows[f"hiring_policy.{DS}.to"]
    # 30 +- max(0, 10% of 30, 1) = 27 .. 33 data-science positions. Fewer positions stop
    # backfills but nobody leaves here, so 30 stay (8 new ML engineer positions); 33 data
    # scientists need 11 ML engineers: 9 new positions.
    assert (growth.low, growth.high) == (27, 33)
    assert growth.positions == (8, 9)
    assert growth.p_target_met == (1.0, 0.0)  # today's 8 positions: 10 MLEs, 1:3.3 > 1:3
    assert rows[f"time_to_fill_months.{MLE}"].positions == (8, 8)  # still in time
    assert rows["target.deadline_month"].positions == (8, 8)
    assert result.rows[0].parameter == f"hiring_policy.{DS}.to"  # the largest effect first


def test_target_reached_known_answers_on_a_certain_team():
    """Today's plan (the even re-solve) opens its 8th position in month 10 and fills it a
    month later: 10 ML engineers, 1:3, from month 11, the first month P(target met) is at
    the goal (P is 1 or 0: nobody leaves, every requisition fills)."""
    sc = certain()
    result = sensitivity(sc)
    plan = solve(sc, "even")
    last = max(i for i, n in enumerate(plan.positions_added) if n)
    assert plan.total_positions_added == 8 and last == 10
    assert result.target_reached == last + 1 == 11
    rows = rows_by_parameter(result)
    # 33 data scientists: today's 10 ML engineers never reach 1:3; 27 planned: 30 stay
    assert rows[f"hiring_policy.{DS}.to"].target_reached == (11, None)
    ttf = rows[f"time_to_fill_months.{MLE}"]
    assert ttf.target_reached == (last + int(ttf.low), last + int(ttf.high))
    assert ttf.target_reached == (10, 12)
    assert rows[f"attrition_annual.{DS}"].target_reached == (11, 11)  # nobody leaves either way
    already = sensitivity(certain(target={"ds_per_mle": 15, "deadline_month": 12}))
    assert already.positions == 0 and already.target_reached == 0  # 30 / 2 = 15 today


@pytest.mark.slow
def test_an_assumption_that_cannot_matter_changes_nothing_exactly(sample_scenario):
    sc = without_mle_plan(sample_scenario).replace(paths=2000)
    result = sensitivity(sc)
    rows = rows_by_parameter(result)
    for name in (
        "attrition_annual.product_manager",
        "attrition_annual.data_engineer",
        f"ramp_months.{MLE}",
    ):
        row = rows[name]
        assert row.low != row.high
        assert row.positions == (result.positions, result.positions), name
        assert row.p_target_met == (result.p_target_met, result.p_target_met), name  # not noise
        assert row.target_reached == (result.target_reached, result.target_reached), name


def test_target_reached_is_the_cards_month_on_monte_carlo_paths(sample_scenario):
    """The sample team's data-science band makes P sampled: "target reached" is then the
    first month 2 standard errors clear of the goal, in the tornado as on the card (it
    said month 7, P 0.824 ± 0.017, where the card's rule says month 11)."""
    reach_only = {**sample_scenario.target.to_dict(), "hold": False}
    base = without_mle_plan(sample_scenario).replace(paths=500, seed=1, target=reach_only)
    plan = solve(base, "even")
    shown = project(plan.scenario)
    assert shown.p_method == "monte carlo"
    result = sensitivity(base, plan=np.array(plan.positions_added), only=lambda p: False)
    assert result.p_target_met == shown.p_target_met  # the same paths
    assert result.target_reached == shown.target_reached(base.target.confidence)


@pytest.mark.slow
def test_order_matches_an_independent_resolve(sample_scenario):
    """Data-science growth outranks product-manager attrition for ML engineer positions,
    and the full solver (certified on independent paths) agrees on both effects."""
    reach_only = {**sample_scenario.target.to_dict(), "hold": False}
    sc = without_mle_plan(sample_scenario).replace(paths=2000, target=reach_only)
    result = sensitivity(sc)
    order = [r.parameter for r in result.rows]
    growth, pm = f"hiring_policy.{DS}.headcount", "attrition_annual.product_manager"
    assert order.index(growth) < order.index(pm)
    rows = rows_by_parameter(result)
    band = sc.policy_of(DS)
    independent = {}
    for name, low, high in (
        (
            growth,
            {"kind": "path", "headcount": list(band.p10)},
            {"kind": "path", "headcount": list(band.p90)},
        ),
    ):
        ends = []
        for policy in (low, high):
            s = sc.replace(hiring_policy={**sc.by_role("hiring_policy"), DS: policy})
            ends.append(solve(s.replace(seed=sc.seed + 1)).total_positions_added)
        independent[name] = ends
    assert independent[growth][1] - independent[growth][0] >= 1  # growth moves the answer
    lo, hi = rows[growth].positions
    assert hi - lo >= 1 and rows[pm].positions[0] == rows[pm].positions[1]
    pm_ends = []
    for rate in (0.05, 0.45):
        edit = {"product_manager": rate}  # the interval moves with the rate, as an edit does
        s = sc.replace(
            attrition_annual={**sc.by_role("attrition_annual"), **edit},
            attrition_interval=sc.moved_intervals(edit),
        )
        pm_ends.append(solve(s.replace(seed=sc.seed + 1)).total_positions_added)
    assert pm_ends[0] == pm_ends[1]


def test_an_unreachable_end_is_null_and_ranks_first():
    # one position a month at most: 33 data scientists (high end) need 9 by month 6
    sc = certain(
        max_starts_per_month={MLE: 1},
        target={"ds_per_mle": 3, "deadline_month": 9, "confidence": 0.8},
    )
    result = sensitivity(sc)
    growth = rows_by_parameter(result)[f"hiring_policy.{DS}.to"]
    assert growth.positions[1] is None
    assert result.rows[0].parameter == f"hiring_policy.{DS}.to"
    assert json.loads(json.dumps(result.to_json_dict()))["rows"][0]["positions"][1] is None


def test_cli_prints_rows_sorted_by_the_effect_on_positions(tmp_path, capsys):
    path = tmp_path / "scenario.json"
    path.write_text(certain().to_json())
    assert main(["sensitivity", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["rows"]
    assert rows and all(
        {"parameter", "low", "high", "positions", "p_target_met"} <= set(r) for r in rows
    )
    effects = [abs(r["positions"][1] - r["positions"][0]) for r in rows]
    assert effects == sorted(effects, reverse=True)
    for r in rows:
        assert r["parameter"].split(".")[0] in SCENARIO_KEYS
        assert len(r["positions"]) == 2 and len(r["p_target_met"]) == 2
        assert all(0.0 <= p <= 1.0 for p in r["p_target_met"])
        assert "months_to_target" not in r and len(r["target_reached_month"]) == 2
    assert out["base"]["target_reached_month"] == 11 and "months_to_target" not in out["base"]
    growth = next(r for r in rows if r["parameter"] == f"hiring_policy.{DS}.to")
    assert growth["target_reached_month"] == [11, None]


def test_cli_bad_scenario_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"paths": -1}')
    assert main(["sensitivity", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("strategy", ["front_loaded", "just_in_time"])
def test_shaped_strategies_give_the_same_certain_answer(strategy):
    assert sensitivity(certain(), strategy).positions == 8


def test_no_growth_row_when_data_scientists_have_no_positions():
    sc = certain(hiring_policy={MLE: {"kind": "backfill"}})  # data scientists: policy none
    names = [r.parameter for r in sensitivity(sc).rows]
    assert not any(n.startswith("hiring_policy.") for n in names)
    assert "attrition_annual.data_scientist" in names
