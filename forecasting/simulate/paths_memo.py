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
tests/test_simulate_memory.py measures. Entries keep their counts in the narrowest integer
type (a team of up to 127 people: one byte a path-month); the least recently used go
first past the byte bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RolePaths:
    """One role's simulated paths.

    Attributes:
        headcount: (T+1, P) int32 people by month and path.
        realised: (T, P) int32 starts by step (a view of a (T+1, P) array whose first row
            is 0, as `recursion.padded` expects), or None when the starts are certain.
        moved: (T, P) int32 people leaving for reskilling by step (data scientists), or
            None.
        p_exit: the monthly exit probability, a number or one per path (P,).
    """

    headcount: np.ndarray
    realised: np.ndarray | None
    moved: np.ndarray | None
    p_exit: float | np.ndarray


@dataclass(frozen=True)
class _Packed:
    """`RolePaths` as the memo keeps them: every count in the narrowest integer type that
    holds it (a team of up to 127 people in one byte a path-month instead of four; the
    realised starts without their zero first row), the exit probabilities read-only."""

    headcount: np.ndarray
    realised: np.ndarray | None
    moved: np.ndarray | None
    p_exit: float | np.ndarray

    @classmethod
    def of(cls, paths: RolePaths) -> _Packed:
        p_exit = paths.p_exit
        if isinstance(p_exit, np.ndarray):
            p_exit = p_exit.copy()
            p_exit.flags.writeable = False
        headcount = _narrow(paths.headcount)
        assert headcount is not None
        return cls(headcount, _narrow(paths.realised), _narrow(paths.moved), p_exit)

    def unpacked(self) -> RolePaths:
        realised = None
        if self.realised is not None:  # a view of a (T+1, P) array whose first row is 0
            whole = np.zeros((self.realised.shape[0] + 1, self.realised.shape[1]), np.int32)
            realised = whole[1:]
            realised[...] = self.realised
        return RolePaths(
            self.headcount.astype(np.int32),
            realised,
            None if self.moved is None else self.moved.astype(np.int32),
            self.p_exit,
        )

    @property
    def nbytes(self) -> int:
        arrays = (self.headcount, self.realised, self.moved, self.p_exit)
        return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))


def _narrow(counts: np.ndarray | None) -> np.ndarray | None:
    """A copy of `counts` in the narrowest of int8, int16, int32 that holds them."""
    if counts is None:
        return None
    low, high = int(counts.min(initial=0)), int(counts.max(initial=0))
    for dtype in (np.int8, np.int16):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return counts.astype(dtype)
    return counts.astype(np.int32)


class PathsMemo:
    """A thread-safe LRU of role paths bounded in bytes (0 bytes: off, nothing kept).

    What `get` returns is the caller's own (int32 arrays made from the kept counts; the
    exit probabilities read-only): nothing a caller does changes what is kept.
    """

    def __init__(self, max_bytes: float = 0) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        self._items: OrderedDict[bytes, _Packed] = OrderedDict()

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
        return hit.unpacked()

    def put(self, key: bytes, value: RolePaths) -> None:
        """Keep (a packed copy of) `value` under `key` while it fits."""
        if not self.enabled:
            return
        packed = _Packed.of(value)
        size = packed.nbytes
        with self._lock:
            if size > self.max_bytes:
                return  # larger than the whole memo: not kept
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= old.nbytes
            self._items[key] = packed
            self.nbytes += size
            self._evict()

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
