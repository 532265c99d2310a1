"""Column mapping on Team & data: which column of the file holds which field, the header
row, a 10-row preview, and the mapping file (download it, load it next month).

Choices live in this session only: this file's (keyed by a hash of its bytes: another
file starts from detection again) and a loaded mapping file's (it applies to every file
until it is taken out of its drop zone). Changing a choice reads the file again at once.
Nothing is written anywhere; the preview is kept in the session while its file is there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from forecasting.ingest import FIELD_LABELS, IngestResult
from forecasting.ingest.columns import resolve_columns
from forecasting.ingest.mapping_file import MappingFile, read_mapping
from forecasting.ingest.preview import Preview, preview_bytes
from forecasting.model.errors import PlannerError
from forecasting.model.roles import OTHER, ROLE_KEYS
from ui.text import md_escape

#: This file's choices: {"digest", "columns", "header_line", "reasons"}.
KEY_CHOICES = "upload_choices"
KEY_PREVIEW = "upload_preview"
KEY_MAPPING_UPLOAD = "mapping_upload"
KEY_MAPPING_READ = "upload_mapping_read"
#: The fields offered, in the order shown ("count" is a history's headcount).
FIELDS: tuple[str, ...] = (
    "title",
    "person",
    "record",
    "start",
    "end",
    "status",
    "reason",
    "salary",
    "month",
    "count",
    "hires",
    "exits",
)
NOT_USED = "— not used —"
PREVIEW_ROWS = 10
#: Titles a downloaded mapping lists at most (the most common first).
MAX_MAPPING_TITLES = 2000


@dataclass(frozen=True)
class Reading:
    """How to read one file: the loaded mapping file's settings under this file's choices."""

    columns: dict[str, str | None] = field(default_factory=dict)
    header_line: int | None = None
    reasons: tuple[str, ...] | None = None
    titles: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    chosen_header: bool = False


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def loaded_mapping() -> MappingFile | None:
    """The mapping file in its drop zone, read once per file (None when there is none or
    it cannot be used: the error is shown by :func:`mapping_upload`)."""
    found = st.session_state.get(KEY_MAPPING_READ)
    return found[1] if found and isinstance(found[1], MappingFile) else None


def mapping_upload() -> None:
    """The drop zone for a mapping file saved from this page (applies to every file)."""
    file = st.file_uploader(
        "Mapping file (JSON, downloaded from Column mapping)",
        type=["json"],
        key=KEY_MAPPING_UPLOAD,
        help="Reads next month's export the way you mapped this one: its columns, header "
        "row, job titles and counted exit reasons.",
    )
    if file is None:
        st.session_state.pop(KEY_MAPPING_READ, None)
        return
    data = file.getvalue()
    digest = digest_of(data)
    found = st.session_state.get(KEY_MAPPING_READ)
    if found is None or found[0] != digest:
        try:
            found = (digest, read_mapping(data, source=file.name))
        except PlannerError as exc:
            found = (digest, str(exc))
        st.session_state[KEY_MAPPING_READ] = found
        st.session_state.pop(KEY_CHOICES, None)  # the file's settings apply afresh
    if isinstance(found[1], str):
        st.error(
            f"{md_escape(found[1])} — the mapping file is not used; download one from "
            "Column mapping below to see the format."
        )


def choices(digest: str | None) -> dict:
    """This file's own choices (empty for another file)."""
    saved = st.session_state.get(KEY_CHOICES) or {}
    return saved if saved.get("digest") == digest else {}


def _set(digest: str, **changes: object) -> None:
    saved = dict(choices(digest)) or {"digest": digest, "columns": {}}
    saved.update(changes)
    st.session_state[KEY_CHOICES] = saved


def reading(digest: str | None) -> Reading:
    """The columns, header row, reasons, titles and date order to read a file with."""
    mapping = loaded_mapping() or MappingFile()
    mine = choices(digest)
    columns = {**mapping.columns, **mine.get("columns", {})}
    line = mine.get("header_line") or mapping.header_line
    reasons = mine.get("reasons", mapping.counted_reasons)
    return Reading(
        columns=columns,
        header_line=line,
        reasons=None if reasons is None else tuple(reasons),
        titles=dict(mapping.titles),
        date_order=mapping.date_order,
        chosen_header=mine.get("header_line") is not None,
    )


def set_reasons(digest: str, reasons: list[str] | None) -> None:
    """Count these exit reasons in the attrition (None: every exit); the file is read again."""
    _set(digest, reasons=None if reasons is None else list(reasons))


def _preview(data: bytes, name: str, digest: str, line: int | None) -> Preview | None:
    kept = st.session_state.get(KEY_PREVIEW)
    if kept is not None and kept[0] == (digest, line):
        return kept[1]
    try:
        found = preview_bytes(data, name=name, header_line=line, rows=PREVIEW_ROWS)
    except PlannerError:
        found = None
    st.session_state[KEY_PREVIEW] = ((digest, line), found)
    return found


