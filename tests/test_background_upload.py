"""An uploaded team's Forecast page switched to at once: its charts are drawn in the
background when the fits arrive (ui/projections.py `upload_charts_job`); the page says so
and they arrive by themselves, the same specs a synchronous drawing gives."""

from __future__ import annotations

import json
import threading

import pytest

from forecasting.estimate.trend import status_quo_all
from ui import background, charts, compute, projections, state


def drawn(at) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


def upload_roster(at, ui) -> None:
    from tests.hr_exports import simulated_roster

    team = {"data_engineer": 8, "data_scientist": 20, "ml_engineer": 4, "product_manager": 4}
    ui.goto(at, "team")
    data = simulated_roster(21, team=team)
    at.file_uploader(key="team_upload").set_value(("roster.csv", data, "text/csv"))
    at.run()
    [use] = [b for b in at.button if b.label == "Use this team in the scenario"]
    use.click().run()
    assert ui.problems(at) == []


@pytest.mark.slow
def test_an_uploads_forecast_draws_at_once_and_its_charts_arrive_the_same(app, ui, monkeypatch):
    at = app()
    upload_roster(at, ui)  # fitted as it is applied, nothing in the background yet
    monkeypatch.setattr(compute, "PREPARE", True)
    gate = threading.Event()
    background.submit("held-by-the-test", [background.Job("gate", gate.wait)])
    try:
        ui.goto(at, "overview")  # queues the upload's charts and backtest
        ui.goto(at, "forecast")
        assert ui.problems(at) == []
        assert any("Drawing the trend charts" in i.value for i in at.info)
        assert drawn(at) == 0
    finally:
        gate.set()
    assert background.wait_idle(300)
    at.run()
    assert ui.problems(at) == [] and drawn(at) == 4
    assert not any("Drawing the trend charts" in i.value for i in at.info)
    upload = at.session_state[state.KEY_UPLOAD]
    horizon = at.session_state[state.KEY_BASE].horizon_months
    cache = at.session_state[projections.KEY_CACHE]
    for role, tf in status_quo_all(upload.result.history, horizon).items():
        chart = charts.history_forecast(tf.history, tf.forecast, tf.model, role=role)
        expected = json.dumps(compute.vega_lite_spec(chart), sort_keys=True)
        assert json.dumps(cache[("chart", role, horizon, False)], sort_keys=True) == expected
