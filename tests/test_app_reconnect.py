"""A tab reconnected to a new session (issue 22 item 4, after a server restart): the first
interaction reaches a session that never drew the page, with every widget's value from the
browser. The change the user made in it must take effect, and nothing else may change.

AppTest: one session draws the page from a link and the user moves a control (not run);
the browser's widget values then start a new session of the same link (a restarted
server), as a reconnected tab's first message does."""

from __future__ import annotations

import json

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
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


def test_a_table_edit_made_first_after_a_restart_takes_effect(app):
    """A table editor's key carries a per-session generation (state.editor_key): the old
    session's editor (team_editor_3) is drawn as team_editor_0 by the new one, so the edit
    went nowhere. It is replayed onto the editor of the same name."""
    query = {"s": own_token()}
    before = app("team", query=query)
    before.session_state[state.KEY_EDITOR_GENERATION] = 3  # tables restarted three times
    before.run()
    (editor,) = [e for e in before.data_editor if e.key == "team_editor_3"]
    edit = WidgetState(id=editor.id)
    edit.string_value = json.dumps(
        {"edited_rows": {"1": {"headcount": 45}}, "added_rows": [], "deleted_rows": []}
    )
    states = before._tree.get_widget_states()
    kept = [w for w in states.widgets if w.id != editor.id]
    after = AppTest.from_file(APP, default_timeout=TIMEOUT)
    after.query_params.update(query)
    after.switch_page("pages/team.py")
    after._run(WidgetStates(widgets=[*kept, edit]))
    assert after.session_state[state.KEY_BASE].headcount_of("data_scientist") == 45
    assert decode_scenario(after.query_params["s"]).headcount_of("data_scientist") == 45
