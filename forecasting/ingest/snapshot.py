"""A snapshot: people (or counts of people) by title or role on one date.

Also the median salary per role, which a roster offers the same way (current staff).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.estimate.history_frame import empty_history
from forecasting.ingest.context import (
    Context,
    headcount_dict,
    roles_from,
    whole_counts,
)
from forecasting.model.formatting import role_label
from forecasting.model.roles import ROLE_KEYS


def ingest_snapshot(context: Context) -> dict[str, Any]:
    """Read a snapshot; returns the IngestResult fields of this kind."""
    weights = None
    if "count" in context.used:
        weights = whole_counts(context, "count", blank_is_zero=True)
    roles, mapping = roles_from(context, weights=weights)
    headcount = headcount_dict(roles, weights)
    annual_cost: dict[str, float] = {}
    if "salary" in context.used:
        annual_cost = median_salary(context, roles, np.ones(len(roles), dtype=bool))
    return {
        "as_of": context.pick_as_of(None),
        "headcount": headcount,
        "unmapped_titles": mapping.unmapped,
        "title_counts": mapping.title_counts,
        "history": empty_history(),
        "annual_cost": annual_cost,
    }


#: Salaries leave an upload only rounded to this many dollars.
SALARY_ROUNDING = 5_000.0


def private_median(salaries: pd.Series) -> float:
    """A median that is no one person's pay: the mean of the middle two values (of the
    middle three when the count is odd), rounded to the nearest SALARY_ROUNDING."""
    values = np.sort(salaries.to_numpy(dtype=float))
    n = len(values)
    if n == 0:
        return float("nan")
    mid = n // 2
    middle = values[mid - 1 : mid + 1] if n % 2 == 0 else values[max(mid - 1, 0) : mid + 2]
    if SALARY_ROUNDING <= 0:  # no rounding (tests of parsing only)
        return float(middle.mean())
    return float(round(float(middle.mean()) / SALARY_ROUNDING) * SALARY_ROUNDING)


def median_salary(context: Context, roles: pd.Series, current: np.ndarray) -> dict[str, float]:
    """Median annual salary per role (current staff when any have a salary)."""
    values, _, bad = context.numbers("salary", money=True)
    header = context.header("salary")
    if bad.any():
        context.warnings.append(
            f"column {header!r}: {int(bad.sum())} value(s) are not amounts "
            f"({context.line_list(bad)}); left out of the median salary"
        )
    nonpositive = ~np.isnan(values) & (values <= 0)
    if nonpositive.any():
        context.warnings.append(
            f"column {header!r}: {int(nonpositive.sum())} value(s) are zero or negative "
            f"({context.line_list(nonpositive)}); left out of the median salary"
        )
        values = np.where(nonpositive, np.nan, values)
    # roles is categorical (see roles_from): no string per row in this frame.
    frame = pd.DataFrame({"role": roles.array, "salary": values, "current": current})
    frame = frame[frame["role"].isin(ROLE_KEYS) & frame["salary"].notna()]
    everyone = frame.groupby("role", observed=True)["salary"].agg([private_median, "size"])
    now = (
        frame[frame["current"]]
        .groupby("role", observed=True)["salary"]
        .agg([private_median, "size"])
    )
    result: dict[str, float] = {}
    too_few: list[str] = []
    for role in ROLE_KEYS:
        source = now if role in now.index else everyone if role in everyone.index else None
        if source is None:
            continue
        size = int(source["size"][role])
        if size < context.min_salary_people:
            too_few.append(f"{role_label(role)} ({size})")
            continue
        result[role] = float(source["private_median"][role])
    if too_few:
        context.warnings.append(
            f"column {header!r}: no median salary for {', '.join(too_few)}: fewer than "
            f"{context.min_salary_people} people with a salary, so the median would be "
            "someone's own pay (and go into the link); the default annual cost is kept for "
            "those roles"
        )
    small = [r for r, v in result.items() if v < 1000]
    if small:
        context.warnings.append(
            f"column {header!r}: median salary below 1,000 for "
            f"{', '.join(role_label(r) for r in small)}; the planner "
            "expects annual amounts (e.g. 150000)"
        )
    return result
