"""Benchmark: do the status-quo projection's 80% intervals cover 80%? (by hand, prints numbers)

Synthetic families (the same as tests/test_trend.py, which runs 40 series of a few):
level 50, noise sd 2 (random walk: innovations sd 1), slope 0.5 a month,

* random walk with drift -- 50 + cumsum(0.5 + N(0, 1));
* linear trend + noise   -- 50 + 0.5 t + N(0, 2);
* flat + noise           -- 50 + N(0, 2);
* level step             -- flat + noise, +8 from a month drawn in [n/3, n - 6).

For each family and history length (48 and 24 months) N seeded series are projected
36 months with `status_quo` (level 0.80) and compared with the series' own next 36
months. Printed per row: coverage at 6 / 24 / 36 months (share of actuals inside
[low, high]), the binomial standard error, the misses above / below the band at those
three horizons (one-sidedness: the share above), the coverage at 36 months of the
series where the damped ETS was chosen, and the models chosen.

`--compare FILE` runs the same series through another version of trend.py (for example
the one before per-horizon calibration: ``git show fd21927^:forecasting/estimate/trend.py >
/tmp/trend_before.py``) and prints it first.

Run from the repository root:
    python -m benchmarks.bench_trend_coverage [--series 200] [--compare /tmp/trend_before.py]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The synthetic families are the tests': one generator serves both.
from tests.test_trend import FAMILIES, family_series  # noqa: E402 - after the sys.path line

HORIZONS = (6, 24, 36)
AHEAD = 36
LEVEL = 0.80


_MODULES: dict[str, object] = {}


def _trend_module(path: str | None):
    """forecasting.estimate.trend, or another version of it loaded from `path`."""
    key = path or ""
    if key not in _MODULES:
        if path is None:
            from forecasting.estimate import trend

            _MODULES[key] = trend
        else:
            spec = importlib.util.spec_from_file_location("trend_compared", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules["trend_compared"] = module  # dataclasses look their module up
            spec.loader.exec_module(module)
            _MODULES[key] = module
    return _MODULES[key]


def _one(job: tuple[str | None, str, int, int]) -> tuple[str, np.ndarray, np.ndarray]:
    path, family, n, seed = job
    trend = _trend_module(path)
    y = family_series(family, n, seed)
    months = pd.period_range("2020-01", periods=n, freq="M").strftime("%Y-%m")
    history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": y[:n]})
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # older versions limit threads in status_quo_all only
        fc = trend.status_quo(history, "data_scientist", AHEAD, level=LEVEL)
    idx = np.array(HORIZONS) - 1
    actual = y[n:][idx]
    low, high = fc.forecast["low"].to_numpy()[idx], fc.forecast["high"].to_numpy()[idx]
    return fc.model, actual > high, actual < low


def table(path: str | None, series: int, lengths: tuple[int, ...], pool: Pool) -> None:
    label = path or "forecasting/estimate/trend.py (current)"
    print(f"\n== {label}: {series} series per row, level {LEVEL:.0%} ==")
    print(
        f"{'family':24s} {'hist':>4s}  {'cov@6':>5s} {'cov@24':>6s} {'cov@36':>6s}  "
        f"{'miss above/below':>16s} {'share above':>11s} {'ETS@36 (n)':>11s}  models"
    )
    started = time.perf_counter()
    for f_i, family in enumerate(FAMILIES):
        for n in lengths:
            jobs = [(path, family, n, 50_000 + 10_000 * f_i + 97 * i + n) for i in range(series)]
            out = pool.map(_one, jobs, chunksize=4)
            above = np.array([o[1] for o in out])
            below = np.array([o[2] for o in out])
            cov = 1.0 - (above | below).mean(axis=0)
            a, b = int(above.sum()), int(below.sum())
            share = f"{a / (a + b):.2f}" if a + b else "-"
            chosen = np.array([o[0] for o in out])
            ets = chosen == "ETS (additive, damped trend)"
            ets_cov = (
                f"{1.0 - (above | below)[ets, 2].mean():.2f} ({ets.sum()})" if ets.any() else "-"
            )
            models = Counter(chosen.tolist())
            names = ", ".join(f"{m.split(' (')[0]} {c}" for m, c in models.most_common())
            print(
                f"{family:24s} {n:4d}  {cov[0]:5.2f} {cov[1]:6.2f} {cov[2]:6.2f}  "
                f"{f'{a}/{b}':>16s} {share:>11s} {ets_cov:>11s}  {names}"
            )
    se = np.sqrt(LEVEL * (1 - LEVEL) / series)
    print(
        f"(binomial standard error of a coverage at {LEVEL:.0%}: {se:.3f}; misses counted at "
        f"6, 24 and 36 months; {time.perf_counter() - started:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200, help="series per family and length")
    parser.add_argument("--lengths", default="48,24", help="history lengths in months")
    parser.add_argument("--compare", default=None, help="another trend.py to run first")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    lengths = tuple(int(x) for x in args.lengths.split(","))
    with Pool(args.workers) as pool:
        if args.compare:
            table(str(Path(args.compare).resolve()), args.series, lengths, pool)
        table(None, args.series, lengths, pool)


if __name__ == "__main__":
    main()
