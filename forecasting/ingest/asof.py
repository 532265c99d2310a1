"""The export's own date: stated above the header or in the file name.

HR systems write the date an export was made above the table ("Generated 30.11.2026
14:02 by SuccessFactors", "Exported 30/11/2026", "As of 2026-11-30") or into the file
name (``hr_export_2026-11-30.csv``). That date, when there is one, is the default
as-of date ("from the file"); otherwise the readers take the latest date in the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from forecasting.ingest.values import DateOrder, parse_dates

#: Words that say a line states the export's date.
_KEYWORDS = re.compile(
    r"\b(?:generated|exported|export|created|extracted|extract|as\s+of|as\s+at|stand|stichtag"
    r"|erstellt|exportiert|report(?:ing)?\s+date|run\s+date|run\s+on|printed|date|datum)\b",
    re.IGNORECASE,
)
#: Date tokens: ISO (2026-11-30), numeric (30.11.2026, 30/11/2026, 11/30/26), compact
#: (20261130), with a month name (30 Nov 2026, Nov 30, 2026).
_TOKENS = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"
    r"|\b\d{1,2}\.?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}\b"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
)


def _parse_token(token: str, hint: DateOrder) -> dt.date | None:
    """One date token as a date (dotted numeric dates are day-first), or None."""
    text = re.sub(r"\s+", " ", token.strip())
    order = DateOrder.DMY if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", text) else None
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parsed = parse_dates(pd.Series([text], dtype=object), order=order, hint=hint)
    value = parsed.values[0]
    if np.isnat(value) or (parsed.marker is not None and parsed.marker[0]):
        return None
    day = pd.Timestamp(value).date()
    return day if 1950 <= day.year <= 2200 else None


def _dates_in(text: str, hint: DateOrder) -> list[dt.date]:
    found = (_parse_token(m.group(0), hint) for m in _TOKENS.finditer(text))
    return [d for d in found if d is not None]


def stated_date(
    preamble: Iterable[tuple[int, str]], filename: str, hint: DateOrder
) -> tuple[dt.date, str] | None:
    """The export's own date and where it was found, or None.

    A line above the header that names a date with a word such as "Generated",
    "Exported", "As of", "Stand" or "Date" comes first, then any other date above the
    header, then a date in the file name. A line with several dates (a period) gives
    its last.

    Args:
        preamble: (line number, text) of the lines above the header.
        filename: the uploaded file's name.
        hint: the order of ambiguous numeric dates (day-first for a semicolon file).

    Returns:
        (date, where: "line 2: 'Generated 30.11.2026 14:02'" or "the file name 'x.csv'").
    """
    lines = list(preamble)
    for keyed in (True, False):
        for line, text in lines:
            if bool(_KEYWORDS.search(text)) != keyed:
                continue
            dates = _dates_in(text, hint)
            if dates:
                shown = text if len(text) <= 60 else text[:59] + "…"
                return max(dates), f"line {line}: {shown!r}"
    stem = filename.rsplit(".", 1)[0]
    dates = _dates_in(stem.replace("_", " "), hint)
    if dates:
        return max(dates), f"the file name {filename!r}"
    return None
