"""P(held)'s size check from the ML engineer chain's first months (issue 21): when the
joint DS x ML engineer chain is already too large at the deadline, and the ML engineer
chain cannot prove too large later (`never_too_large`), `p_held` says so (None) without
running that chain to the horizon. The answers are those of the whole chain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecasting.model.roles import DS, MLE
from forecasting.plan.solver import solve
from forecasting.simulate import exact, exact_chain
from forecasting.simulate.exact import ExactEvaluator, role_spec
from forecasting.simulate.exact_chain import never_too_large, run_chain, states_at
from tests.test_solver_warm import growing_team as warm_growing_team


def growing_team(**target) -> object:
    """test_solver_warm's growing team (20 -> 24 data scientists by month 9, 2 ML engineers
    backfilled, rate intervals), holding its target to the horizon."""
    return warm_growing_team(**{"hold": True, **target})


def _schedule(sc, added: int) -> np.ndarray:
    out = np.zeros(sc.horizon_months + 1, dtype=np.int64)
    out[2 : 2 + added] = 1
    return out


@pytest.mark.parametrize("added", [0, 2, 5])
def test_the_states_at_a_month_are_the_whole_chain_s(added):
    sc = growing_team()
    spec = role_spec(sc, MLE, mle_schedule=_schedule(sc, added))
    whole = run_chain(spec, memo=False)
    for month in (0, 1, 4, 9, sc.horizon_months):
        assert states_at(spec, month) == whole.states[month]


@pytest.mark.parametrize("added", [0, 3, 6])
def test_a_chain_never_too_large_stays_within_its_bound(added):
    sc = growing_team()
    spec = role_spec(sc, MLE, mle_schedule=_schedule(sc, added))
    assert spec.positions is not None
    w = int(spec.positions.max())
    bound = spec.batches * math.comb(w + spec.lag + 1, spec.lag + 1)
    assert never_too_large(spec, bound)
    assert not never_too_large(spec, bound - 1)
    got = run_chain(spec, memo=False, max_states=bound)  # does not raise
    assert got.states.max() <= bound


def test_positions_that_fall_or_people_joining_are_not_bounded():
    sc = growing_team()
    spec = role_spec(sc, MLE)
    assert spec.positions is not None
    falling = spec.positions.copy()
    falling[:, 5:] -= 1
    assert not never_too_large(exact_chain.ChainSpec(**{**spec.__dict__, "positions": falling}))
    joining = np.zeros(spec.months, dtype=np.int64)
    joining[3] = 1
    assert not never_too_large(exact_chain.ChainSpec(**{**spec.__dict__, "moves_in": joining}))
    assert never_too_large(spec)


def _held_both(monkeypatch, sc, schedules):
    exact_chain.MEMO.clear()
    quick = ExactEvaluator(sc)
    got = [quick.p_held(s) for s in schedules]
    exact_chain.MEMO.clear()
    with monkeypatch.context() as m:
        m.setattr(ExactEvaluator, "_beyond_joint", lambda self, schedule: False)
        whole = ExactEvaluator(sc)
        want = [whole.p_held(s) for s in schedules]
    return got, want


@pytest.mark.parametrize("max_joint", [500, 5_000, 4_500_000])
def test_p_held_is_the_whole_chain_s_answer(monkeypatch, max_joint):
    monkeypatch.setattr(exact, "MAX_JOINT", max_joint)
    sc = growing_team()
    schedules = [_schedule(sc, n) for n in (0, 1, 3, 6)]
    got, want = _held_both(monkeypatch, sc, schedules)
    assert got == want
    if max_joint == 4_500_000:  # 4.0M pairs at most with no position added, 24M with 6
        assert got[0] is not None and got[1] is not None and 0 < got[0] < got[1] < 1
        assert got[2] is None and got[3] is None
    if max_joint == 500:
        assert all(p is None for p in got)


def _chain_runs(monkeypatch) -> list:
    """The `until` of every chain run from now on (None: the whole horizon)."""
    runs = []
    real = exact_chain._run_chain

    def spy(spec, **kw):
        runs.append(kw.get("until"))
        return real(spec, **kw)

    monkeypatch.setattr(exact_chain, "_run_chain", spy)
    return runs


def test_the_check_skips_the_chain_s_later_months(monkeypatch):
    monkeypatch.setattr(exact, "MAX_JOINT", 500)
    sc = growing_team()
    exact_chain.MEMO.clear()
    ev = ExactEvaluator(sc)
    runs = _chain_runs(monkeypatch)
    assert ev.p_held(_schedule(sc, 2)) is None
    assert runs == [sc.deadline]


@pytest.mark.parametrize("strategy", ["even", "fewest"])
def test_a_plan_held_is_the_same_with_and_without_the_check(monkeypatch, strategy):
    monkeypatch.setattr(exact, "MAX_JOINT", 2_000)  # the joint chain too large: sampled
    sc = growing_team()
    exact_chain.MEMO.clear()
    fast = solve(sc, strategy)
    exact_chain.MEMO.clear()
    with monkeypatch.context() as m:
        m.setattr(ExactEvaluator, "_beyond_joint", lambda self, schedule: False)
        slow = solve(sc, strategy)
    assert fast.to_json_dict() == slow.to_json_dict()
    assert fast.p_held_method == "monte carlo" and fast.p_method == "exact"
    assert role_spec(sc, DS).positions is not None


def test_the_next_rerun_reads_the_check_from_the_memo(monkeypatch):
    """A search asks again at every rerun (its evaluator is new): the first months' states
    are kept, as the whole chains are."""
    monkeypatch.setattr(exact, "MAX_JOINT", 500)
    sc = growing_team()
    exact_chain.MEMO.clear()
    ExactEvaluator(sc)  # the data scientists' chain, kept
    runs = _chain_runs(monkeypatch)
    for _ in range(2):
        assert ExactEvaluator(sc).p_held(_schedule(sc, 2)) is None
    assert runs == [sc.deadline]
    spec = role_spec(sc, MLE, mle_schedule=_schedule(sc, 2))
    assert not exact_chain.known(spec)  # the whole chain is not claimed to be kept


def test_the_check_asks_its_budget_before_it_starts_and_is_not_kept_when_cut():
    sc = growing_team()
    spec = role_spec(sc, MLE, mle_schedule=_schedule(sc, 2))
    exact_chain.MEMO.clear()
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    with pytest.raises(exact_chain.ChainCutShort):
        states_at(spec, sc.deadline, give_up=stop)
    assert asked == [1]
    patient: list[int] = []
    got = states_at(spec, sc.deadline, give_up=lambda: bool(patient.append(1)))
    assert got == run_chain(spec, memo=False).states[sc.deadline]
    assert 1 <= len(patient) < sc.deadline  # not every month: a small chain asks once
