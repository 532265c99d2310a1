"""One work budget for every engine entry point (issue 22 item 1-2): path-months and CPU
seconds bounded, the answer so far marked as capped where there is one, and a search that
nobody waits for any more stopped between evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.edits import without_mle_plan
from forecasting.plan.budget import frontier, solve_budget
from forecasting.plan.evaluate import Budget, SolverCancelled, WorkCapped
from forecasting.plan.reach import reachable
from forecasting.plan.sensitivity import sensitivity
from forecasting.plan.solver import solve
from forecasting.plan.team import solve_team
from tests.conftest import make_scenario, team

#: 30 data scientists growing, 2 ML engineers, sampled (reskilling couples the roles, so
#: every evaluation is a simulation that spends path-months).
SAMPLED = {
    "headcount": team(4, 30, 2, 2),
    "horizon_months": 24,
    "attrition_annual": 0.15,
    "reskill_annual": 0.05,
    "paths": 400,
    "seed": 3,
    "target": {"ds_per_mle": 6, "deadline_month": 18},
}


def test_check_stops_for_nobody_and_caps_past_each_limit():
    with pytest.raises(SolverCancelled):
        Budget(should_stop=lambda: True).check()
    b = Budget(path_months=100)
    b.spend(100)  # at the limit: allowed
    with pytest.raises(WorkCapped, match="100 path-months"):
        b.spend(1)
    burner = Budget(cpu_seconds=0.0)
    sum(i * i for i in range(200_000))  # some CPU on this thread
    with pytest.raises(WorkCapped, match="CPU seconds"):
        burner.check()
    assert Budget().spend(1e12) is None  # no limit: never capped


def test_every_entry_point_stops_when_nobody_waits():
    sc = without_mle_plan(make_scenario(**SAMPLED))
    calls = []

    def gone() -> bool:
        calls.append(1)
        return len(calls) > 2  # the session leaves after two checks

    for run in (
        lambda b: solve(sc, "even", budget=b),
        lambda b: sensitivity(sc, "even", budget=b),
        lambda b: frontier(sc, "even", work=b),
        lambda b: solve_budget(sc, 300_000, "even", work=b),
    ):
        calls.clear()
        with pytest.raises(SolverCancelled):
            run(Budget(should_stop=gone))


def test_a_capped_sensitivity_keeps_its_finished_rows_and_names_the_rest():
    sc = without_mle_plan(make_scenario(**SAMPLED))
    full = sensitivity(sc, "even", budget=(spent := Budget()))
    assert not full.capped and len(full.rows) >= 4
    # Enough for today's answer and about half of the rows.
    half = Budget(path_months=spent.spent / 2)
    part = sensitivity(sc, "even", budget=half)
    assert part.positions == full.positions
    assert 0 < len(part.rows) < len(full.rows)
    assert part.capped.startswith("not varied: ")
    done = {r.parameter: r for r in part.rows}
    for row in full.rows:
        if row.parameter in done:
            assert done[row.parameter] == row  # a finished row is the full run's row
        else:
            assert row.label in part.capped
    assert "capped" in part.to_json_dict() and "capped" not in full.to_json_dict()
    # Too little for today's answer: no tornado at all, said as such.
    with pytest.raises(WorkCapped):
        sensitivity(sc, "even", budget=Budget(path_months=1))


def test_a_capped_frontier_keeps_its_first_points():
    sc = without_mle_plan(make_scenario(**SAMPLED))
    full = frontier(sc, "even", work=(spent := Budget()))
    assert not full.capped and len(full.added) > 3
    part = frontier(sc, "even", work=Budget(path_months=spent.spent * 3 / len(full.added)))
    assert part.capped and 0 < len(part.added) < len(full.added)
    assert part.run_rate == full.run_rate[: len(part.added)]
    assert {k: v[: len(part.added)] for k, v in full.p.items()} == part.p


def test_the_team_shape_search_is_bounded():
    shaped = make_scenario(**{**SAMPLED, "target": {**SAMPLED["target"], "ds_per_de": 4}})
    plan = solve(without_mle_plan(shaped), "even").scenario
    full = solve_team(plan, "even", budget=(spent := Budget()))
    assert full is not None and not full.capped
    assert full == solve_team(plan, "even", budget=Budget(path_months=spent.spent))
    with pytest.raises(WorkCapped):
        solve_team(plan, "even", budget=Budget(path_months=1))


def test_reachability_counts_its_simulation():
    sc = make_scenario(**SAMPLED)
    with pytest.raises(WorkCapped):
        reachable(sc, budget=Budget(path_months=10))
    assert reachable(sc, budget=Budget(path_months=1e9)) == reachable(sc)


#: Exact (no reskilling): the data scientists' chain has 36 months to run.
EXACT = {
    "headcount": team(4, 300, 30, 2),
    "horizon_months": 36,
    "attrition_annual": 0.13,
    "hiring_policy": {"data_scientist": "backfill", "ml_engineer": "backfill"},
    "paths": 200,
    "seed": 4,
    "target": {"ds_per_mle": 10, "deadline_month": 24},
}


def test_an_exact_chain_stops_between_its_months_and_is_not_remembered_cut_short():
    """One chain of a very large team can outlast a request: the budget is asked between
    its months (a closed tab stops it mid-chain), and a chain cut short is neither a
    refusal the memo keeps nor a different answer afterwards."""
    from forecasting.model.roles import DS
    from forecasting.simulate.exact import ExactEvaluator, role_spec
    from forecasting.simulate.exact_chain import ChainCutShort, run_chain

    sc = make_scenario(**EXACT)
    spec = role_spec(sc, DS)
    asked: list[int] = []

    def after(n: int):
        def give_up() -> bool:
            asked.append(1)
            return len(asked) > n

        return give_up

    with pytest.raises(ChainCutShort):
        run_chain(spec, memo=True, give_up=after(5))
    assert len(asked) == 6  # before the chain and between its first months: not all 36
    whole = run_chain(spec, memo=True)  # not a remembered refusal: the chain runs
    assert np.array_equal(whole.probabilities, run_chain(spec, memo=False).probabilities)

    calls: list[int] = []

    def gone() -> bool:
        calls.append(1)
        return len(calls) > 3

    from forecasting.simulate import exact_chain

    exact_chain.MEMO.clear()
    with pytest.raises(SolverCancelled):  # the evaluator's chains ask the request's budget
        solve(without_mle_plan(sc), "even", budget=Budget(should_stop=gone))
    assert len(calls) == 4
    assert ExactEvaluator(sc).p_met() > 0  # and nothing half-made was kept


def test_a_projection_cut_short_keeps_its_sampled_probabilities():
    from forecasting.simulate import exact_chain
    from forecasting.simulate.engine import simulate
    from forecasting.simulate.project import project

    sc = make_scenario(**EXACT)
    exact_chain.MEMO.clear()  # a remembered chain is not run again, so never cut
    sampled = project(sc, give_up=lambda: True)
    plain = simulate(sc)
    assert sampled.p_method == "monte carlo" and sampled.p_target_met == plain.p_target_met
    assert sampled.p_se[sc.deadline] > 0
    exact = project(sc)  # the cut was not remembered
    assert exact.p_method == "exact" and exact.p_se[sc.deadline] == 0


def test_a_team_of_thousands_is_refused_before_its_outcomes_fill_memory():
    """19,000 data scientists backfilled: a few thousand states of hundreds of exit outcomes
    each. Expanded whole (before equal states merge) they held 22 GB; the chain now refuses
    once a month would expand past MAX_EXPANDED outcomes, and the Monte Carlo answers."""
    from forecasting.simulate.exact import ExactEvaluator
    from forecasting.simulate.exact_chain import NotExact
    from forecasting.simulate.exact_states import MAX_EXPANDED

    sc = make_scenario(**{**EXACT, "headcount": team(10, 19_000, 2_000, 10)})
    with pytest.raises(NotExact, match=f"more than {MAX_EXPANDED:,}"):
        ExactEvaluator(sc)
