"""Benchmark: simulate() on 10,000 paths x 36 months x 4 roles vs a minimal numpy loop.

The reference does the same binomial draws (exits of every role every month, the
fill draws when fill_rate < 1, reskilling when on) in the most direct numpy form
and nothing else: no recording, quantiles, cost or capacity. The ratio
simulate / reference is the engine's overhead; the target is <= 1.5. Times are
CPU time of this process (time.process_time), interleaved, so other processes on
the machine disturb the ratio less; median and best-of-N are both printed.

``--memory``: simulate()'s peak traced memory (tracemalloc: numpy's allocations) at 120
months, beside the headcount it must hold for the whole horizon (int32). Measured (issue
22, before -> after the month blocks and int32 starts and trainees): 10,000 paths, fill
1.0: 81 -> 31 MiB; fill 0.84, reskilling, per-path attrition: 111 -> 49 MiB; 100,000
paths: 745 -> 239 MiB and 1,107 -> 424 MiB.

Run from the repository root: python -m benchmarks.bench_simulate [--memory]
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from forecasting.model.scenario import Scenario
from forecasting.simulate.engine import scheduled_starts, simulate

BASE = {
    "start_month": "2027-01",
    "horizon_months": 36,
    "headcount": {"data_engineer": 8, "data_scientist": 30, "ml_engineer": 3, "product_manager": 3},
    "attrition_annual": {"data_scientist": 0.15, "ml_engineer": 0.13},
    "planned_starts": {"ml_engineer": [0, 1, 1, 2]},
    "paths": 10_000,
    "seed": 1,
}
VARIANTS = {
    "example (fill 1.0, no reskilling)": {},
    "fill 0.84 + reskilling 5%/yr": {"fill_rate": 0.84, "reskill_annual": 0.05},
}


def reference(scenario: Scenario) -> np.ndarray:
    """Minimal loop: the same binomial draws, one call per month over (paths, 4)."""
    rng = np.random.Generator(np.random.PCG64(scenario.seed))
    paths, months = scenario.paths, scenario.horizon_months
    p = 1.0 - (1.0 - np.array(scenario.attrition_annual)) ** (1 / 12)
    p_reskill = 1.0 - (1.0 - scenario.reskill_annual) ** (1 / 12)
    starts = np.stack([scheduled_starts(scenario, r) for r in range(4)], axis=1)  # (T, 4)
    n = np.broadcast_to(np.array(scenario.headcount), (paths, 4)).copy()
    for t in range(months):
        n -= rng.binomial(n, p)
        if p_reskill > 0:
            moved = rng.binomial(n[:, 1], p_reskill)
            n[:, 1] -= moved
            n[:, 2] += moved
        if scenario.fill_rate < 1:
            n += rng.binomial(np.broadcast_to(starts[t], (paths, 4)), scenario.fill_rate)
        else:
            n += starts[t]
    return n


def timed(fn, arg, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn(arg)
        times.append(time.process_time() - t0)
    return statistics.median(times)


def main(repeats: int = 15) -> None:
    for name, extra in VARIANTS.items():
        scenario = Scenario.from_dict({**BASE, **extra})
        simulate(scenario), reference(scenario)  # warm up
        # Interleave the two so machine noise hits both alike.
        t_ref, t_sim = [], []
        for _ in range(repeats):
            t_ref.append(timed(reference, scenario, 1))
            t_sim.append(timed(simulate, scenario, 1))
        ref, sim = statistics.median(t_ref), statistics.median(t_sim)
        best_ref, best_sim = min(t_ref), min(t_sim)
        print(
            f"{name}: 10,000 paths x 36 months x 4 roles: median reference {ref * 1000:.1f} ms, "
            f"simulate {sim * 1000:.1f} ms, ratio {sim / ref:.2f}; best-of-{repeats} "
            f"{best_ref * 1000:.1f} / {best_sim * 1000:.1f} ms, ratio {best_sim / best_ref:.2f} "
            "(target <= 1.5)"
        )


def memory() -> None:
    """Peak traced memory of simulate() at 120 months, against the arrays it holds."""
    import tracemalloc

    for paths in (10_000, 100_000):
        for name, extra in VARIANTS.items():
            extra = (
                {**extra, "attrition_interval": {"data_scientist": [0.08, 0.3]}} if extra else {}
            )
            sc = Scenario.from_dict({**BASE, **extra, "horizon_months": 120, "paths": paths})
            simulate(sc)  # first-call caches out of the measurement
            tracemalloc.start()
            simulate(sc)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"{name}: {paths:,} paths x 120 months: peak {peak / 2**20:.0f} MiB "
                f"(the headcount alone {paths * 121 * 4 * 4 / 2**20:.0f} MiB)"
            )


if __name__ == "__main__":
    import sys

    memory() if "--memory" in sys.argv[1:] else main()
