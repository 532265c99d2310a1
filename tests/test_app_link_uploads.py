"""Uploads and links (issue 19 item 5, issue 22 item 4's message), AppTest: a link to an
uploaded team's scenario shows no sample history (the Forecast page says the history was
not in the link and offers the upload; the first screen names the file not kept), and an
upload not yet applied is named on every page until it is applied or discarded."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecasting.estimate.trend import status_quo_all
from forecasting.ingest import ingest_bytes
from forecasting.plan import policies
from ui import state
from ui.link import encode_scenario
from ui.nav import PAGES

pytestmark = pytest.mark.slow

HISTORY = Path(__file__).resolve().parents[1] / "data" / "templates" / "history.csv"
PENDING = "is read but not applied"


def long_history() -> bytes:
    """30 months of a team that is not the sample's (a trend the projection follows)."""
    rows = ["month,role,headcount,hires,exits"]
    for i in range(30):
        month = f"{2024 + i // 12}-{i % 12 + 1:02d}"
        for role, n in (
            ("data_engineer", 5),
            ("data_scientist", 20 + i // 2),
            ("ml_engineer", 2 + i // 10),
            ("product_manager", 2),
        ):
            rows.append(f"{month},{role},{n},{1 if i % 3 == 0 else 0},{1 if i % 4 == 0 else 0}")
    return ("\n".join(rows) + "\n").encode()


def uploaded_team_token() -> str:
    """The link of a scenario made as the app makes it from an uploaded history."""
    result = ingest_bytes(long_history(), filename="team_history.csv")
    scenario = policies.scenario_from_upload(
        state.default_scenario(), result, use_rates=True, use_costs=False
    )
    trends = status_quo_all(result.history, scenario.horizon_months)
    scenario = policies.default_plan(scenario, trends)
    assert state.from_uploaded_history(scenario)
    return encode_scenario(scenario)


def typed_team_token() -> str:
    data = state.default_scenario().to_dict()
    data["headcount"]["data_scientist"] = 12
    data["hiring_policy"] = {}
    return encode_scenario(state.Scenario.from_dict(data))


def test_a_link_to_an_uploaded_team_shows_no_sample_history(app, ui):
    at = app("forecast", query={"s": uploaded_team_token()})
    assert ui.problems(at) == []
    text = ui.page_text(at)
    assert "history is not in the link" in text and "Drop the file again" in text
    assert "sample team" not in text
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")
    assert [p.proto.page for p in at.get("page_link")][-1] == "team"


def test_a_link_to_an_uploaded_team_names_the_file_not_kept_on_its_first_screen(app, ui):
    at = app(query={"s": uploaded_team_token()})
    assert ui.problems(at) == []
    assert any("was not kept across the restart" in i.value for i in at.info)


def test_a_typed_team_shows_no_sample_history_either(app, ui):
    at = app("forecast", query={"s": typed_team_token()})
    assert ui.problems(at) == []
    text = ui.page_text(at)
    assert "no history here" in text and "sample team" not in text


def upload_history(at):
    at.file_uploader(key="team_upload").set_value(("history.csv", HISTORY.read_bytes(), "text/csv"))
    return at.run()


def pending_named(at) -> bool:
    shown = [w.value.replace("\\", "").replace("\u2060", "") for w in at.warning]
    return any(PENDING in w and "history.csv" in w for w in shown)


def test_an_upload_not_applied_is_named_on_every_page_until_applied(app, ui):
    at = upload_history(app("team"))
    assert pending_named(at)
    for spec in PAGES:
        ui.goto(at, spec.name)
        assert ui.problems(at) == [], spec.name
        assert pending_named(at), spec.name
    ui.goto(at, "team")
    ui.button(at, "Use this team in the scenario").click().run()
    assert not pending_named(at)
    ui.goto(at, "overview")
    assert not pending_named(at)


def test_a_discarded_upload_is_no_longer_named_nor_read_again(app, ui):
    at = upload_history(app("team"))
    ui.button(at, "Discard the upload").click().run()
    assert not pending_named(at)
    assert state.KEY_UPLOAD not in at.session_state
    assert "was discarded" in ui.page_text(at)
    ui.goto(at, "capacity")
    assert not pending_named(at)
