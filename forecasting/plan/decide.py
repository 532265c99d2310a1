"""How the solver decides that a schedule meets the goal: exactly where the model's chains
apply, else on Monte Carlo paths only when the estimate is clear of its noise (more
independent paths in between), and the certificate saying which it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.model.scenario import Scenario
from forecasting.plan.evaluate import Budget, Evaluator, se


@dataclass(frozen=True)
class Certificate:
    """The plan's probabilities on independent paths (a fresh seed, more paths).

    Attributes:
        paths: independent paths simulated.
        seed: their seed (derived from the scenario's: reproducible).
        p_target_met: P(target met at the deadline) on them.
        p_target_held: P(target held to the horizon) on them.
    """

    paths: int
    seed: int
    p_target_met: float
    p_target_held: float
    method: str = "monte carlo"
    #: The two standard errors when the Judge gave them (0 for an exact value), else
    #: `se` of each on these paths: P(met) can be exact while P(held) is sampled.
    se_met: float | None = None
    se_held: float | None = None

    def se(self, p: float) -> float:
        """Monte Carlo standard error of a probability p estimated on these paths (0 when
        exact)."""
        if self.paths == 0:
            return 0.0
        return float(np.sqrt(max(p * (1.0 - p), 0.0) / self.paths))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "paths": self.paths,
            "seed": self.seed,
            "p_target_met": self.p_target_met,
            "p_target_held": self.p_target_held,
            "se_met": round(self.se(self.p_target_met) if self.se_met is None else self.se_met, 5),
            "se_held": round(
                self.se(self.p_target_held) if self.se_held is None else self.se_held, 5
            ),
        }


def sampled_bounds(p: float, se: float, paths: int) -> tuple[float, float]:
    """Where a sampled probability may lie, for the Judge: p -+ 2 SE, and for a share of 0
    or 1 (whose SE is 0) the Wilson interval with z = 2: [n / (n + 4), 1] or
    [0, 4 / (n + 4)] on n paths (1 of 500 paths is not evidence of 99.9%)."""
    if se > 0.0:
        return p - 2.0 * se, p + 2.0 * se
    n = max(paths, 1)
    return (n / (n + 4.0), 1.0) if p >= 0.5 else (0.0, 4.0 / (n + 4.0))


#: Independent paths a plan is certified on: this many times the scenario's paths,
#: at least CERTIFY_MIN_PATHS, at most CERTIFY_MAX_PATHS (or the scenario's own paths
#: when it has more).
CERTIFY_FACTOR = 5
CERTIFY_MIN_PATHS = 10_000
CERTIFY_MAX_PATHS = 50_000
#: Most paths a Monte Carlo decision may grow to before an unclear schedule fails (the
#: most a scenario may have).
MAX_DECISION_PATHS = 100_000


def certification_scenario(scenario: Scenario) -> Scenario:
    """The scenario on independent paths: a seed derived from the scenario's, more paths.

    Args:
        scenario: the scenario being solved.

    Returns:
        The same scenario with seed = a hash of (seed, "certify") and
        max(paths, min(CERTIFY_MAX_PATHS, max(CERTIFY_MIN_PATHS, CERTIFY_FACTOR x paths)))
        paths.
    """
    seed = int(np.random.SeedSequence([scenario.seed, 0x5EED]).generate_state(1)[0])
    wanted = min(CERTIFY_MAX_PATHS, max(CERTIFY_MIN_PATHS, CERTIFY_FACTOR * scenario.paths))
    paths = max(wanted, scenario.paths)
    return scenario.replace(seed=seed, paths=paths)


class Judge:
    """Decides whether a schedule meets the goal, clear of the noise.

    Exact probabilities decide directly (P >= goal). A Monte Carlo estimate decides only
    when it is clear of its noise: it passes when P - 2 SE >= goal and fails when
    P + 2 SE < goal (a share of 0 or 1: `sampled_bounds`); in between, the schedule is
    evaluated again on independent paths, four times as many each time
    (`certification_scenario`'s seed), up to
    MAX_DECISION_PATHS (or the budget's `max_paths`), and a schedule still unclear there
    fails (the plan gets one more position rather than a probability that may be below
    the goal).
    """

    def __init__(
        self, sc: Scenario, budget: Budget, evaluate: Evaluator, hold: bool, conf: float
    ) -> None:
        self.sc, self.budget, self.hold, self.conf = sc, budget, hold, conf
        self.ladder = [evaluate]
        self.decided_on: dict[bytes, Evaluator] = {}

    def _p(self, ev: Evaluator, schedule: np.ndarray) -> tuple[float, float]:
        return ev.held(schedule) if self.hold else ev.met(schedule)

    def _rung(self, i: int) -> Evaluator | None:
        while len(self.ladder) <= i:
            last = self.ladder[-1].scenario.paths
            paths = min(last * 4, MAX_DECISION_PATHS)
            bound = self.budget.max_paths(self.sc.horizon_months)  # memory held at once
            paths = paths if bound is None else min(paths, bound)
            if paths <= last:
                return None
            bigger = certification_scenario(self.sc).replace(paths=paths)
            self.ladder.append(Evaluator(bigger, self.budget))
        return self.ladder[i]

    def passes(self, schedule: np.ndarray) -> bool:
        i = 0
        ev: Evaluator | None = self.ladder[0]
        while ev is not None:
            p, se_ = self._p(ev, schedule)
            low, high = sampled_bounds(p, se_, ev.scenario.paths)
            if ev.is_exact(schedule, held=self.hold):
                ok = p >= self.conf
            elif low >= self.conf:
                ok = True
            elif high < self.conf:
                ok = False
            else:
                i += 1
                ev = self._rung(i)
                continue
            self.decided_on[schedule.tobytes()] = ev
            return ok
        return False

    def _final(self, schedule: np.ndarray) -> Evaluator:
        return self.decided_on.get(schedule.tobytes(), self.ladder[0])

    def shown(self, schedule: np.ndarray) -> tuple[float, int] | None:
        """(the least a sampled probability of `schedule` shows, the paths it is on) on the
        most paths it was evaluated on, or None when it is exact."""
        ev = self.ladder[-1]
        if ev.is_exact(schedule, held=self.hold):
            return None
        p, se_ = self._p(ev, schedule)
        return sampled_bounds(p, se_, ev.scenario.paths)[0], ev.scenario.paths

    def met(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(met at the deadline), its SE) on the paths the decision was made on."""
        return self._final(schedule).met(schedule)

    def held(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(held to the horizon), its SE) on the paths the decision was made on."""
        return self._final(schedule).held(schedule)

    def evaluator_of(self, schedule: np.ndarray) -> Evaluator:
        """The evaluator the schedule was decided on."""
        return self._final(schedule)

    def decided_scenario(self, schedule: np.ndarray) -> Scenario:
        """The scenario (paths, seed) of the evaluator the schedule was decided on."""
        return self._final(schedule).scenario

    def held_sampled(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(held to the horizon), its SE) on the simulated paths the plan carries (those
        its P(met) was decided on)."""
        ev = self._final(schedule)
        p = ev.mc_outcome(schedule).p_held
        return p, se(p, ev.scenario.paths)

    def certificate(self, schedule: np.ndarray) -> Certificate:
        """How the plan's probabilities were decided (exact, or on which paths)."""
        ev = self._final(schedule)
        met, _ = ev.met(schedule)
        held, _ = ev.held(schedule) if self.hold else self.held_sampled(schedule)
        # What decided the plan: P(met), and P(held) only when the target must hold (by
        # where each came from: a sampled share of 1 has a standard error of 0 too).
        met_exact = ev.is_exact(schedule, held=False)
        held_exact = self.hold and ev.is_exact(schedule, held=True)
        exact = met_exact and (not self.hold or held_exact)
        paths = ev.scenario.paths
        return Certificate(
            paths=0 if exact else paths,
            seed=ev.scenario.seed,
            p_target_met=met,
            p_target_held=held,
            method="exact" if exact else "monte carlo",
            se_met=0.0 if met_exact else se(met, paths),
            se_held=0.0 if held_exact else se(held, paths),
        )
