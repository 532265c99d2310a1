"""Scenario, Target and CapacityParams: frozen, validated, JSON round trip.

The scenario file format is documented in docs/scenario-format.md. Role-keyed
fields are stored as tuples in `ROLES` order so that a Scenario is hashable and
can key a cache; use `Scenario.by_role(field)` or the `*_of(role)` accessors to
read them by role. Every problem raises `ScenarioError` with a one-line message
that names the key and says how to fix it.
"""

from __future__ import annotations

import dataclasses
import json
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forecasting.model import params
from forecasting.model.checks import bounded, check_keys, integer, rate
from forecasting.model.errors import ScenarioError
from forecasting.model.months import current_month, month_labels, parse_json, parse_month
from forecasting.model.policy import HiringPolicy
from forecasting.model.roles import ROLE_KEYS, ROLES, Role, parse_role
from forecasting.model.target import Target

MAX_HORIZON, MAX_COUNT = params.MAX_HORIZON, params.MAX_COUNT
MIN_PATHS, MAX_PATHS = int(params.param("paths").low), int(params.param("paths").high)


# --------------------------------------------------------------------------- helpers


def _role_items(value: object, key: str) -> dict[Role, object]:
    """Normalise a role-keyed input (mapping role -> x, or a 4-sequence in ROLES order)."""
    if isinstance(value, Mapping):
        out: dict[Role, object] = {}
        for k, v in value.items():
            role = parse_role(k, key=f"{key}.{k}" if isinstance(k, str) else key)
            out[role] = v
        return out
    if isinstance(value, tuple | list) and len(value) == len(ROLES):
        return dict(zip(ROLES, value))
    raise ScenarioError(
        f"{key}: expected an object mapping role to value, e.g. "
        f'{{"ml_engineer": ...}}, got {type(value).__name__}'
    )


def _per_role(
    value: object, key: str, convert: Callable[[object, str], Any], *, scalar_ok: bool
) -> tuple:
    """Return a tuple in ROLES order; missing roles get the registered default."""
    if scalar_ok and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return tuple(convert(value, f"{key}") for _ in ROLES)
    items = _role_items(value, key)
    return tuple(
        convert(items[r], f"{key}.{r.value}")
        if r in items
        else convert(params.role_value(key, r.value), f"{key}.{r.value}")
        for r in ROLES
    )


# --------------------------------------------------------------------------- capacity


def _cap_default(name: str) -> float:
    return float(params.value(f"capacity.{name}"))


@dataclass(frozen=True)
class CapacityParams:
    """Parameters of the capacity model (forecasting/simulate/capacity.py); defaults in params.py.

    Attributes:
        mentoring_drag: FTE of an experienced colleague per new hire at tenure 0,
            falling linearly with the hire's ramp.
        ds_floor_share: engineering/data-prep share of data-scientist time even
            with full support.
        ds_engineering_gap: extra share when ML engineer coverage is 0.
        ds_data_prep_gap: extra share when data engineer coverage is 0.
        ds_per_mle_supported: data scientists one ML engineer fully supports.
        ds_per_de_supported: data scientists one data engineer fully supports.
        ds_per_pm_supported: data scientists one product manager directs; 0 leaves
            product managers out of the delivery index.
    """

    mentoring_drag: float = _cap_default("mentoring_drag")
    ds_floor_share: float = _cap_default("ds_floor_share")
    ds_engineering_gap: float = _cap_default("ds_engineering_gap")
    ds_data_prep_gap: float = _cap_default("ds_data_prep_gap")
    ds_per_mle_supported: float = _cap_default("ds_per_mle_supported")
    ds_per_de_supported: float = _cap_default("ds_per_de_supported")
    ds_per_pm_supported: float = _cap_default("ds_per_pm_supported")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = params.param(f"capacity.{f.name}").validate(getattr(self, f.name))
            object.__setattr__(self, f.name, value)
        total = self.ds_floor_share + self.ds_engineering_gap + self.ds_data_prep_gap
        if total > 1.0 + 1e-12:
            raise ScenarioError(
                f"capacity: ds_floor_share + ds_engineering_gap + ds_data_prep_gap = {total:g} "
                "exceeds 1; lower one of them"
            )

    @classmethod
    def from_dict(cls, d: object) -> CapacityParams:
        """Build CapacityParams from a JSON object (missing keys take defaults).

        Args:
            d: mapping with any of the field names.

        Returns:
            The validated CapacityParams.
        """
        if not isinstance(d, Mapping):
            raise ScenarioError('capacity: expected an object such as {"mentoring_drag": 0.2}')
        names = [f.name for f in dataclasses.fields(cls)]
        check_keys(d, names, "capacity.")
        return cls(**dict(d))

    def to_dict(self) -> dict[str, float]:
        """Return the JSON object for these parameters (all keys)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


# --------------------------------------------------------------------------- Scenario

_RATE_HINT = str(params.param("attrition_annual").hint)


def _count(v: object, key: str) -> int:
    return integer(v, key, 0, MAX_COUNT, "give a whole number of people, e.g. 3")


def _checked(field: str) -> Callable[[object, str], Any]:
    """The registry's check of a per-role field (`params.Param.validate`), by key path."""
    return lambda v, key: params.of(field, key.partition(".")[2] or None).validate(v, key)


