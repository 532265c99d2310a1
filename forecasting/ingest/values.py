"""Cell values: numbers and money, dates, months.

A column is factorised first (:func:`distinct_values`: a code per row into its
distinct stripped cells); each parser works on the distinct values only, and the
result goes back to the rows once (``values[codes]`` for arrays, and
:func:`expand_dates` for the row numbers a :class:`ParsedDates` names). A
100,000-row roster with a few hundred distinct dates parses a few hundred dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

#: (codes: one per row, distinct stripped values as an object Series, first row of each).
Distinct: TypeAlias = tuple[np.ndarray, pd.Series, np.ndarray]


class DateOrder(StrEnum):
    """Order of day and month in numeric dates such as 03/04/2024."""

    DMY = "dmy"
    MDY = "mdy"


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
}
_MONTHS["sept"] = 9


def full_year(yy: np.ndarray) -> np.ndarray:
    """Two-digit years 00-69 as 2000-2069 and 70-99 as 1970-1999; longer years unchanged."""
    return np.where(yy < 100, np.where(yy < 70, 2000 + yy, 1900 + yy), yy)


def distinct_values(raw: pd.Series | np.ndarray) -> Distinct:
    """(codes, distinct stripped strings as an object Series, first row of each)."""
    values = raw.astype(object).to_numpy() if isinstance(raw, pd.Series) else raw
    raw_codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return distinct_codes(raw_codes, uniques)


def distinct_codes(raw_codes: np.ndarray, uniques: Any) -> Distinct:
    """:func:`distinct_values` of a column already factorised (raw distinct cells, codes)."""
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
    return numbers_by_row(distinct_values(raw), money=money, semicolon_file=semicolon_file)


def numbers_by_row(
    column: Distinct, *, money: bool, semicolon_file: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`parse_numbers` of a factorised column: each distinct value parsed once."""
    codes, distinct, _ = column
    values, blank, bad = _parse_numbers_distinct(distinct, money, semicolon_file)
    return values[codes], blank[codes], bad[codes]


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
        marker: mask of "no date" markers (1/1/1900, 9999-12-31, ...), also in ``blank``;
            None when there are none.
    """

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    order: DateOrder | None
    ambiguous: bool
    example: int | None
    conflict: tuple[tuple[int, str], tuple[int, str]] | None
    marker: np.ndarray | None = None

    @property
    def markers(self) -> int:
        """How many cells hold a "no date" marker."""
        return 0 if self.marker is None else int(self.marker.sum())


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
    return dates_by_row(distinct_values(raw), order, hint)


def dates_by_row(column: Distinct, order: DateOrder | None, hint: DateOrder) -> ParsedDates:
    """:func:`parse_dates` of a factorised column: each distinct value parsed once."""
    codes, distinct, first = column
    return expand_dates(codes, first, _parse_dates_distinct(distinct, order, hint))


def expand_dates(codes: np.ndarray, first: np.ndarray, p: ParsedDates) -> ParsedDates:
    """Map a ParsedDates of distinct values back to every row."""
    marker = None if p.marker is None else p.marker[codes]
    return _moved(p, first, p.values[codes], p.blank[codes], p.bad[codes], marker)


def _moved(
    p: ParsedDates,
    rows: np.ndarray,
    values: np.ndarray,
    blank: np.ndarray,
    bad: np.ndarray,
    marker: np.ndarray | None = None,
) -> ParsedDates:
    """``p`` with new arrays, the rows it names (example, conflict) mapped through ``rows``."""
    conflict = None
    if p.conflict is not None:
        (i1, o1), (i2, o2) = p.conflict
        conflict = ((int(rows[i1]), o1), (int(rows[i2]), o2))
    return ParsedDates(
        values=values,
        blank=blank,
        bad=bad,
        order=p.order,
        ambiguous=p.ambiguous,
        example=None if p.example is None else int(rows[p.example]),
        conflict=conflict,
        marker=marker,
    )


#: "No date" markers HR systems write in date columns (an active employee's termination
#: date): 1900-01-01, 1/1/1900, 01.01.1900, 9999-12-31, 12/31/9999, 31.12.9999,
#: 0001-01-01, 00.00.0000, 0000-00-00 (any separator, with or without a time).
_MARKER_RE = (
    r"^(?:"
    r"1900[-/.]0?1[-/.]0?1|0?1[-/.]0?1[-/.]1900"
    r"|9999[-/.]12[-/.]31|12[-/.]31[-/.]9999|31[-/.]12[-/.]9999"
    r"|0001[-/.]0?1[-/.]0?1|0?1[-/.]0?1[-/.]0001"
    r"|0{1,4}[-/.]0{1,2}[-/.]0{1,4}"
    r")(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


#: Years a date may have (a start in 1600 or an end in 2500 is a typing error, and outside
#: pandas' range such a date would wrap silently); "no date" markers are read before this.
DATE_YEARS = (1900, 2199)


_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def date_fix(value: str) -> str:
    """How to fix an unreadable date cell: a year outside DATE_YEARS is named as such."""
    years = [int(y) for y in _YEAR_RE.findall(value)]
    if years and not all(DATE_YEARS[0] <= y <= DATE_YEARS[1] for y in years):
        return (
            f"The planner reads years {DATE_YEARS[0]}-{DATE_YEARS[1]} only: check the year "
            "(9999-12-31 and 1/1/1900 mean no date)"
        )
    return "Write dates as YYYY-MM-DD"


def no_date_markers(text: pd.Series) -> np.ndarray:
    """Mask of cells holding a "no date" marker (1/1/1900, 9999-12-31, 00.00.0000, ...)."""
    return text.str.fullmatch(_MARKER_RE, na=False).to_numpy(dtype=bool)


def _parse_dates_distinct(text: pd.Series, order: DateOrder | None, hint: DateOrder) -> ParsedDates:
    """parse_dates on distinct stripped values (row indexes refer to ``text``).

    Plain ISO dates (the common case) go through pandas' vectorised parser; only the
    rest goes through the regular expressions.
    """
    text = pd.Series(text.to_numpy(dtype=object), dtype=object)
    marker = no_date_markers(text)
    if marker.any():
        parsed = _parse_dates_distinct(text.where(~marker, ""), order, hint)
        return replace(parsed, blank=parsed.blank | marker, marker=marker)
    # The fast path only for years the planner reads (DATE_YEARS); others go the slow way,
    # which refuses them (pandas' own range would wrap 1600-01-01 silently).
    iso = text.str.fullmatch(r"(?:19|20|21)\d{2}-\d{2}-\d{2}", na=False).to_numpy(dtype=bool)
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
    return _moved(slow, rest, values, blank, bad)


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
        yy = full_year(yy)
        year[num_hit] = yy
        if chosen == DateOrder.DMY:
            day[num_hit], month[num_hit] = first[num_hit], second[num_hit]
        else:
            month[num_hit], day[num_hit] = first[num_hit], second[num_hit]

    rest = np.isnan(year) & ~blank
    if rest.any():
        _textual_dates(text, rest, year, month, day)

    valid = ~np.isnan(year) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    valid &= (year >= DATE_YEARS[0]) & (year <= DATE_YEARS[1])  # else "not a date", by line
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
        yy = full_year(yy)
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
    codes, distinct, first = distinct_values(raw)
    serial, parsed = _parse_months_distinct(distinct, order, hint)
    return serial[codes], expand_dates(codes, first, parsed)


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
        yy = full_year(yy)
        serial[np.flatnonzero(hit)] = yy * 12 + mm - 1
    rest = np.isnan(serial)
    parsed = _parse_dates_distinct(text.where(rest, ""), order, hint)
    stamps = pd.DatetimeIndex(parsed.values)
    full = ~np.isnat(parsed.values)
    serial[full] = stamps.year[full] * 12 + stamps.month[full] - 1
    return serial, parsed


def month_labels(serial: Any) -> list[str]:
    """ "YYYY-MM" labels of month numbers (``year * 12 + month - 1``)."""
    return [f"{int(s) // 12:04d}-{int(s) % 12 + 1:02d}" for s in serial]


def month_end(serial: int) -> dt.date:
    """The last day of a month number (``year * 12 + month - 1``)."""
    year, month = serial // 12, serial % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])
