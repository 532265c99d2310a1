"""The pages: one list (ui.nav.PAGES, routed by app.py) that names every page file, and the
pages whose first render is checked alike (AppTest): no exception or st.error, in normal and
workshop mode, and the charts they draw on the sample team. The Overview, Hiring plan,
Team & data, Compare and Sensitivity pages check more on first render, in their own modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[1]

#: page -> Altair charts drawn on the sample team.
CHARTS = {
    "forecast": 4,  # one per role
    "capacity": 3,
}


def test_the_page_list_names_every_page_file_once():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert sorted(p.path for p in PAGES) == files


def test_each_page_is_served_at_its_file_name_and_one_at_the_root():
    assert [p.name for p in PAGES if p.default] == ["overview"]
    assert all(p.url_path == p.name for p in PAGES if not p.default)
    assert len({p.title for p in PAGES}) == len(PAGES)
    assert set(CHARTS) <= {p.name for p in PAGES}


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
@pytest.mark.parametrize("page", list(CHARTS))
def test_page_renders_without_error(app, ui, page, workshop):
    at = app(page, workshop=workshop)
    assert ui.problems(at) == []
    assert len(at.get("vega_lite_chart")) == CHARTS[page]