def _interval(v: object, key: str) -> tuple[float, float] | None:
    if v is None:
        return None
    if not isinstance(v, Sequence) or isinstance(v, str) or len(v) != 2:
        raise ScenarioError(f"{key}: expected [low, high], e.g. [0.09, 0.18]")
    low = rate(v[0], f"{key}[0]", _RATE_HINT)
    high = rate(v[1], f"{key}[1]", _RATE_HINT)
    if low > high:
        raise ScenarioError(f"{key}: low {low:g} is above high {high:g}; give [low, high]")
    return (low, high)


def _starts(v: object, key: str, horizon: int) -> tuple[int, ...]:
    if isinstance(v, str | bytes | Mapping) or not hasattr(v, "__iter__"):
        raise ScenarioError(f"{key}: expected a list of monthly starts, e.g. [0, 1, 1, 2]")
    out = [_count(x, f"{key}[{i}]") for i, x in enumerate(v)]
    while out and out[-1] == 0:
        out.pop()
    if len(out) > horizon:
        raise ScenarioError(
            f"{key}[{len(out) - 1}]: a start in month {len(out)} is beyond horizon_months "
            f"{horizon}; shorten the list or raise horizon_months"
        )
    return tuple(out)


def _reskill_planned(v: object, horizon: int) -> tuple[int, ...]:
    """Data scientists starting to reskill by month index 1..horizon (entry 0 is month 0,
    whose headcount is given: it must be 0); trailing zeros removed."""
    key = "reskill_planned"
    if isinstance(v, str | bytes | Mapping) or not hasattr(v, "__iter__"):
        raise ScenarioError(
            f"{key}: expected a list of data scientists starting training by month index, "
            "e.g. [0, 0, 0, 2] for two at month 3"
        )
    out = [_count(x, f"{key}[{i}]") for i, x in enumerate(v)]
    while out and out[-1] == 0:
        out.pop()
    if out and out[0]:
        raise ScenarioError(
            f"{key}[0]: {out[0]} at month 0, whose headcount is given; start training at "
            "month 1 or later (entry t is month index t)"
        )
    if len(out) > horizon + 1:
        raise ScenarioError(
            f"{key}[{len(out) - 1}]: month {len(out) - 1} is beyond horizon_months {horizon}; "
            "shorten the list or raise horizon_months"
        )
    return tuple(out)


#: Largest yearly budget a scenario may state, USD (the Sensitivity page's control).
MAX_BUDGET = 1e9


def _budget(v: object) -> float | None:
    if v is None:
        return None
    return bounded(
        v, "budget_annual", 0.0, MAX_BUDGET, "give USD a year for new ML engineers, e.g. 700000"
    )


