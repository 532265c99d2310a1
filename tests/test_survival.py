"""Tests for forecasting.estimate.survival: attrition from a roster, counted over the window in
which leavers are recorded (issue item 3), Kaplan-Meier first-year attrition and Cox."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from forecasting.estimate.rates import DAYS_PER_MONTH, EXIT_PRIOR_EXITS
from forecasting.estimate.survival import roster_survival
from forecasting.model.errors import EstimationError

#: The constant monthly hazard of 13%/yr attrition: 1 - exp(-12 h) = 0.13.
HAZARD_13 = -np.log(0.87) / 12


def roster(role: str, n: int, months_to_exit: float | None, *, start="2020-01-01"):
    start_ts = pd.Timestamp(start)
    end = (
        start_ts + pd.Timedelta(days=round(months_to_exit * 365.25 / 12))
        if months_to_exit is not None
        else pd.NaT
    )
    return pd.DataFrame(
        {
            "role": [role] * n,
            "start": pd.to_datetime([start_ts] * n),
            "end": pd.to_datetime([end] * n),
        }
    )


def people(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """(role, start, end or None) rows."""
    return pd.DataFrame(
        {
            "role": [r[0] for r in rows],
            "start": pd.to_datetime([r[1] for r in rows]),
            "end": pd.to_datetime([r[2] for r in rows]),
        }
    )


def posterior_annual(exits: int, person_months: float) -> float:
    """The posterior median of the hazard (prior: median 13%/yr, worth one exit), annualised.

    The prior is Gamma(k0, b0) with k0 = 1 exit and b0 = median(Gamma(k0, 1)) / h13 person-
    months; the posterior Gamma(k0 + exits, b0 + person-months).
    """
    k0 = EXIT_PRIOR_EXITS
    b0 = special.gammaincinv(k0, 0.5) / HAZARD_13
    median = special.gammaincinv(k0 + exits, 0.5) / (b0 + person_months)
    return float(-np.expm1(-12 * median))


# --------------------------------------------------------------------------- the window


def test_a_given_window_counts_exposure_from_max_start_w_to_min_end_as_of():
    roster_ = people(
        ("data_scientist", "2020-01-01", None),  # 2022-01-01 .. 2025-01-01: 1096 days
        ("data_scientist", "2023-01-01", "2024-01-01"),  # 365 days, one exit
        ("data_scientist", "2019-01-01", "2021-06-01"),  # left before W: nothing
        ("data_scientist", "2024-07-01", "2026-01-01"),  # end after as_of: 184 days
    )
    est = roster_survival(roster_, as_of="2025-01-01", leavers_since="2022-01-01")
    row = est.table.iloc[0]
    person_months = (1096 + 365 + 184) / DAYS_PER_MONTH
    assert row["events"] == 1
    assert row["exposure"] == pytest.approx(person_months)
    assert row["annual_attrition"] == pytest.approx(posterior_annual(1, person_months))
    assert est.window_source == "given"
    assert est.leavers_since == pd.Timestamp("2022-01-01")
    assert "1 leaver(s) before 2022-01-01" in est.note


def test_a_detected_window_starts_at_the_earliest_end_and_does_not_count_that_leaver():
    roster_ = people(
        ("ml_engineer", "2020-01-01", "2023-03-01"),  # dates the window: not counted
        ("ml_engineer", "2020-06-01", None),  # 2023-03-01 .. 2024-03-01: 366 days
        ("ml_engineer", "2021-01-01", "2023-09-01"),  # 184 days, one exit
    )
    est = roster_survival(roster_, as_of="2024-03-01")
    row = est.table.iloc[0]
    assert est.window_source == "detected"
    assert est.leavers_since == pd.Timestamp("2023-03-01")
    assert row["events"] == 1
    assert row["exposure"] == pytest.approx((366 + 184) / DAYS_PER_MONTH)


def test_the_window_is_detected_from_every_role_but_estimated_for_the_roles_asked():
    roster_ = people(
        ("other", "2019-01-01", "2022-01-01"),  # an analyst dates the export's window
        ("data_scientist", "2020-01-01", None),
        ("data_scientist", "2020-01-01", "2023-01-01"),
    )
    est = roster_survival(roster_, as_of="2024-01-01", roles=["data_scientist"])
    assert est.leavers_since == pd.Timestamp("2022-01-01")
    assert list(est.table["role"]) == ["data_scientist"]
    assert est.table.iloc[0]["events"] == 1  # the data scientist's exit counts


def test_the_method_and_window_text_name_the_window():
    roster_ = people(
        ("data_scientist", "2020-01-01", "2023-04-12"),
        ("data_scientist", "2021-01-01", None),
        ("data_scientist", "2021-01-01", "2024-02-01"),
    )
    est = roster_survival(roster_, as_of="2026-10-31")
    method = est.method("data_scientist")
    assert method.startswith("leavers recorded since 2023-04-12 (detected")
    assert "exits per person-month over 2023-04-12 to 2026-10-31: 1 exit in" in method
    assert "Gamma-Poisson posterior median (prior: median 13%/yr, worth 1 exit" in method
    assert "LinkedIn, 2018" in method  # the prior's source
    assert "from 2023-04-12 (its earliest end date" in est.window_text()
    given = roster_survival(roster_, as_of="2026-10-31", leavers_since="2023-01-01")
    assert "leavers recorded since 2023-01-01 (as given)" in given.window_text()


def test_a_roster_without_leavers_and_without_a_window_raises_how_to_fix_it():
    with pytest.raises(EstimationError, match="leavers_since"):
        roster_survival(roster("ml_engineer", 8, None), as_of="2022-01-01")


def test_leavers_since_after_as_of_raises_estimation_error():
    with pytest.raises(EstimationError, match="after the as-of date"):
        roster_survival(roster("ml_engineer", 3, 6), as_of="2021-01-01", leavers_since="2022-01-01")


# --------------------------------------------------------------------------- HR exports


AS_OF = pd.Timestamp("2026-10-31")


def hr_export(seed: int, *, hires_per_month=2.0, years=8, window_months=36):
    """Today's staff + leavers since W: hires at a constant pace for `years`, exponential
    tenure with true attrition 13%/yr; people who left before W are not in the file."""
    rng = np.random.default_rng(seed)
    months = years * 12
    n = rng.poisson(hires_per_month * months)
    start_m = rng.uniform(0, months, n)
    end_m = start_m + rng.exponential(1 / HAZARD_13, n)
    first = AS_OF - pd.Timedelta(days=round(months * DAYS_PER_MONTH))
    start = first + pd.to_timedelta(np.round(start_m * DAYS_PER_MONTH), unit="D")
    end = first + pd.to_timedelta(np.round(end_m * DAYS_PER_MONTH), unit="D")
    left = np.asarray(end <= AS_OF)
    since = AS_OF - pd.Timedelta(days=round(window_months * DAYS_PER_MONTH))
    keep = ~left | np.asarray(end >= since)
    frame = pd.DataFrame(
        {
            "role": "data_scientist",
            "start": start[keep],
            "end": pd.Series(end).where(left).to_numpy()[keep],
        }
    )
    return frame, since


EXPORT_SEEDS = 120


@pytest.mark.slow
def test_an_hr_export_of_staff_and_recent_leavers_gives_13_percent_with_nominal_coverage():
    """Review case: with true attrition 13%, Kaplan-Meier without delayed entry estimated
    7.0% / 4.6% and its 90% intervals covered the truth 32% / 0% of the time (150-600
    hires). Here about 190 hires over 8 years, leavers listed for the last 36 months, the
    window detected from the file; tolerances are three standard errors over the seeds."""
    estimates = np.array(
        [
            roster_survival(hr_export(seed)[0], as_of=AS_OF).annual_attrition("data_scientist")
            for seed in range(EXPORT_SEEDS)
        ]
    )
    mid = estimates[:, 0]
    assert abs(mid.mean() - 0.13) <= 3 * mid.std(ddof=1) / np.sqrt(EXPORT_SEEDS)
    coverage = np.mean((estimates[:, 1] <= 0.13) & (estimates[:, 2] >= 0.13))
    assert abs(coverage - 0.9) <= 3 * np.sqrt(0.9 * 0.1 / EXPORT_SEEDS)


@pytest.mark.slow
def test_a_given_window_on_an_hr_export_is_unbiased_too():
    estimates = []
    for seed in range(40):
        frame, since = hr_export(1000 + seed, hires_per_month=5.0, years=10, window_months=24)
        est = roster_survival(frame, as_of=AS_OF, leavers_since=since, cox=False)
        estimates.append(est.annual_attrition("data_scientist")[0])
    mid = np.asarray(estimates)
    assert abs(mid.mean() - 0.13) <= 3 * mid.std(ddof=1) / np.sqrt(len(mid))


def test_first_year_attrition_of_new_hires_is_kept_as_information():
    frame, _ = hr_export(3, hires_per_month=10.0)
    est = roster_survival(frame, as_of=AS_OF, cox=False)
    mid, low, high = est.first_year_attrition("data_scientist")
    assert low < 0.13 < high  # constant hazard: first-year attrition is 13% as well
    assert mid == est.table.iloc[0]["first_year"]


# --------------------------------------------------------------------------- Kaplan-Meier


def test_everyone_leaving_at_month_six_gives_zero_survival_at_twelve():
    est = roster_survival(
        roster("data_scientist", 10, 6), as_of="2022-01-01", leavers_since="2020-01-01"
    )
    row = est.table.iloc[0]
    assert row["first_year"] == pytest.approx(1.0)
    six_months = round(6 * DAYS_PER_MONTH) / DAYS_PER_MONTH  # 183 days
    assert row["annual_attrition"] == pytest.approx(posterior_annual(10, 10 * six_months))
    curve = est.curves[est.curves["role"] == "data_scientist"]
    assert curve.loc[curve["tenure_months"] <= 12, "survival"].iloc[-1] == 0.0


def test_nobody_leaving_keeps_survival_at_one_and_the_rate_below_the_prior():
    est = roster_survival(
        roster("ml_engineer", 8, None), as_of="2022-01-01", leavers_since="2020-01-01"
    )
    row = est.table.iloc[0]
    assert (est.curves["survival"] == 1.0).all()
    assert row["method"] == "posterior"
    assert 0 < row["low"] < row["annual_attrition"] < row["high"] < 0.5
    assert row["annual_attrition"] < 0.13  # no exits pull the estimate below the prior
    assert est.first_year_attrition("ml_engineer") is None


def test_km_gives_known_first_year_survival_with_an_interval_around_it():
    team = pd.concat([roster("data_engineer", 5, 3), roster("data_engineer", 15, None)])
    est = roster_survival(team, as_of="2022-01-01", leavers_since="2020-01-01")
    mid, low, high = est.first_year_attrition("data_engineer")
    assert mid == pytest.approx(0.25)  # 5 of 20 leave at 3 months, rest stay 24 months
    assert low < 0.25 < high


def test_delayed_entry_counts_only_the_months_inside_the_window():
    """Ten people hired in 2015 and still there, ten hired in 2021 of whom five left at
    three months: without delayed entry the 2015 cohort's early years (leavers unknown)
    would dilute first-year attrition; with W = 2021-01-01 they enter at ~72 months."""
    team = pd.concat(
        [
            roster("data_engineer", 10, None, start="2015-01-01"),
            roster("data_engineer", 5, 3, start="2021-01-01"),
            roster("data_engineer", 5, None, start="2021-01-01"),
        ]
    )
    est = roster_survival(team, as_of="2023-01-01", leavers_since="2021-01-01")
    assert est.first_year_attrition("data_engineer")[0] == pytest.approx(0.5)


def test_end_after_as_of_counts_as_still_employed():
    est = roster_survival(
        roster("data_scientist", 6, 30), as_of="2021-01-01", leavers_since="2020-01-01"
    )
    assert est.table.iloc[0]["events"] == 0


def test_default_as_of_is_the_latest_date_in_the_roster():
    team = pd.concat([roster("data_scientist", 3, 6), roster("data_scientist", 2, None)])
    assert roster_survival(team).as_of == team["end"].max()


# --------------------------------------------------------------------------- Cox


def test_cox_model_fitted_with_enough_exits_in_two_roles():
    rng = np.random.default_rng(0)
    n = 120
    start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    role = np.where(np.arange(n) % 2 == 0, "data_scientist", "ml_engineer")
    tenure_days = rng.exponential(np.where(role == "ml_engineer", 900, 450))
    end = start + pd.to_timedelta(tenure_days, unit="D")
    team = pd.DataFrame({"role": role, "start": start, "end": end})
    team.loc[team["end"] > "2023-01-01", "end"] = pd.NaT
    cox = roster_survival(team, as_of="2023-01-01", leavers_since="2019-01-01").cox
    assert cox is not None
    assert list(cox.columns) == ["role", "hazard_ratio", "low", "high", "reference"]
    assert cox.loc[cox["reference"], "role"].item() == "data_scientist"
    mle = cox.loc[cox["role"] == "ml_engineer"].iloc[0]
    assert mle["low"] < mle["hazard_ratio"] < mle["high"] < 1.0  # true ratio 0.5


def test_cox_model_skipped_with_a_note_when_exits_are_few():
    team = pd.concat([roster("data_scientist", 3, 6), roster("ml_engineer", 2, 5)])
    est = roster_survival(team, as_of="2022-01-01")
    assert est.cox is None
    assert "Cox" in est.note


def test_cox_false_skips_the_model():
    est = roster_survival(roster("data_scientist", 3, 6), as_of="2022-01-01", cox=False)
    assert est.cox is None and "skipped" in est.note


# --------------------------------------------------------------------------- validation


def test_end_before_start_raises_estimation_error():
    team = roster("data_scientist", 2, None)
    team.loc[0, "end"] = pd.Timestamp("2019-01-01")
    with pytest.raises(EstimationError, match="before start"):
        roster_survival(team)


def test_missing_start_column_raises_estimation_error():
    with pytest.raises(EstimationError, match="start"):
        roster_survival(pd.DataFrame({"role": ["ml_engineer"], "end": [pd.NaT]}))
