"""Session state and the shareable link: ``?s=`` encoding, reproducing a session from its
URL in a fresh AppTest, refusing corrupt links, and the strategy/plan/workshop params."""

from __future__ import annotations

import base64
import contextlib
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.model.errors import ScenarioError
from forecasting.model.scenario import Scenario
from ui import state


def raw_token(payload: bytes) -> str:
    """A token in the link's format (zlib + URL-safe base64) around arbitrary bytes."""
    return base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")


def plan_table(at):
    """The Hiring plan's by-month table of the ML engineer plan."""
    return next(e for e in at.data_editor if e.key.startswith("plan_editor")).value


def link_of(at) -> dict[str, str]:
    """The query parameters a user would copy from the address bar."""
    return {k: str(v) for k, v in at.query_params.items()}


# --------------------------------------------------------------------------- encode / decode


def test_encode_decode_round_trip(sample_scenario):
    assert state.decode_scenario(state.encode_scenario(sample_scenario)) == sample_scenario


def test_token_is_url_safe_and_short(sample_scenario):
    token = state.encode_scenario(sample_scenario)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(token) < 2_000


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t[: len(t) // 2],
        lambda t: t[:-7],
        lambda t: t[:40] + ("A" if t[40] != "A" else "B") + t[41:],
        lambda t: "not a link at all!",
        lambda t: t + "x",
        lambda t: raw_token(b"[1, 2, 3]"),
        lambda t: raw_token(b'{"headcount": {"data_scientist": -3}}'),
        lambda t: raw_token(b"\xff\xfe not utf-8"),
        lambda t: raw_token(b" " * 1_000_000),
        lambda t: "A" * (state.MAX_TOKEN_CHARS + 1),
    ],
    ids=[
        "half",
        "truncated",
        "one-char-altered",
        "not-base64",
        "extra-char",
        "json-not-object",
        "invalid-scenario",
        "not-utf8",
        "zip-bomb",
        "too-long",
    ],
)
def test_decode_refuses_corrupt_tokens_with_scenario_error(sample_scenario, make):
    with pytest.raises(ScenarioError):
        state.decode_scenario(make(state.encode_scenario(sample_scenario)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
scenario_like = st.fixed_dictionaries(
    {"headcount": json_values},
    optional={
        k: json_values for k in ("target", "planned_starts", "capacity", "horizon_months", "paths")
    },
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(scenario_like)
def test_decode_of_any_json_returns_a_scenario_or_scenario_error(data):
    with contextlib.suppress(ScenarioError):  # anything else fails the test
        state.decode_scenario(raw_token(json.dumps(data).encode()))


# --------------------------------------------------------------------------- links in the app


@pytest.fixture(scope="module")
def shared_session(app, token, fast_scenario):
    """A session that changed the target and strategy; its metrics and its link."""
    at = app("plan", query={"s": token(fast_scenario)})
    at.slider(key="w_target_k").set_value(5.0).run()
    at.radio(key="w_strategy").set_value("front_loaded").run()
    plan_metrics = {m.label: m.value for m in at.metric}
    at.switch_page("pages/overview.py").run()
    overview_metrics = {m.label: m.value for m in at.metric}
    return link_of(at), overview_metrics, plan_metrics


@pytest.mark.slow
def test_link_reproduces_overview_numbers(app, ui, shared_session):
    link, overview_metrics, _ = shared_session
    at = app(query=link)
    assert ui.problems(at) == []
    assert ui.metrics(at) == overview_metrics


@pytest.mark.slow
def test_link_reproduces_hiring_plan_numbers(app, ui, shared_session):
    link, _, plan_metrics = shared_session
    at = app("plan", query=link)
    assert ui.problems(at) == []
    assert ui.metrics(at) == plan_metrics
    assert at.slider(key="w_target_k").value == 5.0
    assert at.radio(key="w_strategy").value == "front_loaded"


@pytest.mark.slow
def test_link_reproduces_a_hand_edited_plan(app, ui, token, fast_scenario):
    at = app("plan", query={"s": token(fast_scenario)})
    ui.edit_table(at, "plan_editor", {3: {"planned": 2}, 20: {"planned": 1}})
    planned = list(plan_table(at)["planned"])
    shown = ui.metrics(at)
    fresh = app("plan", query=link_of(at))
    assert fresh.session_state[state.KEY_PLAN_MODE] == "manual"
    assert list(plan_table(fresh)["planned"]) == planned
    assert ui.metrics(fresh) == shown


def test_link_holds_the_scenario_and_plan_params(app, token, fast_scenario):
    at = app(query={"s": token(fast_scenario)})
    link = link_of(at)
    assert set(link) == {"s", "strategy", "plan"}
    assert state.decode_scenario(link["s"]) == fast_scenario
    assert (link["strategy"], link["plan"]) == ("even", "recommended")


@pytest.mark.slow
def test_strategy_plan_and_workshop_params_round_trip(app, ui):
    at = app(query={"strategy": "just_in_time", "plan": "manual", "workshop": "1"})
    assert ui.problems(at) == []
    ss = at.session_state
    assert (ss[state.KEY_STRATEGY], ss[state.KEY_PLAN_MODE], ss[state.KEY_WORKSHOP]) == (
        "just_in_time",
        "manual",
        True,
    )
    link = link_of(at)
    assert (link["strategy"], link["plan"], link["workshop"]) == ("just_in_time", "manual", "1")
    assert at.toggle(key="workshop_toggle").value is True


def test_turning_workshop_mode_off_removes_it_from_the_link(app):
    at = app(workshop=True)
    at.toggle(key="workshop_toggle").set_value(False).run()
    assert at.session_state[state.KEY_WORKSHOP] is False
    assert "workshop" not in link_of(at)


@pytest.mark.slow
def test_unknown_strategy_and_plan_params_fall_back_to_defaults(app, ui):
    at = app(query={"strategy": "yolo", "plan": "<script>"})
    assert ui.problems(at) == []
    assert (at.session_state[state.KEY_STRATEGY], at.session_state[state.KEY_PLAN_MODE]) == (
        "even",
        "recommended",
    )
    assert link_of(at)["strategy"] == "even"


@pytest.mark.slow
@pytest.mark.parametrize(
    "corrupt",
    [lambda t: t[:-9], lambda t: t[:30] + "%%%" + t[33:], lambda t: "garbage"],
    ids=["truncated", "altered", "garbage"],
)
def test_corrupt_link_shows_error_and_falls_back_to_the_sample_team(
    app, ui, token, sample_scenario, corrupt
):
    changed = sample_scenario.replace(headcount={"data_scientist": 12, "ml_engineer": 4})
    at = app(query={"s": corrupt(token(changed)), "strategy": "front_loaded"})
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("The scenario in this link could not be read")
    assert "the sample team is shown instead" in errors[0]
    assert at.session_state[state.KEY_BASE] == sample_scenario
    assert ui.metrics(at)["Today's ratio (MLE : DS)"] == "1:10"
    assert state.decode_scenario(link_of(at)["s"]) == sample_scenario  # the link is repaired
    at.run()
    assert not at.error  # said once, not on every rerun


@pytest.mark.slow
def test_restoring_a_scenario_file_replaces_the_scenario_and_link(app, ui, sample_scenario):
    restored = sample_scenario.replace(
        target={"ds_per_mle": 7.0, "deadline_month": 12, "confidence": 0.9}
    )
    at = app("plan")
    at.file_uploader(key="scenario_upload").set_value(
        ("scenario.json", restored.to_json().encode(), "application/json")
    ).run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE] == restored
    assert state.decode_scenario(link_of(at)["s"]) == restored
    assert at.slider(key="w_target_k").value == 7.0  # widgets re-read the scenario


@pytest.mark.slow
def test_a_bad_scenario_file_is_refused_and_changes_nothing(app, sample_scenario):
    at = app("plan")
    at.file_uploader(key="scenario_upload").set_value(
        ("scenario.json", b'{"headcount": {"data_scientist": "many"}}', "application/json")
    ).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Scenario not restored")
    assert at.session_state[state.KEY_BASE] == sample_scenario


@pytest.mark.slow
def test_state_survives_page_switches(app, ui, token, fast_scenario):
    at = app("plan", query={"s": token(fast_scenario)})
    at.slider(key="w_target_k").set_value(8.0).run()
    for page in ("team", "forecast", "capacity", "compare", "overview"):
        ui.goto(at, page)
    assert at.session_state[state.KEY_BASE].target.ds_per_mle == 8.0
    assert ui.metrics(at)["Target"] == "1:8"
    ui.goto(at, "plan")
    assert at.slider(key="w_target_k").value == 8.0


def test_scenario_from_link_is_a_valid_scenario(token, fast_scenario):
    assert isinstance(state.decode_scenario(token(fast_scenario)), Scenario)
