"""Deployment settings a browser cannot show but a raw client can: websocket Host allow-list,
the server's own anti-framing headers, private metrics, uploads nobody asked for, clear_cache."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e


def upgrade_status(url: str, host: str) -> int:
    """Status of a websocket upgrade to the app's stream with this Host and Origin."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(
        "GET",
        "/_stcore/stream",
        headers={
            "Host": host,
            "Origin": f"http://{host}",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Protocol": "streamlit",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


def test_a_websocket_from_an_unknown_host_is_refused(server):
    """The review: a websocket with Host and Origin evil.example was accepted (DNS
    rebinding on an intranet). server.allowedHosts now lists the names served."""
    port = urlparse(server.url).port
    assert upgrade_status(server.url, f"localhost:{port}") == 101
    assert upgrade_status(server.url, "evil.example") == 403


# --------------------------------------------------------------------------- ui.serving


def request(url: str, method: str = "GET", path: str = "/", **kw) -> tuple[int, dict, bytes]:
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request(method, path, body=kw.get("body"), headers=kw.get("headers", {}))
    r = conn.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    conn.close()
    return out


def test_the_server_itself_forbids_framing_by_other_sites(server):
    """The review: the bare app and the image sent no anti-framing header (only the
    nginx example added them). The server (warmed up: a session has run app.py) now does."""
    for path in ("/", "/plan", "/_stcore/health"):
        status, headers, _ = request(server.url, path=path)
        assert status == 200
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == "frame-ancestors 'none'"


def test_metrics_are_private_to_the_machine(server):
    """The review: /_stcore/metrics answered any Host. A client the server sees as remote
    (here through X-Forwarded-For, which uvicorn trusts from the loopback proxy) gets 404."""
    status, _, body = request(server.url, path="/_stcore/metrics")
    assert status == 200 and b"session" in body
    remote = {"X-Forwarded-For": "203.0.113.9"}
    assert request(server.url, path="/_stcore/metrics", headers=remote)[0] == 404


def test_an_upload_no_widget_asked_for_is_refused_before_its_body_is_read(browser, server):
    """The review: any session could push 20 MB files under made-up file ids (40 files
    +765 MB, held after it disconnected). An id the server did not issue is refused."""
    from tests.e2e.server import new_context, open_app
    from tests.e2e.test_uploads import GOOD, upload

    ctx = new_context(browser)
    page = ctx.new_page()
    puts: list[str] = []
    page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    try:
        open_app(page, f"{server.url}/team")
        upload(page, "team.csv", GOOD)  # the real uploader still works
        (real,) = [u for u in puts if "/_stcore/upload_file/" in u]
        session = urlparse(real).path.split("/")[-2]
        status, _, body = request(
            server.url,
            "PUT",
            f"/_stcore/upload_file/{session}/00000000-0000-0000-0000-000000000000",
            body=b"x" * 5_000_000,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert status == 404 and b"No file uploader asked" in body
    finally:
        ctx.close()


SOCKETS_JS = """(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();"""


def test_a_browser_cannot_clear_every_users_caches(browser, server):
    """The review: any anonymous client cleared every user's caches with one clear_cache
    message. The live server ignores it (and says so in its log)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from tests.e2e.server import new_context, open_app

    message = list(BackMsg(clear_cache=True).SerializeToString())
    ctx = new_context(browser)
    ctx.add_init_script(SOCKETS_JS)
    page = ctx.new_page()
    try:
        open_app(page, server.url)
        before = server.log().count("clear the server's caches; ignored")
        page.evaluate("(bytes) => window.__sockets.at(-1).send(new Uint8Array(bytes))", message)
        deadline = time.monotonic() + 10
        while server.log().count("clear the server's caches; ignored") == before:
            assert time.monotonic() < deadline, "the clear_cache message was not ignored"
            time.sleep(0.1)
    finally:
        ctx.close()
