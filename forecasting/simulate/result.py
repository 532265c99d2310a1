"""What `simulate` returns: the aggregated projection of a scenario (never per path
in what the app caches), with its frames and the CLI's JSON; and the run-rate of an
added ML engineer plan.

pandas is imported lazily, only when a DataFrame attribute is first read: the CLI
`plan` path needs numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from forecasting.model.roles import MLE, ROLE_KEYS, ROLES, Role
from forecasting.model.scenario import Scenario
from forecasting.model.target import held_through, target_reached
from forecasting.simulate.capacity import CapacitySummary

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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


def _clean(values: np.ndarray, digits: int) -> list[float | None]:
    """Round to `digits`, NaN -> None (JSON null)."""
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Aggregated projection of a scenario (path means and quantiles; never per path).

    The DataFrame attributes (`headcount`, `ratio`, `cost`, `starts`, `capacity`,
    `capacity_summary`) are built on first access; pandas is imported then.

    Attributes:
        scenario: the simulated scenario.
        months: horizon+1 labels "YYYY-MM" (index 0 = start month).
        p_target_met: P(DS/MLE <= target at the deadline month).
        p_target_held: P(DS/MLE <= target at every month from the deadline to the horizon).
        paths_headcount: raw (paths, T+1, 4) int headcount, for tests and analyses; None
            in a result kept by the app's cache (`without_paths`): aggregates only.
        p_target_by_month: (T+1,) P(target met) in each month.
        p_method: "exact" (the model's chains, forecasting/simulate/exact.py) or "monte
            carlo" (the share of paths): how p_target_met and p_target_by_month were got.
        p_se: (T+1,) their standard errors (zeros when exact).
        p_held_method, p_held_se: the same for p_target_held.
        headcount_mean, headcount_q: (T+1, 4) means and (3, T+1, 4) p10/p50/p90.
        ratio_q: (3, T+1) p10/p50/p90 of DS per MLE (NaN where undefined).
        share_defined: (T+1,) share of paths with at least one ML engineer.
        cost_mean, cost_q: (T+1,) mean and (2, T+1) p10/p90 monthly cost, USD.
        starts_mean: (T+1, 4) realised starts counted first in each month.
        capacity_arrays: the CapacitySummary.
    """

    scenario: Scenario
    months: list[str]
    p_target_met: float
    p_target_held: float
    paths_headcount: np.ndarray | None
    headcount_mean: np.ndarray
    headcount_q: np.ndarray
    ratio_q: np.ndarray
    share_defined: np.ndarray
    cost_mean: np.ndarray
    cost_q: np.ndarray
    starts_mean: np.ndarray
    capacity_arrays: CapacitySummary = field(repr=False)
    p_target_by_month: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_method: str = "monte carlo"
    p_se: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_held_method: str = "monte carlo"
    p_held_se: float = 0.0

    def without_paths(self) -> SimulationResult:
        """The same result without the per-path arrays (aggregates only: what a cache keeps)."""
        import dataclasses

        return dataclasses.replace(self, paths_headcount=None)

    @property
    def se_met(self) -> float:
        """Standard error of p_target_met (0 when exact)."""
        if len(self.p_se):
            return float(self.p_se[self.scenario.deadline])
        p = self.p_target_met
        return math.sqrt(max(p * (1.0 - p), 0.0) / max(self.scenario.paths, 1))

    def target_reached(self, confidence: float) -> int | None:
        """The month the target is reached: the first with P(target met) >= `confidence`
        (a sampled P only when it is 2 standard errors clear of it); 0 = already met
        today; None = not within the horizon."""
        return target_reached(self.p_target_by_month, confidence, self.p_se)

    def held_through(self, confidence: float) -> int | None:
        """The last month of the run from the deadline in which P(target met) stays at or
        above `confidence` (the horizon when it holds throughout); None when the target
        is not met at the deadline."""
        return held_through(self.p_target_by_month, confidence, self.scenario.deadline, self.p_se)

    @property
    def cumulative_cost_mean(self) -> np.ndarray:
        """Mean spend from month 1 to month t (0 at month 0), USD."""
        return np.concatenate([[0.0], np.cumsum(self.cost_mean[1:])])

    # ---------------------------------------------------------------- frames

    def _role_frame(self, columns: dict[str, np.ndarray]) -> pd.DataFrame:
        import pandas as pd

        n = len(self.months)
        data: dict[str, Any] = {
            "month_index": np.repeat(np.arange(n), len(ROLES)),
            "month": np.repeat(np.array(self.months, dtype=object), len(ROLES)),
            "role": np.tile(np.array(ROLE_KEYS, dtype=object), n),
        }
        data.update({k: np.asarray(v, dtype=float).reshape(-1) for k, v in columns.items()})
        return pd.DataFrame(data)

    def _month_frame(self, columns: dict[str, Any]) -> pd.DataFrame:
        import pandas as pd

        data: dict[str, Any] = {"month_index": np.arange(len(self.months)), "month": self.months}
        data.update(columns)
        return pd.DataFrame(data)

    @cached_property
    def headcount(self) -> pd.DataFrame:
        """Columns month_index, month, role, mean, p10, p50, p90 (one row per month and role)."""
        q = self.headcount_q
        return self._role_frame(
            {"mean": self.headcount_mean, "p10": q[0], "p50": q[1], "p90": q[2]}
        )

    @cached_property
    def ratio(self) -> pd.DataFrame:
        """Columns month_index, month, p10, p50, p90, share_defined (DS per MLE)."""
        q = self.ratio_q
        return self._month_frame(
            {"p10": q[0], "p50": q[1], "p90": q[2], "share_defined": self.share_defined}
        )

    @cached_property
    def cost(self) -> pd.DataFrame:
        """Columns month_index, month, cost_mean, cost_p10, cost_p90, cumulative_mean (USD)."""
        return self._month_frame(
            {
                "cost_mean": self.cost_mean,
                "cost_p10": self.cost_q[0],
                "cost_p90": self.cost_q[1],
                "cumulative_mean": self.cumulative_cost_mean,
            }
        )

    @cached_property
    def starts(self) -> pd.DataFrame:
        """Columns month_index, month, role, mean (realised starts first counted that month)."""
        return self._role_frame({"mean": self.starts_mean})

    @cached_property
    def capacity(self) -> pd.DataFrame:
        """Columns month_index, month, role, effective_fte (mean over paths)."""
        return self._role_frame({"effective_fte": self.capacity_arrays.effective_fte})

    @cached_property
    def bottleneck_periods(self) -> pd.DataFrame:
        """Runs of months with the same limiting role: columns start, end (month labels),
        bottleneck (role key), in time order."""
        import pandas as pd

        rows: list[dict[str, str]] = []
        for month, role in zip(self.months, self.capacity_arrays.bottleneck):
            if rows and rows[-1]["bottleneck"] == role:
                rows[-1]["end"] = month
            else:
                rows.append({"start": month, "end": month, "bottleneck": role})
        return pd.DataFrame(rows, columns=["start", "end", "bottleneck"])

    @cached_property
    def capacity_summary(self) -> pd.DataFrame:
        """Columns month_index, month, ds_engineering_share, ds_modelling_fte,
        delivery_index, bottleneck."""
        c = self.capacity_arrays
        return self._month_frame(
            {
                "ds_engineering_share": c.ds_engineering_share,
                "ds_modelling_fte": c.ds_modelling_fte,
                "delivery_index": c.delivery_index,
                "bottleneck": list(c.bottleneck),
            }
        )

    # ---------------------------------------------------------------- JSON

    def _timing_json(self) -> dict[str, Any]:
        conf = self.scenario.target.confidence
        reached, through = self.target_reached(conf), self.held_through(conf)
        return {
            "target_reached_month": reached,
            "target_reached": None if reached is None else self.months[reached],
            "held_through_month": through,
            "held_through": None if through is None else self.months[through],
        }

    def to_json_dict(self) -> dict[str, Any]:
        """Return the `python -m forecasting plan` JSON object (NaN -> null).

        Returns:
            dict with months, headcount (role -> mean/p10/p50/p90), ds_per_mle
            (p10/p50/p90/share_defined), p_target_met, p_target_held, target, cost
            (mean/p10/p90/cumulative_mean per month), starts, positions (central
            positions per month of each role whose hiring policy sets them),
            hiring_policy, capacity, paths, seed.
        """
        sc = self.scenario
        q = self.headcount_q
        c = self.capacity_arrays
        return {
            "months": list(self.months),
            "headcount": {
                key: {
                    "mean": _clean(self.headcount_mean[:, r], 3),
                    "p10": _clean(q[0, :, r], 3),
                    "p50": _clean(q[1, :, r], 3),
                    "p90": _clean(q[2, :, r], 3),
                }
                for r, key in enumerate(ROLE_KEYS)
            },
            "ds_per_mle": {
                "p10": _clean(self.ratio_q[0], 4),
                "p50": _clean(self.ratio_q[1], 4),
                "p90": _clean(self.ratio_q[2], 4),
                "share_defined": _clean(self.share_defined, 4),
            },
            "p_target_met": self.p_target_met,
            "p_target_held": self.p_target_held,
            "p_method": self.p_method,
            "p_se": round(float(self.p_se[sc.deadline]), 6) if len(self.p_se) else 0.0,
            "p_held_method": self.p_held_method,
            "p_held_se": round(self.p_held_se, 6),
            **self._timing_json(),
            "target": {
                **sc.target.to_dict(),
                "deadline": self.months[sc.deadline],
            },
            "cost": {
                "mean": _clean(self.cost_mean, 0),
                "p10": _clean(self.cost_q[0], 0),
                "p90": _clean(self.cost_q[1], 0),
                "cumulative_mean": _clean(self.cumulative_cost_mean, 0),
            },
            "starts": {key: _clean(self.starts_mean[:, r], 4) for r, key in enumerate(ROLE_KEYS)},
            "positions": {
                key: sc.positions_of(key)
                for key, policy in zip(ROLE_KEYS, sc.hiring_policy)
                if policy.sets_positions
            },
            "hiring_policy": {key: p.to_dict() for key, p in zip(ROLE_KEYS, sc.hiring_policy)},
            "capacity": {
                "effective_fte": {
                    key: _clean(c.effective_fte[:, r], 3) for r, key in enumerate(ROLE_KEYS)
                },
                "ds_engineering_share": _clean(c.ds_engineering_share, 4),
                "ds_modelling_fte": _clean(c.ds_modelling_fte, 3),
                "delivery_index": _clean(c.delivery_index, 2),
                "bottleneck": list(c.bottleneck),
            },
            "paths": sc.paths,
            "seed": sc.seed,
        }
