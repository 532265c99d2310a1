"""What an upload says about its leavers, on Team & data: exits and the exit rate per year
and role (where the file's leavers begin), and exits by reason per role with the choice
of which reasons the plan's attrition counts (the file is read again with that choice)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting.ingest import IngestResult
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, Role
from ui import column_mapping

REASON_LABELS = {
    "voluntary": "voluntary",
    "involuntary": "involuntary",
    "retirement": "retirement",
    "layoff": "layoff",
    "other": "other",
    "not given": "no reason given",
}


def leavers(res: IngestResult, digest: str, *, readable: bool) -> None:
    """Leavers by year and by reason, and the reasons counted (a roster or panel)."""
    if res.exits_by_year is not None and len(res.exits_by_year):
        with st.expander("Leavers by year: where the file's leavers begin"):
            st.caption(
                "Exits each calendar year and the exit rate (exits over the person-years "
                "worked, as the share leaving in a year). Years before the file lists "
                "leavers show none: if the leavers begin later than the date used, type "
                "where they begin as 'leavers recorded since' above."
            )
            st.dataframe(by_year_table(res.exits_by_year), hide_index=True)
    if res.exits_by_reason:
        st.markdown("**Exits by reason** (every leaver the file lists up to the as-of date):")
        st.dataframe(by_reason_table(res), hide_index=True, width="content")
        counted = res.counted_reasons if res.counted_reasons is not None else res.reasons
        key = f"reasons_{digest[:12]}"
        st.multiselect(
            "Exits the plan's attrition counts",
            res.reasons,
            default=[r for r in counted if r in res.reasons],
            format_func=lambda r: REASON_LABELS.get(r, r),
            key=key,
            disabled=not readable,
            on_change=_reasons_picked,
            args=(digest, key, tuple(res.reasons)),
            help="Leave out one-off exits (a layoff) or those a plan does not replace "
            "(retirements) to estimate the attrition to plan for. The file is read again.",
        )


def _reasons_picked(digest: str, key: str, found: tuple[str, ...]) -> None:
    picked = list(st.session_state[key])
    column_mapping.set_reasons(digest, None if set(picked) >= set(found) else picked)


def by_year_table(years: pd.DataFrame) -> pd.DataFrame:
    """One row per year, one column per role: "exits (rate)"."""
    roles = [r for r in ROLE_KEYS if r in set(years["role"])]
    table = pd.DataFrame({"year": sorted(years["year"].unique())})
    for role in roles:
        mine = years[years["role"] == role].set_index("year")
        cells = []
        for year in table["year"]:
            if year not in mine.index:
                cells.append("—")
                continue
            exits, rate = int(mine.loc[year, "exits"]), mine.loc[year, "exit_rate"]
            cells.append(f"{exits} ({rate:.0%})" if pd.notna(rate) else f"{exits}")
        table[ROLE_LABELS[Role(role)]] = cells
    table["year"] = table["year"].astype(str)
    return table


def by_reason_table(res: IngestResult) -> pd.DataFrame:
    """One row per role with leavers, one column per reason found."""
    rows = []
    for role in ROLE_KEYS:
        found = res.exits_by_reason.get(role)
        if not found:
            continue
        row: dict[str, object] = {"role": ROLE_LABELS[Role(role)]}
        row.update({REASON_LABELS.get(r, r): int(found.get(r, 0)) for r in res.reasons})
        rows.append(row)
    return pd.DataFrame(rows)
