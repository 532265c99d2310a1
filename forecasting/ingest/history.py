"""A monthly history: month, title or role, headcount[, hires, exits] per row.

Rows are summed per (month, role) into the tidy history frame; a role's months must
be contiguous from its first row to the as-of month (the last month, unless given).
With an exits column, exit and hire rates and attrition are estimated from it.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import as_history
from forecasting.ingest.aliases import normalize_title
from forecasting.ingest.context import Context, prefer_role, quote, roles_from, whole_counts
from forecasting.ingest.people import exits_by_year
from forecasting.ingest.rates_bridge import attrition_from_rates, fit_rates, rate_dict
from forecasting.ingest.values import month_end, month_labels, parse_months
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS


def ingest_history(context: Context) -> dict[str, Any]:
    """Read a monthly history; returns the IngestResult fields of this kind."""
    header_month = context.header("month")
    serial, parsed = parse_months(context.column("month"), order=context.order, hint=context.hint)
    if parsed.order is not None and (~np.isnat(parsed.values)).any():
        context.decided_order = str(parsed.order)
    unreadable = np.isnan(serial)
    if unreadable.all():
        raise context.bad_cell(
            unreadable, "month", "is not a month; write months as YYYY-MM (e.g. 2025-03)"
        )
    if unreadable.any():
        context.warnings.append(
            f"column {header_month!r}: {int(unreadable.sum())} row(s) have no readable month "
            f"({context.line_list(unreadable)}); they are left out. Write months as YYYY-MM"
        )
    headcount = whole_counts(context, "count", blank_is_zero=False)
    hires = whole_counts(context, "hires", blank_is_zero=True) if "hires" in context.used else None
    exits = whole_counts(context, "exits", blank_is_zero=True) if "exits" in context.used else None
    label_key = "role" if prefer_role(context) else "title"
    codes, distinct, _ = context.distinct(label_key)
    labels = pd.Series(
        np.asarray([normalize_title(v) for v in distinct], dtype=object)[codes], dtype=object
    )
    keep = ~unreadable
    # One row per (month, label).
    frame = pd.DataFrame(
        {"serial": serial, "label": labels.to_numpy(), "row": np.arange(len(serial))}
    )
    dupes = frame[keep].duplicated(["serial", "label"], keep="first")
    if dupes.any():
        index = int(frame[keep][dupes.to_numpy()]["row"].iloc[0])
        first_row = frame[keep][
            (frame[keep]["serial"] == serial[index]) & (frame[keep]["label"] == labels.iloc[index])
        ]["row"].iloc[0]
        line = context.line_of(index)
        first_line = context.line_of(int(first_row))
        raise IngestError(
            f"line {line} repeats month {month_labels([serial[index]])[0]} for "
            f"{quote(context.column(label_key).iloc[index])} (first on line {first_line}); "
            "keep one row per month and role"
        )
    last = int(np.nanmax(serial[keep]))
    if context.as_of is None and context.file_as_of is not None:
        stated = context.file_as_of.year * 12 + context.file_as_of.month - 1
        if not np.nanmin(serial[keep]) <= stated <= last:
            context.drop_file_date("its month is not one of the history's months")
    given = context.pick_as_of(month_end(last))
    if context.as_of_source != "latest date":
        assert given is not None
        wanted = given.year * 12 + given.month - 1
        later = keep & (serial > wanted)
        if later.any():
            context.warnings.append(
                f"{int(later.sum())} row(s) are after the as-of month "
                f"{month_labels([wanted])[0]} ({context.line_list(later)}); they are left out"
            )
            keep &= ~later
        if not keep.any():
            raise IngestError(
                f"as-of date {given.isoformat()} is before the first month in "
                f"{context.name}; choose a later as-of date"
            )
        if wanted > last:
            raise IngestError(
                f"as-of date {given.isoformat()} is after the last month in {context.name} "
                f"({month_labels([last])[0]}); choose an as-of date within the history or add "
                "the missing months"
            )
        last = wanted
        as_of = given
    else:
        as_of = month_end(last)
    weights = np.where(keep & (serial == last), headcount, 0)
    roles, mapping = roles_from(context, weights=weights)
    role_arr = roles.to_numpy()
    first = int(np.nanmin(serial[keep]))
    months = np.arange(first, last + 1)
    tidy = pd.DataFrame(
        {
            "serial": serial[keep].astype(np.int64),
            "role": role_arr[keep],
            "headcount": headcount[keep],
            "hires": hires[keep] if hires is not None else 0,
            "exits": exits[keep] if exits is not None else 0,
            "row": np.flatnonzero(keep),
        }
    )
    head = {key: 0 for key in (*ROLE_KEYS, OTHER)}
    other_now = tidy[(tidy["role"] == OTHER) & (tidy["serial"] == last)]["headcount"].sum()
    head[OTHER] = int(other_now)
    tidy = tidy[tidy["role"].isin(ROLE_KEYS)]
    grouped = tidy.groupby(["role", "serial"], sort=True)[["headcount", "hires", "exits"]].sum()
    pieces = []
    for role in ROLE_KEYS:
        if role not in grouped.index.get_level_values(0):
            continue
        part = cast(pd.DataFrame, grouped.loc[role]).reindex(months)
        present = part["headcount"].notna().to_numpy()
        first_present = int(np.flatnonzero(present)[0])
        gaps = np.flatnonzero(~present[first_present:]) + first_present
        if gaps.size:
            missing = month_labels([months[gaps[0]]])[0]
            raise IngestError(
                f"{context.name}: no row for {role} in {missing} (column "
                f"{header_month!r}); add the month (headcount 0 if nobody), so months are "
                "contiguous"
            )
        if first_present > 0:
            context.warnings.append(
                f"{role} first appears in {month_labels([months[first_present]])[0]}; "
                "earlier months are counted as 0"
            )
        part = part.fillna(0).astype(np.int64)
        pieces.append(
            pd.DataFrame(
                {
                    "month": month_labels(months),
                    "role": role,
                    "headcount": part["headcount"].to_numpy(),
                    "hires": part["hires"].to_numpy(),
                    "exits": part["exits"].to_numpy(),
                }
            )
        )
        head[role] = int(part["headcount"].iloc[-1])
    history = as_history(pieces)
    if hires is not None and exits is not None:
        _check_flows(history, context)
    rates: dict[str, dict[str, Any]] = {}
    attrition: dict[str, tuple[float, float, float]] = {}
    methods: dict[str, str] = {}
    if exits is None:
        context.warnings.append(
            "no exits column, so exit rates and attrition cannot be estimated from this file; "
            "add an 'exits' column (people who left in the month) to get them"
        )
    elif not history.empty and context.estimate:
        estimate = fit_rates(history, context.warnings)
        if estimate is not None:
            rates = rate_dict(estimate)
            attrition, methods = attrition_from_rates(estimate, history)
    return {
        "as_of": as_of,
        "headcount": head,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": history,
        "rates": rates,
        "attrition": attrition,
        "attrition_method": methods,
        "exits_by_year": exits_by_year(history) if exits is not None else None,
    }


def _check_flows(history: pd.DataFrame, context: Context) -> None:
    """Warn when headcount changes disagree with hires - exits (transfers, contractors)."""
    for role, part in history.groupby("role", sort=False):
        change = part["headcount"].diff().to_numpy()[1:]
        flow = (part["hires"] - part["exits"]).to_numpy()[1:]
        off = np.flatnonzero(change != flow)
        if off.size:
            month = part["month"].iloc[off[0] + 1]
            context.warnings.append(
                f"{role}: in {off.size} month(s) (first {month}) the headcount change differs "
                "from hires - exits; internal transfers or reorganisations may explain it"
            )
