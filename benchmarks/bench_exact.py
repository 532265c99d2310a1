"""Benchmark: exact evaluation (forecasting/simulate/exact.py) of a 60-person team.

Target: the exact headcount distribution of a 60-person team over 36 months in <= 50 ms
(the data scientists' chain, which the solver's evaluator runs once). Also printed: one
ML engineer schedule on top of it (what each solver candidate costs), P(held) on the
joint chain, a role with an attrition interval (24 quadrature nodes) and its
convergence, the 42 -> 60 case of issue 18, and the sample team at fill 0.84 with its
data scientists grown to 40/42/44 by month 18 (their chain, and a cold `solve` with the
chain memos cleared: issue 21). Times are CPU time of this process (time.process_time),
median and best of N.

Run from the repository root: python -m benchmarks.bench_exact
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from forecasting.model.roles import DS
from forecasting.model.scenario import Scenario
from forecasting.simulate import exact_chain
from forecasting.simulate.exact import ExactEvaluator, exact_reason, role_spec
from forecasting.simulate.exact_chain import run_chain

ROOT = Path(__file__).resolve().parents[1]


def team(**changes: object) -> Scenario:
    """60 data scientists and 10 ML engineers, both backfilled, time to fill 2, cap 3."""
    d: dict[str, object] = {
        "start_month": "2027-01",
        "horizon_months": 36,
        "headcount": {"data_scientist": 60, "ml_engineer": 10},
        "attrition_annual": 0.13,
        "hiring_policy": {"data_scientist": "backfill", "ml_engineer": "backfill"},
        "time_to_fill_months": 2,
        "max_starts_per_month": 3,
        "fill_rate": 1.0,
        "target": {"ds_per_mle": 6, "deadline_month": 24},
    }
    d.update(changes)
    return Scenario.from_dict(d)


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, best) CPU seconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times), min(times)


def line(name: str, median: float, best: float, note: str = "") -> None:
    print(f"{name:58s} median {median * 1e3:8.1f} ms  best {best * 1e3:8.1f} ms  {note}")


def main(repeats: int = 9) -> None:
    variants = {
        "60 DS backfilled, fill 1.0": team(),
        "60 DS backfilled, fill 0.84": team(fill_rate=0.84),
        "42 -> 60 DS growth, fill 0.84": team(
            headcount={"data_scientist": 42, "ml_engineer": 7},
            hiring_policy={
                "data_scientist": {"kind": "growth", "to": 60, "by_month": 24},
                "ml_engineer": "backfill",
            },
            fill_rate=0.84,
        ),
        "60 DS planned starts (2 a month), fill 0.84": team(
            hiring_policy={"ml_engineer": "backfill"},
            planned_starts={"data_scientist": [2] * 36},
            fill_rate=0.84,
        ),
    }
    print("Exact distribution of one 60-person role over 36 months (target <= 50 ms):")
    for name, sc in variants.items():
        spec = role_spec(sc, DS)
        result = run_chain(spec)
        median, best = timed(lambda spec=spec: run_chain(spec, memo=False), repeats)
        line(name, median, best, f"truncated {result.truncated:.1e}")

    print("\nOn top of the data scientists (the solver's cost per candidate):")
    sc = team(fill_rate=0.84)
    ev = ExactEvaluator(sc)
    schedules = [np.eye(37, dtype=np.int64)[m] for m in range(1, 23)]
    it = iter(schedules * (repeats + 1))
    median, best = timed(lambda: ev.p_met_by_month(next(it)), repeats)
    line("one ML engineer schedule: P(met) by month", median, best)
    ev.p_held()  # the data scientists' recorded chain (and scipy.sparse), once
    median, best = timed(lambda: ev.p_held(next(it)), repeats)
    line("one ML engineer schedule: P(held) on the joint chain", median, best)

    print("\nAn attrition interval (24 Gauss nodes over the rate):")
    for interval in ((0.083, 0.206), (0.0, 0.3)):
        sc = team(attrition_interval={"data_scientist": list(interval)})
        base = run_chain(role_spec(sc, DS))
        median, best = timed(lambda sc=sc: run_chain(role_spec(sc, DS), memo=False), 3)
        more = run_chain(role_spec(sc, DS, nodes=32))
        diff = np.abs(base.probabilities - more.probabilities).max()
        line(f"60 DS, interval {list(interval)}", median, best, f"24 vs 32 nodes {diff:.1e}")

    print("\nIssue 18, 42 -> 60 DS by month 24, 7 ML engineers backfilled, 1:6, defaults:")
    sc = Scenario.from_json((ROOT / "examples" / "growth_42_to_60.json").read_text())
    sc = sc.replace(headcount={"data_scientist": 42, "ml_engineer": 7}, max_starts_per_month=3)
    ev = ExactEvaluator(sc)
    for months in ((6, 12, 17), (3, 6, 12, 17), (21, 22, 22)):
        schedule = np.zeros(37, dtype=np.int64)
        np.add.at(schedule, list(months), 1)
        by_month = ev.p_met_by_month(schedule)
        print(
            f"  new positions at months {months}: P(met at 24) {by_month[24]:.4f}, "
            f"at 25 {by_month[25]:.4f}, at 26 {by_month[26]:.4f}, "
            f"P(held 24..36) {ev.p_held(schedule):.4f}"
        )

    sample = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    print(f"\nSample team: exact? {exact_reason(sample) or 'yes'}")
    sample_grown(sample, repeats)


def sample_grown(sample: Scenario, repeats: int) -> None:
    """The sample at fill 0.84, data scientists growing to 40/42/44 by month 18: their
    chain, and a cold solve (the chain memos cleared before each)."""
    from forecasting.plan.solver import solve

    print("Sample team at fill 0.84, data scientists growing by month 18:")
    for to in (40, 42, 44):
        d = sample.to_dict()
        d["fill_rate"] = 0.84
        d["hiring_policy"] = dict(
            d["hiring_policy"], data_scientist={"kind": "growth", "to": to, "by_month": 18}
        )
        sc = Scenario.from_dict(d)
        spec = role_spec(sc, DS)
        states = int(run_chain(spec, memo=False).states.max())
        median, best = timed(lambda spec=spec: run_chain(spec, memo=False), repeats)
        line(f"to {to}: the data scientists' chain", median, best, f"{states:,} states at most")

        def cold(sc: Scenario = sc) -> None:
            exact_chain.MEMO.clear()
            exact_chain.MEMO_RECORDED.clear()
            solve(sc)

        median, best = timed(cold, max(3, repeats // 3))
        line(f"to {to}: cold solve", median, best)


if __name__ == "__main__":
    main()
