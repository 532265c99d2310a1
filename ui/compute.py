"""Cached calls into the engine, the charts built from them, and the 'effective plan'.

Caching lives here (UI side), never in forecasting/. Cache keys are Scenario
objects: aggregate numbers only, never uploaded rows, so a cache hit from another
session can only return numbers that session would have computed itself. Fits on
uploaded history are cached per session (see pages/forecast.py).

Charts of a scenario's simulation are cached as finished Vega-Lite specs: building
and validating an Altair chart costs 0.1-0.3 s, so a rerun that only moves a slider
back to a value seen before draws every chart from the cache. The app does not validate
its specs against the Vega-Lite schema while serving (Altair's debug mode off, and
`to_dict(validate=False)`): that is most of a chart's cost on a new value, and every
chart builder's output is validated by tests/test_charts.py instead.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import altair as alt
import pandas as pd
import streamlit as st

from forecasting.model import edits
from forecasting.model.edits import with_mle_plan, without_mle_plan
from forecasting.model.errors import SolverError
from forecasting.model.roles import Role
from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import SolverCancelled, WorkCapped
from forecasting.plan.reach import Reachable, reachable
from forecasting.plan.solver import HiringPlan, TargetUnreachable, solve
from forecasting.plan.team import TeamPlan, solve_team
from forecasting.simulate import paths_memo
from forecasting.simulate import result as results
from forecasting.simulate.project import project
from forecasting.simulate.result import SimulationResult
from ui import background, chart_specs, charts, state, work

MLE = Role.ML_ENGINEER.value

# Schema checks while a chart is built: the tests validate every builder (test_charts.py),
# the server skips them (about 40% of a chart's cost; the spec is the same).
alt.utils.schemapi.disable_debug_mode()
# Simulated role paths kept between requests (the solve's paths are its projection's).
paths_memo.MEMO.resize(work.PATHS_MEMO_BYTES)
__all__ = ["with_mle_plan", "without_mle_plan"]  # re-exported for pages and tests


@functools.lru_cache(maxsize=4096)
def scenario_key(scenario: Scenario) -> str:
    """A digest of `scenario` (its JSON) for the cache keys below: Streamlit's own hashing
    walks the frozen dataclass field by field (tens of ms a call with a path policy's
    band); equal scenarios (== and hash, so never a collision) are digested once."""
    return hashlib.sha256(scenario.to_json().encode()).hexdigest()


#: st.cache_data's hashing of a Scenario argument.
HASH_FUNCS: dict[Any, Callable[[Any], Any]] = {Scenario: scenario_key}


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=HASH_FUNCS)
def simulate_cached(scenario: Scenario) -> SimulationResult:
    """simulate(), cached on the (hashable, frozen) scenario: aggregates only.

    The per-path arrays are dropped (`without_paths`), so an entry is a few hundred kB
    at most (121 months: means, quantiles, capacity) whatever the paths, and the 256
    entries stay within about 100 MB (tests/test_app_state.py measures an entry).
    The exact chains run within the request's work budget: a closed tab stops them
    between months; past its CPU seconds the probabilities stay sampled (with SEs).
    """
    should_stop = stop_check()
    budget = work.budget(should_stop)

    def give_up() -> bool:  # SolverCancelled passes through: nothing is cached
        try:
            budget.check()
        except WorkCapped:
            return True  # a very large team's chains: the sampled probabilities stay
        return False

    with work.heavy(should_stop):
        return project(scenario, paths=False, give_up=give_up)


def interactive(scenario: Scenario) -> Scenario:
    """`scenario` with its paths capped for an interactive view (`work.MAX_PATHS`: the
    server, not the link, decides how much work a view gets)."""
    if scenario.paths > work.MAX_PATHS:
        return scenario.replace(paths=work.MAX_PATHS)
    return scenario


def stop_check() -> Callable[[], bool] | None:
    """The check a search makes between its steps (None: never stop).

    True stops the search (SolverCancelled, nothing cached) when the browser session
    running this script has gone, or, on the background thread, when a script run has
    started (the job gives way and runs again later). When the user has moved a control
    again meanwhile (a rerun is waiting), the search hands the script over to that rerun
    at once: the last value wins, so a slider moved with the keyboard does not queue one
    full solve per step.
    """
    if background.in_background():
        return background.should_give_way
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or not Runtime.exists():
        return None
    runtime, session_id, requests = Runtime.instance(), ctx.session_id, ctx.script_requests

    def stop() -> bool:
        if requests is not None:
            yield_to_rerun(requests)
        return not runtime.is_active_session(session_id)

    return stop


def yield_to_rerun(requests: Any) -> None:
    """Raise Streamlit's RerunException (or StopException) when `requests` (the script
    run's ScriptRequests) holds a rerun (or stop) request, as Streamlit does at its own
    yield points (every element sent); return when there is none."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    request = requests.on_scriptrunner_yield()
    if request is None:
        return
    if request.type == ScriptRequestType.RERUN:
        raise RerunException(request.rerun_data)
    raise StopException()


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=HASH_FUNCS)
def solve_cached(
    scenario: Scenario, strategy: str
) -> tuple[HiringPlan | None, str | None, Reachable | None]:
    """solve() with the interactive budget, cached; an infeasible target (or one beyond the
    budget) returns (None, message, what would work or None) instead of raising. A search
    stopped because its session ended raises SolverCancelled, which is not cached."""
    budget = work.budget(stop_check())
    with work.heavy(budget.should_stop):
        try:
            return solve(scenario, strategy, budget=budget), None, None
        except SolverCancelled:
            raise
        except TargetUnreachable as exc:
            try:
                return None, str(exc), reachable(scenario, budget=work.budget(stop_check()))
            except WorkCapped:
                return None, str(exc), None
        except SolverError as exc:
            return None, str(exc), None


