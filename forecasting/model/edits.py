"""The ML engineer plan of a scenario, read and replaced in one place (new positions when the
role has a hiring policy, else planned starts), and the scenario over another horizon."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from forecasting.model.months import quarter_of, quarters
from forecasting.model.roles import Role
from forecasting.model.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class PlanMode(StrEnum):
    """What an ML engineer plan adds, decided here once: new, permanent positions (the role
    has a hiring policy, so leavers are backfilled) or one-off starts (it has none)."""

    POSITIONS = "positions"
    STARTS = "starts"

    @classmethod
    def of(cls, scenario: Scenario, role: Role | str = Role.ML_ENGINEER) -> PlanMode:
        """The mode of `role`'s plan in `scenario` (default: the ML engineers')."""
        return cls.POSITIONS if scenario.policy_of(role).sets_positions else cls.STARTS

    @property
    def positions(self) -> bool:
        return self is PlanMode.POSITIONS

    def unit(self, n: int = 2, *, role: str = "ML engineer", capital: bool = False) -> str:
        """'new ML engineer positions' / 'ML engineer starts'; singular when n == 1."""
        who = f"{role} " if role else ""
        noun = f"new {who}position" if self.positions else f"{who}start"
        noun += "" if n == 1 else "s"
        return noun[0].upper() + noun[1:] if capital else noun

    @property
    def schedule_key(self) -> str:
        """The scenario key the schedule is written to (JSON)."""
        return "positions_added" if self.positions else "planned_starts"

    def month_labels(self, months: list[str]) -> list[str]:
        """The month each schedule entry counts in: a position in the month it opens (index
        0..horizon), a start in the month it joins (planned_starts index i joins month i+1)."""
        return list(months) if self.positions else list(months[1:])


@dataclass(frozen=True)
class MlePlan:
    """An ML engineer plan: its mode, its schedule (positions added per month 0..horizon,
    or starts per planned_starts index) and the month labels, with its size and quarters."""

    mode: PlanMode
    schedule: tuple[int, ...]
    months: tuple[str, ...]

    @classmethod
    def of(cls, scenario: Scenario) -> MlePlan:
        """The scenario's own ML engineer plan."""
        return cls(PlanMode.of(scenario), tuple(mle_schedule(scenario)), tuple(scenario.months()))

    @property
    def total(self) -> int:
        """New positions, or starts."""
        return int(sum(self.schedule))

    @property
    def per_month(self) -> tuple[int, ...]:
        """By month index 0..horizon: new positions opened, or starts joining."""
        return self.schedule if self.mode.positions else (0, *self.schedule)

    def quarters(self) -> list[tuple[str, int]]:
        """Non-zero calendar quarters: [("Q1 2027", 2), ...]."""
        return quarters(self.mode.month_labels(list(self.months)), self.schedule)

    def text(self) -> str:
        """'4 new ML engineer positions' / '1 ML engineer start'."""
        return f"{self.total} {self.mode.unit(self.total)}"


def mle_schedule(scenario: Scenario) -> list[int]:
    """The ML engineer plan as the solver sees it: positions added per month 0..horizon
    (positions mode), or starts per planned_starts index (starts mode)."""
    role = Role.ML_ENGINEER
    if PlanMode.of(scenario).positions:
        added = list(scenario.policy_of(role).positions_added)
        return added + [0] * (scenario.horizon_months + 1 - len(added))
    return list(scenario.starts_of(role))


def with_mle_plan(scenario: Scenario, schedule: list[int]) -> Scenario:
    """The scenario with its ML engineer plan replaced by `schedule` (see mle_schedule)."""
    role = Role.ML_ENGINEER
    values = [max(0, int(x)) for x in schedule]
    if PlanMode.of(scenario).positions:
        policies = scenario.by_role("hiring_policy")
        policies[role.value] = scenario.policy_of(role).with_added(values)
        return scenario.replace(hiring_policy=policies)
    return scenario.replace(
        planned_starts={**scenario.by_role("planned_starts"), role.value: values}
    )


def without_mle_plan(scenario: Scenario) -> Scenario:
    """The scenario with no ML engineer starts or new positions planned: what the solver
    starts from."""
    return with_mle_plan(scenario, [])


