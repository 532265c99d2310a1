"""Hiring policies: parsing, validation messages, JSON round trip and position paths.

The contract (docs/scenario-format.md, "Hiring policy"): `hiring_policy` maps a role to
``none``, ``backfill``, ``growth`` (``to``, ``by_month``) or ``path`` (``headcount``,
``source``, optional ``p10`` / ``p90``); every kind but none may carry ``positions_added``.
Today's positions N0 are headcount + open requisitions.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from forecasting.model.errors import ScenarioError
from forecasting.model.policy import HiringPolicy, PolicyKind
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.simulate.engine import simulate

DS, MLE = "data_scientist", "ml_engineer"


def scenario(**kw) -> Scenario:
    d = {
        "start_month": "2027-01",
        "horizon_months": 36,
        "headcount": {DS: 42, MLE: 3},
        "paths": 100,
        "seed": 1,
    }
    d.update(kw)
    return Scenario.from_dict(d)


def with_policy(policy: object, role: str = DS, **kw) -> Scenario:
    return scenario(hiring_policy={role: policy}, **kw)


def exact_growth(n0: int, to: int, by: int, horizon: int) -> list[int]:
    """The contract's formula in exact rational arithmetic: floor(x + 1/2)."""
    return [
        math.floor(Fraction(n0) + Fraction((to - n0) * min(t, by), by) + Fraction(1, 2))
        for t in range(horizon + 1)
    ]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ({"kind": "hire_everyone"}, "hiring_policy.data_scientist.kind: 'hire_everyone'"),
        ({}, "hiring_policy.data_scientist.kind: None is not a policy"),
        (7, "hiring_policy.data_scientist: expected an object"),
        ({"kind": "growth", "by_month": 24}, "hiring_policy.data_scientist.to: missing"),
        ({"kind": "growth", "to": 60}, "hiring_policy.data_scientist.by_month: missing"),
        (
            {"kind": "growth", "to": 60, "by_month": 37},
            "hiring_policy.data_scientist.by_month: 37 is outside [1, 36]",
        ),
        (
            {"kind": "growth", "to": 60, "by_month": 0},
            "hiring_policy.data_scientist.by_month: 0 is outside [1, 36]",
        ),
        (
            {"kind": "growth", "to": 60.5, "by_month": 24},
            "hiring_policy.data_scientist.to: 60.5 is not a whole number",
        ),
        (
            {"kind": "growth", "to": -1, "by_month": 24},
            "hiring_policy.data_scientist.to: -1 is outside",
        ),
        (
            {"kind": "growth", "to": "60", "by_month": 24},
            "hiring_policy.data_scientist.to: '60' is not a number",
        ),
        (
            {"kind": "backfill", "to": 60},
            "hiring_policy.data_scientist.to: not a key of a backfill policy",
        ),
        ({"kind": "none", "positions_added": [1]}, "hiring_policy.data_scientist.positions_added"),
        ({"kind": "path", "source": "x"}, "hiring_policy.data_scientist.headcount: missing"),
        ({"kind": "path", "headcount": []}, "hiring_policy.data_scientist.headcount: is empty"),
        (
            {"kind": "path", "headcount": "40"},
            "hiring_policy.data_scientist.headcount: expected a list",
        ),
        (
            {"kind": "path", "headcount": [40, -1]},
            "hiring_policy.data_scientist.headcount[1]: -1 is outside",
        ),
        (
            {"kind": "path", "headcount": [40, float("nan")]},
            "hiring_policy.data_scientist.headcount[1]: nan is not a finite number",
        ),
        (
            {"kind": "path", "headcount": [40] * 38},
            "hiring_policy.data_scientist.headcount: 38 months is longer",
        ),
        (
            {"kind": "path", "headcount": [40, 41], "p10": [39, 40]},
            "hiring_policy.data_scientist: give both p10 and p90",
        ),
        (
            {"kind": "path", "headcount": [40, 41], "p10": [39], "p90": [41, 42]},
            "hiring_policy.data_scientist.p10: 1 values for 2 months",
        ),
        (
            {"kind": "path", "headcount": [40, 41], "p10": [39, 42], "p90": [41, 43]},
            "hiring_policy.data_scientist: month 1 has p10 42",
        ),
        (
            {"kind": "path", "headcount": [40], "source": 5},
            "hiring_policy.data_scientist.source",
        ),
        (
            {"kind": "backfill", "positions_added": [0, -2]},
            "hiring_policy.data_scientist.positions_added[1]: -2 is outside",
        ),
        (
            {"kind": "backfill", "positions_added": [0, 1.5]},
            "hiring_policy.data_scientist.positions_added[1]: 1.5 is not a whole number",
        ),
        (
            {"kind": "backfill", "positions_added": [0] * 37 + [1]},
            "hiring_policy.data_scientist.positions_added[37]: month 37 is beyond",
        ),
    ],
)
def test_an_invalid_policy_is_an_error_naming_its_key_path(policy, fragment):
    with pytest.raises(ScenarioError) as err:
        with_policy(policy)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_an_unknown_role_in_hiring_policy_is_an_error_naming_it():
    with pytest.raises(ScenarioError, match="hiring_policy.data_wizard"):
        scenario(hiring_policy={"data_wizard": {"kind": "backfill"}})


