"""compare: scenarios aligned on calendar months, the cost of each extra 10 points of
confidence (hand-computed), the decision table as formatting writes it; and the comparison
charts built from those frames (ui/charts/compare.py, through `to_dict()`)."""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pandas as pd
import pytest

from forecasting.model import edits, formatting
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import solve
from forecasting.report import compare
from forecasting.report.compare import Compared
from forecasting.report.sentences import probability_text
from forecasting.simulate.engine import simulate
from ui import charts
from ui.charts.compare import SCENARIO_COLORS


def team(**kw) -> Scenario:
    d = {
        "start_month": "2027-01",
        "horizon_months": 6,
        "headcount": {"data_scientist": 30, "ml_engineer": 3, "data_engineer": 5},
        "target": {"ds_per_mle": 6, "deadline_month": 6, "confidence": 0.8},
        "paths": 200,
        "seed": 1,
    }
    d.update(kw)
    return Scenario.from_dict(d)


@functools.cache
def compared(name: str, scenario: Scenario, manual: bool = False) -> Compared:
    baseline = simulate(edits.without_mle_plan(scenario))
    return Compared(name, scenario, simulate(scenario), baseline, "even", manual)


#: Ten ML engineer starts joining at the end of month 2: 30 DS / 13 MLE meets 1:6 from then.
BIG = edits.with_mle_plan(team(), [0, 10])
#: The same team starting three months later, in positions mode (2 then 1 new positions).
LATER = edits.with_mle_plan(
    team(start_month="2027-04", hiring_policy={"ml_engineer": "backfill"}), [0, 2, 0, 1]
)


# ---------------------------------------------------------------------------------------
# the cost of confidence: hand-computed


def test_ten_points_cost_the_extra_run_rate_over_the_rise_in_points():
    # 60% -> 85% is 25 points for $100k/yr more: $40k/yr per 10 points.
    assert compare.cost_per_points(0.60, 0.85, 300_000, 400_000) == pytest.approx(40_000)


@pytest.mark.parametrize(("p_from", "p_to"), [(0.8, 0.8), (0.9, 0.8), (0.5, math.nan)])
def test_no_rise_in_p_has_no_price(p_from, p_to):
    assert compare.cost_per_points(p_from, p_to, 100_000, 200_000) is None


def test_steps_go_from_the_least_to_the_most_likely_scenario():
    items = [("B", 0.85, 400_000.0), ("A", 0.60, 300_000.0), ("C", 0.85, 450_000.0)]
    steps = compare.confidence_steps(items)
    assert [(s.low, s.high) for s in steps] == [("A", "B"), ("B", "C")]
    assert steps[0].per_10_points == pytest.approx(40_000)
    assert steps[1].per_10_points is None  # a tie in P: no confidence is bought


def test_the_steps_table_writes_points_money_and_na():
    items = [("B", 0.85, 400_000.0), ("A", 0.60, 300_000.0), ("C", 0.85, 450_000.0)]
    table = compare.steps_table(compare.confidence_steps(items))
    assert list(table.columns) == list(compare.CONFIDENCE_COLUMNS)
    assert table.iloc[0].to_dict() == {
        "From": "A",
        "To": "B",
        "Target": "",
        "P(target met)": "60% → 85% (+25 pts)",
        "Extra run-rate": "+$100k/yr",
        "Per 10 pts of P": "$40k/yr",
    }
    assert table.iloc[1]["Per 10 pts of P"] == "n/a"
    assert table.iloc[1]["P(target met)"] == "85% → 85% (0 pts)"


def test_a_likelier_and_cheaper_scenario_reads_negative_with_a_true_minus():
    # 50% -> 70% (20 points) saves $200k/yr: −$100k/yr per 10 points.
    (step,) = compare.confidence_steps([("A", 0.5, 500_000.0), ("B", 0.7, 300_000.0)])
    assert step.per_10_points == pytest.approx(-100_000)
    row = compare.steps_table([step]).iloc[0]
    assert row["Extra run-rate"] == "\u2212$200k/yr"
    assert row["Per 10 pts of P"] == "\u2212$100k/yr (cheaper)"


def test_the_confidence_table_prices_scenarios_by_their_run_rate():
    a, b = compared("None", edits.without_mle_plan(BIG)), compared("Big", BIG)
    (row,) = compare.confidence_table([b, a]).to_dict("records")
    assert (row["From"], row["To"], row["Target"]) == ("None", "Big", "1:6 by Jul 2027")
    per10 = compare.cost_per_points(
        a.result.p_target_met, b.result.p_target_met, a.run_rate, b.run_rate
    )
    assert row["Per 10 pts of P"] == f"{formatting.money(per10)}/yr"


