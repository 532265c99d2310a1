"""Text to table: the delimiter sniffer and a lean CSV reader.

:func:`parse_table` reads every record once, checks it (ragged rows, the row and
column caps, header-only files, unnamed or duplicate headers) and keeps only the
cells of the columns the ingest will read, each column as codes into its distinct raw
cells, with the line number where each data row starts.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecasting.ingest.errors import COLUMN_MAPPING, ChoiceNeeded
from forecasting.model.errors import IngestError

#: Delimiters the sniffer chooses from.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: A physical line with its ending, split as ``io.StringIO(text, newline="")`` splits
#: them: on CR LF, CR or LF only (not on the other characters str.splitlines knows).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


#: The longest physical line read, in characters: a line is measured before it is split,
#: so a 20 MB header of millions of columns is refused by its length, not after the CSV
#: reader has made millions of cells (about +490 MB). 200 columns of 500 characters fit.
MAX_LINE_CHARS = 100_000


def _measured(lines: Iterator[str]) -> Iterator[str]:
    """The lines, each refused (by its line number) when longer than MAX_LINE_CHARS."""
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(
                f"line {number} is {len(line):,} characters long, over the limit of "
                f"{MAX_LINE_CHARS:,} for one line of a table; export only the columns you "
                "need (title, dates, salary), one person or month per line"
            )
        yield line


def _reader(text: str, delimiter: str) -> Any:
    """A csv.reader over the text's lines, cut one at a time and measured before split.

    ``io.StringIO`` would copy the whole text into 4 bytes per character first.
    """
    lines = map(re.Match.group, _LINE_RE.finditer(text))
    return csv.reader(_measured(lines), delimiter=delimiter, quotechar='"')


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose field count is most consistent over the first lines.

    A delimiter's width is the most common field count of at least two among the
    non-blank sample lines (title lines above a header do not decide it); its score is
    the share of lines of that width, then the width, then the order of DELIMITERS.
    """
    sample_lines = [line for line in text[:65536].splitlines() if line.strip()][:60]
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
        widths = [len(row) for row in rows if len(row) >= 2]
        if not widths:
            continue
        counts: dict[int, int] = {}
        for w in widths:
            counts[w] = counts.get(w, 0) + 1
        width = max(counts, key=lambda w: (counts[w], w))
        score = (counts[width] / len(rows), width, -priority)
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
    messages need neither the text nor a second pass over it. ``preamble`` holds the
    lines above the header (line, text), ``footers`` the summary lines dropped below
    the data (line, text).
    """

    header: list[str]
    columns: dict[int, Column]
    lines: np.ndarray
    header_line: int = 1
    preamble: tuple[tuple[int, str], ...] = ()
    footers: tuple[tuple[int, str], ...] = ()

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
    preamble: list[tuple[int, str]] = field(default_factory=list)
    footers: list[tuple[int, str]] = field(default_factory=list)


#: Records looked at for the header (title and metadata lines above it).
HEADER_SEARCH = 30
#: A summary line under the data: "Total: 147 records", "Summe;12", "147 records".
_TOTALS_RE = re.compile(
    r"^(?:grand\s+)?(?:totals?|sum|summe|gesamt\w*|insgesamt|anzahl|count|records?|rows?"
    r"|end\s+of\s+(?:report|file|data)|ende\b.*|page\s+\d+)\b"
    r"|^\d[\d,.\s]*\s+(?:records?|rows?|employees|people|persons|datens\w*|eintr\w*)\b",
    re.IGNORECASE,
)
#: The first three letters of the words a totals line starts with (a quick test per row).
_TOTAL_PREFIXES = frozenset(
    {"tot", "sum", "ges", "ins", "anz", "cou", "rec", "row", "end", "pag", "gra"}
)
_NUMBER_RE = re.compile(r"^[-+]?[\d.,\s'’]+%?$")
_DATE_RE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|^\d{4}-\d{2}$"
)


def _filled(record: list[str]) -> list[str]:
    return [c.strip() for c in record if c.strip()]


def _names_columns(record: list[str]) -> bool:
    """Could this record be a header: at least two named cells (or the one of a
    one-column file), none of them a date, not all of them numbers."""
    cells = _filled(record)
    if len(cells) < min(2, len(record)) or not cells:
        return False
    if any(_DATE_RE.search(c) for c in cells):
        return False
    return not all(_NUMBER_RE.match(c) for c in cells)


def find_header(records: list[tuple[int, list[str]]]) -> int:
    """Index of the header among the first non-blank records.

    The header is the first record that names the columns and is followed by rows of
    the same width that fill no more cells than it names; the lines above it fill
    fewer cells (title and metadata lines: "Headcount report", "Generated 30.11.2026
    ..." fill one or two cells of a padded row, or have a width of their own).
    Without such a record, the first one.
    """
    for i, (_, record) in enumerate(records):
        if not _names_columns(record):
            continue
        width, named = len(record), len(_filled(record))
        if any(len(_filled(r)) >= named for _, r in records[:i]):
            continue  # a line above fills as many cells: this one is not the first header
        after = [r for _, r in records[i + 1 : i + 6]]
        if not after:
            return i if i == 0 else 0
        same = [r for r in after if _fits(r, width)]
        if not _fits(after[0], width) or len(_filled(after[0])) > named:
            continue
        if width == 1 and len(same) < len(after):
            continue
        if 2 * len(same) >= len(after):
            return i
    return 0


def _fits(record: list[str], width: int) -> bool:
    """A record as wide as the header (extra cells empty)."""
    return len(record) == width or (
        len(record) > width and not any(c.strip() for c in record[width:])
    )


def footer_like(record: list[str], width: int) -> bool:
    """A summary line under the data: a totals line ("Total: 147 records", "Summe;12")
    whose other cells are numbers, or a lone text cell on a row shorter than the header."""
    if len(record) >= width and record[0][:1].strip() and not _TOTALS_RE.match(record[0]):
        return False  # the common row: its first cell is filled and names no total
    cells = _filled(record)
    if not cells:
        return False
    if _TOTALS_RE.match(cells[0]) and all(_NUMBER_RE.match(c) for c in cells[1:]):
        return True
    return len(cells) == 1 and len(record) < width and width > 1


def parse_table(
    text: str,
    delimiter: str,
    name: str,
    keep: Callable[[list[str]], Iterable[int]] = lambda header: (),
    *,
    max_rows: int,
    max_columns: int,
    header_line: int | None = None,
) -> Table:
    """Parse CSV text into a :class:`Table`; refuse ragged rows, caps, header-only.

    ``keep(header)`` names the column indices whose cells are kept (it is asked once
    the header is read); every row is still checked, whatever its columns.
    ``max_rows`` and ``max_columns`` are the caps (``forecasting.ingest.MAX_ROWS``,
    ``MAX_COLUMNS``). ``header_line`` (1-based) names the header's line instead of
    finding it (:func:`find_header`).
    """
    records = _numbered_records(_reader(text, delimiter), max_rows + 2 + 1000 + HEADER_SEARCH)
    lines = array("q")
    columns: dict[int, tuple[dict[str, int], array]] = {}
    try:
        scan = _scan_records(records, keep, lines, columns, max_columns, header_line)
    except csv.Error as exc:
        raise IngestError(
            f"{name} cannot be parsed as CSV ({exc}); check for an unclosed quote"
        ) from None
    if scan.header is None:
        if header_line is not None:
            raise ChoiceNeeded(
                f"{name}: line {header_line} is not a line of the table (blank, or past "
                f"the end); choose the line that holds the column names under {COLUMN_MAPPING}",
                "--header-line N",
            )
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
        header_line=scan.header_line,
        preamble=tuple(scan.preamble),
        footers=tuple(scan.footers),
    )


def first_records(text: str, delimiter: str, limit: int) -> list[tuple[int, list[str]]]:
    """(line, record) of the first ``limit`` non-empty records of the text."""
    return list(_numbered_records(_reader(text, delimiter), limit))


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


def header_records(
    records: Iterator[tuple[int, list[str]]], header_line: int | None
) -> tuple[list[tuple[int, list[str]]], int | None]:
    """The records up to and around the header, and the header's index among them.

    Blank records are dropped; with ``header_line`` the records up to that line are
    read (the index is None when that line is blank or past the end).
    """
    head: list[tuple[int, list[str]]] = []
    if header_line is not None:
        for line, record in records:
            if any(cell.strip() for cell in record):
                head.append((line, record))
            if line >= header_line:
                break
        found = [i for i, (line, _) in enumerate(head) if line == header_line]
        return head, (found[0] if found else None)
    for line, record in records:
        if any(cell.strip() for cell in record):
            head.append((line, record))
            if len(head) >= HEADER_SEARCH:
                break
    return head, (find_header(head) if head else None)


def _scan_records(
    records: Iterator[tuple[int, list[str]]],
    keep: Callable[[list[str]], Iterable[int]],
    lines: array,
    columns: dict[int, tuple[dict[str, int], array]],
    max_columns: int,
    header_line: int | None = None,
) -> _Scan:
    """Find the header, then read every record, keeping only the cells of the kept columns.

    Fills ``lines`` (line number of each data row) and ``columns`` (index -> (raw
    cell -> code, codes)). Blank rows (only delimiters or spaces) are skipped; a
    longer row whose extra cells are empty is cut to the header's width; summary lines
    (:func:`footer_like`) are held back and dropped when nothing but such lines
    follows them; the first ragged row is noted and later rows are only read (a CSV
    error further on wins).
    """
    scan = _Scan()
    head, at = header_records(records, header_line)
    if at is None:
        return scan
    scan.preamble = [(line, " ".join(_filled(record))) for line, record in head[:at]]
    scan.header_line, first = head[at]
    scan.header = [clean_header(h) for h in first]
    width = len(scan.header)
    wanted = [] if width > max_columns else sorted({i for i in keep(scan.header) if 0 <= i < width})
    for index in wanted:
        columns[index] = ({}, array("i"))
    targets = [columns[index] for index in wanted]
    unnamed = [index for index, value in enumerate(scan.header) if not value]
    held: list[tuple[int, list[str]]] = []  # summary-like lines not yet known to be footers

    for line, record in itertools.chain(head[at + 1 :], records):
        if scan.ragged is not None or width > max_columns:
            continue  # refused anyway; read on only for a later CSV error
        if not "".join(record).strip():
            continue  # blank row
        length = len(record)
        lead = record[0]
        maybe = (
            length < width
            or not lead[:1].strip()
            or lead[:3].lower() in _TOTAL_PREFIXES
            or (lead[:1].isdigit() and " " in lead)
        )
        if maybe and footer_like(record, width):  # (the common row is ruled out inline)
            held.append((line, record))
            continue
        if length < width or (length > width and any(c.strip() for c in record[width:])):
            scan.ragged = (line, length)
            continue
        batch: Iterable[tuple[int, list[str]]] = ((line, record),)
        if held:
            for held_line, held_record in held:  # data follows: they were rows after all
                if not _fits(held_record, width):
                    scan.ragged = (held_line, len(held_record))
                    break
            if scan.ragged is not None:
                continue
            batch = [*held, (line, record)]
            held.clear()
        for line, record in batch:
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
    scan.footers = [(line, " ".join(_filled(record))) for line, record in held]
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
