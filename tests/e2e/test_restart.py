"""A restart loses nothing (issue 22 item 4): the address bar is the truth. A tab open on
its own scenario and saved comparison, whose server is killed (kill -9) and started again,
reconnects to a new session; its next interaction — a click on a page link, whose query
string Streamlit's browser code drops unless the parameter is bound to a widget — keeps
the scenario and the comparison of its own link, and never gets the sample's; when it is
a widget, the user's change takes effect (the new session replays the browser's values
once the page's widgets are drawn, ui/reconnect.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from forecasting.model.scenario import Scenario
from tests.e2e.server import (
    SHARED_COOKIE_SECRET,
    app_server,
    expect_rerun,
    free_port,
    new_context,
    open_app,
    wait_healthy,
)
from tests.e2e.test_serving_start import launched
from ui import state
from ui.link import decode_scenario, encode_bundle, encode_scenario, entry

pytestmark = pytest.mark.e2e

ENV = {"STREAMLIT_SERVER_COOKIE_SECRET": SHARED_COOKIE_SECRET}
CONNECTED_JS = """() => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-connection-state') === 'CONNECTED'"""


def own_link() -> tuple[str, str]:
    """A team that is not the sample's (41 data scientists), and a comparison of two."""
    sample = state.default_scenario()
    data = sample.to_dict()
    data["headcount"]["data_scientist"] = 41
    own = Scenario.from_dict(data)
    bundle = {
        "Our team": entry(own, "even", "recommended"),
        "Sample": entry(sample, "front_loaded", "recommended"),
    }
    return encode_scenario(own), encode_bundle(bundle)


def query_of(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


@contextlib.contextmanager
def server_on(port: int, launcher: bool) -> Iterator[tuple[str, Any]]:
    """The app on `port`: `python -m ui.launch` (the README's and the image's command) or
    plain `streamlit run app.py` (tests/e2e/server.py): (base URL, process)."""
    if launcher:
        with launched(port, env=ENV) as (url, proc):
            wait_healthy(url, 60, proc)
            yield url, proc
    else:
        with app_server(port=port, extra_env=ENV) as app:
            yield app.url, app.proc


@contextlib.contextmanager
def restarted(
    browser,
    path: str,
    extra: str = "",
    scenario: Scenario | None = None,
    *,
    launcher: bool = False,
) -> Iterator[tuple[Any, str, str]]:
    """A tab opened on `path` with its own link (?s= and ?c=, then `extra`; ?s= holds
    `scenario` if given), its server killed with SIGKILL and started again on the same
    port, and the tab reconnected: (page, s, c)."""
    token, compare = own_link()
    if scenario is not None:
        token = encode_scenario(scenario)
    port = free_port()
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        with server_on(port, launcher) as (url, proc):
            open_app(page, f"{url}{path}?s={token}&c={compare}{extra}")
            assert query_of(page)["s"] == token
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        with server_on(port, launcher):
            page.wait_for_function(CONNECTED_JS, timeout=60_000, polling=100)
            time.sleep(0.5)  # the reconnect settles (no rerun is sent on its own)
            yield page, token, compare
    finally:
        ctx.close()


def test_an_open_tab_keeps_its_scenario_and_comparison_after_a_server_restart(browser):
    sample_token = encode_scenario(state.default_scenario())
    with restarted(browser, "/") as (page, token, compare):
        with expect_rerun(page):
            page.get_by_role("link", name="Capacity", exact=True).last.click()
        page.wait_for_url("**/capacity?*", timeout=30_000)
        query = query_of(page)
        assert query["s"] == token != sample_token
        assert query["c"] == compare
        text = page.inner_text("body")
        assert "Opened from a link" in text  # the new session says what it has
        with expect_rerun(page):
            page.get_by_role("link", name="Compare", exact=True).last.click()
        page.wait_for_url("**/compare?*", timeout=30_000)
        assert "Our team" in page.inner_text("body")
        assert query_of(page)["s"] == token


def test_a_control_moved_first_after_a_restart_takes_effect(browser):
    """The first interaction after the restart is a scenario control (Hold, on Hiring
    plan): the new session never drew it, and took the browser's value for a starting
    value (the link's Hold stayed). Now the change is applied, and only it."""
    with restarted(browser, "/plan") as (page, token, compare):
        own = decode_scenario(token)
        with expect_rerun(page):
            page.locator(".st-key-w_hold label").first.click()
        query = query_of(page)
        now = decode_scenario(query["s"])
        assert now.target.hold is (not own.target.hold)  # the user's change, applied
        assert now.replace(target=own.target) == own  # the rest is the link's
        assert query["c"] == compare
        assert urlsplit(page.url).path == "/plan"
        assert page.locator(".st-key-w_hold input").is_checked() is now.target.hold
        assert "Opened from a link" in page.inner_text("body")


def test_a_sidebar_toggle_moved_first_after_a_restart_takes_effect(browser):
    """The workshop toggle has a value of its own and a callback: the new session showed
    it on but stayed out of workshop mode. Now the mode follows the toggle, with the link."""
    with restarted(browser, "/plan") as (page, token, compare):
        with expect_rerun(page):
            page.locator(".st-key-workshop_toggle label").first.click()
        query = query_of(page)
        assert (query["s"], query["c"], query.get("workshop")) == (token, compare, "1")
        assert page.locator(".st-key-workshop_bar").count() == 1  # workshop mode is on
        assert urlsplit(page.url).path == "/plan"


def test_a_team_from_an_uploaded_file_names_the_file_not_kept_after_a_restart(browser):
    """A team applied from an uploaded file (team=upload in its link; a snapshot has no
    projection to tell it by) looked typed by hand after a restart."""
    snapshot = decode_scenario(own_link()[0]).replace(hiring_policy={}, planned_starts={})
    assert not state.from_uploaded_history(snapshot)  # no projection tells it apart
    with restarted(browser, "/", "&team=upload", snapshot) as (page, token, compare):
        with expect_rerun(page):
            page.get_by_role("link", name="Team & data", exact=True).last.click()
        page.wait_for_url("**/team?*", timeout=30_000)
        query = query_of(page)
        assert (query["s"], query["c"], query["team"]) == (token, compare, "upload")
        assert state.NOT_KEPT in page.inner_text("body")


def test_a_table_typed_into_first_after_a_restart_takes_the_value(browser):
    """The ML engineer plan by month is a fragment: typing into it first after the restart
    asked the new session to rerun a fragment it never had, and Streamlit dropped the
    request (nothing happened, the value was lost). It now runs the whole app with the
    browser's values (ui.serving), and the edit lands on the table of the same name."""
    from forecasting.model import edits
    from tests.e2e.test_typed_edits import PLANNED_COLUMN, plan_table, settle, type_down

    with restarted(browser, "/plan", launcher=True) as (page, token, compare):
        before = edits.mle_schedule(decode_scenario(token))
        type_down(page, plan_table(page), PLANNED_COLUMN, ["17"])
        settle(page)
        query = query_of(page)
        now = decode_scenario(query["s"])
        assert edits.mle_schedule(now)[1] == 17 != before[1]  # the typed value, applied
        assert query["plan"] == "manual" and query["c"] == compare
        assert now.headcount == decode_scenario(token).headcount
