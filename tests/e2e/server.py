"""Start the app for real-browser tests, benchmarks and screenshots; wait for it properly.

- :func:`app_server` runs ``streamlit run <script>`` headless on a free loopback port,
  waits for ``/_stcore/health`` and yields an :class:`AppProcess` (URL, pid, server log,
  RSS, ``/_stcore/metrics``); :func:`running_app` is the same, yielding just the URL.
- :data:`TRACKER_JS`, added to a browser context with :func:`new_context`, counts the
  app's script runs in the page, so :func:`expect_rerun` waits for *the* rerun an
  interaction caused (never a fixed sleep, never a stale idle state).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
#: The cookie secret the test servers share, as replicas behind a load balancer must.
SHARED_COOKIE_SECRET = "e2e-shared-cookie-secret-" + "0" * 40
#: Desktop viewport used by the tests and benchmarks (sidebar expanded, two-column layout).
VIEWPORT = {"width": 1440, "height": 1000}


def browser_missing_reason() -> str | None:
    """Why real-browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        return (
            f"Debian chromium not found at {CHROMIUM_PATH}: "
            "`apt-get install chromium chromium-driver` (.ci/run does this)"
        )
    try:
        import playwright.sync_api  # noqa: F401 - only checks that it is installed
    except ImportError:
        return "playwright (python) is not installed: pip install -r requirements-dev.txt"
    return None


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> float:
    """Poll /_stcore/health until it answers 'ok'; return the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the app server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not become healthy within {timeout} s")


_METRIC_LINE = re.compile(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$")


def parse_metrics(text: str) -> dict[str, float]:
    """OpenMetrics text -> {'name{labels}': value} (comments skipped)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        m = _METRIC_LINE.match(line.strip())
        if m and not line.startswith("#"):
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


@dataclass
class AppProcess:
    """A running Streamlit server started by :func:`app_server`."""

    url: str
    proc: subprocess.Popen
    log_path: Path
    started_at: float
    healthy_after: float

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        """Everything the server wrote to stderr so far (Streamlit's log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rss_bytes(self) -> int:
        """Resident memory of the server process (from /proc)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
        return kb * 1024

    def metrics(self) -> dict[str, float]:
        """The server's /_stcore/metrics (session events, active sessions, cache sizes)."""
        with urllib.request.urlopen(f"{self.url}/_stcore/metrics", timeout=10) as r:
            return parse_metrics(r.read().decode())

    def active_sessions(self) -> int:
        """Sessions with a connected websocket, as the runtime counts them."""
        return int(self.metrics().get("active_sessions", 0))

    def wait_sessions(self, at_most: int, timeout: float = 30.0) -> float:
        """Wait until at most `at_most` sessions are active; return the seconds waited."""
        start = time.monotonic()
        while (n := self.active_sessions()) > at_most:
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"{n} sessions still active after {timeout} s")
            time.sleep(0.1)
        return time.monotonic() - start


@contextlib.contextmanager
def app_server(
    script: str | Path | None = None,
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 60.0,
) -> Iterator[AppProcess]:
    """Run `streamlit run <script>` (default app.py) headless on 127.0.0.1:port.

    The working directory is the repository root, so the project's
    .streamlit/config.toml applies to any script (also a benchmark's bare page).
    The server log goes to a temporary file (a pipe nobody reads would fill up and
    block the server under load); it is deleted afterwards.
    """
    port = port or free_port()
    env = {**os.environ, **(extra_env or {})}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script or ROOT / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        *extra_args,
    ]
    fd, log_name = tempfile.mkstemp(prefix="streamlit-", suffix=".log")
    log_path = Path(log_name)
    started = time.monotonic()
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        healthy = wait_healthy(url, timeout, proc)
        yield AppProcess(url, proc, log_path, started, healthy)
    finally:
        stop(proc)
        log_path.unlink(missing_ok=True)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server process; kill it if it has not exited within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_app(
    port: int | None = None, extra_env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """Run `streamlit run app.py` headless on 127.0.0.1:port; yield its base URL."""
    with app_server(port=port, extra_env=extra_env, timeout=timeout) as app:
        yield app.url


IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && !document.querySelector('[data-testid="stSkeleton"]')
      && !document.querySelector('[data-stale="true"]');
}"""

#: Installed in every page before the app's scripts (context init script):
#:
#: - ``window.__st.done`` counts script runs that *finished*, read off the websocket: every
#:   ForwardMsg whose field 6 (script_finished) says finished successfully, or finished a
#:   fragment run (not "stopped early for a rerun"); ``doneAt`` is the performance.now() of
#:   the last one; ``fragments`` counts the fragment runs among them. The DOM's
#:   data-test-script-state cannot be counted on for this: when a run is quick, or the
#:   browser busy, React renders 'running' and 'notRunning' in one go and the attribute
#:   never shows 'running'.
#: - ``idles`` counts the app root's data-test-script-state becoming 'notRunning'.
TRACKER_JS = """(() => {
  if (window.__st) return;
  const T = window.__st = {done: 0, doneAt: 0, fragments: 0, idles: 0, state: null, idleAt: 0};
  const varint = (b, i) => {
    let x = 0, shift = 0, c;
    do { c = b[i++]; x += (c & 0x7f) * 2 ** shift; shift += 7; } while (c & 0x80);
    return [x, i];
  };
  const finishedStatus = (buffer) => {  // top-level ForwardMsg fields only
    const b = new Uint8Array(buffer);
    let i = 0, tag, value;
    while (i < b.length) {
      [tag, i] = varint(b, i);
      const field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { [value, i] = varint(b, i); if (field === 6) return value; }
      else if (wire === 2) { [value, i] = varint(b, i); i += value; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return null;
    }
    return null;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const status = finishedStatus(event.data);
        if (status === 0 || status === 3) { T.done += 1; T.doneAt = performance.now(); }
        if (status === 3) T.fragments += 1;  // of which fragment runs (st.fragment)
      });
    }
  };
  const seen = (s) => {
    if (s === T.state) return;
    T.state = s;
    if (s === 'notRunning') { T.idles += 1; T.idleAt = performance.now(); }
  };
  const current = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  const start = () => {
    new MutationObserver(() => seen(current())).observe(document.documentElement, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ['data-test-script-state'],
    });
    seen(current());
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
})();"""


def launch_chromium(playwright):
    """Headless Debian Chromium (CHROMIUM_PATH, CHROMIUM_ARGS) from a started Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)


