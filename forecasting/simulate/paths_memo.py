"""One role's simulated paths kept between calls, by what they are a function of.

A role's Monte Carlo paths depend only on the scenario's seed and paths, the role's own
inputs (headcount, attrition and its interval, hiring policy or planned starts, time to
fill, cap, open requisitions, the fill rate, the data scientists' reskilling) and, for the
ML engineers, the reskilled data scientists who join them: every role draws from its own
generator (`engine.role_generators`). The target (ratio, deadline, confidence, hold), the
costs and the capacity parameters change none of them. So the paths the solver simulated
for a schedule are the paths the plan's projection simulates, and a new target, deadline,
confidence or Hold re-simulates no role: `engine.run_paths` and the solver's
`Evaluator` look each role up here first (`engine.role_key` names it). The numbers are
the same with or without the memo (tests/test_engine_memo.py).

`MEMO` is off (0 bytes) unless the application turns it on (`MEMO.resize`): the command
line simulates a scenario once, and a simulation's memory stays what
tests/test_simulate_memory.py measures. Entries are read-only arrays; the least recently
used go first past the byte bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RolePaths:
    """One role's simulated paths (read-only arrays).

    Attributes:
        headcount: (T+1, P) int32 people by month and path.
        realised: (T, P) int32 starts by step (a view of a (T+1, P) array whose first row
            is 0, as `recursion.padded` expects), or None when the starts are certain.
        moved: (T, P) people leaving for reskilling by step (data scientists), or None.
        p_exit: the monthly exit probability, a number or one per path (P,).
    """

    headcount: np.ndarray
    realised: np.ndarray | None
    moved: np.ndarray | None
    p_exit: float | np.ndarray

    @property
    def nbytes(self) -> int:
        total = self.headcount.nbytes
        if self.realised is not None:  # the padded array it is a view of
            base = self.realised.base
            total += (base if isinstance(base, np.ndarray) else self.realised).nbytes
        if self.moved is not None:
            total += self.moved.nbytes
        if isinstance(self.p_exit, np.ndarray):
            total += self.p_exit.nbytes
        return total

    def read_only(self) -> RolePaths:
        """The same paths with every array (and the base of a view) made read-only."""
        base = None if self.realised is None else self.realised.base
        for arr in (self.headcount, self.realised, base, self.moved, self.p_exit):
            if isinstance(arr, np.ndarray):
                arr.flags.writeable = False
        return self


class PathsMemo:
    """A thread-safe LRU of `RolePaths` bounded in bytes (0 bytes: off, nothing kept)."""

    def __init__(self, max_bytes: float = 0) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, RolePaths] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def resize(self, max_bytes: float) -> None:
        """Keep at most `max_bytes` of arrays from now on (0: off, and forget all)."""
        with self._lock:
            self.max_bytes = max_bytes
            self._evict()

    def get(self, key: bytes) -> RolePaths | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return hit

    def put(self, key: bytes, value: RolePaths) -> RolePaths:
        """Keep `value` (made read-only) under `key` while it fits; return it."""
        value = value.read_only()
        size = value.nbytes
        with self._lock:
            if size > self.max_bytes:
                return value  # larger than the whole memo: not kept
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old.nbytes
            self._items[key] = value
            self.nbytes += size
            self._evict()
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def _evict(self) -> None:
        while self._items and self.nbytes > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self.nbytes -= old.nbytes


#: The process's memo of role paths (off until the application sizes it).
MEMO = PathsMemo(0)
