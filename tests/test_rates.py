"""Tests for forecasting.rates: Poisson GLM rates with shrinkage, and roster survival."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import EstimationError
from forecasting.rates import (
    annual_to_monthly,
    estimate_rates,
    monthly_to_annual,
    roster_survival,
)


def synthetic_history(
    seed: int,
    *,
    role: str = "data_scientist",
    start_headcount: int = 30,
    exit_rate: float = 0.02,
    months: int = 36,
) -> pd.DataFrame:
    """Engine-style months: exits ~ Binomial(start headcount, p), replacement hires."""
    rng = np.random.default_rng(seed)
    headcount = start_headcount
    rows = []
    for month in pd.period_range("2023-01", periods=months, freq="M"):
        exits = int(rng.binomial(headcount, exit_rate))
        hires = int(rng.poisson(exit_rate * start_headcount))
        headcount = headcount - exits + hires
        rows.append(
            {
                "month": str(month),
                "role": role,
                "headcount": headcount,
                "hires": hires,
                "exits": exits,
            }
        )
    return pd.DataFrame(rows)


def flat_history(role: str, headcount: int, months: int, exits_per_month: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": [str(p) for p in pd.period_range("2024-01", periods=months, freq="M")],
            "role": role,
            "headcount": headcount,
            "hires": exits_per_month,
            "exits": exits_per_month,
        }
    )


# --------------------------------------------------------------------------- estimate_rates


def test_exit_interval_covers_true_rate_in_most_seeded_histories():
    covered = 0
    for seed in range(20):
        _, low, high = estimate_rates(synthetic_history(seed)).exits("data_scientist")
        covered += low <= 0.02 <= high
    assert covered >= 16  # 90% intervals: >= 80% of 20 seeds


def test_enough_exits_use_the_glm():
    est = estimate_rates(synthetic_history(1))
    row = est.table[(est.table["role"] == "data_scientist") & (est.table["event"] == "exits")]
    assert row["events"].iloc[0] >= 5
    assert row["method"].iloc[0] == "glm"


def test_glm_rate_is_exits_per_start_of_month_person_month():
    history = flat_history("ml_engineer", headcount=10, months=12, exits_per_month=1)
    rate, low, high = estimate_rates(history).exits("ml_engineer")
    # 12 exits over 12 months of 10 people at the start of each month.
    assert rate == pytest.approx(12 / 120)
    assert low < rate < high


def test_zero_exits_give_a_positive_finite_shrunk_rate_below_the_prior_upper_bound():
    est = estimate_rates(flat_history("ml_engineer", headcount=3, months=36))
    rate, low, high = est.exits("ml_engineer")
    prior_monthly = annual_to_monthly(0.13)
    assert est.as_dict()["ml_engineer"]["method"] == "shrunk"
    assert np.isfinite([rate, low, high]).all()
    assert 0 < low < rate < high
    assert rate < prior_monthly  # zero exits pull the rate below the prior mean
    assert high < 3 * prior_monthly


def test_few_exits_are_labelled_shrunk():
    history = flat_history("product_manager", headcount=4, months=24)
    history.loc[5, "exits"] = 1
    est = estimate_rates(history)
    assert est.as_dict()["product_manager"]["method"] == "shrunk"


def test_role_without_exposure_gets_the_prior():
    history = flat_history("data_engineer", headcount=0, months=12)
    est = estimate_rates(history)
    rate, _, _ = est.exits("data_engineer")
    assert est.as_dict()["data_engineer"]["method"] == "prior"
    assert rate == pytest.approx(annual_to_monthly(0.13))


def test_more_history_gives_a_narrower_interval():
    short = estimate_rates(synthetic_history(3, months=12)).exits("data_scientist")
    long = estimate_rates(synthetic_history(3, months=60)).exits("data_scientist")
    assert (long[2] - long[1]) < (short[2] - short[1])


def test_annual_attrition_is_monthly_compounded_and_ordered():
    est = estimate_rates(synthetic_history(4))
    m, m_low, m_high = est.exits("data_scientist")
    mid, low, high = est.annual_attrition("data_scientist")
    assert mid == pytest.approx(1 - (1 - m) ** 12)
    assert low == pytest.approx(monthly_to_annual(m_low))
    assert high == pytest.approx(monthly_to_annual(m_high))
    assert 0 <= low < mid < high < 1


def test_table_has_the_documented_columns_and_hire_rows():
    est = estimate_rates(synthetic_history(5))
    assert list(est.table.columns) == [
        "role",
        "event",
        "events",
        "exposure",
        "rate_monthly",
        "low",
        "high",
        "method",
    ]
    assert set(est.table["event"]) == {"exits", "hires"}


def test_as_dict_is_json_serialisable_with_null_hires_when_absent():
    history = synthetic_history(6).drop(columns=["hires"])
    est_dict = estimate_rates(history).as_dict()
    json.dumps(est_dict)
    assert est_dict["data_scientist"]["hires_monthly"] is None
    assert isinstance(est_dict["data_scientist"]["exits_monthly"], float)


def test_roles_are_listed_in_canonical_order():
    history = pd.concat(
        [synthetic_history(7, role="ml_engineer"), synthetic_history(8, role="data_engineer")]
    )
    assert list(estimate_rates(history).as_dict()) == ["data_engineer", "ml_engineer"]


def test_missing_exits_column_raises_estimation_error():
    with pytest.raises(EstimationError, match="exits"):
        estimate_rates(synthetic_history(0).drop(columns=["exits"]))


def test_negative_exits_raise_estimation_error():
    history = synthetic_history(0)
    history.loc[3, "exits"] = -1
    with pytest.raises(EstimationError, match="negative"):
        estimate_rates(history)


def test_gap_in_months_raises_estimation_error():
    history = synthetic_history(0).drop(index=10)
    with pytest.raises(EstimationError, match="contiguous"):
        estimate_rates(history)


def test_duplicate_month_rows_raise_estimation_error():
    history = synthetic_history(0)
    history = pd.concat([history, history.iloc[[4]]])
    with pytest.raises(EstimationError, match="more than one row"):
        estimate_rates(history)


def test_malformed_month_raises_estimation_error():
    history = synthetic_history(0)
    history.loc[0, "month"] = "Jan 2023"
    with pytest.raises(EstimationError, match="YYYY-MM"):
        estimate_rates(history)


def test_unknown_role_lookup_raises_estimation_error():
    with pytest.raises(EstimationError, match="ml_engineer"):
        estimate_rates(synthetic_history(0)).exits("ml_engineer")


# --------------------------------------------------------------------------- roster_survival


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


def test_everyone_leaving_at_month_six_gives_zero_survival_at_twelve():
    est = roster_survival(roster("data_scientist", 10, 6), as_of="2022-01-01")
    row = est.table.iloc[0]
    assert row["method"] == "km"
    assert row["annual_attrition"] == pytest.approx(1.0)
    curve = est.curves[est.curves["role"] == "data_scientist"]
    assert curve.loc[curve["tenure_months"] <= 12, "survival"].iloc[-1] == 0.0


def test_nobody_leaving_keeps_survival_at_one_and_is_labelled_shrunk():
    est = roster_survival(roster("ml_engineer", 8, None), as_of="2022-01-01")
    row = est.table.iloc[0]
    assert (est.curves["survival"] == 1.0).all()
    assert row["method"] == "shrunk"
    assert 0 < row["low"] < row["annual_attrition"] < row["high"] < 0.5
    assert row["annual_attrition"] < 0.13  # no exits pull the estimate below the prior
    assert "ml_engineer" in est.note


def test_km_gives_known_survival_with_an_interval_around_it():
    people = pd.concat([roster("data_engineer", 5, 3), roster("data_engineer", 15, None)])
    mid, low, high = roster_survival(people, as_of="2022-01-01").annual_attrition("data_engineer")
    assert mid == pytest.approx(0.25)  # 5 of 20 leave at 3 months, rest stay 24 months
    assert low < 0.25 < high


def test_end_after_as_of_counts_as_still_employed():
    est = roster_survival(roster("data_scientist", 6, 30), as_of="2021-01-01")
    assert est.table.iloc[0]["events"] == 0


def test_default_as_of_is_the_latest_date_in_the_roster():
    people = pd.concat([roster("data_scientist", 3, 6), roster("data_scientist", 2, None)])
    assert roster_survival(people).as_of == people["end"].max()


def test_cox_model_fitted_with_enough_exits_in_two_roles():
    rng = np.random.default_rng(0)
    n = 120
    start = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    role = np.where(np.arange(n) % 2 == 0, "data_scientist", "ml_engineer")
    tenure_days = rng.exponential(np.where(role == "ml_engineer", 900, 450))
    end = start + pd.to_timedelta(tenure_days, unit="D")
    people = pd.DataFrame({"role": role, "start": start, "end": end})
    people.loc[people["end"] > "2023-01-01", "end"] = pd.NaT
    cox = roster_survival(people, as_of="2023-01-01").cox
    assert cox is not None
    assert list(cox.columns) == ["role", "hazard_ratio", "low", "high", "reference"]
    assert cox.loc[cox["reference"], "role"].item() == "data_scientist"
    mle = cox.loc[cox["role"] == "ml_engineer"].iloc[0]
    assert mle["low"] < mle["hazard_ratio"] < mle["high"] < 1.0  # true ratio 0.5


def test_cox_model_skipped_with_a_note_when_exits_are_few():
    people = pd.concat([roster("data_scientist", 3, 6), roster("ml_engineer", 2, 5)])
    est = roster_survival(people, as_of="2022-01-01")
    assert est.cox is None
    assert "Cox" in est.note


def test_end_before_start_raises_estimation_error():
    people = roster("data_scientist", 2, None)
    people.loc[0, "end"] = pd.Timestamp("2019-01-01")
    with pytest.raises(EstimationError, match="before start"):
        roster_survival(people)


def test_missing_start_column_raises_estimation_error():
    with pytest.raises(EstimationError, match="start"):
        roster_survival(pd.DataFrame({"role": ["ml_engineer"], "end": [pd.NaT]}))
