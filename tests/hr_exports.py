"""HR exports in the shapes real systems write, generated with their truth (for tests and
benchmarks): a yearly panel of thousands of people over ten years (one row per person per
year-end record, "1/1/1900" as the termination date of everyone still employed, status
ACTIVE / TERMINATED, a termination reason), and German semicolon exports with title lines
above the header and a totals line below.

Everything is simulated here, independently of the planner: people are hired at a
constant rate, leave after an exponential tenure (a constant hazard per role), and some
change title (a promotion inside a role, a few data scientists re-titled ML engineer) on
a record date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

ROLES = ("data_engineer", "data_scientist", "ml_engineer", "product_manager", "other")
#: Titles per role: a junior and a senior one (a promotion keeps the role).
TITLES = {
    "data_engineer": ("Data Engineer", "Senior Data Engineer"),
    "data_scientist": ("Data Scientist", "Senior Data Scientist"),
    "ml_engineer": ("Machine Learning Engineer", "Staff ML Engineer"),
    "product_manager": ("Product Manager", "Senior Product Manager"),
    "other": ("Data Analyst", "Senior Data Analyst"),
}
#: True annual attrition per role (1 - exp(-12 h)).
ATTRITION = {
    "data_engineer": 0.12,
    "data_scientist": 0.15,
    "ml_engineer": 0.11,
    "product_manager": 0.09,
    "other": 0.14,
}
SHARE = {
    "data_engineer": 0.2,
    "data_scientist": 0.45,
    "ml_engineer": 0.1,
    "product_manager": 0.08,
    "other": 0.17,
}
REASON_WORDS = ("Resignation", "Involuntary Termination", "Retirement", "Layoff")
REASON_KEYS = ("voluntary", "involuntary", "retirement", "layoff")
REASON_SHARE = (0.65, 0.15, 0.08, 0.12)
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Truth:
    """The people behind a generated export.

    ``spells``: person, role, start, end (NaT while employed), hired, left, reason: one
    row per person and role, a change of role on a record date starting a new spell.
    ``records``: the record dates, ``as_of`` the last of them.
    """

    spells: pd.DataFrame
    records: list[dt.date]
    as_of: dt.date

    def headcount(self, day: dt.date) -> dict[str, int]:
        """People per role employed on ``day`` (start <= day < end)."""
        s = self.spells
        t = np.datetime64(day, "ns")
        on = (s["start"] <= t) & (s["end"].isna() | (s["end"] > t))
        counts = s.loc[on, "role"].value_counts()
        return {r: int(counts.get(r, 0)) for r in ROLES}

    def window_counts(
        self, since: dt.date, counted: tuple[str, ...] | None = None
    ) -> dict[str, dict[str, float]]:
        """Exits and person-months per role over [since, as_of], counted per spell."""
        s = self.spells
        w, a = np.datetime64(since, "ns"), np.datetime64(self.as_of, "ns")
        end = s["end"].to_numpy(dtype="datetime64[ns]")
        start = s["start"].to_numpy(dtype="datetime64[ns]")
        ended = ~np.isnat(end) & (end <= a)
        stop = np.where(ended, end, a)
        months = np.clip((stop - np.maximum(start, w)) / DAY, 0, None) / (365.25 / 12)
        event = s["left"].to_numpy() & ended & (end >= w)
        if counted is not None:
            event &= s["reason"].isin(counted).to_numpy()
        out = {}
        for role in ROLES[:4]:
            mine = (s["role"] == role).to_numpy()
            out[role] = {"exits": int(event[mine].sum()), "person_months": months[mine].sum()}
        return out


def yearly_panel(
    people: int = 4100,
    *,
    first_year: int = 2016,
    years: int = 10,
    seed: int = 20,
    transfers: float = 0.01,
) -> tuple[bytes, Truth]:
    """A yearly panel export and its truth.

    Records on 31 December of each year (the last one on 30 November of the final
    year); each record lists everyone employed that day (ACTIVE, termination date
    1/1/1900) and everyone who left since the previous record (TERMINATED, their
    termination date and reason), which is their final row. About ``people`` distinct
    people; dates written M/D/YYYY.
    """
    rng = np.random.default_rng(seed)
    records = [dt.date(first_year + k, 12, 31) for k in range(years - 1)]
    records.append(dt.date(first_year + years - 1, 11, 30))
    w = np.datetime64(dt.date(first_year, 1, 1), "D")
    horizon = np.datetime64(records[-1], "D")
    span = int((horizon - w) / DAY)
    initial = int(people * 0.45)
    hired_later = people - initial
    role = rng.choice(ROLES, size=people, p=[SHARE[r] for r in ROLES])
    start = np.empty(people, dtype="datetime64[D]")
    start[:initial] = w - rng.integers(1, 365 * 12, initial) * DAY
    start[initial:] = w + np.sort(rng.integers(0, span, hired_later)) * DAY
    hazard = np.array([-np.log1p(-ATTRITION[r]) / 365.25 for r in role])
    tenure = rng.exponential(1.0 / hazard)
    # The initial staff were employed on W: their tenure from W (constant hazard).
    base = np.where(np.arange(people) < initial, w, start)
    end = base + np.ceil(tenure).astype(np.int64) * DAY
    left = end <= horizon
    end = np.where(left, end, np.datetime64("NaT"))
    senior = rng.random(people) < 0.3
    reason = np.where(left, rng.choice(REASON_KEYS, size=people, p=REASON_SHARE), "").astype(object)
    # Title per record: a promotion (same role) on a record date; a few data scientists
    # re-titled ML engineer on a record date (a new spell, neither exit nor hire).
    rec = np.array([np.datetime64(d, "D") for d in records])
    promote_at = rng.integers(0, len(rec), people)
    move = (role == "data_scientist") & (rng.random(people) < transfers * 10)
    move_at = rng.integers(1, len(rec), people)
    rows = []
    spells = []
    for i in range(people):
        present = [
            k
            for k, r in enumerate(rec)
            if (start[i] <= r and (not left[i] or end[i] > r))
            or (left[i] and (k == 0 or end[i] > rec[k - 1]) and end[i] <= r and start[i] <= r)
        ]
        # keep the records up to and including the one listing the exit
        if left[i]:
            present = [k for k in present if k == 0 or end[i] > rec[k - 1]]
        if not present:
            continue  # hired and gone between two records: the export never lists them
        moved_at = None
        if move[i] and move_at[i] in present and move_at[i] != present[0]:
            moved_at = int(move_at[i])
        for k in present:
            r_role = "ml_engineer" if moved_at is not None and k >= moved_at else role[i]
            level = 1 if senior[i] and k >= promote_at[i] else 0
            gone = bool(left[i] and end[i] <= rec[k])
            rows.append(
                (
                    f"E{i + 1:05d}",
                    _mdy(rec[k]),
                    TITLES[r_role][level],
                    _mdy(start[i]),
                    _mdy(end[i]) if gone else "1/1/1900",
                    "TERMINATED" if gone else "ACTIVE",
                    REASON_WORDS[REASON_KEYS.index(reason[i])] if gone else "",
                )
            )
        e = np.datetime64(end[i], "ns") if left[i] else np.datetime64("NaT", "ns")
        s0 = np.datetime64(start[i], "ns")
        if moved_at is None:
            spells.append((i, role[i], s0, e, True, True, reason[i]))
        else:
            cut = np.datetime64(rec[moved_at], "ns")
            spells.append((i, role[i], s0, cut, True, False, ""))
            spells.append((i, "ml_engineer", cut, e, False, True, reason[i]))
    header = (
        "Employee ID,Record Date,Job Title,Hire Date,Termination Date,Status,Termination Reason"
    )
    text = "\n".join([header, *(",".join(r) for r in rows)]) + "\n"
    frame = pd.DataFrame(
        spells, columns=["person", "role", "start", "end", "hired", "left", "reason"]
    )
    return text.encode("utf-8"), Truth(frame, records, records[-1])


def _mdy(day: np.datetime64) -> str:
    d = pd.Timestamp(day)
    return f"{d.month}/{d.day}/{d.year}"


def _dmy(day: np.datetime64) -> str:
    d = pd.Timestamp(day)
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def german_roster(
    people: int = 147, *, seed: int = 3, marker: str = "00.00.0000"
) -> tuple[bytes, Truth]:
    """A SuccessFactors-style semicolon export with German headers, three title lines
    (the second stating the export date 30.11.2026), a blank ``;;;`` line, day-first
    dates, a "no date" marker as the end date of current staff and a totals line below.
    Encoded as Windows-1252, as Excel saves it."""
    rng = np.random.default_rng(seed)
    as_of = dt.date(2026, 11, 30)
    a = np.datetime64(as_of, "D")
    role = rng.choice(ROLES, size=people, p=[SHARE[r] for r in ROLES])
    start = a - rng.integers(30, 365 * 6, people) * DAY
    gone = rng.random(people) < 0.25
    end = np.where(gone, start + (rng.random(people) * ((a - start) / DAY)).astype(int) * DAY, a)
    end = np.where(gone & (end > start), end, np.datetime64("NaT"))
    lines = [
        "Data & AI headcount report;;;",
        "Generated 30.11.2026 14:02 by SuccessFactors;;;",
        ";;;",
        "Personalnummer;Stellenbezeichnung;Eintrittsdatum;Austrittsdatum",
    ]
    spells = []
    for i in range(people):
        e = end[i]
        lines.append(
            f"{10000 + i};{TITLES[role[i]][i % 2]};{_dmy(start[i])};"
            f"{marker if np.isnat(e) else _dmy(e)}"
        )
        spells.append(
            (i, role[i], np.datetime64(start[i], "ns"), np.datetime64(e, "ns"), True, True, "")
        )
    lines.append(f"Total: {people} records;;;")
    frame = pd.DataFrame(
        spells, columns=["person", "role", "start", "end", "hired", "left", "reason"]
    )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252"), Truth(frame, [as_of], as_of)


def simulated_roster(
    seed: int,
    *,
    start: dt.date = dt.date(2021, 1, 1),
    as_of: dt.date = dt.date(2024, 12, 31),
    team: dict[str, int] | None = None,
) -> bytes:
    """A roster of a team simulated in continuous time: everyone employed on ``start``
    plus everyone hired since, each leaving after an exponential tenure at their role's
    ``ATTRITION``; hires arrive as a Poisson process at the rate that keeps the team's
    size. It lists every current employee and every leaver since ``start`` (ISO dates)."""
    rng = np.random.default_rng(seed)
    team = team or {
        "data_engineer": 20,
        "data_scientist": 50,
        "ml_engineer": 10,
        "product_manager": 8,
    }
    w, a = np.datetime64(start, "D"), np.datetime64(as_of, "D")
    days = int((a - w) / DAY)
    lines = ["employee_id,job_title,start_date,end_date"]
    k = 0
    for role, size in team.items():
        daily = -np.log1p(-ATTRITION[role]) / 365.25
        hired = w - rng.integers(1, 365 * 6, size) * DAY
        arrivals = np.sort(rng.integers(0, days, rng.poisson(size * daily * days)))
        starts = np.concatenate([hired, w + arrivals * DAY])
        base = np.concatenate([np.full(size, w), starts[size:]])
        ends = base + np.ceil(rng.exponential(1 / daily, len(starts))).astype(np.int64) * DAY
        for s, e in zip(starts, ends):
            k += 1
            end = "" if e > a else str(e)
            lines.append(f"E{k},{TITLES[role][0]},{s},{end}")
    return ("\n".join(lines) + "\n").encode()
