"""A look at a file before (or instead of) reading it: its first lines, the header the
reader would take, and the first data rows under it, for choosing columns by hand."""

from __future__ import annotations

from dataclasses import dataclass

from forecasting.ingest.decode import decode_bytes
from forecasting.ingest.table import (
    HEADER_SEARCH,
    clean_header,
    first_records,
    header_records,
    sniff_delimiter,
)

#: Largest file the preview reads (the ingest's own cap is checked when it reads).
PREVIEW_MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class Preview:
    """The first lines of a file and its first data rows under a header.

    Attributes:
        header_line: the header's line (1-based), found or given; 0 when there is none.
        header: the header's cells ("column 3" for an unnamed one).
        rows: up to ``rows`` data rows, each as wide as the header.
        lines: (line number, text) of the first non-blank lines, to choose the header from.
        delimiter: the field delimiter.
    """

    header_line: int
    header: list[str]
    rows: list[list[str]]
    lines: list[tuple[int, str]]
    delimiter: str


def preview_bytes(
    data: bytes, *, name: str = "upload.csv", header_line: int | None = None, rows: int = 10
) -> Preview:
    """Decode ``data`` and show its header and first data rows.

    Args:
        data: the file's bytes.
        name: the file's name (messages only).
        header_line: the header's line (1-based) instead of finding it.
        rows: data rows to show.

    Returns:
        A :class:`Preview` (no header when the chosen line is blank or past the end).

    Raises:
        IngestError: the bytes are not CSV text (the decoder's message).
    """
    text, _ = decode_bytes(data, name, [], max_bytes=PREVIEW_MAX_BYTES)
    delimiter = sniff_delimiter(text)
    head = first_records(text, delimiter, HEADER_SEARCH + rows + 20)
    lines = [
        (line, (delimiter + " ").join(c.strip() for c in record).strip(delimiter + " "))
        for line, record in head
        if any(c.strip() for c in record)
    ][:HEADER_SEARCH]
    found, at = header_records(iter(head), header_line)
    if at is None:
        return Preview(0, [], [], lines, delimiter)
    line, record = found[at]
    width = len(record)
    header = [clean_header(h) or f"column {i + 1}" for i, h in enumerate(record)]
    body = [
        (r + [""] * width)[:width]
        for number, r in head
        if number > line and any(c.strip() for c in r)
    ][:rows]
    return Preview(line, header, body, lines, delimiter)
