"""Benchmark: wall time of `python -m forecasting plan` on a 2,000-path scenario (< 1.5 s).

Interpreter start-up included; the median of several runs is printed, next to
the bare interpreter start (`python -c pass`) and `python -c "import numpy"`
for context.

Run from the repository root: python -m benchmarks.bench_cli
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "scenario.json"  # paths: 2000


def wall(argv: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def main(runs: int = 9) -> None:
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "python -m forecasting plan (2,000 paths)": [
            sys.executable,
            "-m",
            "forecasting",
            "plan",
            str(EXAMPLE),
            "--paths",
            "2000",
        ],
    }
    for name, argv in cases.items():
        times = wall(argv, runs)
        print(
            f"{name}: median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s ({runs} runs)"
        )


if __name__ == "__main__":
    main()
