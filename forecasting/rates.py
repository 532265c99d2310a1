"""Exit and hire rates from a monthly history, and tenure-based attrition from a roster.

Two estimators, both statsmodels-based:

* `estimate_rates(history)` -- per role, a Poisson GLM of monthly event counts
  (exits, and hires when the history has them) with log(exposure) as offset.
  **Exposure is the start-of-month headcount** (the previous month's end
  headcount), because the engine draws exits ~ Binomial(N_start, p) and new
  starts only join at the end of a month: events / start-of-month person-months
  is then exactly the engine's monthly probability p. The first month of a role
  has no previous row; its start headcount is rebuilt as
  ``headcount - hires + exits`` when both flow columns exist, otherwise that
  month is left out. Months with zero exposure carry no person-months and are
  left out too (their events are people who joined and left within the month).

  Rule: a role/event with at least ``MIN_EVENTS`` (5) events gets the GLM
  estimate with a Wald interval on the log scale, widened by the Pearson
  dispersion when the data are over-dispersed (quasi-Poisson; never narrowed).
  With fewer events the rate is **shrunk** toward a prior: a Gamma-Poisson
  conjugate posterior, Gamma(shape = m0 * w, rate = w) prior with m0 the prior
  annual rate converted to monthly and w the prior weight in person-months,
  updated to Gamma(m0 * w + events, w + exposure); mean and equal-tailed
  interval. With no exposure at all the row is the **prior** itself. So a role
  with zero exits gets a small positive rate, never exp(-24).

* `roster_survival(roster)` -- tenure in months per person, Kaplan-Meier per
  role (`SurvfuncRight`), annual attrition of a new cohort = 1 - S(12 months)
  with a pointwise log-log interval, and a Cox model (`PHReg`, tenure as the
  time scale, role indicators) when there are enough events.

statsmodels and scipy are imported inside the functions: importing this module
is cheap.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.errors import EstimationError
from forecasting.roles import ROLE_KEYS

#: Fewer events than this (per role and event kind) -> shrunk toward the prior.
MIN_EVENTS = 5
#: Default prior weight: 120 person-months, i.e. the prior counts like ten people
#: observed for a year (about 1.4 exits at 13%/yr).
DEFAULT_PRIOR_WEIGHT_MONTHS = 120.0
#: Average month length in days, for tenure in months.
DAYS_PER_MONTH = 365.25 / 12
#: Cox model only with at least this many events and two roles with events.
COX_MIN_EVENTS = 10

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
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


def _role_order(roles: Any) -> list[str]:
    """Known role keys in canonical order, then any other labels sorted."""
    present = {str(r) for r in roles}
    known = [r for r in ROLE_KEYS if r in present]
    return known + sorted(present - set(known))


def _check_fraction(name: str, value: float, *, closed_high: bool = False) -> float:
    v = float(value)
    ok = 0.0 < v <= 1.0 if closed_high else 0.0 <= v < 1.0
    if not np.isfinite(v) or not ok:
        interval = "(0, 1]" if closed_high else "[0, 1)"
        raise EstimationError(f"{name} must be in {interval}, got {value!r}")
    return v


def validate_history(history: pd.DataFrame, *, require: tuple[str, ...] = ()) -> pd.DataFrame:
    """Check a tidy monthly history frame and return a clean, sorted copy.

    Args:
        history: columns month ("YYYY-MM"), role, headcount [, hires, exits].
        require: optional columns that must be present as well (e.g. ("exits",)).

    Returns:
        A copy sorted by role and month, with a `period` column (pandas Period, M),
        numeric headcount (float) and integer hires/exits when present.

    Raises:
        EstimationError: missing columns, bad months, negative or missing
            values, duplicated (month, role) rows or gaps in a role's months.
    """
    if not isinstance(history, pd.DataFrame):
        raise EstimationError("history must be a pandas DataFrame with month, role, headcount")
    needed = ["month", "role", "headcount", *require]
    missing = [c for c in needed if c not in history.columns]
    if missing:
        raise EstimationError(
            f"history is missing column(s) {', '.join(missing)}; "
            "expected month (YYYY-MM), role, headcount[, hires, exits]"
        )
    if history.empty:
        raise EstimationError("history has no rows; give at least one month per role")

    df = history.copy()
    df = df.reset_index(drop=True)

    months = df["month"]
    if pd.api.types.is_datetime64_any_dtype(months) or isinstance(months.dtype, pd.PeriodDtype):
        periods = pd.PeriodIndex(months, freq="M")
        if periods.isna().any():
            row = int(np.flatnonzero(periods.isna())[0])
            raise EstimationError(f"month: missing value in row {row}; use YYYY-MM")
    else:
        text = months.astype("string").str.strip()
        bad = ~text.fillna("").str.match(_MONTH_RE)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise EstimationError(
                f"month: {months.iloc[row]!r} in row {row} is not a month; use YYYY-MM"
            )
        periods = pd.PeriodIndex(text.to_numpy(dtype=object), freq="M")
    df["period"] = periods
    df["month"] = periods.strftime("%Y-%m")

    role = df["role"]
    if role.isna().any() or (role.astype(str).str.strip() == "").any():
        row = int(
            np.flatnonzero((role.isna() | (role.astype(str).str.strip() == "")).to_numpy())[0]
        )
        raise EstimationError(f"role: empty value in row {row}; every row needs a role key")
    df["role"] = role.astype(str).str.strip()

    count_cols = ["headcount"] + [c for c in ("hires", "exits") if c in df.columns]
    for col in count_cols:
        values = pd.to_numeric(df[col], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise EstimationError(
                f"{col}: {df[col].iloc[row]!r} in row {row} is not a number; "
                "use a non-negative count"
            )
        arr = values.to_numpy(dtype=float)
        if not np.isfinite(arr).all():
            row = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise EstimationError(f"{col}: non-finite value in row {row}")
        if (arr < 0).any():
            row = int(np.flatnonzero(arr < 0)[0])
            raise EstimationError(
                f"{col}: negative value {arr[row]:g} in row {row}; counts must be >= 0"
            )
        if col != "headcount":
            if not np.allclose(arr, np.round(arr)):
                row = int(np.flatnonzero(~np.isclose(arr, np.round(arr)))[0])
                raise EstimationError(
                    f"{col}: {arr[row]:g} in row {row} is not a whole number of people"
                )
            df[col] = np.round(arr).astype(np.int64)
        else:
            df[col] = arr

    dup = df.duplicated(["role", "month"], keep=False)
    if dup.any():
        first = df.loc[dup].iloc[0]
        raise EstimationError(
            f"history has more than one row for role {first['role']!r} in month "
            f"{first['month']}; give one row per (month, role)"
        )

    df = df.sort_values(["role", "period"], kind="stable").reset_index(drop=True)
    for r, g in df.groupby("role", sort=False):
        ordinals = np.array([p.ordinal for p in g["period"]])
        gaps = np.flatnonzero(np.diff(ordinals) != 1)
        if gaps.size:
            i = int(gaps[0])
            raise EstimationError(
                f"history for role {r!r} jumps from {g['month'].iloc[i]} to "
                f"{g['month'].iloc[i + 1]}; months must be contiguous (add the missing "
                "months with their headcount)"
            )
    return df


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True, eq=False)
class RateEstimate:
    """Monthly exit/hire rates per role with intervals (see `estimate_rates`).

    `table` columns: role, event ("exits"|"hires"), events, exposure (person-months),
    rate_monthly, low, high, method ("glm"|"shrunk"|"prior").
    """

    table: pd.DataFrame
    level: float
    prior_annual_exit: float
    prior_annual_hire: float
    prior_weight_months: float
    min_events: int = MIN_EVENTS
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> list[str]:
        """Roles with an estimate, in canonical order."""
        return _role_order(self.table["role"].unique())

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


def _exposure_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Per (role, month): start-of-month exposure; rows without one are dropped."""
    has_flows = "hires" in df.columns and "exits" in df.columns
    parts = []
    for _, g in df.groupby("role", sort=False):
        g = g.copy()
        start = g["headcount"].shift(1)
        if has_flows:
            rebuilt = g["headcount"].iloc[0] - g["hires"].iloc[0] + g["exits"].iloc[0]
            start.iloc[0] = rebuilt if rebuilt >= 0 else np.nan
        g["exposure"] = start
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
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
    """Gamma-Poisson posterior mean and equal-tailed interval for a monthly rate."""
    from scipy import stats

    shape = prior_monthly * weight + events
    rate = weight + exposure
    tail = (1.0 - level) / 2.0
    dist = stats.gamma(a=shape, scale=1.0 / rate)
    return float(shape / rate), float(dist.ppf(tail)), float(dist.ppf(1.0 - tail))


