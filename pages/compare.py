"""Compare: save scenarios under a name and view 2–4 of them side by side, with deltas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting import formatting, plans
from ui import compute, state
from ui.text import md_escape, strip_bidi

state.require_app()

MAX_SAVED = 12
CURRENT = "Current (unsaved)"
saved = state.saved()
workshop = state.workshop()

st.title("Compare scenarios")
if not workshop:
    with st.form("save_form", clear_on_submit=True, border=False):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        name = c1.text_input(
            "Save the current scenario as",
            max_chars=40,
            placeholder="e.g. Even pace, 1:6 by mid-2028",
        )
        if c2.form_submit_button("Save", type="primary"):
            name = strip_bidi(name).strip()
            if not name:
                st.error("Give the scenario a name.")
            elif name not in saved and len(saved) >= MAX_SAVED:
                st.error(f"At most {MAX_SAVED} saved scenarios: delete one first.")
            else:
                saved[name] = {
                    "scenario": state.base(),
                    "strategy": state.strategy(),
                    "plan": state.plan_mode(),
                }
                st.success(f"Saved “{md_escape(name)}”.")

options = [CURRENT, *saved]
chosen = st.multiselect(
    "Scenarios to compare (2–4)", options, default=options[-4:], max_selections=4
)
if len(chosen) < 2:
    st.info(
        "Save at least one scenario (change the target, deadline or strategy between "
        "saves) and pick two to four of them to compare."
    )
    st.stop()


def _entry(name: str) -> dict:
    if name == CURRENT:
        return {"scenario": state.base(), "strategy": state.strategy(), "plan": state.plan_mode()}
    return saved[name]


rows = []
for name in chosen:
    e = _entry(name)
    view = compute.view_for(e["scenario"], e["strategy"], e["plan"])
    sc, res = view.scenario, view.result
    metrics = plans.comparison_metrics(sc, res, compute.run_rate(view))
    rows += [{"scenario": name, "metric": m, "value": v, "unit": u} for m, v, u in metrics]
long = pd.DataFrame(rows)

baseline = st.radio("Show", ["Values", *[f"Change vs {n}" for n in chosen]], horizontal=True)
base_name = None if baseline == "Values" else baseline.removeprefix("Change vs ")
st.vega_lite_chart(spec=compute.comparison_spec(long, base_name, workshop), width="stretch")

wide = long.pivot(index="metric", columns="scenario", values="value").reindex(
    list(dict.fromkeys(long["metric"]))
)[chosen]
if base_name is not None:
    wide = wide.sub(wide[base_name], axis=0)


def _fmt(metric: str, value: float) -> str:
    unit = long.loc[long["metric"] == metric, "unit"].iloc[0]
    return formatting.metric_value(value, unit, delta=base_name is not None)


st.dataframe(wide.apply(lambda col: [_fmt(m, v) for m, v in zip(wide.index, col)]), width="stretch")

if saved and not workshop:
    with st.expander("Manage saved scenarios"):
        for name in list(saved):
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.markdown(md_escape(name))
            if c2.button("Load", key=f"load_{name}"):
                e = saved[name]
                state.set_base(e["scenario"], reset=True)
                state.set_strategy(e["strategy"])
                state.set_plan_mode(e["plan"])
                state.notice(f"Loaded “{md_escape(name)}”.")
                st.rerun()
            if c3.button("Delete", key=f"del_{name}"):
                del saved[name]
                st.rerun()
