"""A backtest on the user's own data: how far to trust the model.

Re-run the model from ``months`` (default 12) before the as-of date, as if it were then:

* **rates from the past only**: each role's exit rate (its posterior median and 90%
  interval) is estimated from the history's months up to the origin, by
  :func:`forecasting.estimate.rates.estimate_rates` (exits over start-of-month
  headcount, the rule the engine applies);
* **the hires that happened, taken as given**: each month's actual hires are the
  scenario's planned starts, so the test is of the exits, not of a hiring plan;
* **the model itself**: the Monte Carlo engine (:func:`forecasting.simulate.engine.simulate`)
  from each role's actual headcount at the origin, the rate drawn per path from its
  posterior, exits ~ Binomial each month.

Per role and month it compares the actual headcount and the actual exits since the
origin with the predicted P10-P90 (the 10th and 90th percentiles of the paths, taken
as values a path reaches): a hit when the actual value lies in the interval. Coverage
is the share of hits over roles and months. Counts are whole numbers, so an interval
from P10 to P90 holds at least 80% of the paths and often more (a team of eight with
no exit in most paths); each check's ``expected`` is the share of paths inside its
interval, and a calibrated model's coverage is close to their mean.
Months before the leavers window are not history and are never used.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest import IngestResult
from forecasting.model.errors import EstimationError, PlannerError
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario

#: The months re-run by default, and the months of history needed before them.
DEFAULT_MONTHS = 12
MIN_ESTIMATION_MONTHS = 12
NOMINAL = 0.8
DEFAULT_PATHS = 2000
MEASURES = ("headcount", "exits")


class BacktestError(PlannerError):
    """The data cannot be backtested (too short, no exits); the message says why."""


@dataclass(frozen=True, eq=False)
class Backtest:
    """A backtest's checks and their coverage.

    Attributes:
        origin: the last month whose data the re-run used ("YYYY-MM").
        first_month: the first month of usable history ("YYYY-MM").
        months: months re-run after the origin.
        table: role, month, measure ("headcount" at the month's end or "exits" since the
            origin), actual, p10, p50, p90, hit, expected (the share of paths inside the
            interval: the hit rate a calibrated model has).
        rates: role -> (annual attrition, low, high) estimated from the months up to
            the origin.
        paths: Monte Carlo paths; seed: its seed.
    """

    origin: str
    first_month: str
    months: int
    table: pd.DataFrame
    rates: dict[str, tuple[float, float, float]]
    paths: int
    seed: int

    @property
    def checks(self) -> int:
        return len(self.table)

    @property
    def hits(self) -> int:
        return int(self.table["hit"].sum())

    @property
    def coverage(self) -> float:
        """Share of the actual values inside their P10-P90 interval."""
        return float(self.table["hit"].mean()) if len(self.table) else float("nan")

    @property
    def expected(self) -> float:
        """The coverage a calibrated model has: the mean share of paths in the intervals."""
        return float(self.table["expected"].mean()) if len(self.table) else float("nan")

    def coverage_by(self, column: str) -> dict[str, float]:
        """Coverage per value of ``column`` ("role", "measure" or "month")."""
        grouped = self.table.groupby(column, sort=False)["hit"].mean()
        return {str(k): float(v) for k, v in grouped.items()}

    def sentence(self) -> str:
        """What the backtest says, in one sentence a leader can repeat."""
        used = _months_between(self.first_month, self.origin) + 1
        return (
            f"Re-run from {_month_name(self.origin)} with rates from the {used} months up to "
            f"it and the hires that happened: {self.hits} of {self.checks} actual values "
            f"({self.coverage:.0%}) fell inside the predicted P10–P90 interval; a "
            f"well-calibrated model would put {self.expected:.0%} inside (at least "
            f"{NOMINAL:.0%}: counts are whole numbers)."
        )

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready: origin, first_month, months, paths, seed, rates, rows (one per role,
        month and measure), coverage (all, by_measure, by_role), hits, checks, expected,
        nominal, sentence."""
        return {
            "origin": self.origin,
            "first_month": self.first_month,
            "months": self.months,
            "paths": self.paths,
            "seed": self.seed,
            "rates": {
                r: {"annual": mid, "low": low, "high": high}
                for r, (mid, low, high) in self.rates.items()
            },
            "rows": [_row(row) for row in self.table.to_dict("records")],
            "coverage": {
                "all": self.coverage,
                "by_measure": self.coverage_by("measure"),
                "by_role": self.coverage_by("role"),
            },
            "hits": self.hits,
            "checks": self.checks,
            "expected": self.expected,
            "nominal": NOMINAL,
            "sentence": self.sentence(),
        }


def _row(row: dict[Any, Any]) -> dict[str, Any]:
    """One check as plain JSON values."""
    return {
        "role": str(row["role"]),
        "month": str(row["month"]),
        "measure": str(row["measure"]),
        "actual": int(row["actual"]),
        "p10": float(row["p10"]),
        "p50": float(row["p50"]),
        "p90": float(row["p90"]),
        "hit": bool(row["hit"]),
        "expected": float(row["expected"]),
    }


def backtest_upload(
    result: IngestResult,
    *,
    months: int = DEFAULT_MONTHS,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
) -> Backtest:
    """Backtest an upload's history (a roster, panel or monthly history with exits).

    Args:
        result: the upload, read by forecasting.ingest.
        months: months to re-run before the as-of date (default 12).
        paths: Monte Carlo paths.
        seed: the Monte Carlo seed.

    Returns:
        A :class:`Backtest`.

    Raises:
        BacktestError: a snapshot, a history without exits, or too few months.
    """
    if result.kind == "snapshot" or result.history.empty:
        raise BacktestError(
            "a backtest needs history: upload a roster, a panel or a monthly history with "
            "exits (a snapshot is one point in time)"
        )
    if result.kind == "history" and "exits" not in result.columns_used:
        raise BacktestError(
            "a backtest needs the exits of each month; this history has no exits column"
        )
    since = result.leavers_since
    history = result.history
    if since is not None:
        first = f"{since.year:04d}-{since.month:02d}"
        if since.day != 1:  # the window starts inside that month: its exits are partial
            first = _shift(first, 1)
        history = history[history["month"] >= first].reset_index(drop=True)
    return backtest_history(history, months=months, paths=paths, seed=seed)


