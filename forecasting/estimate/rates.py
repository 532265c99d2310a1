"""Exit and hire rates per role from a monthly history; the shared exit-rate posterior.

* `rate_posterior(events, exposure)` -- **the one rule for exit rates**, used for a
  history here and for a roster in `forecasting.estimate.survival`: a Gamma-Poisson posterior
  for every count (0, 1, 4, 5, 500 exits alike; no threshold where the method changes).
  The prior is Gamma(shape = r0 * w, rate = w): centred on r0, the monthly rate of
  the prior annual attrition (default 13%/yr, LinkedIn 2018), and worth w
  person-months of observation (default ``EXIT_PRIOR_WEIGHT_MONTHS`` = 12: one
  person watched for a year, about 0.14 exits). The posterior is
  Gamma(r0 * w + exits, w + exposure); the estimate is its mean, so each extra exit
  moves it by 1 / (w + exposure). The interval is equal-tailed: its low end the
  posterior's (1 - level)/2 quantile, its high end the 1 - (1 - level)/2 quantile of
  the posterior with one exit more -- Garwood's exact Poisson interval (Gamma(d) and
  Gamma(d + 1) quantiles) computed on the data plus the prior's pseudo-data. A count
  is discrete: a team of three at 20-30%/yr sees no exit in two years one time in
  four to eight, and the plain posterior's upper end then falls below the truth
  too often; the exact upper end keeps coverage at or a little above nominal.

  Why w = 12: a prior strong enough to matter to a small team pulls it toward
  13%/yr whatever its true rate. Over 24 months, w = 120 (the former default)
  overstated a 5%/yr rate 2.0x for three people and 1.5x for ten; w = 12 gives
  about 1.2x and 1.1x, and a 30%/yr rate 0.88x for three people. The 90% interval
  covers the truth 0.92-1.00 of the time for teams of 3, 10 and 30 at 5-30%/yr
  over 12-36 months (the former rule: 0.57-1.00); see tests/test_rates.py and
  benchmarks/bench_attrition.py.

* `estimate_rates(history)` -- per role, monthly exits (and hires when the history
  has them) over **start-of-month headcount** exposure (the previous month's end
  headcount), because the engine draws exits ~ Binomial(N_start, p) and new starts
  only join at the end of a month: events / start-of-month person-months is then
  exactly the engine's monthly probability p. The first month of a role has no
  previous row; its start headcount is rebuilt as ``headcount - hires + exits``
  when both flow columns exist, otherwise that month is left out. Months with zero
  exposure carry no person-months and are left out too.

  Exits: `rate_posterior`, its data weighed down by the Pearson dispersion of the
  monthly counts when they are over-dispersed (a layoff month: exits and exposure
  both divided by it, so the mean moves little and the interval widens; never
  narrowed). Hires: a Poisson GLM (log-exposure offset, Wald interval widened by
  the dispersion) with at least ``MIN_EVENTS`` hires, otherwise a Gamma posterior
  toward the prior worth ``HIRE_PRIOR_WEIGHT_MONTHS``; hiring pace is an input
  to plans, not a rare event (forecasting.plan.policies.hiring_pace reads it).
  With no exposure at all a row is the **prior** itself.

Tenure-based attrition from a roster lives in `forecasting.estimate.survival`.
statsmodels and scipy are imported inside the functions: importing this module
is cheap.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import role_order, validate_history
from forecasting.model.errors import EstimationError

#: Prior weight of the exit-rate posterior, in person-months (one person for a year).
EXIT_PRIOR_WEIGHT_MONTHS = 12.0
#: Extra events in the upper end of the exit-rate interval (Garwood's exact upper limit).
UPPER_EXTRA_EVENTS = 1.0
#: Hires only: fewer hires than this (per role) -> shrunk toward the prior.
MIN_EVENTS = 5
#: Hires only: prior weight of the shrunk estimate, in person-months (ten people, a year).
HIRE_PRIOR_WEIGHT_MONTHS = 120.0
#: Average month length in days, for tenure and exposure in months.
DAYS_PER_MONTH = 365.25 / 12

_TABLE_COLUMNS = [
    "role",
    "event",
    "events",
    "exposure",
    "rate_monthly",
    "low",
    "high",
    "method",
]


# --------------------------------------------------------------------------- helpers


def annual_to_monthly(annual: float) -> float:
    """Convert an annual attrition probability to the engine's monthly probability.

    Args:
        annual: probability of leaving within a year, in [0, 1).

    Returns:
        1 - (1 - annual) ** (1/12).
    """
    return 1.0 - (1.0 - annual) ** (1.0 / 12.0)


def monthly_to_annual(monthly: float) -> float:
    """Convert a monthly exit probability to an annual one: 1 - (1 - m) ** 12.

    Args:
        monthly: monthly probability (values outside [0, 1] are clipped).

    Returns:
        The annual probability, in [0, 1].
    """
    m = min(max(float(monthly), 0.0), 1.0)
    return 1.0 - (1.0 - m) ** 12


def _check_fraction(name: str, value: float, *, closed_high: bool = False) -> float:
    v = float(value)
    ok = 0.0 < v <= 1.0 if closed_high else 0.0 <= v < 1.0
    if not np.isfinite(v) or not ok:
        interval = "(0, 1]" if closed_high else "[0, 1)"
        raise EstimationError(f"{name} must be in {interval}, got {value!r}")
    return v


def _check_weight(name: str, value: float) -> float:
    w = float(value)
    if not np.isfinite(w) or w <= 0:
        raise EstimationError(f"{name} must be > 0 person-months, got {value!r}")
    return w


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True, eq=False)
class RateEstimate:
    """Monthly exit/hire rates per role with intervals (see `estimate_rates`).

    `table` columns: role, event ("exits"|"hires"), events, exposure (person-months),
    rate_monthly, low, high, method: "posterior" (exits, `rate_posterior`), "glm" or
    "shrunk" (hires), "prior" (no exposure).
    `prior_weight_months` is the exit prior's weight, `hire_prior_weight_months` the
    hire prior's; `min_events` applies to hires only.
    """

    table: pd.DataFrame
    level: float
    prior_annual_exit: float
    prior_annual_hire: float
    prior_weight_months: float
    min_events: int = MIN_EVENTS
    hire_prior_weight_months: float = HIRE_PRIOR_WEIGHT_MONTHS
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> list[str]:
        """Roles with an estimate, in canonical order."""
        return role_order(self.table["role"].unique())

    def _row(self, role: Any, event: str) -> pd.Series | None:
        key = str(role)
        rows = self.table[(self.table["role"] == key) & (self.table["event"] == event)]
        if rows.empty:
            if key not in set(self.table["role"]):
                raise EstimationError(
                    f"no rate estimated for role {key!r}; roles in the history: "
                    f"{', '.join(self.roles)}"
                )
            return None
        return rows.iloc[0]

    def exits(self, role: Any) -> tuple[float, float, float]:
        """Monthly exit probability for a role.

        Args:
            role: a role key or Role.

        Returns:
            (rate, low, high), monthly, `level` interval.
        """
        row = self._row(role, "exits")
        assert row is not None  # exits are always estimated
        return float(row["rate_monthly"]), float(row["low"]), float(row["high"])

    def hires(self, role: Any) -> tuple[float, float, float] | None:
        """Monthly hires per head for a role, or None when the history has no hires.

        Args:
            role: a role key or Role.

        Returns:
            (rate, low, high) monthly, or None.
        """
        row = self._row(role, "hires")
        if row is None:
            return None
        return float(row["rate_monthly"]), float(row["low"]), float(row["high"])

    def annual_attrition(self, role: Any) -> tuple[float, float, float]:
        """Annual attrition for a role, 1 - (1 - m) ** 12 applied to the monthly rate.

        Args:
            role: a role key or Role.

        Returns:
            (mid, low, high) annual probabilities; usable as the engine's
            attrition interval [low, high] around mid.
        """
        mid, low, high = self.exits(role)
        return monthly_to_annual(mid), monthly_to_annual(low), monthly_to_annual(high)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-friendly rates per role.

        Returns:
            {role: {exits_monthly, exits_low, exits_high, hires_monthly, hires_low,
            hires_high, method, hires_method}} with plain floats; hires_* and
            hires_method are None when the history has no hires column. `method`
            is the exit estimate's method.
        """
        out: dict[str, dict[str, Any]] = {}
        for role in self.roles:
            e = self._row(role, "exits")
            h = self._row(role, "hires")
            assert e is not None  # every role of the estimate has an exit row
            out[role] = {
                "exits_monthly": float(e["rate_monthly"]),
                "exits_low": float(e["low"]),
                "exits_high": float(e["high"]),
                "hires_monthly": None if h is None else float(h["rate_monthly"]),
                "hires_low": None if h is None else float(h["low"]),
                "hires_high": None if h is None else float(h["high"]),
                "method": str(e["method"]),
                "hires_method": None if h is None else str(h["method"]),
            }
        return out


