"""Scenario, Target, CapacityParams: validation, defaults, JSON round trip; params registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.model import params
from forecasting.model.errors import ScenarioError
from forecasting.model.roles import ROLE_KEYS, Role
from forecasting.model.scenario import (
    ROLE_FIELDS,
    SCENARIO_KEYS,
    CapacityParams,
    Scenario,
    Target,
    month_labels,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenario.json"


def example_dict() -> dict:
    return json.loads(EXAMPLE.read_text())


def test_example_file_loads_with_its_values():
    sc = Scenario.from_json(EXAMPLE.read_text())
    assert sc.headcount_of("data_scientist") == 30
    assert sc.attrition_of(Role.ML_ENGINEER) == 0.13
    assert sc.target.ds_per_mle == 6.0 and sc.target.deadline_month == 18
    assert sc.starts_of("ml_engineer")[:5] == (0, 1, 1, 2, 0)
    assert len(sc.starts_of("ml_engineer")) == 36


def test_json_round_trip_gives_an_equal_scenario():
    sc = Scenario.from_json(EXAMPLE.read_text())
    again = Scenario.from_json(sc.to_json())
    assert again == sc
    assert hash(again) == hash(sc)


def test_to_dict_has_every_key_with_defaults_filled():
    d = Scenario.from_dict({"headcount": {"data_scientist": 10}}).to_dict()
    assert tuple(d) == SCENARIO_KEYS
    assert d["attrition_annual"] == dict.fromkeys(ROLE_KEYS, 0.13)
    assert d["annual_cost"]["ml_engineer"] == 165_000
    assert d["time_to_fill_months"]["data_engineer"] == 2
    assert d["target"]["deadline_month"] == 18
    assert d["paths"] == 2000 and d["seed"] == 1


def test_missing_roles_in_headcount_mean_zero():
    sc = Scenario.from_dict({"headcount": {"data_scientist": 12}})
    assert sc.headcount == (0, 12, 0, 0)


def test_one_number_sets_a_role_keyed_field_for_every_role():
    sc = Scenario.from_dict({"headcount": {}, "attrition_annual": 0.2, "ramp_months": 3})
    assert sc.attrition_annual == (0.2,) * 4
    assert sc.ramp_months == (3.0,) * 4


def test_planned_starts_are_stored_without_trailing_zeros_and_read_padded():
    a = Scenario.from_dict({"headcount": {}, "planned_starts": {"ml_engineer": [0, 2, 0, 0]}})
    b = Scenario.from_dict({"headcount": {}, "planned_starts": {"ml_engineer": [0, 2]}})
    assert a == b
    assert a.starts_of("ml_engineer") == (0, 2) + (0,) * 34


def test_deadline_defaults_to_18_capped_at_the_horizon():
    assert Scenario.from_dict({"headcount": {}, "horizon_months": 12}).target.deadline_month == 12
    assert Scenario.from_dict({"headcount": {}}).target.deadline_month == 18


def test_replace_validates_the_change():
    sc = Scenario.from_dict({"headcount": {"ml_engineer": 2}})
    assert sc.replace(headcount={"ml_engineer": 5}).headcount_of("ml_engineer") == 5
    with pytest.raises(ScenarioError, match=r"^fill_rate: "):
        sc.replace(fill_rate=1.5)
    with pytest.raises(ScenarioError, match="did you mean 'horizon_months'"):
        sc.replace(horizon=3)


def test_by_role_returns_role_keys_in_roles_order():
    sc = Scenario.from_json(EXAMPLE.read_text())
    for name in ROLE_FIELDS:
        assert list(sc.by_role(name)) == list(ROLE_KEYS)
    assert sc.by_role("annual_cost")["ml_engineer"] == 215_000


def test_month_labels_roll_over_the_year():
    assert month_labels("2027-11", 4) == ["2027-11", "2027-12", "2028-01", "2028-02"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attrition_annual": {"ml_engineer": 1.2}}, r"^attrition_annual\.ml_engineer: 1\.2 is "),
        ({"attrition_annual": {"ml_engineer": -0.1}}, r"^attrition_annual\.ml_engineer: "),
        ({"headcount": {"ml_engineer": -1}}, r"^headcount\.ml_engineer: -1 is negative"),
        ({"headcount": {"ml_engineer": 2.5}}, r"^headcount\.ml_engineer: 2\.5 is not a whole"),
        ({"headcount": {"mle": 3}}, r"^headcount\.mle: unknown role 'mle'"),
        ({"headcount": [1, 2]}, r"^headcount: expected an object"),
        ({"planned_starts": {"ml_engineer": [0, -1]}}, r"^planned_starts\.ml_engineer\[1\]: "),
        ({"planned_starts": {"ml_engineer": [0] * 36 + [1]}}, r"beyond horizon_months 36"),
        ({"horizon_months": 0}, r"^horizon_months: 0 is outside \[1, 120\]"),
        ({"horizon_months": 121}, r"^horizon_months: "),
        ({"target": {"deadline_month": 40}}, r"^target\.deadline_month: 40 is beyond"),
        ({"target": {"confidence": 1.0}}, r"^target\.confidence: "),
        ({"target": {"ds_per_mle": 0}}, r"^target\.ds_per_mle: "),
        ({"target": {"hold": "yes"}}, r"^target\.hold: "),
        ({"target": {"deadline": 3}}, r"^target\.deadline: unknown key"),
        ({"paths": 50}, r"^paths: 50 is outside \[100, 100000\]"),
        ({"paths": 200_000}, r"^paths: "),
        ({"seed": -1}, r"^seed: -1 is negative"),
        ({"fill_rate": 0}, r"^fill_rate: 0 is outside \(0, 1\]"),
        ({"reskill_annual": 1}, r"^reskill_annual: 1 is outside \[0, 1\)"),
        ({"start_month": "2027-13"}, r"^start_month: \"2027-13\" is not a month"),
        ({"start_month": "Jan 2027"}, r"^start_month: "),
        ({"time_to_fill_months": {"ml_engineer": -2}}, r"^time_to_fill_months\.ml_engineer: "),
        ({"max_starts_per_month": {"ml_engineer": 1.5}}, r"^max_starts_per_month\.ml_engineer"),
        ({"annual_cost": {"ml_engineer": "lots"}}, r"^annual_cost\.ml_engineer: \"lots\" is not"),
        ({"open_requisitions": {"ml_engineer": -3}}, r"^open_requisitions\.ml_engineer: "),
        ({"attrition_interval": {"ml_engineer": [0.3, 0.2]}}, r"low 0\.3 is above high 0\.2"),
        ({"attrition_interval": {"ml_engineer": [0.2, 0.3]}}, r"does not contain attrition_annual"),
        ({"attrition_interval": {"ml_engineer": 0.2}}, r"expected \[low, high\]"),
        (
            {"capacity": {"ds_floor_share": 0.5, "ds_engineering_gap": 0.4}},
            r"^capacity: .*exceeds 1",
        ),
        ({"capacity": {"mentoring": 0.1}}, r"did you mean 'mentoring_drag'"),
        ({"horizon": 36}, r"^horizon: unknown key; did you mean 'horizon_months'\?"),
        ({"zzz": 1}, r"^zzz: unknown key; known keys: start_month"),
    ],
)
def test_invalid_input_raises_a_one_line_error_naming_the_key(change, message):
    d = example_dict()
    d.update(change)
    with pytest.raises(ScenarioError, match=message) as info:
        Scenario.from_dict(d)
    assert "\n" not in str(info.value)


def test_missing_headcount_is_an_error_naming_it():
    with pytest.raises(ScenarioError, match=r"^headcount: missing"):
        Scenario.from_dict({"horizon_months": 12})


def test_invalid_json_names_line_and_column():
    with pytest.raises(ScenarioError, match=r"invalid JSON at line 2 column"):
        Scenario.from_json('{"headcount": {},\n "paths": }')


def test_top_level_must_be_an_object():
    with pytest.raises(ScenarioError, match="JSON object"):
        Scenario.from_json("[1, 2]")


def test_target_and_capacity_defaults_come_from_params():
    assert Target().ds_per_mle == params.value("target.ds_per_mle")
    assert Target().confidence == params.value("target.confidence")
    cap = CapacityParams()
    for key, value in cap.to_dict().items():
        assert value == params.value(f"capacity.{key}")


def test_every_param_has_a_unit_a_source_and_a_description():
    keys = [p.key for p in params.PARAMS]
    assert len(keys) == len(set(keys))
    for p in params.PARAMS:
        assert p.unit and p.source and p.description, p.key
    table = params.params_table()
    assert set(table[0]) == {"key", "value", "unit", "source", "description"}


def test_public_figures_are_the_cited_ones():
    assert params.value("attrition_annual") == 0.13
    assert "LinkedIn" in params.param("attrition_annual").source
    assert params.value("time_to_fill_months") == 2
    assert "Burning Glass" in params.param("time_to_fill_months").source
    assert params.value("ramp_months") == 6
    assert params.value("offer_acceptance") == 0.84
    assert params.role_value("annual_cost", "data_scientist") == 154_000
    assert params.role_value("annual_cost", "ml_engineer") == 165_000
    assert params.role_value("annual_cost", "data_engineer") == 145_000
    assert "assumption" in params.param("annual_cost.product_manager").source


role_map = st.fixed_dictionaries(
    {},
    optional={k: st.integers(0, 60) for k in ROLE_KEYS},
)


@settings(max_examples=40, deadline=None)
@given(
    headcount=role_map,
    horizon=st.integers(1, 48),
    attrition=st.floats(0, 0.9),
    starts=st.lists(st.integers(0, 5), max_size=12),
    fill=st.floats(0.05, 1.0),
    k=st.floats(1, 20),
    seed=st.integers(0, 2**32),
)
def test_any_valid_scenario_survives_the_json_round_trip(
    headcount, horizon, attrition, starts, fill, k, seed
):
    d = {
        "headcount": headcount,
        "horizon_months": horizon,
        "attrition_annual": {"ml_engineer": attrition},
        "planned_starts": {"ml_engineer": starts[:horizon]},
        "fill_rate": fill,
        "target": {"ds_per_mle": k},
        "seed": seed,
    }
    sc = Scenario.from_dict(d)
    assert Scenario.from_json(sc.to_json()) == sc


def test_an_edited_attrition_carries_its_interval_with_it():
    sc = Scenario(
        headcount={"data_scientist": 30},
        attrition_annual={"data_scientist": 0.147, "ml_engineer": 0.0},
        attrition_interval={"data_scientist": [0.0778, 0.2679], "ml_engineer": [0.0, 0.1]},
    )
    moved = sc.moved_intervals({"data_scientist": 0.2, "ml_engineer": 0.05})
    lo, hi = moved["data_scientist"]
    assert (lo, hi) == pytest.approx((0.0778 * 0.2 / 0.147, 0.2679 * 0.2 / 0.147))
    assert "ml_engineer" not in moved  # no spread to carry from a point of 0
    edited = sc.replace(
        attrition_annual={"data_scientist": 0.2, "ml_engineer": 0.05}, attrition_interval=moved
    )
    assert edited.interval_of("data_scientist")[0] < 0.2 < edited.interval_of("data_scientist")[1]
    assert sc.moved_intervals({"data_scientist": 0.9})["data_scientist"][1] == 0.999


def test_attrition_for_all_roles_scales_each_interval_with_its_rate():
    from forecasting.model.edits import common_attrition, with_attrition

    sc = Scenario.from_dict(
        {
            "headcount": {"data_scientist": 30, "ml_engineer": 10},
            "attrition_annual": {"data_scientist": 0.1, "ml_engineer": 0.2},
            "attrition_interval": {"data_scientist": [0.05, 0.2]},
        }
    )
    assert common_attrition(sc) == pytest.approx((30 * 0.1 + 10 * 0.2) / 40)
    out = with_attrition(sc, 0.2)
    assert out.attrition_annual == (0.2, 0.2, 0.2, 0.2)
    assert out.interval_of("data_scientist") == pytest.approx((0.1, 0.4))  # x2, same shape
    assert out.interval_of("ml_engineer") is None


def test_a_number_of_thousands_of_digits_is_refused_with_a_message_not_a_crash():
    text = '{"headcount": {"data_scientist": ' + "9" * 5000 + "}}"
    with pytest.raises(ScenarioError, match="too large"):
        Scenario.from_json(text)


def test_attrition_moved_away_and_back_is_the_same_scenario(sample_scenario):
    """The workshop's all-roles attrition control: 14% -> 20% -> 14% gives exactly the
    scenario 14% gives (a cache hit), each role's interval keeping its shape."""
    from forecasting.model import edits

    for there in (0.05, 0.2, 0.3):
        direct = edits.with_attrition(sample_scenario, 0.14)
        back = edits.with_attrition(edits.with_attrition(direct, there), 0.14)
        assert back == direct
    for (lo, hi), rate in zip(direct.attrition_interval, direct.attrition_annual, strict=True):
        assert lo <= rate <= hi
