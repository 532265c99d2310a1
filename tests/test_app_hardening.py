"""Hardening for a public deployment (AppTest): bounded work per link, the last escapes,
nested JSON, what was capped is said. The review's cases are in the test names."""

from __future__ import annotations

import base64
import json
import resource
import time
import zlib

import pytest

from forecasting.model.errors import ScenarioError
from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Budget, SolverCancelled
from forecasting.plan.solver import solve
from ui import compute, state, work

HOSTILE = {
    "headcount": {"data_scientist": 100_000, "ml_engineer": 0},
    "attrition_annual": {"ml_engineer": 0.9, "data_scientist": 0.13},
    "attrition_interval": {"data_scientist": [0.05, 0.3]},
    "target": {"ds_per_mle": 1, "deadline_month": 18, "confidence": 0.999999, "hold": True},
    "max_starts_per_month": 100_000,
    "time_to_fill_months": 0,
    "fill_rate": 0.5,
    "reskill_annual": 0.2,
    "horizon_months": 120,
    "paths": 100_000,
    "seed": 1,
}


@pytest.mark.slow
def test_a_link_asking_for_millions_of_simulations_answers_in_seconds(app, ui, token):
    """The review: 100,000 data scientists, no ML engineers, ML engineer attrition 0.9,
    target 1:1 at 0.999999 held, 100,000 starts a month, no time to fill: about 2.2
    million simulations (14 CPU-days), and 100,000 paths x 120 months took 13 s and
    1.2-1.7 GiB. Now the server caps paths and the search's work, and says so."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    at = app(query={"s": token(Scenario.from_dict(HOSTILE))})
    elapsed = time.perf_counter() - t0
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert ui.problems(at) == []
    assert elapsed < 90  # generous for a loaded CI machine; measured ~6 s on 2 cores
    assert grown_mib < 1024
    text = ui.page_text(at)
    assert "simulates 10,000 per view" in text  # what was capped is shown
    assert "not reachable" in at.markdown[0].value
    # Every simulated path meets it with the most hiring, but no number of paths a view
    # may use can show 99.9999%: said in words, with the confidence they can show.
    answer = at.markdown[0].value
    assert "with 99.9999% confidence" in answer
    assert "all 10,000 simulated paths meet it, which shows at least 99.960%" in answer


def test_an_interactive_search_stops_when_its_session_has_gone():
    sc = Scenario.from_dict({**HOSTILE, "paths": 500, "horizon_months": 24})
    with pytest.raises(SolverCancelled):
        solve(sc, "even", budget=Budget(should_stop=lambda: True))


def test_interactive_views_cap_the_paths_the_link_asks_for():
    sc = Scenario.from_dict({**HOSTILE, "paths": 100_000})
    assert compute.interactive(sc).paths == work.MAX_PATHS
    small = sc.replace(paths=2000)
    assert compute.interactive(small) is small


def _token(payload: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(payload, 9)).decode().rstrip("=")


@pytest.mark.parametrize("payload", [b"[" * 60_000, b'{"a":' * 12_000], ids=["lists", "objects"])
def test_a_deeply_nested_link_falls_back_to_the_sample_team(app, ui, sample_scenario, payload):
    """The review: a 75-character link token of nested JSON raised RecursionError: the
    generic error page, no navigation, no sample team."""
    token = _token(payload)
    assert len(token) < 400
    at = app(query={"s": token})
    assert not at.exception
    assert at.session_state[state.KEY_BASE] == sample_scenario
    assert "nested deeper than" in at.error[0].value


def test_a_deeply_nested_scenario_file_is_refused_with_a_clear_message(app, sample_scenario):
    at = app("plan")
    data = b'{"headcount": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    at.file_uploader(key="scenario_upload").set_value(("deep.json", data, "application/json")).run()
    assert not at.exception
    assert "nested deeper than" in at.error[0].value
    assert at.session_state[state.KEY_BASE] == sample_scenario


@pytest.mark.slow
def test_the_restore_error_shows_a_scenario_files_text_literally(app):
    """The review: a key 'Your session expired - [sign in again](http://…)
    ![t](http://…/pixel.png)' showed a live link and the browser fetched the image."""
    key = "Your session expired - [sign in again](http://evil.example) ![t](http://evil.example/p.png)"
    at = app("plan")
    at.file_uploader(key="scenario_upload").set_value(
        ("s.json", f'{{"headcount": {{}}, "{key}": 1}}'.encode(), "application/json")
    ).run()
    shown = at.error[0].value
    assert "](http" not in shown and "![" not in shown  # no Markdown link or image left
    assert "\\[sign in again\\]" in shown


def test_saved_scenario_names_are_shown_literally_and_without_bidi_controls(app):
    at = app("compare")
    at.text_input[0].input("\u202eEVIL\u202c [x](http://evil.example)")
    next(b for b in at.button if b.label.startswith("Save")).click().run()
    assert not at.exception
    (name,) = at.session_state[state.KEY_SAVED]
    assert "\u202e" not in name and "\u202c" not in name
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(s.value for s in at.success)
    assert "](http" not in shown


def test_a_session_opened_from_a_link_says_what_it_does_not_have(app, ui, token, sample_scenario):
    at = app(query={"s": token(sample_scenario)})
    assert "Uploaded files are never in links" in ui.page_text(at)
    at.run()  # said once
    assert "Uploaded files are never in links" not in ui.page_text(at)


def test_every_analysis_past_the_work_budget_says_what_was_not_computed(
    app, ui, token, monkeypatch
):
    """One work budget for every engine call (ui/work.py): with the limit at one
    path-month, Sensitivity's tornado, budget and frontier each say in words what was not
    computed and why, and the page still draws without an error."""

    monkeypatch.setattr(work, "PATH_MONTHS", 1.0)
    sc = Scenario.from_dict(
        {
            "headcount": {"data_scientist": 30, "ml_engineer": 2},
            "reskill_annual": 0.05,  # sampled: every evaluation spends path-months
            "paths": 300,
            "seed": 424_242,  # a scenario no other test caches
            "target": {"ds_per_mle": 6, "deadline_month": 12},
        }
    )
    at = app("sensitivity", query={"s": token(sc)})
    assert ui.problems(at) == [] or all("interactive request" in p for p in ui.problems(at))
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("Not varied:") and "path-months" in w for w in warnings), warnings
    assert sum(w.startswith("Not computed:") for w in warnings) >= 2, warnings


