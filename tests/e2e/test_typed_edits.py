"""Typing down a column of a table in a real browser keeps every value typed: the team
table (Team & data) and the ML engineer plan by month (Hiring plan).

The review: click a headcount cell, type a number, Enter, type the next, Enter... and only
one edit survived (data scientists stayed at 30). Each edit reran the page and remounted
the editor under a new key, dropping what was typed meanwhile. Only a browser shows this:
glide-data-grid keeps its edits in the page and sends them while the app reruns.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from forecasting.model import edits, formatting
from forecasting.model.roles import ROLES
from tests.e2e.server import IDLE_JS, expect_rerun, metrics_on, open_app, problems_on, runs
from ui.state import decode_scenario

pytestmark = pytest.mark.e2e

RATIO = "Today's ratio (MLE : DS)"
HEADCOUNT_COLUMN = 1  # role, headcount, open requisitions
ROW = 35  # glide-data-grid's header and row height on this page, in CSS pixels
TYPED = {"data_engineer": 12, "data_scientist": 40, "ml_engineer": 5}  # rows 0, 1, 2
STARTS = "New ML engineer positions"
PLANNED_COLUMN = 2  # month, recommended, planned
POSITIONS_TYPED = [12, 11, 10]  # months 1, 2, 3 (rows 0, 1, 2)


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


def click_cell(page, row: int, column: int, table=None) -> None:
    """Click a cell of `table` (the team table by default): its first column, then arrow
    keys to `column`."""
    table = team_table(page) if table is None else table
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 10, box["y"] + ROW * (row + 1) + ROW / 2)
    for _ in range(column):
        page.keyboard.press("ArrowRight")


def team_table(page):
    return page.locator('[data-testid="stDataFrame"]').first


def plan_table(page):
    """The Hiring plan page's ML engineer plan by month (its last table)."""
    return page.locator('[data-testid="stDataFrame"]').last


def shown_column(page, column: int, table=None) -> list[str]:
    """A column of `table` (the team table by default) as drawn (glide's accessible copy
    of the canvas cells)."""
    table = team_table(page) if table is None else table
    cells = table.locator(f'canvas td[id^="glide-cell-{column}-"]')
    return [c.inner_text().strip() for c in cells.all()]


def type_down(page, table, column: int, values: list[str]) -> None:
    """Type `values` down `column` of `table` from its first row, as a person does: a
    value, Enter, the next value... never waiting for the app in between; then wait for
    every run the typing caused."""
    # Select the first row's cell; the first key opens its editor (a few tries: a click
    # can land before the grid takes input).
    for _ in range(3):
        click_cell(page, 0, column, table)
        if cell_editor_opens(page, values[0][0]):
            break
        page.keyboard.press("Escape")
    else:
        pytest.fail("the table's cell did not open for typing")
    with expect_rerun(page):
        type_rest(page, values[0][1:])
        for row, value in enumerate(values[1:], start=1):
            if not cell_editor_opens(page, value[0]):
                # No cell selected any more (a rerun redrew the grid): the user sees that
                # nothing was typed, clicks the cell again and types the value. (A value
                # typed into an open cell is never retyped: cut short, it fails below.)
                page.keyboard.press("Escape")
                click_cell(page, row, column, table)
                if not cell_editor_opens(page, value[0]):
                    pytest.fail(f"row {row}'s cell did not open for typing")
            type_rest(page, value[1:])
    settle(page)


def link_headcount(page) -> dict[str, int]:
    scenario = decode_scenario(parse_qs(urlparse(page.url).query)["s"][0])
    return scenario.by_role("headcount")


#: Streamlit's grid sometimes disturbs a cell being typed when another element of the page
#: is redrawn (streamlit/streamlit#7831: the cell's text selected, the next key replacing it;
#: or the cell closed after its first key). The app cannot prevent it; on a loaded 2-core
#: machine it hit 1 run of this file in 8-10 ("10" kept as "1" or "0"), which the app then
#: keeps faithfully. One rerun of the test: an edit the app loses or reverts fails every time.
STREAMLIT_GRID_RACE = pytest.mark.flaky(reruns=1)


@STREAMLIT_GRID_RACE
def test_values_typed_down_the_headcount_column_all_stick(page, server):
    open_app(page, f"{server.url}/team")
    before = link_headcount(page)
    type_down(page, team_table(page), HEADCOUNT_COLUMN, [str(v) for v in TYPED.values()])

    expected = {**before, **TYPED}
    assert problems_on(page) == []
    assert link_headcount(page) == expected  # the scenario (and its link) has every value
    click_cell(page, 3, 0)  # focus the grid (a read-only cell): glide then lists its cells
    drawn = shown_column(page, HEADCOUNT_COLUMN)
    assert drawn == [str(expected[r.value]) for r in ROLES]  # and the table shows them

    with expect_rerun(page):  # the same session on Overview: the numbers use every edit
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").click()
    ratio = expected["data_scientist"] / expected["ml_engineer"]
    assert metrics_on(page)[RATIO] == formatting.ratio_text(round(ratio, 1))
    assert problems_on(page) == []


@STREAMLIT_GRID_RACE
def test_positions_typed_down_the_ml_engineer_plan_all_stick(page, server):
    """The same on the Hiring plan page: new ML engineer positions typed month after month
    (each edit takes the plan over by hand and re-simulates it while the user types)."""
    open_app(page, f"{server.url}/plan")
    table = plan_table(page)
    type_down(page, table, PLANNED_COLUMN, [str(v) for v in POSITIONS_TYPED])

    assert problems_on(page) == []
    query = parse_qs(urlparse(page.url).query)
    assert query["plan"] == ["manual"]
    schedule = edits.mle_schedule(decode_scenario(query["s"][0]))
    assert schedule[1:4] == POSITIONS_TYPED  # the scenario (and its link) has every value
    assert int(metrics_on(page)[STARTS]) == sum(schedule)  # the numbers use every edit
    click_cell(page, 0, 0, table)  # focus the grid (a read-only cell): glide lists its cells
    drawn = shown_column(page, PLANNED_COLUMN, table)
    assert drawn[:3] == [str(v) for v in POSITIONS_TYPED]  # and the table shows them
