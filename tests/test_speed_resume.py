"""The solver's Monte Carlo runs of ML engineer schedules carry on from a kept run where
their positions agree (issue 21: `recursion.Trace`, `Evaluator.traces`). A run carried on
from step m draws what a run from month 0 draws: the same headcount, starts and generator
state, bit for bit, and the solver's outcomes and plans are those without the short cut."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model import edits
from forecasting.plan import evaluate
from forecasting.plan.solver import solve
from forecasting.simulate.recursion import Trace, simulate_positions_role
from tests.test_solver_warm import growing_team

MONTHS, PATHS = 24, 300


def _positions(rng: np.random.Generator, per_path: bool, falls: bool) -> np.ndarray:
    steps = rng.integers(0, 2, MONTHS + 1)
    if falls:  # positions below the people and their requisitions: cancellations
        steps = steps - rng.integers(0, 2, MONTHS + 1)
    pos = 10 + np.cumsum(steps)
    if per_path:
        return pos[:, None] + rng.integers(-2, 3, (1, PATHS))
    return pos


def _run(positions, *, lag, fill, inflow, trace=None, resume=None):
    rng = np.random.Generator(np.random.PCG64(11))
    p_exit = np.random.default_rng(3).uniform(0.005, 0.05, PATHS)
    out = np.empty((MONTHS + 1, PATHS), dtype=np.int32)
    realised, _ = simulate_positions_role(
        rng,
        out,
        n0=9,
        p_exit=p_exit,
        positions=positions,
        lag=lag,
        cap=2,
        open_reqs=1,
        fill_rate=fill,
        inflow=inflow,
        trace=trace,
        resume=resume,
    )
    return out, realised, rng.bit_generator.state


def _changed_from(positions: np.ndarray, month: int) -> np.ndarray:
    out = positions.copy()
    out[month:] += 1
    return out


@pytest.mark.parametrize("lag", [0, 1, 3])
@pytest.mark.parametrize("fill", [1.0, 0.84])
@pytest.mark.parametrize("per_path", [False, True])
@pytest.mark.parametrize("falls", [False, True])
def test_a_run_carried_on_from_a_trace_is_the_run_from_month_0(lag, fill, per_path, falls):
    rng = np.random.default_rng(lag * 100 + int(fill * 10) + 7 * per_path + falls)
    inflow = rng.integers(0, 2, (MONTHS, PATHS)).astype(np.int32) if falls else None
    first = _positions(rng, per_path, falls)
    trace, older = Trace(), None
    _run(first, lag=lag, fill=fill, inflow=inflow, trace=trace)
    # a chain of runs, each carrying on from the last one's trace (in the arrays of the
    # one before, which nobody reads any more)
    for month in (MONTHS, 17, 1, 9, 2, MONTHS + 1):
        later = _changed_from(first, month) if month <= MONTHS else first
        m = trace.agrees_to(later)
        assert m == min(month - 1, MONTHS)
        fresh = _run(later, lag=lag, fill=fill, inflow=inflow)
        again = Trace(spare=older)
        carried = _run(later, lag=lag, fill=fill, inflow=inflow, trace=again, resume=(trace, m))
        np.testing.assert_array_equal(carried[0], fresh[0])
        np.testing.assert_array_equal(carried[1], fresh[1])
        assert carried[2] == fresh[2]
        if older is not None:
            assert again.pending is older.pending  # taken over, not allocated
        older, trace, first = trace, again, later


def test_a_trace_from_other_positions_is_not_the_run():
    """The check can fail: carrying on past the month where the positions part gives
    other numbers (the comparison above is not vacuous)."""
    rng = np.random.default_rng(5)
    first = _positions(rng, False, False)
    trace = Trace()
    _run(first, lag=2, fill=0.84, inflow=None, trace=trace)
    later = _changed_from(first, 3)
    fresh = _run(later, lag=2, fill=0.84, inflow=None)
    wrong = _run(later, lag=2, fill=0.84, inflow=None, resume=(trace, 10))
    assert not np.array_equal(wrong[0], fresh[0])


def test_a_run_with_reskilling_keeps_no_trace():
    rng = np.random.default_rng(0)
    out = np.empty((MONTHS + 1, PATHS), dtype=np.int32)
    with pytest.raises(ValueError, match="reskilling"):
        simulate_positions_role(
            rng,
            out,
            n0=5,
            p_exit=0.01,
            positions=np.full(MONTHS + 1, 6),
            lag=1,
            cap=2,
            open_reqs=0,
            fill_rate=1.0,
            reskill=(np.random.default_rng(1), 0.01),
            trace=Trace(),
        )


def _solve_recording(sc, monkeypatch, traces: int):
    """The plan and every Monte Carlo outcome the search read, with `traces` kept runs."""
    monkeypatch.setattr(evaluate, "TRACES", traces)
    seen: list[tuple[bytes, evaluate.Outcome]] = []
    original = evaluate.Evaluator.mc_outcome

    def spy(self, schedule):
        got = original(self, schedule)
        seen.append((schedule.tobytes(), got))
        return got

    monkeypatch.setattr(evaluate.Evaluator, "mc_outcome", spy)
    plan = solve(sc, "even")
    monkeypatch.setattr(evaluate.Evaluator, "mc_outcome", original)
    return plan, seen


@pytest.mark.parametrize("attrition", [0.12, 0.16])
def test_the_solver_reads_the_same_outcomes_with_and_without_kept_runs(monkeypatch, attrition):
    """A growing team held to the horizon, reskilling (so sampled on the solver's paths,
    the reskilled joining the ML engineers): the search's every Monte Carlo outcome and
    the plan are those of runs from month 0, and some run did carry on from a kept one."""
    team = growing_team(hold=True).replace(reskill_annual=0.05, reskill_months=2)
    sc = edits.without_mle_plan(edits.with_attrition(team, attrition))
    carried: list[int] = []
    original = simulate_positions_role

    def counting(*args, resume=None, **kwargs):
        if resume is not None:
            carried.append(resume[1])
        return original(*args, resume=resume, **kwargs)

    monkeypatch.setattr(evaluate, "simulate_positions_role", counting)
    plan, seen = _solve_recording(sc, monkeypatch, evaluate.TRACES)
    monkeypatch.setattr(evaluate, "simulate_positions_role", original)
    plain, plain_seen = _solve_recording(sc, monkeypatch, 0)
    assert [key for key, _ in seen] == [key for key, _ in plain_seen]
    for (_, got), (_, want) in zip(seen, plain_seen):
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a, b)
    assert plan.to_json_dict() == plain.to_json_dict()
    assert carried and max(carried) > 0
