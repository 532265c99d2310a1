"""Months as the scenario file writes them ("YYYY-MM"), and the JSON nesting guard.

Month arithmetic for scenarios lives here once: parse a label, make the horizon's labels,
today's month. `nesting_depth` lets a scenario reader refuse JSON nested deeper than the
format needs before the parser recurses into it.
"""

from __future__ import annotations

import json
import re
from datetime import date

from forecasting.model.errors import ScenarioError

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def quoted(x: object) -> str:
    """A value as a message quotes it: JSON for strings, booleans and null, else repr."""
    return json.dumps(x) if isinstance(x, str | bool) or x is None else repr(x)


def current_month() -> str:
    """Return today's month as "YYYY-MM" (the default start_month)."""
    today = date.today()
    return f"{today.year:04d}-{today.month:02d}"


def parse_month(text: object, key: str = "start_month") -> tuple[int, int]:
    """Parse "YYYY-MM" into (year, month), or raise ScenarioError naming `key`."""
    m = _MONTH_RE.match(text) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2200:
        raise ScenarioError(
            f"{key}: {quoted(text)} is not a month; write it as YYYY-MM, e.g. 2027-01"
        )
    return int(m.group(1)), int(m.group(2))


def month_labels(start_month: str, count: int, *, offset: int = 0) -> list[str]:
    """Return `count` consecutive "YYYY-MM" labels starting `offset` months after
    `start_month` (before it when negative)."""
    year, month = parse_month(start_month)
    base = year * 12 + month - 1 + offset
    return [f"{(base + i) // 12:04d}-{(base + i) % 12 + 1:02d}" for i in range(count)]


#: Deepest nesting of brackets a scenario file needs is 4 (hiring_policy.role.p10 list);
#: anything deeper is refused before parsing (deep nesting makes the JSON parser recurse).
MAX_NESTING = 8
#: Digits of the longest integer a scenario or comparison file may hold: past a float's
#: range (about 1.8e308) a number can only be refused, so it is refused while reading.
MAX_INT_DIGITS = 309


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError("too many digits")
    return int(text)


def nesting_depth(text: str | bytes) -> int:
    """Deepest nesting of [ and { in JSON text, outside strings (a linear scan)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(text: str | bytes, what: str, shape: str = "") -> object:
    """JSON text as Python values, refused with a one-line ScenarioError naming `what`
    ("scenario", "comparison") when nested too deeply (saying `shape`, what the file
    should look like, if given), not JSON, or not UTF-8."""
    if nesting_depth(text) > MAX_NESTING:
        raise ScenarioError(
            f"{what}: nested deeper than {MAX_NESTING} levels" + (f"; {shape}" if shape else "")
        )
    try:
        return json.loads(text, parse_int=_bounded_int)
    except RecursionError:  # pragma: no cover - refused by the depth check above
        raise ScenarioError(f"{what}: nested too deeply to be a {what} file") from None
    except json.JSONDecodeError as e:
        raise ScenarioError(
            f"{what}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{what}: the file is not UTF-8 text") from None
    except ValueError:  # an integer past a float's range (or Python's int-string limit)
        raise ScenarioError(
            f"{what}: a number in it is too large (hundreds of digits or more); no value of "
            f"a {what} is that large"
        ) from None


def quarter_of(label: str) -> str:
    """'2027-05' -> 'Q2 2027'."""
    return f"Q{(int(label[5:7]) - 1) // 3 + 1} {label[:4]}"


def quarters(months: list[str], per_month: list[int] | tuple[int, ...]) -> list[tuple[str, int]]:
    """Sum a per-month series by calendar quarter: [("Q1 2027", 3), ...] (non-zero only).

    Args:
        months: "YYYY-MM" labels, one per entry of `per_month`.
        per_month: counts by month.
    """
    out: dict[str, int] = {}
    for label, n in zip(months, per_month):
        if not n:
            continue
        q = quarter_of(label)
        out[q] = out.get(q, 0) + int(n)
    return list(out.items())
