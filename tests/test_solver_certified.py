"""The solver's answer is the fewest, exactly, and no seed changes it (issues: numbers
leaders can trust; exact probabilities). The reviews found hold mode far from minimal,
answers that flipped with the seed, and plans below the confidence on fresh seeds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Evaluator
from forecasting.plan.solver import Strategy, solve
from forecasting.simulate.engine import simulate

MLE = "ml_engineer"


def small(hold: bool, policy: str | None, **kw) -> Scenario:
    """A small team where every schedule can be enumerated: 8 months, deadline 4, cap 2."""
    d = {
        "start_month": "2027-01",
        "horizon_months": 8,
        "headcount": {"data_scientist": 20, "ml_engineer": 2},
        "attrition_annual": {"data_scientist": 0.15, "ml_engineer": 0.25},
        "hiring_policy": {"data_scientist": {"kind": "growth", "to": 26, "by_month": 8}},
        "time_to_fill_months": 1,
        "max_starts_per_month": {MLE: 2, "data_scientist": 10},
        "target": {"ds_per_mle": 6, "deadline_month": 4, "confidence": 0.8, "hold": hold},
        "paths": 400,
        "seed": 11,
    }
    if policy:
        d["hiring_policy"][MLE] = {"kind": policy}
    d.update(kw)
    return Scenario.from_dict(d)


def all_schedules(n_slots: int, first: int, cap: int, total: int):
    """Every schedule with `total` units in slots first..n_slots-1, at most `cap` each."""
    slots = range(first, n_slots)
    for combo in itertools.combinations_with_replacement(slots, total):
        x = np.zeros(n_slots, dtype=np.int64)
        for i in combo:
            x[i] += 1
        if x.max(initial=0) <= cap:
            yield x


@pytest.mark.slow
@pytest.mark.parametrize("hold", [False, True], ids=["met", "held"])
@pytest.mark.parametrize("policy", [None, "backfill"], ids=["starts", "positions"])
def test_fewest_is_the_minimum_found_by_exhaustive_search(hold, policy):
    sc = small(hold, policy)
    plan = solve(sc, "fewest")
    n = plan.added
    assert n > 0
    evaluate = Evaluator(sc)
    assert evaluate.exact is not None  # every schedule below is evaluated exactly
    positions = policy is not None
    n_slots = sc.horizon_months + 1 if positions else sc.horizon_months
    first = 1 if positions else 0
    conf = sc.target.confidence
    best = 0.0
    for x in all_schedules(n_slots, first, 2, n - 1):
        p_met, p_held = evaluate(x)
        best = max(best, p_held if hold else p_met)
    assert best < conf  # no schedule with one unit fewer reaches the confidence
    for strategy in Strategy:
        assert solve(sc, strategy).added >= n


def review_case(seed: int, paths: int = 2000) -> Scenario:
    """The sample team with ML engineer starts (policy none), holding 1:6 from month 18."""
    sample = Scenario.from_json(Path("data/sample_scenario.json").read_text())
    policies = {**sample.by_role("hiring_policy"), MLE: {"kind": "none"}}
    target = {**sample.target.to_dict(), "hold": True}
    return sample.replace(hiring_policy=policies, target=target, seed=seed, paths=paths)


@pytest.mark.slow
def test_a_plan_holds_its_confidence_on_fresh_paths():
    """Each plan re-simulated on 40,000 paths of a seed the solver never saw meets the
    confidence within Monte Carlo error (the review: 30-60% of plans fell below it)."""
    for seed in (1, 2, 3):
        sc = review_case(seed)
        plan = solve(sc, "just_in_time")
        fresh = plan.scenario.replace(seed=10_000 + seed, paths=40_000)
        p = simulate(fresh).p_target_held
        se = np.sqrt(0.8 * 0.2 / 40_000)
        assert p >= 0.8 - 3 * se, (seed, p)
        assert plan.certified.p_target_held >= 0.8


@pytest.mark.slow
def test_the_recommendation_is_the_same_on_nearly_every_seed():
    """The review: over seeds 1-25 the hold-mode recommendation ranged 8-16 starts."""
    totals = [solve(review_case(seed), "just_in_time").added for seed in range(1, 9)]
    assert max(totals) - min(totals) <= 1, totals


@pytest.mark.slow
def test_fewest_holds_the_sample_target_with_no_more_starts_than_any_strategy():
    """The review: a 7-start plan (3, 3 and 1 in months 16, 17 and 25) held with P = 0.866
    on 100,000 fresh paths where the solver gave 11 (just-in-time) or 12 (even): shaped
    searches with single-start maintenance were far from the fewest."""
    case = review_case(1)
    plan = solve(case, "fewest")
    assert plan.certified.p_target_held >= 0.8
    others = [solve(case, s).added for s in Strategy if s is not Strategy.FEWEST]
    assert plan.added <= min(others)
