"""Scenario comparison: the Compare page's numbers, aligned on calendar months.

Each compared scenario is a :class:`Compared` (its simulation, and the simulation of the
same scenario without its ML engineer plan, which prices the added engineers). From
those this module builds, once:

* the long frames the comparison charts draw (ratio and headcount P50 by month, the
  ML engineer plan by calendar quarter, the run-rate of the added ML engineers), keyed
  by scenario and calendar month, so scenarios that start in different months line up;
* the decision table, one row per scenario, written by forecasting.model.formatting;
* "the cost of each extra 10 points of confidence": scenarios with the same target ratio
  and deadline ordered by P(target met), each step's extra run-rate per 10 percentage
  points of P (n/a when P does not rise), in exact arithmetic.

Pure: pandas and the engine only, no UI.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from forecasting.model import edits, formatting
from forecasting.model.months import month_labels
from forecasting.model.roles import DS, MLE, Role
from forecasting.report.sentences import probability_text
from forecasting.simulate.result import run_rate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.model.scenario import Scenario
    from forecasting.simulate.result import SimulationResult

#: The most scenarios compared at once (the page's selection).
MAX_COMPARED = 4
#: The roles whose headcount the comparison draws: the ratio's two sides.
HEADCOUNT_ROLES = (Role.DATA_SCIENTIST.value, Role.ML_ENGINEER.value)
#: What "points of confidence" are counted in: 10 percentage points of P(target met).
POINTS_STEP = 10.0

#: The decision table's columns, in order (the scenario name is the index).
DECISION_COLUMNS = (
    "Target",
    "Deadline",
    "Strategy",
    "New ML engineer positions",
    "P(target met)",
    "P(target held)",
    "Run-rate of added MLEs",
    "Target reached",
)
#: The confidence table's columns, in order.
CONFIDENCE_COLUMNS = (
    "From",
    "To",
    "Target",
    "P(target met)",
    "Extra run-rate",
    "Per 10 pts of P",
)


@dataclass(frozen=True)
class Compared:
    """One scenario on the Compare page, as simulated.

    Attributes:
        name: the name it was saved under.
        scenario: the simulated scenario (its ML engineer plan included).
        result: its simulation.
        baseline: the simulation of `scenario` without its ML engineer plan
            (edits.without_mle_plan): what the added ML engineers are priced against.
        strategy: the solver strategy (forecasting.plan.solver.Strategy value).
        manual: True when the ML engineer plan was edited by hand (strategy unused).
    """

    name: str
    scenario: Scenario
    result: SimulationResult
    baseline: SimulationResult
    strategy: str = "even"
    manual: bool = False

    @property
    def run_rate(self) -> float:
        """Run-rate of the added ML engineers at the deadline, USD/yr (simulate.result.run_rate)."""
        return run_rate(self.scenario, self.result, self.baseline)

    @property
    def deadline_month(self) -> str:
        """The deadline as a calendar month "YYYY-MM"."""
        return self.result.months[self.scenario.deadline]


# ---------------------------------------------------------------------------------------
# calendar alignment


def calendar_months(entries: Sequence[Compared]) -> list[str]:
    """Every calendar month from the earliest start to the latest horizon, contiguous."""
    if not entries:
        return []
    first = min(e.result.months[0] for e in entries)
    last = max(e.result.months[-1] for e in entries)
    y0, m0 = (int(p) for p in first.split("-"))
    y1, m1 = (int(p) for p in last.split("-"))
    return month_labels(first, (y1 - y0) * 12 + (m1 - m0) + 1)


def aligned(frame: pd.DataFrame, value: str, months: Sequence[str]) -> pd.DataFrame:
    """A long frame (scenario, month, `value`) as a month x scenario table on `months`.

    Scenarios keep the order they first appear in; a month outside a scenario's own
    range is NaN (never carried over from another month).
    """
    names = list(dict.fromkeys(frame["scenario"]))
    wide = frame.pivot(index="month", columns="scenario", values=value)
    return wide.reindex(index=list(months), columns=names)


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def ratio_frame(entries: Sequence[Compared]) -> pd.DataFrame:
    """Data scientists per ML engineer by calendar month: scenario, month, p10, p50, p90."""
    rows = []
    for e in entries:
        q = e.result.ratio_q
        for t, month in enumerate(e.result.months):
            rows.append(
                {
                    "scenario": e.name,
                    "month": month,
                    "p10": float(q[0, t]),
                    "p50": float(q[1, t]),
                    "p90": float(q[2, t]),
                }
            )
    return _frame(rows, ["scenario", "month", "p10", "p50", "p90"])


def targets_frame(entries: Sequence[Compared]) -> pd.DataFrame:
    """Each scenario's target at its deadline: scenario, month, target (k), label."""
    rows = []
    for e in entries:
        k = e.scenario.target.ds_per_mle
        rows.append(
            {
                "scenario": e.name,
                "month": e.deadline_month,
                "target": float(k),
                "label": f"{formatting.ratio_text(k)} by {formatting.month_name(e.deadline_month)}",
            }
        )
    return _frame(rows, ["scenario", "month", "target", "label"])


