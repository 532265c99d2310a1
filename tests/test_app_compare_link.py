"""Saved scenarios in the link (?c=) and in a comparison file: the bundle's round trip, its
caps, refusing bad tokens and files with a clear error (never a traceback), user names
cleaned; and in the app, a fresh session opened from the link shows the same comparison."""

from __future__ import annotations

import base64
import contextlib
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.model.errors import ScenarioError
from ui import state
from ui.text import md_escape


def raw_token(payload: bytes) -> str:
    """A token in the link's format (zlib + URL-safe base64) around arbitrary bytes."""
    return base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")


def variants(scenario, n: int) -> dict[str, dict]:
    """`n` saved records of one team with different targets and strategies."""
    strategies = ["even", "front_loaded", "just_in_time", "fewest"]
    out = {}
    for i in range(n):
        target = {**scenario.target.to_dict(), "ds_per_mle": 5 + 0.25 * i, "deadline_month": 12 + i}
        sc = scenario.replace(target=target)
        out[f"Variant {i}: 1:{5 + 0.25 * i:g}"] = state.entry(sc, strategies[i % 4], "recommended")
    return out


def bundle_bytes(items: list) -> bytes:
    return json.dumps({"version": 1, "scenarios": items}).encode()


# --------------------------------------------------------------------------- the bundle


def test_a_bundle_round_trips_names_scenarios_strategies_and_plans(sample_scenario):
    records = variants(sample_scenario, 3)
    records["Manual"] = state.entry(sample_scenario, "even", state.PLAN_MANUAL)
    assert state.decode_bundle(state.encode_bundle(records)) == records
    assert state.bundle_from_json(state.bundle_json(records)) == records


def test_the_bundle_is_the_documented_json(sample_scenario):
    records = {"A": state.entry(sample_scenario, "fewest", "manual")}
    data = json.loads(state.bundle_json(records))
    assert data == {
        "version": 1,
        "scenarios": [
            {
                "name": "A",
                "scenario": sample_scenario.to_dict(),
                "strategy": "fewest",
                "plan": "manual",
            }
        ],
    }


def test_twelve_saved_variants_fit_a_link_with_room_to_spare(sample_scenario):
    token = state.encode_bundle(variants(sample_scenario, state.MAX_SAVED))
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert len(token) < state.MAX_BUNDLE_TOKEN_CHARS // 3


def item(scenario, **changes) -> dict:
    return {"name": "A", "scenario": scenario.to_dict(), **changes}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t, s: t[: len(t) // 2], "cut off or altered"),
        (lambda t, s: t[:40] + ("A" if t[40] != "A" else "B") + t[41:], "cut off or altered"),
        (lambda t, s: "not a link at all!", "cut off or altered"),
        (lambda t, s: "A" * (state.MAX_BUNDLE_TOKEN_CHARS + 1), "longer than"),
        (lambda t, s: raw_token(b" " * 2_000_000), "too large|cut off"),
        (lambda t, s: raw_token(b"[1, 2, 3]"), "expected an object"),
        (lambda t, s: raw_token(b'{"version": 2, "scenarios": []}'), "version"),
        (lambda t, s: raw_token(b'{"version": true, "scenarios": []}'), "version"),
        (lambda t, s: raw_token(b'{"version": 1, "scenarios": {}}'), "a list"),
        (lambda t, s: raw_token(b'{"version": 1, "scenarios": [], "x": 1}'), "comparison.x"),
        (lambda t, s: raw_token(bundle_bytes([item(s)] * 13)), "at most 12"),
        (lambda t, s: raw_token(bundle_bytes([item(s), item(s)])), "used twice"),
        (lambda t, s: raw_token(bundle_bytes([item(s, name="  ")])), "scenarios[0].name"),
        (lambda t, s: raw_token(bundle_bytes([item(s, strategy="x")])), "scenarios[0].strategy"),
        (lambda t, s: raw_token(bundle_bytes([item(s, plan="x")])), "scenarios[0].plan"),
        (lambda t, s: raw_token(bundle_bytes([item(s, extra=1)])), "scenarios[0].extra"),
        (lambda t, s: raw_token(bundle_bytes([{"name": "A"}])), "scenarios[0].scenario"),
        (
            lambda t, s: raw_token(bundle_bytes([{"name": "A", "scenario": {"headcount": -1}}])),
            "scenarios[0].scenario: headcount",
        ),
        (lambda t, s: raw_token(s.to_json().encode()), "single scenario file"),
        (lambda t, s: raw_token(b"\xff\xfe not utf-8"), "comparison"),
        (lambda t, s: raw_token(b"[" * 50 + b"]" * 50), "nested"),
    ],
    ids=[
        "half",
        "one-char-altered",
        "not-base64",
        "too-long",
        "zip-bomb",
        "not-an-object",
        "version-2",
        "version-true",
        "scenarios-not-a-list",
        "unknown-key",
        "thirteen",
        "duplicate-names",
        "blank-name",
        "bad-strategy",
        "bad-plan",
        "unknown-item-key",
        "no-scenario",
        "invalid-scenario",
        "a-scenario-file",
        "not-utf8",
        "deeply-nested",
    ],
)
def test_decode_refuses_bad_bundles_with_a_message_naming_the_fault(sample_scenario, make, message):
    token = state.encode_bundle({"A": state.entry(sample_scenario, "even", "recommended")})
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        state.decode_bundle(make(token, sample_scenario))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries(
        {"version": st.just(1) | json_values},
        optional={
            "scenarios": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "name": json_values,
                        "scenario": json_values,
                        "strategy": json_values,
                        "plan": json_values,
                    },
                ),
                max_size=3,
            )
            | json_values
        },
    )
)
def test_decode_of_any_json_returns_saved_scenarios_or_scenario_error(data):
    with contextlib.suppress(ScenarioError):  # anything else fails the test
        state.decode_bundle(raw_token(json.dumps(data).encode()))


