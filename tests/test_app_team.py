"""Team & data page (AppTest): editing the team, uploading HR exports (good and bad), using
an upload in the scenario, and keeping uploads off disk and out of shared caches."""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from pathlib import Path

import pytest

from forecasting.ingest import ingest_bytes
from forecasting.model import formatting
from forecasting.model.roles import ROLE_KEYS
from forecasting.plan import policies
from tests.helpers import ROSTER
from ui import state, uploads

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "data" / "templates"
RATIO = "Today's ratio (MLE : DS)"
USE = "Use this team in the scenario"
ROSTER_HEADCOUNT = (1, 3, 1, 0)  # ROLES order: DE, DS, MLE, PM
BAD_UPLOADS = {
    "binary": ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"),
    "empty": ("empty.csv", b""),
    "header-only": ("header.csv", b"employee_id,job_title,start_date,end_date\n"),
    "ragged": ("ragged.csv", b"role,count\ndata_scientist,30,extra\nml_engineer\n"),
}


def upload(at, name: str, data: bytes):
    at.file_uploader(key="team_upload").set_value((name, data, "text/csv"))
    return at.run()


def read_table(at):
    """The 'headcount read' table shown for the current upload."""
    tables = [
        d.value
        for d in at.dataframe
        if "role" in d.value and "Other (not in the ratio)" in list(d.value["role"])
    ]
    assert len(tables) == 1
    return tables[0]


def base(at):
    return at.session_state[state.KEY_BASE]


def with_40_data_scientists(app, ui):
    """The Team & data page after typing 40 data scientists into the team table."""
    at = app("team")
    ui.edit_table(at, "team_editor", {1: {"headcount": 40}})
    return at


def overview_ratio(at, ui) -> str:
    """The ratio the Overview shows once the user goes there."""
    ui.goto(at, "overview")
    return ui.metrics(at)[RATIO]


@pytest.mark.parametrize("workshop", [False, True], ids=["normal", "workshop"])
def test_team_page_renders_without_error(app, ui, workshop):
    at = app("team", workshop=workshop)
    assert ui.problems(at) == []
    # Upload and editing chrome are hidden in workshop mode (the export and a mapping file).
    assert len(at.main.file_uploader) == (0 if workshop else 2)
    assert len(at.data_editor) == (0 if workshop else 2)


def test_visiting_the_team_page_leaves_the_scenario_unchanged(app, sample_scenario):
    at = app("team")
    assert base(at) == sample_scenario


@pytest.mark.slow
def test_editing_headcount_changes_the_overview_ratio(app, ui, sample_scenario):
    at = with_40_data_scientists(app, ui)
    assert ui.problems(at) == []
    assert base(at).headcount_of("data_scientist") == 40
    mle = sample_scenario.headcount_of("ml_engineer")
    assert overview_ratio(at, ui) == formatting.ratio_text(round(40 / mle, 1))


def _typed(at, key: str, edited_rows: dict) -> None:
    """What the browser sends while the user types: every edit made so far in the editor it
    shows (the one mounted under `key`), then a rerun."""
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()


@pytest.mark.slow
def test_two_edits_typed_one_after_the_other_both_land(app, ui):
    """The review: typing down the headcount column kept only one value. The browser sends
    its next edit under the editor it shows; an edit must not remount that editor."""
    at = app("team")
    key = ui.editor_key(at, "team_editor")
    _typed(at, key, {0: {"headcount": 12}})
    assert ui.editor_key(at, "team_editor") == key  # still the editor the user types in
    _typed(at, key, {0: {"headcount": 12}, 1: {"headcount": 40}})
    _typed(at, key, {0: {"headcount": 12}, 1: {"headcount": 40}, 2: {"headcount": 5}})
    assert ui.problems(at) == []
    assert base(at).headcount == (12, 40, 5, 3)
    assert list(at.data_editor[0].value["headcount"]) == [12, 40, 5, 3]
    assert overview_ratio(at, ui) == "1:8"