def test_a_role_with_a_policy_may_not_also_have_planned_starts():
    with pytest.raises(ScenarioError) as err:
        scenario(
            hiring_policy={MLE: {"kind": "backfill"}},
            planned_starts={MLE: [0, 1]},
        )
    message = str(err.value)
    assert message.startswith("planned_starts.ml_engineer:")
    assert 'hiring_policy.ml_engineer to {"kind": "none"}' in message


def test_policy_none_may_keep_planned_starts_and_trailing_zero_starts_are_not_a_conflict():
    sc = scenario(hiring_policy={MLE: {"kind": "none"}}, planned_starts={MLE: [0, 1]})
    assert sc.starts_of(MLE)[:2] == (0, 1)
    sc = scenario(hiring_policy={MLE: {"kind": "backfill"}}, planned_starts={MLE: [0, 0]})
    assert sc.policy_of(MLE).kind is PolicyKind.BACKFILL


# --------------------------------------------------------------------------- round trip

ALL_KINDS = {
    "data_engineer": {"kind": "none"},
    DS: {"kind": "growth", "to": 60, "by_month": 24, "positions_added": [0, 0, 2]},
    MLE: {"kind": "backfill", "positions_added": [0, 3, 0, 1]},
    "product_manager": {
        "kind": "path",
        "headcount": [3, 3.5, 4.25],
        "source": "ETS forecast",
        "p10": [3, 3, 3.5],
        "p90": [3, 4, 5],
        "positions_added": [0, 1],
    },
}


def test_every_kind_round_trips_through_to_dict_from_dict_and_json():
    sc = scenario(
        hiring_policy=ALL_KINDS, headcount={DS: 42, MLE: 3, "product_manager": 3}, paths=100
    )
    assert Scenario.from_dict(sc.to_dict()) == sc
    assert Scenario.from_json(sc.to_json()) == sc
    written = json.loads(sc.to_json())["hiring_policy"]
    assert written == ALL_KINDS  # only the keys of each kind, values as given


def test_a_policy_writes_only_the_keys_of_its_kind_and_drops_trailing_zero_positions():
    p = HiringPolicy.from_dict(
        {"kind": "backfill", "positions_added": [0, 2, 0, 0]}, "hiring_policy.x", 12
    )
    assert p.to_dict() == {"kind": "backfill", "positions_added": [0, 2]}
    assert HiringPolicy().to_dict() == {"kind": "none"}
    g = HiringPolicy.from_dict({"kind": "growth", "to": 60, "by_month": 24}, "k", 36)
    assert g.to_dict() == {"kind": "growth", "to": 60, "by_month": 24}