def has_mle_plan(scenario: Scenario) -> bool:
    """True when the scenario carries a hand-made (or solved) ML engineer plan."""
    return any(mle_schedule(scenario))


def mle_quarters(scenario: Scenario) -> list[tuple[str, int]]:
    """The ML engineer plan by calendar quarter: new positions opened (positions mode)
    or starts joining (starts mode), non-zero quarters only."""
    return MlePlan.of(scenario).quarters()


def quarter_frame(scenario: Scenario) -> pd.DataFrame:
    """Every calendar quarter of the horizon with the ML engineer plan's count in it
    (new positions opened, or starts joining), zeros included: columns quarter, count."""
    import pandas as pd

    months = scenario.months()
    labels: list[str] = []
    for m in months[1:]:
        q = quarter_of(m)
        if q not in labels:
            labels.append(q)
    counts = dict(mle_quarters(scenario))
    return pd.DataFrame({"quarter": labels, "count": [counts.get(q, 0) for q in labels]})


def added_mle(scenario: Scenario) -> int:
    """The ML engineer plan's size: new positions (positions mode) or starts."""
    return MlePlan.of(scenario).total


def with_horizon(scenario: Scenario, horizon_months: int) -> Scenario:
    """`scenario` planned over another horizon (the app's horizon control).

    Lists longer than the new horizon are cut (planned starts, planned reskilling,
    a path's months, the positions added); a growth policy reaching its number after the
    new horizon keeps its line and is cut at the horizon (``to`` becomes the number
    reached then, rounded half up); a deadline after the new horizon moves to it. A
    longer horizon keeps every list as it is (a path holds its last month; see
    HiringPolicy).

    Raises:
        ScenarioError: the horizon is not a whole number of months in 1..120.
    """
    from forecasting.model.policy import round_half_up

    h = int(horizon_months)
    d = scenario.to_dict()
    d["horizon_months"] = h
    d["planned_starts"] = {role: list(v)[:h] for role, v in d["planned_starts"].items()}
    d["reskill_planned"] = list(d["reskill_planned"])[: h + 1]
    for role, policy in d["hiring_policy"].items():
        for key in ("headcount", "p10", "p90", "positions_added"):
            if key in policy:
                policy[key] = list(policy[key])[: h + 1]
        if policy.get("kind") == "growth" and int(policy["by_month"]) > h:
            n0 = scenario.headcount_of(role) + scenario.open_requisitions_of(role)
            share = h / int(policy["by_month"])
            policy["to"] = int(round_half_up(n0 + (int(policy["to"]) - n0) * share))
            policy["by_month"] = h
    target = d["target"]
    if target.get("deadline_month") is not None and int(target["deadline_month"]) > h:
        target["deadline_month"] = h
    return Scenario.from_dict(d)


def with_attrition(scenario: Scenario, annual: float) -> Scenario:
    """`scenario` with every role's annual attrition set to `annual` (the "attrition, all
    roles" what-if); a role's interval moves with its rate, keeping its shape (scaled by
    the new rate over the old, clipped to [0, 0.99]), or is dropped when the old rate
    was 0.

    Raises:
        ScenarioError: `annual` is not a rate in [0, 1).
    """
    rates = scenario.by_role("attrition_annual")
    intervals = scenario.by_role("attrition_interval")
    new_intervals: dict[str, list[float]] = {}
    for role, iv in intervals.items():
        old = rates[role]
        if iv is not None and old > 0:
            # The interval's shape relative to its rate, to 4 decimals: moving the control
            # away and back gives the same scenario (a cache hit), not one a float
            # rounding apart.
            rel_low, rel_high = round(iv[0] / old, 4), round(iv[1] / old, 4)
            low = min(round(rel_low * annual, 9), annual)
            high = min(max(round(rel_high * annual, 9), annual), 0.99)
            new_intervals[role] = [low, high]
    return scenario.replace(
        attrition_annual={role: annual for role in rates}, attrition_interval=new_intervals
    )


def common_attrition(scenario: Scenario) -> float:
    """The attrition the "all roles" control shows: the headcount-weighted mean rate (the
    plain mean for an empty team)."""
    weights = [max(n, 0) for n in scenario.headcount]
    rates = scenario.attrition_annual
    total = sum(weights)
    if total == 0:
        return sum(rates) / len(rates)
    return sum(w * r for w, r in zip(weights, rates)) / total
