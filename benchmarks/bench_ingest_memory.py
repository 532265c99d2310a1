"""Benchmark: peak memory of ingesting a ~19 MB roster (5 columns, and 200 columns) and a
195,000-row yearly panel.

Run by hand: ``python benchmarks/bench_ingest_memory.py [MEGABYTES]`` (default 19).
Two generated rosters, each ingested by ``ingest_bytes`` in fresh subprocesses:

* ``roster-5``: employee_id, job_title, start_date, end_date, salary; 200,000 rows
  (the ``MAX_ROWS`` cap), ids padded so that the file reaches the size;
* ``roster-200``: the same five columns plus 195 filler text columns (short words),
  with as many rows as reach the size;
* ``panel``: a ten-year yearly panel of 41,000 people (tests/hr_exports.py), about
  195,000 rows of seven columns, every one of them read.

For each case it prints:

* peak RSS: the peak resident set size after the ingest minus the baseline taken
  after the imports, a warm-up ingest (the lazy statsmodels/scipy imports) and
  reading the file. Before the baseline, freed heap pages are handed back
  (``malloc_trim``) and the high-water mark is reset to the current RSS (Linux
  ``/proc/self/clear_refs``), so that neither the imports' own peak nor reused free
  pages hide the ingest's. The peak is read from ``VmHWM`` in /proc/self/status:
  ``resource.getrusage(...).ru_maxrss`` (the fallback elsewhere) also holds the
  parent's peak, inherited at exec, which hides a child's smaller one. RSS is
  coarse: the allocator may still reuse pages;
* that peak as a multiple of the file size;
* traced peak: the ``tracemalloc`` peak of the same ingest in a second subprocess
  (Python and NumPy allocations, deterministic; slower, so not timed);
* the wall time of ``ingest_bytes`` (untraced run) and the pickled size of the
  IngestResult (what a session keeps).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ingest import TITLES

ROOT = Path(__file__).resolve().parents[1]
ROWS_5 = 200_000
FILLER_COLUMNS = 195

_CHILD = r"""
import ctypes, gc, json, pickle, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])


