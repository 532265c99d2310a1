"""Warm-up at server start: a fresh server's first screen as fast as a running server's.

A fresh process's first Overview cost about 1 s server-side: the page modules and the
heavy libraries imported (0.3 s), the chart templates drawn with Altair (0.28 s,
ui/chart_specs.py) and the sample team's solve and projection (0.23 s). `python -m
ui.launch` calls :func:`start_when_serving`: half a second after the server's runtime has
started (the health endpoint answers by then), the same work is queued on
ui/background.py's worker, which runs only while no session's script is running and
gives way between the steps below (and within a solve, between its steps) when one
starts. Measured with benchmarks/bench_startup.py --server-side (4 fresh servers each,
alternating): the first Overview run 2.03 s wall / 1.23 s CPU without, 0.35 s / 0.14 s
with it; healthy after 0.81 / 0.72 s. An import or a chart cannot stop midway: a
step's longest single part (scipy.stats, Streamlit's emoji list, Altair's schemas)
holds the interpreter up to 0.1-0.3 s, the slowest health answer during the warm-up
(0.15-0.25 s, vs 7 ms) and what a script starting meanwhile shares the CPU with. No OS
priority is lowered: a thread holding the interpreter lock while descheduled would stall
the event loop instead.

The steps fill the caches a first session reads (the same cached functions of
ui/compute.py the pages call), in the order of what a first visitor sees:

1. imports: every module app.py and the pages import, and the heavy libraries;
2. the first screen: the built-in sample scenario's view (solve, team, projection) and
   Overview's charts in normal and in workshop mode (their templates and specs: the two
   fans and the answer card's quarter strip);
3. the Hiring plan's charts of the same view (their templates; the page's first visit);
4. the statistics libraries the Forecast page's fits import (statsmodels: 1.3 s);
5. the heap frozen (ui/heap.py): what all this left is long-lived, and Streamlit's full
   garbage collection after every script run no longer walks it (0.1 s a rerun).

Only the built-in sample (data/sample_scenario.json) is computed: no session, no upload,
no link is read. Nothing is shown to anyone; a step that fails is logged as a warning
by the worker (the server goes on, the first session computes what is missing), and a
step that gives way is queued again, its done parts cached.

Plain ``streamlit run app.py`` (development) has no warm-up: its first session computes
all of it, as before. Set ``PLANNER_WARMUP=0`` to switch the warm-up off (benchmarks).
"""

from __future__ import annotations

import ast
import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ui import heap

if TYPE_CHECKING:
    from ui.compute import PlanView

ROOT = Path(__file__).resolve().parent.parent
#: Heavy libraries the first screen needs (pandas and pyarrow for the charts' data), and
#: what Streamlit reads on a process's first page: its emoji list (the page icon: 0.1 s,
#: a large regular expression) and the Material icon names (the pages' icons).
HEAVY = (
    "numpy",
    "pandas",
    "pyarrow",
    "altair",
    "scipy.sparse",
    "streamlit.emojis",
    "streamlit.material_icon_names",
)
#: The statistics the Forecast page's fits import inside functions (statsmodels.api with
#: scipy.stats: 1.3 s): last, after the first screen is ready, in parts of 0.3 s at most
#: (an import cannot give way: a script run starting meanwhile shares the CPU until then).
STATISTICS = (
    "scipy.special",
    "scipy.linalg",
    "scipy.optimize",
    "scipy.spatial",
    "scipy.stats",
    "scipy.signal",
    "statsmodels.base.model",
    "statsmodels.tsa.stattools",
    "statsmodels.api",
    "statsmodels.tsa.arima.model",
    "statsmodels.tsa.exponential_smoothing.ets",
)
#: Overview's charts (pages/overview.py) and the Hiring plan's (pages/plan.py).
FIRST_SCREEN_CHARTS = ("ratio_fan", "headcount_fan")
PLAN_CHARTS = ("headcount_fan_ds_mle", "hires_and_cost")
ENV = "PLANNER_WARMUP"
#: How long the starter waits for the server's runtime to start (seconds).
START_TIMEOUT = 300.0
POLL = 0.05
#: Seconds between the runtime's start and the warm-up: the HTTP server finishes starting
#: (the runtime starts in its start-up hook) and answers the first health checks first.
AFTER_START = 0.5
THREAD = "planner-warmup-start"

_log = logging.getLogger("planner")


def enabled() -> bool:
    """False when PLANNER_WARMUP is 0 / false / off / no."""
    return os.environ.get(ENV, "1").strip().lower() not in {"0", "false", "off", "no"}


