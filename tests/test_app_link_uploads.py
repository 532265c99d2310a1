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


SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "templates" / "snapshot.csv"


def applied_snapshot(app, ui):
    """Team & data with the snapshot template uploaded and applied (no history in it)."""
    at = app("team")
    at.file_uploader(key="team_upload").set_value(
        ("snapshot.csv", SNAPSHOT.read_bytes(), "text/csv")
    )
    ui.button(at.run(), "Use this team in the scenario").click().run()
    assert ui.problems(at) == []
    assert not state.from_uploaded_history(at.session_state[state.KEY_BASE])
    return at


def not_kept_shown(at) -> bool:
    return any(state.NOT_KEPT in i.value for i in at.info)


def test_a_snapshot_team_from_a_link_says_its_upload_was_not_kept(app, ui):
    """Issue 22 item 4: a team applied from a file without history, restored from its link
    after a restart, looked typed by hand. The link says where the team came from."""
    at = applied_snapshot(app, ui)
    link = {k: str(v) for k, v in at.query_params.items()}
    assert link[state.PARAM_TEAM] == state.TEAM_FROM_UPLOAD
    assert not not_kept_shown(at)  # this session holds the file
    fresh = app(query=link)  # a restart: the link only
    assert ui.problems(fresh) == []
    assert fresh.session_state[state.KEY_BASE] == at.session_state[state.KEY_BASE]
    shown = [i.value for i in fresh.info if state.NOT_KEPT in i.value]
    assert shown == [state.SNAPSHOT_NOT_KEPT]
    assert fresh.query_params[state.PARAM_TEAM] == state.TEAM_FROM_UPLOAD  # kept
    ui.goto(fresh, "team")  # and Team & data says it every time
    assert not_kept_shown(fresh) and ui.problems(fresh) == []


def test_a_hand_edit_of_the_uploaded_headcount_makes_it_a_typed_team(app, ui):
    at = applied_snapshot(app, ui)
    ui.edit_table(at, "team_editor", {1: {"headcount": 31}})
    assert state.PARAM_TEAM not in at.query_params
    fresh = app(query={k: str(v) for k, v in at.query_params.items()})
    assert not not_kept_shown(fresh)


def test_a_typed_team_from_a_link_names_no_upload(app, ui):
    at = app(query={"s": typed_team_token()})
    assert not not_kept_shown(at)
    ui.goto(at, "team")
    assert not not_kept_shown(at)
