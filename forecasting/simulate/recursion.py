"""One role's Monte Carlo recursion over the months (engine.py runs it for every role):
`simulate_role` under planned starts, `simulate_positions_role` under a hiring policy;
the month's steps are engine.py's docstring's. Vectorised over paths; the loop runs over
months. Every person-draw consumes the same uniforms whatever the other roles or the ML
engineer schedule are (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np


def _stay(
    rng: np.random.Generator,
    cur: np.ndarray,
    p_exit: float | np.ndarray,
    t: int,
    *,
    inflow: np.ndarray | None,
    reskill: tuple[np.random.Generator, float] | None,
    moved: np.ndarray | None,
    planned_out: np.ndarray | None = None,
) -> np.ndarray:
    """Steps 1-2 of month t -> t+1 for one role: exits, reskilling out at the rate and as
    planned (`planned_out[t + 1]` of the survivors, as many as there are; both recorded in
    `moved[t]`), people joining from another role. Returns who is there before starts."""
    # np.maximum(.., 1) makes a path with nobody consume its uniform too, so
    # the stream stays aligned across scenarios (common random numbers).
    exits = rng.binomial(np.maximum(cur, 1), p_exit)
    np.minimum(exits, cur, out=exits)
    nxt = cur - exits
    if moved is not None:
        step = np.zeros_like(nxt) if reskill is None else reskill[0].binomial(nxt, reskill[1])
        if planned_out is not None and planned_out[t + 1]:
            step = step + np.minimum(planned_out[t + 1], nxt - step)
        moved[t] = step
        nxt -= step
    if inflow is not None:
        nxt += inflow[t]
    return nxt


def _realised_array(months: int, paths: int) -> np.ndarray:
    """Where a role's realised starts go, (T, P) int32 (a month's starts are at most
    max_starts_per_month, 100,000): a view of a (T+1, P) array whose first row is 0, the
    starts first counted by month that `simulate` hands to the capacity model (`padded`)."""
    return np.zeros((months + 1, paths), dtype=np.int32)[1:]


@dataclass
class Trace:
    """One run of `simulate_positions_role` kept for a later run to carry on from (the
    solver's Monte Carlo tries schedules that share their first months: the states and
    the generator's at the start of those months are the earlier run's, so the later run
    starts where they part; the numbers are the same as a run from month 0,
    tests/test_speed_resume.py).

    Attributes:
        out, realised, moved: the run's arrays (read, never written, by a later run).
        positions: the positions it ran on.
        pending, backlog, open_total: the requisitions at the start of each step,
            (T, lag + 1, P), (T, P), (T, P).
        rng: the generator's state at the start of each step.
        spare: a trace that will not be read again, whose arrays this one takes over
            (`start`).
    """

    out: np.ndarray = field(default_factory=lambda: np.empty(0))
    realised: np.ndarray = field(default_factory=lambda: np.empty(0))
    moved: np.ndarray | None = None
    positions: np.ndarray = field(default_factory=lambda: np.empty(0))
    pending: np.ndarray = field(default_factory=lambda: np.empty(0))
    backlog: np.ndarray = field(default_factory=lambda: np.empty(0))
    open_total: np.ndarray = field(default_factory=lambda: np.empty(0))
    rng: list[Mapping[str, Any]] = field(default_factory=list)
    spare: Trace | None = field(default=None, repr=False)

    def start(
        self,
        out: np.ndarray,
        realised: np.ndarray,
        moved: np.ndarray | None,
        positions: np.ndarray,
        shape: tuple[int, int, int],
    ) -> None:
        months, ring, paths = shape
        self.out, self.realised, self.moved, self.positions = out, realised, moved, positions
        spare, self.spare = self.spare, None
        if spare is not None and spare.pending.shape == (months, ring, paths):
            # a trace nobody reads any more: its arrays, not new ones (allocating them
            # cost 2.3 ms a run of 2,000 paths over 36 months, a third of the run)
            self.pending, self.backlog, self.open_total = (
                spare.pending,
                spare.backlog,
                spare.open_total,
            )
        else:
            self.pending = np.empty((months, ring, paths), dtype=np.int64)
            self.backlog = np.empty((months, paths), dtype=np.int64)
            self.open_total = np.empty((months, paths), dtype=np.int64)
        self.rng = [{}] * months

    def keep(
        self,
        t: int,
        pending: np.ndarray,
        backlog: np.ndarray,
        open_total: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        self.pending[t] = pending
        self.backlog[t] = backlog
        self.open_total[t] = open_total
        self.rng[t] = rng.bit_generator.state

    def copy_steps(self, earlier: Trace, steps: int) -> None:
        """The start of steps 0..steps-1 from `earlier` (a run that carried on from it)."""
        self.pending[:steps] = earlier.pending[:steps]
        self.backlog[:steps] = earlier.backlog[:steps]
        self.open_total[:steps] = earlier.open_total[:steps]
        self.rng[:steps] = earlier.rng[:steps]

    def agrees_to(self, positions: np.ndarray) -> int:
        """The step up to which a run on `positions` draws what this one drew: step t
        reads month t + 1's positions, so the first month from 1 whose positions differ,
        less one (the horizon when none does)."""
        months = self.out.shape[0] - 1
        if positions.shape != self.positions.shape:
            return 0
        differs = positions[1:] != self.positions[1:]
        if differs.ndim == 2:
            differs = differs.any(axis=1)
        where = np.flatnonzero(differs)
        return int(where[0]) if where.size else months


def padded(realised: np.ndarray) -> np.ndarray:
    """(T+1, P) starts first counted by month (row 0 none) from (T, P) realised starts:
    the array `_realised_array` made them a view of, else a copy."""
    base = realised.base
    if (
        isinstance(base, np.ndarray)
        and base.shape == (realised.shape[0] + 1, realised.shape[1])
        and base.dtype == realised.dtype
        and base[1:].__array_interface__["data"] == realised.__array_interface__["data"]
        and base.strides == realised.strides
        and not base[0].any()
    ):
        return base
    out = np.zeros((realised.shape[0] + 1, realised.shape[1]), dtype=realised.dtype)
    out[1:] = realised
    return out


def _moved_array(
    months: int,
    paths: int,
    reskill: tuple[np.random.Generator, float] | None,
    planned_out: np.ndarray | None,
) -> np.ndarray | None:
    """Where `_stay` records the people leaving for reskilling, (T, P), or None when none
    can leave."""
    if reskill is None and (planned_out is None or not planned_out.any()):
        return None
    return np.zeros((months, paths), dtype=np.int32)  # at most a role's 100,000 people


def simulate_role(
    rng: np.random.Generator,
    out: np.ndarray,
    *,
    n0: int,
    p_exit: float | np.ndarray,
    starts: np.ndarray,
    fill_rate: float,
    inflow: np.ndarray | None = None,
    reskill: tuple[np.random.Generator, float] | None = None,
    aligned_fill: bool = False,
    planned_out: np.ndarray | None = None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Run one role's stock-flow recursion over all months, writing into `out`.

    Args:
        rng: the role's generator (consumes one uniform per person-draw).
        out: (T+1, P) integer array to fill with headcount.
        n0: month-0 headcount.
        p_exit: monthly exit probability, a number or (P,).
        starts: (T,) planned starts; entry t joins at the end of month t+1.
        fill_rate: probability each planned start happens.
        inflow: optional (T, P) people joining from another role after exits.
        reskill: optional (generator, monthly probability) moving survivors out.
        aligned_fill: when fill_rate < 1, draw the fill uniforms every month even
            with no planned start, so the stream does not depend on the schedule
            (used for ML engineers, whose schedule the solver varies).
        planned_out: optional (T+1,) people leaving for reskilling by month index.

    Returns:
        (realised starts (T, P) or None when starts are certain,
        moved out by reskilling (T, P) or None).
    """
    months = out.shape[0] - 1
    paths = out.shape[1]
    out[0] = n0
    random_fill = fill_rate < 1.0 and (aligned_fill or bool(np.any(starts)))
    realised = _realised_array(months, paths) if random_fill else None
    moved = _moved_array(months, paths, reskill, planned_out)
    stay = partial(_stay, inflow=inflow, reskill=reskill, moved=moved, planned_out=planned_out)
    for t in range(months):
        nxt = stay(rng, out[t], p_exit, t)
        planned = int(starts[t])
        if realised is not None:
            if planned or aligned_fill:
                got = np.asarray(rng.binomial(max(planned, 1), fill_rate, size=paths))
                if planned == 0:
                    got[:] = 0
                nxt += got
                realised[t] = got
            else:
                realised[t] = 0
        elif planned:
            nxt += planned
        out[t + 1] = nxt
    return realised, moved


