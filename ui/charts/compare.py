"""Scenario comparison: small multiples of end points, values or deltas (Compare page)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from forecasting import formatting
from ui.charts import _base
from ui.theme import (
    BASELINE_COLOR,
    SCENARIO_COLOR,
    style_for,
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
            "usd": ("USD", _base.USD_FORMAT),
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
    _base.require(compare_df, ["scenario", "metric", "value"], "scenario_comparison")
    style = style_for(workshop)
    df = _base.clean_numeric(compare_df, ["value"])
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
        title=_base.title("Scenario comparison", subtitle),
        config=_base.config(style),
    )
