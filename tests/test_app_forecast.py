"""Forecast page (AppTest): renders on the sample team, names the model used for each role,
and forecasts an uploaded history with the engine's models and its honest notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forecasting.estimate.trend import status_quo_all
from forecasting.ingest import ingest_bytes
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, Role
from ui import state

HISTORY = Path(__file__).resolve().parents[1] / "data" / "templates" / "history.csv"
MODEL_LINE = re.compile(r"^\*\*(?P<role>[^*]+)\*\* — model used: \*\*(?P<model>[^*]+)\*\*")


def models_named(at) -> dict[str, str]:
    """Role label -> the model the page says it used."""
    found = {}
    for m in at.markdown:
        match = MODEL_LINE.match(m.value)
        if match:
            found[match["role"]] = match["model"]
    return found


@pytest.fixture(scope="module")
def forecast(app):
    """One Forecast session on the sample team (the statsmodels fits are cached)."""
    return app("forecast")


@pytest.mark.slow
def test_forecast_names_the_model_used_for_each_role(forecast):
    named = models_named(forecast)
    assert set(named) == {ROLE_LABELS[Role(k)] for k in ROLE_KEYS}
    assert all(model.strip() for model in named.values())


@pytest.mark.slow
def test_forecast_model_named_is_the_one_its_backtest_chose(forecast):
    named = list(models_named(forecast).values())
    tables = [d.value for d in forecast.dataframe if "chosen" in d.value]
    assert len(tables) == len(named)
    for model, table in zip(named, tables):
        assert list(table.loc[table["chosen"].astype(bool), "model"]) == [model]


@pytest.mark.slow
def test_forecast_of_an_uploaded_history_uses_the_engine_models_and_notes(app, ui):
    data = HISTORY.read_bytes()
    at = app("team")
    at.file_uploader(key="team_upload").set_value(("history.csv", data, "text/csv")).run()
    ui.goto(at, "forecast")
    assert ui.problems(at) == []
    assert "your upload **history.csv**" in at.caption[0].value.replace("\\", "")
    horizon = at.session_state[state.KEY_BASE].horizon_months
    expected = status_quo_all(ingest_bytes(data, filename="history.csv").history, horizon)
    assert models_named(at) == {ROLE_LABELS[Role(k)]: tf.model for k, tf in expected.items()}
    # Three months are too few to fit a trend: the page says so, role by role.
    notes = sorted(tf.note for tf in expected.values() if tf.note)
    assert notes and sorted(i.value for i in at.info) == notes


# --------------------------------------------------------------------------- backtest


@pytest.mark.slow
def test_the_forecast_page_backtests_the_sample_team(forecast):
    text = " ".join(m.value for m in forecast.markdown).replace("\\", "")
    assert "fell inside the predicted P10–P90 interval" in text
    labels = {m.label for m in forecast.metric}
    assert "Inside P10–P90, all checks" in labels
    table = [d.value for d in forecast.dataframe if "headcount: hit" in d.value][0]
    assert len(table) == 12 and set(table["headcount: hit"]) <= {"hit", "miss"}


@pytest.mark.slow
def test_the_forecast_page_backtests_an_uploaded_panel_and_says_where_history_starts(app, ui):
    from tests.hr_exports import yearly_panel

    data, _ = yearly_panel(500, seed=6)
    at = app("team")
    at.file_uploader(key="team_upload").set_value(("panel.csv", data, "text/csv")).run()
    ui.goto(at, "forecast")
    assert ui.problems(at) == []
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "History starts in 2016-01" in captions
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Re-run from Nov 2024" in text


@pytest.mark.slow
def test_a_history_too_short_for_a_backtest_says_why(app, ui):
    at = app("team")
    data = HISTORY.read_bytes()
    at.file_uploader(key="team_upload").set_value(("history.csv", data, "text/csv")).run()
    ui.goto(at, "forecast")
    assert any("No backtest: a backtest over 12 months needs" in c.value for c in at.caption)