def exposure_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Per (role, month): start-of-month exposure; rows without one are dropped."""
    has_flows = "hires" in df.columns and "exits" in df.columns
    out = df.copy()
    start = out.groupby("role", sort=False)["headcount"].shift(1)
    if has_flows:
        first = ~out["role"].duplicated()  # validate_history sorts by role, then month
        rebuilt = out["headcount"] - out["hires"] + out["exits"]
        start = start.where(~first, rebuilt.where(rebuilt >= 0))
    out["exposure"] = start
    return out[out["exposure"].notna() & (out["exposure"] > 0)]


def _glm_rate(events: np.ndarray, exposure: np.ndarray, z: float) -> tuple[float, float, float]:
    """Intercept-only Poisson GLM with log(exposure) offset; quasi-Poisson widening."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    exog = np.ones((events.size, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = GLM(
            events.astype(float),
            exog,
            family=families.Poisson(),
            offset=np.log(exposure.astype(float)),
        ).fit()
    beta = float(np.asarray(res.params)[0])
    se = float(np.asarray(res.bse)[0])
    df_resid = float(res.df_resid)
    if df_resid > 0:
        dispersion = float(res.pearson_chi2) / df_resid
        se *= np.sqrt(max(1.0, dispersion))
    if not (np.isfinite(beta) and np.isfinite(se)):
        raise EstimationError("Poisson GLM did not converge")  # caught: falls back to shrinkage
    return float(np.exp(beta)), float(np.exp(beta - z * se)), float(np.exp(beta + z * se))


