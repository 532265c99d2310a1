"""The long-lived heap kept out of Streamlit's garbage collection after every script run.

Streamlit runs ``gc.collect(2)`` after every script run (``runner.postScriptGC``): a full
collection walks every object the collector tracks, and this app's process holds about
200,000 of them once its modules, pandas, Altair and statsmodels are imported and the
sample is warmed up. Measured on this 2-core machine: 94-105 ms a collection, against a
bare Streamlit page's whole rerun of about 47 ms: every rerun of every control paid it,
warm or cold.

Almost all of those objects live as long as the process (modules, classes, functions,
Altair's schemas, the warmed caches). :func:`freeze` moves everything the collector tracks
now into its permanent generation (``gc.freeze``, made for long-lived servers), which a
collection no longer walks: the same collection then takes microseconds, and still walks
everything created later (each session's objects, uploads, new cache entries), so the
garbage of sessions is collected as before. Reference counting frees frozen objects as
usual; only a reference cycle among objects frozen now would outlive its last use, which
is why the heap is frozen at two moments only, each once per process: after app.py's
imports on the first script run (:func:`freeze_once`), and after the warm-up at server
start (ui/warmup.py), with a full collection first so that no garbage is frozen.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_frozen: set[str] = set()


def freeze(moment: str, *, collect: bool = True) -> bool:
    """Freeze the heap as it is now, once per `moment` (False when it already was).

    Args:
        moment: which freeze this is ("imports", "warm-up"): each happens once a process.
        collect: collect garbage first (a full collection, ~0.1 s), so that none is frozen.
    """
    with _lock:
        if moment in _frozen:
            return False
        _frozen.add(moment)
    if collect:
        gc.collect()
    gc.freeze()
    return True


def freeze_once() -> bool:
    """After app.py's imports, on the process's first script run: the modules and
    libraries frozen without a collection first (import leaves next to no garbage; the
    first visitor does not wait 0.1 s for it)."""
    if _frozen:
        return False
    return freeze("imports", collect=False)


def frozen() -> frozenset[str]:
    """The moments frozen so far in this process (tests, the log)."""
    return frozenset(_frozen)
