"""The projections CSV: one row per month (summary.projections_wide) below a header block
naming the scenario (export.projections_header), formula-injection safe throughout."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecasting.model.scenario import Scenario
from forecasting.report.export import (
    FORMULA_TRIGGERS,
    csv_with_header,
    projections_csv,
    projections_header,
    safe_comment_line,
)
from forecasting.report.tables import projections_wide
from forecasting.simulate.engine import simulate

#: No attrition, certain starts (fill rate 1), costs at salary (cost multiplier 1): every
#: path is the same, so every number is known.
CERTAIN = Scenario(
    headcount={"data_engineer": 2, "data_scientist": 10, "ml_engineer": 1, "product_manager": 1},
    start_month="2027-01",
    horizon_months=3,
    attrition_annual=0.0,
    planned_starts={"ml_engineer": [1, 0, 1]},
    fill_rate=1.0,
    cost_multiplier=1.0,
    target={"ds_per_mle": 5, "deadline_month": 1},
    paths=100,
    seed=3,
)
HOSTILE = '=HYPERLINK("http://evil.example","x"), -2+3;@SUM(A1)|+cmd\r\n=1+1\t@x'


@pytest.fixture(scope="module")
def certain():
    return simulate(CERTAIN)


@pytest.fixture(scope="module")
def uncertain():
    """Attrition and a fill rate: quantiles, means and probabilities that need rounding."""
    return simulate(
        CERTAIN.replace(
            horizon_months=12,
            attrition_annual=0.3,
            fill_rate=0.7,
            paths=300,
            target={"ds_per_mle": 5, "deadline_month": 6},
        )
    )


def read_back(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), comment="#")


def test_one_row_per_month_with_the_known_headcounts_of_a_certain_scenario(certain):
    wide = projections_wide(certain)
    assert list(wide["month"]) == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert list(wide["month_index"]) == [0, 1, 2, 3]
    for q in ("p10", "p50", "p90"):
        assert list(wide[f"ml_engineer_headcount_{q}"]) == [1.0, 2.0, 2.0, 3.0]
        assert list(wide[f"data_scientist_headcount_{q}"]) == [10.0] * 4
    assert list(wide["ml_engineer_starts_mean"]) == [0.0, 1.0, 0.0, 1.0]


def test_ratio_probability_and_payroll_of_a_certain_scenario(certain):
    wide = projections_wide(certain)
    assert list(wide["ds_per_mle_p50"]) == [10.0, 5.0, 5.0, 3.33]  # 10 / 3 to 2 decimals
    assert list(wide["p_target_met"]) == [0.0, 1.0, 1.0, 1.0]  # target 1:5
    # (2 x 145k + 10 x 154k + 165k + 150k) / 12 = 178,750; one more ML engineer: +13,750.
    assert list(wide["payroll_usd_per_month_mean"]) == [178_750, 192_500, 192_500, 206_250]
    assert list(wide["payroll_usd_per_year_run_rate"]) == [
        2_145_000,
        2_310_000,
        2_310_000,
        2_475_000,
    ]
    assert list(wide["payroll_usd_cumulative_mean"]) == [0, 192_500, 385_000, 591_250]


def test_positions_are_blank_for_a_role_without_a_hiring_policy_and_given_with_one(certain):
    assert projections_wide(certain)["ml_engineer_positions"].isna().all()
    backfill = CERTAIN.replace(
        hiring_policy={"ml_engineer": {"kind": "backfill"}}, planned_starts={}
    )
    wide = projections_wide(simulate(backfill))
    assert list(wide["ml_engineer_positions"]) == backfill.positions_of("ml_engineer")


def test_numbers_are_rounded_for_people_to_read(uncertain):
    wide = projections_wide(uncertain)
    starts = wide["data_scientist_starts_mean"].to_numpy()
    assert np.array_equal(starts, np.round(uncertain.starts_mean[:, 1], 1))
    assert np.array_equal(wide["p_target_met"].to_numpy(), np.round(uncertain.p_target_by_month, 3))
    assert 0 < wide["p_target_met"].iloc[-1] < 1  # a real probability, not 0 or 1
    assert str(wide["payroll_usd_per_month_mean"].dtype) == "Int64"  # whole dollars
    ratio = wide["ds_per_mle_p50"].dropna().to_numpy()
    assert np.array_equal(ratio, np.round(ratio, 2))


def test_column_names_carry_role_quantity_and_unit(certain):
    columns = list(projections_wide(certain).columns)
    assert "data_scientist_headcount_p50" in columns
    assert "ml_engineer_positions" in columns
    assert {"ds_per_mle_p10", "ds_per_mle_p50", "ds_per_mle_p90", "p_target_met"} <= set(columns)
    assert "payroll_usd_per_month_mean" in columns
    assert all(re.fullmatch(r"[a-z0-9_]+", c) for c in columns)


def test_the_csv_reads_back_with_pandas_comment_and_with_skiprows(certain):
    header = projections_header(CERTAIN, strategy="even", plan="recommended", link="http://x/")
    data = projections_csv(certain, strategy="even", plan="recommended", link="http://x/")
    expected = projections_wide(certain)
    for back in (read_back(data), pd.read_csv(io.BytesIO(data), skiprows=len(header))):
        assert list(back.columns) == list(expected.columns)
        pd.testing.assert_frame_equal(
            back.astype(float, errors="ignore").drop(columns="month"),
            expected.drop(columns="month").astype(float),
            check_dtype=False,
        )
        assert list(back["month"]) == list(expected["month"])


def test_the_header_names_target_deadline_strategy_date_and_link(certain):
    text = projections_csv(
        certain,
        strategy="front_loaded",
        plan="recommended",
        generated=date(2027, 1, 15),
        link="https://planner.example/?s=abc&strategy=front_loaded",
    ).decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("# ML team workforce plan")
    assert any("Target: 1:5" in h and "2027-02" in h and "Feb 2027" in h for h in header)
    assert "# Strategy: front-loaded (recommended plan)" in header
    assert "# Generated: 2027-01-15" in header
    assert "# Link: https://planner.example/?s=abc&strategy=front_loaded" in header
    assert any("pd.read_csv(path, comment='#')" in h for h in header)


def test_without_a_link_the_header_has_no_link_line(certain):
    text = projections_csv(certain, strategy="even").decode("utf-8")
    assert "Link:" not in text
    assert f"# Generated: {date.today().isoformat()}" in text


def cells(data: bytes) -> list[str]:
    """Every cell a spreadsheet could make of the file, splitting at , ; | or tab."""
    out = []
    for line in data.decode("utf-8").split("\n"):
        out += re.split(r"[,;|\t]", line)
    return out


def test_a_hostile_name_and_link_in_the_header_never_start_a_formula(certain):
    data = projections_csv(certain, name=HOSTILE, link="http://h/,=cmd|'/c calc'!A0")
    for cell in cells(data):
        assert not cell.lstrip(' "').startswith(FORMULA_TRIGGERS), cell
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(FORMULA_TRIGGERS), cell
    # The name stays one header line: its CR/LF did not start a row of its own.
    text = data.decode("utf-8")
    assert sum(line.startswith("# Scenario:") for line in text.splitlines()) == 1
    assert read_back(data).shape == projections_wide(certain).shape


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "# plain text"),
        ("a, =b", "# a, '=b"),
        ("a;+b", "# a;'+b"),
        ("a|  -b", "# a| '-b"),
        ("x,@y", "# x,'@y"),
        ('say "=1"', "# say '=1'"),
        ("two\r\nlines", "# two lines"),
        ("2027-01, 2027-02", "# 2027-01, 2027-02"),
    ],
)
def test_safe_comment_line(text, expected):
    assert safe_comment_line(text) == expected


def test_csv_with_header_keeps_the_table_formula_safe():
    data = csv_with_header(pd.DataFrame({"title": ["=x"], "n": [-1]}), ["Title"])
    assert data.decode("utf-8").splitlines() == ["# Title", "title,n", "'=x,-1"]