def high_water_kib():
    try:  # this process's own peak; ru_maxrss also counts the parent's, inherited at exec
        with open("/proc/self/status") as status:
            line = next(x for x in status if x.startswith("VmHWM:"))
        return int(line.split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


from forecasting.ingest import ingest_bytes
import forecasting.estimate.rates, forecasting.estimate.survival  # lazy imports, not measured
from benchmarks.bench_ingest import make_roster_csv
ingest_bytes(make_roster_csv(300, seed=1))  # warm-up
with open(sys.argv[2], "rb") as handle:
    data = handle.read()
gc.collect()
try:  # glibc: hand freed heap pages back, so that reusing them counts again
    ctypes.CDLL("libc.so.6").malloc_trim(0)
except OSError:
    pass
traced = sys.argv[3] == "trace"
if traced:
    tracemalloc.start()
try:  # Linux >= 4.0: reset the high-water mark to the current RSS
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    reset = True
except OSError:
    reset = False
base = high_water_kib()
t0 = time.perf_counter()
result = ingest_bytes(data)
wall = time.perf_counter() - t0
peak = high_water_kib()
print(json.dumps({
    "peak_kib": peak - base,
    "traced": tracemalloc.get_traced_memory()[1] if traced else 0,
    "wall": wall,
    "pickle": len(pickle.dumps(result)),
    "rows": result.rows,
    "reset": reset,
}))
"""


def _dates(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    start = np.datetime64("2012-01-01") + rng.integers(0, 365 * 14, rows).astype("timedelta64[D]")
    tenure = rng.exponential(365 * 4, rows).astype("int64").astype("timedelta64[D]")
    end = start + tenure
    left = end <= np.datetime64("2026-10-31")
    return start.astype(str), np.where(left, end.astype(str), "")


def _used_cells(rng: np.random.Generator, rows: int) -> list[tuple[str, str, str, str]]:
    """(title, start, end, salary) per row."""
    start, end = _dates(rng, rows)
    titles = np.asarray(TITLES, dtype=object)[rng.integers(0, len(TITLES), rows)]
    salary = np.rint(rng.lognormal(np.log(150_000), 0.2, rows) / 500) * 500
    return [(t, s, e, f'"${int(p):,}"') for t, s, e, p in zip(titles, start, end, salary)]


def roster_5(size: int, seed: int = 11) -> bytes:
    """A 200,000-row roster of about ``size`` bytes (ids padded to reach the size).

    Args:
        size: wanted file size in bytes.
        seed: random seed.

    Returns:
        UTF-8 CSV bytes: employee_id, job_title, start_date, end_date, salary.
    """
    rng = np.random.default_rng(seed)
    cells = _used_cells(rng, ROWS_5)
    header = "employee_id,job_title,start_date,end_date,salary"
    rest = sum(len(",".join(c)) + 2 for c in cells) + len(header) + 1  # + "," and "\n"
    width = max(7, (size - rest) // ROWS_5)
    lines = [header] + [f"E{i:0{width - 1}d}," + ",".join(c) for i, c in enumerate(cells)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def roster_200(size: int, seed: int = 12) -> bytes:
    """The five roster columns plus 195 filler text columns, about ``size`` bytes.

    Args:
        size: wanted file size in bytes.
        seed: random seed.

    Returns:
        UTF-8 CSV bytes with 200 columns (filler: words of 3-7 letters).
    """
    rng = np.random.default_rng(seed)
    letters = np.asarray(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = np.asarray(
        ["".join(rng.choice(letters, rng.integers(3, 8))) for _ in range(2_000)], dtype=object
    )
    mean_word = float(np.mean([len(w) for w in vocabulary]))
    rows = max(100, int(size * 1.02 / (64 + FILLER_COLUMNS * (mean_word + 1))))
    cells = _used_cells(rng, rows)
    header = "employee_id,job_title,start_date,end_date,salary," + ",".join(
        f"field_{k:03d}" for k in range(FILLER_COLUMNS)
    )
    filler = vocabulary[rng.integers(0, len(vocabulary), (rows, FILLER_COLUMNS))]
    lines = [header] + [
        f"E{i:06d}," + ",".join(c) + "," + ",".join(f)
        for i, (c, f) in enumerate(zip(cells, filler))
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if len(data) > size:  # whole rows only
        data = data[: data.rfind(b"\n", 0, size) + 1]
    return data


def _child(path: str, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ROOT), path, mode],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_case(data: bytes) -> dict[str, float]:
    """Ingest ``data`` in two fresh interpreters (plain, traced); return the measurements."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        found = _child(handle.name, "plain")
        found["traced"] = _child(handle.name, "trace")["traced"]
    found["bytes"] = len(data)
    return found


def panel(people: int = 41_000) -> bytes:
    """A yearly panel (tests/hr_exports.py) of about 195,000 rows, under ``MAX_ROWS``:
    person ids, record and hire dates, "1/1/1900" markers, status and reason are read."""
    from tests.hr_exports import yearly_panel

    return yearly_panel(people, seed=52)[0]


def main() -> None:
    """Generate the rosters and a panel, measure each in subprocesses, one line per case."""
    size = int(float(sys.argv[1]) * 1e6) if len(sys.argv) > 1 else 19_000_000
    cases = {"roster-5": roster_5(size), "roster-200": roster_200(size), "panel": panel()}
    for name, data in cases.items():
        m = run_case(data)
        rss, traced = m["peak_kib"] * 1024, m["traced"]
        print(
            f"{name:>10}: {m['bytes'] / 1e6:.1f} MB, {m['rows']:,} rows | "
            f"peak RSS +{rss / 2**20:.0f} MiB ({rss / m['bytes']:.1f}x file) | "
            f"traced peak {traced / 2**20:.0f} MiB ({traced / m['bytes']:.1f}x) | "
            f"{m['wall']:.2f} s | IngestResult pickle {m['pickle'] / 1e3:.0f} kB"
            + ("" if m["reset"] else " (high-water mark not reset: RSS may read low)")
        )


if __name__ == "__main__":
    main()
