"""plans: projection as a path policy, default plans, hiring pace, quarters, the MLE plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate.trend import TrendForecast
from forecasting.model import edits
from forecasting.model.months import quarters
from forecasting.model.policy import BACKFILL, PolicyKind
from forecasting.model.scenario import Scenario
from forecasting.plan import policies
from forecasting.report import tables
from forecasting.simulate.engine import simulate
from forecasting.simulate.result import run_rate

ROOT = Path(__file__).resolve().parents[1]


def trend(history: list[float], mean: list[float], low=None, high=None) -> TrendForecast:
    h = len(mean)
    months = [str(p) for p in pd.period_range("2027-01", periods=h, freq="M")]
    band = pd.DataFrame(
        {
            "month": months,
            "mean": mean,
            "low": low if low is not None else [np.nan] * h,
            "high": high if high is not None else [np.nan] * h,
        }
    )
    return TrendForecast(
        role="data_scientist",
        history=pd.DataFrame({"month": ["2026-12"] * len(history), "headcount": history}),
        forecast=band,
        band=band,
        model="ETS (additive, damped trend)",
        backtest=pd.DataFrame(),
        note="",
        fallback=False,
        level=0.8,
    )


def team(**kw) -> Scenario:
    d = {
        "start_month": "2027-01",
        "horizon_months": 6,
        "headcount": {"data_scientist": 30, "ml_engineer": 3, "data_engineer": 5},
        "paths": 200,
        "seed": 1,
    }
    d.update(kw)
    return Scenario.from_dict(d)


def test_projection_policy_applies_the_projected_change_to_todays_team():
    tf = trend([20, 22], [23, 24, 26, 27], low=[22, 22, 23, 23], high=[24, 26, 29, 31])
    policy = policies.projection_policy(tf, n0=30, horizon=6)
    assert policy.kind is PolicyKind.PATH
    assert policy.source == "status-quo projection: ETS (additive, damped trend)"
    # month 0 is today; month t is the forecast t steps ahead, shifted by 30 - 22 = 8
    assert policy.headcount == (30, 31, 32, 34, 35)
    assert policy.p10 == (30, 30, 30, 31, 31)
    assert policy.p90 == (30, 32, 34, 37, 39)
    assert list(policy.positions(30, 6)) == [30, 31, 32, 34, 35, 35, 35]


def test_projection_policy_without_an_interval_has_no_band():
    policy = policies.projection_policy(trend([5, 5], [5, 5, 5]), n0=5, horizon=3)
    assert policy.headcount == (5, 5, 5, 5)
    assert not policy.uncertain


def test_projection_policy_never_goes_negative():
    tf = trend([10, 10], [6, 2, 0], low=[4, 0, 0], high=[8, 4, 1])
    policy = policies.projection_policy(tf, n0=3, horizon=3)
    assert min(policy.headcount) == 0 and min(policy.p10) == 0


def test_default_plan_backfills_every_role_and_clears_planned_starts():
    sc = team(planned_starts={"data_scientist": [1, 0, 1]})
    new = policies.default_plan(sc)
    assert new.hiring_policy == (BACKFILL,) * 4
    assert not any(any(s) for s in new.planned_starts)
    assert policies.is_default_plan(new)


def test_default_plan_has_data_scientists_follow_their_projection():
    tf = trend([28, 30], [31, 32, 33, 34, 35, 36], low=[30] * 6, high=[32, 34, 36, 38, 40, 42])
    new = policies.default_plan(team(), {"data_scientist": tf})
    ds = new.policy_of("data_scientist")
    assert ds.kind is PolicyKind.PATH and ds.uncertain
    assert new.positions_of("data_scientist") == [30, 31, 32, 33, 34, 35, 36]
    assert new.policy_of("ml_engineer") == BACKFILL


def test_a_path_band_widens_the_data_scientist_fan():
    # 20 data scientists today, the projection says 30 (80% band 26-34) from month 1;
    # no lag, attrition or failed starts, so every path's headcount is its own positions.
    band = {
        "kind": "path",
        "headcount": [20, 30],
        "p10": [20, 26],
        "p90": [20, 34],
        "source": "test",
    }
    sc = team(
        headcount={"data_scientist": 20},
        hiring_policy={"data_scientist": band},
        time_to_fill_months=0,
        attrition_annual=0.0,
        fill_rate=1.0,
        max_starts_per_month=100,
        paths=4000,
    )
    final = simulate(sc).paths_headcount[:, -1, 1]
    assert np.quantile(final, 0.1) == pytest.approx(26, abs=0.6)
    assert np.quantile(final, 0.9) == pytest.approx(34, abs=0.6)
    assert np.median(final) == 30
    flat = sc.replace(hiring_policy={"data_scientist": {**band, "p10": None, "p90": None}})
    assert np.all(simulate(flat).paths_headcount[:, -1, 1] == 30)


def history(hires: list[int], heads: list[int]) -> pd.DataFrame:
    months = [str(p) for p in pd.period_range("2024-01", periods=len(hires), freq="M")]
    return pd.DataFrame(
        {
            "month": months,
            "role": "data_scientist",
            "headcount": heads,
            "hires": hires,
            "exits": [0] * len(hires),
        }
    )


def test_hiring_pace_is_the_observed_hires_a_month_over_the_window():
    # 30 months: a burst of hires long ago, then 18 hires in the last 24 months
    hires = [5] * 6 + [1 if i % 4 else 0 for i in range(24)]
    heads = list(range(30, 60))
    h = history(hires, heads)
    pace = policies.hiring_pace(h)["data_scientist"]
    # Poisson GLM, intercept only with log exposure: rate = hires / exposure, so
    # rate x mean exposure = hires per month of the window (the last 24 months).
    expected = sum(hires[-24:]) / 24
    assert expected == 0.75
    assert pace.months == 24
    assert pace.per_month == pytest.approx(expected, rel=1e-6)
    assert pace.low < pace.per_month < pace.high


def test_hiring_pace_is_empty_without_hires():
    assert policies.hiring_pace(history([0] * 5, [3] * 5).drop(columns="hires")) == {}


def test_stored_sample_pace_is_what_the_sample_history_gives():
    from forecasting.ingest import ingest_bytes

    stored = json.loads((ROOT / "data" / "sample_pace.json").read_text())
    res = ingest_bytes((ROOT / "data" / "sample_roster.csv").read_bytes())
    for role, pace in policies.hiring_pace(res.history).items():
        assert stored[role]["per_month"] == pytest.approx(pace.per_month, abs=1e-4)


def test_quarters_sum_a_monthly_series_by_calendar_quarter():
    months = ["2027-01", "2027-02", "2027-03", "2027-04", "2027-12", "2028-01"]
    assert quarters(months, [1, 0, 2, 3, 0, 1]) == [
        ("Q1 2027", 3),
        ("Q2 2027", 3),
        ("Q1 2028", 1),
    ]


def test_quarter_frame_lists_every_quarter_of_the_horizon():
    sc = edits.with_mle_plan(team(hiring_policy={"ml_engineer": "backfill"}), [0, 2, 0, 0, 1])
    frame = edits.quarter_frame(sc)
    assert list(frame["quarter"]) == ["Q1 2027", "Q2 2027", "Q3 2027"]
    assert list(frame["count"]) == [2, 1, 0]


def test_the_ml_engineer_plan_is_positions_under_a_policy_and_starts_without():
    with_policy = team(hiring_policy={"ml_engineer": "backfill"})
    planned = edits.with_mle_plan(with_policy, [0, 1, 0, 2])
    assert planned.policy_of("ml_engineer").positions_added == (0, 1, 0, 2)
    assert edits.mle_schedule(planned) == [0, 1, 0, 2, 0, 0, 0]
    assert edits.added_mle(planned) == 3
    assert not edits.has_mle_plan(edits.without_mle_plan(planned))

    no_policy = team(fill_rate=0.5)
    starts = edits.with_mle_plan(no_policy, [1, 1])
    assert starts.starts_of("ml_engineer")[:2] == (1, 1)
    assert edits.added_mle(starts) == 2
    assert edits.mle_quarters(starts) == [("Q1 2027", 2)]  # joining in Feb and Mar


def test_plan_summary_reports_positions_starts_and_pace_per_role():
    sc = team(
        hiring_policy={"data_scientist": {"kind": "growth", "to": 36, "by_month": 6}},
        attrition_annual=0.0,
        fill_rate=1.0,  # every start joins: 6 starts for 6 positions
        time_to_fill_months=0,
    )
    rows = tables.plan_summary(sc, simulate(sc), {"data_scientist": policies.Pace(1.5, 1, 2, 24)})
    ds = rows[1]
    assert ds["policy"] == "grow"
    assert (ds["positions_deadline"], ds["positions_horizon"]) == (36, 36)
    assert ds["starts"] == 6 and ds["starts_per_month"] == 1.0
    assert ds["pace_per_month"] == 1.5
    assert rows[0]["policy"] == "no hiring" and rows[0]["positions_horizon"] is None


def test_run_rate_counts_leavers_and_empty_seats_not_just_the_plan():
    """The review: the sentence said $654k/yr where the simulated payroll of the added
    ML engineers was $445-504k/yr (attrition ignored)."""
    sc = team(
        hiring_policy={"ml_engineer": "backfill"},
        attrition_annual={"ml_engineer": 0.3},
        time_to_fill_months=3,
        horizon_months=36,
        target={"ds_per_mle": 6, "deadline_month": 30},
        paths=2000,
    )
    planned = edits.with_mle_plan(sc, [0, 4])
    rate = run_rate(planned, simulate(planned), simulate(edits.without_mle_plan(planned)))
    naive = 4 * sc.annual_cost_of("ml_engineer")
    p = 1 - (1 - 0.3) ** (1 / 12)
    # Backfilled seats are empty 3 months after each leaver: filled 1 / (1 + 3p) of the time.
    assert rate == pytest.approx(naive / (1 + 3 * p), rel=0.05)
    assert rate < naive


def mc_se(p: float, paths: int) -> float:
    """The Monte Carlo standard error of a share p of `paths` paths."""
    return (p * (1 - p) / paths) ** 0.5


@pytest.mark.parametrize(
    ("p", "se", "goal", "shown"),
    [
        (0.796, mc_se(0.796, 2000), 0.8, "79.6% ± 0.9"),  # must not read 80% beside goal 80%
        (0.8, mc_se(0.8, 2000), 0.8, "80.0% ± 0.9"),
        (0.81, mc_se(0.81, 2000), 0.8, "81.0% ± 0.9"),  # within 2 SE above the goal
        (0.97, mc_se(0.97, 2000), 0.8, "97%"),
        (0.55, mc_se(0.55, 2000), None, "55%"),
        (0.7996, mc_se(0.7996, 1_000_000), 0.8, "80.0% ± 0.0"),  # rounds to the goal, below it
    ],
)
def test_a_sampled_probability_near_its_goal_shows_its_standard_error(p, se, goal, shown):
    from forecasting.report.sentences import probability_text

    assert probability_text(p, se, goal) == shown


@pytest.mark.parametrize(
    ("p", "goal", "shown"),
    [
        (0.798, 0.8, "79.8%"),  # issue 18: 3 positions spread evenly, exactly 0.798
        (0.796, 0.8, "79.6%"),
        (0.8049, 0.8, "80.5%"),  # rounds to the goal's 80%: one decimal says it is above
        (0.8, 0.8, "80%"),  # exactly at the goal: no noise to be near
        (0.81, 0.8, "81%"),  # an exact P within what would be 2 SE is not "near"
        (0.842, 0.8, "84%"),
        (0.976, 0.8, "98%"),
        (0.796, None, "80%"),  # no goal to be compared with
    ],
)
def test_an_exact_probability_has_no_error_and_one_decimal_only_where_rounding_hides_it(
    p, goal, shown
):
    from forecasting.report.sentences import probability_text

    assert probability_text(p, 0.0, goal) == shown
    assert "±" not in shown


def test_an_exact_probability_just_below_the_goal_never_reads_as_the_goal():
    from forecasting.report.sentences import probability_text

    assert probability_text(0.7996, 0.0, 0.8) == "79.96%"
    assert probability_text(0.79996, 0.0, 0.8) == "79.996%"
    assert probability_text(0.8, 0.0, 0.8) == "80%"
