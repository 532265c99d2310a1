"""The tidy history frame an ingest returns: its columns, dtypes and row order, once.

``month`` ("YYYY-MM"), ``role`` (a role key), ``headcount`` (people at the month's
end), ``hires`` and ``exits`` (events during the month); one row per (month, role),
sorted by month, then by role in ``ROLE_KEYS`` order. A history file and a roster
both end here (:func:`as_history`); a snapshot has :func:`empty_history`.
"""

from __future__ import annotations

import pandas as pd

from forecasting.roles import ROLE_KEYS

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
