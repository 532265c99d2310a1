"""Tests for forecasting.report.export: formula-injection-safe CSV."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from forecasting.report.export import safe_csv_bytes, safe_frame, safe_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("Data Scientist", "Data Scientist"),
        ("", ""),
    ],
)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_text_cells_are_prefixed_and_numbers_stay_numbers():
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("x")', "Data Scientist", "@cmd", "-5"],
            "count": [1, -2, 3, 4],
            "rate": [0.5, -0.25, np.nan, 1.0],
        }
    )
    out = rows(safe_csv_bytes(frame))
    assert out[0] == ["title", "count", "rate"]
    assert out[1] == ['\'=HYPERLINK("x")', "1", "0.5"]
    assert out[2] == ["Data Scientist", "-2", "-0.25"]
    assert out[3] == ["'@cmd", "3", ""]
    assert out[4] == ["'-5", "4", "1.0"]  # text "-5" is text; the number -2 above is not


def test_string_dtype_and_object_columns_with_mixed_values():
    frame = pd.DataFrame(
        {
            "s": pd.Series(["+x", None, "ok"], dtype="string"),
            "o": pd.Series([-1, "=1+1", None], dtype=object),
        }
    )
    out = rows(safe_csv_bytes(frame))
    assert out[1] == ["'+x", "-1"]
    assert out[2] == ["", "'=1+1"]
    assert out[3] == ["ok", ""]


def test_column_names_are_made_safe():
    assert rows(safe_csv_bytes(pd.DataFrame({"=evil": [1]})))[0] == ["'=evil"]


def test_safe_frame_does_not_modify_its_input():
    frame = pd.DataFrame({"title": ["=x"]})
    safe_frame(frame)
    assert frame["title"].iloc[0] == "=x"


def test_index_can_be_written():
    frame = pd.DataFrame({"n": [1]}, index=pd.Index(["=x"], name="title"))
    assert rows(safe_csv_bytes(frame, index=True))[1] == ["'=x", "1"]


def test_a_download_is_named_by_its_target_deadline_and_day():
    from forecasting.model.scenario import Scenario
    from forecasting.report.export import download_name

    sc = Scenario.from_dict(
        {
            "start_month": "2027-01",
            "headcount": {"data_scientist": 30, "ml_engineer": 3},
            "target": {"ds_per_mle": 6, "deadline_month": 11},
        }
    )
    assert download_name("plan", sc, "2026-12-07", "csv") == "plan-1to6-2027-12_2026-12-07.csv"
    half = sc.replace(target={**sc.target.to_dict(), "ds_per_mle": 6.5})
    assert download_name("brief", half, "2026-12-07", "html") == (
        "brief-1to6_5-2027-12_2026-12-07.html"
    )
