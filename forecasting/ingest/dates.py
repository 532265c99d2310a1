"""Date columns of a roster or panel: parsed together, reported once.

A column whose dates show their day/month order (a day above 12) settles the order of
an ambiguous one; a column mixing both orders is refused; "no date" markers
(1/1/1900, 9999-12-31, ...) are read as empty, with a warning saying how many.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.ingest.context import Context, quote
from forecasting.ingest.errors import READING_OPTIONS, ChoiceNeeded
from forecasting.ingest.values import DateOrder, ParsedDates


def parse_date_columns(context: Context, names: Sequence[str]) -> dict[str, ParsedDates]:
    """Parse the date columns ``names`` that the file has (in that order of preference).

    Without a given order, an ambiguous column takes the order of the first column
    (in ``names`` order) that shows its own without doubt.
    """
    order, hint = context.order, context.hint
    parsed = {n: context.dates(n, order, hint) for n in names if n in context.used}
    if order is not None:
        return parsed
    settled = [
        (n, p.order)
        for n, p in parsed.items()
        if p.order is not None and not p.ambiguous and p.conflict is None
    ]
    if not settled:
        return parsed
    source, by = settled[0]
    for name, p in list(parsed.items()):
        if p.ambiguous and by is not None:
            context.settled_by[name] = context.header(source)
            if by != p.order:
                parsed[name] = context.dates(name, None, by)
    return parsed


def report_dates(context: Context, logical: str, parsed: ParsedDates) -> np.ndarray:
    """Raise on a mixed-order column, warn on an ambiguous one and on "no date" markers;
    return the values (datetime64, NaT where empty, a marker or unreadable)."""
    raw = context.column(logical)
    header = context.header(logical)
    if parsed.conflict is not None:
        (i1, o1), (i2, o2) = parsed.conflict
        l1, l2 = context.line_of(i1), context.line_of(i2)
        raise ChoiceNeeded(
            f"column {header!r} mixes day-first and month-first dates (line {l1}: "
            f"{quote(raw.iloc[i1])} is {o1.upper()}, line {l2}: {quote(raw.iloc[i2])} "
            f"is {o2.upper()}); export dates as YYYY-MM-DD, or choose day/month/year or "
            f"month/day/year for numeric dates under {READING_OPTIONS} to read every date "
            "one way",
            "--date-order dmy|mdy",
        )
    if parsed.order is not None:
        context.decided_order = context.decided_order or str(parsed.order)
    if parsed.ambiguous:
        # An ambiguous column always has its order (the hint) and an example row.
        assert parsed.order is not None and parsed.example is not None
        other = "day/month/year" if parsed.order == DateOrder.MDY else "month/day/year"
        name = "month/day/year" if parsed.order == DateOrder.MDY else "day/month/year"
        source = context.settled_by.get(logical)
        like = f" like column {source!r}" if source else ""
        context.warnings.append(
            f"column {header!r}: every numeric date fits both day/month and month/day; read "
            f"as {name} ({parsed.order.upper()}){like}, e.g. {quote(raw.iloc[parsed.example])} "
            f"= {pd.Timestamp(parsed.values[parsed.example]).date().isoformat()}. If that is "
            f"wrong, choose {other} for numeric dates under {READING_OPTIONS}"
        )
    if parsed.markers:
        assert parsed.marker is not None
        examples = pd.unique(raw[parsed.marker].to_numpy())[:3]
        shown = ", ".join(quote(v) for v in examples)
        context.warnings.append(
            f"column {header!r}: {parsed.markers:,} cell(s) hold a 'no date' marker ({shown}); "
            "read as no date"
        )
    return parsed.values
