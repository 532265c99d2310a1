"""What a Monte Carlo path draws once, as quadrature for the exact chains (exact.py).

* **The attrition rate.** A path draws its monthly exit probability p = Q(u), u uniform,
  Q = `draws.rate_quantiles` (a two-piece Gamma with a kink at the median). The exact
  value is the integral of the chain over u. Q has singular derivatives at u = 0 and 1, so
  Gauss-Legendre in u converges slowly (about n^-2: 7e-5 with 24 nodes on a 60-person
  team). Instead: a fine tanh-sinh rule on each half of u (FINE_STEP; converged to about
  1e-9) gives a discrete measure on p, which the Stieltjes procedure (Lanczos) reduces to
  the n-node Gauss rule in p. The chain's probabilities are smooth (polynomial) in p, so
  that rule converges geometrically. RATE_NODES = 24: on a 60-person team over 36 months
  (cap 3 a month, time to fill 2) 24 nodes agree with 32 to 1e-13 for the interval
  [0.083, 0.206] and to 4e-8 for [0, 0.3], where the cap binds on the fast-attrition
  nodes (16 nodes: 5e-14 and 2.4e-6); teams of 10-20 converge with 12-16 nodes
  (tests/test_exact.py, benchmarks/bench_exact.py).
* **The band of a path policy.** Positions are round half up of mean + z * spread: a step
  function of z, for which Gauss-Hermite nodes would be wrong by the mass between steps.
  The band is integrated exactly over the cells of z between the steps; |z| > Z_MAX
  (probability 1.3e-13) is cut and reported as truncated.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from forecasting.model.policy import Z90, HiringPolicy
from forecasting.model.scenario import Scenario
from forecasting.simulate.draws import monthly_probability, rate_quantiles

#: Gauss nodes over a role's attrition rate (when it has an interval).
RATE_NODES = 24
#: Step and half-width (in t) of the fine tanh-sinh rule on each half of u.
FINE_STEP, FINE_REACH = 0.05, 3.0
#: The band's z is integrated over [-Z_MAX, Z_MAX]; outside is 2 Phi(-Z_MAX) = 1.4e-13.
Z_MAX = 7.4


def tanh_sinh(a: float, b: float, step: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Tanh-sinh (double exponential) nodes and weights on [a, b] (step FINE_STEP by
    default): they reach within ~1e-14 of the ends and converge geometrically for
    integrands with endpoint singularities."""
    step = FINE_STEP if step is None else step
    t = np.arange(-FINE_REACH, FINE_REACH + step / 2, step)
    s = 0.5 * math.pi * np.sinh(t)
    x = np.tanh(s)
    w = step * 0.5 * math.pi * np.cosh(t) / np.cosh(s) ** 2
    return a + 0.5 * (b - a) * (1 + x), 0.5 * (b - a) * w


