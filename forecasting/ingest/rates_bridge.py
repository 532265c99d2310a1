"""The bridge to the estimators: rates from a history, attrition from a roster.

forecasting.estimate.rates and forecasting.estimate.survival are imported inside the functions: they
pull in statsmodels and scipy, which are slow to import, and a preview
(``estimate=False``) needs neither. An estimate that fails becomes a warning, never
an error: the upload is still usable with the default rates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest.context import Context
from forecasting.ingest.people import Window, attrition_from_counts
from forecasting.model.errors import PlannerError
from forecasting.model.roles import ROLE_KEYS


def fit_rates(history: pd.DataFrame, warnings: list[str]) -> Any:
    """forecasting.estimate.rates.estimate_rates of a history, or None (with a warning why)."""
    if history.empty:
        return None
    try:
        from forecasting.estimate.rates import estimate_rates
    except ImportError:
        warnings.append("rate estimation is not available in this installation")
        return None
    try:
        return estimate_rates(history)
    except PlannerError as exc:
        warnings.append(f"exit/hire rates were not estimated: {exc}")
        return None


def rate_dict(estimate: Any) -> dict[str, dict[str, Any]]:
    """role -> {exits_monthly, exits_low, exits_high, hires_*, method} as plain floats."""
    if hasattr(estimate, "as_dict"):
        raw = estimate.as_dict()
    else:
        raw = {}
        table = estimate.table
        for row in table.itertuples(index=False):
            entry = raw.setdefault(str(row.role), {})
            event = str(row.event)
            entry[f"{event}_monthly"] = row.rate_monthly
            entry[f"{event}_low"] = row.low
            entry[f"{event}_high"] = row.high
            if event == "exits" or "method" not in entry:
                entry["method"] = str(row.method)
    result: dict[str, dict[str, Any]] = {}
    for role in ROLE_KEYS:
        # "prior" = no exposure at all: nothing was estimated from the file.
        if role not in raw or raw[role].get("method") == "prior":
            continue
        result[role] = {key: _plain(value) for key, value in raw[role].items()}
    return result


def _plain(value: Any) -> Any:
    """numpy scalars -> float; None and strings unchanged."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | np.number):
        return float(value)
    return str(value)


def attrition_from_rates(
    estimate: Any, history: pd.DataFrame
) -> tuple[dict[str, tuple[float, float, float]], dict[str, str]]:
    """role -> annual attrition (mid, low, high) from fitted rates, and role -> method."""
    attrition: dict[str, tuple[float, float, float]] = {}
    methods: dict[str, str] = {}
    rates = rate_dict(estimate)
    for role in ROLE_KEYS:
        if role not in rates:
            continue
        try:
            mid, low, high = estimate.annual_attrition(role)
        except (PlannerError, KeyError, ValueError):
            continue
        attrition[role] = (float(mid), float(low), float(high))
        method = rates.get(role, {}).get("method", "glm")
        methods[role] = f"poisson {method}"
    return attrition, methods


def roster_estimates(
    roster: pd.DataFrame | None,
    as_of: Any,
    history: pd.DataFrame,
    context: Context,
    window: Window | None = None,
    counts: dict[str, dict[str, float]] | None = None,
    counted: str = "",
) -> dict[str, Any]:
    """A roster's estimates as IngestResult fields (empty ones when ``roster`` is None).

    Attrition over the leavers window (forecasting.estimate.survival) per role; exit/hire rates
    from the history's months inside that window, whose attrition fills in a role the
    survival estimate left out.

    Args:
        roster: people in scope (role, start, end: NaT unless ended by the as-of date),
            or None when nothing is estimated.
        as_of: the as-of date.
        history: the monthly history (from the leavers window on).
        context: the call's options; receives the warnings.
        window: the leavers window when it is not the survival estimate's own (a
            panel's first record date: given to the estimate).
        counts: exits and person-months per role counted from the spells
            (:func:`forecasting.ingest.people.window_counts`), when they differ from
            the estimate's own (changes of role, exit reasons left out): the attrition
            is then theirs, with the estimate's prior.
        counted: which exits ``counts`` counts, for the method ("" when all).

    Returns:
        rates, attrition, attrition_method, attrition_first_year, leavers_since,
        attrition_window, survival_curves, cox.
    """
    rates: dict[str, dict[str, Any]] = {}
    attrition: dict[str, tuple[float, float, float]] = {}
    methods: dict[str, str] = {}
    first_year: dict[str, tuple[float, float, float]] = {}
    out: dict[str, Any] = {"leavers_since": None, "attrition_window": ""}
    panel = window is not None and window.source == "first record"
    since = window.day if panel and window is not None else context.leavers_since
    survival = None if roster is None else _attrition_from_roster(roster, as_of, context, since)
    if survival is not None:
        for role in ROLE_KEYS:
            if role not in set(survival.table["role"]):
                continue
            row = survival.table[survival.table["role"] == role].iloc[0]
            values = survival.annual_attrition(role)
            if row["method"] != "prior" and all(np.isfinite(values)):
                attrition[role] = values
                methods[role] = survival.method(role)
            info = survival.first_year_attrition(role)
            if info is not None:
                first_year[role] = info
        out = {
            "leavers_since": survival.leavers_since.date(),
            "attrition_window": survival.window_text(),
        }
        if counts is not None:
            _from_counts(survival, counts, counted, attrition, methods, panel=panel)
        if panel:
            out["attrition_window"] = _panel_window_text(survival, counts, counted)
        source = "given" if panel else survival.window_source
        estimate = fit_rates(
            _window_months(history, survival.leavers_since, source), context.warnings
        )
        if estimate is not None:
            rates = rate_dict(estimate)
            fallback, fallback_methods = attrition_from_rates(estimate, history)
            for role, value in fallback.items():
                if role not in attrition:
                    attrition[role] = value
                    methods[role] = fallback_methods[role]
    attrition = {r: attrition[r] for r in ROLE_KEYS if r in attrition}
    return {
        "rates": rates,
        "attrition": attrition,
        "attrition_method": {r: methods[r] for r in attrition},
        "attrition_first_year": first_year,
        **out,
        "survival_curves": _curves([survival] if survival is not None else None),
        "cox": survival.cox if survival is not None else None,
    }


