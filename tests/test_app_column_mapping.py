"""Team & data with real exports (AppTest): choosing columns and the header row by hand
(the file is read again at once), the 10-row preview, the mapping file downloaded and
loaded back, exit reasons counted or not, and refusals in the app's own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forecasting.ingest.mapping_file import MappingFile, read_mapping
from tests.hr_exports import yearly_panel
from ui import column_mapping, state

CORPUS = Path(__file__).parent / "corpus"
#: French headers the planner does not know: only a column mapping reads this file.
LOCAL = (
    b"Rapport effectifs;;;\n"
    b"Matricule;Intitule du poste;Date d'entree;Date de sortie\n"
    b"1;Data Scientist;01.03.2021;\n"
    b"2;Data Scientist;15.06.2020;31.01.2024\n"
    b"3;ML Engineer;01.02.2023;\n"
    b"Total: 3 records;;;\n"
)


def upload(at, name: str, data: bytes):
    at.file_uploader(key="team_upload").set_value((name, data, "text/csv"))
    return at.run()


def result(at):
    return at.session_state[state.KEY_UPLOAD].result


def selectbox(at, field: str):
    (box,) = [s for s in at.selectbox if s.key and s.key.startswith(f"colmap_{field}_")]
    return box


def choose_local_columns(at) -> None:
    """Name LOCAL's title, start and end columns under Column mapping, one choice at a time."""
    for field, header in (
        ("title", "Intitule du poste"),
        ("start", "Date d'entree"),
        ("end", "Date de sortie"),
    ):
        selectbox(at, field).set_value(header).run()


def no_code(text: str) -> bool:
    """Nothing a user of the app cannot type: no flags, no Python keyword arguments."""
    return not any(bit in text for bit in ("--", "columns=", "date_order=", "columns={", "CLI"))


@pytest.mark.slow
def test_a_file_whose_columns_are_not_found_says_what_to_do_in_the_app(app):
    at = upload(app("team"), "effectifs.csv", LOCAL)
    (error,) = [e.value for e in at.error]
    assert "under Column mapping" in error and no_code(error)
    assert state.KEY_UPLOAD not in at.session_state or result(at).rows != 3
    # The mapping opens with the file's headers found below its title line.
    header = [s for s in at.selectbox if s.key and s.key.startswith("colmap_header_")][0]
    assert header.value == 2
    assert "Intitule du poste" in selectbox(at, "title").options


@pytest.mark.slow
def test_choosing_the_columns_reads_the_file_again_at_once(app, ui):
    at = upload(app("team"), "effectifs.csv", LOCAL)
    choose_local_columns(at)
    assert ui.problems(at) == []
    res = result(at)
    assert res.kind == "roster" and res.header_line == 2 and res.rows == 3
    assert res.headcount["data_scientist"] == 1 and res.headcount["ml_engineer"] == 1
    shown = [w.value.replace("\\", "").replace("\u2060", "") for w in at.warning]
    assert any("'Total: 3 records') is a totals" in w for w in shown)


@pytest.mark.slow
def test_the_preview_shows_ten_rows_under_the_chosen_header(app):
    data, _ = yearly_panel(60, seed=1)
    at = upload(app("team"), "panel.csv", data)
    previews = [d.value for d in at.dataframe if "Record Date" in d.value.columns]
    assert len(previews) == 1 and len(previews[0]) == 10


@pytest.mark.slow
def test_the_header_row_can_be_chosen(app):
    at = upload(app("team"), "titles.csv", (CORPUS / "german_titles_totals.csv").read_bytes())
    assert result(at).header_line == 4
    header = [s for s in at.selectbox if s.key and s.key.startswith("colmap_header_")][0]
    header.set_value(2).run()
    errors = [e.value for e in at.error]
    assert errors and all(no_code(e) for e in errors)  # line 2 names no columns
    header = [s for s in at.selectbox if s.key and s.key.startswith("colmap_header_")][0]
    header.set_value(4).run()
    assert not at.error and result(at).header_line == 4


@pytest.mark.slow
def test_a_panel_is_read_as_people_and_says_so(app, ui):
    data, truth = yearly_panel(300, seed=3)
    at = upload(app("team"), "panel.csv", data)
    assert ui.problems(at) == []
    text = " ".join(m.value for m in at.markdown)
    assert "panel (one row per person per period)" in text and "300 people" in text
    assert result(at).headcount == truth.headcount(truth.as_of)
    assert any("History starts in" in i.value for i in at.info)


@pytest.mark.slow
def test_exit_reasons_are_shown_and_the_counted_ones_chosen(app, ui):
    data, _ = yearly_panel(400, seed=4)
    at = upload(app("team"), "panel.csv", data)
    before = result(at).attrition["data_scientist"][0]
    (pick,) = [m for m in at.multiselect if m.key.startswith("reasons_")]
    assert set(pick.value) == {"voluntary", "involuntary", "retirement", "layoff"}
    pick.unselect("layoff").run()
    assert ui.problems(at) == []
    res = result(at)
    assert res.counted_reasons == ["voluntary", "involuntary", "retirement"]
    assert res.attrition["data_scientist"][0] < before


@pytest.mark.slow
def test_the_mapping_downloads_and_reads_next_months_export_in_one_step(app, ui):
    at = upload(app("team"), "effectifs.csv", LOCAL)
    choose_local_columns(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download this mapping (JSON)" in labels
    res = result(at)
    mapping = column_mapping.mapping_for(
        res, column_mapping.reading(res and at.session_state[state.KEY_UPLOAD].key[0])
    )
    assert mapping.columns["title"] == "Intitule du poste"
    assert mapping.titles["Data Scientist"] == "data_scientist"
    text = mapping.to_json().encode()
    assert read_mapping(text) == mapping
    # Next month: a new session, the mapping file first, then the export reads at once.
    fresh = app("team")
    fresh.file_uploader(key="mapping_upload").set_value(
        ("column-mapping.json", text, "application/json")
    )
    fresh.run()
    upload(fresh, "effectifs-december.csv", LOCAL.replace(b"1;Data", b"4;Data"))
    assert ui.problems(fresh) == []
    assert result(fresh).kind == "roster" and result(fresh).headcount["data_scientist"] == 1


def test_a_bad_mapping_file_is_an_error_in_the_apps_terms(app):
    at = app("team")
    at.file_uploader(key="mapping_upload").set_value(("m.json", b"{nope", "application/json"))
    at.run()
    (error,) = [e.value for e in at.error]
    assert "is not valid JSON" in error and "download one from Column mapping" in error


@pytest.mark.slow
@pytest.mark.parametrize(
    "data",
    [
        b"name,salary\nAda,100\n",
        b"job_title,start_date\nData Scientist,25/03/2024\nML Engineer,03/25/2024\n",
        b"record_date,job_title\n2023-12-31,Data Scientist\n",
    ],
    ids=["no-title", "mixed-dates", "panel-without-ids"],
)
def test_refusals_never_show_python_or_command_line_syntax(app, data):
    at = app("team")
    if data.startswith(b"record_date"):
        at.selectbox[0].set_value("panel")
    at = upload(at, "x.csv", data)
    errors = [e.value for e in at.error]
    assert errors and all(no_code(e) for e in errors), errors


def test_the_mapping_file_is_plain_json():
    text = MappingFile(columns={"title": "Job"}, titles={"A": "other"}).to_json()
    assert json.loads(text)["titles"] == {"A": "other"}
