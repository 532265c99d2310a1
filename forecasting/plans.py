"""Team plans: default hiring policies, the status-quo projection as a policy, hiring pace.

The bridge between what history says (forecasting/trend.py, forecasting/rates.py)
and the hiring policies the Monte Carlo runs (forecasting/policy.py):

* :func:`projection_policy` turns a status-quo projection into a ``path`` policy
  anchored on today's headcount, its 80% band carried along so the projection's own
  uncertainty reaches the Monte Carlo;
* :func:`default_plan` is the plan a newly entered or uploaded team starts with:
  every role backfills, data scientists follow the projection where history exists;
* :func:`hiring_pace` is the status-quo pace: hires a month over the last months of
  history (Poisson GLM with headcount exposure), with an interval;
* :func:`plan_summary` is one row per role of the team plan table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from forecasting.policy import BACKFILL, HiringPolicy, PolicyKind
from forecasting.roles import MLE, ROLE_KEYS, ROLES, Role
from forecasting.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.ingest import IngestResult
    from forecasting.simulate import SimulationResult
    from forecasting.trend import TrendForecast

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
    fc = forecast.forecast
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
    forecasting/rates.py) times the window's mean exposure: for an intercept-only
    Poisson model this is the observed hires a month, and the interval is the
    rate's. (Roles with fewer than 5 hires get the rates module's shrunk estimate.)

    Args:
        history: tidy frame month, role, headcount, hires, exits.
        months: the window, counted back from the last month.

    Returns:
        role -> Pace; empty when the history has no hires column.
    """
    from forecasting.errors import EstimationError
    from forecasting.history_frame import validate_history
    from forecasting.rates import _exposure_frame, estimate_rates

    if history is None or not len(history) or "hires" not in history.columns:
        return {}
    frame = history.copy()
    if "exits" not in frame.columns:
        frame = frame.assign(exits=0)
    order = sorted(frame["month"].astype(str).unique())
    frame = frame[frame["month"].astype(str).isin(set(order[-months:]))]
    try:
        est = estimate_rates(frame)
        exposed = _exposure_frame(validate_history(frame, require=("exits",)))
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


#: The team plan's names of the policies (a path the projection made is "follow the
#: projection"; "manual starts" is kind none with planned starts).
BACKFILL_LABEL = "backfill"
GROW = "grow"
PROJECTION = "follow the projection"
NO_HIRING = "no hiring"
MANUAL = "manual starts"
PATH = "path"
PROJECTION_SOURCE = "status-quo projection"


def policy_label(policy: HiringPolicy, planned: bool = False) -> str:
    """The team plan table's name of a policy kind."""
    if policy.kind is PolicyKind.NONE:
        return MANUAL if planned else NO_HIRING
    if policy.kind is PolicyKind.BACKFILL:
        return BACKFILL_LABEL
    if policy.kind is PolicyKind.GROWTH:
        return GROW
    if policy.source.startswith(PROJECTION_SOURCE):
        return PROJECTION
    return PATH


def plan_summary(
    scenario: Scenario,
    result: SimulationResult,
    pace: dict[str, Pace] | None = None,
) -> list[dict[str, Any]]:
    """One row per role of the team plan: today, policy, positions, starts, pace.

    Args:
        scenario: the simulated scenario.
        result: its simulation.
        pace: the status-quo hiring pace per role, if history gave one.

    Returns:
        Rows with role, headcount, open_requisitions, policy, description,
        positions_deadline, positions_horizon (None without positions),
        headcount_deadline, headcount_horizon (means), starts (mean over the horizon),
        starts_per_month, pace_per_month (None without history).
    """
    deadline = scenario.deadline
    horizon = scenario.horizon_months
    rows = []
    for r, role in enumerate(ROLES):
        key = role.value
        policy = scenario.hiring_policy[r]
        positions = scenario.positions_of(role)
        n0 = scenario.headcount[r] + scenario.open_requisitions[r]
        starts = float(result.starts_mean[1:, r].sum())
        p = (pace or {}).get(key)
        rows.append(
            {
                "role": key,
                "headcount": scenario.headcount[r],
                "open_requisitions": scenario.open_requisitions[r],
                "policy": policy_label(policy, any(scenario.planned_starts[r])),
                "description": policy.describe(n0, horizon)
                if policy.sets_positions
                else (
                    f"{sum(scenario.planned_starts[r])} planned starts"
                    if any(scenario.planned_starts[r])
                    else "no hiring"
                ),
                "positions_deadline": None if positions is None else positions[deadline],
                "positions_horizon": None if positions is None else positions[horizon],
                "headcount_deadline": float(result.headcount_mean[deadline, r]),
                "headcount_horizon": float(result.headcount_mean[horizon, r]),
                "starts": starts,
                "starts_per_month": starts / horizon,
                "pace_per_month": None if p is None else p.per_month,
            }
        )
    return rows


def quarter_of(label: str) -> str:
    """'2027-05' -> 'Q2 2027'."""
    return f"Q{(int(label[5:7]) - 1) // 3 + 1} {label[:4]}"


