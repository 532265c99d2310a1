"""Shared pieces of the chart builders: input checks, month axis, role colours, titles,
config (see ui/charts/__init__.py for the conventions)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from forecasting.model import formatting
from forecasting.model.roles import ROLE_KEYS
from ui.theme import (
    MONTH_FORMAT,
    MONTH_TIME_UNIT,
    NEUTRAL_COLOR,
    ROLE_COLORS,
    ChartStyle,
)

RATIO_AXIS_TITLE = "Data scientists per ML engineer (k in 1:k)"
#: On two lines: one line is taller than the plot and pushes the chart's title out of view.
DELIVERY_AXIS_TITLE = ["Delivery index", "(100 = today's DS, fully supported)"]
#: A y axis of people: whole-number ticks only.
COUNT_AXIS = alt.Axis(tickMinStep=1, format=",~f")
#: The same title on two lines: one line is taller than the plot in workshop mode.
RATIO_AXIS_LINES = ["Data scientists per ML engineer", "(k in 1:k)"]
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
USD_FORMAT = "$.3~s"  # axis: $150k, $1.4M
USD_TOOLTIP = "$,.0f"  # tooltip: $1,412,500
HEADCOUNT_FORMAT = ".1f"


# ---------------------------------------------------------------------------------------
# shared pieces


def require(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the columns `df` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; "
            f"got {', '.join(map(str, df.columns)) or 'none'}"
        )


def month_x(title: str = "Month") -> alt.X:
    """X encoding for a "YYYY-MM" month column: UTC year-month, labelled "Jun 2028"."""
    return alt.X(
        "month:T",
        timeUnit=MONTH_TIME_UNIT,
        title=title,
        axis=alt.Axis(format=MONTH_FORMAT, labelOverlap=True),
    )


def month_tooltip() -> alt.Tooltip:
    """Tooltip entry for the month column, formatted like the axis."""
    return alt.Tooltip("month:T", timeUnit=MONTH_TIME_UNIT, format=MONTH_FORMAT, title="Month")


def role_color_scale(extra: Sequence[str] = (), roles: Sequence[str] | None = None) -> alt.Scale:
    """Return the one role colour scale (domain: role labels in canonical order).

    Args:
        extra: Additional non-role labels (e.g. "None"), appended in a neutral grey.
        roles: the role keys drawn (default: all four): the legend lists only these.

    Returns:
        An `alt.Scale` mapping "Data engineer", "Data scientist", "ML engineer",
        "Product manager" (then `extra`) to their fixed colours.
    """
    keys = [k for k in ROLE_KEYS if roles is None or k in roles]
    domain = [formatting.role_label(k) for k in keys] + list(extra)
    range_ = [ROLE_COLORS[k] for k in keys] + [NEUTRAL_COLOR] * len(extra)
    return alt.Scale(domain=domain, range=range_)


def role_color(
    field: str = "role_label",
    title: str = "Role",
    extra: Sequence[str] = (),
    roles: Sequence[str] | None = None,
) -> alt.Color:
    """Colour encoding on a role-label column using the shared role scale (its legend
    lists only `roles` when given: what the chart draws)."""
    return alt.Color(f"{field}:N", title=title, scale=role_color_scale(extra, roles))


def with_role_label(df: pd.DataFrame, column: str = "role") -> pd.DataFrame:
    """Copy of `df` with `role_label` (display name) and `role_rank` (canonical order)."""
    out = df.copy()
    keys = out[column].astype(str)
    out["role_label"] = keys.map(formatting.role_label)
    rank = {k: i for i, k in enumerate(ROLE_KEYS)}
    out["role_rank"] = keys.map(lambda k: rank.get(k, len(rank))).astype(int)
    return out


def title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    """Chart title anchored left, with an optional subtitle (a list: one line each)."""
    if subtitle:
        return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")
    return alt.TitleParams(text=text, anchor="start")


def layered(
    layers: Sequence[alt.Chart],
    style: ChartStyle,
    text: str,
    subtitle: str | list[str] | None = None,
    **kwargs: Any,
) -> alt.LayerChart:
    """The charts drawn on one set of axes, with the style's height, a title and the config."""
    return alt.LayerChart(
        layer=list(layers),
        height=style.height,
        title=title(text, subtitle),
        config=config(style),
        **kwargs,
    )


def config(style: ChartStyle) -> alt.Config:
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
            labelLimit=0,  # no "Forecast (ETS (additive, damped tre…": legends say it all
        ),
        title=alt.TitleConfig(fontSize=style.title_size, subtitleFontSize=style.subtitle_size),
        header=alt.HeaderConfig(
            labelFontSize=style.header_label_size, titleFontSize=style.header_label_size
        ),
        view=alt.ViewConfig(stroke=None),
    )


def clean_numeric(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Copy of `df` with the given columns as floats and ±inf replaced by NaN."""
    out = df.copy()
    for c in columns:
        column = out[c]
        if column.dtype.kind in "iuf":  # numbers already: the same floats, without pandas
            values = column.to_numpy(dtype=float, copy=True)
            values[np.isinf(values)] = np.nan
            out[c] = pd.Series(values, index=column.index, name=c)
        else:
            out[c] = (
                pd.to_numeric(column, errors="coerce")
                .astype(float)
                .replace([np.inf, -np.inf], np.nan)
            )
    return out


k_text = formatting.k_text
month_text = formatting.month_name


def check_month(month: str, name: str) -> str:
    """Return `month` if it is a "YYYY-MM" string, else raise ValueError naming `name`."""
    month = str(month).strip()
    if not _MONTH_RE.match(month):
        raise ValueError(f"{name}: expected a month like '2028-06', got {month!r}")
    return month


def hover_points(base: alt.Chart, y: alt.Y, style: ChartStyle, **encode):
    """Small filled points on a line: an easy hover target for the base's tooltips."""
    return base.mark_point(filled=True, size=style.point_size, opacity=0.9).encode(y=y, **encode)
