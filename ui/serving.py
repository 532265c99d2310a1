"""Safe by default when served: what the Streamlit server itself does for the planner,
installed once per process by app.py (the first session's first run).

- **No anonymous cache clearing**: Streamlit's ``clear_cache`` back message (any browser
  may send it) would clear every user's ``st.cache_data`` / ``st.cache_resource``; it is
  ignored (``streamlit cache clear`` on the server still works).
- **A fragment's rerun to a session that never ran the app runs the whole app** (a tab
  reconnected after a restart, typing into a table first: ui.reconnect applies it).
- **Anti-framing headers** on every HTTP response (``X-Frame-Options: DENY``,
  ``Content-Security-Policy: frame-ancestors 'none'``), and **private metrics**:
  ``/_stcore/metrics`` answers only a client on the loopback interface, or one that sends
  ``Authorization: Bearer $PLANNER_METRICS_TOKEN`` when that variable is set; others get 404.
- **Uploads stay in memory**: Starlette, which parses Streamlit's upload requests, spools a
  file part over 1 MB to a temporary file on disk; its spool is raised above the upload
  size cap, so an HR export is never written to disk, even briefly.
- **Uploads bounded per session and per process**: a file is accepted only under a file id
  the server issued to that session (a file uploader asked for it), and only while the
  session holds at most :data:`MAX_UPLOAD_BYTES_PER_SESSION` and the process
  :data:`MAX_UPLOAD_BYTES_PER_PROCESS`; a session's files are released when it ends.

Streamlit 1.67 serves with Starlette; there is no configuration option for any of these,
so the hooks patch the server: a subclass swapped in for the runtime's
``MemoryUploadedFileManager`` (the upload route holds that object), and an ASGI middleware
in the Starlette app.

When they are installed:

- ``python -m ui.launch`` (the README's and the image's command; ui/launch.py) calls
  :func:`install_at_start` before the server exists: the hooks are in place when the
  Starlette app is built, so the very first response of a fresh server (``/``, before
  any session) has the headers, and ``/_stcore/metrics`` is private from the first request.
- Plain ``streamlit run app.py`` (development) installs them on the first session's run
  (:func:`install`, called by app.py on every run, does the work once): until then a fresh
  process serves its first page without them.
"""

from __future__ import annotations

import gc
import hmac
import ipaddress
import logging
import os
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

#: Bytes of uploaded files one session may hold at once: one HR export at the drop zone's
#: 20 MB plus one more while it is replaced, and the small JSON files (mapping, scenario).
MAX_UPLOAD_BYTES_PER_SESSION = 45_000_000
#: Bytes of uploaded files the whole process may hold at once (20 sessions with a full
#: 20 MB export each): past it, uploads are refused until sessions end.
MAX_UPLOAD_BYTES_PER_PROCESS = 400_000_000
#: File ids a session may hold that were issued but not yet used (newest kept).
MAX_ISSUED_PER_SESSION = 32
#: File ids issued for one request of the browser (a file uploader asks for one per file).
MAX_FILES_PER_REQUEST = 8

#: Response headers added to every HTTP response (no framing by another site).
FRAME_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
)
#: Paths served only to the loopback interface (or with the metrics token).
PRIVATE_PATHS = ("/_stcore/metrics",)
METRICS_TOKEN_ENV = "PLANNER_METRICS_TOKEN"

_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
_LOG = logging.getLogger("planner")
_lock = threading.Lock()
_installed: set[str] = set()

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def install() -> None:
    """Install every hook that applies to this process, each tried once (the server's
    Starlette app and upload store exist before the first session runs app.py; under
    AppTest there are none, and the heap is not searched again on every rerun)."""
    if _installed:
        return
    with _lock:
        if _installed:
            return
        _no_anonymous_cache_clearing()
        _installed.add("clear_cache")
        _fresh_sessions_run_the_app()
        _installed.add("fragments")
        _uploads_in_memory()
        _installed.add("spool")
        if _bound_uploads():
            _installed.add("uploads")
        if _add_middleware():
            _installed.add("middleware")
        _installed.add("tried")


