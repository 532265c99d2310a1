"""A page's first visit while its slow part is still being computed in the background
(ui/background.py): the page draws at once, says what is being computed, and the part
arrives by itself with the numbers a synchronous computation gives."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from forecasting.estimate.trend import status_quo_all
from forecasting.model import edits
from forecasting.plan.sensitivity import sensitivity
from forecasting.plan.solver import solve
from forecasting.report import sentences
from ui import advice, background, backtest_view, compute, projections, state
from ui.sample_data import sample_ingest


def charts(at) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


@pytest.fixture
def held(monkeypatch):
    """The background on (as under a server) and its worker held busy until released."""
    monkeypatch.setattr(compute, "PREPARE", True)
    gate = threading.Event()
    background.submit("held-by-the-test", [background.Job("gate", gate.wait)])
    yield gate
    gate.set()
    assert background.wait_idle(300)


def test_is_cached_says_whether_a_cache_holds_the_value_without_computing_it():
    import streamlit as st

    calls = []

    @st.cache_data
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    assert background.is_cached(square, 3) is False
    assert square(3) == 9
    assert background.is_cached(square, 3) is True
    assert background.is_cached(square, 4) is False and calls == [3]


def test_a_run_of_only_the_waiting_fragment_does_not_make_the_worker_give_way():
    from types import SimpleNamespace

    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        SCRIPT_RUN_CONTEXT_ATTR_NAME,
    )

    gate = threading.Event()
    script = threading.Thread(target=gate.wait, name=background.SCRIPT_THREAD)
    background._WAIT_FRAGMENTS.add("waiting-fragment")
    try:
        for ids, busy in ((["waiting-fragment"], False), (["other"], True), (None, True)):
            ctx = SimpleNamespace(fragment_ids_this_run=ids)
            setattr(script, SCRIPT_RUN_CONTEXT_ATTR_NAME, ctx)
            if not script.is_alive():
                script.start()
            assert background.foreground_busy() is busy
    finally:
        gate.set()
        script.join()
        background._WAIT_FRAGMENTS.discard("waiting-fragment")


def test_first_puts_the_page_job_in_front_of_its_queued_twin(monkeypatch):
    gate = threading.Event()
    ran: list[str] = []
    background.submit("held", [background.Job("gate", gate.wait)])
    jobs = [background.Job(x, lambda x=x: ran.append(x)) for x in ("a", "b", "sensitivity")]
    background.submit("s", jobs)
    background.WORKER.first("s", background.Job("sensitivity", lambda: ran.append("first")))
    assert background.WORKER.pending("s", "sensitivity")
    gate.set()
    assert background.wait_idle(30)
    assert ran == ["first", "a", "b"]
    assert not background.WORKER.pending("s", "sensitivity")


@pytest.mark.slow
def test_forecast_draws_at_once_and_the_fits_arrive_with_the_same_numbers(app, ui, held):
    projections.sample_trends.clear()
    backtest_view._sample_backtest.clear()
    at = app()
    ui.goto(at, "forecast")
    assert ui.problems(at) == []
    waiting = " ".join(i.value for i in at.info)
    assert "Fitting the trend models" in waiting and "Re-running the model" in waiting
    assert charts(at) == 0
    held.set()
    assert background.wait_idle(300)
    at.run()
    assert ui.problems(at) == [] and charts(at) == 4
    assert not any("Fitting the trend models" in i.value for i in at.info)
    horizon = at.session_state[state.KEY_BASE].horizon_months
    expected = status_quo_all(sample_ingest().history, horizon)
    shown = [d.value for d in at.dataframe if "chosen" in d.value]
    assert len(shown) == len(expected)
    for tf in expected.values():  # each role's table (two columns: not in role order)
        assert any(
            list(t["model"]) == list(tf.backtest["model"])
            and np.allclose(t["mae"].to_numpy(), tf.backtest["mae"].to_numpy())
            for t in shown
        )


@pytest.mark.slow
def test_sensitivity_draws_at_once_and_the_tornado_arrives_with_the_same_numbers(
    app, ui, token, fast_scenario, held
):
    advice.sensitivity_cached.clear()
    at = app("sensitivity", query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    assert any("Varying each assumption" in i.value for i in at.info)
    assert charts(at) == 1  # the frontier; the tornados are being computed
    held.set()
    assert background.wait_idle(300)
    at.run()
    assert ui.problems(at) == [] and charts(at) == 3
    base = edits.without_mle_plan(fast_scenario)
    plan = np.array(solve(base, "even").positions_added)
    expected = sensitivity(base.replace(paths=min(base.paths, 2000)), plan=plan)
    months = fast_scenario.months()
    assert at.markdown[0].value == "##### " + sentences.sensitivity_sentence(expected, months)
