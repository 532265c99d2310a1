"""A panel: one row per person per period (a yearly or monthly snapshot history).

Rows are grouped by person id and ordered by record date. Each person is counted once:

* an **employment** runs from the earliest hire date on its rows (the first record
  date when none is given) to its exit: the termination date on its final row, or that
  row's record date when its status says the person left (TERMINATED, Inactive,
  Ausgetreten ...) without a date, or the day after the last record of someone missing
  from the later snapshots. A row after a leaver's final one starts a new employment
  (a rehire);
* within an employment, the role in force is that of the latest record (the first
  record's before it): a change of role is a **spell** boundary, neither an exit nor a
  hire. The headcount on a date counts each person once, under their role then.

The monthly history, attrition and the rest come from the spells, as for a roster
(:func:`forecasting.ingest.summary.summarise`). The leavers window starts at the first
record date (everyone employed then is listed, and every leaver since), or at the
earliest termination date when the first snapshot lists that period's leavers too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest.context import Context, categorical, quote, roles_from
from forecasting.ingest.dates import parse_date_columns, report_dates
from forecasting.ingest.people import People
from forecasting.ingest.snapshot import median_salary
from forecasting.ingest.summary import row_left, row_reasons, summarise
from forecasting.ingest.values import ParsedDates, month_end, parse_months
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS

_NAT = np.datetime64("NaT", "ns")
_DAY = np.timedelta64(1, "D")
_MAX = np.iinfo(np.int64).max


def ingest_panel(context: Context) -> dict[str, Any]:
    """Read a panel; returns the IngestResult fields of this kind."""
    n = context.table.rows
    pid_codes, pid_distinct, _ = context.distinct("person")
    no_id = (pid_distinct == "").to_numpy()[pid_codes]
    parsed = parse_date_columns(context, ("record", "start", "end"))
    record = _record_dates(context, parsed["record"])
    start = (
        report_dates(context, "start", parsed["start"])
        if "start" in parsed
        else np.full(n, _NAT, dtype="datetime64[ns]")
    )
    end = (
        report_dates(context, "end", parsed["end"])
        if "end" in parsed
        else np.full(n, _NAT, dtype="datetime64[ns]")
    )
    if "end" in parsed:
        unreadable = np.isnat(end) & ~parsed["end"].blank
        if unreadable.any():
            context.warnings.append(
                f"column {context.header('end')!r}: {int(unreadable.sum())} date(s) cannot be "
                f"read ({context.line_list(unreadable)}); read as no date. Write dates as "
                "YYYY-MM-DD"
            )
    ok = ~no_id & ~np.isnat(record)
    _warn_dropped(context, no_id, np.isnat(record) & ~no_id)
    if not ok.any():
        raise IngestError(
            f"{context.name}: no row has both a person id (column {context.header('person')!r}) "
            f"and a readable record date (column {context.header('record')!r}); write dates as "
            "YYYY-MM-DD"
        )
    rows = np.flatnonzero(ok)
    order = rows[np.lexsort((record[rows], pid_codes[rows]))]
    pid, rec = pid_codes[order], record[order]
    keep = np.ones(len(order), dtype=bool)
    keep[:-1] = ~((pid[:-1] == pid[1:]) & (rec[:-1] == rec[1:]))
    if not keep.all():
        context.warnings.append(
            f"{int((~keep).sum()):,} row(s) repeat a person's record date "
            f"({context.line_list(_mask(n, order[~keep]))}); the last of each is used"
        )
        order, pid, rec = order[keep], pid[keep], rec[keep]
    final = np.ones(len(order), dtype=bool)
    final[:-1] = pid[:-1] != pid[1:]
    roles, mapping = roles_from(context, weights=_mask(n, order[final]).astype(float))
    left_status = row_left(context)
    spells, episodes = _spells(
        context,
        order,
        pid,
        rec,
        roles.to_numpy(),
        start[order],
        end[order],
        None if left_status is None else left_status[order],
    )
    latest = pd.Timestamp(rec.max()).date()
    ep_start = episodes["start"]
    earliest = ep_start.min()
    if context.file_as_of is not None and np.datetime64(context.file_as_of, "ns") < earliest:
        context.drop_file_date("it is before the earliest hire date")
    picked = context.pick_as_of(latest)
    assert picked is not None
    as_of = np.datetime64(picked, "ns")
    if as_of < earliest:
        raise IngestError(
            f"as-of date {picked.isoformat()} is before the earliest hire date "
            f"({pd.Timestamp(earliest).date().isoformat()}); choose a later as-of date"
        )
    future = spells["start"] > as_of
    if future.any():
        context.warnings.append(
            f"{len(np.unique(spells['person'][future])):,} people start after the as-of date "
            f"{picked.isoformat()}; they are not counted"
        )
    scope = ~future
    reason = row_reasons(context)
    people = People(
        role=spells["role"][scope],
        start=spells["start"][scope],
        end=spells["end"][scope],
        hired=spells["hired"][scope],
        left=spells["left"][scope],
        reason=None if reason is None else reason[order][spells["last_row"]][scope],
        person=spells["person"][scope],
    )
    annual_cost = {}
    if "salary" in context.used:
        annual_cost = median_salary(context, roles, _in_force(n, order, episodes, rec, as_of))
    roster = _roster(roles, episodes, spells, as_of) if context.estimate else None
    first_record = rec.min() if context.leavers_since is None else None
    return {
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "annual_cost": annual_cost,
        **summarise(context, people, as_of, roster, first_record=first_record),
    }


def _mask(n: int, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def _warn_dropped(context: Context, no_id: np.ndarray, no_record: np.ndarray) -> None:
    if no_id.any():
        context.warnings.append(
            f"column {context.header('person')!r} is empty on {context.line_list(no_id)}; "
            "those rows are left out (a panel's rows are people only by their id)"
        )
    if no_record.any():
        context.warnings.append(
            f"column {context.header('record')!r}: {int(no_record.sum())} row(s) have no "
            f"readable record date ({context.line_list(no_record)}); they are left out. Write "
            "dates as YYYY-MM-DD"
        )


def _record_dates(context: Context, parsed: ParsedDates) -> np.ndarray:
    """Record dates: a date, else a month (its last day) or a year (31 December)."""
    values = report_dates(context, "record", parsed)
    if not parsed.bad.any():
        return values
    codes, distinct, _ = context.distinct("record")
    serial, _ = parse_months(distinct)
    years = distinct.str.fullmatch(r"(?:19|20)\d{2}", na=False).to_numpy(dtype=bool)
    extra = np.full(len(distinct), _NAT, dtype="datetime64[ns]")
    for i in np.flatnonzero(~np.isnan(serial)):
        extra[i] = np.datetime64(month_end(int(serial[i])), "ns")
    for i in np.flatnonzero(years):
        extra[i] = np.datetime64(f"{int(distinct.iloc[i])}-12-31", "ns")
    return np.where(parsed.bad, extra[codes], values)


def _spells(
    context: Context,
    order: np.ndarray,
    pid: np.ndarray,
    rec: np.ndarray,
    role_rows: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    left_status: np.ndarray | None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Employments (episodes) and role spells of the sorted rows (see the module text)."""
    m = len(order)
    role = np.asarray(role_rows, dtype=object)[order]
    new_person = np.ones(m, dtype=bool)
    new_person[1:] = pid[1:] != pid[:-1]
    gone = ~np.isnat(end) & (end <= rec)
    if left_status is not None:
        gone |= left_status
    ep_break = new_person.copy()
    ep_break[1:] |= gone[:-1]
    ep_first = np.flatnonzero(ep_break)
    ep_last = np.append(ep_first[1:] - 1, m - 1)
    ep_of_row = np.cumsum(ep_break) - 1
    hire = np.where(np.isnat(start), _MAX, start.view(np.int64))
    ep_start_i = np.minimum.reduceat(hire, ep_first)
    no_hire = ep_start_i == _MAX
    ep_start = np.where(no_hire, rec[ep_first], ep_start_i.view("datetime64[ns]"))
    if no_hire.any() and "start" in context.used:
        context.warnings.append(
            f"{int(no_hire.sum()):,} people have no readable hire date (column "
            f"{context.header('start')!r}); their first record date is used as their start"
        )
    end_last, gone_last, rec_last = end[ep_last], gone[ep_last], rec[ep_last]
    latest = rec.max()
    vanished = np.isnat(end_last) & ~gone_last & (rec_last < latest)
    ep_end = np.where(
        ~np.isnat(end_last),
        end_last,
        np.where(gone_last, rec_last, np.where(vanished, rec_last + _DAY, _NAT)),
    )
    if vanished.any():
        example = order[ep_last[np.flatnonzero(vanished)[0]]]
        context.warnings.append(
            f"{int(vanished.sum()):,} people are missing from the later records without a "
            f"termination (e.g. {quote(context.column('person').iloc[example])}, last on line "
            f"{context.line_of(int(example))}); read as leaving the day after their last record"
        )
    before = ~np.isnat(ep_end) & (ep_end < ep_start)
    late_start = before & no_hire  # left before their first record: no time in the panel
    ep_start = np.where(late_start, ep_end, ep_start)
    before &= ~late_start
    if before.any():
        row = int(order[ep_last[np.flatnonzero(before)[0]]])
        raise IngestError(
            f"line {context.line_of(row)}: end date {quote(context.column('end').iloc[row])} "
            f"(column {context.header('end')!r}) is before start date "
            f"{quote(context.column('start').iloc[row])} (column {context.header('start')!r}); "
            "correct one of them"
        )
    same_person = np.zeros(len(ep_first), dtype=bool)
    same_person[1:] = ~new_person[ep_first[1:]]
    previous_end = np.concatenate([[_NAT], ep_end[:-1]])
    overlap = same_person & ~np.isnat(previous_end) & (ep_start < previous_end)
    ep_start = np.where(overlap, previous_end, ep_start)  # a rehire starts after the exit
    # Spells: a change of role inside an employment starts a new one.
    seg_break = ep_break.copy()
    seg_break[1:] |= role[1:] != role[:-1]
    seg_first = np.flatnonzero(seg_break)
    seg_ep = ep_of_row[seg_first]
    hired = ep_break[seg_first]
    seg_start = np.where(hired, ep_start[seg_ep], np.maximum(rec[seg_first], ep_start[seg_ep]))
    last_of_ep = np.ones(len(seg_first), dtype=bool)
    last_of_ep[:-1] = seg_ep[1:] != seg_ep[:-1]
    next_start = np.append(seg_start[1:], _NAT)
    seg_end = np.where(last_of_ep, ep_end[seg_ep], next_start)
    if not np.isnat(seg_end).all():
        seg_end = np.where(~np.isnat(seg_end) & (seg_end < seg_start), seg_start, seg_end)
    spells = {
        "role": role[seg_first],
        "start": seg_start,
        "end": seg_end,
        "hired": hired,
        "left": last_of_ep,
        "person": pid[seg_first],
        "last_row": ep_last[seg_ep],
        "episode": seg_ep,
    }
    episodes = {"start": ep_start, "end": ep_end, "first": ep_first, "last": ep_last}
    return spells, episodes