def new_context(browser, **kwargs):
    """A browser context with the run tracker installed and the tests' viewport."""
    kwargs.setdefault("viewport", VIEWPORT)
    context = browser.new_context(**kwargs)
    context.add_init_script(TRACKER_JS)
    return context


def runs(page) -> int:
    """Script runs finished so far in the page (needs a context from :func:`new_context`)."""
    return int(page.evaluate("() => window.__st ? window.__st.done : -1"))


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app's script run has finished and no stale elements remain.

    Right after an interaction prefer :func:`expect_rerun`, which knows whether the
    rerun it waits for has happened; this is for page loads.
    """
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


def wait_loaded(page, timeout: float = 120_000) -> None:
    """Wait until a freshly loaded page's first script run has finished and is drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    if runs(page) < 0:  # no tracker in this page
        wait_idle(page, timeout)
        return
    page.wait_for_function("() => window.__st.done > 0", timeout=timeout, polling=20)
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=20)


def open_app(page, url: str, timeout: float = 120_000) -> None:
    """Navigate to `url` and wait until its first script run has finished."""
    page.goto(url)
    wait_loaded(page, timeout)


@contextlib.contextmanager
def expect_rerun(page, timeout: float = 60_000) -> Iterator[None]:
    """Wait, after the block, for a script run that finished after the block began, and
    for the page to have drawn it (idle, no stale element).

    Example::

        with expect_rerun(page):
            slider.press("ArrowLeft")
    """
    before = runs(page)
    yield
    if before < 0:  # no tracker in this page: fall back to the heuristic wait
        wait_idle(page, timeout)
        return
    page.wait_for_function(f"() => window.__st.done > {before}", timeout=timeout, polling=20)
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=20)


def warm_up(browser, url: str) -> None:
    """Open the app's main page once, so the tests start from a server that has run it
    (modules loaded, the sample team's caches filled). test_pages.py checks a fresh
    server's very first session on its own server.
    """
    ctx = new_context(browser)
    try:
        open_app(ctx.new_page(), url)
    finally:
        ctx.close()


METRICS_JS = """() => Object.fromEntries(
  [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
    m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
    m.querySelector('[data-testid="stMetricValue"]').innerText.trim(),
  ]))"""

PROBLEMS_JS = """() => [
  ...[...document.querySelectorAll('[data-testid="stException"]')]
     .map(e => 'exception: ' + e.innerText),
  ...[...document.querySelectorAll('[data-testid="stAlertContentError"]')]
     .map(e => 'error: ' + e.innerText),
]"""


def metrics_on(page) -> dict[str, str]:
    """Metric label -> value text, as shown on the page."""
    return page.evaluate(METRICS_JS)


def problems_on(page) -> list[str]:
    """Exceptions and error alerts on the page (empty when it is clean)."""
    return page.evaluate(PROBLEMS_JS)


def chart_svg(page, index: int = 0) -> str:
    """The rendered SVG of the index-th Altair/Vega-Lite chart on the page."""
    return (
        page.locator('[data-testid="stVegaLiteChart"]')
        .nth(index)
        .evaluate("e => (e.querySelector('svg') || e.querySelector('canvas') || e).outerHTML")
    )
