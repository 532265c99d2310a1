"""forecasting/plan/backtest.py and ``python -m forecasting backtest``: the model re-run from
12 months before the as-of date on the user's own data, rates from the past only, the
hires that happened taken as given; its intervals cover about as often as they should."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.cli.main import main
from forecasting.ingest import ingest_bytes
from forecasting.model.roles import ROLE_KEYS
from forecasting.plan.backtest import BacktestError, backtest_history, backtest_upload
from tests.hr_exports import simulated_roster, yearly_panel

ROOT = Path(__file__).resolve().parents[1]


def history(months: int = 30, *, exits: int = 1, hires_after: int = 5) -> pd.DataFrame:
    """Data scientists only: 100 at the start, ``exits`` a month; ``hires_after`` a month
    in the last 12 months (none before), headcount kept consistent."""
    labels = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    rows, head = [], 100
    for m, label in enumerate(labels):
        hired = hires_after if m >= months - 12 else exits
        head += hired - exits
        for role in ROLE_KEYS:
            if role == "data_scientist":
                rows.append((label, role, head, hired, exits))
            else:
                rows.append((label, role, 0, 0, 0))
    return pd.DataFrame(rows, columns=["month", "role", "headcount", "hires", "exits"])


@pytest.fixture(scope="module")
def roster_backtest():
    result = ingest_bytes(
        simulated_roster(1), estimate=False, leavers_since="2021-01-01", as_of="2024-12-31"
    )
    return result, backtest_upload(result, paths=1000)


def test_a_backtest_starts_twelve_months_before_the_as_of_month(roster_backtest):
    result, bt = roster_backtest
    assert result.as_of.isoformat() == "2024-12-31"
    assert bt.origin == "2023-12" and bt.first_month == "2021-01" and bt.months == 12
    table = bt.table
    assert set(table["measure"]) == {"headcount", "exits"}
    assert sorted(table["month"].unique())[0] == "2024-01"
    assert len(table) == len(ROLE_KEYS) * 12 * 2
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()
    assert (
        table["hit"].eq((table["p10"] <= table["actual"]) & (table["actual"] <= table["p90"])).all()
    )
    assert bt.checks == len(table) and 0 <= bt.coverage <= 1


def test_the_rates_come_only_from_the_months_up_to_the_origin():
    base = history(36, exits=2)
    changed = base.copy()
    late = changed["month"] > "2023-12"
    changed.loc[late & (changed["role"] == "data_scientist"), "exits"] = 9
    a, b = backtest_history(base, paths=200), backtest_history(changed, paths=200)
    assert a.origin == b.origin == "2023-12"
    assert a.rates == b.rates
    assert a.table["p50"].tolist() == b.table["p50"].tolist()  # the prediction is the same
    assert a.table["actual"].tolist() != b.table["actual"].tolist()  # what happened is not


def test_the_hires_that_happened_are_taken_as_given():
    bt = backtest_history(history(30, exits=1, hires_after=5), paths=2000)
    last = bt.table[(bt.table["month"] == bt.table["month"].max())].set_index("measure")
    # 101 at the origin (100 + 0 net), 60 hires in 12 months, about 12 exits (1 a month).
    assert last.loc["headcount", "actual"] == 100 + 60 - 12
    assert 145 <= last.loc["headcount", "p50"] <= 151
    assert 9 <= last.loc["exits", "p50"] <= 15


def test_a_history_too_short_is_refused_saying_how_much_is_needed():
    with pytest.raises(BacktestError, match="needs at least 24 months .* this file has 20"):
        backtest_history(history(20), paths=200)


def test_a_snapshot_cannot_be_backtested():
    result = ingest_bytes(b"role,count\ndata_scientist,3\n", estimate=False)
    with pytest.raises(BacktestError, match="needs history"):
        backtest_upload(result)


def test_a_history_without_exits_cannot_be_backtested():
    with pytest.raises(BacktestError, match="no exits"):
        backtest_history(history(30, exits=0), paths=200)


def test_the_json_has_the_rows_and_the_coverage(roster_backtest):
    _, bt = roster_backtest
    payload = bt.to_json_dict()
    assert {"origin", "months", "rates", "rows", "coverage", "hits", "checks", "expected"} <= set(
        payload
    )
    row = payload["rows"][0]
    assert set(row) == {
        "role",
        "month",
        "measure",
        "actual",
        "p10",
        "p50",
        "p90",
        "hit",
        "expected",
    }
    assert set(payload["coverage"]) == {"all", "by_measure", "by_role"}
    json.dumps(payload, allow_nan=False)
    assert "fell inside the predicted P10–P90 interval" in payload["sentence"]


def test_the_backtest_command_prints_json(capsys, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(simulated_roster(2))
    status = main(
        [
            "backtest",
            str(path),
            "--months",
            "6",
            "--paths",
            "300",
            "--leavers-since",
            "2021-01-01",
            "--as-of",
            "2024-12-31",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["months"] == 6 and out["origin"] == "2024-06"
    assert out["kind"] == "roster" and len(out["rows"]) == len(ROLE_KEYS) * 6 * 2


def test_the_backtest_command_refuses_short_files_with_one_line(capsys):
    status = main(["backtest", str(ROOT / "tests" / "corpus" / "roster_iso.csv")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: a backtest over 12 months needs at least 24")
    assert err.count("\n") == 1


@pytest.mark.slow
def test_python_dash_m_forecasting_backtest_end_to_end(tmp_path):
    data, _ = yearly_panel(600, seed=2)
    path = tmp_path / "panel.csv"
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-m", "forecasting", "backtest", str(path), "--paths", "300"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    payload = json.loads(out.stdout)
    assert payload["kind"] == "panel" and payload["origin"] == "2024-11"


@pytest.mark.slow
def test_the_intervals_cover_the_actual_values_about_as_often_as_they_should():
    """An independent simulation (people in continuous time, exponential tenures, Poisson
    hires; tests/hr_exports.py) over many seeds: the share of actual values inside P10-P90
    is close to the share a calibrated model expects (at least 80%: counts are whole)."""
    coverage, expected = [], []
    for seed in range(120):
        result = ingest_bytes(
            simulated_roster(seed), estimate=False, leavers_since="2021-01-01", as_of="2024-12-31"
        )
        bt = backtest_upload(result, paths=1000, seed=seed)
        coverage.append(bt.coverage)
        expected.append(bt.expected)
    observed, target = float(np.mean(coverage)), float(np.mean(expected))
    assert 0.8 <= target <= 0.97
    assert abs(observed - target) < 0.04, (observed, target)
