"""Reskilling as a costed choice: duration, programme cost, the data-science seat
backfilled, and the cheapest mix of reskilling and new positions."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.scenario import Scenario
from forecasting.simulate.engine import run_paths, simulate

MLE, DS = "ml_engineer", "data_scientist"
TEAM = {
    "start_month": "2027-01",
    "horizon_months": 24,
    "headcount": {"data_engineer": 6, "data_scientist": 40, "ml_engineer": 4, "product_manager": 3},
    "hiring_policy": {DS: {"kind": "backfill"}, MLE: {"kind": "backfill"}},
    "reskill_annual": 0.12,
    "target": {"ds_per_mle": 6, "deadline_month": 18, "confidence": 0.8},
    "paths": 1000,
    "seed": 11,
}


def test_zero_cost_and_zero_duration_reproduce_todays_reskilling_numbers():
    """The numbers below are what this team gave before reskilling had a duration and a
    cost (commit 7f6ff7e), when every start joined and costs were salaries: free,
    immediate reskilling is unchanged."""
    free = {**TEAM, "reskill_months": 0, "reskill_cost": 0}
    r = simulate(Scenario.from_dict({**free, "fill_rate": 1.0, "cost_multiplier": 1.0}))
    assert (r.p_target_met, r.p_target_held) == (0.93, 0.91)
    assert float(r.headcount_mean[18, 2]) == 9.792 and float(r.headcount_mean[18, 1]) == 38.302
    assert float(r.cost_mean.sum()) == pytest.approx(17427467.166666668, rel=1e-12)
    assert float(r.capacity_arrays.delivery_index[18]) == pytest.approx(56.19346310496331, rel=1e-9)


def test_training_delays_the_arrival_of_reskilled_ml_engineers_by_its_months():
    starts_mode = {**TEAM, "hiring_policy": {DS: {"kind": "backfill"}}}
    team = {**starts_mode, "attrition_annual": {MLE: 0.0}}
    now = run_paths(Scenario.from_dict(team)).headcount[:, 2, :]
    later = run_paths(Scenario.from_dict({**team, "reskill_months": 5})).headcount[:, 2, :]
    # the data scientists' draws are the same: the same people move, five months later
    assert np.array_equal(later[5:], now[:-5])
    assert (later[:5] == 4).all()


def test_the_programme_is_paid_when_training_starts():
    sc = Scenario.from_dict(TEAM)
    moved = run_paths(sc, roles=(1,)).moved
    free, paid = simulate(sc), simulate(sc.replace(reskill_cost=20_000.0))
    extra = paid.cost_mean - free.cost_mean
    assert extra[0] == 0.0
    assert np.allclose(extra[1:], 20_000.0 * moved.mean(axis=1))


def test_trainees_stay_on_the_payroll_and_keep_half_their_data_science():
    sc = Scenario.from_dict({**TEAM, "reskill_months": 6})
    raw = run_paths(sc)
    training = raw.in_training()
    assert training[0].sum() == 0 and training[6].sum() > 0
    assert np.array_equal(training[-1], (raw.moved - raw.arrived).sum(axis=0))
    with_pay = simulate(sc)
    ds_monthly = sc.annual_cost_of(DS) / 12
    people = np.einsum("trp,r->t", raw.headcount, np.array(sc.loaded_costs) / 12) / sc.paths
    assert np.allclose(with_pay.cost_mean, people + ds_monthly * training.mean(axis=1))


def test_trainees_add_half_a_data_scientist_each_to_capacity():
    now = Scenario.from_dict(TEAM)
    training = now.replace(reskill_months=6)
    a, b = simulate(now).capacity_arrays, simulate(training).capacity_arrays
    trainees = run_paths(training).in_training().mean(axis=1)
    assert np.allclose(b.effective_fte[:, 1] - a.effective_fte[:, 1], 0.5 * trainees, atol=1e-3)
