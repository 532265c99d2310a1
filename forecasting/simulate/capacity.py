"""Capacity model: effective FTE, data-scientist time split, delivery index. Pure numpy.

Definitions (parameters in `forecasting.model.scenario.CapacityParams`, defaults and
sources in `forecasting.model.params`):

- **Ramp.** A hire with tenure tau months (tau = 0 in the month they are first
  counted) contributes ``min(1, tau / ramp_months)`` FTE. People present at
  month 0 are fully ramped.
- **Ramping cohorts.** The starts a path actually realised in month s are
  followed with their *expected* survival ``q ** (t - s)`` (q = monthly
  retention); no extra random draws.
- **Mentoring drag.** Each ramping hire costs ``mentoring_drag * (1 - ramp)``
  FTE of an experienced colleague of the same role, at most the whole time of
  the incumbents (people of the role who are not ramping themselves), so
  ``effective = headcount - shortfall - min(mentoring_drag * shortfall, incumbents)``
  (at least 0). Hires into an empty team cost no mentoring.
- **Data-scientist time split.** Share of DS time on engineering / data prep
  ``= ds_floor_share + ds_engineering_gap * (1 - mle_coverage)
  + ds_data_prep_gap * (1 - de_coverage)``, with
  ``coverage = min(1, effective supporting FTE * ds_per_X_supported / effective DS)``.
  Modelling capacity = effective DS * (1 - share).
- **Delivery.** Engineering and data-prep work that ML and data engineers do not
  cover is done by the data scientists themselves, so it is counted once, in the
  time split: delivery = ``min(modelling FTE, PM_eff * ds_per_pm_supported)``
  (a `ds_per_pm_supported` of 0 leaves product managers out). A team without ML
  engineers still delivers the modelling time its data scientists keep.
- **Delivery index.** ``100 * delivery / reference``, with the reference the
  modelling FTE of today's data scientists (at least one) when all their
  engineering and data prep is covered: ``max(DS_0, 1) * (1 - ds_floor_share)``.
  It depends on no supporting role, so the index is defined for every team.
- **Bottleneck.** Product managers when their cap binds; otherwise the supporting
  role whose uncovered work costs data scientists the most modelling FTE
  (``DS_eff * gap * (1 - coverage)``); data scientists when nothing is lost,
  i.e. modelling time itself is the limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from forecasting.model.roles import DE, DS, MLE, PM, ROLE_KEYS
from forecasting.model.scenario import CapacityParams

_DE, _DS, _MLE, _PM = DE, DS, MLE, PM


def _floats(x: np.ndarray | float) -> np.ndarray:
    """`x` as a floating array, keeping float32 when it already is float32."""
    a = np.asarray(x)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(float)


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


def _cohort_sum(starts: np.ndarray, weights: list[float | np.ndarray]) -> np.ndarray:
    """``out[t] = sum over lag of weights[lag] * starts[t - lag]`` (months on axis 0)."""
    s = _floats(starts)
    out = np.zeros_like(s)
    tmp = np.empty_like(s)  # one scratch buffer instead of a temporary per lag
    n = len(s)
    for lag, weight in enumerate(weights):
        w = np.asarray(weight, dtype=s.dtype)  # a number, or one per path (trailing axis)
        if lag >= n or np.all(w <= 0):
            continue
        part = tmp[: n - lag]
        np.multiply(s[: n - lag], w, out=part)
        out[lag:] += part
    return out


def ramp_shortfall(
    starts: np.ndarray, retention_monthly: float | np.ndarray, ramp_months: float
) -> np.ndarray:
    """Expected FTE still missing from recent hires, per month.

    Args:
        starts: array with months on axis 0 (length T+1); ``starts[t]`` people are
            first counted in month t (``starts[0]`` is normally 0). Any trailing
            axes (paths) are carried through.
        retention_monthly: q, the probability a person stays one more month (a number,
            or one per path along the trailing axis).
        ramp_months: months to full productivity.

    Returns:
        Array shaped like `starts`: sum over recent cohorts of
        ``starts[s] * q**(t-s) * (1 - ramp_fraction(t-s))``.
    """
    if ramp_months <= 0:
        return np.zeros_like(_floats(starts))
    lags = range(math.ceil(ramp_months))
    weights: list[float | np.ndarray] = [
        retention_monthly**lag * (1.0 - lag / ramp_months) for lag in lags
    ]
    return _cohort_sum(starts, weights)


def ramping_headcount(
    starts: np.ndarray, retention_monthly: float | np.ndarray, ramp_months: float
) -> np.ndarray:
    """Expected people still ramping (tenure < ramp_months), per month.

    Args:
        starts: as in `ramp_shortfall` (months on axis 0, trailing axes carried through).
        retention_monthly: q, the probability a person stays one more month.
        ramp_months: months to full productivity.

    Returns:
        Array shaped like `starts`: sum over cohorts with tenure below the ramp of
        ``starts[s] * q**(t-s)``.
    """
    if ramp_months <= 0:
        return np.zeros_like(_floats(starts))
    weights: list[float | np.ndarray] = [
        retention_monthly**lag for lag in range(math.ceil(ramp_months))
    ]
    return _cohort_sum(starts, weights)


def effective_fte(
    headcount: np.ndarray | float,
    shortfall: np.ndarray | float,
    ramping: np.ndarray | float,
    mentoring_drag: float,
) -> np.ndarray:
    """Headcount minus ramp shortfall and mentoring drag, never below 0.

    The drag is capped by the incumbents available to mentor: at most the whole
    time of the people who are not ramping themselves.

    Args:
        headcount: people per month (any shape).
        shortfall: `ramp_shortfall` of the same role, broadcastable to `headcount`.
        ramping: `ramping_headcount` of the same role, broadcastable to `headcount`.
        mentoring_drag: FTE of an experienced colleague per ramping hire at tenure 0.

    Returns:
        ``max(0, headcount - shortfall - min(mentoring_drag * shortfall,
        max(0, headcount - ramping)))`` as float (float32 in, float32 out).
    """
    hc = _floats(headcount)
    short = np.asarray(shortfall, dtype=hc.dtype)
    incumbents = np.maximum(hc - np.asarray(ramping, dtype=hc.dtype), 0)
    drag = np.minimum(hc.dtype.type(mentoring_drag) * short, incumbents)
    return np.maximum(hc - short - drag, 0)


def coverage(support_fte: np.ndarray, ds_per_supported: float, ds_fte: np.ndarray) -> np.ndarray:
    """Share of data-scientist demand a supporting role covers: min(1, support * ratio / DS).

    Args:
        support_fte: effective FTE of the supporting role (ML or data engineers).
        ds_per_supported: data scientists one supporting FTE fully covers.
        ds_fte: effective data-scientist FTE.

    Returns:
        Coverage in [0, 1]; 1 where there are no data scientists (float32 in, float32 out).
    """
    ds = _floats(ds_fte)
    one = ds.dtype.type(1.0)
    support = np.asarray(support_fte, dtype=ds.dtype) * ds.dtype.type(ds_per_supported)
    has_ds = ds > 0
    inv_ds = np.zeros_like(ds)
    np.divide(one, ds, out=inv_ds, where=has_ds)
    return np.where(has_ds, np.minimum(support * inv_ds, one), one)


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
    return delivery(
        [np.asarray(de_fte), np.asarray(ds_fte), np.asarray(mle_fte), None], params
    ).share


class Delivery(NamedTuple):
    """Delivery of a team, element-wise over months (and paths).

    Attributes:
        share: share of data-scientist time on engineering / data prep.
        modelling: data-scientist FTE left for modelling.
        output: delivered modelling FTE (modelling, capped by product managers).
        bottleneck: index into ROLES of the limiting role.
    """

    share: np.ndarray
    modelling: np.ndarray
    output: np.ndarray
    bottleneck: np.ndarray


def delivery(eff: Sequence[np.ndarray | None], params: CapacityParams) -> Delivery:
    """Time split, modelling FTE, delivered output and bottleneck from effective FTE.

    Uncovered engineering and data-prep work is counted once: data scientists do it
    (the time split), and ML and data engineers do not also cap the output.

    Args:
        eff: effective FTE per role in ROLES order, arrays of one shape (float32 kept);
            the product-manager entry may be None when `ds_per_pm_supported` is 0.
        params: capacity parameters.

    Returns:
        A Delivery of arrays shaped like the inputs.
    """
    ds_eff, mle_eff, de_eff = eff[_DS], eff[_MLE], eff[_DE]
    if ds_eff is None or mle_eff is None or de_eff is None:
        raise ValueError("delivery: data scientists, ML and data engineers are required")
    ds = _floats(ds_eff)
    f = ds.dtype.type
    eng_gap, prep_gap = f(params.ds_engineering_gap), f(params.ds_data_prep_gap)
    mle_cov = coverage(mle_eff, params.ds_per_mle_supported, ds)
    de_cov = coverage(de_eff, params.ds_per_de_supported, ds)
    mle_lost = eng_gap * (f(1.0) - mle_cov)
    de_lost = prep_gap * (f(1.0) - de_cov)
    share = f(params.ds_floor_share) + mle_lost + de_lost
    modelling = ds * (f(1.0) - share)
    code = np.int8  # small codes: np.where on int64 is several times slower
    bottleneck = np.where(
        np.maximum(mle_lost, de_lost) > 0,
        np.where(mle_lost >= de_lost, code(_MLE), code(_DE)),
        code(_DS),
    )
    output = modelling
    if params.ds_per_pm_supported > 0 and eff[_PM] is not None:
        pm_cap = np.asarray(eff[_PM], dtype=ds.dtype) * f(params.ds_per_pm_supported)
        bottleneck = np.where(pm_cap < modelling, code(_PM), bottleneck)
        output = np.minimum(modelling, pm_cap)
    return Delivery(share, modelling, output, bottleneck)


def delivery_reference(ds_today: float, params: CapacityParams) -> float:
    """Modelling FTE that a delivery index of 100 stands for.

    Today's data scientists (at least one) with all their engineering and data prep
    covered, so only the floor share is lost: ``max(DS_0, 1) * (1 - ds_floor_share)``.
    It involves no supporting role, so it is not 0 for a team that starts without
    ML engineers, data engineers or product managers (only when the floor share is 1).

    Args:
        ds_today: data-scientist headcount at month 0.
        params: capacity parameters.

    Returns:
        The reference in modelling FTE.
    """
    return max(float(ds_today), 1.0) * (1.0 - params.ds_floor_share)


def delivery_index(output: np.ndarray, reference: float) -> np.ndarray:
    """``100 * output / reference``; 0 when the reference is 0 (a floor share of 1: no output).

    Args:
        output: delivered modelling FTE.
        reference: `delivery_reference`.

    Returns:
        The index as float.
    """
    out = np.asarray(output, dtype=float)
    return out * (100.0 / reference) if reference > 0 else np.zeros_like(out)


@dataclass(frozen=True, eq=False)
class CapacitySummary:
    """Capacity per month, averaged over paths.

    Attributes:
        effective_fte: (T+1, 4) mean effective FTE per role (ROLES order).
        ds_engineering_share: (T+1,) mean share of DS time on engineering / data prep.
        ds_modelling_fte: (T+1,) mean DS FTE left for modelling.
        delivery_index: (T+1,) mean delivery index (100 = `delivery_reference`).
        bottleneck: role key limiting delivery in most paths, per month.
        delivery_reference: modelling FTE that an index of 100 stands for: today's data
            scientists with all engineering and data prep covered.
    """

    effective_fte: np.ndarray
    ds_engineering_share: np.ndarray
    ds_modelling_fte: np.ndarray
    delivery_index: np.ndarray
    bottleneck: list[str]
    delivery_reference: float


#: Paths per block in `capacity_paths`: small blocks keep the temporaries in cache.
_BLOCK = 1024


def capacity_paths(
    headcount: np.ndarray,
    starts: list[np.ndarray],
    retention_monthly: list[float | np.ndarray] | np.ndarray,
    ramp_months: np.ndarray,
    params: CapacityParams,
    ds_extra: np.ndarray | None = None,
) -> CapacitySummary:
    """Capacity of every path, averaged over paths.

    The formulas of `effective_fte` and `delivery`, evaluated in float32 and in
    blocks of paths, because this runs inside every `simulate`.

    Args:
        headcount: (T+1, 4, P) people per month, role and path.
        starts: per role (ROLES order), people first counted in month t: shape
            (T+1,) when the same on every path, else (T+1, P).
        retention_monthly: per role, the monthly retention q of cohorts: a number, or one
            per path (P,) when the role's attrition is drawn per path (the same draws
            the headcount was simulated with).
        ramp_months: (4,) months to full productivity per role.
        params: capacity parameters.
        ds_extra: (T+1, P) data-science FTE outside the headcount (reskilled data
            scientists in training, at part time), or None.

    Returns:
        A CapacitySummary of path means.
    """
    n_months, n_roles, n_paths = headcount.shape

    per_path = [np.ndim(q) == 1 for q in retention_monthly]

    def cohorts(r: int, s: np.ndarray, block: slice | None = None) -> tuple[np.ndarray, np.ndarray]:
        q = retention_monthly[r]
        if per_path[r]:
            q = np.asarray(q, dtype=np.float32)[block]
            if s.ndim == 1:
                s = np.broadcast_to(s[:, None], (len(s), len(q)))
        q, ramp = q if per_path[r] else float(q), float(ramp_months[r])
        return ramp_shortfall(s, q, ramp), ramping_headcount(s, q, ramp)

    # Certain starts and one retention: one (shortfall, ramping) pair for every path;
    # None = nobody ramps.
    fixed: list[tuple[np.ndarray, np.ndarray] | None] = []
    for r in range(n_roles):
        if starts[r].ndim == 1 and not per_path[r]:
            short, ramping = cohorts(r, starts[r].astype(np.float32))
            fixed.append((short[:, None], ramping[:, None]) if short.any() else None)
        else:
            fixed.append(None)
    sums = np.zeros((n_months, n_roles + 3))  # effective FTE x4, share, modelling, output
    counts = np.zeros((n_months, n_roles), dtype=np.int64)
    for lo in range(0, n_paths, _BLOCK):
        block = slice(lo, lo + _BLOCK)
        eff = []
        for r in range(n_roles):
            e = headcount[:, r, block].astype(np.float32)
            ramp = fixed[r]
            if starts[r].ndim == 2:
                ramp = cohorts(r, starts[r][:, block].astype(np.float32), block)
            elif per_path[r] and starts[r].any():
                ramp = cohorts(r, starts[r].astype(np.float32), block)
            if ramp is not None:
                e = effective_fte(e, ramp[0], ramp[1], params.mentoring_drag)
            if ds_extra is not None and r == DS:
                e = e + ds_extra[:, block].astype(np.float32)
            eff.append(e)
        d = delivery(eff, params)
        for r in range(n_roles):
            sums[:, r] += eff[r].sum(axis=1, dtype=np.float64)
            counts[:, r] += (d.bottleneck == r).sum(axis=1)
        sums[:, n_roles] += d.share.sum(axis=1, dtype=np.float64)
        sums[:, n_roles + 1] += d.modelling.sum(axis=1, dtype=np.float64)
        sums[:, n_roles + 2] += d.output.sum(axis=1, dtype=np.float64)
    means = sums / n_paths
    reference = delivery_reference(headcount[0, _DS, 0], params)
    return CapacitySummary(
        effective_fte=means[:, :n_roles],
        ds_engineering_share=means[:, n_roles],
        ds_modelling_fte=means[:, n_roles + 1],
        delivery_index=delivery_index(means[:, n_roles + 2], reference),
        bottleneck=[ROLE_KEYS[i] for i in counts.argmax(axis=1)],
        delivery_reference=reference,
    )
