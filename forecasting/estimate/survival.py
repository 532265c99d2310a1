"""Attrition from an HR roster: exits per person-month over the window leavers are recorded.

A typical HR export lists today's staff plus only the people who left since some
date W ("leavers recorded since"). Before W the file is silent: people who left
then are missing, so counting their colleagues' tenure from the start date
(Kaplan-Meier without delayed entry) sees only survivors and underestimates
attrition badly. Here every count is restricted to the window [W, as_of]:

* **W** is given (``leavers_since``) or detected as the earliest end date in the
  roster. A detected W is dated by its first leaver, who is therefore not counted
  (conditioning on the first event keeps the rate unbiased; counting it would add
  one exit to every window).
* **Exposure (delayed entry)**: each person contributes person-months from
  max(start, W) to min(end, as_of); leavers before W contribute nothing.
* **The rate the simulation needs**: exits in the window / person-months, through
  `forecasting.estimate.rates.rate_posterior` (one Gamma-Poisson rule for every count,
  prior median 13%/yr worth one exit; the posterior median and its interval). It
  estimates the constant monthly hazard h; the engine's monthly exit probability is
  1 - exp(-h), so annual attrition is 1 - (1 - p)^12 = 1 - exp(-12 h), with its interval.
* **First-year attrition of new hires** (information only, not applied to a
  tenured team): 1 - S(12 months of tenure) from Kaplan-Meier with delayed entry
  (`SurvfuncRight(..., entry=...)`: someone hired before W enters the risk set at
  their tenure on W), with a pointwise log-log interval; reported where the curve
  reaches 12 months and someone left within their first year.
* A Cox model (`PHReg`, tenure time scale with the same entry times, role
  indicators) compares roles when there are enough exits.

statsmodels and scipy are imported inside the functions: importing this module is
cheap.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from pandas._libs.tslibs.nattype import NaTType  # the type of pd.NaT

from forecasting.estimate.history_frame import role_order
from forecasting.estimate.rates import (
    DAYS_PER_MONTH,
    EXIT_PRIOR_ANNUAL,
    EXIT_PRIOR_EXITS,
    ExitPriorText,
    _check_fraction,
    _check_weight,
    rate_posterior,
)
from forecasting.model.errors import EstimationError

#: Cox model only with at least this many exits and two roles with exits.
COX_MIN_EVENTS = 10
#: Window sources.
GIVEN = "given"
DETECTED = "detected"

_TABLE_COLUMNS = [
    "role",
    "n",
    "events",
    "exposure",
    "annual_attrition",
    "low",
    "high",
    "method",
    "first_year",
    "first_year_low",
    "first_year_high",
]


@dataclass(frozen=True, eq=False)
class SurvivalEstimate(ExitPriorText):
    """Attrition per role from a roster (see `roster_survival`).

    `table`: role, n (people at risk in the window), events (exits counted),
    exposure (person-months in the window), annual_attrition, low, high (the rate
    offered to the simulation), method ("posterior" | "prior" when nobody was at
    risk), first_year, first_year_low, first_year_high (Kaplan-Meier first-year
    attrition of new hires, NaN where not estimable).
    `curves`: role, tenure_months, survival, low, high (Kaplan-Meier step points).
    `cox`: role, hazard_ratio, low, high, reference (bool) -- or None (see `note`).
    `leavers_since`: the window's start W; `window_source`: "given" or "detected".
    """

    table: pd.DataFrame
    curves: pd.DataFrame
    cox: pd.DataFrame | None
    note: str
    as_of: pd.Timestamp
    level: float
    leavers_since: pd.Timestamp | NaTType = pd.NaT
    window_source: str = DETECTED
    prior_annual_exit: float = EXIT_PRIOR_ANNUAL
    prior_exits: float = EXIT_PRIOR_EXITS
    notes: tuple[str, ...] = field(default_factory=tuple)

    def _row(self, role: Any) -> pd.Series:
        rows = self.table[self.table["role"] == str(role)]
        if rows.empty:
            raise EstimationError(
                f"no attrition estimate for role {str(role)!r}; roles in the roster: "
                f"{', '.join(self.table['role'])}"
            )
        return rows.iloc[0]

    def annual_attrition(self, role: Any) -> tuple[float, float, float]:
        """Annual attrition offered to the simulation: exits per person-month, annualised.

        Args:
            role: a role key or Role.

        Returns:
            (mid, low, high) annual probabilities.
        """
        r = self._row(role)
        return float(r["annual_attrition"]), float(r["low"]), float(r["high"])

    def first_year_attrition(self, role: Any) -> tuple[float, float, float] | None:
        """First-year attrition of new hires (Kaplan-Meier 1 - S(12)), for information.

        Args:
            role: a role key or Role.

        Returns:
            (mid, low, high), or None where the curve does not reach 12 months of
            tenure or nobody left within their first year.
        """
        r = self._row(role)
        if not np.isfinite(r["first_year"]):
            return None
        return float(r["first_year"]), float(r["first_year_low"]), float(r["first_year_high"])

    def method(self, role: Any) -> str:
        """How the role's annual attrition was estimated, naming the window.

        Args:
            role: a role key or Role.

        Returns:
            e.g. "leavers recorded since 2023-04-12 (detected: the earliest end date);
            exits per person-month over 2023-04-12 to 2026-10-31: 9 exits in 612
            person-months, Gamma-Poisson posterior median (prior: median 13%/yr, worth 1
            exit, 90% in 1.0-46%/yr (public figure: ...))".
        """
        r = self._row(role)
        since, as_of = _day(self.leavers_since), _day(self.as_of)
        source = "given" if self.window_source == GIVEN else "detected: the earliest end date"
        if r["method"] == "prior":
            return (
                f"leavers recorded since {since} ({source}); nobody at risk over {since} to "
                f"{as_of}: the prior {self.prior_annual_exit:.0%}/yr"
            )
        return (
            f"leavers recorded since {since} ({source}); exits per person-month over "
            f"{since} to {as_of}: {_exits(int(r['events']))} in {r['exposure']:,.0f} "
            f"person-months, Gamma-Poisson posterior median ({self.prior})"
        )

    def window_text(self) -> str:
        """One plain sentence saying which window the attrition was counted over.

        Returns:
            The window, where it came from, and the exits and person-months in it.
        """
        since, as_of = _day(self.leavers_since), _day(self.as_of)
        events = int(self.table["events"].sum())
        exposure = float(self.table["exposure"].sum())
        counted = f"{_exits(events)} in {exposure:,.0f} person-months"
        if self.window_source == GIVEN:
            return (
                f"Attrition is exits per person-month over leavers recorded since {since} "
                f"(as given) to {as_of}: {counted}."
            )
        return (
            f"Attrition is exits per person-month over the window in which the file lists "
            f"leavers: from {since} (its earliest end date; that first leaver only marks the "
            f"start and is not counted) to {as_of}: {counted}. If the export lists every "
            "leaver since an earlier date, give that date as 'leavers recorded since'."
        )

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-friendly {role: {annual, low, high, method, n, events, exposure, first_year*}}."""
        out: dict[str, dict[str, Any]] = {}
        for row in self.table.to_dict("records"):
            r: Any = _Row({str(k): v for k, v in row.items()})
            out[str(r.role)] = {
                "annual": float(r.annual_attrition),
                "low": float(r.low),
                "high": float(r.high),
                "method": str(r.method),
                "n": int(r.n),
                "events": int(r.events),
                "exposure": float(r.exposure),
                "first_year": _or_none(r.first_year),
                "first_year_low": _or_none(r.first_year_low),
                "first_year_high": _or_none(r.first_year_high),
            }
        return out


