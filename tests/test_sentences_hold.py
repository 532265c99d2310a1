"""Meets vs holds, said plainly (issue 18 item 3), and the card in the controls' language
(issue 19 item 3: the data-science plan as set, the vacancy buffer, every quarter). The
holding cases use the review's 42 -> 60 case, whose just-in-time plan meets 1:6 at the
deadline and falls below the goal two months later."""

from __future__ import annotations

import re

import pytest

from forecasting.model import months as month_labels
from forecasting.plan.solver import solve
from forecasting.report import sentences
from forecasting.simulate.project import project
from tests.test_solver_positions import review_42_to_60


@pytest.fixture(scope="module")
def late_plan():
    """The review's just-in-time answer (3 late positions) and its projection."""
    scenario = review_42_to_60(1)
    plan = solve(scenario, "just_in_time")
    return scenario, plan, project(plan.scenario)


def test_a_plan_met_at_the_deadline_that_falls_after_says_how_long_it_holds(late_plan):
    _, _, result = late_plan
    through = result.held_through(0.8)
    assert through == result.scenario.deadline + 1  # the engine: one month after Jan 2029
    fall = result.p_target_by_month[through + 1]
    assert fall < 0.8
    assert sentences.holds_text(result) == (
        f"Met at the deadline; holds 1 month (P falls to {100 * fall:.1f}% by Mar 2029)."
    )


def test_a_plan_that_holds_to_the_horizon_says_nothing_more(late_plan):
    scenario, _, _ = late_plan
    held = scenario.replace(target={**scenario.target.to_dict(), "hold": True})
    result = project(solve(held, "just_in_time").scenario)
    assert result.held_through(0.8) == len(result.months) - 1
    assert sentences.holds_text(result) is None


def test_a_plan_not_met_at_the_deadline_has_no_holding_sentence(late_plan):
    scenario, _, _ = late_plan
    result = project(scenario)  # no new position: 1:6 is out of reach at the deadline
    assert result.held_through(0.8) is None
    assert sentences.holds_text(result) is None


def _expand(text: str) -> dict[str, int]:
    """'1 a quarter in Q1–Q3 2027 and Q1 2028, 2 in Q4 2028' -> every quarter's count."""
    out: dict[str, int] = {}
    for group in re.split(r", (?=\d+ )", text):
        found = re.fullmatch(r"(\d+) (?:a quarter )?in (.*)", group)
        assert found is not None, group
        n = int(found.group(1))
        for span in re.split(r", | and ", found.group(2)):
            first, _, last = span.partition("–")
            label = first if " " in first or not last else f"{first} {last[3:]}"
            out[label] = n
            while last and label != last:
                label = sentences._next_quarter(label)
                out[label] = n
    return out


@pytest.mark.parametrize(
    "items",
    [
        [("Q2 2027", 1), ("Q3 2027", 1), ("Q4 2027", 1)],
        [("Q1 2027", 1), ("Q2 2027", 1), ("Q4 2027", 1), ("Q1 2028", 1), ("Q3 2029", 1)],
        [("Q4 2027", 2), ("Q1 2028", 2), ("Q3 2028", 1), ("Q1 2029", 3)],
        [("Q2 2027", 1)],
        [(q, 1) for q in ("Q1 2027", "Q2 2027", "Q2 2028", "Q3 2028", "Q1 2029", "Q2 2029")],
    ],
)
def test_the_quarter_list_names_every_quarter_and_its_count(items):
    assert _expand(sentences.quarter_runs_text(items)) == dict(items)


def test_consecutive_quarters_of_the_same_count_are_said_once():
    items = [(f"Q{q} 2027", 1) for q in (1, 2, 3, 4)] + [("Q2 2028", 1), ("Q3 2028", 1)]
    assert sentences.quarter_runs_text(items) == "1 a quarter in Q1–Q4 2027 and Q2–Q3 2028"
    items += [("Q1 2029", 1), ("Q2 2029", 1), ("Q4 2029", 2)]
    text = sentences.quarter_runs_text(items)
    assert text == "1 a quarter in Q1–Q4 2027, Q2–Q3 2028 and Q1–Q2 2029, 2 in Q4 2029"
    assert _expand(text) == dict(items)


def test_the_answer_lists_every_quarter_of_a_long_plan(late_plan):
    scenario, _, _ = late_plan
    held = scenario.replace(target={**scenario.target.to_dict(), "hold": True})
    plan = solve(held, "even")
    sentence = sentences.answer_sentence(plan, held, strategy="even")
    expected = dict(month_labels.quarters(held.months(), plan.positions_added))
    assert len(expected) > 4  # more quarters than the old list's limit
    listed = re.search(r"positions \((.*?)\), \$", sentence)
    assert listed is not None, sentence
    assert _expand(listed.group(1)) == expected


def _backfilled(ds_policy: dict, headcount: dict, **target) -> object:
    from forecasting.model.scenario import Scenario

    return Scenario.from_dict(
        {
            "start_month": "2027-01",
            "horizon_months": 24,
            "headcount": headcount,
            "hiring_policy": {"data_scientist": ds_policy, "ml_engineer": {"kind": "backfill"}},
            "target": {"ds_per_mle": 6, **target},
        }
    )


def test_the_answer_states_the_data_science_plan_as_set_and_its_value_at_the_deadline():
    scenario = _backfilled(
        {"kind": "growth", "to": 45, "by_month": 23},
        {"data_scientist": 30, "ml_engineer": 3},
        deadline_month=15,
    )
    at_deadline = scenario.positions_of("data_scientist")[15]
    sentence = sentences.answer_sentence(solve(scenario), scenario, strategy="even")
    assert (
        f"while data science grows 30 → 45 by Dec 2028 ({at_deadline} at the deadline):" in sentence
    )


def test_a_team_already_on_target_is_told_its_position_is_a_vacancy_buffer():
    scenario = _backfilled(
        {"kind": "backfill"},
        {"data_scientist": 27, "ml_engineer": 5},
        deadline_month=12,
        confidence=0.9,
    )
    sentence = sentences.answer_sentence(solve(scenario), scenario, strategy="even")
    assert "with data science held at 27: 1 new ML engineer position to cover vacancies: " in (
        sentence
    )
    assert "today's 1:5.4 drifts above 1:6 when ML engineers leave" in sentence


def test_a_sampled_p_just_after_the_run_is_not_said_to_have_fallen(late_plan):
    """A sampled P may end the run by not being clear of its noise while it still reads
    above the goal: the sentence names the first month it is below the goal."""
    import dataclasses

    import numpy as np

    _, _, result = late_plan
    deadline = result.scenario.deadline
    p = np.full(len(result.months), 0.9)
    p[deadline + 3] = 0.812  # above the goal, not 2 SE clear of it
    p[deadline + 4 :] = 0.794
    sampled = dataclasses.replace(
        result, p_target_by_month=p, p_se=np.full(len(result.months), 0.009)
    )
    assert sampled.held_through(0.8) == deadline + 2
    months = result.months
    from forecasting.model.formatting import month_name

    assert sentences.holds_text(sampled) == (
        f"Met at the deadline; holds 2 months (P falls to 79.4% ± 0.9 by "
        f"{month_name(months[deadline + 4])})."
    )


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.8, "80%"), (0.85, "85%"), (0.975, "97.5%"), (0.999, "99.9%"), (0.999999, "99.9999%")],
)
def test_a_confidence_asked_for_is_shown_with_its_decimals(p, text):
    """Not "100%" for 99.9999%: a goal no sampled answer can show must not read as 100%."""
    from forecasting.model.formatting import confidence_percent

    assert confidence_percent(p) == text
