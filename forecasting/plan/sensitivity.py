"""Sensitivity: which assumption moves the answer most (one at a time, common random numbers).

Each assumption is set to the low and then the high end of its interval or of a stated
range, everything else as it is, and three things are measured:

- ``positions``: the fewest new ML engineer positions (starts, when the ML engineer
  role has no hiring policy) meeting the target, re-solved with the strategy's shape
  (`solver.quick_schedule`: the scenario's own paths, no certification);
- ``p_target_met``: P(target met at the deadline) of today's plan, held fixed;
- ``target_reached``: the first month today's plan has P at the goal (the card's rule).

Every run uses the scenario's seed: each role draws from its own random stream and
the search evaluates schedules with exactly `simulate`'s numbers (forecasting/
evaluate.py), so an assumption that cannot matter for the ML engineer answer (product
manager attrition, ramp-up) changes nothing, exactly, and the differences shown are
the assumptions', not Monte Carlo noise.

Parameters are named by their scenario key path (``attrition_annual.data_scientist``,
``hiring_policy.data_scientist.to``, ``target.deadline_month``...); rows are sorted by
the size of the effect on positions, then on the probability.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecasting.model import params
from forecasting.model.edits import PlanMode
from forecasting.model.formatting import role_label
from forecasting.model.policy import PolicyKind
from forecasting.model.roles import ROLE_KEYS
from forecasting.model.scenario import Scenario
from forecasting.model.target import target_reached
from forecasting.plan.evaluate import Budget, Evaluator, WorkCapped
from forecasting.plan.schedule import quick_schedule
from forecasting.plan.solver import Strategy

DS, MLE = "data_scientist", "ml_engineer"
#: Stated ranges where an assumption has no interval of its own.
ATTRITION_SCALE = (0.5, 1.5)  # x today's rate (no interval): half to one and a half
GROWTH_SCALE = 0.5  # data-science growth: half as much, one and a half times as much
GROWTH_MIN_SHARE = 0.1  # ... but at least 10% of today's data scientists either way
BY_MONTH_STEP = 6


@dataclass(frozen=True)
class Perturbation:
    """One assumption and its low and high values.

    Attributes:
        parameter: its scenario key path.
        label: what it is, in words.
        low, high: the values tried (a number a person reads: for a projected path,
            the data scientists it reaches at the deadline).
        apply: scenario, low-or-high flag -> the scenario with that value.
    """

    parameter: str
    label: str
    low: float
    high: float
    apply: Callable[[Scenario, bool], Scenario] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Row:
    """The answer at an assumption's low and high value."""

    parameter: str
    label: str
    low: float
    high: float
    positions: tuple[int | None, int | None]
    p_target_met: tuple[float, float]
    target_reached: tuple[int | None, int | None]

    @property
    def effect(self) -> tuple[float, float]:
        """(change in positions (unreachable = infinite), change in P): the sort key."""
        lo, hi = self.positions
        d_pos = math.inf if lo is None or hi is None else abs(hi - lo)
        return d_pos, abs(self.p_target_met[1] - self.p_target_met[0])

    def to_json_dict(self) -> dict[str, Any]:
        """One row of the CLI's `rows` (pairs as [at low, at high])."""
        out: dict[str, Any] = {k: getattr(self, k) for k in ("parameter", "label", "low", "high")}
        out["positions"] = list(self.positions)
        out["p_target_met"] = [round(p, 4) for p in self.p_target_met]
        out["target_reached_month"] = list(self.target_reached)
        return out


@dataclass(frozen=True)
class Sensitivity:
    """The tornado: today's answer and one row per assumption, largest effect first."""

    paths: int
    seed: int
    strategy: str
    mode: PlanMode
    positions: int | None
    p_target_met: float
    target_reached: int | None
    rows: tuple[Row, ...]
    capped: str = ""  # the assumptions the work budget left out, and why; "" when none

    def to_json_dict(self) -> dict[str, Any]:
        """The `python -m forecasting sensitivity` JSON object."""
        return {
            "paths": self.paths,
            "seed": self.seed,
            "strategy": self.strategy,
            "unit": self.mode.unit(),
            "base": {
                "positions": self.positions,
                "p_target_met": round(self.p_target_met, 4),
                "target_reached_month": self.target_reached,
            },
            "rows": [r.to_json_dict() for r in self.rows],
            **({"capped": self.capped} if self.capped else {}),
        }


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def _per_role(sc: Scenario, name: str, role: str, value: Any) -> Scenario:
    return sc.replace(**{name: {**sc.by_role(name), role: value}})


