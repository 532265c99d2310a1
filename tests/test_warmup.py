"""The warm-up at server start (issue 21, a fresh server's first screen): it fills the
caches a first session reads, reads nothing but the built-in sample, gives way to a
script run, and never fails the server."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import make_app
from ui import background, caches, chart_specs, compute, state, warmup

#: The warm-up's steps a first screen reads (not the statistics imports: 1.3 s).
FIRST_SCREEN_STEPS = ("warm-up: imports", "warm-up: streamlit", "warm-up: first screen")


def _forget_everything() -> None:
    """A fresh process's caches: no solve, projection, chart spec or template kept."""
    caches.forget(server_memos=True, templates=True)


def _run_first_screen_steps() -> None:
    for label, run in warmup.steps():
        if label in FIRST_SCREEN_STEPS:
            run()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of the solve, the projection and the chart templates' Altair drawing."""
    calls = {"solve": 0, "project": 0, "template": 0}

    def count(name: str, real):
        def counting(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return counting

    monkeypatch.setattr(compute, "solve", count("solve", compute.solve))
    monkeypatch.setattr(compute, "project", count("project", compute.project))
    monkeypatch.setattr(
        chart_specs, "_make_template", count("template", chart_specs._make_template)
    )
    return calls


@pytest.mark.parametrize("workshop", [False, True])
def test_a_first_session_after_the_warm_up_solves_and_draws_nothing_new(counted, workshop):
    _forget_everything()
    at = make_app(workshop=workshop)  # without the warm-up: the session does the work
    assert not at.exception
    assert counted["solve"] >= 1 and counted["project"] >= 1 and counted["template"] >= 2

    _forget_everything()
    _run_first_screen_steps()
    counted.update(solve=0, project=0, template=0)
    at = make_app(workshop=workshop)
    assert not at.exception
    assert counted == {"solve": 0, "project": 0, "template": 0}


def test_the_warm_up_reads_only_the_built_in_sample(monkeypatch: pytest.MonkeyPatch):
    sample = state.default_scenario()
    seen = []
    real_view_for = compute.view_for

    def view_for(base, strategy, mode):
        seen.append((base, strategy, mode))
        return real_view_for(base, strategy, mode)

    def no_session(*_args, **_kwargs):
        raise AssertionError("the warm-up read a session's state")

    monkeypatch.setattr(compute, "view_for", view_for)
    for name in ("base", "strategy", "plan_mode", "workshop", "saved", "init"):
        monkeypatch.setattr(state, name, no_session)
    from ui import uploads

    for name in dir(uploads):  # no upload, pending or applied, is looked at
        if (
            callable(getattr(uploads, name))
            and getattr(getattr(uploads, name), "__module__", "") == uploads.__name__
        ):
            monkeypatch.setattr(uploads, name, no_session)
    _forget_everything()
    _run_first_screen_steps()
    for label, run in warmup.steps():
        if label == "warm-up: hiring plan charts":
            run()
    assert seen and all(s == (sample, "even", state.PLAN_RECOMMENDED) for s in seen)


@contextlib.contextmanager
def a_script_running() -> Iterator[None]:
    """A thread named as Streamlit's script threads, alive during the block."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name=background.SCRIPT_THREAD)
    thread.start()
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_the_warm_up_gives_way_to_a_script_run():
    with a_script_running(), pytest.raises(background.Cancelled):
        warmup.import_all(["json"])
    warmup.import_all(["json"])  # nothing running: it goes on


def test_the_servers_queue_is_never_a_closed_session(monkeypatch: pytest.MonkeyPatch):
    from streamlit.runtime import Runtime

    class Closed:
        def is_active_session(self, _session: str) -> bool:
            return False

    monkeypatch.setattr(Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(Runtime, "instance", staticmethod(lambda: Closed()))
    assert not background.session_active("a-closed-tab")
    assert background.session_active(background.SERVER)


def test_a_failing_step_is_a_warning_and_the_next_steps_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("no")

    monkeypatch.setattr(
        warmup,
        "steps",
        lambda: [("warm-up: boom", boom), ("warm-up: after", lambda: ran.append("after"))],
    )
    with caplog.at_level(logging.WARNING, logger="planner"):
        warmup.submit()
        assert background.wait_idle(30)
    assert ran == ["after"]
    assert "background job failed: warm-up: boom" in caplog.text
    background.submit("later", [background.Job("later", lambda: ran.append("later"))])
    assert background.wait_idle(30) and ran == ["after", "later"]  # the worker lives on


def test_the_starter_waits_for_the_server_and_never_raises(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    submitted, up = [], threading.Event()
    monkeypatch.setattr(warmup, "submit", lambda: submitted.append(up.is_set()))
    monkeypatch.setattr(warmup, "POLL", 0.01)
    monkeypatch.setattr(warmup, "AFTER_START", 0.0)
    thread = warmup.start_when_serving(timeout=30, serving=up.is_set)
    assert thread is not None and thread.daemon
    assert not submitted  # the server has not started: nothing queued yet
    up.set()
    thread.join(30)
    assert submitted == [True]

    def broken() -> bool:
        raise ImportError("no runtime here")

    with caplog.at_level(logging.WARNING, logger="planner"):
        thread = warmup.start_when_serving(timeout=30, serving=broken)
        assert thread is not None
        thread.join(30)
        never = warmup.start_when_serving(timeout=0.05, serving=lambda: False)
        assert never is not None
        never.join(30)
    assert "warm-up not started: ImportError" in caplog.text
    assert "warm-up skipped: the server did not start" in caplog.text
    assert submitted == [True]


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(warmup, "submit", lambda: pytest.fail("queued although off"))
    for off in ("0", "false", "off"):
        monkeypatch.setenv(warmup.ENV, off)
        assert not warmup.enabled()
        assert warmup.start_when_serving(serving=lambda: True) is None
    monkeypatch.setenv(warmup.ENV, "1")
    assert warmup.enabled()


def test_the_imports_are_those_of_the_app_and_its_pages():
    modules = warmup.script_modules()
    assert {"ui.compute", "ui.answer", "ui.downloads", "streamlit"} <= set(modules)
    assert "ui.state" in modules and "__future__" not in modules
    assert len(modules) == len(set(modules))


def test_forget_clears_every_process_wide_cache_of_the_pages():
    """caches.forget is the one list of what a cold rerun must not find (benchmarks/
    bench_room.py, the tests above): every st.cache_data function of ui/compute.py and
    ui/advice.py that is not session-scoped is on it, so a cache added later cannot stay
    warm in a benchmark that says cold."""
    from unittest import mock

    from ui import advice

    cached = {
        f"{module.__name__}.{name}": fn
        for module in (compute, advice)
        for name, fn in vars(module).items()
        if type(fn).__name__ == "CachedFunc" and fn._info.scope != "session"
    }
    assert len(cached) >= 15
    cleared: list[str] = []
    for label, fn in cached.items():
        fn.clear = mock.Mock(side_effect=lambda label=label: cleared.append(label))
    try:
        caches.forget()
    finally:
        for fn in cached.values():
            del fn.clear
    assert sorted(cleared) == sorted(cached)