@dataclass(frozen=True)
class PlanView:
    """What the pages show: the effective scenario, its simulation and the recommendation."""

    scenario: Scenario
    result: SimulationResult
    recommendation: HiringPlan | None
    solver_error: str | None
    reachable: Reachable | None
    mode: str
    strategy: str
    team: TeamPlan | None = None  # the team-shape targets' plan, when any is set
    team_error: str | None = None  # why a team-shape target has no plan (the work limit)


@functools.lru_cache(maxsize=64)
def _unplanned(scenario: Scenario) -> Scenario:
    """`without_mle_plan(scenario)`, made once per scenario (a validated copy: about 1 ms)."""
    return without_mle_plan(scenario)


def view_for(base: Scenario, strategy: str, mode: str) -> PlanView:
    """Resolve a (base scenario, strategy, plan mode) triple into what is simulated.

    In "recommended" mode the ML engineer starts are the solver's; in "manual" mode
    they are the base scenario's own. When the solver cannot reach the target, the
    base scenario is shown as it is and the error explains what to relax.
    """
    base = interactive(base)
    recommendation, error, works = solve_cached(_unplanned(base), strategy)
    if mode == state.PLAN_RECOMMENDED and recommendation is not None:
        effective = recommendation.scenario
    else:
        effective = base
    team, team_error = team_cached(effective, strategy) if effective.target.shape else (None, None)
    if team is not None:  # every page, the Capacity page's bottleneck too, reads this plan
        effective = team.scenario
    return PlanView(
        scenario=effective,
        result=simulate_cached(effective),
        recommendation=recommendation,
        solver_error=error,
        reachable=works,
        mode=mode,
        strategy=strategy,
        team=team,
        team_error=team_error,
    )


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=HASH_FUNCS)
def team_cached(scenario: Scenario, strategy: str) -> tuple[TeamPlan | None, str | None]:
    """The data-engineer and product-manager positions for the team-shape targets, within
    the interactive work budget: (plan, None), or (None, why) when the budget ran out
    before any plan (a plan cut short in its joint step says so in `TeamPlan.capped`)."""
    budget = work.budget(stop_check())
    with work.heavy(budget.should_stop):
        try:
            return solve_team(scenario, strategy, budget=budget), None
        except WorkCapped as exc:
            return None, str(exc)


def current_view() -> PlanView:
    """The PlanView of this session's current scenario; the neighbouring values of the
    workshop controls (and the history's fits) are then prepared in the background."""
    base, strategy, mode = state.base(), state.strategy(), state.plan_mode()
    view = view_for(base, strategy, mode)
    prepare_around(base, strategy, mode, state.workshop())
    return view


