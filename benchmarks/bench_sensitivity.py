"""Benchmark: the whole sensitivity tornado on 2,000 paths (issue target: under 2 s).

Times `forecasting.plan.sensitivity.sensitivity` in-process on the sample team (the app's
scenario without its ML engineer plan, 2,000 paths, even strategy), median and max of N
runs after one warm-up, and the CLI as a user runs it (`python -m forecasting
sensitivity`, interpreter start included). Also prints how many scenarios were solved.

Run from the repository root: python -m benchmarks.bench_sensitivity [runs]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, time_cli
from forecasting.model.edits import without_mle_plan
from forecasting.model.scenario import Scenario
from forecasting.plan.sensitivity import sensitivity


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sample = Scenario.from_json((ROOT / "data" / "sample_scenario.json").read_text())
    sc = without_mle_plan(sample).replace(paths=2000)
    result = sensitivity(sc)  # warm-up (imports, numpy)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sensitivity(sc)
        times.append(time.perf_counter() - t0)
    print(f"rows: {len(result.rows)} assumptions x 2 ends = {2 * len(result.rows)} re-solves")
    print(f"in-process: median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        fh.write(sc.to_json())
    cli = time_cli(["sensitivity", fh.name], runs=max(runs // 2, 1))
    print(f"CLI (interpreter start included): median {statistics.median(cli):.2f} s")
    Path(fh.name).unlink()


if __name__ == "__main__":
    main()
