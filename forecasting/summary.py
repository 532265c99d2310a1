"""Plain-language summaries of a simulation and a hiring plan (pure; no UI imports)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from forecasting import formatting
from forecasting.roles import DS, MLE, Role

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.simulate import SimulationResult

_DS, _MLE = DS, MLE


def meets_target(ratio: np.ndarray | float, k: float) -> np.ndarray:
    """Whether a ratio meets the target 1:k: ``DS / MLE <= k`` (the one rule, everywhere).

    The ratio is the float quotient ``ds / mle`` of `forecasting.simulate.ratio_paths`
    (+inf where there is no ML engineer, which never meets the target), compared with
    k itself, not ``ds <= k * mle``: the two differ by rounding, e.g. 255 data scientists
    and 25 ML engineers meet k = 10.2 (255 / 25 = 10.2) although 10.2 * 25 < 255.

    Args:
        ratio: data scientists per ML engineer, any shape.
        k: target data scientists per ML engineer.

    Returns:
        Boolean array shaped like `ratio`.
    """
    return np.asarray(ratio) <= k


def p_target_by_month(paths_headcount: np.ndarray, k: float) -> np.ndarray:
    """P(the ratio meets 1:k) for each month, from (paths, T+1, 4) headcounts.

    Args:
        paths_headcount: `SimulationResult.paths_headcount`.
        k: target data scientists per ML engineer.

    Returns:
        (T+1,) share of paths that meet the target (`meets_target`) in each month.
    """
    from forecasting.simulate import ratio_paths

    ratio = ratio_paths(np.moveaxis(paths_headcount, 0, -1))
    return meets_target(ratio, k).mean(axis=1)


def months_to_target(paths_headcount: np.ndarray, k: float, confidence: float) -> int | None:
    """First month from which P(target met) stays at or above `confidence` to the horizon.

    A month where P(target met) rises above the goal and later falls back does not count.

    Args:
        paths_headcount: `SimulationResult.paths_headcount`, (paths, T+1, 4).
        k: target data scientists per ML engineer.
        confidence: the goal for P(target met), e.g. 0.8.

    Returns:
        The month index m such that P(target met) >= confidence in every month from m
        to the horizon, the smallest such; None when P is below the goal at the horizon.
    """
    p = p_target_by_month(paths_headcount, k)
    below = np.flatnonzero(p < confidence)
    first = int(below[-1]) + 1 if below.size else 0
    return first if first < len(p) else None


def current_ratio(headcount: dict[str, int] | tuple[int, ...]) -> float:
    """Today's data scientists per ML engineer (inf when there is no ML engineer)."""
    if isinstance(headcount, dict):
        ds, mle = headcount.get("data_scientist", 0), headcount.get("ml_engineer", 0)
    else:
        ds, mle = headcount[_DS], headcount[_MLE]
    return math.inf if mle == 0 else ds / mle


# The one formatter (forecasting/formatting.py), under the names this module always had.
month_name = formatting.month_name
money = formatting.money
ratio_text = formatting.ratio_text


def plan_sentence(
    *,
    k: float,
    deadline_label: str,
    confidence: float,
    hold: bool,
    total_starts: int | None,
    annual_cost: float | None,
    strategy: str,
    error: str | None = None,
) -> str:
    """The headline sentence, e.g. 'To reach 1:6 by Jun 2028 with 80% confidence: ...'."""
    goal = f"To reach {ratio_text(k)} by {month_name(deadline_label)}"
    if hold:
        goal += " and hold it to the horizon"
    goal += f" with {confidence:.0%} confidence"
    if error is not None or total_starts is None:
        return f"{goal}: not reachable under the current constraints. {error or ''}".strip()
    if total_starts == 0:
        return f"{goal}: no ML engineer starts are needed; the team already gets there."
    people = "ML engineer start" if total_starts == 1 else "ML engineer starts"
    cost = f", {money(annual_cost)}/yr run-rate" if annual_cost else ""
    pace = strategy.replace("_", "-")
    return f"{goal}: {total_starts} {people} ({pace} schedule){cost}."


