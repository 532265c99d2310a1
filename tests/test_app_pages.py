"""Pages whose first render is checked alike (AppTest): no exception or st.error, in normal
and workshop mode, and the charts they draw on the sample team. The Overview, Hiring plan,
Team & data and Compare pages check more on first render, in their own modules."""

from __future__ import annotations

import pytest

#: page -> Altair charts drawn on the sample team.
CHARTS = {
    "forecast": 4,  # one per role
    "capacity": 3,
}


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
@pytest.mark.parametrize("page", list(CHARTS))
def test_page_renders_without_error(app, ui, page, workshop):
    at = app(page, workshop=workshop)
    assert ui.problems(at) == []
    assert len(at.get("vega_lite_chart")) == CHARTS[page]
