"""The session's CSV upload: parsed in memory, kept in session state, applied on request.

Uploaded bytes are never written to disk, never logged and never put in a shared
cache: the parsed result lives in this session's ``st.session_state`` only, keyed
by a hash of the bytes plus the reading options, so a rerun does not re-parse.
A failed upload records its error and leaves the previous upload and the scenario
untouched. While the file is in the drop zone, changing its as-of date, a reading option,
a column (ui/column_mapping.py) or a title's role reads the same in-memory bytes again.
:func:`panel` is the upload section of the Team & data page: what was read (the as-of date
and where it came from, what the counts mean, the leavers by year and by reason, the job
title -> role mapping by role label) and "use this team".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from forecasting.ingest import KIND_LABELS, IngestResult, ingest_bytes
from forecasting.ingest.aliases import normalize_title
from forecasting.model.errors import PlannerError
from forecasting.model.formatting import month_name
from forecasting.model.roles import OTHER, ROLE_KEYS, ROLE_LABELS, ROLES, Role
from forecasting.plan import policies
from ui import column_mapping, projections, state, upload_details
from ui.text import md_escape

KEY_ERROR = "upload_error"
#: The options of the last refused read and why: the same refused read is not parsed again.
KEY_REFUSED = "upload_refused"
KEY_AS_OF = "upload_as_of"
KEY_LEAVERS_SINCE = "upload_leavers_since"
KEY_TITLE_MAPPING = "title_mapping"
#: The digest of the file last applied to the scenario ("Use this team in the scenario").
KEY_APPLIED = "upload_applied"
#: The digest of a file the user discarded (not read again while it stays in the drop zone).
KEY_DISCARDED = "upload_discarded"
KIND_CHOICES = ["detect", "snapshot", "history", "roster", "panel"]
ORDER_LABELS = {"dmy": "day/month/year", "mdy": "month/day/year"}
#: How the summary names where the as-of date came from.
AS_OF_SOURCES = {
    "given": "as typed",
    "file": "from the file",
    "latest date": "the latest date in the file",
}
#: How the mapping table names the roles (and "other"): labels, never keys.
OTHER_LABEL = "Other (not in the ratio)"
ROLE_NAMES = {**{r.value: ROLE_LABELS[r] for r in ROLES}, OTHER: OTHER_LABEL}
ROLE_OF_NAME = {name: key for key, name in ROLE_NAMES.items()}


@dataclass(frozen=True)
class Upload:
    """A successfully parsed upload of this session."""

    key: tuple
    name: str
    result: IngestResult


def current() -> Upload | None:
    """This session's last good upload, if any."""
    return st.session_state.get(state.KEY_UPLOAD)


def pending() -> Upload | None:
    """This session's upload while it is read but not applied to the scenario."""
    upload = current()
    if upload is None or st.session_state.get(KEY_APPLIED) == upload.key[0]:
        return None
    return upload


def discard() -> None:
    """Forget the session's upload (the file is not read again while it stays dropped)."""
    upload = current()
    if upload is not None:
        st.session_state[KEY_DISCARDED] = upload.key[0]
    for key in (state.KEY_UPLOAD, KEY_ERROR, KEY_REFUSED, KEY_APPLIED):
        st.session_state.pop(key, None)


def pending_banner(*, on_team_page: bool) -> None:
    """On every page: a file read but not applied is named, with how to apply or discard it."""
    upload = pending()
    if upload is None:
        return
    where = "below" if on_team_page else "on Team & data"
    if state.workshop():
        where = "on Team & data outside workshop mode"
    st.warning(
        f"Your upload **{md_escape(upload.name)}** is read but not applied: the numbers on "
        f"this page are the scenario's team, not the file's. Apply it {where} (*Use this team "
        "in the scenario*), or discard it."
    )
    c1, c2 = st.columns([1, 3])
    c1.button("Discard the upload", key="upload_discard", on_click=discard)
    if not on_team_page:
        c2.page_link("pages/team.py", label="Apply it on Team & data", icon=":material/upload:")


