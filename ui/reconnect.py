"""A tab reconnected to a new session: its first interaction takes effect.

A tab whose server was restarted (kill -9, a new replica) reconnects to a new session, and
its next interaction is that session's first run. The browser sends every widget's value
with it, the one the user just changed among them; but a new session knows none of its
widgets yet, so Streamlit runs no on_change callback, and the controls bound to the
scenario (``state.bind``) are seeded from the link over the browser's values: the user's
change was ignored (the link itself is kept: ui.state binds its parameters to the address
bar).

So the first run holds the browser's values back (:func:`hold_back`, from ``state.init``),
draws the page from the link as a newly opened tab would, and then hands the values to
Streamlit again as the interaction they are (:func:`replay`, after the page): Streamlit
compares them with what the page drew and runs the callbacks of those that differ, so the
change the user made takes effect, once (a button clicked runs once too), and nothing else
changes. Streamlit 1.67 has no public API for this; the session's widget states are read
through its SessionState, and the rerun is requested as the browser's would be.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

import streamlit as st

KEY_REPLAY = "reconnect_widget_states"


def _session_state_internals() -> Any:
    """Streamlit's SessionState behind st.session_state (None outside a script run)."""
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        return get_session_state()._state
    except (ImportError, AttributeError):  # pragma: no cover - another Streamlit
        return None


def hold_back() -> None:
    """On a session's first run: keep the widget values the browser sent (a reconnected
    tab's; none for a newly opened tab) aside, serialized, and take them out of this run."""
    widgets: Any = getattr(_session_state_internals(), "_new_widget_state", None)
    states = getattr(widgets, "states", None)
    if not states:
        return
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    protos = [widgets.get_serialized(wid) for wid in list(states)]
    held = WidgetStates(widgets=[p for p in protos if p is not None])
    states.clear()
    if held.widgets:
        st.session_state[KEY_REPLAY] = held.SerializeToString()


def pending() -> bool:
    """True while this run holds a reconnected browser's values back."""
    return KEY_REPLAY in st.session_state


def drop() -> None:
    """Forget held values (a later run: the interaction that cut the first short has them)."""
    st.session_state.pop(KEY_REPLAY, None)


_GENERATION = re.compile(r"(?:_\d+)+$")


def _user_key(widget_id: str) -> str:
    """The key a widget was given (``$$ID-<hash>-<key>``), or '' if it had none."""
    return widget_id.split("-", 2)[2] if widget_id.startswith("$$ID-") else ""


def _onto(held: Sequence[Any], drawn: Collection[str]) -> list[Any]:
    """The held values of the widgets this run drew. A table editor's key carries a
    generation (``team_editor_3``: ui.state.editor_key), counted per session, so the new
    session draws it under another key (``team_editor_0``): a held editor value goes to the
    one drawn editor of the same name. Its edits are relative to the same scenario (the
    link's), and an edit already applied changes nothing (ui.state.apply_edit)."""
    drawn_by_name: dict[str, list[str]] = {}
    for wid in drawn:
        key = _user_key(wid)
        if key and _GENERATION.search(key):
            drawn_by_name.setdefault(_GENERATION.sub("", key), []).append(wid)
    taken = {w.id for w in held}
    out = []
    for w in held:
        if w.id not in drawn:
            key = _user_key(w.id)
            match = drawn_by_name.get(_GENERATION.sub("", key), []) if key else []
            if not _GENERATION.search(key) or len(match) != 1 or match[0] in taken:
                continue
            moved = type(w)()
            moved.CopyFrom(w)
            moved.id = match[0]
            taken.add(moved.id)
            w = moved
        out.append(w)
    return out


def replay(before: Callable[[], None] | None = None) -> None:
    """After the first run drew the page: rerun with the held values, for the widgets this
    run drew (never the link's own inputs, whose values are the address bar's), as
    Streamlit reruns for any interaction. `before` runs first, when there is a rerun."""
    held = st.session_state.pop(KEY_REPLAY, None)
    if not held:
        return
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    internals = _session_state_internals()
    drawn = getattr(getattr(internals, "_new_widget_state", None), "widget_metadata", {})
    bound: set[str] = getattr(internals, "_query_param_bound_widget_ids", set())
    states = [w for w in _onto(WidgetStates.FromString(held).widgets, drawn) if w.id not in bound]
    ctx = get_script_run_ctx()
    if not states or ctx is None or ctx.script_requests is None:
        return
    if before is not None:
        before()
    # Queued, the request is taken at the next yield point (any st.* call, session state
    # included): nothing after it but st.rerun(), whose own request is merged with it.
    ctx.script_requests.request_rerun(
        RerunData(
            query_string=ctx.query_string,
            page_script_hash=ctx.page_script_hash,
            widget_states=WidgetStates(widgets=states),
            context_info=ctx.context_info,
        )
    )
    st.rerun()