def solve_first() -> None:
    """Compute this session's view before the page draws anything; the page then reads it
    from the caches (`current_view`).

    While a run solves, the browser then has nothing new to draw, so a slider moved again
    with the keyboard reaches the server at once, and the run it interrupts has sent
    nothing but the navigation: the last value wins in the browser too (a run that drew the
    sidebar and the controls before solving sent about 40 elements the browser had to
    process before it could send the next key press). An error is left to the page, which
    computes the view again and says what went wrong where it always has.
    """
    try:
        view_for(state.base(), state.strategy(), state.plan_mode())
    except SolverCancelled:
        raise
    except Exception:  # the page's own call raises it again, inside its error handling
        return


#: A run that is a step of a control walked with the keyboard (`controls.walking`) draws
#: no sooner than this many seconds after it started (`settle`).
SETTLE_SECONDS = 0.2


def settle(started: float, seconds: float = SETTLE_SECONDS) -> None:
    """Wait until `seconds` after `started` (time.monotonic()) before the page draws,
    handing the script over at once to a newer value of a control (Streamlit's rerun).

    For a control being walked with the keyboard: the next step reaches the server about
    0.1 s later while the browser has nothing to draw, so the steps in between draw
    nothing (each step that drew its page kept the browser busy 0.3-0.5 s, and the next
    key press waited for it); the last step draws after its solve or `seconds`, whichever
    is later. No wait where no newer value can be seen (no script run context).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    requests = None if ctx is None else ctx.script_requests
    if requests is None:
        return
    while (left := started + seconds - time.monotonic()) > 0:
        yield_to_rerun(requests)
        time.sleep(min(left, 0.01))
    yield_to_rerun(requests)


#: Charts prepared for a neighbouring value: those of Overview and Hiring plan.
PREPARED_CHARTS = ("ratio_fan", "headcount_fan", "headcount_fan_ds_mle", "hires_and_cost")
#: Prepare in the background: None = only under a Streamlit server (not in AppTest runs,
#: where nobody waits between reruns); the benchmarks set True.
PREPARE: bool | None = None


def prepare_around(base: Scenario, strategy: str, mode: str, workshop: bool) -> None:
    """Queue this session's background work: the history fits that the Forecast page will
    need, then every neighbouring value of the workshop controls (ui/background.py)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    # AppTest runs its scripts under a mock Runtime: only a real server prepares.
    served = Runtime.exists() and type(Runtime.instance()) is Runtime
    if ctx is None or not (served if PREPARE is None else PREPARE):
        return
    from ui import backtest_view

    jobs = backtest_view.warm_jobs(base, workshop, forecast_spec)
    jobs.append(background.Job("neighbours", partial(_prepare, base, strategy, mode, workshop)))
    for make in background.PREPARERS:
        jobs += make(base, strategy, mode, workshop)
    background.submit(ctx.session_id, jobs)


def _prepare(base: Scenario, strategy: str, mode: str, workshop: bool) -> None:
    """Fill the caches a view of each neighbour of `base` reads: the solve, the simulation,
    the charts (what is already cached costs a look-up). Gives way to any script run."""
    for scenario in background.neighbours(base):
        if background.should_give_way():
            raise background.Cancelled
        try:
            view = view_for(scenario, strategy, mode)
        except SolverCancelled:
            raise background.Cancelled from None
        for name in PREPARED_CHARTS:
            if background.should_give_way():
                raise background.Cancelled
            page_spec(name, view.scenario, workshop)
        page_quarters_spec(view.scenario, workshop)


def _deadline_label(scenario: Scenario, result: SimulationResult) -> str:
    return result.months[scenario.deadline]