@pytest.mark.slow
def test_an_edit_is_applied_once_and_a_rerun_changes_nothing(app, ui):
    at = with_40_data_scientists(app, ui)
    after = base(at)
    assert "replaced the sample team's plan" in at.success[0].value
    at.run()  # the editor still holds the edit: applying it again must change nothing
    assert base(at) is after
    assert not at.success  # the one-off message is not repeated either
    # An edit of the other table keeps the first table's edit as it is.
    ui.edit_table(at, "assumptions_editor", {0: {"time to fill (months)": 4}})
    assert base(at).headcount_of("data_scientist") == 40
    assert base(at).time_to_fill_of("data_engineer") == 4


@pytest.mark.slow
def test_a_refused_cell_is_named_and_the_other_edits_land(app, ui, sample_scenario):
    at = app("team")
    key = ui.editor_key(at, "team_editor")
    _typed(at, key, {0: {"headcount": 12}, 1: {"headcount": -3}})
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Data scientist, headcount:")
    assert base(at).headcount_of("data_engineer") == 12
    assert base(at).headcount_of("data_scientist") == sample_scenario.headcount_of("data_scientist")
    _typed(at, key, {0: {"headcount": 12}, 1: {"headcount": 41}})  # corrected
    assert ui.problems(at) == []
    assert base(at).headcount[:2] == (12, 41)


@pytest.mark.slow
def test_a_cell_that_is_not_a_number_is_an_error_not_a_traceback(app, ui, sample_scenario):
    at = app("team")
    ui.edit_table(at, "assumptions_editor", {2: {"ramp (months)": float("inf")}})
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("ML engineer, ramp (months): inf is not a")
    assert base(at) == sample_scenario


@pytest.mark.slow
def test_clearing_a_cell_keeps_its_value_without_error(app, ui, sample_scenario):
    at = app("team")
    ui.edit_table(at, "team_editor", {1: {"headcount": None}})
    ui.edit_table(at, "assumptions_editor", {2: {"time to fill (months)": None}})
    assert ui.problems(at) == []
    assert base(at) == sample_scenario


def test_editing_an_assumption_changes_only_that_cell(app, ui, sample_scenario):
    at = app("team")
    ui.edit_table(at, "assumptions_editor", {1: {"attrition %/yr": 20.0}})
    assert ui.problems(at) == []
    expected = dict(zip(ROLE_KEYS, sample_scenario.attrition_annual), data_scientist=0.2)
    assert base(at).by_role("attrition_annual") == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "data"),
    [(p.name, p.read_bytes()) for p in sorted(TEMPLATES.glob("*.csv"))]
    + [("roster_small.csv", ROSTER)],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_good_upload_shows_kind_and_headcount_read(app, ui, name, data):
    expected = ingest_bytes(data, filename=name)
    at = upload(app("team"), name, data)
    assert ui.problems(at) == []
    shown = [m.value for m in at.markdown if "read as a" in m.value]
    assert len(shown) == 1 and f"read as a **{expected.kind_label}**" in shown[0]
    table = read_table(at)
    assert list(table["headcount"]) == [expected.headcount[k] for k in (*ROLE_KEYS, "other")]


@pytest.mark.slow
def test_small_roster_headcount_is_counted_on_its_as_of_date(app, ui):
    at = upload(app("team"), "roster_small.csv", ROSTER)
    assert tuple(read_table(at)["headcount"])[:4] == ROSTER_HEADCOUNT


@pytest.mark.slow
def test_use_this_team_changes_the_scenario_headcount(app, ui, sample_scenario):
    at = upload(app("team"), "roster_small.csv", ROSTER)
    assert base(at).headcount == sample_scenario.headcount  # not applied until asked
    ui.button(at, USE).click().run()
    assert ui.problems(at) == []
    assert base(at).headcount == ROSTER_HEADCOUNT
    assert "Scenario updated from" in at.success[0].value
    assert overview_ratio(at, ui) == "1:3"


@pytest.mark.slow
def test_use_this_team_is_not_overridden_by_earlier_table_edits(app, ui):
    at = with_40_data_scientists(app, ui)
    upload(at, "roster_small.csv", ROSTER)
    ui.button(at, USE).click().run()
    assert base(at).headcount == ROSTER_HEADCOUNT
    assert list(at.data_editor[0].value["headcount"]) == list(ROSTER_HEADCOUNT)


