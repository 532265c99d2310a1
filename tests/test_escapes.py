"""Escape everything from a link (issue 22 item 5): every text field a scenario or a saved
comparison can carry — enumerated from the dataclasses, not listed by hand — filled with
Markdown and HTML payloads (a link, an image, raw HTML, a script), and every page, normal
and workshop, checked through AppTest: no Markdown-rendered text (body, caption, alert,
label, help / tooltip) holds the payload in a form that renders as a link, an image or
markup. The review's case: ``hiring_policy.*.source`` unescaped in the grow-to help, a live
"Session expired: sign in again" link and a tracking pixel."""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator

import pytest
from google.protobuf.json_format import MessageToDict

from forecasting.model.policy import HiringPolicy
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from ui import state
from ui.link import MAX_NAME_CHARS, encode_bundle, encode_scenario, entry
from ui.nav import PAGES

pytestmark = pytest.mark.slow

#: Links, an image, raw HTML and a script, all pointing at evil.example (<= 200 characters,
#: the longest a policy's source may be).
PAYLOAD = (
    "[Session expired: sign in again](http://evil.example/login) "
    "![px](http://evil.example/p.png) <img src=http://evil.example/i.png> "
    '<a href="http://evil.example/a">a</a> <script>alert(1)</script>'
)
#: Saved names are cut to MAX_NAME_CHARS: one payload each.
NAMES = (
    "[Sign in](http://evil.example/n)",
    "![p](http://evil.example/p.png)",
    "<img src=http://evil.example/i>",
    "<a href=http://evil.example>x</a>",
    "<script>alert(1)</script>",
)
#: Proto fields whose text Streamlit renders as Markdown (or shows as a tooltip).
MARKDOWN_KEYS = {"body", "label", "help", "caption", "tooltip", "text", "description"}
#: Pages that show a policy's source or a saved name in Markdown-rendered text.
SHOWS_PAYLOAD = {"plan", "compare"}
RENDERS = re.compile(r"http://evil|(?<!\\)<\s*(?:img|a\s|script)", re.IGNORECASE)


def text_fields(cls: type) -> list[str]:
    """The fields of a dataclass typed ``str``."""
    hints = typing.get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls) if hints[f.name] is str]


def test_the_text_fields_a_link_can_carry_are_the_ones_this_test_fills():
    """If a text field is added to the scenario, this test must learn to fill it."""
    assert text_fields(Scenario) == ["start_month"]  # a month: checked, never free text
    assert text_fields(HiringPolicy) == ["source"]
    with pytest.raises(state.ScenarioError):
        state.default_scenario().replace(start_month=PAYLOAD[:7])
    assert all(len(n) <= MAX_NAME_CHARS for n in NAMES)


def hostile_scenario() -> Scenario:
    """Every role on a path policy whose source is the payload (the sample's shape)."""
    base = state.default_scenario().replace(paths=300)
    data = base.to_dict()
    months = base.horizon_months + 1
    data["hiring_policy"] = {
        role: {
            "kind": "path",
            "headcount": [
                base.headcount_of(role) + (i // 6 if role == "data_scientist" else 0)
                for i in range(months)
            ],
            "source": PAYLOAD,
        }
        for role in ROLE_KEYS
    }
    scenario = Scenario.from_dict(data)
    assert all(scenario.policy_of(r).source == PAYLOAD for r in ROLE_KEYS)
    return scenario


@pytest.fixture(scope="module")
def hostile_link() -> dict[str, str]:
    scenario = hostile_scenario()
    saved = {
        name: entry(scenario.replace(seed=i + 1), "even", "recommended")
        for i, name in enumerate(NAMES)
    }
    return {"s": encode_scenario(scenario), "c": encode_bundle(saved)}


def markdown_texts(at) -> Iterator[tuple[str, str, str]]:
    """(element type, key, text) of every Markdown-rendered string on the page."""

    def walk(node) -> Iterator:
        yield node
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)

    def strings(value, key="") -> Iterator[tuple[str, str]]:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from strings(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v, key)
        elif isinstance(value, str):
            yield key, value

    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        for key, text in strings(MessageToDict(proto)):
            if key in MARKDOWN_KEYS:
                yield type(node).__name__, key, text


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_no_text_from_a_link_renders_as_a_link_image_or_markup(
    app, ui, hostile_link, page, workshop
):
    at = app(page, workshop=workshop, query=hostile_link)
    assert ui.problems(at) == []
    if page == "compare":  # the saved names are drawn once two are picked
        at.multiselect[0].set_value(list(NAMES[:2])).run()
    found = [(kind, key, text) for kind, key, text in markdown_texts(at) if RENDERS.search(text)]
    assert found == [], found
    # The payload is on screen (as text) wherever a page shows a source or a saved name.
    shown = " ".join(t for _, _, t in markdown_texts(at)).replace("\\", "").replace("\u2060", "")
    if page in SHOWS_PAYLOAD:
        assert "Session expired" in shown or "Sign in" in shown
