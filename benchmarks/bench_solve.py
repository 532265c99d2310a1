"""Benchmark: solve() on a 36-month scenario with 2,000 paths, per strategy (target < 2 s).

The example team (30 data scientists, 3 ML engineers) asked for 1:5 by month 18
with 80% confidence, without the example's planned starts, once "met at the
deadline" and once "held to the horizon".

Run from the repository root: python -m benchmarks.bench_solve
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy, solve

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenario.json"


def main(repeats: int = 5) -> None:
    d = json.loads(EXAMPLE.read_text())
    d.update(planned_starts={}, paths=2000, horizon_months=36)
    for hold in (False, True):
        d["target"] = {"ds_per_mle": 5, "deadline_month": 18, "confidence": 0.8, "hold": hold}
        scenario = Scenario.from_dict(d)
        for strategy in Strategy:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                plan = solve(scenario, strategy)
                times.append(time.perf_counter() - t0)
            print(
                f"hold={hold!s:5} {strategy.value:13}: median {statistics.median(times):.3f} s "
                f"(max {max(times):.3f} s) -> {plan.total_starts} starts, "
                f"p_met {plan.p_target_met:.3f}, p_held {plan.p_target_held:.3f}, "
                f"${plan.annual_cost:,.0f}/yr"
            )


if __name__ == "__main__":
    main()
