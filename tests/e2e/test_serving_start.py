"""Safe from the first response (issue 22 item 8): the command the README and the image run,
``python -m ui.launch``, installs ui.serving's hooks before the server listens. A fresh
server's very first request, ``GET /`` before any session has run app.py, gets the
anti-framing headers; ``/_stcore/metrics`` is private and an upload nobody asked for is
refused from the first request too. (With plain ``streamlit run app.py`` the hooks wait
for the first session's run, and that first page went out without the headers.)"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import ROOT, free_port, stop
from tests.e2e.test_hardening import request

pytestmark = pytest.mark.e2e


def _listening(port: int) -> bool:
    """True once the port accepts a TCP connection (no HTTP request is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def launched(
    port: int | None = None, timeout: float = 60.0, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`python -m ui.launch` on a loopback port (a free one by default), waited for without
    an HTTP request: (base URL, process)."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "ui.launch",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
    ]
    fd, log_name = tempfile.mkstemp(prefix="launch-", suffix=".log")
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            assert proc.poll() is None, Path(log_name).read_text()
            assert time.monotonic() < deadline, "the server did not start listening"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)
        Path(log_name).unlink(missing_ok=True)


def test_the_first_page_of_a_fresh_server_forbids_framing_and_metrics_are_private():
    with launched() as (url, _):
        status, headers, body = request(url, path="/")  # the very first request
        assert status == 200 and b"<html" in body.lower()
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == "frame-ancestors 'none'"
        # Still no session has run app.py: metrics are private already, and uploads are
        # accepted only under file ids the server issued.
        remote = {"X-Forwarded-For": "203.0.113.9"}
        assert request(url, path="/_stcore/metrics", headers=remote)[0] == 404
        status, _, body = request(
            url,
            "PUT",
            "/_stcore/upload_file/made-up/00000000-0000-0000-0000-000000000000",
            body=b"x" * 1000,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert status == 404 and b"No file uploader asked" in body
        status, headers, _ = request(url, path="/_stcore/health")
        assert status == 200 and headers["x-frame-options"] == "DENY"
        # Streamlit's experimental agent API (drive the app without a browser) is off.
        json_post = {"Content-Type": "application/json"}
        assert (
            request(url, "POST", "/_stcore/agent/interact", body=b"{}", headers=json_post)[0] == 403
        )
