"""Work done while the room looks at the screen: the neighbouring values of the workshop
controls (one step either way) and the sample team's history fits.

One daemon thread per server process runs the queued jobs, and only while no script run
of any session is in progress (Streamlit names its script threads
"ScriptRunner.scriptThread"): a facilitator's next change never waits for background
work, and a solve started in the background gives way mid-search when a script starts
(`compute` checks `foreground_busy` between the search's steps; the job goes back to the
front of its session's queue). Each session has at most MAX_PER_SESSION jobs queued; a
new view replaces that session's queue (the last screen wins). Results go into the
ordinary caches (`st.cache_data` in ui/compute.py), so a prepared value is simply a
cache hit; nothing is kept here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from forecasting.model import edits
from forecasting.model.errors import PlannerError
from forecasting.model.scenario import Scenario
from ui import controls

DS = "data_scientist"
#: Jobs one session may have queued (a view's neighbours: 11 at most).
MAX_PER_SESSION = 12
#: How often an idle worker looks for a finished script run (seconds).
POLL = 0.02
SCRIPT_THREAD = "ScriptRunner.scriptThread"

_log = logging.getLogger("planner")


def foreground_busy() -> bool:
    """True while any session's script run is in progress in this process."""
    return any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate())


def in_background() -> bool:
    """True on the background worker's thread."""
    return threading.current_thread().name == _Worker.NAME


def session_active(session: str) -> bool:
    """Whether `session` still has a browser connected (True outside a server: tests)."""
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session)


_current = threading.local()  # the worker thread's job's session


def should_give_way() -> bool:
    """The background job's stop check: a script run has started (the job gives way and is
    queued again), or the job's session has gone (its tab closed: nobody will look)."""
    return foreground_busy() or not session_active(getattr(_current, "session", ""))


class _NotFromTheWorker(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != _Worker.NAME


def _quiet_context_warnings() -> None:
    """The worker runs the cached engine calls outside any script run, on purpose: keep
    Streamlit's "missing ScriptRunContext" warning for it out of the server's log."""
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    if not any(isinstance(f, _NotFromTheWorker) for f in logger.filters):
        logger.addFilter(_NotFromTheWorker())


class Cancelled(Exception):
    """A job gave way to a script run (it is queued again)."""


@dataclass(frozen=True)
class Job:
    """One piece of work for a session: `run()` fills the caches."""

    label: str
    run: Callable[[], object]


class _Worker:
    NAME = "planner-background"

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.queues: dict[str, deque[Job]] = {}
        self.order: deque[str] = deque()  # sessions, round robin
        self.running = 0
        self.thread: threading.Thread | None = None

    def submit(self, session: str, jobs: list[Job]) -> None:
        with self.lock:
            self.queues[session] = deque(jobs[:MAX_PER_SESSION])
            if session not in self.order:
                self.order.append(session)
            if self.thread is None or not self.thread.is_alive():
                _quiet_context_warnings()
                self.thread = threading.Thread(target=self._loop, name=self.NAME, daemon=True)
                self.thread.start()
            self.lock.notify_all()

    def _next(self) -> tuple[str, Job] | None:
        while self.order:
            session = self.order[0]
            queue = self.queues.get(session)
            if not queue or not session_active(session):  # done, or its tab has closed
                self.order.popleft()
                self.queues.pop(session, None)
                continue
            self.order.rotate(-1)
            return session, queue.popleft()
        return None

    def _loop(self) -> None:
        while True:
            with self.lock:
                item = self._next()
                while item is None:
                    self.lock.wait()
                    item = self._next()
                self.running += 1
            session, job = item
            _current.session = session
            try:
                while foreground_busy():
                    time.sleep(POLL)
                job.run()
            except Cancelled:
                with self.lock:  # again once the script has run, unless replaced meanwhile
                    queue = self.queues.get(session)
                    if queue is not None and len(queue) < MAX_PER_SESSION:
                        queue.appendleft(job)
                        if session not in self.order:
                            self.order.append(session)
            except Exception:
                _log.warning("background job failed: %s", job.label, exc_info=False)
            finally:
                with self.lock:
                    self.running -= 1
                    self.lock.notify_all()

    def idle(self) -> bool:
        with self.lock:
            return self.running == 0 and not any(self.queues.values())

    def wait_idle(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        with self.lock:
            while self.running or any(self.queues.values()):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True

    def drop(self, session: str) -> None:
        with self.lock:
            self.queues.pop(session, None)


WORKER = _Worker()

#: More work for a view, registered by the modules that own it (they import this one, so
#: it cannot import them): each gets (base scenario, strategy, plan mode, workshop) and
#: returns jobs, queued after the neighbours.
PREPARERS: list[Callable[[Scenario, str, str, bool], list[Job]]] = []


def submit(session: str, jobs: list[Job]) -> None:
    """Queue `jobs` for `session`, replacing what it had queued."""
    WORKER.submit(session, jobs)


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until every queued job has run (benchmarks and tests); False on timeout."""
    return WORKER.wait_idle(timeout)


# ------------------------------------------------------------------ neighbours


def _target(base: Scenario, **change: object) -> Scenario:
    return base.replace(target={**base.target.to_dict(), **change})


def _ds_grow_to(base: Scenario, to: int) -> Scenario:
    """What the "data scientists: grow to" control makes of `base` at `to`."""
    _, by = controls.ds_growth_now(base)
    policies = base.by_role("hiring_policy")
    policies[DS] = {"kind": "growth", "to": to, "by_month": by}
    starts = {**base.by_role("planned_starts"), DS: []}
    return base.replace(hiring_policy=policies, planned_starts=starts)


def neighbours(base: Scenario) -> list[Scenario]:
    """The scenarios one step away on each workshop control, most likely first: target
    (1:k, 0.5 steps), deadline (a month), confidence (the next offered value), hold,
    data scientists' grow-to (one person), attrition for all roles (one point)."""
    t = base.target
    out: list[Scenario] = []

    def add(make: Callable[[], Scenario]) -> None:
        try:
            scenario = make()
        except (PlannerError, ValueError, KeyError):
            return
        if scenario != base and scenario not in out:
            out.append(scenario)

    k = float(t.ds_per_mle)
    for step in (0.5, -0.5):
        if 1.0 <= k + step <= 15.0:
            add(partial(_target, base, ds_per_mle=k + step))
    for step in (1, -1):
        if 1 <= base.deadline + step <= base.horizon_months:
            add(partial(_target, base, deadline_month=base.deadline + step))
    offered = sorted({*controls.CONFIDENCES, float(t.confidence)})
    i = offered.index(float(t.confidence))
    for j in (i + 1, i - 1):
        if 0 <= j < len(offered):
            add(partial(_target, base, confidence=offered[j]))
    add(partial(_target, base, hold=not t.hold))
    to, _ = controls.ds_growth_now(base)
    for step in (1, -1):
        if to + step >= 0:
            add(partial(_ds_grow_to, base, to + step))
    now = round(100 * edits.common_attrition(base))
    for step in (1, -1):
        if 0 <= now + step <= 60:
            add(partial(edits.with_attrition, base, (now + step) / 100))
    return out
