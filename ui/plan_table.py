"""The editable table of the ML engineer plan on the Hiring plan page, by month.

When the ML engineer role has a hiring policy (backfill by default) the table holds new
positions opened per month; with policy "no hiring" it holds one-off starts.

An edit is read from the editor's returned table (not an ``on_change`` callback) on every
run and compared cell by cell with the table shown, so it lands once (plan switched to
manual) and later runs find nothing new. The editor stays mounted under its key while the
page's other tables start afresh (team_plan.land), so values typed down the column while
the app reruns are all kept, and no old edit is re-applied on top of a later change.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting.model import edits, formatting
from ui import state, team_plan

EDITOR = "plan_editor"


def starts_table(
    months: list[str], recommended: list[int], planned: list[int], *, positions: bool = False
) -> pd.DataFrame:
    """One row per month 1..horizon: month name, recommended and planned values.

    In positions mode the lists are indexed by month (0..horizon, entry 0 unused);
    in starts mode by planned_starts index (entry i joins in month i+1).
    """
    horizon = len(months) - 1
    shift = 1 if positions else 0

    def padded(xs: list[int]) -> list[int]:
        return [int(xs[i + shift]) if i + shift < len(xs) else 0 for i in range(horizon)]

    return pd.DataFrame(
        {
            "month": [formatting.month_name(m) for m in months[1:]],
            "recommended": padded(recommended),
            "planned": padded(planned),
        }
    )


def editor(
    months: list[str], recommended: list[int], planned: list[int], *, positions: bool = False
) -> None:
    """Show the plan table; an edit becomes the (manual) plan and the page reruns.

    The lists are the effective scenario's (edits.mle_schedule); the edit lands on the base
    scenario.
    """
    table = starts_table(months, recommended, planned, positions=positions)
    what = "New positions" if positions else "Planned starts"
    edited = st.data_editor(
        table,
        key=team_plan.editor_key(EDITOR),
        hide_index=True,
        disabled=["month", "recommended"],
        height=300,
        column_config={
            "month": "Month",
            "recommended": st.column_config.NumberColumn("Recommended", format="%d"),
            "planned": st.column_config.NumberColumn(
                what, min_value=0, max_value=100, step=1, format="%d"
            ),
        },
    )
    typed = [max(0, int(x)) if pd.notna(x) else 0 for x in edited["planned"]]
    cells = [i for i, (x, was) in enumerate(zip(typed, table["planned"])) if x != was]
    if not cells:
        return
    base = state.base()
    # The plan taken over: the base scenario's own once it is manual, else the one shown.
    own = state.plan_mode() == state.PLAN_MANUAL
    shift = 1 if positions else 0
    schedule = edits.mle_schedule(base) if own else [0] * shift + table["planned"].tolist()
    schedule += [0] * (len(typed) + shift - len(schedule))
    for i in cells:
        schedule[i + shift] = typed[i]
    team_plan.land(edits.with_mle_plan(base, schedule), EDITOR, plan_mode=state.PLAN_MANUAL)


def reset_button() -> None:
    """'Reset to the recommendation': drop the hand-edited plan (shown in manual mode)."""
    if st.button("Reset to the recommendation"):
        state.apply_edit(edits.without_mle_plan(state.base()), plan_mode=state.PLAN_RECOMMENDED)
