"""The one-page brief (forecasting.report.brief): the answer, the numbers, the charts as data:
images, the assumptions with their sources; every user string escaped, nothing fetched."""

from __future__ import annotations

import base64
import html
from html.parser import HTMLParser

import pytest

from forecasting.model import edits
from forecasting.model.scenario import Scenario
from forecasting.report import sentences
from forecasting.report.brief import (
    BriefChart,
    assumptions,
    image_data_uri,
    key_numbers,
    render_brief,
)
from forecasting.simulate.engine import simulate
from forecasting.simulate.project import project
from tests.conftest import small_team

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    "<text>ML engineer : data scientist ratio</text></svg>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted"'


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return small_team(
        attrition_annual={"data_scientist": 0.2},
        hiring_policy={"ml_engineer": {"kind": "backfill", "positions_added": [0, 1, 0, 2]}},
    )


@pytest.fixture(scope="module")
def result(scenario):
    return simulate(scenario)


def brief(scenario, result, **kwargs) -> str:
    args = {
        "answer": "To reach 1:6 by Oct 2027 with 80% confidence: 3 new ML engineer positions.",
        "run_rate_usd": 412_500.0,
        "charts": [BriefChart("ratio", SVG), BriefChart("headcount", PNG)],
        "generated": "2027-01-20",
    }
    return render_brief(scenario, result, **{**args, **kwargs})


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_the_brief_states_the_answer_sentence(scenario, result):
    answer = sentences.answer_sentence(None, scenario, strategy="even", error="no plan")
    page = brief(scenario, result, answer=answer)
    assert html.escape(answer) in page


def test_hostile_strings_are_escaped_everywhere(scenario, result):
    page = brief(
        scenario,
        result,
        answer=HOSTILE,
        note=HOSTILE,
        name=HOSTILE,
        strategy=HOSTILE,
        charts=[BriefChart(HOSTILE, SVG), BriefChart(HOSTILE, b"not an image")],
    )
    assert "<script" not in page
    assert html.escape(HOSTILE) in page
    found = tags(page)
    assert not [t for t, _ in found if t in {"script", "iframe", "object", "embed"}]
    assert not [a for _, attrs in found for a in attrs if a.startswith("on")]


def test_a_link_that_is_not_http_is_text_not_a_link(scenario, result):
    page = brief(scenario, result, link="javascript:alert(1)")
    assert not [a for t, a in tags(page) if t == "a"]
    page = brief(scenario, result, link='https://planner.example/?s=a"b&strategy=even')
    (anchor,) = [a for t, a in tags(page) if t == "a"]
    assert anchor["href"] == 'https://planner.example/?s=a"b&strategy=even'


def test_nothing_is_fetched_from_elsewhere(scenario, result):
    page = brief(scenario, result, link="https://planner.example/?s=abc")
    for tag, attrs in tags(page):
        assert tag not in {"script", "link", "iframe"}
        if "src" in attrs:
            assert str(attrs["src"]).startswith("data:image/"), attrs
    assert "@import" not in page
    assert "url(" not in page


def test_charts_are_embedded_as_data_images(scenario, result):
    images = [a["src"] for t, a in tags(brief(scenario, result)) if t == "img"]
    assert len(images) == 2
    svg_uri, png_uri = images
    assert svg_uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(svg_uri.split(",", 1)[1]).decode() == SVG
    assert png_uri == "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_an_unreadable_chart_is_said_not_shown(scenario, result):
    page = brief(scenario, result, charts=[BriefChart("Ratio", b"GIF89a")])
    assert "Ratio: chart not available" in page
    assert image_data_uri("plain text") is None


@pytest.mark.parametrize("how", ["simulate", "project"])
def test_the_numbers_are_the_engines(scenario, result, how):
    """On the Monte Carlo's result and on the app's projection (exact probabilities here:
    no reskilling, no band)."""
    if how == "project":
        result = project(scenario)
        assert result.p_method == "exact" and result.se_met == 0.0
    else:
        p = result.p_target_met
        assert result.se_met == pytest.approx((p * (1 - p) / scenario.paths) ** 0.5)
    page = brief(scenario, result)
    numbers = {label: value for label, value, _ in key_numbers(scenario, result, 412_500.0)}
    goal = scenario.target.confidence
    assert numbers["P(target met at deadline)"] == sentences.probability_text(
        result.p_target_met, result.se_met, goal
    )
    assert numbers["P(target held to horizon)"] == sentences.probability_text(
        result.p_target_held, result.p_held_se
    )
    assert numbers["New ML engineer positions"] == "3"
    assert numbers["Run-rate of added ML engineers"] == "$412k/yr"
    assert "Months to target" not in numbers
    # 1 position opened in month 1 and 2 in month 3, filled after 2 months: at 1:6 with
    # 80% confidence first in month 5 (Jun 2027), whatever the method
    assert result.target_reached(goal) == 5
    assert numbers["Target reached"] == "Jun 2027"
    for value in numbers.values():
        assert html.escape(value) in page


