"""Tests for ``python -m forecasting ingest`` (forecasting.cli.ingest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forecasting import ingest
from forecasting.cli import ingest as cli_ingest
from tests.helpers import INGEST_JSON_KEYS

REPO = Path(__file__).parent.parent
CORPUS = Path(__file__).parent / "corpus"


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    """Run the ingest subcommand in-process; return (status, JSON or None, stderr)."""
    from forecasting.cli.main import main

    status = main(["ingest", *argv])
    out, err = capsys.readouterr()
    return status, (json.loads(out) if out.strip() else None), err


def test_roster_json_has_every_documented_key(capsys, monkeypatch):
    monkeypatch.setattr(ingest, "MIN_SALARY_PEOPLE", 1)  # a small file: parsing, not the rule
    status, payload, err = run(capsys, str(CORPUS / "roster_iso.csv"))
    assert status == 0 and err == ""
    for key in INGEST_JSON_KEYS:
        assert key in payload, key
    assert payload["kind"] == "roster"
    assert payload["as_of"] == "2024-03-31"
    assert payload["headcount"] == {
        "data_engineer": 1,
        "data_scientist": 1,
        "ml_engineer": 1,
        "product_manager": 1,
        "other": 1,
    }
    assert payload["unmapped_titles"] == {"Engineering Manager": 1}
    assert payload["history"][-1]["month"] == "2024-03"
    assert set(payload["history"][0]) == {"month", "role", "headcount", "hires", "exits"}
    assert payload["annual_cost"]["ml_engineer"] == 165000.0
    for rates in payload["rates"].values():
        assert {"exits_monthly", "exits_low", "exits_high"} <= set(rates)
    for attrition in payload["attrition"].values():
        assert {"annual", "low", "high", "method"} <= set(attrition)


def test_snapshot_has_an_empty_history(capsys):
    status, payload, _ = run(capsys, str(CORPUS / "snapshot_pipe.csv"))
    assert status == 0
    assert payload["kind"] == "snapshot"
    assert payload["history"] == []
    assert payload["rates"] == {}
    assert payload["as_of"] is None


def test_columns_as_of_and_kind_options(capsys):
    status, payload, _ = run(
        capsys,
        str(CORPUS / "history_month_formats.csv"),
        "--columns",
        "role=Team,month=Period,headcount=Headcount",
        "--as-of",
        "2024-03-31",
        "--kind",
        "history",
    )
    assert status == 0
    assert payload["as_of"] == "2024-03-31"
    assert payload["headcount"]["data_scientist"] == 12
    assert payload["columns_used"] == {"role": "Team", "month": "Period", "headcount": "Headcount"}


def test_date_order_option(capsys):
    status, payload, _ = run(capsys, str(CORPUS / "ambiguous_dates.csv"), "--date-order", "dmy")
    assert status == 0 and payload["as_of"] == "2024-04-03"
    # No warning about the dates; the one note says the file lists no leavers.
    assert [w.split(":")[0] for w in payload["warnings"]] == [
        "attrition and exit/hire rates were not estimated"
    ]


def test_leavers_since_option_sets_the_attrition_window(capsys):
    roster = str(REPO / "data" / "sample_roster.csv")
    status, payload, err = run(capsys, roster, "--leavers-since", "2022-01-01")
    assert status == 0 and err == ""
    assert payload["leavers_since"] == "2022-01-01"
    assert "leavers recorded since 2022-01-01 (as given)" in payload["attrition_window"]
    assert payload["attrition"]["data_scientist"]["method"].startswith(
        "leavers recorded since 2022-01-01 (given)"
    )
    assert {"annual", "low", "high"} == set(payload["attrition_first_year"]["data_scientist"])


def test_leavers_since_after_the_as_of_date_exits_2(capsys):
    status, payload, err = run(capsys, str(CORPUS / "roster_iso.csv"), "--leavers-since", "2030-01")
    assert status == 2 and payload is None
    assert err.startswith("error: leavers recorded since 2030-01-01 is after the as-of date")


def test_mapping_file(capsys, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Engineering Manager": "ml_engineer"}), encoding="utf-8")
    status, payload, _ = run(capsys, str(CORPUS / "roster_iso.csv"), "--mapping", str(mapping))
    assert status == 0
    assert payload["headcount"]["ml_engineer"] == 2
    assert payload["unmapped_titles"] == {}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ragged_long.csv"], "error: line 3 has 4 fields but the header (line 1) has 3"),
        (["empty.csv"], "error: empty.csv is empty"),
        (["negative_count.csv"], "error: line 3, column 'count': '-2' is negative"),
        (["no_title.csv"], "error: no_title.csv has no column the planner recognises as job"),
        (["ambiguous_dates.csv", "--date-order", "ydm"], "error: date_order: 'ydm'"),
        (["roster_iso.csv", "--as-of", "someday"], "error: as-of date: 'someday' is not a"),
        (["roster_iso.csv", "--columns", "title=Nope"], "error: roster_iso.csv has no column"),
        (["roster_iso.csv", "--columns", "oops"], "error: --columns: 'oops' is not name=header"),
        (["roster_iso.csv", "--kind", "table"], "error: kind: 'table' is not valid"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(capsys, argv, expected):
    status, payload, err = run(capsys, str(CORPUS / argv[0]), *argv[1:])
    assert status == 2
    assert payload is None
    assert err.startswith(expected)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_directory(capsys, tmp_path):
    status, _, err = run(capsys, str(tmp_path / "nope.csv"))
    assert status == 2 and err.startswith("error: cannot read") and err.count("\n") == 1
    status, _, err = run(capsys, str(tmp_path))
    assert status == 2 and "is a directory" in err


def test_bad_mapping_files(capsys, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    status, _, err = run(capsys, str(CORPUS / "roster_iso.csv"), "--mapping", str(broken))
    assert status == 2 and "is not valid JSON (line 1, column 2)" in err
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    status, _, err = run(capsys, str(CORPUS / "roster_iso.csv"), "--mapping", str(listed))
    assert status == 2 and "must hold a JSON object" in err
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"Engineering Manager": "boss"}', encoding="utf-8")
    status, _, err = run(capsys, str(CORPUS / "roster_iso.csv"), "--mapping", str(unknown))
    assert status == 2 and "'boss'" in err


def test_oversized_file_is_refused_before_reading_it(capsys, tmp_path, monkeypatch):
    from forecasting import ingest

    monkeypatch.setattr(ingest, "MAX_BYTES", 10)
    big = tmp_path / "big.csv"
    big.write_bytes(b"job_title\n" + b"Data Scientist\n" * 10)
    status, _, err = run(capsys, str(big))
    assert status == 2 and "big.csv is" in err and "limit" in err


def test_parse_columns_allows_commas_in_headers():
    assert cli_ingest.parse_columns("title=Title, Job,start=Hire Date") == {
        "title": "Title, Job",
        "start": "Hire Date",
    }
    assert cli_ingest.parse_columns("") is None


def test_json_has_no_nan():
    assert cli_ingest._finite({"a": [float("nan"), 1.0], "b": float("inf")}) == {
        "a": [None, 1.0],
        "b": None,
    }


def test_module_import_is_cheap():
    code = (
        "import sys, forecasting.cli.ingest; "
        "print(sorted(m for m in ('pandas', 'numpy', 'statsmodels', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_python_dash_m_forecasting_ingest_end_to_end():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "forecasting", "ingest", str(REPO / "data" / "sample_roster.csv")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["as_of"] == "2026-10-31"
    assert payload["headcount"]["data_scientist"] == 30
    bad = subprocess.run(
        [sys.executable, "-m", "forecasting", "ingest", str(CORPUS / "ragged_short.csv")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("error: line 3 has 2 fields") and bad.stderr.count("\n") == 1


# --------------------------------------------------------------------------- real exports


@pytest.mark.slow
def test_a_panel_prints_kind_panel_header_line_and_as_of_source(capsys):
    status, payload, _ = run(capsys, str(CORPUS / "panel_small.csv"))
    assert status == 0
    assert payload["kind"] == "panel" and payload["people"] == 5
    assert payload["header_line"] == 1 and payload["as_of_source"] == "latest date"
    status, payload, _ = run(capsys, str(CORPUS / "german_titles_totals.csv"))
    assert payload["header_line"] == 4 and payload["as_of_source"] == "file"
    assert payload["exits_by_reason"]["data_engineer"] == {"voluntary": 1}
    status, payload, _ = run(capsys, str(CORPUS / "panel_small.csv"), "--as-of", "2024-06-30")
    assert payload["as_of_source"] == "given"


def test_a_mapping_file_from_the_app_reads_a_localised_export(capsys, tmp_path):
    export = tmp_path / "effectifs.csv"
    export.write_bytes(
        b"Rapport;;\nMatricule;Intitule du poste;Date d'entree\n1;Chercheur;01.03.2021\n"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "format": "ml-workforce-planner mapping",
                "version": 1,
                "columns": {"title": "Intitule du poste", "start": "Date d'entree"},
                "titles": {"Chercheur": "data_scientist"},
                "header_line": 2,
            }
        ),
        encoding="utf-8",
    )
    status, payload, err = run(capsys, str(export), "--mapping", str(mapping))
    assert status == 0, err
    assert payload["kind"] == "roster" and payload["headcount"]["data_scientist"] == 1
    assert payload["header_line"] == 2


def test_a_refusal_a_choice_fixes_names_the_command_line_flag(capsys):
    status, _, err = run(capsys, str(CORPUS / "no_title.csv"))
    assert status == 2
    assert "under Column mapping" in err and "(on the command line: --columns title=" in err


def test_header_line_and_count_reasons_flags(capsys):
    status, payload, _ = run(
        capsys,
        str(CORPUS / "german_titles_totals.csv"),
        "--header-line",
        "4",
        "--count-reasons",
        "voluntary",
    )
    assert status == 0 and payload["header_line"] == 4
    assert payload["counted_reasons"] == ["voluntary"]
