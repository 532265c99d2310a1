"""Chart builders for every dashboard page: pure `DataFrame(s) -> alt.Chart` functions.

Conventions shared by every builder:
- Input frames are the aggregated outputs documented in docs/DESIGN.md (a few hundred
  rows at most); nothing per Monte Carlo path is ever charted. The chart data is the
  frame itself (plus display columns), so what reaches the browser is that small frame.
- Months are "YYYY-MM" strings, encoded as UTC year-months (so no browser time zone can
  shift "2028-06" to May) and labelled "%b %Y" ("Jun 2028") on axes and in tooltips.
- Roles are coloured by `ROLE_COLORS` through one scale whose domain is always all four
  role labels in canonical order, so a role has the same colour on every chart.
- Every chart has a title, titled axes with units, and tooltips on its data marks.
- `workshop=True` returns the projector variant: larger text, thicker lines, taller charts.

The returned charts are fully configured (top-level `config`), ready for
`st.altair_chart(chart, width="stretch")`; they cannot be layered further.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import altair as alt
import numpy as np
import pandas as pd

from forecasting import formatting
from ui.theme import (
    BAND_COLOR,
    BAND_OPACITY,
    BASELINE_COLOR,
    DEADLINE_COLOR,
    DS_ENGINEERING_COLOR,
    DS_MODELLING_COLOR,
    FAN_OPACITY,
    MONTH_FORMAT,
    MONTH_TIME_UNIT,
    NEUTRAL_COLOR,
    ROLE_COLORS,
    ROLE_DISPLAY,
    ROLE_ORDER,
    SCENARIO_COLOR,
    SERIES_COLOR,
    TARGET_COLOR,
    ChartStyle,
    role_label,
    style_for,
)

__all__ = [
    "DELIVERY_AXIS_TITLE",
    "RATIO_AXIS_TITLE",
    "capacity_fte",
    "delivery_index",
    "ds_time_split",
    "headcount_fan",
    "hires_and_cost",
    "history_forecast",
    "ratio_fan",
    "role_color_scale",
    "scenario_comparison",
    "survival_curves",
]

RATIO_AXIS_TITLE = "Data scientists per ML engineer (k in 1:k)"
DELIVERY_AXIS_TITLE = "Delivery index (100 = today's DS, fully supported)"
#: The same title on two lines: one line is taller than the plot in workshop mode.
_RATIO_AXIS_LINES = ["Data scientists per ML engineer", "(k in 1:k)"]
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_USD_FORMAT = "$.3~s"  # axis: $150k, $1.4M
_USD_TOOLTIP = "$,.0f"  # tooltip: $1,412,500
_HEADCOUNT_FORMAT = ".1f"


# ---------------------------------------------------------------------------------------
# shared pieces


def _require(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the columns `df` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; "
            f"got {', '.join(map(str, df.columns)) or 'none'}"
        )


def _month_x(title: str = "Month") -> alt.X:
    """X encoding for a "YYYY-MM" month column: UTC year-month, labelled "Jun 2028"."""
    return alt.X(
        "month:T",
        timeUnit=MONTH_TIME_UNIT,
        title=title,
        axis=alt.Axis(format=MONTH_FORMAT, labelOverlap=True),
    )


def _month_tooltip() -> alt.Tooltip:
    """Tooltip entry for the month column, formatted like the axis."""
    return alt.Tooltip("month:T", timeUnit=MONTH_TIME_UNIT, format=MONTH_FORMAT, title="Month")


def role_color_scale(extra: Sequence[str] = ()) -> alt.Scale:
    """Return the one role colour scale (domain: role labels in canonical order).

    Args:
        extra: Additional non-role labels (e.g. "None"), appended in a neutral grey.

    Returns:
        An `alt.Scale` mapping "Data engineer", "Data scientist", "ML engineer",
        "Product manager" (then `extra`) to their fixed colours.
    """
    domain = [ROLE_DISPLAY[k] for k in ROLE_ORDER] + list(extra)
    range_ = [ROLE_COLORS[k] for k in ROLE_ORDER] + [NEUTRAL_COLOR] * len(extra)
    return alt.Scale(domain=domain, range=range_)


def _role_color(field: str = "role_label", title: str = "Role", extra: Sequence[str] = ()):
    """Colour encoding on a role-label column using the shared role scale."""
    return alt.Color(f"{field}:N", title=title, scale=role_color_scale(extra))


def _with_role_label(df: pd.DataFrame, column: str = "role") -> pd.DataFrame:
    """Copy of `df` with `role_label` (display name) and `role_rank` (canonical order)."""
    out = df.copy()
    keys = out[column].astype(str)
    out["role_label"] = keys.map(role_label)
    rank = {k: i for i, k in enumerate(ROLE_ORDER)}
    out["role_rank"] = keys.map(lambda k: rank.get(k, len(rank))).astype(int)
    return out


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    """Chart title anchored left, with an optional subtitle."""
    if subtitle:
        return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")
    return alt.TitleParams(text=text, anchor="start")


def _config(style: ChartStyle) -> alt.Config:
    """Top-level config for the style's fonts and view (passed to the chart constructor)."""
    return alt.Config(
        axis=alt.AxisConfig(
            labelFontSize=style.axis_label_size,
            titleFontSize=style.axis_title_size,
            titleFontWeight="normal",
            labelLimit=240,
        ),
        legend=alt.LegendConfig(
            labelFontSize=style.legend_label_size,
            titleFontSize=style.legend_title_size,
            symbolSize=style.point_size * 4,
            symbolStrokeWidth=style.line_width,
            symbolOpacity=1,
            labelLimit=320,
        ),
        title=alt.TitleConfig(fontSize=style.title_size, subtitleFontSize=style.subtitle_size),
        header=alt.HeaderConfig(
            labelFontSize=style.header_label_size, titleFontSize=style.header_label_size
        ),
        view=alt.ViewConfig(stroke=None),
    )


