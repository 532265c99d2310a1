"""Team & data: headcount and open requisitions, CSV upload with role mapping, assumptions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting import params, sample
from forecasting.errors import PlannerError
from forecasting.roles import OTHER, ROLE_KEYS, ROLE_LABELS, ROLES
from ui import state, uploads
from ui.text import md_escape

state.require_app()

base = state.base()
workshop = state.workshop()
LABELS = [ROLE_LABELS[r] for r in ROLES]


def _set(**changes) -> None:
    try:
        state.set_base(state.base().replace(**changes))
    except PlannerError as exc:
        st.error(md_escape(exc))
    else:
        st.rerun()


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
        key="team_editor",
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
    hc = [int(x or 0) for x in edited["headcount"]]
    reqs = [int(x or 0) for x in edited["open requisitions"]]
    if hc != list(base.headcount) or reqs != list(base.open_requisitions):
        _set(headcount=dict(zip(ROLE_KEYS, hc)), open_requisitions=dict(zip(ROLE_KEYS, reqs)))

if not workshop:
    st.subheader("Upload an HR export (CSV)")
    st.caption(
        "A snapshot (role counts or one row per person), a monthly history, or a "
        "roster with start/end dates. The file stays in this browser session: it "
        "is never stored, logged or shown to anyone else, and is not in the link."
    )
    with st.expander("Reading options"):
        o1, o2, o3 = st.columns(3)
        kind = o1.selectbox("Kind of file", ["detect", "snapshot", "history", "roster"])
        order = o2.selectbox(
            "Numeric dates",
            ["detect", "dmy", "mdy"],
            help="Day/month/year or month/day/year, for dates like 03/04/25.",
        )
        as_of = o3.text_input("As-of date (YYYY-MM-DD)", placeholder="latest date in the file")
    file = st.file_uploader("HR export", type=["csv", "txt", "tsv"], key="team_upload")
    mapping = st.session_state.get("title_mapping", {})
    if file is not None:
        uploads.process(
            file.getvalue(),
            file.name,
            kind=None if kind == "detect" else kind,
            date_order=None if order == "detect" else order,
            as_of=as_of.strip() or None,
            mapping=mapping or None,
        )
    error = uploads.pop_error()
    if error:
        st.error(f"{md_escape(error)} — nothing was changed; your team and scenario are as before.")
    upload = uploads.current()
    if upload is not None:
        res = upload.result
        st.markdown(
            f"**{md_escape(upload.name)}**: read as a **{res.kind}** ({res.rows:,} rows"
            + (f", as of {res.as_of:%d %b %Y}" if res.as_of else "")
            + ")."
        )
        read = pd.DataFrame(
            {
                "role": LABELS + ["Other (not in the ratio)"],
                "headcount": [res.headcount.get(k, 0) for k in ROLE_KEYS]
                + [res.headcount.get(OTHER, 0)],
            }
        )
        st.dataframe(read, hide_index=True, width="content")
        for w in res.warnings:
            st.warning(md_escape(w))
        if res.unmapped_titles:
            st.info(
                "Titles not mapped to a role (counted as Other): "
                + ", ".join(f"{md_escape(t)} ({n})" for t, n in res.unmapped_titles.items())
            )
        if len(res.title_counts):
            st.caption("Job title → role (edit to override; re-reads the file):")
            table = res.title_counts.copy()
            edited_map = st.data_editor(
                table,
                hide_index=True,
                key=f"map_editor_{upload.key[0][:12]}",
                disabled=["title", "count"],
                column_config={
                    "role": st.column_config.SelectboxColumn(
                        options=list(ROLE_KEYS) + [OTHER], required=True
                    )
                },
            )
            new_map = {
                str(t): str(r)
                for t, r, old in zip(edited_map["title"], edited_map["role"], table["role"])
                if r != old
            }
            if new_map:
                st.session_state["title_mapping"] = {**mapping, **new_map}
                st.rerun()
        a1, a2, a3 = st.columns(3)
        use_rates = a1.checkbox("Use attrition estimated from the file", value=bool(res.attrition))
        use_costs = a2.checkbox("Use median salaries from the file", value=bool(res.annual_cost))
        if a3.button("Use this team in the scenario", type="primary"):
            state.set_base(
                uploads.applied_scenario(
                    state.base(), res, use_rates=use_rates, use_costs=use_costs
                ),
                reset=True,
            )
            state.notice(f"Scenario updated from {md_escape(upload.name)}.")
            st.rerun()

st.subheader("Assumptions per role")
upload = uploads.current()
estimates = upload.result.attrition if upload else {}
assume = pd.DataFrame(
    {
        "role": LABELS,
        "attrition %/yr": [round(100 * x, 1) for x in base.attrition_annual],
        "from your data (90% interval)": [
            "{:.1f}% ({:.1f}–{:.1f})".format(*(100 * x for x in estimates[k]))
            if k in estimates
            else "—"
            for k in ROLE_KEYS
        ],
        "time to fill (months)": list(base.time_to_fill_months),
        "ramp (months)": [float(x) for x in base.ramp_months],
        "annual cost (USD)": [float(x) for x in base.annual_cost],
        "max starts/month": list(base.max_starts_per_month),
    }
)
if workshop:
    st.dataframe(assume, hide_index=True)
else:
    got = st.data_editor(
        assume,
        hide_index=True,
        key="assumptions_editor",
        disabled=["role", "from your data (90% interval)"],
    )
    new = {
        "attrition_annual": [float(x) / 100 for x in got["attrition %/yr"]],
        "time_to_fill_months": [int(x) for x in got["time to fill (months)"]],
        "ramp_months": [float(x) for x in got["ramp (months)"]],
        "annual_cost": [float(x) for x in got["annual cost (USD)"]],
        "max_starts_per_month": [int(x) for x in got["max starts/month"]],
    }
    old = {k: [float(v) for v in getattr(base, k)] for k in new}
    if {k: [float(v) for v in vs] for k, vs in new.items()} != old:
        _set(**{k: dict(zip(ROLE_KEYS, vs)) for k, vs in new.items()})

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