@pytest.mark.slow
@pytest.mark.parametrize("bad", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_bad_upload_shows_error_and_keeps_team_upload_and_scenario(app, ui, bad):
    at = upload(app("team"), "roster_small.csv", ROSTER)
    ui.button(at, USE).click().run()
    before = base(at)
    name, data = BAD_UPLOADS[bad]
    upload(at, name, data)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "nothing was changed" in errors[0]
    assert not at.exception
    assert base(at) == before
    assert uploads.Upload is type(at.session_state[state.KEY_UPLOAD])
    assert at.session_state[state.KEY_UPLOAD].name == "roster_small.csv"
    assert tuple(read_table(at)["headcount"])[:4] == ROSTER_HEADCOUNT
    assert overview_ratio(at, ui) == "1:3"


def test_applied_upload_drops_an_interval_that_excludes_its_estimate(sample_scenario):
    result = ingest_bytes(ROSTER, filename="roster.csv")
    # No exits seen: the estimate sits on its interval's lower end (the old code kept the
    # sample's interval, which excludes 0, and the scenario refused the combination).
    result = dataclasses.replace(result, attrition={"ml_engineer": (0.0, 0.0, 0.3)})
    applied = policies.scenario_from_upload(
        sample_scenario, result, use_rates=True, use_costs=False
    )
    assert applied.attrition_of("ml_engineer") == 0.0
    assert applied.interval_of("ml_engineer") == (0.0, 0.3)


# --------------------------------------------------------------------------- privacy


def _files_changed_since(root: Path, since: float):
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in {".git", "proc"}]
        for f in files:
            path = Path(folder) / f
            try:
                st = path.stat()
                if st.st_mtime >= since and st.st_size < 50_000_000:
                    yield path
            except OSError:
                continue


def _marked_roster() -> tuple[str, bytes]:
    marker = f"Zq{uuid.uuid4().hex[:12]}"
    data = ROSTER.replace(b"E3,Data Scientist", f"E3,Data Scientist {marker}".encode())
    return marker, data


@pytest.mark.slow
def test_an_upload_writes_nothing_to_disk(app, ui, tmp_path, monkeypatch):
    marker, data = _marked_roster()
    monkeypatch.chdir(tmp_path)
    since = time.time() - 1
    at = upload(app("team"), "roster_private.csv", data)
    ui.button(at, USE).click().run()
    ui.goto(at, "plan")
    assert ui.problems(at) == []
    titles = at.session_state[state.KEY_UPLOAD].result.title_counts["title"]
    assert any(marker in t for t in titles)  # the data are in the session...
    assert list(tmp_path.iterdir()) == []  # ...nothing in the working directory...
    for root in (ROOT, Path("/tmp")):  # ...nor in any file written since, here or in /tmp
        for path in _files_changed_since(root, since):
            try:
                content = path.read_bytes()
            except OSError:
                continue
            assert marker.encode() not in content, path


@pytest.mark.slow
def test_an_upload_is_not_in_any_shared_cache(app, ui):
    from streamlit.runtime.caching import cache_data_api

    marker, data = _marked_roster()
    at = upload(app("team"), "roster_private.csv", data)
    ui.button(at, USE).click().run()
    ui.goto(at, "overview")
    entries = [
        value
        for caches in cache_data_api._data_caches._function_caches.values()
        for cache in caches.values()
        for value in getattr(cache.storage, "_mem_cache", {}).values()
    ]
    assert entries  # the pages did cache their engine calls
    assert not [e for e in entries if marker.encode() in bytes(e)]
    assert not [e for e in entries if data in bytes(e)]


