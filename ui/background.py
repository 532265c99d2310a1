"""Work done while the room looks at the screen: the neighbouring values of the workshop
controls (one step either way) and the sample team's history fits; and, in the queue of
no session (SERVER), the server's warm-up at start (ui/warmup.py).

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
#: The queue of the server's own work, no session's (ui/warmup.py: the warm-up at start).
SERVER = "(server)"

_log = logging.getLogger("planner")


def foreground_busy() -> bool:
    """True while any session's script run is in progress in this process, but for the
    runs that only look whether a page's pending part is ready (`rerun_when_ready`)."""
    return any(
        t.name == SCRIPT_THREAD and t.is_alive() and not _only_waiting(t)
        for t in threading.enumerate()
    )


def in_background() -> bool:
    """True on the background worker's thread."""
    return threading.current_thread().name == _Worker.NAME


def session_active(session: str) -> bool:
    """Whether `session` still has a browser connected (True outside a server: tests;
    always for the server's own queue, SERVER)."""
    from streamlit.runtime import Runtime

    if session == SERVER:
        return True
    return not Runtime.exists() or Runtime.instance().is_active_session(session)


#: The fragments that only look whether a page's pending part is ready (`rerun_when_ready`):
#: a script run of these alone does not make the worker give way.
_WAIT_FRAGMENTS: set[str] = set()


def _only_waiting(thread: threading.Thread) -> bool:
    """Whether `thread`'s script run is a fragment-only run of waiting fragments."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import (
        SCRIPT_RUN_CONTEXT_ATTR_NAME,
    )

    ctx = getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
    ids = getattr(ctx, "fragment_ids_this_run", None) or ()
    return bool(ids) and all(i in _WAIT_FRAGMENTS for i in ids)


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
        self.current: dict[str, str] = {}  # session -> the label of its running job
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
                self.current[session] = job.label
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
                    self.current.pop(session, None)
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

    def first(self, session: str, job: Job) -> None:
        """Put `job` at the front of `session`'s queue (the page on screen comes first),
        in place of a queued job of the same label; when that label is running, it is
        joined instead (queued again, behind it, it finds the cache filled)."""
        with self.lock:
            queue = self.queues.setdefault(session, deque())
            for queued in [j for j in queue if j.label == job.label]:
                queue.remove(queued)
            queue.appendleft(job)
            while len(queue) > MAX_PER_SESSION:
                queue.pop()
        self.submit(session, list(self.queues[session]))

    def pending(self, session: str, label: str) -> bool:
        """Whether a job of `label` is queued or running for `session`."""
        with self.lock:
            queued = any(j.label == label for j in self.queues.get(session, ()))
            return queued or self.current.get(session) == label


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


# ------------------------------------------------------------------ a page's slow parts
# A page draws at once what is ready; a part that is not (the Forecast page's fits, the
# Sensitivity page's tornado) is computed here, at the front of the session's queue, and
# the page shows that it is being computed; a fragment looks every WAIT_EVERY seconds and
# reruns the page when the part is ready: it arrives without the user doing anything.

#: How often a page waiting for its slow part looks whether it is ready (seconds).
WAIT_EVERY = 0.5
KEY_SYNC = "background_sync"  # session state: labels computed in the script instead


def enabled() -> bool:
    """Whether this run's slow parts may be left to the background (under a server, or
    when the benchmarks and tests set `compute.PREPARE`); else the page computes them."""
    import sys

    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return False
    served = Runtime.exists() and type(Runtime.instance()) is Runtime
    # ui.compute (loaded by every page) imports this module: read its flag, not import it
    prepare = getattr(sys.modules.get("ui.compute"), "PREPARE", None)
    return served if prepare is None else bool(prepare)


def is_cached(func: Callable[..., object], *args: object) -> bool | None:
    """Whether `st.cache_data` function `func` holds a value for `args`, without computing
    it (None when this Streamlit does not say: the page then computes it)."""
    try:
        from streamlit.runtime.caching.cache_errors import CacheKeyNotFoundError
        from streamlit.runtime.caching.cache_utils import _make_value_key

        info = func._info  # type: ignore[attr-defined]
        cache = info.get_function_cache(func._function_key)  # type: ignore[attr-defined]
        key = _make_value_key(
            cache_type=info.cache_type,
            func=info.func,
            func_args=args,
            func_kwargs={},
            hash_funcs=info.hash_funcs,
        )
    except (AttributeError, ImportError, TypeError):
        return None
    try:
        cache.read_result(key)
    except CacheKeyNotFoundError:
        return False
    return True


def _session() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return "" if ctx is None else ctx.session_id


def in_background_now(job: Job, ready: Callable[[], bool | None]) -> bool:
    """True when the page should show `job`'s part as being computed: it is not `ready`
    and the background computes it (queued first for this session). False: read it now
    (ready, no background here, or a background job of this label failed before)."""
    import streamlit as st

    if not enabled() or job.label in st.session_state.get(KEY_SYNC, ()):
        return False
    if ready() is not False:
        return False
    WORKER.first(_session(), job)
    return True


def computing(message: str) -> None:
    """Where a pending part will be: say what is being computed (not a blank)."""
    import streamlit as st

    st.info(message, icon=":material/hourglass_top:")


def rerun_when_ready(waiting: dict[str, Callable[[], bool | None]]) -> None:
    """Rerun the page once every part in `waiting` (job label -> its ready check) is
    ready: a fragment looks every WAIT_EVERY seconds (its runs do not stop the worker)."""
    if waiting:
        _poll(waiting)


def _poll_body(waiting: dict[str, Callable[[], bool | None]]) -> None:
    import streamlit as st

    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        _WAIT_FRAGMENTS.add(str(ThreadState.get().fragment_id))
    except (ImportError, AttributeError, RuntimeError):
        pass
    session = _session()
    late = [
        label
        for label, ready in waiting.items()
        if ready() is False and not WORKER.pending(session, label)
    ]
    if late:  # its job failed: compute it in the script (it says why)
        st.session_state[KEY_SYNC] = {*st.session_state.get(KEY_SYNC, ()), *late}
    if late or all(ready() is not False for ready in waiting.values()):
        st.rerun(scope="app")


def _make_poll() -> Callable[[dict[str, Callable[[], bool | None]]], None]:
    import streamlit as st

    return st.fragment(run_every=WAIT_EVERY)(_poll_body)


_poll = _make_poll()
