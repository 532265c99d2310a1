"""Session state and the shareable link: the one place pages read and write the scenario.

What lives where:
- ``st.session_state`` holds the base scenario, the solver strategy, whether the ML
  engineer plan follows the recommendation or was edited by hand, workshop mode,
  saved scenarios and the current upload (its parsed result only, never the bytes
  on disk).
- The URL holds everything needed to reproduce the numbers on screen: the base
  scenario (compressed JSON, ``?s=``), ``strategy``, ``plan`` and ``workshop``, and
  the saved scenarios of the Compare page (one compressed bundle, ``?c=``), and
  ``team=upload`` while the team is the one applied from an uploaded file.
  Uploaded files are never put in the URL; only the aggregate numbers the user
  applied to the scenario (headcount per role, rates, costs) are. The tokens are
  encoded and parsed in ui.link.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from forecasting.model import policy
from forecasting.model.errors import PlannerError, ScenarioError
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy
from ui import reconnect
from ui.link import (
    MAX_BUNDLE_TOKEN_CHARS,
    MAX_SAVED,
    PLAN_MODES,
    PLAN_RECOMMENDED,
    decode_bundle,
    decode_scenario,
    encode_bundle,
    encode_scenario,
    entry,
    saved_name,
)

# The link's codec, re-exported: pages and tests read the link through this module.
from ui.link import MAX_NAME_CHARS as MAX_NAME_CHARS
from ui.link import MAX_TOKEN_CHARS as MAX_TOKEN_CHARS
from ui.link import PLAN_MANUAL as PLAN_MANUAL
from ui.link import bundle_from_json as bundle_from_json
from ui.link import bundle_json as bundle_json

DEFAULT_SCENARIO_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_scenario.json"

PARAM_SCENARIO = "s"
PARAM_STRATEGY = "strategy"
PARAM_PLAN = "plan"
PARAM_WORKSHOP = "workshop"
PARAM_COMPARE = "c"
#: ``team=upload``: the team (its headcount) was applied from an uploaded file. The file
#: is never in the link; this says only where the team came from, so a session started
#: from the link (a restart, a new tab) can say the file was not kept.
PARAM_TEAM = "team"
TEAM_FROM_UPLOAD = "upload"

KEY_BASE = "base_scenario"
KEY_STRATEGY = "strategy_value"
KEY_PLAN_MODE = "plan_mode"
KEY_WORKSHOP = "workshop_on"
KEY_SAVED = "saved_scenarios"
KEY_UPLOAD = "upload"
KEY_LINK_ERROR = "link_error"
KEY_NOTICE = "notice"
KEY_FRESH = "fresh_from_link"
#: The headcount of the team last applied from an uploaded file (while it is still the
#: scenario's, the team is "from an upload").
KEY_TEAM_FROM_UPLOAD = "team_from_upload"

LINK_ERROR = (
    "The scenario in this link could not be read ({reason}); the sample team is shown "
    "instead. Ask for the link again, or rebuild the scenario on the Team & data page."
)


@functools.lru_cache(maxsize=1)
def default_scenario() -> Scenario:
    """The sample team's scenario (data/sample_scenario.json, made by data/make_sample.py)."""
    return Scenario.from_json(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))


def is_sample_team(scenario: Scenario) -> bool:
    """True while the team on screen is the built-in sample's (its headcount)."""
    return scenario.headcount == default_scenario().headcount


def has_sample_plan(scenario: Scenario) -> bool:
    """True when `scenario` still carries the sample team's plan (policies and starts)."""
    sample = default_scenario()
    return (
        scenario.hiring_policy == sample.hiring_policy
        and scenario.planned_starts == sample.planned_starts
    )


def _query_value(name: str) -> str | None:
    value = st.query_params.get(name)
    return None if value is None else str(value)