def _history_csv(months: int = 36) -> bytes:
    """A monthly history: data scientists grow 20 -> 20 + months/2, others flat."""
    import pandas as pd

    labels = [str(p) for p in pd.period_range("2023-01", periods=months, freq="M")]
    lines = ["month,role,headcount,hires,exits"]
    for i, m in enumerate(labels):
        lines.append(f"{m},data_scientist,{20 + i // 2},{1 if i % 2 else 0},0")
        lines.append(f"{m},ml_engineer,2,0,0")
        lines.append(f"{m},data_engineer,{4 + (i % 3 == 0)},0,0")
        lines.append(f"{m},product_manager,2,0,0")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_typing_ones_own_team_replaces_the_sample_plan_with_backfill(app, ui, sample_scenario):
    at = app("team")
    assert sample_scenario.policy_of("data_scientist").kind == "path"
    ui.edit_table(at, "team_editor", {1: {"headcount": 42}})
    assert ui.problems(at) == []
    scenario = base(at)
    assert [p.kind for p in scenario.hiring_policy] == ["backfill"] * 4
    assert not any(any(s) for s in scenario.planned_starts)
    assert "replaced the sample team's plan" in at.success[0].value
    # Nothing of the sample survives into one's own team: its open requisitions, salaries
    # and attrition (all from the sample's roster) are back at the registry's defaults.
    assert not any(scenario.open_requisitions)
    assert scenario.annual_cost == (145_000.0, 154_000.0, 165_000.0, 150_000.0)
    assert scenario.attrition_interval == (None,) * 4
    assert "open requisitions" in at.success[0].value
    # A second edit keeps the user's plan (only the sample's plan is replaced).
    at.session_state[state.KEY_BASE] = scenario.replace(
        hiring_policy={"data_scientist": {"kind": "growth", "to": 60, "by_month": 24}}
    )
    ui.edit_table(at, "team_editor", {0: {"headcount": 9}})
    assert base(at).policy_of("data_scientist").kind == "growth"


@pytest.mark.slow
def test_an_applied_history_upload_leaves_no_sample_schedule(app, ui):
    data = _history_csv()
    at = upload(app("team"), "history.csv", data)
    ui.button(at, USE).click().run()
    assert ui.problems(at) == []
    scenario = base(at)
    assert scenario.headcount_of("data_scientist") == 37
    assert not any(any(s) for s in scenario.planned_starts)
    kinds = {k: scenario.policy_of(k).kind for k in ROLE_KEYS}
    assert kinds == {
        "data_engineer": "backfill",
        "data_scientist": "path",
        "ml_engineer": "backfill",
        "product_manager": "backfill",
    }
    ds = scenario.policy_of("data_scientist")
    assert ds.source.startswith("status-quo projection: ")
    assert ds.headcount[0] == 37 and ds.headcount[-1] > 37  # the trend keeps growing
    assert "every role backfills its leavers" in at.success[0].value
    ui.goto(at, "plan")
    assert ui.problems(at) == []
    table = next(e for e in at.data_editor if e.key.startswith("team_plan_editor")).value
    assert list(table["policy"]) == ["backfill", "follow the projection", "backfill", "backfill"]
    # The status-quo pace comes from the upload: one data-scientist hire every other month.
    assert table["status-quo pace"].iloc[1] == "0.5/month"


@pytest.mark.slow
def test_a_snapshot_upload_gets_backfill_for_every_role(app, ui):
    data = (TEMPLATES / "snapshot.csv").read_bytes()
    at = upload(app("team"), "snapshot.csv", data)
    ui.button(at, USE).click().run()
    assert ui.problems(at) == []
    assert [p.kind for p in base(at).hiring_policy] == ["backfill"] * 4
    assert "no history to project" in at.success[0].value


@pytest.mark.slow
def test_editing_attrition_moves_its_interval_so_the_edit_takes_effect(app, ui, sample_scenario):
    """The review: with an interval present, moving data-scientist attrition 8% -> 26% on
    this page changed nothing simulated. The edit now carries the interval with it."""
    at = app("team")
    ui.edit_table(at, "assumptions_editor", {1: {"attrition %/yr": 26.0}})
    assert ui.problems(at) == []
    scenario = base(at)
    assert scenario.attrition_of("data_scientist") == 0.26
    lo, hi = scenario.interval_of("data_scientist")
    old_lo, old_hi = sample_scenario.interval_of("data_scientist")
    factor = 0.26 / sample_scenario.attrition_of("data_scientist")
    assert (lo, hi) == pytest.approx((old_lo * factor, old_hi * factor))