def quarters(months: list[str], per_month: list[int] | tuple[int, ...]) -> list[tuple[str, int]]:
    """Sum a per-month series by calendar quarter: [("Q1 2027", 3), ...] (non-zero only).

    Args:
        months: "YYYY-MM" labels, one per entry of `per_month`.
        per_month: counts by month.
    """
    out: dict[str, int] = {}
    for label, n in zip(months, per_month):
        if not n:
            continue
        q = quarter_of(label)
        out[q] = out.get(q, 0) + int(n)
    return list(out.items())


def mle_positions_mode(scenario: Scenario) -> bool:
    """True when the ML engineer plan is in positions (the role has a hiring policy)."""
    return scenario.policy_of(Role.ML_ENGINEER).sets_positions


def mle_schedule(scenario: Scenario) -> list[int]:
    """The ML engineer plan as the solver sees it: positions added per month 0..horizon
    (positions mode), or starts per planned_starts index (starts mode)."""
    role = Role.ML_ENGINEER
    if mle_positions_mode(scenario):
        added = list(scenario.policy_of(role).positions_added)
        return added + [0] * (scenario.horizon_months + 1 - len(added))
    return list(scenario.starts_of(role))


def with_mle_plan(scenario: Scenario, schedule: list[int]) -> Scenario:
    """The scenario with its ML engineer plan replaced by `schedule` (see mle_schedule)."""
    role = Role.ML_ENGINEER
    values = [max(0, int(x)) for x in schedule]
    if mle_positions_mode(scenario):
        policies = scenario.by_role("hiring_policy")
        policies[role.value] = scenario.policy_of(role).with_added(values)
        return scenario.replace(hiring_policy=policies)
    return scenario.replace(
        planned_starts={**scenario.by_role("planned_starts"), role.value: values}
    )


def without_mle_plan(scenario: Scenario) -> Scenario:
    """The scenario with no ML engineer starts or new positions planned: what the solver
    starts from."""
    return with_mle_plan(scenario, [])


def has_mle_plan(scenario: Scenario) -> bool:
    """True when the scenario carries a hand-made (or solved) ML engineer plan."""
    return any(mle_schedule(scenario))


def mle_quarters(scenario: Scenario) -> list[tuple[str, int]]:
    """The ML engineer plan by calendar quarter: new positions opened (positions mode)
    or starts joining (starts mode), non-zero quarters only."""
    months = scenario.months()
    schedule = mle_schedule(scenario)
    if mle_positions_mode(scenario):
        return quarters(months, schedule)
    return quarters(months[1:], schedule)


def quarter_frame(scenario: Scenario) -> pd.DataFrame:
    """Every calendar quarter of the horizon with the ML engineer plan's count in it
    (new positions opened, or starts joining), zeros included: columns quarter, count."""
    import pandas as pd

    months = scenario.months()
    labels: list[str] = []
    for m in months[1:]:
        q = quarter_of(m)
        if q not in labels:
            labels.append(q)
    counts = dict(mle_quarters(scenario))
    return pd.DataFrame({"quarter": labels, "count": [counts.get(q, 0) for q in labels]})


def added_mle(scenario: Scenario) -> int:
    """The ML engineer plan's size: new positions (positions mode) or starts."""
    return sum(mle_schedule(scenario))


def run_rate(scenario: Scenario, result: SimulationResult, baseline: SimulationResult) -> float:
    """Run-rate of the added ML engineers at the deadline, USD/yr.

    The difference in mean simulated ML engineer headcount at the deadline between the
    scenario (`result`) and the same scenario without its ML engineer plan
    (`baseline`, i.e. simulate(without_mle_plan(scenario))), times the annual cost:
    leavers, seats empty while refilled and the fill rate are counted.
    """
    d = scenario.deadline
    r = MLE
    extra = float(result.headcount_mean[d, r] - baseline.headcount_mean[d, r])
    return extra * scenario.annual_cost_of(Role.ML_ENGINEER)


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


def with_horizon(scenario: Scenario, horizon_months: int) -> Scenario:
    """`scenario` planned over another horizon (the app's horizon control).

    Lists longer than the new horizon are cut (planned starts, a path's months, the
    positions added); a growth policy reaching its number after the new horizon keeps
    its line and is cut at the horizon (``to`` becomes the number reached then, rounded
    half up); a deadline after the new horizon moves to it. A longer horizon keeps every
    list as it is (a path holds its last month; see HiringPolicy).

    Raises:
        ScenarioError: the horizon is not a whole number of months in 1..120.
    """
    from forecasting.policy import round_half_up

    h = int(horizon_months)
    d = scenario.to_dict()
    d["horizon_months"] = h
    d["planned_starts"] = {role: list(v)[:h] for role, v in d["planned_starts"].items()}
    for role, policy in d["hiring_policy"].items():
        for key in ("headcount", "p10", "p90", "positions_added"):
            if key in policy:
                policy[key] = list(policy[key])[: h + 1]
        if policy.get("kind") == "growth" and int(policy["by_month"]) > h:
            n0 = scenario.headcount_of(role) + scenario.open_requisitions_of(role)
            share = h / int(policy["by_month"])
            policy["to"] = int(round_half_up(n0 + (int(policy["to"]) - n0) * share))
            policy["by_month"] = h
    target = d["target"]
    if target.get("deadline_month") is not None and int(target["deadline_month"]) > h:
        target["deadline_month"] = h
    return Scenario.from_dict(d)
