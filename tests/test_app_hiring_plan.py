"""Hiring plan page (AppTest): the sliders and the data-science growth move the
recommendation (new ML engineer positions) the way `solve()` does, the team plan table
shows and edits every role's policy, the by-month table takes the plan over by hand, and
reset restores the recommendation.

Sessions open the sample team with 500 paths through the link (``?s=``) so each slider
move re-solves quickly; the engine is called directly on the same scenario to compare.
"""

from __future__ import annotations

import pytest

from forecasting.model import edits, formatting, months
from forecasting.report import sentences
from forecasting.simulate.engine import simulate
from forecasting.simulate.project import project
from ui import state

STARTS = "New ML engineer positions"
P_MET = "P(target met by deadline)"
P_HELD = "P(target held to horizon)"
RUN_RATE = "Run-rate of added ML engineers"


def mc_se(p: float, paths: int) -> float:
    """The Monte Carlo standard error of a share p of `paths` paths."""
    return (p * (1 - p) / paths) ** 0.5


def sampled(plan) -> bool:
    """The plan's P(target met) is the Monte Carlo's (else exact, SE 0)."""
    assert plan.p_method in {"exact", "monte carlo"}
    return plan.p_method == "monte carlo"


def starts(at, ui) -> int:
    return int(ui.metrics(at)[STARTS])


def plan_table(at):
    """The by-month table of the ML engineer plan (recommended / planned new positions)."""
    return next(e for e in at.data_editor if e.key.startswith("plan_editor")).value


def team_table(at):
    """The team plan table, one row per role."""
    return next(e for e in at.data_editor if e.key.startswith("team_plan_editor")).value


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
    # The quarter strip, the ratio and headcount fans, hires and cost.
    assert len(at.get("vega_lite_chart")) == 4
    # The tables are editing chrome: read-only (team plan) or hidden in workshop mode.
    assert len(at.data_editor) == (0 if workshop else 3)


@pytest.mark.slow
def test_lower_target_ratio_raises_recommended_starts(plan_page, ui):
    at = set_target(plan_page, k=6.0)
    at_six = starts(at, ui)
    set_target(at, k=5.0)
    assert ui.problems(at) == []
    assert starts(at, ui) > at_six


@pytest.mark.slow
def test_higher_confidence_never_lowers_recommended_starts(plan_page, ui):
    seen = []
    for confidence in (0.6, 0.8, 0.9, 0.95):
        set_target(plan_page, confidence=confidence)
        seen.append(starts(plan_page, ui))
    assert seen == sorted(seen)
    assert seen[-1] > seen[0]


@pytest.mark.slow
def test_metrics_after_a_slider_move_equal_solve(plan_page, ui, fast_scenario):
    at = set_target(plan_page, k=5.0)
    target = {**fast_scenario.target.to_dict(), "ds_per_mle": 5.0}
    plan, result = ui.engine_plan(fast_scenario.replace(target=target), "even")
    shown = ui.metrics(at)
    assert plan.mode == "positions"
    assert int(shown[STARTS]) == plan.total_positions_added
    goal, paths = plan.scenario.target.confidence, plan.scenario.paths
    assert plan.p_target_met == result.p_target_met
    assert plan.p_method == result.p_method and plan.p_se == pytest.approx(result.se_met)
    assert plan.p_se == pytest.approx(mc_se(plan.p_target_met, paths) if sampled(plan) else 0.0)
    assert plan.p_target_held == result.p_target_held
    assert plan.p_held_se == pytest.approx(result.p_held_se)
    assert shown[P_MET] == sentences.probability_text(plan.p_target_met, plan.p_se, goal)
    assert shown[P_HELD] == sentences.probability_text(plan.p_target_held, plan.p_held_se)
    assert shown[RUN_RATE] == f"{formatting.money(plan.annual_cost)}/yr"


@pytest.mark.slow
def test_strategy_change_equals_solve_with_that_strategy(plan_page, ui, fast_scenario):
    at = plan_page.radio(key="w_strategy").set_value("just_in_time").run()
    plan, _ = ui.engine_plan(fast_scenario, "just_in_time")
    assert list(plan_table(at)["recommended"]) == list(plan.positions_added[1:])
    assert int(ui.metrics(at)[STARTS]) == plan.total_positions_added


