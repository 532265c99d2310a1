"""Chart builders for every dashboard page: pure `DataFrame(s) -> alt.Chart` functions,
one module per page family (fans, plan, capacity, compare, history, advice), registered
once in `BUILDERS` (tests/test_charts.py checks every builder there).

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

from collections.abc import Callable

import altair as alt

from ui.charts._base import DELIVERY_AXIS_TITLE, RATIO_AXIS_TITLE, role_color_scale
from ui.charts.advice import frontier, tornado
from ui.charts.capacity import capacity_fte, delivery_index, ds_time_split
from ui.charts.compare import (
    scenario_headcount,
    scenario_quarters,
    scenario_ratio,
    scenario_run_rate,
)
from ui.charts.fans import headcount_fan, ratio_fan
from ui.charts.history import history_forecast, survival_curves
from ui.charts.plan import hires_and_cost, quarter_strip

__all__ = [
    "BUILDERS",
    "DELIVERY_AXIS_TITLE",
    "RATIO_AXIS_TITLE",
    "capacity_fte",
    "delivery_index",
    "ds_time_split",
    "frontier",
    "headcount_fan",
    "hires_and_cost",
    "history_forecast",
    "quarter_strip",
    "ratio_fan",
    "role_color_scale",
    "scenario_headcount",
    "scenario_quarters",
    "scenario_ratio",
    "scenario_run_rate",
    "survival_curves",
    "tornado",
]

#: Every public chart builder by its name: the one list of charts. A builder added here
#: is checked by tests/test_charts.py (titles, tooltips, axes, workshop sizes) as soon as
#: that file has fixture frames for it; the Compare page names its builders from here.
BUILDERS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    build.__name__: build
    for build in (
        headcount_fan,
        ratio_fan,
        hires_and_cost,
        quarter_strip,
        capacity_fte,
        ds_time_split,
        delivery_index,
        scenario_ratio,
        scenario_headcount,
        scenario_quarters,
        scenario_run_rate,
        history_forecast,
        survival_curves,
        tornado,
        frontier,
    )
}
