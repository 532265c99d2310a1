"""Simulated role paths kept between calls (forecasting/simulate/paths_memo.py, issue 21).

A role's paths are a function of the seed, the paths and the role's own inputs, so the
paths the solver simulated for the plan's schedule are the projection's, and a new target
re-simulates no role. The numbers are the same with the memo and without it: every
array of `run_paths`, every field of a projection, every field of a plan.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from forecasting.model.edits import without_mle_plan
from forecasting.model.roles import DS, MLE
from forecasting.plan.evaluate import Budget, Evaluator
from forecasting.plan.solver import solve
from forecasting.simulate import engine, paths_memo, recursion
from forecasting.simulate.paths_memo import PathsMemo, RolePaths
from forecasting.simulate.project import project
from tests.conftest import make_scenario, team

BAND = {
    "kind": "path",
    "headcount": [30 + 0.3 * t for t in range(19)],
    "p10": [30 - 0.2 * t for t in range(19)],
    "p90": [30 + 0.8 * t for t in range(19)],
}

#: Scenarios that use every input a role's paths depend on: a band (per-path positions),
#: rate intervals, a random fill rate with planned starts (starts mode), reskilling at a
#: rate and as planned (the ML engineers' inflow), open requisitions, a growth policy.
SCENARIOS = {
    "band": {
        "headcount": team(8, 30, 3, 3),
        "horizon_months": 18,
        "hiring_policy": {
            "data_engineer": {"kind": "backfill"},
            "data_scientist": BAND,
            "ml_engineer": {"kind": "backfill"},
            "product_manager": {"kind": "backfill"},
        },
        "attrition_interval": {"data_scientist": [0.08, 0.2], "ml_engineer": [0.06, 0.3]},
        "open_requisitions": {"ml_engineer": 1, "data_scientist": 1},
        "target": {"ds_per_mle": 6, "deadline_month": 12, "confidence": 0.8, "hold": True},
        "paths": 600,
        "seed": 5,
    },
    "starts": {
        "headcount": team(4, 20, 2, 2),
        "horizon_months": 15,
        "fill_rate": 0.8,
        "planned_starts": {"data_scientist": [1, 0, 2], "ml_engineer": [0, 1]},
        "open_requisitions": {"ml_engineer": 2},
        "attrition_interval": {"ml_engineer": [0.05, 0.3]},
        "target": {"ds_per_mle": 6, "deadline_month": 9, "confidence": 0.8},
        "paths": 500,
        "seed": 3,
    },
    "reskilling": {
        "headcount": team(4, 24, 2, 2),
        "horizon_months": 15,
        "reskill_annual": 0.1,
        "reskill_months": 2,
        "reskill_planned": [0, 0, 1, 0, 1],
        "hiring_policy": {"ml_engineer": {"kind": "backfill"}},
        "target": {"ds_per_mle": 6, "deadline_month": 9, "confidence": 0.8},
        "paths": 500,
        "seed": 9,
    },
    "growth": {
        "headcount": team(2, 20, 2, 1),
        "horizon_months": 15,
        "hiring_policy": {
            "data_scientist": {"kind": "growth", "to": 24, "by_month": 9},
            "ml_engineer": {"kind": "backfill"},
        },
        "attrition_interval": {"data_scientist": [0.08, 0.2], "ml_engineer": [0.08, 0.2]},
        "target": {"ds_per_mle": 6, "deadline_month": 9, "confidence": 0.8, "hold": True},
        "paths": 500,
        "seed": 2,
    },
}


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch) -> PathsMemo:
    """A fresh memo, on, for this test only."""
    kept = PathsMemo(64 * 2**20)
    monkeypatch.setattr(paths_memo, "MEMO", kept)
    return kept


def without_memo(monkeypatch: pytest.MonkeyPatch, call):
    with monkeypatch.context() as m:
        m.setattr(paths_memo, "MEMO", PathsMemo(0))
        return call()


def assert_same_paths(a: engine._Paths, b: engine._Paths) -> None:
    np.testing.assert_array_equal(a.headcount, b.headcount)
    for x, y in zip(a.realised, b.realised):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(engine.padded(x), engine.padded(y))
    for x, y in ((a.moved, b.moved), (a.arrived, b.arrived)):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_array_equal(x, y)
    for x, y in zip(a.p_exit, b.p_exit):
        np.testing.assert_array_equal(x, y)


def assert_same_result(a, b) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "capacity_arrays":
            for g in dataclasses.fields(x):
                np.testing.assert_array_equal(getattr(x, g.name), getattr(y, g.name))
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y or (x != x and y != y), f.name


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_paths_from_the_memo_are_the_paths_simulated_without_it(monkeypatch, memo, name):
    sc = make_scenario(**SCENARIOS[name])
    alone = without_memo(monkeypatch, lambda: engine.run_paths(sc))
    first = engine.run_paths(sc)  # simulated and kept
    assert memo.misses == 4 and memo.hits == 0
    again = engine.run_paths(sc)  # every role from the memo
    assert memo.hits == 4 and memo.misses == 4
    assert_same_paths(first, alone)
    assert_same_paths(again, alone)
    only_mle = engine.run_paths(sc, roles=(MLE,))
    np.testing.assert_array_equal(only_mle.headcount[:, MLE], alone.headcount[:, MLE])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_plan_and_its_projection_are_the_same_with_the_memo(monkeypatch, memo, name):
    sc = without_mle_plan(make_scenario(**SCENARIOS[name]))
    plan = without_memo(monkeypatch, lambda: solve(sc, "even"))
    shown = without_memo(monkeypatch, lambda: project(plan.scenario, paths=False))
    with_memo = solve(sc, "even")
    assert with_memo.to_json_dict() == plan.to_json_dict()
    before = memo.misses
    assert_same_result(project(with_memo.scenario, paths=False), shown)
    # The projection simulates only the roles the solver did not: the data engineers and
    # product managers (the data scientists and the plan's ML engineers are the solver's).
    assert memo.misses - before == 2
    assert_same_result(project(with_memo.scenario, paths=False), shown)  # all kept now


def test_a_new_target_re_simulates_no_role(memo):
    sc = without_mle_plan(make_scenario(**SCENARIOS["band"]))
    project(solve(sc, "even").scenario, paths=False)
    stricter = sc.replace(target={**sc.target.to_dict(), "ds_per_mle": 5.5})
    # A schedule the first search did not try is one ML engineer simulation; nothing else.
    before = memo.misses
    plan = solve(stricter, "even")
    project(plan.scenario, paths=False)
    tried_first = memo.misses - before
    looser = sc.replace(target={**sc.target.to_dict(), "deadline_month": 11})
    before = memo.misses
    project(solve(looser, "even").scenario, paths=False)
    assert tried_first <= 6 and memo.misses - before <= 6
    assert memo.hits > 2 * memo.misses


def test_the_evaluator_reads_the_paths_run_paths_keeps(memo):
    sc = make_scenario(**SCENARIOS["band"])
    ev = Evaluator(sc, Budget(), exact=False)
    schedule = np.zeros(sc.horizon_months + 1, dtype=np.int64)
    schedule[3] = 2
    ev._mc()  # the data scientists
    out, realised = ev._run(schedule)
    solved = sc.replace(
        hiring_policy={
            **sc.by_role("hiring_policy"),
            "ml_engineer": sc.hiring_policy[MLE].with_added(schedule),
        }
    )
    before = memo.misses
    raw = engine.run_paths(solved)
    assert memo.misses - before == 2  # data engineers, product managers
    np.testing.assert_array_equal(raw.headcount[:, MLE], out)
    assert realised is not None
    np.testing.assert_array_equal(raw.realised[MLE], realised)
    np.testing.assert_array_equal(raw.headcount[:, DS], ev.ds_all)


def test_what_a_caller_gets_is_its_own_and_kept_in_the_narrowest_type():
    memo = PathsMemo(2**20)
    headcount = np.arange(16, dtype=np.int32).reshape(4, 4) * 8  # 0..120: one byte each
    realised = recursion._realised_array(3, 4)
    realised[...] = 3
    memo.put(b"k", RolePaths(headcount, realised, None, np.full(4, 0.01)))
    assert memo.nbytes == headcount.size + realised.size + 4 * 8
    got = memo.get(b"k")
    assert got is not None and got.realised is not None
    assert got.headcount.dtype == got.realised.dtype == np.int32
    np.testing.assert_array_equal(got.headcount, headcount)
    np.testing.assert_array_equal(recursion.padded(got.realised)[1:], realised)
    assert np.shares_memory(recursion.padded(got.realised), got.realised)  # a view, as run
    got.headcount[0] = 99  # the caller's own
    got.realised[0] = 99
    again = memo.get(b"k")
    assert again is not None and again.realised is not None
    np.testing.assert_array_equal(again.headcount, headcount)
    np.testing.assert_array_equal(again.realised, realised)
    with pytest.raises(ValueError):
        np.asarray(again.p_exit)[0] = 1.0  # shared, read-only
    big = np.full((4, 4), 40_000, dtype=np.int32)
    memo.put(b"big", RolePaths(big, None, None, 0.01))
    got_big = memo.get(b"big")
    assert got_big is not None
    np.testing.assert_array_equal(got_big.headcount, big)


def test_the_memo_keeps_the_latest_within_its_bytes():
    memo = PathsMemo(100 * 1024)

    def entry() -> RolePaths:  # 30 KiB kept: counts that need four bytes
        return RolePaths(np.full(30 * 256, 100_000, np.int32), None, None, 0.01)

    for i in range(10):
        memo.put(bytes([i]), entry())  # three fit
        assert memo.nbytes <= 100 * 1024
    assert [memo.get(bytes([i])) is not None for i in range(10)] == [False] * 7 + [True] * 3
    memo.get(bytes([7]))  # used: the least recently used goes first
    memo.put(b"new", entry())
    assert memo.get(bytes([7])) is not None and memo.get(bytes([8])) is None
    memo.put(b"new", entry())  # the same key again is not counted twice
    assert memo.nbytes == 3 * 30 * 1024
    memo.put(b"huge", RolePaths(np.full(2**20, 100_000, np.int32), None, None, 0.01))
    assert memo.get(b"huge") is None and memo.nbytes == 3 * 30 * 1024  # larger than all
    memo.resize(0)  # off: nothing kept, nothing found
    assert not memo.enabled and len(memo) == 0 and memo.nbytes == 0
    memo.put(b"new", entry())
    assert memo.get(b"new") is None


def test_the_memo_is_off_unless_the_app_turns_it_on():
    import subprocess
    import sys

    code = (
        "from forecasting.simulate import paths_memo; a = paths_memo.MEMO.enabled; "
        "import ui.compute, ui.work; "
        "print(a, paths_memo.MEMO.max_bytes == ui.work.PATHS_MEMO_BYTES)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    "change",
    [
        {"seed": 6},
        {"paths": 601},
        {"attrition_annual": {"data_scientist": 0.2}},
        {"attrition_interval": {"data_scientist": [0.09, 0.2]}},
        {"headcount": team(8, 31, 3, 3)},
        {"max_starts_per_month": {"data_scientist": 2}},
        {"time_to_fill_months": {"data_scientist": 3}},
        {"open_requisitions": {"data_scientist": 2}},
        {"fill_rate": 0.9},
        {"reskill_annual": 0.05},
        {"reskill_planned": [0, 1]},
        {"hiring_policy": {"data_scientist": {**BAND, "p90": [31 + 0.8 * t for t in range(19)]}}},
    ],
)
def test_every_input_of_a_role_changes_its_key(change):
    sc = make_scenario(**SCENARIOS["band"])
    fields = {**SCENARIOS["band"]}
    for k, v in change.items():
        merge = isinstance(v, dict) and isinstance(fields.get(k), dict)
        fields[k] = {**fields[k], **v} if merge else v
    other = make_scenario(**fields)
    key = lambda s: engine.plan_key(engine.role_key(s, DS), engine.plan_of(s, DS))  # noqa: E731
    assert key(other) != key(sc)


def test_what_a_role_does_not_depend_on_leaves_its_key():
    sc = make_scenario(**SCENARIOS["band"])
    for other in (
        sc.replace(target={**sc.target.to_dict(), "ds_per_mle": 4, "hold": False}),
        sc.replace(annual_cost={"data_scientist": 1.0}),
        sc.replace(attrition_annual={"data_engineer": 0.3}),  # another role's
    ):
        for r in (DS, MLE):
            assert engine.role_key(other, r) == engine.role_key(sc, r)
