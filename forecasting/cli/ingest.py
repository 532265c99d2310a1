"""``python -m forecasting ingest FILE ...``: read an HR export, print JSON.

The engine's ``forecasting/cli/main.py`` calls :func:`add_parser` and :func:`run`.
Importing this module is cheap: pandas and the ingest code load inside :func:`run`.
Bad input raises a PlannerError; ``forecasting.cli.main`` (the one error boundary) prints
it as one line ``error: ...`` on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any

_HELP_COLUMNS = (
    "name the columns instead of detecting them: comma-separated logical=header pairs, "
    "logical one of title, role, count, month, headcount, hires, exits, start, end, salary, "
    "person, record, status, reason "
    "(e.g. --columns 'title=Job Title,start=Hire Date,end=Term Date')"
)
_HELP_MAPPING = (
    "a mapping file (JSON) as the app downloads it: columns, job title -> role, header "
    'line, date order and counted exit reasons; or an object {"job title": "role key or '
    'other"}. --columns, --header-line, --date-order and --count-reasons override it'
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ingest`` subcommand to an argparse subparsers object.

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The ``ingest`` parser (its default ``func`` is :func:`run`).
    """
    return add_upload_parser(
        subparsers,
        "ingest",
        summary="read a CSV export (snapshot, monthly history, roster or panel) and print JSON",
        description=(
            "Read a CSV snapshot, monthly history, HR roster or panel (one row per person "
            "per period); print the kind, headcount by role, unmapped titles, monthly "
            "history, rates, exits by reason and by year, costs and warnings as JSON."
        ),
        run=run,
    )


