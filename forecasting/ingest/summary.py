"""What a roster or a panel says, from its people: the fields every such upload returns.

:func:`summarise` turns the spells (:class:`forecasting.ingest.people.People`) into the
headcount on the as-of date, the monthly history *from the leavers window on* (before
it the file lists no leavers, so its headcount would miss the people who left then: a
survivorship artefact, not history), exits by year and by reason, and attrition over
the window with the exit reasons the user counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import empty_history
from forecasting.ingest.context import Context
from forecasting.ingest.people import (
    People,
    Window,
    exits_by_reason,
    exits_by_year,
    headcount_on,
    leavers_window,
    reason_label,
    reasons_found,
    trim_history,
    window_counts,
)
from forecasting.ingest.rates_bridge import roster_estimates
from forecasting.ingest.reasons import REASONS, reasons_of, status_left
from forecasting.ingest.roster_frame import roster_history


def row_reasons(context: Context) -> np.ndarray | None:
    """The exit reason of every row (one of REASONS), or None without a reason column."""
    if "reason" not in context.used:
        return None
    codes, distinct, _ = context.distinct("reason")
    return reasons_of(distinct)[codes]


def row_left(context: Context) -> np.ndarray | None:
    """Rows whose status says the person had left, or None without a status column;
    values not understood are named in a warning (and read as employed)."""
    if "status" not in context.used:
        return None
    codes, distinct, _ = context.distinct("status")
    left, unknown = status_left(distinct, context.header("status"))
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        context.warnings.append(
            f"column {context.header('status')!r}: {shown}{more} is not a status the planner "
            "knows (such as Active or Terminated); read as employed"
        )
    return left[codes]


def summarise(
    context: Context,
    people: People,
    as_of: np.datetime64,
    roster: pd.DataFrame | None,
    *,
    first_record: np.datetime64 | None = None,
) -> dict[str, Any]:
    """The IngestResult fields a roster or panel derives from its people.

    Args:
        context: the call's options (leavers since, counted reasons); gets warnings.
        people: the spells in scope.
        as_of: the as-of date.
        roster: one row per employment (role, start, end) for the survival estimate,
            or None when nothing is estimated.
        first_record: a panel's first record date, the start of its leavers window.

    Returns:
        as_of, as_of_source, headcount, history, history_note, exits_by_year,
        exits_by_reason, reasons, counted_reasons, attrition_counts, and the estimates
        (rates, attrition, ...).
    """
    full = roster_history(
        people.role, people.start, people.end, as_of=as_of, hired=people.hired, left=people.left
    )
    window = leavers_window(people, as_of, context.leavers_since, first_record)
    history, note = _honest(full, window)
    found = reasons_found(people, as_of)
    counted = context.counted_reasons
    if counted is not None and people.reason is not None and set(found) <= set(counted):
        counted = None  # every reason in the file is counted: nothing is left out
    counts = window_counts(people, as_of, window, counted) if window is not None else {}
    spells = bool((~people.hired).any() or (~people.left).any())
    differs = counted is not None or spells
    out: dict[str, Any] = {
        "as_of": pd.Timestamp(as_of).date(),
        "headcount": headcount_on(people, as_of),
        "history": history,
        "history_note": note,
        "exits_by_year": exits_by_year(full),
        "exits_by_reason": exits_by_reason(people, as_of),
        "reasons": found,
        "counted_reasons": None if counted is None else list(counted),
        "attrition_counts": counts,
        "people": people.people_count(),
    }
    if context.estimate:
        left_out = [reason_label(r) for r in found if counted is not None and r not in counted]
        phrase = f"not counted: {', '.join(left_out)}" if left_out else ""
        out.update(
            roster_estimates(
                roster,
                as_of,
                history,
                context,
                window=window,
                counts=counts if differs and window is not None else None,
                counted=phrase,
            )
        )
    elif window is not None:
        out["leavers_since"] = window.day
    return out


def _honest(full: pd.DataFrame, window: Window | None) -> tuple[pd.DataFrame, str]:
    """The history from the leavers window on, and a note on the months left out."""
    if full.empty:
        return full, ""
    if window is None:
        return empty_history(), (
            "No monthly history: the file lists no leavers, so its past headcount would "
            "count only the people still there. Type 'leavers recorded since' (the date "
            "from which the export lists every leaver) to get the history from then on."
        )
    history = trim_history(full, window.since)
    first, kept = str(full["month"].iloc[0]), str(history["month"].iloc[0]) if len(history) else ""
    if not kept or kept == first:
        return history, ""
    dropped = full["month"].nunique() - history["month"].nunique()
    why = {
        "given": "the given 'leavers recorded since' date",
        "detected": "the file's earliest end date",
        "first record": "the panel's first record date",
    }[window.source]
    return history, (
        f"History starts in {kept}, at {why} ({window.day.isoformat()}): the file lists "
        f"leavers from then on. The {dropped} months before, from {first}, are left out: "
        "without their leavers their headcount would only count the people who stayed."
    )


__all__ = ["REASONS", "row_left", "row_reasons", "summarise"]
