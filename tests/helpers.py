"""Test data shared by more than one test module (import as ``tests.helpers``)."""

from __future__ import annotations

#: A small roster: 3 data scientists (a fourth left on 2024-06-30), 1 ML engineer, 1 data
#: engineer.
ROSTER = b"""employee_id,job_title,start_date,end_date
E1,Data Scientist,2022-01-10,
E2,Senior Data Scientist,2022-03-01,
E3,Data Scientist,2023-05-01,
E4,Machine Learning Engineer,2023-06-01,
E5,Data Engineer,2024-01-15,
E6,Data Scientist,2022-02-01,2024-06-30
"""

#: Top-level keys of the ``python -m forecasting ingest`` JSON (IngestResult.to_json_dict).
INGEST_JSON_KEYS = [
    "kind",
    "as_of",
    "headcount",
    "unmapped_titles",
    "history",
    "rates",
    "annual_cost",
    "attrition",
    "attrition_first_year",
    "leavers_since",
    "attrition_window",
    "warnings",
]
