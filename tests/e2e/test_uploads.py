"""CSV uploads through the real drop zone: applied, refused, shown as text, kept per session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.server import IDLE_JS, expect_rerun, metrics_on, new_context, open_app, problems_on
from ui.state import decode_scenario, default_scenario

pytestmark = pytest.mark.e2e

ROLES = ["data_engineer", "data_scientist", "ml_engineer", "product_manager"]
GOOD = b"role,count\ndata_engineer,10\ndata_scientist,40\nml_engineer,8\nproduct_manager,4\n"
GOOD_HEADCOUNT = {"data_engineer": 10, "data_scientist": 40, "ml_engineer": 8, "product_manager": 4}

# name -> (bytes, a phrase of the error the page must show)
BAD_UPLOADS = {
    "photo.csv": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG image, not CSV text"),
    "binary.csv": (b"\x00\x01\x02\x03" * 300, "binary file"),
    "empty.csv": (b"", "is empty"),
    "header_only.csv": (b"job_title,start_date,end_date\n", "no data rows"),
    "ragged.csv": (
        b"job_title,start_date,end_date\nData Scientist,2023-01-01,\nML Engineer,2023-01-01\n",
        "line 3 has 2 fields",
    ),
}

FORMULA_TITLES = [
    '=HYPERLINK("http://example.invalid","click")',
    "+SUM(A1:A2)",
    "@cmd",
    "-2+3",
    "<img src=x onerror=alert(1)>",
    "[click me](http://example.invalid/x) **bold**",
]


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def formula_roster() -> bytes:
    rows = [f"{csv_cell(t)},2023-01-01" for t in FORMULA_TITLES] + ["Data Scientist,2023-01-01"]
    return ("job_title,start_date\n" + "\n".join(rows) + "\n").encode()


def hr_export_input(page):
    return (
        page.locator('[data-testid="stFileUploader"]')
        .filter(has_text="HR export")
        .locator('input[type="file"]')
    )


def upload(page, name: str, data: bytes, *, refused: bool = False) -> None:
    """Drop a file on the Team & data page's HR-export drop zone; wait for its verdict.

    Replacing a file may take two reruns (old file removed, new one added): wait for
    the page to show this file's result ("<name>: read as ..." or its error), then idle.
    """
    with expect_rerun(page):
        hr_export_input(page).set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
        )
    if refused:
        verdict = page.locator('[data-testid="stAlertContentError"]').filter(has_text=name)
    else:
        verdict = page.locator('[data-testid="stMarkdownContainer"]').filter(
            has_text=f"{name}: read as"
        )
    verdict.first.wait_for()
    page.wait_for_function(IDLE_JS, polling=20)


def team_headcount(page) -> dict[str, int]:
    """The 'Current team' table's headcount column, read from the grid's accessible cells."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    cells = grid.locator('td[role="gridcell"][aria-colindex="2"]')
    cells.nth(3).wait_for(state="attached")
    return dict(zip(ROLES, (int(c.text_content()) for c in cells.all())))


def link_headcount(url: str) -> dict[str, int]:
    scenario = decode_scenario(parse_qs(urlparse(url).query)["s"][0])
    return dict(zip(ROLES, scenario.headcount))


def use_this_team(page) -> None:
    with expect_rerun(page):
        page.get_by_role("button", name="Use this team in the scenario").click()


@pytest.fixture
def team_page(page, server):
    open_app(page, f"{server.url}/team")
    return page


def test_uploaded_team_replaces_the_headcount_everywhere(team_page, server):
    page = team_page
    sample = dict(zip(ROLES, default_scenario().headcount))
    assert team_headcount(page) == sample

    upload(page, "team.csv", GOOD)
    page.get_by_text("read as a snapshot").wait_for()
    assert team_headcount(page) == sample  # read, not applied yet
    use_this_team(page)

    page.get_by_text("Scenario updated from team.csv").wait_for()
    assert team_headcount(page) == GOOD_HEADCOUNT
    assert link_headcount(page.url) == GOOD_HEADCOUNT
    with expect_rerun(page):
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Overview").click()
    assert metrics_on(page)["Today's ratio (MLE : DS)"] in {"1:5", "1:5.0"}  # 40 DS / 8 MLE
    assert problems_on(page) == []
    # No sample schedule survives: every role backfills, nothing planned by hand.
    scenario = decode_scenario(parse_qs(urlparse(page.url).query)["s"][0])
    assert [p.kind for p in scenario.hiring_policy] == ["backfill"] * 4
    assert not any(any(s) for s in scenario.planned_starts)
    assert scenario.open_requisitions == (0, 0, 0, 0)