def test_names_lose_bidi_controls_and_are_capped_at_forty_characters(sample_scenario):
    name = "\u202eEVIL\u202c " + "x" * 60
    (shown,) = state.bundle_from_json(bundle_bytes([item(sample_scenario, name=name)]))
    assert shown == ("EVIL " + "x" * 60)[: state.MAX_NAME_CHARS]
    assert len(shown) == state.MAX_NAME_CHARS == 40


# --------------------------------------------------------------------------- in the app


def save(at, name: str):
    at.text_input[0].input(name)
    at.form_submit_button[0].click().run()
    return at


@pytest.fixture(scope="module")
def saved_link(app, token, fast_scenario):
    """A session that saved two scenarios (1:6 even, 1:5 front-loaded): its link and view."""
    at = app("compare", query={"s": token(fast_scenario)})
    save(at, "Even, 1:6")
    at.switch_page("pages/plan.py").run()
    at.slider(key="w_target_k").set_value(5.0).run()
    at.radio(key="w_strategy").set_value("front_loaded").run()
    at.switch_page("pages/compare.py").run()
    save(at, "Front-loaded, 1:5")
    link = {k: str(v) for k, v in at.query_params.items()}
    return at, link


@pytest.mark.slow
def test_saving_puts_the_saved_scenarios_in_the_link(saved_link):
    at, link = saved_link
    assert list(state.decode_bundle(link["c"])) == ["Even, 1:6", "Front-loaded, 1:5"]
    assert state.decode_bundle(link["c"]) == at.session_state[state.KEY_SAVED]


@pytest.mark.slow
def test_a_fresh_session_from_the_link_shows_the_same_comparison(app, ui, saved_link):
    before, link = saved_link
    at = app("compare", query=link)
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_SAVED] == before.session_state[state.KEY_SAVED]
    assert at.multiselect[0].value == ["Even, 1:6", "Front-loaded, 1:5"]
    # The decision table (and a cost-of-confidence table when two share a target).
    assert len(at.table) == len(before.table) >= 1
    assert all(a.value.equals(b.value) for a, b in zip(at.table, before.table, strict=True))


@pytest.mark.slow
def test_a_bad_c_parameter_says_so_and_keeps_the_scenario(app, ui, token, fast_scenario):
    at = app(query={"s": token(fast_scenario), "c": "garbage!"})  # said on the first run
    assert not at.exception
    (error,) = [e.value.replace("\\", "") for e in at.error]
    assert error.startswith("The saved scenarios in this link could not be read")
    ui.goto(at, "compare")
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_SAVED] == {}
    assert at.session_state[state.KEY_BASE] == fast_scenario
    assert "c" not in at.query_params  # the link is repaired


@pytest.mark.slow
def test_a_comparison_file_restores_the_saved_scenarios(app, ui, saved_link):
    before, _ = saved_link
    data = state.bundle_json(before.session_state[state.KEY_SAVED]).encode()
    at = app("compare")
    at.file_uploader(key="compare_upload").set_value(("c.json", data, "application/json")).run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_SAVED] == before.session_state[state.KEY_SAVED]
    assert "Restored 2 saved scenarios" in ui.page_text(at)
    assert state.decode_bundle(str(at.query_params["c"])) == at.session_state[state.KEY_SAVED]
    (download,) = [b for b in at.get("download_button") if "comparison" in b.proto.label]
    assert download.proto.label == "Download comparison (JSON)" and not download.proto.disabled


@pytest.mark.slow
@pytest.mark.parametrize(
    "data",
    [b"not json", b'{"version": 1, "scenarios": [{"name": "x"}]}', b"\xff\xfe", b"[" * 100],
    ids=["not-json", "no-scenario", "not-utf8", "nested"],
)
def test_a_bad_comparison_file_is_refused_and_keeps_the_saved_ones(app, ui, saved_link, data):
    before, link = saved_link
    at = app("compare", query=link)
    at.file_uploader(key="compare_upload").set_value(("c.json", data, "application/json")).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith(md_escape("Comparison not restored: comparison"))
    assert at.session_state[state.KEY_SAVED] == before.session_state[state.KEY_SAVED]
