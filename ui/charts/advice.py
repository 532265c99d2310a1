"""What moves the answer and what a budget buys: the tornado and the cost-confidence
frontier (Sensitivity page)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts import _base
from ui.theme import BAND_COLOR, DEADLINE_COLOR, ROLE_COLORS, SERIES_COLOR, style_for

LOW_COLOR = "#0072B2"  # the assumption at its low end
HIGH_COLOR = "#D55E00"  # ... at its high end
P_TITLE = "P(target met at the deadline)"  # the frontier's y axis


def tornado(
    rows_df: pd.DataFrame, *, measure: str, base: float, title: str, workshop: bool = False
) -> alt.LayerChart:
    """One bar per assumption from the answer at its low end to the answer at its high
    end, around today's answer (a rule); the largest effect on top.

    Args:
        rows_df: columns label (the assumption in words), low_text / high_text (the
            values tried, formatted), low / high (the answer at each end; NaN when not
            reachable), in the order to draw (largest effect first).
        measure: what the answer is ("New ML engineer positions", "P(target met)").
        base: today's answer.
        title: the chart title.
        workshop: Projector-friendly sizes.
    """
    _base.require(rows_df, ["label", "low_text", "high_text", "low", "high"], "tornado")
    style = style_for(workshop)
    df = _base.clean_numeric(rows_df, ["low", "high"])
    order = list(df["label"])
    ends = pd.concat(
        [
            df.assign(end="at the low end", value=df["low"], tried=df["low_text"]),
            df.assign(end="at the high end", value=df["high"], tried=df["high_text"]),
        ],
        ignore_index=True,
    )
    ends["base"] = float(base)
    percent = measure.startswith("P(")
    fmt = ".0%" if percent else ".0f"
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False))
    scale = alt.Scale(zero=not percent, nice=True)
    # Counts get whole-number ticks only (no "0 0 0 1 1 1" from a fractional step).
    axis = alt.Axis(format=fmt) if percent else alt.Axis(format="d", tickMinStep=1)
    x = alt.X("value:Q", title=measure, axis=axis, scale=scale)
    tooltip = [
        alt.Tooltip("label:N", title="Assumption"),
        alt.Tooltip("end:N", title="End"),
        alt.Tooltip("tried:N", title="Value tried"),
        alt.Tooltip("value:Q", title=measure, format=".1%" if percent else ".0f"),
    ]
    bars = (
        alt.Chart(ends)
        .mark_bar(height={"band": 0.7}, opacity=0.85)
        .encode(
            y=y,
            x=x,
            x2="base:Q",
            color=alt.Color(
                "end:N",
                title="Assumption",
                scale=alt.Scale(
                    domain=["at the low end", "at the high end"], range=[LOW_COLOR, HIGH_COLOR]
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=tooltip,
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"base": [float(base)]}))
        .mark_rule(color=SERIES_COLOR, strokeWidth=style.rule_width)
        .encode(
            x=alt.X("base:Q", title=measure, scale=scale),
            tooltip=[alt.Tooltip("base:Q", title="Today")],
        )
    )
    # Streamlit fits the title, legend and axis inside the height: one row per assumption.
    height = max(len(order), 1) * (40 if workshop else 28) + (230 if workshop else 150)
    return alt.LayerChart(
        layer=[bars, rule],
        height=height,
        title=_base.title(title, "Bars run from today's answer (line) to the answer at each end"),
        config=_base.config(style),
    )


def frontier(
    frontier_df: pd.DataFrame, *, confidence: float, target: float, workshop: bool = False
) -> alt.LayerChart:
    """Run-rate against P(target met at the deadline), one line per target k, one point
    per added position; the goal confidence as a rule.

    Args:
        frontier_df: columns target ("1:6"), k, added, run_rate (USD/yr), p (0-1).
        confidence: the goal (a horizontal rule).
        target: today's k (its line drawn thicker).
        workshop: Projector-friendly sizes.
    """
    _base.require(frontier_df, ["target", "k", "added", "run_rate", "p"], "frontier")
    style = style_for(workshop)
    df = _base.clean_numeric(frontier_df, ["k", "added", "run_rate", "p"])
    df["today"] = df["k"] == float(target)
    order = list(dict.fromkeys(df.sort_values("k")["target"]))
    palette = [ROLE_COLORS["ml_engineer"], "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    color = alt.Color(
        "target:N",
        title="Target",
        sort=order,
        scale=alt.Scale(domain=order, range=palette[: len(order)]),
    )
    tooltip = [
        alt.Tooltip("target:N", title="Target"),
        alt.Tooltip("added:Q", title="Positions added"),
        alt.Tooltip("run_rate:Q", title="Run-rate (USD/yr)", format=_base.USD_TOOLTIP),
        alt.Tooltip("p:Q", title="P(target met)", format=".1%"),
    ]
    base = alt.Chart(df).encode(
        x=alt.X("run_rate:Q", title="Run-rate of added ML engineers (USD/yr)").axis(
            format=_base.USD_FORMAT
        ),
        y=alt.Y("p:Q", title=P_TITLE).axis(format=".0%"),
        color=color,
        tooltip=tooltip,
    )
    lines = base.mark_line(interpolate="step-after").encode(
        strokeWidth=alt.condition(
            "datum.today", alt.value(style.line_width * 1.8), alt.value(style.line_width)
        )
    )
    points = base.mark_point(filled=True, size=style.point_size * 2)
    goal = (
        alt.Chart(pd.DataFrame({"p": [confidence], "label": [f"goal {confidence:.0%}"]}))
        .mark_rule(color=DEADLINE_COLOR, strokeDash=[6, 4], strokeWidth=style.rule_width)
        .encode(y=alt.Y("p:Q", title=P_TITLE), tooltip=[alt.Tooltip("label:N", title="Goal")])
    )
    above = f"at or above the goal ({confidence:.0%})"
    band = (
        alt.Chart(pd.DataFrame({"lo": [confidence], "hi": [1.0], "band": [above]}))
        .mark_rect(color=BAND_COLOR, opacity=0.12)
        .encode(
            y=alt.Y("lo:Q", title=P_TITLE),
            y2="hi:Q",
            tooltip=[alt.Tooltip("band:N", title="Shaded")],
        )
    )
    return _base.layered(
        [band, lines, points, goal],
        style,
        "What confidence costs: run-rate against P(target met), 1:5 to 1:10",
        "One point per added ML engineer position; the shaded area is at or above the goal",
    )
