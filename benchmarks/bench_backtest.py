"""Benchmark: the backtest on a 5,000-person yearly panel (target: under 2 s).

Run by hand: ``python benchmarks/bench_backtest.py [PEOPLE]``. Generates the panel
(tests/hr_exports.py), reads it (``ingest_bytes`` without the estimates, as the command
line does), then times ``backtest_upload`` (12 months, 2,000 paths): the first call in a
fresh process (it imports scipy.stats), then five more (best and median wall,
best CPU). The app has imported them by the time the Forecast page asks for it. Also
prints ``python -m forecasting backtest FILE`` end to end (a new process) and the coverage.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import best_median, time_cli, time_runs
from forecasting.ingest import ingest_bytes
from forecasting.plan.backtest import backtest_upload
from tests.hr_exports import yearly_panel


def main() -> None:
    """Generate the panel, time the backtest, print it."""
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    data, _ = yearly_panel(people, seed=51)
    result = ingest_bytes(data, filename="panel.csv", estimate=False)
    t0 = time.perf_counter()
    backtest_upload(result)
    first = time.perf_counter() - t0
    bt, timings, cpu = time_runs(lambda: backtest_upload(result))
    best, median = best_median(timings)
    print(f"panel: {result.rows:,} rows, {result.people:,} people, as of {result.as_of}")
    print(f"backtest_upload, first call (imports scipy.stats): {first:.2f} s")
    print(f"backtest_upload: best {best:.2f} s, median {median:.2f} s wall (target < 2 s)")
    print(f"backtest_upload: best {min(cpu):.2f} s CPU")
    print(bt.sentence())
    print(f"coverage by measure: {bt.coverage_by('measure')}")
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        [took] = time_cli(["backtest", handle.name])
        print(f"python -m forecasting backtest FILE (a new process): {took:.2f} s")


if __name__ == "__main__":
    main()