def process(
    data: bytes,
    name: str,
    *,
    kind: str | None = None,
    date_order: str | None = None,
    as_of: str | None = None,
    mapping: dict[str, str] | None = None,
    leavers_since: str | None = None,
    columns: dict[str, str | None] | None = None,
    header_line: int | None = None,
    reasons: tuple[str, ...] | None = None,
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
        tuple(sorted((columns or {}).items(), key=lambda item: item[0])),
        header_line,
        reasons,
    )
    previous = current()
    if previous is not None and previous.key == key:
        return True
    refused = st.session_state.get(KEY_REFUSED)
    if refused is not None and refused[0] == key:
        st.session_state[KEY_ERROR] = refused[1]
        return False
    try:
        result = ingest_bytes(
            data,
            filename=name,
            kind=kind,
            date_order=date_order,
            as_of=as_of,
            mapping=mapping,
            leavers_since=leavers_since,
            columns=columns or None,
            header_line=header_line,
            counted_reasons=reasons,
        )
    except PlannerError as exc:
        text = str(exc)  # most messages name the file already
        st.session_state[KEY_ERROR] = text if text.startswith(name) else f"{name}: {text}"
        st.session_state[KEY_REFUSED] = (key, st.session_state[KEY_ERROR])
        return False
    st.session_state.pop(KEY_ERROR, None)
    st.session_state.pop(KEY_REFUSED, None)
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
    """The upload section: file, reading options, its dates, column mapping, what was read,
    applying it."""
    st.subheader("Upload an HR export (CSV)")
    st.caption(
        "A snapshot (role counts or one row per person), a monthly history, a roster with "
        "start/end dates, or a panel (one row per person per period). Title lines above the "
        "header, totals lines below and 'no date' markers such as 1/1/1900 are handled. The "
        "file stays in this browser session: it is never stored, logged or shown to anyone "
        "else, and is not in the link."
    )
    with st.expander("Reading options"):
        o1, o2 = st.columns(2)
        kind = o1.selectbox(
            "Kind of file",
            KIND_CHOICES,
            format_func=lambda k: "detect" if k == "detect" else KIND_LABELS[k],
        )
        order = o2.selectbox(
            "Numeric dates",
            ["detect", "dmy", "mdy"],
            format_func=lambda o: ORDER_LABELS.get(o, o),
            help="Day/month/year or month/day/year, for dates like 03/04/25.",
        )
        column_mapping.mapping_upload()
    file = st.file_uploader("HR export", type=["csv", "txt", "tsv"], key="team_upload")
    # The dates are read before their inputs are drawn, so the inputs can show what the
    # file gave (a widget's value is in the session before the widget runs).
    as_of = str(st.session_state.get(KEY_AS_OF, "")).strip()
    leavers_since = str(st.session_state.get(KEY_LEAVERS_SINCE, "")).strip()
    # Title overrides and column choices belong to one file: another file starts afresh.
    last = current()
    data = file.getvalue() if file is not None else None
    if data is None:
        st.session_state.pop(KEY_DISCARDED, None)  # the drop zone is empty: read anew
    elif hashlib.sha256(data).hexdigest() == st.session_state.get(KEY_DISCARDED):
        st.caption(
            f"{md_escape(file.name) if file else 'The file'} was discarded: remove it from the "
            "drop zone (×) and drop it again to read it."
        )
        data = None
    digest: str | None = None
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
    elif last is not None:
        digest = str(last.key[0])
    saved_map = st.session_state.get(KEY_TITLE_MAPPING, {})
    mapping = saved_map.get("overrides", {}) if saved_map.get("digest") == digest else {}
    read = column_mapping.reading(digest)
    if file is not None and data is not None:
        # The file's bytes stay in the uploader (this session's memory): changing an
        # option, a column or the as-of date reads them again; nothing is kept elsewhere.
        process(
            data,
            file.name,
            kind=None if kind == "detect" else kind,
            date_order=read.date_order if order == "detect" else order,
            as_of=as_of or None,
            mapping={**read.titles, **mapping} or None,
            leavers_since=leavers_since or None,
            columns=read.columns,
            header_line=read.header_line,
            reasons=read.reasons,
        )
    upload = current()
    _date_inputs(upload)
    error = pop_error()
    if error:
        st.error(f"{md_escape(error)} — nothing was changed; your team and scenario are as before.")
    if file is not None and data is not None and digest is not None:
        mine = upload if upload is not None and upload.key[0] == digest else None
        column_mapping.section(
            data, file.name, digest, mine.result if mine else None, failed=bool(error)
        )
    if upload is not None:
        _show(upload, mapping, readable=file is not None and upload.key[0] == digest)