def test_run_rate_counts_the_fill_rate(app, ui, token, fast_scenario):
    scenario = fast_scenario.replace(fill_rate=0.8)
    at = app("plan", query={"s": token(scenario)})
    plan, _ = ui.engine_plan(scenario, "even")
    assert ui.metrics(at)[RUN_RATE] == f"{formatting.money(plan.annual_cost)}/yr"


@pytest.mark.slow
def test_ratio_chart_follows_the_slider(plan_page, ui, fast_scenario):
    at = set_target(plan_page, k=5.0)
    target = {**fast_scenario.target.to_dict(), "ds_per_mle": 5.0}
    _, result = ui.engine_plan(fast_scenario.replace(target=target), "even")
    ratio = ui.chart_frames(at, 1)[0]
    assert list(ratio["p50"].round(6)) == list(result.ratio["p50"].round(6))


@pytest.mark.slow
def test_editing_the_positions_table_switches_to_the_hand_edited_plan(plan_page, ui, fast_scenario):
    at = plan_page
    recommended = list(plan_table(at)["recommended"])
    edited = recommended.copy()
    edited[2] += 2
    edited[10] = 0
    ui.edit_table(at, "plan_editor", {2: {"planned": edited[2]}, 10: {"planned": 0}})
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_PLAN_MODE] == "manual"
    assert list(plan_table(at)["planned"]) == edited
    assert ui.metric_deltas(at)[STARTS] == "hand-edited"
    assert int(ui.metrics(at)[STARTS]) == sum(edited)
    manual = edits.with_mle_plan(fast_scenario, [0, *edited])
    projected = project(manual)
    p_met, se = projected.p_target_met, projected.se_met
    if projected.p_method == "monte carlo":  # the sample's data-science band
        assert p_met == simulate(manual).p_target_met and se == pytest.approx(mc_se(p_met, 500))
    else:
        assert se == 0.0
    assert ui.metrics(at)[P_MET] == sentences.probability_text(p_met, se, 0.8)


@pytest.mark.slow
def test_a_table_edit_is_applied_once(plan_page, ui):
    at = plan_page
    ui.edit_table(at, "plan_editor", {2: {"planned": 3}})
    after_edit = list(plan_table(at)["planned"])
    set_target(at, k=5.0)  # a later change must not re-apply the old edit on top
    assert list(plan_table(at)["planned"]) == after_edit
    assert edits.mle_schedule(at.session_state[state.KEY_BASE])[1:] == after_edit


@pytest.mark.slow
def test_reset_restores_the_recommendation(plan_page, ui):
    at = plan_page
    before = ui.metrics(at)
    recommended = list(plan_table(at)["recommended"])
    ui.edit_table(at, "plan_editor", {5: {"planned": 3}})
    assert ui.metrics(at) != before
    ui.button(at, "Reset to the recommendation").click().run()
    assert at.session_state[state.KEY_PLAN_MODE] == "recommended"
    assert ui.metrics(at) == before
    assert list(plan_table(at)["planned"]) == recommended
    assert not [b for b in at.button if b.label == "Reset to the recommendation"]


@pytest.mark.slow
def test_changing_the_data_science_growth_changes_the_recommendation(plan_page, ui, fast_scenario):
    at = plan_page
    before = starts(at, ui)
    at.number_input(key="w_ds_to").set_value(60).run()
    at.select_slider(key="w_ds_by").set_value(fast_scenario.target.deadline_month).run()
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    policy = base.policy_of("data_scientist")
    assert (policy.kind, policy.to, policy.by_month) == ("growth", 60, base.target.deadline_month)
    plan, _ = ui.engine_plan(base, "even")
    assert starts(at, ui) == plan.total_positions_added > before
    assert "while data science grows 30 → 60" in at.markdown[0].value


def test_the_team_plan_table_shows_every_role_and_nothing_hidden(plan_page, fast_scenario):
    table = team_table(plan_page)
    assert list(table["role"]) == [
        "Data engineer",
        "Data scientist",
        "ML engineer",
        "Product manager",
    ]
    assert list(table["today"]) == list(fast_scenario.headcount)
    assert list(table["policy"]) == ["backfill", "follow the projection", "backfill", "backfill"]
    positions = fast_scenario.positions_of("data_scientist")
    assert table["positions at horizon"].iloc[1] == positions[-1]
    # The sample team's history gives a status-quo pace for every role.
    assert all(str(v).endswith("/month") for v in table["status-quo pace"])


