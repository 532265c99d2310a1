"""Compare page (AppTest): saving scenarios with different targets shows both, and the delta
view's values are the differences of the two scenarios' own metrics."""

from __future__ import annotations

import pytest

from forecasting import formatting, summary
from ui import state

A, B = "Target 1:6", "Target 1:5"


def save(at, name: str):
    at.text_input[0].input(name)
    at.form_submit_button[0].click().run()
    return at


def table(at):
    """The comparison table: metric x scenario, formatted as shown."""
    return at.dataframe[0].value


@pytest.fixture(scope="module")
def two_saved(app, token, fast_scenario):
    """A session that saved the 500-path sample (fill rate 0.8) at 1:6 and at 1:5."""
    scenario = fast_scenario.replace(fill_rate=0.8)
    at = app("compare", query={"s": token(scenario)})
    save(at, A)
    at.switch_page("pages/plan.py").run()
    at.slider(key="w_target_k").set_value(5.0).run()
    at.switch_page("pages/compare.py").run()
    save(at, B)
    at.multiselect[0].set_value([A, B]).run()
    target = scenario.target.to_dict()
    scenarios = {A: scenario, B: scenario.replace(target={**target, "ds_per_mle": 5.0})}
    return at, scenarios


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
def test_compare_renders_without_error_before_anything_is_saved(app, ui, workshop):
    at = app("compare", workshop=workshop)
    assert ui.problems(at) == []
    assert "Save at least one scenario" in at.info[0].value


def test_saving_two_scenarios_shows_both(two_saved, ui):
    at, _ = two_saved
    assert ui.problems(at) == []
    assert list(at.session_state[state.KEY_SAVED]) == [A, B]
    shown = table(at)
    assert list(shown.columns) == [A, B]
    assert list(shown.loc["Target k (1:k)"]) == ["1:6", "1:5"]
    assert len(at.get("vega_lite_chart")) == 1


def test_compare_values_equal_each_scenarios_engine_metrics(two_saved, ui):
    at, scenarios = two_saved
    shown = table(at)
    for name, scenario in scenarios.items():
        plan, result = ui.engine_plan(scenario, "even")
        assert shown.loc["P(target met)", name] == ui.fmt_pct(result.p_target_met)
        assert shown.loc["ML engineers added", name] == str(plan.total_positions_added)
        assert shown.loc["Added MLE run-rate", name] == summary.money(plan.annual_cost)


def test_delta_view_equals_the_difference_of_the_two_scenarios(two_saved, ui):
    at, scenarios = two_saved
    at.radio[0].set_value(f"Change vs {A}").run()
    assert ui.problems(at) == []
    (plan_a, res_a), (plan_b, res_b) = (ui.engine_plan(s, "even") for s in scenarios.values())
    shown = table(at)[B]
    met = 100 * (res_b.p_target_met - res_a.p_target_met)
    assert shown["P(target met)"] == formatting.points(met / 100)
    added = plan_b.total_positions_added - plan_a.total_positions_added
    assert shown["ML engineers added"] == f"+{added}"
    added = plan_b.annual_cost - plan_a.annual_cost
    assert shown["Added MLE run-rate"] == summary.money(added, signed=True)
    assert shown["Target k (1:k)"] == "\u22121"  # one minus sign, as the chart writes it
    assert set(table(at)[A]) <= {"0", "0 pts", "$0"}  # the baseline against itself
    at.radio[0].set_value("Values").run()


def test_loading_a_saved_scenario_makes_it_current(two_saved, ui):
    at, scenarios = two_saved
    ui.button(at, "Load").click().run()  # the first saved: 1:6
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE] == scenarios[A]
    at.switch_page("pages/plan.py").run()
    assert at.slider(key="w_target_k").value == 6.0
