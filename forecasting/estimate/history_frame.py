"""The tidy monthly history frame, the one contract between ingest and the estimators.

``month`` ("YYYY-MM"), ``role`` (a role key), ``headcount`` (people at the month's
end), ``hires`` and ``exits`` (events during the month); one row per (month, role),
sorted by month, then by role in ``ROLE_KEYS`` order. A history file and a roster
both end here (:func:`as_history`); a snapshot has :func:`empty_history`. The
estimators (rates, survival, trend) take any such frame through :func:`validate_history`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from forecasting.model.errors import EstimationError
from forecasting.model.roles import ROLE_KEYS

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

HISTORY_COLUMNS: tuple[str, ...] = ("month", "role", "headcount", "hires", "exits")
#: Column -> dtype of the frame (``HISTORY_COLUMNS`` in order).
HISTORY_DTYPES: dict[str, str] = dict(
    zip(HISTORY_COLUMNS, ("str", "str", "int64", "int64", "int64"), strict=True)
)


def empty_history() -> pd.DataFrame:
    """Return an empty tidy history frame (columns month, role, headcount, hires, exits)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in HISTORY_DTYPES.items()})


def as_history(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-role frames into the tidy history: month, then role order; dtypes."""
    if not pieces:
        return empty_history()
    history = pd.concat(pieces, ignore_index=True)
    history = history.sort_values(["month", "role"], kind="stable", key=_role_order_key)
    return history.reset_index(drop=True).astype(HISTORY_DTYPES)


def _role_order_key(column: pd.Series) -> pd.Series:
    """Sort key: role keys by their place in ``ROLE_KEYS``, months as they are."""
    if column.name == "role":
        return column.map({r: i for i, r in enumerate(ROLE_KEYS)})
    return column


def role_order(roles: Any) -> list[str]:
    """Known role keys in canonical order, then any other labels sorted."""
    present = {str(r) for r in roles}
    known = [r for r in ROLE_KEYS if r in present]
    return known + sorted(present - set(known))


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
