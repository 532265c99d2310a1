"""The downloads, and the charts drawn with theirs: the shared row under a page's charts
(projections CSV, one-page brief, scenario JSON) and a PNG / SVG pair under every chart.

Every file is made only when its button is clicked (`st.download_button(data=callable)`,
Streamlit >= 1.50): converting a chart with vl-convert takes 0.1-0.3 s
(benchmarks/bench_exports.py), the projections CSV 5-30 ms a new scenario and the JSON
about 1 ms, more than a rerun should pay for buttons nobody clicks (bytes handed to a
button are also hashed on every rerun). The callables run on a server thread without the script's
context, so everything they need from the session (the view, the link) is read here,
at script time, and bound into them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode, urlsplit

import streamlit as st

from forecasting.model.scenario import Scenario
from forecasting.report import sentences
from forecasting.report.brief import BriefChart, render_brief
from forecasting.report.export import download_name
from ui import compute, state

#: The brief's two charts (names in compute.CHARTS) and their size in it (px).
BRIEF_CHARTS = ("ratio_fan", "headcount_fan")
BRIEF_CHART_WIDTH, BRIEF_CHART_HEIGHT = 470, 230
MANUAL_NOTE = (
    "The numbers and charts show the hand-edited ML engineer plan; the sentence above is "
    "the solver's recommendation."
)


def current_link() -> str | None:
    """The shareable link of this session (the page's URL with ``?s=...``), when known.

    None outside a browser session (AppTest, the CLI): the files then leave it out.
    """
    try:
        url = st.context.url
    except Exception:  # a Streamlit without the context (bare mode): no link
        return None
    if not url:
        return None
    if not urlsplit(url).path:
        url += "/"
    query = {k: str(v) for k, v in st.query_params.to_dict().items()}
    return f"{url}?{urlencode(query)}" if query else url


def chart_title(spec: dict, default: str) -> str:
    """A Vega-Lite spec's title text (a string, or the "text" of a title object)."""
    title = spec.get("title", default)
    text = title.get("text", default) if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def brief_html(
    view: compute.PlanView,
    base: Scenario,
    *,
    link: str | None = None,
    generated: str | None = None,
) -> bytes:
    """The one-page brief (HTML, UTF-8) of a PlanView; its charts as SVG.

    Args:
        view: the view on screen (effective scenario, simulation, recommendation).
        base: the session's base scenario (the answer sentence is the solver's for it).
        link: the shareable link, if known.
        generated: the date to print (default today).
    """
    scenario = view.scenario
    answer = sentences.answer_sentence(
        view.recommendation,
        base,
        strategy=view.strategy,
        error=view.solver_error,
        reachable=view.reachable,
    )
    charts = [
        BriefChart(
            alt=chart_title(compute.chart_spec(name, scenario, False), name),
            image=compute.chart_image(
                name, scenario, "svg", width=BRIEF_CHART_WIDTH, height=BRIEF_CHART_HEIGHT
            ),
        )
        for name in BRIEF_CHARTS
    ]
    page = render_brief(
        scenario,
        view.result,
        answer=answer,
        run_rate_usd=compute.run_rate(view),
        charts=charts,
        strategy=view.strategy if view.mode == state.PLAN_RECOMMENDED else None,
        note=MANUAL_NOTE if view.mode == state.PLAN_MANUAL else None,
        link=link,
        generated=generated,
    )
    return page.encode("utf-8")


_Data = Callable[[], bytes | str]  # made when its button is clicked


def download_row(scenario: Scenario, *, key: str, view: compute.PlanView | None = None) -> None:
    """Projections (CSV), the one-page brief (HTML) and the scenario (JSON), side by side,
    each made when its button is clicked.

    Args:
        scenario: the scenario on screen (the current view's).
        key: a page-unique prefix of the buttons' keys.
        view: the page's current view (`compute.current_view()`, looked up when None).
    """
    if view is None:
        view = compute.current_view()
    link = current_link()
    today = date.today().isoformat()
    # label, the callable making the file on click, (name, extension, MIME, key), help
    buttons: tuple[tuple[str, _Data, tuple[str, str, str, str], str | None], ...] = (
        (
            "Download projections (CSV)",
            functools.partial(
                compute.projections_csv,
                scenario,
                strategy=view.strategy,
                plan=view.mode,
                link=link,
                generated=today,
            ),
            ("plan", "csv", "text/csv", "proj"),
            "One row per month: headcount P10/P50/P90 and starts per role, positions, the "
            "ratio, P(target met) and payroll. Lines starting with # name the scenario; in "
            "pandas: pd.read_csv(path, comment='#').",
        ),
        (
            "Download one-page brief (HTML)",
            functools.partial(brief_html, view, state.base(), link=link, generated=today),
            ("brief", "html", "text/html", "brief"),
            "The answer, the key numbers, the ratio and headcount charts and the "
            "assumptions with their sources on one page; open it in a browser and print to "
            "PDF (landscape) for a deck.",
        ),
        (
            "Download this scenario (JSON)",
            scenario.to_json,
            ("scenario", "json", "application/json", "scen"),
            None,
        ),
    )
    for column, (label, data, (stem, ext, mime, prefix), hint) in zip(st.columns(3), buttons):
        column.download_button(
            label,
            data=data,
            file_name=download_name(stem, scenario, today, ext),
            mime=mime,
            icon=":material/download:",
            key=f"{prefix}_{key}",
            on_click="ignore",
            help=hint,
        )


def _image_buttons(
    key: str, make: Callable[[str], bytes], scenario: Scenario | None = None
) -> None:
    """Two small buttons, PNG (for slides) and SVG (vector); `make(fmt)` runs on click.

    The file is named after the chart and, for one scenario's chart, its target and
    deadline (`download_name`), with the day: ten charts saved in a workshop stay apart."""
    row = st.container(horizontal=True, horizontal_alignment="right", gap="small")
    kind = key.replace("_", "-")
    today = date.today().isoformat()
    for fmt, what in (("png", "a PNG image (for slides)"), ("svg", "an SVG (vector) image")):
        row.download_button(
            fmt.upper(),
            data=functools.partial(make, fmt),
            file_name=(
                f"{kind}_{today}.{fmt}"
                if scenario is None
                else download_name(kind, scenario, today, fmt)
            ),
            mime=compute.IMAGE_FORMATS[fmt],
            icon=":material/download:",
            type="tertiary",
            key=f"chart_{fmt}_{key}",
            on_click="ignore",
            help=f"Download this chart as {what}.",
        )


def chart_buttons(name: str, scenario: Scenario, *, workshop: bool) -> None:
    """PNG and SVG buttons under chart `name` of `scenario` (converted on click, cached).

    Not in workshop mode: the projector view has no editing or download chrome.
    """
    if not workshop:
        _image_buttons(name, functools.partial(compute.chart_image, name, scenario), scenario)


def show_chart(name: str, scenario: Scenario, *, workshop: bool) -> None:
    """Draw chart `name` of `scenario`'s simulation (a key of compute.CHARTS) at the
    container's width, with its PNG / SVG buttons under it (not in workshop mode)."""
    st.vega_lite_chart(spec=compute.page_spec(name, scenario, workshop), width="stretch")
    chart_buttons(name, scenario, workshop=workshop)


def show_chart_pair(left: str, right: str, scenario: Scenario, *, workshop: bool) -> None:
    """Two charts side by side; one above the other in workshop mode (each at full width)."""
    columns = st.columns(2) if not workshop else (st.container(), st.container())
    for column, name in zip(columns, (left, right), strict=True):
        with column:
            show_chart(name, scenario, workshop=workshop)


def show_quarters(scenario: Scenario, *, workshop: bool) -> None:
    """Draw when the ML engineer plan hires, per calendar quarter, with its buttons."""
    st.vega_lite_chart(spec=compute.page_quarters_spec(scenario, workshop), width="stretch")
    chart_buttons("quarters", scenario, workshop=workshop)


def spec_image(spec_json: str, fmt: str) -> bytes:
    """A page's own chart spec (JSON) as PNG or SVG. Made when its button is clicked and
    not cached: a Compare chart names the session's saved scenarios, and the click may
    be served outside the session's script thread."""
    return compute.spec_image(json.loads(spec_json), fmt)


def show_spec(spec: dict, *, key: str, workshop: bool) -> None:
    """Draw a chart spec at the container's width, with PNG / SVG buttons under it (made
    when clicked; not in workshop mode) for the charts that are not one scenario's."""
    st.vega_lite_chart(spec=spec, width="stretch")
    if not workshop:
        text = json.dumps(spec, sort_keys=True, default=str)
        _image_buttons(key, functools.partial(spec_image, text))
