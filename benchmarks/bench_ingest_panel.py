"""Benchmark: upload a 50,000-row yearly panel (target: under 3 s), and check it reads people.

Run by hand: ``python benchmarks/bench_ingest_panel.py [ROWS]``. Generates a ten-year
yearly panel (tests/hr_exports.py: employee id, record date, hire date, termination date
1/1/1900 for active, status ACTIVE/TERMINATED, termination reason) of about ROWS rows,
ingests it as the app does (``ingest_bytes`` with the estimates), and prints:

* the file's size, rows and people;
* the seconds taken: a warm-up ingest first (the lazy statsmodels/scipy imports), then
  five runs (best and median wall-clock, best CPU);
* the headcount read on the as-of date against the simulated truth, per role;
* the attrition counts (exits, person-months) against the truth, and the annual rate.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import best_median, time_runs
from forecasting.ingest import ingest_bytes
from forecasting.model.roles import ROLE_KEYS
from tests.hr_exports import yearly_panel

ROWS_PER_PERSON = 4.75  # about, over ten yearly records


def main() -> None:
    """Generate the panel, ingest it, print timings and the comparison with the truth."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    data, truth = yearly_panel(int(rows / ROWS_PER_PERSON), seed=50)
    t0 = time.perf_counter()
    ingest_bytes(yearly_panel(300, seed=1)[0])
    warm = time.perf_counter() - t0
    result, timings, cpu = time_runs(lambda: ingest_bytes(data, filename="panel.csv"))
    best, median = best_median(timings)
    print(f"warm-up (imports + 300 people): {warm:.2f} s")
    print(f"panel: {result.rows:,} rows, {result.people:,} people, {len(data) / 1e6:.1f} MB")
    print(f"ingest_bytes: best {best:.2f} s, median {median:.2f} s wall (target < 3 s)")
    print(f"ingest_bytes: best {min(cpu):.2f} s CPU")
    expected = truth.headcount(truth.as_of)
    print(f"as of {result.as_of} ({result.as_of_source}); headcount read vs truth:")
    for role in (*ROLE_KEYS, "other"):
        print(f"  {role:>16}: {result.headcount[role]:>6,} vs {expected[role]:>6,}")
    counts = truth.window_counts(result.leavers_since)
    print(f"attrition over {result.leavers_since} to {result.as_of} (exits / person-months):")
    for role in ROLE_KEYS:
        got, want = result.attrition_counts[role], counts[role]
        print(
            f"  {role:>16}: {got['exits']:>5} / {got['person_months']:>10,.1f} vs truth "
            f"{want['exits']:>5} / {want['person_months']:>10,.1f}; annual "
            f"{result.attrition[role][0]:.1%}"
        )


if __name__ == "__main__":
    main()