#: The charts drawn from one scenario's simulation: name -> builder(scenario, result, workshop).
CHARTS: dict[str, Callable[[Scenario, SimulationResult, bool], alt.TopLevelMixin]] = {
    "ratio_fan": lambda sc, r, ws: charts.ratio_fan(
        r.ratio, sc.target.ds_per_mle, deadline_month=_deadline_label(sc, r), workshop=ws
    ),
    "headcount_fan": lambda sc, r, ws: charts.headcount_fan(r.headcount, workshop=ws),
    "headcount_fan_ds_mle": lambda sc, r, ws: charts.headcount_fan(
        r.headcount, roles=["data_scientist", "ml_engineer"], workshop=ws
    ),
    "hires_and_cost": lambda sc, r, ws: charts.hires_and_cost(r.starts, r.cost, workshop=ws),
    "capacity_fte": lambda sc, r, ws: charts.capacity_fte(r.capacity, workshop=ws),
    "ds_time_split": lambda sc, r, ws: charts.ds_time_split(r.capacity_summary, workshop=ws),
    "delivery_index": lambda sc, r, ws: charts.delivery_index(r.capacity_summary, workshop=ws),
}


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of `chart`, as `st.altair_chart` would send it (not validated
    here: tests/test_charts.py validates every builder's output).

    Like Streamlit, leave out Altair's default theme (its fixed 300 px view size):
    converting as a nested chart skips the theme without touching Altair's global,
    thread-shared theme registry. The data go in ``datasets`` as records.
    """
    datasets: dict[str, Any] = {}
    spec = chart.to_dict(validate=False, context={"top_level": False, "datasets": datasets})
    spec["$schema"] = alt.SCHEMA_URL
    if datasets:
        spec["datasets"] = datasets
    return spec


def forecast_spec(role: str, tf: Any, workshop: bool) -> dict[str, Any]:
    """The Forecast page's chart of one role's status-quo fit (a TrendForecast)."""
    chart = charts.history_forecast(tf.history, tf.forecast, tf.model, role=role, workshop=workshop)
    return vega_lite_spec(chart)


@st.cache_data(show_spinner=False, max_entries=512, hash_funcs=HASH_FUNCS)
def chart_spec(name: str, scenario: Scenario, workshop: bool) -> dict[str, Any]:
    """The spec of chart `name` (a key of CHARTS) for `scenario`, cached (datasets as
    records: for the exports and the brief)."""
    return vega_lite_spec(CHARTS[name](scenario, simulate_cached(scenario), workshop))


def arrow_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with its datasets already in the Arrow IPC bytes `st.vega_lite_chart` sends
    (it converts records on every rerun; bytes it passes on as they are)."""
    from streamlit import dataframe_util

    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {
        **spec,
        "datasets": {
            name: dataframe_util.convert_anything_to_arrow_bytes(values)
            for name, values in datasets.items()
        },
    }


def page_vega_lite_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The spec `st.altair_chart(chart)` would send: each DataFrame straight to Arrow
    bytes by Streamlit's own data transformer (no records, no sanitising), the theme left
    out, not validated (tests/test_charts.py validates every builder)."""
    from streamlit.elements import vega_charts

    datasets: dict[str, Any] = {}
    alt.data_transformers.register("to_arrow_dataset", vega_charts._to_arrow_dataset)
    # Data transformers are global to all threads: Streamlit's lock around the switch.
    with (
        vega_charts._altair_globals_lock,
        alt.data_transformers.enable("to_arrow_dataset", datasets=datasets),
    ):
        spec = chart.to_dict(validate=False, context={"top_level": False})
    spec["$schema"] = alt.SCHEMA_URL
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


@st.cache_data(show_spinner=False, max_entries=512, hash_funcs=HASH_FUNCS)
def page_spec(name: str, scenario: Scenario, workshop: bool) -> dict[str, Any]:
    """The spec of chart `name` for `scenario` as a page draws it (datasets as Arrow
    bytes, made once), cached."""
    with chart_specs.page_specs():  # a templated builder returns its spec (a few ms)
        chart = CHARTS[name](scenario, simulate_cached(scenario), workshop)
    return chart if isinstance(chart, dict) else page_vega_lite_spec(chart)


@st.cache_data(show_spinner=False, max_entries=64, scope="session")
def comparison_spec(
    builder: str, frames: tuple[pd.DataFrame, ...], workshop: bool, extra: tuple = ()
) -> dict:
    """A Compare page chart, ``charts.BUILDERS[builder](*frames, *extra)``, cached in this
    session only (it names the saved scenarios)."""
    return vega_lite_spec(charts.BUILDERS[builder](*frames, *extra, workshop=workshop))


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def projections_csv(
    scenario: Scenario,
    *,
    strategy: str | None = None,
    plan: str | None = None,
    link: str | None = None,
    generated: str | None = None,
) -> bytes:
    """The projections download of `scenario`, cached: one row per month below a header
    naming the scenario (forecasting.report.export.projections_csv; formula-injection safe)."""
    from forecasting.report.export import projections_csv as wide_csv

    return wide_csv(
        simulate_cached(scenario), strategy=strategy, plan=plan, link=link, generated=generated
    )


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=HASH_FUNCS)
def quarters_spec(scenario: Scenario, workshop: bool) -> dict[str, Any]:
    """The 'per quarter' strip of the ML engineer plan of `scenario`, cached."""

    what = edits.PlanMode.of(scenario).unit(capital=True)
    return vega_lite_spec(
        charts.quarter_strip(edits.quarter_frame(scenario), what=what, workshop=workshop)
    )


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=HASH_FUNCS)
def page_quarters_spec(scenario: Scenario, workshop: bool) -> dict[str, Any]:
    """`quarters_spec` as a page draws it (datasets as Arrow bytes, from the chart's
    template: ui/chart_specs.py), cached."""
    what = edits.PlanMode.of(scenario).unit(capital=True)
    with chart_specs.page_specs():
        spec = charts.quarter_strip(edits.quarter_frame(scenario), what=what, workshop=workshop)
        return cast(dict[str, Any], spec)  # a page spec inside page_specs


#: Exported charts are drawn at this width (CSS px; the app draws them at the container's)
#: and PNGs at EXPORT_SCALE device pixels per px: 1,520 px wide, sharp on a 1080p slide.
EXPORT_WIDTH = 760
EXPORT_SCALE = 2.0
#: Image formats of the chart downloads -> MIME type.
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


def export_spec(spec: dict[str, Any], *, width: int, height: int | None = None) -> dict[str, Any]:
    """`spec` sized for a file rather than a page: a fixed width (and height), white behind.

    A concatenated or faceted chart keeps its own sizes (a top-level width does not apply).
    """
    out = dict(spec)
    if "layer" in out or "mark" in out:
        out["width"] = width
        if height is not None:
            out["height"] = height
    out["background"] = "white"
    return out


def _spec_for_export(name: str, scenario: Scenario) -> dict[str, Any]:
    if name == "quarters":
        return quarters_spec(scenario, False)
    return chart_spec(name, scenario, False)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=HASH_FUNCS)
def chart_image(
    name: str,
    scenario: Scenario,
    fmt: str,
    width: int = EXPORT_WIDTH,
    height: int | None = None,
) -> bytes:
    """Chart `name` of `scenario` (a key of CHARTS, or "quarters") as PNG or SVG, cached.

    Drawn in the normal (not workshop) style at `width` px with vl-convert: 0.1-0.3 s a
    chart (benchmarks/bench_exports.py), so the pages ask for it only when a download
    button is clicked (`st.download_button(data=callable)`).

    Args:
        name: the chart's name.
        scenario: the simulated scenario.
        fmt: "png" or "svg".
        width: the plot's width, px.
        height: the plot's height, px (default: the chart's own).

    Returns:
        PNG bytes (EXPORT_SCALE pixels per px) or SVG text as UTF-8 bytes.
    """
    return spec_image(_spec_for_export(name, scenario), fmt, width=width, height=height)


def spec_image(
    spec: dict[str, Any], fmt: str, *, width: int = EXPORT_WIDTH, height: int | None = None
) -> bytes:
    """A Vega-Lite spec sized for a file (`export_spec`) as PNG or SVG bytes (vl-convert)."""
    import vl_convert

    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format: {fmt!r}; use one of {', '.join(IMAGE_FORMATS)}")
    sized = export_spec(spec, width=width, height=height)
    if fmt == "png":
        return bytes(vl_convert.vegalite_to_png(sized, scale=EXPORT_SCALE))
    return vl_convert.vegalite_to_svg(sized).encode("utf-8")


def run_rate(view: PlanView) -> float:
    """Run-rate of the ML engineers the view's plan adds (simulate.result.run_rate).

    A recommended plan already carries it (the solver measured it on the same random
    numbers); a hand-edited one is compared with a cached run without its plan.
    """

    if view.mode == state.PLAN_RECOMMENDED and view.recommendation is not None:
        return view.recommendation.annual_cost
    baseline = simulate_cached(edits.without_mle_plan(view.scenario))
    return results.run_rate(view.scenario, view.result, baseline)
