"""Compare: save scenarios under a name (they travel in the link, ?c=) and set two to four
side by side: a decision table, the cost of confidence, and the ratio, headcount, plan and
cost over calendar months."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting.model.edits import without_mle_plan
from forecasting.model.errors import PlannerError
from forecasting.report import compare
from ui import compute, state
from ui.downloads import show_spec
from ui.text import md_escape

state.require_app()

PICK = "compare_pick"  # the multiselect's widget key
KEY_SELECTION = "compare_selection"  # its value, kept while on other pages
UPLOAD, UPLOAD_ERROR = "compare_upload", "compare_upload_error"
ss = st.session_state
workshop = state.workshop()


def _remember_pick() -> None:
    ss[KEY_SELECTION] = list(ss[PICK])


def _restore_bundle() -> None:
    upload = ss.get(UPLOAD)
    if upload is None:
        return
    try:
        records = state.bundle_from_json(upload.getvalue())
    except PlannerError as exc:
        ss[UPLOAD_ERROR] = f"Comparison not restored: {exc}"
        return
    state.replace_saved(records)
    ss.pop(KEY_SELECTION, None)
    state.notice(f"Restored {len(records)} saved scenarios from the file.")


def _default(options: list[str]) -> list[str]:
    """The saved scenarios (up to four); the current one only when it makes a pair."""
    chosen = [n for n in options if n != state.CURRENT][: compare.MAX_COMPARED]
    if len(chosen) < 2 and state.CURRENT in options:
        chosen.append(state.CURRENT)
    return chosen


def _escaped(table: pd.DataFrame) -> pd.DataFrame:
    """st.table renders Markdown in every cell: show names and numbers literally."""
    out = table.map(md_escape)
    out.index = out.index.map(md_escape)
    return out


st.title("Compare scenarios")
with st.form("save_form", clear_on_submit=True, border=False):
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.text_input(
        "Save the current scenario as",
        max_chars=state.MAX_NAME_CHARS,
        placeholder="e.g. Even pace, 1:6 by mid-2028",
    )
    if c2.form_submit_button("Save", type="primary"):
        try:
            name = state.save_current(name)
        except PlannerError as exc:
            st.error(md_escape(str(exc)))
        else:
            picked = ss.get(KEY_SELECTION)
            if picked is not None:
                picked = [n for n in picked if n in state.compare_options()]
                if name not in picked and len(picked) < compare.MAX_COMPARED:
                    picked.append(name)
                ss[KEY_SELECTION] = picked
            state.notice(f"Saved “{md_escape(name)}”; the link in the address bar now holds it.")

saved = state.saved()
if error := ss.pop(UPLOAD_ERROR, None):
    st.error(md_escape(error))
with st.expander(f"Saved scenarios ({len(saved)} of {state.MAX_SAVED}): load, delete, share"):
    for name in list(saved):
        c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="center")
        c1.markdown(md_escape(name))
        if c2.button("Load", key=f"load_{name}", width="stretch"):
            e = saved[name]
            state.set_base(e["scenario"], reset=True)
            state.set_strategy(e["strategy"])
            state.set_plan_mode(e["plan"])
            state.notice(f"Loaded “{md_escape(name)}”.")
            st.rerun()
        if c3.button("Delete", key=f"del_{name}", width="stretch"):
            state.delete_saved(name)
            st.rerun()
    st.caption(
        "Saved scenarios are in the link (address bar): share it and the same comparison "
        "opens. Or keep them as a file and restore it later (it replaces the saved ones)."
    )
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download comparison (JSON)",
        data=state.bundle_json(saved),
        file_name="comparison.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
        disabled=not saved,
    )
    d2.file_uploader(
        "Restore a comparison (JSON)", type=["json"], key=UPLOAD, on_change=_restore_bundle
    )

options = state.compare_options()
picked = ss.get(KEY_SELECTION)
ss[PICK] = [n for n in (_default(options) if picked is None else picked) if n in options][:4]
chosen = st.multiselect(
    "Scenarios to compare (2–4)",
    options,
    key=PICK,
    max_selections=compare.MAX_COMPARED,
    on_change=_remember_pick,
)
if len(chosen) < 2:
    st.info(
        "Save at least one scenario (change the target, deadline or strategy between "
        "saves) and pick two to four of them to compare."
    )
    st.stop()


def _compared(name: str) -> tuple[compare.Compared, str | None]:
    e = state.compared_entry(name)
    view = compute.view_for(e["scenario"], e["strategy"], e["plan"])
    baseline = compute.simulate_cached(without_mle_plan(view.scenario))
    manual = view.mode == state.PLAN_MANUAL
    error = None if manual else view.solver_error
    entry = compare.Compared(name, view.scenario, view.result, baseline, view.strategy, manual)
    return entry, error


with st.spinner("Simulating the scenarios…"):
    entries, errors = zip(*(_compared(n) for n in chosen))
for e, error in zip(entries, errors):
    if error:
        st.warning(f"“{md_escape(e.name)}”: no plan found ({md_escape(error)}); shown as saved.")

st.subheader("Decision")
st.table(_escaped(compare.decision_table(entries)))
st.caption(
    "P(target met): the probability that the ratio is at or below the target at the "
    "deadline, beside the goal. P(target held): also every month after it. Run-rate: the "
    "added ML engineers' loaded annual cost at the deadline. Target reached: the first "
    "month with P(target met) at the goal."
)
st.markdown("**Cost of each extra 10 points of confidence**")
steps = compare.confidence_table(entries)
if steps.empty:
    st.caption(
        "None of these scenarios share a target and deadline: a P(target met) is against its "
        "own target, so confidence is priced only between scenarios with the same one."
    )
else:
    st.table(_escaped(steps.set_index("From")))
    st.caption(
        "Scenarios with the same target and deadline, ordered by P(target met): each step's "
        "extra run-rate divided by the rise in P, per 10 percentage points; n/a where P does "
        "not rise."
    )


def _chart(builder: str, frames: tuple[pd.DataFrame, ...], extra: tuple = ()) -> None:
    spec = compute.comparison_spec(builder, frames, workshop, extra)
    show_spec(spec, key="_".join([builder, *map(str, extra)]), workshop=workshop)


_chart("scenario_ratio", (compare.ratio_frame(entries), compare.targets_frame(entries)))
headcount = compare.headcount_frame(entries)
pairs = [
    (("scenario_headcount", (headcount,), ("data_scientist",))),
    (("scenario_headcount", (headcount,), ("ml_engineer",))),
    (("scenario_quarters", (compare.quarters_frame(entries),), ())),
    (("scenario_run_rate", (compare.added_cost_frame(entries),), ())),
]
for i in range(0, len(pairs), 2):
    columns = st.columns(2) if not workshop else (st.container(), st.container())
    for column, (builder, frames, extra) in zip(columns, pairs[i : i + 2]):
        with column:
            _chart(builder, frames, extra)