def _date_inputs(upload: Upload | None) -> None:
    """The two dates of a file: the day its headcount describes, and (a roster) since when
    it lists every leaver. Left empty, the file's own dates decide; the placeholder then
    says which date that was."""
    res = upload.result if upload is not None else None
    if res is None:
        detected = "the date the file states, else its latest date"
    elif res.as_of is None:
        detected = "the file gives none"
    else:
        detected = f"{res.as_of.isoformat()} ({AS_OF_SOURCES.get(res.as_of_source or '', '')})"
    d1, d2 = st.columns(2)
    d1.text_input(
        "As-of date (YYYY-MM-DD)",
        placeholder=detected,
        help=(
            "The day the headcount describes: who was employed on that day (a roster or "
            "panel), the month it falls in (a history). The plan starts the month after it. "
            "Empty: the date the file states (above its header or in its name), else the "
            "latest date in the file (a snapshot has none unless it states one)."
        ),
        key=KEY_AS_OF,
    )
    since = res.leavers_since if res is not None else None
    d2.text_input(
        "Leavers recorded since (YYYY-MM-DD)",
        placeholder=since.isoformat() if since else "earliest end date in the file",
        help=(
            "A roster or panel: the first day from which the export lists every leaver. "
            "Attrition and the history are counted from then on."
        ),
        key=KEY_LEAVERS_SINCE,
    )


def count_sentence(res: IngestResult) -> str:
    """What the file's numbers count, and whether leavers are in them (one sentence).

    A history's headcount is people at each month's end (leavers of the month are in its
    exits, if the file has them); a snapshot's count is people on its date; a roster's
    rows are people, its leavers those with an end date on or before the as-of date.
    """
    used = res.columns_used
    if res.kind == "history":
        column = md_escape(used.get("headcount", "headcount"))
        exits = used.get("exits")
        return (
            f"Column “{column}” counts the people employed at the end of each month: "
            "people who left during a month are not in it"
            + (
                f"; they are counted in column “{md_escape(exits)}”, which gives the attrition."
                if exits
                else "; the file has no exits column, so it does not say how many left."
            )
        )
    if res.kind == "snapshot":
        day = f"on {res.as_of:%d %b %Y}" if res.as_of else "on the file's date"
        if "count" in used:
            return (
                f"Column “{md_escape(used['count'])}” counts the people employed {day}: "
                "leavers are not in it, so the file says nothing about attrition."
            )
        return (
            f"Each row is one person employed {day}: a snapshot has no end dates, so it "
            "must not list leavers (upload a roster with end dates to count them)."
        )
    if res.kind == "panel":
        return (
            "Rows are records, not people: each person is counted once, under the title of "
            "their record in force on the date; a person's final record with a termination "
            "date or a status such as TERMINATED is their exit, counted in the attrition."
        )
    return (
        "Each row is one person: rows with an end date on or before the as-of date are "
        "leavers, left out of the headcount and counted in the attrition."
    )


def _as_of_text(upload: Upload) -> str:
    """'Headcount as of 31 Oct 2026 (the latest date in the file; ...). Using this team
    starts the plan in Nov 2026.' or what a snapshot without a date means."""
    res = upload.result
    if res.as_of is None:
        return (
            "The file gives no date: its headcount is taken as the team's today, and the "
            "plan keeps its start month. Type the as-of date above if it describes another day."
        )
    source = AS_OF_SOURCES.get(res.as_of_source or "", "the latest date in the file")
    if res.as_of_source == "file" and res.as_of_note:
        source = f"{source}, {md_escape(res.as_of_note)}"
    text = f"**Headcount as of {res.as_of:%d %b %Y}** ({source}; change it above)."
    try:  # the plan's start month, by the rule that applies the upload
        start = policies.scenario_from_upload(state.base(), res, use_rates=False, use_costs=False)
    except PlannerError:
        return text
    return f"{text} Using this team starts the plan in {month_name(start.start_month)}."


