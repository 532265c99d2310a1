"""`python -m forecasting`: JSON output, exit codes, one-line errors, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forecasting.cli.main import main
from forecasting.model.scenario import Scenario
from forecasting.simulate.exact import ExactEvaluator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "scenario.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def test_plan_prints_the_projection_json(capsys):
    code, out, _ = run(capsys, "plan", str(EXAMPLE), "--paths", "300")
    assert code == 0
    data = json.loads(out)
    assert len(data["months"]) == 37 and data["months"][0] == "2027-01"
    assert set(data["headcount"]["ml_engineer"]) == {"mean", "p10", "p50", "p90"}
    assert set(data["ds_per_mle"]) >= {"p10", "p50", "p90"}
    assert 0 <= data["p_target_held"] <= data["p_target_met"] <= 1
    assert len(data["cost"]["mean"]) == 37
    assert "delivery_index" in data["capacity"]
    assert data["paths"] == 300
    for key in (
        "target_reached_month",
        "target_reached",
        "held_through_month",
        "held_through",
        "p_method",
        "p_se",
        "p_held_method",
        "p_held_se",
    ):
        assert key in data, key
    assert "months_to_target" not in data
    assert data["p_method"] in {"exact", "monte carlo"}
    assert data["p_held_method"] in {"exact", "monte carlo"}
    reached = data["target_reached_month"]
    assert reached is None or data["target_reached"] == data["months"][reached]
    through = data["held_through_month"]
    assert through is None or data["held_through"] == data["months"][through]


def write(tmp_path, scenario: dict) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    return str(path)


#: 30 data scientists and 3 ML engineers, nobody leaves, every start joins; 2 start in
#: month 1 and count from month 2 (30 / 5 = 6), 1:6 by month 4, horizon 6.
CERTAIN = {
    "start_month": "2027-01",
    "horizon_months": 6,
    "headcount": {"data_scientist": 30, "ml_engineer": 3},
    "attrition_annual": 0.0,
    "fill_rate": 1.0,
    "planned_starts": {"ml_engineer": [0, 2]},
    "target": {"ds_per_mle": 6, "deadline_month": 4},
    "paths": 100,
    "seed": 1,
}


@pytest.mark.parametrize(
    ("changes", "reached", "through"),
    [
        ({}, (2, "2027-03"), (6, "2027-07")),  # met from month 2 to the horizon
        ({"headcount": {"data_scientist": 30, "ml_engineer": 5}}, (0, "2027-01"), (6, "2027-07")),
        ({"planned_starts": {}}, (None, None), (None, None)),  # 1:10 throughout
        (  # only from month 5: after the deadline, so not held from it
            {"planned_starts": {"ml_engineer": [0, 0, 0, 0, 2]}},
            (5, "2027-06"),
            (None, None),
        ),
    ],
)
def test_plan_json_says_when_the_target_is_reached_and_how_long_it_holds(
    capsys, tmp_path, changes, reached, through
):
    code, out, _ = run(capsys, "plan", write(tmp_path, {**CERTAIN, **changes}))
    assert code == 0
    data = json.loads(out)
    assert (data["target_reached_month"], data["target_reached"]) == reached
    assert (data["held_through_month"], data["held_through"]) == through
    assert data["p_method"] == "exact" and data["p_se"] == 0.0  # no reskilling: the chains


def test_plan_json_of_a_sampled_projection_carries_its_standard_errors(capsys, tmp_path):
    """Reskilling couples the roles: the probabilities are the Monte Carlo's, each with
    its standard error sqrt(p (1 - p) / paths)."""
    scenario = json.loads(EXAMPLE.read_text())
    code, out, _ = run(
        capsys, "plan", write(tmp_path, {**scenario, "reskill_annual": 0.05}), "--paths", "300"
    )
    assert code == 0
    data = json.loads(out)
    assert data["p_method"] == data["p_held_method"] == "monte carlo"
    met, held = data["p_target_met"], data["p_target_held"]
    assert 0 < met < 1 and 0 < held < 1
    assert data["p_se"] == pytest.approx((met * (1 - met) / 300) ** 0.5, abs=1e-6)
    assert data["p_held_se"] == pytest.approx((held * (1 - held) / 300) ** 0.5, abs=1e-6)


def test_plan_seed_option_changes_the_draws_and_is_reproducible(capsys):
    outs = [run(capsys, "plan", str(EXAMPLE), "--paths", "200", "--seed", s)[1] for s in "454"]
    assert outs[0] == outs[2] != outs[1]


def test_solve_prints_the_plan_json(capsys):
    code, out, _ = run(capsys, "solve", str(EXAMPLE), "--strategy", "just_in_time")
    assert code == 0
    data = json.loads(out)
    for key in ("planned_starts", "total_starts", "p_target_met", "annual_cost"):
        assert key in data
    assert data["strategy"] == "just_in_time"
    assert data["p_target_met"] >= 0.8


def test_missing_file_exits_2_with_one_line(capsys, tmp_path):
    code, out, err = run(capsys, "plan", str(tmp_path / "nope.json"))
    assert_one_line_error(code, err, "cannot read", "nope.json")
    assert out == ""


def test_invalid_json_exits_2_naming_the_line(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"headcount": {\n  "ml_engineer": 3,\n}')
    code, _, err = run(capsys, "plan", str(bad))
    assert_one_line_error(code, err, "invalid JSON at line 3")


def test_invalid_scenario_exits_2_naming_the_key(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"headcount": {"ml_engineer": 3}, "attrition_annual": {"x": 0.1}}))
    code, _, err = run(capsys, "solve", str(bad))
    assert_one_line_error(code, err, "attrition_annual.x: unknown role")


def test_out_of_range_paths_option_exits_2(capsys):
    code, _, err = run(capsys, "plan", str(EXAMPLE), "--paths", "5")
    assert_one_line_error(code, err, "paths: 5")


def test_unknown_strategy_exits_2_with_one_line(capsys):
    code, _, err = run(capsys, "solve", str(EXAMPLE), "--strategy", "fast")
    assert_one_line_error(code, err, "--strategy", "invalid choice")


def test_infeasible_solve_exits_2_saying_what_to_relax(capsys, tmp_path):
    d = json.loads(EXAMPLE.read_text())
    d["target"] = {"ds_per_mle": 1, "deadline_month": 4}
    path = tmp_path / "hard.json"
    path.write_text(json.dumps(d))
    code, _, err = run(capsys, "solve", str(path), "--paths", "200")
    assert_one_line_error(code, err, "cannot reach 1:1", "max_starts_per_month")


def test_no_command_exits_2(capsys):
    code, _, err = run(capsys)
    assert_one_line_error(code, err, "COMMAND")


def test_module_entry_point_runs_plan_without_pandas_or_statsmodels():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['forecasting', 'plan', sys.argv[1], '--paths', '200']\n"
        "try:\n"
        "    runpy.run_module('forecasting', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('statsmodels', 'pandas', 'scipy', 'streamlit', 'altair'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["months"][0] == "2027-01"
    assert "HEAVY []" in proc.stderr


def test_python_dash_m_exits_2_on_bad_input():
    proc = subprocess.run(
        [sys.executable, "-m", "forecasting", "plan", "does-not-exist.json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1


GROWTH_CASE = {
    "start_month": "2027-01",
    "horizon_months": 30,
    "headcount": {"data_scientist": 42, "ml_engineer": 3, "data_engineer": 8},
    "hiring_policy": {
        "data_scientist": {"kind": "growth", "to": 60, "by_month": 24},
        "ml_engineer": {"kind": "backfill"},
    },
    "attrition_annual": 0.13,
    "time_to_fill_months": 2,
    "target": {"ds_per_mle": 6, "deadline_month": 24, "confidence": 0.8},
    "paths": 500,
    "seed": 2,
}


def test_solve_with_a_policy_prints_positions_and_a_scenario_that_plan_accepts_as_is(
    capsys, tmp_path
):
    path = tmp_path / "growth.json"
    path.write_text(json.dumps(GROWTH_CASE))
    code, out, _ = run(capsys, "solve", str(path))
    assert code == 0
    solved = json.loads(out)
    assert solved["mode"] == "positions"
    assert len(solved["positions"]) == len(solved["positions_added"]) == 31
    assert solved["total_positions_added"] == sum(solved["positions_added"]) > 0
    assert solved["positions"][24] == 3 + solved["total_positions_added"]

    again = tmp_path / "solved.json"
    again.write_text(json.dumps(solved["scenario"]))
    code, out, _ = run(capsys, "plan", str(again))
    assert code == 0
    planned = json.loads(out)
    assert planned["p_target_met"] == solved["p_target_met"] >= 0.8
    assert planned["p_target_held"] == solved["p_target_held"]
    assert planned["p_method"] == solved["p_method"] == "exact"
    # met at the deadline: reached by it, and held from it
    assert planned["target_reached_month"] <= 24 <= planned["held_through_month"]
    # positions only for the roles whose policy sets them
    assert set(planned["positions"]) == {"data_scientist", "ml_engineer"}
    assert planned["positions"]["ml_engineer"] == solved["positions"]
    assert planned["positions"]["data_scientist"][24] == 60


@pytest.mark.slow
@pytest.mark.parametrize(
    "seed",
    [
        1,  # decided on the scenario's own 500 paths
        2,  # decided on more paths: plan once gave 500 paths' P 0.816, reached in month 25
    ],
)
def test_plan_of_a_sampled_solve_agrees_with_it_and_reaches_the_target_by_the_deadline(
    capsys, tmp_path, seed
):
    """Reskilling makes the probabilities sampled: `plan` of the solved scenario must say
    what `solve` said, and a plan accepted for the deadline reaches the target by it."""
    path = write(tmp_path, {**GROWTH_CASE, "reskill_annual": 0.05, "seed": seed})
    code, out, _ = run(capsys, "solve", path, "--strategy", "just_in_time")
    assert code == 0
    solved = json.loads(out)
    assert solved["p_method"] == "monte carlo"
    code, out, _ = run(capsys, "plan", write(tmp_path, solved["scenario"]))
    assert code == 0
    planned = json.loads(out)
    assert planned["target_reached_month"] is not None
    assert planned["target_reached_month"] <= 24 <= planned["held_through_month"]
    assert planned["p_target_met"] == solved["p_target_met"]
    assert planned["p_se"] == pytest.approx(solved["p_se"], abs=1e-6)


def test_an_exactly_decided_plan_is_not_certified_on_paths(capsys):
    """P(met) decides a plan not asked to hold, and it is exact here: no paths, no standard
    error (it said "monte carlo", the scenario's own 2,000 paths and se_met 0.00344)."""
    code, out, _ = run(capsys, "solve", str(ROOT / "examples" / "growth_42_to_60.json"))
    assert code == 0
    data = json.loads(out)
    assert data["p_method"] == "exact"
    certified = data["certified"]
    assert certified["method"] == "exact" and certified["paths"] == 0
    assert certified["se_met"] == 0.0


def test_plan_without_a_policy_prints_no_positions(capsys):
    code, out, _ = run(capsys, "plan", str(EXAMPLE), "--paths", "100")
    assert code == 0
    data = json.loads(out)
    assert data["positions"] == {}
    assert all(p == {"kind": "none"} for p in data["hiring_policy"].values())


@pytest.mark.slow
def test_the_worked_example_of_the_docs_solves_to_the_numbers_they_show(capsys):
    """docs/scenario-format.md, "Worked example: 42 → 60 data scientists"."""
    example = ROOT / "examples" / "growth_42_to_60.json"
    code, out, _ = run(capsys, "solve", str(example))
    assert code == 0
    data = json.loads(out)
    assert data["total_positions_added"] == 8
    opened = [i for i, n in enumerate(data["positions_added"]) if n]
    assert opened == [2, 3, 6, 9, 12, 14, 17, 20] and max(data["positions_added"]) == 1
    assert data["positions"][24] == 11
    # P(met) is now exact; the docs' 0.974 and 0.822 are Monte Carlo estimates on the
    # example's 2,000 paths, which the exact values must agree with (within 3 SE)
    assert data["p_method"] == "exact" and data["p_se"] == 0.0
    assert abs(data["p_target_met"] - 0.974) < 3 * (0.974 * 0.026 / 2000) ** 0.5
    exact = ExactEvaluator(Scenario.from_dict(data["scenario"])).p_met()
    assert data["p_target_met"] == pytest.approx(exact, abs=1e-12)
    assert data["p_target_held"] == 0.7915  # not asked to hold: the example's paths
    assert data["expected_starts"] == 11.15
    code, out, _ = run(capsys, "solve", str(example), "--strategy", "just_in_time")
    late = json.loads(out)
    assert late["total_positions_added"] == 7 and late["p_method"] == "exact"
    assert abs(late["p_target_met"] - 0.822) < 3 * (0.822 * 0.178 / 2000) ** 0.5
    assert late["p_target_met"] >= 0.8
    assert late["positions_added"][20:23] == [1, 3, 3]