def quarter_text(items: list[tuple[str, int]], limit: int = 4) -> str:
    """'3 in Q1 2027, 2 in Q3 2027' (at most `limit` quarters, then '…')."""
    parts = [f"{n} in {q}" for q, n in items[:limit]]
    if len(items) > limit:
        parts.append("…")
    return ", ".join(parts)


def answer_sentence(
    plan, scenario, *, strategy: str, error: str | None = None, reachable=None
) -> str:
    """The one-sentence answer for a HiringPlan (None when infeasible) of `scenario`.

    Positions mode (the ML engineer role backfills): "To reach 1:6 by Dec 2028 with 80%
    confidence while data science grows 42 → 60: 8 new ML engineer positions (3 in Q1
    2027, …), $1.3M/yr run-rate; about 4 more starts backfill leavers." Starts mode
    keeps the starts sentence of :func:`plan_sentence`.

    Args:
        plan: the solver's HiringPlan, or None.
        scenario: the scenario the plan was solved for (its target and team plan).
        strategy: the schedule strategy's value.
        error: the solver's message when there is no plan.
        reachable: a `solver.Reachable` for an unreachable target: the sentence then
            says, in words, what would work instead of the solver's message.
    """
    from forecasting.plans import quarters

    target = scenario.target
    months = scenario.months()
    deadline = scenario.deadline
    goal = f"To reach {ratio_text(target.ds_per_mle)} by {month_name(months[deadline])}"
    if target.hold:
        goal += " and hold it to the horizon"
    goal += f" with {target.confidence:.0%} confidence"
    ds_positions = scenario.positions_of(Role.DATA_SCIENTIST)
    if ds_positions is not None:
        now, then = scenario.headcount_of(Role.DATA_SCIENTIST), ds_positions[deadline]
        if then > now:
            goal += f" while data science grows {now} → {then}"
        elif then < now:
            goal += f" while data science shrinks {now} → {then}"
        else:
            goal += f" with data science held at {then}"
    if (plan is None or error is not None) and reachable is not None:
        return f"{goal}: not reachable with the current hiring limits. " + what_would_work(
            reachable, scenario
        )
    if plan is None or error is not None:
        return f"{goal}: not reachable under the current constraints. {error or ''}".strip()
    if plan.mode != "positions":
        total = plan.total_starts
        if total == 0:
            return f"{goal}: no ML engineer starts are needed; the team already gets there."
        people = "ML engineer start" if total == 1 else "ML engineer starts"
        cost = f", {money(plan.annual_cost)}/yr run-rate" if plan.annual_cost else ""
        when = quarter_text(quarters(months[1:], plan.planned_starts["ml_engineer"]))
        return f"{goal}: {total} {people} ({when}; {strategy.replace('_', '-')} schedule){cost}."
    n = plan.total_positions_added
    opened = scenario.open_requisitions_of(Role.ML_ENGINEER)
    backfill = max(plan.expected_starts - n - opened, 0.0)
    tail = (
        f"; about {backfill:.0f} more start{'s' if round(backfill) != 1 else ''} backfill "
        f"leavers by {month_name(months[-1])}"
        if round(backfill) > 0
        else ""
    )
    if n == 0:
        return (
            f"{goal}: no new ML engineer positions are needed; backfilling leavers "
            f"gets there{tail}."
        )
    when = quarter_text(quarters(months, plan.positions_added))
    noun = "new ML engineer position" if n == 1 else "new ML engineer positions"
    return f"{goal}: {n} {noun} ({when}), {money(plan.annual_cost)}/yr run-rate{tail}."


def projections_frame(result: SimulationResult) -> pd.DataFrame:
    """One tidy table of a simulation for download: month, series, role, mean, p10, p50, p90.

    Series: headcount (per role), ds_per_mle, cost_usd_per_month, effective_fte (per role),
    ds_engineering_share, delivery_index.
    """
    import pandas as pd

    hc = result.headcount.assign(series="headcount")
    ratio = result.ratio.assign(series="ds_per_mle", role="", mean=float("nan"))
    cost = result.cost.rename(
        columns={"cost_mean": "mean", "cost_p10": "p10", "cost_p90": "p90"}
    ).assign(series="cost_usd_per_month", role="", p50=float("nan"))
    fte = result.capacity.rename(columns={"effective_fte": "mean"}).assign(series="effective_fte")
    cap = result.capacity_summary
    share = cap.assign(series="ds_engineering_share", role="", mean=cap["ds_engineering_share"])
    delivery = cap.assign(series="delivery_index", role="", mean=cap["delivery_index"])
    cols = ["month", "series", "role", "mean", "p10", "p50", "p90"]
    frames = [f.reindex(columns=cols) for f in (hc, ratio, cost, fte, share, delivery)]
    return pd.concat(frames, ignore_index=True)