def _show(upload: Upload, mapping: dict[str, str], *, readable: bool) -> None:
    """What the last good upload contained, the title mapping, and 'use this team'.

    Args:
        upload: the session's last good upload.
        mapping: the title overrides it was read with.
        readable: its bytes are still in the uploader (it can be read again with other
            options or titles).
    """
    res = upload.result
    people = f", {res.people:,} people" if res.kind == "panel" and res.people else ""
    where = f"; column names on line {res.header_line}" if res.header_line > 1 else ""
    st.markdown(
        f"**{md_escape(upload.name)}**: read as a **{res.kind_label}** "
        f"({res.rows:,} rows{people}{where})."
    )
    st.markdown(_as_of_text(upload) + " " + count_sentence(res))
    if res.history_note:
        st.info(md_escape(res.history_note))
    if not readable:
        st.caption(
            f"{md_escape(upload.name)} is not in the drop zone any more: drop it again to "
            "read it with another date, option or title mapping."
        )
    if res.attrition_window:
        st.caption(md_escape(res.attrition_window))
    if res.attrition_first_year:
        st.caption(
            "First-year attrition of new hires (Kaplan–Meier, for information; not applied "
            "to the team): "
            + ", ".join(
                f"{ROLE_LABELS[Role(r)].lower()} {100 * mid:.0f}% "
                f"({100 * low:.0f}–{100 * high:.0f}%)"
                for r, (mid, low, high) in res.attrition_first_year.items()
                if r in ROLE_KEYS
            )
        )
    read = pd.DataFrame(
        {
            "role": [ROLE_LABELS[r] for r in ROLES] + [OTHER_LABEL],
            "headcount": [res.headcount.get(k, 0) for k in ROLE_KEYS]
            + [res.headcount.get(OTHER, 0)],
        }
    )
    st.dataframe(read, hide_index=True, width="content")
    for w in res.warnings:
        st.warning(md_escape(w))
    upload_details.leavers(res, upload.key[0], readable=readable)
    if res.unmapped_titles:
        st.info(unmapped_text(res.unmapped_titles))
    if len(res.title_counts) and not only_role_keys(res.title_counts):
        _title_mapping(upload, mapping, readable=readable)
    _use_buttons(upload)


def only_role_keys(title_counts: pd.DataFrame) -> bool:
    """True when the 'titles' are the planner's role keys (a role column): nothing to map."""
    keys = {*ROLE_KEYS, OTHER}
    return all(normalize_title(t).replace(" ", "_") in keys for t in title_counts["title"])


def count_label(res: IngestResult) -> tuple[str, str]:
    """What a title's count is: (the mapping table's column name, a phrase saying it)."""
    if res.kind == "roster":
        return "people in the file", "how many people the file lists with it (leavers too)"
    if res.kind == "panel":
        return "people (latest record)", "how many people have it on their latest record"
    if res.kind == "history" and res.as_of is not None:
        month = month_name(res.as_of.isoformat())
        return f"headcount {month}", f"its headcount in {month}"
    return "people", "how many people have it"


#: Titles listed by name per role in the mapping summary (the table has them all).
MAX_TITLES_PER_ROLE = 8


def titles_by_role(table: pd.DataFrame) -> list[str]:
    """One Markdown line per role: its titles with their counts, the most common first.

    `table` is the mapping table as shown (title, role label, count); nothing else of the
    file is used, so the lines say no more than the table.
    """
    lines = []
    for name in ROLE_NAMES.values():
        rows = table[table["role"] == name]
        if rows.empty:
            continue
        listed = [
            f"{md_escape(t)} ({n:,})"
            for t, n in zip(rows["title"][:MAX_TITLES_PER_ROLE], rows["count"])
        ]
        rest = len(rows) - len(listed)
        more = f", and {rest:,} more" if rest > 0 else ""
        lines.append(f"- **{name}**: {', '.join(listed)}{more}")
    return lines


