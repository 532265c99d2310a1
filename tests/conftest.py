"""Shared test set-up: import path, working directory and AppTest helpers for the pages.

The AppTest helpers drive the real `app.py` (st.navigation, sidebar, URL sync) and read
what a user would see: metric labels and values, errors, exceptions. Engine numbers to
compare against are computed here directly with `forecasting` (no Streamlit cache), so a
page that shows a stale or wrong scenario disagrees with them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from forecasting.model import edits
from forecasting.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]  # on sys.path through pyproject's `pythonpath`


APP = str(ROOT / "app.py")
#: Generous: the first Forecast render fits statsmodels models for the sample team, and
#: the machine may be shared with browser tests.
TIMEOUT = 180.0

#: The helpers below marked ``@helper`` (and edits.without_mle_plan), handed to tests
#: through the `ui` fixture as ``ui.<name>``.
HELPERS = SimpleNamespace(without_mle_plan=edits.without_mle_plan)


def helper(fn: Callable) -> Callable:
    """Register `fn` in HELPERS under its own name (``ui.<name>`` in tests)."""
    setattr(HELPERS, fn.__name__, fn)
    return fn


@pytest.fixture(scope="session", autouse=True)
def _navigation_only() -> Iterator[None]:
    """Run every page through app.py's st.navigation, as the server does.

    Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until some
    script calls ``st.navigation``; the server then keeps that for the process. AppTest
    resets the flag before every run, so after ``switch_page`` it would execute the page
    file alone: no ``state.init``, no sidebar, no error boundary. Clearing the flag after
    AppTest resets it makes each run execute app.py, like every run after the server's
    first.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    yield
    PagesManager.__init__ = original


@pytest.fixture(scope="session", autouse=True)
def _repo_cwd() -> Iterator[None]:
    """Run from the repository root (Streamlit reads .streamlit/config.toml from the cwd)."""
    before = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


@helper
def make_app(page: str | None = None, *, workshop: bool = False, query: dict | None = None):
    """A fresh AppTest of app.py after its first run, optionally switched to `page`.

    Args:
        page: file stem under pages/ ("overview", "team", "plan", ...); None stays on the
            default page.
        workshop: open with ``?workshop=1``.
        query: other query parameters set before the first run (e.g. ``{"s": token}``).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if workshop:
        at.query_params["workshop"] = "1"
    at.run()
    if page is not None:
        goto(at, page)
    return at


@helper
def goto(at, page: str):
    """Switch `at` to pages/<page>.py and run it."""
    return at.switch_page(f"pages/{page}.py").run()


@helper
def metrics(at) -> dict[str, str]:
    """Metric label -> displayed value on the current page."""
    return {m.label: m.value for m in at.metric}


@helper
def metric_deltas(at) -> dict[str, str]:
    """Metric label -> displayed delta text on the current page."""
    return {m.label: m.proto.delta for m in at.metric}


@helper
def problems(at) -> list[str]:
    """Exceptions and st.error messages on the current page (empty when it is clean)."""
    return [f"exception: {e.value}" for e in at.exception] + [f"error: {e.value}" for e in at.error]


@helper
def page_text(at) -> str:
    """All markdown, caption and alert text on the current page, joined by newlines."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for alerts in (at.info, at.warning, at.success, at.error):
        parts += [a.value for a in alerts]
    return "\n".join(parts)


@helper
def chart_frames(at, index: int):
    """The datasets of the `index`-th chart on the page, as DataFrames (largest first)."""
    from streamlit import dataframe_util

    chart = at.get("vega_lite_chart")[index]
    frames = [
        dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets
    ]
    return sorted(frames, key=len, reverse=True)


@helper
def editor_key(at, prefix: str) -> str:
    """The key of the data editor on the page whose key starts with `prefix`."""
    keys = [e.key for e in at.data_editor if e.key and e.key.startswith(prefix)]
    assert len(keys) == 1, f"expected one editor {prefix!r}, found {keys}"
    return keys[0]


@helper
def edit_table(at, prefix: str, edited_rows: dict) -> None:
    """Edit cells of the data editor `prefix` ({row: {column: value}}) and rerun."""
    at.session_state[editor_key(at, prefix)] = {
        "edited_rows": edited_rows,
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()


@helper
def button(at, label: str):
    """The button labelled `label` on the page."""
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


@helper
@functools.lru_cache(maxsize=64)
def engine_plan(scenario, strategy: str = "even"):
    """(HiringPlan, SimulationResult of the plan) computed directly by the engine (memoised:
    a Scenario is frozen and hashable, and tests only read the results). The result is the
    projection the app shows (`project`: exact target probabilities where the model's
    chains allow, else the Monte Carlo's with their standard errors), per-path arrays kept."""
    from forecasting.plan.solver import solve
    from forecasting.simulate.project import project

    plan = solve(edits.without_mle_plan(scenario), strategy)
    return plan, project(plan.scenario)


def team(de: int, ds: int, mle: int, pm: int) -> dict[str, int]:
    """A headcount of all four roles, in the order data engineer, data scientist, ML
    engineer, product manager."""
    return {"data_engineer": de, "data_scientist": ds, "ml_engineer": mle, "product_manager": pm}


def make_scenario(**fields: Any) -> Scenario:
    """A scenario from January 2027 (the tests' start month) with `fields`, validated as a
    scenario file is (`Scenario.from_dict`)."""
    return Scenario.from_dict({"start_month": "2027-01", **fields})


def small_team(**changes: Any) -> Scenario:
    """A 4 / 20 / 2 / 2 team from January 2027, 1:6 by month 9 of 12, few paths and a
    fixed seed (charts and briefs build quickly and the same each run), with `changes`."""
    fields: dict[str, Any] = {
        "headcount": team(4, 20, 2, 2),
        "start_month": "2027-01",
        "horizon_months": 12,
        "target": {"ds_per_mle": 6, "deadline_month": 9},
        "paths": 300,
        "seed": 5,
    }
    return Scenario(**(fields | changes))


@helper
def fmt_pct(p: float) -> str:
    """The pages' percentage format (0.8 -> '80%')."""
    return f"{100 * p:.0f}%"


@pytest.fixture(scope="session")
def ui() -> SimpleNamespace:
    """AppTest and engine helpers (see `HELPERS`)."""
    return HELPERS


@pytest.fixture(scope="session")
def app() -> Callable:
    """Factory: ``app(page=None, *, workshop=False, query=None)`` -> a fresh, run AppTest."""
    return make_app


@pytest.fixture(scope="session")
def sample_scenario():
    """The sample team's scenario the app opens with (data/sample_scenario.json)."""
    from forecasting.model.scenario import Scenario

    return Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())


@pytest.fixture(scope="session")
def token():
    """Encode a Scenario as the app's ``?s=`` link parameter."""
    from ui.state import encode_scenario

    return encode_scenario


@pytest.fixture(scope="session")
def fast_scenario(sample_scenario):
    """The sample team with 500 simulated paths (for pages driven through many reruns)."""
    return sample_scenario.replace(paths=500)


@pytest.fixture
def plan_page(app, token, fast_scenario):
    """A fresh Hiring plan session on the 500-path sample team."""
    return app("plan", query={"s": token(fast_scenario)})