@pytest.mark.slow
def test_growing_a_role_in_the_team_table_sets_its_policy(plan_page, ui, fast_scenario):
    at = plan_page
    ui.edit_table(at, "team_plan_editor", {0: {"policy": "grow", "grow to": 12}})
    assert ui.problems(at) == []
    policy = at.session_state[state.KEY_BASE].policy_of("data_engineer")
    assert (policy.kind, policy.to) == ("growth", 12)
    assert policy.by_month == fast_scenario.target.deadline_month
    assert team_table(at)["positions at horizon"].iloc[0] == 12


@pytest.mark.slow
def test_no_hiring_in_the_team_table_stops_replacing_leavers(plan_page, ui):
    at = plan_page
    ui.edit_table(at, "team_plan_editor", {3: {"policy": "no hiring"}})
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    assert base.policy_of("product_manager").kind == "none"
    assert team_table(at)["starts to horizon"].iloc[3] == 0


@pytest.mark.slow
def test_the_answer_names_the_quarters_of_the_new_positions(plan_page, ui, fast_scenario):
    plan, _ = ui.engine_plan(fast_scenario, "even")
    sentence = plan_page.markdown[0].value
    assert f"{plan.total_positions_added} new ML engineer positions" in sentence
    from tests.test_sentences_hold import _expand

    listed = sentence.split(" positions (", 1)[1].split("), $", 1)[0]
    assert _expand(listed) == dict(months.quarters(fast_scenario.months(), plan.positions_added))


@pytest.mark.slow
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
    kept = at.session_state[state.KEY_BASE]
    assert kept.target.confidence == scenario.target.confidence
    assert kept.target.ds_per_mle == scenario.target.ds_per_mle
    assert kept.reskill_annual == scenario.reskill_annual


@pytest.mark.slow
def test_manual_starts_typed_by_month_become_that_roles_plan(plan_page, ui):
    at = plan_page
    ui.edit_table(
        at, "manual_starts_editor", {0: {"Product manager": 2}, 5: {"Product manager": 1}}
    )
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    assert base.policy_of("product_manager").kind == "none"
    assert base.starts_of("product_manager")[:6] == (2, 0, 0, 0, 0, 1)
    table = team_table(at)
    assert table["policy"].iloc[3] == "manual starts"
    # three starts tried, each filled with the fill rate (0.84 by default): expected starts
    assert table["starts to horizon"].iloc[3] == pytest.approx(3 * base.fill_rate, abs=0.05)


@pytest.mark.slow
def test_a_cleared_grow_to_keeps_the_rows_growth(plan_page, ui):
    at = plan_page
    ui.edit_table(at, "team_plan_editor", {0: {"grow to": 12, "by": None}})
    before = at.session_state[state.KEY_BASE]
    ui.edit_table(at, "team_plan_editor", {0: {"grow to": None}})
    at.run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE] == before
    assert team_table(at)["grow to"].iloc[0] == 12


@pytest.mark.slow
def test_team_plan_edits_keep_the_solvers_positions_out_of_the_scenario(
    app, ui, token, fast_scenario
):
    """The table shows the solved plan (new ML engineer positions, the team shape's data
    engineers); an edit lands on the scenario the user built, without them."""
    target = {**fast_scenario.target.to_dict(), "ds_per_de": 3.0}
    scenario = fast_scenario.replace(target=target)
    at = app("plan", query={"s": token(scenario)})
    ui.edit_table(at, "team_plan_editor", {3: {"policy": "no hiring"}})
    at.run()
    assert ui.problems(at) == []
    policies = {**scenario.by_role("hiring_policy"), "product_manager": {"kind": "none"}}
    assert at.session_state[state.KEY_BASE] == scenario.replace(hiring_policy=policies)


@pytest.mark.slow
def test_a_team_table_edit_refreshes_the_growth_control_above_it(plan_page, ui):
    at = plan_page
    ui.edit_table(at, "team_plan_editor", {1: {"policy": "grow", "grow to": 60}})
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE].policy_of("data_scientist").to == 60
    assert at.number_input(key="w_ds_to").value == 60  # not the 39 it showed before
