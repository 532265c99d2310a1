"""A five-person workshop on one server: every move answered, no errors, sessions released.

It runs on the package's shared server (tests/e2e/conftest.py) in any order: the sessions
other tests hold open are the baseline the count must come back to (or below).
"""

from __future__ import annotations

import pytest

from tests.e2e.workshop import run_workshop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Generous: CI shares two cores between the server and five Chromium renderers.
P95_BOUND_MS = 15_000


def test_five_sessions_moving_sliders_for_10_s(browser, server):
    app = server
    baseline = app.active_sessions()  # whatever other tests still hold open
    connects_before = app.metrics()['session_events_total{type="connect"}']

    result = run_workshop(browser, app.url, sessions=5, duration=10, interval=2.0)
    print(result.summary())

    assert result.errors == [], result.summary()
    assert result.moves >= 5 * 2  # every session moved, more than once
    assert result.percentile(95) < P95_BOUND_MS, result.summary()
    metrics = app.metrics()
    assert metrics['session_events_total{type="connect"}'] - connects_before >= 5
    # Closing the browser contexts releases their sessions on the server.
    app.wait_sessions(at_most=baseline, timeout=30)
    assert app.active_sessions() <= baseline
    assert "Traceback" not in app.log()
