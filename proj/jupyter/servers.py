"""Running Jupyter servers: finding them in the runtime folder and calling their REST API.

Every jupyter_server (JupyterLab, Notebook 7, ``jupyter server``) writes
``jpserver-<pid>.json`` into the Jupyter runtime folder while it runs (older Notebook
servers wrote ``nbserver-<pid>.json``): its URL, token, root folder and process id. A
file whose process is gone is skipped. Requests carry the token in the
``Authorization: token ...`` header, as the Jupyter Server REST API expects.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proj.exceptions import KernelError

logger = logging.getLogger(__name__)

#: Seconds to wait for one REST request.
DEFAULT_TIMEOUT = 10.0


class ServerRequestError(KernelError):
    """A REST request to a Jupyter server failed.

    Attributes:
        status: The HTTP status of the answer, 0 when the server could not be reached.
    """

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


@dataclass(frozen=True)
class ServerInfo:
    """One running Jupyter server, from its runtime file.

    Attributes:
        url: Base URL of the server, ending with ``/`` (base_url included).
        token: The server's token ("" when it uses none).
        pid: The server's process id.
        root_dir: The folder the server serves.
        version: The jupyter_server version.
        info_file: The runtime file it was read from.
    """

    url: str
    token: str
    pid: int
    root_dir: Path
    version: str
    info_file: Path


def runtime_dir() -> Path:
    """The Jupyter runtime folder (``JUPYTER_RUNTIME_DIR`` or the platform default)."""
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir())


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but it exists
    return True


def _read_server(path: Path) -> ServerInfo | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pid = int(data.get("pid", 0))
        url = str(data["url"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.debug("Skipping unreadable server file %s: %s", path, exc)
        return None
    if data.get("sock"):
        logger.debug("Skipping %s: servers on a Unix socket are not supported", path)
        return None
    if not url.endswith("/"):
        url += "/"
    return ServerInfo(
        url=url,
        token=str(data.get("token", "")),
        pid=pid,
        root_dir=Path(str(data.get("root_dir") or data.get("notebook_dir") or ".")),
        version=str(data.get("version", "")),
        info_file=path,
    )


def running_servers(folder: Path | None = None) -> list[ServerInfo]:
    """The Jupyter servers running on this machine for this user.

    Args:
        folder: The runtime folder to look in; default :func:`runtime_dir`.

    Returns:
        One entry per live server, ordered by process id.
    """
    where = folder or runtime_dir()
    if not where.is_dir():
        return []
    found = []
    for path in sorted([*where.glob("jpserver-*.json"), *where.glob("nbserver-*.json")]):
        server = _read_server(path)
        if server is not None and _alive(server.pid):
            found.append(server)
    return sorted(found, key=lambda s: s.pid)


def request(
    server: ServerInfo,
    method: str,
    path: str,
    *,
    body: Any = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Any:
    """Call the server's REST API.

    Args:
        server: The server.
        method: ``"GET"``, ``"POST"``, ``"DELETE"``, ...
        path: Path below the base URL, e.g. ``"api/sessions"``.
        body: JSON-serialisable request body, if any.
        timeout: Seconds to wait.

    Returns:
        The decoded JSON answer, or None for an empty one (``204 No Content``).

    Raises:
        ServerRequestError: The server cannot be reached or answers with an error
            status.
    """
    url = urllib.parse.urljoin(server.url, path.lstrip("/"))
    if not url.startswith(("http://", "https://")):
        raise KernelError(f"Not an HTTP URL: {url}")
    headers = {"Accept": "application/json"}
    if server.token:
        headers["Authorization"] = f"token {server.token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise ServerRequestError(
            f"Jupyter server {server.url} answered {exc.code} {exc.reason} to {method} /{path}.",
            status=exc.code,
            hint="Check the token and that the kernel still exists (`proj jupyter list`).",
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ServerRequestError(
            f"Cannot reach the Jupyter server at {server.url} (pid {server.pid}): {exc}",
            status=0,
            hint="It may be shutting down; run `proj jupyter list` again.",
        ) from exc
    return json.loads(raw) if raw.strip() else None
