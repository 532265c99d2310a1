"""IngestResult: what an upload contained, and its JSON form (the CLI's output)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from forecasting.ingest.columns import KIND_LABELS, Kind


@dataclass(frozen=True, eq=False)
class IngestResult:
    """What an upload contained, mapped to roles, with estimates offered as defaults.

    Attributes:
        kind: snapshot, history or roster (a ``Kind``; compares equal to the string).
        as_of: the as-of date (``datetime.date``), or None for a snapshot without one.
        headcount: role key -> people on the as-of date; every role key plus "other".
        unmapped_titles: title -> count for titles mapped to "other".
        title_counts: DataFrame ``title, role, count``: the editable mapping table
            (count = rows in a roster or per-person snapshot, people in a per-role
            snapshot, headcount in the as-of month of a history).
        history: tidy frame ``month, role, headcount, hires, exits`` (the four roles;
            empty for a snapshot).
        rates: role -> {exits_monthly, exits_low, exits_high, hires_monthly, hires_low,
            hires_high, method} (90% intervals) where estimable.
        annual_cost: role -> median annual salary, where a salary column exists.
        attrition: role -> (annual, low, high): annual attrition with a 90% interval,
            the rate the simulation needs (a roster: exits per person-month over the
            leavers window, annualised).
        attrition_method: role -> how ``attrition`` was estimated (a roster: names
            the window, e.g. "leavers recorded since 2023-04-12 (...); exits per
            person-month over 2023-04-12 to 2026-10-31: ...").
        attrition_first_year: role -> (annual, low, high): first-year attrition of
            new hires (Kaplan-Meier 1 - S(12), delayed entry), for information only;
            a roster's roles where estimable.
        leavers_since: a roster's leavers window start (given or detected), or None.
        attrition_window: one sentence saying over which window a roster's attrition
            was counted ("" when not estimated).
        warnings: plain-language notes about what was assumed or left out.
        columns_used: logical name -> header in the file ("headcount" names the count
            column of a history, "count" that of a snapshot).
        rows: data rows read (blank lines not counted).
        encoding: the text encoding used to read the file.
        delimiter: the field delimiter used.
        date_order: "dmy"/"mdy" for numeric dates, when the file had any.
        survival_curves: Kaplan-Meier curves of a roster (role, tenure_months, survival,
            low, high; empty when not estimated); None for a snapshot or history.
        cox: Cox model hazard ratios by role (role, hazard_ratio, low, high, reference),
            or None when not fitted.
        header_line: the header's line in the file (1-based; title lines above it are
            skipped).
        as_of_source: where the as-of date came from: "given", "file" (stated above the
            header or in the file name) or "latest date"; None without an as-of date.
        as_of_note: where the file states its date ("line 2: 'Generated ...'").
        history_note: why the history starts where it does ("" when nothing is left out).
        exits_by_year: year, role, exits, person_years, exit_rate (annual probability)
            over the whole file (a roster or panel; None otherwise).
        exits_by_reason: role -> {reason: exits} (a reason column only).
        reasons: the exit reasons found, in REASONS order.
        counted_reasons: the reasons attrition counts, or None for every exit.
        attrition_counts: role -> {exits, person_months} over the leavers window, the
            counts behind ``attrition`` (a roster or panel).
        people: distinct people (a roster: rows in scope; a panel: person ids).
        columns_available: the file's headers (for choosing columns).
    """

    kind: Kind
    as_of: dt.date | None
    headcount: dict[str, int]
    unmapped_titles: dict[str, int]
    title_counts: pd.DataFrame
    history: pd.DataFrame
    rates: dict[str, dict[str, Any]] = field(default_factory=dict)
    annual_cost: dict[str, float] = field(default_factory=dict)
    attrition: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    attrition_method: dict[str, str] = field(default_factory=dict)
    attrition_first_year: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    leavers_since: dt.date | None = None
    attrition_window: str = ""
    warnings: list[str] = field(default_factory=list)
    columns_used: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    encoding: str = "utf-8"
    delimiter: str = ","
    date_order: str | None = None
    survival_curves: pd.DataFrame | None = None
    cox: pd.DataFrame | None = None
    header_line: int = 1
    as_of_source: str | None = None
    as_of_note: str = ""
    history_note: str = ""
    exits_by_year: pd.DataFrame | None = None
    exits_by_reason: dict[str, dict[str, int]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    counted_reasons: list[str] | None = None
    attrition_counts: dict[str, dict[str, float]] = field(default_factory=dict)
    people: int | None = None
    columns_available: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """The kind as the app names it ("panel (one row per person per period)")."""
        return KIND_LABELS.get(str(self.kind), str(self.kind))

    def to_json_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the ``python -m forecasting ingest`` output).

        Returns:
            kind, as_of, headcount, unmapped_titles, history (list of {month, role,
            headcount, hires, exits}), rates, annual_cost, attrition (role -> {annual,
            low, high, method}), attrition_first_year (role -> {annual, low, high}),
            leavers_since, attrition_window, warnings, columns_used, title_counts,
            rows, encoding, delimiter, date_order, header_line, as_of_source (file /
            latest date / given), as_of_note, history_note, people, exits_by_reason
            (role -> {reason: exits}), reasons, counted_reasons, attrition_counts (role
            -> {exits, person_months}), exits_by_year (list of {year, role, exits,
            person_years, exit_rate}).
        """
        history = [
            {
                "month": str(m),
                "role": str(r),
                "headcount": int(h),
                "hires": int(hi),
                "exits": int(ex),
            }
            for m, r, h, hi, ex in zip(
                self.history["month"],
                self.history["role"],
                self.history["headcount"],
                self.history["hires"],
                self.history["exits"],
            )
        ]
        return {
            "kind": str(self.kind),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "headcount": dict(self.headcount),
            "unmapped_titles": dict(self.unmapped_titles),
            "history": history,
            "rates": {r: dict(v) for r, v in self.rates.items()},
            "annual_cost": dict(self.annual_cost),
            "attrition": {
                role: {
                    "annual": mid,
                    "low": low,
                    "high": high,
                    "method": self.attrition_method.get(role, ""),
                }
                for role, (mid, low, high) in self.attrition.items()
            },
            "attrition_first_year": {
                role: {"annual": mid, "low": low, "high": high}
                for role, (mid, low, high) in self.attrition_first_year.items()
            },
            "leavers_since": self.leavers_since.isoformat() if self.leavers_since else None,
            "attrition_window": self.attrition_window,
            "warnings": list(self.warnings),
            "columns_used": dict(self.columns_used),
            "title_counts": [
                {"title": str(t), "role": str(r), "count": int(c)}
                for t, r, c in zip(
                    self.title_counts["title"],
                    self.title_counts["role"],
                    self.title_counts["count"],
                )
            ],
            "rows": self.rows,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "date_order": self.date_order,
            "header_line": self.header_line,
            "as_of_source": self.as_of_source,
            "as_of_note": self.as_of_note,
            "history_note": self.history_note,
            "people": self.people,
            "exits_by_reason": {r: dict(v) for r, v in self.exits_by_reason.items()},
            "reasons": list(self.reasons),
            "counted_reasons": (
                None if self.counted_reasons is None else list(self.counted_reasons)
            ),
            "attrition_counts": {
                r: {"exits": int(v["exits"]), "person_months": float(v["person_months"])}
                for r, v in self.attrition_counts.items()
            },
            "exits_by_year": [
                {
                    "year": int(y),
                    "role": str(r),
                    "exits": int(e),
                    "person_years": float(p),
                    "exit_rate": None if pd.isna(x) else float(x),
                }
                for y, r, e, p, x in (
                    self.exits_by_year.itertuples(index=False)
                    if self.exits_by_year is not None
                    else ()
                )
            ],
        }
