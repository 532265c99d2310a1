"""Headcount quantiles by counting (forecasting/simulate/quantiles.py, issue 21): the same
numbers as the sort they replace, for every shape `simulate` makes."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.simulate.engine import QUANTILES
from forecasting.simulate.quantiles import counted_quantiles, sorted_quantiles


@pytest.mark.parametrize("paths", [100, 101, 1_237, 2_000, 8_000])
@pytest.mark.parametrize("qs", [QUANTILES, (0.0, 0.25, 1.0), (0.05, 0.95)])
def test_counting_gives_the_quantiles_of_the_sorted_values(paths, qs):
    rng = np.random.default_rng(paths)
    block = rng.binomial(120, 0.4, (13, 4, paths)).astype(np.int32)
    block[:, 2] = rng.integers(0, 4, (13, paths))  # a small role, many ties
    block[0] = 7  # month 0: everyone the same
    want = sorted_quantiles(np.sort(block, axis=-1), qs)
    got = counted_quantiles(block, qs)
    assert got is not None
    np.testing.assert_array_equal(got, want)


def test_values_spanning_more_than_the_paths_are_left_to_the_sort():
    block = np.array([[0, 19_000, 5], [3, 3, 3]], dtype=np.int32)
    assert counted_quantiles(block, QUANTILES) is None


def test_counting_a_few_rows_at_a_time_gives_the_same(monkeypatch):
    from forecasting.simulate import quantiles

    rng = np.random.default_rng(1)
    block = rng.binomial(60, 0.5, (9, 4, 500)).astype(np.int32)
    whole = counted_quantiles(block, QUANTILES)
    monkeypatch.setattr(quantiles, "COUNT_CHUNK", 1_200)  # two rows a chunk
    np.testing.assert_array_equal(counted_quantiles(block, QUANTILES), whole)
    np.testing.assert_array_equal(whole, sorted_quantiles(np.sort(block, axis=-1), QUANTILES))
