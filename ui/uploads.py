"""The session's CSV upload: parsed in memory, kept in session state, applied on request.

Uploaded bytes are never written to disk, never logged and never put in a shared
cache: the parsed result lives in this session's ``st.session_state`` only, keyed
by a hash of the bytes plus the reading options, so a rerun does not re-parse.
A failed upload records its error and leaves the previous upload and the scenario
untouched. :func:`panel` is the upload section of the Team & data page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from forecasting import plans
from forecasting.errors import PlannerError
from forecasting.ingest import IngestResult, ingest_bytes
from forecasting.roles import OTHER, ROLE_KEYS, ROLE_LABELS, ROLES
from ui import projections, state
from ui.text import md_escape

KEY_ERROR = "upload_error"


@dataclass(frozen=True)
class Upload:
    """A successfully parsed upload of this session."""

    key: tuple
    name: str
    result: IngestResult


def current() -> Upload | None:
    """This session's last good upload, if any."""
    return st.session_state.get(state.KEY_UPLOAD)


def process(
    data: bytes,
    name: str,
    *,
    kind: str | None = None,
    date_order: str | None = None,
    as_of: str | None = None,
    mapping: dict[str, str] | None = None,
    leavers_since: str | None = None,
) -> bool:
    """Parse an upload into the session; return False (and record why) if it is refused."""
    digest = hashlib.sha256(data).hexdigest()
    key = (
        digest,
        kind,
        date_order,
        as_of,
        tuple(sorted((mapping or {}).items())),
        leavers_since,
    )
    previous = current()
    if previous is not None and previous.key == key:
        return True
    try:
        result = ingest_bytes(
            data,
            filename=name,
            kind=kind,
            date_order=date_order,
            as_of=as_of,
            mapping=mapping,
            leavers_since=leavers_since,
        )
    except PlannerError as exc:
        st.session_state[KEY_ERROR] = f"{name}: {exc}"
        return False
    st.session_state.pop(KEY_ERROR, None)
    st.session_state[state.KEY_UPLOAD] = Upload(key=key, name=name, result=result)
    return True


#: Titles listed by name in the "not mapped" note, and rows of the mapping table: an
#: export with 100,000 distinct titles must not make an 8 MB page.
MAX_UNMAPPED_LISTED = 30
MAX_TITLE_ROWS = 200


def unmapped_text(unmapped: dict[str, int]) -> str:
    """The 'titles not mapped' note: the most common first, at most MAX_UNMAPPED_LISTED."""
    ranked = sorted(unmapped.items(), key=lambda item: -item[1])
    shown = ", ".join(f"{md_escape(t)} ({n})" for t, n in ranked[:MAX_UNMAPPED_LISTED])
    rest = ranked[MAX_UNMAPPED_LISTED:]
    if rest:
        shown += f", and {len(rest):,} more titles ({sum(n for _, n in rest):,} people)"
    return "Titles not mapped to a role (counted as Other): " + shown


def pop_error() -> str | None:
    """The last refused upload's message (shown once)."""
    return st.session_state.pop(KEY_ERROR, None)


def panel() -> None:
    """The upload section: file, reading options, what was read, and applying it."""
    st.subheader("Upload an HR export (CSV)")
    st.caption(
        "A snapshot (role counts or one row per person), a monthly history, or a "
        "roster with start/end dates. The file stays in this browser session: it "
        "is never stored, logged or shown to anyone else, and is not in the link."
    )
    with st.expander("Reading options"):
        o1, o2, o3, o4 = st.columns(4)
        kind = o1.selectbox("Kind of file", ["detect", "snapshot", "history", "roster"])
        order = o2.selectbox(
            "Numeric dates",
            ["detect", "dmy", "mdy"],
            help="Day/month/year or month/day/year, for dates like 03/04/25.",
        )
        as_of = o3.text_input("As-of date (YYYY-MM-DD)", placeholder="latest date in the file")
        leavers_since = o4.text_input(
            "Leavers recorded since (YYYY-MM-DD)",
            placeholder="earliest end date in the file",
            help=(
                "A roster: the first day from which the export lists every leaver. "
                "Attrition is counted from then on."
            ),
            key="upload_leavers_since",
        )
    file = st.file_uploader("HR export", type=["csv", "txt", "tsv"], key="team_upload")
    # Title overrides belong to one file: a different file starts from the alias table.
    last = current()
    if file is not None:
        digest = hashlib.sha256(file.getvalue()).hexdigest()
    else:
        digest = last.key[0] if last is not None else None
    saved_map = st.session_state.get("title_mapping", {})
    mapping = saved_map.get("overrides", {}) if saved_map.get("digest") == digest else {}
    if file is not None:
        process(
            file.getvalue(),
            file.name,
            kind=None if kind == "detect" else kind,
            date_order=None if order == "detect" else order,
            as_of=as_of.strip() or None,
            mapping=mapping or None,
            leavers_since=leavers_since.strip() or None,
        )
    error = pop_error()
    if error:
        st.error(f"{md_escape(error)} — nothing was changed; your team and scenario are as before.")
    upload = current()
    if upload is not None:
        _show(upload, mapping)


