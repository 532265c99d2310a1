"""Evaluating ML engineer schedules for the solver, within a budget.

An `Evaluator` gives a schedule's P(target met at the deadline) and P(target held to the
horizon). Where the model's chains are small enough (forecasting/simulate/exact.py) the
probabilities are exact: the same on every seed, so a plan the solver accepts is at the
goal, not at a draw of it. Otherwise (reskilling, or a joint chain too large for P(held))
they are Monte Carlo estimates with exactly the random numbers `simulate` would use (the
data-scientist paths simulated once and shared: common random numbers), each with its
standard error (`se`), and the solver decides only when a decision is clear of the noise.
A `Budget` bounds the work one search may spend and stops it when nobody is waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from forecasting.model.edits import PlanMode
from forecasting.model.errors import SolverError
from forecasting.model.roles import DS, MLE, ROLES
from forecasting.model.scenario import Scenario
from forecasting.model.target import meets_target, ratio_of
from forecasting.simulate import paths_memo
from forecasting.simulate.engine import (
    exit_probability,
    plan_key,
    role_generators,
    role_key,
    run_paths,
    scheduled_starts,
)
from forecasting.simulate.exact import ExactEvaluator, NotExact
from forecasting.simulate.paths_memo import RolePaths
from forecasting.simulate.recursion import Trace, simulate_positions_role, simulate_role


class SolverCancelled(SolverError):
    """The caller asked the search to stop (e.g. the browser session that wanted it ended)."""


#: The share of a budget's CPU seconds the exact chains may use before the evaluation
#: falls back to the Monte Carlo (with its noise-aware decisions).
EXACT_CPU_SHARE = 0.5


class WorkCapped(SolverError):
    """A request's work budget ran out before the answer was complete (the message says
    what was capped and how to get the full answer)."""


#: The last runs of ML engineer schedules one `Evaluator` keeps for a later schedule to
#: carry on from where they part (`recursion.Trace`), and the most bytes a run's trace
#: may take (its requisitions at the start of every month: the scenario's 2,000 paths
#: over 36 months with a time to fill of 2, 2.9 MB; a decision's 32,000 paths, 46 MB,
#: keep none).
TRACES = 2
TRACE_BYTES = 16_000_000

#: Bytes a simulated path-month holds at once: four roles' headcount and realised starts,
#: int32 each (what `simulate` keeps for the whole horizon; its other arrays are made a
#: block of months at a time). `Budget.path_bytes` is counted in these.
PATH_MONTH_BYTES = 32

#: How to get an answer the interactive budget could not finish.
FULL_ANSWER = (
    "run `python -m forecasting` on the scenario file (download it from the sidebar), "
    "which has no such limit"
)


@dataclass
class Budget:
    """How much work one engine call may spend, and when to stop early.

    The app gives every interactive request a budget (the server decides, not the link);
    the command line runs without one. Every engine entry point that searches or repeats
    simulations takes one (the solver and its certification, team shape, budget and
    frontier, sensitivity, the reskilling mix, reachability).

    Attributes:
        path_months: most simulated path-months (paths x horizon per schedule tried,
            certification included); None = no limit.
        cpu_seconds: most CPU seconds of this thread from the budget's creation (a
            backstop for work that path-months under-count, e.g. a team of tens of
            thousands); None = no limit.
        should_stop: called before every simulation; True stops the work with
            SolverCancelled (e.g. the session that asked has ended or asked again).
        path_bytes: most bytes of per-path arrays one simulation may hold at once
            (PATH_MONTH_BYTES a path-month): a decision on more paths than the scenario's
            grows no further than `max_paths` (a schedule still unclear there fails, as at
            the most paths a decision may have); None = no limit.
        spent: path-months simulated so far.
    """

    path_months: float | None = None
    should_stop: Callable[[], bool] | None = None
    cpu_seconds: float | None = None
    path_bytes: float | None = None
    spent: float = 0.0
    started: float = field(default_factory=time.thread_time)

    def check(self) -> None:
        """Raise SolverCancelled when nobody waits any more, WorkCapped past a limit."""
        if self.should_stop is not None and self.should_stop():
            raise SolverCancelled("the search was stopped: nobody is waiting for it")
        if self.path_months is not None and self.spent > self.path_months:
            raise WorkCapped(
                f"this needs more simulation than an interactive request may use "
                f"({self.path_months:,.0f} path-months): the target is far beyond the team "
                "(relax target.confidence, target.ds_per_mle or target.hold, or lower "
                f"max_starts_per_month), or {FULL_ANSWER}"
            )
        if self.cpu_seconds is not None and self.cpu_used() > self.cpu_seconds:
            raise WorkCapped(
                f"this needs more computing time than an interactive request may use "
                f"({self.cpu_seconds:g} CPU seconds): the team or its hiring limits are "
                f"very large; {FULL_ANSWER}"
            )

    def spend(self, path_months: float) -> None:
        """Count `path_months` of simulation about to run, then `check`."""
        self.spent += path_months
        self.check()

    def cpu_used(self) -> float:
        """CPU seconds this thread has used since the budget was made."""
        return time.thread_time() - self.started

    def max_paths(self, months: int) -> int | None:
        """The most paths one simulation of `months` months may have within `path_bytes`
        (None: no limit)."""
        if self.path_bytes is None:
            return None
        return max(int(self.path_bytes // (PATH_MONTH_BYTES * (months + 1))), 1)


class Outcome(NamedTuple):
    """One schedule's results: the probabilities, the ML engineer shortfall below DS / k
    (at the deadline; over the deadline..horizon months), mean ML engineer headcount by
    month and mean starts over the horizon."""

    p_met: float
    p_held: float
    short_met: float
    short_held: float
    mean_headcount: np.ndarray
    starts: float


class Evaluator:
    """Evaluates ML engineer schedules with the random numbers `simulate` would use.

    A schedule is, in starts mode, the ML engineer planned starts by index
    (horizon entries) and, in positions mode, the positions added by month
    (horizon+1 entries, the policy's own positions_added included).
    """

    def __init__(
        self, scenario: Scenario, budget: Budget | None = None, *, exact: bool = True
    ) -> None:
        self.scenario = scenario
        self.budget = budget or Budget()
        self.k = scenario.target.ds_per_mle
        self.deadline = scenario.deadline
        self.mode = PlanMode.of(scenario)
        self.cache: dict[bytes, Outcome] = {}
        self.held_cache: dict[bytes, tuple[float, float]] = {}
        self.held_exact: set[bytes] = set()  # schedules whose P(held) is the joint chain's
        self.mc_cache: dict[bytes, Outcome] = {}
        self.calls = 0
        self.exact: ExactEvaluator | None = None
        self.not_exact = ""
        if exact:
            try:
                # the budget is checked between the chains' months too: one chain of a
                # very large team can outlast the CPU limit or the session that asked
                self.exact = ExactEvaluator(scenario, give_up=self._over_budget)
            except NotExact as why:
                self.not_exact = str(why)
        self._mc_ready = False

    def _over_budget(self) -> bool:
        """`ExactEvaluator`'s give_up: raises the budget's SolverCancelled / WorkCapped;
        True (Monte Carlo instead) once the chains have used EXACT_CPU_SHARE of its CPU
        seconds (a team of hundreds over a long horizon: the chains alone take 10-30 s),
        leaving the rest for the sampled search."""
        self.budget.check()
        limit = self.budget.cpu_seconds
        return limit is not None and self.budget.cpu_used() > EXACT_CPU_SHARE * limit

    @property
    def method(self) -> str:
        """ "exact" or "monte carlo": how P(target met) is evaluated."""
        return "exact" if self.exact is not None else "monte carlo"

    def _mc(self) -> None:
        """Simulate the data scientists once (on first Monte Carlo use)."""
        if self._mc_ready:
            return
        scenario = self.scenario
        self.budget.spend(scenario.paths * scenario.horizon_months)  # the DS paths
        raw = run_paths(scenario, roles=(DS,))
        self.ds_all = np.ascontiguousarray(raw.headcount[:, DS, :])
        self.ds = self.ds_all[self.deadline :]
        self.moved = raw.arrived  # reskilled data scientists join ML engineers after training
        # Open requisitions are scheduled on top of planned starts.
        self.requisitions = scheduled_starts(scenario, MLE) - np.array(
            scenario.starts_of(ROLES[MLE]), dtype=np.int64
        )
        # A schedule's ML engineer paths, as `run_paths` keys them in `paths_memo.MEMO`
        # (the projection of the solved plan finds the paths of its schedule there).
        self.mle_key = role_key(scenario, MLE) if paths_memo.MEMO.enabled else None
        self._drawn = False
        self._mc_ready = True

    def _draw(self) -> None:
        """The ML engineer stream's draws before the recursion (per-path attrition, and
        the per-path positions of a path with a band) do not depend on the schedule:
        make them once (on the first schedule simulated) and restart every simulation
        from the stream's state after them."""
        if self._drawn:
            return
        sc = self.scenario
        rng = role_generators(sc.seed)[MLE]
        self.p_exit = exit_probability(rng, sc, MLE, sc.paths)
        self.base_positions = None
        if self.mode.positions:
            policy = sc.hiring_policy[MLE].with_added(())
            if policy.uncertain:
                z = rng.standard_normal(sc.paths)  # as simulate.policy_positions draws it
                self.base_positions = policy.positions_for_paths(z, sc.horizon_months)
            else:
                n0 = sc.headcount[MLE] + sc.open_requisitions[MLE]
                self.base_positions = policy.positions(n0, sc.horizon_months)
        self.rng_state = rng.bit_generator.state
        self.traces: list[Trace] = []
        self._drawn = True

    def _run(self, schedule: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """ML engineer headcount (T+1, P) and realised starts (T, P) or None (from
        `paths_memo.MEMO` when it keeps this schedule's paths)."""
        sc = self.scenario
        # The plan as `run_paths` keys the solved scenario's: the policy's added_path
        # (positions mode), or its scheduled_starts (starts mode).
        plan = np.cumsum(schedule) if self.mode.positions else schedule + self.requisitions
        key = None if self.mle_key is None else plan_key(self.mle_key, plan)
        if key is not None:
            got = paths_memo.MEMO.get(key)
            if got is not None:
                return got.headcount, got.realised
        self._draw()
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = self.rng_state
        out = np.empty((sc.horizon_months + 1, sc.paths), dtype=np.int32)
        p_exit = self.p_exit
        realised: np.ndarray | None
        if self.mode.positions:
            base = self.base_positions
            assert base is not None  # set in _draw in positions mode
            positions = base + (plan[:, None] if base.ndim == 2 else plan)
            lag = sc.time_to_fill_months[MLE]
            # The schedules a search tries often share their first months (a bisection's
            # neighbours): a run carries on from the kept run that agrees longest. Solving
            # the sample (the upload roster) at attrition 13/15/17%, 27% (25%) of the
            # months simulated were carried over with two runs kept, 15% (12%) with one,
            # 28% (26%) with eight; its solve's CPU 115 -> 109 ms (76 -> 75 and 71 -> 65
            # ms), medians of five alternating runs, twice.
            resume = max(
                ((tr, tr.agrees_to(positions)) for tr in self.traces),
                default=None,
                key=lambda pair: pair[1],
            )
            trace = None
            if self._traced(lag):
                # the oldest kept run makes way (its arrays reused) unless this run
                # carries on from it
                spare = self.traces[-1] if self.traces and len(self.traces) >= TRACES else None
                if spare is not None and resume is not None and resume[0] is spare:
                    spare = None
                trace = Trace(spare=spare)
                if spare is not None:
                    self.traces = self.traces[:-1]
            realised, _ = simulate_positions_role(
                rng,
                out,
                n0=sc.headcount[MLE],
                p_exit=p_exit,
                positions=positions,
                lag=lag,
                cap=sc.max_starts_per_month[MLE],
                open_reqs=sc.open_requisitions[MLE],
                fill_rate=sc.fill_rate,
                inflow=self.moved,
                trace=trace,
                resume=resume if resume is not None and resume[1] > 0 else None,
            )
            if trace is not None:
                self.traces = [trace, *self.traces][:TRACES]
        else:
            realised, _ = simulate_role(
                rng,
                out,
                n0=sc.headcount[MLE],
                p_exit=p_exit,
                starts=plan,
                fill_rate=sc.fill_rate,
                inflow=self.moved,
                aligned_fill=True,
            )
        if key is not None:
            paths_memo.MEMO.put(key, RolePaths(out, realised, None, p_exit))
        return out, realised

    def _traced(self, lag: int) -> bool:
        """Whether a run's trace fits in TRACE_BYTES (int64 requisitions: lag + 3 rows of
        paths a month)."""
        sc = self.scenario
        return TRACES > 0 and 8 * (lag + 3) * sc.paths * sc.horizon_months <= TRACE_BYTES

    def outcome(self, schedule: np.ndarray) -> Outcome:
        """Everything the solver reads of one schedule, evaluated once and cached (P(held)
        is `held`'s: NaN here when it is not yet evaluated exactly)."""
        key = schedule.tobytes()
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        self.calls += 1
        result = None
        if self.exact is not None:
            try:
                result = self._exact_outcome(schedule)
            except NotExact as why:
                self._give_up_exact(str(why))
                return self.outcome(schedule)
        if result is None:
            result = self.mc_outcome(schedule)
        self.cache[key] = result
        return result

    def _give_up_exact(self, why: str) -> None:
        """A schedule's chain proved too large: the whole search goes on sampled (one
        method for every schedule compared), its exact results dropped."""
        self.exact = None
        self.not_exact = why
        self.cache.clear()
        self.held_cache.clear()
        self.held_exact.clear()

    def _exact_outcome(self, schedule: np.ndarray) -> Outcome:
        assert self.exact is not None
        self.budget.check()
        ds = self.exact.ds.probabilities
        mle = self.exact.mle(schedule).probabilities
        p_by_month = self.exact.p_met_by_month(schedule)
        d = self.deadline
        # E[max(DS / k - MLE, 0)] per month from the two independent marginals.
        gap = np.maximum(
            np.arange(ds.shape[1])[:, None] / self.k - np.arange(mle.shape[1])[None, :], 0.0
        )
        short = np.einsum("td,dm,tm->t", ds[d:], gap, mle[d:])
        return Outcome(
            p_met=float(p_by_month[d]),
            p_held=math.nan,
            short_met=float(short[0]),
            short_held=float(short.mean()),
            mean_headcount=mle @ np.arange(mle.shape[1]),
            starts=math.nan,
        )

    def mc_outcome(self, schedule: np.ndarray) -> Outcome:
        """The schedule on the scenario's simulated paths (cached)."""
        key = schedule.tobytes()
        hit = self.mc_cache.get(key)
        if hit is not None:
            return hit
        self._mc()
        self.budget.spend(self.scenario.paths * self.scenario.horizon_months)
        out, realised = self._run(schedule)
        if realised is not None:
            starts = float(realised.sum(axis=0).mean())
        else:
            starts = float((schedule + self.requisitions).sum())
        mle = out[self.deadline :]
        ok = meets_target(ratio_of(self.ds, mle), self.k)  # as simulate.target_probabilities
        # A smooth companion of the probabilities, to rank schedules on a plateau:
        # the mean shortfall of ML engineers below DS / k (at the deadline; over the
        # deadline..horizon months).
        short = np.maximum(self.ds / self.k - mle, 0.0)
        self.mc_cache[key] = Outcome(
            p_met=float(ok[0].mean()),
            p_held=float(ok.all(axis=0).mean()),
            short_met=float(short[0].mean()),
            short_held=float(short.mean()),
            mean_headcount=out.mean(axis=1),
            starts=starts,
        )
        return self.mc_cache[key]

    def held(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(target held to the horizon), its standard error): exact (SE 0) on the joint
        chain where its size allows, else the Monte Carlo's share of paths and its SE."""
        key = schedule.tobytes()
        hit = self.held_cache.get(key)
        if hit is not None:
            return hit
        p: float | None = None
        if self.exact is not None:
            try:
                p = self.exact.p_held(schedule)
            except NotExact as why:
                self._give_up_exact(str(why))
                return self.held(schedule)
        if p is not None:
            out = (float(p), 0.0)
            self.held_exact.add(key)
        else:
            o = self.outcome(schedule) if self.exact is None else self.mc_outcome(schedule)
            out = (o.p_held, se(o.p_held, self.scenario.paths))
        self.held_cache[key] = out
        return out

    def is_exact(self, schedule: np.ndarray, *, held: bool) -> bool:
        """Whether P(met) (or, with `held`, P(held) as `held` gave it) of a schedule is exact:
        by where it came from, not by a standard error of 0, which a sampled share of 0 or 1
        has too."""
        if self.exact is None:
            return False
        return schedule.tobytes() in self.held_exact if held else True

    def met(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(target met at the deadline), its standard error; 0 when exact)."""
        p = self.outcome(schedule).p_met
        return p, (0.0 if self.exact is not None else se(p, self.scenario.paths))

    def __call__(self, schedule: np.ndarray) -> tuple[float, float]:
        """(P(target met at the deadline), P(target held to the horizon)) of a schedule."""
        return self.met(schedule)[0], self.held(schedule)[0]

    def key(self, schedule: np.ndarray, hold: bool) -> tuple[float, float]:
        """(probability that counts, minus mean shortfall): larger is better."""
        o = self.outcome(schedule)
        return (self.held(schedule)[0], -o.short_held) if hold else (o.p_met, -o.short_met)

    def ratios(self, schedule: np.ndarray) -> np.ndarray:
        """Data scientists per ML engineer by month and path, (T+1, P), of a schedule."""
        self._mc()
        self.budget.spend(self.scenario.paths * self.scenario.horizon_months)
        out, _ = self._run(schedule)
        return ratio_of(self.ds_all, out)

    def p_by_month(self, schedule: np.ndarray) -> np.ndarray:
        """P(target met) in every month 0..horizon of a schedule (exact where it can be,
        else as SimulationResult's)."""
        if self.exact is not None:
            try:
                return self.exact.p_met_by_month(schedule)
            except NotExact as why:
                self._give_up_exact(str(why))
        return meets_target(self.ratios(schedule), self.k).mean(axis=1)

    def detail(self, schedule: np.ndarray) -> tuple[np.ndarray, float]:
        """Mean ML engineer headcount by month (T+1,) and mean starts over the horizon, on
        the scenario's simulated paths (as `simulate` gives the plan's costs)."""
        o = self.outcome(schedule) if self.exact is None else self.mc_outcome(schedule)
        return o.mean_headcount, o.starts


def se(p: float, paths: int) -> float:
    """Monte Carlo standard error of a probability `p` estimated on `paths` paths."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / paths)
