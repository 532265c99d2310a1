"""Read an uploaded CSV (snapshot, monthly history or HR roster) into an IngestResult.

Everything happens in memory: the bytes are decoded, parsed, mapped to roles and
summarised; nothing is written to disk, nothing is logged, nothing is cached. Only the
cells of the columns in use are kept while parsing (as codes into their distinct
values), so a wide export costs little more than its text.

Documented caps (module constants; a file over a cap is refused with a message):

* ``MAX_BYTES`` = 20 MB (20,000,000 bytes) of file size,
* ``MAX_ROWS`` = 200,000 data rows (blank lines not counted),
* ``MAX_COLUMNS`` = 200 columns.

They are read from this package at each call (``forecasting.ingest.MAX_BYTES = ...``
takes effect), like ``MIN_SALARY_PEOPLE`` and ``COX_MAX_PEOPLE``.

Roster semantics: a person is in the headcount on date D when ``start <= D`` and
(no end date, or ``end > D``). A roster must hold every current employee and every
leaver since a date W ("leavers recorded since": given, or detected as the earliest
end date); attrition and exit/hire rates are counted inside that window only
(forecasting/estimate/survival.py), and the result says which window was used.

The monthly history built from a roster gives, for each month from the month of
the earliest start to the as-of month, the headcount on the month's last day (on
the as-of date for the as-of month itself), hires = starts dated within the month
and exits = end dates within the month (up to the as-of date), so
``headcount[m] = headcount[m-1] + hires[m] - exits[m]``. Before W the file is
silent about leavers, so those months' headcount can miss people who left then;
the rates use the months inside the window only.

The stages, one module each (in the manner of pandas' ``io/parsers``):

* ``decode``: bytes -> text (the size cap, binary files, encodings);
* ``table``: text -> table (delimiter sniffing; a lean CSV reader keeping only the
  cells of the columns in use; the row and column caps);
* ``columns``: header -> logical column, and the kind of file;
* ``values``: numbers and money, dates, months (each distinct cell parsed once);
* ``context``: the working state of one call, shared by the three kinds;
* ``snapshot``, ``history``, ``roster``: one module per kind;
* ``frame``: the tidy history frame (columns, dtypes, row order);
* ``rates_bridge``: rates and attrition from forecasting/estimate (rates, survival);
* ``result``: :class:`IngestResult` and its JSON.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import TypeVar

import pandas as pd

from forecasting.estimate.history_frame import HISTORY_COLUMNS, empty_history
from forecasting.ingest.asof import stated_date
from forecasting.ingest.columns import (
    FIELD_LABELS,
    KIND_LABELS,
    LOGICAL_COLUMNS,
    Kind,
    decide_kind,
    resolve_columns,
    wanted_columns,
)
from forecasting.ingest.context import Context
from forecasting.ingest.decode import decode_bytes
from forecasting.ingest.errors import ChoiceNeeded
from forecasting.ingest.history import ingest_history
from forecasting.ingest.panel import ingest_panel
from forecasting.ingest.people import check_reasons
from forecasting.ingest.reasons import REASONS
from forecasting.ingest.result import IngestResult
from forecasting.ingest.roster import ingest_roster, roster_history
from forecasting.ingest.snapshot import ingest_snapshot
from forecasting.ingest.table import DELIMITERS, Table, sniff_delimiter
from forecasting.ingest.table import parse_table as _parse_table
from forecasting.ingest.values import (
    DateOrder,
    ParsedDates,
    distinct_codes,
    parse_dates,
    parse_months,
    parse_numbers,
)
from forecasting.model.errors import IngestError

__all__ = [
    "COX_MAX_PEOPLE",
    "DELIMITERS",
    "FIELD_LABELS",
    "HISTORY_COLUMNS",
    "KIND_LABELS",
    "LOGICAL_COLUMNS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MIN_SALARY_PEOPLE",
    "REASONS",
    "ChoiceNeeded",
    "DateOrder",
    "IngestResult",
    "Kind",
    "ParsedDates",
    "empty_history",
    "ingest_bytes",
    "parse_dates",
    "parse_months",
    "parse_numbers",
    "roster_history",
]

#: Largest accepted file, in bytes: 20 MB, the same number as the app's drop zone
#: (Streamlit's server.maxUploadSize = 20 counts megabytes of 1,000,000 bytes).
MAX_BYTES = 20_000_000
#: A role's median salary is offered only when at least this many people have a salary:
#: with fewer, the "median" is (nearly) one person's pay, and it would go into the link.
MIN_SALARY_PEOPLE = 5
#: Largest accepted number of data rows (not counting the header and blank lines).
MAX_ROWS = 200_000
#: Largest accepted number of columns.
MAX_COLUMNS = 200
#: Rosters with more people than this skip the Cox model (its cost grows with the
#: number of distinct exit times); per-role Kaplan-Meier estimates are unchanged.
COX_MAX_PEOPLE = 5_000


def ingest_bytes(
    data: bytes,
    *,
    filename: str = "upload.csv",
    columns: Mapping[str, str | None] | None = None,
    mapping: Mapping[str, str] | pd.DataFrame | None = None,
    as_of: dt.date | str | None = None,
    kind: Kind | str | None = None,
    date_order: DateOrder | str | None = None,
    estimate: bool = True,
    leavers_since: dt.date | str | None = None,
    header_line: int | None = None,
    counted_reasons: Collection[str] | None = None,
) -> IngestResult:
    """Read an uploaded CSV file and summarise it by role.

    Args:
        data: the file's bytes (UTF-8 with/without BOM, UTF-16 with BOM, cp1252).
        filename: shown in messages only; nothing is written.
        columns: logical name -> header, overriding detection (names: title, role,
            count, month, headcount, hires, exits, start, end, salary, person, record,
            status, reason); a value of None switches a detected column off.
        mapping: title -> role key (or "other") overriding the alias table, or an
            edited ``title_counts`` DataFrame (columns title, role).
        as_of: the as-of date (date or "YYYY-MM-DD"); default: the date the file
            states above its header or in its name, else the latest start/end date of
            a roster, the latest record date of a panel, the last month of a history.
        kind: force "snapshot", "history", "roster" or "panel" instead of detecting it.
        date_order: "dmy" or "mdy" for numeric dates such as 03/04/2024; default:
            decided per column from the data.
        estimate: also estimate rates and attrition (statsmodels); False gives a
            quick preview (``rates``/``attrition`` empty), e.g. while editing the mapping.
        leavers_since: a roster only: the date since which it lists every leaver
            (date, "YYYY-MM-DD" or "YYYY-MM" for the month's first day); default:
            the earliest end date in the file (a panel: its first record date, when
            earlier). Attrition is counted from then on.
        header_line: the header's line (1-based) instead of finding it below title lines.
        counted_reasons: the exit reasons attrition counts (voluntary, involuntary,
            retirement, layoff, other, "not given"); default: every exit.

    Returns:
        An :class:`IngestResult`.

    Raises:
        IngestError: the file cannot be used; the one-line message says what is wrong,
            where (line/column) and how to fix it.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise IngestError(f"{filename}: expected the file's bytes, got {type(data).__name__}")
    data = bytes(data)
    name = _display_name(filename)
    order = _parse_choice(date_order, DateOrder, "date_order", "'dmy' or 'mdy'")
    forced_kind = _parse_choice(kind, Kind, "kind", f"one of {', '.join(k.value for k in Kind)}")
    as_of_date = _parse_as_of(as_of)
    since_date = _parse_leavers_since(leavers_since)
    counted = check_reasons(counted_reasons)
    line = _parse_header_line(header_line)
    warnings: list[str] = []

    text, encoding = decode_bytes(data, name, warnings, max_bytes=MAX_BYTES)
    delimiter = sniff_delimiter(text)
    table = _parse_table(
        text,
        delimiter,
        name,
        keep=lambda head: wanted_columns(head, columns, name),
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
        header_line=line,
    )
    header = table.header
    del text  # the table holds what is needed, line numbers included
    explicit: set[str] = set()
    used = resolve_columns(header, columns, name, explicit)
    if "person" in used and used["person"] not in table.columns:
        used.pop("person")  # ids are read only beside a record date (wanted_columns)
    file_kind = decide_kind(used, forced_kind, header, name, warnings, _repeats(table, used))
    hint = DateOrder.DMY if delimiter == ";" else DateOrder.MDY
    stated = stated_date(table.preamble, name, order or hint)
    _note_layout(table, warnings)

    context = Context(
        name=name,
        header_names=header,
        semicolon=delimiter == ";",
        table=table,
        used=used,
        warnings=warnings,
        mapping=mapping,
        as_of=as_of_date,
        leavers_since=since_date,
        order=order,
        hint=hint,
        min_salary_people=MIN_SALARY_PEOPLE,
        cox_max_people=COX_MAX_PEOPLE,
        estimate=estimate,
        explicit=explicit,
        file_as_of=stated[0] if stated else None,
        file_as_of_note=stated[1] if stated else "",
        counted_reasons=counted,
    )
    if since_date is not None and file_kind not in (Kind.ROSTER, Kind.PANEL):
        warnings.append(
            f"leavers recorded since {since_date.isoformat()} applies to a roster or panel; "
            f"ignored for a {file_kind.value}"
        )
    if file_kind is Kind.ROSTER:
        partial = ingest_roster(context)
    elif file_kind is Kind.PANEL:
        partial = ingest_panel(context)
    elif file_kind is Kind.HISTORY:
        partial = ingest_history(context)
    else:
        partial = ingest_snapshot(context)
    return IngestResult(
        kind=file_kind,
        columns_used={
            ("headcount" if key == "count" and file_kind is Kind.HISTORY else key): header[i]
            for key, i in used.items()
        },
        rows=table.rows,
        encoding=encoding,
        delimiter=delimiter,
        warnings=_dedupe(warnings),
        date_order=context.decided_order,
        header_line=table.header_line,
        as_of_source=context.as_of_source,
        as_of_note=context.file_as_of_note if context.as_of_source == "file" else "",
        columns_available=[h for h in header if h],
        **partial,
    )


def _repeats(table: Table, used: dict[str, int]) -> int:
    """Rows whose person id is on an earlier row (0 without kept ids and a record date)."""
    if "person" not in used or "record" not in used or used["person"] not in table.columns:
        return 0
    codes, distinct, _ = distinct_codes(
        table.columns[used["person"]].codes, table.columns[used["person"]].uniques
    )
    named = int((distinct != "").to_numpy()[codes].sum())
    return max(named - int((distinct != "").sum()), 0)


def _note_layout(table: Table, warnings: list[str]) -> None:
    """Name the summary lines dropped below the data (the header's line is in the result)."""
    for line, text in table.footers:
        shown = text if len(text) <= 40 else text[:39] + "…"
        warnings.append(
            f"line {line} ({shown!r}) is a totals or summary line under the data, not a "
            "person; it was left out"
        )


# ----------------------------------------------------------------------------
# arguments
# ----------------------------------------------------------------------------


def _display_name(filename: str) -> str:
    name = str(filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:120] or "upload.csv"


_E = TypeVar("_E", DateOrder, Kind)


def _parse_choice(value: _E | str | None, choices: type[_E], key: str, use: str) -> _E | None:
    """An option given by name ("dmy", "roster"...), None when not given."""
    if value is None or value == "":
        return None
    try:
        return choices(str(value).strip().lower())
    except ValueError:
        raise IngestError(f"{key}: {value!r} is not valid; use {use}") from None


def _parse_day(value: dt.date | str | None, *, month_end: bool) -> dt.date | str | None:
    """A date given as a date, "YYYY-MM-DD" or "YYYY-MM" (its last day when `month_end`,
    else its first); None when not given; the stripped text when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        return dt.date(year, month, calendar.monthrange(year, month)[1] if month_end else 1)
    return text


def _parse_as_of(value: dt.date | str | None) -> dt.date | None:
    day = _parse_day(value, month_end=True)
    if isinstance(day, str):
        raise IngestError(f"as-of date: {day!r} is not a date; use YYYY-MM-DD, e.g. 2026-10-31")
    return day


def _parse_leavers_since(value: dt.date | str | None) -> dt.date | None:
    day = _parse_day(value, month_end=False)
    if day == "":
        return None
    if isinstance(day, str):
        raise IngestError(
            f"leavers recorded since: {day!r} is not a date; use YYYY-MM-DD, the first day "
            "from which the export lists every leaver (e.g. 2023-04-01)"
        )
    return day


def _parse_header_line(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        line = int(str(value).strip())
    except ValueError:
        line = 0
    if line < 1:
        raise IngestError(
            f"header line: {value!r} is not a line number; give the line (1, 2, ...) that "
            "holds the column names"
        )
    return line


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
