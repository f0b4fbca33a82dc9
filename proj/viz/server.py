"""The local web server of ``proj viz``: the page, its snapshot and dataset previews.

It answers exactly four GET routes and nothing else (404), so no request can reach the
file system by path:

* ``/`` (and ``/index.html``): the page (assets inline, see :mod:`proj.viz.page`);
* ``/api/snapshot``: the snapshot as JSON, with an ``ETag`` (``If-None-Match`` gets a
  304 until the snapshot changes);
* ``/api/preview?dataset=NAME&rows=N``: the first rows of a dataset, looked up by name
  in the catalog configuration (404 for any other name);
* ``/favicon.ico``: 204, so browsers stop asking.

It binds to 127.0.0.1 unless told otherwise, and refuses requests whose ``Host`` header
names another host (a defence against DNS rebinding), unless it listens on all
interfaces. With ``autoreload`` a watchfiles thread rebuilds the snapshot when files
under the project's source folder or its configuration change; an open page polls
``/api/snapshot`` and redraws.

The server runs in a daemon thread (the standard library's ``ThreadingHTTPServer``), so
tests and notebooks can start and stop it in-process.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

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

_ANY_HOST = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names, not a bind)


class _Content:
    """The current session, snapshot and page, swapped as a whole on reload."""

    def __init__(self, session: Session, snapshot: dict[str, Any], page: str, policy: str) -> None:
        self.session = session
        self.body = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'
        self.page = page.encode("utf-8")
        self.policy = policy
        self.datasets = frozenset(dataset["name"] for dataset in snapshot["datasets"])


class VizServer:
    """Serve the visualisation of one project.

    Args:
        project_path: A folder inside the project; default: the working directory.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.
        pipeline: The pipeline the page opens on; default ``__default__``.
        host: Interface to bind; ``127.0.0.1`` keeps the page on this machine.
        port: TCP port; 0 picks a free one (see :attr:`url`).
        autoreload: Rebuild the snapshot when the project's source or conf changes.

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
    ) -> None:
        self.project_path = project_path
        self.env = env
        self.pipeline = pipeline
        self.host = host
        self.port = port
        self.autoreload = autoreload
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
        page, policy = render_page(None, title=title, poll_ms=POLL_MS if self.autoreload else 0)
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
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:4141/``."""
        host = self.host if self.host not in _ANY_HOST else DEFAULT_HOST
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

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

    def allowed_host(self, header: str | None) -> bool:
        """Whether a request's ``Host`` header names this server (DNS-rebinding guard)."""
        if self.host in _ANY_HOST:
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
            content = server.content
            if route in ("/", "/index.html"):
                self._send(
                    HTTPStatus.OK,
                    content.page,
                    "text/html; charset=utf-8",
                    {"Content-Security-Policy": content.policy, "X-Frame-Options": "SAMEORIGIN"},
                )
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
            elif route == "/api/preview":
                status, data = server.preview(parse_qs(parts.query, keep_blank_values=True))
                self._json(status, data)
            elif route == "/favicon.ico":
                self.send_response(HTTPStatus.NO_CONTENT)
                self.end_headers()
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "Not found."})

        def do_HEAD(self) -> None:
            self.do_GET()

    return Handler
