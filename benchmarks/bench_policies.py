"""Benchmark: `plan` and `solve` with hiring policies against the same team without them.

Issue target: with policies, both stay within 1.3x of the time without. The team is
examples/scenario.json (30 data scientists, 3 ML engineers, 2,000 paths, 36 months):

* "starts" -- as the engine ran before policies: no hiring_policy, ML engineer starts;
* "policies" -- every role backfills, data scientists grow 30 -> 40 by month 24, and the
  solver sizes ML engineer positions;
* "path+band" -- data scientists follow a projected path with a p10/p90 band (per-path
  positions), as the sample team does.

`plan` is timed as the CLI a user runs (`python -m forecasting plan`, interpreter start
included, median of N runs); `solve` in-process per strategy (median of N runs), target
1:5 by month 18 with 80% confidence, met at the deadline and held to the horizon.

Run from the repository root: python -m benchmarks.bench_policies [runs]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Evaluator
from forecasting.plan.solver import Strategy, solve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "scenario.json"


def variants() -> dict[str, dict]:
    """The three scenario dicts (same team, same seed and paths)."""
    base = json.loads(EXAMPLE.read_text())
    base.update(paths=2000, horizon_months=36, planned_starts={})
    policies = {
        **base,
        "hiring_policy": {
            "data_engineer": {"kind": "backfill"},
            "data_scientist": {"kind": "growth", "to": 40, "by_month": 24},
            "ml_engineer": {"kind": "backfill"},
            "product_manager": {"kind": "backfill"},
        },
    }
    mean = [30 + 0.3 * t for t in range(37)]
    band = {
        **policies["hiring_policy"],
        "data_scientist": {
            "kind": "path",
            "headcount": [round(x, 2) for x in mean],
            "source": "benchmark path",
            "p10": [round(x - 0.12 * t, 2) for t, x in enumerate(mean)],
            "p90": [round(x + 0.12 * t, 2) for t, x in enumerate(mean)],
        },
    }
    return {"starts": base, "policies": policies, "path+band": {**policies, "hiring_policy": band}}


def cli_plan(d: dict, runs: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(d, fh)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "forecasting", "plan", fh.name],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - t0)
    Path(fh.name).unlink()
    return statistics.median(times)


def solve_time(d: dict, strategy: Strategy, hold: bool, runs: int) -> tuple[float, int]:
    d = {**d, "target": {"ds_per_mle": 5, "deadline_month": 18, "confidence": 0.8, "hold": hold}}
    scenario = Scenario.from_dict(d)
    times, plan = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        plan = solve(scenario, strategy)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), plan.added


def per_evaluation(d: dict, runs: int = 30) -> float:
    """Median ms of one schedule evaluation (the solver's unit of work)."""
    d = {**d, "target": {"ds_per_mle": 5, "deadline_month": 18, "confidence": 0.8}}
    scenario = Scenario.from_dict(d)
    evaluate = Evaluator(scenario)
    schedule = np.zeros(37 if "hiring_policy" in d else 36, dtype=np.int64)
    times = []
    for i in range(runs):
        schedule[5] = i % 4
        evaluate.cache.clear()
        t0 = time.perf_counter()
        evaluate(schedule)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main(runs: int = 7) -> None:
    cases = variants()
    base_eval = None
    for name, d in cases.items():
        ms = per_evaluation(d)
        base_eval = base_eval or ms
        print(f"one solver evaluation {name:10}: median {ms:.2f} ms, x{ms / base_eval:.2f}")
    base_plan = None
    for name, d in cases.items():
        t = cli_plan(d, runs)
        base_plan = base_plan or t
        print(f"plan  {name:10}: median {t:.3f} s wall ({runs} runs), x{t / base_plan:.2f}")
    for hold in (False, True):
        for strategy in Strategy:
            base_t = None
            for name, d in cases.items():
                t, added = solve_time(d, strategy, hold, runs)
                base_t = base_t or t
                print(
                    f"solve hold={hold!s:5} {strategy.value:13} {name:10}: median "
                    f"{t:.3f} s -> {added} added, x{t / base_t:.2f}"
                )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
