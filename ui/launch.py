"""Start the planner's server safe from its first response: ``python -m ui.launch
[options]`` is ``streamlit run app.py [options]`` with ui.serving's hooks (anti-framing
headers, private metrics, bounded uploads, no anonymous cache clearing) installed before
the server listens, instead of on the first session's run. The README and the Dockerfile
run the app with it; any ``streamlit run`` option may follow (``--server.port 8501``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: Sequence[str] | None = None) -> None:
    """Install the hooks, then hand over to Streamlit's own command line."""
    from streamlit.web import cli

    from ui import serving

    serving.install_at_start()
    options = list(sys.argv[1:] if argv is None else argv)
    cli.main(["run", str(APP), *options], prog_name="streamlit")


if __name__ == "__main__":
    main()
