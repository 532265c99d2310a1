"""Tests for ``python -m forecasting trend HISTORY.csv``: the status-quo trend per role as JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from forecasting.cli.main import main


@pytest.fixture
def history_csv(tmp_path):
    """30 months: data scientists growing 0.5 a month, ML engineers constant at 4."""
    months = [str(p) for p in pd.period_range("2023-01", periods=30, freq="M")]
    rng = np.random.default_rng(3)
    ds = np.round(30 + 0.5 * np.arange(30) + rng.normal(0, 1, 30)).astype(int)
    frame = pd.concat(
        [
            pd.DataFrame({"month": months, "role": "Data Scientist", "headcount": ds}),
            pd.DataFrame({"month": months, "role": "ML Engineer", "headcount": 4}),
        ]
    )
    path = tmp_path / "history.csv"
    frame.to_csv(path, index=False)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_trend_prints_per_role_the_model_and_the_forecast_rows(history_csv, capsys):
    code, out, _ = run(capsys, "trend", str(history_csv), "--months", "6")
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "history"
    assert (data["months"], data["level"]) == (6, 0.8)
    assert list(data["roles"]) == ["data_scientist", "ml_engineer"]
    ds = data["roles"]["data_scientist"]
    assert ds["model"] in ds["weights"]
    assert sum(ds["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    rows = ds["forecast"]
    assert [r["month"] for r in rows] == [f"2025-{m:02d}" for m in range(7, 13)]
    assert all(set(r) == {"month", "mean", "low", "high"} for r in rows)
    assert all(r["low"] <= r["mean"] <= r["high"] for r in rows)
    assert rows[-1]["mean"] > rows[0]["mean"]  # the growth continues


def test_a_constant_role_says_so_and_keeps_its_value(history_csv, capsys):
    _, out, _ = run(capsys, "trend", str(history_csv), "--months", "3")
    mle = json.loads(out)["roles"]["ml_engineer"]
    assert [r["mean"] for r in mle["forecast"]] == [4, 4, 4]
    assert mle["fallback"] and "constant at 4" in mle["note"]


def test_the_level_sets_the_band(history_csv, capsys):
    _, narrow, _ = run(capsys, "trend", str(history_csv), "--months", "12", "--level", "0.5")
    _, wide, _ = run(capsys, "trend", str(history_csv), "--months", "12", "--level", "0.95")

    def width(text: str) -> float:
        last = json.loads(text)["roles"]["data_scientist"]["forecast"][-1]
        return last["high"] - last["low"]

    assert width(wide) > width(narrow)


def test_a_level_outside_zero_and_one_is_an_error_that_says_how_to_fix_it(history_csv, capsys):
    code, out, err = run(capsys, "trend", str(history_csv), "--level", "80")
    assert code == 2 and not out
    assert err.startswith("error: level must be in (0, 1), e.g. 0.8")


def test_a_snapshot_has_no_history_to_project(tmp_path, capsys):
    path = tmp_path / "snapshot.csv"
    path.write_text("role,count\nData Scientist,30\nML Engineer,4\n")
    code, _, err = run(capsys, "trend", str(path))
    assert code == 2
    assert "no monthly history to project" in err and "month, role, headcount" in err
