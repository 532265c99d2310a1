"""The mapping file: how to read next month's export in one step.

One JSON object saved by the app (Team & data, "Download the mapping") and accepted back
by the app and by ``python -m forecasting ingest --mapping FILE``::

    {
      "format": "ml-workforce-planner mapping",
      "version": 1,
      "columns": {"person": "Personalnummer", "title": "Stellenbezeichnung",
                  "start": "Eintrittsdatum", "end": "Austrittsdatum", "salary": null},
      "titles": {"Data Scientist": "data_scientist", "Werkstudent": "other"},
      "header_line": 4,
      "date_order": "dmy",
      "counted_reasons": ["voluntary", "involuntary", "retirement", "other"]
    }

``columns`` maps the planner's fields (logical names) to the file's headers (null: do not
use a column found by its name); ``titles`` maps job titles to role keys or "other".
Every key is optional. A plain object of titles (``{"Staff ML Engineer": "ml_engineer"}``,
the earlier format) is read as ``titles``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forecasting.ingest.columns import logical_column
from forecasting.ingest.people import check_reasons
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS

FORMAT = "ml-workforce-planner mapping"
VERSION = 1
_KEYS = ("format", "version", "columns", "titles", "header_line", "date_order", "counted_reasons")
#: Largest mapping file accepted, in bytes.
MAX_MAPPING_BYTES = 2_000_000


@dataclass(frozen=True)
class MappingFile:
    """A reading of a file: its columns, title -> role, header line, date order, reasons."""

    columns: dict[str, str | None] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    header_line: int | None = None
    date_order: str | None = None
    counted_reasons: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object (keys without a value left out)."""
        out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        if self.columns:
            out["columns"] = dict(self.columns)
        if self.titles:
            out["titles"] = dict(self.titles)
        if self.header_line is not None:
            out["header_line"] = self.header_line
        if self.date_order is not None:
            out["date_order"] = self.date_order
        if self.counted_reasons is not None:
            out["counted_reasons"] = list(self.counted_reasons)
        return out

    def to_json(self) -> str:
        """The file's text (UTF-8, indented, one trailing newline)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def read_mapping(
    data: bytes | str | Mapping[str, Any], source: str = "the mapping file"
) -> MappingFile:
    """Read a mapping file's bytes (or text, or parsed object).

    Args:
        data: the file's content.
        source: how messages name the file.

    Returns:
        A :class:`MappingFile`.

    Raises:
        IngestError: not JSON, not an object, or a value the planner cannot use; the
            message names the key and the fix.
    """
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_MAPPING_BYTES:
            raise IngestError(
                f"{source} is over {MAX_MAPPING_BYTES // 1_000_000} MB; it is not a mapping file"
            )
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise IngestError(f"{source} is not UTF-8 text; save it as JSON (UTF-8)") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}); use the "
                'file the app downloads, or an object like {"columns": {"title": "Job '
                'Title"}, "titles": {"Staff ML Engineer": "ml_engineer"}}'
            ) from None
    if not isinstance(data, Mapping):
        raise IngestError(
            f"{source} must hold a JSON object with 'columns' and 'titles', e.g. "
            '{"titles": {"Staff ML Engineer": "ml_engineer"}}'
        )
    if not _is_structured(data):
        return MappingFile(titles=_titles(data, source))
    unknown = sorted(set(map(str, data)) - set(_KEYS))
    if unknown:
        raise IngestError(
            f"{source}: {', '.join(map(repr, unknown))} is not a key of a mapping file; use "
            f"{', '.join(_KEYS[2:])}"
        )
    return MappingFile(
        columns=_columns(data.get("columns") or {}, source),
        titles=_titles(data.get("titles") or {}, source),
        header_line=_header_line(data.get("header_line"), source),
        date_order=_date_order(data.get("date_order"), source),
        counted_reasons=_reasons(data.get("counted_reasons"), source),
    )


def _is_structured(data: Mapping[str, Any]) -> bool:
    """A mapping file of this format (not the earlier plain title -> role object)."""
    if data.get("format") == FORMAT:
        return True
    return any(isinstance(data.get(k), Mapping) for k in ("columns", "titles"))


def _columns(value: Any, source: str) -> dict[str, str | None]:
    if not isinstance(value, Mapping):
        raise IngestError(f"{source}: 'columns' must be an object of field -> header")
    out: dict[str, str | None] = {}
    for key, header in value.items():
        name = logical_column(
            key, f"{source}: 'columns' names {str(key)!r}, not a field the planner reads"
        )
        if header is not None and not isinstance(header, str):
            raise IngestError(
                f"{source}: 'columns'.{name} must be a header (text) or null, got {header!r}"
            )
        out[name] = header
    return out


def _titles(value: Any, source: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise IngestError(f"{source}: 'titles' must be an object of job title -> role")
    keys = {*ROLE_KEYS, OTHER}
    out: dict[str, str] = {}
    for title, role in value.items():
        if not isinstance(role, str) or role.strip().lower() not in keys:
            raise IngestError(
                f"{source}: title {str(title)!r} maps to {role!r}, not a role; use one of "
                f"{', '.join(sorted(keys))}"
            )
        out[str(title)] = role.strip().lower()
    return out


def _header_line(value: Any, source: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise IngestError(f"{source}: 'header_line' must be a line number (1, 2, ...)")
    return value


def _date_order(value: Any, source: str) -> str | None:
    if value is None:
        return None
    if str(value).lower() not in ("dmy", "mdy"):
        raise IngestError(f'{source}: \'date_order\' must be "dmy" or "mdy", got {value!r}')
    return str(value).lower()


def _reasons(value: Any, source: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise IngestError(f"{source}: 'counted_reasons' must be a list of exit reasons")
    try:
        return check_reasons(value)
    except IngestError as exc:
        raise IngestError(f"{source}: {exc}") from None