def headcount_frame(entries: Sequence[Compared]) -> pd.DataFrame:
    """Median headcount of data scientists and ML engineers by calendar month:
    scenario, month, role, p50."""
    rows = []
    for e in entries:
        p50 = e.result.headcount_q[1]
        for t, month in enumerate(e.result.months):
            for r, role in ((DS, HEADCOUNT_ROLES[0]), (MLE, HEADCOUNT_ROLES[1])):
                rows.append(
                    {"scenario": e.name, "month": month, "role": role, "p50": float(p50[t, r])}
                )
    return _frame(rows, ["scenario", "month", "role", "p50"])


def _quarter_start(quarter: str) -> str:
    """'Q2 2027' -> '2027-04' (the quarter's first month)."""
    q, year = quarter.split()
    return f"{year}-{3 * (int(q[1:]) - 1) + 1:02d}"


def quarters_frame(entries: Sequence[Compared]) -> pd.DataFrame:
    """The ML engineer plan by calendar quarter (edits.quarter_frame), every quarter of each
    scenario's horizon: scenario, quarter ("Q2 2027"), quarter_start ("2027-04"),
    positions (new positions opened, or starts joining in starts mode), unit."""
    rows = []
    for e in entries:
        unit = edits.PlanMode.of(e.scenario).value
        for quarter, n in edits.quarter_frame(e.scenario).itertuples(index=False):
            rows.append(
                {
                    "scenario": e.name,
                    "quarter": quarter,
                    "quarter_start": _quarter_start(quarter),
                    "positions": int(n),
                    "unit": unit,
                }
            )
    return _frame(rows, ["scenario", "quarter", "quarter_start", "positions", "unit"])


def added_cost_frame(entries: Sequence[Compared]) -> pd.DataFrame:
    """Run-rate of the added ML engineers by calendar month: scenario, month, run_rate (USD/yr).

    The mean ML engineer headcount with the plan minus without it, times the annual
    cost; at each scenario's deadline this is its run-rate (simulate.result.run_rate).
    """
    rows = []
    for e in entries:
        extra = e.result.headcount_mean[:, MLE] - e.baseline.headcount_mean[:, MLE]
        cost = e.scenario.annual_cost_of(Role.ML_ENGINEER)
        for month, x in zip(e.result.months, extra):
            rows.append({"scenario": e.name, "month": month, "run_rate": float(x) * cost})
    return _frame(rows, ["scenario", "month", "run_rate"])


# ---------------------------------------------------------------------------------------
# the cost of confidence


def _exact(x: float) -> Fraction:
    """A float as the decimal it prints as (0.8 -> 4/5), for exact differences."""
    return Fraction(repr(float(x)))


