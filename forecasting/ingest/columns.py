"""Columns: which header holds which logical column, and which kind of file it is.

Headers are matched to the planner's logical columns (title, role, count, month,
hires, exits, start, end, salary, person, record, status, reason) by exact synonyms
after normalising (case-folded, letters and digits only; English and common German
names), then by substrings; ``columns=`` overrides either way. The kind (snapshot,
history, roster, panel) follows from the columns found unless forced: a panel is a
file whose person ids repeat with a record (snapshot) date, one row per person per
period.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from forecasting.ingest.errors import COLUMN_MAPPING, READING_OPTIONS, ChoiceNeeded
from forecasting.ingest.table import clean_header, norm_header
from forecasting.model.errors import IngestError


class Kind(StrEnum):
    """Kind of uploaded file."""

    SNAPSHOT = "snapshot"
    HISTORY = "history"
    ROSTER = "roster"
    PANEL = "panel"


#: How the app names each kind.
KIND_LABELS: dict[str, str] = {
    "snapshot": "snapshot",
    "history": "monthly history",
    "roster": "roster",
    "panel": "panel (one row per person per period)",
}


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
    "person",
    "record",
    "status",
    "reason",
)
#: How the app names each logical column (the column mapping's fields).
FIELD_LABELS: dict[str, str] = {
    "title": "job title or role",
    "role": "role",
    "count": "count (headcount)",
    "month": "month",
    "headcount": "headcount",
    "hires": "hires",
    "exits": "exits",
    "start": "start date",
    "end": "end date",
    "salary": "salary",
    "person": "person id",
    "record": "record date",
    "status": "status",
    "reason": "exit reason",
}
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
        "stellenbezeichnung",
        "stelle",
        "jobbezeichnung",
        "berufsbezeichnung",
        "funktion",
        "funktionsbezeichnung",
        "positionsbezeichnung",
    ),
    "role": (
        "role",
        "rolekey",
        "plannerrole",
        "roles",
        "jobrole",
        "rolename",
        "jobfamily",
        "rolle",
    ),
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
        "monat",
        "periode",
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
        "anzahl",
        "kopfzahl",
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
        "eintrittsdatum",
        "eintritt",
        "beginn",
        "startdatum",
        "einstellungsdatum",
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
        "austrittsdatum",
        "austritt",
        "enddatum",
        "kundigungsdatum",
        "kündigungsdatum",
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
        "gehalt",
        "jahresgehalt",
        "grundgehalt",
    ),
    "person": (
        "employeeid",
        "employeeno",
        "employeenumber",
        "employeecode",
        "empid",
        "empno",
        "eeid",
        "personid",
        "personnumber",
        "personnelnumber",
        "personnelno",
        "workerid",
        "staffid",
        "staffnumber",
        "associateid",
        "globalid",
        "userid",
        "id",
        "personalnummer",
        "persnr",
        "personalnr",
        "mitarbeiterid",
        "mitarbeiternummer",
        "mitarbeiternr",
    ),
    "record": (
        "recorddate",
        "reportdate",
        "reportingdate",
        "effectivedate",
        "extractdate",
        "extractiondate",
        "perioddate",
        "periodend",
        "periodenddate",
        "snapshot",
        "snapshotyear",
        "recordyear",
        "reportyear",
        "year",
        "stichtag",
        "berichtsdatum",
        "jahr",
    ),
    "status": (
        "status",
        "employeestatus",
        "employmentstatus",
        "emplstatus",
        "hrstatus",
        "workerstatus",
        "activestatus",
        "active",
        "statusdescription",
        "beschäftigungsstatus",
        "beschaftigungsstatus",
        "mitarbeiterstatus",
    ),
    "reason": (
        "terminationreason",
        "termreason",
        "reason",
        "exitreason",
        "leavingreason",
        "reasonforleaving",
        "separationreason",
        "terminationtype",
        "exittype",
        "leavertype",
        "separationtype",
        "actionreason",
        "austrittsgrund",
        "kündigungsgrund",
        "kundigungsgrund",
        "grund",
    ),
}

# Fallbacks when no synonym matches exactly: (all of, any of) substrings.
_CONTAINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "title": ((), ("jobtitle", "title")),
    "start": (("date",), ("hire", "start", "join")),
    "end": (("date",), ("term", "end", "leav", "exit", "separat", "depart")),
    "salary": ((), ("salary", "compensation")),
    "reason": ((), ("reason", "grund")),
}


def logical_column(name: object, refusal: str) -> str:
    """``name`` as a logical column (stripped, lower case), else IngestError.

    Args:
        name: a name the user gave for a column the planner reads.
        refusal: the message's start if it is none; the logical names follow it.

    Raises:
        IngestError: ``name`` is not in LOGICAL_COLUMNS.
    """
    key = str(name).strip().lower()
    if key not in LOGICAL_COLUMNS:
        raise IngestError(f"{refusal}; use {', '.join(LOGICAL_COLUMNS)}")
    return key


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
            key = logical_column(
                logical, f"columns: {logical!r} is not a column name the planner uses"
            )
            slot = "count" if key == "headcount" else key
            if wanted is None or str(wanted).strip() == "":
                disabled.add(slot)
                continue
            index = _find_header(header, str(wanted))
            if index is None:
                shown = ", ".join(repr(h) for h in header if h)[:300]
                raise ChoiceNeeded(
                    f"{name} has no column named {str(wanted)!r} (chosen for the "
                    f"{FIELD_LABELS.get(key, key)}); its headers are {shown}. Choose one of "
                    f"them under {COLUMN_MAPPING}",
                    f"--columns {key}=HEADER",
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
    if (
        "record" not in used
        and "record" not in disabled
        and "month" in used
        and "month" not in explicit
        and "count" not in used
        and "start" in used
    ):
        used["record"] = used.pop("month")  # a snapshot date beside start dates: a panel's
    return used


def wanted_columns(
    header: list[str], columns: Mapping[str, str | None] | None, name: str
) -> list[int]:
    """The column indices whose cells an ingest reads: those :func:`resolve_columns` finds.

    Person ids are kept only beside a record date (a panel's), where they say which
    rows are one person: a roster's ids, one per row, would cost memory for nothing.
    A mistake in ``columns`` is reported after the whole file is checked (as before the
    columns are resolved), so here it only means that no cells are kept.
    """
    try:
        used = resolve_columns(header, columns, name)
    except IngestError:
        return []
    if "record" not in used:
        used.pop("person", None)
    return list(used.values())


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
    repeats: int = 0,
) -> Kind:
    """Detect the kind from the columns found (or check the forced kind).

    ``repeats``: rows whose person id is on an earlier row too (0 without a person
    id and record date column).
    """
    shown = ", ".join(repr(h) for h in header if h)[:300]
    if "title" not in used and "role" not in used:
        raise ChoiceNeeded(
            f"{name} has no column the planner recognises as job title or role (headers: "
            f"{shown}); choose the column that holds each person's job title (or role) "
            f"under {COLUMN_MAPPING}",
            "--columns title=HEADER, or a mapping file with --mapping",
        )
    if forced is None:
        if "month" in used and "count" in used:
            forced = Kind.HISTORY
        elif "record" in used and "person" in used and repeats:
            forced = Kind.PANEL
        elif "start" in used:
            forced = Kind.ROSTER
        else:
            forced = Kind.SNAPSHOT
    if forced is Kind.HISTORY:
        for need, label in (("month", "month"), ("count", "headcount")):
            if need not in used:
                raise ChoiceNeeded(
                    f"{name}: a monthly history needs a {label} column and none was found "
                    f"(headers: {shown}); choose it under {COLUMN_MAPPING}",
                    f"--columns {label}=HEADER",
                )
    elif forced is Kind.PANEL:
        for need in ("person", "record"):
            if need not in used:
                raise ChoiceNeeded(
                    f"{name}: a panel (one row per person per period) needs a "
                    f"{FIELD_LABELS[need]} column and none was found (headers: {shown}); "
                    f"choose it under {COLUMN_MAPPING}",
                    f"--columns {need}=HEADER",
                )
    elif forced is Kind.ROSTER:
        if "start" not in used:
            raise ChoiceNeeded(
                f"{name}: a roster needs a start-date column and none was found (headers: "
                f"{shown}); choose the column with each person's start (hire) date under "
                f"{COLUMN_MAPPING}",
                "--columns start=HEADER",
            )
    elif "end" in used and "start" not in used:
        warnings.append(
            f"column {header[used['end']]!r} was not used: without a start-date column the "
            "file is read as a snapshot of everyone listed; add start dates (or choose the "
            f"start-date column under {COLUMN_MAPPING}) to read it as a roster"
        )
    if forced in (Kind.ROSTER, Kind.SNAPSHOT) and repeats:
        warnings.append(
            f"{repeats:,} row(s) repeat a person id of an earlier row (column "
            f"{header[used['person']]!r}); each row is read as one person. If the file has "
            f"one row per person per period, choose the kind 'panel' under {READING_OPTIONS}"
        )
    return forced
