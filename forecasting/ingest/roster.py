"""A roster: one row per person with a start date and, for leavers, an end date.

A person is in the headcount on date D when ``start <= D`` and (no end date, or
``end > D``). :func:`roster_history` turns the people into the tidy monthly history;
attrition is counted over the leavers window (forecasting/estimate/survival.py, through
:mod:`forecasting.ingest.rates_bridge`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import as_history, empty_history
from forecasting.ingest.context import (
    Context,
    categorical,
    headcount_dict,
    quote,
    roles_from,
)
from forecasting.ingest.rates_bridge import roster_estimates
from forecasting.ingest.snapshot import median_salary
from forecasting.ingest.values import DateOrder, ParsedDates, month_labels
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS


def ingest_roster(context: Context) -> dict[str, Any]:
    """Read a roster; returns the IngestResult fields of this kind."""
    roles, mapping = roles_from(context)
    start_parsed, end_parsed = _parse_date_pair(context)
    start = _report_dates(context, "start", start_parsed)
    start_blank = start_parsed.blank
    end = (
        _report_dates(context, "end", end_parsed)
        if end_parsed is not None
        else np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    if "end" in context.used:
        end_codes, end_distinct, _ = context.distinct("end")
        end_raw_blank = (end_distinct == "").to_numpy()[end_codes]
    else:
        end_raw_blank = np.ones(len(start), dtype=bool)
    head_start, head_end = (
        context.header("start"),
        (context.header("end") if "end" in context.used else "end"),
    )
    no_start = np.isnat(start)
    bad_end = np.isnat(end) & ~end_raw_blank
    if no_start.all():
        index, line = context.first_line(no_start)
        value = context.column("start").iloc[index]
        what = "is empty" if value == "" else f"{quote(value)} is not a date"
        raise IngestError(
            f"line {line}, column {head_start!r}: {what}, and no row has a readable start "
            "date; write dates as YYYY-MM-DD (e.g. 2024-03-31)"
        )
    unreadable_start = no_start & ~start_blank
    if unreadable_start.any():
        context.warnings.append(
            f"column {head_start!r}: {int(unreadable_start.sum())} date(s) cannot be read "
            f"({context.line_list(unreadable_start)}, e.g. "
            f"{quote(context.column('start')[unreadable_start].iloc[0])}); those people are "
            "left out of the headcount and history. Write dates as YYYY-MM-DD"
        )
    if (start_blank).any():
        context.warnings.append(
            f"column {head_start!r} is empty on {context.line_list(start_blank)}; those people "
            "are left out of the headcount and history"
        )
    if bad_end.any():
        context.warnings.append(
            f"column {head_end!r}: {int(bad_end.sum())} date(s) cannot be read "
            f"({context.line_list(bad_end)}, e.g. "
            f"{quote(context.column('end')[bad_end].iloc[0])}); those people are left out "
            "of the headcount and history. Write dates as YYYY-MM-DD, or leave it empty for "
            "people still employed"
        )
    usable = ~no_start & ~bad_end
    if not usable.any():
        index, line = context.first_line(bad_end)
        raise IngestError(
            f"line {line}, column {head_end!r}: {quote(context.column('end').iloc[index])} is "
            "not a date, and no row has both a readable start date and a readable or empty end "
            "date; write dates as YYYY-MM-DD and leave the end date empty for current staff"
        )
    before = usable & ~np.isnat(end) & (end < start)
    if before.any():
        index, line = context.first_line(before)
        raise IngestError(
            f"line {line}: end date {quote(context.column('end').iloc[index])} (column "
            f"{head_end!r}) is before start date {quote(context.column('start').iloc[index])} "
            f"(column {head_start!r}); correct one of them"
        )
    if context.as_of is not None:
        as_of = np.datetime64(context.as_of, "ns")
    else:
        latest = start[usable].max()
        ends = end[usable & ~np.isnat(end)]
        if ends.size:
            latest = max(latest, ends.max())
        as_of = latest
    earliest = start[usable].min()
    if as_of < earliest:
        index, line = context.first_line(usable & (start == earliest))
        raise IngestError(
            f"as_of {pd.Timestamp(as_of).date().isoformat()} is before the earliest start "
            f"date (line {line}, column {head_start!r}); choose a later as-of date"
        )
    future = usable & (start > as_of)
    if future.any():
        context.warnings.append(
            f"{int(future.sum())} people start after the as-of date "
            f"{pd.Timestamp(as_of).date().isoformat()} ({context.line_list(future)}); "
            "they are not counted"
        )
    in_scope = usable & ~future
    current = in_scope & (start <= as_of) & (np.isnat(end) | (end > as_of))
    headcount = headcount_dict(roles[current])
    history = roster_history(
        roles.to_numpy()[in_scope], start[in_scope], end[in_scope], as_of=as_of
    )
    annual_cost = median_salary(context, roles, current) if "salary" in context.used else {}
    _check_leavers_since(context, in_scope, end, as_of)
    roster = None
    if context.estimate:
        ended = np.where(~np.isnat(end) & (end <= as_of), end, np.datetime64("NaT"))
        names = [r if r in ROLE_KEYS else OTHER for r in roles.cat.categories]
        roster = pd.DataFrame(
            {
                "role": categorical(roles.cat.codes.to_numpy()[in_scope], names),
                "start": start[in_scope],
                "end": ended[in_scope],
            }
        )
    return {
        "as_of": pd.Timestamp(as_of).date(),
        "headcount": headcount,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": history,
        "annual_cost": annual_cost,
        **roster_estimates(roster, as_of, history, context),
    }


def _report_dates(context: Context, logical: str, parsed: ParsedDates) -> np.ndarray:
    """Raise on a mixed-order column, warn on an ambiguous one; return the values."""
    raw = context.column(logical)
    header = context.header(logical)
    if parsed.conflict is not None:
        (i1, o1), (i2, o2) = parsed.conflict
        l1, l2 = context.line_of(i1), context.line_of(i2)
        raise IngestError(
            f"column {header!r} mixes day-first and month-first dates (line {l1}: "
            f"{quote(raw.iloc[i1])} is {o1.upper()}, line {l2}: {quote(raw.iloc[i2])} "
            f"is {o2.upper()}); export dates as YYYY-MM-DD, or pass date_order "
            "(CLI: --date-order dmy|mdy) to read every date one way"
        )
    if parsed.order is not None:
        context.decided_order = context.decided_order or str(parsed.order)
    if parsed.ambiguous:
        # An ambiguous column always has its order (the hint) and an example row.
        assert parsed.order is not None and parsed.example is not None
        other = "dmy" if parsed.order == DateOrder.MDY else "mdy"
        example = f"{quote(raw.iloc[parsed.example])}" if parsed.example is not None else ""
        name = "month/day/year" if parsed.order == DateOrder.MDY else "day/month/year"
        source = context.settled_by.get(logical)
        like = f" like column {source!r}" if source else ""
        context.warnings.append(
            f"column {header!r}: every numeric date fits both day/month and month/day; read "
            f"as {name} ({parsed.order.upper()}){like}, e.g. {example} = "
            f"{pd.Timestamp(parsed.values[parsed.example]).date().isoformat()}. If that is "
            f"wrong, pass date_order='{other}' (CLI: --date-order {other})"
        )
    return parsed.values


def _check_leavers_since(
    context: Context, in_scope: np.ndarray, end: np.ndarray, as_of: np.datetime64
) -> None:
    """Refuse a window starting after as_of; report leavers before it (when one is given)."""
    given = context.leavers_since
    if given is None:
        return
    since = np.datetime64(given, "ns")
    if since > as_of:
        raise IngestError(
            f"leavers recorded since {given.isoformat()} is after the as-of "
            f"date {pd.Timestamp(as_of).date().isoformat()}; give the first day from which "
            "the export lists every leaver"
        )
    earlier = in_scope & ~np.isnat(end) & (end < since)
    if earlier.any():
        context.warnings.append(
            f"{int(earlier.sum())} leaver(s) left before {given.isoformat()} "
            f"({context.line_list(earlier)}), the given 'leavers recorded since' date; they "
            "are outside the window and not counted in attrition. If the export lists every "
            "leaver since an earlier date, give that date instead"
        )


def _parse_date_pair(context: Context) -> tuple[ParsedDates, ParsedDates | None]:
    """Parse start and end; a column that shows its day/month order settles the other."""
    order, hint = context.order, context.hint
    start = context.dates("start", order, hint)
    end = context.dates("end", order, hint) if "end" in context.used else None
    if order is not None or end is None:
        return start, end

    def settled(p: ParsedDates) -> DateOrder | None:
        """The order a column shows without doubt, or None."""
        return p.order if not p.ambiguous and p.conflict is None else None

    by_end, by_start = settled(end), settled(start)
    if start.ambiguous and by_end is not None:
        context.settled_by["start"] = context.header("end")
        if by_end != start.order:
            start = context.dates("start", None, by_end)
    elif end.ambiguous and by_start is not None:
        context.settled_by["end"] = context.header("start")
        if by_start != end.order:
            end = context.dates("end", None, by_start)
    return start, end


def roster_history(
    roles: np.ndarray, start: np.ndarray, end: np.ndarray, *, as_of: Any
) -> pd.DataFrame:
    """Build the tidy monthly history of a roster (vectorised with ``searchsorted``).

    For each month from the month of the earliest start to the as-of month:
    headcount on the month's last day (the as-of date for the as-of month),
    hires = starts within the month, exits = end dates within the month.

    Args:
        roles: role key per person ("other" rows are ignored).
        start: datetime64 start dates (no NaT).
        end: datetime64 end dates, NaT when still employed.
        as_of: the as-of date (anything ``numpy.datetime64`` accepts).

    Returns:
        The tidy history frame (month, role, headcount, hires, exits) for the four roles.
    """
    start = np.asarray(start, dtype="datetime64[ns]")
    end = np.asarray(end, dtype="datetime64[ns]")
    as_of = np.datetime64(pd.Timestamp(as_of), "ns")
    if start.size == 0:
        return empty_history()
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
        started = np.searchsorted(starts, cut, side="right")
        ended = np.searchsorted(closes, cut, side="right")
        started_before = np.searchsorted(starts, previous, side="right")
        ended_before = np.searchsorted(closes, previous, side="right")
        pieces.append(
            pd.DataFrame(
                {
                    "month": labels,
                    "role": role,
                    "headcount": (started - ended).astype(np.int64),
                    "hires": (started - started_before).astype(np.int64),
                    "exits": (ended - ended_before).astype(np.int64),
                }
            )
        )
    return as_history(pieces)