def _gamma_rate(
    events: float, exposure: float, prior_monthly: float, weight: float, level: float
) -> tuple[float, float, float]:
    """Gamma-Poisson posterior mean and equal-tailed interval (hires' shrunk estimate)."""
    from scipy import stats

    shape = prior_monthly * weight + events
    rate = weight + exposure
    tail = (1.0 - level) / 2.0
    dist = stats.gamma(a=shape, scale=1.0 / rate)
    return float(shape / rate), float(dist.ppf(tail)), float(dist.ppf(1.0 - tail))


def rate_posterior(
    events: float,
    exposure: float,
    *,
    prior_rate: float,
    weight: float = EXIT_PRIOR_WEIGHT_MONTHS,
    level: float = 0.90,
) -> tuple[float, float, float]:
    """Exit rate per person-month: Gamma-Poisson posterior mean and interval, any count.

    Prior Gamma(shape = prior_rate * weight, rate = weight), posterior
    Gamma(shape + events, weight + exposure). The low end is the posterior's
    (1 - level)/2 quantile; the high end the 1 - (1 - level)/2 quantile of the
    posterior with ``UPPER_EXTRA_EVENTS`` (one) exit more -- Garwood's exact upper
    limit for a discrete count (see the module docstring).

    Args:
        events: exits observed (may be fractional after a dispersion scaling).
        exposure: person-months at risk (>= 0; 0 gives the prior).
        prior_rate: the prior's mean rate per person-month (> 0).
        weight: the prior's strength in person-months (default 12).
        level: interval level in (0, 1), e.g. 0.9.

    Returns:
        (mean, low, high) rates per person-month, low < mean < high.

    Raises:
        EstimationError: negative or non-finite events/exposure, or a non-positive
            prior rate or weight.
    """
    from scipy import stats

    values = {"events": events, "exposure": exposure, "prior_rate": prior_rate, "weight": weight}
    for name, value in values.items():
        if not np.isfinite(float(value)) or float(value) < 0:
            raise EstimationError(f"{name} must be a finite number >= 0, got {value!r}")
    if not 0.0 < float(level) < 1.0:
        raise EstimationError(f"level must be in (0, 1), e.g. 0.9, got {level!r}")
    if float(prior_rate) <= 0 or float(weight) <= 0:
        raise EstimationError(
            f"the prior needs a rate > 0 and a weight > 0 person-months, got "
            f"{prior_rate!r} and {weight!r}"
        )
    shape = float(prior_rate) * float(weight) + float(events)
    rate = float(weight) + float(exposure)
    tail = (1.0 - level) / 2.0
    low = stats.gamma.ppf(tail, shape, scale=1.0 / rate)
    high = stats.gamma.ppf(1.0 - tail, shape + UPPER_EXTRA_EVENTS, scale=1.0 / rate)
    return shape / rate, float(low), float(high)


