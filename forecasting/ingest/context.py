"""The working state of one ingest call, and what every kind of file reads through it.

:class:`Context` holds the kept columns by logical name (factorised once, cells
stripped), the line numbers messages name, the warnings and the options of the call.
The helpers below are shared by the snapshot, history and roster readers: mapping
titles to roles, counting people per role, reading whole counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest.aliases import TitleMapping, map_titles
from forecasting.ingest.table import Table
from forecasting.ingest.values import (
    DateOrder,
    Distinct,
    ParsedDates,
    dates_by_row,
    distinct_codes,
    numbers_by_row,
)
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS


@dataclass
class Context:
    """Working state of one ingest call (never outlives it).

    ``min_salary_people`` and ``cox_max_people`` are the package's
    ``MIN_SALARY_PEOPLE`` and ``COX_MAX_PEOPLE`` as they were when the call began.
    """

    name: str
    header_names: list[str]
    semicolon: bool
    table: Table
    used: dict[str, int]
    warnings: list[str]
    mapping: Any
    as_of: dt.date | None
    order: DateOrder | None
    hint: DateOrder
    min_salary_people: int
    cox_max_people: int
    leavers_since: dt.date | None = None
    estimate: bool = True
    explicit: set[str] = field(default_factory=set)
    decided_order: str | None = None
    settled_by: dict[str, str] = field(default_factory=dict)
    #: The export's own date (above the header or in the file name) and where it was.
    file_as_of: dt.date | None = None
    file_as_of_note: str = ""
    #: "given", "file" or "latest date": where the as-of date came from (None: no date).
    as_of_source: str | None = None
    #: The exit reasons attrition counts (None: every exit).
    counted_reasons: tuple[str, ...] | None = None
    _columns: dict[int, pd.Series] = field(default_factory=dict)
    _distinct: dict[int, Distinct] = field(default_factory=dict)

    def pick_as_of(self, latest: dt.date | None) -> dt.date | None:
        """The as-of date: given, else the file's own, else ``latest`` (the latest date in
        the file); notes where it came from in ``as_of_source``."""
        if self.as_of is not None:
            self.as_of_source = "given"
            return self.as_of
        if self.file_as_of is not None:
            self.as_of_source = "file"
            return self.file_as_of
        self.as_of_source = None if latest is None else "latest date"
        return latest

    def drop_file_date(self, why: str) -> None:
        """Do not use the export's own date (``why`` says why, in a warning)."""
        if self.file_as_of is None or self.as_of is not None:
            return
        self.warnings.append(
            f"the file's date {self.file_as_of.isoformat()} ({self.file_as_of_note}) is not "
            f"used as the as-of date: {why}; the latest date in the file is used instead"
        )
        self.file_as_of = None

    def distinct(self, logical: str) -> Distinct:
        """(codes, distinct stripped values, first row of each) of a logical column."""
        index = self.used[logical]
        if index not in self._distinct:
            kept = self.table.columns[index]
            self._distinct[index] = distinct_codes(kept.codes, kept.uniques)
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
        return dates_by_row(self.distinct(logical), order, hint)

    def numbers(
        self, logical: str, *, money: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Parse a numeric column; returns (values with NaN, blank mask, unreadable mask)."""
        return numbers_by_row(self.distinct(logical), money=money, semicolon_file=self.semicolon)

    def line_of(self, row: int) -> int:
        """1-based line number of data row ``row``."""
        return int(self.table.lines[row])

    def header(self, logical: str) -> str:
        """The file's header of a logical column ("column 3" when it has none)."""
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

    def bad_cell(self, mask: np.ndarray, logical: str, problem: str) -> IngestError:
        """The error for the first selected row's cell: "line L, column 'C': 'v' <problem>"."""
        index, line = self.first_line(mask)
        value = quote(self.column(logical).iloc[index])
        return IngestError(f"line {line}, column {self.header(logical)!r}: {value} {problem}")


def quote(value: object, limit: int = 40) -> str:
    """A cell as a message shows it: repr, cut to ``limit`` characters with an ellipsis."""
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def roles_from(context: Context, weights: Any = None) -> tuple[pd.Series, TitleMapping]:
    """Map the title/role column; returns (roles per row, TitleMapping).

    Each distinct title is mapped once, weighted by its rows (or its rows' ``weights``),
    and the roles are spread back to the rows through the column's codes: the roles
    per row are a categorical Series (a small code per row, not a string per row).
    """
    label = "role" if prefer_role(context) else "title"
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
    return pd.Series(categorical(codes, mapping.roles.to_numpy())), mapping


def categorical(codes: np.ndarray, names: Any) -> pd.Categorical:
    """``names[codes]`` as a categorical, built from the codes (``names`` may repeat).

    The categories stay Python strings (object dtype): ``to_numpy()`` then repeats
    references to them, where string-dtype categories would make a new string per row.
    """
    merged, uniques = pd.factorize(np.asarray(names, dtype=object))
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    return pd.Categorical.from_codes(merged[codes], categories=categories)


def prefer_role(context: Context) -> bool:
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


def headcount_dict(roles: pd.Series, weights: Any = None) -> dict[str, int]:
    """People per role key (and "other"): rows, or the sum of ``weights``, per role."""
    if weights is None:
        counts = roles.value_counts()
    else:
        counts = (
            pd.Series(np.asarray(weights, dtype=float), index=roles.index)
            .groupby(roles.to_numpy())
            .sum()
        )
    return {key: int(round(counts.get(key, 0))) for key in (*ROLE_KEYS, OTHER)}


def whole_counts(context: Context, logical: str, *, blank_is_zero: bool) -> np.ndarray:
    """Parse a count column: whole numbers >= 0, errors name line and column."""
    values, blank, bad = context.numbers(logical)
    header = context.header(logical)
    if bad.any():
        raise context.bad_cell(bad, logical, "is not a number; enter a whole number of people")
    negative = ~np.isnan(values) & (values < 0)
    if negative.any():
        raise context.bad_cell(negative, logical, "is negative; counts of people must be 0 or more")
    fractional = ~np.isnan(values) & (np.abs(values - np.round(values)) > 1e-9)
    if fractional.any():
        raise context.bad_cell(fractional, logical, "is not a whole number; enter people, not FTE")
    if blank.any():
        if not blank_is_zero:
            _, line = context.first_line(blank)
            raise IngestError(
                f"line {line}, column {header!r} is empty; enter the number of people (0 if none)"
            )
        context.warnings.append(
            f"column {header!r} is empty on {context.line_list(blank)}; read as 0"
        )
    return np.where(np.isnan(values), 0, values).astype(np.int64)