def init() -> None:
    """Initialise the session from the URL (first run only), then keep the URL in sync."""
    ss = st.session_state
    ss[KEY_RESEED_NOW] = ss.pop(KEY_RESEED, False)
    if KEY_BASE in ss:
        reconnect.drop()  # a first run cut short by a newer interaction: it has them
    else:
        reconnect.hold_back()
        token = _query_value(PARAM_SCENARIO)
        base = None
        if token:
            try:
                base = decode_scenario(token)
            except PlannerError as exc:
                ss[KEY_LINK_ERROR] = LINK_ERROR.format(reason=str(exc))
        ss[KEY_BASE] = base if base is not None else default_scenario()
        # A session that starts from a link (a new tab, or after a server restart or a
        # move to another replica) has only what the link holds: say so once.
        ss[KEY_FRESH] = base is not None
        strategy = _query_value(PARAM_STRATEGY)
        ss[KEY_STRATEGY] = strategy if strategy in {s.value for s in Strategy} else "even"
        plan = _query_value(PARAM_PLAN)
        ss[KEY_PLAN_MODE] = plan if plan in PLAN_MODES else PLAN_RECOMMENDED
        ss[KEY_WORKSHOP] = _query_value(PARAM_WORKSHOP) in {"1", "true", "on"}
        if base is not None and _query_value(PARAM_TEAM) == TEAM_FROM_UPLOAD:
            ss[KEY_TEAM_FROM_UPLOAD] = base.headcount
        ss.setdefault(KEY_SAVED, _saved_from_link())
    sync_url()


def replay_browser_values() -> None:
    """After a session's first run: a reconnected tab's first interaction takes effect
    (ui.reconnect); the first screen's notes stay for the run that replaces this one."""

    def keep_fresh() -> None:
        ss = st.session_state
        ss[KEY_RESEED] = True
        if KEY_FRESH_SHOWN in ss:
            ss[KEY_FRESH] = ss.pop(KEY_FRESH_SHOWN)

    reconnect.replay(before=keep_fresh)


def reset_to_sample(reason: str) -> None:
    """Start the session on the sample team after a failed set-up, saying why."""
    ss = st.session_state
    ss[KEY_BASE] = default_scenario()
    ss[KEY_STRATEGY] = "even"
    ss[KEY_PLAN_MODE] = PLAN_RECOMMENDED
    ss.setdefault(KEY_WORKSHOP, False)
    ss.setdefault(KEY_SAVED, {})
    ss[KEY_LINK_ERROR] = LINK_ERROR.format(reason=reason)
    sync_url()


#: The link's parameters. Each is also a hidden text input bound to the address bar
#: (``bind="query-params"``, :func:`link_widgets`): Streamlit's browser code keeps a bound
#: parameter in the URL when the user switches pages and drops every other one. A tab whose
#: server was restarted (kill -9, a new replica) reaches a new session with its next click;
#: when that click is on a page link, only bound parameters travel with it, so without the
#: binding the new session saw an empty query string, started on the sample team and wrote
#: the sample's link over the user's.
LINK_PARAMS = (
    PARAM_SCENARIO,
    PARAM_STRATEGY,
    PARAM_PLAN,
    PARAM_WORKSHOP,
    PARAM_COMPARE,
    PARAM_TEAM,
)
#: The container holding the bound inputs (hidden: ``.st-key-<key>``).
LINK_CONTAINER = "planner_link"


def link_values() -> dict[str, str]:
    """What the link should hold now: parameter -> value (absent when empty)."""
    wanted = {
        PARAM_SCENARIO: encode_scenario(base()),
        PARAM_STRATEGY: strategy(),
        PARAM_PLAN: plan_mode(),
    }
    if workshop():
        wanted[PARAM_WORKSHOP] = "1"
    if saved():
        wanted[PARAM_COMPARE] = encode_bundle(saved())
    if team_from_upload_marked():
        wanted[PARAM_TEAM] = TEAM_FROM_UPLOAD
    return wanted


def sync_url() -> None:
    """Write the current scenario, strategy, plan mode and workshop flag into the URL.

    A parameter already bound to its hidden input (every run after a session's first) is
    written by :func:`link_widgets` at the end of the run instead; parameters the link does
    not know are dropped.
    """
    wanted = link_values()
    params = st.query_params
    for key in [k for k in params.to_dict() if k not in wanted]:
        with contextlib.suppress(StreamlitAPIException):  # bound: link_widgets clears it
            del params[key]
    for key, value in wanted.items():
        if params.get(key) != value:
            with contextlib.suppress(StreamlitAPIException):  # bound: link_widgets writes it
                params[key] = value


KEY_LINK_SHOWN = "link_shown"


