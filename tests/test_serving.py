"""ui.serving (issue 22 items 3 and 8): uploads bounded per session and per process and
only under ids a file uploader asked for, no anonymous cache clearing, anti-framing
headers and private metrics. The live server's side is in tests/e2e/test_hardening.py."""

from __future__ import annotations

import asyncio
from unittest import mock

import pytest
import streamlit as st
from starlette.exceptions import HTTPException
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from ui import serving


def store() -> serving.BoundedUploads:
    manager = serving.BoundedUploads("/_stcore/upload_file")
    manager.bound()
    return manager


def rec(file_id: str, size: int) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name="x.csv", type="text/csv", data=b"x" * size)


def issue(manager, session: str = "s1") -> str:
    return manager.get_upload_urls(session, ["x.csv"])[0].file_id


def test_a_file_under_an_id_no_uploader_asked_for_is_refused():
    manager = store()
    with pytest.raises(HTTPException) as caught:
        manager.add_file("s1", rec("made-up", 10))
    assert caught.value.status_code == 404
    assert manager.get_stats() == {}


def test_an_id_issued_to_one_session_is_refused_for_another():
    manager = store()
    file_id = issue(manager, "s1")
    with pytest.raises(HTTPException):
        manager.add_file("s2", rec(file_id, 10))
    manager.add_file("s1", rec(file_id, 10))
    assert [f.file_id for f in manager.get_files("s1", [file_id])] == [file_id]


def test_a_session_holds_at_most_its_cap(monkeypatch):
    monkeypatch.setattr(serving, "MAX_UPLOAD_BYTES_PER_SESSION", 100)
    manager = store()
    manager.add_file("s1", rec(issue(manager), 60))
    second = issue(manager)
    with pytest.raises(HTTPException) as caught:
        manager.add_file("s1", rec(second, 60))
    assert caught.value.status_code == 413
    manager.add_file("s1", rec(second, 40))  # up to the cap


def test_the_process_holds_at_most_its_cap_and_a_session_end_releases_it(monkeypatch):
    monkeypatch.setattr(serving, "MAX_UPLOAD_BYTES_PER_PROCESS", 100)
    manager = store()
    manager.add_file("s1", rec(issue(manager, "s1"), 70))
    late = issue(manager, "s2")
    with pytest.raises(HTTPException) as caught:
        manager.add_file("s2", rec(late, 70))
    assert caught.value.status_code == 503
    manager.remove_session_files("s1")  # the session ended
    manager.add_file("s2", rec(late, 70))
    assert manager._total_bytes == 70 and "s1" not in manager._issued


def test_issued_ids_are_bounded_per_request_and_per_session():
    manager = store()
    infos = manager.get_upload_urls("s1", ["f.csv"] * 1000)
    assert len(infos) == serving.MAX_FILES_PER_REQUEST
    for _ in range(10):
        manager.get_upload_urls("s1", ["f.csv"] * 1000)
    assert len(manager._issued["s1"]) == serving.MAX_ISSUED_PER_SESSION


def test_a_browser_cannot_clear_the_servers_caches():
    calls = []

    @st.cache_data
    def cached(x: int) -> int:
        calls.append(x)
        return x

    serving.install()
    from streamlit.runtime.app_session import AppSession

    cached(1)
    AppSession._handle_clear_cache_request(mock.Mock())
    cached(1)
    assert calls == [1]


def run_guard(scope: dict) -> tuple[int, dict[bytes, bytes]]:
    """Status and headers of a request through Guard in front of a 200 app."""

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    full = {"type": "http", "method": "GET", "headers": [], **scope}
    asyncio.run(serving.Guard(inner)(full, receive, send))
    start = sent[0]
    return start["status"], dict(start["headers"])


def test_every_response_forbids_framing():
    status, headers = run_guard({"path": "/", "client": ("203.0.113.9", 5000)})
    assert status == 200
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"content-security-policy"] == b"frame-ancestors 'none'"


def test_metrics_are_for_the_loopback_interface_or_the_token(monkeypatch):
    public = {"path": "/_stcore/metrics", "client": ("203.0.113.9", 5000)}
    assert run_guard(public)[0] == 404
    assert run_guard({**public, "client": ("127.0.0.1", 5000)})[0] == 200
    monkeypatch.setenv(serving.METRICS_TOKEN_ENV, "s3cret")
    with_token = {**public, "headers": [(b"authorization", b"Bearer s3cret")]}
    assert run_guard(with_token)[0] == 200
    assert run_guard({**public, "headers": [(b"authorization", b"Bearer nope")]})[0] == 404


def test_an_uploaded_file_is_parsed_in_memory_never_spooled_to_disk():
    """Starlette spools a file part over 1 MB to a temporary file; after install() a file
    at the upload cap stays in memory."""
    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    serving.install()
    data = b"role,count\n" + b"x" * 5_000_000
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="hr.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async def stream():
        for i in range(0, len(body), 65_536):
            yield body[i : i + 65_536]

    headers = Headers({"content-type": f"multipart/form-data; boundary={boundary}"})
    form = asyncio.run(MultiPartParser(headers, stream()).parse())
    upload = form["file"]
    assert upload.file._rolled is False  # still in memory
    assert asyncio.run(upload.read()) == data
    assert MultiPartParser.spool_max_size >= 20 * 1024 * 1024


def test_a_fragments_rerun_to_a_session_that_never_ran_the_app_runs_the_whole_app(monkeypatch):
    """A reconnected tab typing into a table first (a fragment): Streamlit drops the rerun
    of a fragment the new session never had. It becomes a whole run with the same values;
    a session that has run the app keeps its fragment reruns."""
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.runtime.app_session import AppSession

    from ui import state

    seen: list = []
    monkeypatch.setattr(AppSession, "request_rerun", lambda self, cs: seen.append(cs))
    serving._fresh_sessions_run_the_app()
    fresh, ran = mock.Mock(_session_state={}), mock.Mock(_session_state={state.KEY_BASE: 1})
    asked = ClientState(fragment_id="f1", query_string="s=x")
    AppSession.request_rerun(fresh, asked)
    AppSession.request_rerun(ran, asked)
    AppSession.request_rerun(fresh, None)
    whole, kept, none = seen
    assert whole.fragment_id == "" and whole.query_string == "s=x"
    assert kept.fragment_id == "f1" and none is None
