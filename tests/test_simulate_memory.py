"""Memory of a simulation (issue 22, done-when: +400 MB a page, +1 GB for ten links): the
per-path arrays of the whole horizon are the headcount and realised starts (int32); every
other per-path array is made a block of months at a time, with the same numbers; what a
cache keeps holds no per-path array; and a sampled decision grows to no more paths than
the work budget's memory bound."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np

from forecasting.plan.decide import Judge
from forecasting.plan.evaluate import PATH_MONTH_BYTES, Budget, Evaluator
from forecasting.simulate import engine
from forecasting.simulate.project import project
from tests.conftest import make_scenario, team
from ui import work

#: Every role's starts random (fill rate below 1), reskilling, per-path attrition and a
#: hiring policy with a lag: every per-path array `simulate` makes.
BUSY = {
    "headcount": team(6, 40, 4, 3),
    "horizon_months": 120,
    "attrition_annual": 0.15,
    "attrition_interval": {"data_scientist": [0.08, 0.3]},
    "reskill_annual": 0.1,
    "fill_rate": 0.8,
    "planned_starts": {
        "data_engineer": [1] * 120,
        "data_scientist": [1] * 120,
        "product_manager": [1] * 120,
    },
    "paths": 3_000,
    "seed": 11,
    "target": {"ds_per_mle": 6, "deadline_month": 60},
}


def _fields(result) -> dict:
    out = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    cap = out.pop("capacity_arrays")
    out.update({f"capacity.{f.name}": getattr(cap, f.name) for f in dataclasses.fields(cap)})
    out.pop("scenario")
    return out


def test_month_blocks_give_the_numbers_of_the_whole_horizon(monkeypatch):
    sc = make_scenario(**BUSY)
    whole = _fields(engine.simulate(sc))
    monkeypatch.setattr(engine, "MONTH_BLOCK_BYTES", 1)  # one month a block
    assert len(engine.month_blocks(sc.horizon_months, sc.paths)) == 121
    blocked = _fields(engine.simulate(sc))
    for name, value in whole.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(blocked[name], value, err_msg=name)
        else:
            assert blocked[name] == value, name


def test_a_simulation_holds_its_path_arrays_and_a_block_of_months_more():
    sc = make_scenario(**BUSY)
    engine.simulate(sc)  # imports and first-call caches out of the measurement
    tracemalloc.start()
    try:
        engine.simulate(sc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    path_months = sc.paths * (sc.horizon_months + 1)
    # Held for the horizon: 4 roles' headcount and realised starts, int32 (32 bytes a
    # path-month), and with reskilling the trainees (moved, arrived, in training, their
    # FTE: 4 x 4 bytes); the rest a block of months (a few copies of 4 MiB) at a time.
    # Before the blocks the ratio, cost and sorted copies of the whole horizon (and int64
    # starts and trainees) made it more than twice as much.
    held = path_months * (PATH_MONTH_BYTES + 4 * 4)
    assert peak < held + 4 * engine.MONTH_BLOCK_BYTES, (peak / 2**20, held / 2**20)


def test_realised_starts_are_int32_views_of_the_starts_by_month():
    sc = make_scenario(**BUSY)
    raw = engine.run_paths(sc)
    assert raw.moved is not None and raw.moved.dtype == np.int32  # the trainees too
    for realised in raw.realised:
        assert realised is not None and realised.dtype == np.int32
        starts = engine.padded(realised)
        assert starts.shape == (sc.horizon_months + 1, sc.paths)
        assert np.shares_memory(starts, realised) and not starts[0].any()
    copy = engine.padded(raw.realised[0].copy())  # not a view: a padded copy
    np.testing.assert_array_equal(copy[1:], raw.realised[0])
    assert not copy[0].any()


def test_what_a_cache_keeps_holds_no_per_path_array():
    sc = make_scenario(**{**BUSY, "paths": 1_237})  # a number no other axis has
    kept = project(sc, paths=False)  # what ui.compute.simulate_cached keeps
    for name, value in _fields(kept).items():
        if isinstance(value, np.ndarray):
            assert sc.paths not in value.shape, name
            assert value.nbytes < 20_000, name
    whole = _fields(project(sc))
    assert whole.pop("paths_headcount").shape == (sc.paths, sc.horizon_months + 1, 4)
    for name, value in whole.items():  # the same numbers, without the paths
        np.testing.assert_array_equal(_fields(kept)[name], value, err_msg=name)


def test_a_decision_grows_to_no_more_paths_than_the_memory_bound():
    sc = make_scenario(**{**BUSY, "paths": 1_000})
    months = sc.horizon_months
    bound = Budget(path_bytes=2_500 * PATH_MONTH_BYTES * (months + 1))
    assert bound.max_paths(months) == 2_500
    judge = Judge(sc, bound, Evaluator(sc, bound), hold=False, conf=0.9)
    assert judge._rung(1).scenario.paths == 2_500  # not 4,000
    assert judge._rung(2) is None  # no further: an unclear schedule fails there
    free = Judge(sc, Budget(), Evaluator(sc), hold=False, conf=0.9)
    assert free._rung(1).scenario.paths == 4_000


def test_the_interactive_memory_bound_allows_the_interactive_paths():
    b = work.budget(None)
    assert b.path_bytes == work.PATH_BYTES
    # A view's own paths at the longest horizon fit; a decision may not grow tenfold.
    assert work.MAX_PATHS <= b.max_paths(120) < 10 * work.MAX_PATHS
