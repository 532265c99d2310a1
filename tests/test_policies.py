"""Policies from history and teams of one's own (forecasting/plan/policies.py): a team typed
over the sample keeps nothing of the sample's."""

from __future__ import annotations

from pathlib import Path

from forecasting.model.scenario import Scenario
from forecasting.plan.policies import without_sample_values
from forecasting.plan.solver import solve

SAMPLE = Scenario.from_json(
    (Path(__file__).resolve().parents[1] / "data" / "sample_scenario.json").read_text()
)
OWN = {"data_engineer": 8, "data_scientist": 40, "ml_engineer": 4, "product_manager": 3}


def test_a_typed_team_loses_the_samples_requisitions_salaries_and_attrition():
    cleaned, cleared = without_sample_values(SAMPLE.replace(headcount=OWN), SAMPLE)
    assert cleared == ["the sample's open requisitions", "its salaries", "its attrition"]
    fresh = Scenario(headcount=OWN)
    assert cleaned.open_requisitions == (0, 0, 0, 0)
    assert cleaned.annual_cost == fresh.annual_cost
    assert cleaned.attrition_annual == fresh.attrition_annual
    assert [p.kind for p in cleaned.hiring_policy] == ["backfill"] * 4


def test_what_the_user_typed_is_kept():
    typed = SAMPLE.replace(headcount=OWN, open_requisitions={"ml_engineer": 2})
    cleaned, cleared = without_sample_values(typed, SAMPLE)
    assert cleaned.open_requisitions_of("ml_engineer") == 2
    assert "the sample's open requisitions" not in cleared


def test_the_typed_team_answers_as_a_team_typed_from_scratch():
    """The review: a typed team kept the sample's requisitions (1 DS, 1 MLE), answering 3
    positions where the clean team needs 4."""
    cleaned, _ = without_sample_values(SAMPLE.replace(headcount=OWN), SAMPLE)
    scratch = Scenario(
        headcount=OWN,
        start_month=SAMPLE.start_month,
        target=SAMPLE.target,
        hiring_policy={k: {"kind": "backfill"} for k in OWN},
        fill_rate=SAMPLE.fill_rate,  # a setting of the scenario, not of the sample's team
        paths=SAMPLE.paths,
        seed=SAMPLE.seed,
    )
    a, b = solve(cleaned, "even"), solve(scratch, "even")
    assert a.total_positions_added == b.total_positions_added
    assert a.p_target_met == b.p_target_met
