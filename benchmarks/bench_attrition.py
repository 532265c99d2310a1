"""Benchmark: bias and coverage of the attrition estimates (roster exports, small teams).

Run by hand: ``python benchmarks/bench_attrition.py [--seeds N] [--before OLD_RATES.py]``.
``--before`` takes a previous ``forecasting/estimate/rates.py`` (e.g. ``git show
<commit>:forecasting/estimate/rates.py > /tmp/old_rates.py``; the version whose
``roster_survival`` was a Kaplan-Meier 1 - S(12)) and prints its figures on the same
simulated data.

1. **Roster exports** "today's staff + leavers since W": hires arrive at a constant
   pace for years, tenure is exponential with true attrition 13%/yr, and the export
   keeps only current staff and people who left on or after W. Two set-ups: about
   190 hires over 8 years with a 36-month window, about 600 hires over 10 years with
   a 24-month window. Per set-up: mean annual estimate, mean 90% interval and its
   coverage of 13%, with W detected (the earliest end date) and with W given.
2. **Small teams** (monthly histories): a team of 3, 10 or 30 people kept full
   (leavers replaced at the month's end, exits ~ Binomial(N, p) as in the engine),
   true attrition 5-30%/yr, observed 12, 24 or 36 months. Per cell: coverage of the
   90% exit-rate interval and mean annual estimate / truth.
3. **The 5-event threshold**: 3 people over 24 months with 4 and with 5 exits.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.estimate import rates, survival

# The tests' generators serve the benchmark too (an HR export, teams kept full).
from tests.test_rates import team_histories
from tests.test_survival import AS_OF
from tests.test_survival import hr_export as roster_export

TRUE_ANNUAL = 0.13
SETUPS = {
    "~190 hires, 36-month window": {"hires_per_month": 2.0, "years": 8, "window_months": 36},
    "~600 hires, 24-month window": {"hires_per_month": 5.0, "years": 10, "window_months": 24},
}


def load_before(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("rates_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _summary(values: list[tuple[float, float, float]]) -> str:
    arr = np.asarray(values)
    cover = np.mean((arr[:, 1] <= TRUE_ANNUAL) & (arr[:, 2] >= TRUE_ANNUAL))
    return (
        f"mean {arr[:, 0].mean():6.1%}  interval [{arr[:, 1].mean():5.1%}, "
        f"{arr[:, 2].mean():5.1%}]  coverage {cover:5.1%}"
    )


def bench_rosters(seeds: int, before: ModuleType | None) -> None:
    print(f"1. Roster exports, true attrition 13%/yr, 90% intervals, {seeds} seeds")
    for name, setup in SETUPS.items():
        detected, given, old = [], [], []
        start = time.perf_counter()
        for seed in range(seeds):
            frame, since = roster_export(seed, **setup)
            est = survival.roster_survival(frame, as_of=AS_OF, cox=False)
            detected.append(est.annual_attrition("data_scientist"))
            est = survival.roster_survival(frame, as_of=AS_OF, leavers_since=since, cox=False)
            given.append(est.annual_attrition("data_scientist"))
            if before is not None:
                old.append(
                    before.roster_survival(frame, as_of=AS_OF).annual_attrition("data_scientist")
                )
        print(f"  {name} ({time.perf_counter() - start:.0f} s)")
        if before is not None:
            print(f"    before (KM 1 - S(12))     {_summary(old)}")
        print(f"    after, W detected         {_summary(detected)}")
        print(f"    after, W given            {_summary(given)}")


def bench_small_teams(seeds: int, before: ModuleType | None) -> None:
    print(
        f"2. Small teams: coverage of the 90% exit interval / mean estimate / truth, {seeds} seeds"
    )
    annuals = (0.05, 0.10, 0.13, 0.20, 0.30)
    header = "   ".join(f"{a:>11.0%}" for a in annuals)
    modules = [("after", rates)] + ([("before", before)] if before is not None else [])
    for months in (12, 24, 36):
        print(f"  {months} months observed; team size x true attrition")
        print(f"    {'':14s}{header}")
        for n in (3, 10, 30):
            for label, module in modules:
                cells = []
                for annual in annuals:
                    history = team_histories(n, annual, months, seeds)
                    table = module.estimate_rates(history).table
                    table = table[table["event"] == "exits"]
                    p = 1 - (1 - annual) ** (1 / 12)
                    cover = np.mean((table["low"] <= p) & (p <= table["high"]))
                    ratio = np.mean(1 - (1 - table["rate_monthly"]) ** 12) / annual
                    cells.append(f"{cover:4.2f} {ratio:4.2f}x")
                print(f"    n={n:<3d}{label:>8s}  " + "   ".join(f"{c:>11s}" for c in cells))


def bench_threshold(before: ModuleType | None) -> None:
    print("3. Three people over 24 months (72 person-months): annual attrition [90%]")
    modules = [("after", rates)] + ([("before", before)] if before is not None else [])
    for label, module in modules:
        parts = []
        for exits in (4, 5):
            history = pd.DataFrame(
                {
                    "month": [str(m) for m in pd.period_range("2023-12", periods=25, freq="M")],
                    "role": "ml_engineer",
                    "headcount": 3,
                    "exits": [0] + [1] * exits + [0] * (24 - exits),
                }
            )
            mid, low, high = module.estimate_rates(history).annual_attrition("ml_engineer")
            parts.append(f"{exits} exits -> {mid:.1%} [{low:.1%}, {high:.1%}]")
        print(f"  {label:>6s}: " + "; ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--before", default=None, metavar="OLD_RATES.py")
    args = parser.parse_args()
    before = load_before(args.before) if args.before else None
    bench_threshold(before)
    bench_small_teams(args.seeds, before)
    bench_rosters(args.seeds, before)


if __name__ == "__main__":
    main()
