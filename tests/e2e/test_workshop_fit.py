"""Workshop mode on a 1280 x 720 projector, and on the same projector at 125% browser zoom
(a 1024 x 576 CSS viewport at device scale 1.25): sidebar collapsed, every page's name and
the five controls in bars at the top, nothing cut on any page (labels, toggles, buttons,
table columns), the answer, its four numbers and its quarter strip above the fold."""

from __future__ import annotations

import pytest

from tests.e2e.server import expect_rerun, new_context, open_app, problems_on

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
#: name -> (CSS viewport, device scale factor)
SCREENS = {
    "1280x720": (PROJECTOR, 1.0),
    "1024x576 (125% zoom)": ({"width": 1024, "height": 576}, 1.25),
}
PAGES = ["", "team", "forecast", "plan", "capacity", "compare", "sensitivity"]

# Every text of a metric, a widget label, a tab or the top navigation whose box is
# narrower than its content (cut, or ellipsised), with what it says.
CUT_JS = """() => {
  const sel = ['[data-testid="stMetric"]', '[data-testid="stMetric"] *',
               '[data-testid="stWidgetLabel"] *', '[data-testid="stTopNavLink"] *',
               '[data-testid="stCheckbox"] *',
               '[data-testid="stTab"] *'].join(',');
  return [...document.querySelectorAll(sel)]
    .filter(e => e.innerText && e.innerText.trim())
    .filter(e => e.scrollWidth > e.clientWidth + 1 &&
                 getComputedStyle(e).overflowX !== 'visible')
    .map(e => e.innerText.trim().slice(0, 60));
}"""

# Buttons whose label is cut, tables wider than their box (columns cut on the right),
# page names of the top bar hidden (under "N more") and number steppers squeezed away.
MORE_CUT_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('button *')) {
    if (e.innerText && e.innerText.trim() && e.scrollWidth > e.clientWidth + 1 &&
        getComputedStyle(e).overflowX !== 'visible') out.push('button: ' + e.innerText.trim());
  }
  for (const d of document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')) {
    if (d.scrollWidth > d.clientWidth + 1) out.push('table: ' + d.scrollWidth);
  }
  for (const t of document.querySelectorAll('[data-testid="stTable"]')) {
    if (t.scrollWidth > t.clientWidth + 1) out.push('table: ' + t.scrollWidth);
  }
  for (const e of document.querySelectorAll('[data-testid="stTopNavLink"]')) {
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.right > window.innerWidth) out.push('hidden: ' + e.innerText.trim());
  }
  for (const e of document.querySelectorAll('[data-testid="stNumberInputStepUp"]')) {
    if (e.getBoundingClientRect().width < 4) out.push('stepper hidden');
  }
  return out;
}"""


@pytest.fixture
def projector(browser):
    ctx = new_context(browser, viewport=PROJECTOR)
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.fixture(params=list(SCREENS))
def screen(request, browser):
    viewport, scale = SCREENS[request.param]
    ctx = new_context(browser, viewport=viewport, device_scale_factor=scale)
    page = ctx.new_page()
    page.viewport = viewport
    yield page
    ctx.close()


def _sidebar_collapsed(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return box is None or box["x"] + box["width"] <= 1 or box["width"] < 10


@pytest.mark.parametrize("path", PAGES, ids=[p or "overview" for p in PAGES])
def test_workshop_page_fits_the_projector_also_at_125_percent_zoom(screen, server, path):
    page, size = screen, screen.viewport
    open_app(page, f"{server.url}/{path}?workshop=1")
    page.wait_for_timeout(500)  # let the charts lay out
    assert problems_on(page) == []
    assert _sidebar_collapsed(page)
    assert page.locator('[data-testid="stTopNavLink"]').count() == len(PAGES)  # pages at the top
    bar = page.locator(".st-key-workshop_bar")
    assert bar.count() == 1 and bar.bounding_box()["y"] < 150
    assert page.evaluate(CUT_JS) == []
    assert page.evaluate(MORE_CUT_JS) == []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"]
    if path in ("", "plan"):  # the answer, its four numbers and quarter strip above the fold
        card = page.locator(f".st-key-answer_card_{'plan' if path else 'overview'}")
        strip = card.locator('[data-testid="stVegaLiteChart"]').first
        strip.locator("svg.marks, canvas").first.wait_for()
        assert card.bounding_box()["y"] < 200
        assert card.locator('[data-testid="stMetric"]').count() == 4
        bottom = strip.bounding_box()
        assert bottom["y"] + bottom["height"] <= size["height"], bottom


def test_workshop_bar_moves_the_answer_and_leaves_workshop_mode(projector, server):
    page = projector
    open_app(page, f"{server.url}/?workshop=1")
    answer = page.locator(".st-key-answer_card_overview h4").first
    before = answer.inner_text()
    assert "and hold it to the horizon" in before  # the sample opens reaching and holding
    hold = page.locator(".st-key-workshop_bar [data-testid='stCheckbox']").filter(has_text="Hold")
    with expect_rerun(page, timeout=120_000):
        hold.locator("label").click()
    assert "and hold it to the horizon" not in answer.inner_text()
    assert problems_on(page) == []
    leave = page.locator(".st-key-workshop_bar [data-testid='stCheckbox']").filter(
        has_text="Workshop"
    )
    with expect_rerun(page, timeout=120_000):
        leave.locator("label").click()
    assert "workshop" not in page.url
    assert page.locator(".st-key-workshop_bar").count() == 0
    assert page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').count() >= 1
