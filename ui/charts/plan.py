"""The hiring plan: hires and cumulative cost, new positions per quarter (Hiring plan, Overview)."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ui.charts import _base, template
from ui.theme import (
    ROLE_COLORS,
    SERIES_COLOR,
    style_for,
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
    _base.require(starts_df, ["month_index", "month", "role", "mean"], "hires_and_cost starts_df")
    _base.require(
        cost_df,
        ["month_index", "month", "cost_mean", "cost_p10", "cost_p90", "cumulative_mean"],
        "hires_and_cost cost_df",
    )
    starts = _base.with_role_label(_base.clean_numeric(starts_df, ["mean"]))
    cost = _base.clean_numeric(cost_df, ["cost_mean", "cost_p10", "cost_p90", "cumulative_mean"])
    drawn = tuple(sorted(set(starts.loc[starts["mean"].fillna(0) > 0, "role"].astype(str))))
    parts = template.Parts((starts, cost), (), (drawn, workshop))
    return template.chart(_draw_hires_and_cost, parts)


def _draw_hires_and_cost(parts: template.Parts) -> alt.LayerChart:
    starts, cost = parts.frames
    drawn, workshop = cast(tuple[tuple[str, ...], bool], parts.key)
    style = style_for(workshop)
    bars = (
        alt.Chart(starts)
        .mark_bar()
        .encode(
            x=_base.month_x(),
            y=alt.Y(
                "mean:Q",
                title="Starts per month (people, mean)",
                stack="zero",
                axis=alt.Axis(orient="left"),
            ),
            # the legend lists the roles with a start in the horizon: what is drawn
            color=_base.role_color(roles=list(drawn)),
            order=alt.Order("role_rank:Q"),
            tooltip=[
                alt.Tooltip("role_label:N", title="Role"),
                _base.month_tooltip(),
                alt.Tooltip("mean:Q", title="Starts (people, mean)", format=".2f"),
            ],
        )
    )
    cost_tooltip = [
        _base.month_tooltip(),
        alt.Tooltip(
            "cumulative_mean:Q", title="Cumulative cost (USD, mean)", format=_base.USD_TOOLTIP
        ),
        alt.Tooltip("cost_mean:Q", title="Cost this month (USD, mean)", format=_base.USD_TOOLTIP),
        alt.Tooltip("cost_p10:Q", title="Cost this month, P10 (USD)", format=_base.USD_TOOLTIP),
        alt.Tooltip("cost_p90:Q", title="Cost this month, P90 (USD)", format=_base.USD_TOOLTIP),
    ]
    cost_x = _base.month_x().bandPosition(0.5)  # centre of the month, over the bar's middle
    cost_base = alt.Chart(cost).encode(
        x=cost_x,
        tooltip=cost_tooltip,
        y=alt.Y(
            "cumulative_mean:Q",
            title="Cumulative payroll cost (USD, line)",
            axis=alt.Axis(
                format=_base.USD_FORMAT,
                orient="right",
                grid=False,
                titleColor=SERIES_COLOR,
                labelColor=SERIES_COLOR,
            ),
        ),
    )
    cost_line = cost_base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width)
    cost_points = cost_base.mark_point(filled=True, size=style.point_size * 1.5, color=SERIES_COLOR)
    return _base.layered(
        [bars, cost_line, cost_points],
        style,
        "Hires per month and cumulative cost",
        [
            "Bars: starts per month by role (left axis); means over paths",
            "Line: cumulative payroll cost of the whole team (right axis)",
        ],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
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
    _base.require(quarters_df, ["quarter", "count"], "quarter_strip")
    # "count" is also a Vega-Lite aggregate's name: encode the values as "n".
    df = _base.clean_numeric(quarters_df, ["count"]).rename(columns={"count": "n"})
    df["label"] = [f"{c:.0f}" if c > 0 else "" for c in df["n"].fillna(0)]
    df["row"] = what
    top = max(float(df["n"].max() or 0), 1.0)
    parts = template.Parts((df,), (top,), (what, tuple(df["quarter"]), workshop))
    return template.chart(_draw_quarter_strip, parts)


def _draw_quarter_strip(parts: template.Parts) -> alt.LayerChart:
    (df,) = parts.frames
    (top,) = parts.numbers
    what, order, workshop = cast(tuple[str, tuple[str, ...], bool], parts.key)
    style = style_for(workshop)
    x = alt.X(
        "quarter:N", sort=list(order), title=None, axis=alt.Axis(labelAngle=0, orient="bottom")
    )
    tooltip = [alt.Tooltip("quarter:N", title="Quarter"), alt.Tooltip("n:Q", title=what)]
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
    return alt.LayerChart(
        layer=[cells, labels],
        # Streamlit fits title and axis inside the height; the strip sits in the answer
        # card, above the fold: its title is the size of an axis title, not a chart's.
        height=style.mark_label_size * 3 + 85,
        title=alt.TitleParams(
            text=f"{what} per quarter", anchor="start", fontSize=style.axis_title_size
        ),
        config=_base.config(style),
    )
