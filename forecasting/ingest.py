"""Read an uploaded CSV (snapshot, monthly history or HR roster) into an IngestResult.

Everything happens in memory: the bytes are decoded, parsed, mapped to roles and
summarised; nothing is written to disk, nothing is logged, nothing is cached. Only the
cells of the columns in use are kept while parsing (as codes into their distinct
values), so a wide export costs little more than its text.

Documented caps (module constants; a file over a cap is refused with a message):

* ``MAX_BYTES`` = 20 MB (20,000,000 bytes) of file size,
* ``MAX_ROWS`` = 200,000 data rows (blank lines not counted),
* ``MAX_COLUMNS`` = 200 columns.

Roster semantics: a person is in the headcount on date D when ``start <= D`` and
(no end date, or ``end > D``). A roster must hold every current employee and every
leaver since a date W ("leavers recorded since": given, or detected as the earliest
end date); attrition and exit/hire rates are counted inside that window only
(forecasting/survival.py), and the result says which window was used.

The monthly history built from a roster gives, for each month from the month of
the earliest start to the as-of month, the headcount on the month's last day (on
the as-of date for the as-of month itself), hires = starts dated within the month
and exits = end dates within the month (up to the as-of date), so
``headcount[m] = headcount[m-1] + hires[m] - exits[m]``. Before W the file is
silent about leavers, so those months' headcount can miss people who left then;
the rates use the months inside the window only.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from forecasting.aliases import map_titles, normalize_title
from forecasting.errors import IngestError, PlannerError
from forecasting.roles import OTHER, ROLE_KEYS

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

#: Delimiters the sniffer chooses from.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

HISTORY_COLUMNS: tuple[str, ...] = ("month", "role", "headcount", "hires", "exits")


class Kind(StrEnum):
    """Kind of uploaded file."""

    SNAPSHOT = "snapshot"
    HISTORY = "history"
    ROSTER = "roster"


class DateOrder(StrEnum):
    """Order of day and month in numeric dates such as 03/04/2024."""

    DMY = "dmy"
    MDY = "mdy"


#: Logical column names accepted by ``columns=`` (logical name -> header in the file).
LOGICAL_COLUMNS: tuple[str, ...] = (
    "title",
    "role",
    "count",
    "month",
    "headcount",
    "hires",
    "exits",
    "start",
    "end",
    "salary",
)

# Header synonyms, compared after case-folding and removing everything but letters/digits.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "jobtitle",
        "title",
        "position",
        "positiontitle",
        "positionname",
        "businesstitle",
        "jobname",
        "job",
        "jobprofile",
        "jobprofilename",
        "designation",
        "occupation",
        "jobposition",
        "roletitle",
        "currentjobtitle",
        "employeetitle",
        "worktitle",
        "postitle",
    ),
    "role": ("role", "rolekey", "plannerrole", "roles", "jobrole", "rolename", "jobfamily"),
    "month": (
        "month",
        "period",
        "yearmonth",
        "monthend",
        "monthstart",
        "reportingmonth",
        "reportingperiod",
        "snapshotmonth",
        "snapshotdate",
        "date",
        "asof",
        "asofdate",
        "ym",
    ),
    "count": (
        "count",
        "headcount",
        "hc",
        "n",
        "number",
        "numberofpeople",
        "numberofemployees",
        "people",
        "employees",
        "persons",
        "heads",
        "staff",
        "total",
        "teamsize",
        "size",
    ),
    "hires": (
        "hires",
        "starts",
        "joiners",
        "newhires",
        "joins",
        "starters",
        "additions",
        "hirecount",
        "inflow",
    ),
    "exits": (
        "exits",
        "leavers",
        "terminations",
        "departures",
        "attrition",
        "separations",
        "quits",
        "exitcount",
        "outflow",
        "terms",
    ),
    "start": (
        "startdate",
        "start",
        "hiredate",
        "dateofhire",
        "datehired",
        "hired",
        "joindate",
        "joiningdate",
        "dateofjoining",
        "datejoined",
        "joined",
        "doj",
        "originalhiredate",
        "mostrecenthiredate",
        "lasthiredate",
        "employmentstartdate",
        "employmentdate",
        "continuousservicedate",
        "servicedate",
        "senioritydate",
        "startdt",
        "begindate",
        "hire",
    ),
    "end": (
        "enddate",
        "end",
        "terminationdate",
        "termdate",
        "dateoftermination",
        "terminated",
        "termination",
        "terminationeffectivedate",
        "leavedate",
        "leavingdate",
        "dateofleaving",
        "dateleft",
        "leftdate",
        "exitdate",
        "separationdate",
        "departuredate",
        "lastday",
        "lastdayworked",
        "lastworkingday",
        "lastworkingdate",
        "enddt",
    ),
    "salary": (
        "salary",
        "annualsalary",
        "basesalary",
        "basepay",
        "annualbasesalary",
        "annualpay",
        "annualcompensation",
        "compensation",
        "totalcompensation",
        "totalcomp",
        "comp",
        "pay",
        "wage",
        "yearlysalary",
        "grosssalary",
        "salaryannual",
        "annualcost",
        "cost",
    ),
}
# Fallbacks when no synonym matches exactly: (all of, any of) substrings.
_CONTAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "title": ((), ("jobtitle", "title")),
    "start": (("date",), ("hire", "start", "join")),
    "end": (("date",), ("term", "end", "leav", "exit", "separat", "depart")),
    "salary": ((), ("salary", "compensation")),
}

_SAVE_AS_CSV = "open it and save or export the table as CSV (UTF-8, comma-separated)"
_EXTRACT = "extract the CSV file inside it and upload that"
_NOT_A_TABLE = "upload the CSV export of the table instead"
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook", _SAVE_AS_CSV),
    (b"PK\x05\x06", "an empty ZIP archive", _NOT_A_TABLE),
    (b"\x1f\x8b", "a gzip-compressed file", _EXTRACT),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _NOT_A_TABLE),
    (b"\xff\xd8\xff", "a JPEG image", _NOT_A_TABLE),
    (b"GIF87a", "a GIF image", _NOT_A_TABLE),
    (b"GIF89a", "a GIF image", _NOT_A_TABLE),
    (b"%PDF-", "a PDF document", _NOT_A_TABLE),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook", _SAVE_AS_CSV),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _EXTRACT),
    (b"Rar!\x1a\x07", "a RAR archive", _EXTRACT),
    (b"BZh91AY&SY", "a bzip2-compressed file", _EXTRACT),
    (b"\xfd7zXZ\x00", "an xz-compressed file", _EXTRACT),
    (b"II*\x00", "a TIFF image", _NOT_A_TABLE),
    (b"MM\x00*", "a TIFF image", _NOT_A_TABLE),
    (b"SQLite format 3\x00", "an SQLite database", _SAVE_AS_CSV),
)

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
}
_MONTHS["sept"] = 9

_EMPTY_HISTORY_DTYPES = {
    "month": "str",
    "role": "str",
    "headcount": "int64",
    "hires": "int64",
    "exits": "int64",
}


@dataclass(frozen=True, eq=False)
class IngestResult:
    """What an upload contained, mapped to roles, with estimates offered as defaults.

    Attributes:
        kind: snapshot, history or roster (a ``Kind``; compares equal to the string).
        as_of: the as-of date (``datetime.date``), or None for a snapshot without one.
        headcount: role key -> people on the as-of date; every role key plus "other".
        unmapped_titles: title -> count for titles mapped to "other".
        title_counts: DataFrame ``title, role, count``: the editable mapping table
            (count = rows in a roster or per-person snapshot, people in a per-role
            snapshot, headcount in the as-of month of a history).
        history: tidy frame ``month, role, headcount, hires, exits`` (the four roles;
            empty for a snapshot).
        rates: role -> {exits_monthly, exits_low, exits_high, hires_monthly, hires_low,
            hires_high, method} (90% intervals) where estimable.
        annual_cost: role -> median annual salary, where a salary column exists.
        attrition: role -> (annual, low, high): annual attrition with a 90% interval,
            the rate the simulation needs (a roster: exits per person-month over the
            leavers window, annualised).
        attrition_method: role -> how ``attrition`` was estimated (a roster: names
            the window, e.g. "leavers recorded since 2023-04-12 (...); exits per
            person-month over 2023-04-12 to 2026-10-31: ...").
        attrition_first_year: role -> (annual, low, high): first-year attrition of
            new hires (Kaplan-Meier 1 - S(12), delayed entry), for information only;
            a roster's roles where estimable.
        leavers_since: a roster's leavers window start (given or detected), or None.
        attrition_window: one sentence saying over which window a roster's attrition
            was counted ("" when not estimated).
        warnings: plain-language notes about what was assumed or left out.
        columns_used: logical name -> header in the file ("headcount" names the count
            column of a history, "count" that of a snapshot).
        rows: data rows read (blank lines not counted).
        encoding: the text encoding used to read the file.
        delimiter: the field delimiter used.
        date_order: "dmy"/"mdy" for numeric dates, when the file had any.
        survival_curves: Kaplan-Meier curves of a roster (role, tenure_months, survival,
            low, high; empty when not estimated); None for a snapshot or history.
        cox: Cox model hazard ratios by role (role, hazard_ratio, low, high, reference),
            or None when not fitted.
    """

    kind: Kind
    as_of: dt.date | None
    headcount: dict[str, int]
    unmapped_titles: dict[str, int]
    title_counts: pd.DataFrame
    history: pd.DataFrame
    rates: dict[str, dict[str, Any]] = field(default_factory=dict)
    annual_cost: dict[str, float] = field(default_factory=dict)
    attrition: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    attrition_method: dict[str, str] = field(default_factory=dict)
    attrition_first_year: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    leavers_since: dt.date | None = None
    attrition_window: str = ""
    warnings: list[str] = field(default_factory=list)
    columns_used: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    encoding: str = "utf-8"
    delimiter: str = ","
    date_order: str | None = None
    survival_curves: pd.DataFrame | None = None
    cox: pd.DataFrame | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the ``python -m forecasting ingest`` output).

        Returns:
            kind, as_of, headcount, unmapped_titles, history (list of {month, role,
            headcount, hires, exits}), rates, annual_cost, attrition (role -> {annual,
            low, high, method}), attrition_first_year (role -> {annual, low, high}),
            leavers_since, attrition_window, warnings, columns_used, title_counts,
            rows, encoding, delimiter.
        """
        history = [
            {
                "month": str(m),
                "role": str(r),
                "headcount": int(h),
                "hires": int(hi),
                "exits": int(ex),
            }
            for m, r, h, hi, ex in zip(
                self.history["month"],
                self.history["role"],
                self.history["headcount"],
                self.history["hires"],
                self.history["exits"],
            )
        ]
        return {
            "kind": str(self.kind),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "headcount": dict(self.headcount),
            "unmapped_titles": dict(self.unmapped_titles),
            "history": history,
            "rates": {r: dict(v) for r, v in self.rates.items()},
            "annual_cost": dict(self.annual_cost),
            "attrition": {
                role: {
                    "annual": mid,
                    "low": low,
                    "high": high,
                    "method": self.attrition_method.get(role, ""),
                }
                for role, (mid, low, high) in self.attrition.items()
            },
            "attrition_first_year": {
                role: {"annual": mid, "low": low, "high": high}
                for role, (mid, low, high) in self.attrition_first_year.items()
            },
            "leavers_since": self.leavers_since.isoformat() if self.leavers_since else None,
            "attrition_window": self.attrition_window,
            "warnings": list(self.warnings),
            "columns_used": dict(self.columns_used),
            "title_counts": [
                {"title": str(t), "role": str(r), "count": int(c)}
                for t, r, c in zip(
                    self.title_counts["title"],
                    self.title_counts["role"],
                    self.title_counts["count"],
                )
            ],
            "rows": self.rows,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "date_order": self.date_order,
        }


# ----------------------------------------------------------------------------
# public entry point
# ----------------------------------------------------------------------------


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
) -> IngestResult:
    """Read an uploaded CSV file and summarise it by role.

    Args:
        data: the file's bytes (UTF-8 with/without BOM, UTF-16 with BOM, cp1252).
        filename: shown in messages only; nothing is written.
        columns: logical name -> header, overriding detection (names: title, role,
            count, month, headcount, hires, exits, start, end, salary); a value of
            None switches a detected column off.
        mapping: title -> role key (or "other") overriding the alias table, or an
            edited ``title_counts`` DataFrame (columns title, role).
        as_of: the as-of date (date or "YYYY-MM-DD"); default: the latest start/end
            date of a roster, the last month of a history.
        kind: force "snapshot", "history" or "roster" instead of detecting it.
        date_order: "dmy" or "mdy" for numeric dates such as 03/04/2024; default:
            decided per column from the data.
        estimate: also estimate rates and attrition (statsmodels); False gives a
            quick preview (``rates``/``attrition`` empty), e.g. while editing the mapping.
        leavers_since: a roster only: the date since which it lists every leaver
            (date, "YYYY-MM-DD" or "YYYY-MM" for the month's first day); default:
            the earliest end date in the file. Attrition is counted from then on.

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
    order = _parse_date_order(date_order)
    forced_kind = _parse_kind(kind)
    as_of_date = _parse_as_of(as_of)
    since_date = _parse_leavers_since(leavers_since)
    warnings: list[str] = []

    text, encoding = _decode(data, name, warnings)
    delimiter = _sniff_delimiter(text)
    table = _parse_table(text, delimiter, name, keep=lambda head: _wanted(head, columns, name))
    header = table.header
    del text  # the table holds what is needed, line numbers included
    explicit: set[str] = set()
    used = _resolve_columns(header, columns, name, explicit)
    file_kind = _decide_kind(used, forced_kind, header, name, warnings)

    context = _Context(
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
        hint=DateOrder.DMY if delimiter == ";" else DateOrder.MDY,
        estimate=estimate,
        explicit=explicit,
    )
    if since_date is not None and file_kind is not Kind.ROSTER:
        warnings.append(
            f"leavers recorded since {since_date.isoformat()} applies to a roster; "
            f"ignored for a {file_kind.value}"
        )
    if file_kind is Kind.ROSTER:
        partial = _ingest_roster(context)
    elif file_kind is Kind.HISTORY:
        partial = _ingest_history(context)
    else:
        partial = _ingest_snapshot(context)
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
        **partial,
    )


def empty_history() -> pd.DataFrame:
    """Return an empty tidy history frame (columns month, role, headcount, hires, exits)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY_HISTORY_DTYPES.items()})