def gauss_rule(x: np.ndarray, w: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-node Gauss rule of the discrete measure sum_i w_i delta(x_i).

    Stieltjes procedure (Lanczos with full reorthogonalisation) for the recurrence of
    the measure's orthogonal polynomials, then Golub-Welsch.

    Args:
        x: (M,) support points.
        w: (M,) positive weights.
        n: nodes wanted (fewer when the measure has fewer distinct points).

    Returns:
        (nodes, weights summing to sum(w)): exact for polynomials of degree < 2n.
    """
    total = float(w.sum())
    basis = [np.sqrt(w / total)]
    alpha: list[float] = []
    beta: list[float] = []
    scale = float(np.abs(x).max(initial=0.0)) or 1.0
    for k in range(n):
        v = x * basis[k]
        alpha.append(float(basis[k] @ v))
        q = np.array(basis)
        v -= q.T @ (q @ v)
        v -= q.T @ (q @ v)  # twice is enough
        norm = float(np.linalg.norm(v))
        if k == n - 1 or norm < 1e-13 * scale:
            break
        beta.append(norm)
        basis.append(v / norm)
    m = len(alpha)
    jac = np.diag(alpha) + np.diag(beta[: m - 1], 1) + np.diag(beta[: m - 1], -1)
    nodes, vec = np.linalg.eigh(jac)
    return nodes, vec[0] ** 2 * total


def rate_nodes(scenario: Scenario, r: int, n: int = RATE_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Monthly exit probabilities and weights that integrate over role r's per-path rate.

    Args:
        scenario: the scenario.
        r: index into ROLES.
        n: Gauss nodes when the role has an attrition interval.

    Returns:
        (p, w), w summing to 1: one node when the rate is certain (as
        `engine.exit_probability` decides), else the Gauss rule of the distribution
        each path draws its rate from.
    """
    interval = scenario.attrition_interval[r]
    point = scenario.attrition_annual[r]
    if interval is None or interval[1] - interval[0] < 1e-9 or point <= 0:
        return np.array([float(monthly_probability(point))]), np.ones(1)
    return _rate_rule(point, interval[0], interval[1], n, FINE_STEP, FINE_REACH)


@functools.lru_cache(maxsize=256)
def _rate_rule(
    point: float, low: float, high: float, n: int, step: float, reach: float
) -> tuple[np.ndarray, np.ndarray]:
    """`rate_nodes`' Gauss rule for one rate and interval (kept: the solver asks for it at
    every schedule it tries; the fine rule's step and reach are part of the key). The
    arrays are read-only."""
    lower, w_lower = tanh_sinh(0.0, 0.5)
    upper, w_upper = tanh_sinh(0.5, 1.0)
    u = np.concatenate([lower, upper])
    w = np.concatenate([w_lower, w_upper])
    p = np.asarray(rate_quantiles(point, low, high, u), dtype=float)
    nodes, weights = gauss_rule(p, w / w.sum(), n)
    out = np.clip(nodes, 0.0, 1.0), weights / weights.sum()
    for arr in out:
        arr.flags.writeable = False
    return out


def _held(values: Sequence[float], horizon: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)[: horizon + 1]
    return np.concatenate([arr, np.full(horizon + 1 - arr.size, arr[-1])])


def _phi(z: np.ndarray) -> np.ndarray:
    """Standard normal distribution function."""
    return np.array([0.5 * math.erfc(-float(x) / math.sqrt(2.0)) for x in z])


def band_cells(policy: HiringPolicy, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The band's positions as cells of z, on which every month's positions are constant
    (read-only arrays).

    Args:
        policy: a path policy with p10/p90 (its positions_added are in the positions).
        horizon: months after month 0.

    Returns:
        (positions (J, horizon+1) int64, probability of each cell (J,)): the cells cover
        |z| <= Z_MAX, so the probabilities sum to 1 - 2 Phi(-Z_MAX).
    """
    return _band_cells(policy, horizon, Z_MAX)


@functools.lru_cache(maxsize=16)
def _band_cells(policy: HiringPolicy, horizon: int, z_max: float) -> tuple[np.ndarray, np.ndarray]:
    """`band_cells`, kept for the last few policies (the solver and the projection ask
    again for the same band); the cut `z_max` is part of the key; arrays read-only."""
    mean = _held(policy.headcount, horizon)
    up = (_held(policy.p90, horizon) - mean) / Z90
    down = (mean - _held(policy.p10, horizon)) / Z90
    edges = [np.array([-Z_MAX, 0.0, Z_MAX])]
    for m, s_up, s_down in zip(mean, up, down):
        # a month's positions step where mean + z * spread crosses k + 1/2
        if s_up > 0:
            k = np.arange(math.floor(m), math.ceil(m + Z_MAX * s_up) + 1) + 0.5
            edges.append((k - m) / s_up)
        if s_down > 0:
            k = np.arange(math.floor(m - Z_MAX * s_down), math.ceil(m) + 1) + 0.5
            edges.append((k - m) / s_down)
    z = np.unique(np.concatenate(edges))
    z = z[(z >= -Z_MAX) & (z <= Z_MAX)]
    mid = 0.5 * (z[1:] + z[:-1])
    positions = policy.positions_for_paths(mid, horizon).T  # (cells, horizon+1)
    mass = np.diff(_phi(z))
    # Neighbouring cells with the same positions are one cell.
    new = np.ones(len(mid), dtype=bool)
    new[1:] = np.any(positions[1:] != positions[:-1], axis=1)
    group = np.cumsum(new) - 1
    out = positions[new], np.bincount(group, weights=mass)
    for arr in out:
        arr.flags.writeable = False
    return out
