"""Benchmark: solve() on a 36-month scenario with 2,000 paths, per strategy (target < 2 s).

The example team (30 data scientists, 3 ML engineers) asked for 1:5 by month 18
with 80% confidence, without the example's planned starts, once "met at the
deadline" and once "held to the horizon".

Then (issue 21) the engine's part of a cold change of the "attrition, all roles" control
on the sample team (data/sample_scenario.json, as the app opens): for each of five new
values walked up from the team's 14%, the solve of the recommended plan and the plan's
projection (what ui/compute.py's view_for computes), the exact chains and simulated
paths that a running server keeps switched on as in the app; CPU seconds of this process.
Measured (two alternating runs each, a shared 2-core machine): median 139/123 ms before the
solver's kept runs and the fit's memo (59fcf5c, 86dc0fd), 114/108 ms after.

Run from the repository root: python -m benchmarks.bench_solve [--attrition-only]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from forecasting.model import edits
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy, solve
from forecasting.simulate import paths_memo
from forecasting.simulate.project import project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenario.json"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_scenario.json"


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


def new_attrition(values: int = 5) -> None:
    """CPU of the solve and projection at each of `values` attritions not seen before."""
    paths_memo.MEMO.resize(64 * 2**20)  # as the app keeps the paths (ui/work.py)
    base = Scenario.from_json(SAMPLE.read_text(encoding="utf-8"))
    now = round(100 * edits.common_attrition(base))
    times = []
    for step in range(values + 1):
        scenario = edits.with_attrition(base, (now + step) / 100)
        t0 = time.process_time()
        plan = solve(edits.without_mle_plan(scenario), Strategy.EVEN)
        project(plan.scenario, paths=False)
        if step:  # (the first is the value on screen: fitted before the change)
            times.append(time.process_time() - t0)
    print(
        f"sample team, a new attrition ({now + 1}..{now + values}%): solve + projection CPU "
        f"median {statistics.median(times) * 1e3:.0f} ms (max {max(times) * 1e3:.0f} ms)"
    )


if __name__ == "__main__":
    if "--attrition-only" not in sys.argv:
        main()
    new_attrition()
