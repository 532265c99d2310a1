"""The downloads (ui/downloads.py, compute.chart_image): charts as PNG / SVG, the
projections CSV with the session's link, the one-page brief; AppTest on the pages."""

from __future__ import annotations

import base64
import html
import io
import struct
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from forecasting.model.scenario import Scenario
from forecasting.report import sentences
from forecasting.report.brief import PNG_SIGNATURE
from forecasting.report.export import download_name
from tests.conftest import APP, TIMEOUT, small_team
from ui import compute, downloads, state
from ui.state import decode_scenario

RATIO_TITLE = "ML engineer : data scientist ratio"


@pytest.fixture(scope="module")
def small() -> Scenario:
    """A small team, few paths: charts convert quickly and deterministically."""
    return small_team(planned_starts={"ml_engineer": [1, 0, 1]})


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    return struct.unpack(">II", data[16:24])


def svg_text(data: bytes) -> str:
    """All text of an SVG document (raises if it is not well-formed XML)."""
    return " ".join(ET.fromstring(data).itertext())


@pytest.mark.slow
def test_a_chart_downloads_as_a_sharp_png(small):
    data = compute.chart_image("ratio_fan", small, "png")
    assert data.startswith(PNG_SIGNATURE)
    width, _ = png_size(data)
    assert width >= compute.EXPORT_SCALE * compute.EXPORT_WIDTH  # plot width x scale, + axes


@pytest.mark.slow
def test_a_chart_downloads_as_svg_that_parses_and_carries_its_title(small):
    data = compute.chart_image("ratio_fan", small, "svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert RATIO_TITLE in svg_text(data)


@pytest.mark.slow
@pytest.mark.parametrize("name", [*compute.CHARTS, "quarters"])
def test_every_chart_converts(small, name):
    assert svg_text(compute.chart_image(name, small, "svg"))


def test_an_unknown_image_format_is_refused(small):
    with pytest.raises(ValueError, match="image format"):
        compute.chart_image("ratio_fan", small, "gif")


def test_export_spec_fixes_the_width_of_a_single_or_layered_chart_only():
    layered = compute.export_spec({"layer": [], "height": 300}, width=700, height=200)
    assert (layered["width"], layered["height"], layered["background"]) == (700, 200, "white")
    concat = compute.export_spec({"hconcat": []}, width=700)
    assert "width" not in concat


@pytest.mark.slow
def test_the_brief_holds_the_answer_and_two_svg_charts(small):
    view = compute.view_for(small, "even", state.PLAN_RECOMMENDED)
    page = downloads.brief_html(view, small, link="https://planner.example/?s=x").decode()
    answer = sentences.answer_sentence(
        view.recommendation, small, strategy="even", error=view.solver_error
    )
    assert html.escape(answer) in page
    images = [part.split('"')[0] for part in page.split('src="')[1:]]
    assert len(images) == 2
    for uri in images:
        assert uri.startswith("data:image/svg+xml;base64,")
    assert RATIO_TITLE in svg_text(base64.b64decode(images[0].split(",", 1)[1]))
    assert html.escape(downloads.MANUAL_NOTE) not in page


def test_the_brief_of_a_hand_edited_plan_says_so(small):
    view = compute.view_for(small, "even", state.PLAN_MANUAL)
    assert html.escape(downloads.MANUAL_NOTE) in downloads.brief_html(view, small).decode()


def test_there_is_no_link_outside_a_browser_session():
    assert downloads.current_link() is None


# ---------------------------------------------------------------------------------------
# the pages (AppTest): the buttons, and what clicking them gives


@pytest.fixture
def captured(monkeypatch) -> dict:
    """File name -> the bytes of a download button (static) or its callable (deferred)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    files: dict = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            files[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, **kwargs)

    def record_deferred(self, fn, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = fn
        return add_deferred(self, fn, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def open_page(page: str, query: dict, *, url: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    if url:
        at.context = {"url": url}
    at.run()
    return at.switch_page(f"pages/{page}.py").run()


def labels(at) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


DOWNLOAD_ROW = (
    "Download projections (CSV)",
    "Download one-page brief (HTML)",
    "Download this scenario (JSON)",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "row"),
    [("overview", DOWNLOAD_ROW), ("plan", DOWNLOAD_ROW), ("forecast", ()), ("sensitivity", ())],
)
def test_every_chart_has_its_png_and_svg_and_the_plan_pages_the_download_row(
    page, row, ui, small, token
):
    # A typed team has no history to forecast (only the sample team's or an upload's).
    at = open_page(page, {} if page == "forecast" else {"s": token(small)})
    assert ui.problems(at) == []
    shown = labels(at)
    for label in row:
        assert shown.count(label) == 1
    charts = len(at.get("vega_lite_chart"))
    assert charts > 0 and shown.count("PNG") == shown.count("SVG") == charts  # a pair a chart


@pytest.mark.slow
def test_workshop_mode_has_no_chart_image_buttons(ui, small, token):
    at = open_page("overview", {"s": token(small), "workshop": "1"})
    assert ui.problems(at) == []
    assert "PNG" not in labels(at)
    assert "Download one-page brief (HTML)" in labels(at)


@pytest.mark.slow
def test_the_downloads_carry_the_link_and_convert_on_click(captured, ui, small, token):
    at = open_page("plan", {"s": token(small)}, url="https://planner.example/plan")
    assert ui.problems(at) == []

    today = date.today().isoformat()
    made = captured[download_name("plan", small, today, "csv")]
    assert callable(made)  # made when clicked, not on every rerun
    csv = made()
    assert isinstance(csv, bytes)
    lines = csv.decode().splitlines()
    (link,) = [line.removeprefix("# Link: ") for line in lines if line.startswith("# Link: ")]
    assert link.startswith("https://planner.example/plan?")
    assert decode_scenario(parse_qs(urlsplit(link).query)["s"][0]) == small
    table = pd.read_csv(io.BytesIO(csv), comment="#")
    assert len(table) == small.horizon_months + 1

    # Images and the brief are made when clicked, outside the script run, as the server does.
    # named after the chart, the scenario's target and deadline, and the day
    png, svg = (download_name("ratio-fan", small, today, fmt) for fmt in ("png", "svg"))
    assert png.startswith("ratio-fan-1to") and png.endswith(f"_{today}.png")
    assert callable(captured[png])
    assert captured[png]().startswith(PNG_SIGNATURE)
    assert RATIO_TITLE in svg_text(captured[svg]())
    page = captured[download_name("brief", small, today, "html")]().decode()
    (sentence,) = [m.value.removeprefix("#### ") for m in at.markdown if "To reach" in m.value]
    assert html.escape(sentence) in page  # the page's answer, as HTML text
    assert "https://planner.example/plan?" in page


@pytest.mark.slow
def test_a_pages_own_spec_converts_to_png_and_svg(small):
    import json

    spec = compute.chart_spec("ratio_fan", small, False)
    text = json.dumps(spec, sort_keys=True, default=str)
    assert downloads.spec_image(text, "png").startswith(PNG_SIGNATURE)
    ET.fromstring(downloads.spec_image(text, "svg"))  # well-formed SVG