def test_bad_uploads_show_an_error_and_keep_the_previous_team(team_page):
    page = team_page
    upload(page, "team.csv", GOOD)
    use_this_team(page)
    for name, (data, phrase) in BAD_UPLOADS.items():
        upload(page, name, data, refused=True)
        errors = page.locator('[data-testid="stAlertContentError"]')
        assert errors.count() == 1, name
        text = errors.inner_text()
        assert name in text and phrase in text and "nothing was changed" in text, text
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert team_headcount(page) == GOOD_HEADCOUNT, name
        assert link_headcount(page.url) == GOOD_HEADCOUNT, name
        # The last good upload stays on screen.
        assert page.get_by_text("team.csv: read as a snapshot").count() == 1, name

    # Still usable: the next good file is read and applied.
    upload(page, "team2.csv", GOOD.replace(b"ml_engineer,8", b"ml_engineer,5"))
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    use_this_team(page)
    assert team_headcount(page) == {**GOOD_HEADCOUNT, "ml_engineer": 5}


def test_formula_and_markup_titles_are_accepted_and_shown_as_plain_text(team_page):
    page = team_page
    upload(page, "**titles**.csv", formula_roster())
    assert problems_on(page) == []
    page.get_by_text("read as a roster").wait_for()
    status = page.locator('[data-testid="stMarkdown"]').filter(has_text="read as a roster")
    assert "**titles**.csv" in status.inner_text().replace("\u2060", "")
    unmapped = page.locator('[data-testid="stAlertContentInfo"]').filter(
        has_text="Titles not mapped"
    )
    # Word joiners (U+2060) keep Markdown from linking URLs and addresses; invisible.
    text = unmapped.inner_text().replace("\u2060", "")
    for title in FORMULA_TITLES:
        assert title in text, (title, text)
    # Nothing the file says became a link, an image or formatting.
    assert unmapped.locator("a, img, strong, em").count() == 0, unmapped.inner_html()
    assert status.locator("a, img").count() == 0


def test_sessions_are_isolated(browser, server):
    """What one browser uploads and sets never reaches another, open at the same time."""
    marker = "Chief Llama Officer"
    roster = f"job_title,start_date\n{marker},2023-01-01\nData Scientist,2023-02-01\n".encode()
    ctx_a, ctx_b = new_context(browser), new_context(browser)
    try:
        a, b = ctx_a.new_page(), ctx_b.new_page()
        open_app(a, f"{server.url}/team")
        open_app(b, f"{server.url}/plan")
        sample = dict(zip(ROLES, default_scenario().headcount))

        upload(a, "llamas.csv", roster)
        a.get_by_text(marker).first.wait_for()
        use_this_team(a)
        assert link_headcount(a.url) != sample

        # B moves its target; A's scenario does not follow.
        thumb = b.locator('[data-testid="stSlider"]').filter(has_text="Target ratio")
        thumb = thumb.locator('input[type="range"]')
        thumb.focus()
        with expect_rerun(b):
            thumb.press("ArrowRight")
        k_b = decode_scenario(parse_qs(urlparse(b.url).query)["s"][0]).target.ds_per_mle
        k_a = decode_scenario(parse_qs(urlparse(a.url).query)["s"][0]).target.ds_per_mle
        assert k_b == default_scenario().target.ds_per_mle + 0.5
        assert k_a == default_scenario().target.ds_per_mle

        # B, on its pages, sees the sample team and nothing of A's file.
        for label in ("Forecast", "Team & data"):
            with expect_rerun(b):
                b.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).click()
            content = b.locator('[data-testid="stMain"]').inner_text()
            assert marker not in content and "llamas.csv" not in content, label
        assert team_headcount(b) == sample
        assert link_headcount(b.url) == sample
        assert problems_on(a) == [] and problems_on(b) == []
    finally:
        ctx_a.close()
        ctx_b.close()
    # Never in the server's log either.
    assert marker not in server.log()
