"""The cheapest mix of whole data scientists reskilled (how many, when) and new positions:
hiring only is `solve`'s answer, every option is costed over one window, the answer is the
brute force's, and nobody is reskilled past the need."""

from __future__ import annotations

import json

import pytest

from forecasting.model.scenario import Scenario
from forecasting.plan.reskill import cheapest_mix, mix_window, reskill_months_to_try
from forecasting.plan.solver import TargetUnreachable, solve
from forecasting.report.sentences import mix_sentence
from forecasting.simulate.engine import simulate
from tests.conftest import ROOT


def review_example() -> Scenario:
    """The review's example: examples/scenario.json at a 1:4 target, six months of training
    and a $20k programme (starts mode, data scientists not backfilled)."""
    d = json.loads((ROOT / "examples" / "scenario.json").read_text())
    d["target"]["ds_per_mle"] = 4
    return Scenario.from_dict({**d, "reskill_months": 6, "reskill_cost": 20_000})


@pytest.fixture(scope="module")
def example() -> Scenario:
    return review_example()


@pytest.fixture(scope="module")
def mix(example):
    return cheapest_mix(example)


def window_cost(sc: Scenario, first: int, last: int) -> float:
    return float(simulate(sc).cost_mean[first : last + 1].sum())


def test_hiring_only_is_solves_answer_on_the_review_example(example, mix):
    plan = solve(example)
    assert plan.added == 1  # what the review says solve answers
    hiring = mix.hiring_only
    assert (hiring.people, hiring.month) == (0, None)
    assert hiring.added == plan.added
    assert hiring.p_target_met == plan.p_target_met


def test_the_cheapest_option_is_the_brute_forces_over_people_and_month(example, mix):
    w = mix.window
    floor = window_cost(example, w.first, w.last)
    costs = {}
    for people in range(0, 4):
        for month in range(1, example.deadline - example.reskill_months + 1) if people else [0]:
            sc = example.replace(reskill_planned=[0] * month + [people]) if people else example
            try:
                plan = solve(sc)
            except TargetUnreachable:
                continue
            costed = plan.scenario.replace(paths=example.paths, seed=example.seed)
            costs[(people, month)] = window_cost(costed, w.first, w.last) - floor
    brute = min(costs, key=lambda k: (round(costs[k], 2), k[0]))
    best = mix.best
    assert (best.people, best.month or 0) == brute
    assert best.cost == pytest.approx(costs[brute], abs=0.01)
    assert (best.people, best.month, best.added) == (1, 12, 0)  # one, from Jan 2028
    assert best.cost < mix.hiring_only.cost


def test_every_option_is_costed_over_the_same_window(example, mix):
    w = mix.window
    assert (w.first, w.last, w.months) == (1, 36, 36)
    assert (w.first_label, w.last_label) == ("2027-02", "2030-01")
    assert mix_window(example) == w
    floor = window_cost(example, w.first, w.last)
    for o in mix.options:
        assert o.cost == pytest.approx(window_cost(o.scenario, w.first, w.last) - floor, abs=0.01)


def test_no_option_reskills_after_it_is_needed(example, mix):
    L, d = example.reskill_months, example.deadline
    by_key = {(o.people, o.month): o for o in mix.options}
    for o in mix.options:
        sc = o.scenario
        assert sc.reskill_annual == 0.0  # no continuing rate
        if o.people == 0:
            assert sc.reskill_planned == ()
            continue
        # one planned start, arriving by the deadline
        assert sc.reskill_planned == (0,) * o.month + (o.people,)
        assert o.arrives == o.month + L <= d
        if o.added == 0 and o.people > 1:
            fewer = by_key[(o.people - 1, o.month)]
            assert fewer.added is None or fewer.added > 0  # all of them were needed
    # never more people than the fewest with whom some month needs no new starts
    enough = min(o.people for o in mix.options if o.added == 0)
    assert max(o.people for o in mix.options) == enough


def test_a_dear_programme_leaves_hiring_only_the_cheapest(example):
    mix = cheapest_mix(example.replace(reskill_cost=5_000_000.0))
    assert mix.best is mix.hiring_only


def test_a_rate_in_the_scenario_is_not_carried_into_the_options(example, mix):
    with_rate = cheapest_mix(example.replace(reskill_annual=0.1))
    assert [(o.people, o.month, o.added) for o in with_rate.options] == [
        (o.people, o.month, o.added) for o in mix.options
    ]


def test_the_sentence_names_the_people_the_month_the_window_and_hiring_only(example, mix):
    text = mix_sentence(mix, example)
    assert text.startswith("Cheapest for 1:4 by Jul 2028: reskill 1 data scientist from Jan 2028")
    assert "and add 0 ML engineer starts" in text
    assert "over Feb 2027–Jan 2030, against" in text
    assert "hiring only (1 ML engineer start)" in text


@pytest.mark.slow
def test_positions_mode_backfills_the_seat_and_hiring_only_is_solves(sample_scenario):
    from forecasting.model.edits import without_mle_plan

    sc = without_mle_plan(sample_scenario).replace(
        paths=500, reskill_months=3, reskill_cost=10_000.0
    )
    mix = cheapest_mix(sc, month_step=6)
    assert mix.mode.positions
    assert mix.hiring_only.added == solve(sc).added
    assert mix.best is not None and mix.best.cost == min(
        o.cost for o in mix.options if o.cost is not None
    )


def test_a_coarser_look_tries_every_third_month_back_from_the_last(example):
    assert reskill_months_to_try(example) == list(range(1, 13))
    assert reskill_months_to_try(example, 3) == [3, 6, 9, 12]
    assert reskill_months_to_try(example.replace(reskill_months=18)) == []
    quick = cheapest_mix(example, month_step=3)
    assert {o.month for o in quick.options} <= {None, 3, 6, 9, 12}
    assert (quick.best.people, quick.best.month) == (1, 12)


def test_training_longer_than_the_deadline_leaves_hiring_only(example):
    mix = cheapest_mix(example.replace(reskill_months=18))
    assert [o.people for o in mix.options] == [0]
    assert mix.best is mix.hiring_only
