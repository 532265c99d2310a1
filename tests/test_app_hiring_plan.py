"""Hiring plan page (AppTest): the sliders move the recommendation the way `solve()` does,
the starts table takes the plan over by hand, and reset restores the recommendation.

Sessions open the sample team with 500 paths through the link (``?s=``) so each slider
move re-solves quickly; the engine is called directly on the same scenario to compare.
"""

from __future__ import annotations

import pytest

from forecasting import summary
from forecasting.simulate import simulate

STARTS = "ML engineer starts in plan"
P_MET = "P(target met at deadline)"
P_HELD = "P(target held to horizon)"
RUN_RATE = "Run-rate of added ML engineers"


@pytest.fixture
def plan_page(app, token, fast_scenario):
    """A fresh Hiring plan session on the 500-path sample team."""
    return app("plan", query={"s": token(fast_scenario)})


def starts(at, ui) -> int:
    return int(ui.metrics(at)[STARTS])


def set_target(at, **changes):
    """Move the target widgets (k, confidence, deadline) and rerun."""
    widgets = {"k": at.slider(key="w_target_k"), "confidence": at.select_slider(key="w_confidence")}
    for name, value in changes.items():
        widgets[name].set_value(value)
    return at.run()


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
def test_hiring_plan_renders_without_error(app, ui, workshop):
    at = app("plan", workshop=workshop)
    assert ui.problems(at) == []
    assert len(at.get("vega_lite_chart")) == 3
    # The starts table is editing chrome: hidden in workshop mode.
    assert len(at.data_editor) == (0 if workshop else 1)


def test_lower_target_ratio_raises_recommended_starts(plan_page, ui):
    at = set_target(plan_page, k=6.0)
    at_six = starts(at, ui)
    set_target(at, k=5.0)
    assert ui.problems(at) == []
    assert starts(at, ui) > at_six


def test_higher_confidence_never_lowers_recommended_starts(plan_page, ui):
    seen = []
    for confidence in (0.6, 0.8, 0.9, 0.95):
        set_target(plan_page, confidence=confidence)
        seen.append(starts(plan_page, ui))
    assert seen == sorted(seen)
    assert seen[-1] > seen[0]


def test_metrics_after_a_slider_move_equal_solve(plan_page, ui, fast_scenario):
    at = set_target(plan_page, k=5.0)
    target = {**fast_scenario.target.to_dict(), "ds_per_mle": 5.0}
    plan, result = ui.engine_plan(fast_scenario.replace(target=target), "even")
    shown = ui.metrics(at)
    assert int(shown[STARTS]) == plan.total_starts
    assert shown[P_MET] == ui.fmt_pct(plan.p_target_met) == ui.fmt_pct(result.p_target_met)
    assert shown[P_HELD] == ui.fmt_pct(plan.p_target_held)
    assert shown[RUN_RATE] == f"{summary.money(plan.annual_cost)}/yr"


def test_strategy_change_equals_solve_with_that_strategy(plan_page, ui, fast_scenario):
    at = plan_page.radio(key="w_strategy").set_value("just_in_time").run()
    plan, _ = ui.engine_plan(fast_scenario, "just_in_time")
    table = at.data_editor[0].value
    assert list(table["recommended"]) == plan.planned_starts["ml_engineer"]
    assert int(ui.metrics(at)[STARTS]) == plan.total_starts


def test_run_rate_counts_the_fill_rate(app, ui, token, fast_scenario):
    scenario = fast_scenario.replace(fill_rate=0.8)
    at = app("plan", query={"s": token(scenario)})
    plan, _ = ui.engine_plan(scenario, "even")
    assert ui.metrics(at)[RUN_RATE] == f"{summary.money(plan.annual_cost)}/yr"


def test_ratio_chart_follows_the_slider(plan_page, ui, fast_scenario):
    at = set_target(plan_page, k=5.0)
    target = {**fast_scenario.target.to_dict(), "ds_per_mle": 5.0}
    _, result = ui.engine_plan(fast_scenario.replace(target=target), "even")
    ratio = ui.chart_frames(at, 0)[0]
    assert list(ratio["p50"].round(6)) == list(result.ratio["p50"].round(6))


def test_editing_the_starts_table_switches_to_the_hand_edited_plan(plan_page, ui, fast_scenario):
    at = plan_page
    recommended = list(at.data_editor[0].value["recommended"])
    edited = recommended.copy()
    edited[2] += 2
    edited[10] = 0
    ui.edit_table(at, "plan_editor", {2: {"planned": edited[2]}, 10: {"planned": 0}})
    assert ui.problems(at) == []
    assert at.session_state["plan_mode"] == "manual"
    assert list(at.data_editor[0].value["planned"]) == edited
    assert ui.metric_deltas(at)[STARTS] == "hand-edited"
    assert int(ui.metrics(at)[STARTS]) == sum(edited)
    manual = fast_scenario.replace(
        planned_starts={**fast_scenario.by_role("planned_starts"), "ml_engineer": edited}
    )
    assert ui.metrics(at)[P_MET] == ui.fmt_pct(simulate(manual).p_target_met)


def test_a_table_edit_is_applied_once(plan_page, ui):
    at = plan_page
    ui.edit_table(at, "plan_editor", {2: {"planned": 3}})
    after_edit = list(at.data_editor[0].value["planned"])
    set_target(at, k=5.0)  # a later change must not re-apply the old edit on top
    assert list(at.data_editor[0].value["planned"]) == after_edit
    assert at.session_state["base_scenario"].starts_of("ml_engineer") == tuple(after_edit)


def test_reset_restores_the_recommendation(plan_page, ui):
    at = plan_page
    before = ui.metrics(at)
    recommended = list(at.data_editor[0].value["recommended"])
    ui.edit_table(at, "plan_editor", {5: {"planned": 3}})
    assert ui.metrics(at) != before
    ui.button(at, "Reset to the recommendation").click().run()
    assert at.session_state["plan_mode"] == "recommended"
    assert ui.metrics(at) == before
    assert list(at.data_editor[0].value["planned"]) == recommended
    assert not [b for b in at.button if b.label == "Reset to the recommendation"]


@pytest.mark.parametrize(
    "change",
    [
        {"target": {"ds_per_mle": 6.0, "deadline_month": 18, "confidence": 0.82}},
        {"target": {"ds_per_mle": 20.0, "deadline_month": 18, "confidence": 0.8}},
        {"reskill_annual": 0.5},
    ],
    ids=["confidence-off-list", "k-above-slider", "reskilling-above-slider"],
)
def test_link_values_off_the_widget_scales_are_kept(app, ui, token, fast_scenario, change):
    scenario = fast_scenario.replace(**change)
    at = app("plan", query={"s": token(scenario)})
    assert ui.problems(at) == []
    # Moving any target widget writes all of them back into the scenario.
    at.select_slider(key="w_deadline").set_value(17).run()
    kept = at.session_state["base_scenario"]
    assert kept.target.confidence == scenario.target.confidence
    assert kept.target.ds_per_mle == scenario.target.ds_per_mle
    assert kept.reskill_annual == scenario.reskill_annual
