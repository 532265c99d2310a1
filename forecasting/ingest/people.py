"""People as employment spells: the headcount, the leavers window, exits by reason and
by year, and attrition counted over person-time.

A roster gives one spell per person; a panel one per person and role between changes
of role (:mod:`forecasting.ingest.panel`). A spell that ``hired`` someone starts an
employment (a hire) and one that ``left`` ends it (an exit, when it has an end date);
the others are changes of role inside the team, neither hires nor exits.

Attrition over the leavers window [W, as-of] is exits with a counted reason divided by
the person-months worked in the window, each spell from max(start, W) to min(end,
as-of), the rule of :func:`forecasting.estimate.survival.roster_survival`; the counts
themselves are kept (``attrition_counts``), so that a known answer can be checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.ingest.reasons import NOT_GIVEN, REASONS
from forecasting.model.roles import OTHER, ROLE_KEYS

#: Average month length in days (as forecasting.estimate.rates.DAYS_PER_MONTH).
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True, eq=False)
class People:
    """Employment spells (one role each) of the people in scope.

    Attributes:
        role: role key per spell ("other" too), object array.
        start: datetime64[ns] start of the spell.
        end: datetime64[ns] end of the spell (NaT while it goes on; may be after as-of).
        hired: the spell starts an employment (a hire).
        left: the spell ends an employment when it ends (an exit).
        reason: the exit's reason per spell (one of REASONS), or None without a column.
        person: a person number per spell (spells of one person share it).
    """

    role: np.ndarray
    start: np.ndarray
    end: np.ndarray
    hired: np.ndarray
    left: np.ndarray
    reason: np.ndarray | None = None
    person: np.ndarray | None = None

    @classmethod
    def roster(
        cls, role: np.ndarray, start: np.ndarray, end: np.ndarray, reason: np.ndarray | None
    ) -> People:
        """One spell per person: every start a hire, every end an exit."""
        ones = np.ones(len(start), dtype=bool)
        return cls(np.asarray(role, dtype=object), start, end, ones, ones.copy(), reason)

    def exits(self, as_of: np.datetime64) -> np.ndarray:
        """Mask of spells ending in an exit on or before the as-of date."""
        return self.left & ~np.isnat(self.end) & (self.end <= as_of)

    def people_count(self) -> int:
        return len(self.start) if self.person is None else len(np.unique(self.person))


def headcount_on(people: People, day: np.datetime64) -> dict[str, int]:
    """People per role key (and "other") employed on ``day``: start <= day < end."""
    on = (people.start <= day) & (np.isnat(people.end) | (people.end > day))
    counts = pd.Series(people.role[on]).value_counts()
    return {key: int(counts.get(key, 0)) for key in (*ROLE_KEYS, OTHER)}


@dataclass(frozen=True)
class Window:
    """The leavers window [since, as-of]: where it starts, why, and the leaver dating it.

    ``source``: "given", "detected" (the earliest end date, whose leaver ``dating``
    is not counted) or "first record" (a panel's first record date).
    """

    since: np.datetime64
    source: str
    dating: int | None = None

    @property
    def day(self) -> dt.date:
        return pd.Timestamp(self.since).date()


def leavers_window(
    people: People,
    as_of: np.datetime64,
    given: dt.date | None,
    first_record: np.datetime64 | None = None,
) -> Window | None:
    """The leavers window: given, else the earliest exit (which then only dates the
    window: that leaver is not counted) or a panel's first record date when that is
    earlier (everyone employed then is listed, and every leaver since); None without any."""
    if given is not None:
        return Window(np.datetime64(given, "ns"), "given")
    ended = people.exits(as_of)
    first = None if first_record is None else pd.Timestamp(first_record).to_datetime64()
    if first is not None and (not ended.any() or first <= people.end[ended].min()):
        return Window(first, "first record")
    if not ended.any():
        return None
    since = people.end[ended].min()
    dating = int(np.flatnonzero(ended & (people.end == since))[0])
    return Window(since, "detected", dating)


def window_counts(
    people: People,
    as_of: np.datetime64,
    window: Window,
    counted: Collection[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Exits and person-months per role over the window.

    Args:
        people: the spells.
        as_of: the as-of date.
        window: the leavers window.
        counted: the exit reasons attrition counts (None: every exit).

    Returns:
        role key -> {"exits": n, "person_months": m} for the four roles.
    """
    ended = ~np.isnat(people.end) & (people.end <= as_of)
    stop = np.where(ended, people.end, as_of)
    enter = np.maximum(people.start, window.since)
    days = (stop - enter) / np.timedelta64(1, "D")
    exposure = np.clip(days, 0.0, None) / DAYS_PER_MONTH
    event = people.left & ended & (people.end >= window.since)
    if window.dating is not None:
        event[window.dating] = False
    if counted is not None and people.reason is not None:
        event &= np.isin(people.reason, list(counted))
    out: dict[str, dict[str, float]] = {}
    for role in ROLE_KEYS:
        mine = people.role == role
        out[role] = {
            "exits": int(event[mine].sum()),
            "person_months": float(exposure[mine].sum()),
        }
    return out


def attrition_from_counts(counts: dict[str, float], estimate: Any) -> tuple[float, float, float]:
    """Annual attrition (mid, low, high) of exits over person-months, by the rule and
    prior of a survival estimate (:func:`forecasting.estimate.survival.roster_survival`:
    the posterior of forecasting.estimate.rates.rate_posterior, annualised as
    1 - exp(-12 h))."""
    from forecasting.estimate.rates import rate_posterior

    prior_hazard = -np.log1p(-float(estimate.prior_annual_exit)) / 12.0
    hazard = rate_posterior(
        counts["exits"],
        counts["person_months"],
        prior_rate=prior_hazard,
        prior_exits=estimate.prior_exits,
        level=estimate.level,
    )
    mid, low, high = (float(v) for v in -np.expm1(-12.0 * np.asarray(hazard)))
    return mid, low, high


def exits_by_reason(people: People, as_of: np.datetime64) -> dict[str, dict[str, int]]:
    """role key -> {reason: exits on or before the as-of date} (empty without reasons)."""
    if people.reason is None:
        return {}
    gone = people.exits(as_of)
    out: dict[str, dict[str, int]] = {}
    for role in ROLE_KEYS:
        mine = gone & (people.role == role)
        if not mine.any():
            continue
        found = pd.Series(people.reason[mine]).value_counts()
        out[role] = {r: int(found[r]) for r in REASONS if r in found.index}
    return out


def reasons_found(people: People, as_of: np.datetime64) -> list[str]:
    """The reasons of the exits on or before the as-of date, in REASONS order."""
    if people.reason is None:
        return []
    seen = set(people.reason[people.exits(as_of)])
    return [r for r in REASONS if r in seen]


def check_reasons(counted: Collection[str] | None) -> tuple[str, ...] | None:
    """The counted reasons as a tuple in REASONS order (None: every reason)."""
    if counted is None:
        return None
    wanted = {str(r).strip().lower() for r in counted}
    unknown = sorted(wanted - set(REASONS))
    if unknown:
        from forecasting.model.errors import IngestError

        raise IngestError(
            f"exit reasons counted: {', '.join(map(repr, unknown))} is not a reason; use "
            f"{', '.join(REASONS)}"
        )
    return tuple(r for r in REASONS if r in wanted)


def exits_by_year(history: pd.DataFrame) -> pd.DataFrame:
    """Per role and calendar year: exits, person-years and the exit rate.

    Person-years are each month's start-of-month headcount (the previous month's end)
    over twelve; the exit rate is the annual probability 1 - exp(-exits / person-years).
    Years in which the file lists no leavers show 0 exits: where the leavers begin.

    Returns:
        year, role, exits, person_years, exit_rate (NaN without person-years).
    """
    columns = ["year", "role", "exits", "person_years", "exit_rate"]
    if history.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    frame = history.copy()
    frame["year"] = frame["month"].str[:4].astype(int)
    before = frame.groupby("role", sort=False)["headcount"].shift(1)
    first = (frame["headcount"] - frame["hires"] + frame["exits"]).clip(lower=0)
    frame["start"] = before.fillna(first)
    out = frame.groupby(["year", "role"], sort=False).agg(
        exits=("exits", "sum"), person_years=("start", "sum")
    )
    out = out.reset_index()
    out["person_years"] = out["person_years"] / 12.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 1.0 - np.exp(-out["exits"] / out["person_years"])
    out["exit_rate"] = np.where(out["person_years"] > 0, rate, np.nan)
    out["exits"] = out["exits"].astype(np.int64)
    order = {r: i for i, r in enumerate(ROLE_KEYS)}
    out = out.sort_values(["year", "role"], key=lambda c: c.map(order) if c.name == "role" else c)
    return out[columns].reset_index(drop=True)


def trim_history(history: pd.DataFrame, since: Any) -> pd.DataFrame:
    """The history from the month of ``since`` on (the months the file lists leavers)."""
    if history.empty:
        return history
    month = pd.Timestamp(since).strftime("%Y-%m")
    return history[history["month"] >= month].reset_index(drop=True)


def reason_label(reason: str) -> str:
    """A reason as a sentence shows it."""
    return "no reason given" if reason == NOT_GIVEN else reason
