"""The target, once: what it is (`Target`: 1:k by a deadline with a confidence, held or not,
and the team-shape targets), the DS/MLE ratio of a path, whether it meets 1:k, P(met) by
month, P(met at the deadline) and P(held to the horizon), the one "target reached" month
and how long the target holds after the deadline."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model import params
from forecasting.model.checks import bounded, check_keys
from forecasting.model.errors import ScenarioError
from forecasting.model.months import quoted as _fmt
from forecasting.model.roles import DS, MLE


@dataclass(frozen=True)
class Target:
    """The ratio target: at most `ds_per_mle` data scientists per ML engineer.

    Attributes:
        ds_per_mle: k in "1:k" (data scientists per ML engineer), > 0.
        deadline_month: month index (1..horizon) by which the target must hold;
            None means min(18, horizon) and is resolved by Scenario.
        confidence: required probability, in (0, 1).
        hold: if True, the ratio must stay within target from the deadline to the horizon.
        ds_per_de, ds_per_pm: optional targets of the whole team's shape: at most this
            many data scientists per data engineer / per product manager at the deadline
            (solved with the ML engineer target, forecasting/plan/team.py); None = no target.
    """

    ds_per_mle: float = float(params.value("target.ds_per_mle"))
    deadline_month: int | None = None
    confidence: float = float(params.value("target.confidence"))
    hold: bool = bool(params.value("target.hold"))
    ds_per_de: float | None = None
    ds_per_pm: float | None = None

    def __post_init__(self) -> None:
        for name in ("ds_per_mle", "deadline_month", "confidence"):
            if getattr(self, name) is not None:
                value = params.param(f"target.{name}").validate(getattr(self, name))
                object.__setattr__(self, name, value)
        if not isinstance(self.hold, bool):
            raise ScenarioError(f"target.hold: {_fmt(self.hold)} is not true or false")
        for name in ("ds_per_de", "ds_per_pm"):
            value = getattr(self, name)
            if value is not None:
                hint = "give k of 1:k, e.g. 4, or null for no target"
                object.__setattr__(self, name, bounded(value, f"target.{name}", 0.01, 1000.0, hint))

    @classmethod
    def from_dict(cls, d: object) -> Target:
        """Build a Target from a JSON object (missing keys take defaults).

        Args:
            d: mapping with any of ds_per_mle, deadline_month, confidence, hold.

        Returns:
            The validated Target.
        """
        if not isinstance(d, Mapping):
            raise ScenarioError(
                'target: expected an object such as {"ds_per_mle": 6, "deadline_month": 18}'
            )
        names = [f.name for f in dataclasses.fields(cls)]
        check_keys(d, names, "target.")
        return cls(**dict(d))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this Target (field order; the team-shape targets
        only when set, so files without them read as before)."""
        d = dataclasses.asdict(self)
        for name in ("ds_per_de", "ds_per_pm"):
            if d[name] is None:
                del d[name]
        return d

    @property
    def shape(self) -> dict[str, float]:
        """The team-shape targets that are set: role key -> k (data scientists per one)."""
        keys = {"data_engineer": self.ds_per_de, "product_manager": self.ds_per_pm}
        return {role: float(k) for role, k in keys.items() if k is not None}


def meets_target(ratio: np.ndarray | float, k: float) -> np.ndarray:
    """Whether a ratio meets the target 1:k: ``DS / MLE <= k`` (the one rule, everywhere).

    The ratio is the float quotient ``ds / mle`` of `ratio_paths`
    (+inf where there is no ML engineer, which never meets the target), compared with
    k itself, not ``ds <= k * mle``: the two differ by rounding, e.g. 255 data scientists
    and 25 ML engineers meet k = 10.2 (255 / 25 = 10.2) although 10.2 * 25 < 255.

    Args:
        ratio: data scientists per ML engineer, any shape.
        k: target data scientists per ML engineer.

    Returns:
        Boolean array shaped like `ratio`.
    """
    return np.asarray(ratio) <= k


def p_target_by_month(paths_headcount: np.ndarray, k: float) -> np.ndarray:
    """P(the ratio meets 1:k) for each month, from (paths, T+1, 4) headcounts.

    Args:
        paths_headcount: `SimulationResult.paths_headcount`.
        k: target data scientists per ML engineer.

    Returns:
        (T+1,) share of paths that meet the target (`meets_target`) in each month.
    """

    ratio = ratio_paths(np.moveaxis(paths_headcount, 0, -1))
    return meets_target(ratio, k).mean(axis=1)


def current_ratio(headcount: dict[str, int] | tuple[int, ...]) -> float:
    """Today's data scientists per ML engineer (inf when there is no ML engineer)."""
    if isinstance(headcount, dict):
        ds, mle = headcount.get("data_scientist", 0), headcount.get("ml_engineer", 0)
    else:
        ds, mle = headcount[DS], headcount[MLE]
    return math.inf if mle == 0 else ds / mle


def ratio_paths(headcount: np.ndarray) -> np.ndarray:
    """Data scientists per ML engineer per month and path; +inf where there is no ML engineer.

    Args:
        headcount: (T+1, 4, P) headcount.

    Returns:
        (T+1, P) float array.
    """
    return ratio_of(headcount[:, DS, :], headcount[:, MLE, :])


def ratio_of(ds: np.ndarray, mle: np.ndarray) -> np.ndarray:
    """ds / mle elementwise as floats, +inf where there is no ML engineer."""
    ratio = np.full(np.broadcast_shapes(ds.shape, mle.shape), np.inf)
    np.divide(ds, mle, out=ratio, where=mle > 0)
    return ratio


def target_probabilities(ratio: np.ndarray, k: float, deadline: int) -> tuple[float, float]:
    """P(ratio <= k at the deadline) and P(ratio <= k at every month deadline..horizon).

    Args:
        ratio: (T+1, P) ratio paths (+inf = undefined, never meets the target).
        k: target data scientists per ML engineer.
        deadline: month index of the deadline.

    Returns:
        (p_target_met, p_target_held).
    """
    ok = meets_target(ratio[deadline:], k)
    return float(ok[0].mean()), float(ok.all(axis=0).mean())


def _clear(p_by_month: np.ndarray, confidence: float, se: np.ndarray | None) -> np.ndarray:
    """Months whose P(target met) is at or above the goal: exactly, or for a sampled P,
    2 standard errors clear of it."""
    p = np.asarray(p_by_month, dtype=float)
    margin = 0.0 if se is None or not len(se) else 2.0 * np.asarray(se, dtype=float)
    return p - margin >= confidence - 1e-12


def target_reached(
    p_by_month: np.ndarray, confidence: float, se: np.ndarray | None = None
) -> int | None:
    """The one "target reached" month: the first month whose P(target met) is at or above
    `confidence` (2 standard errors clear of it when P is sampled); 0 when today's team
    already meets it; None when no month of the horizon does."""
    ok = np.flatnonzero(_clear(p_by_month, confidence, se))
    return int(ok[0]) if ok.size else None


def held_through(
    p_by_month: np.ndarray, confidence: float, deadline: int, se: np.ndarray | None = None
) -> int | None:
    """How long the target holds after the deadline: the last month of the run of months
    from `deadline` whose P(target met) stays at or above `confidence`; the horizon when it
    holds throughout; None when it is not met at the deadline."""
    ok = _clear(p_by_month, confidence, se)
    if deadline >= len(ok) or not ok[deadline]:
        return None
    misses = np.flatnonzero(~ok[deadline:])
    return len(ok) - 1 if not misses.size else deadline + int(misses[0]) - 1
