"""Formula-injection-safe CSV export.

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula. Every *text* cell that begins with one of them is
written with a leading ``'`` so that it is shown as the text it is. Numeric cells
(including negative numbers) are left as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forecasting.model.scenario import Scenario
    from forecasting.simulate.result import SimulationResult

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Return text that a spreadsheet shows as text, never runs as a formula.

    Args:
        value: a cell's text.

    Returns:
        ``value`` with a ``'`` in front when it begins with ``= + - @``, tab or CR.
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells (and column names) are made safe.

    Args:
        df: any DataFrame.

    Returns:
        A new DataFrame; numeric, boolean and datetime columns are unchanged, and in
        object columns only ``str`` cells are changed.
    """
    import pandas as pd

    out = df.copy()
    out.columns = [safe_text(c) if isinstance(c, str) else c for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        values = column.astype(object)
        is_text = values.map(lambda v: isinstance(v, str))
        if not is_text.any():
            continue
        text = values[is_text].astype(str)
        risky = text.str.startswith(FORMULA_TRIGGERS)
        if risky.any():
            values = values.copy()
            values.loc[risky[risky].index] = "'" + text[risky]
            out.isetitem(position, values.to_numpy())
    return out


def safe_csv_bytes(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """Serialise a DataFrame to UTF-8 CSV bytes that are safe to open in a spreadsheet.

    Args:
        df: the table to export.
        index: also write the index (default False).

    Returns:
        CSV bytes (UTF-8, ``\\n`` line ends) with risky text cells prefixed by ``'``.
    """
    safe = safe_frame(df)
    if index:
        safe.index = [safe_text(i) if isinstance(i, str) else i for i in safe.index]
    return safe.to_csv(index=index, lineterminator="\n").encode("utf-8")


# ---------------------------------------------------------------------------------------
# A header block of comment lines above a CSV table

#: The first character of every header line; `pd.read_csv(path, comment="#")` skips them.
COMMENT = "#"
#: How to read a CSV with a header block back (the block says so itself, too).
READ_BACK = "pd.read_csv(path, comment='#')"
# A separator a spreadsheet may split a line at (comma, semicolon in some locales, tab,
# pipe), then spaces, then a formula trigger: that cell would start with the trigger.
_SPLIT_TRIGGER = re.compile(r"([,;|]\s*)(?=[=+\-@])")


def safe_comment_line(text: str) -> str:
    """One header line, ``# text``, that stays one line and never starts a formula cell.

    Line breaks, tabs and runs of spaces become one space (a CR or LF would start a new
    row); double quotes become single quotes (a quoted cell could start with ``=``); and
    wherever a comma, semicolon or pipe (where a spreadsheet may split the line into
    cells) is followed by a formula trigger, a ``'`` goes in front of the trigger.

    Args:
        text: the line's text, e.g. ``"Scenario: " + name``.

    Returns:
        The line, starting with ``# ``, without a line end.
    """
    flat = " ".join(str(text).split()).replace('"', "'")
    return (COMMENT + " " + _SPLIT_TRIGGER.sub("\\1'", flat)).rstrip()


def csv_with_header(df: pd.DataFrame, header: Sequence[str], *, index: bool = False) -> bytes:
    """`safe_csv_bytes` of `df` below a block of ``#`` comment lines.

    Read it back with ``pd.read_csv(path, comment="#")`` (the table's cells never hold a
    ``#``), or ``skiprows=len(header)``.

    Args:
        df: the table to export.
        header: the header block's lines, without ``#`` (each is made safe with
            `safe_comment_line`).
        index: also write the index (default False).

    Returns:
        UTF-8 CSV bytes: one ``# ...`` line per header entry, then the table.
    """
    block = "".join(safe_comment_line(line) + "\n" for line in header)
    return block.encode("utf-8") + safe_csv_bytes(df, index=index)


# ---------------------------------------------------------------------------------------
# The projections CSV: the wide table below a header naming its scenario

PROJECTIONS_TITLE = "ML team workforce plan: projections by month"
PROJECTIONS_UNITS = (
    "Units: people to 1 decimal (P10/P50/P90 or mean over simulated paths) · "
    "ds_per_mle = data scientists per ML engineer (the k in 1:k) to 2 decimals · "
    "p_target_met = share of paths meeting the target that month (0 to 1) to 3 decimals · "
    "payroll in USD (whole dollars) · blank = not defined"
)


def projections_header(
    scenario: Scenario,
    *,
    strategy: str | None = None,
    plan: str | None = None,
    generated: date | str | None = None,
    link: str | None = None,
    name: str | None = None,
) -> list[str]:
    """The lines naming a projection's scenario (without ``#``; see `csv_with_header`).

    Args:
        scenario: the simulated scenario (its ML engineer plan included).
        strategy: the hiring-plan strategy (e.g. "even"), if there is one.
        plan: "recommended" (the solver's plan) or "manual" (hand-edited), if known.
        generated: the date the file is made (default today).
        link: the shareable link that reproduces the scenario (the app's URL with
            ``?s=...``); None leaves the line out (the CLI has no link).
        name: a name the user gave the scenario, if any.

    Returns:
        Title, scenario name, target and deadline, strategy, team, simulation,
        generated date, link, units and how to read the file back with pandas.
    """
    from forecasting.model import formatting
    from forecasting.model.roles import ROLES

    target = scenario.target
    months = scenario.months()
    deadline = scenario.deadline
    lines = [PROJECTIONS_TITLE]
    if name:
        lines.append(f"Scenario: {name}")
    goal = (
        f"Target: {formatting.ratio_text(target.ds_per_mle)} (at most "
        f"{formatting.k_text(target.ds_per_mle)} data scientists per ML engineer) by "
        f"{months[deadline]} ({formatting.month_name(months[deadline])} · month {deadline}) "
        f"with {formatting.percent(target.confidence)} confidence"
    )
    lines.append(goal + (" and held to the horizon" if target.hold else ""))
    how = {"recommended": "recommended plan", "manual": "hand-edited ML engineer plan"}
    if strategy:
        line = f"Strategy: {strategy.replace('_', '-')}"
        lines.append(line + (f" ({how.get(plan, plan)})" if plan else ""))
    elif plan:
        lines.append(f"Plan: {how.get(plan, plan)}")
    team = " · ".join(
        f"{formatting.role_label(role.value)} {n}" for role, n in zip(ROLES, scenario.headcount)
    )
    lines.append(f"Team in {months[0]}: {team}")
    lines.append(
        f"Simulation: {scenario.paths} paths · seed {scenario.seed} · "
        f"{scenario.horizon_months} months from {months[0]}"
    )
    when = generated if generated is not None else date.today()
    lines.append(f"Generated: {when.isoformat() if isinstance(when, date) else when}")
    if link:
        lines.append(f"Link: {link}")
    lines.append(PROJECTIONS_UNITS)
    lines.append(f"Read with pandas: {READ_BACK}")
    return lines


def projections_csv(result: SimulationResult, **header: Any) -> bytes:
    """The projections download: `summary.projections_wide` below `projections_header`.

    Args:
        result: the simulation of the scenario.
        **header: keyword arguments of `projections_header` (strategy, plan,
            generated, link, name).

    Returns:
        Formula-injection-safe UTF-8 CSV bytes; ``pd.read_csv(path, comment="#")`` reads
        the table back.
    """
    from forecasting.report.tables import projections_wide

    lines = projections_header(result.scenario, **header)
    return csv_with_header(projections_wide(result), lines)


def download_name(kind: str, scenario: Scenario, today: str, ext: str) -> str:
    """A download's file name that says what it is: its kind, the scenario's target and
    deadline and the day it was made, e.g. ``plan-1to6-2027-12_2026-12-07.csv``.

    Args:
        kind: what the file is ("plan", "brief", "scenario").
        scenario: the scenario it is about.
        today: the day, "YYYY-MM-DD".
        ext: the extension, without the dot.
    """
    k = f"{scenario.target.ds_per_mle:g}".replace(".", "_")
    deadline = scenario.months()[scenario.deadline]
    return f"{kind}-1to{k}-{deadline}_{today}.{ext}"
