"""Checks of scenario values: each returns the clean value or raises ScenarioError with a
one-line message naming the key and saying how to fix it (`hint`)."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping, Sequence

from forecasting.model.errors import ScenarioError
from forecasting.model.months import quoted as _fmt


def number(value: object, key: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError(f"{key}: {_fmt(value)} is not a number; {hint}")
    v = float(value)
    if not math.isfinite(v):
        raise ScenarioError(f"{key}: {_fmt(value)} is not a finite number; {hint}")
    return v


def integer(value: object, key: str, lo: int, hi: int, hint: str) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        v: int | float = int(value)
    else:
        v = number(value, key, hint)
        if v != int(v):
            raise ScenarioError(f"{key}: {_fmt(value)} is not a whole number; {hint}")
    if v < 0 and lo >= 0:
        raise ScenarioError(f"{key}: {int(v)} is negative; {hint}")
    if not lo <= v <= hi:
        raise ScenarioError(f"{key}: {int(v)} is outside [{lo}, {hi}]; {hint}")
    return int(v)


def rate(value: object, key: str, hint: str) -> float:
    """A probability-like rate in [0, 1)."""
    v = number(value, key, hint)
    if not 0.0 <= v < 1.0:
        raise ScenarioError(f"{key}: {_fmt(value)} is outside [0, 1); {hint}")
    return v


def bounded(value: object, key: str, lo: float, hi: float, hint: str) -> float:
    v = number(value, key, hint)
    if not lo <= v <= hi:
        raise ScenarioError(f"{key}: {_fmt(value)} is outside [{lo:g}, {hi:g}]; {hint}")
    return v


def check_keys(d: Mapping, known: Sequence[str], where: str) -> None:
    for k in d:
        if k not in known:
            close = difflib.get_close_matches(str(k), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise ScenarioError(f"{where}{k}: unknown key; {hint}")
