"""The solver's speed-ups leave its answers as they were (issue 21).

The exact search probes from the small end (`smallest_from_below`) and tries the largest
schedule only when no shape reaches the goal; a search starts from the shape's last
answer (`solver.HINTS`, `smallest_near`); the exact chains are kept between calls
(`exact_chain.MEMO`). A plan solved with them equals the plan solved without them: the
same positions, the same probabilities, the same method.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasting.model.errors import SolverError
from forecasting.plan import solver
from forecasting.plan.schedule import smallest_near, smallest_prefix
from forecasting.plan.solver import smallest_from_below, solve
from forecasting.simulate import exact_chain
from tests.conftest import make_scenario, team


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=220))
def test_probing_from_below_finds_what_bisection_finds(n_max, threshold):
    def passes(n: int) -> bool:
        return n >= threshold

    assert smallest_from_below(passes, n_max) == smallest_prefix(passes, n_max)


def test_probing_from_below_never_tries_far_above_the_answer():
    tried: list[int] = []

    def passes(n: int) -> bool:
        tried.append(n)
        return n >= 5

    assert smallest_from_below(passes, 200) == 5
    assert max(tried) <= 8


@given(
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=220),
    st.integers(min_value=-5, max_value=230),
)
def test_a_search_from_a_hint_finds_what_bisection_finds(n_max, threshold, hint):
    def passes(n: int) -> bool:
        assert 0 <= n <= n_max
        return n >= threshold

    assert smallest_near(passes, n_max, hint) == smallest_prefix(passes, n_max)


@pytest.mark.parametrize(
    ("answer", "hint", "most"),
    [(30, 30, 2), (30, 29, 2), (30, 31, 4), (30, 0, 12), (30, 200, 16), (0, 0, 1)],
)
def test_a_search_from_near_the_answer_tries_few_schedules(answer, hint, most):
    tried: list[int] = []

    def passes(n: int) -> bool:
        tried.append(n)
        return n >= answer

    assert smallest_near(passes, 200, hint) == answer
    assert len(tried) <= most
    assert len(set(tried)) == len(tried)  # no schedule tried twice


class NoHints(dict):
    """`solver.HINTS` that keeps nothing: every search from scratch."""

    def __setitem__(self, key, value) -> None:
        pass


def growing_team(
    headcount: dict[str, int] | None = None, to: int = 24, interval: bool = True, **target
) -> object:
    """20 -> 24 data scientists by month 9 (growth: exact chains), 2 ML engineers
    backfilled, a rate interval on both (or another team, grown to `to`, without the
    intervals)."""
    rates = {"data_scientist": [0.08, 0.2], "ml_engineer": [0.08, 0.2]} if interval else {}
    return make_scenario(
        headcount=headcount or team(2, 20, 2, 1),
        horizon_months=15,
        hiring_policy={
            "data_engineer": {"kind": "backfill"},
            "data_scientist": {"kind": "growth", "to": to, "by_month": 9},
            "ml_engineer": {"kind": "backfill"},
            "product_manager": {"kind": "backfill"},
        },
        attrition_interval=rates,
        target={"ds_per_mle": 6, "deadline_month": 9, "confidence": 0.8, **target},
        paths=500,
    )


def without_speedups(monkeypatch: pytest.MonkeyPatch, scenario, strategy: str):
    """The plan solved with bisection from both ends, no hint and no chain kept between
    calls."""
    with monkeypatch.context() as m:
        m.setattr(solver, "smallest_from_below", smallest_prefix)
        m.setattr(solver, "HINTS", NoHints())
        m.setattr(exact_chain, "MEMO", exact_chain.ChainMemo(0))
        m.setattr(exact_chain, "MEMO_RECORDED", exact_chain.ChainMemo(0))
        return solve(scenario, strategy)


def same_plan(a, b) -> None:
    assert a.positions_added == b.positions_added
    assert a.planned_starts == b.planned_starts
    assert (a.p_method, a.p_held_method) == (b.p_method, b.p_held_method)
    assert a.p_target_met == pytest.approx(b.p_target_met, abs=1e-12)
    assert a.p_target_held == pytest.approx(b.p_target_held, abs=1e-12)
    assert a.annual_cost == pytest.approx(b.annual_cost, abs=1e-6)


@pytest.mark.parametrize("strategy", ["even", "front_loaded", "just_in_time", "fewest"])
@pytest.mark.parametrize("hold", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_a_plan_is_the_same_with_and_without_the_speedups(monkeypatch, strategy, hold):
    scenario = growing_team(hold=hold)
    exact_chain.MEMO.clear()
    exact_chain.MEMO_RECORDED.clear()
    fast = solve(scenario, strategy)
    assert fast.p_method == "exact"
    same_plan(fast, without_speedups(monkeypatch, scenario, strategy))


def test_the_next_target_reuses_the_chains_and_answers_as_a_fresh_solve(monkeypatch):
    exact_chain.MEMO.clear()
    first = growing_team()
    solve(first, "even")
    kept = len(exact_chain.MEMO._items)
    assert kept > 0
    moved = growing_team(ds_per_mle=5.5)
    warm = solve(moved, "even")
    same_plan(warm, without_speedups(monkeypatch, moved, "even"))


def test_an_unreachable_target_still_says_what_even_the_most_hiring_gives():
    scenario = growing_team(ds_per_mle=1.5, confidence=0.99)
    with pytest.raises(SolverError, match="even 3"):
        solve(scenario, "even")


def test_a_kept_chain_is_read_only_and_equals_a_fresh_one():
    from forecasting.model.roles import DS
    from forecasting.simulate.exact import role_spec

    spec = role_spec(growing_team(), DS)
    kept = exact_chain.run_chain(spec)
    fresh = exact_chain.run_chain(spec, memo=False)
    assert exact_chain.run_chain(spec) is kept
    assert not kept.probabilities.flags.writeable
    np.testing.assert_array_equal(kept.probabilities, fresh.probabilities)
    assert kept.truncated == fresh.truncated


def test_a_chain_found_too_large_is_remembered_as_too_large():
    from forecasting.model.roles import DS
    from forecasting.simulate.exact import role_spec

    spec = role_spec(growing_team(), DS)
    for _ in range(2):
        with pytest.raises(exact_chain.NotExact, match="more than 10"):
            exact_chain.run_chain(spec, max_states=10)


@pytest.mark.parametrize("hint", [None, 0, 1, 3, 40])
def test_an_exact_plan_is_the_same_whatever_the_last_answer_was(monkeypatch, hint):
    scenario = growing_team(ds_per_mle=5.5)
    solver.HINTS.clear()
    if hint is not None:
        for shape in ("even", "front_loaded", "just_in_time"):
            for one in (False, True):
                solver.HINTS[(shape, one, False)] = hint
    for strategy in ("even", "fewest"):
        same_plan(solve(scenario, strategy), without_speedups(monkeypatch, scenario, strategy))


def test_an_unreachable_target_leaves_no_hint_and_the_next_plan_stays_exact(monkeypatch):
    """A shape that found no answer keeps no hint; an exact search starts from the small end
    whatever the hints: a probe far above the answer could meet a chain too large and
    send the whole search to sampling (a reviewer's case: 200 data scientists, up to 500
    ML engineer starts a month)."""

    def scenario(k: float):
        return make_scenario(
            headcount=team(5, 200, 10, 2),
            horizon_months=18,
            fill_rate=0.84,
            attrition_interval={"data_scientist": [0.08, 0.2], "ml_engineer": [0.08, 0.2]},
            max_starts_per_month={
                "data_engineer": 3,
                "data_scientist": 3,
                "ml_engineer": 500,
                "product_manager": 3,
            },
            target={"ds_per_mle": k, "deadline_month": 12, "confidence": 0.8},
            paths=500,
            seed=3,
        )

    solver.HINTS.clear()
    with pytest.raises(SolverError):
        solve(scenario(0.03), "even")
    assert solver.HINTS == {}
    solver.HINTS[("even", False, False)] = 5_000  # as if a huge answer came before
    after = solve(scenario(6), "even")
    assert after.p_method == "exact"
    with monkeypatch.context() as m:
        m.setattr(solver, "HINTS", NoHints())
        same_plan(after, solve(scenario(6), "even"))


def test_a_sampled_plan_is_the_same_whatever_the_last_answer_was(monkeypatch):
    """The sample team (its data scientists' band: a sampled search, whose decisions near
    the goal go on to 8,000 independent paths) at attritions walked up from 13%, each
    solved after the one before (the search starts from its answer), from a hint of 0
    and of 500, and from scratch."""
    from pathlib import Path

    from forecasting.model import edits
    from forecasting.model.scenario import Scenario

    sample = Path(__file__).resolve().parents[1] / "data" / "sample_scenario.json"
    base = edits.without_mle_plan(Scenario.from_json(sample.read_text(encoding="utf-8")))
    solver.HINTS.clear()
    for percent in (13, 15, 18, 24):
        scenario = edits.with_attrition(base, percent / 100)
        warm = solve(scenario, "even")
        assert warm.p_method == "monte carlo"
        assert solver.HINTS[("even", False, scenario.target.hold)] == warm.total_positions_added
        scratch = without_speedups(monkeypatch, scenario, "even")
        same_plan(warm, scratch)
        for hint in (0, 500):
            solver.HINTS[("even", False, scenario.target.hold)] = hint
            same_plan(solve(scenario, "even"), scratch)


def test_a_sampled_share_of_one_is_not_called_exact():
    """P(held) reported from the plan's paths (the target need not hold) is sampled even
    when every path holds it (a share of 1, standard error 0): "monte carlo", while P(met),
    from the chains, is "exact" (a reviewer's case: it was called exact by its SE)."""
    scenario = growing_team(team(2, 4, 6, 1), to=5, interval=False, hold=False)
    plan = solve(scenario, "even")
    assert (plan.p_target_held, plan.p_held_se) == (1.0, 0.0)
    assert (plan.p_method, plan.p_held_method) == ("exact", "monte carlo")
    assert plan.certified is not None and plan.certified.method == "exact"  # P(met) decided


def test_a_sampled_share_of_one_on_the_target_held_is_certified_as_sampled():
    """The target must hold; P(met) exact, P(held) sampled (the joint chain is not used
    here: 500 paths, every one holding it): the certificate is "monte carlo" on 500 paths
    with P(met)'s standard error 0 and P(held)'s sampled (a reviewer's case: the old rule,
    by standard errors, certified it exact on 0 paths, or gave P(met) a sampled SE)."""
    plan = solve(growing_team(ds_per_mle=5.5, hold=True, confidence=0.98), "even")
    assert (plan.p_method, plan.p_held_method) == ("exact", "monte carlo")
    assert plan.p_target_held == 1.0
    cert = plan.certified
    assert cert is not None
    assert (cert.method, cert.paths) == ("monte carlo", 500)
    assert cert.to_json_dict()["se_met"] == 0.0


def test_a_share_of_one_on_few_paths_is_not_evidence_of_a_high_goal():
    """At 99.9%, 500 paths that all hold the target are not enough (Wilson, z = 2: at
    least n / (n + 4) = 0.992): the Judge goes on to more paths, and the plan holds the
    goal on 32,000 independent paths (a reviewer's case: 8 positions were accepted on 500
    paths, 0.9983 on independent ones)."""
    from forecasting.plan.evaluate import Evaluator

    scenario = growing_team(ds_per_mle=5.5, hold=True, confidence=0.999)
    plan = solve(scenario, "even")
    assert plan.certified is not None and plan.certified.paths > 500
    check = Evaluator(scenario.replace(paths=32_000, seed=11), exact=False)
    held = check.mc_outcome(np.array(plan.positions_added, dtype=np.int64)).p_held
    assert held + 2 * np.sqrt(held * (1 - held) / 32_000) >= 0.999