def cost_per_points(
    p_from: float, p_to: float, cost_from: float, cost_to: float, step: float = POINTS_STEP
) -> float | None:
    """Extra cost per `step` percentage points of P: Δcost / Δ(P in points) × step.

    Exact arithmetic: each number is taken as the decimal it prints as and the quotient is
    rounded once (70% → 80% for $50k more is $50,000 per 10 points, not $49,999.99...).

    Args:
        p_from, p_to: the two probabilities (0–1), lower first.
        cost_from, cost_to: their costs (e.g. run-rate, USD/yr).
        step: points per unit of the answer (10: "per 10 points").

    Returns:
        The cost per `step` points, or None when P does not rise (a ratio would be
        meaningless: no confidence is bought) or a number is not finite.
    """
    if not all(math.isfinite(x) for x in (p_from, p_to, cost_from, cost_to, step)):
        return None
    points = 100 * (_exact(p_to) - _exact(p_from))
    if points <= 0:
        return None
    return float((_exact(cost_to) - _exact(cost_from)) / points * _exact(step))


@dataclass(frozen=True)
class ConfidenceStep:
    """One step between two scenarios with the same target and deadline (`goal`), ordered
    by P(target met)."""

    low: str
    high: str
    p_low: float
    p_high: float
    cost_low: float
    cost_high: float
    goal: str = ""

    @property
    def points(self) -> float:
        """The rise in P(target met), percentage points (exact, rounded once)."""
        return float(100 * (_exact(self.p_high) - _exact(self.p_low)))

    @property
    def extra_cost(self) -> float:
        """The extra run-rate, USD/yr (negative: the likelier scenario is cheaper)."""
        return float(_exact(self.cost_high) - _exact(self.cost_low))

    @property
    def per_10_points(self) -> float | None:
        """Extra run-rate per 10 points of P, or None when P does not rise."""
        return cost_per_points(self.p_low, self.p_high, self.cost_low, self.cost_high)


def confidence_steps(
    items: Sequence[tuple[str, float, float] | tuple[str, float, float, str]],
) -> list[ConfidenceStep]:
    """Scenarios with the same goal ordered by P(target met), each consecutive pair a step.

    Args:
        items: (name, P(target met), cost[, goal]) per scenario. Only scenarios with the
            same goal (target ratio and deadline, e.g. "1:6 by Jul 2028") are compared: a
            P is against its own target, so a step between two goals prices nothing.
            Ties in P are ordered by cost, then by the order given.

    Returns:
        Per goal (in the order first given), its scenarios' steps from the least to the
        most likely; none for a goal with one scenario.
    """
    groups: dict[str, list[tuple[str, float, float]]] = {}
    for it in items:
        goal = str(it[3]) if len(it) > 3 else ""
        groups.setdefault(goal, []).append((it[0], float(it[1]), float(it[2])))
    steps = []
    for goal, members in groups.items():
        ordered = sorted(members, key=lambda it: (it[1], it[2]))
        steps += [
            ConfidenceStep(a[0], b[0], a[1], b[1], a[2], b[2], goal) for a, b in pairwise(ordered)
        ]
    return steps


def _per_10_text(per10: float | None) -> str:
    if per10 is None:
        return "n/a"
    text = f"{formatting.money(per10)}/yr"
    return f"{text} (cheaper)" if per10 < 0 else text


def goal_text(scenario: Scenario, deadline_month: str) -> str:
    """The goal a P(target met) is against: '1:6 by Jul 2028' (the ratio to every digit it
    has when the one formatter would round it, so two targets never read the same)."""
    k = scenario.target.ds_per_mle
    ratio = formatting.ratio_text(k)
    if float(ratio.partition(":")[2]) != k:
        ratio = f"1:{k!r}"
    return f"{ratio} by {formatting.month_name(deadline_month)}"


def confidence_table(entries: Sequence[Compared]) -> pd.DataFrame:
    """The cost of each extra 10 points of confidence between the compared scenarios that
    share a target ratio and deadline, priced by the run-rate of their added ML engineers
    (see :func:`steps_table`); empty when no two share both."""
    return steps_table(
        confidence_steps(
            [
                (e.name, e.result.p_target_met, e.run_rate, goal_text(e.scenario, e.deadline_month))
                for e in entries
            ]
        )
    )


