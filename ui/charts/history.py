"""History and status-quo forecast, survival curves (Forecast page, uploads)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from forecasting.model.formatting import role_label
from ui.charts import _base
from ui.theme import (
    FAN_OPACITY,
    ROLE_COLORS,
    SERIES_COLOR,
    style_for,
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
    _base.require(history_df, ["month", "headcount"], "history_forecast history_df")
    _base.require(forecast_df, ["month", "mean", "low", "high"], "history_forecast forecast_df")
    style = style_for(workshop)
    hist = history_df
    if role is not None and "role" in hist.columns:
        hist = hist[hist["role"].astype(str) == str(role)]
    hist = _base.clean_numeric(hist, ["headcount"]).sort_values("month")
    fc = _base.clean_numeric(forecast_df, ["mean", "low", "high"]).sort_values("month")
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
        _base.month_tooltip(),
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("headcount:Q", title="Headcount (people)", format=",.0f"),
    ]
    hist_base = alt.Chart(hist).encode(
        x=_base.month_x(),
        y=alt.Y("headcount:Q", title=y_title, axis=_base.COUNT_AXIS),
        tooltip=hist_tooltip,
    )
    layers = []
    has_interval = bool((fc["low"].notna() & fc["high"].notna()).any())
    fc_tooltip = [
        _base.month_tooltip(),
        alt.Tooltip("series:N", title="Series"),
        alt.Tooltip("mean:Q", title="Forecast (people)", format=_base.HEADCOUNT_FORMAT),
        alt.Tooltip("low:Q", title="Interval low (people)", format=_base.HEADCOUNT_FORMAT),
        alt.Tooltip("high:Q", title="Interval high (people)", format=_base.HEADCOUNT_FORMAT),
    ]
    fc_base = alt.Chart(fc).encode(x=_base.month_x(), tooltip=fc_tooltip)
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
                x=_base.month_x(),
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
    return _base.layered(
        layers,
        style,
        f"Headcount history and status-quo forecast{who}",
        subtitle,
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
    _base.require(
        curves_df, ["role", "tenure_months", "survival", "low", "high"], "survival_curves"
    )
    style = style_for(workshop)
    df = _base.with_role_label(
        _base.clean_numeric(curves_df, ["tenure_months", "survival", "low", "high"])
    )
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
    base = alt.Chart().encode(x=x, color=_base.role_color(), tooltip=tooltip)
    band = (
        base.transform_filter("isValid(datum.low) && isValid(datum.high)")
        .mark_area(interpolate="step-after", opacity=FAN_OPACITY)
        .encode(y=alt.Y("low:Q", title=y_title), y2="high:Q")
    )
    y = alt.Y(
        "survival:Q", title=y_title, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])
    )
    line = base.mark_line(interpolate="step-after", strokeWidth=style.line_width).encode(y=y)
    points = _base.hover_points(base, y, style)
    title = "Retention by role (Kaplan–Meier)"
    return _base.layered([band, line, points], style, title, "Shaded: confidence band", data=df)
