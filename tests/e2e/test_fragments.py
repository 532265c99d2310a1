"""A table typed into reruns alone (st.fragment), in a real browser: only a browser sends a
fragment rerun (AppTest reruns the whole script).

Typing one month into the Hiring plan page's ML engineer plan used to rerun the whole page
(its solve, charts and tables) and then, the plan taken over by hand, rerun it again. Now
the cell reruns the table's fragment alone, which lands the edit and reruns the page once.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from forecasting.model import edits
from tests.e2e.server import open_app, problems_on
from tests.e2e.test_typed_edits import PLANNED_COLUMN, plan_table, type_down
from ui.state import decode_scenario

pytestmark = pytest.mark.e2e


def counts(page) -> tuple[int, int]:
    """(full runs, fragment runs) finished so far in the page (tests/e2e/server.py)."""
    done, fragments = page.evaluate("() => [window.__st.done, window.__st.fragments]")
    return done - fragments, fragments


def test_a_month_typed_into_the_plan_reruns_its_table_then_the_page_once(page, server):
    open_app(page, f"{server.url}/plan")
    full, fragments = counts(page)

    type_down(page, plan_table(page), PLANNED_COLUMN, ["7"])

    assert problems_on(page) == []
    query = parse_qs(urlparse(page.url).query)
    assert query["plan"] == ["manual"]  # the edit landed: the plan is taken over by hand
    assert edits.mle_schedule(decode_scenario(query["s"][0]))[1] == 7
    # the cell reran the table alone (a fragment run), which reran the page once to land
    # it; without the fragment the page reran twice and no fragment ran
    assert counts(page) == (full + 1, fragments + 1)