def steps_table(steps: Sequence[ConfidenceStep]) -> pd.DataFrame:
    """Confidence steps, formatted: one row per step (CONFIDENCE_COLUMNS), written by
    forecasting.model.formatting ("n/a" where P does not rise)."""
    rows = []
    for s in steps:
        per10 = s.per_10_points
        rows.append(
            {
                "From": s.low,
                "To": s.high,
                "Target": s.goal,
                "P(target met)": f"{formatting.percent(s.p_low)} → {formatting.percent(s.p_high)}"
                f" ({formatting.points(s.points / 100)})",
                "Extra run-rate": f"{formatting.money(s.extra_cost, signed=True)}/yr",
                "Per 10 pts of P": _per_10_text(per10),
            }
        )
    return _frame(rows, CONFIDENCE_COLUMNS)


# ---------------------------------------------------------------------------------------
# the decision table


def strategy_label(strategy: str, manual: bool = False) -> str:
    """'front_loaded' -> 'Front-loaded'; a hand-edited plan says so instead."""
    if manual:
        return "Hand-edited plan"
    return str(strategy).replace("_", "-").capitalize()


def decision_row(e: Compared) -> dict[str, Any]:
    """One scenario's decision numbers, unformatted.

    Returns:
        name, target (k), deadline (month), strategy, manual, added (new positions or
        starts), unit ("positions" | "starts"), p_met, p_held, confidence, hold, paths,
        run_rate (USD/yr), se_met, se_held, target_reached_month (month index, 0 = already met,
        or None), target_reached ("YYYY-MM" or None).
    """
    sc, res = e.scenario, e.result
    reached = res.target_reached(sc.target.confidence)
    return {
        "name": e.name,
        "target": sc.target.ds_per_mle,
        "deadline": e.deadline_month,
        "strategy": e.strategy,
        "manual": e.manual,
        "added": edits.added_mle(sc),
        "unit": edits.PlanMode.of(sc).value,
        "p_met": res.p_target_met,
        "p_held": res.p_target_held,
        "confidence": sc.target.confidence,
        "hold": sc.target.hold,
        "paths": sc.paths,
        "run_rate": e.run_rate,
        "se_met": res.se_met,
        "se_held": res.p_held_se,
        "target_reached_month": reached,
        "target_reached": None if reached is None else res.months[reached],
    }


def decision_table(entries: Sequence[Compared]) -> pd.DataFrame:
    """The decision table, formatted: one row per scenario (index: its name), the
    DECISION_COLUMNS, every number written by forecasting.model.formatting."""
    import pandas as pd

    rows = [decision_row(e) for e in entries]
    out = []
    for r in rows:
        goal = r["confidence"]
        added = formatting.number(r["added"], digits=0)
        if r["unit"] == "starts":
            added = f"{added} starts"
        if r["target_reached_month"] is None:
            reached = "not within horizon"
        elif r["target_reached_month"] == 0:
            reached = "already met"
        else:
            reached = formatting.month_name(r["target_reached"])
        out.append(
            {
                "Target": formatting.ratio_text(r["target"]),
                "Deadline": formatting.month_name(r["deadline"]),
                "Strategy": strategy_label(r["strategy"], r["manual"]),
                "New ML engineer positions": added,
                "P(target met)": f"{probability_text(r['p_met'], r['se_met'], goal)} "
                f"(goal {formatting.percent(goal)})",
                "P(target held)": probability_text(
                    r["p_held"], r["se_held"], goal if r["hold"] else None
                ),
                "Run-rate of added MLEs": f"{formatting.money(r['run_rate'])}/yr",
                "Target reached": reached,
            }
        )
    return pd.DataFrame(out, index=pd.Index([r["name"] for r in rows], name="Scenario"))