def test_the_arithmetic_is_exact():
    # 70% -> 80% for $50k/yr more: exactly $50,000 per 10 points (in floats 0.8 - 0.7 is
    # 0.10000000000000009 and the quotient $49,999.99999999996)
    assert compare.cost_per_points(0.7, 0.8, 100_000, 150_000) == 50_000.0
    assert compare.cost_per_points(0.1, 0.3, 0.3, 0.1) == -0.1
    (step,) = compare.confidence_steps([("A", 0.7, 100_000.0), ("B", 0.8, 150_000.0)])
    assert (step.points, step.extra_cost, step.per_10_points) == (10.0, 50_000.0, 50_000.0)
    assert compare.cost_per_points(0.7, math.inf, 0, 1) is None


def test_only_scenarios_with_the_same_target_and_deadline_are_compared():
    items = [
        ("A", 0.60, 300_000.0, "1:6 by Jul 2028"),
        ("B", 0.85, 400_000.0, "1:6 by Jul 2028"),
        ("C", 0.70, 100_000.0, "1:5 by Jul 2028"),
        ("D", 0.95, 900_000.0, "1:6 by Jan 2029"),
    ]
    (step,) = compare.confidence_steps(items)
    assert (step.low, step.high, step.goal) == ("A", "B", "1:6 by Jul 2028")
    assert compare.confidence_steps(items[2:]) == []


def test_the_confidence_table_leaves_out_a_pair_with_different_targets_or_deadlines():
    six = compared("1:6", BIG)
    five = compared("1:5", BIG.replace(target={**BIG.target.to_dict(), "ds_per_mle": 5}))
    later = compared("later", BIG.replace(target={**BIG.target.to_dict(), "deadline_month": 5}))
    assert compare.confidence_table([six, five, later]).empty
    # the same target and deadline in calendar months, from different start months
    shifted = BIG.replace(
        start_month="2027-02", target={**BIG.target.to_dict(), "deadline_month": 5}
    )
    (row,) = compare.confidence_table([six, compared("shifted", shifted)]).to_dict("records")
    assert row["Target"] == "1:6 by Jul 2027"


def test_two_targets_that_round_alike_are_not_one_goal():
    six = compared("1:6.5", BIG.replace(target={**BIG.target.to_dict(), "ds_per_mle": 6.5}))
    close = compared("1:6.45", BIG.replace(target={**BIG.target.to_dict(), "ds_per_mle": 6.45}))
    assert compare.goal_text(six.scenario, six.deadline_month) == "1:6.5 by Jul 2027"
    assert compare.goal_text(close.scenario, close.deadline_month) == "1:6.45 by Jul 2027"
    assert compare.confidence_table([six, close]).empty


# ---------------------------------------------------------------------------------------
# calendar alignment


def test_calendar_months_span_every_scenario_across_a_year_end():
    a = compared("a", team(start_month="2026-11", horizon_months=3, target={"deadline_month": 3}))
    b = compared("b", team(start_month="2027-01", horizon_months=2, target={"deadline_month": 2}))
    assert compare.calendar_months([a, b]) == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
    ]


def test_scenarios_with_different_start_months_line_up_on_calendar_months():
    a, b = compared("Jan start", BIG), compared("Apr start", LATER)
    months = compare.calendar_months([a, b])
    assert months[0] == "2027-01" and months[-1] == "2027-10" and len(months) == 10
    wide = compare.aligned(compare.ratio_frame([a, b]), "p50", months)
    assert list(wide.columns) == ["Jan start", "Apr start"]
    assert wide.loc["2027-04", "Apr start"] == b.result.ratio_q[1, 0]  # its month 0
    assert wide.loc["2027-03", "Jan start"] == a.result.ratio_q[1, 2]
    assert math.isnan(wide.loc["2027-01", "Apr start"])  # before it starts: nothing
    assert math.isnan(wide.loc["2027-08", "Jan start"])  # after its horizon: nothing


def test_targets_sit_at_each_scenarios_deadline_month():
    frame = compare.targets_frame([compared("Jan start", BIG), compared("Apr start", LATER)])
    assert frame.to_dict("records") == [
        {"scenario": "Jan start", "month": "2027-07", "target": 6.0, "label": "1:6 by Jul 2027"},
        {"scenario": "Apr start", "month": "2027-10", "target": 6.0, "label": "1:6 by Oct 2027"},
    ]


def test_headcount_frame_holds_the_two_sides_of_the_ratio():
    e = compared("Big", BIG)
    frame = compare.headcount_frame([e])
    assert set(frame["role"]) == {"data_scientist", "ml_engineer"}
    mle = frame[frame["role"] == "ml_engineer"]["p50"].tolist()
    assert mle == e.result.headcount_q[1][:, 2].tolist()