def estimate_rates(
    history: pd.DataFrame,
    *,
    prior_annual_exit: float = 0.13,
    prior_weight_months: float = DEFAULT_PRIOR_WEIGHT_MONTHS,
    prior_annual_hire: float | None = None,
    level: float = 0.90,
    min_events: int = MIN_EVENTS,
) -> RateEstimate:
    """Monthly exit (and hire) rates per role from a tidy history, with intervals.

    Exposure is the start-of-month headcount (see the module docstring). Roles with
    at least `min_events` events: Poisson GLM ("glm"); fewer: Gamma-Poisson
    posterior shrunk toward the prior ("shrunk"); no exposure: the prior ("prior").

    Args:
        history: tidy frame month ("YYYY-MM"), role, headcount, exits [, hires].
        prior_annual_exit: prior annual attrition (default 13%/yr, LinkedIn 2018).
        prior_weight_months: prior weight in person-months (default 120).
        prior_annual_hire: prior annual hires per head; default = prior_annual_exit
            (replacement hiring keeps a team stable).
        level: interval level (default 0.90).
        min_events: events needed for the GLM estimate (default 5).

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
    w = float(prior_weight_months)
    if not np.isfinite(w) or w <= 0:
        raise EstimationError(
            f"prior_weight_months must be > 0 person-months, got {prior_weight_months!r}"
        )
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
    exposed = _exposure_frame(df)
    notes: list[str] = []

    rows = []
    for role in _role_order(df["role"].unique()):
        g = exposed[exposed["role"] == role]
        exposure = g["exposure"].to_numpy(dtype=float)
        for kind in events_kinds:
            counts = g[kind].to_numpy(dtype=float)
            n_events = int(counts.sum())
            total = float(exposure.sum())
            prior = priors[kind]
            if total <= 0:
                rate, low, high = _gamma_rate(0, 0.0, prior, w, level)
                method = "prior"
                notes.append(f"{role} {kind}: no months with a start headcount; prior used")
            elif n_events >= min_events:
                try:
                    rate, low, high = _glm_rate(counts, exposure, z)
                    method = "glm"
                except EstimationError:
                    rate, low, high = _gamma_rate(n_events, total, prior, w, level)
                    method = "shrunk"
                    notes.append(f"{role} {kind}: GLM failed; shrunk estimate used")
            else:
                rate, low, high = _gamma_rate(n_events, total, prior, w, level)
                method = "shrunk"
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
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- survival


@dataclass(frozen=True, eq=False)
class SurvivalEstimate:
    """Tenure-based attrition per role (see `roster_survival`).

    `table`: role, n, events, annual_attrition, low, high, method ("km"|"shrunk"|"prior").
    `curves`: role, tenure_months, survival, low, high (KM step points, for a chart).
    `cox`: role, hazard_ratio, low, high, reference (bool) -- or None (see `note`).
    """

    table: pd.DataFrame
    curves: pd.DataFrame
    cox: pd.DataFrame | None
    note: str
    as_of: pd.Timestamp
    level: float

    def annual_attrition(self, role: Any) -> tuple[float, float, float]:
        """Annual attrition of a new cohort for a role, from the table.

        Args:
            role: a role key or Role.

        Returns:
            (mid, low, high) annual probabilities.
        """
        rows = self.table[self.table["role"] == str(role)]
        if rows.empty:
            raise EstimationError(
                f"no survival estimate for role {str(role)!r}; roles in the roster: "
                f"{', '.join(self.table['role'])}"
            )
        r = rows.iloc[0]
        return float(r["annual_attrition"]), float(r["low"]), float(r["high"])

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-friendly {role: {annual, low, high, method, n, events}}."""
        return {
            str(r.role): {
                "annual": float(r.annual_attrition),
                "low": float(r.low),
                "high": float(r.high),
                "method": str(r.method),
                "n": int(r.n),
                "events": int(r.events),
            }
            for r in self.table.itertuples(index=False)
        }