def current_columns(preview: Preview, read: Reading, result: IngestResult | None) -> dict:
    """field -> the header it reads now (None: not used), as the last read of this file did,
    else as detection and the choices would."""
    if result is not None:
        used = {("count" if k == "headcount" else k): v for k, v in result.columns_used.items()}
        if "role" in used and "title" not in used:
            used["title"] = used.pop("role")
        return {f: used.get(f) for f in FIELDS}
    try:
        found = resolve_columns(preview.header, read.columns or None, "the file")
    except PlannerError:
        found = resolve_columns(preview.header, None, "the file")
    if "role" in found and "title" not in found:
        found["title"] = found.pop("role")
    return {f: (preview.header[found[f]] if f in found else None) for f in FIELDS}


def section(
    data: bytes, name: str, digest: str, result: IngestResult | None, *, failed: bool
) -> None:
    """The Column mapping expander: header row, preview, a dropdown per field, the file."""
    read = reading(digest)
    line = read.header_line if read.chosen_header else (result.header_line if result else None)
    # Open while the file is refused or being mapped (a choice made for it).
    with st.expander("Column mapping", expanded=failed or bool(choices(digest))):
        preview = _preview(data, name, digest, line)
        if preview is None:
            st.caption("The file cannot be shown: it is not CSV text.")
            return
        _header_choice(preview, digest)
        if not preview.header:
            st.warning("That line is blank or past the end of the file: choose another.")
            return
        st.caption(
            f"The first {len(preview.rows)} rows under the header (line {preview.header_line}):"
        )
        st.dataframe(_frame(preview), hide_index=True, height=35 * (len(preview.rows) + 1) + 3)
        st.markdown(
            "**Which column holds what**: each field the planner reads, and the column of "
            "your file it reads it from. Changing one reads the file again at once."
        )
        now = current_columns(preview, read, result)
        options = [NOT_USED, *[h for h in preview.header if h]]
        cols = st.columns(3)
        for i, logical in enumerate(FIELDS):
            value = now.get(logical)
            key = f"colmap_{logical}_{digest[:12]}_{preview.header_line}"
            cols[i % 3].selectbox(
                FIELD_LABELS[logical].capitalize(),
                options,
                index=options.index(value) if value in options else 0,
                key=key,
                on_change=_picked,
                args=(digest, logical, key),
            )
        if result is not None:
            st.download_button(
                "Download this mapping (JSON)",
                data=mapping_for(result, read).to_json().encode("utf-8"),
                file_name="column-mapping.json",
                mime="application/json",
                on_click="ignore",
                help="Load it under Reading options next month: the export reads in one step.",
            )


def _header_choice(preview: Preview, digest: str) -> None:
    labels = {line: f"line {line}: {text[:70]}" for line, text in preview.lines}
    lines = list(labels)
    if preview.header_line and preview.header_line not in labels:
        lines.append(preview.header_line)
        labels[preview.header_line] = f"line {preview.header_line}"
    key = f"colmap_header_{digest[:12]}"
    st.selectbox(
        "Header row (the line with the column names)",
        lines,
        index=lines.index(preview.header_line) if preview.header_line in lines else 0,
        format_func=lambda n: labels.get(n, f"line {n}"),
        key=key,
        on_change=_header_picked,
        args=(digest, key),
    )


def _header_picked(digest: str, key: str) -> None:
    _set(digest, header_line=int(st.session_state[key]), columns={})


def _picked(digest: str, logical: str, key: str) -> None:
    value = st.session_state[key]
    columns = dict(choices(digest).get("columns", {}))
    columns[logical] = None if value == NOT_USED else str(value)
    if logical == "title":
        columns.setdefault("role", None)  # the column chosen is the one read for titles
    _set(digest, columns=columns)


def _frame(preview: Preview) -> pd.DataFrame:
    names = list(dict.fromkeys(preview.header))
    unique = [h if names.count(h) == 1 else f"{h} ({i + 1})" for i, h in enumerate(preview.header)]
    return pd.DataFrame(preview.rows, columns=unique).astype(str)


def mapping_for(result: IngestResult, read: Reading) -> MappingFile:
    """The mapping file of a read: its columns, job title -> role, header row if chosen,
    date order and counted reasons."""
    columns: dict[str, str | None] = {
        ("count" if k == "headcount" else k): v for k, v in result.columns_used.items()
    }
    for logical, header in read.columns.items():
        if header is None:
            columns.setdefault(logical, None)
    table = result.title_counts.sort_values("count", ascending=False, kind="stable")
    keys = {*ROLE_KEYS, OTHER}
    titles = {
        str(t): str(r)
        for t, r in zip(table["title"][:MAX_MAPPING_TITLES], table["role"][:MAX_MAPPING_TITLES])
        if str(r) in keys
    }
    return MappingFile(
        columns=columns,
        titles=titles,
        header_line=result.header_line if read.chosen_header else None,
        date_order=result.date_order if read.date_order else None,
        counted_reasons=None if read.reasons is None else tuple(read.reasons),
    )
