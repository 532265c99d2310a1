"""Tests for forecasting.ingest.aliases: the built-in title table and map_titles."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.ingest.aliases import (
    BLANK_TITLE,
    check_overrides,
    map_titles,
    normalize_title,
    role_for_title,
)
from forecasting.model.errors import IngestError
from forecasting.model.roles import OTHER, ROLE_KEYS


@pytest.mark.parametrize(
    ("title", "role"),
    [
        # the examples
        ("ML Engineer", "ml_engineer"),
        ("Machine Learning Engineer", "ml_engineer"),
        ("MLOps Engineer", "ml_engineer"),
        ("Data Scientist", "data_scientist"),
        ("Applied Scientist", "data_scientist"),
        ("Data Engineer", "data_engineer"),
        ("Analytics Engineer", "data_engineer"),
        ("BI Engineer", "data_engineer"),
        ("Data Architect", "data_engineer"),
        ("Product Manager", "product_manager"),
        ("Technical Product Manager", "product_manager"),
        # seniority prefixes and suffixes, punctuation, case, whitespace
        ("Sr. Machine Learning Engineer II", "ml_engineer"),
        ("Senior Data Scientist", "data_scientist"),
        ("Staff ML Engineer", "ml_engineer"),
        ("Principal Data Scientist III", "data_scientist"),
        ("Lead Data Scientist", "data_scientist"),
        ("Data Science Lead", "data_scientist"),
        ("Junior Data Scientist I", "data_scientist"),
        ("Jr Data Engineer", "data_engineer"),
        ("Associate Product Manager", "product_manager"),
        ("Sr Data Engineer, Level 3", "data_engineer"),
        ("ML Engineer L5", "ml_engineer"),
        ("Senior Machine-Learning Engineer", "ml_engineer"),
        ("  senior   DATA   engineer  ", "data_engineer"),
        ("DATA SCIENTIST", "data_scientist"),
        # qualifiers after a separator
        ("Data Scientist - Growth", "data_scientist"),
        ("Data Engineer (Contract)", "data_engineer"),
        ("ML Engineer | Platform", "ml_engineer"),
        ("Software Engineer, Machine Learning", "ml_engineer"),
        # other common titles
        ("AI Engineer", "ml_engineer"),
        ("Deep Learning Engineer", "ml_engineer"),
        ("Research Scientist", "data_scientist"),
        ("Decision Scientist", "data_scientist"),
        ("Data Platform Engineer", "data_engineer"),
        ("Business Intelligence Engineer", "data_engineer"),
        ("Product Owner", "product_manager"),
        # role keys and plurals (planner-style role columns)
        ("ml_engineer", "ml_engineer"),
        ("data_scientist", "data_scientist"),
        ("product_manager", "product_manager"),
        ("data_engineer", "data_engineer"),
        ("Data Scientists", "data_scientist"),
        ("MLE", "ml_engineer"),
        ("other", OTHER),
    ],
)
def test_built_in_aliases(title, role):
    assert role_for_title(title) == role


@pytest.mark.parametrize(
    "title",
    [
        "Engineering Manager",
        "Analytics Lead",
        "Head of Data Science",
        "Manager, Data Science",
        "Data Analyst",
        "Recruiter",
        "Director of Machine Learning",
        "ML Engineering Manager",
        "Data Science Intern",
        "",
        '=HYPERLINK("x","y")',
        "<img src=x onerror=alert(1)>",
    ],
)
def test_everything_else_is_other(title):
    assert role_for_title(title) == OTHER


def test_normalize_title():
    assert normalize_title("  Sr.  Machine-Learning   Engineer II ") == (
        "sr. machine learning engineer ii"
    )
    assert normalize_title("ml_engineer") == "ml engineer"
    assert normalize_title(None) == ""


def test_map_titles_lists_unmapped_with_counts_and_never_drops():
    titles = [
        "Data Scientist",
        "Recruiter",
        "ML Engineer",
        "Recruiter",
        None,
        "  ",
        "data scientist",
    ]
    mapping = map_titles(titles)
    assert list(mapping.roles) == [
        "data_scientist",
        OTHER,
        "ml_engineer",
        OTHER,
        OTHER,
        OTHER,
        "data_scientist",
    ]
    assert mapping.unmapped == {BLANK_TITLE: 2, "Recruiter": 2}
    table = mapping.title_counts
    assert list(table.columns) == ["title", "role", "count"]
    assert int(table["count"].sum()) == len(titles)
    assert set(table["title"]) == {
        "Data Scientist",
        "data scientist",
        "Recruiter",
        "ML Engineer",
        BLANK_TITLE,
    }


def test_map_titles_keeps_a_series_index():
    series = pd.Series(["ML Engineer", "Data Scientist"], index=[10, 20])
    assert list(map_titles(series).roles.index) == [10, 20]


def test_map_titles_weights():
    mapping = map_titles(["Data Scientist", "Designer", "Data Scientist"], weights=[3, 2, 4])
    table = mapping.title_counts.set_index("title")
    assert table.loc["Data Scientist", "count"] == 7
    assert mapping.unmapped == {"Designer": 2}


def test_overrides_win_and_match_case_insensitively():
    mapping = map_titles(
        ["Engineering Manager", "Data Scientist"],
        {"engineering  MANAGER": "ml_engineer", "Data Scientist": "other"},
    )
    assert list(mapping.roles) == ["ml_engineer", OTHER]
    assert mapping.unmapped == {"Data Scientist": 1}


def test_overrides_accept_a_role_label():
    assert check_overrides({"Wizard": "ML Engineer"}) == {"wizard": "ml_engineer"}


def test_override_to_an_unknown_role_is_refused():
    with pytest.raises(IngestError, match="'Wizard' is mapped to 'boss'"):
        check_overrides({"Wizard": "boss"})


def test_overrides_from_a_table():
    table = pd.DataFrame({"title": ["Wizard"], "role": ["data_engineer"], "count": [1]})
    assert list(map_titles(["Wizard"], table).roles) == ["data_engineer"]


def test_every_alias_maps_to_a_role_key():
    from forecasting.ingest.aliases import ALIASES

    assert set(ALIASES.values()) <= {*ROLE_KEYS, OTHER}
    for key in ALIASES:
        assert key == normalize_title(key)