def _show(upload: Upload, mapping: dict[str, str]) -> None:
    """What the last good upload contained, the title mapping, and 'use this team'."""
    res = upload.result
    st.markdown(
        f"**{md_escape(upload.name)}**: read as a **{res.kind}** ({res.rows:,} rows"
        + (f", as of {res.as_of:%d %b %Y}" if res.as_of else "")
        + ")."
    )
    if res.attrition_window:
        st.caption(md_escape(res.attrition_window))
    if res.attrition_first_year:
        st.caption(
            "First-year attrition of new hires (Kaplan–Meier, for information; not applied "
            "to the team): "
            + ", ".join(
                f"{ROLE_LABELS[r].lower()} {100 * mid:.0f}% ({100 * low:.0f}–{100 * high:.0f}%)"
                for r, (mid, low, high) in res.attrition_first_year.items()
                if r in ROLE_LABELS
            )
        )
    read = pd.DataFrame(
        {
            "role": [ROLE_LABELS[r] for r in ROLES] + ["Other (not in the ratio)"],
            "headcount": [res.headcount.get(k, 0) for k in ROLE_KEYS]
            + [res.headcount.get(OTHER, 0)],
        }
    )
    st.dataframe(read, hide_index=True, width="content")
    for w in res.warnings:
        st.warning(md_escape(w))
    if res.unmapped_titles:
        st.info(unmapped_text(res.unmapped_titles))
    if len(res.title_counts):
        table = res.title_counts.sort_values("count", ascending=False, kind="stable")
        hidden = max(len(table) - MAX_TITLE_ROWS, 0)
        table = table.head(MAX_TITLE_ROWS).reset_index(drop=True)
        st.caption(
            "Job title → role (edit to override; re-reads the file)"
            + (
                f": the {MAX_TITLE_ROWS} most common titles; {hidden:,} rarer ones are "
                "mapped by the alias table (see the list above for those left out)."
                if hidden
                else ":"
            )
        )
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
            st.session_state["title_mapping"] = {
                "digest": upload.key[0],
                "overrides": {**mapping, **new_map},
            }
            st.rerun()
    a1, a2, a3 = st.columns(3)
    use_rates = a1.checkbox("Use attrition estimated from the file", value=bool(res.attrition))
    use_costs = a2.checkbox("Use median salaries from the file", value=bool(res.annual_cost))
    if a3.button("Use this team in the scenario", type="primary"):
        try:
            scenario = plans.scenario_from_upload(
                state.base(), res, use_rates=use_rates, use_costs=use_costs
            )
        except PlannerError as exc:
            st.error(f"The upload cannot be used as it is: {md_escape(exc)}")
            return
        trends = None
        if len(res.history):
            try:
                trends = projections.upload_trends(upload.key, res.history, scenario.horizon_months)
            except PlannerError:
                trends = None
        scenario = plans.default_plan(scenario, trends)
        state.set_base(scenario, reset=True)
        state.set_plan_mode(state.PLAN_RECOMMENDED)
        ds = scenario.policy_of("data_scientist")
        follows = (
            f"data scientists follow the {md_escape(ds.source)}"
            if ds.kind == "path"
            else "no history to project, so data scientists backfill too"
        )
        state.notice(
            f"Scenario updated from {md_escape(upload.name)}. The team plan now fits this "
            f"team: every role backfills its leavers; {follows}."
        )
        st.rerun()
