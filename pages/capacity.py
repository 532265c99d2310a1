"""Capacity: effective FTE, data-scientist time split, delivery index and the bottleneck."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting.model import formatting, params
from forecasting.model.errors import PlannerError
from forecasting.model.scenario import Scenario
from ui import compute, downloads, state
from ui.layout import delta_style, fmt_pct
from ui.text import md_escape

state.require_app()

view = compute.current_view()
scenario, result = view.scenario, view.result
cap, deadline = result.capacity_summary, scenario.deadline
workshop = state.workshop()


st.title("Capacity")
st.caption(
    "Effective FTE counts new hires at a linear ramp and subtracts the time colleagues "
    "spend mentoring them. Engineering and data-prep work not covered by ML and data "
    "engineers spills onto data scientists."
)
share0, share_d = (
    float(cap["ds_engineering_share"].iloc[0]),
    float(cap["ds_engineering_share"].iloc[deadline]),
)
c1, c2, c3, c4 = st.columns(4)
c1.metric("DS time on engineering / data prep, today", fmt_pct(share0))
c2.metric(
    f"…at the deadline ({formatting.month_name(result.months[deadline])})",
    fmt_pct(share_d),
    formatting.points(share_d - share0),
    **delta_style(round(100 * (share_d - share0)), good="down"),
)
model0, model_d = (
    float(cap["ds_modelling_fte"].iloc[0]),
    float(cap["ds_modelling_fte"].iloc[deadline]),
)
c3.metric("DS modelling capacity at deadline", f"{model_d:.1f} FTE", f"{model_d - model0:+.1f} FTE")
c4.metric(
    "Delivery index at deadline",
    f"{float(cap['delivery_index'].iloc[deadline]):.0f}",
    f"bottleneck: {formatting.role_label(cap['bottleneck'].iloc[deadline])}",
    delta_color="off",
    delta_arrow="off",
    help=f"Today: {float(cap['delivery_index'].iloc[0]):.0f}. 100 = "
    f"{result.capacity_arrays.delivery_reference:.1f} FTE of modelling, what today's data "
    "scientists deliver when ML and data engineers cover all their engineering and data "
    "prep. Delivery is the modelling time data scientists keep after doing the uncovered "
    "work themselves, capped by what product managers can direct; the bottleneck is the "
    "role whose shortage costs the most.",
)

downloads.show_chart_pair("capacity_fte", "ds_time_split", scenario, workshop=workshop)
downloads.show_chart("delivery_index", scenario, workshop=workshop)

periods = result.bottleneck_periods.copy()
periods["from"] = periods["start"].map(formatting.month_name)
periods["to"] = periods["end"].map(formatting.month_name)
periods["limiting role"] = periods["bottleneck"].map(formatting.role_label)
st.subheader("Bottleneck over time")
st.dataframe(periods[["from", "to", "limiting role"]], hide_index=True, width="content")


@st.fragment
def capacity_parameters(scenario: Scenario) -> None:
    """The capacity model's parameters, editable: a fragment, so a cell typed into it
    reruns this table alone (an edit that lands reruns the page, state.apply_edit; a
    refused one is named here)."""
    with st.expander("Capacity model parameters"):
        rows = []
        for name, value in scenario.capacity.to_dict().items():
            p = params.param(f"capacity.{name}")
            rows.append(
                {
                    "parameter": name,
                    "value": float(value),
                    "unit": p.unit,
                    "source": p.source,
                    "meaning": p.description,
                }
            )
        shown = pd.DataFrame(rows)
        edited = st.data_editor(
            shown,
            hide_index=True,
            key=state.editor_key("capacity_params_editor"),
            disabled=["parameter", "unit", "source", "meaning"],
            column_config={"value": st.column_config.NumberColumn(min_value=0.0, step=0.05)},
        )
        # Each changed cell lands on its own: a cleared one keeps its value, a refused one
        # is named and stays to be corrected. The editor keeps its edits (keep_editors), so
        # values typed down the column while the app reruns are kept; an edit already
        # applied equals the value shown and changes nothing on later runs.
        new = state.base()
        for name, value, was in zip(edited["parameter"], edited["value"], shown["value"]):
            if pd.isna(value) or value == was:
                continue
            try:
                new = new.replace(capacity={**new.capacity.to_dict(), name: float(value)})
            except PlannerError as exc:
                why = str(exc).removeprefix(f"capacity.{name}: ")
                st.error(f"`{name}`: {md_escape(why)} Correct this cell; the others are kept.")
        state.apply_edit(new, keep_editors=True)


if not workshop:
    capacity_parameters(scenario)
