"""exact_nodes.run_nodes (a chain's rate nodes side by side) against the general chain
(exact_chain with NODES off): the same distributions within the two truncations, the same
reskilling shortfall, the same chains refused as too large; and run_chain takes it for a
shrinking team only."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.simulate import exact_chain, exact_nodes
from forecasting.simulate.exact_chain import TRUNCATION, run_chain
from forecasting.simulate.exact_mixture import FINE_REACH, FINE_STEP, _rate_rule
from forecasting.simulate.exact_states import ChainSpec, NotExact

T = 24


def _rule(nodes: int, interval=(0.083, 0.206), point=0.13):
    p, w = _rate_rule(point, interval[0], interval[1], nodes, FINE_STEP, FINE_REACH)
    return np.asarray(p), np.asarray(w)


def _ramp(n0: int, to: int, by: int, months: int = T) -> np.ndarray:
    return np.array(
        [n0] + [int(round(n0 + (to - n0) * min(m, by) / by)) for m in range(1, months + 1)]
    )


def _spec(n0=30, pos=None, *, nodes=12, lag=2, cap=3, fill=0.84, open_reqs=0, **kw) -> ChainSpec:
    p, w = _rule(nodes, kw.pop("interval", (0.083, 0.206)))
    positions = None if pos is None else np.atleast_2d(np.asarray(pos, dtype=np.int64))
    return ChainSpec(
        T, n0, p, w, fill_rate=fill, positions=positions, lag=lag, cap=cap,
        open_reqs=open_reqs, **kw,
    )  # fmt: skip


CASES = {
    "shrinking 30 -> 24": _spec(30, _ramp(30, 24, 12)),
    "falls and rises": _spec(30, [30] * 8 + [25] * 8 + [29] * 9),
    "growing, fill 1": _spec(20, _ramp(20, 28, 12), fill=1.0),
    "time to fill 0": _spec(20, _ramp(20, 25, 12), lag=0),
    "time to fill 3, cap 2": _spec(24, _ramp(24, 30, 12), lag=3, cap=2),
    "open requisitions above the positions": _spec(26, _ramp(25, 27, 6), open_reqs=3),
    "wide interval": _spec(25, _ramp(25, 20, 12), interval=(0.0, 0.3)),
    "planned reskilling out": _spec(
        22, _ramp(22, 26, 12), moves_out=np.array([0] * 6 + [3] + [0] * 5 + [2] + [0] * 12)
    ),
    "reskilled joining": _spec(20, _ramp(20, 24, 12), moves_in=np.array([0] * 8 + [3] + [0] * 15)),
    "starts mode": ChainSpec(
        T, 15, *_rule(12), fill_rate=0.84, starts=np.array([0, 2, 0, 0, 1] + [0] * 19)
    ),
}  # fmt: skip
CASES["two band cells, weights 0.4 and 0.6"] = ChainSpec(
    T,
    28,
    *_rule(12),
    fill_rate=0.84,
    positions=np.vstack([_ramp(28, 24, 12), _ramp(28, 32, 12)]),
    cell_weight=np.array([0.4, 0.6]),
    lag=2,
    cap=3,
)


def _general(spec: ChainSpec, monkeypatch: pytest.MonkeyPatch, **kw):
    with monkeypatch.context() as m:
        m.setattr(exact_chain, "NODES", False)
        return run_chain(spec, memo=False, **kw)


def _nodes(spec: ChainSpec, **kw):
    return exact_nodes.run_nodes(
        spec, max_states=kw.get("max_states", exact_chain.MAX_STATES), truncation=TRUNCATION,
        max_fill=exact_chain.MAX_FILL_TABLE,
    )  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_nodes_side_by_side_give_the_general_chains_distribution(name, monkeypatch):
    spec = CASES[name]
    general = _general(spec, monkeypatch)
    probs, dropped, states, short = _nodes(spec)
    cut = 1.0 - float(spec.cell_weight.sum())
    # each drops at most TRUNCATION; the two differ by what either dropped
    assert 0.0 <= dropped <= TRUNCATION
    np.testing.assert_allclose(probs, general.probabilities, rtol=0, atol=2 * TRUNCATION)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0 - cut, rtol=0, atol=TRUNCATION + 1e-14)
    assert short == pytest.approx(general.short, abs=2 * TRUNCATION)
    # (state, node) pairs: about the general chain's (it keeps outcomes a node does not
    # need that another node of the same state does, and prunes pairs of its own)
    assert np.all(states >= 0.97 * general.states - 8)
    assert np.all(states <= 1.05 * general.states + 8)


def test_a_wrong_sum_of_equal_states_is_caught(monkeypatch):
    """The comparison above can fail: summing equal states' probabilities in the wrong
    node (a layout slip) moves the distributions far beyond the truncation."""
    spec = CASES["shrinking 30 -> 24"]
    general = _general(spec, monkeypatch)
    real = exact_nodes._sums
    monkeypatch.setattr(exact_nodes, "_sums", lambda r, inv, size: real(r[:, ::-1], inv, size))
    probs, *_ = _nodes(spec)
    assert np.abs(probs - general.probabilities).max() > 1e-6


def test_too_many_states_for_one_is_too_many_for_the_other(monkeypatch):
    spec = CASES["shrinking 30 -> 24"]
    peak = int(_general(spec, monkeypatch).states.max())
    with pytest.raises(NotExact, match="states at month"):
        _general(spec, monkeypatch, max_states=peak // 2)
    with pytest.raises(NotExact, match="states at month"):
        _nodes(spec, max_states=peak // 2)


def test_run_chain_sets_nodes_side_by_side_for_a_shrinking_team_only(monkeypatch):
    calls = []
    real = exact_nodes.run_nodes
    monkeypatch.setattr(
        exact_nodes, "run_nodes", lambda spec, **kw: calls.append(spec.n0) or real(spec, **kw)
    )
    shrinking, growing = CASES["shrinking 30 -> 24"], CASES["growing, fill 1"]
    small = _spec(8, _ramp(8, 6, 6))
    assert exact_nodes.side_by_side(shrinking)
    assert not exact_nodes.side_by_side(growing) and not exact_nodes.side_by_side(small)
    # a dip of a month or two in a growing team, or a requisition above the positions
    # (cancelled in the first month), leaves the months mostly quick: the general chain
    assert not exact_nodes.side_by_side(_spec(30, [30, 27] + list(range(27, 50))))
    assert not exact_nodes.side_by_side(_spec(30, [30] * 4 + list(range(31, 52)), open_reqs=1))
    # people above their positions for half the months and more: side by side
    assert exact_nodes.side_by_side(_spec(30, [30] + [26] * 12 + list(range(27, 39))))
    a = run_chain(shrinking, memo=False)
    run_chain(growing, memo=False)
    run_chain(small, memo=False)
    assert calls == [30]
    # and a chain recording its states for P(held) is always the general one
    b = run_chain(shrinking, memo=False, record_from=T - 6)
    assert calls == [30] and b.recorded is not None
    np.testing.assert_allclose(a.probabilities, b.probabilities, rtol=0, atol=2 * TRUNCATION)


def test_the_outcome_bound_counts_the_general_chains_outcomes(monkeypatch):
    """A month's outcomes are counted as the general chain counts its own (state, node)
    pairs: the rows here also carry outcomes kept for another node of the same state
    (up to 1.66 times as many pairs in a fill stage), which must not refuse a chain the
    general chain runs."""
    spec = CASES["shrinking 30 -> 24"]
    seen: list[int] = []
    real = exact_chain.within_expansion

    def spy(outcomes_less_one, t):
        seen.append(int(outcomes_less_one.sum()) + outcomes_less_one.size)
        return real(outcomes_less_one, t)

    with monkeypatch.context() as m:
        m.setattr(exact_chain, "within_expansion", spy)
        _general(spec, m)
    most = max(seen)
    monkeypatch.setattr(exact_nodes, "MAX_EXPANDED", int(most * 1.01))
    _nodes(spec)  # runs: within 1% of the general chain's count
    monkeypatch.setattr(exact_nodes, "MAX_EXPANDED", most // 2)
    with pytest.raises(NotExact, match="outcomes at month"):
        _nodes(spec)