def link_widgets() -> None:
    """The link's parameters as hidden inputs bound to the address bar, in the sidebar.

    Call once per run, before the page: drawn first, they are on screen whatever the page
    does (``st.stop()`` ends a run without drawing what follows, and an input missing from
    a run loses its binding). A change the page makes to the link while it runs reaches
    the address bar through :func:`relink`.
    """
    wanted = link_values()
    ss = st.session_state
    ss[KEY_LINK_SHOWN] = wanted
    with st.sidebar:
        st.html(f"<style>.st-key-{LINK_CONTAINER} {{display: none;}}</style>")
        with st.container(key=LINK_CONTAINER, border=False):
            for key in LINK_PARAMS:
                value = wanted.get(key, "")
                if ss.get(key) != value:
                    ss[key] = value
                st.text_input(
                    f"link parameter {key}",
                    key=key,
                    bind="query-params",
                    label_visibility="collapsed",
                )


def relink() -> None:
    """After the page: when it changed the link while it ran (a scenario saved for Compare),
    run again so the bound inputs, and so the address bar, hold the new link."""
    if st.session_state.get(KEY_LINK_SHOWN) != link_values():
        st.rerun()


def base() -> Scenario:
    """The scenario the user has built (ML engineer starts as entered by hand)."""
    return st.session_state[KEY_BASE]


def set_base(scenario: Scenario, *, reset: bool = False) -> None:
    """Replace the scenario and update the link.

    Args:
        scenario: the new base scenario.
        reset: also forget widget values (when the whole scenario was replaced).
    """
    st.session_state[KEY_BASE] = scenario
    if reset:
        reset_widgets()
    sync_url()


def strategy() -> str:
    return st.session_state[KEY_STRATEGY]


def set_strategy(value: str) -> None:
    st.session_state[KEY_STRATEGY] = Strategy(value).value
    sync_url()


def plan_mode() -> str:
    return st.session_state[KEY_PLAN_MODE]


def set_plan_mode(value: str) -> None:
    if value not in PLAN_MODES:
        raise ValueError(value)
    st.session_state[KEY_PLAN_MODE] = value
    sync_url()


def workshop() -> bool:
    return bool(st.session_state.get(KEY_WORKSHOP, False))


def set_workshop(value: bool) -> None:
    st.session_state[KEY_WORKSHOP] = bool(value)
    sync_url()


def saved() -> dict[str, dict]:
    """Saved scenarios: name -> {"scenario": Scenario, "strategy": str, "plan": str}."""
    return st.session_state.setdefault(KEY_SAVED, {})


# --------------------------------------------------------------------------- saved scenarios
# The Compare page's saved scenarios travel in the link as one bundle, ?c= (ui.link).

#: The Compare page's name for the scenario on screen when it is not saved.
CURRENT = "Current (unsaved)"

COMPARE_LINK_ERROR = (
    "The saved scenarios in this link could not be read ({reason}); the comparison starts "
    "empty. Ask for the link again, or restore a downloaded comparison file on the Compare page."
)


def current_entry() -> dict:
    """The record of the scenario on screen (as it would be saved)."""
    return entry(base(), strategy(), plan_mode())


def saved_as(record: Mapping) -> str | None:
    """The name `record` is saved under (same scenario, strategy and plan mode), or None."""
    for name, e in saved().items():
        if (e["scenario"], e["strategy"], e["plan"]) == (
            record["scenario"],
            record["strategy"],
            record["plan"],
        ):
            return name
    return None


def compare_options() -> list[str]:
    """What the Compare page offers: the saved names, then CURRENT unless it is saved."""
    names = list(saved())
    return names if saved_as(current_entry()) is not None else [*names, CURRENT]


def compared_entry(name: str) -> dict:
    """The record of an option of :func:`compare_options`."""
    return current_entry() if name == CURRENT else saved()[name]


def save_current(name: str) -> str:
    """Save the scenario on screen under `name` (cleaned), update the link; return the name.

    Raises:
        ScenarioError: no name, too many saved, already saved under another name, or the
            link would grow past MAX_BUNDLE_TOKEN_CHARS; the message says what to do.
    """
    clean = saved_name(name)
    store = saved()
    if not clean:
        raise ScenarioError("Give the scenario a name.")
    if clean not in store and len(store) >= MAX_SAVED:
        raise ScenarioError(f"At most {MAX_SAVED} saved scenarios: delete one first.")
    record = current_entry()
    same = saved_as(record)
    if same is not None and same != clean:
        raise ScenarioError(f"This scenario is already saved as “{same}”.")
    candidate = {**store, clean: record}
    if len(encode_bundle(candidate)) > MAX_BUNDLE_TOKEN_CHARS:
        raise ScenarioError(
            "The link cannot hold another scenario this different: delete a saved one, or "
            "keep this comparison as a file (Download comparison)."
        )
    store[clean] = record
    sync_url()
    return clean