def _attrition(role: str, point: float, interval: tuple[float, float] | None) -> Perturbation:
    if interval is not None:
        low, high = interval
    else:
        low, high = (_clip(point * f, 0.0, 0.9) for f in ATTRITION_SCALE)

    def apply(sc: Scenario, use_high: bool) -> Scenario:
        v = high if use_high else low
        iv = sc.by_role("attrition_interval")[role]
        if iv is not None and point > 0:  # the interval moves with the rate, same shape
            scale = v / point
            iv = (_clip(iv[0] * scale, 0.0, v), _clip(iv[1] * scale, v, 0.99))
        return sc.replace(
            attrition_annual={**sc.by_role("attrition_annual"), role: v},
            attrition_interval={**sc.by_role("attrition_interval"), role: iv},
        )

    return Perturbation(
        f"attrition_annual.{role}", f"{role_label(role)} attrition", low, high, apply
    )


def _value(parameter: str, label: str, lo: float, hi: float) -> Perturbation:
    """An assumption set by its key path: a scenario key ("fill_rate") or one role's value
    of a role-keyed one ("time_to_fill_months.ml_engineer")."""
    key, _, role = parameter.partition(".")

    def apply(sc: Scenario, use_high: bool) -> Scenario:
        v = hi if use_high else lo
        return _per_role(sc, key, role, v) if role else sc.replace(**{key: v})

    return Perturbation(parameter, label, lo, hi, apply)


def _growth(sc: Scenario) -> list[Perturbation]:
    """Data-science growth: how many (and, for a growth policy, by when)."""
    policy = sc.policy_of(DS)
    n0 = sc.headcount_of(DS) + sc.open_requisitions_of(DS)
    label = "Data-science growth"
    if policy.kind is PolicyKind.PATH:
        d = sc.deadline
        if policy.uncertain:  # the projection's own 80% band
            ends = (policy.p10, policy.p90)

            def band(s: Scenario, use_high: bool) -> Scenario:
                path = list(ends[1] if use_high else ends[0])
                new = {"kind": "path", "headcount": path, "source": policy.source}
                return _per_role(s, "hiring_policy", DS, new)

            at = [float(e[min(d, len(e) - 1)]) for e in ends]
            return [Perturbation(f"hiring_policy.{DS}.headcount", label, at[0], at[1], band)]
        base = np.asarray(policy.headcount, dtype=float)

        def scaled(s: Scenario, use_high: bool) -> Scenario:
            f = 1 + GROWTH_SCALE if use_high else 1 - GROWTH_SCALE
            path = [round(n0 + f * (x - n0), 2) for x in base]
            return _per_role(s, "hiring_policy", DS, {"kind": "path", "headcount": path})

        end = float(base[min(d, len(base) - 1)])
        lo, hi = (n0 + f * (end - n0) for f in (1 - GROWTH_SCALE, 1 + GROWTH_SCALE))
        return [Perturbation(f"hiring_policy.{DS}.headcount", label, lo, hi, scaled)]
    if policy.kind is PolicyKind.NONE:
        # No positions to vary: the data scientists follow their planned starts and
        # leavers (their attrition has its own row). A growth row would change the model.
        return []
    if policy.kind is PolicyKind.GROWTH:
        assert policy.to is not None and policy.by_month is not None  # a growth policy has both
        to, by = int(policy.to), int(policy.by_month)
    else:  # backfill: today's number, held, by the deadline
        to, by = n0, sc.deadline
    step = max(abs(to - n0) * GROWTH_SCALE, GROWTH_MIN_SHARE * n0, 1.0)
    to_low, to_high = max(round(to - step), 0), round(to + step)

    def grow(s: Scenario, to_: int, by_: int) -> Scenario:
        new = {"kind": "growth", "to": to_, "by_month": by_}
        return _per_role(s, "hiring_policy", DS, new)

    rows = [
        Perturbation(
            f"hiring_policy.{DS}.to",
            "Data scientists planned",
            to_low,
            to_high,
            lambda s, h: grow(s, to_high if h else to_low, by),
        )
    ]
    if policy.kind is PolicyKind.GROWTH:
        by_low = int(_clip(by - BY_MONTH_STEP, 1, sc.horizon_months))
        by_high = int(_clip(by + BY_MONTH_STEP, 1, sc.horizon_months))
        rows.append(
            Perturbation(
                f"hiring_policy.{DS}.by_month",
                "Data-science growth reached by (month)",
                by_low,
                by_high,
                lambda s, h: grow(s, to, by_high if h else by_low),
            )
        )
    return rows


def perturbations(sc: Scenario) -> list[Perturbation]:
    """Every assumption tried, with its low and high values, for `sc`: the registry's
    (forecasting/model/params.py) in its order — attrition over its interval, the
    data-science plan by its policy, every other one by its `step` within its `vary`."""
    out: list[Perturbation] = []
    for param in params.PARAMS:
        if param.key == "attrition_annual":
            rates, intervals = sc.by_role("attrition_annual"), sc.by_role("attrition_interval")
            out += [_attrition(role, rates[role], intervals[role]) for role in ROLE_KEYS]
        elif param.key == f"hiring_policy.{DS}":
            out += _growth(sc)
        elif param.step is not None:
            out += _stepped(sc, param)
    return out


