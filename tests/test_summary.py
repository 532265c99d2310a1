"""summary: the target rule (meets_target), P(target) by month, the month the target is
reached and how long it holds after the deadline (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.scenario import Scenario
from forecasting.model.target import (
    held_through,
    meets_target,
    p_target_by_month,
    ratio_paths,
    target_probabilities,
    target_reached,
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


def test_simulate_and_target_reached_agree_on_255_data_scientists_per_25_ml_engineers():
    """k = 10.2 with 255 data scientists and 25 ML engineers, nobody leaving: simulate says
    P(target met) = 1 in every month, so the target is already met (month 0) and holds from
    the deadline to the horizon (the old rule said never)."""
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
    p = p_target_by_month(res.paths_headcount, 10.2)
    assert target_reached(p, 0.8) == 0
    assert res.target_reached(0.8) == 0  # P = 1 has no Monte Carlo error: nothing to clear
    assert held_through(p, 0.8, 3) == 6 and res.held_through(0.8) == 6


#: The running P(target met) by month: at the 80% goal first in month 3, a dip in month 5,
#: at or above it from month 6 to the horizon (month 8).
P_DIP = [0.0, 0.2, 0.5, 0.9, 0.9, 0.7, 0.8, 1.0, 0.9]


def test_target_reached_is_the_first_month_at_or_above_the_goal():
    """The card's rule: month 3, although P dips below the goal in month 5 (the old
    months-to-target rule said 6)."""
    assert target_reached(p_target_by_month(paths_with_p(P_DIP), 5.0), 0.8) == 3
    assert target_reached(P_DIP, 0.8) == 3
    assert target_reached(P_DIP, 0.9) == 3  # exactly at the goal counts
    assert target_reached(P_DIP, 0.95) == 7
    assert target_reached(P_DIP, 0.5) == 2


@pytest.mark.parametrize(
    ("deadline", "through"),
    [
        (3, 4),  # met in months 3 and 4, below the goal in month 5
        (4, 4),  # met at the deadline only
        (6, 8),  # met from month 6 to the horizon: the horizon
        (8, 8),  # the deadline is the horizon
        (5, None),  # not met at the deadline
        (2, None),
        (0, None),
    ],
)
def test_held_through_is_the_last_month_of_the_run_from_the_deadline(deadline, through):
    assert held_through(P_DIP, 0.8, deadline) == through
    assert held_through(p_target_by_month(paths_with_p(P_DIP), 5.0), 0.8, deadline) == through


def test_target_reached_is_0_when_todays_team_already_meets_the_goal():
    assert target_reached(p_target_by_month(paths_with_p([1.0, 0.8, 0.9]), 5.0), 0.8) == 0
    # already met, even if P falls below the goal later: "target reached" is not "held"
    assert target_reached([0.9, 0.5, 0.2], 0.8) == 0
    assert held_through([0.9, 0.5, 0.2], 0.8, 0) == 0


def test_target_reached_is_none_when_no_month_of_the_horizon_meets_the_goal():
    p = [0.0, 0.3, 0.79, 0.7999, 0.5]
    assert target_reached(p_target_by_month(paths_with_p([0.0, 0.3, 0.7, 0.7]), 5.0), 0.8) is None
    assert target_reached(p, 0.8) is None
    assert held_through(p, 0.8, 3) is None


def test_target_reached_can_be_the_horizon_alone():
    p = p_target_by_month(paths_with_p([0.0, 0.7, 0.0, 0.8]), 5.0)
    assert target_reached(p, 0.8) == 3
    assert held_through(p, 0.8, 3) == 3
    assert held_through(p, 0.8, 1) is None


def test_a_sampled_p_counts_only_two_standard_errors_clear_of_the_goal():
    """P 0.81 with a standard error of 0.01 is within 2 SE of the 80% goal: not decided, so
    not the month the target is reached; 0.83 (3 SE clear) is. Exact (SE 0), 0.81 counts."""
    p = [0.5, 0.81, 0.83, 0.9, 0.81, 0.9]
    se = [0.01] * len(p)
    assert target_reached(p, 0.8, se) == 2
    assert target_reached(p, 0.8) == 1
    assert target_reached(p, 0.8, [0.0] * len(p)) == 1
    assert target_reached(p, 0.8, None) == 1
    # held: 0.81 in month 4 is not clear of the goal, so the run from month 2 ends in 3
    assert held_through(p, 0.8, 2, se) == 3
    assert held_through(p, 0.8, 2) == 5
    assert held_through(p, 0.8, 1, se) is None  # not clearly met at the deadline
    assert held_through(p, 0.8, 1) == 5


def test_a_sampled_p_below_the_goal_never_counts_whatever_its_error():
    p = [0.2, 0.79, 0.795, 0.85]
    assert target_reached(p, 0.8, [0.05] * 4) is None  # 0.85 - 2 x 0.05 = 0.75
    assert target_reached(p, 0.8, [0.02] * 4) == 3  # 0.85 - 0.04 = 0.81
    assert target_reached(p, 0.8, [0.0, 0.0, 0.0, 0.0]) == 3


def test_each_months_own_standard_error_decides_it():
    p = [0.5, 0.84, 0.84, 0.84]
    assert target_reached(p, 0.8, [0.0, 0.03, 0.021, 0.019]) == 3
    assert target_reached(p, 0.8, [0.0, 0.03, 0.019, 0.03]) == 2


def test_a_result_reaches_the_target_by_its_monte_carlo_rule():
    """A simulated result decides with the Monte Carlo's own error: sqrt(p (1 - p) / paths)
    in each month, and P(met at the deadline)'s error is the deadline month's."""
    sc = Scenario.from_dict(
        {
            "headcount": {"data_scientist": 30, "ml_engineer": 3},
            "planned_starts": {"ml_engineer": [0, 2, 0, 0, 1]},
            "target": {"ds_per_mle": 8, "deadline_month": 6},
            "horizon_months": 12,
            "paths": 500,
            "seed": 3,
        }
    )
    res = simulate(sc)
    p = p_target_by_month(res.paths_headcount, 8)
    assert np.array_equal(res.p_target_by_month, p)
    se = np.sqrt(p * (1 - p) / 500)
    assert res.se_met == pytest.approx(se[6], abs=1e-15)
    for conf in (0.3, 0.5, 0.8, 0.95):
        ok = [t for t in range(13) if p[t] - 2 * se[t] >= conf - 1e-12]
        assert res.target_reached(conf) == (ok[0] if ok else None)
        assert res.target_reached(conf) == target_reached(p, conf, se)
        assert res.held_through(conf) == held_through(p, conf, 6, se)
    lean = res.without_paths()
    assert lean.paths_headcount is None
    for conf in (0.5, 0.8):
        assert lean.target_reached(conf) == res.target_reached(conf)
        assert lean.held_through(conf) == res.held_through(conf)


def test_the_held_warning_is_said_only_when_the_target_is_met_but_not_held():
    assert sentences.held_warning(0.97, 0.60, 0.8, 6) == (
        "P(target held to the horizon) is 60%, below the 80% goal: the ratio drifts back "
        "above 1:6 after the deadline."
    )
    assert sentences.held_warning(0.97, 0.85, 0.8, 6) is None  # held
    assert sentences.held_warning(0.70, 0.50, 0.8, 6) is None  # not even met: the answer says
