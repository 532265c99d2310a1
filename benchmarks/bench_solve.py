"""Benchmark: solve() on a 36-month scenario with 2,000 paths, per strategy (target < 2 s).

The example team (30 data scientists, 3 ML engineers) asked for 1:5 by month 18
with 80% confidence, without the example's planned starts, once "met at the
deadline" and once "held to the horizon".

Then (issue 21) the engine's part of a cold change of the "attrition, all roles" control
on the sample team (data/sample_scenario.json, as the app opens): for each of five new
values walked up from the team's 14%, the solve of the recommended plan and the plan's
projection (what ui/compute.py's view_for computes), the exact chains and simulated
paths that a running server keeps switched on as in the app; CPU seconds of this process.
Measured (two alternating runs each, a shared 2-core machine): median 139/123 ms before the
solver's kept runs and the fit's memo (59fcf5c, 86dc0fd), 114/108 ms after.

With `--controls [--team sample|upload|both] [--reps 5]`: the engine's part (solve of
the recommended plan and its projection, CPU) of a cold change of each workshop control,
as `bench_room` moves them (between two neighbouring values, the kept chains and paths of
both reused after the first), and of a walk through values never seen (data scientists
and attrition: +1 each time, their chains new every time), with the search starting
from the last answer (`solver.HINTS`, as in a running server) and without (the hints
forgotten before every solve); the answers of both are compared.

Run from the repository root: python -m benchmarks.bench_solve [--attrition-only]
[--controls]
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from forecasting.model import edits
from forecasting.model.roles import DS
from forecasting.model.scenario import Scenario
from forecasting.plan import solver
from forecasting.plan.solver import Strategy, solve
from forecasting.simulate import paths_memo
from forecasting.simulate.project import project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenario.json"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_scenario.json"


def main(repeats: int = 5) -> None:
    d = json.loads(EXAMPLE.read_text())
    d.update(planned_starts={}, paths=2000, horizon_months=36)
    for hold in (False, True):
        d["target"] = {"ds_per_mle": 5, "deadline_month": 18, "confidence": 0.8, "hold": hold}
        scenario = Scenario.from_dict(d)
        for strategy in Strategy:
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                plan = solve(scenario, strategy)
                times.append(time.perf_counter() - t0)
            print(
                f"hold={hold!s:5} {strategy.value:13}: median {statistics.median(times):.3f} s "
                f"(max {max(times):.3f} s) -> {plan.total_starts} starts, "
                f"p_met {plan.p_target_met:.3f}, p_held {plan.p_target_held:.3f}, "
                f"${plan.annual_cost:,.0f}/yr"
            )


def new_attrition(values: int = 5) -> None:
    """CPU of the solve and projection at each of `values` attritions not seen before."""
    paths_memo.MEMO.resize(64 * 2**20)  # as the app keeps the paths (ui/work.py)
    base = Scenario.from_json(SAMPLE.read_text(encoding="utf-8"))
    now = round(100 * edits.common_attrition(base))
    times = []
    for step in range(values + 1):
        scenario = edits.with_attrition(base, (now + step) / 100)
        t0 = time.process_time()
        plan = solve(edits.without_mle_plan(scenario), Strategy.EVEN)
        project(plan.scenario, paths=False)
        if step:  # (the first is the value on screen: fitted before the change)
            times.append(time.process_time() - t0)
    print(
        f"sample team, a new attrition ({now + 1}..{now + values}%): solve + projection CPU "
        f"median {statistics.median(times) * 1e3:.0f} ms (max {max(times) * 1e3:.0f} ms)"
    )


def roster() -> Scenario:
    """The uploaded 150-person roster as the app applies it (bench_room's upload)."""
    from forecasting.estimate.trend import status_quo_all
    from forecasting.ingest import ingest_bytes
    from forecasting.plan import policies
    from tests.hr_exports import simulated_roster

    base = Scenario.from_json(SAMPLE.read_text(encoding="utf-8"))
    team = {"data_engineer": 35, "data_scientist": 85, "ml_engineer": 15, "product_manager": 15}
    result = ingest_bytes(simulated_roster(21, team=team), filename="roster_150.csv")
    scenario = policies.scenario_from_upload(base, result, use_rates=True, use_costs=True)
    return policies.default_plan(scenario, status_quo_all(result.history, 36))


def _target(sc: Scenario, **change: object) -> Scenario:
    return sc.replace(target={**sc.target.to_dict(), **change})


def _ds_to(sc: Scenario, to: int) -> Scenario:
    policies = sc.by_role("hiring_policy")
    policies["data_scientist"] = {"kind": "growth", "to": to, "by_month": int(sc.deadline)}
    return sc.replace(
        hiring_policy=policies,
        planned_starts={**sc.by_role("planned_starts"), "data_scientist": []},
    )


def control_values(sc: Scenario) -> dict[str, tuple[Callable[[float], Scenario], float, float]]:
    """control -> (value -> scenario, the value on screen, the step bench_room takes)."""
    ds_now = sc.headcount[DS]
    att = round(100 * edits.common_attrition(sc))
    return {
        "target": (lambda v: _target(sc, ds_per_mle=v), 6.0, 0.5),
        "deadline": (lambda v: _target(sc, deadline_month=v), 18, 1),
        "confidence": (lambda v: _target(sc, confidence=v), 0.8, 0.05),
        "data scientists": (lambda v: _ds_to(sc, int(v)), ds_now, 1),
        "attrition": (lambda v: edits.with_attrition(sc, v / 100), att, 1),
        "hold": (lambda v: _target(sc, hold=bool(v)), 0, 1),
    }


def _cold(scenario: Scenario, hints: bool) -> tuple[float, tuple[int, float]]:
    if not hints:
        solver.HINTS.clear()
    t0 = time.process_time()
    plan = solve(edits.without_mle_plan(scenario), Strategy.EVEN)
    project(plan.scenario, paths=False)
    return time.process_time() - t0, (plan.total_positions_added, plan.p_target_held)


def forget_memos() -> None:
    """Forget what a running server keeps between values and teams (a fresh process)."""
    logging.disable(logging.WARNING)  # not streamlit's "no runtime found" for every cache
    from ui import caches

    caches.forget(server_memos=True)


def controls(team: str, reps: int) -> None:
    paths_memo.MEMO.resize(64 * 2**20)
    sc0 = Scenario.from_json(SAMPLE.read_text(encoding="utf-8")) if team == "sample" else roster()
    print(f"{team} team: engine CPU of a cold change (solve + projection), ms, median / max")
    for name, (make, now, step) in control_values(sc0).items():
        line = [f"  {name:16s}"]
        answers = {}
        for hints in (False, True):
            for walk in (False, True) if name in ("data scientists", "attrition") else (False,):
                forget_memos()
                _cold(make(now), True)  # the value on screen, as the room sees it
                times, got = [], []
                for i in range(reps):
                    value = now + step * (i + 1) if walk else (now + step if i % 2 == 0 else now)
                    t, answer = _cold(make(value), hints)
                    times.append(t)
                    got.append(answer)
                answers[(hints, walk)] = got
                what = ("walk " if walk else "") + ("hint" if hints else "no hint")
                line.append(
                    f"{what} {statistics.median(times) * 1e3:4.0f} / {max(times) * 1e3:4.0f}"
                )
        same = all(answers[(True, w)] == answers[(False, w)] for (_, w) in answers)
        print(" | ".join(line) + ("" if same else "  ANSWERS DIFFER"))


if __name__ == "__main__":
    if "--controls" in sys.argv:
        pick = sys.argv[sys.argv.index("--team") + 1] if "--team" in sys.argv else "both"
        teams = ["sample", "upload"] if pick == "both" else [pick]
        reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 5
        for t in teams:
            controls(t, reps)
        raise SystemExit
    if "--attrition-only" not in sys.argv:
        main()
    new_attrition()
