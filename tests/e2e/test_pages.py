"""Every page in a real browser on the sample team, and workshop mode (toggle and link)."""

from __future__ import annotations

import pytest

from forecasting.model import formatting, target
from tests.e2e.server import (
    app_server,
    expect_rerun,
    metrics_on,
    new_context,
    open_app,
    problems_on,
)
from ui.nav import PAGES
from ui.state import default_scenario

pytestmark = pytest.mark.e2e

# page (ui.nav.PAGES) -> (page title shown, Altair charts drawn on the sample team)
SHOWN = {
    "overview": ("ML team workforce plan", 3),
    "team": ("Team & data", 0),
    "forecast": ("Status-quo forecast", 4),
    "plan": ("Hiring plan", 4),
    "capacity": ("Capacity", 3),
    "compare": ("Compare scenarios", 0),
    "sensitivity": ("Sensitivity & budget", 3),
}


def test_every_page_of_the_navigation_is_loaded_here():
    assert set(SHOWN) == {p.name for p in PAGES}


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_loads_without_errors_on_the_sample_team(page, server, spec):
    title, charts = SHOWN[spec.name]
    open_app(page, f"{server.url}/{spec.url_path}")
    assert problems_on(page) == []
    assert page.locator("h1").first.inner_text().strip() == title
    drawn = page.locator('[data-testid="stVegaLiteChart"] :is(svg.marks, canvas)')
    if charts:
        drawn.nth(charts - 1).wait_for()
    assert drawn.count() == charts
    if spec.default:  # the headline numbers of the sample team
        shown, sample = metrics_on(page), default_scenario()
        today = target.current_ratio(sample.headcount)
        assert shown["Today's ratio (MLE : DS)"] == formatting.ratio_text(round(today, 1))
        assert shown["Target"] == formatting.ratio_text(sample.target.ds_per_mle)
        assert shown["P(target met by deadline)"].endswith("%")


def _workshop_toggle(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
        has_text="Workshop mode"
    )


def _font_px(page, selector: str) -> float:
    size = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")
    return float(size.removesuffix("px"))


def test_workshop_toggle_enlarges_type_hides_editing_and_goes_in_the_link(page, server):
    open_app(page, f"{server.url}/compare")  # no charts yet: quick reruns
    text = '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'
    normal_px = _font_px(page, text)
    restore = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]')
    save = page.get_by_text("Save the current scenario as")
    assert restore.count() == 1 and save.count() == 1

    with expect_rerun(page):
        _workshop_toggle(page).locator("label").click()
    assert "workshop=1" in page.url
    assert _font_px(page, text) > 1.3 * normal_px  # readable from the back of the room
    assert restore.count() == 0  # no scenario restore in workshop mode
    assert save.count() == 1  # saving for comparison works in a workshop
    assert problems_on(page) == []

    # the sidebar is collapsed in workshop mode: leave it from the bar at the top
    leave = page.locator(".st-key-workshop_bar [data-testid='stCheckbox']").filter(
        has_text="Workshop"
    )
    with expect_rerun(page):
        leave.locator("label").click()
    assert "workshop" not in page.url
    assert restore.count() == 1 and save.count() == 1
    assert _font_px(page, text) == pytest.approx(normal_px)


def test_workshop_link_opens_in_workshop_mode(page, server):
    open_app(page, f"{server.url}/team?workshop=1")
    assert _workshop_toggle(page).locator("input").is_checked()
    assert problems_on(page) == []
    # Editing chrome hidden: no upload drop zone, no editable tables, no templates.
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_text("Upload an HR export").count() == 0
    # read-only tables (st.table in workshop mode: headers wrap, no column is cut)
    tables = page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]')
    assert tables.count() >= 2
    assert "workshop=1" in page.url  # kept in the link the app writes back


def test_first_visit_of_a_fresh_server_to_a_page_link_shows_no_dialog(browser):
    """The first session of a fresh server (a restarted replica) opens /plan directly.

    Regression: with the page file named differently from its URL, Streamlit's start in
    'pages/ folder' mode answered /plan with a 'Page not found' dialog.
    """
    with app_server() as app:
        ctx = new_context(browser)
        page = ctx.new_page()
        open_app(page, f"{app.url}/plan")
        try:
            assert page.locator("h1").first.inner_text().strip() == "Hiring plan"
            assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").inner_text()
        finally:
            ctx.close()
