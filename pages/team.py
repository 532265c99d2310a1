"""Team & data: headcount and open requisitions, CSV upload with role mapping, assumptions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting import params, plans, sample
from forecasting.errors import PlannerError
from forecasting.roles import ROLE_KEYS, ROLE_LABELS, ROLES
from ui import state, uploads
from ui.text import md_escape

state.require_app()

base = state.base()
workshop = state.workshop()
LABELS = [ROLE_LABELS[r] for r in ROLES]


def _set(**changes) -> None:
    """Apply an edit; the editors then start afresh from the scenario (applied once).

    Typing one's own team replaces the sample team's plan with the default plan
    (every role backfills), said in one line.
    """
    current = state.base()
    try:
        new = current.replace(**changes)
        if new.headcount != current.headcount and state.has_sample_plan(current):
            new = plans.default_plan(new)
            state.notice(
                "Your team replaced the sample team's plan: every role now backfills its "
                "leavers; set data-science growth on the Hiring plan page."
            )
    except PlannerError as exc:
        st.error(md_escape(exc))
    else:
        state.apply_edit(new)


def _edited(edited: pd.Series, shown: pd.Series, current, convert) -> list:
    """The scenario's values with the cells the user changed; a cleared cell keeps its value.

    Cells compare against what was shown (e.g. attrition rounded to 0.1%), so an
    unedited table never writes its rounding back into the scenario.
    """
    return [
        old if pd.isna(new) or new == was else convert(new)
        for new, was, old in zip(edited, shown, current)
    ]


st.title("Team & data")
st.subheader("Current team")
team = pd.DataFrame(
    {
        "role": LABELS,
        "headcount": list(base.headcount),
        "open requisitions": list(base.open_requisitions),
    }
)
if workshop:
    st.dataframe(team, hide_index=True, width="content")
else:
    edited = st.data_editor(
        team,
        hide_index=True,
        key=state.editor_key("team_editor"),
        disabled=["role"],
        width="content",
        column_config={
            "headcount": st.column_config.NumberColumn(min_value=0, max_value=100000, step=1),
            "open requisitions": st.column_config.NumberColumn(
                min_value=0,
                max_value=1000,
                step=1,
                help="Already open; they start at the end of the role's time-to-fill month.",
            ),
        },
    )
    hc = _edited(edited["headcount"], team["headcount"], base.headcount, int)
    reqs = _edited(
        edited["open requisitions"], team["open requisitions"], base.open_requisitions, int
    )
    if hc != list(base.headcount) or reqs != list(base.open_requisitions):
        _set(headcount=dict(zip(ROLE_KEYS, hc)), open_requisitions=dict(zip(ROLE_KEYS, reqs)))

st.page_link(
    "pages/plan.py",
    label="Team plan: each role's growth, backfill or projection (Hiring plan page)",
    icon=":material/groups:",
)

if not workshop:
    uploads.panel()

st.subheader("Assumptions per role")
upload = uploads.current()
estimates = upload.result.attrition if upload else {}
COLUMNS = {  # scenario field -> (column, shown from the scenario value, back to it)
    "attrition_annual": ("attrition %/yr", lambda x: round(100 * x, 1), lambda x: x / 100),
    "time_to_fill_months": ("time to fill (months)", int, int),
    "ramp_months": ("ramp (months)", float, float),
    "annual_cost": ("annual cost (USD)", float, float),
    "max_starts_per_month": ("max starts/month", int, int),
}
assume = pd.DataFrame({"role": LABELS})
for field, (column, shown, _) in COLUMNS.items():
    assume[column] = [shown(x) for x in getattr(base, field)]
    if field == "attrition_annual":
        assume["from your data (90% interval)"] = [
            "{:.1f}% ({:.1f}–{:.1f})".format(*(100 * x for x in estimates[k]))
            if k in estimates
            else "—"
            for k in ROLE_KEYS
        ]
if workshop:
    st.dataframe(assume, hide_index=True)
else:
    got = st.data_editor(
        assume,
        hide_index=True,
        key=state.editor_key("assumptions_editor"),
        disabled=["role", "from your data (90% interval)"],
    )
    new = {
        field: _edited(got[column], assume[column], getattr(base, field), back)
        for field, (column, _, back) in COLUMNS.items()
    }
    if any(list(new[f]) != list(getattr(base, f)) for f in new):
        changes = {f: dict(zip(ROLE_KEYS, vs)) for f, vs in new.items()}
        # An edited attrition carries its interval (the per-path spread) with it.
        changes["attrition_interval"] = base.moved_intervals(changes["attrition_annual"])
        _set(**changes)

with st.expander("Where the defaults come from"):
    sources = pd.DataFrame(params.params_table())
    sources["value"] = sources["value"].astype(str)
    st.dataframe(sources, hide_index=True)

if not workshop:
    st.subheader("Templates")
    cols = st.columns(3)
    for col, (name, path) in zip(cols, sample.template_paths().items()):
        col.download_button(
            f"{name.capitalize()} template",
            data=path.read_bytes(),
            file_name=path.name,
            mime="text/csv",
            on_click="ignore",
        )
