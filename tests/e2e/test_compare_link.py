"""Saved scenarios travel in the link: save two on the Compare page, open the address bar's
URL in a fresh browser context, and the same comparison (names, decision table) is there."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.server import expect_rerun, new_context, open_app, problems_on
from ui.state import decode_bundle, default_scenario, encode_scenario

pytestmark = pytest.mark.e2e

EVEN, FRONT = "Even pace <b>1:6</b>", "Front-loaded 1:6"
TABLE = '[data-testid="stTable"]'


def save(page, name: str) -> None:
    page.get_by_label("Save the current scenario as").fill(name)
    with expect_rerun(page):
        page.get_by_role("button", name="Save", exact=True).click()


def goto(page, title: str) -> None:
    """Follow the sidebar's page link (same session)."""
    with expect_rerun(page):
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()


def table_rows(page, index: int = 0) -> list[str]:
    """The text of each row of the index-th table on the page (header first)."""
    rows = page.locator(TABLE).nth(index).locator("tr")
    # (less the invisible word joiner the app puts after "1:" so it never reads as a link)
    return [
        " | ".join(rows.nth(i).locator("th, td").all_inner_texts()).replace("\u2060", "")
        for i in range(rows.count())
    ]


def chosen(page) -> list[str]:
    """The names in the 'Scenarios to compare' picker."""
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Scenarios to compare")
    tags = picker.locator("[data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def test_a_saved_comparison_opens_from_its_link_in_a_fresh_browser(browser, server, page):
    scenario = default_scenario().replace(paths=500)
    open_app(page, f"{server.url}/compare?s={encode_scenario(scenario)}")
    save(page, EVEN)
    goto(page, "Hiring plan")
    with expect_rerun(page):
        page.locator('[data-testid="stRadio"] label').filter(has_text="Front-loaded").click()
    goto(page, "Compare")
    save(page, FRONT)
    page.locator(TABLE).first.wait_for()
    assert problems_on(page) == []
    assert chosen(page) == [EVEN, FRONT]
    decision, costs = table_rows(page, 0), table_rows(page, 1)
    assert len(decision) == 3 and decision[1].startswith(EVEN) and decision[2].startswith(FRONT)
    assert "Front-loaded" in decision[2]

    url = page.url
    saved = decode_bundle(parse_qs(urlparse(url).query)["c"][0])
    assert list(saved) == [EVEN, FRONT]
    assert [e["strategy"] for e in saved.values()] == ["even", "front_loaded"]

    fresh = new_context(browser)
    try:
        other = fresh.new_page()
        open_app(other, url)
        other.locator(TABLE).first.wait_for()
        assert problems_on(other) == []
        assert chosen(other) == [EVEN, FRONT]
        assert table_rows(other, 0) == decision  # the same names and numbers
        assert table_rows(other, 1) == costs
        drawn = other.locator('[data-testid="stVegaLiteChart"] :is(svg.marks, canvas)')
        drawn.nth(4).wait_for()  # ratio, two headcounts, quarters, cost
        assert other.get_by_text("<b>1:6</b>").count() >= 1  # a name shows as typed
    finally:
        fresh.close()
