"""Plain-language summaries of a simulation and a hiring plan (pure; no UI imports)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from forecasting.roles import ROLES, Role

_DS = ROLES.index(Role.DATA_SCIENTIST)
_MLE = ROLES.index(Role.ML_ENGINEER)


def p_target_by_month(paths_headcount: np.ndarray, k: float) -> np.ndarray:
    """P(DS per ML engineer <= k) for each month, from (paths, T+1, 4) headcounts.

    A path with no ML engineer has an undefined ratio and does not meet the target.
    """
    ds = paths_headcount[:, :, _DS]
    mle = paths_headcount[:, :, _MLE]
    met = (mle > 0) & (ds <= k * mle)
    return met.mean(axis=0)


def months_to_target(paths_headcount: np.ndarray, k: float, confidence: float) -> int | None:
    """First month index at which P(ratio <= k) reaches `confidence`, or None if never."""
    p = p_target_by_month(paths_headcount, k)
    hits = np.flatnonzero(p >= confidence - 1e-12)
    return int(hits[0]) if hits.size else None


def current_ratio(headcount: dict[str, int] | tuple[int, ...]) -> float:
    """Today's data scientists per ML engineer (inf when there is no ML engineer)."""
    if isinstance(headcount, dict):
        ds, mle = headcount.get("data_scientist", 0), headcount.get("ml_engineer", 0)
    else:
        ds, mle = headcount[_DS], headcount[_MLE]
    return math.inf if mle == 0 else ds / mle


def month_name(label: str) -> str:
    """'2028-06' -> 'Jun 2028'."""
    year, month = (int(p) for p in label.split("-"))
    return date(year, month, 1).strftime("%b %Y")


def money(x: float) -> str:
    """$1.4M / $850k / $900."""
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.1f}M"
    if abs(x) >= 1e3:
        return f"${x / 1e3:,.0f}k"
    return f"${x:,.0f}"


def ratio_text(k: float) -> str:
    """'1:6' or '1:6.5'."""
    if not math.isfinite(k):
        return "no ML engineers"
    return f"1:{k:g}" if float(k).is_integer() else f"1:{k:.1f}"


def plan_sentence(
    *,
    k: float,
    deadline_label: str,
    confidence: float,
    hold: bool,
    total_starts: int | None,
    annual_cost: float | None,
    strategy: str,
    error: str | None = None,
) -> str:
    """The headline sentence, e.g. 'To reach 1:6 by Jun 2028 with 80% confidence: ...'."""
    goal = f"To reach {ratio_text(k)} by {month_name(deadline_label)}"
    if hold:
        goal += " and hold it to the horizon"
    goal += f" with {confidence:.0%} confidence"
    if error is not None or total_starts is None:
        return f"{goal}: not reachable under the current constraints. {error or ''}".strip()
    if total_starts == 0:
        return f"{goal}: no ML engineer starts are needed; the team already gets there."
    people = "ML engineer start" if total_starts == 1 else "ML engineer starts"
    cost = f", {money(annual_cost)}/yr run-rate" if annual_cost else ""
    pace = strategy.replace("_", "-")
    return f"{goal}: {total_starts} {people} ({pace} schedule){cost}."


def projections_frame(result) -> pd.DataFrame:  # noqa: F821 - pandas imported lazily
    """One tidy table of a simulation for download: month, series, role, mean, p10, p50, p90.

    Series: headcount (per role), ds_per_mle, cost_usd_per_month, effective_fte (per role),
    ds_engineering_share, delivery_index.
    """
    import pandas as pd

    hc = result.headcount.assign(series="headcount")
    ratio = result.ratio.assign(series="ds_per_mle", role="", mean=float("nan"))
    cost = result.cost.rename(
        columns={"cost_mean": "mean", "cost_p10": "p10", "cost_p90": "p90"}
    ).assign(series="cost_usd_per_month", role="", p50=float("nan"))
    fte = result.capacity.rename(columns={"effective_fte": "mean"}).assign(series="effective_fte")
    cap = result.capacity_summary
    share = cap.assign(series="ds_engineering_share", role="", mean=cap["ds_engineering_share"])
    delivery = cap.assign(series="delivery_index", role="", mean=cap["delivery_index"])
    cols = ["month", "series", "role", "mean", "p10", "p50", "p90"]
    frames = [f.reindex(columns=cols) for f in (hc, ratio, cost, fte, share, delivery)]
    return pd.concat(frames, ignore_index=True)
