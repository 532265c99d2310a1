"""The last value wins in the browser too (issue 21): a run computes the plan before it
draws anything, a step of a control walked with the keyboard waits a beat for the next
step before drawing, a widget already showing the scenario's value is not set again by
the script, and the download row makes its files when clicked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequestType

from forecasting.report.export import download_name
from ui import compute, controls, state

KEY = "w_deadline"


def values(**changed: object) -> dict[str, object]:
    out: dict[str, object] = {key: None for key in controls.WALKED}
    out.update({"w_target_k": 6.0, KEY: 18, "w_confidence": 0.8})
    out.update(changed)
    return out


def finished(record: dict, at: float) -> dict:
    return {**record, "finished": at}


def test_a_held_arrow_key_walks_the_control():
    first, walked = controls.walk(None, values(), 0.0)
    assert walked is False and first["step"] is None
    one, walked = controls.walk(finished(first, 0.1), values(w_deadline=19), 0.3)
    assert walked is False and one["step"] == (KEY, 1)  # one step: not yet a walk
    two, walked = controls.walk(finished(one, 0.5), values(w_deadline=20), 0.5 + 0.3)
    assert walked is True and two["step"] == (KEY, 1)
    # the previous step interrupted by this one (no end): a walk when it started just before
    three, walked = controls.walk(two, values(w_deadline=21), 0.8 + 0.1)
    assert walked is True
    _, walked = controls.walk(three, values(w_deadline=22), 0.9 + controls.WALK_AFTER_START + 0.1)
    assert walked is False


@pytest.mark.parametrize(
    ("after", "now", "walked"),
    [
        (values(w_deadline=18), controls.WALK_AFTER_END / 2, False),  # back: the other way
        (values(w_deadline=20), controls.WALK_AFTER_END + 0.5, False),  # a step now and then
        (values(w_deadline=20, w_target_k=6.5), 0.1, False),  # two controls at once
        (values(w_deadline=19), 0.1, False),  # nothing moved (a rerun of the page)
        (values(w_deadline=20), controls.WALK_AFTER_END / 2, True),
    ],
)
def test_what_is_not_a_walk(after, now, walked):
    start, _ = controls.walk(None, values(w_deadline=18), -1.0)
    step, _ = controls.walk(finished(start, -0.9), values(w_deadline=19), -0.5)
    assert step["step"] == (KEY, 1)
    _, got = controls.walk(finished(step, 0.0), after, now)
    assert got is walked


class Requests:
    """A script run's requests: a newer value arrives at the `arrives`-th look."""

    def __init__(self, arrives: int | None) -> None:
        self.arrives, self.looks = arrives, 0

    def on_scriptrunner_yield(self):
        self.looks += 1
        if self.arrives is not None and self.looks >= self.arrives:
            from types import SimpleNamespace

            return SimpleNamespace(type=ScriptRequestType.RERUN, rerun_data=RerunData())
        return None


def test_settle_hands_the_script_to_a_newer_value(monkeypatch):
    from types import SimpleNamespace

    import streamlit.runtime.scriptrunner as scriptrunner

    requests = Requests(arrives=3)
    monkeypatch.setattr(
        scriptrunner, "get_script_run_ctx", lambda **_: SimpleNamespace(script_requests=requests)
    )
    with pytest.raises(RerunException):
        compute.settle(0.0, seconds=1e9)  # would wait for ever: the newer value ends it
    assert requests.looks == 3

    quiet = Requests(arrives=None)
    monkeypatch.setattr(
        scriptrunner, "get_script_run_ctx", lambda **_: SimpleNamespace(script_requests=quiet)
    )
    compute.settle(0.0, seconds=0.0)  # past its time: one look, no wait
    assert quiet.looks == 1


def test_settle_without_a_script_run_does_not_wait():
    compute.settle(0.0, seconds=1e9)  # no script run context here: returns at once


@pytest.mark.slow
def test_a_walked_slider_ends_on_the_same_answer_as_one_move(app, ui, token, fast_scenario):
    walked = app("plan", query={"s": token(fast_scenario)})
    for month in range(fast_scenario.deadline + 1, fast_scenario.deadline + 4):
        walked.select_slider(key=KEY).set_value(month).run()
    moved = app("plan", query={"s": token(fast_scenario)})
    moved.select_slider(key=KEY).set_value(fast_scenario.deadline + 3).run()
    for at in (walked, moved):
        assert ui.problems(at) == []
    assert walked.session_state[state.KEY_BASE] == moved.session_state[state.KEY_BASE]
    assert [m.value for m in walked.metric] == [m.value for m in moved.metric]
    assert walked.markdown[0].value == moved.markdown[0].value


def test_a_widget_showing_the_scenarios_value_is_not_set_again(app, ui, token, fast_scenario):
    at = app("plan", query={"s": token(fast_scenario)})
    later = fast_scenario.deadline + 2
    # the scenario moved while the widget was not drawn (a run interrupted before it), and
    # the browser's value is already the scenario's: the script leaves the widget alone
    at.session_state[state.KEY_BASE] = fast_scenario.replace(
        target={**fast_scenario.target.to_dict(), "deadline_month": later}
    )
    at.session_state[KEY] = later
    at.run()
    assert ui.problems(at) == []
    assert at.select_slider(key=KEY).value == later
    (deadline,) = [w for w in at.select_slider if w.key == KEY]
    assert not deadline.proto.set_value


def test_a_page_that_stops_early_has_finished_its_run(app, ui, token, fast_scenario):
    """A page ending its run with st.stop() (Compare with nothing saved) finished it: the
    next run is not taken for a walk's step interrupting it (1.5 s instead of 0.4 s)."""
    at = app("compare", query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    assert any("Save at least one scenario" in i.value for i in at.info)
    assert at.session_state[controls.KEY_WALK]["finished"] is not None


@pytest.fixture
def captured(monkeypatch):
    """The download buttons' files by file name, in order: bytes, or the callable made on
    click."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    files: dict[str, list] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, **kwargs):
        files.setdefault(file_name, []).append(data)
        return add(self, data, mimetype, coordinates, file_name, **kwargs)

    def record_deferred(self, fn, mimetype, coordinates, file_name=None, **kwargs):
        files.setdefault(file_name, []).append(fn)
        return add_deferred(self, fn, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def test_the_download_row_makes_its_files_when_clicked(app, ui, token, fast_scenario, captured):
    import io

    at = app("plan", query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    view = compute.view_for(fast_scenario, "even", state.PLAN_RECOMMENDED)
    today = date.today().isoformat()
    csv = captured[download_name("plan", view.scenario, today, "csv")][-1]  # the last run's
    assert callable(csv)
    made = csv()
    assert made == compute.projections_csv(
        view.scenario, strategy="even", plan=state.PLAN_RECOMMENDED, link=None, generated=today
    )
    table = pd.read_csv(io.BytesIO(made), comment="#")
    assert len(table) == view.scenario.horizon_months + 1
    # the sidebar's (the scenario as built) and the row's (the plan on screen)
    names = {download_name("scenario", s, today, "json") for s in (fast_scenario, view.scenario)}
    files = [f for name in names for f in captured[name]]
    assert files and all(callable(f) for f in files)
    assert {f() for f in files} == {fast_scenario.to_json(), view.scenario.to_json()}
