"""Normal mode in a narrow window (a laptop at 1024 x 768 with the sidebar open): the answer's
four numbers and their labels are whole, not "$902…", the sensitivity tornadoes get the
page's width (side by side, the assumptions' labels left each plot about 30 px), and so do
the pages' chart pairs."""

from __future__ import annotations

import pytest

from tests.e2e.server import new_context, open_app, problems_on
from tests.e2e.test_workshop_fit import CUT_JS

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1024, "height": 768}


@pytest.fixture
def laptop(browser):
    ctx = new_context(browser, viewport=LAPTOP)
    page = ctx.new_page()
    yield page
    ctx.close()


def _chart_boxes(page, url: str, count: int) -> tuple[list[dict], dict]:
    open_app(page, url)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(count - 1).wait_for(timeout=120_000)
    assert problems_on(page) == []
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    return [charts.nth(i).bounding_box() for i in range(count)], main


def _one_under_the_other_at_page_width(boxes: list[dict], main: dict) -> None:
    for box in boxes:
        assert box["width"] > 0.8 * main["width"] - 100, (box, main)
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1


@pytest.mark.parametrize("path", ["", "capacity"], ids=["overview", "capacity"])
def test_numbers_are_whole_in_a_narrow_window(laptop, server, path):
    open_app(laptop, f"{server.url}/{path}")
    laptop.wait_for_timeout(300)
    assert problems_on(laptop) == []
    metrics = laptop.locator('[data-testid="stMetric"]')
    assert metrics.count() >= 4
    assert laptop.evaluate(CUT_JS) == []


def test_sensitivity_tornadoes_take_the_page_width(laptop, server):
    boxes, main = _chart_boxes(laptop, f"{server.url}/sensitivity", 2)  # the tornadoes first
    _one_under_the_other_at_page_width(boxes, main)


def test_chart_pairs_go_one_under_the_other_in_a_narrow_window(laptop, server, browser):
    """Capacity's pair at 1024 px: each chart the page's width (side by side they were 274 px,
    the plot about 130 px beside its legend); at 1440 px still side by side."""
    boxes, main = _chart_boxes(laptop, f"{server.url}/capacity", 2)
    _one_under_the_other_at_page_width(boxes, main)
    ctx = new_context(browser, viewport={"width": 1440, "height": 900})
    try:
        wide = ctx.new_page()
        boxes, main = _chart_boxes(wide, f"{server.url}/capacity", 2)
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"] + 300
    finally:
        ctx.close()
