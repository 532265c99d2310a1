"""Team plans: default hiring policies, the status-quo projection as a policy, hiring pace.

The bridge between what history says (forecasting/estimate/)
and the hiring policies the Monte Carlo runs (forecasting/model/policy.py):

* :func:`projection_policy` turns a status-quo projection into a ``path`` policy
  anchored on today's headcount, its 80% band carried along so the projection's own
  uncertainty reaches the Monte Carlo;
* :func:`default_plan` is the plan a newly entered or uploaded team starts with:
  every role backfills, data scientists follow the projection where history exists;
* :func:`hiring_pace` is the status-quo pace: hires a month over the last months of
  history (Poisson GLM with headcount exposure), with an interval;
* :func:`scenario_from_upload` puts an uploaded team into a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from forecasting.model.policy import BACKFILL, PROJECTION_SOURCE, HiringPolicy
from forecasting.model.roles import ROLE_KEYS, Role
from forecasting.model.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.estimate.trend import TrendForecast
    from forecasting.ingest import IngestResult


#: Months of history the status-quo hiring pace is measured over.
PACE_MONTHS = 24


def projection_policy(forecast: TrendForecast, n0: int, horizon: int) -> HiringPolicy:
    """The status-quo projection as a ``path`` policy starting from today's positions.

    Month t of the scenario is the projection t steps after the last month of
    history, shifted so that month 0 is `n0` (the projection's change, applied to
    today's team). The projection's interval (80% by default: its p10 / p90) is kept
    as the path's band; `source` names the model that made it.

    Args:
        forecast: a TrendForecast (status_quo / status_quo_all).
        n0: today's positions of the role (headcount plus open requisitions).
        horizon: the scenario's horizon in months.

    Returns:
        The path policy (horizon + 1 months; a shorter forecast holds its last value).
    """
    fc = forecast.band  # unrounded: each path's positions are rounded (round half up)
    last = float(forecast.history["headcount"].iloc[-1])
    mean = fc["mean"].to_numpy(dtype=float)[:horizon]
    low = fc["low"].to_numpy(dtype=float)[:horizon]
    high = fc["high"].to_numpy(dtype=float)[:horizon]
    shift = n0 - last
    path = np.concatenate([[n0], np.maximum(mean + shift, 0.0)])
    fields: dict[str, Any] = {
        "kind": "path",
        "headcount": [round(float(x), 2) for x in path],
        "source": f"{PROJECTION_SOURCE}: {forecast.model}",
    }
    if np.all(np.isfinite(low)) and np.all(np.isfinite(high)) and len(low):
        p10 = np.concatenate([[n0], np.clip(low + shift, 0.0, None)])
        p90 = np.concatenate([[n0], np.maximum(high + shift, 0.0)])
        p10 = np.minimum(p10, path)
        p90 = np.maximum(p90, path)
        if np.any(p90 - p10 > 1e-9):
            fields["p10"] = [round(float(x), 2) for x in p10]
            fields["p90"] = [round(float(x), 2) for x in p90]
    return HiringPolicy.from_dict(fields, "hiring_policy", horizon)


def default_plan(
    scenario: Scenario, projections: dict[str, TrendForecast] | None = None
) -> Scenario:
    """The plan a newly entered or uploaded team starts with.

    Every role backfills its leavers; data scientists follow the status-quo
    projection when `projections` has one for them (with a fitted trend, not a
    carried-forward last value). Planned starts are cleared: no schedule is left
    over from another team.

    Args:
        scenario: the scenario with the new team's headcount.
        projections: role -> TrendForecast from the team's history, if any.

    Returns:
        The scenario with `hiring_policy` set and `planned_starts` empty.
    """
    policies = {k: BACKFILL for k in ROLE_KEYS}
    ds = Role.DATA_SCIENTIST.value
    if projections and ds in projections:
        n0 = scenario.headcount_of(ds) + scenario.open_requisitions_of(ds)
        policies[ds] = projection_policy(projections[ds], n0, scenario.horizon_months)
    return scenario.replace(planned_starts={}, hiring_policy=policies)


def without_sample_values(typed: Scenario, sample: Scenario) -> tuple[Scenario, list[str]]:
    """A team typed over the sample team, with nothing of the sample's left in it.

    Values that only describe the sample team and that the user has not set themselves
    (still equal to the sample's) go back to the registry's defaults: open requisitions
    (cleared), salaries, attrition and its interval; the plan becomes the default plan
    (every role backfills, no planned starts).

    Args:
        typed: the scenario with the user's own headcount (and whatever else they typed).
        sample: the sample team's scenario.

    Returns:
        (the cleaned scenario, what was cleared, in words).
    """
    changes: dict[str, Any] = {}
    cleared: list[str] = []
    if typed.open_requisitions == sample.open_requisitions and any(sample.open_requisitions):
        changes["open_requisitions"] = {}
        cleared.append("the sample's open requisitions")
    if (
        typed.annual_cost == sample.annual_cost
        and typed.annual_cost != Scenario(headcount=(0,) * len(ROLE_KEYS)).annual_cost
    ):
        changes["annual_cost"] = {}
        cleared.append("its salaries")
    if (typed.attrition_annual, typed.attrition_interval) == (
        sample.attrition_annual,
        sample.attrition_interval,
    ) and sample.attrition_interval != (None,) * len(ROLE_KEYS):
        changes["attrition_annual"] = {}
        changes["attrition_interval"] = {}
        cleared.append("its attrition")
    cleaned = default_plan(typed.replace(**changes) if changes else typed)
    return cleaned, cleared


def is_default_plan(scenario: Scenario) -> bool:
    """True when every role backfills with no positions added (the default plan's shape)."""
    return all(p == BACKFILL for p in scenario.hiring_policy)


@dataclass(frozen=True)
class Pace:
    """Status-quo hiring pace of one role: hires a month with a 90% interval."""

    per_month: float
    low: float
    high: float
    months: int


def hiring_pace(history: pd.DataFrame, months: int = PACE_MONTHS) -> dict[str, Pace]:
    """Hires a month per role over the last `months` months of history (Poisson GLM).

    The GLM's monthly hire rate per head (start-of-month headcount exposure,
    forecasting/estimate/rates.py) times the window's mean exposure: for an intercept-only
    Poisson model this is the observed hires a month, and the interval is the
    rate's. (Roles with fewer than 5 hires get the rates module's shrunk estimate.)

    Args:
        history: tidy frame month, role, headcount, hires, exits.
        months: the window, counted back from the last month.

    Returns:
        role -> Pace; empty when the history has no hires column.
    """
    from forecasting.estimate.history_frame import validate_history
    from forecasting.estimate.rates import estimate_rates, exposure_frame
    from forecasting.model.errors import EstimationError

    if history is None or not len(history) or "hires" not in history.columns:
        return {}
    frame = history.copy()
    if "exits" not in frame.columns:
        frame = frame.assign(exits=0)
    order = sorted(frame["month"].astype(str).unique())
    frame = frame[frame["month"].astype(str).isin(set(order[-months:]))]
    try:
        est = estimate_rates(frame)
        exposed = exposure_frame(validate_history(frame, require=("exits",)))
    except EstimationError:
        return {}
    out: dict[str, Pace] = {}
    table = est.table
    for role in ROLE_KEYS:
        row = table[(table["role"] == role) & (table["event"] == "hires")]
        exposure = exposed.loc[exposed["role"] == role, "exposure"].to_numpy(dtype=float)
        if row.empty or not len(exposure):
            continue
        # rate x mean exposure: for the intercept-only GLM, the hires a month observed.
        mean_head = float(exposure.mean())
        r = row.iloc[0]
        out[role] = Pace(
            per_month=float(r["rate_monthly"]) * mean_head,
            low=float(r["low"]) * mean_head,
            high=float(r["high"]) * mean_head,
            months=len(exposure),
        )
    return out


def scenario_from_upload(
    base: Scenario, result: IngestResult, *, use_rates: bool, use_costs: bool
) -> Scenario:
    """The base scenario with an upload's team: headcount, start month (the month after the
    as-of date), no open requisitions (the previous team's are not this team's), and
    optionally the file's attrition (with its interval) and median salaries.

    The team plan is not touched here; `default_plan` gives the new team its own.

    Args:
        base: the scenario the upload is applied to.
        result: the parsed upload (forecasting.ingest.IngestResult).
        use_rates: take the attrition estimated from the file.
        use_costs: take the median salaries from the file.

    Returns:
        The validated Scenario.
    """
    changes: dict = {
        "headcount": {k: int(result.headcount.get(k, 0)) for k in ROLE_KEYS},
        # The previous team's open requisitions are not this team's (edit them after).
        "open_requisitions": {},
    }
    if result.as_of is not None:
        year, month = result.as_of.year, result.as_of.month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        changes["start_month"] = f"{year:04d}-{month:02d}"
    if use_rates and result.attrition:
        attrition = dict(zip(ROLE_KEYS, base.attrition_annual))
        interval = {k: list(iv) for k, iv in zip(ROLE_KEYS, base.attrition_interval) if iv}
        for role, (mid, low, high) in result.attrition.items():
            if role in attrition:
                attrition[role] = float(mid)
                # The old interval is about the old rate: keep none rather than one that
                # need not contain the new estimate (the scenario would refuse it).
                interval.pop(role, None)
                if low <= mid <= high:
                    interval[role] = [float(low), float(high)]
        changes["attrition_annual"] = attrition
        changes["attrition_interval"] = interval
    if use_costs and result.annual_cost:
        cost = dict(zip(ROLE_KEYS, base.annual_cost))
        cost.update({r: float(v) for r, v in result.annual_cost.items() if r in cost and v > 0})
        changes["annual_cost"] = cost
    return base.replace(**changes)
