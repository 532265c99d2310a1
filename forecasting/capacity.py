"""Capacity model: effective FTE, data-scientist time split, delivery index. Pure numpy.

Definitions (parameters in `forecasting.scenario.CapacityParams`, defaults and
sources in `forecasting.params`):

- **Ramp.** A hire with tenure tau months (tau = 0 in the month they are first
  counted) contributes ``min(1, tau / ramp_months)`` FTE. People present at
  month 0 are fully ramped.
- **Ramping cohorts.** The starts a path actually realised in month s are
  followed with their *expected* survival ``q ** (t - s)`` (q = monthly
  retention); no extra random draws.
- **Mentoring drag.** Each ramping hire costs ``mentoring_drag * (1 - ramp)``
  FTE of an experienced colleague of the same role, so
  ``effective = headcount - (1 + mentoring_drag) * ramp_shortfall`` (at least 0).
- **Data-scientist time split.** Share of DS time on engineering / data prep
  ``= ds_floor_share + ds_engineering_gap * (1 - mle_coverage)
  + ds_data_prep_gap * (1 - de_coverage)``, with
  ``coverage = min(1, effective supporting FTE * ds_per_X_supported / effective DS)``.
  Modelling capacity = effective DS * (1 - share).
- **Delivery index.** ``100 * min(modelling FTE, MLE_eff * ds_per_mle_supported,
  DE_eff * ds_per_de_supported, PM_eff * ds_per_pm_supported)`` divided by the same
  at month 0; the bottleneck is the term that is smallest (data_scientist means
  modelling time itself is the limit). A `ds_per_pm_supported` of 0 leaves
  product managers out.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from forecasting.roles import ROLE_KEYS, ROLES, Role
from forecasting.scenario import CapacityParams

_DE, _DS, _MLE, _PM = (
    ROLES.index(r)
    for r in (
        Role.DATA_ENGINEER,
        Role.DATA_SCIENTIST,
        Role.ML_ENGINEER,
        Role.PRODUCT_MANAGER,
    )
)


def ramp_fraction(tenure: np.ndarray | float, ramp_months: float) -> np.ndarray:
    """Productivity of a hire with `tenure` months in the role: min(1, tenure / ramp_months).

    Args:
        tenure: months since the hire was first counted (0 in that month).
        ramp_months: months to full productivity; 0 means productive at once.

    Returns:
        Array of fractions in [0, 1].
    """
    tau = np.asarray(tenure, dtype=float)
    if ramp_months <= 0:
        return np.ones_like(tau)
    return np.clip(tau / ramp_months, 0.0, 1.0)


def ramp_shortfall(starts: np.ndarray, retention_monthly: float, ramp_months: float) -> np.ndarray:
    """Expected FTE still missing from recent hires, per month.

    Args:
        starts: array with months on axis 0 (length T+1); ``starts[t]`` people are
            first counted in month t (``starts[0]`` is normally 0). Any trailing
            axes (paths) are carried through.
        retention_monthly: q, the probability a person stays one more month.
        ramp_months: months to full productivity.

    Returns:
        Array shaped like `starts`: sum over recent cohorts of
        ``starts[s] * q**(t-s) * (1 - ramp_fraction(t-s))``.
    """
    s = np.asarray(starts)
    if not np.issubdtype(s.dtype, np.floating):
        s = s.astype(float)
    out = np.zeros_like(s)
    if ramp_months <= 0:
        return out
    for lag in range(math.ceil(ramp_months)):
        weight = retention_monthly**lag * (1.0 - lag / ramp_months)
        if weight <= 0 or lag >= len(s):
            continue
        w = s.dtype.type(weight)
        if lag == 0:
            out += w * s
        else:
            out[lag:] += w * s[:-lag]
    return out


def effective_fte(
    headcount: np.ndarray, shortfall: np.ndarray, mentoring_drag: float
) -> np.ndarray:
    """Headcount minus ramp shortfall and mentoring drag, never below 0.

    Args:
        headcount: people per month (any shape).
        shortfall: `ramp_shortfall` of the same role, broadcastable to `headcount`.
        mentoring_drag: FTE of an experienced colleague per ramping hire at tenure 0.

    Returns:
        ``max(0, headcount - (1 + mentoring_drag) * shortfall)`` as float.
    """
    eff = np.asarray(headcount, dtype=float) - (1.0 + mentoring_drag) * np.asarray(shortfall)
    return np.maximum(eff, 0.0)


def coverage(support_fte: np.ndarray, ds_per_supported: float, ds_fte: np.ndarray) -> np.ndarray:
    """Share of data-scientist demand a supporting role covers: min(1, support * ratio / DS).

    Args:
        support_fte: effective FTE of the supporting role (ML or data engineers).
        ds_per_supported: data scientists one supporting FTE fully covers.
        ds_fte: effective data-scientist FTE.

    Returns:
        Coverage in [0, 1]; 1 where there are no data scientists.
    """
    ds = np.asarray(ds_fte, dtype=float)
    need = np.where(ds > 0, ds, 1.0)
    cov = np.minimum(np.asarray(support_fte, dtype=float) * ds_per_supported / need, 1.0)
    return np.where(ds > 0, cov, 1.0)


def ds_engineering_share(
    mle_fte: np.ndarray, de_fte: np.ndarray, ds_fte: np.ndarray, params: CapacityParams
) -> np.ndarray:
    """Share of data-scientist time spent on engineering / data prep.

    Args:
        mle_fte: effective ML engineer FTE.
        de_fte: effective data engineer FTE.
        ds_fte: effective data scientist FTE.
        params: capacity parameters (floor, gaps, support ratios).

    Returns:
        ``floor + eng_gap * (1 - mle_coverage) + prep_gap * (1 - de_coverage)``.
    """
    mle_cov = coverage(mle_fte, params.ds_per_mle_supported, ds_fte)
    de_cov = coverage(de_fte, params.ds_per_de_supported, ds_fte)
    return (
        params.ds_floor_share
        + params.ds_engineering_gap * (1.0 - mle_cov)
        + params.ds_data_prep_gap * (1.0 - de_cov)
    )


def delivery_terms(
    eff: np.ndarray, modelling_fte: np.ndarray, params: CapacityParams
) -> np.ndarray:
    """Supply terms of the delivery index, one per role in ROLES order.

    Args:
        eff: effective FTE with roles on axis 1, shape (T+1, 4, ...).
        modelling_fte: data-scientist modelling FTE, shape (T+1, ...).
        params: capacity parameters (support ratios).

    Returns:
        Array (T+1, 4, ...): DE*ds_per_de, modelling FTE, MLE*ds_per_mle,
        PM*ds_per_pm (+inf when ds_per_pm_supported is 0, i.e. PMs ignored).
    """
    terms = np.empty(eff.shape, dtype=float)
    terms[:, _DE] = eff[:, _DE] * params.ds_per_de_supported
    terms[:, _DS] = modelling_fte
    terms[:, _MLE] = eff[:, _MLE] * params.ds_per_mle_supported
    if params.ds_per_pm_supported > 0:
        terms[:, _PM] = eff[:, _PM] * params.ds_per_pm_supported
    else:
        terms[:, _PM] = np.inf
    return terms


@dataclass(frozen=True, eq=False)
class CapacitySummary:
    """Capacity per month, averaged over paths.

    Attributes:
        effective_fte: (T+1, 4) mean effective FTE per role (ROLES order).
        ds_engineering_share: (T+1,) mean share of DS time on engineering / data prep.
        ds_modelling_fte: (T+1,) mean DS FTE left for modelling.
        delivery_index: (T+1,) mean delivery index (100 = month 0); NaN if month 0 is 0.
        bottleneck: role key limiting delivery in most paths, per month.
    """

    effective_fte: np.ndarray
    ds_engineering_share: np.ndarray
    ds_modelling_fte: np.ndarray
    delivery_index: np.ndarray
    bottleneck: list[str]


#: Paths per block in `capacity_paths`: small blocks keep the temporaries in cache.
_BLOCK = 1024


def capacity_paths(
    headcount: np.ndarray,
    starts: list[np.ndarray],
    retention_monthly: np.ndarray,
    ramp_months: np.ndarray,
    params: CapacityParams,
) -> CapacitySummary:
    """Capacity of every path, averaged over paths.

    Same formulas as `effective_fte`, `ds_engineering_share` and `delivery_terms`,
    written out per role in float32 and in blocks of paths, because this runs
    inside every `simulate`.

    Args:
        headcount: (T+1, 4, P) people per month, role and path.
        starts: per role (ROLES order), people first counted in month t: shape
            (T+1,) when the same on every path, else (T+1, P).
        retention_monthly: (4,) monthly retention q per role (expected survival of cohorts).
        ramp_months: (4,) months to full productivity per role.
        params: capacity parameters.

    Returns:
        A CapacitySummary of path means.
    """
    n_months, n_roles, n_paths = headcount.shape
    factor = 1.0 + params.mentoring_drag
    drag: list[np.ndarray | None] = []  # certain starts: one drag curve for every path
    for r in range(n_roles):
        if starts[r].ndim == 1:
            short = ramp_shortfall(starts[r], float(retention_monthly[r]), float(ramp_months[r]))
            drag.append((factor * short).astype(np.float32)[:, None] if short.any() else None)
        else:
            drag.append(None)
    sums = np.zeros((n_months, n_roles + 3))  # effective FTE x4, share, modelling, supply
    counts = np.zeros((n_months, n_roles), dtype=np.int64)
    base = None
    for lo in range(0, n_paths, _BLOCK):
        block = slice(lo, lo + _BLOCK)
        eff = []
        for r in range(n_roles):
            e = headcount[:, r, block].astype(np.float32)
            d = drag[r]
            if starts[r].ndim == 2:
                d = ramp_shortfall(
                    starts[r][:, block].astype(np.float32),
                    float(retention_monthly[r]),
                    float(ramp_months[r]),
                )
                d *= np.float32(factor)
            if d is not None:
                e -= d
                np.maximum(e, 0, out=e)
            eff.append(e)
        share, modelling, terms = _block_terms(eff, params)
        supply = functools.reduce(np.minimum, [t for t in terms if t is not None])
        if base is None:
            base = float(supply[0, 0])  # month 0 is the same on every path
        for r in range(n_roles):
            sums[:, r] += eff[r].sum(axis=1, dtype=np.float64)
            if terms[r] is not None:
                counts[:, r] += (terms[r] == supply).sum(axis=1)
        sums[:, n_roles] += share.sum(axis=1, dtype=np.float64)
        sums[:, n_roles + 1] += modelling.sum(axis=1, dtype=np.float64)
        sums[:, n_roles + 2] += supply.sum(axis=1, dtype=np.float64)
    means = sums / n_paths
    index = means[:, n_roles + 2] * (100.0 / base) if base else np.full(n_months, np.nan)
    return CapacitySummary(
        effective_fte=means[:, :n_roles],
        ds_engineering_share=means[:, n_roles],
        ds_modelling_fte=means[:, n_roles + 1],
        delivery_index=index,
        bottleneck=[ROLE_KEYS[i] for i in counts.argmax(axis=1)],
    )


def _block_terms(
    eff: list[np.ndarray], params: CapacityParams
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray | None]]:
    """DS share, modelling FTE and delivery terms (None = role ignored) for one block."""
    f32 = np.float32
    de, ds, mle, pm = eff[_DE], eff[_DS], eff[_MLE], eff[_PM]
    has_ds = ds > 0
    inv_ds = np.zeros_like(ds)
    np.divide(f32(1.0), ds, out=inv_ds, where=has_ds)
    mle_supply = mle * f32(params.ds_per_mle_supported)
    de_supply = de * f32(params.ds_per_de_supported)
    mle_cov = np.minimum(mle_supply * inv_ds, f32(1.0))
    de_cov = np.minimum(de_supply * inv_ds, f32(1.0))
    if not has_ds.all():
        mle_cov[~has_ds] = 1.0
        de_cov[~has_ds] = 1.0
    full = params.ds_floor_share + params.ds_engineering_gap + params.ds_data_prep_gap
    share = f32(full) - (
        f32(params.ds_engineering_gap) * mle_cov + f32(params.ds_data_prep_gap) * de_cov
    )
    modelling = ds * (f32(1.0) - share)
    terms: list[np.ndarray | None] = [None] * len(eff)
    terms[_DE], terms[_DS], terms[_MLE] = de_supply, modelling, mle_supply
    if params.ds_per_pm_supported > 0:
        terms[_PM] = pm * f32(params.ds_per_pm_supported)
    return share, modelling, terms