#: Decimals of the wide projections table: people (headcount, starts, positions), the
#: ratio, probabilities (0-1); money is whole dollars.
PEOPLE_DIGITS, RATIO_DIGITS, PROBABILITY_DIGITS = 1, 2, 3


def projections_wide(result: SimulationResult) -> pd.DataFrame:
    """The projection as a spreadsheet reads it: one row per month, rounded for people.

    Columns, in order:

    - ``month`` ("YYYY-MM"), ``month_index`` (0 = the start month);
    - per role (``data_engineer``, ``data_scientist``, ``ml_engineer``,
      ``product_manager``): ``<role>_headcount_p10`` / ``_p50`` / ``_p90`` (people at
      month end), ``<role>_starts_mean`` (people starting that month, mean over paths),
      ``<role>_positions`` (the plan's positions; blank for a role without a hiring
      policy);
    - ``ds_per_mle_p10`` / ``_p50`` / ``_p90``: data scientists per ML engineer, the k of
      1:k (blank where fewer than half the paths have an ML engineer);
    - ``p_target_met``: share of simulated paths meeting the target that month (0-1);
    - ``payroll_usd_per_month_mean`` / ``_p10`` / ``_p90``, ``payroll_usd_per_year_run_rate``
      (12 x the monthly mean), ``payroll_usd_cumulative_mean`` (from month 1).

    People have 1 decimal, the ratio 2, probabilities 3; money is whole dollars.

    Args:
        result: a simulation (per-path arrays not needed).

    Returns:
        A DataFrame with one row per month of the horizon, month 0 included.
    """
    import pandas as pd

    from forecasting.roles import ROLES

    n = len(result.months)
    sc = result.scenario
    data: dict[str, object] = {"month": list(result.months), "month_index": np.arange(n)}
    q = result.headcount_q
    for r, role in enumerate(ROLES):
        key = role.value
        for i, name in enumerate(("p10", "p50", "p90")):
            data[f"{key}_headcount_{name}"] = np.round(q[i, :, r], PEOPLE_DIGITS)
        data[f"{key}_starts_mean"] = np.round(result.starts_mean[:, r], PEOPLE_DIGITS)
        positions = sc.positions_of(role)
        data[f"{key}_positions"] = pd.array(
            positions[:n] if positions is not None else [None] * n, dtype="Int64"
        )
    for i, name in enumerate(("p10", "p50", "p90")):
        data[f"ds_per_mle_{name}"] = np.round(result.ratio_q[i], RATIO_DIGITS)
    p = np.asarray(result.p_target_by_month, dtype=float)
    data["p_target_met"] = np.round(p, PROBABILITY_DIGITS) if p.shape == (n,) else np.nan

    def dollars(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
        v = np.asarray(values, dtype=float)
        return pd.array(
            [None if not math.isfinite(x) else round(x) for x in v.tolist()], dtype="Int64"
        )

    data["payroll_usd_per_month_mean"] = dollars(result.cost_mean)
    data["payroll_usd_per_month_p10"] = dollars(result.cost_q[0])
    data["payroll_usd_per_month_p90"] = dollars(result.cost_q[1])
    data["payroll_usd_per_year_run_rate"] = dollars(12.0 * np.asarray(result.cost_mean))
    data["payroll_usd_cumulative_mean"] = dollars(result.cumulative_cost_mean)
    return pd.DataFrame(data)


def probability_text(p: float, paths: int, goal: float | None = None) -> str:
    """A simulated probability as shown beside its goal: '97%', or '79.6% ± 0.9' near it.

    Within two Monte Carlo standard errors (sqrt(p (1 - p) / paths)) of the goal, or
    when rounding to whole percent would hide that it is below the goal, the value gets
    one decimal and its standard error, so "79.6%" never reads "80%" beside "goal 80%".

    Args:
        p: the probability (share of simulated paths).
        paths: the number of paths it was estimated on.
        goal: the confidence it is compared with, if any.
    """
    se = math.sqrt(max(p * (1.0 - p), 0.0) / max(paths, 1))
    near = goal is not None and (
        abs(p - goal) < 2 * se or (round(100 * p) == round(100 * goal) and p != goal)
    )
    if near:
        return f"{100 * p:.1f}% ± {100 * se:.1f}"
    return f"{100 * p:.0f}%"


def held_warning(p_met: float, p_held: float, confidence: float, k: float) -> str | None:
    """The warning beside an answer that meets the target but does not hold it, or None.

    Args:
        p_met: P(target met at the deadline).
        p_held: P(target held to the horizon).
        confidence: the goal.
        k: the target's k in 1:k.
    """
    if not p_held < confidence <= p_met:
        return None
    return (
        f"P(target held to the horizon) is {formatting.percent(p_held)}, below the "
        f"{formatting.percent(confidence)} goal: the ratio drifts back above {ratio_text(k)} "
        "after the deadline."
    )


def what_would_work(reachable, scenario) -> str:
    """What the most hiring the caps allow reaches, in words (no field names).

    E.g. "Even 2 new ML engineer positions every month from Feb 2027 give 41%
    confidence by May 2028; 80% is reached by Nov 2028. Move the deadline, accept
    a lower confidence, or allow more hiring a month."
    """
    target, months = scenario.target, scenario.months()
    noun = "new ML engineer position" if reachable.positions_mode else "ML engineer start"
    plural = (
        noun
        if reachable.per_month == 1
        else noun.replace("position", "positions").replace("start", "starts")
    )
    held = " and held to the horizon" if target.hold else ""
    first = month_name(months[min(reachable.first_month, len(months) - 1)])
    by = f"{formatting.percent(reachable.probability)} confidence by "
    by += month_name(months[scenario.deadline]) + held
    if reachable.per_month == 0:
        best = f"No ML engineer can be added (the monthly hiring limit is 0), which gives {by}"
    else:
        lag = scenario.time_to_fill_of(Role.ML_ENGINEER)
        each = f" (each takes {lag} month{'s' if lag != 1 else ''} to fill)" if lag else ""
        opened = " opened" if reachable.positions_mode else ""
        best = (
            f"Even {reachable.per_month} {plural}{opened} every month from {first}{each} give {by}"
        )
    goal = formatting.percent(target.confidence)
    if reachable.earliest_deadline is not None:
        later = f"{goal} is reached by {month_name(months[reachable.earliest_deadline])}{held}"
        fix = "Move the deadline there, accept a lower confidence, or allow more hiring a month."
    else:
        later = f"{goal} is not reached within the planning horizon ({month_name(months[-1])})"
        fix = (
            "Accept a lower confidence, allow more hiring a month, plan reskilling, or "
            "extend the horizon."
        )
    return f"{best}; {later}. {fix}"


def value_text(parameter: str, value: float, months: list[str] | None = None) -> str:
    """A sensitivity row's value as a person reads it: rates in %, months, people; a
    month index as its month's name when the labels are given."""
    if parameter.startswith(("attrition_annual", "fill_rate", "reskill_annual")):
        return f"{100 * value:.0f}%" + ("/yr" if "annual" in parameter else "")
    if parameter == "target.deadline_month" or parameter.endswith("by_month"):
        return month_name(months[int(value)]) if months is not None else f"month {value:.0f}"
    if parameter.startswith(("time_to_fill", "ramp")):
        return f"{value:g} months"
    return f"{value:.0f}"


def _in_sentence(label: str) -> str:
    """A row label inside a sentence: no unit in brackets, lower case unless an acronym."""
    text = label.split(" (")[0]
    return text if text[:2].isupper() else text[0].lower() + text[1:]


def sensitivity_sentence(result, months: list[str]) -> str:
    """What the answer hangs on, in one sentence a leader can repeat.

    E.g. "The answer hangs most on ML engineer attrition: from 4%/yr to 49%/yr it takes
    3 to 5 new ML engineer positions (today 4), and today's plan meets the target with
    99% to 79%. Product manager attrition and ML engineer ramp-up do not change it."
    """
    unit = "new ML engineer positions" if result.positions_mode else "ML engineer starts"
    if not result.rows:
        return "No assumption was varied."
    top = result.rows[0]
    lo, hi = top.positions

    def count(n: int | None) -> str:
        return "out of reach" if n is None else f"{n}"

    moves = lo != hi
    head = f"The answer hangs most on {_in_sentence(top.label)}: " if moves else ""
    span = (
        f"from {value_text(top.parameter, top.low, months)} to "
        f"{value_text(top.parameter, top.high, months)} it takes {count(lo)} to {count(hi)} "
        f"{unit} (today {count(result.positions)})"
    )
    p_lo, p_hi = top.p_target_met
    chance = f"{formatting.percent(p_lo)} to {formatting.percent(p_hi)}"
    plan = f", and today's plan meets the target with {chance}"
    still = [
        r.label
        for r in result.rows
        if r.positions == (result.positions, result.positions)
        and r.p_target_met == (result.p_target_met, result.p_target_met)
    ]
    tail = ""
    if still:
        words = [_in_sentence(s) for s in still]
        names = f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else words[0]
        tail = f" {names[0].upper() + names[1:]} do{'es' if len(still) == 1 else ''} not change it."
    if not moves:
        return (
            f"No assumption in its range changes the number of {unit} "
            f"({count(result.positions)}); {_in_sentence(top.label)} moves today's plan's chance "
            f"most: {chance}.{tail}"
        )
    return f"{head}{span}{plan}.{tail}"


def budget_sentence(answer, months: list[str]) -> str:
    """What a yearly budget buys, in one sentence."""
    unit = "new ML engineer position" if answer.positions_mode else "ML engineer start"
    n = answer.added
    what = f"{n} {unit}{'s' if n != 1 else ''}"
    sc = answer.scenario
    by = month_name(months[sc.deadline])
    goal = formatting.percent(answer.confidence)
    if answer.best_ratio is None:
        reach = f"the ratio is not defined with {goal} confidence by {by}"
    else:
        k = math.ceil(answer.best_ratio * 10 - 1e-9) / 10  # rounded up: a claim that holds
        reach = f"with {goal} confidence the ratio reaches {ratio_text(k)} by {by}"
    target = ratio_text(sc.target.ds_per_mle)
    return (
        f"{money(answer.budget)} a year buys {what} ({money(answer.positions_cost)}/yr once "
        f"filled, {money(answer.run_rate)}/yr expected on the payroll at the deadline): "
        f"{reach}; P({target} by {by}) is {formatting.percent(answer.p_target_met)}."
    )


def mix_sentence(options, scenario) -> str:
    """The cheapest mix of reskilling and new positions against hiring only, in words."""
    from forecasting.advice import cheapest

    best = cheapest(options)
    hiring = next((o for o in options if o.reskill_annual == 0.0), None)
    goal = (
        f"{ratio_text(scenario.target.ds_per_mle)} by "
        f"{month_name(scenario.months()[scenario.deadline])}"
    )
    if best is None:
        return f"No mix of reskilling (up to 20% a year) and new positions reaches {goal}."

    def what(o) -> str:
        n = o.added
        positions = f"{n} new position{'s' if n != 1 else ''}"
        if o.reskill_annual == 0.0:
            return f"hiring only ({positions})"
        return (
            f"reskilling {formatting.percent(o.reskill_annual)} of data scientists a year "
            f"(about {o.reskilled:.0f} by the deadline) and {positions}"
        )

    assert best.year_cost is not None  # cheapest() returns a reachable option
    cost = f"{money(best.year_cost)} in the year to the deadline"
    if hiring is None or hiring.year_cost is None:
        return f"Cheapest for {goal}: {what(best)}, {cost}; hiring alone cannot reach it."
    if best is hiring:
        return f"Cheapest for {goal}: {what(best)}, {cost}; no reskilling mix costs less."
    saving = hiring.year_cost - best.year_cost
    return (
        f"Cheapest for {goal}: {what(best)}, {cost}, {money(saving)} less than "
        f"{what(hiring)} at {money(hiring.year_cost)}."
    )
