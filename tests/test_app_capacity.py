"""Capacity page (AppTest): the metrics equal the engine's capacity summary at the deadline,
for the sample team and after a capacity parameter is edited."""

from __future__ import annotations

import pytest

from forecasting.model import formatting
from forecasting.model.roles import ROLE_LABELS, Role
from ui import state


def expected_metrics(scenario, ui) -> dict[str, str]:
    """The four capacity metrics as the page should show them, from the engine."""
    _, result = ui.engine_plan(scenario, "even")
    cap = result.capacity_summary
    d = scenario.target.deadline_month
    share0, share_d = cap["ds_engineering_share"].iloc[[0, d]]
    return {
        "DS time on engineering / data prep, today": ui.fmt_pct(share0),
        f"…at the deadline ({formatting.month_name(result.months[d])})": ui.fmt_pct(share_d),
        "DS modelling capacity at deadline": f"{cap['ds_modelling_fte'].iloc[d]:.1f} FTE",
        "Delivery index at deadline": f"{cap['delivery_index'].iloc[d]:.0f}",
    }


@pytest.fixture(scope="module")
def capacity(app):
    """One Capacity session on the sample team (read-only tests share it)."""
    return app("capacity")


@pytest.mark.slow
def test_capacity_metrics_equal_the_engine_at_the_deadline(capacity, ui, sample_scenario):
    assert ui.metrics(capacity) == expected_metrics(sample_scenario, ui)


@pytest.mark.slow
def test_capacity_names_the_engine_bottleneck_at_the_deadline(capacity, ui, sample_scenario):
    _, result = ui.engine_plan(sample_scenario, "even")
    cap = result.capacity_summary
    role = cap["bottleneck"].iloc[sample_scenario.target.deadline_month]
    delta = ui.metric_deltas(capacity)["Delivery index at deadline"]
    assert delta == f"bottleneck: {ROLE_LABELS[Role(role)]}"


@pytest.mark.slow
def test_bottleneck_table_covers_the_horizon(capacity, sample_scenario):
    table = [d.value for d in capacity.dataframe if "limiting role" in d.value][0]
    months = sample_scenario.months()
    assert table["from"].iloc[0] == formatting.month_name(months[0])
    assert table["to"].iloc[-1] == formatting.month_name(months[-1])


@pytest.mark.slow
def test_editing_a_capacity_parameter_updates_the_metrics(app, ui, fast_scenario, token):
    at = app("capacity", query={"s": token(fast_scenario)})
    names = list(at.data_editor[0].value["parameter"])
    row = names.index("ds_per_mle_supported")
    ui.edit_table(at, "capacity_params_editor", {row: {"value": 2.0}})
    assert ui.problems(at) == []
    changed = fast_scenario.replace(
        capacity={**fast_scenario.capacity.to_dict(), "ds_per_mle_supported": 2.0}
    )
    assert at.session_state[state.KEY_BASE] == changed
    assert ui.metrics(at) == expected_metrics(changed, ui)


@pytest.mark.slow
def test_a_team_starting_with_0_ml_engineers_shows_a_delivery_index(app, ui, fast_scenario, token):
    """The index was NaN for the whole horizon when any role was 0 at month 0."""
    headcount = dict(
        zip(
            ["data_engineer", "data_scientist", "ml_engineer", "product_manager"],
            fast_scenario.headcount,
        )
    )
    no_mle = fast_scenario.replace(headcount={**headcount, "ml_engineer": 0})
    at = app("capacity", query={"s": token(no_mle)})
    assert ui.problems(at) == []
    shown = ui.metrics(at)
    assert shown == expected_metrics(no_mle, ui)
    assert shown["Delivery index at deadline"] != "nan"


@pytest.mark.slow
def test_delivery_index_help_names_todays_index_and_what_100_stands_for(
    capacity, ui, sample_scenario
):
    """Today's 1:10 sample team: 30 data scientists, 100 = 30 * (1 - 0.2) = 24.0 FTE."""
    _, result = ui.engine_plan(sample_scenario, "even")
    cap = result.capacity_arrays
    help_text = next(m.proto.help for m in capacity.metric if m.label.startswith("Delivery"))
    assert cap.delivery_reference == pytest.approx(24.0)
    assert help_text.startswith(f"Today: {cap.delivery_index[0]:.0f}. 100 = 24.0 FTE of modelling")
