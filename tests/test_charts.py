"""Chart builders in ui/charts/, checked through `chart.to_dict()` (no browser, no app)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest

from forecasting.model.roles import ROLE_KEYS, ROLE_LABELS, ROLES
from ui import charts
from ui.theme import NORMAL, OKABE_ITO, ROLE_COLORS, WORKSHOP

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]
ROLE_LABEL_LIST = [ROLE_LABELS[r] for r in ROLES]
ROLE_COLOR_LIST = [ROLE_COLORS[k] for k in ROLE_KEYS]


# ---------------------------------------------------------------------------------------
# fixtures: tiny frames matching docs/DESIGN.md column contracts


def _headcount() -> pd.DataFrame:
    rows = []
    for r, role in enumerate(ROLE_KEYS):
        for i, month in enumerate(MONTHS):
            p50 = 10.0 + 5 * r + 0.5 * i
            rows.append(
                dict(
                    month_index=i,
                    month=month,
                    role=role,
                    mean=p50,
                    p10=p50 - 2,
                    p50=p50,
                    p90=p50 + 2,
                )
            )
    return pd.DataFrame(rows)


def _ratio() -> pd.DataFrame:
    p50 = np.linspace(12.0, 6.0, len(MONTHS))
    p50[:2] = np.nan  # too few paths with an ML engineer
    p50[2] = np.inf
    return pd.DataFrame(
        dict(
            month_index=range(len(MONTHS)),
            month=MONTHS,
            p10=p50 - 1,
            p50=p50,
            p90=p50 + 2,
            share_defined=[0.2, 0.4] + [1.0] * (len(MONTHS) - 2),
        )
    )


def _starts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(month_index=i, month=m, role=r, mean=1.0 if r == "ml_engineer" else 0.25)
            for r in ROLE_KEYS
            for i, m in enumerate(MONTHS)
        ]
    )


def _cost() -> pd.DataFrame:
    monthly = np.full(len(MONTHS), 150_000.0)
    return pd.DataFrame(
        dict(
            month_index=range(len(MONTHS)),
            month=MONTHS,
            cost_mean=monthly,
            cost_p10=monthly * 0.9,
            cost_p90=monthly * 1.1,
            cumulative_mean=monthly.cumsum(),
        )
    )


def _capacity() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(month_index=i, month=m, role=r, effective_fte=5 + 0.2 * i)
            for r in ROLE_KEYS
            for i, m in enumerate(MONTHS)
        ]
    )


def _summary() -> pd.DataFrame:
    n = len(MONTHS)
    return pd.DataFrame(
        dict(
            month_index=range(n),
            month=MONTHS,
            ds_engineering_share=np.linspace(0.45, 0.30, n),
            ds_modelling_fte=np.linspace(10.0, 12.0, n),
            delivery_index=np.linspace(100.0, 130.0, n),
            bottleneck=["ml_engineer"] * 6 + ["data_engineer"] * (n - 7) + [None],
        )
    )


#: Two compared scenarios; "Later" starts three months after "Even" (calendar alignment).
_SCENARIO_MONTHS = {"Even": MONTHS[:10], "Later": MONTHS[3:]}


def _by_scenario(**columns: Callable[[int], float]) -> pd.DataFrame:
    rows = []
    for name, months in _SCENARIO_MONTHS.items():
        for i, month in enumerate(months):
            rows.append(dict(scenario=name, month=month, **{k: f(i) for k, f in columns.items()}))
    return pd.DataFrame(rows)


def _scenario_ratio() -> pd.DataFrame:
    return _by_scenario(p50=lambda i: 10.0 - 0.5 * i)


def _scenario_targets() -> pd.DataFrame:
    return pd.DataFrame(
        dict(
            scenario=["Even", "Later"],
            month=["2026-07", "2026-10"],
            target=[6.0, 5.0],
            label=["1:6 by Jul 2026", "1:5 by Oct 2026"],
        )
    )


def _scenario_headcount() -> pd.DataFrame:
    ds = _by_scenario(p50=lambda i: 30.0 + i).assign(role="data_scientist")
    mle = _by_scenario(p50=lambda i: 3.0 + i // 2).assign(role="ml_engineer")
    return pd.concat([ds, mle], ignore_index=True)


def _scenario_quarters() -> pd.DataFrame:
    return pd.DataFrame(
        dict(
            scenario=["Even"] * 3 + ["Later"] * 3,
            quarter=["Q1 2026", "Q2 2026", "Q3 2026", "Q2 2026", "Q3 2026", "Q4 2026"],
            quarter_start=["2026-01", "2026-04", "2026-07", "2026-04", "2026-07", "2026-10"],
            positions=[2, 1, 0, 3, 0, 1],
            unit="positions",
        )
    )


def _scenario_cost() -> pd.DataFrame:
    return _by_scenario(run_rate=lambda i: 165_000.0 * min(i, 4))


def _history() -> pd.DataFrame:
    months = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]
    return pd.DataFrame(dict(month=months, role="ml_engineer", headcount=np.arange(36) // 4 + 3))


def _forecast(interval: bool = True) -> pd.DataFrame:
    mean = np.linspace(12.0, 14.0, 12)
    bounds = (mean - 2, mean + 2) if interval else (np.nan, np.nan)
    return pd.DataFrame(dict(month=MONTHS[:12], mean=mean, low=bounds[0], high=bounds[1]))


def _curves() -> pd.DataFrame:
    rows = []
    for r, role in enumerate(ROLE_KEYS):
        for t in range(0, 37, 6):
            s = 0.97 ** (t * (r + 1) / 2)
            rows.append(
                dict(
                    role=role,
                    tenure_months=t,
                    survival=s,
                    low=max(s - 0.1, 0),
                    high=min(s + 0.1, 1),
                )
            )
    return pd.DataFrame(rows)


def _quarters() -> pd.DataFrame:
    return pd.DataFrame(
        dict(quarter=["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"], count=[2, 0, 1, 3])
    )


def _tornado() -> pd.DataFrame:
    return pd.DataFrame(
        dict(
            label=["Attrition of ML engineers", "Time to fill", "Fill rate"],
            low_text=["8%/yr", "3 months", "70%"],
            high_text=["16%/yr", "5 months", "100%"],
            low=[3.0, 4.0, 5.0],
            high=[6.0, np.nan, 4.0],  # NaN: out of reach at that end
        )
    )


def _frontier() -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(target=f"1:{k:g}", k=k, added=n, run_rate=165_000.0 * n, p=min(0.2 * n * k / 6, 1))
            for k in (5.0, 6.0)
            for n in range(1, 5)
        ]
    )


#: Builder name (every key of charts.BUILDERS, the one registry) -> (its fixture frames,
#: its other arguments); the builder is called as BUILDERS[name](*frames, **kwargs, workshop=).
CASES: dict[str, tuple[Callable[[], tuple], dict]] = {
    "headcount_fan": (lambda: (_headcount(),), {}),
    "ratio_fan": (lambda: (_ratio(), 6), dict(deadline_month="2026-10")),
    "hires_and_cost": (lambda: (_starts(), _cost()), {}),
    "quarter_strip": (lambda: (_quarters(),), {}),
    "capacity_fte": (lambda: (_capacity(),), {}),
    "ds_time_split": (lambda: (_summary(),), {}),
    "delivery_index": (lambda: (_summary(),), {}),
    "scenario_ratio": (lambda: (_scenario_ratio(), _scenario_targets()), {}),
    "scenario_headcount": (lambda: (_scenario_headcount(), "ml_engineer"), {}),
    "scenario_quarters": (lambda: (_scenario_quarters(),), {}),
    "scenario_run_rate": (lambda: (_scenario_cost(),), {}),
    "history_forecast": (
        lambda: (_history(), _forecast(), "ETS damped trend"),
        dict(role="ml_engineer"),
    ),
    "survival_curves": (lambda: (_curves(),), {}),
    "tornado": (
        lambda: (_tornado(),),
        dict(measure="New ML engineer positions", base=4.0, title="Positions, re-solved"),
    ),
    "frontier": (lambda: (_frontier(),), dict(confidence=0.8, target=6.0)),
}
BUILDERS = list(charts.BUILDERS)


def test_every_registered_chart_builder_has_fixture_frames_here():
    assert set(CASES) == set(charts.BUILDERS)


def test_the_registry_names_every_public_builder_of_the_charts_package():
    public = {n for n in charts.__all__ if n.islower() and callable(getattr(charts, n))}
    assert public - {"role_color_scale"} == set(charts.BUILDERS)


_SPECS: dict[tuple[str, bool], dict] = {}


def spec_of(name: str, workshop: bool = False) -> dict:
    """Vega-Lite dict of a builder on its fixture frames (built once per test session)."""
    key = (name, workshop)
    if key not in _SPECS:
        frames, kwargs = CASES[name]
        _SPECS[key] = charts.BUILDERS[name](*frames(), **kwargs, workshop=workshop).to_dict()
    return _SPECS[key]


# ---------------------------------------------------------------------------------------
# spec walking


def units(spec: dict, encoding: dict | None = None, data: dict | None = None) -> Iterator[dict]:
    """Every unit (single-mark) view with the encoding and data it inherits from layers."""
    encoding = {**(encoding or {}), **spec.get("encoding", {})}
    data = spec.get("data", data)
    if "mark" in spec:
        mark = spec["mark"]
        yield {
            "mark": mark if isinstance(mark, dict) else {"type": mark},
            "encoding": encoding,
            "data": data,
            "transform": spec.get("transform", []),
        }
    for child in spec.get("layer", []):
        yield from units(child, encoding, data)
    for key in ("vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            yield from units(child, None, data)


def rows(spec: dict, unit: dict) -> list[dict]:
    """The data rows a unit view draws from."""
    return spec["datasets"][unit["data"]["name"]]


def marks(spec: dict, mark_type: str) -> list[dict]:
    return [u for u in units(spec) if u["mark"]["type"] == mark_type]


def color_scales(spec: dict, field: str = "role_label") -> list[dict]:
    return [
        u["encoding"]["color"]["scale"]
        for u in units(spec)
        if u["encoding"].get("color", {}).get("field") == field
    ]


def title_text(title) -> str:
    if isinstance(title, list):
        return " ".join(title)
    return title["text"] if isinstance(title, dict) else title


# ---------------------------------------------------------------------------------------
# ratio chart


def test_ratio_band_is_shaded_from_5_to_10():
    spec = spec_of("ratio_fan")
    (band,) = marks(spec, "rect")
    assert band["encoding"]["y"]["field"] == "band_low"
    assert band["encoding"]["y2"]["field"] == "band_high"
    assert rows(spec, band) == [
        {"band_low": 5.0, "band_high": 10.0, "band": "target band 1:5–1:10"}
    ]


def test_ratio_band_follows_the_band_argument():
    spec = charts.ratio_fan(_ratio(), 6, band=(4, 8)).to_dict()
    (band,) = marks(spec, "rect")
    assert (rows(spec, band)[0]["band_low"], rows(spec, band)[0]["band_high"]) == (4.0, 8.0)


def test_ratio_target_rule_sits_at_the_target_and_is_labelled():
    spec = charts.ratio_fan(_ratio(), 7.5).to_dict()
    (rule,) = [u for u in marks(spec, "rule") if "y" in u["encoding"]]
    assert rule["encoding"]["y"]["field"] == "target"
    assert rows(spec, rule)[0]["target"] == 7.5
    halo, label = marks(spec, "text")  # a white halo under the label, then the label
    assert label["encoding"]["text"]["field"] == "label"
    assert rows(spec, label)[0]["label"] == "target 1:7.5"
    assert _mark(halo)["stroke"] == "white" and _mark(label)["color"] != "white"


def _mark(unit: dict) -> dict:
    return unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}


def test_the_target_label_sits_where_the_median_line_is_far_from_it():
    """Issue 19: the 'target 1:6' label was overprinted by the median line."""
    df = _ratio()
    n = len(df)
    # the line starts on the target and ends far below it: the label goes right, above
    df["p50"] = [6.0 if i < n // 2 else 2.0 for i in range(n)]
    df["p10"], df["p90"] = df["p50"] - 0.5, df["p50"] + 0.5
    _, label = marks(charts.ratio_fan(df, 6).to_dict(), "text")
    assert label["encoding"]["x"] == {"value": "width"}
    assert (_mark(label)["align"], _mark(label)["baseline"]) == ("right", "bottom")
    # the line starts far above the target and ends on it: left, below the rule
    df["p50"] = [12.0 if i < n // 2 else 6.0 for i in range(n)]
    _, label = marks(charts.ratio_fan(df, 6).to_dict(), "text")
    assert label["encoding"]["x"] == {"value": 0}
    assert (_mark(label)["align"], _mark(label)["baseline"]) == ("left", "top")


def test_ratio_deadline_rule_is_drawn_at_the_deadline_month():
    spec = spec_of("ratio_fan")
    (rule,) = [u for u in marks(spec, "rule") if "x" in u["encoding"]]
    assert rule["encoding"]["x"]["field"] == "month"
    assert rule["mark"]["strokeDash"]
    assert rows(spec, rule) == [{"month": "2026-10", "label": "deadline Oct 2026"}]


def test_ratio_without_deadline_has_no_vertical_rule():
    spec = charts.ratio_fan(_ratio(), 6).to_dict()
    assert [u for u in marks(spec, "rule") if "x" in u["encoding"]] == []


def test_ratio_rows_with_undefined_median_are_not_in_the_data():
    spec = spec_of("ratio_fan")
    (line,) = marks(spec, "line")
    data = rows(spec, line)
    assert [r["month"] for r in data] == MONTHS[3:]  # NaN, NaN, inf dropped
    assert all(r["p50"] is not None for r in data)


def test_ratio_y_axis_says_data_scientists_per_ml_engineer():
    spec = spec_of("ratio_fan")
    (line,) = marks(spec, "line")
    assert line["encoding"]["y"]["field"] == "p50"
    assert title_text(line["encoding"]["y"]["title"]) == charts.RATIO_AXIS_TITLE
    assert charts.RATIO_AXIS_TITLE == "Data scientists per ML engineer (k in 1:k)"


def test_ratio_fan_area_spans_p10_to_p90_and_skips_undefined_bounds():
    spec = spec_of("ratio_fan")
    (area,) = marks(spec, "area")
    assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("p10", "p90")
    assert any("isValid(datum.p10)" in str(t.get("filter")) for t in area["transform"])


@pytest.mark.parametrize("target", [0, -1, float("nan")])
def test_ratio_rejects_a_non_positive_target(target):
    with pytest.raises(ValueError, match="target"):
        charts.ratio_fan(_ratio(), target)


def test_ratio_rejects_a_malformed_deadline():
    with pytest.raises(ValueError, match="2028-06"):
        charts.ratio_fan(_ratio(), 6, deadline_month="June 2028")


# ---------------------------------------------------------------------------------------
# one colour per role


@pytest.mark.parametrize(
    "name", ["headcount_fan", "capacity_fte", "hires_and_cost", "survival_curves"]
)
def test_role_colour_scale_is_the_same_on_every_role_chart(name):
    scales = color_scales(spec_of(name))
    assert scales, f"{name} has no role colour encoding"
    for scale in scales:
        assert scale == {"domain": ROLE_LABEL_LIST, "range": ROLE_COLOR_LIST}


def test_role_colours_are_distinct_okabe_ito_colours():
    assert set(ROLE_COLORS) == set(ROLE_KEYS)
    assert len(set(ROLE_COLORS.values())) == len(ROLE_KEYS)
    assert set(ROLE_COLORS.values()) <= set(OKABE_ITO.values())


def test_role_colour_stays_fixed_and_the_legend_lists_only_the_roles_drawn():
    spec = charts.headcount_fan(_headcount(), roles=["ml_engineer"]).to_dict()
    mle = ROLE_LABEL_LIST.index("ML engineer")
    assert color_scales(spec)[0] == {"domain": ["ML engineer"], "range": [ROLE_COLOR_LIST[mle]]}
    both = charts.headcount_fan(_headcount(), roles=["data_scientist", "ml_engineer"]).to_dict()
    assert color_scales(both)[0]["domain"] == ["Data scientist", "ML engineer"]
    (line,) = marks(spec, "line")
    assert {r["role"] for r in rows(spec, line)} == {"ml_engineer"}


def test_bottleneck_points_use_the_role_colours_plus_grey_for_none():
    """The legend lists only the roles that are a bottleneck in some month (issue 19)."""
    spec = spec_of("delivery_index")
    (points,) = marks(spec, "point")
    scale = points["encoding"]["color"]["scale"]
    assert points["encoding"]["color"]["field"] == "bottleneck_label"
    labels = {r["bottleneck_label"] for r in rows(spec, points)}
    assert labels == {"ML engineer", "Data engineer", "None"}
    drawn = [ROLE_LABEL_LIST.index(x) for x in ("Data engineer", "ML engineer")]
    assert scale["domain"] == ["Data engineer", "ML engineer", "None"]
    assert scale["range"][:2] == [ROLE_COLOR_LIST[i] for i in drawn]


def test_the_hires_legend_lists_only_roles_with_a_start():
    spec = spec_of("hires_and_cost")
    (bars,) = marks(spec, "bar")
    with_starts = {r["role_label"] for r in rows(spec, bars) if r["mean"] > 0}
    assert bars["encoding"]["color"]["scale"]["domain"] == [
        x for x in ROLE_LABEL_LIST if x in with_starts
    ]


def test_people_axes_have_whole_number_ticks():
    spec = charts.headcount_fan(_headcount()).to_dict()
    for line in marks(spec, "line"):
        assert line["encoding"]["y"]["axis"]["tickMinStep"] == 1


def test_no_chart_title_is_pushed_out_by_a_long_axis_title():
    """The Capacity page's delivery chart title was clipped at every width: its one-line
    y-axis title was taller than the plot."""
    spec = spec_of("delivery_index")
    for unit in marks(spec, "line"):
        assert isinstance(unit["encoding"]["y"]["title"], list)


# ---------------------------------------------------------------------------------------
# properties every chart shares


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_mark_has_explicit_tooltips(name):
    # Streamlit turns on default tooltips, which show raw field names for marks without any.
    for unit in units(spec_of(name)):
        assert unit["encoding"].get("tooltip"), f"{name}: {unit['mark']['type']} has no tooltip"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_has_a_title(name):
    assert title_text(spec_of(name)["title"])


#: Charts whose category axis names itself, so it carries no title.
UNTITLED_CATEGORIES = {
    "quarter_strip": "the quarters ('Q1 2027') under a chart titled '... per quarter'",
    "tornado": "one bar per assumption, labelled with the assumption",
}


@pytest.mark.parametrize("name", [n for n in BUILDERS if n not in UNTITLED_CATEGORIES])
def test_every_positional_axis_is_titled(name):
    for unit in units(spec_of(name)):
        for channel in ("x", "y"):
            enc = unit["encoding"].get(channel)
            if enc and "field" in enc:
                assert title_text(enc.get("title") or ""), f"{name}: {channel} untitled"


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in BUILDERS
        # no month axis: quarters, tenure, assumptions, run-rate
        if n not in ("scenario_quarters", "survival_curves", "quarter_strip", "tornado", "frontier")
    ],
)
def test_months_are_utc_year_months_labelled_like_jun_2028(name):
    found = 0
    for unit in units(spec_of(name)):
        x = unit["encoding"].get("x", {})
        if x.get("field") == "month":
            found += 1
            assert x["type"] == "temporal" and x["timeUnit"] == "utcyearmonth"
            assert x["axis"]["format"] == "%b %Y"
        for tip in unit["encoding"].get("tooltip", []):
            if tip.get("field") == "month":
                assert (tip["timeUnit"], tip["format"]) == ("utcyearmonth", "%b %Y")
    assert found


@pytest.mark.parametrize("name", list(BUILDERS))
def test_workshop_mode_uses_larger_type(name):
    normal, workshop = spec_of(name)["config"], spec_of(name, True)["config"]
    for section, key in [
        ("axis", "labelFontSize"),
        ("axis", "titleFontSize"),
        ("title", "fontSize"),
        ("legend", "labelFontSize"),
    ]:
        assert workshop[section][key] > normal[section][key], (section, key)
    assert workshop["axis"]["labelFontSize"] >= 18


def test_workshop_mode_draws_thicker_lines_and_taller_charts():
    normal, workshop = spec_of("headcount_fan"), spec_of("headcount_fan", True)
    (line_n,), (line_w,) = marks(normal, "line"), marks(workshop, "line")
    assert line_w["mark"]["strokeWidth"] > line_n["mark"]["strokeWidth"]
    assert workshop["height"] > normal["height"]
    assert WORKSHOP.height <= 1080 - 300  # leaves room for the page title and headline


# ---------------------------------------------------------------------------------------
# only the aggregate frame reaches the browser


@pytest.mark.parametrize(
    ("name", "mark_type", "expected_rows"),
    [
        ("headcount_fan", "line", len(_headcount())),
        ("capacity_fte", "line", len(_capacity())),
        ("ds_time_split", "area", len(_summary())),
        ("delivery_index", "line", len(_summary())),
        ("hires_and_cost", "bar", len(_starts())),
        ("hires_and_cost", "line", len(_cost())),
        ("scenario_quarters", "bar", len(_scenario_quarters())),
        ("scenario_run_rate", "line", len(_scenario_cost())),
        ("survival_curves", "line", len(_curves())),
    ],
)
def test_chart_data_is_the_aggregate_frame(name, mark_type, expected_rows):
    spec = spec_of(name)
    for unit in marks(spec, mark_type):
        assert len(rows(spec, unit)) == expected_rows


@pytest.mark.parametrize("name", list(BUILDERS))
def test_no_more_rows_are_sent_than_the_input_frames_hold(name):
    spec = spec_of(name)
    frames, _ = CASES[name]
    input_rows = sum(len(f) for f in frames() if isinstance(f, pd.DataFrame))
    sent = sum(len(v) for v in spec["datasets"].values())
    assert sent <= input_rows + 4  # + one-row frames for the band, target, deadline, bridge


# ---------------------------------------------------------------------------------------
# individual charts


def test_headcount_fan_draws_p10_p90_area_and_p50_line_per_role():
    spec = spec_of("headcount_fan")
    (area,) = marks(spec, "area")
    (line,) = marks(spec, "line")
    assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("p10", "p90")
    assert area["mark"]["opacity"] < 0.5
    assert line["encoding"]["y"]["field"] == "p50"
    assert line["encoding"]["color"]["field"] == "role_label"
    assert line["encoding"]["y"]["title"] == "Headcount (people)"


def test_headcount_fan_rejects_unknown_roles():
    with pytest.raises(ValueError, match="wizard"):
        charts.headcount_fan(_headcount(), roles=["wizard"])


@pytest.mark.parametrize(
    ("build", "frame", "missing"),
    [
        (charts.headcount_fan, _headcount().drop(columns="p90"), "p90"),
        (charts.capacity_fte, _capacity().drop(columns="effective_fte"), "effective_fte"),
        (
            charts.ds_time_split,
            _summary().drop(columns="ds_engineering_share"),
            "ds_engineering_share",
        ),
        (charts.survival_curves, _curves().drop(columns="survival"), "survival"),
    ],
)
def test_a_missing_column_is_named_in_the_error(build, frame, missing):
    with pytest.raises(ValueError, match=missing):
        build(frame)


def test_hires_and_cost_stacks_starts_by_role_and_puts_usd_cost_on_its_own_axis():
    spec = spec_of("hires_and_cost")
    (bars,) = marks(spec, "bar")
    (cost,) = marks(spec, "line")
    assert bars["encoding"]["y"]["field"] == "mean" and bars["encoding"]["y"]["stack"] == "zero"
    assert bars["encoding"]["color"]["field"] == "role_label"
    assert "people" in bars["encoding"]["y"]["title"]
    assert cost["encoding"]["y"]["field"] == "cumulative_mean"
    assert "USD" in cost["encoding"]["y"]["title"]
    assert cost["encoding"]["y"]["axis"]["format"].startswith("$")
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_ds_time_split_is_a_stacked_percentage_of_engineering_and_modelling():
    spec = spec_of("ds_time_split")
    (area,) = marks(spec, "area")
    y = area["encoding"]["y"]
    assert (y["field"], y["stack"], y["axis"]["format"]) == ("share", "zero", ".0%")
    assert y["scale"]["domain"] == [0, 1]
    assert area["encoding"]["color"]["scale"]["domain"] == ["Engineering / data prep", "Modelling"]
    folds = [t["fold"] for t in area["transform"] if "fold" in t]
    assert folds == [["engineering", "modelling"]]


def test_delivery_index_has_a_line_and_a_reference_at_100():
    spec = spec_of("delivery_index")
    (line,) = marks(spec, "line")
    (rule,) = marks(spec, "rule")
    assert line["encoding"]["y"]["field"] == "delivery_index"
    assert rows(spec, rule)[0]["reference"] == 100.0


def test_history_forecast_draws_solid_history_dashed_forecast_and_interval():
    spec = spec_of("history_forecast")
    (area,) = marks(spec, "area")
    assert (area["encoding"]["y"]["field"], area["encoding"]["y2"]["field"]) == ("low", "high")
    dash = [u["encoding"]["strokeDash"] for u in marks(spec, "line")]
    assert dash and all(d["scale"]["range"] == [[1, 0], [8, 5]] for d in dash)
    fields = {u["encoding"]["y"]["field"] for u in marks(spec, "line")}
    assert {"headcount", "mean"} <= fields
    assert "ETS damped trend" in spec["title"]["subtitle"]


def test_history_forecast_names_the_interval_level():
    spec = charts.history_forecast(_history(), _forecast(), "ETS", interval_level=0.8).to_dict()
    assert "80% forecast interval" in spec["title"]["subtitle"]


def test_history_forecast_without_bounds_draws_no_interval():
    spec = charts.history_forecast(_history(), _forecast(interval=False), "naive").to_dict()
    assert marks(spec, "area") == []
    assert "no interval" in spec["title"]["subtitle"]


def test_survival_curves_are_step_lines_on_a_0_to_100_percent_axis():
    spec = spec_of("survival_curves")
    (line,) = marks(spec, "line")
    assert line["mark"]["interpolate"] == "step-after"
    assert line["encoding"]["y"]["axis"]["format"] == ".0%"
    assert line["encoding"]["x"]["title"] == "Tenure (months)"


def test_normal_and_workshop_styles_differ_in_every_size():
    assert all(
        getattr(WORKSHOP, f) > getattr(NORMAL, f)
        for f in ("axis_label_size", "axis_title_size", "title_size", "line_width", "height")
    )


def test_a_tornado_of_positions_has_whole_number_ticks():
    frame = pd.DataFrame(
        {
            "label": ["A", "B"],
            "low_text": ["1", "2"],
            "high_text": ["3", "4"],
            "low": [3.0, 4.0],
            "high": [4.0, 5.0],
        }
    )
    spec = charts.tornado(frame, base=4, measure="New positions", title="T").to_dict()
    encodings = [layer.get("encoding", {}).get("x", {}) for layer in spec["layer"]]
    axes = [x["axis"] for x in encodings if "axis" in x]
    assert axes and all(a["format"] == "d" and a["tickMinStep"] == 1 for a in axes)


# ---------------------------------------------------------------------------------------
# page specs from templates (ui/chart_specs.py): equal to what Altair makes


def _altair_page_spec(name: str, *args, **kwargs) -> dict:
    from ui.compute import page_vega_lite_spec

    return page_vega_lite_spec(charts.BUILDERS[name](*args, **kwargs))


def _template_page_spec(name: str, *args, **kwargs) -> dict:
    from ui import chart_specs

    with chart_specs.page_specs():
        spec = charts.BUILDERS[name](*args, **kwargs)
    assert isinstance(spec, dict)
    return spec


def _ratio_shifted(by: float) -> pd.DataFrame:
    df = _ratio()
    for c in ("p10", "p50", "p90"):
        df[c] = df[c] + by
    return df


#: (builder, args, kwargs): each chart a page draws from a template, at several values of
#: what a workshop control changes (the data, the target, the deadline, the axis top, the
#: label's side, the roles drawn), in both styles; each case is drawn twice, so the second
#: one of a key comes from the template the first made.
TEMPLATED = [
    ("ratio_fan", (_ratio(), 6), dict(deadline_month="2026-10")),
    ("ratio_fan", (_ratio(), 6.5), dict(deadline_month="2026-11")),
    ("ratio_fan", (_ratio_shifted(7.0), 6.5), dict(deadline_month="2026-11")),
    ("ratio_fan", (_ratio_shifted(-3.0), 11.0), dict(deadline_month=None)),
    ("ratio_fan", (_ratio(), 4.0), dict(band=(4, 8), deadline_month="2026-10")),
    ("headcount_fan", (_headcount(),), {}),
    ("headcount_fan", (_headcount(),), dict(roles=["data_scientist", "ml_engineer"])),
    ("headcount_fan", (_headcount().assign(p90=lambda d: d["p90"] + 3),), {}),
    ("hires_and_cost", (_starts(), _cost()), {}),
    ("hires_and_cost", (_starts().assign(mean=0.5), _cost().assign(cumulative_mean=1.0)), {}),
    ("quarter_strip", (_quarters(),), {}),
    ("quarter_strip", (_quarters().assign(count=[0, 0, 5, 1]),), dict(what="Planned starts")),
    ("quarter_strip", (_quarters().assign(count=0),), {}),
]


@pytest.mark.parametrize("workshop", [False, True])
def test_a_templated_page_spec_is_the_spec_altair_makes(workshop):
    for _ in range(2):
        for name, args, kwargs in TEMPLATED:
            want = _altair_page_spec(name, *args, **kwargs, workshop=workshop)
            got = _template_page_spec(name, *args, **kwargs, workshop=workshop)
            assert got == want, (name, kwargs)


def test_a_template_is_reused_for_new_data_and_numbers():
    from ui import chart_specs

    chart_specs._templates.clear()
    for target in (6.0, 6.5, 7.0):
        _template_page_spec("ratio_fan", _ratio(), target, deadline_month="2026-10")
    # one template for the three targets (the target is data, the axis top a number)
    assert len(chart_specs._templates) == 1
    one = _template_page_spec("ratio_fan", _ratio(), 6.0, deadline_month="2026-10")
    other = _template_page_spec("ratio_fan", _ratio(), 7.0, deadline_month="2026-10")
    assert set(one["datasets"]) != set(other["datasets"])


def test_outside_page_specs_a_templated_builder_returns_the_altair_chart():
    import altair as alt

    assert isinstance(charts.ratio_fan(_ratio(), 6), alt.LayerChart)
