"""The exact chain's short cuts (issue 21) give the same numbers, bit for bit, as its
general steps: `quick_month` (a month of a hiring policy found per state) and the
bisection of the exit tails (`_exit_outcomes`), on chains that take them, that take
them in some months only (positions falling, reskilling) and that never do."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.simulate import exact_chain, exact_states
from forecasting.simulate.exact_chain import ChainSpec, run_chain
from forecasting.simulate.exact_mixture import rate_nodes
from tests.conftest import make_scenario


def _spec(
    *,
    months: int = 14,
    n0: int = 9,
    lag: int = 2,
    cap: int = 2,
    fill: float = 1.0,
    cells: int = 1,
    falls: bool = False,
    open_reqs: int = 0,
    moves: bool = False,
    starts: bool = False,
    nodes: int = 5,
    seed: int = 0,
) -> ChainSpec:
    rng = np.random.default_rng(seed)
    p = np.linspace(0.01, 0.09, nodes)
    w = rng.uniform(0.5, 1.5, nodes)
    w /= w.sum()
    moves_out = moves_in = None
    if moves:
        moves_out = np.zeros(months + 1, dtype=np.int64)
        moves_out[[3, 7]] = 1
        moves_in = np.zeros(months, dtype=np.int64)
        moves_in[[5, 9]] = 2
    if starts:
        planned = rng.integers(0, 3, months).astype(np.int64)
        return ChainSpec(
            months, n0, p, w, fill_rate=fill, starts=planned, moves_out=moves_out, moves_in=moves_in
        )
    base = n0 + np.cumsum(rng.integers(0, 2, months + 1))
    rows = []
    for j in range(cells):
        row = base + j
        if falls:
            row = row - np.where(np.arange(months + 1) > months // 2, 2 + j, 0)
        rows.append(row)
    cw = rng.uniform(0.5, 1.5, cells)
    cw *= (1 - 1e-13) / cw.sum()
    return ChainSpec(
        months,
        n0,
        p,
        w,
        fill_rate=fill,
        positions=np.array(rows, dtype=np.int64),
        cell_weight=cw,
        lag=lag,
        cap=cap,
        open_reqs=open_reqs,
        moves_out=moves_out,
        moves_in=moves_in,
    )


CASES = {
    "backfill, lag 2": {},
    "lag 1": {"lag": 1},
    "lag 3, cap 1": {"lag": 3, "cap": 1},
    "lag 0 (general steps)": {"lag": 0},
    "open requisitions": {"open_reqs": 3, "lag": 2},
    "three cells of a band": {"cells": 3},
    "positions falling": {"falls": True, "cells": 2},
    "planned reskilling": {"moves": True},
    "fill rate 0.8 (a fill stage)": {"fill": 0.8},
    "starts mode": {"starts": True},
    "starts mode, fill rate 0.7": {"starts": True, "fill": 0.7},
    "a larger team": {"n0": 40, "months": 20, "cap": 4, "nodes": 8},
}


def _both(spec: ChainSpec, monkeypatch: pytest.MonkeyPatch, **kw):
    with monkeypatch.context() as m:
        m.setattr(exact_chain, "NODES", False)  # (tests/test_speed_nodes.py: the other way)
        quick = run_chain(spec, memo=False, **kw)
    with monkeypatch.context() as m:
        m.setattr(exact_chain, "NODES", False)
        m.setattr(exact_chain, "QUICK", False)
        general = run_chain(spec, memo=False, **kw)
    return quick, general


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.probabilities, b.probabilities)
    np.testing.assert_array_equal(a.states, b.states)
    assert a.truncated == b.truncated
    assert a.short == b.short


@pytest.mark.parametrize("name", list(CASES))
def test_the_short_cuts_give_the_general_steps_numbers_bit_for_bit(name, monkeypatch):
    spec = _spec(**CASES[name])
    quick, general = _both(spec, monkeypatch)
    _same(quick, general)
    assert quick.probabilities.sum(axis=1) == pytest.approx(1.0, abs=1e-11)


@pytest.mark.parametrize("name", ["backfill, lag 2", "positions falling", "three cells of a band"])
def test_the_recorded_moves_for_p_held_are_the_same(name, monkeypatch):
    spec = _spec(**CASES[name])
    quick, general = _both(spec, monkeypatch, record_from=5)
    _same(quick, general)
    a, b = quick.recorded, general.recorded
    assert a is not None and b is not None
    for x, y in zip([*a.people, *a.prob], [*b.people, *b.prob], strict=True):
        np.testing.assert_array_equal(x, y)
    for sa, sb in zip(a.moves, b.moves, strict=True):
        for ta, tb in zip(sa, sb, strict=True):
            for x, y in zip(ta[:3], tb[:3], strict=True):
                np.testing.assert_array_equal(x, y)
            assert ta[3] == tb[3]


def test_a_scenario_s_chain_takes_the_short_cut_and_keeps_its_numbers(monkeypatch):
    """30 data scientists backfilled 2 months after each exit, the attrition rate
    uncertain (24 rate nodes) over 36 months: every month takes `quick_month`, and the
    numbers stay."""
    from forecasting.model.roles import DS
    from forecasting.simulate.exact import role_spec

    sc = make_scenario(
        horizon_months=36,
        headcount={"data_scientist": 30, "ml_engineer": 3},
        attrition_annual=0.13,
        attrition_interval={"data_scientist": [0.08, 0.2]},
        hiring_policy={"data_scientist": "backfill"},
        time_to_fill_months=2,
        fill_rate=1.0,
        target={"ds_per_mle": 6, "deadline_month": 18},
    )
    spec = role_spec(sc, DS)
    taken = []
    real = exact_chain.quick_month

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(exact_chain, "quick_month", spy)
    quick, general = _both(spec, monkeypatch)
    _same(quick, general)
    assert spec.positions is not None and len(rate_nodes(sc, DS)[0]) == 24
    assert len(taken) == 36 and all(taken)


def test_the_bisection_counts_the_tails_above_the_threshold_like_a_full_count():
    rng = np.random.default_rng(3)
    pmf, tail = exact_states.binomial_table(np.array([0.002, 0.03, 0.2]), 60)
    flat = tail.reshape(-1, tail.shape[2])
    assert exact_states.non_increasing(flat)
    row = rng.integers(0, flat.shape[0], 5_000)
    prob = 10.0 ** rng.uniform(-20, 0, row.size)
    for threshold in (1e-25, 1e-18, 1e-12, 1e-3):
        want = np.count_nonzero(flat[row] * prob[:, None] > threshold, axis=1)
        got = exact_states.outcomes_within(flat, row, prob, threshold)
        np.testing.assert_array_equal(got, want)


def test_a_tail_table_that_increases_somewhere_is_noticed():
    assert not exact_states.non_increasing(np.array([[0.5, 0.2, 0.3]]))
    assert exact_states.non_increasing(np.array([[0.5, 0.2, 0.2, 0.0]]))


def _prune_by_sorting_all(prob: np.ndarray, budget: float) -> np.ndarray | None:
    """`prune` as first written: sort every state, drop the longest prefix within budget
    (a tie at the cut resolved by the same full sort)."""
    if budget <= 0 or prob.size < 2 or prob.min() > budget:
        return None
    order = np.argsort(prob)
    n_drop = int(np.searchsorted(np.cumsum(prob[order]), budget, side="right"))
    if n_drop == 0:
        return None
    drop = np.zeros(prob.size, dtype=bool)
    drop[order[:n_drop]] = True
    return np.flatnonzero(~drop)


@pytest.mark.parametrize("seed", range(6))
def test_prune_drops_the_states_a_sort_of_all_of_them_drops(seed):
    rng = np.random.default_rng(seed)
    prob = 10.0 ** rng.uniform(-22, -1, 20_000)
    prob[rng.integers(0, prob.size, 3_000)] = 10.0 ** rng.integers(-19, -14, 3_000)  # ties
    for budget in (1e-16, 1e-14, 1e-12, 1e-9, 1e-300):
        got, want = exact_states.prune(prob, budget), _prune_by_sorting_all(prob, budget)
        assert (got is None) == (want is None)
        if got is not None:
            np.testing.assert_array_equal(got, want)
