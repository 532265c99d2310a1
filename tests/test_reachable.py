"""What would work when the target cannot be met: solver.reachable and its sentence."""

from __future__ import annotations

import pytest

from forecasting.model.errors import SolverError
from forecasting.model.scenario import Scenario
from forecasting.plan.reach import reachable
from forecasting.plan.solver import solve
from forecasting.report.sentences import answer_sentence

MLE = "ml_engineer"


def certain(**target) -> Scenario:
    """No leavers, every requisition filled: 30 data scientists, 2 ML engineers who
    backfill; at most one new position a month, filled the next month. A position
    opened at month t counts from month t + 1, so month m has 2 + (m - 1) ML engineers
    (m >= 2) and 1:3 (10 ML engineers) is first met at month 9."""
    return Scenario.from_dict(
        {
            "start_month": "2027-01",
            "horizon_months": 12,
            "headcount": {"data_scientist": 30, "ml_engineer": 2},
            "attrition_annual": 0.0,
            "hiring_policy": {MLE: {"kind": "backfill"}},
            "fill_rate": 1.0,
            "time_to_fill_months": {MLE: 1},
            "max_starts_per_month": {MLE: 1},
            "target": {"ds_per_mle": 3, "confidence": 0.8, **target},
            "paths": 200,
            "seed": 1,
        }
    )


def test_earliest_deadline_is_the_first_month_the_most_hiring_reaches_the_target():
    sc = certain(deadline_month=6)
    with pytest.raises(SolverError):
        solve(sc)
    r = reachable(sc)
    assert r.mode.positions and r.per_month == 1 and r.first_month == 1
    assert r.probability == 0.0  # 7 ML engineers at month 6: 30 / 7 > 3
    assert r.earliest_deadline == 9
    # and the solver agrees that month 9 is reachable and month 8 is not
    assert solve(sc.replace(target={"ds_per_mle": 3, "confidence": 0.8, "deadline_month": 9}))
    with pytest.raises(SolverError):
        solve(sc.replace(target={"ds_per_mle": 3, "confidence": 0.8, "deadline_month": 8}))


def test_nothing_within_the_horizon_is_said_in_words():
    sc = certain(ds_per_mle=1, deadline_month=6)  # 30 ML engineers: never within 12 months
    r = reachable(sc)
    assert r.earliest_deadline is None and r.probability == 0.0
    text = answer_sentence(None, sc, strategy="even", error="cannot reach", reachable=r)
    assert "not reached within the planning horizon (Jan 2028)" in text
    assert "Even 1 new ML engineer position opened every month from Feb 2027" in text
    assert "_" not in text and "max_starts" not in text  # words, not field names


def test_sentence_names_the_earliest_deadline_and_the_best_confidence():
    sc = certain(deadline_month=6)
    text = answer_sentence(None, sc, strategy="even", error="cannot reach", reachable=reachable(sc))
    assert text.startswith("To reach 1:3 by Jul 2027 with 80% confidence: not reachable")
    assert "give 0% confidence by Jul 2027" in text
    assert "80% is reached by Oct 2027" in text
    assert "(each takes 1 month to fill)" in text


def test_hold_counts_only_months_from_which_the_target_holds():
    sc = certain(deadline_month=6, hold=True)
    r = reachable(sc)
    assert r.earliest_deadline == 9  # more hiring keeps it held from month 9 on


@pytest.mark.slow
def test_the_app_says_what_would_work_in_words(app, ui, token):
    at = app(query={"s": token(certain(deadline_month=6))})
    assert ui.problems(at) == []
    answer = at.markdown[0].value
    assert "not reachable with the current hiring limits" in answer
    assert "80% is reached by Oct 2027" in answer
    assert "max_starts_per_month" not in answer and "target." not in answer
