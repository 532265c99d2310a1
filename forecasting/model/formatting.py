"""One way to write numbers for people: money, percentages, ratios, months, deltas, roles.

Pages, charts, the plain-language summary and exports all format through here, so a chart
and the table beside it never disagree ("$1.4M" in both, "+5 pts" in both, one minus sign).
Pure Python; no pandas, no UI.
"""

from __future__ import annotations

import math
from datetime import date

from forecasting.model.roles import ROLE_LABELS, Role

#: The minus sign of every formatted negative number (typographic, as in print).
MINUS = "\u2212"
#: What a difference of two probabilities is called ("percentage points").
POINTS = "pts"


def _sign(value: float, signed: bool) -> str:
    if value < 0:
        return MINUS
    return "+" if signed and value > 0 else ""


def month_name(label: str) -> str:
    """'2028-06' -> 'Jun 2028'."""
    year, month = (int(p) for p in str(label).split("-")[:2])
    return date(year, month, 1).strftime("%b %Y")


def money(x: float, *, signed: bool = False) -> str:
    """$1.4M / $850k / $900 (signed: +$1.4M, −$850k)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign, v = _sign(x, signed), abs(x)
    if v >= 1e6:
        return f"{sign}${v / 1e6:,.1f}M"
    if v >= 1e3:
        return f"{sign}${v / 1e3:,.0f}k"
    return f"{sign}${v:,.0f}"


def percent(p: float) -> str:
    """A share as a whole percentage: 0.8 -> '80%'."""
    if p is None or not math.isfinite(p):
        return "n/a"
    return f"{_sign(p, False)}{abs(100 * p):.0f}%"


def confidence_percent(p: float) -> str:
    """A confidence asked for, with the decimals it has (up to 4): 0.8 -> '80%', 0.999 ->
    '99.9%', 0.999999 -> '99.9999%' (not '100%', which no sampled answer can show)."""
    if p is None or not math.isfinite(p):
        return "n/a"
    for d in range(4):
        text = f"{100 * p:.{d}f}"
        if abs(float(text) / 100.0 - p) < 1e-9:
            return text + "%"
    return f"{100 * p:.4f}%"


def percent_at_least(p: float) -> str:
    """A lower bound as a percentage, rounded down to 3 decimals: 0.99960016 -> '99.960%'
    (never above what was shown)."""
    return f"{math.floor(p * 1e5) / 1e3:.3f}%"


def points(delta: float) -> str:
    """A difference of two shares in percentage points: 0.05 -> '+5 pts'."""
    if delta is None or not math.isfinite(delta):
        return "n/a"
    return f"{_sign(round(100 * delta), True)}{abs(100 * delta):.0f} {POINTS}"


def ratio_text(k: float) -> str:
    """'1:6' or '1:6.5' (data scientists per ML engineer); no ML engineer: said in words."""
    if k is None or not math.isfinite(k):
        return "no ML engineers"
    return f"1:{k:g}" if float(k).is_integer() else f"1:{k:.1f}"


def k_text(k: float) -> str:
    """The k of '1:k' alone: '6' or '6.5'."""
    return f"{k:.0f}" if float(k).is_integer() else f"{k:.1f}"


def number(x: float, *, signed: bool = False, digits: int = 1) -> str:
    """A plain number: '9', '12.5', '+1.5', '−1' (trailing zeros dropped)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    text = f"{abs(x):,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{abs(x):,.0f}"
    return f"{_sign(x, signed)}{text or '0'}"


def role_label(key: str) -> str:
    """'ml_engineer' -> 'ML engineer'; anything that is not a role key is returned as is."""
    try:
        return ROLE_LABELS[Role(str(key))]
    except ValueError:
        return str(key)
