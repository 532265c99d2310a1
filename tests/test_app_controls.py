"""The planning controls (ui.controls): horizon and start month on Hiring plan, and the
workshop bar that carries the five controls that matter on every page."""

from __future__ import annotations

import pytest

from ui import state


@pytest.mark.slow
def test_horizon_control_replans_over_the_new_horizon(app, ui, token, fast_scenario):
    at = app("plan", query={"s": token(fast_scenario)})
    at.select_slider(key="w_horizon").set_value(24).run()
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    assert base.horizon_months == 24
    assert base.deadline == min(fast_scenario.deadline, 24)
    # the data scientists' plan keeps its months up to the new horizon
    assert base.positions_of("data_scientist") == fast_scenario.positions_of("data_scientist")[:25]
    assert at.select_slider(key="w_deadline").options[-1] == "Nov 2028"  # month 24


@pytest.mark.slow
def test_start_month_control_moves_every_month(app, ui, token, fast_scenario):
    at = app("plan", query={"s": token(fast_scenario)})
    at.selectbox(key="w_start").set_value("2027-03").run()
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    assert base.start_month == "2027-03" and base.months()[0] == "2027-03"
    assert base.horizon_months == fast_scenario.horizon_months
    assert fast_scenario.deadline == 18
    assert "by Sep 2028" in at.markdown[0].value  # month 18 counted from Mar 2027


@pytest.mark.slow
def test_workshop_bar_changes_the_target_on_any_page(app, ui, token, fast_scenario):
    at = app("capacity", workshop=True, query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    labels = [w.label for w in (*at.slider, *at.select_slider, *at.number_input, *at.toggle)]
    for label in ("Target (1:k)", "Deadline", "Confidence", "Data scientists", "Hold"):
        assert label in labels
    at.slider(key="w_target_k").set_value(8.0).run()
    assert ui.problems(at) == []
    assert at.session_state[state.KEY_BASE].target.ds_per_mle == 8.0
    at.toggle(key="workshop_bar_toggle").set_value(False).run()
    assert at.session_state[state.KEY_WORKSHOP] is False


def test_workshop_hiring_plan_keeps_the_other_controls_in_one_expander(
    app, ui, token, fast_scenario
):
    at = app("plan", workshop=True, query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    assert [e.label for e in at.expander][0].startswith("More settings")
    # each control once: the bar's five are not repeated on the page
    keys = [w.key for w in (*at.slider, *at.select_slider, *at.number_input, *at.toggle)]
    assert len(keys) == len(set(keys))
    assert "w_horizon" in keys and "w_start" not in keys  # selectbox, counted below
    assert at.selectbox(key="w_start").value == fast_scenario.start_month


def test_one_attrition_control_sets_every_role_and_moves_their_intervals(
    app, ui, token, fast_scenario
):
    """The what-if "attrition is 20%" is one control, in the workshop bar on any page."""
    at = app("capacity", workshop=True, query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    at.number_input(key="w_attrition_all").set_value(20).run()
    assert ui.problems(at) == []
    base = at.session_state[state.KEY_BASE]
    assert base.attrition_annual == (0.2, 0.2, 0.2, 0.2)
    for iv in base.attrition_interval:
        assert iv is None or iv[0] <= 0.2 <= iv[1]
