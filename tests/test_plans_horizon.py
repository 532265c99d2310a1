"""plans.with_horizon: the horizon control keeps every plan's months up to the new horizon."""

from __future__ import annotations

import pytest

from forecasting.model.edits import with_horizon
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario


def test_shorter_horizon_keeps_every_roles_positions_month_by_month(sample_scenario):
    for h in (6, 12, 24):
        short = with_horizon(sample_scenario, h)
        assert short.horizon_months == h
        for role in ROLE_KEYS:
            before, after = sample_scenario.positions_of(role), short.positions_of(role)
            assert (before is None) == (after is None)
            if before is not None:
                assert after == before[: h + 1], (role, h)


def test_growth_cut_at_the_horizon_keeps_its_line():
    sc = Scenario.from_dict(
        {
            "start_month": "2027-01",
            "horizon_months": 36,
            "headcount": {"data_scientist": 42, "ml_engineer": 5},
            "hiring_policy": {"data_scientist": {"kind": "growth", "to": 60, "by_month": 24}},
            "planned_starts": {"ml_engineer": [0] * 20 + [3]},
            "target": {"ds_per_mle": 6, "deadline_month": 30},
        }
    )
    short = with_horizon(sc, 12)
    policy = short.policy_of("data_scientist")
    assert (policy.to, policy.by_month) == (51, 12)  # 42 + 18 x 12/24
    assert short.positions_of("data_scientist") == sc.positions_of("data_scientist")[:13]
    assert short.target.deadline_month == 12  # the deadline moved to the horizon
    assert sum(short.starts_of("ml_engineer")) == 0  # the start in month 21 is past it
    longer = with_horizon(sc, 60)
    assert longer.positions_of("data_scientist")[:37] == sc.positions_of("data_scientist")
    assert longer.target.deadline_month == 30


def test_a_horizon_out_of_range_is_a_clear_error(sample_scenario):
    from forecasting.model.errors import ScenarioError

    with pytest.raises(ScenarioError, match="horizon_months"):
        with_horizon(sample_scenario, 0)
