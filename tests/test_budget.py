"""What a budget buys (advice.solve_budget, `solve --budget`) and the cost-confidence
frontier (advice.frontier): known answers and a re-check by `plan`."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from forecasting.cli.main import main
from forecasting.model.edits import without_mle_plan
from forecasting.model.scenario import Scenario
from forecasting.plan.budget import frontier, solve_budget
from forecasting.plan.sensitivity import sensitivity

MLE, DS = "ml_engineer", "data_scientist"
COST = 150_000.0


CERTAIN = {
    "start_month": "2027-01",
    "horizon_months": 18,
    "headcount": {DS: 30, MLE: 2},
    "attrition_annual": 0.0,
    "hiring_policy": {DS: {"kind": "backfill"}, MLE: {"kind": "backfill"}},
    "fill_rate": 1.0,
    "cost_multiplier": 1.0,  # a position costs its salary: the known answers below
    "time_to_fill_months": {MLE: 1},
    "max_starts_per_month": {MLE: 2},
    "annual_cost": {MLE: COST},
    "target": {"ds_per_mle": 3, "deadline_month": 12, "confidence": 0.8},
    "paths": 200,
    "seed": 2,
}


def certain(**kw) -> Scenario:
    """Nobody leaves, every requisition fills after one month: each new position is one
    more ML engineer at the deadline, so its run-rate is exactly its annual cost (salary,
    cost multiplier 1)."""
    return Scenario.from_dict({**CERTAIN, **kw})


def test_fill_rate_does_not_make_a_position_cheaper():
    """A position costs its salary once filled, whatever the fill rate on the way."""
    answer = solve_budget(certain(fill_rate=0.5), 3.5 * COST)
    assert answer.added == 3 and answer.positions_cost == 3 * COST
    assert answer.run_rate < answer.positions_cost


def test_a_budget_buys_whole_positions_at_their_cost():
    answer = solve_budget(certain(), 3.5 * COST)
    assert answer.added == 3 and answer.positions_cost == 3 * COST
    assert answer.run_rate == pytest.approx(3 * COST)  # nobody leaves: all on the payroll
    assert answer.best_ratio == pytest.approx(30 / 5)  # 2 + 3 ML engineers
    assert answer.p_target_met == 0.0  # 1:3 needs 8
    assert solve_budget(certain(), 8 * COST).p_target_met == 1.0
    assert solve_budget(certain(), 0).added == 0


def test_a_budget_answer_rechecked_by_plan_meets_what_it_promised(
    tmp_path, capsys, sample_scenario
):
    path = tmp_path / "sample.json"
    path.write_text(without_mle_plan(sample_scenario).replace(paths=2000).to_json())
    assert main(["solve", str(path), "--budget", "700000"]) == 0
    promised = json.loads(capsys.readouterr().out)
    cost = without_mle_plan(sample_scenario).annual_cost_of("ml_engineer")
    assert promised["positions_cost"] == promised["added"] * cost <= 700_000
    assert promised["annual_cost"] <= promised["positions_cost"] and promised["added"] > 0
    solved = tmp_path / "solved.json"
    solved.write_text(json.dumps(promised["scenario"]))
    assert main(["plan", str(solved)]) == 0
    projection = json.loads(capsys.readouterr().out)
    assert projection["p_target_met"] == promised["p_target_met"]
    # the best ratio holds with the confidence, and no tighter ratio does
    sc = Scenario.from_dict(promised["scenario"])
    k = promised["best_ratio"]
    from forecasting.simulate.engine import simulate

    def p_at(k: float) -> float:
        t = {"ds_per_mle": k, "deadline_month": sc.deadline, "confidence": 0.8}
        return simulate(sc.replace(target=t)).p_target_met

    assert p_at(k) >= 0.8 > p_at(k - 0.01)
    # one more position would cost more than the budget
    assert solve_budget(Scenario.from_json(path.read_text()), 700_000).added == promised["added"]
    bigger = solve_budget(Scenario.from_json(path.read_text()), promised["positions_cost"] + cost)
    assert bigger.added == promised["added"] + 1


def test_budget_without_usd_reads_the_files_budget_annual(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(certain().replace(budget_annual=3 * COST).to_json())
    assert main(["solve", str(path), "--budget"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert from_file["budget_usd"] == 3 * COST and from_file["added"] == 3
    assert main(["solve", str(path), "--budget", str(5 * COST)]) == 0  # USD given wins
    assert json.loads(capsys.readouterr().out)["added"] == 5
    path.write_text(certain().to_json())  # no budget_annual: a one-line error
    assert main(["solve", str(path), "--budget"]) == 2
    assert "has no budget_annual" in capsys.readouterr().err


def test_negative_budget_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(certain().to_json())
    assert main(["solve", str(path), "--budget", "-1"]) == 2
    assert capsys.readouterr().err.startswith("error: budget:")


@pytest.mark.slow
def test_frontier_is_monotone_and_agrees_with_the_answer(sample_scenario):
    """The frontier prices P(met at the deadline): it agrees with the answer for that goal
    (the sample itself also holds the target)."""
    sc = without_mle_plan(sample_scenario).replace(paths=2000)
    sc = sc.replace(target=dataclasses.replace(sc.target, hold=False))
    f = frontier(sc)
    assert f.added[0] == 0 and f.run_rate[0] == 0.0
    assert all(np.diff(f.run_rate) > 0)
    for k, ps in f.p.items():
        assert all(np.diff(ps) >= 0), k  # same paths: more positions never hurt
    for a, b in zip(f.p[5.0], f.p[10.0], strict=True):
        assert a <= b  # a looser target is met at least as often
    base = sensitivity(sc).positions  # the app's answer for 1:6, 80%
    assert f.cheapest(6.0, 0.8)[0] == base


def test_cost_per_10_points_on_a_known_frontier():
    f = frontier(certain(), targets=(3.0, 6.0))
    assert f.cheapest(3.0, 0.8) == (8, pytest.approx(8 * COST))
    assert f.cheapest(6.0, 0.8) == (3, pytest.approx(3 * COST))
    # certain: every confidence costs the same, so each extra 10 points costs nothing
    assert [c for *_, c in f.cost_per_10_points(6.0)] == [0.0, 0.0, 0.0, 0.0]