def delete_saved(name: str) -> None:
    """Forget a saved scenario and update the link."""
    saved().pop(name, None)
    sync_url()


def replace_saved(records: dict[str, dict]) -> None:
    """Make `records` (from :func:`parse_bundle`) the saved scenarios; update the link."""
    st.session_state[KEY_SAVED] = dict(records)
    sync_url()


def _saved_from_link() -> dict[str, dict]:
    """The saved scenarios of the link's ?c= (empty, with the reason queued, if unreadable)."""
    token = _query_value(PARAM_COMPARE)
    if not token:
        return {}
    try:
        return decode_bundle(token)
    except PlannerError as exc:
        ss = st.session_state
        message = COMPARE_LINK_ERROR.format(reason=str(exc))
        ss[KEY_LINK_ERROR] = f"{ss[KEY_LINK_ERROR]} {message}" if KEY_LINK_ERROR in ss else message
        return {}


def notice(message: str) -> None:
    """Queue a one-off success message shown at the top of the next run."""
    st.session_state[KEY_NOTICE] = message


def pop_messages() -> tuple[str | None, str | None]:
    """Return and clear (link error, notice)."""
    ss = st.session_state
    return ss.pop(KEY_LINK_ERROR, None), ss.pop(KEY_NOTICE, None)


FRESH_SESSION = (
    "Opened from a link: its scenario and comparison. Uploaded files are never in links."
)


#: Said (as the issue asks) when a session from a link has a team that came from a file.
NOT_KEPT = "the uploaded file was not kept across the restart; drop it again"
UPLOAD_NOT_KEPT = (
    "This team came from an uploaded file with history (its data-science plan follows the "
    f"file's projection). Files are never in links, so {NOT_KEPT} on Team & data to see "
    "its history (a new tab opened from this link has no file either)."
)
SNAPSHOT_NOT_KEPT = (
    "This team came from an uploaded file; the team and its numbers are the link's. Files "
    f"are never in links, so {NOT_KEPT} on Team & data to see what was read from it (a "
    "new tab opened from this link has no file either)."
)


def from_uploaded_history(scenario: Scenario) -> bool:
    """True when `scenario` is not the sample team and follows a projection of history:
    its team came from an uploaded history, which a link never carries."""
    return not is_sample_team(scenario) and any(
        p.source.startswith(policy.PROJECTION_SOURCE) for p in scenario.hiring_policy
    )


def mark_team_from_upload() -> None:
    """The scenario's team was just applied from an uploaded file: say so in the link."""
    st.session_state[KEY_TEAM_FROM_UPLOAD] = base().headcount
    sync_url()


def team_from_upload_marked() -> bool:
    """True while the scenario's team is the one last applied from an uploaded file (a hand
    edit of the headcount, a restored file or the sample make it another team)."""
    return st.session_state.get(KEY_TEAM_FROM_UPLOAD) == base().headcount


def upload_not_kept() -> str | None:
    """What the first screen of a session says when its team came from an uploaded file
    that this session does not hold (started from a link: a restart, a new tab), or None."""
    if st.session_state.get(KEY_UPLOAD) is not None:
        return None
    if from_uploaded_history(base()):
        return UPLOAD_NOT_KEPT
    return SNAPSHOT_NOT_KEPT if team_from_upload_marked() else None


KEY_FRESH_SHOWN = "fresh_from_link_shown"


def pop_fresh() -> bool:
    """True once, on the first run of a session that started from a link (and again on
    the run that replays a reconnected browser's values, which replaces it)."""
    ss = st.session_state
    fresh = bool(ss.pop(KEY_FRESH, False))
    if fresh and reconnect.pending():
        ss[KEY_FRESH_SHOWN] = True
    else:
        ss.pop(KEY_FRESH_SHOWN, None)
    return fresh


WIDGET_PREFIX = "w_"


KEY_BOUND = "bound_values"
#: The run after a reconnected tab's values were replayed (ui.reconnect) seeds every
#: bound widget whose scenario value changed, even one already holding it: the first run
#: drew the link's values, so the browser shows those until told otherwise.
KEY_RESEED = "reseed_bound_widgets"
KEY_RESEED_NOW = "reseed_bound_widgets_now"


