"""Compare page (AppTest): saving scenarios with different targets shows both in the decision
table with the engine's own numbers, the cost of confidence between them, the charts over
time; the current scenario is offered only when it is not saved; saving works in workshop
mode; loading and deleting a saved scenario."""

from __future__ import annotations

import pytest

from forecasting.model import formatting
from forecasting.report import compare
from forecasting.report.sentences import probability_text
from ui import state
from ui.text import md_escape

A, B = "Target 1:6", "Target 1:5"
#: The charts over time: ratio, data scientists, ML engineers, quarters, cost.
CHARTS = 5


def save(at, name: str):
    at.text_input[0].input(name)
    at.form_submit_button[0].click().run()
    return at


def set_target(at, k: float):
    """Change the target on the Hiring plan page and come back."""
    at.switch_page("pages/plan.py").run()
    at.slider(key="w_target_k").set_value(k).run()
    return at.switch_page("pages/compare.py").run()


def decision(at):
    """The decision table as shown: scenario x column, Markdown-escaped text."""
    return at.table[0].value


def confidence(at):
    return at.table[1].value


def picker(at):
    return at.multiselect[0]


@pytest.fixture(scope="module")
def two_saved(app, token, fast_scenario):
    """A session that saved the 500-path sample (fill rate 0.8) at 1:6 and at 1:5."""
    scenario = fast_scenario.replace(fill_rate=0.8)
    at = app("compare", query={"s": token(scenario)})
    save(at, A)
    set_target(at, 5.0)
    save(at, B)
    target = scenario.target.to_dict()
    scenarios = {A: scenario, B: scenario.replace(target={**target, "ds_per_mle": 5.0})}
    return at, scenarios


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
def test_compare_renders_without_error_before_anything_is_saved(app, ui, workshop):
    at = app("compare", workshop=workshop)
    assert ui.problems(at) == []
    assert "Save at least one scenario" in at.info[0].value
    assert picker(at).options == [state.CURRENT]


@pytest.mark.slow
def test_saving_two_scenarios_shows_both(two_saved, ui):
    at, _ = two_saved
    assert ui.problems(at) == []
    assert list(at.session_state[state.KEY_SAVED]) == [A, B]
    assert picker(at).value == [A, B]  # the saved ones, chosen by default
    shown = decision(at)
    assert list(shown.index) == [md_escape(A), md_escape(B)]
    assert list(shown["Target"]) == [md_escape("1:6"), md_escape("1:5")]
    assert list(shown.columns) == list(compare.DECISION_COLUMNS)
    assert len(at.get("vega_lite_chart")) == CHARTS


@pytest.mark.slow
def test_the_decision_table_holds_each_scenarios_engine_numbers(two_saved, ui):
    at, scenarios = two_saved
    shown = decision(at)
    for name, scenario in scenarios.items():
        plan, result = ui.engine_plan(scenario, "even")
        row = shown.loc[md_escape(name)]
        p_met = probability_text(result.p_target_met, result.se_met, 0.8)
        assert row["P(target met)"] == md_escape(f"{p_met} (goal 80%)")
        reached = result.target_reached(0.8)
        assert reached is not None and 0 < reached <= 18  # the card: met by the deadline
        assert row["Target reached"] == md_escape(formatting.month_name(result.months[reached]))
        assert row["New ML engineer positions"] == md_escape(str(plan.total_positions_added))
        run_rate = f"{formatting.money(plan.annual_cost)}/yr"
        assert row["Run-rate of added MLEs"] == md_escape(run_rate)
        assert row["Deadline"] == md_escape(formatting.month_name(result.months[18]))
        assert row["Strategy"] == "Even"


@pytest.mark.slow
def test_confidence_is_not_priced_between_two_targets(two_saved, ui):
    at, _ = two_saved
    assert len(at.table) == 1  # the decision table only
    assert any("None of these scenarios share a target and deadline" in c.value for c in at.caption)


@pytest.mark.slow
def test_the_cost_of_ten_points_is_priced_between_two_confidences_of_one_target(
    app, token, fast_scenario, ui
):
    scenario = fast_scenario.replace(fill_rate=0.8)
    at = app("compare", query={"s": token(scenario)})
    save(at, "At 80%")
    at.switch_page("pages/plan.py").run()
    at.select_slider(key="w_confidence").set_value(0.9).run()
    at.switch_page("pages/compare.py").run()
    save(at, "At 90%")
    target = scenario.target.to_dict()
    runs = [
        ui.engine_plan(scenario.replace(target={**target, "confidence": c})) for c in (0.8, 0.9)
    ]
    goal = compare.goal_text(scenario, runs[0][1].months[scenario.deadline])
    steps = compare.confidence_steps(
        [
            (name, res.p_target_met, plan.annual_cost, goal)
            for name, (plan, res) in zip(("At 80%", "At 90%"), runs)
        ]
    )
    expected = compare.steps_table(steps).set_index("From")
    shown = confidence(at)
    assert len(shown) == 1
    assert list(shown.index) == [md_escape(n) for n in expected.index]
    assert list(shown.iloc[0]) == [md_escape(v) for v in expected.iloc[0]]


@pytest.mark.slow
def test_the_charts_show_both_scenarios_over_calendar_months(two_saved, ui):
    at, _ = two_saved
    ratio = ui.chart_frames(at, 0)[0]
    assert set(ratio["scenario"]) == {A, B}
    assert ratio["month"].iloc[0] == "2026-11"  # calendar months, not month indexes


@pytest.mark.slow
def test_the_current_scenario_is_offered_only_when_it_is_not_saved(app, ui, token, fast_scenario):
    at = app("compare", query={"s": token(fast_scenario)})
    save(at, A)
    assert picker(at).options == [A]  # the current one is the saved one
    assert "Save at least one scenario" in at.info[0].value
    set_target(at, 5.0)
    assert picker(at).options == [A, state.CURRENT]
    assert picker(at).value == [A, state.CURRENT]  # a pair to compare
    assert ui.problems(at) == []
    save(at, B)
    assert picker(at).options == [A, B]
    assert picker(at).value == [A, B]


@pytest.mark.slow
def test_the_same_scenario_is_not_saved_twice(app, token, fast_scenario):
    at = app("compare", query={"s": token(fast_scenario)})
    save(at, A)
    save(at, "Again")
    assert list(at.session_state[state.KEY_SAVED]) == [A]
    assert "already saved as" in at.error[0].value


@pytest.mark.slow
def test_saving_works_in_workshop_mode(app, ui, token, fast_scenario):
    at = app("compare", workshop=True, query={"s": token(fast_scenario)})
    save(at, A)
    assert list(at.session_state[state.KEY_SAVED]) == [A]
    assert ui.problems(at) == []
    set_target(at, 5.0)
    assert len(at.get("vega_lite_chart")) == CHARTS
    assert ui.problems(at) == []


@pytest.mark.slow
def test_loading_a_saved_scenario_makes_it_current(two_saved, ui):
    at, scenarios = two_saved
    ui.button(at, "Load").click().run()  # the first saved: 1:6
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE] == scenarios[A]
    at.switch_page("pages/plan.py").run()
    assert at.slider(key="w_target_k").value == 6.0
    at.switch_page("pages/compare.py").run()


@pytest.mark.slow
def test_deleting_a_saved_scenario_takes_it_out_of_the_link(two_saved, ui):
    at, _ = two_saved
    ui.button(at, "Delete").click().run()  # the first saved: 1:6
    assert ui.problems(at) == []
    assert list(at.session_state[state.KEY_SAVED]) == [B]
    assert list(state.decode_bundle(str(at.query_params["c"]))) == [B]
