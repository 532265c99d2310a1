"""Real HR exports (issue 20): panels read as people, "no date" markers, the header found
below title lines and totals lines dropped, the export's own date as the as-of date, exit
reasons, the history from the leavers window on, and the mapping file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.estimate.survival import roster_survival
from forecasting.ingest import ingest_bytes, parse_dates
from forecasting.ingest.errors import ChoiceNeeded
from forecasting.ingest.mapping_file import MappingFile, read_mapping
from forecasting.ingest.people import attrition_from_counts
from forecasting.model.errors import IngestError
from forecasting.model.roles import ROLE_KEYS
from tests.hr_exports import german_roster, yearly_panel

CORPUS = Path(__file__).parent / "corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def read(data: bytes, **kwargs):
    kwargs.setdefault("estimate", False)
    return ingest_bytes(data, **kwargs)


@pytest.fixture(scope="module")
def panel():
    """A ten-year yearly panel of 4,100 people, its truth and its reading."""
    data, truth = yearly_panel(4100, seed=20)
    return data, truth, ingest_bytes(data, filename="panel.csv")


# --------------------------------------------------------------------------- panels


@pytest.mark.slow
def test_a_yearly_panel_is_read_as_a_panel_of_people_not_rows(panel):
    data, truth, result = panel
    assert result.kind == "panel" and result.to_json_dict()["kind"] == "panel"
    assert result.kind_label == "panel (one row per person per period)"
    assert result.people == 4100 and result.rows > 4 * result.people
    assert result.as_of == truth.as_of and result.as_of_source == "latest date"
    assert result.headcount == truth.headcount(truth.as_of)


@pytest.mark.parametrize("day", ["2016-12-31", "2019-06-30", "2021-12-31", "2024-03-15"])
def test_a_panels_headcount_on_any_date_counts_each_person_once_under_the_title_in_force(day):
    data, truth = yearly_panel(1500, seed=5, transfers=0.03)
    result = read(data, as_of=day)
    assert result.headcount == truth.headcount(dt.date.fromisoformat(day))


@pytest.mark.slow
def test_attrition_from_a_panel_is_the_exits_over_person_time_exactly(panel):
    """The known answer: per role, exits in the window over person-months in it, counted
    from the simulated people (the leaver who dates a detected window is not counted)."""
    data, truth, result = panel
    since = result.leavers_since
    assert since == dt.date(2016, 1, 4)  # the first leaver the first record lists
    expected = truth.window_counts(since)
    expected["data_scientist"]["exits"] -= 1  # the dating leaver is a data scientist
    for role in ROLE_KEYS:
        got = result.attrition_counts[role]
        assert got["exits"] == expected[role]["exits"], role
        assert got["person_months"] == pytest.approx(expected[role]["person_months"], rel=1e-12)
    # ... and the attrition is the posterior of exactly those counts.
    rule = roster_survival(
        pd.DataFrame({"role": ["data_scientist"], "start": [pd.Timestamp("2020-01-01")]}),
        as_of="2021-01-01",
        leavers_since="2020-01-01",
        cox=False,
    )
    for role in ROLE_KEYS:
        assert result.attrition[role] == pytest.approx(
            attrition_from_counts(expected[role], rule), rel=1e-9
        )


@pytest.mark.slow
def test_with_a_given_window_and_changes_of_role_the_counts_are_the_truths():
    data, truth = yearly_panel(2000, seed=8, transfers=0.05)
    result = ingest_bytes(data, leavers_since="2016-01-01")
    expected = truth.window_counts(dt.date(2016, 1, 1))
    for role in ROLE_KEYS:
        assert result.attrition_counts[role]["exits"] == expected[role]["exits"]
        assert result.attrition_counts[role]["person_months"] == pytest.approx(
            expected[role]["person_months"], rel=1e-12
        )
    assert truth.spells["hired"].eq(False).any()  # some data scientists became ML engineers


@pytest.mark.slow
def test_panel_attrition_is_the_truth_not_half_of_it(panel):
    _, _, result = panel
    truth = {"data_engineer": 0.12, "data_scientist": 0.15, "ml_engineer": 0.11}
    for role, rate in truth.items():
        mid, _, _ = result.attrition[role]
        assert 0.85 * rate <= mid <= 1.15 * rate, (role, result.attrition[role])


def test_a_small_panel_reads_transfers_status_exits_and_the_title_in_force():
    result = read(corpus("panel_small.csv"))
    assert result.kind == "panel" and result.people == 5
    assert result.as_of == dt.date(2024, 12, 31)
    assert [result.headcount[k] for k in ROLE_KEYS] == [0, 2, 1, 0]
    earlier = read(corpus("panel_small.csv"), as_of="2023-06-30")
    assert [earlier.headcount[k] for k in ROLE_KEYS] == [1, 3, 0, 1]
    assert result.leavers_since == dt.date(2022, 12, 31)  # the first record date
    history = result.history.set_index(["month", "role"])
    assert history.loc[("2023-08", "data_engineer"), "exits"] == 1
    assert history.loc[("2023-12", "product_manager"), "exits"] == 1  # Inactive, no date
    # The data scientist re-titled ML engineer is neither an exit nor a hire.
    assert history.loc[("2023-12", "data_scientist"), "exits"] == 0
    assert history.loc[("2023-12", "ml_engineer"), "hires"] == 0
    assert history.loc[("2023-12", "ml_engineer"), "headcount"] == 1
    assert any("'1/1/1900'" in w and "no date" in w for w in result.warnings)


def test_someone_missing_from_later_records_leaves_after_their_last_one():
    rows = [
        "id,snapshot_date,title,start_date",
        "A,2023-12-31,Data Scientist,2020-01-01",
        "A,2024-12-31,Data Scientist,2020-01-01",
        "B,2023-12-31,Data Scientist,2021-01-01",
    ]
    result = read(("\n".join(rows) + "\n").encode())
    assert result.kind == "panel" and result.headcount["data_scientist"] == 1
    assert any("missing from the later records" in w for w in result.warnings)


def test_a_rehire_is_a_new_employment_and_both_exits_count():
    rows = [
        "employee id,record date,job title,hire date,termination date,status",
        "A,2021-12-31,Data Engineer,2020-01-01,,ACTIVE",
        "A,2022-12-31,Data Engineer,2020-01-01,2022-05-31,TERMINATED",
        "A,2023-12-31,Data Engineer,2023-03-01,,ACTIVE",
        "A,2024-12-31,Data Engineer,2023-03-01,2024-10-31,TERMINATED",
        "B,2021-12-31,Data Engineer,2019-01-01,,ACTIVE",
        "B,2024-12-31,Data Engineer,2019-01-01,,ACTIVE",
    ]
    result = read(("\n".join(rows) + "\n").encode(), leavers_since="2021-12-31")
    assert result.headcount["data_engineer"] == 1
    assert result.attrition_counts["data_engineer"]["exits"] == 2
    assert result.history["hires"].sum() == 1  # the rehire in 2023-03


def test_repeated_ids_with_a_record_date_but_a_roster_kind_warn_per_row():
    result = read(corpus("panel_small.csv"), kind="roster")
    assert result.kind == "roster"
    assert any("repeat a person id" in w and "'panel'" in w for w in result.warnings)


def test_a_panel_without_person_ids_is_refused_in_the_apps_terms():
    data = b"record_date,job_title\n2023-12-31,Data Scientist\n"
    with pytest.raises(ChoiceNeeded) as info:
        read(data, kind="panel")
    assert "person id" in str(info.value) and "under Column mapping" in str(info.value)
    assert "--" not in str(info.value) and "columns=" not in str(info.value)


# --------------------------------------------------------------------------- markers


@pytest.mark.parametrize(
    "marker",
    [
        "1900-01-01",
        "1/1/1900",
        "01.01.1900",
        "9999-12-31",
        "12/31/9999",
        "31.12.9999",
        "0001-01-01",
        "00.00.0000",
        "0000-00-00",
        "1/1/1900 00:00",
        "9999-12-31 00:00:00",
    ],
)
def test_no_date_markers_mean_no_date_with_a_warning(marker):
    data = f"job_title,start_date,end_date\nData Scientist,2022-03-01,{marker}\n".encode()
    result = read(data)
    assert result.headcount["data_scientist"] == 1
    assert any("1 cell(s) hold a 'no date' marker" in w for w in result.warnings)


def test_markers_do_not_decide_the_day_month_order():
    parsed = parse_dates(pd.Series(["12/31/9999", "31.12.9999", "03/04/2024"], dtype=object))
    assert parsed.conflict is None and parsed.markers == 2
    assert str(parsed.values[2])[:10] == "2024-03-04"


def test_a_real_end_date_before_the_start_is_still_refused_by_line():
    data = (
        b"job_title,start_date,end_date\nData Scientist,2022-03-01,1/1/1900\n"
        b"ML Engineer,2023-01-01,2022-01-01\n"
    )
    with pytest.raises(IngestError, match="line 3: end date '2022-01-01'"):
        read(data)


# --------------------------------------------------------------------------- layout


def test_title_lines_above_the_header_and_a_totals_line_below_are_not_people():
    result = read(corpus("german_titles_totals.csv"), filename="export.csv")
    assert result.kind == "roster" and result.header_line == 4 and result.rows == 6
    assert result.columns_used["title"] == "Stellenbezeichnung"
    assert result.columns_used["end"] == "Austrittsdatum"
    assert [result.headcount[k] for k in ROLE_KEYS] == [0, 2, 1, 1]
    assert any("line 11 ('Total: 6 records')" in w for w in result.warnings)
    assert result.to_json_dict()["header_line"] == 4


def test_the_export_date_above_the_header_is_the_as_of_date_from_the_file():
    result = read(corpus("german_titles_totals.csv"))
    assert result.as_of == dt.date(2026, 11, 30)
    assert result.as_of_source == "file"
    assert result.as_of_note == "line 2: 'Generated 30.11.2026 14:02 by SuccessFactors'"
    given = read(corpus("german_titles_totals.csv"), as_of="2026-01-30")
    assert given.as_of_source == "given" and given.headcount["data_scientist"] == 3


@pytest.mark.parametrize(
    "line",
    ["Generated 30.11.2026 14:02 by SuccessFactors", "Exported 30/11/2026", "As of 2026-11-30"],
)
def test_the_ways_exports_state_their_date(line):
    data = f"{line}\njob_title,start_date\nData Scientist,2024-01-01\n".encode()
    result = read(data)
    assert result.as_of == dt.date(2026, 11, 30) and result.as_of_source == "file"


def test_the_date_in_the_file_name_is_the_as_of_date():
    data = b"job_title,start_date\nData Scientist,2024-01-01\n"
    result = read(data, filename="hr_export_2026-11-30.csv")
    assert result.as_of == dt.date(2026, 11, 30) and result.as_of_source == "file"
    assert read(data, filename="hr_export.csv").as_of_source == "latest date"


def test_a_file_date_before_everyone_started_is_not_used():
    data = b"As of 2020-01-31\njob_title,start_date\nData Scientist,2024-01-01\n"
    result = read(data)
    assert result.as_of == dt.date(2024, 1, 1) and result.as_of_source == "latest date"
    assert any("is not used as the as-of date" in w for w in result.warnings)


def test_a_large_german_export_reads_its_people_with_its_date():
    data, truth = german_roster(147)
    result = read(data, filename="export.csv")
    assert result.encoding == "utf-8" and result.delimiter == ";"
    assert result.header_line == 4 and result.rows == 147
    assert result.as_of == truth.as_of and result.as_of_source == "file"
    heads = truth.headcount(truth.as_of)
    assert result.headcount == heads


def test_a_header_line_can_be_chosen():
    data = b"report\nname,job_title,start_date\nA,Data Scientist,2024-01-01\n"
    assert read(data, header_line=2).header_line == 2
    with pytest.raises(IngestError, match="line 9 is not a line of the table"):
        read(data, header_line=9)


def test_a_short_data_row_at_the_end_is_still_a_ragged_row():
    data = b"job_title,start_date,end_date\nData Scientist,2023-01-01,\nML Engineer,2023-01-01\n"
    with pytest.raises(IngestError, match="line 3 has 2 fields"):
        read(data)


def test_a_totals_row_of_the_headers_width_in_the_middle_is_data():
    data = b"role,count\nTotal,3\ndata_scientist,3\n"
    assert read(data).headcount["other"] == 3


def test_localised_headers_are_read_with_a_column_mapping():
    data = b"Matricule;Intitule du poste;Date d'entree\n1;Data Scientist;01.03.2021\n"
    with pytest.raises(ChoiceNeeded) as info:
        read(data)
    assert "under Column mapping" in str(info.value)
    result = read(data, columns={"title": "Intitule du poste", "start": "Date d'entree"})
    assert result.kind == "roster" and result.headcount["data_scientist"] == 1


# --------------------------------------------------------------------------- reasons


@pytest.mark.slow
def test_exits_by_reason_per_role_and_the_reasons_attrition_counts(panel):
    data, truth, result = panel
    assert result.reasons == ["voluntary", "involuntary", "retirement", "layoff"]
    assert result.counted_reasons is None
    ds = result.exits_by_reason["data_scientist"]
    assert set(ds) == {"voluntary", "involuntary", "retirement", "layoff"}
    assert result.to_json_dict()["exits_by_reason"]["data_scientist"] == ds
    counted = ("voluntary", "involuntary", "retirement")
    fewer = ingest_bytes(data, counted_reasons=counted, leavers_since="2016-01-01")
    expected = truth.window_counts(dt.date(2016, 1, 1), counted)
    for role in ROLE_KEYS:
        assert fewer.attrition_counts[role]["exits"] == expected[role]["exits"]
        assert fewer.attrition[role][0] < result.attrition[role][0]
    assert "not counted: layoff" in fewer.attrition_method["data_scientist"]
    assert fewer.counted_reasons == list(counted)


def test_german_exit_reasons_are_understood():
    result = read(corpus("german_titles_totals.csv"), as_of="2026-11-30")
    assert result.exits_by_reason == {
        "data_engineer": {"voluntary": 1},
        "data_scientist": {"layoff": 1},
    }


def test_an_unknown_reason_to_count_is_refused():
    with pytest.raises(IngestError, match="'holiday' is not a reason"):
        read(corpus("german_titles_totals.csv"), counted_reasons=["holiday"])


# --------------------------------------------------------------------------- history


@pytest.mark.slow
def test_months_before_the_leaver_window_are_not_history(panel):
    _, _, result = panel
    assert result.history["month"].iloc[0] == "2016-01"
    assert "are left out" in result.history_note
    years = result.exits_by_year
    before = years[years["year"] < 2016]
    assert len(before) and before["exits"].sum() == 0  # the evidence: no leavers listed
    after = years[(years["year"] >= 2017) & (years["role"] == "data_scientist")]
    assert (after["exit_rate"].between(0.10, 0.20)).all()


# --------------------------------------------------------------------------- mapping file


def test_a_mapping_file_round_trips_and_reads_next_months_export():
    mapping = MappingFile(
        columns={"title": "Intitule du poste", "start": "Date d'entree", "salary": None},
        titles={"Data Scientist": "data_scientist", "Stagiaire": "other"},
        header_line=1,
        date_order="dmy",
        counted_reasons=("voluntary",),
    )
    again = read_mapping(mapping.to_json().encode())
    assert again == mapping
    data = b"Matricule;Intitule du poste;Date d'entree\n1;Data Scientist;01.03.2021\n"
    result = read(data, columns=again.columns, mapping=again.titles, header_line=again.header_line)
    assert result.headcount["data_scientist"] == 1


def test_the_earlier_plain_title_mapping_is_still_a_mapping_file():
    assert read_mapping(b'{"Staff ML Engineer": "ml_engineer"}').titles == {
        "Staff ML Engineer": "ml_engineer"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{nope", "is not valid JSON"),
        ("[1]", "must hold a JSON object"),
        ('{"columns": {"colour": "X"}}', "'colour', not a field"),
        ('{"titles": {"A": "boss"}}', "maps to 'boss', not a role"),
        ('{"columns": {}, "header_line": 0}', "'header_line' must be a line number"),
        ('{"columns": {}, "extra": 1}', "'extra' is not a key"),
    ],
)
def test_a_bad_mapping_file_is_refused_saying_what_to_fix(text, expected):
    with pytest.raises(IngestError, match=expected):
        read_mapping(text.encode(), source="map.json")


def test_the_mapping_files_json_is_plain():
    text = MappingFile(columns={"title": "Job"}).to_json()
    assert json.loads(text) == {
        "format": "ml-workforce-planner mapping",
        "version": 1,
        "columns": {"title": "Job"},
    }


@pytest.mark.slow
def test_panel_headcount_differs_from_counting_rows(panel):
    """The issue's bug: read as rows, a ten-year yearly panel is about ten times too big."""
    data, truth, result = panel
    rows = read(data, kind="roster")
    assert sum(rows.headcount.values()) > 1.5 * sum(result.headcount.values())
    assert np.isclose(sum(result.headcount.values()), sum(truth.headcount(truth.as_of).values()))


def test_a_history_with_exits_shows_its_exits_by_year():
    data = (
        b"month,role,headcount,hires,exits\n2024-12,ml_engineer,10,0,0\n2025-01,ml_engineer,9,0,1\n"
    )
    years = read(data).exits_by_year
    assert years[years["role"] == "ml_engineer"]["exits"].tolist() == [0, 1]
