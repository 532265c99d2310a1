"""Benchmark: is the solver's answer stable over seeds, and does it survive fresh paths?

The review's case: the sample team with ML engineer starts (policy none) and with
positions (policy backfill), holding 1:6 from month 18 to the horizon with 80%
confidence. For seeds 1..N and each strategy: the recommended total, the solve time,
and P(target held) of the plan re-simulated on 100,000 paths of a seed the solver never
saw. Prints the range of totals and the share of plans below the confidence there.

Run from the repository root: python -m benchmarks.bench_solver_stability [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy, solve
from forecasting.simulate.engine import simulate

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_scenario.json"


def case(policy: str, seed: int) -> Scenario:
    sample = Scenario.from_json(SAMPLE.read_text())
    policies = {**sample.by_role("hiring_policy"), "ml_engineer": {"kind": policy}}
    target = {**sample.target.to_dict(), "hold": True}
    return sample.replace(hiring_policy=policies, target=target, seed=seed, paths=2000)


def main(n: int = 25) -> None:
    for policy in ("none", "backfill"):
        for strategy in Strategy:
            totals, below, times = [], 0, []
            for seed in range(1, n + 1):
                t0 = time.perf_counter()
                plan = solve(case(policy, seed), strategy)
                times.append(time.perf_counter() - t0)
                totals.append(plan.added)
                fresh = plan.scenario.replace(seed=1_000_000 + seed, paths=100_000)
                below += simulate(fresh).p_target_held < plan.scenario.target.confidence
            print(
                f"policy {policy:8} {strategy.value:13}: totals {min(totals)}-{max(totals)} "
                f"(mode {max(set(totals), key=totals.count)}), below 80% on fresh 100k "
                f"paths: {below}/{n}, solve median {sorted(times)[n // 2]:.2f} s "
                f"max {max(times):.2f} s"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
