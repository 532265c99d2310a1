"""Exact evaluation (forecasting/simulate/exact.py): against an independent brute-force
enumeration of every exit and fill outcome, against the Monte Carlo, against the
stock-flow algebra and against the independently computed 42 -> 60 case of issue 18."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from forecasting.model.roles import DS, MLE
from forecasting.model.scenario import Scenario
from forecasting.simulate import exact_mixture
from forecasting.simulate.draws import monthly_probability
from forecasting.simulate.engine import simulate
from forecasting.simulate.exact import (
    ExactEvaluator,
    NotExact,
    exact_reason,
    headcount_distribution,
    p_held,
    p_met_by_month,
    role_spec,
    supported,
)
from forecasting.simulate.exact_chain import run_chain
from forecasting.simulate.exact_mixture import (
    RATE_NODES,
    band_cells,
    gauss_rule,
    rate_nodes,
    tanh_sinh,
)
from tests.conftest import make_scenario

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------ brute force
#
# Written from docs/scenario-format.md ("Timing and the model", "Hiring policy / Timing"),
# not from the chain: one recursion per path prefix, every requisition a separate item
# (opened step, due step), every exit count and every fill outcome a branch.


def _binom(n: int, k: int, p: float) -> float:
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


def brute_force(
    *,
    n0: int,
    months: int,
    p: float,
    positions: list[int] | None = None,
    starts: list[int] | None = None,
    lag: int = 0,
    cap: int = 3,
    open_reqs: int = 0,
    fill: float = 1.0,
) -> dict[tuple[int, ...], float]:
    """Probability of every headcount path (month 0..months) of one role."""
    paths: dict[tuple[int, ...], float] = {}

    def step(t: int, people: int, reqs: list[tuple[int, int]], path: tuple, prob: float):
        if t == months:
            paths[path] = paths.get(path, 0.0) + prob
            return
        for exits in range(people + 1):
            p_exits = _binom(people, exits, p)
            stay = people - exits
            if positions is None:
                planned = starts[t] if starts else 0
                for got in range(planned + 1):
                    p_got = _binom(planned, got, fill)
                    step(t + 1, stay + got, [], (*path, stay + got), prob * p_exits * p_got)
                continue
            open_now = list(reqs)
            need = positions[t + 1] - stay - len(open_now)
            if need < 0:  # cancel unstarted requisitions, the latest opened first
                open_now.sort(key=lambda r: r[0])
                del open_now[max(len(open_now) + need, 0) :]
            else:
                open_now += [(t, t + lag)] * need
            due = [r for r in open_now if r[1] <= t]
            later = [r for r in open_now if r[1] > t]
            tried = min(len(due), cap)
            for got in range(tried + 1):
                p_got = _binom(tried, got, fill)
                left = sorted(due, key=lambda r: r[0])[got:] + later
                n_next = stay + got
                step(t + 1, n_next, left, (*path, n_next), prob * p_exits * p_got)

    first_due = max(lag, 1) - 1
    step(0, n0, [(-1, first_due)] * open_reqs, (n0,), 1.0)
    return paths


def marginals(paths: dict[tuple[int, ...], float], months: int, width: int) -> np.ndarray:
    out = np.zeros((months + 1, width))
    for path, prob in paths.items():
        for t, n in enumerate(path):
            out[t, n] += prob
    return out


def scenario(**changes) -> Scenario:
    d = {
        "horizon_months": 5,
        "headcount": {"data_scientist": 3, "ml_engineer": 1},
        "attrition_annual": 0.4,
        "fill_rate": 1.0,
        "target": {"ds_per_mle": 2, "deadline_month": 3},
    }
    return make_scenario(**(d | changes))


def backfilled_team(ds: int, mle: int, *, lag: int, **changes) -> Scenario:
    """`ds` data scientists backfilled `lag` months after each exit (13%/yr), 36 months."""
    return scenario(
        **{
            "headcount": {"data_scientist": ds, "ml_engineer": mle},
            "attrition_annual": 0.13,
            "hiring_policy": {"data_scientist": "backfill"},
            "time_to_fill_months": lag,
            "horizon_months": 36,
            **changes,
        }
    )


P_EXIT = float(monthly_probability(0.4))

#: (id, role settings, brute-force settings): positions mode with lags 0/1/2, a binding
#: cap, a fill rate below 1, positions rising and falling, open requisitions; starts mode.
CASES = [
    (
        "backfill, no lag",
        {"hiring_policy": {"data_scientist": "backfill"}, "time_to_fill_months": 0},
        {"positions": [3] * 6, "lag": 0},
    ),
    (
        "backfill, lag 1, cap 1",
        {
            "hiring_policy": {"data_scientist": "backfill"},
            "time_to_fill_months": 1,
            "max_starts_per_month": 1,
        },
        {"positions": [3] * 6, "lag": 1, "cap": 1},
    ),
    (
        "growth 3 -> 4 by month 2, lag 2, fill 0.7",
        {
            "hiring_policy": {"data_scientist": {"kind": "growth", "to": 4, "by_month": 2}},
            "time_to_fill_months": 2,
            "fill_rate": 0.7,
            "horizon_months": 4,
        },
        {"positions": [3, 4, 4, 4, 4], "lag": 2, "fill": 0.7},
    ),
    (
        "falling path with open requisitions, lag 2",
        {
            "headcount": {"data_scientist": 2, "ml_engineer": 1},
            "open_requisitions": {"data_scientist": 2},
            "hiring_policy": {"data_scientist": {"kind": "path", "headcount": [4, 4, 3, 2, 2, 3]}},
            "time_to_fill_months": 2,
        },
        {"n0": 2, "positions": [4, 4, 3, 2, 2, 3], "lag": 2, "open_reqs": 2},
    ),
    (
        "falling path, no lag, cap 1, fill 0.6",
        {
            "headcount": {"data_scientist": 4, "ml_engineer": 1},
            "hiring_policy": {"data_scientist": {"kind": "path", "headcount": [4, 3, 1, 2, 4]}},
            "time_to_fill_months": 0,
            "max_starts_per_month": 1,
            "fill_rate": 0.6,
            "horizon_months": 4,
        },
        {"n0": 4, "positions": [4, 3, 1, 2, 4], "lag": 0, "cap": 1, "fill": 0.6},
    ),
    (
        "open requisitions with no lag, positions added",
        {
            "headcount": {"data_scientist": 2, "ml_engineer": 1},
            "open_requisitions": {"data_scientist": 1},
            "hiring_policy": {"data_scientist": {"kind": "backfill", "positions_added": [0, 1]}},
            "time_to_fill_months": 0,
            "max_starts_per_month": 2,
            "horizon_months": 4,
        },
        {"n0": 2, "positions": [3, 4, 4, 4, 4], "lag": 0, "cap": 2, "open_reqs": 1},
    ),
    (
        "lag beyond the horizon",
        {
            "hiring_policy": {"data_scientist": {"kind": "growth", "to": 5, "by_month": 1}},
            "open_requisitions": {"data_scientist": 1},
            "time_to_fill_months": 4,
            "horizon_months": 3,
        },
        {"positions": [4, 5, 5, 5], "lag": 4, "open_reqs": 1},
    ),
    (
        "lag 3 with a fall",
        {
            "headcount": {"data_scientist": 4, "ml_engineer": 1},
            "hiring_policy": {
                "data_scientist": {"kind": "path", "headcount": [4, 4, 4, 2, 3, 3, 4]}
            },
            "time_to_fill_months": 3,
            "horizon_months": 6,
        },
        {"n0": 4, "positions": [4, 4, 4, 2, 3, 3, 4], "lag": 3},
    ),
    (
        "planned starts, fill 0.8",
        {"planned_starts": {"data_scientist": [1, 0, 2, 1]}, "fill_rate": 0.8, "horizon_months": 4},
        {"starts": [1, 0, 2, 1], "fill": 0.8},
    ),
    (
        "planned starts and open requisitions",
        {
            "planned_starts": {"data_scientist": [0, 1]},
            "open_requisitions": {"data_scientist": 2},
            "time_to_fill_months": 2,
            "horizon_months": 4,
        },
        {"starts": [0, 3, 0, 0]},
    ),
]


@pytest.mark.parametrize("name, changes, brute", CASES, ids=[c[0] for c in CASES])
def test_the_chain_matches_a_brute_force_enumeration_to_1e_9(name, changes, brute):
    sc = scenario(**changes)
    months = sc.horizon_months
    settings = {"n0": 3, "months": months, "p": P_EXIT, "cap": sc.max_starts_per_month[DS], **brute}
    paths = brute_force(**settings)
    exact = headcount_distribution(sc, DS)
    expected = marginals(paths, months, exact.shape[1])
    assert exact.shape[0] == months + 1
    np.testing.assert_allclose(exact, expected, atol=1e-9, rtol=0)


def test_p_held_on_the_joint_chain_matches_a_brute_force_over_path_pairs():
    sc = scenario(
        headcount={"data_scientist": 4, "ml_engineer": 2},
        hiring_policy={
            "data_scientist": {"kind": "path", "headcount": [4, 4, 5, 5, 3, 4]},
            "ml_engineer": {"kind": "backfill", "positions_added": [0, 1]},
        },
        time_to_fill_months={"data_scientist": 1, "ml_engineer": 2},
        max_starts_per_month=1,
        fill_rate=0.8,
        target={"ds_per_mle": 2, "deadline_month": 2},
    )
    ds = brute_force(n0=4, months=5, p=P_EXIT, positions=[4, 4, 5, 5, 3, 4], lag=1, cap=1, fill=0.8)
    mle = brute_force(
        n0=2, months=5, p=P_EXIT, positions=[2, 3, 3, 3, 3, 3], lag=2, cap=1, fill=0.8
    )

    a, pa = np.array(list(ds), dtype=float), np.array(list(ds.values()))
    b, pb = np.array(list(mle), dtype=float), np.array(list(mle.values()))
    with np.errstate(divide="ignore", invalid="ignore"):
        meets = (b[None, :, :] > 0) & (a[:, None, :] / b[None, :, :] <= 2)  # (A, B, month)
    held = pa @ meets[:, :, 2:].all(axis=2) @ pb
    met = [pa @ meets[:, :, t] @ pb for t in range(6)]
    assert p_held(sc) == pytest.approx(held, abs=1e-9)
    np.testing.assert_allclose(p_met_by_month(sc), met, atol=1e-9)


# ------------------------------------------------------------------ algebra


def test_the_mean_follows_the_stock_flow_algebra_for_constant_starts():
    h, n0, months = 2, 30, 36
    sc = scenario(
        headcount={"data_scientist": n0, "ml_engineer": 3},
        attrition_annual=0.13,
        planned_starts={"data_scientist": [h] * months},
        horizon_months=months,
    )
    dist = headcount_distribution(sc, DS)
    q = 1 - float(monthly_probability(0.13))
    t = np.arange(months + 1)
    expected = q**t * n0 + h * (1 - q**t) / (1 - q)
    np.testing.assert_allclose(dist @ np.arange(dist.shape[1]), expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dist.sum(axis=1), 1.0, atol=1e-9)


def test_a_backfill_settles_at_positions_over_one_plus_lag_times_p():
    sc = backfilled_team(60, 10, lag=2, max_starts_per_month=60)
    dist = headcount_distribution(sc, DS)
    p = float(monthly_probability(0.13))
    assert dist[-1] @ np.arange(dist.shape[1]) == pytest.approx(60 / (1 + 2 * p), abs=0.02)


def test_with_no_lag_and_fill_1_the_headcount_is_the_positions():
    sc = scenario(
        hiring_policy={"data_scientist": {"kind": "growth", "to": 6, "by_month": 3}},
        time_to_fill_months=0,
        max_starts_per_month=10,
    )
    dist = headcount_distribution(sc, DS)
    positions = sc.positions_of("data_scientist")
    np.testing.assert_allclose(dist[np.arange(6), positions], 1.0, atol=1e-12)


# ------------------------------------------------------------------ mixtures


def test_the_gauss_rule_of_a_discrete_measure_integrates_its_moments():
    x = np.linspace(0.0, 1.0, 200) ** 2
    w = np.exp(-x)
    nodes, weights = gauss_rule(x, w, 6)
    for k in range(12):
        assert nodes**k @ weights == pytest.approx(x**k @ w, rel=1e-10)


def test_the_tanh_sinh_rule_integrates_an_endpoint_singularity():
    u, w = tanh_sinh(0.0, 0.5)
    assert np.sqrt(u) @ w == pytest.approx(2 / 3 * 0.5**1.5, rel=1e-10)
    assert -np.log(u) @ w == pytest.approx(0.5 - 0.5 * math.log(0.5), rel=1e-10)


def team_with_interval(people: int, interval: tuple[float, float], months: int) -> Scenario:
    return backfilled_team(
        people,
        10,
        lag=2,
        attrition_interval={"data_scientist": list(interval)},
        max_starts_per_month=3,
        horizon_months=months,
    )


@pytest.mark.parametrize("interval", [(0.08, 0.2), (0.0, 0.3), (0.0414, 0.4864)])
def test_the_rate_quadrature_has_converged_to_1e_9_on_a_team_of_20(interval):
    sc = team_with_interval(20, interval, 24)
    base = run_chain(role_spec(sc, DS, nodes=RATE_NODES)).probabilities
    more = run_chain(role_spec(sc, DS, nodes=RATE_NODES + 16)).probabilities
    assert np.abs(base - more).max() < 1e-9


@pytest.mark.slow
def test_the_rate_quadrature_has_converged_to_1e_6_on_a_team_of_60_with_a_wide_interval():
    sc = team_with_interval(60, (0.0, 0.3), 36)
    base = run_chain(role_spec(sc, DS, nodes=RATE_NODES)).probabilities
    more = run_chain(role_spec(sc, DS, nodes=RATE_NODES + 8)).probabilities
    assert np.abs(base - more).max() < 1e-6


def test_the_fine_measure_under_the_gauss_rule_has_converged_to_1e_8(monkeypatch):
    sc = team_with_interval(20, (0.0, 0.3), 24)
    base = run_chain(role_spec(sc, DS)).probabilities
    monkeypatch.setattr(exact_mixture, "FINE_STEP", exact_mixture.FINE_STEP / 2)
    monkeypatch.setattr(exact_mixture, "FINE_REACH", exact_mixture.FINE_REACH + 0.5)
    finer = run_chain(role_spec(sc, DS)).probabilities
    assert np.abs(base - finer).max() < 1e-8


def test_a_certain_rate_is_one_node():
    p, w = rate_nodes(scenario(), DS)
    assert p.tolist() == [pytest.approx(P_EXIT)] and w.tolist() == [1.0]


def test_the_band_cells_cover_the_normal_and_give_the_monte_carlo_s_positions():
    sc = scenario(
        horizon_months=4,
        hiring_policy={
            "data_scientist": {
                "kind": "path",
                "headcount": [3, 3.4, 3.8, 4.2, 4.6],
                "p10": [3, 2.9, 2.8, 2.7, 2.6],
                "p90": [3, 4.0, 4.9, 5.7, 6.5],
            }
        },
    )
    policy = sc.hiring_policy[DS]
    positions, weight = band_cells(policy, 4)
    assert weight.sum() == pytest.approx(1.0, abs=1e-12)
    z = np.random.default_rng(0).standard_normal(50_000)
    drawn = policy.positions_for_paths(z, 4).T
    found = {tuple(row): w for row, w in zip(positions.tolist(), weight)}
    assert set(map(tuple, drawn.tolist())) <= set(found)
    for path, w in list(found.items())[:10]:
        share = np.mean(np.all(drawn == np.array(path), axis=1))
        assert abs(share - w) < 3 * math.sqrt(w * (1 - w) / z.size) + 1e-4


# ------------------------------------------------------------------ Monte Carlo agreement


MC_CASES = {
    "growth, backfill, lag 2": {
        "headcount": {"data_scientist": 12, "ml_engineer": 2},
        "hiring_policy": {
            "data_scientist": {"kind": "growth", "to": 16, "by_month": 12},
            "ml_engineer": {"kind": "backfill", "positions_added": [0, 1, 0, 1]},
        },
        "time_to_fill_months": 2,
        "max_starts_per_month": 2,
        "target": {"ds_per_mle": 4, "deadline_month": 12},
    },
    "attrition intervals, fill 0.84": {
        "headcount": {"data_scientist": 10, "ml_engineer": 2},
        "attrition_interval": {"data_scientist": [0.05, 0.3], "ml_engineer": [0.05, 0.4]},
        "hiring_policy": {
            "data_scientist": "backfill",
            "ml_engineer": {"kind": "backfill", "positions_added": [0, 1]},
        },
        "time_to_fill_months": 1,
        "fill_rate": 0.84,
        "max_starts_per_month": 1,
        "target": {"ds_per_mle": 4, "deadline_month": 10},
    },
    "a path band, starts mode": {
        "headcount": {"data_scientist": 8, "ml_engineer": 2},
        "hiring_policy": {
            "data_scientist": {
                "kind": "path",
                "headcount": [8, 8.5, 9, 9.5, 10],
                "p10": [8, 7.8, 7.6, 7.4, 7.2],
                "p90": [8, 9.3, 10.5, 11.7, 12.9],
            }
        },
        "planned_starts": {"ml_engineer": [0, 1, 0, 0, 1]},
        "fill_rate": 0.9,
        "time_to_fill_months": 1,
        "target": {"ds_per_mle": 4, "deadline_month": 8},
    },
}


@pytest.mark.parametrize("name", list(MC_CASES))
def test_the_monte_carlo_agrees_with_the_exact_values_within_3_standard_errors(name):
    base = {
        "start_month": "2027-01",
        "horizon_months": 18,
        "attrition_annual": 0.2,
        "fill_rate": 1.0,
        "paths": 20_000,
        **MC_CASES[name],
    }
    seeds = (1, 2, 3)
    runs = [simulate(Scenario.from_dict({**base, "seed": seed})) for seed in seeds]
    sc = runs[0].scenario
    ev = ExactEvaluator(sc)
    n = sc.paths * len(seeds)  # the seeds' paths pooled
    d = sc.deadline

    def proportion(exact: float, sampled: float) -> None:
        se = math.sqrt(exact * (1 - exact) / n)
        assert abs(sampled - exact) <= 3 * se, (exact, sampled, se)

    held = ev.p_held()
    assert held is not None
    proportion(ev.p_met(), float(np.mean([r.p_target_met for r in runs])))
    proportion(held, float(np.mean([r.p_target_held for r in runs])))
    for r, dist in ((DS, ev.ds.probabilities), (MLE, ev.mle().probabilities)):
        k = np.arange(dist.shape[1])
        mean = dist[d] @ k
        se = math.sqrt(dist[d] @ (k - mean) ** 2 / n)
        sampled = np.mean([run.paths_headcount[:, d, r].mean() for run in runs])
        assert abs(sampled - mean) <= 3 * se, (r, mean, sampled, se)


# ------------------------------------------------------------------ the 42 -> 60 case


def growth_42_to_60() -> Scenario:
    """examples/growth_42_to_60.json with 7 ML engineers and the default caps (3 a month)."""
    d = json.loads((ROOT / "examples" / "growth_42_to_60.json").read_text())
    d["headcount"]["ml_engineer"] = 7
    del d["max_starts_per_month"]
    return Scenario.from_dict(d)


def positions_at(*months: int) -> np.ndarray:
    schedule = np.zeros(37, dtype=np.int64)
    for m in months:
        schedule[m] += 1
    return schedule


def test_three_new_positions_spread_evenly_meet_1_to_6_with_p_0_798_and_four_with_0_976():
    ev = ExactEvaluator(growth_42_to_60())
    # forecasting/plan/schedule.py shaped(.., "even"): its first 3 and 4 slots
    assert round(ev.p_met(positions_at(6, 12, 17)), 3) == 0.798
    assert round(ev.p_met(positions_at(3, 6, 12, 17)), 3) == 0.976


def test_three_positions_just_before_the_deadline_meet_it_but_do_not_hold():
    ev = ExactEvaluator(growth_42_to_60())
    by_month = ev.p_met_by_month(positions_at(21, 22, 22))
    assert round(by_month[24], 3) == 0.842
    assert round(by_month[25], 3) == 0.816
    assert np.all(np.round(by_month[26:], 3) == 0.796)
    held = ev.p_held(positions_at(21, 22, 22))
    assert held is not None and round(held, 2) == 0.21


# ------------------------------------------------------------------ support and API


def test_reskilling_is_not_exact():
    sc = scenario(reskill_annual=0.05)
    assert not supported(sc)
    assert "reskilling" in (exact_reason(sc) or "")
    with pytest.raises(NotExact):
        ExactEvaluator(sc)


def test_a_small_scenario_is_supported():
    assert supported(scenario())


def test_the_sample_team_s_projection_band_is_too_large_for_an_exact_evaluation():
    sample = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    assert "band" in (exact_reason(sample) or "")


def test_a_chain_above_the_state_bound_is_not_exact():
    sc = backfilled_team(30, 3, lag=12)
    with pytest.raises(NotExact, match="states"):
        ExactEvaluator(sc)


def test_p_held_is_none_when_the_joint_chain_is_too_large(monkeypatch):
    from forecasting.simulate import exact

    sc = scenario(hiring_policy={"data_scientist": "backfill", "ml_engineer": "backfill"})
    assert p_held(sc) is not None
    monkeypatch.setattr(exact, "MAX_JOINT", 1)
    assert p_held(sc) is None


def test_the_evaluator_matches_the_scenario_with_that_plan():
    sc = scenario(
        hiring_policy={"data_scientist": "backfill", "ml_engineer": "backfill"},
        time_to_fill_months=1,
    )
    plan = [0, 1, 0, 1]
    planned = sc.replace(
        hiring_policy={
            "data_scientist": {"kind": "backfill"},
            "ml_engineer": {"kind": "backfill", "positions_added": plan},
        }
    )
    np.testing.assert_allclose(
        ExactEvaluator(sc).p_met_by_month(plan), p_met_by_month(planned), atol=1e-15
    )
    np.testing.assert_allclose(
        headcount_distribution(sc, MLE, mle_schedule=plan),
        headcount_distribution(planned, MLE),
        atol=1e-15,
    )


def test_rows_are_probabilities():
    dist = headcount_distribution(scenario(hiring_policy={"data_scientist": "backfill"}), DS)
    assert dist.min() >= 0
    np.testing.assert_allclose(dist.sum(axis=1), 1.0, atol=1e-9)


def _prune_by_sorting_all(prob: np.ndarray, budget: float) -> np.ndarray | None:
    """exact_states.prune as it was: a sort of every state."""
    if budget <= 0 or prob.size < 2 or prob.min() > budget:
        return None
    order = np.argsort(prob)
    n_drop = int(np.searchsorted(np.cumsum(prob[order]), budget, side="right"))
    return None if n_drop == 0 else np.sort(order[n_drop:])


@pytest.mark.parametrize("kind", ["smooth", "rounded", "few values", "tiny"])
def test_pruning_sorts_only_the_candidates_and_drops_what_a_sort_of_all_drops(kind):
    from forecasting.simulate.exact_states import prune

    rng = np.random.default_rng(len(kind))
    for _ in range(300):
        n = int(rng.integers(2, 2_000))
        if kind == "smooth":
            prob = rng.random(n) ** 20
        elif kind == "rounded":
            prob = np.round(rng.random(n) ** 8, 6)  # ties
        elif kind == "few values":
            prob = rng.choice([0.0, 1e-14, 2e-14, 1e-3], n)  # ties at the cut
        else:
            prob = rng.exponential(1e-13, n)
        budget = float(rng.choice([0.0, 1e-13, 1e-12, 1e-6, 1e-2]))
        want, got = _prune_by_sorting_all(prob, budget), prune(prob, budget)
        assert (want is None) == (got is None)
        if want is not None:
            np.testing.assert_array_equal(got, want)
