"""The tidy monthly history of people's spells: headcount at each month's end, hires and
exits within the month (a roster's people, a panel's spells)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import as_history, empty_history
from forecasting.ingest.values import month_labels
from forecasting.model.roles import ROLE_KEYS


def roster_history(
    roles: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    *,
    as_of: Any,
    hired: np.ndarray | None = None,
    left: np.ndarray | None = None,
) -> pd.DataFrame:
    """Build the tidy monthly history of a roster (vectorised with ``searchsorted``).

    For each month from the month of the earliest start to the as-of month:
    headcount on the month's last day (the as-of date for the as-of month),
    hires = starts within the month, exits = end dates within the month.

    Args:
        roles: role key per person (or spell; "other" rows are ignored).
        start: datetime64 start dates (no NaT).
        end: datetime64 end dates, NaT when still employed.
        as_of: the as-of date (anything ``numpy.datetime64`` accepts).
        hired: spells whose start is a hire (default: all); the others (a panel's
            changes of role) count in the headcount, not in the hires.
        left: spells whose end is an exit (default: all).

    Returns:
        The tidy history frame (month, role, headcount, hires, exits) for the four roles.
    """
    start = np.asarray(start, dtype="datetime64[ns]")
    end = np.asarray(end, dtype="datetime64[ns]")
    as_of = np.datetime64(pd.Timestamp(as_of), "ns")
    if start.size == 0:
        return empty_history()
    hired = np.ones(len(start), dtype=bool) if hired is None else np.asarray(hired, dtype=bool)
    left = np.ones(len(start), dtype=bool) if left is None else np.asarray(left, dtype=bool)
    first = pd.Timestamp(start.min())
    last = pd.Timestamp(as_of)
    serials = np.arange(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    ends = pd.to_datetime(
        pd.DataFrame({"year": serials // 12, "month": serials % 12 + 1, "day": 1})
    ) + pd.offsets.MonthEnd(0)
    cut = ends.to_numpy(dtype="datetime64[ns]") + np.timedelta64(1, "D") - np.timedelta64(1, "ns")
    cut[-1] = min(cut[-1], as_of)
    # Day before the first month starts, in the same resolution.
    previous = np.concatenate(
        [[np.datetime64(first.replace(day=1), "ns") - np.timedelta64(1, "ns")], cut[:-1]]
    )
    labels = month_labels(serials)
    roles = np.asarray(roles, dtype=object)
    pieces = []
    for role in ROLE_KEYS:
        mine = roles == role
        starts = np.sort(start[mine])
        closes = end[mine]
        closes = np.sort(closes[~np.isnat(closes)])
        hires = np.sort(start[mine & hired])
        exits = end[mine & left]
        exits = np.sort(exits[~np.isnat(exits)])
        pieces.append(
            pd.DataFrame(
                {
                    "month": labels,
                    "role": role,
                    "headcount": (
                        np.searchsorted(starts, cut, side="right")
                        - np.searchsorted(closes, cut, side="right")
                    ).astype(np.int64),
                    "hires": _between(hires, previous, cut),
                    "exits": _between(exits, previous, cut),
                }
            )
        )
    return as_history(pieces)


def _between(days: np.ndarray, after: np.ndarray, upto: np.ndarray) -> np.ndarray:
    """How many of the sorted ``days`` fall in each (after, upto]."""
    return (
        np.searchsorted(days, upto, side="right") - np.searchsorted(days, after, side="right")
    ).astype(np.int64)
