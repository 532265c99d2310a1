"""Text to table: the delimiter sniffer and a lean CSV reader.

:func:`parse_table` reads every record once, checks it (ragged rows, the row and
column caps, header-only files, unnamed or duplicate headers) and keeps only the
cells of the columns the ingest will read, each column as codes into its distinct raw
cells, with the line number where each data row starts.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecasting.model.errors import IngestError

#: Delimiters the sniffer chooses from.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: A physical line with its ending, split as ``io.StringIO(text, newline="")`` splits
#: them: on CR LF, CR or LF only (not on the other characters str.splitlines knows).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _reader(text: str, delimiter: str) -> Any:
    """A csv.reader over the text's lines, cut one at a time.

    ``io.StringIO`` would copy the whole text into 4 bytes per character first.
    """
    lines = map(re.Match.group, _LINE_RE.finditer(text))
    return csv.reader(lines, delimiter=delimiter, quotechar='"')


def sniff_delimiter(text: str) -> str:
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
class Column:
    """One kept column, factorised while reading: a code per data row, raw distinct cells."""

    codes: np.ndarray
    uniques: list[str]


@dataclass(frozen=True, eq=False)
class Table:
    """The header, the kept columns (by index) and each data row's line number.

    Only the columns asked for are kept, each as codes into its distinct raw cells:
    a 200-column export costs the memory of the few columns the planner reads. The
    line numbers (1-based, where the record starts) are noted while reading, so that
    messages need neither the text nor a second pass over it.
    """

    header: list[str]
    columns: dict[int, Column]
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


def parse_table(
    text: str,
    delimiter: str,
    name: str,
    keep: Callable[[list[str]], Iterable[int]] = lambda header: (),
    *,
    max_rows: int,
    max_columns: int,
) -> Table:
    """Parse CSV text into a :class:`Table`; refuse ragged rows, caps, header-only.

    ``keep(header)`` names the column indices whose cells are kept (it is asked once
    the header is read); every row is still checked, whatever its columns.
    ``max_rows`` and ``max_columns`` are the caps (``forecasting.ingest.MAX_ROWS``,
    ``MAX_COLUMNS``).
    """
    records = _numbered_records(_reader(text, delimiter), max_rows + 2 + 1000)
    lines = array("q")
    columns: dict[int, tuple[dict[str, int], array]] = {}
    try:
        scan = _scan_records(records, keep, lines, columns, max_columns)
    except csv.Error as exc:
        raise IngestError(
            f"{name} cannot be parsed as CSV ({exc}); check for an unclosed quote"
        ) from None
    if scan.header is None:
        raise IngestError(
            f"{name} is empty; export the table again with a header row and data rows"
        )
    header = scan.header
    if len(header) > max_columns:
        raise IngestError(
            f"{name} has {len(header)} columns, over the limit of {max_columns}; "
            "keep only the columns you need (title, dates, salary)"
        )
    if scan.ragged is not None:
        line, length = scan.ragged
        raise IngestError(
            f"line {line} has {length} fields but the header "
            f"(line {scan.header_line}) has {len(header)}; quote cells that contain "
            f"{_delimiter_name(delimiter)} and make every row as long as the header"
        )
    if scan.rows > max_rows:
        raise IngestError(
            f"{name} has more than {max_rows:,} data rows (limit {max_rows:,}); "
            "upload a shorter extract (e.g. fewer years)"
        )
    if not scan.rows:
        raise IngestError(
            f"{name} has a header (line {scan.header_line}) but no data rows; "
            "add one row per person, role or month"
        )
    _check_headers(header, scan.filled, scan.header_line)
    return Table(
        header=header,
        columns={
            index: Column(codes=np.frombuffer(codes, dtype=np.int32), uniques=list(lookup))
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
    max_columns: int,
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
            scan.header = [clean_header(h) for h in record]
            scan.header_line = line
            break
    else:
        return scan
    width = len(scan.header)
    wanted = [] if width > max_columns else sorted({i for i in keep(scan.header) if 0 <= i < width})
    for index in wanted:
        columns[index] = ({}, array("i"))
    targets = [columns[index] for index in wanted]
    unnamed = [index for index, value in enumerate(scan.header) if not value]
    for line, record in records:
        if scan.ragged is not None or width > max_columns:
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


def clean_header(value: str) -> str:
    """A header as compared: BOMs dropped, runs of white space made one space, stripped."""
    return re.sub(r"\s+", " ", value.replace("\ufeff", "")).strip()


def norm_header(value: str) -> str:
    """A header's matching key: NFKC, case-folded, letters and digits only."""
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
        key = norm_header(value) or value.casefold()
        if key in seen:
            raise IngestError(
                f"line {header_line}: columns {seen[key] + 1} and {index + 1} are both "
                f"named {header[seen[key]]!r}; rename or delete one of them"
            )
        seen[key] = index
