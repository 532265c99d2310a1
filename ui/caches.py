"""What this process keeps per scenario, forgotten on demand: the one list of it.

`forget` clears every scenario's solve, simulation, team, chart, image and download of
ui/compute.py and ui/advice.py (and, optionally, the engine's memos and the chart
templates), so that benchmarks/bench_room.py's cold reruns and the warm-up's tests start
from nothing. Its own module: ui/advice.py imports ui/compute.py, so the list cannot live
in either (tests/test_layers.py: no import cycle, not even inside a function).
"""

from __future__ import annotations

from ui import advice, chart_specs, compute, link


def forget(*, server_memos: bool = False, templates: bool = False) -> None:
    """Forget every scenario's solve, simulation, team, chart, image and download this
    process keeps (ui/compute.py, ui/advice.py): the next rerun computes its value as if no
    one had asked for it yet (benchmarks/bench_room.py's cold reruns, tests). The one list
    of them, so that a cache added later is not left warm by a benchmark that says cold.
    (Not the session-scoped Compare spec: it goes with its session.)

    Args:
        server_memos: also forget what a running server keeps between values and teams
            (the exact chains, the simulated role paths, the attrition rates' fitted
            distributions and quadrature rules, a band's cells, the solver's last
            answers): a team it has never seen.
        templates: also forget the chart templates (the same for every team): with
            `server_memos`, a fresh process.
    """
    for fn in (
        compute.simulate_cached,
        compute.solve_cached,
        compute.team_cached,
        compute.chart_spec,
        compute.page_spec,
        compute.projections_csv,
        compute.quarters_spec,
        compute.page_quarters_spec,
        compute.chart_image,
        advice.sensitivity_cached,
        advice.budget_cached,
        advice.frontier_cached,
        advice.tornado_spec,
        advice.frontier_spec,
        advice.mix_cached,
    ):
        fn.clear()
    compute._unplanned.cache_clear()
    compute.scenario_key.cache_clear()
    link.encode_scenario.cache_clear()
    if server_memos:
        from forecasting.plan import solver
        from forecasting.simulate import draws, exact_chain, exact_mixture, paths_memo

        solver.HINTS.clear()
        exact_chain.MEMO.clear()
        exact_chain.MEMO_RECORDED.clear()
        paths_memo.MEMO.clear()
        for memo in (
            draws._log_ratio_at,
            draws._pieces,
            exact_mixture._rate_rule,
            exact_mixture._band_cells,
        ):
            memo.cache_clear()
    if templates:
        chart_specs._templates.clear()
