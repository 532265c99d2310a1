"""Session state and the shareable link: the one place pages read and write the scenario.

What lives where:
- ``st.session_state`` holds the base scenario, the solver strategy, whether the ML
  engineer plan follows the recommendation or was edited by hand, workshop mode,
  saved scenarios and the current upload (its parsed result only, never the bytes
  on disk).
- The URL holds everything needed to reproduce the numbers on screen: the base
  scenario (compressed JSON, ``?s=``), ``strategy``, ``plan`` and ``workshop``.
  Uploaded files are never put in the URL; only the aggregate numbers the user
  applied to the scenario (headcount per role, rates, costs) are.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import zlib
from pathlib import Path

import streamlit as st

from forecasting.errors import PlannerError, ScenarioError
from forecasting.scenario import Scenario
from forecasting.solver import Strategy

DEFAULT_SCENARIO_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_scenario.json"

PARAM_SCENARIO = "s"
PARAM_STRATEGY = "strategy"
PARAM_PLAN = "plan"
PARAM_WORKSHOP = "workshop"

KEY_BASE = "base_scenario"
KEY_STRATEGY = "strategy"
KEY_PLAN_MODE = "plan_mode"
KEY_WORKSHOP = "workshop"
KEY_SAVED = "saved_scenarios"
KEY_UPLOAD = "upload"
KEY_LINK_ERROR = "link_error"
KEY_NOTICE = "notice"
KEY_FRESH = "fresh_from_link"

PLAN_RECOMMENDED = "recommended"
PLAN_MANUAL = "manual"
PLAN_MODES = (PLAN_RECOMMENDED, PLAN_MANUAL)

#: A link longer than this is refused before decoding (a real scenario is < 1 kB).
MAX_TOKEN_CHARS = 8_000
#: Decompressed JSON larger than this is refused (guards against zip bombs in links).
MAX_JSON_BYTES = 64_000

LINK_ERROR = (
    "The scenario in this link could not be read ({reason}); the sample team is shown "
    "instead. Ask for the link again, or rebuild the scenario on the Team & data page."
)


def encode_scenario(scenario: Scenario) -> str:
    """Return a compact, URL-safe token for a scenario (compressed JSON)."""
    raw = json.dumps(scenario.to_dict(), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode_scenario(token: str) -> Scenario:
    """Parse a token made by :func:`encode_scenario`.

    Raises:
        ScenarioError: the token is truncated, corrupt or describes an invalid scenario.
    """
    if len(token) > MAX_TOKEN_CHARS:
        raise ScenarioError(f"the link is longer than {MAX_TOKEN_CHARS} characters")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if not inflater.eof or inflater.unused_data:
            # A stream cut short (no end, no checksum) or with bytes after its end.
            raise ScenarioError("the link looks cut off or altered")
        if inflater.unconsumed_tail:
            raise ScenarioError("the link's scenario is too large")
    except (binascii.Error, zlib.error, ValueError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError("the link looks cut off or altered") from None
    return Scenario.from_json(raw)


@functools.lru_cache(maxsize=1)
def default_scenario() -> Scenario:
    """The sample team's scenario (data/sample_scenario.json, made by data/make_sample.py)."""
    return Scenario.from_json(DEFAULT_SCENARIO_PATH.read_text(encoding="utf-8"))


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
    if KEY_BASE not in ss:
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
        ss.setdefault(KEY_SAVED, {})
    sync_url()


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


def sync_url() -> None:
    """Write the current scenario, strategy, plan mode and workshop flag into the URL."""
    wanted = {
        PARAM_SCENARIO: encode_scenario(base()),
        PARAM_STRATEGY: strategy(),
        PARAM_PLAN: plan_mode(),
    }
    if workshop():
        wanted[PARAM_WORKSHOP] = "1"
    current = {k: str(v) for k, v in st.query_params.to_dict().items()}
    if current != wanted:
        st.query_params.from_dict(wanted)


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


def notice(message: str) -> None:
    """Queue a one-off success message shown at the top of the next run."""
    st.session_state[KEY_NOTICE] = message


def pop_messages() -> tuple[str | None, str | None]:
    """Return and clear (link error, notice)."""
    ss = st.session_state
    return ss.pop(KEY_LINK_ERROR, None), ss.pop(KEY_NOTICE, None)


FRESH_SESSION = (
    "Opened from a link: the scenario is the link's. Saved comparisons and uploaded files "
    "live only in a browser session and are not in links, so they start empty here (also "
    "after a server restart)."
)


def pop_fresh() -> bool:
    """True once, on the first run of a session that started from a link."""
    return bool(st.session_state.pop(KEY_FRESH, False))


WIDGET_PREFIX = "w_"


def bind(key: str, current: object) -> str:
    """Seed a widget's session key from the scenario (once) and return the key.

    Widgets are created with ``key=bind("w_x", value)`` and no ``value=``; their
    ``on_change`` callback writes back into the scenario. :func:`reset_widgets`
    drops the keys when the scenario is replaced wholesale (restore, upload).
    """
    if not key.startswith(WIDGET_PREFIX):
        raise ValueError(f"widget keys start with {WIDGET_PREFIX!r}: {key}")
    if key not in st.session_state:
        st.session_state[key] = current
    return key


KEY_EDITOR_GENERATION = "editor_generation"


def editor_key(name: str) -> str:
    """The key of a table editor showing part of the scenario (changes on reset).

    A keyed ``st.data_editor`` keeps its cell edits across reruns, even when the table
    it is given changes; edits made before the scenario was replaced (upload applied,
    file restored, saved scenario loaded) would otherwise be re-applied on top of it.
    """
    return f"{name}_{st.session_state.get(KEY_EDITOR_GENERATION, 0)}"


def reset_editors() -> None:
    """Start every table editor afresh from the current scenario (drop pending edits)."""
    ss = st.session_state
    ss[KEY_EDITOR_GENERATION] = ss.get(KEY_EDITOR_GENERATION, 0) + 1


def apply_edit(scenario: Scenario, *, plan_mode: str | None = None) -> None:
    """The one way a table edit lands: the new scenario (and plan mode), every editor
    started afresh from it (so the edit is applied exactly once), and a rerun.

    Args:
        scenario: the edited scenario (already validated).
        plan_mode: also switch the ML engineer plan to this mode, if given.
    """
    set_base(scenario)
    if plan_mode is not None:
        set_plan_mode(plan_mode)
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
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except ImportError:  # pragma: no cover - a future Streamlit without the flag
        pass
    st.rerun()