def test_the_heavy_slots_bound_concurrent_engine_calls():
    """At most MAX_HEAVY engine calls at once; a waiting call gives up when its session
    is no longer waiting."""
    import threading

    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with work.heavy():
            held.set()
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(work.MAX_HEAVY)]
    for t in threads:
        t.start()
    try:
        assert held.wait(5)
        deadline = time.monotonic() + 5
        while not work.busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert work.busy()
        with pytest.raises(SolverCancelled), work.heavy(lambda: True):
            pass
    finally:
        release.set()
        for t in threads:
            t.join()
    assert not work.busy()


def test_a_tornado_cut_short_before_its_first_row_draws_no_chart_and_says_why(app, ui, monkeypatch):
    """A team-shape link at the format's limits (bench_hostile_links --pages): the work
    budget ran out after today's answer, before any assumption was varied; the page said
    "Something went wrong" (an empty tornado chart) instead of what was cut short."""
    import dataclasses

    from ui import advice

    real = advice.sensitivity_cached

    def cut_short(*args):
        result, why = real(*args)
        assert result is not None, why
        return dataclasses.replace(result, rows=(), capped="not varied: every assumption"), None

    monkeypatch.setattr(advice, "sensitivity_cached", cut_short)
    at = app("sensitivity")
    assert ui.problems(at) == []
    assert any("Cut short at the interactive work limit" in i.value for i in at.info)


def _packed(raw: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).decode().rstrip("=")


#: Under Python's 4,300-digit int-string limit, past a float's range.
HUGE = "1" + "0" * 4000


def _huge_salary(scenario: Scenario) -> dict:
    data = scenario.to_dict()
    data["annual_cost"]["data_engineer"] = "HUGE"
    return data


def test_a_huge_integer_in_a_link_is_refused_with_a_message_not_a_crash(sample_scenario):
    """An adversarial pass: a 4,001-digit salary got past the int-string limit and raised
    OverflowError (not a ScenarioError) while the scenario was built."""
    raw = json.dumps(_huge_salary(sample_scenario)).replace('"HUGE"', HUGE)
    with pytest.raises(ScenarioError, match="too large"):
        state.decode_scenario(_packed(raw))


def test_a_huge_integer_in_the_comparison_keeps_the_links_scenario(app, token):
    """... and in ?c= it made the session set-up fail, which discarded a valid ?s=."""
    own = state.default_scenario().replace(target={"ds_per_mle": 7.0})
    data = {"version": 1, "scenarios": [{"name": "A", "scenario": _huge_salary(own)}]}
    at = app(query={"s": token(own), "c": _packed(json.dumps(data).replace('"HUGE"', HUGE))})
    assert at.session_state[state.KEY_BASE] == own
    assert any("too large" in e.value for e in at.error)
    assert at.session_state[state.KEY_SAVED] == {}