# ----------------------------------------------------------------------------
# arguments
# ----------------------------------------------------------------------------


def _display_name(filename: str) -> str:
    name = str(filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:120] or "upload.csv"


def _parse_date_order(value: DateOrder | str | None) -> DateOrder | None:
    if value is None or value == "":
        return None
    try:
        return DateOrder(str(value).strip().lower())
    except ValueError:
        raise IngestError(f"date_order: {value!r} is not valid; use 'dmy' or 'mdy'") from None


def _parse_kind(value: Kind | str | None) -> Kind | None:
    if value is None or value == "":
        return None
    try:
        return Kind(str(value).strip().lower())
    except ValueError:
        raise IngestError(
            f"kind: {value!r} is not valid; use one of {', '.join(k.value for k in Kind)}"
        ) from None


def _parse_as_of(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
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
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    raise IngestError(f"as_of: {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-10-31")


def _parse_leavers_since(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match and 1 <= int(match[2]) <= 12:
        return dt.date(int(match[1]), int(match[2]), 1)
    raise IngestError(
        f"leavers recorded since: {text!r} is not a date; use YYYY-MM-DD, the first day "
        "from which the export lists every leaver (e.g. 2023-04-01)"
    )


# ----------------------------------------------------------------------------
# bytes -> text
# ----------------------------------------------------------------------------


#: A file of only spaces, line breaks, NULs and byte-order-mark bytes is empty.
_BLANK_BYTES_RE = re.compile(rb"[ \t\r\n\x00\xef\xbb\xbf\xff\xfe]*")


def _decode(data: bytes, name: str, warnings: list[str]) -> tuple[str, str]:
    """Check size and magic bytes, then decode to text; return (text, encoding)."""
    if len(data) > MAX_BYTES:
        raise IngestError(
            f"{name} is {len(data) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB "
            "limit; upload only the columns and rows you need"
        )
    if _BLANK_BYTES_RE.fullmatch(data):
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    for magic, what, fix in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name} is {what}, not CSV text; {fix}")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_without_bom(data)
    if encoding is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise IngestError(
                f"{name} contains NUL bytes (first at byte {nul}), so it is a binary file, "
                "not CSV text; export the table as CSV"
            )
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                encoding = "latin-1"
            label = "Windows-1252" if encoding == "cp1252" else "Latin-1"
            warnings.append(
                f"{name} is not UTF-8; it was read as {label} ({encoding}). If accents "
                "look wrong, save the file as 'CSV UTF-8' and upload it again"
            )
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"{name} starts like {encoding.upper()} text but byte {exc.start} is not "
                f"valid {encoding.upper()}; save the file as 'CSV UTF-8' and upload it again"
            ) from None
        if "\x00" in text:
            raise IngestError(
                f"{name} contains NUL characters, so it is a binary file, not CSV text; "
                "export the table as CSV"
            )
    text = text.lstrip("\ufeff")
    if not text or text.isspace():  # not text.strip(): no copy of the text
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 text (ASCII-heavy: every other byte is NUL)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