def _stepped(sc: Scenario, param: params.Param) -> list[Perturbation]:
    """The rows of an assumption varied by its step: one per role it names, or one."""
    if param.key == "target.deadline_month":
        lo, hi = (int(_clip(v, 1, sc.horizon_months)) for v in param.varied(sc.deadline))

        def deadline(s: Scenario, use_high: bool) -> Scenario:
            month = hi if use_high else lo
            return s.replace(target={**s.target.to_dict(), "deadline_month": month})

        return [Perturbation(param.key, param.vary_label, lo, hi, deadline)]
    if not param.per_role:
        return [_value(param.key, param.vary_label, *param.varied(getattr(sc, param.key)))]
    values = sc.by_role(param.key)
    return [
        _value(
            f"{param.key}.{role}",
            param.vary_label.format(role=role_label(role)),
            *param.varied(values[role]),
        )
        for role in param.vary_roles
    ]


def _answer(
    sc: Scenario, plan: np.ndarray, strategy: Strategy, guess: int | None, budget: Budget
) -> tuple[int | None, float, int | None]:
    """(positions re-solved, P(met) of `plan`, the month `plan` reaches the target) for `sc`."""
    budget.check()
    evaluate = Evaluator(sc, budget)
    solved = quick_schedule(sc, strategy, evaluate=evaluate, guess=guess)
    p_by_month = evaluate.p_by_month(plan)
    return (
        None if solved is None else int(solved.sum()),
        float(p_by_month[sc.deadline]),
        target_reached(p_by_month, sc.target.confidence, _se(evaluate, p_by_month)),
    )


def _se(evaluate: Evaluator, p_by_month: np.ndarray) -> np.ndarray | None:
    """Standard errors of sampled probabilities (None when exact): the card's rule decides
    a sampled month only 2 standard errors clear of the goal."""
    if evaluate.exact is not None:
        return None
    return np.sqrt(np.clip(p_by_month * (1.0 - p_by_month), 0.0, None) / evaluate.scenario.paths)


def sensitivity(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    plan: np.ndarray | None = None,
    only: Callable[[Perturbation], bool] | None = None,
    budget: Budget | None = None,
) -> Sensitivity:
    """Vary each assumption to its low and high value, one at a time.

    Args:
        scenario: the scenario without an ML engineer plan of its own beyond its floor
            (the solver's input, e.g. `plans.without_mle_plan` of the app's).
        strategy: the shape of the re-solved schedules (fewest is searched as even).
        plan: today's plan to hold fixed for the probabilities (the ML engineer
            schedule: positions added by month, or planned starts); default: the
            re-solve of `scenario` itself.
        only: keep only the perturbations this returns True for.
        budget: the work allowed for the whole tornado. When it runs out after today's
            answer, the rows finished so far are returned and `capped` names the
            assumptions left out; before it, WorkCapped is raised.

    Returns:
        The Sensitivity, rows sorted by the effect on positions, then on P.
    """
    budget = budget or Budget()
    strategy = Strategy(strategy)
    if strategy is Strategy.FEWEST:
        strategy = Strategy.EVEN
    evaluate = Evaluator(scenario, budget)
    base = quick_schedule(scenario, strategy, evaluate=evaluate)
    if plan is None:
        plan = base if base is not None else np.zeros(0, dtype=np.int64)
    plan = np.asarray(plan, dtype=np.int64)
    p_by_month = evaluate.p_by_month(plan)
    guess = None if base is None else int(base.sum() - _floor(scenario))
    rows = []
    left_out: list[str] = []
    capped = ""
    for pert in perturbations(scenario):
        if only is not None and not only(pert):
            continue
        if capped:
            left_out.append(pert.label)
            continue
        try:
            ends = [
                _answer(pert.apply(scenario, h), plan, strategy, guess, budget)
                for h in (False, True)
            ]
        except WorkCapped as exc:
            capped = str(exc)
            left_out.append(pert.label)
            continue
        rows.append(
            Row(
                parameter=pert.parameter,
                label=pert.label,
                low=float(pert.low),
                high=float(pert.high),
                positions=(ends[0][0], ends[1][0]),
                p_target_met=(ends[0][1], ends[1][1]),
                target_reached=(ends[0][2], ends[1][2]),
            )
        )
    rows.sort(key=lambda r: (-r.effect[0], -r.effect[1], r.parameter))
    return Sensitivity(
        paths=scenario.paths,
        seed=scenario.seed,
        strategy=strategy.value,
        mode=PlanMode.of(scenario),
        positions=None if base is None else int(base.sum()),
        p_target_met=float(p_by_month[scenario.deadline]),
        target_reached=target_reached(
            p_by_month, scenario.target.confidence, _se(evaluate, p_by_month)
        ),
        rows=tuple(rows),
        capped=f"not varied: {', '.join(left_out)} ({capped})" if capped else "",
    )


def _floor(scenario: Scenario) -> int:
    """ML engineer positions (or starts) the scenario itself already plans."""
    policy = scenario.policy_of(MLE)
    if policy.sets_positions:
        return int(sum(policy.positions_added))
    return int(sum(scenario.starts_of(MLE)))
