"""Hiring policies: how many positions each role has, month by month.

A role's *positions* are the seats it is meant to have filled. A policy says how
they evolve over the horizon (docs/scenario-format.md, "Hiring policy"):

* ``none`` -- no positions: the role hires only its ``planned_starts``;
* ``backfill`` -- positions held at today's (headcount + open requisitions);
* ``growth`` -- positions grow linearly from today's to ``to`` at month ``by_month``
  and are held after: round half up of ``N0 + (to - N0) * min(t, by_month) / by_month``;
* ``path`` -- an explicit monthly path (``headcount``; a shorter list holds its last
  value), e.g. the status-quo projection of a statsmodels model named in ``source``.
  Optional ``p10`` / ``p90`` lists give the path's own 80% band: each Monte Carlo
  path then follows its own position path (one standard-normal draw per path,
  scaled by the band on each side), so the projection's uncertainty is in the fan.

Every kind but ``none`` may carry ``positions_added``: positions opened on top of
the policy, by month index (index t adds to positions from month t on). The
solver writes the new ML engineer positions there.

Pure Python + numpy; no pandas, no UI.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from forecasting.model.errors import ScenarioError

MAX_POSITIONS = 100_000
#: z of the 90th percentile of a standard normal: p10/p90 are mean -/+ Z90 sd.
Z90 = 1.2815515655446004


class PolicyKind(StrEnum):
    """The kinds of hiring policy."""

    NONE = "none"
    BACKFILL = "backfill"
    GROWTH = "growth"
    PATH = "path"


_KEYS: dict[PolicyKind, tuple[str, ...]] = {
    PolicyKind.NONE: ("kind",),
    PolicyKind.BACKFILL: ("kind", "positions_added"),
    PolicyKind.GROWTH: ("kind", "to", "by_month", "positions_added"),
    PolicyKind.PATH: ("kind", "headcount", "source", "p10", "p90", "positions_added"),
}
_EXAMPLE = '{"kind": "growth", "to": 60, "by_month": 24}'


def round_half_up(x: float | np.ndarray) -> np.ndarray:
    """Round half up (2.5 -> 3), elementwise, as integers."""
    return np.floor(np.asarray(x, dtype=float) + 0.5).astype(np.int64)


def _whole(value: object, key: str, lo: int, hi: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError(f"{key}: {value!r} is not a number; {hint}")
    v = float(value)
    if not math.isfinite(v) or v != int(v):
        raise ScenarioError(f"{key}: {value!r} is not a whole number; {hint}")
    if not lo <= v <= hi:
        raise ScenarioError(f"{key}: {int(v)} is outside [{lo}, {hi}]; {hint}")
    return int(v)


def _numbers(value: object, key: str, *, whole: bool, hint: str) -> tuple:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise ScenarioError(f"{key}: expected a list of monthly values, e.g. [30, 31, 32]; {hint}")
    out: list[float | int] = []
    for i, x in enumerate(value):
        if whole:
            out.append(_whole(x, f"{key}[{i}]", 0, MAX_POSITIONS, hint))
            continue
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(float(x)):
            raise ScenarioError(f"{key}[{i}]: {x!r} is not a finite number; {hint}")
        if not 0 <= float(x) <= MAX_POSITIONS:
            raise ScenarioError(f"{key}[{i}]: {x!r} is outside [0, {MAX_POSITIONS}]; {hint}")
        out.append(float(x))
    return tuple(out)


@dataclass(frozen=True)
class HiringPolicy:
    """One role's hiring policy (validated, hashable).

    Attributes:
        kind: none, backfill, growth or path.
        to: growth: positions at `by_month` and after.
        by_month: growth: month index (1..horizon) at which `to` is reached.
        headcount: path: positions by month index (a shorter list holds its last value).
        source: path: where the path came from (free text, e.g. the model's name).
        p10, p90: path: optional 80% band of the path (same length as `headcount`).
        positions_added: positions opened on top of the policy, by month index.
    """

    kind: PolicyKind = PolicyKind.NONE
    to: int | None = None
    by_month: int | None = None
    headcount: tuple[float, ...] = ()
    source: str = ""
    p10: tuple[float, ...] = ()
    p90: tuple[float, ...] = ()
    positions_added: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        put = object.__setattr__
        try:
            put(self, "kind", PolicyKind(self.kind))
        except ValueError:
            raise ScenarioError(
                f"kind: unknown {self.kind!r}; use one of {', '.join(k.value for k in PolicyKind)}"
            ) from None
        added = tuple(int(x) for x in self.positions_added)
        while added and added[-1] == 0:
            added = added[:-1]
        put(self, "positions_added", added)

    # ------------------------------------------------------------------ parsing

    @classmethod
    def from_dict(cls, d: object, key: str, horizon: int) -> HiringPolicy:
        """Build a policy from its JSON object.

        Args:
            d: e.g. {"kind": "growth", "to": 60, "by_month": 24}.
            key: the key path for messages, e.g. "hiring_policy.data_scientist".
            horizon: the scenario's horizon_months (bounds by_month and list lengths).

        Returns:
            The validated HiringPolicy.
        """
        if isinstance(d, HiringPolicy):
            d = d.to_dict()
        if isinstance(d, str):
            d = {"kind": d}
        if not isinstance(d, Mapping):
            raise ScenarioError(f"{key}: expected an object such as {_EXAMPLE}")
        raw_kind = d.get("kind")
        try:
            kind = PolicyKind(str(raw_kind))
        except ValueError:
            raise ScenarioError(
                f"{key}.kind: {raw_kind!r} is not a policy; use one of "
                f"{', '.join(k.value for k in PolicyKind)}, e.g. {_EXAMPLE}"
            ) from None
        allowed = _KEYS[kind]
        for k in d:
            if k not in allowed:
                raise ScenarioError(
                    f"{key}.{k}: not a key of a {kind.value} policy; "
                    f"its keys are {', '.join(allowed)}"
                )
        fields: dict[str, Any] = {"kind": kind}
        if kind is PolicyKind.GROWTH:
            for need in ("to", "by_month"):
                if need not in d or d[need] is None:
                    raise ScenarioError(f"{key}.{need}: missing; a growth policy is {_EXAMPLE}")
            fields["to"] = _whole(
                d["to"], f"{key}.to", 0, MAX_POSITIONS, "give the positions to grow to, e.g. 60"
            )
            fields["by_month"] = _whole(
                d["by_month"],
                f"{key}.by_month",
                1,
                horizon,
                f"give the month index (1..horizon_months {horizon}) when they are reached",
            )
        if kind is PolicyKind.PATH:
            hint = "give positions per month, e.g. [30, 31, 32]"
            if "headcount" not in d:
                raise ScenarioError(
                    f'{key}.headcount: missing; a path policy is {{"kind": "path", '
                    '"headcount": [30, 31, 32], "source": "..."}'
                )
            hc = _numbers(d["headcount"], f"{key}.headcount", whole=False, hint=hint)
            if not hc:
                raise ScenarioError(f"{key}.headcount: is empty; {hint}")
            if len(hc) > horizon + 1:
                raise ScenarioError(
                    f"{key}.headcount: {len(hc)} months is longer than horizon_months + 1 "
                    f"({horizon + 1}); shorten the list or lengthen the horizon"
                )
            fields["headcount"] = hc
            source = d.get("source", "")
            if not isinstance(source, str) or len(source) > 200:
                raise ScenarioError(f'{key}.source: give a short text, e.g. "ETS forecast"')
            fields["source"] = source
            for band in ("p10", "p90"):
                if d.get(band) is not None:
                    vals = _numbers(d[band], f"{key}.{band}", whole=False, hint=hint)
                    if len(vals) != len(hc):
                        raise ScenarioError(
                            f"{key}.{band}: {len(vals)} values for {len(hc)} months of "
                            "headcount; give one per month"
                        )
                    fields[band] = vals
            if bool(fields.get("p10")) != bool(fields.get("p90")):
                raise ScenarioError(f"{key}: give both p10 and p90, or neither")
            if fields.get("p10"):
                for i, (lo, mid, hi) in enumerate(zip(fields["p10"], hc, fields["p90"])):
                    if not lo - 1e-9 <= mid <= hi + 1e-9:
                        raise ScenarioError(
                            f"{key}: month {i} has p10 {lo:g}, headcount {mid:g}, p90 {hi:g}; "
                            "give p10 <= headcount <= p90"
                        )
        if d.get("positions_added") is not None:
            added = _numbers(
                d["positions_added"],
                f"{key}.positions_added",
                whole=True,
                hint="give new positions opened per month, e.g. [0, 2, 0, 1]",
            )
            while added and added[-1] == 0:
                added = added[:-1]
            if len(added) > horizon + 1:
                raise ScenarioError(
                    f"{key}.positions_added[{len(added) - 1}]: month {len(added) - 1} is beyond "
                    f"horizon_months {horizon}; shorten the list"
                )
            fields["positions_added"] = added
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this policy (only the keys its kind has)."""
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.kind is PolicyKind.GROWTH:
            out.update(to=self.to, by_month=self.by_month)
        if self.kind is PolicyKind.PATH:
            out["headcount"] = [_num(x) for x in self.headcount]
            out["source"] = self.source
            if self.p10:
                out["p10"] = [_num(x) for x in self.p10]
                out["p90"] = [_num(x) for x in self.p90]
        if self.positions_added:
            out["positions_added"] = list(self.positions_added)
        return out

    # ------------------------------------------------------------------ positions

    @property
    def sets_positions(self) -> bool:
        """True for every kind but none."""
        return self.kind is not PolicyKind.NONE

    def with_added(self, added: Sequence[int] | np.ndarray) -> HiringPolicy:
        """The same policy with `positions_added` replaced."""
        from dataclasses import replace

        return replace(self, positions_added=tuple(int(x) for x in added))

    def base_positions(self, n0: int, horizon: int) -> np.ndarray:
        """Positions by month before `positions_added` (central path), (horizon+1,) int64.

        Args:
            n0: today's positions (headcount plus open requisitions).
            horizon: months after month 0.
        """
        t = np.arange(horizon + 1)
        if self.kind is PolicyKind.NONE:
            return np.zeros(horizon + 1, dtype=np.int64)
        if self.kind is PolicyKind.BACKFILL:
            return np.full(horizon + 1, n0, dtype=np.int64)
        if self.kind is PolicyKind.GROWTH:
            # (to - N0) * t first, in integers, then one division: an exact .5 stays
            # exact (t / by_month first could land just below it and round down).
            to, by = int(self.to or 0), int(self.by_month or 1)  # set for growth
            step = (to - n0) * np.minimum(t, by)
            return round_half_up(n0 + step / by)
        return round_half_up(_held(self.headcount, horizon))

    def added_path(self, horizon: int) -> np.ndarray:
        """Cumulative positions added by month, (horizon+1,) int64."""
        add = np.zeros(horizon + 1, dtype=np.int64)
        add[: len(self.positions_added)] = self.positions_added
        return np.cumsum(add)

    def positions(self, n0: int, horizon: int) -> np.ndarray:
        """Central positions by month, positions_added included, (horizon+1,) int64."""
        if self.kind is PolicyKind.NONE:
            return np.zeros(horizon + 1, dtype=np.int64)
        return self.base_positions(n0, horizon) + self.added_path(horizon)

    @property
    def uncertain(self) -> bool:
        """True when the path carries a band (per-path positions in the Monte Carlo)."""
        return self.kind is PolicyKind.PATH and bool(self.p10)

    def positions_for_paths(self, z: np.ndarray, horizon: int) -> np.ndarray:
        """Per-path positions of a path policy with a band, (horizon+1, paths) int64.

        Path j follows ``mean + z_j * sd_side`` in every month, sd_side = (p90 - mean)
        / Z90 above the mean and (mean - p10) / Z90 below (one draw per path: the
        projection's level is uncertain, its month-to-month shape is the model's).
        """
        mean = _held(self.headcount, horizon)[:, None]
        lo = _held(self.p10, horizon)[:, None]
        hi = _held(self.p90, horizon)[:, None]
        z = np.asarray(z, dtype=float)[None, :]
        spread = np.where(z >= 0, hi - mean, mean - lo) / Z90
        pos = round_half_up(np.maximum(mean + z * spread, 0.0))
        return pos + self.added_path(horizon)[:, None]

    def describe(self, n0: int, horizon: int) -> str:
        """A short plain-language description, e.g. "grow 42 → 60 by month 24"."""
        extra = sum(self.positions_added)
        more = f" + {extra} new position{'s' if extra != 1 else ''}" if extra else ""
        if self.kind is PolicyKind.NONE:
            return "no hiring beyond planned starts"
        if self.kind is PolicyKind.BACKFILL:
            return f"backfill {n0} positions" + more
        if self.kind is PolicyKind.GROWTH:
            return f"grow {n0} → {self.to} by month {self.by_month}" + more
        end = int(self.base_positions(n0, horizon)[-1])
        return f"follow {self.source or 'a path'} to {end}" + more


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 3)