def dispersion(events: np.ndarray, exposure: np.ndarray) -> float:
    """Pearson dispersion of monthly counts around one constant rate, at least 1.

    Args:
        events: events per month.
        exposure: person-months per month (> 0).

    Returns:
        max(1, chi2 / (months - 1)), chi2 = sum((events - r * exposure)^2 / (r * exposure))
        with r = sum(events) / sum(exposure); 1 with fewer than two months or no events.
    """
    events = np.asarray(events, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    total = float(events.sum())
    if events.size < 2 or total <= 0:
        return 1.0
    expected = exposure * (total / float(exposure.sum()))
    chi2 = float(np.sum((events - expected) ** 2 / expected))
    return max(1.0, chi2 / (events.size - 1))


def estimate_rates(
    history: pd.DataFrame,
    *,
    prior_annual_exit: float = 0.13,
    prior_weight_months: float = EXIT_PRIOR_WEIGHT_MONTHS,
    prior_annual_hire: float | None = None,
    level: float = 0.90,
    min_events: int = MIN_EVENTS,
    hire_prior_weight_months: float = HIRE_PRIOR_WEIGHT_MONTHS,
) -> RateEstimate:
    """Monthly exit (and hire) rates per role from a tidy history, with intervals.

    Exposure is the start-of-month headcount (see the module docstring). Exits:
    `rate_posterior` for every count ("posterior"), weighed down by the dispersion
    of the monthly counts when over-dispersed. Hires: Poisson GLM with at least
    `min_events` hires ("glm"), else a Gamma posterior toward the prior ("shrunk").
    No exposure: the prior ("prior").

    Args:
        history: tidy frame month ("YYYY-MM"), role, headcount, exits [, hires].
        prior_annual_exit: prior annual attrition (default 13%/yr, LinkedIn 2018).
        prior_weight_months: the exit prior's weight in person-months (default 12).
        prior_annual_hire: prior annual hires per head; default = prior_annual_exit
            (replacement hiring keeps a team stable).
        level: interval level (default 0.90).
        min_events: hires needed for the hire GLM (default 5).
        hire_prior_weight_months: the hire prior's weight (default 120).

    Returns:
        A RateEstimate; `table` has columns role, event, events, exposure,
        rate_monthly, low, high, method.

    Raises:
        EstimationError: invalid history or parameters.
    """
    from scipy import stats

    level = _check_fraction("level", level)
    if level == 0:
        raise EstimationError("level must be in (0, 1), e.g. 0.9")
    prior_annual_exit = _check_fraction("prior_annual_exit", prior_annual_exit)
    prior_annual_hire = (
        prior_annual_exit
        if prior_annual_hire is None
        else _check_fraction("prior_annual_hire", prior_annual_hire)
    )
    w = _check_weight("prior_weight_months", prior_weight_months)
    w_hire = _check_weight("hire_prior_weight_months", hire_prior_weight_months)
    if int(min_events) < 1:
        raise EstimationError(f"min_events must be >= 1, got {min_events!r}")
    if isinstance(history, pd.DataFrame) and "exits" not in history.columns:
        raise EstimationError(
            "history has no exits column; exit rates need monthly exit counts "
            "(month, role, headcount, exits[, hires])"
        )

    df = validate_history(history, require=("exits",))
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    priors = {
        "exits": annual_to_monthly(prior_annual_exit),
        "hires": annual_to_monthly(prior_annual_hire),
    }
    events_kinds = ["exits"] + (["hires"] if "hires" in df.columns else [])
    exposed = exposure_frame(df)
    notes: list[str] = []

    rows = []
    groups = dict(tuple(exposed.groupby("role", sort=False)))
    for role in role_order(df["role"].unique()):
        g = groups.get(role, exposed.iloc[:0])
        exposure = g["exposure"].to_numpy(dtype=float)
        for kind in events_kinds:
            counts = g[kind].to_numpy(dtype=float)
            n_events = int(counts.sum())
            total = float(exposure.sum())
            prior = priors[kind]
            if kind == "exits":
                phi = dispersion(counts, exposure) if total > 0 else 1.0
                rate, low, high = rate_posterior(
                    n_events / phi, total / phi, prior_rate=prior, weight=w, level=level
                )
                method = "posterior" if total > 0 else "prior"
                if phi > 1.0:
                    notes.append(
                        f"{role} exits: monthly counts vary more than a constant rate "
                        f"explains (dispersion {phi:.1f}); interval widened"
                    )
            elif total <= 0:
                rate, low, high = _gamma_rate(0, 0.0, prior, w_hire, level)
                method = "prior"
            elif n_events >= min_events:
                try:
                    rate, low, high = _glm_rate(counts, exposure, z)
                    method = "glm"
                except EstimationError:
                    rate, low, high = _gamma_rate(n_events, total, prior, w_hire, level)
                    method = "shrunk"
                    notes.append(f"{role} {kind}: GLM failed; shrunk estimate used")
            else:
                rate, low, high = _gamma_rate(n_events, total, prior, w_hire, level)
                method = "shrunk"
            if total <= 0:
                notes.append(f"{role} {kind}: no months with a start headcount; prior used")
            rows.append(
                {
                    "role": role,
                    "event": kind,
                    "events": n_events,
                    "exposure": total,
                    "rate_monthly": rate,
                    "low": low,
                    "high": high,
                    "method": method,
                }
            )
    table = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
    return RateEstimate(
        table=table,
        level=level,
        prior_annual_exit=prior_annual_exit,
        prior_annual_hire=prior_annual_hire,
        prior_weight_months=w,
        min_events=int(min_events),
        hire_prior_weight_months=w_hire,
        notes=tuple(notes),
    )