def certain_team(ml_engineers: int, starts: list[int]) -> Scenario:
    """30 data scientists, nobody leaves, every start joins: each month is met or not."""
    return Scenario(
        headcount={"data_scientist": 30, "ml_engineer": ml_engineers},
        start_month="2027-01",
        horizon_months=6,
        attrition_annual=0.0,
        fill_rate=1.0,
        planned_starts={"ml_engineer": starts},
        target={"ds_per_mle": 6, "deadline_month": 4},
        paths=100,
        seed=1,
    )


@pytest.mark.parametrize(
    ("ml_engineers", "starts", "reached"),
    [
        (3, [0, 2], "Mar 2027"),  # 2 start in month 1 and count from month 2: 30 / 5 = 6
        (5, [], "already met"),  # 30 / 5 = 6 today
        (3, [], "not within the horizon"),  # 30 / 3 = 10 throughout
        (3, [0, 0, 0, 0, 0, 1], "not within the horizon"),  # 30 / 4 at the horizon
    ],
)
@pytest.mark.parametrize("engine", [simulate, project])
def test_target_reached_in_the_brief_is_a_month_already_met_or_not_within_the_horizon(
    ml_engineers, starts, reached, engine
):
    sc = certain_team(ml_engineers, starts)
    found = [row for row in key_numbers(sc, engine(sc), 0.0) if row[0] == "Target reached"]
    assert len(found) == 1
    _, value, note = found[0]
    assert value == reached and note
    assert "Target reached" in render_brief(sc, engine(sc), answer="", run_rate_usd=0.0, charts=[])


def test_new_positions_are_listed_per_quarter(scenario, result):
    page = brief(scenario, result)
    assert "New ML engineer positions per quarter" in page
    for quarter, n in edits.mle_quarters(scenario):
        assert f"<span>{quarter}: <b>{n}</b></span>" in page


def test_assumptions_carry_the_scenarios_values_and_their_sources(scenario):
    rows = {a: (v, u, s) for a, v, u, s in assumptions(scenario)}
    value, _, source = rows["Annual attrition"]
    assert value == "DE 13% · DS 20% · MLE 13% · PM 13%"
    assert source.startswith("set in this scenario (default: public figure")
    value, unit, source = rows["Annual cost"]  # one row for the four roles
    assert (value, unit) == (
        "DE $145k · DS $154k · MLE $165k · PM $150k",
        "USD per person per year",
    )
    assert "US 2023 median salary" in source and not source.startswith("set in")
    assert rows["Time to fill"][0] == "2"


def test_the_page_prints_landscape(scenario, result):
    page = brief(scenario, result)
    assert "@page { size: landscape" in page
    assert "@media print" in page


def test_the_brief_shows_the_team_composition_and_its_total_cost(scenario, result):
    """Issue 19: the team's composition and total cost are on the brief (its lower third)."""
    from forecasting.model import formatting
    from forecasting.report.brief import team_rows, team_total

    page = brief(scenario, result)
    header, today, deadline, horizon = team_rows(scenario, result)
    assert header[1:6] == (
        "Data engineers",
        "Data scientists",
        "ML engineers",
        "Product managers",
        "Total",
    )
    assert today[1:5] == tuple(str(n) for n in scenario.headcount)
    assert int(today[5]) == sum(scenario.headcount)
    assert deadline[0].endswith("(deadline)") and horizon[0].endswith("(horizon)")
    total = formatting.money(float(result.cumulative_cost_mean[-1]))
    assert team_total(result).startswith(f"{total} over the {scenario.horizon_months} months")
    assert html.escape(team_total(result)) in page
    for row in (today, deadline, horizon):
        assert f"<td>{html.escape(row[0])}</td>" in page


def test_the_brief_prints_chart_text_at_9pt_or_more_and_no_seed(scenario, result):
    """The charts (470 x 230 px, 12 px text) print at least 61 mm high: 12 px of 230 is
    then >= 3.175 mm (9 pt); the seed is no reader's business."""
    import re

    page = brief(scenario, result)
    printed = re.search(r"@media print \{.*?\.charts img, \.missing \{ height: (\d+)mm", page, re.S)
    assert printed is not None and int(printed.group(1)) * 12 / 230 >= 9 * 25.4 / 72
    assert "seed" not in page.lower()
    assert "not fully loaded. Figures" not in page  # costs carry the loaded multiplier
