"""Status-quo headcount trend per role: what happens if nothing changes.

With at least `MIN_POINTS` (24) months of history, four candidates are compared by
a rolling-origin backtest and the one with the lowest mean absolute error wins
(unless the trend is steady, below):

* "Naive (last value)" -- random walk; interval sigma * sqrt(h), sigma from the
  month-to-month changes;
* "Naive with drift" -- last value plus the average monthly change; interval
  sigma * sqrt(h * (1 + h / (n - 1))), which includes the drift's uncertainty;
* "ARIMA(0,1,0) with drift" -- statsmodels `ARIMA(order=(0, 1, 0), trend="t")`;
  its point forecast equals the drift benchmark's (the drift MLE is the mean
  change), so it only wins when it is clearly better -- see the tie rule;
* "ETS (additive, damped trend)" -- statsmodels `ETSModel(error="add",
  trend="add", damped_trend=True)`, intervals from `get_prediction`.

Backtest: origins are the last 12 months, every 2nd (never leaving fewer than
`MIN_TRAIN` = 18 months to fit on); MAE over all (origin, step) pairs up to 6
months ahead (fewer near the end of the data). Ties: a model is chosen over a
simpler one only if its MAE is lower by more than 0.1% (simplest first: naive,
drift, ARIMA, ETS). A statsmodels fit counts as failed when it raises, emits a
ConvergenceWarning, reports ``converged=False`` in ``mle_retvals`` or gives
non-finite forecasts; a model with any failed backtest fit is not eligible, and if
the winner's final fit fails the next best is used (``fallback=True``, said in
``note``).

Steady trend: a 6-month backtest cannot see what a damped trend does 3 years out
(it flattens a steady line: 80% intervals covered 0.36-0.58 of linear-trend series
36 months ahead, every miss above). When the least-squares slope of each third of
the history is at least `STEADY_T` (2) standard errors from zero, all with one
sign, and the backtest winner is the naive or the damped ETS model, the drift
benchmark is used instead (not a fallback; the note says so). A trend that stopped
(a flat last third) or a one-off level step is not steady.

Intervals that mean what they say, at every horizon (each step only widens, never
narrows, the chosen model's own band; notes say when a step widened it by > 5%):

1. Per-horizon calibration: the backtest fits also forecast up to
   `CALIBRATION_HORIZON` (12) months ahead (no extra fits). A growth law
   q(h) = q0 * h**gamma, gamma in [0, 1] fitted by least squares on log |error|
   against log h and q0 the `level` quantile of |error| / h**gamma, gives the
   half-width that holds `level` of the backtest errors h months ahead; it is
   extrapolated beyond the backtested steps with the same law (errors that do not
   grow, grow like a random walk's or like a mis-estimated slope's).
2. Trend uncertainty: ARIMA's statsmodels band treats the drift as known, so it is
   widened to at least the drift benchmark's band (same point forecast); the naive
   and damped ETS models stop or flatten the trend, so their band is stretched to
   also cover the history's average monthly change continuing from the model's
   first month (with the same half-widths around that path).

The backtest table reports each model's raw interval coverage up to 6 months.
benchmarks/bench_trend_coverage.py prints the coverage on synthetic families
(random walk with drift, linear trend + noise, flat + noise, level step).

Fewer than 24 months, or a constant series: the last value, no fitted trend,
``fallback=True`` and a `note` saying why. Short series get random-walk intervals
with Student-t quantiles when there are at least 6 month-to-month changes, else
NaN; a constant series has no variation to measure, so its intervals are NaN.

Headcount cannot be negative: means and interval bounds are floored at 0 (for
quantiles this is the same as flooring every simulated path).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import role_order, validate_history
from forecasting.model.errors import EstimationError

#: Months of history needed before ETS / ARIMA are tried.
MIN_POINTS = 24
#: Backtest: origins over the last BACKTEST_ORIGINS months, BACKTEST_HORIZON steps ahead.
BACKTEST_ORIGINS = 12
BACKTEST_HORIZON = 6
#: Every BACKTEST_STEP-th month of that window is an origin (6 origins, half the fits:
#: the Forecast page is opened live, and ETS fits dominate its time).
BACKTEST_STEP = 2
#: Never fit a backtest model on fewer months than this.
MIN_TRAIN = 18
#: A more complex model must beat a simpler one's MAE by more than this fraction.
TIE_TOLERANCE = 1e-3
#: Intervals are widened only when backtest errors need more than this factor.
WIDEN_THRESHOLD = 1.05
#: The backtest fits also forecast up to this many months ahead (no extra fits): the errors
#: at every step calibrate the interval's growth with the horizon.
CALIBRATION_HORIZON = 12
#: Error growth law q(h) = q0 * h**gamma: gamma is clipped to [0, MAX_GROWTH], i.e. the
#: backtest errors grow at most linearly in h (a mis-estimated slope).
MAX_GROWTH = 1.0
#: A steady trend: the least-squares slope of every one of STEADY_PARTS consecutive parts
#: of the history is at least STEADY_T standard errors from zero, all with the same sign.
STEADY_PARTS = 3
STEADY_T = 2.0
#: Short series: random-walk intervals need at least this many monthly changes.
MIN_CHANGES_FOR_INTERVAL = 6

NAIVE = "Naive (last value)"
DRIFT = "Naive with drift"
ARIMA_DRIFT = "ARIMA(0,1,0) with drift"
ETS_DAMPED = "ETS (additive, damped trend)"
#: Candidates, simplest first (the tie-break order).
MODELS: tuple[str, ...] = (NAIVE, DRIFT, ARIMA_DRIFT, ETS_DAMPED)


@dataclass(frozen=True, eq=False)
class TrendForecast:
    """A status-quo projection for one role.

    `history`: month, headcount. `forecast`: month, mean, low, high (never negative;
    months continue after the last history month). `backtest`: model, mae, coverage
    (share of backtest actuals inside the model's interval), origins, failures, chosen.
    `model`: the UI label of the model used. `fallback`: True when the full comparison
    could not be used (short/constant series, failed fit).
    """

    role: str
    history: pd.DataFrame
    forecast: pd.DataFrame
    model: str
    backtest: pd.DataFrame
    note: str
    fallback: bool
    level: float


class _FitFailed(Exception):
    """A statsmodels fit failed or did not converge (internal)."""


# --------------------------------------------------------------------------- models
# Each returns (mean, low, high) arrays of length h for a series y (float array).


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2.0))


def _naive(y: np.ndarray, h: int, level: float) -> tuple[np.ndarray, ...]:
    steps = np.arange(1, h + 1, dtype=float)
    mean = np.full(h, y[-1], dtype=float)
    d = np.diff(y)
    sigma = float(np.sqrt(np.mean(d**2))) if d.size else np.nan
    half = _z(level) * sigma * np.sqrt(steps)
    return mean, mean - half, mean + half


def _drift(y: np.ndarray, h: int, level: float) -> tuple[np.ndarray, ...]:
    steps = np.arange(1, h + 1, dtype=float)
    d = np.diff(y)
    slope = float(d.mean())
    mean = y[-1] + slope * steps
    sigma = float(d.std(ddof=1)) if d.size > 1 else np.nan
    half = _z(level) * sigma * np.sqrt(steps * (1.0 + steps / d.size))
    return mean, mean - half, mean + half


def _checked_fit(fit: Callable[[], Any]) -> Any:
    """Run a statsmodels fit; raise _FitFailed on errors or non-convergence."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fit()
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
            raise _FitFailed(str(exc)) from None
    if any(issubclass(c.category, ConvergenceWarning) for c in caught):
        raise _FitFailed("did not converge")
    retvals = getattr(res, "mle_retvals", None) or {}
    if retvals.get("converged") is False:
        raise _FitFailed("did not converge")
    if not np.all(np.isfinite(np.asarray(res.params, dtype=float))):
        raise _FitFailed("non-finite parameters")
    return res


def _series(y: np.ndarray) -> pd.Series:
    # statsmodels' ETS prediction needs a pandas index (plain arrays fail in 0.15).
    return pd.Series(y, index=pd.RangeIndex(y.size), dtype=float)


def _finite(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    out = tuple(np.asarray(a, dtype=float) for a in arrays)
    if not all(np.isfinite(a).all() for a in out):
        raise _FitFailed("non-finite forecast")
    return out


def _arima(y: np.ndarray, h: int, level: float) -> tuple[np.ndarray, ...]:
    from statsmodels.tsa.arima.model import ARIMA

    # concentrate_scale: only the drift is optimised (same estimates, ~3x faster).
    model = ARIMA(_series(y), order=(0, 1, 0), trend="t", concentrate_scale=True)
    res = _checked_fit(model.fit)
    frame = res.get_forecast(h).summary_frame(alpha=1.0 - level)
    return _finite(frame["mean"], frame["mean_ci_lower"], frame["mean_ci_upper"])


def _ets(y: np.ndarray, h: int, level: float) -> tuple[np.ndarray, ...]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(_series(y), error="add", trend="add", damped_trend=True)
    res = _checked_fit(lambda: model.fit(disp=False))
    pred = res.get_prediction(start=y.size, end=y.size + h - 1)
    frame = pred.summary_frame(alpha=1.0 - level)
    return _finite(frame["mean"], frame["pi_lower"], frame["pi_upper"])


_FORECASTERS: dict[str, Callable[[np.ndarray, int, float], tuple[np.ndarray, ...]]] = {
    NAIVE: _naive,
    DRIFT: _drift,
    ARIMA_DRIFT: _arima,
    ETS_DAMPED: _ets,
}


# --------------------------------------------------------------------------- backtest


def _backtest(
    y: np.ndarray, level: float
) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Rolling-origin MAE and interval coverage per model (see module docstring).

    Each fit forecasts up to `CALIBRATION_HORIZON` months (or to the end of the data);
    MAE and coverage use the first `BACKTEST_HORIZON` of them, the calibration all.

    Returns the table (model, mae, coverage, origins, failures) and, per model, the
    steps ahead and absolute errors of every backtested forecast.
    """
    n = y.size
    origins = range(max(n - BACKTEST_ORIGINS, MIN_TRAIN), n, BACKTEST_STEP)
    rows = []
    errors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in MODELS:
        abs_err: list[np.ndarray] = []
        steps: list[np.ndarray] = []
        mae: list[np.ndarray] = []
        inside: list[np.ndarray] = []
        failures = 0
        for o in origins:
            h = min(CALIBRATION_HORIZON, n - o)
            try:
                mean, low, high = _FORECASTERS[name](y[:o], h, level)
            except _FitFailed:
                failures += 1
                continue
            actual = y[o : o + h]
            abs_err.append(np.abs(mean - actual))
            steps.append(np.arange(1, h + 1, dtype=float))
            short = slice(0, BACKTEST_HORIZON)
            mae.append(np.abs(np.maximum(mean, 0.0) - actual)[short])
            inside.append(((low <= actual) & (actual <= high))[short])
        mae_all = np.concatenate(mae) if mae else np.array([])
        inside_all = np.concatenate(inside) if inside else np.array([])
        errors[name] = (
            np.concatenate(steps) if steps else np.array([]),
            np.concatenate(abs_err) if abs_err else np.array([]),
        )
        rows.append(
            {
                "model": name,
                "mae": float(mae_all.mean()) if mae_all.size else np.nan,
                "coverage": float(inside_all.mean()) if inside_all.size else np.nan,
                "origins": len(origins),
                "failures": failures,
            }
        )
    table = pd.DataFrame(rows, columns=["model", "mae", "coverage", "origins", "failures"])
    return table, errors


def _growth_law(steps: np.ndarray, errors: np.ndarray, level: float) -> tuple[float, float]:
    """Fit q(h) = q0 * h**gamma, the `level` quantile of backtest |errors| h steps ahead.

    gamma is the least-squares slope of log |error| on log h (errors > 0), clipped to
    [0, MAX_GROWTH]: errors that do not grow (a stationary series), grow like a random
    walk's (gamma ~ 0.5) or like a mis-estimated slope's (gamma ~ 1). q0 puts `level`
    of the errors scaled by h**gamma at or below it.
    """
    gamma = 0.0
    pos = errors > 0
    if pos.sum() >= 3 and np.ptp(steps[pos]) > 0:
        slope = np.polyfit(np.log(steps[pos]), np.log(errors[pos]), 1)[0]
        gamma = float(np.clip(slope, 0.0, MAX_GROWTH))
    q0 = float(np.quantile(errors / steps**gamma, level, method="higher"))
    return q0, gamma


def _calibrate(
    fc: tuple[np.ndarray, ...], steps: np.ndarray, errors: np.ndarray, level: float
) -> tuple[tuple[np.ndarray, ...], float, float]:
    """Widen (never narrow) an interval, per horizon, to hold `level` of the backtest errors.

    Model intervals ignore parameter uncertainty; an ETS fit with smoothing ~ 0 is a
    fixed trend whose band does not grow with the horizon. Each half-width is raised to
    at least q(h) (`_growth_law`, fitted on the backtested steps and extrapolated beyond
    them with the same law), when that widens the band by more than WIDEN_THRESHOLD
    somewhere.

    Returns the widened (mean, low, high), the largest widening factor (1.0 when left
    alone) and gamma.
    """
    mean, low, high = fc
    if errors.size == 0 or not np.isfinite(errors).all():
        return fc, 1.0, 0.0
    q0, gamma = _growth_law(steps, errors, level)
    q = q0 * np.arange(1, mean.size + 1, dtype=float) ** gamma
    up, down = np.maximum(high - mean, q), np.maximum(mean - low, q)
    factor = _widening(high - low, up + down)
    if factor <= WIDEN_THRESHOLD:
        return fc, 1.0, gamma
    return (mean, mean - down, mean + up), factor, gamma


def _steady_trend(y: np.ndarray) -> bool:
    """True when every part of the history has a clear slope of the same sign.

    The history is cut into `STEADY_PARTS` consecutive parts; each part's least-squares
    slope must be at least `STEADY_T` standard errors from zero, all with one sign. A
    trend that stopped (a flat last part) or a one-off step is not steady.
    """
    tstats = []
    for part in np.array_split(y, STEADY_PARTS):
        t = np.arange(part.size, dtype=float)
        t -= t.mean()
        sxx = float(t @ t)
        if part.size < 4 or sxx == 0:
            return False
        slope = float(t @ (part - part.mean())) / sxx
        resid = part - part.mean() - slope * t
        se = np.sqrt(float(resid @ resid) / (part.size - 2) / sxx)
        if slope == 0:
            return False
        tstats.append(np.inf if se == 0 else slope / se)
    ts = np.asarray(tstats)
    return bool(np.all(ts >= STEADY_T) or np.all(ts <= -STEADY_T))


def _trend_uncertainty(
    y: np.ndarray, fc: tuple[np.ndarray, ...], chosen: str, level: float
) -> tuple[tuple[np.ndarray, ...], str]:
    """Widen the band for the uncertainty about the trend itself (never narrower).

    * ARIMA(0,1,0) with drift: statsmodels' band treats the drift as known; it is
      widened to at least the drift benchmark's band (same point forecast), which
      includes the drift's standard error.
    * Naive and damped ETS stop or flatten the trend: the band is stretched to also
      cover the history's average monthly change continuing from the model's first
      month, with the same half-widths around that path.

    Returns the widened (mean, low, high) and a note ("" when nothing changed much).
    """
    mean, low, high = fc
    up, down = high - mean, mean - low
    if chosen == ARIMA_DRIFT:
        d_mean, d_low, d_high = _drift(y, mean.size, level)
        low2 = mean - np.maximum(down, d_mean - d_low)
        high2 = mean + np.maximum(up, d_high - d_mean)
        note = "interval includes the drift's uncertainty (as the drift benchmark's)"
    elif chosen in (NAIVE, ETS_DAMPED):
        slope = float(np.mean(np.diff(y)))
        path = mean[0] + slope * np.arange(mean.size, dtype=float)
        low2, high2 = np.minimum(low, path - down), np.maximum(high, path + up)
        note = f"interval also covers the history's average change ({slope:+.2f}/month) continuing"
    else:
        return fc, ""
    if _widening(high - low, high2 - low2) <= WIDEN_THRESHOLD:
        note = ""
    return (mean, low2, high2), note


def _widening(before: np.ndarray, after: np.ndarray) -> float:
    """The largest factor by which a band got wider (inf when a zero-width band opened)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(before > 0, after / before, np.where(after > 0, np.inf, 1.0))
    return float(np.max(ratio, initial=1.0))


def _ranking(backtest: pd.DataFrame) -> list[str]:
    """Eligible models best first; near-ties go to the simpler model."""
    eligible = backtest[(backtest["failures"] == 0) & backtest["mae"].notna()]
    ranked: list[str] = []
    remaining = eligible.copy()
    while not remaining.empty:
        best = float(remaining["mae"].min())
        near = remaining[remaining["mae"] <= best * (1.0 + TIE_TOLERANCE) + 1e-12]
        pick = near.iloc[0]["model"]  # rows are in MODELS order: simplest first
        ranked.append(pick)
        remaining = remaining[remaining["model"] != pick]
    return ranked


# --------------------------------------------------------------------------- public


def _frame(months: list[str], mean: np.ndarray, low: np.ndarray, high: np.ndarray) -> pd.DataFrame:
    floor = lambda a: np.where(np.isnan(a), np.nan, np.maximum(a, 0.0))  # noqa: E731
    return pd.DataFrame(
        {"month": months, "mean": floor(mean), "low": floor(low), "high": floor(high)}
    )


def status_quo(
    history: pd.DataFrame, role: Any, horizon: int, *, level: float = 0.80
) -> TrendForecast:
    """Project one role's headcount forward if nothing changes.

    Args:
        history: tidy frame month ("YYYY-MM"), role, headcount [, hires, exits].
        role: the role key (or Role) to project.
        horizon: months to forecast after the last history month (>= 1).
        level: prediction-interval level (default 0.80).

    Returns:
        A TrendForecast (model label, forecast with intervals floored at 0,
        backtest table including the naive benchmarks, note, fallback flag).

    Raises:
        EstimationError: invalid history, unknown role, bad horizon or level.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise EstimationError(f"horizon must be a whole number of months >= 1, got {horizon!r}")
    horizon = int(horizon)
    level = float(level)
    if not (0.0 < level < 1.0):
        raise EstimationError(f"level must be in (0, 1), e.g. 0.8, got {level!r}")
    df = validate_history(history)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # see status_quo_all
        return _project(df, str(role), horizon, level)


def _project(df: pd.DataFrame, key: str, horizon: int, level: float) -> TrendForecast:
    """status_quo on an already validated history."""
    g = df[df["role"] == key]
    if g.empty:
        raise EstimationError(
            f"no history for role {key!r}; roles in the history: "
            f"{', '.join(role_order(df['role'].unique()))}"
        )
    y = g["headcount"].to_numpy(dtype=float)
    n = y.size
    last = g["period"].iloc[-1]
    months = [str(p) for p in pd.period_range(last + 1, periods=horizon, freq="M")]
    hist = pd.DataFrame({"month": g["month"].to_numpy(), "headcount": y})
    empty_backtest = pd.DataFrame(
        {
            "model": list(MODELS),
            "mae": np.nan,
            "coverage": np.nan,
            "origins": 0,
            "failures": 0,
            "chosen": False,
        }
    )

    def result(model, frame, backtest, note, fallback):
        return TrendForecast(
            role=key,
            history=hist,
            forecast=frame,
            model=model,
            backtest=backtest,
            note=note,
            fallback=fallback,
            level=level,
        )

    flat = np.full(horizon, y[-1])
    nan = np.full(horizon, np.nan)
    if np.ptp(y) == 0:
        backtest = empty_backtest.assign(chosen=empty_backtest["model"] == NAIVE)
        note = (
            f"Headcount has been constant at {y[-1]:g} for {n} month(s): no variation to "
            "estimate a trend or its uncertainty from, so the last value is carried forward "
            "without an interval."
        )
        return result(NAIVE, _frame(months, flat, nan, nan), backtest, note, True)

    if n < MIN_POINTS:
        backtest = empty_backtest.assign(chosen=empty_backtest["model"] == NAIVE)
        changes = n - 1
        if changes >= MIN_CHANGES_FOR_INTERVAL:
            from scipy import stats

            d = np.diff(y)
            sigma = float(np.sqrt(np.mean(d**2)))
            q = float(stats.t.ppf(0.5 + level / 2.0, df=changes))
            half = q * sigma * np.sqrt(np.arange(1, horizon + 1))
            low, high = flat - half, flat + half
            how = "the interval is a random walk's, from the month-to-month changes"
        else:
            low, high = nan, nan
            how = "too few changes to size an interval"
        note = (
            f"Only {n} month(s) of history ({MIN_POINTS} needed to fit and backtest ETS / "
            f"ARIMA trends), so the last value is carried forward; {how}."
        )
        return result(NAIVE, _frame(months, flat, low, high), backtest, note, True)

    backtest, scaled = _backtest(y, level)
    ranking = _ranking(backtest)
    notes: list[str] = []
    for row in backtest[backtest["failures"] > 0].itertuples(index=False):
        notes.append(
            f"{row.model} left out: {row.failures} of {row.origins} backtest fits "
            "failed or did not converge"
        )
    if ranking and ranking[0] in (NAIVE, ETS_DAMPED) and DRIFT in ranking and _steady_trend(y):
        what = "stops" if ranking[0] == NAIVE else "damps"
        notes.append(
            f"steady trend in each third of the history: {DRIFT} continues it "
            f"({ranking[0]} had the lowest backtest MAE but {what} it)"
        )
        ranking = [DRIFT] + [m for m in ranking if m != DRIFT]
    chosen, fc = None, None
    for name in ranking:
        try:
            fc = _FORECASTERS[name](y, horizon, level)
            chosen = name
            break
        except _FitFailed as exc:
            notes.append(f"{name} won the backtest but its final fit failed ({exc})")
    if chosen is None or fc is None:  # naive never fails; defensive
        chosen, fc = NAIVE, _naive(y, horizon, level)
    fallback = chosen != ranking[0]
    if fallback:
        notes.append(f"using {chosen} instead")
    steps, errors = scaled.get(chosen, (np.array([]), np.array([])))
    fc, factor, gamma = _calibrate(fc, steps, errors, level)
    if factor > 1.0:
        by = f"up to x{factor:.2f}" if np.isfinite(factor) else "from zero width"
        notes.append(
            f"interval widened ({by}) so that {level:.0%} of backtest errors fall inside it "
            f"at every horizon (errors growing like h^{gamma:.2f})"
        )
    fc, trend_note = _trend_uncertainty(y, fc, chosen, level)
    if trend_note:
        notes.append(trend_note)
    backtest = backtest.assign(chosen=backtest["model"] == chosen)
    return result(chosen, _frame(months, *fc), backtest, "; ".join(notes), fallback)


def status_quo_all(history: pd.DataFrame, horizon: int, **kw: Any) -> dict[str, TrendForecast]:
    """Status-quo projections for every role in the history.

    Args:
        history: tidy frame month, role, headcount [, hires, exits].
        horizon: months to forecast (>= 1).
        **kw: passed to `status_quo` (e.g. level).

    Returns:
        {role: TrendForecast}, roles in canonical order.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise EstimationError(f"horizon must be a whole number of months >= 1, got {horizon!r}")
    level = float(kw.pop("level", 0.80))
    if not (0.0 < level < 1.0):
        raise EstimationError(f"level must be in (0, 1), e.g. 0.8, got {level!r}")
    if kw:
        raise EstimationError(f"status_quo_all: unknown option(s) {', '.join(kw)}")
    df = validate_history(history)
    # Dozens of small fits: BLAS threads only add contention (on a busy 2-core server
    # the fits ran 2.5x slower with OpenBLAS's default threads than with one).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return {
            role: _project(df, role, int(horizon), level)
            for role in role_order(df["role"].unique())
        }
