"""Palette and sizes shared by every chart: one fixed colour per role, normal vs workshop mode.

Colours come from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
distinguishable with the common forms of colour-vision deficiency. Each role owns one
colour everywhere; the remaining palette colours are reserved for chart furniture (the
1:5–1:10 band, the target line, ratio and cost series) so nothing is mistaken for a role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from forecasting.model.roles import Role

#: Okabe–Ito palette, by its published colour names.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One fixed colour per role key, used by every chart that shows roles.
ROLE_COLORS: dict[str, str] = {
    Role.DATA_ENGINEER.value: OKABE_ITO["bluish_green"],
    Role.DATA_SCIENTIST.value: OKABE_ITO["blue"],
    Role.ML_ENGINEER.value: OKABE_ITO["vermillion"],
    Role.PRODUCT_MANAGER.value: OKABE_ITO["reddish_purple"],
}

#: Chart furniture (never used for a role).
BAND_COLOR = OKABE_ITO["sky_blue"]  # the 1:5–1:10 target band
BAND_OPACITY = 0.22
TARGET_COLOR = OKABE_ITO["orange"]  # the chosen target ratio line
DEADLINE_COLOR = "#595959"  # neutral grey, dashed
SERIES_COLOR = OKABE_ITO["black"]  # single-series lines: ratio, cumulative cost, delivery index
FAN_OPACITY = 0.18  # P10–P90 areas
NEUTRAL_COLOR = "#8C8C8C"  # values that are not a role (e.g. "no bottleneck")
#: DS time split: engineering / data prep vs modelling (modelling keeps the DS colour).
DS_ENGINEERING_COLOR = OKABE_ITO["orange"]
DS_MODELLING_COLOR = ROLE_COLORS[Role.DATA_SCIENTIST.value]
#: Month axis: "YYYY-MM" strings read as UTC year-month, labelled like "Jun 2028".
MONTH_FORMAT = "%b %Y"
MONTH_TIME_UNIT: Final = "utcyearmonth"


@dataclass(frozen=True)
class ChartStyle:
    """Font sizes, stroke widths and chart sizes for one display mode (pixels)."""

    name: str
    axis_label_size: int
    axis_title_size: int
    title_size: int
    subtitle_size: int
    legend_label_size: int
    legend_title_size: int
    header_label_size: int  # facet panel headers (scenario comparison)
    mark_label_size: int  # text marks: rule labels, bar values
    line_width: float
    rule_width: float
    point_size: int  # area of a point mark, px²
    height: int  # plot height of a single chart
    facet_width: int  # width of one small-multiple panel
    facet_height: int
    facet_columns: int


#: Each size as (normal, workshop). Workshop is readable on a 1080p projector from the
#: back of a room: ~20 px text, thick strokes, one chart plus its title fits 1080 pixels.
_SIZES: dict[str, tuple[Any, Any]] = {  # ints and floats, as ChartStyle's fields
    "axis_label_size": (12, 20),
    "axis_title_size": (13, 22),
    "title_size": (16, 28),
    "subtitle_size": (12, 20),
    "legend_label_size": (12, 20),
    "legend_title_size": (13, 22),
    "header_label_size": (13, 22),
    "mark_label_size": (12, 20),
    "line_width": (2.0, 4.5),
    "rule_width": (2.0, 4.0),
    "point_size": (25, 110),
    "height": (340, 520),
    "facet_width": (150, 210),
    "facet_height": (180, 300),
    "facet_columns": (5, 5),
}

NORMAL = ChartStyle("normal", **{k: v[0] for k, v in _SIZES.items()})
WORKSHOP = ChartStyle("workshop", **{k: v[1] for k, v in _SIZES.items()})


def style_for(workshop: bool) -> ChartStyle:
    """Return the chart style for the display mode.

    Args:
        workshop: True for the projector-friendly workshop mode.

    Returns:
        WORKSHOP or NORMAL.
    """
    return WORKSHOP if workshop else NORMAL
