"""Reskilling or hiring: the cheapest mix of data scientists reskilled and new ML engineer
positions, against hiring only."""

from __future__ import annotations

from dataclasses import dataclass

from forecasting.model.roles import DS
from forecasting.model.scenario import Scenario
from forecasting.plan.schedule import Slots, quick_schedule
from forecasting.plan.solver import Strategy

#: Reskilling rates the mix search tries (share of data scientists per year).
RESKILL_RATES = (0.0, 0.05, 0.1, 0.15, 0.2)


@dataclass(frozen=True)
class MixOption:
    """One mix of reskilling and new positions meeting the target (see `cheapest_mix`).

    Attributes:
        reskill_annual: the reskilling rate tried.
        added: new ML engineer positions (or starts) the target then needs; None when
            out of reach with the caps.
        reskilled: data scientists who start reskilling by the deadline (mean).
        year_cost: added payroll and programme cost in the 12 months to the deadline
            against no new positions and no reskilling, USD (salaries of new and
            reskilled ML engineers, backfilled data-science seats, trainees, the
            programme); None when out of reach.
        p_target_met: P(target met at the deadline) of this mix.
    """

    reskill_annual: float
    added: int | None
    reskilled: float
    year_cost: float | None
    p_target_met: float | None


def cheapest_mix(
    scenario: Scenario,
    strategy: Strategy | str = Strategy.EVEN,
    *,
    rates: tuple[float, ...] = RESKILL_RATES,
) -> list[MixOption]:
    """For each reskilling rate, the fewest new positions meeting the target and what the
    mix costs in the year to the deadline; the cheapest reachable option is the answer
    (`min(options, key=...)`; hiring only is the rate 0 option).

    Reskilling keeps its duration (`reskill_months`, trainees count as neither data
    scientists nor ML engineers and do half their data-science work), its programme cost
    (`reskill_cost`) and the backfill of the data-science seat under that role's policy.
    """
    from forecasting.simulate.engine import run_paths, simulate

    slots = Slots.of(scenario)
    d = scenario.deadline
    year = slice(max(d - 11, 1), d + 1)
    baseline = simulate(scenario.replace(reskill_annual=0.0))
    base_cost = float(baseline.cost_mean[year].sum())
    options = []
    for rate in rates:
        sc = scenario.replace(reskill_annual=float(rate))
        found = quick_schedule(sc, strategy)
        if found is None:
            options.append(MixOption(float(rate), None, 0.0, None, None))
            continue
        result = simulate(slots.scenario_with(sc, found))
        moved = run_paths(sc, roles=(DS,)).moved
        reskilled = 0.0 if moved is None else float(moved[:d].sum(axis=0).mean())
        options.append(
            MixOption(
                reskill_annual=float(rate),
                added=int(found.sum() - slots.floor.sum()),
                reskilled=reskilled,
                year_cost=float(result.cost_mean[year].sum()) - base_cost,
                p_target_met=result.p_target_met,
            )
        )
    return options


def cheapest(options: list[MixOption]) -> MixOption | None:
    """The reachable option with the lowest cost in the year to the deadline (ties: less
    reskilling), or None."""
    reachable_ = [o for o in options if o.year_cost is not None]
    if not reachable_:
        return None
    return min(reachable_, key=lambda o: (round(o.year_cost or 0.0, 2), o.reskill_annual))