def _clean_numeric(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Copy of `df` with the given columns as floats and ±inf replaced by NaN."""
    out = df.copy()
    for c in columns:
        out[c] = (
            pd.to_numeric(out[c], errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
        )
    return out


_k_text = formatting.k_text
_month_text = formatting.month_name


def _check_month(month: str, name: str) -> str:
    """Return `month` if it is a "YYYY-MM" string, else raise ValueError naming `name`."""
    month = str(month).strip()
    if not _MONTH_RE.match(month):
        raise ValueError(f"{name}: expected a month like '2028-06', got {month!r}")
    return month


def _hover_points(base: alt.Chart, y: alt.Y, style: ChartStyle, **encode):
    """Small filled points on a line: an easy hover target for the base's tooltips."""
    return base.mark_point(filled=True, size=style.point_size, opacity=0.9).encode(y=y, **encode)


# ---------------------------------------------------------------------------------------
# 1. headcount fan


def headcount_fan(
    headcount_df: pd.DataFrame,
    roles: Iterable[str] | None = None,
    *,
    workshop: bool = False,
) -> alt.LayerChart:
    """Headcount by role: P10–P90 band (translucent area) and the P50 line per role.

    Args:
        headcount_df: `SimulationResult.headcount` with columns month_index, month, role,
            mean, p10, p50, p90 (one row per month and role).
        roles: Role keys to show (default: every role in the frame).
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (area + line + points), coloured by role.
    """
    _require(
        headcount_df, ["month_index", "month", "role", "mean", "p10", "p50", "p90"], "headcount_fan"
    )
    style = style_for(workshop)
    df = headcount_df
    if roles is not None:
        wanted = [str(r) for r in roles]
        unknown = sorted(set(wanted) - set(ROLE_ORDER))
        if unknown:
            raise ValueError(f"headcount_fan: unknown role(s) {', '.join(unknown)}")
        df = df[df["role"].astype(str).isin(wanted)]
    df = _with_role_label(_clean_numeric(df, ["mean", "p10", "p50", "p90"]))

    y_title = "Headcount (people)"
    tooltip = [
        alt.Tooltip("role_label:N", title="Role"),
        _month_tooltip(),
        alt.Tooltip("p50:Q", title="P50 (people)", format=_HEADCOUNT_FORMAT),
        alt.Tooltip("p10:Q", title="P10 (people)", format=_HEADCOUNT_FORMAT),
        alt.Tooltip("p90:Q", title="P90 (people)", format=_HEADCOUNT_FORMAT),
        alt.Tooltip("mean:Q", title="Mean (people)", format=_HEADCOUNT_FORMAT),
    ]
    # Tooltips on the base so every mark (area, line, point) shows the same formatted text.
    base = alt.Chart().encode(
        x=_month_x(), color=_role_color(), detail="role_label:N", tooltip=tooltip
    )
    area = base.mark_area(opacity=FAN_OPACITY).encode(y=alt.Y("p10:Q", title=y_title), y2="p90:Q")
    y_p50 = alt.Y("p50:Q", title=y_title)
    line = base.mark_line(strokeWidth=style.line_width).encode(y=y_p50)
    points = _hover_points(base, y_p50, style)
    return alt.layer(
        area,
        line,
        points,
        data=df,
        height=style.height,
        title=_title("Headcount by role", "Line: median (P50); shaded: P10–P90 of simulated paths"),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 2. ratio fan


def ratio_fan(
    ratio_df: pd.DataFrame,
    target: float,
    band: tuple[float, float] = (5, 10),
    deadline_month: str | None = None,
    *,
    workshop: bool = False,
) -> alt.LayerChart:
    """Data scientists per ML engineer over time with the target band, target and deadline.

    Rows whose P50 is undefined (NaN or infinite: too few paths with an ML engineer) are
    dropped; a row whose P10 or P90 alone is undefined keeps its line point but no band.

    Args:
        ratio_df: `SimulationResult.ratio` with columns month_index, month, p10, p50, p90,
            share_defined.
        target: The target k of "1:k" (drawn as a rule labelled "target 1:k").
        band: The (low, high) k of the shaded band; default the 1:5–1:10 band.
        deadline_month: "YYYY-MM" of the deadline (a dashed vertical rule), or None.
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart: band, P10–P90 area, P50 line and points, rules and labels.
    """
    _require(ratio_df, ["month_index", "month", "p10", "p50", "p90", "share_defined"], "ratio_fan")
    target = float(target)
    if not math.isfinite(target) or target <= 0:
        raise ValueError(f"ratio_fan: target must be a positive number, got {target!r}")
    lo, hi = (float(b) for b in band)
    if not lo < hi:
        raise ValueError(f"ratio_fan: band must be (low, high) with low < high, got {band!r}")
    style = style_for(workshop)
    df = _clean_numeric(ratio_df, ["p10", "p50", "p90", "share_defined"])
    df = df[df["p50"].notna()]
    # An explicit y domain from the data: the spec then changes with the data, so a chart
    # updated in place after a slider move gets the same axis as a fresh load of the link.
    shown = df[["p10", "p50", "p90"]].to_numpy(dtype=float).ravel()
    shown = shown[np.isfinite(shown)]
    y_top = math.ceil(1.05 * max([hi, target, *shown.tolist()]))
    y_scale = alt.Scale(domain=[0, y_top], nice=False)

    tooltip = [
        _month_tooltip(),
        alt.Tooltip("p50:Q", title="P50 (k in 1:k)", format=".1f"),
        alt.Tooltip("p10:Q", title="P10 (k in 1:k)", format=".1f"),
        alt.Tooltip("p90:Q", title="P90 (k in 1:k)", format=".1f"),
        alt.Tooltip("share_defined:Q", title="Paths with an ML engineer", format=".0%"),
    ]
    base = alt.Chart(df).encode(x=_month_x(), tooltip=tooltip)
    area = (
        base.transform_filter("isValid(datum.p10) && isValid(datum.p90)")
        .mark_area(color=SERIES_COLOR, opacity=FAN_OPACITY)
        .encode(y=alt.Y("p10:Q", title=_RATIO_AXIS_LINES, scale=y_scale), y2="p90:Q")
    )
    y_p50 = alt.Y("p50:Q", title=_RATIO_AXIS_LINES, scale=y_scale)
    line = base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width).encode(y=y_p50)
    points = _hover_points(base, y_p50, style, color=alt.value(SERIES_COLOR))

    band_label = f"target band 1:{_k_text(lo)}–1:{_k_text(hi)}"
    band_df = pd.DataFrame({"band_low": [lo], "band_high": [hi], "band": [band_label]})
    band_rect = (
        alt.Chart(band_df)
        .mark_rect(color=BAND_COLOR, opacity=BAND_OPACITY)
        .encode(
            y=alt.Y("band_low:Q", title=_RATIO_AXIS_LINES, scale=y_scale),
            y2="band_high:Q",
            tooltip=[alt.Tooltip("band:N", title="Band")],
        )
    )
    target_df = pd.DataFrame({"target": [target], "label": [f"target 1:{_k_text(target)}"]})
    target_rule = (
        alt.Chart(target_df)
        .mark_rule(color=TARGET_COLOR, strokeWidth=style.rule_width)
        .encode(
            y=alt.Y("target:Q", title=_RATIO_AXIS_LINES, scale=y_scale),
            tooltip=[alt.Tooltip("label:N", title="Target")],
        )
    )
    target_text = (
        alt.Chart(target_df)
        .mark_text(
            align="left",
            baseline="bottom",
            dx=4,
            dy=-4,
            color=TARGET_COLOR,
            fontSize=style.mark_label_size,
            fontWeight="bold",
        )
        .encode(
            y=alt.Y("target:Q", title=_RATIO_AXIS_LINES, scale=y_scale),
            x=alt.value(0),  # left edge: the ratio usually starts far above the target
            text="label:N",
            tooltip=[alt.Tooltip("label:N", title="Target")],
        )
    )
    layers = [band_rect, area, target_rule, line, points, target_text]
    subtitle = (
        f"Line: median (P50); dark shading: P10–P90; blue: {band_label}; lower = more ML engineers"
    )
    if deadline_month is not None:
        month = _check_month(deadline_month, "ratio_fan deadline_month")
        deadline_df = pd.DataFrame({"month": [month], "label": [f"deadline {_month_text(month)}"]})
        deadline = alt.Chart(deadline_df).encode(x=_month_x())
        layers.append(
            deadline.mark_rule(
                color=DEADLINE_COLOR, strokeWidth=style.rule_width, strokeDash=[6, 4]
            ).encode(tooltip=[alt.Tooltip("label:N", title="Deadline")])
        )
        layers.append(
            deadline.mark_text(
                align="left",
                baseline="top",
                dx=4,
                dy=4,
                color=DEADLINE_COLOR,
                fontSize=style.mark_label_size,
            ).encode(
                y=alt.value(0),
                text="label:N",
                tooltip=[alt.Tooltip("label:N", title="Deadline")],
            )
        )
    return alt.layer(
        *layers,
        height=style.height,
        title=_title("ML engineer : data scientist ratio", subtitle),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 3. hires and cost


def hires_and_cost(
    starts_df: pd.DataFrame,
    cost_df: pd.DataFrame,
    *,
    workshop: bool = False,
) -> alt.LayerChart:
    """Starts per month by role (stacked bars, left axis) and cumulative cost (line, right).

    One layered chart with independent y scales: each axis is titled with its unit
    (people vs USD) and the cost axis sits on the right in the line's colour. (A vertical
    concatenation would be cleaner on paper, but `st.altair_chart(width="stretch")` sets
    each concatenated panel to the full container width and the panels overflow.)

    Args:
        starts_df: `SimulationResult.starts` with columns month_index, month, role, mean
            (realised starts in the month, mean over paths).
        cost_df: `SimulationResult.cost` with columns month_index, month, cost_mean,
            cost_p10, cost_p90, cumulative_mean (USD).
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (bars + line + points) with two y axes.
    """
    _require(starts_df, ["month_index", "month", "role", "mean"], "hires_and_cost starts_df")
    _require(
        cost_df,
        ["month_index", "month", "cost_mean", "cost_p10", "cost_p90", "cumulative_mean"],
        "hires_and_cost cost_df",
    )
    style = style_for(workshop)
    starts = _with_role_label(_clean_numeric(starts_df, ["mean"]))
    cost = _clean_numeric(cost_df, ["cost_mean", "cost_p10", "cost_p90", "cumulative_mean"])

    bars = (
        alt.Chart(starts)
        .mark_bar()
        .encode(
            x=_month_x(),
            y=alt.Y(
                "mean:Q",
                title="Starts per month (people, mean)",
                stack="zero",
                axis=alt.Axis(orient="left"),
            ),
            color=_role_color(),
            order=alt.Order("role_rank:Q"),
            tooltip=[
                alt.Tooltip("role_label:N", title="Role"),
                _month_tooltip(),
                alt.Tooltip("mean:Q", title="Starts (people, mean)", format=".2f"),
            ],
        )
    )
    cost_tooltip = [
        _month_tooltip(),
        alt.Tooltip("cumulative_mean:Q", title="Cumulative cost (USD, mean)", format=_USD_TOOLTIP),
        alt.Tooltip("cost_mean:Q", title="Cost this month (USD, mean)", format=_USD_TOOLTIP),
        alt.Tooltip("cost_p10:Q", title="Cost this month, P10 (USD)", format=_USD_TOOLTIP),
        alt.Tooltip("cost_p90:Q", title="Cost this month, P90 (USD)", format=_USD_TOOLTIP),
    ]
    cost_x = _month_x()
    cost_x.bandPosition = 0.5  # centre of the month, over the middle of the bar
    cost_base = alt.Chart(cost).encode(
        x=cost_x,
        tooltip=cost_tooltip,
        y=alt.Y(
            "cumulative_mean:Q",
            title="Cumulative payroll cost (USD, line)",
            axis=alt.Axis(
                format=_USD_FORMAT,
                orient="right",
                grid=False,
                titleColor=SERIES_COLOR,
                labelColor=SERIES_COLOR,
            ),
        ),
    )
    cost_line = cost_base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width)
    cost_points = cost_base.mark_point(filled=True, size=style.point_size * 1.5, color=SERIES_COLOR)
    return alt.layer(
        bars,
        cost_line,
        cost_points,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
        height=style.height,
        title=_title(
            "Hires per month and cumulative cost",
            "Bars: starts per month by role (left axis); "
            "line: cumulative payroll cost of the whole team (right axis); means over paths",
        ),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 4. capacity


def capacity_fte(capacity_df: pd.DataFrame, *, workshop: bool = False) -> alt.LayerChart:
    """Effective capacity (FTE) per role over time: ramp-up and mentoring dips show here.

    Args:
        capacity_df: `SimulationResult.capacity` with columns month_index, month, role,
            effective_fte (mean over paths).
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (lines + points), coloured by role.
    """
    _require(capacity_df, ["month_index", "month", "role", "effective_fte"], "capacity_fte")
    style = style_for(workshop)
    df = _with_role_label(_clean_numeric(capacity_df, ["effective_fte"]))
    tooltip = [
        alt.Tooltip("role_label:N", title="Role"),
        _month_tooltip(),
        alt.Tooltip("effective_fte:Q", title="Effective capacity (FTE)", format=".1f"),
    ]
    base = alt.Chart().encode(x=_month_x(), color=_role_color(), tooltip=tooltip)
    y = alt.Y("effective_fte:Q", title="Effective capacity (FTE)")
    line = base.mark_line(strokeWidth=style.line_width).encode(y=y)
    points = _hover_points(base, y, style)
    return alt.layer(
        line,
        points,
        data=df,
        height=style.height,
        title=_title(
            "Effective capacity by role",
            "Full-time equivalents after new-hire ramp-up and mentoring time of existing staff",
        ),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 5. DS time split


def ds_time_split(summary_df: pd.DataFrame, *, workshop: bool = False) -> alt.Chart:
    """Share of data-scientist time on engineering / data prep vs modelling (stacked, %).

    The two shares are derived in the chart (modelling = 1 − engineering share), so the
    chart data is `summary_df` itself, one row per month.

    Args:
        summary_df: `SimulationResult.capacity_summary` with columns month_index, month,
            ds_engineering_share (0–1), ds_modelling_fte, delivery_index, bottleneck.
        workshop: Projector-friendly sizes.

    Returns:
        A stacked-area Altair chart summing to 100%.
    """
    _require(
        summary_df,
        [
            "month_index",
            "month",
            "ds_engineering_share",
            "ds_modelling_fte",
            "delivery_index",
            "bottleneck",
        ],
        "ds_time_split",
    )
    style = style_for(workshop)
    df = _clean_numeric(summary_df, ["ds_engineering_share", "ds_modelling_fte", "delivery_index"])
    engineering, modelling = "Engineering / data prep", "Modelling"
    chart = (
        alt.Chart(df)
        .transform_calculate(
            engineering="datum.ds_engineering_share",
            modelling="1 - datum.ds_engineering_share",
        )
        .transform_fold(["engineering", "modelling"], as_=["activity_key", "share"])
        .transform_calculate(
            activity=f"datum.activity_key === 'engineering' ? '{engineering}' : '{modelling}'",
            activity_rank="datum.activity_key === 'engineering' ? 0 : 1",
        )
        .mark_area(opacity=0.85)
        .encode(
            x=_month_x(),
            y=alt.Y(
                "share:Q",
                stack="zero",
                title="Share of data-scientist time (%)",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "activity:N",
                title="Data-scientist time",
                scale=alt.Scale(
                    domain=[engineering, modelling],
                    range=[DS_ENGINEERING_COLOR, DS_MODELLING_COLOR],
                ),
            ),
            order=alt.Order("activity_rank:Q"),
            tooltip=[
                _month_tooltip(),
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("share:Q", title="Share of DS time", format=".0%"),
                alt.Tooltip("ds_modelling_fte:Q", title="Modelling capacity (FTE)", format=".1f"),
            ],
        )
        .properties(
            height=style.height,
            title=_title(
                "Where data-scientist time goes",
                "Engineering work not covered by ML and data engineers falls to data scientists",
            ),
            config=_config(style),
        )
    )
    return chart


# ---------------------------------------------------------------------------------------
# 6. delivery index


def delivery_index(summary_df: pd.DataFrame, *, workshop: bool = False) -> alt.LayerChart:
    """Delivery index over time, with points coloured by the bottleneck role that month.

    Args:
        summary_df: `SimulationResult.capacity_summary` with columns month_index, month,
            ds_engineering_share, ds_modelling_fte, delivery_index (100 = month 0),
            bottleneck (role key; empty/None shown as "None").
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (black line + role-coloured points).
    """
    _require(
        summary_df,
        [
            "month_index",
            "month",
            "ds_engineering_share",
            "ds_modelling_fte",
            "delivery_index",
            "bottleneck",
        ],
        "delivery_index",
    )
    style = style_for(workshop)
    df = _clean_numeric(summary_df, ["ds_engineering_share", "ds_modelling_fte", "delivery_index"])
    df["bottleneck_label"] = [
        "None"
        if b is None or (isinstance(b, float) and math.isnan(b)) or str(b) == ""
        else role_label(b)
        for b in df["bottleneck"]
    ]
    role_labels = set(ROLE_DISPLAY.values())
    extra = sorted(set(df["bottleneck_label"]) - role_labels)
    tooltip = [
        _month_tooltip(),
        alt.Tooltip(
            "delivery_index:Q",
            title="Delivery index (100 = today's data scientists, fully supported)",
            format=".1f",
        ),
        alt.Tooltip("bottleneck_label:N", title="Bottleneck role"),
        alt.Tooltip("ds_engineering_share:Q", title="DS time on engineering", format=".0%"),
        alt.Tooltip("ds_modelling_fte:Q", title="DS modelling capacity (FTE)", format=".1f"),
    ]
    base = alt.Chart(df).encode(x=_month_x(), tooltip=tooltip)
    y = alt.Y("delivery_index:Q", title=DELIVERY_AXIS_TITLE)
    line = base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width).encode(y=y)
    points = base.mark_point(filled=True, size=style.point_size * 2.5, opacity=1).encode(
        y=y, color=_role_color("bottleneck_label", "Bottleneck role", extra)
    )
    reference = pd.DataFrame(
        {"reference": [100.0], "label": ["100 = today's data scientists, fully supported"]}
    )
    rule = (
        alt.Chart(reference)
        .mark_rule(color=DEADLINE_COLOR, strokeDash=[2, 3], strokeWidth=style.rule_width / 2)
        .encode(
            y=alt.Y("reference:Q", title=DELIVERY_AXIS_TITLE),
            tooltip=[alt.Tooltip("label:N", title="Reference")],
        )
    )
    return alt.layer(
        rule,
        line,
        points,
        height=style.height,
        title=_title(
            "Delivery index and bottleneck",
            "Output is limited by the scarcest role; point colour = the limiting role",
        ),
        config=_config(style),
    )


def quarter_strip(
    quarters_df: pd.DataFrame, *, what: str = "New ML engineer positions", workshop: bool = False
) -> alt.LayerChart:
    """When to hire: a strip of calendar quarters, each cell shaded and labelled by its count.

    Args:
        quarters_df: columns quarter ("Q1 2027"), count (new positions or starts), in
            time order; every quarter of the horizon, zeros included.
        what: what is counted (the title and tooltip).
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (cells + count labels), quarters in the given order.
    """
    _require(quarters_df, ["quarter", "count"], "quarter_strip")
    style = style_for(workshop)
    # "count" is also a Vega-Lite aggregate's name: encode the values as "n".
    df = _clean_numeric(quarters_df, ["count"]).rename(columns={"count": "n"})
    df["label"] = [f"{c:.0f}" if c > 0 else "" for c in df["n"].fillna(0)]
    df["row"] = what
    order = list(df["quarter"])
    x = alt.X("quarter:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, orient="bottom"))
    tooltip = [alt.Tooltip("quarter:N", title="Quarter"), alt.Tooltip("n:Q", title=what)]
    top = max(float(df["n"].max() or 0), 1.0)
    cells = (
        alt.Chart(df)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("row:N", title=None, axis=None),
            color=alt.Color(
                "n:Q",
                scale=alt.Scale(domain=[0, top], range=["#F2F2F2", ROLE_COLORS["ml_engineer"]]),
                legend=None,
            ),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(df)
        .mark_text(fontSize=style.mark_label_size * 1.4, fontWeight="bold", color="white")
        .encode(x=x, y=alt.Y("row:N", title=None, axis=None), text="label:N", tooltip=tooltip)
    )
    return alt.layer(
        cells,
        labels,
        height=style.mark_label_size * 4 + 80,  # Streamlit fits title and axis inside it
        title=_title(f"{what} per quarter"),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 7. scenario comparison

_USD_UNITS = {"usd", "$", "usd/yr", "usd/year", "usd per year", "$/yr", "$/year"}
_PROBABILITY_UNITS = {"probability", "share", "fraction", "proportion"}
_RATIO_UNITS = {"1:k", "k", "k in 1:k", "ratio", "ds per mle", "ds/mle"}


def _unit_kind(unit: str) -> str:
    """Classify a unit string: "usd", "probability", "percent", "ratio" or "other"."""
    u = unit.strip().lower()
    if u in _USD_UNITS:
        return "usd"
    if u in _PROBABILITY_UNITS:
        return "probability"
    if u == "%":
        return "percent"
    if u in _RATIO_UNITS:
        return "ratio"
    return "other"


def _format_value(value: float, unit: str, *, delta: bool = False) -> str:
    """A comparison bar's label, as the table beside the chart writes it."""
    kind = _unit_kind(unit)
    canonical = {"usd": "USD", "probability": "probability", "percent": "%", "ratio": "1:k"}
    return formatting.metric_value(value, canonical.get(kind, unit), delta=delta)


def _panel_axis(unit: str, delta: bool, baseline: str | None) -> tuple[str, alt.Axis]:
    """Y-axis title and axis (number format) for a comparison panel's unit."""
    kind = _unit_kind(unit)
    if not delta:
        title, fmt = {
            "usd": ("USD", _USD_FORMAT),
            "probability": ("Probability (%)", ".0%"),
            "percent": ("Percent (%)", None),
            "ratio": ("k in 1:k", None),
        }.get(kind, (unit or "Value", None))
        return title, alt.Axis(format=fmt) if fmt else alt.Axis()
    prefix = f"Δ vs {baseline}"
    if kind == "probability":
        return f"{prefix} (percentage points)", alt.Axis(
            labelExpr="format(datum.value * 100, '+.0f')"
        )
    title, fmt = {
        "usd": ("USD", "+$.3~s"),
        "percent": ("percentage points", "+.0f"),
        "ratio": ("k in 1:k", "+.1f"),
    }.get(kind, (unit or "value", "+,~g"))
    return f"{prefix} ({title})", alt.Axis(format=fmt)


def _panel_domain(values: pd.Series) -> list[float] | None:
    """Y domain including 0 with 15% headroom for the value labels (None if no data)."""
    finite = values[np.isfinite(values)]
    if finite.empty:
        return None
    lo, hi = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
    if lo == hi == 0.0:
        return [0.0, 1.0]
    pad = 0.15 * (hi - lo)
    return [lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 else 0.0]


def scenario_comparison(
    compare_df: pd.DataFrame,
    *,
    baseline: str | None = None,
    workshop: bool = False,
) -> alt.ConcatChart:
    """Saved scenarios side by side: one small bar panel per metric, labelled values.

    Panels follow the order metrics first appear in `compare_df`; bars the order scenarios
    first appear. Units understood for formatting: "USD" / "USD/yr", "probability" (0–1),
    "%", "1:k" (ratio k); anything else is shown as a plain number with the unit in the
    panel title and axis title.

    Args:
        compare_df: Long frame with columns scenario, metric, value and optionally unit
            (one row per scenario and metric, e.g. "Ratio at deadline", "P(target met)",
            "Total starts", "Annual cost", "Delivery index").
        baseline: If given, plot each scenario's difference from this scenario instead.
        workshop: Projector-friendly sizes (fewer, larger panels per row).

    Returns:
        A wrapped concatenation of per-metric panels, each with its own y scale.
    """
    _require(compare_df, ["scenario", "metric", "value"], "scenario_comparison")
    style = style_for(workshop)
    df = _clean_numeric(compare_df, ["value"])
    df["scenario"] = df["scenario"].astype(str)
    df["metric"] = df["metric"].astype(str)
    if "unit" not in df.columns:
        df["unit"] = ""
    df["unit"] = df["unit"].fillna("").astype(str)
    scenarios = list(dict.fromkeys(df["scenario"]))
    metrics = list(dict.fromkeys(df["metric"]))
    delta = baseline is not None
    if delta:
        if baseline not in scenarios:
            raise ValueError(
                f"scenario_comparison: baseline {baseline!r} is not one of {', '.join(scenarios)}"
            )
        base_values = df[df["scenario"] == baseline].set_index("metric")["value"]
        df["value"] = df["value"] - df["metric"].map(base_values)
    df["label"] = [_format_value(v, u, delta=delta) for v, u in zip(df["value"], df["unit"])]
    is_baseline = df["scenario"] == baseline if delta else pd.Series(False, index=df.index)
    df["bar_kind"] = np.where(is_baseline, "baseline", "scenario")

    panels = []
    for metric in metrics:
        rows = df[df["metric"] == metric]
        unit = rows["unit"].iloc[0]
        y_title, axis = _panel_axis(unit, delta, baseline)
        domain = _panel_domain(rows["value"])
        scale = alt.Scale(domain=domain) if domain else alt.Scale()
        x = alt.X(
            "scenario:N",
            sort=scenarios,
            title="Scenario",
            axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=style.facet_width),
        )
        tooltip = [
            alt.Tooltip("scenario:N", title="Scenario"),
            alt.Tooltip("metric:N", title="Metric"),
            alt.Tooltip("label:N", title="Δ vs baseline" if delta else "Value"),
        ]
        bars = (
            alt.Chart()
            .mark_bar()
            .encode(
                x=x,
                y=alt.Y("value:Q", title=y_title, axis=axis, scale=scale),
                color=alt.Color(
                    "bar_kind:N",
                    scale=alt.Scale(
                        domain=["scenario", "baseline"], range=[SCENARIO_COLOR, BASELINE_COLOR]
                    ),
                    legend=None,
                ),
                tooltip=tooltip,
            )
        )
        # Labels sit on top of positive bars and just above zero for negative ones.
        text = (
            alt.Chart()
            .transform_calculate(label_y="max(datum.value, 0)")
            .mark_text(baseline="bottom", dy=-3, fontSize=style.mark_label_size)
            .encode(x=x, y=alt.Y("label_y:Q", title=y_title), text="label:N", tooltip=tooltip)
        )
        kind = _unit_kind(unit)
        title = f"{metric} ({unit})" if unit and kind in ("usd", "other") else metric
        panels.append(
            alt.layer(bars, text)
            .transform_filter(alt.FieldEqualPredicate(field="metric", equal=metric))
            .properties(
                width=style.facet_width,
                height=style.facet_height,
                title=alt.TitleParams(title, fontSize=style.header_label_size, anchor="start"),
            )
        )
    subtitle = f"Difference from scenario “{baseline}”" if delta else "One panel per metric"
    return alt.concat(
        *panels,
        data=df,
        columns=style.facet_columns,
        spacing=32,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
        title=_title("Scenario comparison", subtitle),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 8. history + status-quo forecast


def history_forecast(
    history_df: pd.DataFrame,
    forecast_df: pd.DataFrame,
    model_label: str,
    *,
    role: str | None = None,
    interval_level: float | None = None,
    workshop: bool = False,
) -> alt.LayerChart:
    """Observed headcount (solid) and the status-quo forecast (dashed) with its interval.

    Args:
        history_df: Columns month, headcount (a tidy history may also carry role; pass
            `role` to select one).
        forecast_df: `TrendForecast.forecast` with columns month, mean, low, high (low/high
            NaN where the model gives no interval: then no interval area is drawn).
        model_label: The model shown in the subtitle and legend, e.g. "ETS damped trend".
        role: Role key: filters `history_df` if it has a role column, colours the lines in
            the role's colour and names the role in the title.
        interval_level: Coverage of low/high (e.g. 0.8), named in the subtitle if given.
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart.
    """
    _require(history_df, ["month", "headcount"], "history_forecast history_df")
    _require(forecast_df, ["month", "mean", "low", "high"], "history_forecast forecast_df")
    style = style_for(workshop)
    hist = history_df
    if role is not None and "role" in hist.columns:
        hist = hist[hist["role"].astype(str) == str(role)]
    hist = _clean_numeric(hist, ["headcount"]).sort_values("month")
    fc = _clean_numeric(forecast_df, ["mean", "low", "high"]).sort_values("month")
    history_name, forecast_name = "History", f"Forecast ({model_label})"
    hist["series"] = history_name
    fc["series"] = forecast_name
    color = ROLE_COLORS.get(str(role), SERIES_COLOR) if role is not None else SERIES_COLOR
    dash = alt.StrokeDash(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[history_name, forecast_name], range=[[1, 0], [8, 5]]),
        legend=alt.Legend(orient="top", symbolStrokeColor=color),
    )
    y_title = "Headcount (people)"

    hist_tooltip = [
        _month_tooltip(),
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("headcount:Q", title="Headcount (people)", format=",.0f"),
    ]
    hist_base = alt.Chart(hist).encode(
        x=_month_x(), y=alt.Y("headcount:Q", title=y_title), tooltip=hist_tooltip
    )
    layers = []
    has_interval = bool((fc["low"].notna() & fc["high"].notna()).any())
    fc_tooltip = [
        _month_tooltip(),
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("mean:Q", title="Forecast (people)", format=_HEADCOUNT_FORMAT),
        alt.Tooltip("low:Q", title="Interval low (people)", format=_HEADCOUNT_FORMAT),
        alt.Tooltip("high:Q", title="Interval high (people)", format=_HEADCOUNT_FORMAT),
    ]
    fc_base = alt.Chart(fc).encode(x=_month_x(), tooltip=fc_tooltip)
    if has_interval:
        layers.append(
            fc_base.transform_filter("isValid(datum.low) && isValid(datum.high)")
            .mark_area(color=color, opacity=FAN_OPACITY)
            .encode(y=alt.Y("low:Q", title=y_title), y2="high:Q")
        )
    layers.append(
        hist_base.mark_line(color=color, strokeWidth=style.line_width).encode(strokeDash=dash)
    )
    layers.append(hist_base.mark_point(filled=True, size=style.point_size, color=color))
    if len(hist) and len(fc):
        # Dashed segment from the last observation to the first forecast month.
        bridge = pd.DataFrame(
            {
                "month": [hist["month"].iloc[-1], fc["month"].iloc[0]],
                "value": [hist["headcount"].iloc[-1], fc["mean"].iloc[0]],
                "series": [forecast_name, forecast_name],
            }
        )
        layers.append(
            alt.Chart(bridge)
            .mark_line(color=color, strokeWidth=style.line_width)
            .encode(
                x=_month_x(),
                y=alt.Y("value:Q", title=y_title),
                strokeDash=dash,
                tooltip=[alt.Tooltip("series:N", title="Series")],
            )
        )
    y_mean = alt.Y("mean:Q", title=y_title)
    layers.append(
        fc_base.mark_line(color=color, strokeWidth=style.line_width).encode(
            y=y_mean, strokeDash=dash
        )
    )
    layers.append(
        fc_base.mark_point(filled=False, size=style.point_size, color=color).encode(y=y_mean)
    )
    who = f" — {role_label(role)}" if role is not None else ""
    level = f"{interval_level:.0%} " if interval_level is not None else ""
    subtitle = f"Model: {model_label}" + (
        f"; shaded: {level}forecast interval" if has_interval else "; no interval available"
    )
    return alt.layer(
        *layers,
        height=style.height,
        title=_title(f"Headcount history and status-quo forecast{who}", subtitle),
        config=_config(style),
    )


# ---------------------------------------------------------------------------------------
# 9. survival curves


def survival_curves(curves_df: pd.DataFrame, *, workshop: bool = False) -> alt.LayerChart:
    """Kaplan–Meier retention by role: step lines with their confidence band.

    Args:
        curves_df: Columns role, tenure_months, survival, low, high (survival and bounds
            as 0–1 shares; low/high may be NaN, then no band is drawn there).
        workshop: Projector-friendly sizes.

    Returns:
        A layered Altair chart (step areas + step lines + points), coloured by role.
    """
    _require(curves_df, ["role", "tenure_months", "survival", "low", "high"], "survival_curves")
    style = style_for(workshop)
    df = _with_role_label(_clean_numeric(curves_df, ["tenure_months", "survival", "low", "high"]))
    df = df.sort_values(["role_rank", "tenure_months"])
    x = alt.X("tenure_months:Q", title="Tenure (months)")
    y_title = "Still employed (%)"
    tooltip = [
        alt.Tooltip("role_label:N", title="Role"),
        alt.Tooltip("tenure_months:Q", title="Tenure (months)", format=".0f"),
        alt.Tooltip("survival:Q", title="Still employed", format=".0%"),
        alt.Tooltip("low:Q", title="Lower bound", format=".0%"),
        alt.Tooltip("high:Q", title="Upper bound", format=".0%"),
    ]
    base = alt.Chart().encode(x=x, color=_role_color(), tooltip=tooltip)
    band = (
        base.transform_filter("isValid(datum.low) && isValid(datum.high)")
        .mark_area(interpolate="step-after", opacity=FAN_OPACITY)
        .encode(y=alt.Y("low:Q", title=y_title), y2="high:Q")
    )
    y = alt.Y(
        "survival:Q", title=y_title, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
    )
    line = base.mark_line(interpolate="step-after", strokeWidth=style.line_width).encode(y=y)
    points = _hover_points(base, y, style)
    return alt.layer(
        band,
        line,
        points,
        data=df,
        height=style.height,
        title=_title("Retention by role (Kaplan–Meier)", "Shaded: confidence band"),
        config=_config(style),
    )