#: Role-keyed fields (tuples in ROLES order), for `Scenario.by_role`, in output order.
_ROLE_FIELDS_BEFORE_FILL = (
    "headcount",
    "attrition_annual",
    "attrition_interval",
    "planned_starts",
    "open_requisitions",
    "hiring_policy",
)
_ROLE_FIELDS_AFTER_FILL = (
    "time_to_fill_months",
    "max_starts_per_month",
    "ramp_months",
    "annual_cost",
)
ROLE_FIELDS: tuple[str, ...] = (*_ROLE_FIELDS_BEFORE_FILL, *_ROLE_FIELDS_AFTER_FILL)

#: Top-level keys of the scenario file, in output order (fill_rate is one number, not per role).
SCENARIO_KEYS: tuple[str, ...] = (
    "start_month",
    "horizon_months",
    *_ROLE_FIELDS_BEFORE_FILL,
    "fill_rate",
    *_ROLE_FIELDS_AFTER_FILL,
    "reskill_annual",
    "reskill_months",
    "reskill_cost",
    "reskill_planned",
    "cost_multiplier",
    "budget_annual",
    "target",
    "capacity",
    "paths",
    "seed",
)


@dataclass(frozen=True)
class Scenario:
    """A complete, validated planning scenario (see docs/scenario-format.md).

    Role-keyed fields accept a mapping role -> value (missing roles take the
    default; 0 for headcount, planned starts and open requisitions) or a
    4-tuple in ROLES order, and are stored as tuples in ROLES order.
    `attrition_annual`, `time_to_fill_months`, `max_starts_per_month`,
    `ramp_months` and `annual_cost` also accept one number for all roles.
    `planned_starts` is stored with trailing zeros removed.
    """

    headcount: tuple[int, ...]
    start_month: str = field(default_factory=current_month)
    horizon_months: int = int(params.value("horizon_months"))
    attrition_annual: tuple[float, ...] = ()
    attrition_interval: tuple[tuple[float, float] | None, ...] = ()
    planned_starts: tuple[tuple[int, ...], ...] = ()
    open_requisitions: tuple[int, ...] = ()
    hiring_policy: tuple[HiringPolicy, ...] = ()
    fill_rate: float = float(params.value("fill_rate"))
    time_to_fill_months: tuple[int, ...] = ()
    max_starts_per_month: tuple[int, ...] = ()
    ramp_months: tuple[float, ...] = ()
    annual_cost: tuple[float, ...] = ()
    reskill_annual: float = float(params.value("reskill_annual"))
    reskill_months: int = int(params.value("reskill_months"))
    reskill_cost: float = float(params.value("reskill_cost"))
    reskill_planned: tuple[int, ...] = ()
    cost_multiplier: float = float(params.value("cost_multiplier"))
    budget_annual: float | None = None
    target: Target = field(default_factory=Target)
    capacity: CapacityParams = field(default_factory=CapacityParams)
    paths: int = int(params.value("paths"))
    seed: int = int(params.value("seed"))

    def __post_init__(self) -> None:
        put = object.__setattr__
        parse_month(self.start_month)
        horizon = params.param("horizon_months").validate(self.horizon_months)
        put(self, "horizon_months", horizon)

        if isinstance(self.headcount, Mapping) or (
            isinstance(self.headcount, tuple | list) and len(self.headcount) == len(ROLES)
        ):
            hc = _role_items(self.headcount, "headcount")
        else:
            raise ScenarioError(
                'headcount: expected an object such as {"data_scientist": 30, "ml_engineer": 3}'
            )
        put(self, "headcount", tuple(_count(hc.get(r, 0), f"headcount.{r.value}") for r in ROLES))

        def empty_or(value: object) -> object:
            return {} if value == () or value is None else value

        attrition = empty_or(self.attrition_annual)
        put(
            self,
            "attrition_annual",
            _per_role(attrition, "attrition_annual", _checked("attrition_annual"), scalar_ok=True),
        )
        ivs = _role_items(empty_or(self.attrition_interval), "attrition_interval")
        put(
            self,
            "attrition_interval",
            tuple(_interval(ivs.get(r), f"attrition_interval.{r.value}") for r in ROLES),
        )
        for r, iv, a in zip(ROLES, self.attrition_interval, self.attrition_annual):
            if iv is not None and not iv[0] - 1e-12 <= a <= iv[1] + 1e-12:
                raise ScenarioError(
                    f"attrition_interval.{r.value}: [{iv[0]:g}, {iv[1]:g}] does not contain "
                    f"attrition_annual.{r.value} {a:g}; give the point estimate and its interval"
                )
        ps = _role_items(empty_or(self.planned_starts), "planned_starts")
        put(
            self,
            "planned_starts",
            tuple(_starts(ps.get(r, ()), f"planned_starts.{r.value}", horizon) for r in ROLES),
        )
        reqs = _role_items(empty_or(self.open_requisitions), "open_requisitions")
        put(
            self,
            "open_requisitions",
            tuple(_count(reqs.get(r, 0), f"open_requisitions.{r.value}") for r in ROLES),
        )
        pol = _role_items(empty_or(self.hiring_policy), "hiring_policy")
        put(
            self,
            "hiring_policy",
            tuple(
                HiringPolicy.from_dict(pol[r], f"hiring_policy.{r.value}", horizon)
                if r in pol
                else HiringPolicy()
                for r in ROLES
            ),
        )
        for r, policy, starts in zip(ROLES, self.hiring_policy, self.planned_starts):
            if policy.sets_positions and any(starts):
                raise ScenarioError(
                    f"planned_starts.{r.value}: a role with hiring_policy "
                    f'{{"kind": "{policy.kind.value}"}} hires to its positions; remove '
                    f"planned_starts.{r.value} or set hiring_policy.{r.value} to "
                    '{"kind": "none"}'
                )
        for name in (
            "fill_rate",
            "reskill_annual",
            "reskill_months",
            "reskill_cost",
            "cost_multiplier",
        ):
            put(self, name, params.param(name).validate(getattr(self, name)))
        put(self, "reskill_planned", _reskill_planned(self.reskill_planned, horizon))
        put(self, "budget_annual", _budget(self.budget_annual))
        for name in ("time_to_fill_months", "max_starts_per_month", "ramp_months", "annual_cost"):
            value = empty_or(getattr(self, name))
            put(self, name, _per_role(value, name, _checked(name), scalar_ok=True))

        target = self.target
        if isinstance(target, Mapping):
            target = Target.from_dict(target)
        elif not isinstance(target, Target):
            raise ScenarioError('target: expected an object such as {"ds_per_mle": 6}')
        if target.deadline_month is None:
            default = int(params.value("target.deadline_month"))
            target = dataclasses.replace(target, deadline_month=min(default, horizon))
        if target.deadline_month is not None and target.deadline_month > horizon:
            raise ScenarioError(
                f"target.deadline_month: {target.deadline_month} is beyond horizon_months "
                f"{horizon}; move the deadline earlier or lengthen the horizon"
            )
        put(self, "target", target)
        cap = self.capacity
        if isinstance(cap, Mapping):
            cap = CapacityParams.from_dict(cap)
        elif not isinstance(cap, CapacityParams):
            raise ScenarioError('capacity: expected an object such as {"mentoring_drag": 0.2}')
        put(self, "capacity", cap)
        for name in ("paths", "seed"):
            put(self, name, params.param(name).validate(getattr(self, name)))

    # ---------------------------------------------------------------- accessors

    @staticmethod
    def _index(role: Role | str) -> int:
        return ROLES.index(parse_role(role))

    def by_role(self, name: str) -> dict[str, Any]:
        """Return a role-keyed field as a dict role key -> value (ROLES order).

        Args:
            name: one of ROLE_FIELDS, e.g. "attrition_annual".

        Returns:
            {role_key: value}; planned_starts are padded to the horizon.
        """
        if name not in ROLE_FIELDS:
            raise KeyError(f"{name} is not a role-keyed field; use one of {ROLE_FIELDS}")
        if name == "planned_starts":
            return {r.value: self.starts_of(r) for r in ROLES}
        return dict(zip(ROLE_KEYS, getattr(self, name)))

    @property
    def deadline(self) -> int:
        """The deadline's month index (target.deadline_month, resolved: never None here)."""
        assert self.target.deadline_month is not None  # resolved in __post_init__
        return self.target.deadline_month

    def headcount_of(self, role: Role | str) -> int:
        """Return the month-0 headcount of `role`."""
        return self.headcount[self._index(role)]

    def attrition_of(self, role: Role | str) -> float:
        """Return the annual attrition rate of `role`."""
        return self.attrition_annual[self._index(role)]

    def interval_of(self, role: Role | str) -> tuple[float, float] | None:
        """Return the 90% interval of annual attrition of `role`, or None."""
        return self.attrition_interval[self._index(role)]

    def starts_of(self, role: Role | str) -> tuple[int, ...]:
        """Return planned starts of `role` padded with zeros to horizon_months entries."""
        s = self.planned_starts[self._index(role)]
        return s + (0,) * (self.horizon_months - len(s))

    def open_requisitions_of(self, role: Role | str) -> int:
        """Return the number of open requisitions of `role`."""
        return self.open_requisitions[self._index(role)]

    def policy_of(self, role: Role | str) -> HiringPolicy:
        """Return the hiring policy of `role` (kind none when the file gives none)."""
        return self.hiring_policy[self._index(role)]

    def positions_of(self, role: Role | str) -> list[int] | None:
        """Central positions of `role` by month (horizon+1 ints), or None for policy none.

        Today's positions are the headcount plus open requisitions.
        """
        i = self._index(role)
        policy = self.hiring_policy[i]
        if not policy.sets_positions:
            return None
        n0 = self.headcount[i] + self.open_requisitions[i]
        return [int(x) for x in policy.positions(n0, self.horizon_months)]

    def moved_intervals(self, attrition: Mapping[str, float]) -> dict[str, list[float]]:
        """The attrition intervals after the point values change to `attrition`.

        An edited point carries its spread with it: the interval is scaled by
        new / old (so a rate estimated at 14.7% [7.8, 26.8] and edited to 20% becomes
        [10.6, 36.4]), clipped below 1; a role whose old point was 0 loses its interval.

        Args:
            attrition: role key -> new annual attrition (roles left out keep theirs).

        Returns:
            The attrition_interval mapping to pass with the new attrition_annual.
        """
        out: dict[str, list[float]] = {}
        for r, old, iv in zip(ROLE_KEYS, self.attrition_annual, self.attrition_interval):
            if iv is None:
                continue
            new = float(attrition.get(r, old))
            if new == old:
                out[r] = list(iv)
            elif old > 0:
                f = new / old
                out[r] = [min(iv[0] * f, new), min(max(iv[1] * f, new), 0.999)]
        return out

    def reskill_planned_by_month(self) -> tuple[int, ...]:
        """Data scientists starting to reskill in each month 0..horizon (horizon+1 ints)."""
        s = self.reskill_planned
        return s + (0,) * (self.horizon_months + 1 - len(s))

    def time_to_fill_of(self, role: Role | str) -> int:
        """Return time to fill of `role`, in months."""
        return self.time_to_fill_months[self._index(role)]

    def max_starts_of(self, role: Role | str) -> int:
        """Return the most starts per month the solver may schedule for `role`."""
        return self.max_starts_per_month[self._index(role)]

    def ramp_of(self, role: Role | str) -> float:
        """Return months to full productivity of `role`."""
        return self.ramp_months[self._index(role)]

    def annual_cost_of(self, role: Role | str) -> float:
        """Return the fully loaded annual cost of one person in `role`, USD (salary x
        cost_multiplier)."""
        return self.annual_cost[self._index(role)] * self.cost_multiplier

    @property
    def loaded_costs(self) -> tuple[float, ...]:
        """Fully loaded annual cost per person, per role in ROLES order, USD."""
        return tuple(c * self.cost_multiplier for c in self.annual_cost)

    def months(self) -> list[str]:
        """Return the horizon+1 month labels "YYYY-MM" (index 0 = start_month)."""
        return month_labels(self.start_month, self.horizon_months + 1)

    # ---------------------------------------------------------------- round trip

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with `changes` applied and validated (dataclasses.replace).

        Args:
            **changes: field values; role-keyed fields may be mappings, `target`
                and `capacity` may be mappings.

        Returns:
            The new, validated Scenario.
        """
        unknown = [k for k in changes if k not in SCENARIO_KEYS]
        if unknown:
            check_keys({unknown[0]: None}, SCENARIO_KEYS, "")
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, d: object) -> Scenario:
        """Build a Scenario from a JSON object; all keys but headcount are optional.

        Args:
            d: the parsed scenario file.

        Returns:
            The validated Scenario.
        """
        if not isinstance(d, Mapping):
            raise ScenarioError("scenario: expected a JSON object at the top level")
        check_keys(d, SCENARIO_KEYS, "")
        if "headcount" not in d:
            raise ScenarioError(
                "headcount: missing; give the current headcount per role, e.g. "
                '{"data_scientist": 30, "ml_engineer": 3}'
            )
        if d["headcount"] is None:
            raise ScenarioError("headcount: is null; give the current headcount per role")
        return cls(**{k: v for k, v in d.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of this scenario: every key, defaults filled.

        Returns:
            A dict that `Scenario.from_dict` turns back into an equal Scenario.
        """
        return {
            "start_month": self.start_month,
            "horizon_months": self.horizon_months,
            "headcount": dict(zip(ROLE_KEYS, self.headcount)),
            "attrition_annual": dict(zip(ROLE_KEYS, self.attrition_annual)),
            "attrition_interval": {
                k: list(iv) for k, iv in zip(ROLE_KEYS, self.attrition_interval) if iv is not None
            },
            "planned_starts": {k: list(s) for k, s in zip(ROLE_KEYS, self.planned_starts)},
            "open_requisitions": dict(zip(ROLE_KEYS, self.open_requisitions)),
            "hiring_policy": {k: p.to_dict() for k, p in zip(ROLE_KEYS, self.hiring_policy)},
            "fill_rate": self.fill_rate,
            "time_to_fill_months": dict(zip(ROLE_KEYS, self.time_to_fill_months)),
            "max_starts_per_month": dict(zip(ROLE_KEYS, self.max_starts_per_month)),
            "ramp_months": dict(zip(ROLE_KEYS, self.ramp_months)),
            "annual_cost": dict(zip(ROLE_KEYS, self.annual_cost)),
            "reskill_annual": self.reskill_annual,
            "reskill_months": self.reskill_months,
            "reskill_cost": self.reskill_cost,
            "reskill_planned": list(self.reskill_planned),
            "cost_multiplier": self.cost_multiplier,
            "budget_annual": self.budget_annual,
            "target": self.target.to_dict(),
            "capacity": self.capacity.to_dict(),
            "paths": self.paths,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, text: str | bytes) -> Scenario:
        """Parse a scenario file's text.

        Args:
            text: JSON text of a scenario object.

        Returns:
            The validated Scenario; invalid JSON raises ScenarioError with line/column.
        """
        d = parse_json(
            text,
            "scenario",
            "a scenario file is a flat object of role maps and lists (see docs/scenario-format.md)",
        )
        return cls.from_dict(d)

    def to_json(self, indent: int | None = 2) -> str:
        """Return the scenario as JSON text (every key, defaults filled)."""
        return json.dumps(self.to_dict(), indent=indent)
