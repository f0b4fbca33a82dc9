"""The local web server of ``proj viz``: the page, its snapshot and dataset previews.

It answers exactly five GET routes and nothing else (404), so no request can reach the
file system by path:

* ``/`` (and ``/index.html``): the page (assets inline, see :mod:`proj.viz.page`);
* ``/api/snapshot``: the snapshot as JSON, with an ``ETag`` (``If-None-Match`` gets a
  304 until the snapshot changes);
* ``/api/status[?run=RUN_ID]``: the run status (:mod:`proj.viz.runs`): the runs, and
  node statuses and dataset rows of the latest runs (or of one run), read from the run
  store, with an ``ETag``. The page asks every :data:`STATUS_POLL_MS`; the answer is
  rebuilt only when the store's files changed (two ``stat`` calls otherwise), so a run
  going on in any process, from any runner or notebook, shows within a second or two;
* ``/api/preview?dataset=NAME&rows=N``: the first rows of a dataset, looked up by name
  in the catalog configuration (404 for any other name);
* ``/favicon.ico``: 204, so browsers stop asking.

It binds to 127.0.0.1 unless told otherwise. On a loopback address it refuses requests
whose ``Host`` header names another host (a defence against DNS rebinding). On any other
address it requires a token on every request, page, API and previews alike: given with
``token=`` or generated, carried by the URL it prints (``?token=...``), then by a cookie
that the page gets, or an ``Authorization: Bearer`` header; a request without it gets a
403. With ``autoreload`` a watchfiles thread rebuilds the snapshot when files
under the project's source folder or its configuration change; an open page polls
``/api/snapshot`` and redraws.

The server runs in a daemon thread (the standard library's ``ThreadingHTTPServer``), so
tests and notebooks can start and stop it in-process.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import threading
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from proj.exceptions import DatasetError, DatasetNotFoundError, ProjError, VizError
from proj.redaction import redact_text

if TYPE_CHECKING:
    from pathlib import Path

    from proj.framework import Session

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4141

#: How often a served page asks whether the snapshot changed, with autoreload (ms).
POLL_MS = 1500

#: How often a served page asks whether the run status changed (ms).
STATUS_POLL_MS = 1000

_ANY_HOST = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names, not a bind)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) only reaches this machine.

    Args:
        host: What ``--host`` was given.

    Returns:
        True for ``localhost``, 127.0.0.0/8 and ``::1``; False for anything else,
        including ``0.0.0.0`` and ``::`` (all interfaces).
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def network_address(host: str) -> str:
    """The address other machines reach this one at, for a server bound to ``host``.

    For a wildcard bind (``0.0.0.0``, ``::``) it is the address of the interface that
    the default route leaves through (found by connecting a UDP socket, which sends
    nothing), else the machine's host name; any other host is returned as given.
    """
    if host not in _ANY_HOST:
        return host
    family, probe = (
        (socket.AF_INET6, "2001:db8::1") if host == "::" else (socket.AF_INET, "192.0.2.1")
    )
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))
            address = str(sock.getsockname()[0])
    except OSError:
        address = ""
    if not address or is_loopback(address) or address in _ANY_HOST:
        return socket.gethostname()
    return address


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


class _Content:
    """The current session, snapshot and page, swapped as a whole on reload."""

    def __init__(self, session: Session, snapshot: dict[str, Any], page: str, policy: str) -> None:
        self.session = session
        self.body = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
        self.etag = _etag(self.body)
        self.page = page.encode("utf-8")
        self.policy = policy
        self.datasets = frozenset(dataset["name"] for dataset in snapshot["datasets"])
        self.nodes = frozenset(node["name"] for node in snapshot["nodes"])
        #: (store stamp, run id) -> (ETag, body) of the latest /api/status answers.
        self.status: dict[tuple[tuple[int, ...], str | None], tuple[str, bytes]] = {}


class VizServer:
    """Serve the visualisation of one project.

    Args:
        project_path: A folder inside the project; default: the working directory.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.
        pipeline: The pipeline the page opens on; default ``__default__``.
        host: Interface to bind; ``127.0.0.1`` keeps the page on this machine. Any
            non-loopback address requires a token on every request.
        port: TCP port; 0 picks a free one (see :attr:`url`).
        autoreload: Rebuild the snapshot when the project's source or conf changes.
        token: The token requests must carry; default: none on a loopback host, a
            random one on any other (see :attr:`token` and :attr:`url`).

    Example::

        with VizServer(project, port=0) as server:
            print(server.url)
    """

    def __init__(
        self,
        project_path: str | Path | None = None,
        *,
        env: str | None = None,
        pipeline: str | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        autoreload: bool = False,
        token: str | None = None,
    ) -> None:
        self.project_path = project_path
        self.env = env
        self.pipeline = pipeline
        self.host = host
        self.port = port
        self.autoreload = autoreload
        if token is not None and not token.strip():
            raise VizError("The viz token is empty.", hint="Pass a non-empty --token.")
        #: The token every request must carry, or None (loopback without --token).
        self.token: str | None = (
            token
            if token is not None
            else (None if is_loopback(host) else secrets.token_urlsafe(24))
        )
        self._status_lock = threading.Lock()
        self._content: _Content | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._preview_lock = threading.Lock()
        self.reloads = 0

    # ------------------------------------------------------------------ content

    def _build(self, *, reload: bool) -> _Content:
        from proj.framework.project import purge_package
        from proj.viz.page import render_page
        from proj.viz.snapshot import build_snapshot, load_session

        if reload and self._content is not None:
            purge_package(self._content.session.metadata.package_name)
        session = load_session(self.project_path, env=self.env)
        snapshot = build_snapshot(session, pipeline=self.pipeline)
        title = f"{snapshot['project']['name']} · proj viz"
        page, policy = render_page(
            None,
            title=title,
            poll_ms=POLL_MS if self.autoreload else 0,
            status_ms=STATUS_POLL_MS,
        )
        return _Content(session, snapshot, page, policy)

    @property
    def content(self) -> _Content:
        """What is served now.

        Raises:
            VizError: The server has not been started.
        """
        if self._content is None:
            raise VizError("The visualisation server is not started.", hint="Call start().")
        return self._content

    def reload(self) -> bool:
        """Rebuild the snapshot from the project's current files.

        Returns:
            True when the new snapshot is served; False when building it failed (the
            error is logged and the previous snapshot stays).
        """
        try:
            self._content = self._build(reload=True)
        except ProjError as exc:
            logger.error("The snapshot was not rebuilt: %s", redact_text(str(exc)))
            return False
        except Exception as exc:  # user code may raise anything while importing
            logger.error(
                "The snapshot was not rebuilt: %s: %s", type(exc).__name__, redact_text(str(exc))
            )
            return False
        self.reloads += 1
        logger.info("Rebuilt the snapshot after a change in the project")
        return True

    # ------------------------------------------------------------------ lifecycle

    @property
    def local(self) -> bool:
        """Whether only this machine can reach the server (it listens on loopback)."""
        return is_loopback(self.host)

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:4141/``; off loopback the address
        other machines use (the machine's own, not 127.0.0.1, for ``0.0.0.0``) with the
        token: ``http://192.168.1.20:4141/?token=...``."""
        host = network_address(self.host)
        if ":" in host:
            host = f"[{host}]"
        query = f"?token={quote(self.token, safe='')}" if self.token else ""
        return f"http://{host}:{self.port}/{query}"

    @property
    def cookie_name(self) -> str:
        """The cookie that carries the token (one per port: cookies ignore ports)."""
        return f"proj-viz-token-{self.port}"

    def start(self) -> str:
        """Build the snapshot, bind the port and serve in a background thread.

        Returns:
            The page's URL.

        Raises:
            ProjectNotFoundError, ProjectError, ConfigError, UnknownNameError: The
                project cannot be loaded (see :func:`proj.viz.snapshot.build_snapshot`).
            VizError: The port is taken or the host cannot be bound.
        """
        self._content = self._build(reload=False)
        server_class = _IPv6Server if ":" in self.host else ThreadingHTTPServer
        try:
            httpd = server_class((self.host, self.port), _handler_for(self))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise VizError(
                    f"Port {self.port} on {self.host} is already in use.",
                    hint="Pass --port with a free port, or stop the other server.",
                ) from exc
            raise VizError(
                f"Cannot listen on {self.host}:{self.port}: {exc.strerror or exc}.",
                hint="Check --host and --port.",
            ) from exc
        httpd.daemon_threads = True
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        thread = threading.Thread(target=httpd.serve_forever, name="proj-viz-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        if self.autoreload:
            watching = threading.Event()
            watcher = threading.Thread(
                target=self._watch, args=(watching,), name="proj-viz-watch", daemon=True
            )
            watcher.start()
            self._threads.append(watcher)
            watching.wait(timeout=10)  # changes made after start() returns are seen
        logger.debug("Serving the visualisation at %s", self.url)
        return self.url

    def _watch(self, watching: threading.Event) -> None:
        from watchfiles import watch

        session = self.content.session
        paths = [p for p in (session.metadata.source_dir, session.conf_source) if p.is_dir()]
        logger.info("Watching %s for changes", ", ".join(str(p) for p in paths))
        # watchfiles yields an empty set when its timeout passes: the first one tells
        # that the watcher is running.
        for changes in watch(
            *paths,
            stop_event=self._stop,
            raise_interrupt=False,
            rust_timeout=200,
            yield_on_timeout=True,
        ):
            watching.set()
            if changes:
                logger.debug("Changed: %s", sorted(path for _, path in changes))
                self.reload()

    def wait(self) -> None:
        """Block until :meth:`stop` is called (or Ctrl-C in the calling thread)."""
        while not self._stop.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop serving and watching; safe to call more than once."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> VizServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ requests

    def authorised(self, query: dict[str, list[str]], headers: Any) -> tuple[bool, bool]:
        """Whether a request carries the token: ``(allowed, from the query string)``.

        Args:
            query: The parsed query string (``token=``).
            headers: The request headers (``Cookie``, ``Authorization: Bearer``).
        """
        if self.token is None:
            return True, False
        expected = self.token.encode()

        def same(given: str) -> bool:
            return hmac.compare_digest(given.encode(), expected)

        if any(same(value) for value in query.get("token", [])):
            return True, True
        authorization = headers.get("Authorization") or ""
        if authorization.startswith("Bearer ") and same(authorization[7:].strip()):
            return True, False
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("Cookie") or "")
        except CookieError:
            return False, False
        morsel = cookies.get(self.cookie_name)
        return (morsel is not None and same(morsel.value)), False

    def status(self, query: dict[str, list[str]]) -> tuple[HTTPStatus, str | None, bytes]:
        """Answer ``/api/status``: ``(status, ETag or None, JSON body)``.

        The document is rebuilt only when the run store's files changed since the last
        answer for the same run (see :func:`proj.viz.runs.store_stamp`).
        """
        from proj.viz.runs import run_status, store_stamp

        runs = query.get("run", [])
        overlay = runs[0] if runs and runs[0] else None
        content = self.content
        store = content.session.store
        key = (store_stamp(store), overlay)
        with self._status_lock:
            known = content.status.get(key)
            if known is not None:
                return HTTPStatus.OK, known[0], known[1]
            try:
                document = run_status(store, content.nodes, content.datasets, overlay=overlay)
            except ProjError as exc:
                body = json.dumps({"error": redact_text(exc.message)}).encode()
                status = HTTPStatus.NOT_FOUND if overlay else HTTPStatus.INTERNAL_SERVER_ERROR
                return status, None, body
            body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            etag = _etag(body)
            if len(content.status) >= 8:  # answers for stale stamps: drop them
                content.status.clear()
            content.status[key] = (etag, body)
            return HTTPStatus.OK, etag, body

    def allowed_host(self, header: str | None) -> bool:
        """Whether a request's ``Host`` header names this server (DNS-rebinding guard).

        Only checked on loopback: elsewhere the token guards every request (a page of
        another site that resolves its name to this machine cannot know it).
        """
        if not self.local:
            return True
        if not header:
            return False
        host = f"[{self.host}]" if ":" in self.host else self.host
        names = {host.lower(), "127.0.0.1", "localhost", "[::1]"}
        allowed = names | {f"{name}:{self.port}" for name in names}
        return header.lower() in allowed

    def preview(self, query: dict[str, list[str]]) -> tuple[HTTPStatus, dict[str, Any]]:
        """Answer ``/api/preview``: ``(status, JSON body)``."""
        from proj.viz.datasets import preview_dataset

        names = query.get("dataset", [])
        if len(names) != 1 or not names[0]:
            return HTTPStatus.BAD_REQUEST, {"error": "Give one dataset name: ?dataset=NAME."}
        rows_text = query.get("rows", ["10"])[0]
        rows = int(rows_text) if rows_text.isdigit() else 10
        content = self.content
        name = names[0]
        if name not in content.datasets:
            return HTTPStatus.NOT_FOUND, {"error": f"'{name}' is not a dataset of this project."}
        try:
            with self._preview_lock:
                return HTTPStatus.OK, preview_dataset(content.session, name, rows)
        except DatasetNotFoundError as exc:
            return HTTPStatus.NOT_FOUND, {"error": redact_text(exc.message)}
        except DatasetError as exc:
            return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": redact_text(exc.message)}
        except ProjError as exc:
            return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": redact_text(exc.message)}


