"""Fixtures for the real-browser tests: one Chromium and one shared app server for the package.

Every test gets a fresh browser context (its own cookies, so its own Streamlit session)
with the script-run tracker installed, and a page whose JavaScript errors are collected.
The e2e tests are skipped, with the reason, when Debian's chromium or Playwright is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import (
    SHARED_COOKIE_SECRET,
    AppProcess,
    app_server,
    browser_missing_reason,
    launch_chromium,
    new_context,
    warm_up,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items) -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "e2e" in item.keywords and HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """Headless Debian Chromium driven by Playwright (one for all e2e tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture(scope="package")
def server(browser) -> Iterator[AppProcess]:
    """`streamlit run app.py` on a free loopback port, warmed up, shared by the functional
    tests (each test opens its own browser context, so its own Streamlit session).

    It has the replicas' shared cookie secret: test_deploy.py uses it as one of two.
    """
    with app_server(extra_env={"STREAMLIT_SERVER_COOKIE_SECRET": SHARED_COOKIE_SECRET}) as app:
        warm_up(browser, app.url)
        yield app
        log = app.log()
    # A traceback in the server log means an exception escaped a page's boundary.
    assert "Traceback" not in log, log[-4000:]


@pytest.fixture
def context(browser) -> Iterator:
    """A fresh browser context: a new Streamlit session, nothing shared with other tests."""
    ctx = new_context(browser, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator:
    """A page in `context`; uncaught JavaScript errors land in ``page.js_errors``."""
    p = context.new_page()
    p.js_errors = []
    p.on("pageerror", lambda exc: p.js_errors.append(str(exc)))
    yield p
    assert p.js_errors == [], p.js_errors
