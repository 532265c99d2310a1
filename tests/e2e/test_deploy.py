"""Beyond one machine: the container recipe run as plain shell steps, and two replicas.

- The Dockerfile's `pip install` step, then its CMD (moved to a loopback port) from a copy of
  exactly the build context .dockerignore admits, then its HEALTHCHECK command: the page opens
  clean in Chromium with the project's config.toml in force.
- Two app processes on two ports, sharing a cookie secret, serve the same scenario link with
  the same numbers; media (chart data, downloads) lives on the replica that made it, which is
  why the load balancer must be sticky (docs/deploy.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.server import (
    SHARED_COOKIE_SECRET,
    app_server,
    free_port,
    metrics_on,
    new_context,
    open_app,
    problems_on,
    wait_healthy,
)
from tests.test_dockerfile import (
    ROOT,
    dockerfile_steps,
    dockerignore_included,
    exec_form,
    healthcheck_command,
    repo_files,
)
from ui.state import default_scenario, encode_scenario

pytestmark = pytest.mark.e2e

SECRET = SHARED_COOKIE_SECRET


def _python(argv: list[str]) -> list[str]:
    """Run a container command with this interpreter ('python'/'pip'/'streamlit' -> -m)."""
    head, rest = argv[0], argv[1:]
    if head == "python":
        return [sys.executable, *rest]
    return [sys.executable, "-m", head, *rest]


def test_container_recipe_runs_as_plain_shell_steps(tmp_path, browser):
    steps = dockerfile_steps()
    context = tmp_path / "app"
    for rel in dockerignore_included(repo_files()):
        (context / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, context / rel)

    for args in [a for i, a in steps if i == "RUN" and a.startswith("pip ")]:
        # Already satisfied in CI (requirements-dev.txt includes requirements.txt): this
        # checks the step itself succeeds from the build context.
        done = subprocess.run(_python(args.split()), cwd=context, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    (cmd_args,) = [exec_form(a) for i, a in steps if i == "CMD"]
    (expose,) = [a for i, a in steps if i == "EXPOSE"]
    port = free_port()
    cmd = _python(cmd_args)
    # Same command, but on loopback and a free port (never 0.0.0.0 in a test).
    cmd[cmd.index("--server.address") + 1] = "127.0.0.1"
    cmd[cmd.index("--server.port") + 1] = str(port)
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    proc = subprocess.Popen(cmd, cwd=context, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, 60, proc)
        health = [
            arg.replace(f"127.0.0.1:{expose}", f"127.0.0.1:{port}")
            for arg in _python(healthcheck_command(steps))
        ]
        assert subprocess.run(health, timeout=30).returncode == 0

        ctx = new_context(browser)
        page = ctx.new_page()
        open_app(page, f"{url}/team")
        assert problems_on(page) == []
        # The image's .streamlit/config.toml is in force (upload cap 20 MB, not 200).
        assert page.get_by_text("20MB per file").count() >= 1
        ctx.close()
        # The image itself forbids framing and keeps its metrics to the machine (no nginx).
        with urllib.request.urlopen(f"{url}/team") as r:
            assert r.headers["X-Frame-Options"] == "DENY"
            assert r.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        remote = urllib.request.Request(
            f"{url}/_stcore/metrics", headers={"X-Forwarded-For": "203.0.113.9"}
        )
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(remote)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # The health check fails once the server is gone (what the orchestrator relies on).
    assert subprocess.run(health, capture_output=True, timeout=30).returncode != 0


def _link_token(data_scientists: int = 24) -> str:
    scenario = default_scenario().replace(
        headcount={"data_scientist": data_scientists, "ml_engineer": 2},
        target={"ds_per_mle": 7.0, "deadline_month": 18, "confidence": 0.9},
    )
    return encode_scenario(scenario)


@pytest.fixture(scope="module")
def replicas(server):
    """Two replicas sharing a cookie secret: the package's server and a second process."""
    with app_server(extra_env={"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}) as second:
        yield server, second


def _media_requests(page) -> list[str]:
    """The /media/ URLs `page` fetches from now on (appended as they are requested)."""
    media: list[str] = []
    page.on(
        "request",
        lambda r: media.append(r.url) if urlparse(r.url).path.startswith("/media/") else None,
    )
    return media


def _shown(browser, url: str) -> tuple[dict, str, list[str]]:
    """(metrics, plan sentence, media URLs fetched) of a fresh browser opening `url`."""
    ctx = new_context(browser)
    page = ctx.new_page()
    media = _media_requests(page)
    try:
        open_app(page, url)
        page.locator('[data-testid="stVegaLiteChart"] svg.marks').first.wait_for()
        assert problems_on(page) == []
        return metrics_on(page), page.locator("h4").first.inner_text(), media
    finally:
        ctx.close()


def test_two_replicas_serve_the_same_link_identically(browser, replicas):
    a, b = replicas
    query = f"?s={_link_token()}&strategy=front_loaded&plan=recommended"
    on_a = _shown(browser, f"{a.url}/{query}")
    on_b = _shown(browser, f"{b.url}/{query}")
    assert on_a[:2] == on_b[:2]  # Overview metrics and the plan sentence
    assert on_a[0]["Today's ratio (MLE : DS)"] in {"1:12", "1:12.0"}  # 24 DS / 2 MLE
    assert on_a[0]["Target"] == "1:7"


def test_media_lives_on_the_replica_that_made_it(browser, replicas):
    """Why sticky sessions: downloads (made when clicked) are served by one replica's memory."""
    a, b = replicas
    # A scenario no browser opened on B (media URLs are content hashes).
    ctx = new_context(browser)
    page = ctx.new_page()
    media = _media_requests(page)
    try:
        open_app(page, f"{a.url}/?s={_link_token(data_scientists=27)}")
        with page.expect_download():
            page.get_by_role("button", name="Download projections (CSV)").click()
    finally:
        ctx.close()
    assert media, "the download fetched no /media/ URL"
    for url in media:  # the projections CSV of the download button (and any chart data)
        path = urlparse(url).path
        with urllib.request.urlopen(f"{a.url}{path}", timeout=10) as r:
            assert r.status == 200
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{b.url}{path}", timeout=10)
        assert missing.value.code == 404, path


def test_replicas_report_health_and_sessions(replicas):
    for app in replicas:
        with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=5) as r:
            assert r.status == 200 and r.read() == b"ok"
        assert app.wait_sessions(at_most=0, timeout=30) >= 0
        assert app.metrics()['session_events_total{type="connect"}'] >= 1


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPLOAD = b"role,count\ndata_engineer,10\ndata_scientist,40\nml_engineer,8\nproduct_manager,4\n"


def nginx_config(tmp: Path, port: int, upstreams: list[str]) -> Path:
    """docs/deploy.md's nginx example, pointed at local replicas and a loopback port."""
    doc = (ROOT / "docs" / "deploy.md").read_text()
    site = re.search(r"```nginx\n(.*?)```", doc, re.S).group(1)
    servers = iter(upstreams)
    site = re.sub(r"server 10\.0\.0\.\d+:8501", lambda m: f"server {next(servers)}", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {tmp}/{kind};" for kind in kinds)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {tmp}/access.log;\n{temp}\n{site}\n}}\n"
    )
    return conf


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed (.ci/run installs it)")
def test_docs_nginx_config_keeps_each_browser_on_its_replica(tmp_path, browser, replicas):
    """Through the documented nginx config: websocket, upload and media all reach the
    replica holding the session (an upload sent elsewhere would be refused)."""
    from tests.e2e.test_uploads import team_headcount, upload, use_this_team

    port = free_port()
    conf = nginx_config(tmp_path, port, [urlparse(r.url).netloc for r in replicas])
    base = [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([*base, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    contexts = []
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, 30, proc)
        before = sum(r.active_sessions() for r in replicas)
        for _ in range(2):
            ctx = new_context(browser)
            contexts.append(ctx)
            page = ctx.new_page()
            open_app(page, f"{url}/team")
            upload(page, "team.csv", UPLOAD)
            use_this_team(page)
            assert team_headcount(page)["data_scientist"] == 40
            assert problems_on(page) == []
            cookies = {c["name"]: c["value"] for c in ctx.cookies()}
            assert cookies.get("planner_route")
        assert sum(r.active_sessions() for r in replicas) == before + 2
        # The documented block also refuses framing and hides the metrics endpoint.
        with urllib.request.urlopen(f"{url}/", timeout=10) as r:
            assert r.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10)
        assert missing.value.code == 404
    finally:
        for ctx in contexts:
            ctx.close()
        proc.terminate()
        proc.wait(timeout=10)
