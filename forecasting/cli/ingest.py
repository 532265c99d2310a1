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
from typing import Any

_HELP_COLUMNS = (
    "name the columns instead of detecting them: comma-separated logical=header pairs, "
    "logical one of title, role, count, month, headcount, hires, exits, start, end, salary "
    "(e.g. --columns 'title=Job Title,start=Hire Date,end=Term Date')"
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ingest`` subcommand to an argparse subparsers object.

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The ``ingest`` parser (its default ``func`` is :func:`run`).
    """
    parser = subparsers.add_parser(
        "ingest",
        help="read a CSV export (snapshot, monthly history or HR roster) and print JSON",
        description=(
            "Read a CSV snapshot, monthly history or HR roster; print the kind, headcount "
            "by role, unmapped titles, monthly history, rates, costs and warnings as JSON."
        ),
    )
    _add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the CSV file to read (never modified)")
    parser.add_argument("--columns", default=None, help=_HELP_COLUMNS)
    parser.add_argument(
        "--mapping",
        default=None,
        metavar="MAP.json",
        help='JSON object {"job title": "role key or other"} overriding the alias table',
    )
    parser.add_argument(
        "--as-of", dest="as_of", default=None, metavar="YYYY-MM-DD", help="as-of date"
    )
    parser.add_argument(
        "--leavers-since",
        dest="leavers_since",
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "a roster: the first day from which it lists every leaver (attrition is counted "
            "from then on; default: the earliest end date in the file)"
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
        metavar="snapshot|history|roster",
        help="read the file as this kind instead of detecting it",
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


def _read_mapping(path: str | None) -> dict[str, str] | None:
    from forecasting.model.errors import IngestError

    if not path:
        return None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            mapping = json.load(handle)
    except OSError as exc:
        raise IngestError(f"--mapping: cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f"line {exc.lineno}, column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else "file"
        )
        raise IngestError(
            f"--mapping: {path} is not valid JSON ({where}); write an object like "
            '{"Staff ML Engineer": "ml_engineer"}'
        ) from None
    if not isinstance(mapping, dict):
        raise IngestError(
            f"--mapping: {path} must hold a JSON object of title -> role, e.g. "
            '{"Staff ML Engineer": "ml_engineer"}'
        )
    return {str(k): v for k, v in mapping.items()}


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


def _finite(value: Any) -> Any:
    """Replace NaN/inf (not valid JSON) by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    """Run the ``ingest`` subcommand: print the result as JSON to stdout.

    Args:
        args: parsed arguments (file, columns, mapping, as_of, date_order, kind,
            leavers_since).

    Returns:
        0 on success. Bad input raises PlannerError: `forecasting.cli.main`, the one
        error boundary, prints it as one line ``error: ...`` and exits 2.
    """
    from forecasting.ingest import ingest_bytes

    data = _read_file(args.file)
    result = ingest_bytes(
        data,
        filename=args.file,
        columns=parse_columns(getattr(args, "columns", None)),
        mapping=_read_mapping(getattr(args, "mapping", None)),
        as_of=getattr(args, "as_of", None),
        kind=getattr(args, "kind", None),
        date_order=getattr(args, "date_order", None),
        leavers_since=getattr(args, "leavers_since", None),
    )
    payload = _finite(result.to_json_dict())
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