def test_quarters_count_new_positions_or_starts_by_calendar_quarter():
    frame = compare.quarters_frame([compared("Big", BIG), compared("Later", LATER)])
    assert "count" not in frame.columns  # a Vega-Lite field must not be called "count"
    big = frame[frame["scenario"] == "Big"]
    # starts[1] join at the end of month 2 (Mar 2027): Q1 2027
    assert big[["quarter", "positions", "unit"]].values.tolist() == [
        ["Q1 2027", 10, "starts"],
        ["Q2 2027", 0, "starts"],
        ["Q3 2027", 0, "starts"],
    ]
    later = frame[frame["scenario"] == "Later"]
    # positions opened in May 2027 (2) and Jul 2027 (1)
    assert later[["quarter", "quarter_start", "positions"]].values.tolist() == [
        ["Q2 2027", "2027-04", 2],
        ["Q3 2027", "2027-07", 1],
        ["Q4 2027", "2027-10", 0],
    ]


def test_the_run_rate_over_time_ends_at_the_solvers_run_rate_at_the_deadline():
    sc = team(horizon_months=12, target={"deadline_month": 9}, paths=300)
    sc = sc.replace(hiring_policy={"ml_engineer": "backfill"})
    plan = solve(edits.without_mle_plan(sc), "even")
    e = compared("Solved", plan.scenario)
    frame = compare.added_cost_frame([e]).set_index("month")["run_rate"]
    assert frame.iloc[0] == 0.0  # nobody added yet
    assert frame[e.deadline_month] == pytest.approx(plan.annual_cost)
    assert e.run_rate == pytest.approx(plan.annual_cost)


# ---------------------------------------------------------------------------------------
# the decision table


def test_the_decision_table_has_one_row_per_scenario_written_by_formatting():
    e = compared("Big, 1:6", BIG)
    table = compare.decision_table([e, compared("Later", LATER, manual=True)])
    assert list(table.index) == ["Big, 1:6", "Later"]
    assert list(table.columns) == list(compare.DECISION_COLUMNS)
    row = table.loc["Big, 1:6"]
    assert row["Target"] == "1:6"
    assert row["Deadline"] == "Jul 2027"
    assert row["Strategy"] == "Even"
    assert row["New ML engineer positions"] == "10 starts"
    assert e.result.p_target_met == 1.0
    assert row["P(target met)"] == "100% (goal 80%)"
    assert row["P(target held)"] == probability_text(e.result.p_target_held, e.result.p_held_se)
    assert row["Run-rate of added MLEs"] == f"{formatting.money(e.run_rate)}/yr"
    assert row["Target reached"] == "Mar 2027"  # the starts join in month 2
    later = table.loc["Later"]
    assert later["Deadline"] == "Oct 2027"
    assert later["Strategy"] == "Hand-edited plan"
    assert later["New ML engineer positions"] == "3"


def test_a_target_never_reached_says_so():
    table = compare.decision_table([compared("None", edits.without_mle_plan(BIG))])
    row = table.iloc[0]
    assert row["Target reached"] == "not within horizon"
    assert row["P(target met)"] == "0% (goal 80%)"
    assert row["Run-rate of added MLEs"] == "$0/yr"


def test_a_target_met_today_reads_already_met():
    """30 data scientists and 5 ML engineers: 1:6 today (month 0)."""
    met = team(headcount={"data_scientist": 30, "ml_engineer": 5}, attrition_annual=0.0)
    e = compared("Met", met)
    assert compare.decision_row(e)["target_reached_month"] == 0
    assert compare.decision_table([e]).iloc[0]["Target reached"] == "already met"


def test_the_decision_row_carries_the_month_reached_and_the_standard_errors():
    e = compared("Big, 1:6", BIG)
    row = compare.decision_row(e)
    assert "months_to_target" not in row and "target_month" not in row
    assert row["target_reached_month"] == 2 and row["target_reached"] == "2027-03"
    assert row["se_met"] == e.result.se_met and row["se_held"] == e.result.p_held_se
    p = e.result.p_target_held
    assert row["se_held"] == pytest.approx((p * (1 - p) / 200) ** 0.5)  # simulated here
    never = compare.decision_row(compared("None", edits.without_mle_plan(BIG)))
    assert never["target_reached_month"] is None and never["target_reached"] is None


def test_a_sampled_p_near_the_goal_shows_its_error_and_an_exact_one_does_not():
    """The table writes P with the result's own standard error: the Monte Carlo's
    sqrt(p (1 - p) / paths), or none when the probability is exact."""
    e = compared("Big, 1:6", BIG)
    sampled = dataclasses.replace(e.result, p_target_met=0.798, p_se=np.full(7, 0.01))
    exact = dataclasses.replace(e.result, p_target_met=0.798, p_se=np.zeros(7))
    rows = compare.decision_table(
        [
            dataclasses.replace(e, name="MC", result=sampled),
            dataclasses.replace(e, name="X", result=exact),
        ]
    )
    assert rows.loc["MC", "P(target met)"] == "79.8% ± 1.0 (goal 80%)"
    assert rows.loc["X", "P(target met)"] == "79.8% (goal 80%)"  # would round to the goal


