"""Generate the sample team roster (data/sample_roster.csv) and the upload templates.

Fixed seed, so the output is reproducible: ``python data/make_sample.py``.

The sample team is fictional: a data/ML organisation founded in January 2022 that
grows, month by month, towards today's (2026-10-31) headcount of 8 data engineers,
30 data scientists, 3 ML engineers and 3 product managers (an ML engineer : data
scientist ratio of 1:10), plus a few people whose titles map to no planner role.
Every month each person leaves with probability 1 - (1 - 14%)^(1/12), and about
half of the open seats are filled each month (the last month is topped up), so the
roster carries realistic exits, backfills and tenure. Salaries are log-normal around
2023 US medians.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 2  # chosen among small seeds: every role has exits, ~14%/yr overall
AS_OF = dt.date(2026, 10, 31)
FIRST_MONTH = (2022, 1)
ANNUAL_ATTRITION = 0.14
FILL_PER_MONTH = 0.5  # share of open seats filled each month (~2 months to fill)
HERE = Path(__file__).resolve().parent

# role group -> (people in Jan 2022, people on AS_OF, median salary USD, titles + weights)
TEAM: dict[str, tuple[int, int, float, list[tuple[str, float]]]] = {
    "data_engineer": (
        3,
        8,
        145_000,
        [
            ("Data Engineer", 4),
            ("Senior Data Engineer", 3),
            ("Analytics Engineer", 2),
            ("Sr. Data Engineer II", 1),
            ("Data Architect", 1),
            ("BI Engineer", 1),
        ],
    ),
    "data_scientist": (
        10,
        30,
        154_000,
        [
            ("Data Scientist", 6),
            ("Senior Data Scientist", 5),
            ("Data Scientist II", 3),
            ("Sr. Data Scientist", 2),
            ("Staff Data Scientist", 1.5),
            ("Lead Data Scientist", 1),
            ("Principal Data Scientist", 0.5),
            ("Applied Scientist", 1.5),
            ("Junior Data Scientist", 1.5),
            ("Data Scientist - Growth", 1),
        ],
    ),
    "ml_engineer": (
        1,
        3,
        165_000,
        [
            ("Machine Learning Engineer", 3),
            ("Senior ML Engineer", 2),
            ("MLOps Engineer", 1),
        ],
    ),
    "product_manager": (
        1,
        3,
        160_000,
        [
            ("Product Manager", 3),
            ("Technical Product Manager", 2),
            ("Senior Product Manager", 1),
        ],
    ),
    "other": (
        2,
        6,
        150_000,
        [
            ("Engineering Manager", 2),
            ("Data Analyst", 3),
            ("Head of Data Science", 1),
            ("Analytics Lead", 1),
        ],
    ),
}


def _month_bounds(serial: int) -> tuple[dt.date, dt.date]:
    year, month = divmod(serial, 12)
    month += 1
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _random_day(rng: np.random.Generator, serial: int) -> dt.date:
    first, last = _month_bounds(serial)
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _seniority(title: str) -> float:
    """Salary multiple of a title relative to the role median."""
    if any(word in title for word in ("Principal", "Head", "Lead", "Staff")):
        return 1.3
    if any(word in title for word in ("Senior", "Sr.")):
        return 1.1
    if "Junior" in title:
        return 0.8
    return 0.95


def make_roster(seed: int = SEED) -> list[dict[str, str]]:
    """Simulate the sample team month by month; return one dict per person.

    Args:
        seed: random seed.

    Returns:
        Rows with employee_id, job_title, department, start_date, end_date, salary.
    """
    rng = np.random.default_rng(seed)
    pay_rng = np.random.default_rng(seed + 1)  # salaries drawn apart from the flows
    p_exit = 1.0 - (1.0 - ANNUAL_ATTRITION) ** (1.0 / 12.0)
    first = FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1
    last = AS_OF.year * 12 + AS_OF.month - 1
    months = np.arange(first, last + 1)
    people: list[dict[str, object]] = []
    for group, (n0, n1, median, titles) in TEAM.items():
        names = [t for t, _ in titles]
        weights = np.array([w for _, w in titles], dtype=float)
        weights /= weights.sum()
        # Planned size: grows from n0 to n1, S-shaped, reaching n1 at AS_OF.
        progress = np.clip((months - first) / max(len(months) - 1, 1), 0.0, 1.0)
        planned = np.rint(n0 + (n1 - n0) * (3 * progress**2 - 2 * progress**3)).astype(int)
        active: list[dict[str, object]] = []
        for k, serial in enumerate(months):
            if k > 0:
                stay = []
                for person in active:
                    if rng.random() < p_exit:
                        end = _random_day(rng, int(serial))
                        end = max(end, person["start"] + dt.timedelta(days=1))  # type: ignore[operator]
                        if end > _month_bounds(int(serial))[1]:
                            stay.append(person)
                            continue
                        person["end"] = end
                    else:
                        stay.append(person)
                active = stay
            # Open seats take a while to fill (about half of them each month); the
            # last month is topped up so the as-of headcount is the documented team.
            gap = max(int(planned[k]) - len(active), 0)
            hires = gap if k == len(months) - 1 else int(rng.binomial(gap, FILL_PER_MONTH))
            for _ in range(hires):
                title = str(rng.choice(names, p=weights))
                noise = float(np.exp(pay_rng.normal(0.0, 0.06)))
                salary = median * _seniority(title) * noise
                person = {
                    "group": group,
                    "title": title,
                    "start": _random_day(rng, int(serial)),
                    "end": None,
                    "salary": int(round(salary / 500.0) * 500),
                }
                people.append(person)
                active.append(person)
    # One analyst leaves on the as-of date itself, so the roster's latest date is
    # AS_OF and an upload without an explicit as-of date reads it as of 2026-10-31.
    leaver = next(p for p in people if p["group"] == "other" and p["end"] is None)
    leaver["end"] = AS_OF
    people.sort(key=lambda p: (p["start"], p["title"]))  # type: ignore[arg-type, return-value]
    rows = []
    for i, person in enumerate(people, start=1):
        end = person["end"]
        rows.append(
            {
                "employee_id": f"E{i:04d}",
                "job_title": str(person["title"]),
                "department": "Data & AI",
                "start_date": person["start"].isoformat(),  # type: ignore[union-attr]
                "end_date": end.isoformat() if end else "",  # type: ignore[union-attr]
                "salary": str(person["salary"]),
            }
        )
    return rows


TEMPLATES: dict[str, str] = {
    "snapshot.csv": (
        "role,count\ndata_engineer,8\ndata_scientist,30\nml_engineer,3\nproduct_manager,3\n"
    ),
    "history.csv": (
        "month,role,headcount,hires,exits\n"
        "2026-08,data_engineer,8,0,0\n"
        "2026-08,data_scientist,29,1,0\n"
        "2026-08,ml_engineer,3,0,0\n"
        "2026-08,product_manager,3,0,0\n"
        "2026-09,data_engineer,8,1,1\n"
        "2026-09,data_scientist,30,1,0\n"
        "2026-09,ml_engineer,3,0,0\n"
        "2026-09,product_manager,3,0,0\n"
        "2026-10,data_engineer,8,0,0\n"
        "2026-10,data_scientist,30,1,1\n"
        "2026-10,ml_engineer,3,0,0\n"
        "2026-10,product_manager,3,0,0\n"
    ),
    # A roster holds every current employee (end_date empty) and every leaver since a
    # date -- here 2024-01-01, to be given as "leavers recorded since" (else the earliest
    # end date is taken); attrition is counted over that window only (data/README.md).
    "roster.csv": (
        "employee_id,job_title,start_date,end_date,salary,termination_reason\n"
        "E001,Senior Data Scientist,2022-03-14,,165000,\n"
        "E002,Machine Learning Engineer,2023-06-01,,160000,\n"
        "E003,Data Engineer,2022-09-19,2025-04-30,140000,Resignation\n"
        "E004,Data Scientist,2024-01-08,,135000,\n"
        "E005,Technical Product Manager,2023-02-01,,158000,\n"
        "E006,Analytics Engineer,2025-05-12,,138000,\n"
        "E007,Data Scientist,2021-05-03,2024-02-16,150000,Layoff\n"
        "E008,Senior ML Engineer,2023-01-09,2025-09-30,175000,Resignation\n"
    ),
    # A panel: one row per person per record date (a yearly snapshot here). A person's
    # rows share the employee_id; the final row of a leaver has their termination date
    # (and status TERMINATED); a title change takes effect on its record date.
    "panel.csv": (
        "employee_id,record_date,job_title,hire_date,termination_date,status,"
        "termination_reason\n"
        "E001,2024-12-31,Data Scientist,2022-03-14,,ACTIVE,\n"
        "E001,2025-12-31,Senior Data Scientist,2022-03-14,,ACTIVE,\n"
        "E002,2024-12-31,Machine Learning Engineer,2023-06-01,,ACTIVE,\n"
        "E002,2025-12-31,Machine Learning Engineer,2023-06-01,,ACTIVE,\n"
        "E003,2024-12-31,Data Engineer,2022-09-19,,ACTIVE,\n"
        "E003,2025-12-31,Data Engineer,2022-09-19,2025-04-30,TERMINATED,Resignation\n"
        "E004,2024-12-31,Data Scientist,2024-01-08,,ACTIVE,\n"
        "E004,2025-12-31,Data Scientist,2024-01-08,,ACTIVE,\n"
        "E005,2024-12-31,Technical Product Manager,2023-02-01,,ACTIVE,\n"
        "E005,2025-12-31,Technical Product Manager,2023-02-01,,ACTIVE,\n"
        "E006,2025-12-31,Data Engineer,2025-05-12,,ACTIVE,\n"
    ),
    # The mapping file the app downloads (Team & data, Column mapping): which column holds
    # which field, job title -> role; loaded next month, the export reads in one step.
    "mapping.json": (
        "{\n"
        '  "format": "ml-workforce-planner mapping",\n'
        '  "version": 1,\n'
        '  "columns": {\n'
        '    "person": "Personalnummer",\n'
        '    "title": "Stellenbezeichnung",\n'
        '    "start": "Eintrittsdatum",\n'
        '    "end": "Austrittsdatum",\n'
        '    "reason": "Austrittsgrund",\n'
        '    "salary": null\n'
        "  },\n"
        '  "titles": {\n'
        '    "Data Scientist": "data_scientist",\n'
        '    "Werkstudent Data Science": "other"\n'
        "  },\n"
        '  "date_order": "dmy",\n'
        '  "counted_reasons": ["voluntary", "involuntary", "retirement", "other", "not given"]\n'
        "}\n"
    ),
}


def main() -> None:
    """Write data/sample_roster.csv and data/templates/ (the CSV templates, mapping.json)."""
    rows = make_roster()
    with open(HERE / "sample_roster.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    templates = HERE / "templates"
    templates.mkdir(exist_ok=True)
    for name, text in TEMPLATES.items():
        (templates / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} people to sample_roster.csv and {len(TEMPLATES)} templates")


if __name__ == "__main__":
    main()
