"""A tab reconnected to a new session (issue 22 item 4, after a server restart): the first
interaction reaches a session that never drew the page, with every widget's value from the
browser. The change the user made in it must take effect, and nothing else may change.

AppTest: one session draws the page from a link and the user moves a control (not run);
the browser's widget values then start a new session of the same link (a restarted
server), as a reconnected tab's first message does."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from forecasting.model.scenario import Scenario
from tests.conftest import APP, TIMEOUT
from ui import state
from ui.link import decode_scenario, encode_scenario

pytestmark = pytest.mark.slow


def own_token() -> str:
    data = state.default_scenario().to_dict()
    data["headcount"]["data_scientist"] = 41
    return encode_scenario(Scenario.from_dict(data))


def reconnected(before: AppTest, query: dict[str, str]) -> AppTest:
    """A new session of `query` whose first run carries `before`'s widget values."""
    after = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        after.query_params[key] = value
    return after._run(before._tree.get_widget_states())


def test_a_control_moved_first_after_a_restart_takes_effect(app, ui):
    query = {"s": own_token(), "workshop": "1"}
    before = app(query=query)
    k = before.session_state[state.KEY_BASE].target.ds_per_mle
    moved = k + 1.5
    before.slider(key="w_target_k").set_value(moved)
    after = reconnected(before, query)
    assert ui.problems(after) == []
    base = after.session_state[state.KEY_BASE]
    assert base.target.ds_per_mle == moved  # the user's change, applied
    assert after.slider(key="w_target_k").value == moved
    # ... and nothing else: the team and the other controls are the link's.
    own = decode_scenario(query["s"])
    assert base.replace(target=own.target) == own
    assert decode_scenario(after.query_params["s"]).target.ds_per_mle == moved
    # The new session still says what it started from.
    assert any(state.FRESH_SESSION in c.value for c in after.caption)


def test_a_toggle_with_a_callback_moved_first_after_a_restart_takes_effect(app):
    query = {"s": own_token()}
    before = app(query=query)
    before.toggle(key="workshop_toggle").set_value(True)
    after = reconnected(before, query)
    assert after.session_state[state.KEY_WORKSHOP] is True
    assert after.query_params["workshop"] == "1"
    assert decode_scenario(after.query_params["s"]) == decode_scenario(query["s"])


def test_a_reconnect_with_nothing_changed_changes_nothing(app):
    query = {"s": own_token(), "workshop": "1"}
    before = app(query=query)
    after = reconnected(before, query)
    assert after.session_state[state.KEY_BASE] == decode_scenario(query["s"])
    assert after.query_params["s"] == query["s"]
