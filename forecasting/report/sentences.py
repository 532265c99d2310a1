"""Plain-language sentences of a simulation and a hiring plan: the answer, probabilities,
warnings, what would work, sensitivity, budget, reskilling mix and team shape (pure; no UI)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from forecasting.model import formatting, params
from forecasting.model.formatting import money, month_name, ratio_text, role_label
from forecasting.model.policy import PolicyKind
from forecasting.model.roles import Role
from forecasting.model.target import current_ratio
from forecasting.plan.decide import sampled_bounds

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.model.scenario import Scenario
    from forecasting.plan.budget import BudgetAnswer
    from forecasting.plan.reach import Reachable
    from forecasting.plan.reskill import Mix, MixOption
    from forecasting.plan.sensitivity import Sensitivity
    from forecasting.plan.solver import HiringPlan
    from forecasting.plan.team import TeamPlan
    from forecasting.simulate.result import SimulationResult


def quarter_text(items: list[tuple[str, int]], limit: int | None = 4) -> str:
    """'3 in Q1 2027, 2 in Q3 2027' (at most `limit` quarters, then '…'; None: all)."""
    parts = [f"{n} in {q}" for q, n in items[:limit]]
    if limit is not None and len(items) > limit:
        parts.append("…")
    return ", ".join(parts)


def quarter_runs_text(items: list[tuple[str, int]]) -> str:
    """Every quarter with a hire, consecutive quarters of the same count said once:
    '1 a quarter in Q1–Q4 2027 and Q2–Q3 2028, 2 in Q1 2029' (no quarter left out).

    Args:
        items: (quarter label "Q1 2027", count) in time order, quarters with a count only.
    """
    runs: list[list[tuple[str, int]]] = []
    for quarter, n in items:
        last = runs[-1][-1] if runs else None
        if last is not None and last[1] == n and _next_quarter(last[0]) == quarter:
            runs[-1].append((quarter, n))
        else:
            runs.append([(quarter, n)])

    def span(run: list[tuple[str, int]]) -> str:
        first, last = run[0][0], run[-1][0]
        if first == last:
            return first
        if first[3:] == last[3:]:  # the same year: "Q1–Q4 2027"
            return f"{first[:2]}–{last}"
        return f"{first}–{last}"

    groups: list[tuple[int, bool, list[str]]] = []  # count, a run of quarters?, spans
    for run in runs:
        n, many = run[0][1], len(run) > 1
        if groups and groups[-1][0] == n and groups[-1][1] == many:
            groups[-1][2].append(span(run))
        else:
            groups.append((n, many, [span(run)]))
    parts = []
    for n, many, spans in groups:
        where = spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} and {spans[-1]}"
        parts.append(f"{n} {'a quarter ' if many else ''}in {where}")
    return ", ".join(parts)


def _next_quarter(label: str) -> str:
    """'Q4 2027' -> 'Q1 2028'."""
    q, year = int(label[1]), int(label[3:])
    return f"Q{q % 4 + 1} {year + (q == 4)}"


def holds_text(result: SimulationResult) -> str | None:
    """How long the target holds after the deadline, when that is less than the horizon:
    "Met at the deadline; holds 1 month (P falls to 79.6% by Mar 2029)." None when it
    holds to the horizon, or is not met at the deadline (the card's P says so).

    Args:
        result: the projection of the plan on screen (exact P by month where it applies).
    """
    scenario = result.scenario
    goal, deadline, months = scenario.target.confidence, scenario.deadline, result.months
    through = result.held_through(goal)
    if through is None or through >= len(months) - 1:
        return None
    p_by_month = [float(x) for x in result.p_target_by_month]

    def shown(t: int) -> str:
        se = float(result.p_se[t]) if len(result.p_se) > t else 0.0
        return probability_text(p_by_month[t], se, goal)

    n = through - deadline
    held = "not after it" if n == 0 else f"holds {n} month{'s' if n != 1 else ''}"
    # The first month after the run whose P is below the goal (a sampled P just after the
    # run may still read above it, only not clear of its noise).
    below = next((t for t in range(through + 1, len(months)) if p_by_month[t] < goal), None)
    if below is None:
        after = month_name(months[through + 1])
        return (
            f"Met at the deadline; {held} (from {after} P is within its noise of the goal: "
            f"{shown(through + 1)})."
        )
    return (
        f"Met at the deadline; {held} (P falls to {shown(below)} by {month_name(months[below])})."
    )


def answer_sentence(
    plan: HiringPlan | None,
    scenario: Scenario,
    *,
    strategy: str,
    error: str | None = None,
    reachable: Reachable | None = None,
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
    from forecasting.model.months import quarters

    target = scenario.target
    months = scenario.months()
    deadline = scenario.deadline
    goal = f"To reach {ratio_text(target.ds_per_mle)} by {month_name(months[deadline])}"
    if target.hold:
        goal += " and hold it to the horizon"
    goal += f" with {formatting.confidence_percent(target.confidence)} confidence"
    goal += ds_plan_text(scenario)
    if (plan is None or error is not None) and reachable is not None:
        return f"{goal}: not reachable with the current hiring limits. " + what_would_work(
            reachable, scenario
        )
    if plan is None or error is not None:
        return f"{goal}: not reachable under the current constraints. {error or ''}".strip()
    if not plan.mode.positions:
        total = plan.total_starts
        if total == 0:
            return f"{goal}: no ML engineer starts are needed; the team already gets there."
        people = plan.mode.unit(total)
        cost = f", {money(plan.annual_cost)}/yr run-rate" if plan.annual_cost else ""
        when = quarter_runs_text(quarters(months[1:], plan.planned_starts["ml_engineer"]))
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
        return f"{goal}: no new ML engineer positions are needed; backfilling leavers gets there."
    when = quarter_runs_text(quarters(months, plan.positions_added))
    noun = "new ML engineer position" if n == 1 else "new ML engineer positions"
    buffer = ""
    today = current_ratio(scenario.headcount)
    ds_positions = scenario.positions_of(Role.DATA_SCIENTIST)
    ds_then = ds_positions[deadline] if ds_positions else scenario.headcount_of(Role.DATA_SCIENTIST)
    mle_now = scenario.headcount_of(Role.ML_ENGINEER)
    if mle_now and today <= target.ds_per_mle and ds_then / mle_now <= target.ds_per_mle:
        # Today's team already meets the target with the data science planned: the new
        # positions only cover the seats empty while leavers are replaced.
        buffer = (
            f" to cover vacancies: today's {ratio_text(round(today, 1))} drifts above "
            f"{ratio_text(target.ds_per_mle)} when ML engineers leave"
        )
    counting = ""
    if opened:
        counting = f", counting {opened} open ML engineer requisition{'s' if opened != 1 else ''}"
    return (
        f"{goal}: {n} {noun}{buffer} ({when}), {money(plan.annual_cost)}/yr run-rate"
        f"{counting}{tail}."
    )


def ds_plan_text(scenario: Scenario) -> str:
    """The data-science plan as the controls set it, for the answer sentence: " while data
    science grows 30 → 45 by Dec 2028 (37 at the deadline)", " while data science follows
    its projection 30 → 47 by Dec 2029 (39 at the deadline)", " with data science held at
    30"; "" when data science has no positions."""
    positions = scenario.positions_of(Role.DATA_SCIENTIST)
    if positions is None:
        return ""
    months, deadline = scenario.months(), scenario.deadline
    policy = scenario.policy_of(Role.DATA_SCIENTIST)
    now, at_deadline = scenario.headcount_of(Role.DATA_SCIENTIST), positions[deadline]
    if policy.kind is PolicyKind.GROWTH and policy.to is not None and policy.by_month:
        end, by = int(policy.to), int(policy.by_month)
        verb = "grows" if end > now else ("shrinks" if end < now else "is held at")
    else:
        end, by = positions[-1], len(positions) - 1
        verb = "grows" if end > now else ("shrinks" if end < now else "is held at")
        if policy.kind is PolicyKind.PATH:
            verb = "follows its projection"
    if end == now and at_deadline == now:
        return f" with data science held at {now}"
    then = f" ({at_deadline} at the deadline)" if by != deadline else ""
    return f" while data science {verb} {now} → {end} by {month_name(months[by])}{then}"


#: Decimals of the wide projections table: people (headcount, starts, positions), the
#: ratio, probabilities (0-1); money is whole dollars.


def probability_text(p: float, se: float, goal: float | None = None) -> str:
    """A probability as shown beside its goal: '97%', or '79.8%' / '79.6% ± 0.9' near it.

    When rounding to whole percent would hide that it is below the goal, or (for a
    sampled probability) within two standard errors of the goal, the value gets one
    decimal, and a sampled one its standard error, so "79.6%" never reads "80%" beside
    "goal 80%".

    Args:
        p: the probability.
        se: its standard error (0 when exact).
        goal: the confidence it is compared with, if any.
    """
    near = goal is not None and (
        abs(p - goal) < 2 * se or (round(100 * p) == round(100 * goal) and p != goal)
    )
    if near:
        digits = 1
        while (
            goal is not None
            and se == 0
            and digits < 4
            and p < goal
            and round(100 * p, digits) >= round(100 * goal, digits)
        ):
            digits += 1  # an exact 79.96% must not read "80.0%" beside "goal 80%"
        return f"{100 * p:.{digits}f}%" + (f" ± {100 * se:.1f}" if se > 0 else "")
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


def what_would_work(reachable: Reachable, scenario: Scenario) -> str:
    """What the most hiring the caps allow reaches, in words (no field names).

    E.g. "Even 2 new ML engineer positions every month from Feb 2027 give 41%
    confidence by May 2028; 80% is reached by Nov 2028. Move the deadline, accept
    a lower confidence, or allow more hiring a month."
    """
    target, months = scenario.target, scenario.months()
    plural = reachable.mode.unit(reachable.per_month)
    held = " and held to the horizon" if target.hold else ""
    first = month_name(months[min(reachable.first_month, len(months) - 1)])
    by = f"{formatting.percent(reachable.probability)} confidence by "
    by += month_name(months[scenario.deadline]) + held
    if reachable.per_month == 0:
        best = f"No ML engineer can be added (the monthly hiring limit is 0), which gives {by}"
    else:
        lag = scenario.time_to_fill_of(Role.ML_ENGINEER)
        each = f" (each takes {lag} month{'s' if lag != 1 else ''} to fill)" if lag else ""
        opened = " opened" if reachable.mode.positions else ""
        best = (
            f"Even {reachable.per_month} {plural}{opened} every month from {first}{each} give {by}"
        )
    goal = formatting.confidence_percent(target.confidence)
    paths = reachable.paths or scenario.paths
    shown = sampled_bounds(1.0, 0.0, paths)[0]  # what paths that all meet it show
    if reachable.probability >= 1.0 and shown < target.confidence:
        # every simulated path meets it, yet so few paths cannot show the goal (as the
        # solver's Judge decides)
        least = formatting.percent_at_least(shown)
        later = f"all {paths:,} simulated paths meet it, which shows at least {least}, not {goal}"
        return f"{best}; {later}. Accept a confidence of at most {least}."
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
    """A sensitivity row's value as a person reads it (its registry entry's format): rates
    in %, months, people; a month index as its month's name when the labels are given."""
    if parameter.endswith("by_month"):
        return params.param("target.deadline_month").text(value, months)
    field, _, role = parameter.partition(".")
    try:
        param = params.of(field, role or None) if field != "target" else params.param(parameter)
    except (KeyError, StopIteration):
        return f"{value:.0f}"
    return param.text(value, months) if param.fmt is not params.Fmt.TEXT else f"{value:.0f}"


def _in_sentence(label: str) -> str:
    """A row label inside a sentence: no unit in brackets, lower case unless an acronym."""
    text = label.split(" (")[0]
    return text if text[:2].isupper() else text[0].lower() + text[1:]


def sensitivity_sentence(result: Sensitivity, months: list[str]) -> str:
    """What the answer hangs on, in one sentence a leader can repeat.

    E.g. "The answer hangs most on ML engineer attrition: from 4%/yr to 49%/yr it takes
    3 to 5 new ML engineer positions (today 4), and today's plan meets the target with
    99% to 79%. Product manager attrition and ML engineer ramp-up do not change it."
    """
    unit = result.mode.unit()
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


def budget_sentence(answer: BudgetAnswer, months: list[str]) -> str:
    """What a yearly budget buys, in one sentence."""
    n = answer.added
    what = f"{n} {answer.mode.unit(n)}"
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


def mix_sentence(mix: Mix, scenario: Scenario) -> str:
    """The cheapest mix of whole data scientists reskilled and new positions against hiring
    only, costed over the mix's one window, in words."""
    months = scenario.months()
    goal = f"{ratio_text(scenario.target.ds_per_mle)} by {month_name(months[mix.deadline])}"
    w = mix.window
    over = f"over {month_name(w.first_label)}–{month_name(w.last_label)}"
    best, hiring = mix.best, mix.hiring_only

    def added(o: MixOption) -> str:
        n = o.added or 0
        return f"{n} {mix.mode.unit(n)}"

    if best is None:
        return f"Neither hiring nor reskilling within the caps reaches {goal}."
    if best.people == 0 or best.month is None:
        what = f"hiring only, {added(best)}"
    else:
        who = f"{best.people} data scientist{'s' if best.people != 1 else ''}"
        what = f"reskill {who} from {month_name(months[best.month])} and add {added(best)}"
    text = f"Cheapest for {goal}: {what}: {money(best.cost or 0.0)} {over}"
    if best is hiring:
        return text + "; no reskilling costs less."
    if hiring.cost is None:
        return text + "; hiring alone cannot reach it."
    return text + f", against {money(hiring.cost)} hiring only ({added(hiring)})."


def team_sentence(plan: TeamPlan, scenario: Scenario) -> str:
    """The team shape's answer in words."""
    from forecasting.model.formatting import month_name
    from forecasting.model.months import quarters
    from forecasting.report.sentences import quarter_text

    months = scenario.months()
    parts = []
    for r in plan.roles:
        who = role_label(r.role).lower()
        if r.role == "ml_engineer":
            parts.append(f"{r.added} more ML engineer position{'s' if r.added != 1 else ''}")
            continue
        if r.added is None:
            parts.append(f"1:{r.k:g} data scientists per {who} is out of reach with its caps")
            continue
        n = r.added
        per = quarters(r.mode.month_labels(months), list(r.schedule))
        when = f" ({quarter_text(per)})" if n else ""
        parts.append(f"{n} {r.mode.unit(n, role='')} of {who}{when} for 1:{r.k:g}")
    goal = scenario.target.confidence
    joint = (
        f"P(every target met by {month_name(months[scenario.deadline])}) is {plan.p_all_met:.0%}"
    )
    if plan.capped:
        joint += f", below the {goal:.0%} goal where the search stopped: {plan.capped}"
    elif not plan.met:
        joint += (
            f", below the {goal:.0%} goal even with the most the hiring limits allow: relax a "
            "target, the confidence or the monthly hiring limits"
        )
    return "Team shape: " + "; ".join(parts) + f". {joint}."