class _Row:
    """A table row with attribute access (the types of a mixed frame's cells are Any)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _day(stamp: pd.Timestamp | NaTType) -> str:
    return pd.Timestamp(cast(Any, stamp)).strftime("%Y-%m-%d")


def _exits(n: int) -> str:
    return f"{n} exit" if n == 1 else f"{n} exits"


def _or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


# --------------------------------------------------------------------------- validation


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


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise EstimationError(f"{name}: {value!r} is not a date; use YYYY-MM-DD") from None
    if pd.isna(stamp):
        raise EstimationError(f"{name}: {value!r} is not a date; use YYYY-MM-DD")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp


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
        ends = df["end"].dropna()
        as_of_ts = max(df["start"].max(), ends.max()) if len(ends) else df["start"].max()
    else:
        as_of_ts = _timestamp(as_of, "as_of")
    future = df["start"] > as_of_ts
    n_future = int(future.sum())
    df = df.loc[~future].reset_index(drop=True)
    if df.empty:
        raise EstimationError(
            f"nobody in the roster started on or before the as-of date {as_of_ts.date()}"
        )
    return df, as_of_ts, n_future


def _window(
    df: pd.DataFrame, as_of: pd.Timestamp, leavers_since: Any
) -> tuple[pd.Timestamp, str, np.ndarray]:
    """(W, source, counted exits mask) for the validated roster."""
    left = (df["end"].notna() & (df["end"] <= as_of)).to_numpy()
    end = df["end"].to_numpy()
    if leavers_since is not None:
        since = _timestamp(leavers_since, "leavers_since")
        if since > as_of:
            raise EstimationError(
                f"leavers_since {since.date()} is after the as-of date {as_of.date()}; give "
                "the date from which the export lists every leaver"
            )
        return since, GIVEN, left & (end >= np.datetime64(since, "ns"))
    if not left.any():
        raise EstimationError(
            "the roster has no leavers (no end date on or before the as-of date "
            f"{as_of.date()}), so the window in which leavers are recorded is unknown; "
            "include every leaver since a date and give that date as leavers_since"
        )
    since = pd.Timestamp(end[left].min())
    counted = left & (end >= np.datetime64(since, "ns"))
    # The first leaver dates the window: condition on it rather than count it.
    counted[int(np.flatnonzero(left & (end == np.datetime64(since, "ns")))[0])] = False
    return since, DETECTED, counted


# --------------------------------------------------------------------------- estimate


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
    leavers_since: Any = None,
    prior_annual_exit: float = EXIT_PRIOR_ANNUAL,
    prior_exits: float = EXIT_PRIOR_EXITS,
    level: float = 0.90,
    cox: bool = True,
    roles: Any = None,
) -> SurvivalEstimate:
    """Annual attrition per role from a roster, counted where leavers are recorded.

    Tenure runs from start to end, or to `as_of` for people still employed (an end
    after as_of counts as still employed; people starting after as_of are left
    out). Everything is restricted to the window [W, as_of] (see the module
    docstring): W = `leavers_since`, or the earliest end date (whose leaver is then
    not counted).

    Args:
        roster: one row per person: role, start (datetime64), end (datetime64, NaT
            while employed). A missing end column means nobody left.
        as_of: the date the roster describes; default the latest start/end date.
        leavers_since: the date since which the roster lists every leaver; default
            detected from the earliest end date.
        prior_annual_exit: the exit-rate prior's median annual attrition (default 0.13).
        prior_exits: the prior's weight in exits (default 1).
        level: interval level (default 0.90).
        cox: fit the Cox model comparing roles (its cost grows with the number of
            distinct exit times; False skips it).
        roles: the roles to estimate (default: every role in the roster). Rows of
            other roles still date a detected window (an HR export lists leavers of
            every title since the same date).

    Returns:
        A SurvivalEstimate with `table`, `curves`, `cox` (or None), `note` and the
        window (`leavers_since`, `window_source`).

    Raises:
        EstimationError: missing columns or start dates, end before start, a
            leavers_since after as_of, or no leavers and no leavers_since (the window
            is then unknown).
    """
    from scipy import stats
    from statsmodels.duration.survfunc import SurvfuncRight

    level = _check_fraction("level", level)
    if level == 0:
        raise EstimationError("level must be in (0, 1), e.g. 0.9")
    prior_annual_exit = _check_fraction("prior_annual_exit", prior_annual_exit)
    k0 = _check_weight("prior_exits", prior_exits, "exits")
    df, as_of_ts, n_future = _validate_roster(roster, as_of)
    since, source, counted = _window(df, as_of_ts, leavers_since)
    if roles is not None:
        wanted = df["role"].isin([str(r) for r in roles]).to_numpy()
        if not wanted.any():
            raise EstimationError(
                f"nobody in the roster has one of the roles {', '.join(map(str, roles))}"
            )
        df, counted = df.loc[wanted].reset_index(drop=True), counted[wanted]
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    # Constant hazard whose annual attrition is the prior median: 1 - exp(-12 h0) = prior.
    prior_hazard = -np.log1p(-prior_annual_exit) / 12.0

    start = df["start"].to_numpy()
    end = df["end"].to_numpy()
    left = ~np.isnat(end) & (end <= np.datetime64(as_of_ts, "ns"))
    stop = np.where(left, end, np.datetime64(as_of_ts, "ns"))
    enter = np.maximum(start, np.datetime64(since, "ns"))
    days = (stop - enter) / np.timedelta64(1, "D")
    df["exposure"] = np.clip(days, 0.0, None) / DAYS_PER_MONTH
    df["event"] = counted.astype(int)
    df["tenure"] = ((stop - start) / np.timedelta64(1, "D")) / DAYS_PER_MONTH
    df["entry"] = np.clip((enter - start) / np.timedelta64(1, "D"), 0.0, None) / DAYS_PER_MONTH
    # In the window: some exposure, or an exit counted (a same-day start and leave).
    at_risk = (df["exposure"] > 0) | (df["event"] == 1)
    km = df.loc[at_risk].copy()
    # The risk set at t holds those who entered strictly before t.
    km["tenure"] = np.maximum(km["tenure"], km["entry"] + 1e-6)

    notes: list[str] = []
    if n_future:
        notes.append(f"{n_future} people starting after {as_of_ts.date()} left out")
    before = int((left & (end < np.datetime64(since, "ns"))).sum())
    if before:
        notes.append(
            f"{before} leaver(s) before {since.date()} are outside the window and not counted"
        )

    table_rows = []
    curve_rows = []
    for role in role_order(df["role"].unique()):
        g = df[df["role"] == role]
        k = km[km["role"] == role]
        n_events = int(g["event"].sum())
        exposure = float(g["exposure"].sum())
        if exposure > 0 or n_events:
            haz = rate_posterior(
                n_events, exposure, prior_rate=prior_hazard, prior_exits=k0, level=level
            )
            method = "posterior"
        else:
            haz = rate_posterior(0, 0, prior_rate=prior_hazard, prior_exits=k0, level=level)
            method = "prior"
        annual, low, high = (float(v) for v in -np.expm1(-12.0 * np.asarray(haz)))
        curve, first_year = _first_year(k, z, SurvfuncRight)
        curve_rows.append(curve.assign(role=role))
        table_rows.append(
            {
                "role": role,
                "n": len(k),
                "events": n_events,
                "exposure": exposure,
                "annual_attrition": annual,
                "low": low,
                "high": high,
                "method": method,
                "first_year": first_year[0],
                "first_year_low": first_year[1],
                "first_year_high": first_year[2],
            }
        )

    table = pd.DataFrame(table_rows, columns=_TABLE_COLUMNS)
    curves = pd.concat(curve_rows, ignore_index=True)[
        ["role", "tenure_months", "survival", "low", "high"]
    ]
    if cox:
        cox_table, cox_note = _cox(km, z)
    else:
        cox_table, cox_note = None, "Cox model skipped"
    if cox_note:
        notes.append(cox_note)
    return SurvivalEstimate(
        table=table,
        curves=curves,
        cox=cox_table,
        as_of=as_of_ts,
        leavers_since=since,
        note="; ".join(notes),
        window_source=source,
        level=level,
        notes=tuple(notes),
        prior_annual_exit=prior_annual_exit,
        prior_exits=k0,
    )


def _first_year(
    k: pd.DataFrame, z: float, survfunc: Any
) -> tuple[pd.DataFrame, tuple[float, float, float]]:
    """Kaplan-Meier curve (delayed entry) of one role and its 1 - S(12), or NaNs."""
    t = k["tenure"].to_numpy(dtype=float)
    d = k["event"].to_numpy(dtype=int)
    entry = k["entry"].to_numpy(dtype=float)
    if d.sum():
        sf = survfunc(t, d, entry=entry)
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
    t_max = float(t.max()) if t.size else 0.0
    if t_max > pts_t[-1]:  # carry the curve to the end of follow-up
        pts_t = np.append(pts_t, t_max)
        pts_s = np.append(pts_s, pts_s[-1])
        pts_lo = np.append(pts_lo, pts_lo[-1])
        pts_hi = np.append(pts_hi, pts_hi[-1])
    curve = pd.DataFrame({"tenure_months": pts_t, "survival": pts_s, "low": pts_lo, "high": pts_hi})
    # Reaches 12 months: someone at risk at 12 months of tenure, or the curve hit 0.
    reaches = bool(((entry < 12.0) & (t >= 12.0)).any()) or (surv.size and surv[-1] == 0.0)
    first_year_exits = bool(((t <= 12.0) & (d == 1)).any())
    if not (reaches and first_year_exits):
        return curve, (np.nan, np.nan, np.nan)
    i = np.searchsorted(times, 12.0, side="right") - 1
    s12, s_lo, s_hi = surv[i], lo[i], hi[i]
    return curve, (1.0 - s12, 1.0 - s_hi, 1.0 - s_lo)


def _cox(df: pd.DataFrame, z: float) -> tuple[pd.DataFrame | None, str]:
    """Cox PHReg of tenure (delayed entry) on role indicators, or (None, reason)."""
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    by_role = df.groupby("role")["event"].sum()
    with_events = [r for r in role_order(by_role.index) if by_role[r] > 0]
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
    entry = np.minimum(sub["entry"].to_numpy(dtype=float), time - 1e-9)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = PHReg(time, exog, status=sub["event"].to_numpy(dtype=float), entry=entry).fit()
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
    left_out = [r for r in role_order(by_role.index) if by_role[r] == 0]
    if left_out:
        note = f"Cox model leaves out roles without exits: {', '.join(left_out)}"
    return pd.DataFrame(rows, columns=["role", "hazard_ratio", "low", "high", "reference"]), note