def install_at_start() -> bool:
    """Before the server starts (ui/launch.py): build Streamlit's Starlette app with
    :class:`Guard` as its outermost middleware, and install the other hooks then (the
    runtime and its upload store exist by then, the configuration is read). Returns False,
    with a warning in the log, when this Streamlit has no such place to hook (app.py's
    :func:`install` then does what it can on the first session's run)."""
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:  # pragma: no cover - a Streamlit without its Starlette server
        _LOG.warning("ui.serving: no Starlette server to hook at start")
        return False
    build = getattr(starlette_server, "create_starlette_app", None)
    if build is None:  # pragma: no cover - a future Streamlit
        _LOG.warning("ui.serving: no create_starlette_app to hook at start")
        return False
    if getattr(build, "guarded", False):
        return True

    def guarded_app(runtime: Any) -> Any:
        app = build(runtime)
        app.add_middleware(Guard)  # outermost: before Streamlit's own middleware
        install()
        return app

    guarded_app.guarded = True  # type: ignore[attr-defined]
    starlette_server.create_starlette_app = guarded_app
    return True


def installed() -> frozenset[str]:
    """The hooks installed in this process so far (for tests and the log)."""
    return frozenset(_installed)


# --------------------------------------------------------------------------- cache clearing


def _ignored_clear_cache(self: Any) -> None:
    _LOG.warning("a browser asked to clear the server's caches; ignored")


def _no_anonymous_cache_clearing() -> None:
    from streamlit.runtime.app_session import AppSession

    AppSession._handle_clear_cache_request = _ignored_clear_cache  # type: ignore[method-assign]


# --------------------------------------------------------------------------- fragments


def _never_ran_the_app(session: Any) -> bool:
    """True while a session has not yet run app.py's set-up (ui.state's scenario key)."""
    from ui.state import KEY_BASE

    try:
        return KEY_BASE not in session._session_state
    except Exception:  # pragma: no cover - another Streamlit's session
        return False


def _fresh_sessions_run_the_app() -> None:
    """A fragment's rerun sent to a session that never ran the app runs the whole app.

    A tab reconnected to a new session (a server restart) whose first interaction is inside
    a fragment (a table of Hiring plan) asks to rerun that fragment alone; the new session
    holds no fragment, so Streamlit dropped the request: nothing happened, the change was
    lost. As a whole run it carries the browser's values like any other first run, and
    ui.reconnect applies the change.
    """
    from streamlit.runtime.app_session import AppSession

    original = AppSession.request_rerun
    if getattr(original, "planner_hook", False):
        return

    def request_rerun(self: Any, client_state: Any) -> None:
        if client_state is not None and client_state.fragment_id and _never_ran_the_app(self):
            whole = type(client_state)()
            whole.CopyFrom(client_state)
            whole.ClearField("fragment_id")
            client_state = whole
        original(self, client_state)

    request_rerun.planner_hook = True  # type: ignore[attr-defined]
    AppSession.request_rerun = request_rerun  # type: ignore[method-assign]


# --------------------------------------------------------------------------- uploads


def spool_bytes() -> int:
    """The in-memory spool of an uploaded part: the upload cap plus room for its framing."""
    from streamlit import config

    return (int(config.get_option("server.maxUploadSize")) + 2) * 1024 * 1024


def _uploads_in_memory() -> None:
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, spool_bytes())


def _memory_manager_class() -> type:
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    return MemoryUploadedFileManager


