"""The rate distribution's fit (forecasting/simulate/draws.py `_shape_for`) with its short
cuts (issue 21: the log ratios at the bisection's shapes kept between fits, and the stop
once a step leaves the bracket as it was) gives the shape the plain 60-step bisection
gives, bit for bit, and so the same draws and quadrature nodes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecasting.simulate import draws


def plain_shape_for(log_ratio: float, q_from: float, q_to: float) -> float:
    """`_shape_for` as it was: 60 bisection steps, each computing the distribution."""
    lo, hi = math.log(draws._SHAPE_RANGE[0]), math.log(draws._SHAPE_RANGE[1])
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        q = draws._log_quantiles(math.exp(mid), (q_from, q_to))
        if q[1] - q[0] > log_ratio:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def _spreads() -> list[float]:
    rng = np.random.default_rng(21)
    wide = np.exp(rng.uniform(math.log(1e-4), math.log(8.0), 40))
    # neighbouring attritions: bisections that share their first steps (memo hits)
    near = 0.45 * (1 + 0.01 * np.arange(12))
    return [*wide.tolist(), *near.tolist(), 1e-9, 50.0]


@pytest.mark.parametrize("q", [(0.05, 0.5), (0.5, 0.95), (0.25, 0.5)])
def test_the_fit_is_the_plain_bisection_s(q):
    draws._log_ratio_at.cache_clear()
    for spread in _spreads():
        assert draws._shape_for(spread, *q) == plain_shape_for(spread, *q), spread


def test_the_kept_log_ratios_are_read():
    """Neighbouring fits share their first steps: the second reads some of them."""
    draws._log_ratio_at.cache_clear()
    draws._shape_for(0.40, 0.05, 0.5)
    before = draws._log_ratio_at.cache_info()
    draws._shape_for(0.41, 0.05, 0.5)
    after = draws._log_ratio_at.cache_info()
    assert after.hits - before.hits >= 5
    assert after.misses - before.misses < 60


def test_a_wrong_memo_key_would_be_seen():
    """The comparison can fail: log ratios kept without their quantiles in the key give
    another shape (the check above is not vacuous)."""
    draws._log_ratio_at.cache_clear()
    kept: dict[float, float] = {}

    def wrong(log_shape: float, q_from: float, q_to: float) -> float:
        if log_shape not in kept:
            q = draws._log_quantiles(math.exp(log_shape), (q_from, q_to))
            kept[log_shape] = float(q[1] - q[0])
        return kept[log_shape]

    original = draws._log_ratio_at
    draws._log_ratio_at = wrong  # type: ignore[assignment]
    try:
        draws._shape_for(0.4, 0.05, 0.5)
        got = draws._shape_for(0.4, 0.5, 0.95)
    finally:
        draws._log_ratio_at = original
    assert got != plain_shape_for(0.4, 0.5, 0.95)


def test_rate_quantiles_are_the_plain_fit_s(monkeypatch):
    u = np.linspace(0.0005, 0.9995, 41)
    for point, low, high in [(0.14, 0.09, 0.2), (0.15, 0.0, 0.3), (0.3, 0.29, 0.6)]:
        draws._pieces.cache_clear()
        fast = draws.rate_quantiles(point, low, high, u)
        with monkeypatch.context() as m:
            m.setattr(draws, "_shape_for", plain_shape_for)
            draws._pieces.cache_clear()
            plain = draws.rate_quantiles(point, low, high, u)
        draws._pieces.cache_clear()
        np.testing.assert_array_equal(fast, plain)
