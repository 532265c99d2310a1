"""Exit and hire rates per role from a monthly history; the shared exit-rate posterior.

* `rate_posterior(events, exposure)` -- **the one rule for exit rates**, used for a
  history here and for a roster in `forecasting.estimate.survival`: a Gamma-Poisson posterior
  for every count (0, 1, 4, 5, 500 exits alike; no threshold where the method changes).

  **The prior means what it says.** Its centre is its *median*: the engine's default
  attrition, 13%/yr (``EXIT_PRIOR_SOURCE``: LinkedIn 2018, `forecasting.model.params`),
  as a monthly rate r0. Its weight is stated in *exits*: Gamma(shape = k0, rate = b0)
  with k0 = ``EXIT_PRIOR_EXITS`` = 1 -- the prior counts as much as one exit observed --
  and b0 = median(Gamma(k0, 1)) / r0 (= ln 2 / r0: about 60 person-months, one exit
  in five people's year). 90% of its weight lies in 1.0-46%/yr, 5% below 1%/yr.
  The posterior is Gamma(k0 + exits, b0 + exposure); the **estimate is its median**
  and the **interval its equal-tailed quantiles**, so the per-path draws of the Monte
  Carlo (`forecasting.simulate.draws`, matched to the 5th, 50th and 95th percentiles)
  are this posterior. A team with no exits is estimated at the prior's centre when it
  has been watched briefly and lower as its exposure grows (five people, 24 months:
  4.5%/yr; the former prior, worth 12 person-months with a mean of 13%/yr, had a median
  of 0.42%/yr, 56% of its weight below 1%/yr, and gave those five people 1.3%/yr).

  Why one exit and not two: coverage. A stronger prior pulls harder toward 13%/yr;
  with two exits the 90% interval of a two-to-five-person team whose true attrition is
  30%/yr covers it 0.51-0.83 of the time over 12-36 months (0.75 on average over
  24-180 person-months); with one exit 0.76-1.00 (0.89 on average), and 0.96-1.00 at
  13%/yr. Counts are whole numbers, so coverage at a given exposure jumps around the
  nominal level (even the prior-free Jeffreys interval ranges 0.82-0.97 on these
  teams); averaged over observation windows it is nominal. See tests/test_rates.py and
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
  both divided by it, so the estimate moves little and the interval widens; never
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
from forecasting.model.params import param

_ATTRITION = param("attrition_annual")
#: The exit prior's centre, its median: the engine's default annual attrition.
EXIT_PRIOR_ANNUAL = float(_ATTRITION.value)
#: Where the exit prior's centre comes from (LinkedIn 2018, as forecasting.model.params says).
EXIT_PRIOR_SOURCE = _ATTRITION.source
#: The exit prior's weight in exits: it counts as much as one exit observed (its Gamma shape).
EXIT_PRIOR_EXITS = 1.0
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


def _check_weight(name: str, value: float, unit: str = "person-months") -> float:
    w = float(value)
    if not np.isfinite(w) or w <= 0:
        raise EstimationError(f"{name} must be > 0 {unit}, got {value!r}")
    return w


def exit_prior(prior_rate: float, prior_exits: float = EXIT_PRIOR_EXITS) -> tuple[float, float]:
    """The exit-rate prior as a Gamma (shape, rate) whose median is `prior_rate`.

    Args:
        prior_rate: the prior's centre, its median rate per person-month (> 0).
        prior_exits: its weight in exits observed: the Gamma's shape (> 0).

    Returns:
        (shape, rate): shape = prior_exits, rate = median(Gamma(prior_exits, 1)) /
        prior_rate, the prior's person-months.
    """
    from scipy import special

    return float(prior_exits), float(special.gammaincinv(prior_exits, 0.5)) / float(prior_rate)


def prior_text(
    annual: float = EXIT_PRIOR_ANNUAL,
    exits: float = EXIT_PRIOR_EXITS,
    *,
    level: float = 0.90,
    source: str | None = None,
) -> str:
    """The exit prior in words: its median, weight, interval and source.

    Args:
        annual: the prior's median annual attrition.
        exits: its weight in exits.
        level: the level of the prior interval stated.
        source: where the median comes from (default: the engine's attrition default's
            source when `annual` is that default, else "as given").

    Returns:
        e.g. "prior: median 13%/yr, worth 1 exit, 90% in 1.0-46%/yr (public figure: ...)".
    """
    from scipy import stats

    monthly = annual_to_monthly(annual)
    shape, rate = exit_prior(monthly, exits)
    tail = (1.0 - level) / 2.0
    low, high = (monthly_to_annual(q / rate) for q in stats.gamma.ppf([tail, 1 - tail], shape))
    if source is None:
        source = EXIT_PRIOR_SOURCE if annual == EXIT_PRIOR_ANNUAL else "as given"
    return (
        f"prior: median {annual:.0%}/yr, worth {exits:g} exit{'' if exits == 1 else 's'}, "
        f"{level:.0%} in {low:.1%}-{high:.0%}/yr ({source})"
    )


# --------------------------------------------------------------------------- rates


class ExitPriorText:
    """The `prior` property both estimates share: their exit prior in words."""

    prior_annual_exit: float
    prior_exits: float
    level: float

    @property
    def prior(self) -> str:
        """The exit prior in words: median, weight in exits, interval, source (`prior_text`)."""
        return prior_text(self.prior_annual_exit, self.prior_exits, level=self.level)


@dataclass(frozen=True, eq=False)
class RateEstimate(ExitPriorText):
    """Monthly exit/hire rates per role with intervals (see `estimate_rates`).

    `table` columns: role, event ("exits"|"hires"), events, exposure (person-months),
    rate_monthly, low, high, method: "posterior" (exits, `rate_posterior`: the posterior
    median and its equal-tailed interval), "glm" or "shrunk" (hires), "prior" (no exposure).
    `prior_annual_exit` is the exit prior's median and `prior_exits` its weight in exits
    (`prior_text` says both); `hire_prior_weight_months` is the hire prior's weight;
    `min_events` applies to hires only.
    """

    table: pd.DataFrame
    level: float
    prior_annual_exit: float
    prior_annual_hire: float
    prior_exits: float
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
    prior_exits: float = EXIT_PRIOR_EXITS,
    level: float = 0.90,
) -> tuple[float, float, float]:
    """Exit rate per person-month: Gamma-Poisson posterior median and interval, any count.

    Prior Gamma(shape, rate) = `exit_prior(prior_rate, prior_exits)`: median
    `prior_rate`, worth `prior_exits` exits. Posterior Gamma(shape + events, rate +
    exposure); the estimate is its median, the interval its (1 - level)/2 and
    1 - (1 - level)/2 quantiles (see the module docstring).

    Args:
        events: exits observed (may be fractional after a dispersion scaling).
        exposure: person-months at risk (>= 0; 0 gives the prior).
        prior_rate: the prior's median rate per person-month (> 0).
        prior_exits: the prior's weight in exits (> 0; default 1).
        level: interval level in (0, 1), e.g. 0.9.

    Returns:
        (median, low, high) rates per person-month, low < median < high.

    Raises:
        EstimationError: negative or non-finite events/exposure, or a non-positive
            prior rate or weight.
    """
    from scipy import special

    values = {
        "events": events,
        "exposure": exposure,
        "prior_rate": prior_rate,
        "prior_exits": prior_exits,
    }
    for name, value in values.items():
        if not np.isfinite(float(value)) or float(value) < 0:
            raise EstimationError(f"{name} must be a finite number >= 0, got {value!r}")
    if not 0.0 < float(level) < 1.0:
        raise EstimationError(f"level must be in (0, 1), e.g. 0.9, got {level!r}")
    if float(prior_rate) <= 0 or float(prior_exits) <= 0:
        raise EstimationError(
            f"the prior needs a median rate > 0 and a weight > 0 exits, got "
            f"{prior_rate!r} and {prior_exits!r}"
        )
    shape0, rate0 = exit_prior(prior_rate, prior_exits)
    shape = shape0 + float(events)
    rate = rate0 + float(exposure)
    tail = (1.0 - level) / 2.0
    low, median, high = special.gammaincinv(shape, [tail, 0.5, 1.0 - tail]) / rate
    return float(median), float(low), float(high)


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
    prior_annual_exit: float = EXIT_PRIOR_ANNUAL,
    prior_exits: float = EXIT_PRIOR_EXITS,
    prior_annual_hire: float | None = None,
    level: float = 0.90,
    min_events: int = MIN_EVENTS,
    hire_prior_weight_months: float = HIRE_PRIOR_WEIGHT_MONTHS,
) -> RateEstimate:
    """Monthly exit (and hire) rates per role from a tidy history, with intervals.

    Exposure is the start-of-month headcount (see the module docstring). Exits:
    `rate_posterior` for every count ("posterior": the posterior median and interval),
    weighed down by the dispersion
    of the monthly counts when over-dispersed. Hires: Poisson GLM with at least
    `min_events` hires ("glm"), else a Gamma posterior toward the prior ("shrunk").
    No exposure: the prior ("prior").

    Args:
        history: tidy frame month ("YYYY-MM"), role, headcount, exits [, hires].
        prior_annual_exit: the exit prior's median annual attrition (default 13%/yr,
            LinkedIn 2018: ``EXIT_PRIOR_SOURCE``).
        prior_exits: the exit prior's weight in exits (default 1).
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
    k0 = _check_weight("prior_exits", prior_exits, "exits")
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
                    n_events / phi, total / phi, prior_rate=prior, prior_exits=k0, level=level
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
        prior_exits=k0,
        min_events=int(min_events),
        hire_prior_weight_months=w_hire,
        notes=tuple(notes),
    )
