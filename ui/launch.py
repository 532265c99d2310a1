"""Start the planner's server safe from its first response: ``python -m ui.launch
[options]`` is ``streamlit run app.py [options]`` with ui.serving's hooks (anti-framing
headers, private metrics, bounded uploads, no anonymous cache clearing) installed before
the server listens, instead of on the first session's run. The README and the Dockerfile
run the app with it; any ``streamlit run`` option may follow (``--server.port 8501``).

Once the server answers, its warm-up (ui/warmup.py) prepares the first screen in the
background (imports, chart templates, the built-in sample's plan) so that a fresh
server's first visitor waits no longer than the next one; ``PLANNER_WARMUP=0`` switches
it off. Plain ``streamlit run app.py`` has no warm-up.

BLAS threads are left as numpy sets them: with OPENBLAS_NUM_THREADS=1 a cold Hiring plan
rerun cost no less CPU (benchmarks/bench_room.py, sample team, 12 controls x modes, two
alternating runs each: the cold-CPU medians summed 0.79 / 0.76 s unset, 0.86 / 0.82 s
with one thread), the engine's hot loops no longer calling a large BLAS product.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: Sequence[str] | None = None) -> None:
    """Install the hooks, then hand over to Streamlit's own command line."""
    from streamlit.web import cli

    from ui import serving, warmup

    serving.install_at_start()
    warmup.start_when_serving()  # a daemon thread: waits for the server, then queues it
    options = list(sys.argv[1:] if argv is None else argv)
    cli.main(["run", str(APP), *options], prog_name="streamlit")


if __name__ == "__main__":
    main()
