"""`python -m ui.launch`: the serving hooks, then the warm-up's starter, then Streamlit's
own command line with the options given (README, Dockerfile)."""

from __future__ import annotations

import pytest
from streamlit.web import cli

from ui import launch, serving, warmup


def test_launch_installs_the_hooks_starts_the_warm_up_then_runs_the_app(
    monkeypatch: pytest.MonkeyPatch,
):
    order: list[object] = []
    monkeypatch.setattr(serving, "install_at_start", lambda: order.append("hooks"))
    monkeypatch.setattr(warmup, "start_when_serving", lambda: order.append("warm-up"))
    monkeypatch.setattr(cli, "main", lambda args, prog_name: order.append((args, prog_name)))
    launch.main(["--server.port", "8765"])
    assert order == [
        "hooks",
        "warm-up",
        (["run", str(launch.APP), "--server.port", "8765"], "streamlit"),
    ]
