"""Headcount quantiles by counting (forecasting/simulate/quantiles.py, issue 21): the same
numbers as the sort they replace, for every shape `simulate` makes."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.model.target import ratio_of
from forecasting.simulate.engine import QUANTILES
from forecasting.simulate.quantiles import (
    counted_quantiles,
    counted_ratio_quantiles,
    sorted_quantiles,
)


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


@pytest.mark.parametrize("paths", [400, 2_000, 8_000])
@pytest.mark.parametrize("qs", [QUANTILES, (0.0, 0.5, 1.0)])
def test_counting_pairs_gives_the_quantiles_of_the_sorted_ratios(paths, qs):
    rng = np.random.default_rng(paths)
    ds = rng.binomial(40, 0.7, (11, paths)).astype(np.int32)
    mle = rng.integers(0, 9, (11, paths)).astype(np.int32)  # no ML engineer: +inf
    mle[0] = 0  # a month with no ML engineer on any path: NaN quantiles
    mle[1, : paths // 2] = 0  # half undefined: the median between a ratio and +inf
    ds[2] = 12
    mle[2] = 3  # every path the same ratio
    want = sorted_quantiles(np.sort(ratio_of(ds, mle), axis=-1), qs)
    got = counted_ratio_quantiles(ds, mle, qs)
    assert got is not None
    np.testing.assert_array_equal(got, want)
    assert np.isnan(got[:, 0]).all()


def test_more_pairs_than_paths_are_left_to_the_sort():
    ds = np.array([[500, 3, 4]], dtype=np.int32)
    assert counted_ratio_quantiles(ds, np.array([[1, 2, 3]], dtype=np.int32), QUANTILES) is None
