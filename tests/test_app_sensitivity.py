"""Sensitivity & budget page (AppTest): the sentences a leader repeats, from the engine."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model import edits, formatting
from forecasting.plan import budget, reskill
from forecasting.plan.sensitivity import sensitivity
from forecasting.plan.solver import solve
from forecasting.report import sentences
from ui.advice import MIX_MONTH_STEP
from ui.text import md_escape


@pytest.fixture
def page(app, token, fast_scenario):
    return app("sensitivity", query={"s": token(fast_scenario)})


@pytest.mark.slow
def test_page_says_what_the_answer_hangs_on(page, ui, fast_scenario):
    assert ui.problems(page) == []
    assert len(page.get("vega_lite_chart")) == 3  # two tornados and the frontier
    # the engine's own tornado, holding the recommended plan fixed, on the same paths
    base = edits.without_mle_plan(fast_scenario)
    plan = np.array(solve(base, "even").positions_added)
    expected = sensitivity(base.replace(paths=min(base.paths, 2000)), plan=plan)
    sentence = page.markdown[0].value
    assert sentence == "##### " + sentences.sensitivity_sentence(expected, fast_scenario.months())
    assert "hangs most on" in sentence
    # the table of every assumption: the month today's plan reaches the target at each end
    (table,) = [d.value for d in page.dataframe if "target reached" in d.value.columns]
    assert "months to target" not in table.columns
    months = fast_scenario.months()

    def reached(m: int | None) -> str:
        if m is None:
            return "not within horizon"
        return "already met" if m == 0 else formatting.month_name(months[m])

    shown = dict(zip(table["scenario key"], table["target reached"]))
    assert shown == {
        r.parameter: " → ".join(reached(m) for m in r.target_reached) for r in expected.rows
    }


@pytest.mark.slow
def test_budget_input_answers_in_one_sentence(page, ui, fast_scenario):
    page.number_input(key="w_budget").set_value(0.0).run()
    assert ui.problems(page) == []
    text = page.markdown[1].value
    assert text.startswith("##### $0 a year buys 0 new ML engineer positions")
    base = edits.without_mle_plan(fast_scenario).replace(paths=min(fast_scenario.paths, 2000))
    expected = sentences.budget_sentence(budget.solve_budget(base, 0.0), base.months())
    assert text == "##### " + expected


def test_workshop_mode_renders_the_page(app, ui, token, fast_scenario):
    at = app("sensitivity", workshop=True, query={"s": token(fast_scenario)})
    assert ui.problems(at) == []
    assert len(at.get("vega_lite_chart")) == 3


@pytest.mark.slow
def test_reskilling_or_hiring_follows_the_programme_cost(page, ui, fast_scenario):
    page.toggle(key="mix_on").set_value(True).run()
    page.number_input(key="w_reskill_cost").set_value(5_000_000.0).run()
    assert ui.problems(page) == []
    assert page.session_state["base_scenario"].reskill_cost == 5_000_000.0
    base = edits.without_mle_plan(page.session_state["base_scenario"])
    base = base.replace(paths=min(base.paths, 2000))
    mix = reskill.cheapest_mix(base, month_step=MIX_MONTH_STEP)
    assert mix.best is mix.hiring_only
    expected = md_escape(sentences.mix_sentence(mix, base))
    assert "##### " + expected in [m.value for m in page.markdown]
    assert "hiring only" in expected and "no reskilling costs less" in expected


def test_the_budget_is_the_scenarios_and_travels_with_it(page, ui, token, app, fast_scenario):
    page.number_input(key="w_budget").set_value(700_000.0).run()
    assert ui.problems(page) == []
    assert page.session_state["base_scenario"].budget_annual == 700_000.0
    again = app("sensitivity", query={"s": token(fast_scenario.replace(budget_annual=350_000.0))})
    assert again.number_input(key="w_budget").value == 350_000.0