def _to_datetime(values: pd.Series, col: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        try:
            out = pd.to_datetime(values, errors="raise")
        except (ValueError, TypeError) as exc:
            raise EstimationError(
                f"roster column {col}: values are not dates ({exc}); use datetime64 or ISO dates"
            ) from None
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def _validate_roster(roster: pd.DataFrame, as_of: Any) -> tuple[pd.DataFrame, pd.Timestamp, int]:
    if not isinstance(roster, pd.DataFrame):
        raise EstimationError("roster must be a pandas DataFrame with role, start, end")
    missing = [c for c in ("role", "start") if c not in roster.columns]
    if missing:
        raise EstimationError(
            f"roster is missing column(s) {', '.join(missing)}; expected role, start, end "
            "(end empty/NaT while still employed)"
        )
    if roster.empty:
        raise EstimationError("roster has no rows; give one row per person")
    df = pd.DataFrame({"role": roster["role"].reset_index(drop=True)})
    bad_role = df["role"].isna() | (df["role"].astype(str).str.strip() == "")
    if bad_role.any():
        raise EstimationError(
            f"roster role: empty value in row {int(np.flatnonzero(bad_role.to_numpy())[0])}"
        )
    df["role"] = df["role"].astype(str).str.strip()
    df["start"] = _to_datetime(roster["start"].reset_index(drop=True), "start")
    if "end" in roster.columns:
        df["end"] = _to_datetime(roster["end"].reset_index(drop=True), "end")
    else:
        df["end"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    if df["start"].isna().any():
        row = int(np.flatnonzero(df["start"].isna().to_numpy())[0])
        raise EstimationError(f"roster start: missing date in row {row}; every person needs one")
    before = df["end"].notna() & (df["end"] < df["start"])
    if before.any():
        row = int(np.flatnonzero(before.to_numpy())[0])
        raise EstimationError(
            f"roster row {row}: end {df['end'].iloc[row].date()} is before start "
            f"{df['start'].iloc[row].date()}; fix or clear the end date"
        )
    if as_of is None:
        as_of_ts = max(df["start"].max(), df["end"].max() if df["end"].notna().any() else pd.NaT)
    else:
        try:
            as_of_ts = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            raise EstimationError(f"as_of: {as_of!r} is not a date; use YYYY-MM-DD") from None
        if as_of_ts.tzinfo is not None:
            as_of_ts = as_of_ts.tz_localize(None)
    future = df["start"] > as_of_ts
    n_future = int(future.sum())
    df = df.loc[~future].reset_index(drop=True)
    if df.empty:
        raise EstimationError(
            f"nobody in the roster started on or before the as-of date {as_of_ts.date()}"
        )
    return df, as_of_ts, n_future


def _km_interval(s: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log-log (Kalbfleisch-Prentice) interval; degenerate at S in {0, 1}."""
    low = s.copy()
    high = s.copy()
    ok = (s > 0) & (s < 1) & (se > 0)
    log_s = np.log(s[ok])
    v = se[ok] / (s[ok] * np.abs(log_s))
    # S < 1, so a larger exponent gives a smaller survival: exp(+z v) is the low end.
    low[ok] = s[ok] ** np.exp(z * v)
    high[ok] = s[ok] ** np.exp(-z * v)
    return low, high


def roster_survival(
    roster: pd.DataFrame,
    *,
    as_of: Any = None,
    prior_annual_exit: float = 0.13,
    prior_weight_months: float = DEFAULT_PRIOR_WEIGHT_MONTHS,
    level: float = 0.90,
    min_events: int = MIN_EVENTS,
) -> SurvivalEstimate:
    """Tenure-based annual attrition per role from a roster (Kaplan-Meier, Cox).

    Tenure runs from start to end, or to `as_of` for people still employed (an end
    after as_of counts as still employed; people starting after as_of are left out).
    Per role: "km" when at least `min_events` exits happened within the first 12
    months of tenure and the curve is observed up to 12 months -- annual attrition
    1 - S(12) with a pointwise log-log interval; otherwise "shrunk": a constant
    monthly hazard from exits / person-months with the same Gamma prior as
    `estimate_rates`, annual = 1 - exp(-12 * hazard). Cox PHReg (role indicators,
    reference = the role with most exits) needs >= 10 exits and >= 2 roles with exits;
    roles without exits are left out of it.

    Args:
        roster: one row per person: role, start (datetime64), end (datetime64, NaT
            while employed). A missing end column means nobody left.
        as_of: the date the roster describes; default the latest start/end date.
        prior_annual_exit: prior annual attrition for shrinkage (default 0.13).
        prior_weight_months: prior weight in person-months (default 120).
        level: interval level (default 0.90).
        min_events: exits within 12 months of tenure needed for the KM estimate.

    Returns:
        A SurvivalEstimate with `table`, `curves`, `cox` (or None) and `note`.

    Raises:
        EstimationError: missing columns, missing start dates, end before start.
    """
    from scipy import stats
    from statsmodels.duration.survfunc import SurvfuncRight

    level = _check_fraction("level", level)
    if level == 0:
        raise EstimationError("level must be in (0, 1), e.g. 0.9")
    prior_annual_exit = _check_fraction("prior_annual_exit", prior_annual_exit)
    w = float(prior_weight_months)
    if not np.isfinite(w) or w <= 0:
        raise EstimationError(
            f"prior_weight_months must be > 0 person-months, got {prior_weight_months!r}"
        )
    df, as_of_ts, n_future = _validate_roster(roster, as_of)
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    prior_monthly = annual_to_monthly(prior_annual_exit)
    # Constant hazard whose monthly exit probability equals the prior's.
    prior_hazard = -np.log1p(-prior_monthly)

    event = df["end"].notna() & (df["end"] <= as_of_ts)
    stop = df["end"].where(event, as_of_ts)
    df["tenure"] = (stop - df["start"]).dt.days.to_numpy(dtype=float) / DAYS_PER_MONTH
    df["event"] = event.astype(int)

    notes: list[str] = []
    if n_future:
        notes.append(f"{n_future} people starting after {as_of_ts.date()} left out")

    table_rows = []
    curve_rows = []
    for role in _role_order(df["role"].unique()):
        g = df[df["role"] == role]
        t = g["tenure"].to_numpy()
        d = g["event"].to_numpy()
        n, n_events = int(len(g)), int(d.sum())
        person_months = float(t.sum())
        events_12 = int(((t <= 12.0) & (d == 1)).sum())

        if n_events:
            sf = SurvfuncRight(t, d)
            times = np.asarray(sf.surv_times, dtype=float)
            surv = np.asarray(sf.surv_prob, dtype=float)
            se = np.nan_to_num(np.asarray(sf.surv_prob_se, dtype=float))
        else:
            times = surv = se = np.array([], dtype=float)
        lo, hi = _km_interval(surv, se, z)
        pts_t = np.concatenate([[0.0], times])
        pts_s = np.concatenate([[1.0], surv])
        pts_lo = np.concatenate([[1.0], lo])
        pts_hi = np.concatenate([[1.0], hi])
        t_max = float(t.max())
        if t_max > pts_t[-1]:  # carry the curve to the end of follow-up
            pts_t = np.append(pts_t, t_max)
            pts_s = np.append(pts_s, pts_s[-1])
            pts_lo = np.append(pts_lo, pts_lo[-1])
            pts_hi = np.append(pts_hi, pts_hi[-1])
        curve_rows.append(
            pd.DataFrame(
                {
                    "role": role,
                    "tenure_months": pts_t,
                    "survival": pts_s,
                    "low": pts_lo,
                    "high": pts_hi,
                }
            )
        )

        # Observed up to 12 months: someone still at risk at 12, or the curve hit 0.
        observed_12 = bool((t >= 12.0).any()) or (surv.size > 0 and surv[-1] == 0.0)
        if events_12 >= min_events and observed_12:
            i = np.searchsorted(times, 12.0, side="right") - 1
            s12, s_lo, s_hi = (1.0, 1.0, 1.0) if i < 0 else (surv[i], lo[i], hi[i])
            annual, low, high = 1.0 - s12, 1.0 - s_hi, 1.0 - s_lo
            method = "km"
        elif person_months > 0:
            # Gamma posterior on the monthly hazard, prior mean = prior_hazard.
            shape = prior_hazard * w + n_events
            rate = w + person_months
            tail = (1.0 - level) / 2.0
            dist = stats.gamma(a=shape, scale=1.0 / rate)
            haz = np.array([shape / rate, dist.ppf(tail), dist.ppf(1.0 - tail)])
            annual, low, high = (float(v) for v in -np.expm1(-12.0 * haz))
            method = "shrunk"
        else:
            shape, rate = prior_hazard * w, w
            tail = (1.0 - level) / 2.0
            dist = stats.gamma(a=shape, scale=1.0 / rate)
            haz = np.array([shape / rate, dist.ppf(tail), dist.ppf(1.0 - tail)])
            annual, low, high = (float(v) for v in -np.expm1(-12.0 * haz))
            method = "prior"
        table_rows.append(
            {
                "role": role,
                "n": n,
                "events": n_events,
                "annual_attrition": float(annual),
                "low": float(low),
                "high": float(high),
                "method": method,
            }
        )

    table = pd.DataFrame(
        table_rows, columns=["role", "n", "events", "annual_attrition", "low", "high", "method"]
    )
    curves = pd.concat(curve_rows, ignore_index=True)
    shrunk = table.loc[table["method"] != "km", "role"].tolist()
    if shrunk:
        notes.append(
            f"{', '.join(shrunk)}: fewer than {min_events} exits within 12 months of tenure "
            "(or under 12 months observed), so annual attrition is a constant-hazard "
            f"estimate shrunk toward {prior_annual_exit:.0%}/yr"
        )
    cox, cox_note = _cox(df, z)
    if cox_note:
        notes.append(cox_note)
    return SurvivalEstimate(
        table=table,
        curves=curves,
        cox=cox,
        note="; ".join(notes),
        as_of=as_of_ts,
        level=level,
    )


def _cox(df: pd.DataFrame, z: float) -> tuple[pd.DataFrame | None, str]:
    """Cox PHReg of tenure on role indicators, or (None, reason)."""
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    by_role = df.groupby("role")["event"].sum()
    with_events = [r for r in _role_order(by_role.index) if by_role[r] > 0]
    total = int(by_role.sum())
    if total < COX_MIN_EVENTS or len(with_events) < 2:
        return None, (
            f"Cox model not fitted: needs >= {COX_MIN_EVENTS} exits and >= 2 roles with exits "
            f"(have {total} exits in {len(with_events)} role(s))"
        )
    reference = max(with_events, key=lambda r: by_role[r])  # first in order on ties
    others = [r for r in with_events if r != reference]
    sub = df[df["role"].isin(with_events)]
    exog = np.column_stack([(sub["role"] == r).to_numpy(dtype=float) for r in others])
    time = np.maximum(sub["tenure"].to_numpy(dtype=float), 1e-6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = PHReg(time, exog, status=sub["event"].to_numpy(dtype=float)).fit()
        except (np.linalg.LinAlgError, ValueError) as exc:
            return None, f"Cox model failed ({exc}); Kaplan-Meier estimates only"
    beta = np.asarray(res.params, dtype=float)
    se = np.asarray(res.bse, dtype=float)
    converged = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
    if not converged or not (np.isfinite(beta).all() and np.isfinite(se).all()):
        return None, "Cox model did not converge; Kaplan-Meier estimates only"
    rows = [{"role": reference, "hazard_ratio": 1.0, "low": 1.0, "high": 1.0, "reference": True}]
    for r, b, s in zip(others, beta, se):
        rows.append(
            {
                "role": r,
                "hazard_ratio": float(np.exp(b)),
                "low": float(np.exp(b - z * s)),
                "high": float(np.exp(b + z * s)),
                "reference": False,
            }
        )
    note = ""
    left_out = [r for r in _role_order(by_role.index) if by_role[r] == 0]
    if left_out:
        note = f"Cox model leaves out roles without exits: {', '.join(left_out)}"
    return pd.DataFrame(rows, columns=["role", "hazard_ratio", "low", "high", "reference"]), note