def test_an_older_file_without_hiring_policy_loads_as_none_for_every_role():
    old = {
        "start_month": "2027-01",
        "horizon_months": 12,
        "headcount": {DS: 30, MLE: 3},
        "planned_starts": {MLE: [0, 1, 1]},
        "paths": 200,
        "seed": 4,
    }
    sc = Scenario.from_dict(old)
    assert all(p.kind is PolicyKind.NONE for p in sc.hiring_policy)
    assert all(sc.positions_of(k) is None for k in ROLE_KEYS)
    explicit = Scenario.from_dict(
        {**old, "hiring_policy": {k: {"kind": "none"} for k in ROLE_KEYS}}
    )
    assert explicit == sc
    a, b = simulate(sc), simulate(explicit)
    assert np.array_equal(a.paths_headcount, b.paths_headcount)
    assert a.to_json_dict()["positions"] == {}


# --------------------------------------------------------------------------- positions


def test_growth_from_42_to_60_by_month_24_rounds_half_up_and_is_held_after():
    sc = with_policy({"kind": "growth", "to": 60, "by_month": 24})
    # 42 + 18 t / 24 = 42 + 0.75 t: t = 2 is 43.5 -> 44, t = 6 is 46.5 -> 47.
    expected = [42, 43, 44, 44, 45, 46, 47, 47, 48, 49, 50, 50, 51, 52, 53, 53]
    expected += [54, 55, 56, 56, 57, 58, 59, 59, 60] + [60] * 12
    assert sc.positions_of(DS) == expected
    assert sc.positions_of(DS) == exact_growth(42, 60, 24, 36)


@pytest.mark.parametrize(
    ("n0", "to", "by", "t", "value"),
    [
        (0, 11, 22, 15, 8),  # 11 * 15 / 22 = 7.5: 15 / 22 first would land just below 7.5
        (0, 45, 10, 7, 32),  # 31.5
        (10, 7, 2, 1, 9),  # shrinking: 8.5 -> 9 (half up, not to even)
        (10, 13, 2, 1, 12),  # 11.5 -> 12
    ],
)
def test_growth_rounds_an_exact_half_up(n0, to, by, t, value):
    p = HiringPolicy(kind=PolicyKind.GROWTH, to=to, by_month=by)
    assert int(p.positions(n0, by)[t]) == value


@pytest.mark.slow
def test_growth_matches_the_exact_formula_for_every_small_case():
    bad = []
    for n0 in range(0, 50, 3):
        for to in range(0, 70, 5):
            for by in range(1, 30):
                got = HiringPolicy(kind=PolicyKind.GROWTH, to=to, by_month=by).positions(n0, 30)
                if list(got) != exact_growth(n0, to, by, 30):
                    bad.append((n0, to, by))
    assert bad == []


def test_todays_positions_are_headcount_plus_open_requisitions():
    sc = scenario(
        headcount={DS: 40, MLE: 3},
        open_requisitions={DS: 2, MLE: 1},
        hiring_policy={
            DS: {"kind": "growth", "to": 60, "by_month": 24},
            MLE: {"kind": "backfill"},
        },
    )
    assert sc.positions_of(DS) == exact_growth(42, 60, 24, 36)
    assert sc.positions_of(MLE) == [4] * 37


def test_a_shorter_path_holds_its_last_value_rounded_half_up():
    sc = with_policy({"kind": "path", "headcount": [40, 41.5, 43.2], "source": "test"})
    assert sc.positions_of(DS) == [40, 42, 43] + [43] * 34


def test_positions_added_at_month_t_count_from_month_t_on():
    sc = with_policy({"kind": "backfill", "positions_added": [0, 2, 0, 1]}, role=MLE)
    assert sc.positions_of(MLE) == [3, 5, 5, 6] + [6] * 33
    grow = with_policy({"kind": "growth", "to": 60, "by_month": 24, "positions_added": [0, 0, 5]})
    assert grow.positions_of(DS) == [
        a + (5 if t >= 2 else 0) for t, a in enumerate(exact_growth(42, 60, 24, 36))
    ]


def test_policy_none_has_no_positions_and_the_plan_json_lists_only_roles_with_a_policy():
    sc = with_policy({"kind": "backfill"}, role=MLE, horizon_months=6)
    assert sc.positions_of(DS) is None
    out = simulate(sc).to_json_dict()
    assert out["positions"] == {MLE: [3] * 7}
    assert out["hiring_policy"][DS] == {"kind": "none"}
