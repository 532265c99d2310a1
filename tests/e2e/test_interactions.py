"""Slider -> numbers and chart, the shareable link in a fresh browser, and the downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from forecasting.model.edits import without_mle_plan
from forecasting.model.months import quarters
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import solve
from tests.e2e.server import chart_svg, expect_rerun, metrics_on, new_context, open_app, problems_on
from ui.state import decode_scenario

pytestmark = pytest.mark.e2e

STARTS = "New ML engineer positions"
RATIO_CHART = 1  # after the quarter strip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def link_scenario(url: str) -> tuple[Scenario, str]:
    """The scenario and strategy a shareable link carries."""
    query = parse_qs(urlparse(url).query)
    return decode_scenario(query["s"][0]), query["strategy"][0]


def target_slider(page):
    return (
        page.locator('[data-testid="stSlider"]')
        .filter(has_text="Target ratio")
        .locator('input[type="range"]')
    )


def move_target(page, key: str, times: int = 1) -> None:
    """Move the target-ratio slider with the keyboard, one rerun per key press."""
    thumb = target_slider(page)
    for _ in range(times):
        thumb.focus()
        with expect_rerun(page):
            thumb.press(key)


@pytest.fixture(scope="module")
def moved(browser, server) -> dict:
    """A Hiring plan session after the target moved from the sample's 1:6 to 1:5:
    its link and what it showed."""
    ctx = new_context(browser)
    page = ctx.new_page()
    open_app(page, f"{server.url}/plan")
    move_target(page, "ArrowLeft", 2)
    shown = {
        "url": page.url,
        "metrics": metrics_on(page),
        "sentence": page.locator("h4").first.inner_text(),
        "slider": target_slider(page).get_attribute("aria-valuetext"),
        "chart": chart_svg(page, RATIO_CHART),
    }
    ctx.close()
    return shown


def test_lower_target_raises_recommended_starts_and_redraws_the_ratio_chart(page, server):
    open_app(page, f"{server.url}/plan")
    before, svg_before = metrics_on(page), chart_svg(page, RATIO_CHART)
    k_before = link_scenario(page.url)[0].target.ds_per_mle

    move_target(page, "ArrowLeft", 2)  # two half steps: one ML engineer per k - 1 DS

    scenario, strategy = link_scenario(page.url)
    assert scenario.target.ds_per_mle == k_before - 1
    after = metrics_on(page)
    assert int(after[STARTS]) > int(before[STARTS])
    # The number on screen is the solver's for the scenario in the link.
    plan = solve(without_mle_plan(scenario), strategy)
    assert int(after[STARTS]) == plan.total_positions_added
    assert chart_svg(page, RATIO_CHART) != svg_before
    assert problems_on(page) == []

    move_target(page, "ArrowRight", 2)  # and back: the same numbers as before
    assert metrics_on(page) == before


def test_data_science_growth_changes_the_recommendation_and_the_answer_names_quarters(page, server):
    open_app(page, f"{server.url}/plan")
    before = int(metrics_on(page)[STARTS])
    grow_to = page.locator('[data-testid="stNumberInput"]').filter(
        has_text="Data scientists: grow to"
    )
    field = grow_to.locator("input")
    with expect_rerun(page):
        field.fill("60")
        field.press("Enter")
    scenario, strategy = link_scenario(page.url)
    policy = scenario.policy_of("data_scientist")
    assert (policy.kind, policy.to) == ("growth", 60)
    plan = solve(without_mle_plan(scenario), strategy)
    after = int(metrics_on(page)[STARTS])
    assert after == plan.total_positions_added > before
    sentence = page.locator("h4").first.inner_text()
    assert "while data science grows 30 → 60" in sentence
    assert f"{after} new ML engineer positions" in sentence
    for quarter, n in quarters(scenario.months(), plan.positions_added)[:4]:
        assert f"{n} in {quarter}" in sentence
    assert problems_on(page) == []


@pytest.fixture(scope="module")
def reopened(browser, server, moved) -> Iterator[dict]:
    """The moved session's link opened in a fresh browser context: what it shows, and the
    page (left open for the module)."""
    ctx = new_context(browser)
    page = ctx.new_page()
    open_app(page, moved["url"])  # a fresh context: nothing in common but the link
    yield {
        "page": page,
        "problems": problems_on(page),
        "metrics": metrics_on(page),
        "sentence": page.locator("h4").first.inner_text(),
        "slider": target_slider(page).get_attribute("aria-valuetext"),
        "chart": chart_svg(page, RATIO_CHART),
    }
    ctx.close()


def test_shareable_link_reproduces_the_numbers_in_a_fresh_browser(moved, reopened):
    assert reopened["problems"] == []
    assert reopened["metrics"] == moved["metrics"]
    assert reopened["sentence"] == moved["sentence"]
    assert reopened["slider"] == moved["slider"] == "1:5.0"

    page = reopened["page"]
    with expect_rerun(page):  # in-app navigation: the same session, the state kept
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").click()
    overview = metrics_on(page)
    assert overview["Target"] == "1:5"
    assert overview["P(target met by deadline)"] == moved["metrics"]["P(target met by deadline)"]
    assert problems_on(page) == []


def test_moved_ratio_chart_is_drawn_as_a_fresh_load_of_its_link_draws_it(moved, reopened):
    assert reopened["chart"] == moved["chart"]


def test_downloads_projections_csv_formula_safe_and_the_scenario_json(page, server, moved):
    open_app(page, moved["url"].replace("/plan?", "/?"))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download projections (CSV)").click()
    download = info.value
    # named by what it is: plan-1to<k>-<deadline>_<day>.csv
    assert re.fullmatch(
        r"plan-1to\d+(_\d+)?-\d{4}-\d{2}_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    ), download.suggested_filename
    text = Path(download.path()).read_text(encoding="utf-8")

    # Wide: a "# ..." header block naming the scenario (its link too), then one row a month.
    header = [line for line in text.splitlines() if line.startswith("#")]
    (link,) = [line.removeprefix("# Link: ") for line in header if line.startswith("# Link: ")]
    assert link_scenario(link) == link_scenario(page.url)
    rows = list(csv.reader(io.StringIO(text)))
    columns, body = rows[len(header)], rows[len(header) + 1 :]
    assert columns[0] == "month"
    assert {f"{role}_headcount_p50" for role in ROLE_KEYS} | {"ds_per_mle_p50"} <= set(columns)
    scenario, _ = link_scenario(page.url)
    months = {r[0] for r in body}
    assert len(months) == len(body) == scenario.horizon_months + 1
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                # Only numbers may start with '-'; any text would be quoted with '.
                float(cell)

    with page.expect_download() as info:
        page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="Download scenario (JSON)"
        ).click()
    downloaded = Scenario.from_json(Path(info.value.path()).read_text(encoding="utf-8"))
    assert downloaded == link_scenario(page.url)[0]
