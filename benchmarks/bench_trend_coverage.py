"""Benchmark: do the status-quo projection's 80% intervals cover 70-90%? (prints the table)

Synthetic families (tests/test_trend_coverage.py, which runs 20 series a cell): random walk
with drift, linear trend + noise, flat + noise, a level step, exponential growth of 1.5%
and 3% a month, a birth-death headcount (binomial exits at 13%/yr, Poisson hires). For
each family and history length (12, 24, 48 months) N seeded series are projected 36
months with `status_quo` (level 0.80) and compared with the series' own next 36 months.
Printed per row: the coverage at 6 / 12 / 24 / 36 months (share of outcomes inside
[low, high]; ``*`` outside 70-90%), the misses above / below the band at those horizons
and the models chosen (the largest weight).

``--compare REV_OR_FILE`` runs the same series through another version first: a git
revision (e.g. ``9495b82``, the version before the mixture) runs with that revision's
whole ``forecasting`` package (trend.py and trend_models.py go together: the calibration
is in trend_models.py), in a child process; a file replaces trend.py alone.

A history in whole people (the birth-death family) has its band in whole people
(`trend.whole_people`: the whole-number band whose probability is nearest the level);
``--unrounded`` compares the predictive's own quantiles instead (`TrendForecast.band`,
what a path policy reads; a revision without it: its forecast).
``--integers`` rounds every family's series to whole numbers first (history and outcomes:
headcounts are whole people), so every band is in whole people.

``--fit-time`` prints instead the CPU time (``time.process_time``) of `status_quo` on four
120-month birth-death teams (the upload of benchmarks/bench_projection.py), 36 months
ahead: the median and mean per role over ``--reps`` passes.

Run from the repository root (one process by default; ``--workers 2`` on an idle machine):
    python -m benchmarks.bench_trend_coverage [--series 200] [--compare 9495b82] [--first 200]
    python -m benchmarks.bench_trend_coverage --fit-time [--reps 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The synthetic families are the tests': one generator serves both.
from tests.test_trend_coverage import FAMILIES, family_series, seed_of  # noqa: E402

HORIZONS = (6, 12, 24, 36)
AHEAD = 36
LEVEL = 0.80
BAND = (0.70, 0.90)

_MODULES: dict[str, Any] = {}


def _run_revision(revision: str, argv: list[str]) -> None:
    """Print the table of `revision`: its ``forecasting`` package, with these benchmarks
    and series, in a child process (the package cannot be imported twice in one)."""
    tree = Path(tempfile.mkdtemp(prefix="trend_compared_"))
    archive = subprocess.run(
        ["git", "archive", revision, "forecasting"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    shutil.copytree(ROOT / "benchmarks", tree / "benchmarks")
    (tree / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "test_trend_coverage.py", tree / "tests")
    try:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_trend_coverage", *argv,
             "--label", f"forecasting/ at {revision}"],
            cwd=tree,
            check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _trend_module(path: str | None) -> Any:
    """forecasting.estimate.trend, or another version of it loaded from `path`."""
    key = path or ""
    if key not in _MODULES:
        if path is None:
            from forecasting.estimate import trend

            _MODULES[key] = trend
        else:
            spec = importlib.util.spec_from_file_location("trend_compared", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules["trend_compared"] = module  # dataclasses look their module up
            spec.loader.exec_module(module)
            _MODULES[key] = module
    return _MODULES[key]


def _one(job: tuple[str | None, str, int, int, str]) -> tuple[str, np.ndarray, np.ndarray]:
    path, family, n, i, how = job
    trend = _trend_module(path)
    y = family_series(family, n, seed_of(family, n, i))
    if how == "integers":
        y = np.floor(y + 0.5)
    months = pd.period_range("2020-01", periods=n, freq="M").strftime("%Y-%m")
    history = pd.DataFrame({"month": months, "role": "data_scientist", "headcount": y[:n]})
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # older versions limit threads in status_quo_all only
        fc = trend.status_quo(history, "data_scientist", AHEAD, level=LEVEL)
    idx = np.array(HORIZONS) - 1
    actual = y[n:][idx]
    frame = getattr(fc, "band", fc.forecast) if how == "unrounded" else fc.forecast
    low, high = frame["low"].to_numpy()[idx], frame["high"].to_numpy()[idx]
    # A band of NaN (no interval) covers nothing.
    return fc.model, ~(actual <= high), ~(actual >= low)


def _short(model: str) -> str:
    return (
        model.replace("ARIMA(0,1,0) with drift", "ARIMA drift")
        .replace("ETS (additive, damped trend)", "ETS damped")
        .replace(" on log headcount", "/log")
        .replace("Naive (last value)", "naive")
        .replace("Naive with drift", "drift")
        .replace("AR(1) reverting to a level", "AR(1)")
    )


def table(
    path: str | None,
    series: int,
    lengths: tuple[int, ...],
    pool: Any,
    families: tuple[str, ...] = FAMILIES,
    label: str | None = None,
    how: str = "",
    first: int = 0,
) -> None:
    label = label or path or "forecasting/estimate/trend.py (current)"
    rounded = {
        "unrounded": ", the predictive's own (unrounded) quantiles",
        "integers": ", every series rounded to whole numbers",
    }.get(how, "")
    which = f" (series {first}-{first + series - 1})" if first else ""
    print(f"\n== {label}: {series} series per row{which}, level {LEVEL:.0%}{rounded} ==")
    heads = " ".join(f"{'cov@' + str(h):>7s}" for h in HORIZONS)
    print(f"{'family':24s} {'hist':>4s} {heads}  {'above/below':>11s}  models (largest weight)")
    started = time.perf_counter()
    in_band = cells = 0
    distance = 0.0  # summed |coverage - LEVEL| over the cells
    for family in families:
        for n in lengths:
            jobs = [(path, family, n, i, how) for i in range(first, first + series)]
            out = list(pool.map(_one, jobs, chunksize=4)) if pool else [_one(j) for j in jobs]
            above = np.array([o[1] for o in out])
            below = np.array([o[2] for o in out])
            cov = 1.0 - (above | below).mean(axis=0)
            flags = " ".join(f"{'*' if not BAND[0] <= c <= BAND[1] else ' '}{c:6.2f}" for c in cov)
            in_band += int(np.sum((cov >= BAND[0]) & (cov <= BAND[1])))
            cells += cov.size
            distance += float(np.abs(cov - LEVEL).sum())
            models = Counter(_short(o[0]) for o in out)
            names = ", ".join(f"{m} {c}" for m, c in models.most_common(3))
            print(
                f"{family:24s} {n:4d} {flags}  {f'{int(above.sum())}/{int(below.sum())}':>11s}"
                f"  {names}",
                flush=True,
            )
    se = np.sqrt(LEVEL * (1 - LEVEL) / series)
    print(
        f"({in_band} of {cells} coverages in {BAND[0]:.0%}-{BAND[1]:.0%}, "
        f"{distance / max(cells, 1):.3f} from {LEVEL:.0%} on average; binomial standard "
        f"error of a coverage at {LEVEL:.0%}: {se:.3f}; {time.perf_counter() - started:.0f} s)"
    )


def fit_time(reps: int) -> None:
    """Print the CPU time of `status_quo` per role on four 120-month teams."""
    from threadpoolctl import threadpool_limits

    from forecasting.estimate.trend import status_quo

    rng = np.random.default_rng(0)
    months = pd.period_range("2016-11", periods=120, freq="M").strftime("%Y-%m")
    teams = []
    for start, drift in ((10, 0.05), (40, 0.25), (3, 0.04), (4, 0.02)):
        head, values = start, []
        for _ in months:
            head = max(
                head - int(rng.binomial(head, 0.012)) + int(rng.poisson(head * 0.012 + drift)), 0
            )
            values.append(head)
        teams.append(pd.DataFrame({"month": months, "role": "data_scientist", "headcount": values}))
    times = []
    with threadpool_limits(limits=1):
        status_quo(teams[0], "data_scientist", AHEAD)  # imports
        for _ in range(reps):
            for team in teams:
                started = time.process_time()
                status_quo(team, "data_scientist", AHEAD)
                times.append(time.process_time() - started)
    print(
        f"status_quo, 120 months, {AHEAD} ahead: median {1000 * statistics.median(times):.0f} ms "
        f"CPU a role, mean {1000 * statistics.mean(times):.0f} ms ({len(times)} fits)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--series", type=int, default=200, help="series per family and length")
    parser.add_argument("--lengths", default="12,24,48", help="history lengths in months")
    parser.add_argument("--compare", default=None, help="a git revision or trend.py to run first")
    parser.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    parser.add_argument(
        "--families", default=None, help="comma-separated words picking families (default all)"
    )
    parser.add_argument("--fit-time", action="store_true", help="time the fit instead")
    parser.add_argument("--reps", type=int, default=5, help="passes of --fit-time")
    parser.add_argument(
        "--unrounded",
        action="store_true",
        help="compare the predictive's own quantiles, not a whole-people history's band in "
        "whole people",
    )
    parser.add_argument(
        "--integers",
        action="store_true",
        help="round every family's series to whole numbers (a headcount) before projecting",
    )
    parser.add_argument(
        "--first",
        type=int,
        default=0,
        help="the first series' index: e.g. 200 for series the method was not tuned on",
    )
    parser.add_argument("--label", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fit_time:
        fit_time(args.reps)
        return
    lengths = tuple(int(x) for x in args.lengths.split(","))
    words = [w.strip() for w in (args.families or "").split(",") if w.strip()]
    families = tuple(f for f in FAMILIES if not words or any(w in f for w in words))
    if args.unrounded and args.integers:
        parser.error("--unrounded and --integers are two different measurements: pick one")
    how = "unrounded" if args.unrounded else "integers" if args.integers else ""
    pool = Pool(args.workers) if args.workers > 1 else None
    try:
        if args.compare and Path(args.compare).is_file():
            table(str(Path(args.compare).resolve()), args.series, lengths, pool, families,
                  how=how, first=args.first)  # fmt: skip
        elif args.compare:
            argv = ["--series", str(args.series), "--lengths", args.lengths]
            argv += ["--workers", str(args.workers)]
            argv += ["--families", args.families] if args.families else []
            argv += [f"--{how}"] if how else []
            argv += ["--first", str(args.first)]
            _run_revision(args.compare, argv)
        table(None, args.series, lengths, pool, families, args.label, how, args.first)
    finally:
        if pool is not None:
            pool.close()


if __name__ == "__main__":
    main()
