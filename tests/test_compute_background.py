"""What the room does not wait for (issue 21): neighbouring control values prepared in the
background are the scenarios the controls make, background work gives way, and a search
hands over to a waiting rerun."""

from __future__ import annotations

import threading

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

from ui import background, compute, state


def test_a_search_hands_over_to_a_waiting_rerun():
    requests = ScriptRequests()
    compute.yield_to_rerun(requests)  # nothing waiting: the search goes on
    requests.request_rerun(RerunData())
    with pytest.raises(RerunException):
        compute.yield_to_rerun(requests)


def test_a_search_stops_when_the_session_stops():
    requests = ScriptRequests()
    requests.request_stop()
    with pytest.raises(StopException):
        compute.yield_to_rerun(requests)


def test_background_jobs_run_and_a_job_that_gives_way_runs_again():
    ran: list[str] = []
    tries = {"n": 0}

    def shy() -> None:
        tries["n"] += 1
        if tries["n"] == 1:
            raise background.Cancelled
        ran.append("shy")

    jobs = [background.Job("a", lambda: ran.append("a")), background.Job("shy", shy)]
    background.submit("test-session", jobs)
    assert background.wait_idle(30)
    assert ran == ["a", "shy"] and tries["n"] == 2


def test_a_new_view_replaces_what_its_session_had_queued():
    gate, ran = threading.Event(), []
    background.submit("blocked", [background.Job("wait", gate.wait)])
    background.submit("s", [background.Job("old", lambda: ran.append("old"))])
    background.submit("s", [background.Job("new", lambda: ran.append("new"))])
    gate.set()
    assert background.wait_idle(30)
    assert ran == ["new"]


def test_background_work_waits_for_a_script_run():
    started, release = threading.Event(), threading.Event()

    def script() -> None:
        started.set()
        release.wait(10)

    fake = threading.Thread(target=script, name=background.SCRIPT_THREAD)
    fake.start()
    started.wait(10)
    ran: list[str] = []
    background.submit("waits", [background.Job("x", lambda: ran.append("x"))])
    assert not background.wait_idle(0.3) and ran == []
    release.set()
    fake.join()
    assert background.wait_idle(30) and ran == ["x"]


CONTROLS = [
    ("slider", "w_target_k", lambda v: v + 0.5),
    ("select_slider", "w_deadline", lambda v: v + 1),
    ("select_slider", "w_confidence", lambda v: 0.85),
    ("toggle", "w_hold", lambda v: not v),
    ("number_input", "w_ds_to", lambda v: v + 1),
    ("number_input", "w_attrition_all", lambda v: v - 1),
]


@pytest.mark.parametrize("kind,key,step", CONTROLS, ids=[c[1] for c in CONTROLS])
def test_the_prepared_neighbour_is_the_scenario_the_control_makes(app, kind, key, step):
    at = app("plan")
    before = at.session_state[state.KEY_BASE]
    widget = getattr(at, kind)(key=key)
    widget.set_value(step(widget.value)).run()
    after = at.session_state[state.KEY_BASE]
    assert after != before
    assert after in background.neighbours(before)


@pytest.mark.parametrize("prepare", [None, True])
def test_only_a_served_app_prepares_in_the_background(app, monkeypatch, prepare):
    queued: list[list[background.Job]] = []
    monkeypatch.setattr(background, "submit", lambda session, jobs: queued.append(jobs))
    monkeypatch.setattr(compute, "PREPARE", prepare)
    app("plan")
    if prepare is None:  # AppTest's mock Runtime is not a server
        assert queued == []
    else:
        labels = {j.label for j in queued[-1]}
        assert labels >= {"neighbours", "sample trends", "sample backtest", "sensitivity"}