def bind(key: str, current: object) -> str:
    """Seed a widget's session key from the scenario and return the key.

    Widgets are created with ``key=bind("w_x", value)`` and no ``value=``; their
    ``on_change`` callback writes back into the scenario. The key is seeded again
    whenever the scenario's value differs from the one it was last seeded with, so a
    control follows a change made elsewhere (a table edit, the workshop bar) without
    its key being dropped mid-session. :func:`reset_widgets` drops the keys when the
    scenario is replaced wholesale (restore, upload).

    A widget already holding the scenario's value is not seeded again: a value set by the
    script is sent to the browser as one to show, and a run drawing it late (the runs
    before it interrupted by newer values of a slider walked with the keyboard) would put
    the slider back under the user's next key press, which was then lost. The exception
    is the run after a reconnected tab's values were replayed (``KEY_RESEED_NOW``): the
    browser still shows what the first run drew from the link.
    """
    if not key.startswith(WIDGET_PREFIX):
        raise ValueError(f"widget keys start with {WIDGET_PREFIX!r}: {key}")
    seeded = st.session_state.setdefault(KEY_BOUND, {})
    if key not in st.session_state or (
        seeded.get(key, current) != current
        and (st.session_state[key] != current or st.session_state.get(KEY_RESEED_NOW, False))
    ):
        st.session_state[key] = current
    seeded[key] = current
    return key


KEY_EDITOR_GENERATION = "editor_generation"


def editor_key(name: str) -> str:
    """The key of a table editor showing part of the scenario (changes on reset).

    A keyed, fixed-rows ``st.data_editor`` keeps its cell edits (``edited_rows``) across
    reruns, even when the table it is given changes. That is what keeps typing intact: an
    editor whose own edit was applied (``apply_edit(..., keep_editors=True)``) stays
    mounted under the same key, so cells typed while the app reruns are not lost; the page
    compares the returned table with the scenario each run, so an edit already applied
    changes nothing. When the scenario is replaced from elsewhere (upload applied, file
    restored, saved scenario loaded, another table's edit) :func:`reset_editors` changes
    every key, and old edits are never re-applied on top of the new scenario.
    """
    return f"{name}_{st.session_state.get(KEY_EDITOR_GENERATION, 0)}"


def reset_editors() -> None:
    """Start every table editor afresh from the current scenario (drop pending edits)."""
    ss = st.session_state
    ss[KEY_EDITOR_GENERATION] = ss.get(KEY_EDITOR_GENERATION, 0) + 1


def apply_edit(
    scenario: Scenario, *, plan_mode: str | None = None, keep_editors: bool = False
) -> None:
    """The one way a table edit lands: the new scenario (and plan mode), and a rerun.

    Args:
        scenario: the edited scenario (already validated).
        plan_mode: also switch the ML engineer plan to this mode, if given.
        keep_editors: the edit was typed into an editor that already shows it, and the
            page re-derives its changes from that editor's returned table every run (so
            applying them again changes nothing): keep every editor mounted with its key,
            so what the user types while the app reruns is kept. Nothing happens when
            the scenario and plan mode are unchanged (no rerun loop). Without it every
            editor starts afresh from the new scenario (the edit is applied exactly once
            because the editor that carried it is gone).
    """
    same_mode = plan_mode in (None, st.session_state.get(KEY_PLAN_MODE))
    if keep_editors and same_mode and scenario == base():
        return
    set_base(scenario)
    if plan_mode is not None:
        set_plan_mode(plan_mode)
    if not keep_editors:
        reset_editors()
    st.rerun()


def reset_widgets() -> None:
    """Forget every bound widget value and editor edit so they re-read the (new) scenario."""
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]
    reset_editors()


def require_app() -> None:
    """Make sure the page runs inside app.py (navigation, session, link), not on its own.

    Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until
    ``st.navigation`` has run once in the process, so the very first request of a
    fresh server that opens a page's URL directly (``/plan?s=...``) would run that
    page file without app.py. Each page calls this first: it switches the process to
    ``st.navigation`` mode and reruns, so app.py initialises the session and routes
    to the same URL.
    """
    if KEY_BASE in st.session_state:
        return
    # A reconnected tab's values would be dropped by this rerun (no widget knows them yet):
    # held for app.py's run, which replays them (ui.reconnect).
    reconnect.hold_back()
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except ImportError:  # pragma: no cover - a future Streamlit without the flag
        pass
    st.rerun()