def script_modules(root: Path = ROOT) -> list[str]:
    """The modules app.py and the pages import at their top level, in order, once each
    (``from ui import state`` gives ``ui.state``)."""
    files = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    names: dict[str, None] = {}
    for file in files:
        for node in ast.parse(file.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(a.name for a in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
                for alias in node.names:  # a submodule imported by name
                    candidate = f"{node.module}.{alias.name}"
                    if _is_module(candidate):
                        names[candidate] = None
    names.pop("__future__", None)
    return list(names)


def _is_module(name: str) -> bool:
    """Whether `name` is a module of this repository (not a function or constant)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _give_way() -> None:
    from ui import background

    if background.should_give_way():
        raise background.Cancelled


def import_all(modules: Iterable[str]) -> None:
    """Import `modules`, giving way to a script run between two of them."""
    for name in modules:
        _give_way()
        importlib.import_module(name)


def streamlit_once() -> None:
    """What Streamlit does once per process on the first element a session sends: ask
    whether it runs in a REPL (inspect.stack(), 0.1 s on a fresh process; under a server
    it never warns)."""
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if callable(check):
        check()


def first_screen(workshop_modes: Iterable[bool] = (False, True)) -> None:
    """The sample scenario's view and Overview's charts, as a first session reads them."""
    from ui import compute

    view = _sample_view()
    for workshop in workshop_modes:
        _page_specs(FIRST_SCREEN_CHARTS, view, workshop)
        _give_way()
        compute.page_quarters_spec(view.scenario, workshop)  # the answer card's strip
    from ui import link, state

    link.encode_scenario(state.default_scenario())  # a new session's link (state.sync_url)


def plan_charts(workshop_modes: Iterable[bool] = (False, True)) -> None:
    """The Hiring plan's charts of the sample view (their templates, for its first visit)."""
    view = _sample_view()
    for workshop in workshop_modes:
        _page_specs(PLAN_CHARTS, view, workshop)


def _page_specs(names: Iterable[str], view: PlanView, workshop: bool) -> None:
    """The page specs of charts `names` of `view` (giving way before each)."""
    from ui import compute

    for name in names:
        _give_way()
        compute.page_spec(name, view.scenario, workshop)


def _sample_view() -> PlanView:
    """`compute.view_for` of the built-in sample as a new session starts it (state.init:
    the sample scenario, strategy "even", the recommended plan)."""
    from forecasting.plan.evaluate import SolverCancelled
    from ui import background, compute, state

    _give_way()
    try:
        return compute.view_for(state.default_scenario(), "even", state.PLAN_RECOMMENDED)
    except SolverCancelled:  # a script run started: again once it has run
        raise background.Cancelled from None


def steps() -> list[tuple[str, Callable[[], None]]]:
    """The warm-up's steps, in order: (label, run)."""
    modules = [*script_modules(), *HEAVY]
    return [
        ("warm-up: imports", partial(import_all, modules)),
        ("warm-up: streamlit", streamlit_once),
        ("warm-up: first screen", first_screen),
        ("warm-up: hiring plan charts", plan_charts),
        ("warm-up: statistics imports", partial(import_all, STATISTICS)),
        ("warm-up: freeze the heap", freeze_heap),
    ]


def freeze_heap() -> None:
    """What the warm-up left is long-lived: out of Streamlit's post-run collection
    (ui/heap.py)."""
    heap.freeze("warm-up")


def submit() -> None:
    """Queue the warm-up's steps on the background worker (ui/background.py)."""
    from ui import background

    background.submit(background.SERVER, [background.Job(label, run) for label, run in steps()])


def run_now() -> None:
    """Run the steps here and now, in this thread (tests and benchmarks); raises."""
    for _, run in steps():
        run()


def _serving() -> bool:
    """Whether this process's Streamlit runtime has started (the server answers)."""
    from streamlit.runtime import Runtime, RuntimeState

    if not Runtime.exists():
        return False
    return Runtime.instance().state in (
        RuntimeState.NO_SESSIONS_CONNECTED,
        RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED,
    )


def _start(timeout: float, serving: Callable[[], bool]) -> None:
    try:
        end = time.monotonic() + timeout
        while not serving():
            if time.monotonic() > end:
                _log.warning("warm-up skipped: the server did not start in %.0f s", timeout)
                return
            time.sleep(POLL)
        time.sleep(AFTER_START)
        submit()
    except Exception as exc:  # never the server's problem: its first session computes
        _log.warning("warm-up not started: %s", type(exc).__name__)


def start_when_serving(
    timeout: float = START_TIMEOUT, serving: Callable[[], bool] = _serving
) -> threading.Thread | None:
    """In a daemon thread: wait until the server's runtime has started, then queue the
    warm-up (nothing is imported in the caller's thread). None when switched off."""
    if not enabled():
        return None
    thread = threading.Thread(target=_start, args=(timeout, serving), name=THREAD, daemon=True)
    thread.start()
    return thread