def _in_force(
    n: int, order: np.ndarray, episodes: dict[str, np.ndarray], rec: np.ndarray, as_of: Any
) -> np.ndarray:
    """Rows (in file order) in force on the as-of date for the people employed then: each
    employment's latest record on or before it (its first record before that)."""
    first, last = episodes["first"], episodes["last"]
    employed = (episodes["start"] <= as_of) & (
        np.isnat(episodes["end"]) | (episodes["end"] > as_of)
    )
    index = np.arange(len(rec))
    candidate = np.where(rec <= as_of, index, -1)
    latest = np.maximum.reduceat(candidate, first)
    row = np.where(latest >= first, latest, first)
    row = np.minimum(row, last)
    return _mask(n, order[row[employed]])


def _roster(
    roles: pd.Series, episodes: dict[str, np.ndarray], spells: dict[str, np.ndarray], as_of: Any
) -> pd.DataFrame:
    """One row per employment for the survival estimate: role of its last spell in force
    by the as-of date, start, end (NaT unless ended by then); employments starting after
    the as-of date are left out."""
    in_force = spells["start"] <= as_of
    seg_ep = spells["episode"]
    count = len(episodes["start"])
    last_seg = np.full(count, -1)
    np.maximum.at(last_seg, seg_ep[in_force], np.flatnonzero(in_force))
    scope = last_seg >= 0
    role = spells["role"][last_seg[scope]]
    names = [r if r in ROLE_KEYS else OTHER for r in pd.unique(role)]
    codes = pd.Categorical(role, categories=pd.unique(role)).codes
    end = episodes["end"][scope]
    ended = np.where(~np.isnat(end) & (end <= as_of), end, _NAT)
    return pd.DataFrame(
        {
            "role": categorical(np.asarray(codes), names),
            "start": episodes["start"][scope],
            "end": ended,
        }
    )


__all__ = ["ingest_panel"]
