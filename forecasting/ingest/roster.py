"""A roster: one row per person with a start date and, for leavers, an end date.

A person is in the headcount on date D when ``start <= D`` and (no end date, or
``end > D``). :func:`roster_history` turns the people into the tidy monthly history;
the people themselves are summarised by :func:`forecasting.ingest.summary.summarise`
(headcount, the history from the leavers window on, attrition over that window, exits
by reason and by year). A status column saying someone left without an end date leaves
that person out (their exit cannot be dated).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest.context import Context, categorical, quote, roles_from
from forecasting.ingest.dates import parse_date_columns, report_dates
from forecasting.ingest.errors import COLUMN_MAPPING
from forecasting.ingest.people import People
from forecasting.ingest.roster_frame import roster_history
from forecasting.ingest.snapshot import median_salary
from forecasting.ingest.summary import row_left, row_reasons, summarise
from forecasting.ingest.values import date_fix
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS

__all__ = ["ingest_roster", "roster_history"]


def ingest_roster(context: Context) -> dict[str, Any]:
    """Read a roster; returns the IngestResult fields of this kind."""
    roles, mapping = roles_from(context)
    parsed = parse_date_columns(context, ("start", "end"))
    start_parsed = parsed["start"]
    start = report_dates(context, "start", start_parsed)
    end_parsed = parsed.get("end")
    end = (
        report_dates(context, "end", end_parsed)
        if end_parsed is not None
        else np.full(len(start), np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    end_blank = end_parsed.blank if end_parsed is not None else np.ones(len(start), dtype=bool)
    head_start = context.header("start")
    head_end = context.header("end") if "end" in context.used else "end"
    no_start = np.isnat(start)
    bad_end = np.isnat(end) & ~end_blank
    if no_start.all():
        index, line = context.first_line(no_start)
        value = context.column("start").iloc[index]
        what = "is empty" if value == "" else f"{quote(value)} is not a date"
        raise IngestError(
            f"line {line}, column {head_start!r}: {what}, and no row has a readable start "
            "date; write dates as YYYY-MM-DD (e.g. 2024-03-31), or choose the start-date "
            f"column under {COLUMN_MAPPING}"
        )
    _warn_unreadable(context, "start", head_start, no_start & ~start_parsed.blank, "")
    if start_parsed.blank.any():
        context.warnings.append(
            f"column {head_start!r} has no date on {context.line_list(start_parsed.blank)}; "
            "those people are left out of the headcount and history"
        )
    _warn_unreadable(
        context, "end", head_end, bad_end, ", or leave it empty for people still employed"
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
    usable &= ~_left_without_date(context, end, usable)
    if not usable.any():
        raise IngestError(
            f"{context.name}: every readable row is a leaver without an end date; add the end "
            "dates of the people who left"
        )
    latest = start[usable].max()
    ends = end[usable & ~np.isnat(end)]
    if ends.size:
        latest = max(latest, ends.max())
    earliest = start[usable].min()
    if context.file_as_of is not None and np.datetime64(context.file_as_of, "ns") < earliest:
        context.drop_file_date("it is before the earliest start date")
    picked = context.pick_as_of(pd.Timestamp(latest).date())
    assert picked is not None
    as_of = np.datetime64(picked, "ns")
    if as_of < earliest:
        index, line = context.first_line(usable & (start == earliest))
        raise IngestError(
            f"as-of date {picked.isoformat()} is before the earliest start date (line {line}, "
            f"column {head_start!r}); choose a later as-of date"
        )
    future = usable & (start > as_of)
    if future.any():
        context.warnings.append(
            f"{int(future.sum())} people start after the as-of date "
            f"{picked.isoformat()} ({context.line_list(future)}); they are not counted"
        )
    in_scope = usable & ~future
    current = in_scope & (start <= as_of) & (np.isnat(end) | (end > as_of))
    reason = row_reasons(context)
    people = People.roster(
        roles.to_numpy()[in_scope],
        start[in_scope],
        end[in_scope],
        None if reason is None else reason[in_scope],
    )
    _check_leavers_since(context, in_scope, end, as_of)
    annual_cost = median_salary(context, roles, current) if "salary" in context.used else {}
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
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "annual_cost": annual_cost,
        **summarise(context, people, as_of, roster),
    }


def _left_without_date(context: Context, end: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Rows whose status says the person left but which give no end date: a roster cannot
    date their exit, so they are left out (with a warning)."""
    left = row_left(context)
    if left is None:
        return np.zeros(len(end), dtype=bool)
    undated = left & np.isnat(end) & usable
    if undated.any():
        context.warnings.append(
            f"column {context.header('status')!r} says {int(undated.sum())} people left but "
            f"they have no end date ({context.line_list(undated)}); they are left out of the "
            "headcount and attrition. Add their end dates to count them"
        )
    return undated


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


def _warn_unreadable(context: Context, column: str, head: str, mask: np.ndarray, more: str) -> None:
    """Warn about the rows of `column` (headed `head`) whose dates cannot be read: how
    many, on which lines, an example and how to write it (`more` appended)."""
    if not mask.any():
        return
    example = context.column(column)[mask].iloc[0]
    context.warnings.append(
        f"column {head!r}: {int(mask.sum())} date(s) cannot be read "
        f"({context.line_list(mask)}, e.g. {quote(example)}); those people are left out of "
        f"the headcount and history. {date_fix(example)}{more}"
    )