# ----------------------------------------------------------------------------
# text -> table
# ----------------------------------------------------------------------------


#: A physical line with its ending, split as ``io.StringIO(text, newline="")`` splits
#: them: on CR LF, CR or LF only (not on the other characters str.splitlines knows).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _reader(text: str, delimiter: str) -> Any:
    """A csv.reader over the text's lines, cut one at a time.

    ``io.StringIO`` would copy the whole text into 4 bytes per character first.
    """
    lines = map(re.Match.group, _LINE_RE.finditer(text))
    return csv.reader(lines, delimiter=delimiter, quotechar='"')


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose field count is consistent over the first lines."""
    sample_lines = [line for line in text[:65536].splitlines() if line.strip()][:50]
    if len(text) > 65536 and len(sample_lines) > 1:
        sample_lines = sample_lines[:-1]  # the last line may be cut
    sample = "\n".join(sample_lines)
    best: tuple[float, int, int] | None = None
    chosen = ","
    for priority, delimiter in enumerate(DELIMITERS):
        if delimiter not in sample:
            continue
        try:
            rows = [row for row in _reader(sample, delimiter) if any(c.strip() for c in row)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(row) == width for row in rows) / len(rows)
        score = (consistent, width, -priority)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


@dataclass(frozen=True, eq=False)
class _Column:
    """One kept column, factorised while reading: a code per data row, raw distinct cells."""

    codes: np.ndarray
    uniques: list[str]


@dataclass(frozen=True, eq=False)
class _Table:
    """The header, the kept columns (by index) and each data row's line number.

    Only the columns asked for are kept, each as codes into its distinct raw cells:
    a 200-column export costs the memory of the few columns the planner reads. The
    line numbers (1-based, where the record starts) are noted while reading, so that
    messages need neither the text nor a second pass over it.
    """

    header: list[str]
    columns: dict[int, _Column]
    lines: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.lines)


@dataclass
class _Scan:
    """What one pass over the records found; problems are raised afterwards, in order."""

    header: list[str] | None = None
    header_line: int = 0
    ragged: tuple[int, int] | None = None
    rows: int = 0
    filled: set[int] = field(default_factory=set)


def _parse_table(
    text: str,
    delimiter: str,
    name: str,
    keep: Callable[[list[str]], Iterable[int]] = lambda header: (),
) -> _Table:
    """Parse CSV text into a :class:`_Table`; refuse ragged rows, caps, header-only.

    ``keep(header)`` names the column indices whose cells are kept (it is asked once
    the header is read); every row is still checked, whatever its columns.
    """
    records = _numbered_records(_reader(text, delimiter), MAX_ROWS + 2 + 1000)
    lines = array("q")
    columns: dict[int, tuple[dict[str, int], array]] = {}
    try:
        scan = _scan_records(records, keep, lines, columns)
    except csv.Error as exc:
        raise IngestError(
            f"{name} cannot be parsed as CSV ({exc}); check for an unclosed quote"
        ) from None
    if scan.header is None:
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    header = scan.header
    if len(header) > MAX_COLUMNS:
        raise IngestError(
            f"{name} has {len(header)} columns, over the limit of {MAX_COLUMNS}; "
            "keep only the columns you need (title, dates, salary)"
        )
    if scan.ragged is not None:
        line, length = scan.ragged
        raise IngestError(
            f"line {line} has {length} fields but the header "
            f"(line {scan.header_line}) has {len(header)}; quote cells that contain "
            f"{_delimiter_name(delimiter)} and make every row as long as the header"
        )
    if scan.rows > MAX_ROWS:
        raise IngestError(
            f"{name} has more than {MAX_ROWS:,} data rows (limit {MAX_ROWS:,}); "
            "upload a shorter extract (e.g. fewer years)"
        )
    if not scan.rows:
        raise IngestError(
            f"{name} has a header (line {scan.header_line}) but no data rows; "
            "add one row per person, role or month"
        )
    _check_headers(header, scan.filled, scan.header_line)
    return _Table(
        header=header,
        columns={
            index: _Column(codes=np.frombuffer(codes, dtype=np.int32), uniques=list(lookup))
            for index, (lookup, codes) in columns.items()
        },
        lines=np.frombuffer(lines, dtype=np.int64),
    )


def _numbered_records(reader: Any, limit: int) -> Iterator[tuple[int, list[str]]]:
    """(line where it starts, record) for the first ``limit`` non-empty records."""
    previous = 0
    count = 0
    for record in reader:
        if record:
            yield previous + 1, record
            count += 1
            if count >= limit:
                return
        previous = reader.line_num


def _scan_records(
    records: Iterator[tuple[int, list[str]]],
    keep: Callable[[list[str]], Iterable[int]],
    lines: array,
    columns: dict[int, tuple[dict[str, int], array]],
) -> _Scan:
    """Read the header, then every record, keeping only the cells of the kept columns.

    Fills ``lines`` (line number of each data row) and ``columns`` (index -> (raw
    cell -> code, codes)). Blank rows (only delimiters or spaces) are skipped; a
    longer row whose extra cells are empty is cut to the header's width; the first
    ragged row is noted and later rows are only read (a CSV error further on wins).
    """
    scan = _Scan()
    for line, record in records:
        if any(cell.strip() for cell in record):
            scan.header = [_clean_header(h) for h in record]
            scan.header_line = line
            break
    else:
        return scan
    width = len(scan.header)
    wanted = [] if width > MAX_COLUMNS else sorted({i for i in keep(scan.header) if 0 <= i < width})
    for index in wanted:
        columns[index] = ({}, array("i"))
    targets = [columns[index] for index in wanted]
    unnamed = [index for index, value in enumerate(scan.header) if not value]
    for line, record in records:
        if scan.ragged is not None or width > MAX_COLUMNS:
            continue  # refused anyway; read on only for a later CSV error
        length = len(record)
        if not "".join(record).strip():
            continue  # blank row
        if length < width or (length > width and any(c.strip() for c in record[width:])):
            scan.ragged = (line, length)
            continue
        lines.append(line)
        for index, (lookup, codes) in zip(wanted, targets):
            value = record[index]
            code = lookup.get(value)
            if code is None:
                code = lookup[value] = len(lookup)
            codes.append(code)
        if unnamed:
            for index in [i for i in unnamed if record[i].strip()]:
                scan.filled.add(index)
                unnamed.remove(index)
    scan.rows = len(lines)
    return scan


def _clean_header(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\ufeff", "")).strip()


def _norm(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _delimiter_name(delimiter: str) -> str:
    return {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a '|'"}[delimiter]


def _check_headers(header: list[str], filled: set[int], header_line: int) -> None:
    """Refuse a column without a header that holds data (``filled``) and duplicate names."""
    seen: dict[str, int] = {}
    for index, value in enumerate(header):
        if not value:
            if index in filled:
                raise IngestError(
                    f"line {header_line}, column {index + 1} has no header but holds "
                    "data; give it a name such as 'job_title' or 'start_date'"
                )
            continue
        key = _norm(value) or value.casefold()
        if key in seen:
            raise IngestError(
                f"line {header_line}: columns {seen[key] + 1} and {index + 1} are both "
                f"named {header[seen[key]]!r}; rename or delete one of them"
            )
        seen[key] = index


# ----------------------------------------------------------------------------
# columns and kind
# ----------------------------------------------------------------------------


def _resolve_columns(
    header: list[str],
    columns: Mapping[str, str | None] | None,
    name: str,
    explicit: set[str] | None = None,
) -> dict[str, int]:
    """Return logical name -> column index, from explicit names then detection.

    ``explicit`` (if given) receives the logical names the caller named.
    """
    explicit = set() if explicit is None else explicit
    used: dict[str, int] = {}
    disabled: set[str] = set()
    if columns:
        for logical, wanted in columns.items():
            key = str(logical).strip().lower()
            if key not in LOGICAL_COLUMNS:
                raise IngestError(
                    f"columns: {logical!r} is not a column name the planner uses; use "
                    f"{', '.join(LOGICAL_COLUMNS)}"
                )
            slot = "count" if key == "headcount" else key
            if wanted is None or str(wanted).strip() == "":
                disabled.add(slot)
                continue
            index = _find_header(header, str(wanted))
            if index is None:
                shown = ", ".join(repr(h) for h in header if h)[:300]
                raise IngestError(
                    f"columns: {name} has no column named {str(wanted)!r} (for {key}); "
                    f"its headers are {shown}"
                )
            used[slot] = index
    explicit.update(used)
    claimed = set(used.values())
    normalized = [_norm(h) for h in header]
    for logical, synonyms in _SYNONYMS.items():
        if logical in used or logical in disabled:
            continue
        for synonym in synonyms:
            if synonym in normalized and normalized.index(synonym) not in claimed:
                used[logical] = normalized.index(synonym)
                claimed.add(used[logical])
                break
    for logical, (all_of, any_of) in _CONTAINS.items():
        if logical in used or logical in disabled:
            continue
        for index, key in enumerate(normalized):
            if index in claimed or not key or key.endswith("id"):
                continue
            if all(s in key for s in all_of) and any(s in key for s in any_of):
                used[logical] = index
                claimed.add(index)
                break
    return used


def _wanted(header: list[str], columns: Mapping[str, str | None] | None, name: str) -> list[int]:
    """The column indices whose cells an ingest reads: those :func:`_resolve_columns` finds.

    A mistake in ``columns`` is reported after the whole file is checked (as before the
    columns are resolved), so here it only means that no cells are kept.
    """
    try:
        return list(_resolve_columns(header, columns, name).values())
    except IngestError:
        return []


def _find_header(header: list[str], wanted: str) -> int | None:
    cleaned = _clean_header(wanted)
    for index, value in enumerate(header):
        if value == cleaned:
            return index
    for index, value in enumerate(header):
        if value.casefold() == cleaned.casefold():
            return index
    key = _norm(cleaned)
    for index, value in enumerate(header):
        if key and _norm(value) == key:
            return index
    return None


def _decide_kind(
    used: dict[str, int],
    forced: Kind | None,
    header: list[str],
    name: str,
    warnings: list[str],
) -> Kind:
    """Detect the kind from the columns found (or check the forced kind)."""
    if "title" not in used and "role" not in used:
        shown = ", ".join(repr(h) for h in header if h)[:300]
        raise IngestError(
            f"{name} has no usable job title or role column (headers: {shown}); name one "
            "'job_title' or 'role', or pick it with columns={'title': ...} "
            "(CLI: --columns title=...)"
        )
    if forced is None:
        if "month" in used and "count" in used:
            forced = Kind.HISTORY
        elif "start" in used:
            forced = Kind.ROSTER
        else:
            forced = Kind.SNAPSHOT
    if forced is Kind.HISTORY:
        for need, example in (("month", "month"), ("count", "headcount")):
            if need not in used:
                raise IngestError(
                    f"{name}: a history needs a {need} column and none was found; name it "
                    f"'{example}' or pick it with columns={{'{example}': ...}}"
                )
    elif forced is Kind.ROSTER:
        if "start" not in used:
            raise IngestError(
                f"{name}: a roster needs a start-date column and none was found; name it "
                "'start_date' or 'hire_date', or pick it with columns={'start': ...}"
            )
    elif "end" in used and "start" not in used:
        warnings.append(
            f"column {header[used['end']]!r} was not used: without a start-date column the "
            "file is read as a snapshot of everyone listed; add start dates to read it as "
            "a roster"
        )
    return forced


# ----------------------------------------------------------------------------
# shared per-kind helpers
# ----------------------------------------------------------------------------


@dataclass
class _Context:
    """Working state of one ingest call (never outlives it)."""

    name: str
    header_names: list[str]
    semicolon: bool
    table: _Table
    used: dict[str, int]
    warnings: list[str]
    mapping: Any
    as_of: dt.date | None
    order: DateOrder | None
    hint: DateOrder
    leavers_since: dt.date | None = None
    estimate: bool = True
    explicit: set[str] = field(default_factory=set)
    decided_order: str | None = None
    settled_by: dict[str, str] = field(default_factory=dict)
    _columns: dict[int, pd.Series] = field(default_factory=dict)
    _distinct: dict[int, tuple[np.ndarray, pd.Series, np.ndarray]] = field(default_factory=dict)

    def distinct(self, logical: str) -> tuple[np.ndarray, pd.Series, np.ndarray]:
        """(codes, distinct stripped values, first row of each) of a logical column."""
        index = self.used[logical]
        if index not in self._distinct:
            kept = self.table.columns[index]
            self._distinct[index] = _distinct_codes(kept.codes, kept.uniques)
        return self._distinct[index]

    def column(self, logical: str) -> pd.Series:
        """The stripped cells of a logical column (object dtype)."""
        index = self.used[logical]
        if index not in self._columns:
            codes, distinct, _ = self.distinct(logical)
            self._columns[index] = pd.Series(distinct.to_numpy()[codes], dtype=object)
        return self._columns[index]

    def dates(self, logical: str, order: DateOrder | None, hint: DateOrder) -> ParsedDates:
        """Parse a date column (see :func:`parse_dates`), working on distinct values."""
        codes, distinct, first = self.distinct(logical)
        return _expand_dates(codes, first, _parse_dates_distinct(distinct, order, hint))

    def line_of(self, row: int) -> int:
        """1-based line number of data row ``row``."""
        return int(self.table.lines[row])

    def header(self, logical: str) -> str:
        return self.header_names[self.used[logical]] or f"column {self.used[logical] + 1}"

    def line_list(self, mask: np.ndarray, limit: int = 5) -> str:
        """'lines 4, 9 and 3 more' for the rows selected by ``mask``."""
        selected = self.table.lines[np.asarray(mask, dtype=bool)]
        numbers = selected[:limit]
        text = ", ".join(str(n) for n in numbers)
        extra = len(selected) - len(numbers)
        word = "line" if len(selected) == 1 else "lines"
        return f"{word} {text}" + (f" and {extra} more" if extra > 0 else "")

    def first_line(self, mask: np.ndarray) -> tuple[int, int]:
        """(row index, line number) of the first selected row."""
        index = int(np.flatnonzero(mask)[0])
        return index, self.line_of(index)


def _quote(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _roles_from(context: _Context, weights: Any = None) -> tuple[pd.Series, Any]:
    """Map the title/role column; returns (roles per row, TitleMapping).

    Each distinct title is mapped once, weighted by its rows (or its rows' ``weights``),
    and the roles are spread back to the rows through the column's codes: the roles
    per row are a categorical Series (a small code per row, not a string per row).
    """
    label = "role" if _prefer_role(context) else "title"
    if label == "role":
        context.used.pop("title", None)
    else:
        context.used.pop("role", None)
    codes, distinct, _ = context.distinct(label)
    if weights is None:
        per_title = np.bincount(codes, minlength=len(distinct))
    else:
        per_title = np.bincount(
            codes, weights=np.asarray(weights, dtype=float), minlength=len(distinct)
        )
    mapping = map_titles(distinct, context.mapping, weights=per_title)
    return pd.Series(_categorical(codes, mapping.roles.to_numpy())), mapping


def _categorical(codes: np.ndarray, names: Any) -> pd.Categorical:
    """``names[codes]`` as a categorical, built from the codes (``names`` may repeat).

    The categories stay Python strings (object dtype): ``to_numpy()`` then repeats
    references to them, where string-dtype categories would make a new string per row.
    """
    merged, uniques = pd.factorize(np.asarray(names, dtype=object))
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    return pd.Categorical.from_codes(merged[codes], categories=categories)


def _prefer_role(context: _Context) -> bool:
    """Use the role column when there is no title column or it holds role names only."""
    if "role" not in context.used:
        return False
    if "title" not in context.used:
        return True
    if ("title" in context.explicit) != ("role" in context.explicit):
        return "role" in context.explicit  # the column the user named wins
    values = pd.unique(context.distinct("role")[1].str.lower())
    keys = {*ROLE_KEYS, OTHER, ""}
    return all(str(v).replace(" ", "_") in keys for v in values)


def _headcount_dict(roles: pd.Series, weights: Any = None) -> dict[str, int]:
    if weights is None:
        counts = roles.value_counts()
    else:
        counts = (
            pd.Series(np.asarray(weights, dtype=float), index=roles.index)
            .groupby(roles.to_numpy())
            .sum()
        )
    return {key: int(round(counts.get(key, 0))) for key in (*ROLE_KEYS, OTHER)}


def _numbers(
    context: _Context, logical: str, *, money: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a numeric column; returns (values with NaN, blank mask, unreadable mask)."""
    codes, distinct, _ = context.distinct(logical)
    values, blank, bad = _parse_numbers_distinct(distinct, money, context.semicolon)
    return values[codes], blank[codes], bad[codes]


def parse_numbers(
    raw: pd.Series, *, money: bool = False, semicolon_file: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse numbers with thousands separators, decimal commas and currency signs.

    The decimal separator is decided per column: a comma followed by other than
    exactly three digits ("1,5", "85000,00") makes commas decimal; "1,500" alone
    reads as thousands. "1.500" alone is a decimal point unless the file uses ``;``
    as delimiter (then it reads as thousands, the European convention).

    Args:
        raw: stripped strings.
        money: also strip currency signs/codes and read a ``k`` suffix as thousands.
        semicolon_file: the file's delimiter was ``;`` (hint for "1.500").

    Returns:
        (float values with NaN for blank/unreadable, blank mask, unreadable mask).
    """
    codes, distinct, _ = _distinct(raw)
    values, blank, bad = _parse_numbers_distinct(distinct, money, semicolon_file)
    return values[codes], blank[codes], bad[codes]


def _distinct(raw: pd.Series | np.ndarray) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """(codes, distinct stripped strings as an object Series, first row of each)."""
    values = raw.astype(object).to_numpy() if isinstance(raw, pd.Series) else raw
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return _distinct_codes(raw_codes, uniques)


def _distinct_codes(
    raw_codes: np.ndarray, uniques: Any
) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """:func:`_distinct` of a column already factorised (raw distinct cells, codes)."""
    stripped = np.asarray(
        ["" if u is None or (isinstance(u, float) and u != u) else str(u).strip() for u in uniques],
        dtype=object,
    )
    merged, kept = pd.factorize(stripped)  # " a" and "a" become one value
    codes = merged.astype(np.int32)[raw_codes] if len(raw_codes) else raw_codes
    distinct = pd.Series(kept, dtype=object)
    first = np.zeros(len(distinct), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes, distinct, first


def _parse_numbers_distinct(
    text: pd.Series, money: bool, semicolon_file: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """parse_numbers on distinct values."""
    blank = (text == "").to_numpy()
    cleaned = text.str.replace(r"[\s\u00a0\u202f'’_]", "", regex=True)
    scale = np.ones(len(cleaned))
    if money:
        cleaned = cleaned.str.lower()
        currency = r"(?:usd|eur|gbp|chf|cad|aud|us\$|[$€£¥₹])"
        cleaned = cleaned.str.replace(r"^(-?)" + currency + r"(-?)", r"\1\2", regex=True)
        cleaned = cleaned.str.replace(r"/(?:yr|year|y|annum|a)$", "", regex=True)
        cleaned = cleaned.str.replace(currency + r"$", "", regex=True)
        thousands = cleaned.str.contains(r"\dk$", regex=True).to_numpy(dtype=bool)
        scale[thousands] = 1000.0
        cleaned = cleaned.str.replace(r"(?<=\d)k$", "", regex=True)
    both_comma_last = cleaned.str.contains(r"\.\d*,\d+$", regex=True)
    both_dot_last = cleaned.str.contains(r",\d*\.\d+$", regex=True)
    comma_decimal = cleaned.str.fullmatch(r"-?\d+,(?:\d{1,2}|\d{4,})", na=False)
    comma_groups = cleaned.str.fullmatch(r"-?\d{1,3}(?:,\d{3})+", na=False)
    dot_decimal = cleaned.str.fullmatch(r"-?\d*\.(?:\d{1,2}|\d{4,})", na=False)
    dot_groups = cleaned.str.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", na=False)
    comma_votes = int(both_comma_last.sum() + comma_decimal.sum())
    dot_votes = int(both_dot_last.sum() + dot_decimal.sum())
    if comma_votes > dot_votes or (
        comma_votes == dot_votes == 0
        and not comma_groups.any()
        and dot_groups.any()
        and semicolon_file
    ):
        normal = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        normal = cleaned.str.replace(",", "", regex=False)
    values = pd.to_numeric(
        normal.where(~pd.Series(blank, index=normal.index), None), errors="coerce"
    ).to_numpy(dtype=float)
    values = values * scale
    bad = np.isnan(values) & ~blank
    return values, blank, bad


def _whole_counts(context: _Context, logical: str, *, blank_is_zero: bool) -> np.ndarray:
    """Parse a count column: whole numbers >= 0, errors name line and column."""
    values, blank, bad = _numbers(context, logical)
    header = context.header(logical)
    if bad.any():
        index, line = context.first_line(bad)
        raise IngestError(
            f"line {line}, column {header!r}: {_quote(context.column(logical).iloc[index])} "
            "is not a number; enter a whole number of people"
        )
    negative = ~np.isnan(values) & (values < 0)
    if negative.any():
        index, line = context.first_line(negative)
        raise IngestError(
            f"line {line}, column {header!r}: {_quote(context.column(logical).iloc[index])} "
            "is negative; counts of people must be 0 or more"
        )
    fractional = ~np.isnan(values) & (np.abs(values - np.round(values)) > 1e-9)
    if fractional.any():
        index, line = context.first_line(fractional)
        raise IngestError(
            f"line {line}, column {header!r}: {_quote(context.column(logical).iloc[index])} "
            "is not a whole number; enter people, not FTE"
        )
    if blank.any():
        if not blank_is_zero:
            index, line = context.first_line(blank)
            raise IngestError(
                f"line {line}, column {header!r} is empty; enter the number of people (0 if none)"
            )
        context.warnings.append(
            f"column {header!r} is empty on {context.line_list(blank)}; read as 0"
        )
    return np.where(np.isnan(values), 0, values).astype(np.int64)


def _report_dates(context: _Context, logical: str, parsed: ParsedDates) -> np.ndarray:
    """Raise on a mixed-order column, warn on an ambiguous one; return the values."""
    raw = context.column(logical)
    header = context.header(logical)
    if parsed.conflict is not None:
        (i1, o1), (i2, o2) = parsed.conflict
        l1, l2 = context.line_of(i1), context.line_of(i2)
        raise IngestError(
            f"column {header!r} mixes day-first and month-first dates (line {l1}: "
            f"{_quote(raw.iloc[i1])} is {o1.upper()}, line {l2}: {_quote(raw.iloc[i2])} "
            f"is {o2.upper()}); export dates as YYYY-MM-DD, or pass date_order "
            "(CLI: --date-order dmy|mdy) to read every date one way"
        )
    if parsed.order is not None:
        context.decided_order = context.decided_order or str(parsed.order)
    if parsed.ambiguous:
        other = "dmy" if parsed.order == DateOrder.MDY else "mdy"
        example = f"{_quote(raw.iloc[parsed.example])}" if parsed.example is not None else ""
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


@dataclass(frozen=True, eq=False)
class ParsedDates:
    """Result of :func:`parse_dates`.

    Attributes:
        values: datetime64[ns] array, NaT where blank or unreadable.
        blank: mask of empty cells.
        bad: mask of non-empty cells that are not dates.
        order: the day/month order used for numeric dates (None if there were none).
        ambiguous: True when no date showed the order and the choice was a default.
        example: row index of an ambiguous date (for the warning), or None.
        conflict: ((row, "dmy"), (row, "mdy")) when the column mixes both orders.
    """

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    order: DateOrder | None
    ambiguous: bool
    example: int | None
    conflict: tuple[tuple[int, str], tuple[int, str]] | None


def parse_dates(
    raw: pd.Series, *, order: DateOrder | None = None, hint: DateOrder = DateOrder.MDY
) -> ParsedDates:
    """Parse a column of dates: ISO, D/M/Y or M/D/Y (2- or 4-digit years), 15-Jan-2024.

    The day/month order of numeric dates is decided for the whole column: a first
    number above 12 means D/M/Y, a second above 12 means M/D/Y; when every date fits
    both, ``order`` (if given) else ``hint`` is used and ``ambiguous`` is set.
    Two-digit years 00-69 are 2000-2069, 70-99 are 1970-1999. A time after the date
    is ignored.

    Args:
        raw: stripped strings.
        order: force an order for numeric dates.
        hint: the order used when the column does not show one.

    Returns:
        A :class:`ParsedDates`.
    """
    codes, distinct, first = _distinct(raw)
    return _expand_dates(codes, first, _parse_dates_distinct(distinct, order, hint))


def _expand_dates(codes: np.ndarray, first: np.ndarray, p: ParsedDates) -> ParsedDates:
    """Map a ParsedDates of distinct values back to every row."""
    conflict = None
    if p.conflict is not None:
        (i1, o1), (i2, o2) = p.conflict
        conflict = ((int(first[i1]), o1), (int(first[i2]), o2))
    return ParsedDates(
        values=p.values[codes],
        blank=p.blank[codes],
        bad=p.bad[codes],
        order=p.order,
        ambiguous=p.ambiguous,
        example=None if p.example is None else int(first[p.example]),
        conflict=conflict,
    )


def _parse_dates_distinct(text: pd.Series, order: DateOrder | None, hint: DateOrder) -> ParsedDates:
    """parse_dates on distinct stripped values (row indexes refer to ``text``).

    Plain ISO dates (the common case) go through pandas' vectorised parser; only the
    rest goes through the regular expressions.
    """
    text = pd.Series(text.to_numpy(dtype=object), dtype=object)
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False).to_numpy(dtype=bool)
    fast = pd.to_datetime(text.where(iso, None), format="%Y-%m-%d", errors="coerce")
    fast_values = fast.to_numpy(dtype="datetime64[ns]")
    done = iso & ~np.isnat(fast_values)
    if done.all():
        blank = np.zeros(len(text), dtype=bool)
        return ParsedDates(fast_values, blank, blank.copy(), None, False, None, None)
    rest = np.flatnonzero(~done)
    slow = _parse_dates_slow(text.iloc[rest].reset_index(drop=True), order, hint)
    values = fast_values.copy()
    values[rest] = slow.values
    blank = np.zeros(len(text), dtype=bool)
    blank[rest] = slow.blank
    bad = np.zeros(len(text), dtype=bool)
    bad[rest] = slow.bad
    conflict = None
    if slow.conflict is not None:
        (i1, o1), (i2, o2) = slow.conflict
        conflict = ((int(rest[i1]), o1), (int(rest[i2]), o2))
    return ParsedDates(
        values=values,
        blank=blank,
        bad=bad,
        order=slow.order,
        ambiguous=slow.ambiguous,
        example=None if slow.example is None else int(rest[slow.example]),
        conflict=conflict,
    )


def _parse_dates_slow(text: pd.Series, order: DateOrder | None, hint: DateOrder) -> ParsedDates:
    """The general date parser (regular expressions), on distinct values."""
    n = len(text)
    blank = (text == "").to_numpy()
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    day = np.full(n, np.nan)
    time = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"

    iso = text.str.extract(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + time + "$")
    hit = iso[0].notna().to_numpy()
    year[hit] = iso[0][hit].astype(float)
    month[hit] = iso[1][hit].astype(float)
    day[hit] = iso[2][hit].astype(float)

    compact = text.str.extract(r"^(\d{4})(\d{2})(\d{2})$")
    hit = compact[0].notna().to_numpy() & np.isnan(year)
    year[hit] = compact[0][hit].astype(float)
    month[hit] = compact[1][hit].astype(float)
    day[hit] = compact[2][hit].astype(float)

    numeric = text.str.extract(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + time + "$")
    num_hit = numeric[0].notna().to_numpy() & np.isnan(year)
    first = np.full(n, np.nan)
    second = np.full(n, np.nan)
    first[num_hit] = numeric[0][num_hit].astype(float)
    second[num_hit] = numeric[1][num_hit].astype(float)
    dmy_evidence = num_hit & (first > 12) & (second <= 12)
    mdy_evidence = num_hit & (second > 12) & (first <= 12)
    conflict = None
    chosen: DateOrder | None = None
    ambiguous = False
    example = None
    if num_hit.any():
        if order is not None:
            chosen = order
        elif dmy_evidence.any() and mdy_evidence.any():
            conflict = (
                (int(np.flatnonzero(dmy_evidence)[0]), "d/m/y"),
                (int(np.flatnonzero(mdy_evidence)[0]), "m/d/y"),
            )
            chosen = hint
        elif dmy_evidence.any():
            chosen = DateOrder.DMY
        elif mdy_evidence.any():
            chosen = DateOrder.MDY
        else:
            chosen = hint
            differing = num_hit & (first != second)
            if differing.any():
                ambiguous = True
                example = int(np.flatnonzero(differing)[0])
        yy = numeric[2][num_hit].astype(float).to_numpy()
        yy = np.where(yy < 100, np.where(yy < 70, 2000 + yy, 1900 + yy), yy)
        year[num_hit] = yy
        if chosen == DateOrder.DMY:
            day[num_hit], month[num_hit] = first[num_hit], second[num_hit]
        else:
            month[num_hit], day[num_hit] = first[num_hit], second[num_hit]

    rest = np.isnan(year) & ~blank
    if rest.any():
        _textual_dates(text, rest, year, month, day)

    valid = ~np.isnan(year) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if valid.any():
        built = pd.to_datetime(
            pd.DataFrame({"year": year[valid], "month": month[valid], "day": day[valid]}),
            errors="coerce",
        )
        values[valid] = built.to_numpy(dtype="datetime64[ns]")
    bad = np.isnat(values) & ~blank
    return ParsedDates(
        values=values,
        blank=blank,
        bad=bad,
        order=chosen,
        ambiguous=ambiguous,
        example=example,
        conflict=conflict,
    )


def _textual_dates(
    text: pd.Series, rest: np.ndarray, year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> None:
    """Fill dates written with month names: 15-Jan-2024, 15 January 2024, Jan 15, 2024."""
    subset = text[rest].str.lower()
    index = np.flatnonzero(rest)
    for pattern, (d, m, y) in (
        (r"^(\d{1,2})[-\s]([a-z]{3,9})\.?[-\s,]+(\d{4}|\d{2})$", (0, 1, 2)),
        (r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", (1, 0, 2)),
    ):
        found = subset.str.extract(pattern)
        hit = found[0].notna().to_numpy()
        if not hit.any():
            continue
        names = found[m][hit].map(lambda s: _MONTHS.get(s, np.nan)).astype(float).to_numpy()
        yy = found[y][hit].astype(float).to_numpy()
        yy = np.where(yy < 100, np.where(yy < 70, 2000 + yy, 1900 + yy), yy)
        target = index[hit]
        free = np.isnan(year[target])
        year[target[free]] = yy[free]
        month[target[free]] = names[free]
        day[target[free]] = found[d][hit].astype(float).to_numpy()[free]


def parse_months(
    raw: pd.Series, *, order: DateOrder | None = None, hint: DateOrder = DateOrder.MDY
) -> tuple[np.ndarray, ParsedDates]:
    """Parse a month column: 2024-03, 03/2024, 202403, Mar 2024, or any full date.

    Args:
        raw: stripped strings.
        order: day/month order for full numeric dates.
        hint: default order for full numeric dates.

    Returns:
        (month numbers ``year * 12 + month - 1`` as float with NaN for unreadable,
        the ParsedDates of the full-date fallback).
    """
    codes, distinct, first = _distinct(raw)
    serial, parsed = _parse_months_distinct(distinct, order, hint)
    conflict = None
    if parsed.conflict is not None:
        (i1, o1), (i2, o2) = parsed.conflict
        conflict = ((int(first[i1]), o1), (int(first[i2]), o2))
    return serial[codes], ParsedDates(
        values=parsed.values[codes],
        blank=parsed.blank[codes],
        bad=parsed.bad[codes],
        order=parsed.order,
        ambiguous=parsed.ambiguous,
        example=None if parsed.example is None else int(first[parsed.example]),
        conflict=conflict,
    )


def _parse_months_distinct(
    text: pd.Series, order: DateOrder | None, hint: DateOrder
) -> tuple[np.ndarray, ParsedDates]:
    """parse_months on distinct stripped values."""
    n = len(text)
    serial = np.full(n, np.nan)
    for pattern, (y, m) in (
        (r"^(\d{4})[-/.](\d{1,2})$", (0, 1)),
        (r"^(\d{1,2})[-/.](\d{4})$", (1, 0)),
        (r"^(\d{4})(\d{2})$", (0, 1)),
    ):
        found = text.str.extract(pattern)
        hit = found[0].notna().to_numpy() & np.isnan(serial)
        if hit.any():
            yy = found[y][hit].astype(float).to_numpy()
            mm = found[m][hit].astype(float).to_numpy()
            ok = (mm >= 1) & (mm <= 12)
            serial[np.flatnonzero(hit)[ok]] = yy[ok] * 12 + mm[ok] - 1
    named = text.str.lower().str.extract(r"^([a-z]{3,9})\.?[-\s'’]*(\d{4}|\d{2})$")
    hit = named[0].notna().to_numpy() & np.isnan(serial)
    if hit.any():
        mm = named[0][hit].map(lambda s: _MONTHS.get(s, np.nan)).astype(float).to_numpy()
        yy = named[1][hit].astype(float).to_numpy()
        yy = np.where(yy < 100, np.where(yy < 70, 2000 + yy, 1900 + yy), yy)
        serial[np.flatnonzero(hit)] = yy * 12 + mm - 1
    rest = np.isnan(serial)
    parsed = _parse_dates_distinct(text.where(rest, ""), order, hint)
    stamps = pd.DatetimeIndex(parsed.values)
    full = ~np.isnat(parsed.values)
    serial[full] = stamps.year[full] * 12 + stamps.month[full] - 1
    return serial, parsed


def _month_label(serial: np.ndarray | list[int]) -> list[str]:
    return [f"{int(s) // 12:04d}-{int(s) % 12 + 1:02d}" for s in serial]


def _month_end(serial: int) -> dt.date:
    year, month = serial // 12, serial % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# ----------------------------------------------------------------------------
# snapshot
# ----------------------------------------------------------------------------


def _ingest_snapshot(context: _Context) -> dict[str, Any]:
    weights = None
    if "count" in context.used:
        weights = _whole_counts(context, "count", blank_is_zero=True)
    roles, mapping = _roles_from(context, weights=weights)
    headcount = _headcount_dict(roles, weights)
    annual_cost = {}
    if "salary" in context.used:
        annual_cost = _median_salary(context, roles, np.ones(len(roles), dtype=bool))
    return {
        "as_of": context.as_of,
        "headcount": headcount,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": empty_history(),
        "annual_cost": annual_cost,
    }


def _median_salary(context: _Context, roles: pd.Series, current: np.ndarray) -> dict[str, float]:
    """Median annual salary per role (current staff when any have a salary)."""
    values, _, bad = _numbers(context, "salary", money=True)
    header = context.header("salary")
    if bad.any():
        context.warnings.append(
            f"column {header!r}: {int(bad.sum())} value(s) are not amounts "
            f"({context.line_list(bad)}); left out of the median salary"
        )
    nonpositive = ~np.isnan(values) & (values <= 0)
    if nonpositive.any():
        context.warnings.append(
            f"column {header!r}: {int(nonpositive.sum())} value(s) are zero or negative "
            f"({context.line_list(nonpositive)}); left out of the median salary"
        )
        values = np.where(nonpositive, np.nan, values)
    # roles is categorical (see _roles_from): no string per row in this frame.
    frame = pd.DataFrame({"role": roles.array, "salary": values, "current": current})
    frame = frame[frame["role"].isin(ROLE_KEYS) & frame["salary"].notna()]
    everyone = frame.groupby("role", observed=True)["salary"].agg(["median", "size"])
    now = frame[frame["current"]].groupby("role", observed=True)["salary"].agg(["median", "size"])
    result: dict[str, float] = {}
    too_few: list[str] = []
    for role in ROLE_KEYS:
        source = now if role in now.index else everyone if role in everyone.index else None
        if source is None:
            continue
        if int(source.loc[role, "size"]) < MIN_SALARY_PEOPLE:
            too_few.append(f"{role} ({int(source.loc[role, 'size'])})")
            continue
        result[role] = float(source.loc[role, "median"])
    if too_few:
        context.warnings.append(
            f"column {header!r}: no median salary for {', '.join(too_few)}: fewer than "
            f"{MIN_SALARY_PEOPLE} people with a salary, so the median would be someone's own "
            "pay (and go into the link); the default annual cost is kept for those roles"
        )
    small = [r for r, v in result.items() if v < 1000]
    if small:
        context.warnings.append(
            f"column {header!r}: median salary below 1,000 for {', '.join(small)}; the planner "
            "expects annual amounts (e.g. 150000)"
        )
    return result


# ----------------------------------------------------------------------------
# history
# ----------------------------------------------------------------------------


def _ingest_history(context: _Context) -> dict[str, Any]:
    header_month = context.header("month")
    serial, parsed = parse_months(context.column("month"), order=context.order, hint=context.hint)
    if parsed.order is not None and (~np.isnat(parsed.values)).any():
        context.decided_order = str(parsed.order)
    unreadable = np.isnan(serial)
    if unreadable.all():
        index, line = context.first_line(unreadable)
        raise IngestError(
            f"line {line}, column {header_month!r}: {_quote(context.column('month').iloc[index])}"
            " is not a month; write months as YYYY-MM (e.g. 2025-03)"
        )
    if unreadable.any():
        context.warnings.append(
            f"column {header_month!r}: {int(unreadable.sum())} row(s) have no readable month "
            f"({context.line_list(unreadable)}); they are left out. Write months as YYYY-MM"
        )
    headcount = _whole_counts(context, "count", blank_is_zero=False)
    hires = _whole_counts(context, "hires", blank_is_zero=True) if "hires" in context.used else None
    exits = _whole_counts(context, "exits", blank_is_zero=True) if "exits" in context.used else None
    label_key = "role" if _prefer_role(context) else "title"
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
            f"line {line} repeats month {_month_label([serial[index]])[0]} for "
            f"{_quote(context.column(label_key).iloc[index])} (first on line {first_line}); "
            "keep one row per month and role"
        )
    last = int(np.nanmax(serial[keep]))
    if context.as_of is not None:
        wanted = context.as_of.year * 12 + context.as_of.month - 1
        later = keep & (serial > wanted)
        if later.any():
            context.warnings.append(
                f"{int(later.sum())} row(s) are after the as-of month "
                f"{_month_label([wanted])[0]} ({context.line_list(later)}); they are left out"
            )
            keep &= ~later
        if not keep.any():
            raise IngestError(
                f"as_of {context.as_of.isoformat()} is before the first month in "
                f"{context.name}; choose a later as-of date"
            )
        if wanted > last:
            raise IngestError(
                f"as_of {context.as_of.isoformat()} is after the last month in {context.name} "
                f"({_month_label([last])[0]}); choose an as-of date within the history or add "
                "the missing months"
            )
        last = wanted
        as_of = context.as_of
    else:
        as_of = _month_end(last)
    weights = np.where(keep & (serial == last), headcount, 0)
    roles, mapping = _roles_from(context, weights=weights)
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
        part = grouped.loc[role].reindex(months)
        present = part["headcount"].notna().to_numpy()
        first_present = int(np.flatnonzero(present)[0])
        gaps = np.flatnonzero(~present[first_present:]) + first_present
        if gaps.size:
            missing = _month_label([months[gaps[0]]])[0]
            raise IngestError(
                f"{context.name}: no row for {role} in {missing} (column "
                f"{header_month!r}); add the month (headcount 0 if nobody), so months are "
                "contiguous"
            )
        if first_present > 0:
            context.warnings.append(
                f"{role} first appears in {_month_label([months[first_present]])[0]}; "
                "earlier months are counted as 0"
            )
        part = part.fillna(0).astype(np.int64)
        pieces.append(
            pd.DataFrame(
                {
                    "month": _month_label(months),
                    "role": role,
                    "headcount": part["headcount"].to_numpy(),
                    "hires": part["hires"].to_numpy(),
                    "exits": part["exits"].to_numpy(),
                }
            )
        )
        head[role] = int(part["headcount"].iloc[-1])
    history = _as_history(pieces)
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
        estimate = _estimate_rates(history, context.warnings)
        if estimate is not None:
            rates = _rate_dict(estimate)
            attrition, methods = _attrition_from_rates(estimate, history)
    return {
        "as_of": as_of,
        "headcount": head,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": history,
        "rates": rates,
        "attrition": attrition,
        "attrition_method": methods,
    }


def _as_history(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    if not pieces:
        return empty_history()
    history = pd.concat(pieces, ignore_index=True)
    history = history.sort_values(["month", "role"], kind="stable", key=_role_order_key)
    return history.reset_index(drop=True).astype(_EMPTY_HISTORY_DTYPES)


def _role_order_key(column: pd.Series) -> pd.Series:
    if column.name == "role":
        return column.map({r: i for i, r in enumerate(ROLE_KEYS)})
    return column


def _check_flows(history: pd.DataFrame, context: _Context) -> None:
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


# ----------------------------------------------------------------------------
# roster
# ----------------------------------------------------------------------------


def _ingest_roster(context: _Context) -> dict[str, Any]:
    roles, mapping = _roles_from(context)
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
        what = "is empty" if value == "" else f"{_quote(value)} is not a date"
        raise IngestError(
            f"line {line}, column {head_start!r}: {what}, and no row has a readable start "
            "date; write dates as YYYY-MM-DD (e.g. 2024-03-31)"
        )
    unreadable_start = no_start & ~start_blank
    if unreadable_start.any():
        context.warnings.append(
            f"column {head_start!r}: {int(unreadable_start.sum())} date(s) cannot be read "
            f"({context.line_list(unreadable_start)}, e.g. "
            f"{_quote(context.column('start')[unreadable_start].iloc[0])}); those people are "
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
            f"{_quote(context.column('end')[bad_end].iloc[0])}); those people are left out "
            "of the headcount and history. Write dates as YYYY-MM-DD, or leave it empty for "
            "people still employed"
        )
    usable = ~no_start & ~bad_end
    if not usable.any():
        index, line = context.first_line(bad_end)
        raise IngestError(
            f"line {line}, column {head_end!r}: {_quote(context.column('end').iloc[index])} is "
            "not a date, and no row has both a readable start date and a readable or empty end "
            "date; write dates as YYYY-MM-DD and leave the end date empty for current staff"
        )
    before = usable & ~np.isnat(end) & (end < start)
    if before.any():
        index, line = context.first_line(before)
        raise IngestError(
            f"line {line}: end date {_quote(context.column('end').iloc[index])} (column "
            f"{head_end!r}) is before start date {_quote(context.column('start').iloc[index])} "
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
    headcount = _headcount_dict(roles[current])
    history = roster_history(
        roles.to_numpy()[in_scope], start[in_scope], end[in_scope], as_of=as_of
    )
    annual_cost = _median_salary(context, roles, current) if "salary" in context.used else {}
    if context.leavers_since is not None:
        _check_leavers_since(context, in_scope, end, as_of)
    rates: dict[str, dict[str, Any]] = {}
    attrition: dict[str, tuple[float, float, float]] = {}
    methods: dict[str, str] = {}
    first_year: dict[str, tuple[float, float, float]] = {}
    window: dict[str, Any] = {"leavers_since": None, "attrition_window": ""}
    survival = None
    if context.estimate:
        ended = np.where(~np.isnat(end) & (end <= as_of), end, np.datetime64("NaT"))
        names = [r if r in ROLE_KEYS else OTHER for r in roles.cat.categories]
        roster = pd.DataFrame(
            {
                "role": _categorical(roles.cat.codes.to_numpy()[in_scope], names),
                "start": start[in_scope],
                "end": ended[in_scope],
            }
        )
        survival = _attrition_from_roster(roster, as_of, context)
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
        window = {
            "leavers_since": survival.leavers_since.date(),
            "attrition_window": survival.window_text(),
        }
        estimate = _estimate_rates(
            _window_months(history, survival.leavers_since, survival.window_source),
            context.warnings,
        )
        if estimate is not None:
            rates = _rate_dict(estimate)
            fallback, fallback_methods = _attrition_from_rates(estimate, history)
            for role, value in fallback.items():
                if role not in attrition:
                    attrition[role] = value
                    methods[role] = fallback_methods[role]
    attrition = {r: attrition[r] for r in ROLE_KEYS if r in attrition}
    return {
        "as_of": pd.Timestamp(as_of).date(),
        "headcount": headcount,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": history,
        "rates": rates,
        "annual_cost": annual_cost,
        "attrition": attrition,
        "attrition_method": {r: methods[r] for r in attrition},
        "attrition_first_year": first_year,
        **window,
        "survival_curves": _curves([survival] if survival is not None else None),
        "cox": survival.cox if survival is not None else None,
    }


def _check_leavers_since(
    context: _Context, in_scope: np.ndarray, end: np.ndarray, as_of: np.datetime64
) -> None:
    """Refuse a window starting after as_of; report leavers before it."""
    since = np.datetime64(context.leavers_since, "ns")
    if since > as_of:
        raise IngestError(
            f"leavers recorded since {context.leavers_since.isoformat()} is after the as-of "
            f"date {pd.Timestamp(as_of).date().isoformat()}; give the first day from which "
            "the export lists every leaver"
        )
    earlier = in_scope & ~np.isnat(end) & (end < since)
    if earlier.any():
        context.warnings.append(
            f"{int(earlier.sum())} leaver(s) left before {context.leavers_since.isoformat()} "
            f"({context.line_list(earlier)}), the given 'leavers recorded since' date; they "
            "are outside the window and not counted in attrition. If the export lists every "
            "leaver since an earlier date, give that date instead"
        )


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
    columns = ["role", "tenure_months", "survival", "low", "high"]
    parts = [e.curves for e in estimates or () if getattr(e, "curves", None) is not None]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    curves = pd.concat(parts, ignore_index=True)
    return curves[curves["role"].isin(ROLE_KEYS)].reset_index(drop=True)


def _parse_date_pair(context: _Context) -> tuple[ParsedDates, ParsedDates | None]:
    """Parse start and end; a column that shows its day/month order settles the other."""
    order, hint = context.order, context.hint
    start = context.dates("start", order, hint)
    end = context.dates("end", order, hint) if "end" in context.used else None
    if order is not None or end is None:
        return start, end

    def settled(p: ParsedDates) -> bool:
        return p.order is not None and not p.ambiguous and p.conflict is None

    if start.ambiguous and settled(end):
        context.settled_by["start"] = context.header("end")
        if end.order != start.order:
            start = context.dates("start", None, end.order)
    elif end.ambiguous and settled(start):
        context.settled_by["end"] = context.header("start")
        if start.order != end.order:
            end = context.dates("end", None, start.order)
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
    labels = _month_label(serials)
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
    return _as_history(pieces)


# ----------------------------------------------------------------------------
# estimation (forecasting.rates, imported lazily: statsmodels is slow to import)
# ----------------------------------------------------------------------------


def _estimate_rates(history: pd.DataFrame, warnings: list[str]) -> Any:
    if history.empty:
        return None
    try:
        from forecasting.rates import estimate_rates
    except ImportError:
        warnings.append("rate estimation is not available in this installation")
        return None
    try:
        return estimate_rates(history)
    except PlannerError as exc:
        warnings.append(f"exit/hire rates were not estimated: {exc}")
        return None


def _rate_dict(estimate: Any) -> dict[str, dict[str, Any]]:
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


def _attrition_from_rates(
    estimate: Any, history: pd.DataFrame
) -> tuple[dict[str, tuple[float, float, float]], dict[str, str]]:
    attrition: dict[str, tuple[float, float, float]] = {}
    methods: dict[str, str] = {}
    rates = _rate_dict(estimate)
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


def _attrition_from_roster(roster: pd.DataFrame, as_of: Any, context: _Context) -> Any:
    """Attrition over the leavers window (forecasting.survival), or None with a warning."""
    in_roles = int(roster["role"].isin(ROLE_KEYS).sum())
    if not in_roles:
        return None
    if context.leavers_since is None and roster["end"].isna().all():
        context.warnings.append(
            "attrition and exit/hire rates were not estimated: the file lists no leavers, so "
            "there is no window to count exits over. A roster must list every current "
            "employee and every leaver since a date; give that date as 'leavers recorded "
            "since' (--leavers-since on the command line), even if nobody left since"
        )
        return None
    try:
        from forecasting.survival import roster_survival
    except ImportError:
        return None
    large = in_roles > COX_MAX_PEOPLE
    try:
        estimate = roster_survival(
            roster,
            as_of=pd.Timestamp(as_of),
            leavers_since=context.leavers_since,
            cox=not large,
            roles=ROLE_KEYS,
        )
    except PlannerError as exc:
        context.warnings.append(f"attrition and exit/hire rates were not estimated: {exc}")
        return None
    if large:
        context.warnings.append(
            f"the roster has {in_roles:,} people in the four roles, more than "
            f"{COX_MAX_PEOPLE:,}: the Cox model comparing roles was skipped to keep the "
            "upload fast; the per-role attrition is unaffected"
        )
    return estimate
