"""The launcher's warm-up (ui/warmup.py, issue 21): a fresh `python -m ui.launch` server,
with no session connected, computes the built-in sample's plan and draws Overview's and
the Hiring plan's charts; the first visitor then reads the sample's solve from the cache
and sees Overview as usual."""

from __future__ import annotations

import time
import urllib.request

import pytest

from tests.e2e.server import new_context, open_app, parse_metrics, problems_on
from tests.e2e.test_serving_start import launched

pytestmark = pytest.mark.e2e


def lookups(url: str, cache: str, result: str) -> float:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as r:
        metrics = parse_metrics(r.read().decode())
    labels = f'cache="ui.compute.{cache}",cache_type="st_cache_data",result="{result}"'
    key = f"cache_lookups_total{{{labels}}}"
    return metrics.get(key, 0.0)


def test_a_fresh_server_warms_up_before_its_first_visitor(browser):
    with launched() as (url, _):
        deadline = time.monotonic() + 120
        # Overview's two fans and the Hiring plan's two charts, in normal and workshop mode.
        while lookups(url, "page_spec", "miss") < 8:
            assert time.monotonic() < deadline, "the warm-up did not draw the charts"
            time.sleep(0.2)
        assert lookups(url, "solve_cached", "miss") == 1  # the sample's, and nobody else's
        hits = lookups(url, "solve_cached", "hit")  # the warm-up's own second look
        context = new_context(browser)
        try:
            page = context.new_page()
            open_app(page, url)
            assert problems_on(page) == []
            assert page.get_by_text("This is the built-in sample team").count() == 1
        finally:
            context.close()
        assert lookups(url, "solve_cached", "hit") > hits  # the visitor read the warm-up's
