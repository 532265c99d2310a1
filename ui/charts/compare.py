"""Scenario comparison over time (Compare page): one line (or bar) per scenario.

Every builder takes a long frame from forecasting/report/compare.py keyed by `scenario` and a
calendar `month` (or quarter), so scenarios that start in different months line up on
one time axis. Scenarios are told apart by colour and dash together (one legend), in
the order they first appear in the frame; the colours are chart furniture, never a
role's colour, since roles are not what differs between the lines.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from forecasting.model import formatting
from forecasting.report.compare import MAX_COMPARED
from ui.charts import _base
from ui.theme import BAND_COLOR, BAND_OPACITY, OKABE_ITO, ChartStyle, style_for

#: One colour and one dash per compared scenario (up to MAX_COMPARED), in selection order:
#: black solid, orange dashed, sky blue dotted, grey dash-dot (none is a role colour).
SCENARIO_COLORS = (OKABE_ITO["black"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], "#7F7F7F")
SCENARIO_DASHES = ([1, 0], [8, 4], [2, 3], [12, 4, 2, 4])
LEGEND_TITLE = "Scenario"
#: Fit the container's width only: the plot keeps its height and the title and the legend
#: below it add to it (Streamlit's default "fit" squeezes the plot and clips the title).
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
#: The smaller charts (two a row) are this share of the style's height.
SMALL = 0.75


def _names(df: pd.DataFrame) -> list[str]:
    names = [str(n) for n in dict.fromkeys(df["scenario"])]
    if len(names) > MAX_COMPARED:
        raise ValueError(f"at most {MAX_COMPARED} scenarios are compared, got {len(names)}")
    return names


def _legend(symbol: str = "stroke") -> alt.Legend:
    # Below the plot, one name a line: a long name never widens the chart past its column.
    return alt.Legend(
        title=LEGEND_TITLE, orient="bottom", direction="vertical", columns=1, symbolType=symbol
    )


def _color_scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=names, range=list(SCENARIO_COLORS[: len(names)]))


def _color(names: list[str], symbol: str = "stroke") -> alt.Color:
    return alt.Color(
        "scenario:N", title=LEGEND_TITLE, scale=_color_scale(names), legend=_legend(symbol)
    )


def _dash(names: list[str]) -> alt.StrokeDash:
    scale = alt.Scale(domain=names, range=[list(d) for d in SCENARIO_DASHES[: len(names)]])
    return alt.StrokeDash("scenario:N", title=LEGEND_TITLE, scale=scale, legend=_legend())


def _lines(
    df: pd.DataFrame, y: alt.Y, style: ChartStyle, tooltip: list[alt.Tooltip]
) -> list[alt.Chart]:
    """P50-style lines, one per scenario, with hover points (same tooltips on both)."""
    names = _names(df)
    base = alt.Chart(df).encode(
        x=_base.month_x(), color=_color(names), detail="scenario:N", tooltip=tooltip
    )
    line = base.mark_line(strokeWidth=style.line_width).encode(y=y, strokeDash=_dash(names))
    return [line, _base.hover_points(base, y, style)]


# ---------------------------------------------------------------------------------------
# ratio over time


def scenario_ratio(
    ratio_df: pd.DataFrame,
    targets_df: pd.DataFrame,
    band: tuple[float, float] = (5, 10),
    *,
    workshop: bool = False,
) -> alt.LayerChart:
    """Data scientists per ML engineer (P50) by calendar month, one line per scenario,
    with the 1:5–1:10 band shaded and each scenario's target as a diamond at its deadline.

    Args:
        ratio_df: columns scenario, month, p50 (forecasting.report.compare.ratio_frame); rows
            whose P50 is undefined (no ML engineer on most paths) are left out.
        targets_df: columns scenario, month (the deadline), target (k), label
            (forecasting.report.compare.targets_frame).
        band: (low, high) k of the shaded band.
        workshop: Projector-friendly sizes.
    """
    _base.require(ratio_df, ["scenario", "month", "p50"], "scenario_ratio")
    _base.require(targets_df, ["scenario", "month", "target", "label"], "scenario_ratio")
    lo, hi = (float(b) for b in band)
    if not lo < hi:
        raise ValueError(f"scenario_ratio: band must be (low, high) with low < high, got {band!r}")
    style = style_for(workshop)
    df = _base.clean_numeric(ratio_df[["scenario", "month", "p50"]], ["p50"])
    df = df[df["p50"].notna()]
    targets = _base.clean_numeric(targets_df[["scenario", "month", "target", "label"]], ["target"])
    names = _names(pd.concat([ratio_df[["scenario"]], targets_df[["scenario"]]]))
    shown = np.concatenate([df["p50"].to_numpy(float), targets["target"].to_numpy(float)])
    shown = shown[np.isfinite(shown)]
    y_scale = alt.Scale(domain=[0, math.ceil(1.05 * max([hi, *shown.tolist()]))], nice=False)
    y = alt.Y("p50:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale)
    tooltip = [
        alt.Tooltip("scenario:N", title=LEGEND_TITLE),
        _base.month_tooltip(),
        alt.Tooltip("p50:Q", title="P50 (k in 1:k)", format=".1f"),
    ]
    band_label = f"target band {formatting.ratio_text(lo)}–{formatting.ratio_text(hi)}"
    band_rect = (
        alt.Chart(pd.DataFrame({"band_low": [lo], "band_high": [hi], "band": [band_label]}))
        .mark_rect(color=BAND_COLOR, opacity=BAND_OPACITY)
        .encode(
            y=alt.Y("band_low:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale),
            y2="band_high:Q",
            tooltip=[alt.Tooltip("band:N", title="Band")],
        )
    )
    target_marks = (
        alt.Chart(targets)
        .mark_point(
            shape="diamond", filled=True, size=6 * style.point_size, opacity=1, stroke="white"
        )
        .encode(
            x=_base.month_x(),
            y=alt.Y("target:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale),
            color=alt.Color("scenario:N", scale=_color_scale(names), legend=None),
            tooltip=[
                alt.Tooltip("scenario:N", title=LEGEND_TITLE),
                alt.Tooltip("label:N", title="Target"),
            ],
        )
    )
    subtitle = [  # two lines: one is cut at 1024 px wide in workshop mode
        f"Median (P50) per scenario; ◆ its target at its deadline; blue: {band_label}",
        "Lower = more ML engineers",
    ]
    layers = [band_rect, *_lines(df, y, style, tooltip), target_marks]
    return _base.layered(
        layers, style, "ML engineer : data scientist ratio", subtitle, autosize=FIT_X
    )


# ---------------------------------------------------------------------------------------
# headcount over time


def scenario_headcount(
    headcount_df: pd.DataFrame, role: str, *, workshop: bool = False
) -> alt.LayerChart:
    """Median headcount of one role by calendar month, one line per scenario.

    Args:
        headcount_df: columns scenario, month, role, p50
            (forecasting.report.compare.headcount_frame).
        role: the role key to draw ("data_scientist" or "ml_engineer").
        workshop: Projector-friendly sizes.
    """
    _base.require(headcount_df, ["scenario", "month", "role", "p50"], "scenario_headcount")
    style = style_for(workshop)
    df = headcount_df[headcount_df["role"].astype(str) == role]
    if df.empty:
        raise ValueError(f"scenario_headcount: no rows for role {role!r}")
    df = _base.clean_numeric(df[["scenario", "month", "p50"]], ["p50"])
    label = formatting.role_label(role)
    y = alt.Y(
        "p50:Q",
        title=f"{label}s (people, P50)",
        scale=alt.Scale(zero=False),
        axis=alt.Axis(tickMinStep=1, format=",~f"),
    )
    tooltip = [
        alt.Tooltip("scenario:N", title=LEGEND_TITLE),
        _base.month_tooltip(),
        alt.Tooltip("p50:Q", title=f"{label}s (P50)", format=_base.HEADCOUNT_FORMAT),
    ]
    return _base.layered(
        _lines(df, y, style, tooltip),
        style,
        f"{label}s",
        "Median (P50) headcount per scenario",
        autosize=FIT_X,
    ).properties(height=round(SMALL * style.height))


# ---------------------------------------------------------------------------------------
# the ML engineer plan per quarter


def scenario_quarters(quarters_df: pd.DataFrame, *, workshop: bool = False) -> alt.Chart:
    """New ML engineer positions (or starts) per calendar quarter, bars grouped by quarter.

    Args:
        quarters_df: columns scenario, quarter, quarter_start ("YYYY-MM"), positions, unit
            (forecasting.report.compare.quarters_frame).
        workshop: Projector-friendly sizes.
    """
    cols = ["scenario", "quarter", "quarter_start", "positions", "unit"]
    _base.require(quarters_df, cols, "scenario_quarters")
    style = style_for(workshop)
    df = _base.clean_numeric(quarters_df[cols], ["positions"])
    names = _names(df)
    order = list(df.sort_values("quarter_start", kind="stable")["quarter"].drop_duplicates())
    starts = bool((df["unit"] == "starts").any())
    what = "New ML engineer positions" + (" (or starts)" if starts else "")
    return (
        alt.Chart(
            df,
            height=round(SMALL * style.height),
            title=_base.title(f"{what} per quarter", "One bar per scenario, by calendar quarter"),
            config=_base.config(style),
            autosize=FIT_X,
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "quarter:N",
                sort=order,
                title="Calendar quarter",
                axis=alt.Axis(labelAngle=-45, labelOverlap=True),
            ),
            xOffset=alt.XOffset("scenario:N", sort=names),
            y=alt.Y(
                "positions:Q",
                title="New positions" + (" or starts" if starts else ""),
                axis=alt.Axis(tickMinStep=1, format=",~f"),
            ),
            color=_color(names, symbol="square"),
            tooltip=[
                alt.Tooltip("scenario:N", title=LEGEND_TITLE),
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("positions:Q", title="New positions / starts", format=",.0f"),
                alt.Tooltip("unit:N", title="Plan in"),
            ],
        )
    )


# ---------------------------------------------------------------------------------------
# cost over time


def scenario_run_rate(cost_df: pd.DataFrame, *, workshop: bool = False) -> alt.LayerChart:
    """Run-rate of the added ML engineers (USD/yr) by calendar month, one line per scenario.

    Args:
        cost_df: columns scenario, month, run_rate (forecasting.report.compare.added_cost_frame).
        workshop: Projector-friendly sizes.
    """
    _base.require(cost_df, ["scenario", "month", "run_rate"], "scenario_run_rate")
    style = style_for(workshop)
    df = _base.clean_numeric(cost_df[["scenario", "month", "run_rate"]], ["run_rate"])
    y = alt.Y("run_rate:Q", title="Run-rate (USD/yr)", axis=alt.Axis(format=_base.USD_FORMAT))
    tooltip = [
        alt.Tooltip("scenario:N", title=LEGEND_TITLE),
        _base.month_tooltip(),
        alt.Tooltip("run_rate:Q", title="Run-rate (USD/yr)", format=_base.USD_TOOLTIP),
    ]
    return _base.layered(
        _lines(df, y, style, tooltip),
        style,
        "Cost of the added ML engineers",
        "Mean extra ML engineers vs no ML engineer plan × annual cost",
        autosize=FIT_X,
    ).properties(height=round(SMALL * style.height))
