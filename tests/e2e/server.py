"""Start the app for real-browser tests, benchmarks and screenshots; wait for it properly."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network, as root, headless (see the env notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0) -> float:
    """Poll /_stcore/health until it answers 'ok'; return the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy within {timeout} s")


@contextlib.contextmanager
def running_app(
    port: int | None = None, extra_env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """Run `streamlit run app.py` headless on 127.0.0.1:port; yield its base URL."""
    port = port or free_port()
    env = {**os.environ, **(extra_env or {})}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app's script run has finished and no stale elements remain."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # A rerun may not have started yet right after an interaction: give it a beat to
    # flip to 'running', then wait for it to come back to 'notRunning'.
    with contextlib.suppress(Exception):
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stApp"]')
                 ?.getAttribute('data-test-script-state') === 'running'""",
            timeout=300,
        )
    page.wait_for_function(IDLE_JS, timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0",
        timeout=timeout,
    )