def simulate_positions_role(
    rng: np.random.Generator,
    out: np.ndarray,
    *,
    n0: int,
    p_exit: float | np.ndarray,
    positions: np.ndarray,
    lag: int,
    cap: int,
    open_reqs: int,
    fill_rate: float,
    inflow: np.ndarray | None = None,
    reskill: tuple[np.random.Generator, float] | None = None,
    planned_out: np.ndarray | None = None,
    trace: Trace | None = None,
    resume: tuple[Trace, int] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Run one role under a hiring policy: leavers and new positions open requisitions.

    Args:
        rng: the role's generator.
        out: (T+1, P) integer array to fill with headcount.
        n0: month-0 headcount.
        p_exit: monthly exit probability, a number or (P,).
        positions: (T+1,) or (T+1, P) positions by month.
        lag: time to fill in months (a requisition opened in step t starts in step t+lag).
        cap: most starts in one month.
        open_reqs: requisitions open at month 0 (start in step max(lag, 1) - 1).
        fill_rate: probability that a due requisition starts (else it stays open).
        inflow: optional (T, P) people joining from another role after exits.
        reskill: optional (generator, monthly probability) moving survivors out.
        planned_out: optional (T+1,) people leaving for reskilling by month index.
        trace: an empty `Trace` to keep this run's state at the start of every step in.
        resume: (the trace of an earlier run from the same generator state, with the same
            arguments but the positions, which agree with these up to month m; m): carry
            on from its state at the start of step m (`Trace.agrees_to`) instead of
            steps 0..m-1, which would draw the same numbers and reach the same state.

    Returns:
        (realised starts (T, P), moved out by reskilling (T, P) or None).
    """
    months = out.shape[0] - 1
    paths = out.shape[1]
    out[0] = n0
    pos = np.asarray(positions)
    per_path = pos.ndim == 2
    realised = _realised_array(months, paths)
    moved = _moved_array(months, paths, reskill, planned_out)
    stay = partial(_stay, inflow=inflow, reskill=reskill, moved=moved, planned_out=planned_out)
    # pending[s % ring]: requisitions due in step s (the step in which they may start).
    # Only steps t..t+lag are live in step t, so lag+1 rows hold them: a row is emptied
    # when its step has taken it, for the step lag+1 later.
    ring = lag + 1
    pending = np.zeros((ring, paths), dtype=np.int64)
    if open_reqs:
        pending[min(max(lag, 1) - 1, months) % ring] += open_reqs
    backlog = np.zeros(paths, dtype=np.int64)  # due and not yet started
    open_total = np.full(paths, open_reqs, dtype=np.int64)  # backlog + pending
    random_fill = fill_rate < 1.0
    if reskill is not None and (trace is not None or resume is not None):
        raise ValueError("a run with reskilling keeps no trace (its second generator)")
    begin = 0
    if resume is not None:
        earlier, begin = resume
        begin = max(min(begin, months - 1), 0)  # (the generator's state after the last
        # step is not kept: the same positions to the horizon run their last step again)
        out[: begin + 1] = earlier.out[: begin + 1]
        realised[:begin] = earlier.realised[:begin]
        if moved is not None:
            assert earlier.moved is not None
            moved[:begin] = earlier.moved[:begin]
        if begin < months:
            pending[:] = earlier.pending[begin]
            backlog[:] = earlier.backlog[begin]
            open_total[:] = earlier.open_total[begin]
            rng.bit_generator.state = earlier.rng[begin]
    if trace is not None:
        trace.start(out, realised, moved, pos, (months, ring, paths))
        if resume is not None:
            trace.copy_steps(resume[0], begin)
    for t in range(begin, months):
        if trace is not None:
            trace.keep(t, pending, backlog, open_total, rng)
        nxt = stay(rng, out[t], p_exit, t)
        want = pos[t + 1] if per_path else int(pos[t + 1])
        gap = want - nxt
        gap -= open_total
        if gap.min() < 0:
            # Fewer positions than people + requisitions: cancel requisitions not yet
            # started, latest first (nobody is laid off).
            surplus = np.minimum(-gap, open_total)
            np.maximum(surplus, 0, out=surplus)
            open_total -= surplus
            for s in range(t + lag, t - 1, -1):
                take = np.minimum(surplus, pending[s % ring])
                pending[s % ring] -= take
                surplus -= take
            backlog -= np.minimum(surplus, backlog)
            np.maximum(gap, 0, out=gap)
        open_total += gap  # gap is now the requisitions opened in this step
        pending[(t + lag) % ring] += gap
        backlog += pending[t % ring]  # due now
        pending[t % ring] = 0  # (step t's row is step t + lag + 1's)
        got = np.minimum(backlog, cap)
        if random_fill:
            tried = got
            got = rng.binomial(np.maximum(tried, 1), fill_rate)
            got[tried == 0] = 0
        backlog -= got
        open_total -= got
        realised[t] = got
        np.add(nxt, got, out=out[t + 1], casting="unsafe")
    return realised, moved
