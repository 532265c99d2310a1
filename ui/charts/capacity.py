"""Capacity: effective FTE, data-scientist time split, delivery index (Capacity page)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from forecasting.model.formatting import role_label
from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS
from ui.charts import _base
from ui.theme import (
    DEADLINE_COLOR,
    DS_ENGINEERING_COLOR,
    DS_MODELLING_COLOR,
    SERIES_COLOR,
    style_for,
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
    _base.require(capacity_df, ["month_index", "month", "role", "effective_fte"], "capacity_fte")
    style = style_for(workshop)
    df = _base.with_role_label(_base.clean_numeric(capacity_df, ["effective_fte"]))
    tooltip = [
        alt.Tooltip("role_label:N", title="Role"),
        _base.month_tooltip(),
        alt.Tooltip("effective_fte:Q", title="Effective capacity (FTE)", format=".1f"),
    ]
    base = alt.Chart().encode(x=_base.month_x(), color=_base.role_color(), tooltip=tooltip)
    y = alt.Y("effective_fte:Q", title="Effective capacity (FTE)")
    line = base.mark_line(strokeWidth=style.line_width).encode(y=y)
    points = _base.hover_points(base, y, style)
    return _base.layered(
        [line, points],
        style,
        "Effective capacity by role",
        "Full-time equivalents after new-hire ramp-up and mentoring time of existing staff",
        data=df,
    )


_SUMMARY_NUMBERS = ["ds_engineering_share", "ds_modelling_fte", "delivery_index"]
_SUMMARY_COLUMNS = ["month_index", "month", *_SUMMARY_NUMBERS, "bottleneck"]


def _summary_frame(summary_df: pd.DataFrame, name: str) -> pd.DataFrame:
    """`capacity_summary` checked for what both summary charts read, numbers cleaned."""
    _base.require(summary_df, _SUMMARY_COLUMNS, name)
    return _base.clean_numeric(summary_df, _SUMMARY_NUMBERS)


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
    style = style_for(workshop)
    df = _summary_frame(summary_df, "ds_time_split")
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
            x=_base.month_x(),
            y=alt.Y("share:Q", stack="zero", title="Share of data-scientist time (%)")
            .axis(format=".0%")
            .scale(domain=[0, 1]),
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
                _base.month_tooltip(),
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("share:Q", title="Share of DS time", format=".0%"),
                alt.Tooltip("ds_modelling_fte:Q", title="Modelling capacity (FTE)", format=".1f"),
            ],
        )
        .properties(
            height=style.height,
            title=_base.title(
                "Where data-scientist time goes",
                "Engineering work not covered by ML and data engineers falls to data scientists",
            ),
            config=_base.config(style),
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
    style = style_for(workshop)
    df = _summary_frame(summary_df, "delivery_index")
    df["bottleneck_label"] = [
        "None"
        if b is None or (isinstance(b, float) and math.isnan(b)) or str(b) == ""
        else role_label(b)
        for b in df["bottleneck"]
    ]
    role_labels = set(ROLE_LABELS.values())
    extra = sorted(set(df["bottleneck_label"]) - role_labels)
    limiting = sorted({str(b) for b in df["bottleneck"] if str(b) in ROLE_KEYS})
    tooltip = [
        _base.month_tooltip(),
        alt.Tooltip(
            "delivery_index:Q",
            title="Delivery index (100 = today's data scientists, fully supported)",
            format=".1f",
        ),
        alt.Tooltip("bottleneck_label:N", title="Bottleneck role"),
        alt.Tooltip("ds_engineering_share:Q", title="DS time on engineering", format=".0%"),
        alt.Tooltip("ds_modelling_fte:Q", title="DS modelling capacity (FTE)", format=".1f"),
    ]
    base = alt.Chart(df).encode(x=_base.month_x(), tooltip=tooltip)
    y = alt.Y("delivery_index:Q", title=_base.DELIVERY_AXIS_TITLE)
    line = base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width).encode(y=y)
    points = base.mark_point(filled=True, size=style.point_size * 2.5, opacity=1).encode(
        # the legend lists the roles that are a bottleneck in some month: what is drawn
        y=y,
        color=_base.role_color("bottleneck_label", "Bottleneck role", extra, roles=limiting),
    )
    reference = pd.DataFrame(
        {"reference": [100.0], "label": ["100 = today's data scientists, fully supported"]}
    )
    rule = (
        alt.Chart(reference)
        .mark_rule(color=DEADLINE_COLOR, strokeDash=[2, 3], strokeWidth=style.rule_width / 2)
        .encode(
            y=alt.Y("reference:Q", title=_base.DELIVERY_AXIS_TITLE),
            tooltip=[alt.Tooltip("label:N", title="Reference")],
        )
    )
    return _base.layered(
        [rule, line, points],
        style,
        "Delivery index and bottleneck",
        "Output is limited by the scarcest role; point colour = the limiting role",
    )
