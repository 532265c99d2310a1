"""Fans of simulated paths: headcount by role and the MLE : DS ratio (Overview, Hiring plan)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, cast

import altair as alt
import numpy as np
import pandas as pd

from forecasting.model.roles import ROLE_KEYS
from ui.charts import _base, template
from ui.theme import (
    BAND_COLOR,
    BAND_OPACITY,
    DEADLINE_COLOR,
    FAN_OPACITY,
    SERIES_COLOR,
    TARGET_COLOR,
    style_for,
)

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
    _base.require(
        headcount_df, ["month_index", "month", "role", "mean", "p10", "p50", "p90"], "headcount_fan"
    )
    df = headcount_df
    if roles is not None:
        wanted = [str(r) for r in roles]
        unknown = sorted(set(wanted) - set(ROLE_KEYS))
        if unknown:
            raise ValueError(f"headcount_fan: unknown role(s) {', '.join(unknown)}")
        df = df[df["role"].astype(str).isin(wanted)]
    df = _base.with_role_label(_base.clean_numeric(df, ["mean", "p10", "p50", "p90"]))
    drawn = tuple(sorted(set(df["role"].astype(str))))
    return template.chart(_draw_headcount_fan, template.Parts((df,), (), (drawn, workshop)))


def _draw_headcount_fan(parts: template.Parts) -> alt.LayerChart:
    (df,) = parts.frames
    drawn, workshop = cast(tuple[tuple[str, ...], bool], parts.key)
    style = style_for(workshop)
    y_title = "Headcount (people)"
    tooltip = [
        alt.Tooltip("role_label:N", title="Role"),
        _base.month_tooltip(),
        alt.Tooltip("p50:Q", title="P50 (people)", format=_base.HEADCOUNT_FORMAT),
        alt.Tooltip("p10:Q", title="P10 (people)", format=_base.HEADCOUNT_FORMAT),
        alt.Tooltip("p90:Q", title="P90 (people)", format=_base.HEADCOUNT_FORMAT),
        alt.Tooltip("mean:Q", title="Mean (people)", format=_base.HEADCOUNT_FORMAT),
    ]
    # Tooltips on the base so every mark (area, line, point) shows the same formatted text.
    base = alt.Chart().encode(
        x=_base.month_x(),
        color=_base.role_color(roles=list(drawn)),
        detail="role_label:N",
        tooltip=tooltip,
    )
    y_p10 = alt.Y("p10:Q", title=y_title, axis=_base.COUNT_AXIS)
    area = base.mark_area(opacity=FAN_OPACITY).encode(y=y_p10, y2="p90:Q")
    y_p50 = alt.Y("p50:Q", title=y_title, axis=_base.COUNT_AXIS)
    line = base.mark_line(strokeWidth=style.line_width).encode(y=y_p50)
    points = _base.hover_points(base, y_p50, style)
    note = "Line: median (P50); shaded: P10–P90 of simulated paths"
    return _base.layered([area, line, points], style, "Headcount by role", note, data=df)


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
    parts = _ratio_fan_parts(ratio_df, target, band, deadline_month, workshop)
    return template.chart(_draw_ratio_fan, parts)


def _ratio_fan_parts(
    ratio_df: pd.DataFrame,
    target: float,
    band: tuple[float, float],
    deadline_month: str | None,
    workshop: bool,
) -> template.Parts:
    """ratio_fan's frames (the fan, the band, the target, the deadline), its y axis top,
    and the key: band, workshop, where the target's label sits, whether a deadline."""
    _base.require(
        ratio_df, ["month_index", "month", "p10", "p50", "p90", "share_defined"], "ratio_fan"
    )
    target = float(target)
    if not math.isfinite(target) or target <= 0:
        raise ValueError(f"ratio_fan: target must be a positive number, got {target!r}")
    lo, hi = (float(b) for b in band)
    if not lo < hi:
        raise ValueError(f"ratio_fan: band must be (low, high) with low < high, got {band!r}")
    df = _base.clean_numeric(ratio_df, ["p10", "p50", "p90", "share_defined"])
    df = df[df["p50"].notna()]
    # An explicit y domain from the data: the spec then changes with the data, so a chart
    # updated in place after a slider move gets the same axis as a fresh load of the link.
    shown = df[["p10", "p50", "p90"]].to_numpy(dtype=float).ravel()
    shown = shown[np.isfinite(shown)]
    y_top = math.ceil(1.05 * max([hi, target, *shown.tolist()]))
    band_label = f"target band 1:{_base.k_text(lo)}–1:{_base.k_text(hi)}"
    band_df = pd.DataFrame({"band_low": [lo], "band_high": [hi], "band": [band_label]})
    target_df = pd.DataFrame({"target": [target], "label": [f"target 1:{_base.k_text(target)}"]})
    frames = [df, band_df, target_df]
    if deadline_month is not None:
        month = _base.check_month(deadline_month, "ratio_fan deadline_month")
        frames.append(
            pd.DataFrame({"month": [month], "label": [f"deadline {_base.month_text(month)}"]})
        )
    # The label sits at the end of the plot where the median line is farthest from the
    # target, on the side of the rule away from the line, on a white halo: never
    # overprinted by the line it labels (issue 19).
    left, above = _target_label_place(df["p50"].to_numpy(dtype=float), target)
    return template.Parts(tuple(frames), (y_top,), (band_label, workshop, left, above))