class BoundedUploads(_memory_manager_class()):  # type: ignore[misc]
    """Streamlit's in-memory upload store, bounded: files only under ids this session was
    issued, at most MAX_UPLOAD_BYTES_PER_SESSION per session and _PER_PROCESS in all."""

    _issued: defaultdict[str, OrderedDict[str, None]]

    def bound(self) -> None:
        """Start the bookkeeping (before the class is swapped in)."""
        self._issued = defaultdict(OrderedDict)

    def get_upload_urls(self, session_id: str, file_names: Sequence[str]) -> list:
        infos = super().get_upload_urls(session_id, list(file_names)[:MAX_FILES_PER_REQUEST])
        with self._lock:
            issued = self._issued[session_id]
            for info in infos:
                issued[info.file_id] = None
            while len(issued) > MAX_ISSUED_PER_SESSION:
                issued.popitem(last=False)
        return infos

    def refusal(self, session_id: str, file_id: str, size: int) -> tuple[int, str] | None:
        """(HTTP status, reason) when a file of `size` bytes may not be added, else None."""
        with self._lock:
            return self._refusal(session_id, file_id, size)

    def _refusal(self, session_id: str, file_id: str, size: int) -> tuple[int, str] | None:
        held = self.file_storage.get(session_id, {})
        if file_id not in self._issued.get(session_id, ()) and file_id not in held:
            return 404, "No file uploader asked for this upload."
        replaced = len(held[file_id].data) if file_id in held else 0
        session_bytes = sum(len(f.data) for f in held.values()) - replaced
        if session_bytes + size > MAX_UPLOAD_BYTES_PER_SESSION:
            return 413, "This session holds too many uploaded bytes; remove a file first."
        if self._total_bytes - replaced + size > MAX_UPLOAD_BYTES_PER_PROCESS:
            return 503, "The server holds too many uploaded files; try again later."
        return None

    def add_file(self, session_id: str, file: Any) -> None:
        from starlette.exceptions import HTTPException

        with self._lock:
            refusal = self._refusal(session_id, file.file_id, len(file.data))
            if refusal is not None:
                raise HTTPException(status_code=refusal[0], detail=refusal[1])
            self._issued.get(session_id, OrderedDict()).pop(file.file_id, None)
            storage = self.file_storage[session_id]
            old = storage.get(file.file_id)
            if old is not None:
                self._total_bytes -= len(old.data)
            else:
                self._file_count += 1
            storage[file.file_id] = file
            self._total_bytes += len(file.data)

    def remove_session_files(self, session_id: str) -> None:
        super().remove_session_files(session_id)
        with self._lock:
            self._issued.pop(session_id, None)


def upload_manager() -> Any:
    """The running server's upload store, or None (AppTest, no server)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return Runtime.instance().uploaded_file_mgr


def _bound_uploads() -> bool:
    manager = upload_manager()
    if manager is None or type(manager) is not _memory_manager_class():
        return isinstance(manager, BoundedUploads)
    BoundedUploads.bound(manager)
    manager.__class__ = BoundedUploads
    return True


# --------------------------------------------------------------------------- HTTP middleware


def _loopback(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(str(client[0])).is_loopback
    except ValueError:
        return False


def may_see_metrics(scope: Scope) -> bool:
    """A loopback client, or one with the metrics token (when set) in its Authorization."""
    if _loopback(scope):
        return True
    token = os.environ.get(METRICS_TOKEN_ENV, "")
    if not token:
        return False
    sent = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
    return hmac.compare_digest(sent, f"Bearer {token}")


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *FRAME_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int:
    raw = dict(scope.get("headers") or []).get(b"content-length", b"0")
    try:
        return max(int(raw), 0)
    except ValueError:
        return 0


class Guard:
    """ASGI middleware: anti-framing headers, private metrics, uploads refused early."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path.endswith(PRIVATE_PATHS) and not may_see_metrics(scope):
            await _answer(send, 404, "Not Found")
            return
        upload = _UPLOAD_PATH.search(path) if scope.get("method") == "PUT" else None
        manager = upload_manager() if upload else None
        if upload and isinstance(manager, BoundedUploads):
            # Before the body is read: an id nobody asked for, or a session (or the process)
            # already at its cap, is refused without reading 20 MB. The 64 kB is multipart's
            # own framing; the exact size is checked when the file is added.
            size = max(_content_length(scope) - 65_536, 0)
            refusal = manager.refusal(upload["session"], upload["file"], size)
            if refusal is not None:
                await _answer(send, *refusal)
                return

        async def framed(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {bytes(name).lower() for name, _ in headers}
                headers += [h for h in FRAME_HEADERS if h[0] not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, framed)


def _starlette_apps() -> list[Any]:
    try:
        from starlette.applications import Starlette
    except ImportError:  # pragma: no cover - Streamlit 1.67 always brings Starlette
        return []
    return [o for o in gc.get_objects() if isinstance(o, Starlette)]


def _add_middleware() -> bool:
    """Add Guard to the running server's Starlette app (rebuilt on its next request)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return False
    from starlette.middleware import Middleware

    apps = _starlette_apps()
    for app in apps:
        if not any(m.cls is Guard for m in app.user_middleware):
            app.user_middleware.insert(0, Middleware(Guard))
            app.middleware_stack = None
    return bool(apps)