def add_upload_parser(
    subparsers: Any,
    name: str,
    *,
    summary: str,
    description: str,
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """Add a subcommand that reads FILE as ``ingest`` does (``ingest``, ``backtest``, ``trend``).

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.
        name: the subcommand.
        summary: its one line in the command list.
        description: its paragraph in its own ``--help``.
        run: the function that runs it (the parser's default ``func``).

    Returns:
        The parser, with the reading arguments (:func:`add_reading_arguments`) added.
    """
    parser = subparsers.add_parser(name, help=summary, description=description)
    add_reading_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_reading_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that say how to read FILE (shared by ``ingest`` and ``backtest``)."""
    parser.add_argument("file", metavar="FILE", help="the CSV file to read (never modified)")
    parser.add_argument("--columns", default=None, help=_HELP_COLUMNS)
    parser.add_argument("--mapping", default=None, metavar="MAP.json", help=_HELP_MAPPING)
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="as-of date (default: the date the file states, else its latest date)",
    )
    parser.add_argument(
        "--leavers-since",
        dest="leavers_since",
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "a roster or panel: the first day from which it lists every leaver (attrition is "
            "counted from then on; default: the earliest end date in the file, or a panel's "
            "first record date)"
        ),
    )
    parser.add_argument(
        "--date-order",
        dest="date_order",
        default=None,
        metavar="dmy|mdy",
        help="order of day and month in dates such as 03/04/2024 (default: from the data)",
    )
    parser.add_argument(
        "--kind",
        default=None,
        metavar="snapshot|history|roster|panel",
        help="read the file as this kind instead of detecting it",
    )
    parser.add_argument(
        "--header-line",
        dest="header_line",
        type=int,
        default=None,
        metavar="N",
        help="the line holding the column names (default: found below any title lines)",
    )
    parser.add_argument(
        "--count-reasons",
        dest="count_reasons",
        default=None,
        metavar="REASONS",
        help=(
            "the exit reasons attrition counts, comma-separated: voluntary, involuntary, "
            "retirement, layoff, other, 'not given' (default: every exit)"
        ),
    )


def parse_columns(text: str | None) -> dict[str, str] | None:
    """Parse ``title=Job Title,start=Hire Date`` into a dict.

    A piece without ``=`` continues the previous header (headers may contain commas).

    Args:
        text: the ``--columns`` value, or None.

    Returns:
        logical name -> header, or None when ``text`` is empty.

    Raises:
        PlannerError: the text has no ``name=header`` pair.
    """
    from forecasting.model.errors import IngestError

    if not text or not text.strip():
        return None
    result: dict[str, str] = {}
    last: str | None = None
    for piece in text.split(","):
        if "=" in piece:
            key, _, value = piece.partition("=")
            last = key.strip().lower()
            result[last] = value.strip()
        elif last is not None:
            result[last] = f"{result[last]},{piece}".strip()
        elif piece.strip():
            raise IngestError(
                f"--columns: {piece.strip()!r} is not name=header; write e.g. "
                "--columns 'title=Job Title,start=Hire Date'"
            )
    return result


def _read_mapping(path: str | None) -> Any:
    """The mapping file at ``path`` (a MappingFile), or None."""
    from forecasting.ingest.mapping_file import MAX_MAPPING_BYTES, read_mapping
    from forecasting.model.errors import IngestError

    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise IngestError(f"--mapping: cannot read {path}: {exc.strerror or exc}") from None
    try:
        return read_mapping(data, source=path)
    except IngestError as exc:
        raise IngestError(f"--mapping: {exc}") from None


def _read_file(path: str) -> bytes:
    from forecasting.ingest import MAX_BYTES
    from forecasting.model.errors import IngestError

    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise IngestError(
                    f"{os.path.basename(path)} is {size / 1024 / 1024:.1f} MB, over the "
                    f"{MAX_BYTES // 1024 // 1024} MB limit; upload only the columns and rows "
                    "you need"
                )
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise IngestError(f"{path} is a directory; give a CSV file") from None
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None
    return data


def finite(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON) by None, recursively."""
    return _finite(value)


def _finite(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def read_upload(args: argparse.Namespace, *, estimate: bool = True) -> Any:
    """Read FILE as the arguments say (the mapping file first, the flags over it).

    Args:
        args: parsed reading arguments (:func:`add_reading_arguments`).
        estimate: also estimate rates and attrition.

    Returns:
        The IngestResult.

    Raises:
        PlannerError: the file cannot be read; a refusal a reading choice fixes names
            the flag that makes it.
    """
    from forecasting.ingest import ingest_bytes
    from forecasting.ingest.errors import ChoiceNeeded
    from forecasting.model.errors import IngestError

    data = _read_file(args.file)
    mapping = _read_mapping(getattr(args, "mapping", None))
    columns: dict[str, str | None] = dict(mapping.columns) if mapping is not None else {}
    columns.update(parse_columns(getattr(args, "columns", None)) or {})
    reasons = getattr(args, "count_reasons", None)
    counted = (
        [r.strip() for r in reasons.split(",") if r.strip()]
        if reasons
        else (list(mapping.counted_reasons) if mapping and mapping.counted_reasons else None)
    )
    try:
        return ingest_bytes(
            data,
            filename=args.file,
            columns=columns or None,
            mapping=(mapping.titles or None) if mapping is not None else None,
            as_of=getattr(args, "as_of", None),
            kind=getattr(args, "kind", None),
            date_order=getattr(args, "date_order", None) or (mapping and mapping.date_order),
            leavers_since=getattr(args, "leavers_since", None),
            header_line=getattr(args, "header_line", None) or (mapping and mapping.header_line),
            counted_reasons=counted,
            estimate=estimate,
        )
    except ChoiceNeeded as exc:
        raise IngestError(f"{exc} (on the command line: {exc.command_line})") from None


def run(args: argparse.Namespace) -> int:
    """Run the ``ingest`` subcommand: print the result as JSON to stdout.

    Args:
        args: parsed arguments (file, columns, mapping, as_of, date_order, kind,
            leavers_since, header_line, count_reasons).

    Returns:
        0 on success. Bad input raises PlannerError: `forecasting.cli.main`, the one
        error boundary, prints it as one line ``error: ...`` and exits 2.
    """
    print_json(read_upload(args).to_json_dict())
    return 0


def print_json(payload: Any) -> None:
    """Print ``payload`` to stdout as indented JSON, NaN and inf as null (:func:`finite`)."""
    json.dump(_finite(payload), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
