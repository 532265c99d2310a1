"""Columns: which header holds which logical column, and which kind of file it is.

Headers are matched to the planner's logical columns (title, role, count, month,
hires, exits, start, end, salary) by exact synonyms after normalising (case-folded,
letters and digits only), then by substrings; ``columns=`` overrides either way. The
kind (snapshot, history, roster) follows from the columns found unless forced.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from forecasting.ingest.table import clean_header, norm_header
from forecasting.model.errors import IngestError


class Kind(StrEnum):
    """Kind of uploaded file."""

    SNAPSHOT = "snapshot"
    HISTORY = "history"
    ROSTER = "roster"


#: Logical column names accepted by ``columns=`` (logical name -> header in the file).
LOGICAL_COLUMNS: tuple[str, ...] = (
    "title",
    "role",
    "count",
    "month",
    "headcount",
    "hires",
    "exits",
    "start",
    "end",
    "salary",
)
# Header synonyms, compared after case-folding and removing everything but letters/digits.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "jobtitle",
        "title",
        "position",
        "positiontitle",
        "positionname",
        "businesstitle",
        "jobname",
        "job",
        "jobprofile",
        "jobprofilename",
        "designation",
        "occupation",
        "jobposition",
        "roletitle",
        "currentjobtitle",
        "employeetitle",
        "worktitle",
        "postitle",
    ),
    "role": ("role", "rolekey", "plannerrole", "roles", "jobrole", "rolename", "jobfamily"),
    "month": (
        "month",
        "period",
        "yearmonth",
        "monthend",
        "monthstart",
        "reportingmonth",
        "reportingperiod",
        "snapshotmonth",
        "snapshotdate",
        "date",
        "asof",
        "asofdate",
        "ym",
    ),
    "count": (
        "count",
        "headcount",
        "hc",
        "n",
        "number",
        "numberofpeople",
        "numberofemployees",
        "people",
        "employees",
        "persons",
        "heads",
        "staff",
        "total",
        "teamsize",
        "size",
    ),
    "hires": (
        "hires",
        "starts",
        "joiners",
        "newhires",
        "joins",
        "starters",
        "additions",
        "hirecount",
        "inflow",
    ),
    "exits": (
        "exits",
        "leavers",
        "terminations",
        "departures",
        "attrition",
        "separations",
        "quits",
        "exitcount",
        "outflow",
        "terms",
    ),
    "start": (
        "startdate",
        "start",
        "hiredate",
        "dateofhire",
        "datehired",
        "hired",
        "joindate",
        "joiningdate",
        "dateofjoining",
        "datejoined",
        "joined",
        "doj",
        "originalhiredate",
        "mostrecenthiredate",
        "lasthiredate",
        "employmentstartdate",
        "employmentdate",
        "continuousservicedate",
        "servicedate",
        "senioritydate",
        "startdt",
        "begindate",
        "hire",
    ),
    "end": (
        "enddate",
        "end",
        "terminationdate",
        "termdate",
        "dateoftermination",
        "terminated",
        "termination",
        "terminationeffectivedate",
        "leavedate",
        "leavingdate",
        "dateofleaving",
        "dateleft",
        "leftdate",
        "exitdate",
        "separationdate",
        "departuredate",
        "lastday",
        "lastdayworked",
        "lastworkingday",
        "lastworkingdate",
        "enddt",
    ),
    "salary": (
        "salary",
        "annualsalary",
        "basesalary",
        "basepay",
        "annualbasesalary",
        "annualpay",
        "annualcompensation",
        "compensation",
        "totalcompensation",
        "totalcomp",
        "comp",
        "pay",
        "wage",
        "yearlysalary",
        "grosssalary",
        "salaryannual",
        "annualcost",
        "cost",
    ),
}

# Fallbacks when no synonym matches exactly: (all of, any of) substrings.
_CONTAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "title": ((), ("jobtitle", "title")),
    "start": (("date",), ("hire", "start", "join")),
    "end": (("date",), ("term", "end", "leav", "exit", "separat", "depart")),
    "salary": ((), ("salary", "compensation")),
}


def resolve_columns(
    header: list[str],
    columns: Mapping[str, str | None] | None,
    name: str,
    explicit: set[str] | None = None,
) -> dict[str, int]:
    """Return logical name -> column index, from explicit names then detection.

    ``explicit`` (if given) receives the logical names the caller named.
    """
    explicit = set() if explicit is None else explicit
    used: dict[str, int] = {}
    disabled: set[str] = set()
    if columns:
        for logical, wanted in columns.items():
            key = str(logical).strip().lower()
            if key not in LOGICAL_COLUMNS:
                raise IngestError(
                    f"columns: {logical!r} is not a column name the planner uses; use "
                    f"{', '.join(LOGICAL_COLUMNS)}"
                )
            slot = "count" if key == "headcount" else key
            if wanted is None or str(wanted).strip() == "":
                disabled.add(slot)
                continue
            index = _find_header(header, str(wanted))
            if index is None:
                shown = ", ".join(repr(h) for h in header if h)[:300]
                raise IngestError(
                    f"columns: {name} has no column named {str(wanted)!r} (for {key}); "
                    f"its headers are {shown}"
                )
            used[slot] = index
    explicit.update(used)
    claimed = set(used.values())
    normalized = [norm_header(h) for h in header]
    for logical, synonyms in _SYNONYMS.items():
        if logical in used or logical in disabled:
            continue
        for synonym in synonyms:
            if synonym in normalized and normalized.index(synonym) not in claimed:
                used[logical] = normalized.index(synonym)
                claimed.add(used[logical])
                break
    for logical, (all_of, any_of) in _CONTAINS.items():
        if logical in used or logical in disabled:
            continue
        for index, key in enumerate(normalized):
            if index in claimed or not key or key.endswith("id"):
                continue
            if all(s in key for s in all_of) and any(s in key for s in any_of):
                used[logical] = index
                claimed.add(index)
                break
    return used


def wanted_columns(
    header: list[str], columns: Mapping[str, str | None] | None, name: str
) -> list[int]:
    """The column indices whose cells an ingest reads: those :func:`resolve_columns` finds.

    A mistake in ``columns`` is reported after the whole file is checked (as before the
    columns are resolved), so here it only means that no cells are kept.
    """
    try:
        return list(resolve_columns(header, columns, name).values())
    except IngestError:
        return []


def _find_header(header: list[str], wanted: str) -> int | None:
    cleaned = clean_header(wanted)
    for index, value in enumerate(header):
        if value == cleaned:
            return index
    for index, value in enumerate(header):
        if value.casefold() == cleaned.casefold():
            return index
    key = norm_header(cleaned)
    for index, value in enumerate(header):
        if key and norm_header(value) == key:
            return index
    return None


def decide_kind(
    used: dict[str, int],
    forced: Kind | None,
    header: list[str],
    name: str,
    warnings: list[str],
) -> Kind:
    """Detect the kind from the columns found (or check the forced kind)."""
    if "title" not in used and "role" not in used:
        shown = ", ".join(repr(h) for h in header if h)[:300]
        raise IngestError(
            f"{name} has no usable job title or role column (headers: {shown}); name one "
            "'job_title' or 'role', or pick it with columns={'title': ...} "
            "(CLI: --columns title=...)"
        )
    if forced is None:
        if "month" in used and "count" in used:
            forced = Kind.HISTORY
        elif "start" in used:
            forced = Kind.ROSTER
        else:
            forced = Kind.SNAPSHOT
    if forced is Kind.HISTORY:
        for need, example in (("month", "month"), ("count", "headcount")):
            if need not in used:
                raise IngestError(
                    f"{name}: a history needs a {need} column and none was found; name it "
                    f"'{example}' or pick it with columns={{'{example}': ...}}"
                )
    elif forced is Kind.ROSTER:
        if "start" not in used:
            raise IngestError(
                f"{name}: a roster needs a start-date column and none was found; name it "
                "'start_date' or 'hire_date', or pick it with columns={'start': ...}"
            )
    elif "end" in used and "start" not in used:
        warnings.append(
            f"column {header[used['end']]!r} was not used: without a start-date column the "
            "file is read as a snapshot of everyone listed; add start dates to read it as "
            "a roster"
        )
    return forced
