"""summary: the target rule (meets_target), P(target) by month and months to target."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.scenario import Scenario
from forecasting.model.target import (
    meets_target,
    months_to_target,
    p_target_by_month,
    ratio_paths,
    target_probabilities,
)
from forecasting.report import sentences
from forecasting.simulate.engine import DS, MLE, simulate


def paths_with_p(p_by_month: list[float], n_paths: int = 10) -> np.ndarray:
    """(paths, T+1, 4) headcounts where a share p of the paths meets 1:5 in each month.

    Every path has 10 data scientists; a path meeting the target has 2 ML engineers
    (10 / 2 = 5), the others 1 (10 / 1 = 10).
    """
    hc = np.zeros((n_paths, len(p_by_month), 4), dtype=np.int64)
    hc[:, :, DS] = 10
    for t, p in enumerate(p_by_month):
        met = round(p * n_paths)
        hc[:met, t, MLE] = 2
        hc[met:, t, MLE] = 1
    return hc


def test_255_data_scientists_and_25_ml_engineers_meet_k_10_2():
    """255 / 25 = 10.2 meets 1:10.2, although 10.2 * 25 = 254.99999999999997 < 255."""
    assert 10.2 * 25 < 255  # the rounding that `ds <= k * mle` tripped on
    assert meets_target(255 / 25, 10.2)
    hc = np.zeros((1, 1, 4), dtype=np.int64)
    hc[0, 0, DS], hc[0, 0, MLE] = 255, 25
    assert p_target_by_month(hc, 10.2) == pytest.approx([1.0])


def test_a_path_without_ml_engineers_never_meets_the_target():
    hc = np.zeros((2, 1, 4), dtype=np.int64)
    hc[:, 0, DS] = [0, 5]
    assert p_target_by_month(hc, 1000.0) == pytest.approx([0.0])


def test_p_target_by_month_is_the_share_of_paths_meeting_the_target():
    p = [0.0, 0.3, 0.8, 1.0]
    assert p_target_by_month(paths_with_p(p), 5.0) == pytest.approx(p)


def test_meets_target_agrees_with_simulates_target_probabilities():
    rng = np.random.default_rng(3)
    hc = rng.integers(0, 40, size=(6, 4, 50))  # (T+1, roles, paths), some MLE = 0
    ratio = ratio_paths(hc)
    for k in (2.0, 5.0, 10.2):
        met, held = target_probabilities(ratio, k, deadline=2)
        ok = meets_target(ratio[2:], k)
        assert (met, held) == (ok[0].mean(), ok.all(axis=0).mean())


def test_simulate_and_months_to_target_agree_on_255_data_scientists_per_25_ml_engineers():
    """k = 10.2 with 255 data scientists and 25 ML engineers, nobody leaving: simulate says
    P(target met) = 1, so the target is met from month 0 (the old rule said never)."""
    sc = Scenario.from_dict(
        {
            "headcount": {"data_scientist": 255, "ml_engineer": 25},
            "attrition_annual": 0.0,
            "horizon_months": 6,
            "paths": 100,
            "target": {"ds_per_mle": 10.2, "deadline_month": 3},
        }
    )
    res = simulate(sc)
    assert res.p_target_met == 1.0
    assert months_to_target(p_target_by_month(res.paths_headcount, 10.2), 0.8) == 0


def test_months_to_target_is_none_when_p_falls_below_the_goal_before_the_horizon():
    """P reaches the 80% goal at month 10 and falls below it from month 20: the target is
    not reached to stay within the horizon (the old rule reported 10)."""
    p = [0.0] * 10 + [0.9] * 10 + [0.5] * 5
    assert months_to_target(p_target_by_month(paths_with_p(p), 5.0), 0.8) is None


def test_months_to_target_is_the_first_month_from_which_p_stays_at_or_above_the_goal():
    """Above the goal at month 3, a dip at month 5, at or above it from month 6 on: 6."""
    p = [0.0, 0.2, 0.5, 0.9, 0.9, 0.7, 0.8, 1.0, 0.9]
    assert months_to_target(p_target_by_month(paths_with_p(p), 5.0), 0.8) == 6


def test_months_to_target_is_0_when_the_target_is_met_throughout():
    assert months_to_target(p_target_by_month(paths_with_p([1.0, 0.8, 0.9]), 5.0), 0.8) == 0


def test_months_to_target_is_the_horizon_when_only_the_last_month_meets_the_goal():
    assert months_to_target(p_target_by_month(paths_with_p([0.0, 0.9, 0.0, 0.8]), 5.0), 0.8) == 3


def test_the_held_warning_is_said_only_when_the_target_is_met_but_not_held():
    assert sentences.held_warning(0.97, 0.60, 0.8, 6) == (
        "P(target held to the horizon) is 60%, below the 80% goal: the ratio drifts back "
        "above 1:6 after the deadline."
    )
    assert sentences.held_warning(0.97, 0.85, 0.8, 6) is None  # held
    assert sentences.held_warning(0.70, 0.50, 0.8, 6) is None  # not even met: the answer says
