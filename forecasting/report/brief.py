"""A one-page brief for a leadership deck: self-contained HTML, printable on one page.

Pure: it takes charts already rendered (SVG text or PNG bytes; the app renders them with
vl-convert), the scenario, its simulation and the answer sentence, and returns one HTML
document with inline CSS and the charts as ``data:`` images. Nothing is fetched: no
fonts, scripts or stylesheets from elsewhere. Every string that a user or a file could
have supplied (the answer, names, the link, the charts' titles) is escaped with
`html.escape`; a chart is embedded as an image, so nothing inside it can run.

The page prints on one A4 or US-letter landscape sheet ("Print to PDF" in a browser).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from forecasting.model import edits, formatting, params
from forecasting.model.roles import ROLES, Role
from forecasting.model.target import current_ratio
from forecasting.report import sentences

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.model.scenario import Scenario
    from forecasting.simulate.result import SimulationResult

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "ML team workforce plan"
#: Short role names for the assumptions table (one cell holds all four roles).
ROLE_SHORT = {
    Role.DATA_ENGINEER: "DE",
    Role.DATA_SCIENTIST: "DS",
    Role.ML_ENGINEER: "MLE",
    Role.PRODUCT_MANAGER: "PM",
}


@dataclass(frozen=True)
class BriefChart:
    """One chart of the brief.

    Attributes:
        alt: a text alternative (e.g. the chart's title).
        image: the chart rendered as SVG (str or UTF-8 bytes) or PNG (bytes).
    """

    alt: str
    image: str | bytes


def image_data_uri(image: str | bytes) -> str | None:
    """A ``data:`` URI of a rendered chart: PNG bytes or SVG text; None if it is neither.

    Args:
        image: PNG bytes (by their signature) or SVG (str or UTF-8 bytes).

    Returns:
        ``data:image/png;base64,...`` or ``data:image/svg+xml;base64,...``, or None.
    """
    if isinstance(image, bytes) and image.startswith(PNG_SIGNATURE):
        return "data:image/png;base64," + base64.b64encode(image).decode("ascii")
    text = image.decode("utf-8", "replace") if isinstance(image, bytes) else str(image)
    if "<svg" not in text[:2000]:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


# ---------------------------------------------------------------------------------------
# numbers


def _target_reached(scenario: Scenario, result: SimulationResult) -> tuple[str, str]:
    """The one "target reached" month, as the card and the CSV say it: (value, note)."""
    goal = formatting.percent(scenario.target.confidence)
    month = result.target_reached(scenario.target.confidence)
    if month is None:
        return "not within the horizon", f"P(target met) stays below {goal}"
    if month == 0:
        return "already met", f"today's team meets it with {goal} confidence"
    return formatting.month_name(result.months[month]), f"first month with P ≥ {goal}"


def key_numbers(
    scenario: Scenario, result: SimulationResult, run_rate_usd: float
) -> list[tuple[str, str, str]]:
    """The brief's tiles: (label, value, note) in display order.

    Args:
        scenario: the simulated scenario (its ML engineer plan included).
        result: its simulation.
        run_rate_usd: run-rate of the added ML engineers (USD/yr), as the app shows it.
    """
    target = scenario.target
    months = result.months
    goal = target.confidence
    mle_plan = edits.MlePlan.of(scenario)
    reached, when = _target_reached(scenario, result)
    held_goal = goal if target.hold else None
    return [
        (
            "Today's ratio (MLE : DS)",
            formatting.ratio_text(round(current_ratio(scenario.headcount), 1)),
            f"{scenario.headcount_of(Role.ML_ENGINEER)} ML engineers · "
            f"{scenario.headcount_of(Role.DATA_SCIENTIST)} data scientists",
        ),
        (
            "Target",
            formatting.ratio_text(target.ds_per_mle),
            f"by {formatting.month_name(months[scenario.deadline])} · "
            f"{formatting.percent(goal)} confidence",
        ),
        (
            mle_plan.mode.unit(capital=True),
            str(mle_plan.total),
            "in the plan shown",
        ),
        (
            "Run-rate of added ML engineers",
            f"{formatting.money(run_rate_usd)}/yr",
            "on payroll at the deadline",
        ),
        (
            "P(target met at deadline)",
            sentences.probability_text(result.p_target_met, result.se_met, goal),
            f"goal {formatting.percent(goal)}",
        ),
        (
            "P(target held to horizon)",
            sentences.probability_text(result.p_target_held, result.p_held_se, held_goal),
            f"to {formatting.month_name(months[-1])}",
        ),
        ("Target reached", reached, when),
    ]


def team_rows(scenario: Scenario, result: SimulationResult) -> list[tuple[str, ...]]:
    """The team's composition and payroll today, at the deadline and at the horizon (medians
    of people, mean fully loaded payroll): (when, one count per role, total, payroll) rows,
    the first the header."""
    months, deadline, horizon = result.months, scenario.deadline, len(result.months) - 1
    header = ("", *(f"{formatting.role_label(r.value)}s" for r in ROLES), "Total", "Payroll")
    rows: list[tuple[str, ...]] = [header]
    for t, when in (
        (0, "Today"),
        (deadline, f"{formatting.month_name(months[deadline])} (deadline)"),
        (horizon, f"{formatting.month_name(months[horizon])} (horizon)"),
    ):
        counts = [round(float(result.headcount_q[1, t, r])) for r in range(len(ROLES))]
        payroll = f"{formatting.money(12 * float(result.cost_mean[t]))}/yr"
        rows.append((when, *(str(n) for n in counts), str(sum(counts)), payroll))
    return rows


def team_total(result: SimulationResult) -> str:
    """The payroll over the horizon: "$35.1M over the 36 months (fully loaded, mean)"."""
    total = formatting.money(float(result.cumulative_cost_mean[-1]))
    return f"{total} over the {len(result.months) - 1} months (fully loaded, mean)"


# ---------------------------------------------------------------------------------------
# assumptions


def _pct(v: float) -> str:
    return formatting.number(100 * float(v), digits=1) + "%"


def _months(v: float) -> str:
    return formatting.number(float(v), digits=1)


def _per_role(field: str, values: Sequence[float], fmt: Callable[[float], str]) -> tuple[str, bool]:
    """One cell for a role-keyed field, and whether every role has its default."""
    defaults = [params.role_value(field, r.value) for r in ROLES]
    default = all(abs(float(v) - float(d)) < 1e-9 for v, d in zip(values, defaults))
    if len({float(v) for v in values}) == 1:
        return fmt(values[0]), default
    return " · ".join(f"{ROLE_SHORT[r]} {fmt(v)}" for r, v in zip(ROLES, values)), default


def _source(key: str, is_default: bool) -> str:
    source = params.param(key).source
    return source if is_default else f"set in this scenario (default: {source})"


def assumptions(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """The assumptions behind the numbers: (assumption, value, unit, source) rows.

    Values are the scenario's own; the source is `forecasting.model.params`' for a default,
    "set in this scenario (default: ...)" for a value that differs from it.
    """
    shown: dict[params.Fmt, Callable[[float], str]] = {
        params.Fmt.PERCENT: _pct,
        params.Fmt.PERCENT_YR: _pct,
        params.Fmt.MONTHS: _months,
        params.Fmt.MONEY: formatting.money,
    }
    rows: list[tuple[str, str, str, str]] = []
    done: set[str] = set()
    for param in params.brief_params():
        fmt = shown.get(param.fmt, "{:,}".format)
        field = param.key.partition(".")[0]
        if field in done:
            continue
        if param.per_role:  # one row per field (a family such as annual_cost.* too)
            done.add(field)
            value, is_default = _per_role(field, list(scenario.by_role(field).values()), fmt)
            label = param.label.split(",")[0]
        else:
            v = getattr(scenario, field)
            value, is_default = fmt(v), abs(float(v) - float(param.value)) < 1e-6
            label = param.label
        rows.append((label, value, param.unit, _source(param.key, is_default)))
    return rows


# ---------------------------------------------------------------------------------------
# the page

CSS = """
@page { size: landscape; margin: 9mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; padding: 14px 18px; max-width: 1180px; color: #1f2328;
  font: 9.5pt/1.22 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 6mm; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 9pt; margin: 0 0 1mm; text-transform: uppercase; letter-spacing: .04em;
  color: #57606a; }
.meta { color: #57606a; font-size: 8pt; text-align: right; }
.meta a { color: #0969da; }
.answer { font-size: 11.5pt; font-weight: 600; margin: 1.5mm 0 1mm; }
.note { margin: 0 0 1mm; font-size: 8.5pt; color: #7d4e00; }
.kpis { display: grid; grid-template-columns: repeat(7, 1fr); gap: 2mm; margin: 1.5mm 0; }
.kpi { border: 1px solid #d0d7de; border-radius: 4px; padding: 1mm 2mm; }
.kpi .label { font-size: 7.5pt; color: #57606a; }
.kpi .value { font-size: 14pt; font-weight: 700; line-height: 1.15; }
.kpi .sub { font-size: 7.5pt; color: #57606a; }
.quarters { display: flex; flex-wrap: wrap; gap: 1mm 4mm; margin: 0 0 2mm; font-size: 8.5pt; }
.quarters b { font-size: 10pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
.team-row { display: grid; grid-template-columns: auto 1fr; gap: 6mm; align-items: end;
  margin-top: 1.5mm; }
.team-row footer { margin: 0; }
.team table { width: auto; font-size: 8pt; margin: 0; }
.team td, .team th { text-align: right; padding: .1mm 2.5mm; }
.team td:first-child, .team th:first-child { text-align: left; }
.team h2 span { text-transform: none; letter-spacing: 0; font-weight: 400; }
td.unit, td.first { white-space: nowrap; }
.charts img { display: block; width: 100%; height: 66mm; object-fit: contain; }
.missing { height: 66mm; display: flex; align-items: center; justify-content: center;
  border: 1px dashed #d0d7de; color: #57606a; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; margin-top: 1.5mm; }
th, td { text-align: left; vertical-align: top; padding: .1mm 1.5mm;
  border-bottom: 1px solid #eaeef2; }
th { color: #57606a; font-weight: 600; }
td.value { white-space: nowrap; font-weight: 600; }
footer { margin-top: 1.5mm; font-size: 7pt; color: #57606a; }
td.unit { color: #57606a; }
@media print {
  body { max-width: none; padding: 0; }
  /* 62 mm high: the charts' 12 px text (470 x 230 px images) prints at >= 9 pt */
  .charts img, .missing { height: 62mm; }
  table { font-size: 7pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _chart(chart: BriefChart) -> str:
    uri = image_data_uri(chart.image)
    if uri is None:
        return f'<div class="missing">{_e(chart.alt)}: chart not available</div>'
    return f'<img src="{uri}" alt="{_e(chart.alt)}">'


def _link(link: str | None) -> str:
    if not link:
        return ""
    if not link.startswith(("https://", "http://")):  # never a javascript: or data: link
        return f"<div>Link: {_e(link)}</div>"
    return f'<div><a href="{_e(link)}">Open this scenario in the planner</a></div>'


def render_brief(
    scenario: Scenario,
    result: SimulationResult,
    *,
    answer: str,
    run_rate_usd: float,
    charts: Sequence[BriefChart] = (),
    strategy: str | None = None,
    note: str | None = None,
    link: str | None = None,
    generated: date | str | None = None,
    name: str | None = None,
) -> str:
    """The one-page brief of a scenario, as one self-contained HTML document.

    Args:
        scenario: the simulated scenario (its ML engineer plan included).
        result: its simulation.
        answer: the one-sentence answer (`sentences.answer_sentence`).
        run_rate_usd: run-rate of the added ML engineers, USD/yr.
        charts: the charts to show (two fit side by side: the ratio and headcount fans).
        strategy: the hiring-plan strategy, if any.
        note: a line under the answer (e.g. that the charts show a hand-edited plan).
        link: the shareable link that reproduces the scenario, if known.
        generated: the date of the brief (default today).
        name: the scenario's name, if the user gave one.

    Returns:
        The HTML document (UTF-8 text; inline CSS; charts as ``data:`` images).
    """
    target = scenario.target
    when = generated if generated is not None else date.today()
    when_text = when.isoformat() if isinstance(when, date) else str(when)
    meta = [f"Generated {when_text}"]
    if strategy:
        meta.append(f"{strategy.replace('_', '-')} schedule")
    meta.append(f"{scenario.paths:,} simulated paths")
    heading = TITLE + (f": {name}" if name else "")

    notes = [note] if note else []
    held = sentences.held_warning(
        result.p_target_met, result.p_target_held, target.confidence, target.ds_per_mle
    )
    holds = sentences.holds_text(result)
    if held or holds:
        notes.append(" ".join(t for t in (holds, held) if t))

    tiles = "".join(
        f'<div class="kpi"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="sub">{_e(sub)}</div></div>'
        for label, value, sub in key_numbers(scenario, result, run_rate_usd)
    )
    what = f"{edits.PlanMode.of(scenario).unit(capital=True)} per quarter"
    per_quarter = edits.mle_quarters(scenario)
    quarter_items = (
        "".join(f"<span>{_e(q)}: <b>{n}</b></span>" for q, n in per_quarter)
        if per_quarter
        else "<span>none</span>"
    )
    rows = "".join(
        f'<tr><td class="first">{_e(a)}</td><td class="value">{_e(v)}</td>'
        f'<td class="unit">{_e(u)}</td><td>{_e(s)}</td></tr>'
        for a, v, u, s in assumptions(scenario)
    )
    months = result.months
    head, *body = team_rows(scenario, result)
    team = "<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in head) + "</tr></thead><tbody>"
    team += "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in body)
    team += "</tbody>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(heading)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{_e(heading)}</h1>
<div class="meta"><div>{_e(" · ".join(meta))}</div>{_link(link)}</div>
</header>
<p class="answer">{_e(answer)}</p>
{"".join(f'<p class="note">{_e(n)}</p>' for n in notes)}
<section class="kpis">{tiles}</section>
<section class="quarters"><h2>{_e(what)}</h2>{quarter_items}</section>
<section class="charts">{"".join(_chart(c) for c in charts)}</section>
<div class="team-row">
<section class="team"><h2>Team and payroll <span>· {_e(team_total(result))}</span></h2>
<table>{team}</table></section>
<footer>Monte Carlo projection from {_e(months[0])} to {_e(months[-1])}: headcount and
ratio lines are medians (P50) with P10–P90 bands; probabilities are shares of simulated
paths. Costs are salaries times the loaded cost multiplier (benefits, taxes). Figures
marked "public figure" are quoted as reported.</footer>
</div>
<section>
<table>
<thead><tr><th>Assumption</th><th>Value</th><th>Unit</th><th>Source</th></tr></thead>
<tbody>{rows}</tbody>
</table>
</section>
</body>
</html>
"""