def _title_mapping(upload: Upload, mapping: dict[str, str], *, readable: bool) -> None:
    """Job title -> role: every title with the role it counts as (role labels), grouped by
    role for checking, and a table to change it (re-reads the file)."""
    res = upload.result
    table = res.title_counts.sort_values("count", ascending=False, kind="stable")
    hidden = max(len(table) - MAX_TITLE_ROWS, 0)
    table = table.head(MAX_TITLE_ROWS).reset_index(drop=True)
    overridden = {normalize_title(t) for t in mapping}
    shown = pd.DataFrame(
        {
            "title": table["title"].astype(str),
            "role": [ROLE_NAMES.get(str(r), OTHER_LABEL) for r in table["role"]],
            "count": table["count"].astype(int),
            "matched by": [
                "you"
                if normalize_title(t) in overridden
                else "no alias: Other"
                if r == OTHER
                else "alias table"
                for t, r in zip(table["title"], table["role"])
            ],
        }
    )
    count, says = count_label(res)
    st.markdown(
        "**Job title → role**: each title in the file, the role it counts as and "
        f"{says}. Titles the built-in alias table recognised are listed too, so you can "
        "check them"
        + (
            f". The {MAX_TITLE_ROWS} most common titles; {hidden:,} rarer ones are mapped by "
            "the alias table (the note above lists those left out)."
            if hidden
            else "."
        )
    )
    st.markdown("\n".join(titles_by_role(shown)))
    config = {
        "title": st.column_config.TextColumn("title"),
        "role": st.column_config.SelectboxColumn(
            "role", options=list(ROLE_NAMES.values()), required=True
        ),
        "count": st.column_config.NumberColumn(count, format="%d"),
        "matched by": st.column_config.TextColumn(
            "matched by", help="alias table: the built-in table of job titles; you: your choice"
        ),
    }
    if not readable:
        st.dataframe(shown, hide_index=True, column_config=config)
        return
    st.caption("Pick another role in the table to change a title's; the file is read again.")
    edited = st.data_editor(
        shown,
        hide_index=True,
        key=_map_editor_key(upload),
        disabled=["title", "count", "matched by"],
        column_config=config,
    )
    picked = {
        str(t): ROLE_OF_NAME[str(r)]
        for t, r, old in zip(edited["title"], edited["role"], shown["role"])
        if r != old and str(r) in ROLE_OF_NAME
    }
    overrides = {**mapping, **picked}
    if overrides != mapping:  # a pick not read yet (a read that failed is not retried)
        st.session_state[KEY_TITLE_MAPPING] = {"digest": upload.key[0], "overrides": overrides}
        st.rerun()


def _map_editor_key(upload: Upload) -> str:
    """The mapping editor's key: the file and its reading options, not the mapping.

    A pick re-reads the file with the new mapping; the rows keep their order (by count),
    so the editor stays mounted and keeps every pick made meanwhile.
    """
    digest, kind, order, as_of, _mapping, since, *reading = upload.key
    options = repr((digest, kind, order, as_of, since, *reading)).encode()
    return "map_editor_" + hashlib.sha256(options).hexdigest()[:16]


def _use_buttons(upload: Upload) -> None:
    """'Use attrition / salaries from the file' and 'Use this team in the scenario'."""
    res = upload.result
    a1, a2, a3 = st.columns(3)
    use_rates = a1.checkbox("Use attrition estimated from the file", value=bool(res.attrition))
    use_costs = a2.checkbox("Use median salaries from the file", value=bool(res.annual_cost))
    if a3.button("Use this team in the scenario", type="primary"):
        try:
            scenario = policies.scenario_from_upload(
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
        scenario = policies.default_plan(scenario, trends)
        state.set_base(scenario, reset=True)
        state.mark_team_from_upload()  # the link says where the team came from
        state.set_plan_mode(state.PLAN_RECOMMENDED)
        st.session_state[KEY_APPLIED] = upload.key[0]
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
