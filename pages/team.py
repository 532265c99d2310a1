"""Team & data: headcount and open requisitions, CSV upload with role mapping, assumptions."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from forecasting import sample
from forecasting.model import params
from forecasting.model.errors import PlannerError, ScenarioError
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, ROLES
from forecasting.model.scenario import Scenario
from forecasting.plan import policies
from ui import state, uploads
from ui.text import md_escape

state.require_app()

base = state.base()
workshop = state.workshop()
LABELS = [ROLE_LABELS[r] for r in ROLES]
KEY_NOTICE = "team_notice"


#: An edited cell: (its row and column, its scenario key, the changes it makes to a scenario).
Cell = tuple[str, str, Callable[[Scenario], dict]]


def _land(cells: list[Cell]) -> None:
    """Apply edited cells to the scenario, each on its own, and keep the editors mounted.

    The editors keep their edits (state.apply_edit with keep_editors) and are compared
    with the scenario every run, so an edit lands once and later runs find nothing new;
    what is typed while the app reruns is kept. A cell the scenario refuses is named in
    an error (it stays in the table to be corrected) and the other cells still land.
    Typing one's own team replaces the sample team's plan with the default plan (every
    role backfills), said in one line under the team table: a message at the top of the
    page would move the table down while the user types in it.
    """
    current = state.base()
    new = current
    for what, key, changes in cells:
        try:
            new = new.replace(**changes(new))
        except PlannerError as exc:
            why = str(exc).removeprefix(f"{key}: ")  # the row and column say which cell
            st.error(f"{md_escape(what)}: {md_escape(why)} Correct this cell; the others are kept.")
    if new == current:
        return
    if new.headcount != current.headcount and state.has_sample_plan(current):
        try:
            new, cleared = policies.without_sample_values(new, state.default_scenario())
        except PlannerError as exc:
            st.error(md_escape(exc))
            return
        gone = f" ({', '.join(cleared)} cleared; the defaults below apply)" if cleared else ""
        st.session_state[KEY_NOTICE] = (
            f"Your team replaced the sample team's plan{gone}: every role now backfills its "
            "leavers; set data-science growth on the Hiring plan page."
        )
    state.apply_edit(new, keep_editors=True)


def _number(value: object, convert: Callable[[float], float]) -> float:
    """A typed cell as the scenario's number (`convert`); ScenarioError if it is none."""
    try:
        number = float(value)  # type: ignore[arg-type]  # a cell: anything; float() decides
        if not math.isfinite(number):
            raise ValueError(value)
        return convert(number)
    except (TypeError, ValueError, OverflowError):
        raise ScenarioError(f"{value!r} is not a number.") from None


def _cells(edited: pd.DataFrame, shown: pd.DataFrame, fields: dict) -> list[Cell]:
    """The cells the user changed, as changes to one role's field.

    Cells compare against what was shown (e.g. attrition rounded to 0.1%), so an
    unedited table never writes its rounding back into the scenario; a cleared cell
    keeps its value. `fields`: column -> (scenario field, shown value -> field value).
    """
    cells: list[Cell] = []
    for column, (field, back) in fields.items():
        for r, (new, was) in enumerate(zip(edited[column], shown[column])):
            if pd.isna(new) or new == was:
                continue

            def change(s: Scenario, field=field, role=ROLE_KEYS[r], value=new, back=back):
                values = {**s.by_role(field), role: _number(value, back)}
                if field != "attrition_annual":
                    return {field: values}
                # An edited attrition carries its interval (the per-path spread) with it.
                return {field: values, "attrition_interval": s.moved_intervals(values)}

            cells.append((f"{LABELS[r]}, {column}", f"{field}.{ROLE_KEYS[r]}", change))
    return cells


st.title("Team & data")
st.subheader("Current team")
team = pd.DataFrame(
    {
        "role": LABELS,
        "headcount": list(base.headcount),
        "open requisitions": list(base.open_requisitions),
    }
)


def _table(frame: pd.DataFrame, key: str, disabled: list[str], **options: Any) -> Any:
    """In workshop mode a read-only table that wraps its headers (every column fits a
    projector) and None; else an editor of `frame` and what it holds now."""
    if workshop:
        st.table(frame.set_index("role"))
        return None
    return st.data_editor(
        frame, hide_index=True, key=state.editor_key(key), disabled=disabled, **options
    )


edited = _table(
    team,
    "team_editor",
    ["role"],
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
if edited is not None:
    if notice := st.session_state.pop(KEY_NOTICE, None):
        st.success(notice)
    counts = {"headcount": ("headcount", int), "open requisitions": ("open_requisitions", int)}
    _land(_cells(edited, team, counts))

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
#: scenario field -> (column, shown from the scenario value, back to it)
COLUMNS: dict[str, tuple[str, Callable[[float], float], Callable[[float], float]]] = {
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
got = _table(assume, "assumptions_editor", ["role", "from your data (90% interval)"])
if got is not None:
    _land(_cells(got, assume, {column: (f, back) for f, (column, _, back) in COLUMNS.items()}))

with st.expander("Where the defaults come from"):
    sources = pd.DataFrame(params.params_table())
    sources["value"] = sources["value"].astype(str)
    st.dataframe(sources, hide_index=True)

if not workshop:
    st.subheader("Templates")
    templates = sample.template_paths()
    cols = st.columns(len(templates) + 1)
    for col, (name, path) in zip(cols, templates.items()):
        col.download_button(
            f"{name.capitalize()} template",
            data=path.read_bytes(),
            file_name=path.name,
            mime="text/csv",
            on_click="ignore",
        )
    cols[-1].download_button(
        "Mapping file example",
        data=sample.MAPPING_TEMPLATE_PATH.read_bytes(),
        file_name=sample.MAPPING_TEMPLATE_PATH.name,
        mime="application/json",
        on_click="ignore",
        help="The file Column mapping downloads: which column holds which field, and job "
        "title -> role. Load it under Reading options to read an export in one step.",
    )