@pytest.mark.parametrize(
    ("strategy", "manual", "label"),
    [
        ("even", False, "Even"),
        ("front_loaded", False, "Front-loaded"),
        ("just_in_time", False, "Just-in-time"),
        ("fewest", False, "Fewest"),
        ("even", True, "Hand-edited plan"),
    ],
)
def test_strategy_labels_match_the_hiring_plan_page(strategy, manual, label):
    assert compare.strategy_label(strategy, manual) == label


# ---------------------------------------------------------------------------------------
# the charts, from the frames above


@functools.cache
def chart_specs(workshop: bool = False) -> dict[str, dict]:
    entries = [compared("Jan start", BIG), compared("Apr start", LATER)]
    headcount = compare.headcount_frame(entries)
    built = {
        "ratio": charts.scenario_ratio(
            compare.ratio_frame(entries), compare.targets_frame(entries), workshop=workshop
        ),
        "ds": charts.scenario_headcount(headcount, "data_scientist", workshop=workshop),
        "mle": charts.scenario_headcount(headcount, "ml_engineer", workshop=workshop),
        "quarters": charts.scenario_quarters(compare.quarters_frame(entries), workshop=workshop),
        "cost": charts.scenario_run_rate(compare.added_cost_frame(entries), workshop=workshop),
    }
    return {name: chart.to_dict() for name, chart in built.items()}


def fields(node: object) -> list[str]:
    """Every "field" named anywhere in a spec."""
    if isinstance(node, dict):
        found = [node["field"]] if isinstance(node.get("field"), str) else []
        return found + [f for v in node.values() for f in fields(v)]
    if isinstance(node, list):
        return [f for v in node for f in fields(v)]
    return []


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def mark_type(layer: dict) -> str:
    mark = layer["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


@pytest.mark.parametrize("workshop", [False, True])
def test_no_comparison_chart_has_a_field_named_count(workshop):
    for name, spec in chart_specs(workshop).items():
        assert "count" not in fields(spec), name


@pytest.mark.slow
def test_comparison_charts_fit_the_container_width():
    for name, spec in chart_specs().items():
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}, name
        assert "width" not in spec, name  # st.vega_lite_chart(width="stretch") sets it


def test_the_ratio_chart_shades_the_band_and_marks_each_target_at_its_deadline():
    spec = chart_specs()["ratio"]
    (band,) = [layer for layer in layers(spec) if mark_type(layer) == "rect"]
    assert spec["datasets"][band["data"]["name"]][0]["band"] == "target band 1:5–1:10"
    (diamonds,) = [
        layer
        for layer in layers(spec)
        if mark_type(layer) == "point" and layer["mark"].get("shape") == "diamond"
    ]
    targets = spec["datasets"][diamonds["data"]["name"]]
    assert [(t["month"], t["target"]) for t in targets] == [("2027-07", 6.0), ("2027-10", 6.0)]


def test_each_scenario_keeps_one_colour_and_one_dash_in_selection_order():
    spec = chart_specs()["ratio"]
    (line,) = [layer for layer in layers(spec) if mark_type(layer) == "line"]
    names = ["Jan start", "Apr start"]
    assert line["encoding"]["color"]["scale"] == {
        "domain": names,
        "range": list(SCENARIO_COLORS[:2]),
    }
    assert line["encoding"]["strokeDash"]["scale"]["domain"] == names
    months = {r["month"] for r in spec["datasets"][spec["layer"][1]["data"]["name"]]}
    assert {"2027-01", "2027-10"} <= months  # both scenarios' own calendar months


def test_quarters_are_ordered_by_calendar_and_grouped_by_scenario():
    frame = pd.DataFrame(
        {
            "scenario": ["A", "A", "B"],
            "quarter": ["Q4 2026", "Q1 2027", "Q1 2027"],
            "quarter_start": ["2026-10", "2027-01", "2027-01"],
            "positions": [1, 2, 3],
            "unit": ["positions", "positions", "starts"],
        }
    )
    spec = charts.scenario_quarters(frame).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["Q4 2026", "Q1 2027"]  # not alphabetical
    assert spec["encoding"]["xOffset"]["field"] == "scenario"
    assert spec["title"]["text"] == "New ML engineer positions (or starts) per quarter"


def test_more_than_four_scenarios_are_refused():
    frame = pd.DataFrame({"scenario": list("ABCDE"), "month": "2027-01", "run_rate": 0.0})
    with pytest.raises(ValueError, match="at most 4"):
        charts.scenario_run_rate(frame)