def _held(values: Sequence[float], horizon: int) -> np.ndarray:
    """`values` over months 0..horizon, the last value held."""
    arr = np.asarray(values, dtype=float)[: horizon + 1]
    if arr.size < horizon + 1:
        arr = np.concatenate([arr, np.full(horizon + 1 - arr.size, arr[-1])])
    return arr


NONE = HiringPolicy()
BACKFILL = HiringPolicy(kind=PolicyKind.BACKFILL)


#: The team plan's names of the policies (a path the projection made is "follow the
#: projection"; "manual starts" is kind none with planned starts).
BACKFILL_LABEL = "backfill"
GROW = "grow"
PROJECTION = "follow the projection"
NO_HIRING = "no hiring"
MANUAL = "manual starts"
PATH = "path"
PROJECTION_SOURCE = "status-quo projection"


def policy_label(policy: HiringPolicy, planned: bool = False) -> str:
    """The team plan table's name of a policy kind."""
    if policy.kind is PolicyKind.NONE:
        return MANUAL if planned else NO_HIRING
    if policy.kind is PolicyKind.BACKFILL:
        return BACKFILL_LABEL
    if policy.kind is PolicyKind.GROWTH:
        return GROW
    if policy.source.startswith(PROJECTION_SOURCE):
        return PROJECTION
    return PATH