class _IPv6Server(ThreadingHTTPServer):
    """The standard library's threading server on an IPv6 address (``--host ::1``)."""

    address_family = socket.AF_INET6


def _handler_for(server: VizServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Routes of :class:`VizServer`; anything else is a 404."""

        server_version = "proj-viz"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s - %s", self.address_string(), redact_text(format % args))

        def _send(
            self,
            status: HTTPStatus,
            body: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: HTTPStatus, data: dict[str, Any]) -> None:
            body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
            self._send(status, body, "application/json; charset=utf-8")

        def do_GET(self) -> None:
            if not server.allowed_host(self.headers.get("Host")):
                self._json(HTTPStatus.FORBIDDEN, {"error": "Unexpected Host header."})
                return
            parts = urlsplit(self.path)
            route = parts.path
            query = parse_qs(parts.query, keep_blank_values=True)
            allowed, in_query = server.authorised(query, self.headers)
            if not allowed:
                self._json(
                    HTTPStatus.FORBIDDEN,
                    {"error": "This server needs its token: open the URL proj viz printed."},
                )
                return
            content = server.content
            if route in ("/", "/index.html"):
                headers = {
                    "Content-Security-Policy": content.policy,
                    "X-Frame-Options": "SAMEORIGIN",
                }
                if in_query and server.token is not None:
                    headers["Set-Cookie"] = (
                        f"{server.cookie_name}={server.token}; Path=/; HttpOnly; SameSite=Strict"
                    )
                self._send(HTTPStatus.OK, content.page, "text/html; charset=utf-8", headers)
            elif route == "/api/snapshot":
                if self.headers.get("If-None-Match") == content.etag:
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", content.etag)
                    self.end_headers()
                    return
                self._send(
                    HTTPStatus.OK,
                    content.body,
                    "application/json; charset=utf-8",
                    {"ETag": content.etag},
                )
            elif route == "/api/status":
                code, etag, body = server.status(query)
                if etag is not None and self.headers.get("If-None-Match") == etag:
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                extra = {"ETag": etag} if etag is not None else {}
                self._send(code, body, "application/json; charset=utf-8", extra)
            elif route == "/api/preview":
                status, data = server.preview(query)
                self._json(status, data)
            elif route == "/favicon.ico":
                self.send_response(HTTPStatus.NO_CONTENT)
                self.end_headers()
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "Not found."})

        def do_HEAD(self) -> None:
            self.do_GET()

    return Handler
