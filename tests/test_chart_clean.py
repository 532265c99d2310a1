"""ui.charts._base.clean_numeric: numeric columns take a numpy path; the frame it makes is
the one the pandas path (to_numeric, float, ±inf -> NaN) makes, dtypes and all."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.charts import _base


def by_pandas(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in columns:
        out[c] = (
            pd.to_numeric(out[c], errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
        )
    return out


def test_clean_numeric_equals_the_pandas_path():
    df = pd.DataFrame(
        {
            "month": ["2026-12", "2027-01", "2027-02", "2027-03"],
            "f": [1.5, np.inf, -np.inf, np.nan],
            "i": np.array([1, 2, 3, 4], dtype=np.int64),
            "u": np.array([0, 7, 2**40, 1], dtype=np.uint64),
            "f32": np.array([0.25, np.inf, 3.0, np.nan], dtype=np.float32),
            "text": ["1", "x", "inf", None],
        },
        index=[5, 6, 7, 9],
    )
    columns = ["f", "i", "u", "f32", "text"]
    got, expected = _base.clean_numeric(df, columns), by_pandas(df, columns)
    pd.testing.assert_frame_equal(got, expected)
    assert got["text"].isna().tolist() == [False, True, True, True]
    assert df["f"].tolist()[1] == np.inf  # the caller's frame is left alone