def _from_counts(
    survival: Any,
    counts: dict[str, dict[str, float]],
    counted: str,
    attrition: dict[str, tuple[float, float, float]],
    methods: dict[str, str],
    *,
    panel: bool,
) -> None:
    """Attrition from the spells' own counts, with the survival estimate's prior."""
    since, as_of = survival.leavers_since.date(), survival.as_of.date()
    where = " (the first record date)" if panel else ""
    for role, c in counts.items():
        if c["person_months"] <= 0 and not c["exits"]:
            continue
        attrition[role] = attrition_from_counts(c, survival)
        exits = f"{c['exits']} exit" + ("" if c["exits"] == 1 else "s")
        methods[role] = (
            f"exits per person-month over {since}{where} to {as_of}: {exits}"
            f"{' (' + counted + ')' if counted else ''} in {c['person_months']:,.0f} "
            f"person-months, Gamma-Poisson posterior median ({survival.prior})"
        )


def _panel_window_text(survival: Any, counts: Any, counted: str) -> str:
    """The window sentence of a panel: from its first record date to the as-of date."""
    if counts is not None:
        events = sum(int(c["exits"]) for c in counts.values())
        exposure = sum(float(c["person_months"]) for c in counts.values())
    else:
        events = int(survival.table["events"].sum())
        exposure = float(survival.table["exposure"].sum())
    exits = f"{events} exit" + ("" if events == 1 else "s")
    return (
        "Attrition is exits per person-month over the panel's records: from "
        f"{survival.leavers_since.date()} (its first record date: everyone employed then is "
        f"listed, and every leaver since) to {survival.as_of.date()}: {exits}"
        f"{' (' + counted + ')' if counted else ''} in {exposure:,.0f} person-months."
    )


def _attrition_from_roster(
    roster: pd.DataFrame, as_of: Any, context: Context, since: dt.date | None
) -> Any:
    """Attrition over the leavers window (forecasting.estimate.survival), or None with a warning."""
    in_roles = int(roster["role"].isin(ROLE_KEYS).sum())
    if not in_roles:
        return None
    if since is None and roster["end"].isna().all():
        context.warnings.append(
            "attrition and exit/hire rates were not estimated: the file lists no leavers, so "
            "there is no window to count exits over. A roster must list every current "
            "employee and every leaver since a date; type that date as 'leavers recorded "
            "since' (next to the as-of date), even if nobody left since"
        )
        return None
    try:
        from forecasting.estimate.survival import roster_survival
    except ImportError:
        return None
    large = in_roles > context.cox_max_people
    try:
        estimate = roster_survival(
            roster,
            as_of=pd.Timestamp(as_of),
            leavers_since=since,
            cox=not large,
            roles=ROLE_KEYS,
        )
    except PlannerError as exc:
        context.warnings.append(f"attrition and exit/hire rates were not estimated: {exc}")
        return None
    if large:
        context.warnings.append(
            f"the roster has {in_roles:,} people in the four roles, more than "
            f"{context.cox_max_people:,}: the Cox model comparing roles was skipped to keep the "
            "upload fast; the per-role attrition is unaffected"
        )
    return estimate


def _window_months(history: pd.DataFrame, since: pd.Timestamp, source: str) -> pd.DataFrame:
    """The history's months inside the leavers window.

    A month's exposure is the previous month's end headcount, which is complete only
    when every leaver after that day is in the file: months starting on or after a
    given window start, strictly after a detected one (whose first leaver dates it).
    """
    if history.empty:
        return history
    first_days = pd.PeriodIndex(history["month"], freq="M").start_time
    inside = first_days > since if source == "detected" else first_days >= since
    return history.loc[np.asarray(inside)].reset_index(drop=True)


def _curves(estimates: Any) -> pd.DataFrame:
    """The Kaplan-Meier curves of the four roles (an empty frame when there are none)."""
    columns = ["role", "tenure_months", "survival", "low", "high"]
    parts = [e.curves for e in estimates or () if getattr(e, "curves", None) is not None]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    curves = pd.concat(parts, ignore_index=True)
    return curves[curves["role"].isin(ROLE_KEYS)].reset_index(drop=True)
