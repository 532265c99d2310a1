"""Overview page (AppTest): today's ratio, the headline sentence and P(target met) on the
sample team, compared with the engine's own numbers."""

from __future__ import annotations

import pytest

from forecasting.model import edits, formatting, months
from forecasting.model import target as target_rule
from forecasting.report import sentences


@pytest.fixture(scope="module")
def overview(app):
    """One Overview session on the sample team (read-only tests share it)."""
    return app("overview")


@pytest.fixture(scope="module")
def engine(sample_scenario, ui):
    """The engine's recommended plan for the sample team and its simulation."""
    return ui.engine_plan(sample_scenario, "even")


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
def test_overview_renders_without_error(app, ui, workshop):
    at = app("overview", workshop=workshop)
    assert ui.problems(at) == []
    # workshop mode gives the title's room to the answer (the top bar names the page)
    assert [t.value for t in at.title] == ([] if workshop else ["ML team workforce plan"])
    assert len(at.get("vega_lite_chart")) == 3  # the quarter strip and the two fans


def test_overview_shows_todays_ratio_from_the_sample_team(overview, ui, sample_scenario):
    expected = formatting.ratio_text(round(target_rule.current_ratio(sample_scenario.headcount), 1))
    assert expected == "1:10"  # the sample team: 30 data scientists, 3 ML engineers
    assert ui.metrics(overview)["Today's ratio (MLE : DS)"] == expected


def test_overview_sentence_names_the_deadline_month(overview, sample_scenario):
    deadline = sample_scenario.months()[sample_scenario.target.deadline_month]
    sentence = overview.markdown[0].value
    assert f"by {formatting.month_name(deadline)}" in sentence
    assert sentence.startswith(
        f"#### To reach {formatting.ratio_text(sample_scenario.target.ds_per_mle)}"
    )


def test_overview_p_target_met_equals_the_engine(overview, ui, engine):
    _, result = engine
    shown = ui.metrics(overview)["P(target met by deadline)"]
    sc = result.scenario
    assert shown == sentences.probability_text(result.p_target_met, sc.paths, sc.target.confidence)


def test_overview_sentence_states_the_solver_positions_and_quarters(overview, engine):
    plan, _ = engine
    sentence = overview.markdown[0].value
    assert f"{plan.total_positions_added} new ML engineer positions" in sentence
    assert "run-rate" in sentence


def test_overview_strip_counts_new_positions_per_quarter(overview, ui, engine):
    plan, _ = engine
    strip = ui.chart_frames(overview, 0)[0]
    assert int(strip["n"].sum()) == plan.total_positions_added
    expected = dict(months.quarters(plan.scenario.months(), plan.positions_added))
    shown = {q: int(n) for q, n in zip(strip["quarter"], strip["n"]) if n}
    assert shown == expected


def test_overview_warns_when_the_target_is_not_held(overview, engine):
    _, result = engine
    assert result.p_target_held < 0.8  # the sample team's plan drifts back after the deadline
    assert any("held to the horizon" in w.value for w in overview.warning)


def test_overview_ratio_chart_draws_the_plan_simulated(overview, ui, engine):
    _, result = engine
    ratio = ui.chart_frames(overview, 1)[0]
    assert list(ratio["p50"].round(6)) == list(result.ratio["p50"].round(6))


def _help(at, label: str) -> str:
    return next(m.proto.help for m in at.metric if m.label == label)


def test_overview_months_to_target_help_says_the_goal_must_hold_to_the_horizon(overview):
    help_text = _help(overview, "Months to target")
    assert "stays at or above the 80% goal in every month to the horizon" in help_text


@pytest.fixture(scope="module")
def slipping(sample_scenario):
    """The sample team while data science keeps growing to 45 after the 18-month deadline:
    the plan meets 1:6 with 80% confidence from month 11, then P(target) falls below 80%
    before the horizon."""
    d = sample_scenario.replace(paths=500).to_dict()
    d["hiring_policy"]["data_scientist"] = {"kind": "growth", "to": 45, "by_month": 36}
    return type(sample_scenario).from_dict(d)


@pytest.mark.slow
def test_overview_months_to_target_is_not_within_horizon_when_p_falls_back(
    app, ui, token, slipping
):
    """The old rule ("first month at or above the goal") showed 11 here."""
    _, result = ui.engine_plan(slipping, "even")
    k, goal = slipping.target.ds_per_mle, slipping.target.confidence
    p = target_rule.p_target_by_month(result.paths_headcount, k)
    assert p[11] >= goal > p[-1]  # reached the goal, then fell back below it
    at = app("overview", query={"s": token(slipping)})
    assert ui.problems(at) == []
    assert ui.metrics(at)["Months to target"] == "—"
    assert ui.metric_deltas(at)["Months to target"] == "not within horizon"


def test_overview_months_to_target_equals_the_engine(overview, ui, engine, sample_scenario):
    _, result = engine
    target = sample_scenario.target
    m = target_rule.months_to_target(
        target_rule.p_target_by_month(result.paths_headcount, target.ds_per_mle), target.confidence
    )
    assert result.months_to_target(target.confidence) == m
    if m is None:  # the sample's data science keeps growing after the deadline
        assert ui.metrics(overview)["Months to target"] == "—"
        assert ui.metric_deltas(overview)["Months to target"] == "not within horizon"
    else:
        assert ui.metrics(overview)["Months to target"] == str(m)
        assert ui.metric_deltas(overview)["Months to target"] == formatting.month_name(
            result.months[m]
        )


@pytest.mark.slow
def test_overview_shows_p_with_its_monte_carlo_error_near_the_goal(app, ui, token, sample_scenario):
    """The review: '79.6%' must not read '80%' beside 'goal 80%'. With a hand-made plan and
    a target k chosen so that P lands next to the 80% goal, the page shows one decimal and
    the Monte Carlo error."""
    import numpy as np

    from forecasting.simulate.engine import simulate

    sc = edits.with_mle_plan(sample_scenario.replace(paths=400), [0, 2])
    d = sc.target.deadline_month
    hc = simulate(sc).paths_headcount[:, d, :]
    ratios = hc[:, 1] / np.maximum(hc[:, 2], 1)
    values = np.unique(ratios)
    share = np.array([(ratios <= v).mean() for v in values])
    k = float(values[np.argmin(np.abs(share - 0.8))])
    near = sc.replace(target={**sc.target.to_dict(), "ds_per_mle": k})
    p = simulate(near).p_target_met
    assert abs(p - 0.8) < 2 * (0.8 * 0.2 / 400) ** 0.5
    at = app(query={"s": token(near), "plan": "manual"})
    shown = ui.metrics(at)["P(target met by deadline)"]
    assert shown == sentences.probability_text(p, 400, 0.8)
    assert "±" in shown and shown.startswith(f"{100 * p:.1f}%")