def _draw_ratio_fan(parts: template.Parts) -> alt.LayerChart:
    df, band_df, target_df, *deadline_df = parts.frames
    (y_top,) = parts.numbers
    band_label, workshop, left, above = cast(tuple[str, bool, bool, bool], parts.key)
    style = style_for(workshop)
    y_scale = alt.Scale(domain=[0, y_top], nice=False)

    tooltip = [
        _base.month_tooltip(),
        alt.Tooltip("p50:Q", title="P50 (k in 1:k)", format=".1f"),
        alt.Tooltip("p10:Q", title="P10 (k in 1:k)", format=".1f"),
        alt.Tooltip("p90:Q", title="P90 (k in 1:k)", format=".1f"),
        alt.Tooltip("share_defined:Q", title="Paths with an ML engineer", format=".0%"),
    ]
    base = alt.Chart(df).encode(x=_base.month_x(), tooltip=tooltip)
    area = (
        base.transform_filter("isValid(datum.p10) && isValid(datum.p90)")
        .mark_area(color=SERIES_COLOR, opacity=FAN_OPACITY)
        .encode(y=alt.Y("p10:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale), y2="p90:Q")
    )
    y_p50 = alt.Y("p50:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale)
    line = base.mark_line(color=SERIES_COLOR, strokeWidth=style.line_width).encode(y=y_p50)
    points = _base.hover_points(base, y_p50, style, color=alt.value(SERIES_COLOR))

    band_rect = (
        alt.Chart(band_df)
        .mark_rect(color=BAND_COLOR, opacity=BAND_OPACITY)
        .encode(
            y=alt.Y("band_low:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale),
            y2="band_high:Q",
            tooltip=[alt.Tooltip("band:N", title="Band")],
        )
    )
    target_rule = (
        alt.Chart(target_df)
        .mark_rule(color=TARGET_COLOR, strokeWidth=style.rule_width)
        .encode(
            y=alt.Y("target:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale),
            tooltip=[alt.Tooltip("label:N", title="Target")],
        )
    )
    label: dict[str, Any] = {
        "align": "left" if left else "right",
        "baseline": "bottom" if above else "top",
        "dx": 6 if left else -6,
        "dy": -4 if above else 4,
        "fontSize": style.mark_label_size,
        "fontWeight": "bold",
    }
    label_encoding: dict[str, Any] = {
        "y": alt.Y("target:Q", title=_base.RATIO_AXIS_LINES, scale=y_scale),
        "x": alt.value(0 if left else "width"),
        "text": "label:N",
        "tooltip": [alt.Tooltip("label:N", title="Target")],
    }
    halo = (
        alt.Chart(target_df)
        .mark_text(color="white", stroke="white", strokeWidth=5, strokeJoin="round", **label)
        .encode(**label_encoding)
    )
    target_text = (
        alt.Chart(target_df).mark_text(color=TARGET_COLOR, **label).encode(**label_encoding)
    )
    layers = [band_rect, area, target_rule, line, points, halo, target_text]
    subtitle = (
        f"Line: median (P50); dark shading: P10–P90; blue: {band_label}; lower = more ML engineers"
    )
    for frame in deadline_df:
        deadline = alt.Chart(frame).encode(x=_base.month_x())
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
    return _base.layered(
        layers,
        style,
        "ML engineer : data scientist ratio",
        subtitle,
    )


def _target_label_place(p50: np.ndarray, target: float) -> tuple[bool, bool]:
    """Where the target's label is clear of the median line: (at the left end?, above the
    rule?). The end whose first / last sixth of months keeps the line farthest from the
    target; above the rule when the line there runs below it."""
    values = p50[np.isfinite(p50)]
    if not values.size:
        return True, True
    k = max(1, values.size // 6)
    ends = {True: values[:k], False: values[-k:]}
    left = min(np.abs(ends[True] - target)) >= min(np.abs(ends[False] - target))
    return left, bool(np.median(ends[left]) <= target)
