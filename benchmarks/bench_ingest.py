"""Benchmark: ingest a generated 100,000-row HR roster (target: under 2 s).

Run by hand: ``python benchmarks/bench_ingest.py [ROWS]``. Prints the file size and
the seconds taken by ``ingest_bytes`` (parse, map titles, build the monthly history,
estimate rates and tenure-based attrition). A first, tiny ingest warms up the lazy
statsmodels/scipy imports so that the timing is of the work itself; its time is
printed too. Five runs: best and median wall-clock seconds, and best CPU seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import best_median, time_runs
from forecasting.ingest import ingest_bytes

TITLES = (
    "Data Scientist",
    "Senior Data Scientist",
    "Sr. Data Scientist II",
    "Applied Scientist",
    "Machine Learning Engineer",
    "Staff ML Engineer",
    "MLOps Engineer",
    "Data Engineer",
    "Senior Data Engineer",
    "Analytics Engineer",
    "Data Architect",
    "Product Manager",
    "Technical Product Manager",
    "Engineering Manager",
    "Data Analyst",
)


def make_roster_csv(rows: int, seed: int = 7) -> bytes:
    """Return a synthetic roster CSV (id, title, start, end, salary) as bytes.

    Args:
        rows: number of people.
        seed: random seed.

    Returns:
        UTF-8 CSV bytes, with US-style salaries ("$152,000") and ISO dates.
    """
    rng = np.random.default_rng(seed)
    start = np.datetime64("2012-01-01") + rng.integers(0, 365 * 14, rows).astype("timedelta64[D]")
    tenure = rng.exponential(365 * 4, rows).astype("int64").astype("timedelta64[D]")
    end = start + tenure
    left = end <= np.datetime64("2026-10-31")
    titles = np.asarray(TITLES, dtype=object)[rng.integers(0, len(TITLES), rows)]
    salary = np.rint(rng.lognormal(np.log(150_000), 0.2, rows) / 500) * 500
    lines = ["employee_id,job_title,start_date,end_date,salary"]
    start_s = start.astype(str)
    end_s = np.where(left, end.astype(str), "")
    lines += [
        f'E{i:06d},{t},{s},{e},"${int(p):,}"'
        for i, t, s, e, p in zip(range(rows), titles, start_s, end_s, salary)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    """Generate the roster, ingest it, print the timings."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    ingest_bytes(make_roster_csv(200, seed=1))
    warm = time.perf_counter() - t0
    data = make_roster_csv(rows)
    result, timings, cpu = time_runs(lambda: ingest_bytes(data, as_of="2026-10-31"))
    print(f"warm-up (imports + 200 rows): {warm:.2f} s")
    print(f"roster: {rows:,} rows, {len(data) / 1e6:.1f} MB")
    best, median = best_median(timings)
    print(f"ingest_bytes: best {best:.2f} s, median {median:.2f} s wall (target < 2 s)")
    print(f"ingest_bytes: best {min(cpu):.2f} s CPU (less sensitive to a busy machine)")
    print(f"headcount on {result.as_of}: {result.headcount}")
    print(f"history: {len(result.history)} rows; warnings: {len(result.warnings)}")


if __name__ == "__main__":
    main()
