"""Deployment settings a browser cannot show but a raw client can: websocket Host allow-list."""

from __future__ import annotations

import http.client
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
