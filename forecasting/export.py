"""Formula-injection-safe CSV export.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula. Every *text* cell that begins with one of them is
written with a leading ``'`` so that it is shown as the text it is. Numeric cells
(including negative numbers) are left as numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Return text that a spreadsheet shows as text, never runs as a formula.

    Args:
        value: a cell's text.

    Returns:
        ``value`` with a ``'`` in front when it begins with ``= + - @``, tab or CR.
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells (and column names) are made safe.

    Args:
        df: any DataFrame.

    Returns:
        A new DataFrame; numeric, boolean and datetime columns are unchanged, and in
        object columns only ``str`` cells are changed.
    """
    import pandas as pd

    out = df.copy()
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        values = column.astype(object)
        is_text = values.map(lambda v: isinstance(v, str))
        if not is_text.any():
            continue
        text = values[is_text].astype(str)
        risky = text.str.startswith(FORMULA_TRIGGERS)
        if risky.any():
            values = values.copy()
            values.loc[risky[risky].index] = "'" + text[risky]
            out.isetitem(position, values.to_numpy())
    return out


def safe_csv_bytes(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """Serialise a DataFrame to UTF-8 CSV bytes that are safe to open in a spreadsheet.

    Args:
        df: the table to export.
        index: also write the index (default False).

    Returns:
        CSV bytes (UTF-8, ``\\n`` line ends) with risky text cells prefixed by ``'``.
    """
    safe = safe_frame(df)
    if index:
        safe.index = [safe_text(i) if isinstance(i, str) else i for i in safe.index]
    return safe.to_csv(index=index, lineterminator="\n").encode("utf-8")