def backtest_history(
    history: pd.DataFrame,
    *,
    months: int = DEFAULT_MONTHS,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
) -> Backtest:
    """Backtest a tidy monthly history (month, role, headcount, hires, exits).

    Every month of ``history`` must be usable history (inside the leavers window).

    Args:
        history: the tidy history frame.
        months: months to re-run before its last month.
        paths: Monte Carlo paths.
        seed: the Monte Carlo seed.

    Returns:
        A :class:`Backtest`.

    Raises:
        BacktestError: fewer than ``months + 12`` months, or no exits before the origin.
    """
    from forecasting.estimate.rates import estimate_rates
    from forecasting.simulate.engine import simulate

    if not 1 <= int(months) <= 60:
        raise BacktestError(f"months: {months!r} is not a number of months from 1 to 60")
    months = int(months)
    labels = sorted(history["month"].unique()) if len(history) else []
    need = months + MIN_ESTIMATION_MONTHS
    if len(labels) < need:
        span = f" ({labels[0]} to {labels[-1]})" if labels else ""
        raise BacktestError(
            f"a backtest over {months} months needs at least {need} months of history in "
            f"which the file lists leavers; this file has {len(labels)}{span}"
        )
    origin = labels[-months - 1]
    past = history[history["month"] <= origin]
    future = history[history["month"] > origin]
    if int(past["exits"].sum()) == 0:
        raise BacktestError(
            f"no exits in the history up to {origin}: there is nothing to estimate attrition "
            "from, so nothing to test"
        )
    try:
        # Exits only: the hires are given, not estimated (and their GLM would import
        # statsmodels, a second of a command's start-up).
        estimate = estimate_rates(past.drop(columns="hires"))
    except EstimationError as exc:
        raise BacktestError(f"the rates before {origin} cannot be estimated: {exc}") from None
    at_origin = past[past["month"] == origin].set_index("role")
    hires = future.pivot(index="month", columns="role", values="hires").reindex(
        columns=list(ROLE_KEYS), fill_value=0
    )
    rates: dict[str, tuple[float, float, float]] = {}
    attrition, interval = {}, {}
    for role in ROLE_KEYS:
        try:
            mid, low, high = estimate.annual_attrition(role)
        except (PlannerError, KeyError, ValueError):
            continue
        rates[role] = (float(mid), float(low), float(high))
        attrition[role] = float(mid)
        if high - low > 1e-9:
            interval[role] = [float(low), float(high)]
    scenario = Scenario.from_dict(
        {
            "start_month": origin,
            "horizon_months": months,
            "headcount": {r: int(at_origin["headcount"].get(r, 0)) for r in ROLE_KEYS},
            "attrition_annual": attrition,
            "attrition_interval": interval,
            "planned_starts": {r: [int(v) for v in hires[r].fillna(0)] for r in ROLE_KEYS},
            "fill_rate": 1.0,
            "paths": int(paths),
            "seed": int(seed),
        }
    )
    run = simulate(scenario)
    assert run.paths_headcount is not None
    table = _checks(run.paths_headcount, scenario, future, hires)
    return Backtest(
        origin=origin,
        first_month=labels[0],
        months=months,
        table=table,
        rates=rates,
        paths=int(paths),
        seed=int(seed),
    )


def _checks(
    paths: np.ndarray, scenario: Scenario, future: pd.DataFrame, hires: pd.DataFrame
) -> pd.DataFrame:
    """One row per role, month and measure: actual, P10, P50, P90, hit."""
    rows = []
    actual = future.set_index(["role", "month"])
    month_labels = list(hires.index)
    for r, role in enumerate(ROLE_KEYS):
        n0 = scenario.headcount[r]
        came = hires[role].fillna(0).to_numpy(dtype=np.int64)
        if n0 == 0 and not came.any():
            continue  # nobody to predict
        heads = paths[:, 1:, r]  # (paths, months)
        gone = n0 + np.cumsum(came)[None, :] - heads  # exits since the origin, per path
        seen_exits = 0
        for t, month in enumerate(month_labels):
            seen = actual.loc[(role, month)]
            seen_exits += int(seen["exits"])
            for measure, values, value in (
                ("headcount", heads[:, t], int(seen["headcount"])),
                ("exits", gone[:, t], seen_exits),
            ):
                p10, p50, p90 = np.quantile(values, (0.1, 0.5, 0.9), method="inverted_cdf")
                rows.append(
                    {
                        "role": role,
                        "month": month,
                        "measure": measure,
                        "actual": value,
                        "p10": float(p10),
                        "p50": float(p50),
                        "p90": float(p90),
                        "hit": bool(p10 <= value <= p90),
                        "expected": float(np.mean((values >= p10) & (values <= p90))),
                    }
                )
    columns = ["role", "month", "measure", "actual", "p10", "p50", "p90", "hit", "expected"]
    return pd.DataFrame(rows, columns=columns)


def _shift(month: str, by: int) -> str:
    serial = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{serial // 12:04d}-{serial % 12 + 1:02d}"


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


def _month_name(month: str) -> str:
    return f"{calendar.month_abbr[int(month[5:7])]} {month[:4]}"
