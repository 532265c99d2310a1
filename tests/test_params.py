"""The parameter registry (forecasting/model/params.py) against every consumer: what the
scenario checks, what the brief lists, what the sensitivity varies, how sentences format a
value and which columns the Team & data table edits all come from one entry each."""

from __future__ import annotations

import math

import pytest

from forecasting.model import params
from forecasting.model.errors import ScenarioError
from forecasting.model.params import Check, Fmt
from forecasting.model.scenario import SCENARIO_KEYS, Scenario
from forecasting.plan.sensitivity import perturbations
from forecasting.report.brief import assumptions
from forecasting.report.sentences import value_text

CHECKED = [p for p in params.PARAMS if p.check is not Check.NONE]


def scenario_with(key: str, value: object) -> Scenario:
    """A small scenario with `key` (a registry key path) set to `value`."""
    field, _, rest = key.partition(".")
    d: dict = {"headcount": {"data_scientist": 10, "ml_engineer": 2}, "horizon_months": 24}
    if rest:  # a nested key (target., capacity.) or one role's value
        d[field] = {rest: value}
    else:
        d[field] = value
    return Scenario.from_dict(d)


@pytest.mark.parametrize("param", CHECKED, ids=[p.key for p in CHECKED])
def test_the_scenario_refuses_a_value_beyond_the_registry_bound_naming_the_key(param):
    field = param.key
    if param.per_role and "." not in field:
        field = f"{field}.ml_engineer"
    too_high = param.high + 1 if math.isfinite(param.high) else None
    if param.check in (Check.RATE, Check.SHARE, Check.OPEN):
        too_high = 1.5
    if too_high is None:
        pytest.skip("no upper bound")
    if field == "horizon_months" or field == "target.deadline_month":
        too_high = params.MAX_HORIZON + 1
    with pytest.raises(ScenarioError, match=field.replace(".", r"\.") + ":") as err:
        scenario_with(field, too_high)
    assert param.hint in str(err.value)


@pytest.mark.parametrize("param", CHECKED, ids=[p.key for p in CHECKED])
def test_the_registry_default_passes_its_own_check(param):
    assert param.validate(param.value) == param.value


def test_every_scenario_key_with_a_default_has_a_registry_entry():
    # headcount, requisitions, planned starts and reskilling, intervals, policies and the
    # budget default to "none".
    structural = {
        "headcount",
        "attrition_interval",
        "planned_starts",
        "reskill_planned",
        "budget_annual",
        "open_requisitions",
        "hiring_policy",
        "target",
        "capacity",
    }
    for key in SCENARIO_KEYS:
        if key not in structural:
            assert params.of(key).key.partition(".")[0] == key


def test_the_brief_lists_every_assumption_the_registry_marks_for_it():
    labels = [row[0] for row in assumptions(Scenario(headcount={"data_scientist": 10}))]
    expected = list(dict.fromkeys(p.label.split(",")[0] for p in params.brief_params()))
    assert labels == expected  # a per-role family (annual_cost.*) is one row


def test_a_value_set_in_the_scenario_is_credited_to_the_scenario_in_the_brief():
    rows = {r[0]: r for r in assumptions(Scenario(headcount={"data_scientist": 10}, seed=3))}
    assert rows["Simulated paths"][3] == params.param("paths").source
    changed = {r[0]: r for r in assumptions(Scenario(headcount={"data_scientist": 10}, paths=500))}
    assert changed["Simulated paths"][3].startswith("set in this scenario")


def test_the_sensitivity_varies_every_stepped_assumption_of_the_registry():
    sc = Scenario.from_dict(
        {
            "headcount": {"data_scientist": 30, "ml_engineer": 3},
            "hiring_policy": {"data_scientist": {"kind": "growth", "to": 40, "by_month": 12}},
        }
    )
    rows = {p.parameter: p for p in perturbations(sc)}
    for param in params.PARAMS:
        if param.step is None:
            continue
        keys = [f"{param.key}.{r}" for r in param.vary_roles] if param.per_role else [param.key]
        for key in keys:
            assert key in rows, key
            assert rows[key].low < rows[key].high
    assert rows["fill_rate"].label == params.param("fill_rate").vary_label
    assert rows["time_to_fill_months.ml_engineer"].label == "ML engineer time to fill (months)"


def test_a_stepped_assumption_stays_inside_its_range():
    fill = params.param("fill_rate")
    assert fill.varied(1.0) == (0.85, 1.0)
    assert fill.varied(0.1) == (0.05, 0.25)
    assert params.param("time_to_fill_months").varied(0) == (0, 1)


@pytest.mark.parametrize(
    ("parameter", "value", "text"),
    [
        ("attrition_annual.data_scientist", 0.13, "13%/yr"),
        ("fill_rate", 0.84, "84%"),
        ("reskill_annual", 0.05, "5%/yr"),
        ("time_to_fill_months.ml_engineer", 2, "2 months"),
        ("ramp_months.ml_engineer", 6, "6 months"),
        ("target.deadline_month", 2, "Mar 2027"),
        ("hiring_policy.data_scientist.by_month", 1, "Feb 2027"),
        ("hiring_policy.data_scientist.to", 45, "45"),
    ],
)
def test_a_sentence_formats_a_value_by_its_registry_format(parameter, value, text):
    months = ["2027-01", "2027-02", "2027-03"]
    assert value_text(parameter, value, months) == text


def test_the_team_table_columns_come_from_the_registry():
    columns = params.role_columns()
    assert set(columns) == {p.key.partition(".")[0] for p in params.PARAMS if p.column}
    assert columns["attrition_annual"].fmt is Fmt.PERCENT_YR
    assert all(p.per_role for p in columns.values())
