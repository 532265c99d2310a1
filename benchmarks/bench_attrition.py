"""Benchmark: what the attrition prior says, and bias and coverage of the attrition estimates.

Run by hand: ``python benchmarks/bench_attrition.py [--seeds N] [--before REV]``.
``--before`` names a git revision whose ``forecasting/estimate/{rates,survival}.py`` and
``forecasting/simulate/draws.py`` are run on the same simulated data and printed beside the
current ones (default ``9495b82``: the prior "centred on 13%/yr, worth 12 person-months",
its posterior mean and Garwood upper end, and per-path Beta draws with mean = the point;
``--before none`` prints the current figures only).

0. **The prior**: its median, 90% interval and weight below 1%/yr; the estimate for a team
   with no exits as its exposure grows (five people for 24 months: the review's case).
1. **Per-path draws**: a team's estimate put into a scenario and drawn per path by the
   Monte Carlo: the draws' 5th / 50th / 95th percentiles against the interval shown.
2. **Small teams** (monthly histories): a team of 2-30 people kept full (leavers
   replaced at the month's end, exits ~ Binomial(N, p) as in the engine), true attrition
   5-30%/yr, observed 12, 24 or 36 months. Per cell: coverage of the 90% exit-rate
   interval, and the median and mean annual estimate / truth.
3. **The 5-event threshold**: 3 people over 24 months with 4 and with 5 exits.
4. **Roster exports** "today's staff + leavers since W" (true attrition 13%/yr): mean
   annual estimate, mean 90% interval and its coverage, W detected and W given.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forecasting.estimate import rates, survival  # noqa: E402 - after the sys.path line
from forecasting.simulate import draws  # noqa: E402

# The tests' generators serve the benchmark too (an HR export, teams kept full).
from tests.test_rates import team_histories  # noqa: E402
from tests.test_survival import AS_OF  # noqa: E402
from tests.test_survival import hr_export as roster_export  # noqa: E402

TRUE_ANNUAL = 0.13
SETUPS = {
    "~190 hires, 36-month window": {"hires_per_month": 2.0, "years": 8, "window_months": 36},
    "~600 hires, 24-month window": {"hires_per_month": 5.0, "years": 10, "window_months": 24},
}
DEFAULT_BEFORE = "9495b82"


def _load(path: Path, name: str, replace: dict[str, ModuleType] | None = None) -> ModuleType:
    """Execute a module file under `name`, with `replace` standing in for its imports."""
    saved = {k: sys.modules.get(k) for k in replace or {}}
    sys.modules.update(replace or {})
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return module


def load_before(rev: str) -> SimpleNamespace:
    """rates, survival and draws as they were at git revision `rev`."""
    folder = Path(tempfile.mkdtemp(prefix="attrition_before_"))
    files = {}
    for name, path in (
        ("rates", "forecasting/estimate/rates.py"),
        ("survival", "forecasting/estimate/survival.py"),
        ("draws", "forecasting/simulate/draws.py"),
    ):
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        files[name] = folder / f"{name}_before.py"
        files[name].write_text(text)
    old_rates = _load(files["rates"], "rates_before")
    old_survival = _load(
        files["survival"], "survival_before", {"forecasting.estimate.rates": old_rates}
    )
    old_draws = _load(files["draws"], "draws_before")
    return SimpleNamespace(rates=old_rates, survival=old_survival, draws=old_draws, rev=rev)


def _versions(before: SimpleNamespace | None) -> list[tuple[str, SimpleNamespace]]:
    now = SimpleNamespace(rates=rates, survival=survival, draws=draws)
    return [("before", before)] * (before is not None) + [("after", now)]


def _annual(monthly: float | np.ndarray) -> np.ndarray:
    return 1 - (1 - np.asarray(monthly, dtype=float)) ** 12


def _no_exit_history(people: int, months: int) -> pd.DataFrame:
    labels = [str(m) for m in pd.period_range("2023-12", periods=months + 1, freq="M")]
    return pd.DataFrame({"month": labels, "role": "ml_engineer", "headcount": people, "exits": 0})


def bench_prior(before: SimpleNamespace | None) -> None:
    from scipy import stats

    print("0. The exit prior (13%/yr, LinkedIn 2018) and teams with no exits")
    p0 = rates.annual_to_monthly(TRUE_ANNUAL)
    for label, v in _versions(before):
        if hasattr(v.rates, "exit_prior"):
            shape, rate = v.rates.exit_prior(p0)
            weight = f"worth {shape:g} exit(s), {rate:.0f} person-months"
        else:  # the former prior: mean r0, worth w person-months
            w = v.rates.EXIT_PRIOR_WEIGHT_MONTHS
            shape, rate = p0 * w, w
            weight = f"worth {w:g} person-months ({shape:.2f} exits)"
        prior = stats.gamma(shape, scale=1 / rate)
        below = prior.cdf(rates.annual_to_monthly(0.01))
        lo, hi = _annual(prior.ppf([0.05, 0.95]))
        print(
            f"  {label:>6s}: {weight}; median {_annual(prior.median()):.2%}/yr, mean "
            f"{_annual(prior.mean()):.1%}/yr, 90% in [{lo:.2%}, {hi:.1%}], "
            f"{below:.0%} of its weight below 1%/yr"
        )
    print("  no exits observed: estimate [90% interval], annual")
    cases = [(1, 6), (1, 12), (2, 24), (5, 24), (10, 24), (20, 24), (40, 24)]
    for label, v in _versions(before):
        parts = []
        for people, months in cases:
            mid, low, high = v.rates.estimate_rates(
                _no_exit_history(people, months)
            ).annual_attrition("ml_engineer")
            parts.append(f"{people}x{months}m {mid:.1%} [{low:.1%}, {high:.0%}]")
        print(f"    {label:>6s}: " + "; ".join(parts))


def bench_draws(before: SimpleNamespace | None) -> None:
    print("1. Per-path draws vs the interval shown: 5th / 50th / 95th percentiles of the")
    print("   annual rates drawn (100,000 paths) against low / point / high")
    rng_seed = 11
    for people, exits in ((2, 0), (5, 0), (3, 2), (30, 9)):
        months = 24
        labels = [str(m) for m in pd.period_range("2023-12", periods=months + 1, freq="M")]
        history = pd.DataFrame(
            {
                "month": labels,
                "role": "ml_engineer",
                "headcount": people,
                "exits": [0] + [1] * exits + [0] * (months - exits),
            }
        )
        for label, v in _versions(before):
            mid, low, high = v.rates.estimate_rates(history).annual_attrition("ml_engineer")
            rng = np.random.default_rng(rng_seed)
            if hasattr(v.draws, "beta_for_point"):
                a, b = v.draws.beta_for_point(mid, low, high)
                drawn = rng.beta(a, b, size=100_000)
            else:
                drawn = _annual(v.draws.draw_monthly_exit(rng, mid, (low, high), 100_000))
            q = np.quantile(drawn, [0.05, 0.5, 0.95])
            print(
                f"  {people} people, {exits} exits in {months} months, {label:>6s}: shown "
                f"{mid:6.2%} [{low:6.2%}, {high:6.2%}]  drawn {q[1]:6.2%} [{q[0]:6.2%}, "
                f"{q[2]:6.2%}]"
            )


def bench_small_teams(seeds: int, before: SimpleNamespace | None) -> None:
    print(
        f"2. Small teams: coverage of the 90% exit interval, median and mean estimate / truth "
        f"({seeds} teams a cell)"
    )
    annuals = (0.05, 0.13, 0.20, 0.30)
    header = "   ".join(f"{a:>15.0%}" for a in annuals)
    for months in (12, 24, 36):
        print(f"  {months} months observed; team size x true attrition (cover  median  mean)")
        print(f"    {'':14s}{header}")
        for n in (2, 3, 5, 10, 30):
            for label, v in _versions(before):
                cells = []
                for annual in annuals:
                    history = team_histories(n, annual, months, seeds)
                    table = v.rates.estimate_rates(history).table
                    table = table[table["event"] == "exits"]
                    p = rates.annual_to_monthly(annual)
                    cover = np.mean((table["low"] <= p) & (p <= table["high"]))
                    est = _annual(table["rate_monthly"].to_numpy()) / annual
                    cells.append(f"{cover:4.2f} {np.median(est):4.2f}x {est.mean():4.2f}x")
                print(f"    n={n:<3d}{label:>8s}  " + "   ".join(f"{c:>15s}" for c in cells))


def bench_threshold(before: SimpleNamespace | None) -> None:
    print("3. Three people over 24 months (72 person-months): annual attrition [90%]")
    for label, v in _versions(before):
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
            mid, low, high = v.rates.estimate_rates(history).annual_attrition("ml_engineer")
            parts.append(f"{exits} exits -> {mid:.1%} [{low:.1%}, {high:.1%}]")
        print(f"  {label:>6s}: " + "; ".join(parts))


def _summary(values: list[tuple[float, float, float]]) -> str:
    arr = np.asarray(values)
    cover = np.mean((arr[:, 1] <= TRUE_ANNUAL) & (arr[:, 2] >= TRUE_ANNUAL))
    return (
        f"mean {arr[:, 0].mean():6.1%}  interval [{arr[:, 1].mean():5.1%}, "
        f"{arr[:, 2].mean():5.1%}]  coverage {cover:5.1%}"
    )


def bench_rosters(seeds: int, before: SimpleNamespace | None) -> None:
    print(f"4. Roster exports, true attrition 13%/yr, 90% intervals, {seeds} seeds")
    for name, setup in SETUPS.items():
        start = time.perf_counter()
        rows: dict[str, list] = {}
        for seed in range(seeds):
            frame, since = roster_export(seed, **setup)
            for label, v in _versions(before):
                for how, given in (("W detected", None), ("W given", since)):
                    est = v.survival.roster_survival(
                        frame, as_of=AS_OF, leavers_since=given, cox=False
                    )
                    rows.setdefault(f"{label}, {how}", []).append(
                        est.annual_attrition("data_scientist")
                    )
        print(f"  {name} ({time.perf_counter() - start:.0f} s)")
        for key, values in rows.items():
            print(f"    {key:20s} {_summary(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--before", default=DEFAULT_BEFORE, metavar="REV")
    args = parser.parse_args()
    before = None if args.before.lower() == "none" else load_before(args.before)
    bench_prior(before)
    bench_draws(before)
    bench_threshold(before)
    bench_small_teams(args.seeds, before)
    bench_rosters(min(args.seeds, 200), before)


if __name__ == "__main__":
    main()
