"""Tables for people: the projections one row per month (wide) and the team plan one row
per role."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from forecasting.model.policy import policy_label
from forecasting.model.roles import ROLES
from forecasting.model.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.plan.policies import Pace
    from forecasting.simulate.result import SimulationResult


#: Decimals kept in the projections table: people, ratios, probabilities.
PEOPLE_DIGITS, RATIO_DIGITS, PROBABILITY_DIGITS = 1, 2, 3


def projections_wide(result: SimulationResult) -> pd.DataFrame:
    """The projection as a spreadsheet reads it: one row per month, rounded for people.

    Columns, in order:

    - ``month`` ("YYYY-MM"), ``month_index`` (0 = the start month);
    - per role (``data_engineer``, ``data_scientist``, ``ml_engineer``,
      ``product_manager``): ``<role>_headcount_p10`` / ``_p50`` / ``_p90`` (people at
      month end), ``<role>_starts_mean`` (people starting that month, mean over paths),
      ``<role>_positions`` (the plan's positions; blank for a role without a hiring
      policy);
    - ``ds_per_mle_p10`` / ``_p50`` / ``_p90``: data scientists per ML engineer, the k of
      1:k (blank where fewer than half the paths have an ML engineer);
    - ``p_target_met``: share of simulated paths meeting the target that month (0-1);
    - ``payroll_usd_per_month_mean`` / ``_p10`` / ``_p90``, ``payroll_usd_per_year_run_rate``
      (12 x the monthly mean), ``payroll_usd_cumulative_mean`` (from month 1).

    People have 1 decimal, the ratio 2, probabilities 3; money is whole dollars.

    Args:
        result: a simulation (per-path arrays not needed).

    Returns:
        A DataFrame with one row per month of the horizon, month 0 included.
    """
    import pandas as pd

    from forecasting.model.roles import ROLES

    n = len(result.months)
    sc = result.scenario
    data: dict[str, object] = {"month": list(result.months), "month_index": np.arange(n)}
    q = result.headcount_q
    for r, role in enumerate(ROLES):
        key = role.value
        for i, name in enumerate(("p10", "p50", "p90")):
            data[f"{key}_headcount_{name}"] = np.round(q[i, :, r], PEOPLE_DIGITS)
        data[f"{key}_starts_mean"] = np.round(result.starts_mean[:, r], PEOPLE_DIGITS)
        positions = sc.positions_of(role)
        data[f"{key}_positions"] = pd.array(
            positions[:n] if positions is not None else [None] * n, dtype="Int64"
        )
    for i, name in enumerate(("p10", "p50", "p90")):
        data[f"ds_per_mle_{name}"] = np.round(result.ratio_q[i], RATIO_DIGITS)
    p = np.asarray(result.p_target_by_month, dtype=float)
    data["p_target_met"] = np.round(p, PROBABILITY_DIGITS) if p.shape == (n,) else np.nan

    def dollars(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
        v = np.asarray(values, dtype=float)
        return pd.array(
            [None if not math.isfinite(x) else round(x) for x in v.tolist()], dtype="Int64"
        )

    data["payroll_usd_per_month_mean"] = dollars(result.cost_mean)
    data["payroll_usd_per_month_p10"] = dollars(result.cost_q[0])
    data["payroll_usd_per_month_p90"] = dollars(result.cost_q[1])
    data["payroll_usd_per_year_run_rate"] = dollars(12.0 * np.asarray(result.cost_mean))
    data["payroll_usd_cumulative_mean"] = dollars(result.cumulative_cost_mean)
    return pd.DataFrame(data)


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
