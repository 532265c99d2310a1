"""Typing down a column of the team table in a real browser keeps every value typed.

The review: click a headcount cell, type a number, Enter, type the next, Enter... and only
one edit survived (data scientists stayed at 30). Each edit reran the page and remounted
the editor under a new key, dropping what was typed meanwhile. Only a browser shows this:
glide-data-grid keeps its edits in the page and sends them while the app reruns.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from forecasting import summary
from forecasting.roles import ROLES
from tests.e2e.server import IDLE_JS, expect_rerun, metrics_on, open_app, problems_on, runs
from ui.state import decode_scenario

pytestmark = pytest.mark.e2e

RATIO = "Today's ratio (MLE : DS)"
HEADCOUNT_COLUMN = 1  # role, headcount, open requisitions
ROW = 35  # glide-data-grid's header and row height on this page, in CSS pixels
TYPED = {"data_engineer": 12, "data_scientist": 40, "ml_engineer": 5}  # rows 0, 1, 2


def settle(page, quiet_ms: int = 1500, timeout: float = 60.0) -> None:
    """Wait until the app has finished every run the typing caused: idle, and no run
    finished for `quiet_ms`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = runs(page)
        page.wait_for_timeout(quiet_ms)
        page.wait_for_function(IDLE_JS, timeout=timeout * 1000, polling=50)
        if runs(page) == before:
            return
    raise TimeoutError(f"the app kept rerunning for {timeout} s")


def cell_editor_opens(page, first_key: str) -> bool:
    """Press the first key of a value on the selected cell: True once glide's cell editor
    has opened with it (False when no cell is selected, e.g. a remounted grid)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # present with a browser

    page.keyboard.type(first_key)
    try:
        page.wait_for_function(
            "() => document.activeElement?.classList.contains('gdg-input')", timeout=3_000
        )
    except PlaywrightTimeout:
        return False
    return True


def type_rest(page, rest: str) -> None:
    """The rest of a value and Enter, at a person's pace (a key every 50 ms, a short pause
    after Enter, which moves the selection down a row); never waiting for the app."""
    page.keyboard.type(rest, delay=50)
    page.wait_for_timeout(50)
    page.keyboard.press("Enter")
    page.wait_for_timeout(150)


def click_cell(page, row: int, column: int) -> None:
    """Click a cell of the team table: the role column, then arrow keys to `column`."""
    box = team_table(page).bounding_box()
    page.mouse.click(box["x"] + 10, box["y"] + ROW * (row + 1) + ROW / 2)
    for _ in range(column):
        page.keyboard.press("ArrowRight")


def team_table(page):
    return page.locator('[data-testid="stDataFrame"]').first


def shown_column(page, column: int) -> list[str]:
    """A column of the team table as drawn (glide's accessible copy of the canvas cells)."""
    cells = team_table(page).locator(f'canvas td[id^="glide-cell-{column}-"]')
    return [c.inner_text().strip() for c in cells.all()]


def link_headcount(page) -> dict[str, int]:
    scenario = decode_scenario(parse_qs(urlparse(page.url).query)["s"][0])
    return scenario.by_role("headcount")


def test_values_typed_down_the_headcount_column_all_stick(page, server):
    open_app(page, f"{server.url}/team")
    before = link_headcount(page)
    values = [str(v) for v in TYPED.values()]
    # Select the first row's headcount; the first key opens its editor (a few tries: a
    # click can land before the grid takes input).
    for _ in range(3):
        click_cell(page, 0, HEADCOUNT_COLUMN)
        if cell_editor_opens(page, values[0][0]):
            break
        page.keyboard.press("Escape")
    else:
        pytest.fail("the team table's headcount cell did not open for typing")
    # Then type down the column as a person does: a value, Enter, the next value...
    # never waiting for the app in between.
    with expect_rerun(page):
        type_rest(page, values[0][1:])
        for value in values[1:]:
            cell_editor_opens(page, value[0])
            type_rest(page, value[1:])
    settle(page)

    expected = {**before, **TYPED}
    assert problems_on(page) == []
    assert link_headcount(page) == expected  # the scenario (and its link) has every value
    click_cell(page, 3, 0)  # focus the grid (a read-only cell): glide then lists its cells
    drawn = shown_column(page, HEADCOUNT_COLUMN)
    assert drawn == [str(expected[r.value]) for r in ROLES]  # and the table shows them

    with expect_rerun(page):  # the same session on Overview: the numbers use every edit
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").click()
    ratio = expected["data_scientist"] / expected["ml_engineer"]
    assert metrics_on(page)[RATIO] == summary.ratio_text(round(ratio, 1))
    assert problems_on(page) == []
