"""The app's pages, declared once: app.py routes them with ``st.navigation``; the page
tests and scripts/screenshots.py import this list (importing app.py would run the app).

Each page file is named after its URL path (pages/plan.py serves /plan); the default
page, Overview, is served at the root ("").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class PageSpec:
    """One page of the navigation."""

    path: str  # the page file, relative to the repository root
    title: str  # its name in the navigation
    url_path: str  # "" for the default page
    icon: str  # a Material icon (":material/name:")

    @property
    def name(self) -> str:
        """The file stem ("plan"), as the tests' ``app(page)`` names a page."""
        return PurePosixPath(self.path).stem

    @property
    def default(self) -> bool:
        """The page served at the app's root."""
        return self.url_path == ""


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", "", ":material/dashboard:"),
    PageSpec("pages/team.py", "Team & data", "team", ":material/table_edit:"),
    PageSpec("pages/forecast.py", "Forecast", "forecast", ":material/trending_up:"),
    PageSpec("pages/plan.py", "Hiring plan", "plan", ":material/person_add:"),
    PageSpec("pages/capacity.py", "Capacity", "capacity", ":material/speed:"),
    PageSpec("pages/compare.py", "Compare", "compare", ":material/compare:"),
    PageSpec("pages/sensitivity.py", "Sensitivity", "sensitivity", ":material/tune:"),
)
