"""The exports in a real browser: the one-page brief prints on one landscape page (A4 and US
letter), and the brief and chart image buttons download what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forecasting.model.scenario import Scenario
from forecasting.report.brief import PNG_SIGNATURE, BriefChart, render_brief
from forecasting.simulate.engine import simulate
from tests.e2e.server import ROOT, open_app
from ui import compute, downloads

pytestmark = pytest.mark.e2e

LONG_NAME = "Platform & applied ML, FY27 hiring round (draft for the leadership offsite)"


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def worst_case_brief() -> str:
    """The sample team's brief with everything that adds height: a long name, a note, the
    held warning, a three-line answer and every quarter of the plan hiring."""
    scenario = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    scenario = compute.with_mle_plan(scenario, [1] * (scenario.horizon_months + 1))
    result = simulate(scenario.replace(paths=500))
    charts = [
        BriefChart(
            name,
            compute.chart_image(
                name,
                scenario,
                "svg",
                width=downloads.BRIEF_CHART_WIDTH,
                height=downloads.BRIEF_CHART_HEIGHT,
            ),
        )
        for name in downloads.BRIEF_CHARTS
    ]
    answer = (
        "To reach 1:6 by May 2028 and hold it to the horizon with 80% confidence while data "
        "science grows 30 → 39: 12 new ML engineer positions (3 in Q1 2027, 3 in Q2 2027, "
        "3 in Q3 2027, 3 in Q4 2027, …), $2.1M/yr run-rate; about 4 more starts backfill "
        "leavers by Nov 2029."
    )
    return render_brief(
        result.scenario,
        result,
        answer=answer,
        run_rate_usd=2_100_000.0,
        charts=charts,
        strategy="front_loaded",
        note=downloads.MANUAL_NOTE,
        link="https://planner.example/?s=" + "x" * 600,
        name=LONG_NAME,
    )


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_brief_prints_on_one_landscape_page(browser, worst_case_brief, paper):
    page = browser.new_page()
    try:
        page.set_content(worst_case_brief, wait_until="load")
        pdf = page.pdf(format=paper, landscape=True, print_background=True)
    finally:
        page.close()
    assert pdf_pages(pdf) == 1


def test_the_brief_and_a_chart_image_download_from_the_overview(page, server, tmp_path):
    open_app(page, server.url + "/")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download one-page brief (HTML)").click()
    name = info.value.suggested_filename  # what it is, the target, the deadline, the day
    assert re.fullmatch(r"brief-1to\d+(_\d+)?-\d{4}-\d{2}_\d{4}-\d{2}-\d{2}\.html", name), name
    brief = Path(info.value.path()).read_text(encoding="utf-8")
    assert "To reach" in brief
    assert brief.count('src="data:image/svg+xml;base64,') == 2
    assert f"{server.url}/?s=" in brief  # the session's link

    with page.expect_download() as info:
        page.get_by_role("button", name="PNG", exact=True).nth(1).click()  # after the strip
    name = info.value.suggested_filename  # the chart, its scenario's target and deadline, the day
    assert re.fullmatch(r"ratio-fan-1to\d+(_\d+)?-\d{4}-\d{2}_\d{4}-\d{2}-\d{2}\.png", name), name
    assert Path(info.value.path()).read_bytes().startswith(PNG_SIGNATURE)


def test_a_forecast_chart_downloads_as_svg(page, server):
    open_app(page, f"{server.url}/forecast")
    with page.expect_download() as info:
        page.get_by_role("button", name="SVG", exact=True).first.click()
    name = info.value.suggested_filename  # not one scenario's chart: the chart and the day
    assert re.fullmatch(r"forecast-data-engineer_\d{4}-\d{2}-\d{2}\.svg", name), name
    assert b"<svg" in Path(info.value.path()).read_bytes()[:500]
