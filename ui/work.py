"""How much work one request may do, in one place: the interactive limits, the heavy
computations a process runs at once, and stopping work that nobody waits for.

The server decides, not the link: every engine call the pages make (the solver and its
certification, team shape, sensitivity, the budget frontier, the reskilling mix,
reachability, each of Compare's scenarios) gets a fresh `Budget` from `budget`:

- at most :data:`PATH_MONTHS` simulated path-months and :data:`CPU_SECONDS` CPU seconds
  (a backstop where path-months under-count the work, e.g. a team of tens of thousands);
  past either the engine returns its answer so far marked as capped, or says that the
  answer needs the command line;
- at most :data:`PATH_BYTES` of per-path arrays held at once by one simulation (a
  sampled decision grows to no more paths than that);
- stopped between evaluations when its browser session has ended or has asked for
  something newer (`ui.compute.stop_check`: the last value of a slider moved with the
  keyboard wins);
- at most :data:`MAX_HEAVY` such calls run at once in the process (one a core); a
  request that finds them busy waits its turn, checking that it is still wanted.

The numbers are documented in docs/deploy.md ("Limits").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from forecasting.plan.evaluate import Budget, SolverCancelled

#: Most simulated paths of an interactive view (a link may ask for up to 100,000; the CLI
#: runs them all).
MAX_PATHS = 10_000
#: Most simulated path-months one engine call may spend (the sample team's hardest
#: hiring-plan search uses 1.6e7 and about 1.4 s; 2.5e7 bounds a hostile link to seconds).
PATH_MONTHS = 2.5e7
#: Most CPU seconds one engine call may spend (its thread's, from the call's start).
CPU_SECONDS = 3.0
#: Most bytes of per-path arrays one simulation of an engine call may hold at once
#: (`Budget.path_bytes`, 32 bytes a path-month): 10,000 paths x 121 months hold 39 MB; a
#: sampled decision that would grow past it (up to 100,000 paths, 387 MB at 121 months,
#: which the plan then carries into every page's simulation) stops at 17,000 paths at 120
#: months, 56,000 at 36.
PATH_BYTES = 64 * 2**20
#: Bytes of simulated role paths a server process keeps between requests
#: (`forecasting.simulate.paths_memo.MEMO`): the paths a solve simulated are the paths its
#: projection shows, and a new target, deadline, confidence or Hold re-simulates no role.
#: A role's paths are kept in 2 bytes a path-month for a team of up to 127 (2,000 paths x
#: 37 months: 0.15 MB; 10,000 x 121: 2.4 MB), 4 up to 32,767, else 8; least recently used
#: first.
PATHS_MEMO_BYTES = 64 * 2**20
#: Engine calls that run at once in one server process; the others wait their turn.
MAX_HEAVY = 2
#: How often a waiting call checks that it is still wanted, seconds.
POLL_SECONDS = 0.1

_HEAVY = threading.BoundedSemaphore(MAX_HEAVY)


def budget(should_stop: Callable[[], bool] | None, *, scale: float = 1.0) -> Budget:
    """A fresh work budget for one engine call of this request: `scale` times the limits
    (an analysis that solves once per option, like the reskilling mix, gets more), stopped
    by `should_stop` (`compute.stop_check()`)."""
    return Budget(
        path_months=PATH_MONTHS * scale,
        cpu_seconds=CPU_SECONDS * scale,
        should_stop=should_stop,
        path_bytes=PATH_BYTES,  # memory at once: not scaled (the calls run one by one)
    )


@contextmanager
def heavy(should_stop: Callable[[], bool] | None = None) -> Iterator[None]:
    """Hold one of the process's MAX_HEAVY slots for an engine call; wait for one while
    the caller is still wanted (SolverCancelled when it is not)."""
    while not _HEAVY.acquire(timeout=POLL_SECONDS):
        if should_stop is not None and should_stop():
            raise SolverCancelled("the request was stopped while it waited for its turn")
    try:
        yield
    finally:
        _HEAVY.release()


def busy() -> bool:
    """Whether every heavy slot is taken now (a page may say that it waits its turn)."""
    if _HEAVY.acquire(blocking=False):
        _HEAVY.release()
        return False
    return True
