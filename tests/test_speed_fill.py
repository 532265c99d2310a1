"""The quick month with a fill rate below 1 (`quick_month(..., fill=True)`, `quick_outcomes`:
the starts tried drawn as a second stage on codes) gives the general steps' numbers bit for
bit: the distributions, state counts, truncated mass, and the recorded states and moves
P(held) reads, at fill rates 0.84, 0.5 and 1.0, on small chains, the sample's grown
data-scientist chains and an uploaded roster's; and the chains do take it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forecasting.model.roles import DS
from forecasting.model.scenario import Scenario
from forecasting.simulate import exact_chain
from forecasting.simulate.exact import ExactEvaluator, role_spec
from forecasting.simulate.exact_chain import ChainMemo, ChainSpec, run_chain
from tests.conftest import make_scenario
from tests.test_speed_chain import CASES, _spec

ROOT = Path(__file__).resolve().parents[1]
FILLS = (0.84, 0.5, 1.0)

#: test_speed_chain's cases without a fill rate of their own (each runs at every FILLS),
#: and a cap of 0 (no start ever tried: one stage a month).
SMALL = {name: kw for name, kw in CASES.items() if "fill" not in kw} | {
    "cap 0 (nothing tried)": {"cap": 0}
}


def _run(spec: ChainSpec, quick: bool, monkeypatch: pytest.MonkeyPatch, **kw):
    """The chain with the short cuts (counting the quick months with a fill stage) or
    with the general steps only."""
    staged = []
    real = exact_chain.quick_month

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        staged.append(got is not None and got.tried is not None)
        return got

    with monkeypatch.context() as m:
        m.setattr(exact_chain, "QUICK", quick)
        m.setattr(exact_chain, "NODES", False)  # (tests/test_speed_nodes.py: the other way)
        m.setattr(exact_chain, "quick_month", spy)
        return run_chain(spec, memo=False, **kw), sum(staged)


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.probabilities, b.probabilities)
    np.testing.assert_array_equal(a.states, b.states)
    assert a.truncated == b.truncated
    assert a.short == b.short
    assert (a.recorded is None) == (b.recorded is None)
    if a.recorded is None:
        return
    ra, rb = a.recorded, b.recorded
    assert ra.first == rb.first
    for x, y in zip([*ra.people, *ra.prob], [*rb.people, *rb.prob], strict=True):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype
    for sa, sb in zip(ra.moves, rb.moves, strict=True):
        assert len(sa) == len(sb)  # one stage, or the exits then the fill
        for ta, tb in zip(sa, sb, strict=True):
            for x, y in zip(ta[:3], tb[:3], strict=True):
                np.testing.assert_array_equal(x, y)
            assert ta[3] == tb[3]


def _check(spec: ChainSpec, monkeypatch: pytest.MonkeyPatch, *, staged: bool, **kw):
    quick, n_staged = _run(spec, True, monkeypatch, **kw)
    general, n_general = _run(spec, False, monkeypatch, **kw)
    _same(quick, general)
    assert n_general == 0
    if staged:  # the fill stage's short cut ran (else the comparison proves nothing)
        assert n_staged > 0
    return quick


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("name", list(SMALL))
def test_small_chains_give_the_general_steps_numbers_bit_for_bit(name, fill, monkeypatch):
    case = SMALL[name]
    spec = _spec(fill=fill, **case)
    staged = fill < 1 and not case.get("starts") and case.get("lag", 2) > 0 and case.get("cap", 2)
    result = _check(spec, monkeypatch, staged=bool(staged))
    assert result.probabilities.sum(axis=1) == pytest.approx(1.0, abs=1e-11)


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("name", ["backfill, lag 2", "positions falling", "a larger team"])
def test_small_chains_record_the_same_moves_for_p_held(name, fill, monkeypatch):
    spec = _spec(fill=fill, **SMALL[name])
    for first in (0, 5):
        _check(spec, monkeypatch, staged=fill < 1, record_from=first)


def _sample(fill: float, to: int) -> Scenario:
    """The sample team at `fill`, its data scientists growing to `to` by month 18."""
    sc = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    d = sc.to_dict()
    d["fill_rate"] = fill
    d["hiring_policy"] = dict(
        d["hiring_policy"], data_scientist={"kind": "growth", "to": to, "by_month": 18}
    )
    return Scenario.from_dict(d)


def test_the_sample_s_grown_chain_at_fill_0_84_is_the_same(monkeypatch):
    spec = role_spec(_sample(0.84, 44), DS)
    quick = _check(spec, monkeypatch, staged=True, record_from=18)
    assert quick.states.max() > 10_000  # a real chain, not a toy


@pytest.mark.slow
@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("to", [40, 42, 44])
def test_the_sample_s_grown_chains_are_the_same(to, fill, monkeypatch):
    spec = role_spec(_sample(fill, to), DS)
    _check(spec, monkeypatch, staged=fill < 1)
    _check(spec, monkeypatch, staged=fill < 1, record_from=10)


@pytest.mark.slow
@pytest.mark.parametrize("fill", FILLS)
def test_an_uploaded_roster_s_grown_chain_is_the_same(fill, monkeypatch):
    """bench_room's 150-person roster (91 data scientists with the file's attrition),
    growing to 100 by month 18."""
    from forecasting.ingest import ingest_bytes
    from forecasting.plan import policies
    from tests.hr_exports import simulated_roster

    team = {"data_engineer": 35, "data_scientist": 85, "ml_engineer": 15, "product_manager": 15}
    res = ingest_bytes(simulated_roster(21, team=team), filename="roster_150.csv")
    base = _sample(fill, 44)
    sc = policies.scenario_from_upload(base, res, use_rates=True, use_costs=False)
    d = sc.to_dict()
    d["hiring_policy"] = dict(
        d["hiring_policy"], data_scientist={"kind": "growth", "to": 100, "by_month": 18}
    )
    spec = role_spec(Scenario.from_dict(d), DS)
    _check(spec, monkeypatch, staged=fill < 1, record_from=18)


@pytest.mark.parametrize("fill", [0.84, 0.5])
def test_p_met_and_p_held_are_the_same_either_way(fill, monkeypatch):
    """The evaluator's answers (whole chains, recorded chains on the joint chain) with
    and without the short cuts, each with a memo of its own."""
    sc = make_scenario(
        horizon_months=24,
        headcount={"data_scientist": 20, "ml_engineer": 4},
        attrition_annual=0.13,
        hiring_policy={
            "data_scientist": {"kind": "growth", "to": 26, "by_month": 12},
            "ml_engineer": "backfill",
        },
        time_to_fill_months=2,
        max_starts_per_month=2,
        fill_rate=fill,
        target={"ds_per_mle": 6, "deadline_month": 12},
    )
    schedule = np.zeros(25, dtype=np.int64)
    schedule[[3, 6]] = 1
    answers = []
    for quick in (True, False):
        with monkeypatch.context() as m:
            m.setattr(exact_chain, "QUICK", quick)
            m.setattr(exact_chain, "NODES", False)  # (tests/test_speed_nodes.py: the other way)
            m.setattr(exact_chain, "MEMO", ChainMemo(256))
            m.setattr(exact_chain, "MEMO_RECORDED", ChainMemo(8))
            ev = ExactEvaluator(sc)
            answers.append((ev.p_met_by_month(schedule), ev.p_held(schedule)))
    (met_a, held_a), (met_b, held_b) = answers
    np.testing.assert_array_equal(met_a, met_b)
    assert held_a is not None and held_a == held_b
