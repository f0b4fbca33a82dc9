"""Kernels of running Jupyter servers: listing them with their notebooks, and unloading
(stopping) them.

Unloading a kernel ends its process and frees its memory; the notebook file is left as
it is. A kernel attached to a notebook or console session is stopped by deleting the
session (``DELETE /api/sessions/<id>``: the server shuts the kernel down and forgets
the pairing, like "Close and Shut Down"); a kernel without a session by
``DELETE /api/kernels/<id>``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import KernelError
from proj.jupyter.processes import KernelProcess, kernel_processes
from proj.jupyter.servers import ServerInfo, ServerRequestError, request, running_servers

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KernelSession:
    """A running kernel and the notebook (or console) using it.

    Attributes:
        server: The server running it.
        kernel_id: The kernel's id.
        kernel_name: Its kernel spec name, e.g. ``proj_iris_demo``.
        state: Execution state: ``idle``, ``busy``, ``starting``, ...
        last_activity: When it last sent or received a message (UTC).
        connections: Open websocket connections (browser tabs) to it.
        session_id: The session pairing it with a notebook, if any.
        path: The notebook's path relative to the server's root, if any.
        kind: ``notebook``, ``console``, ... (None without a session).
        pid: The kernel's process id when it runs on this machine.
        memory: Its resident memory in bytes when it runs on this machine.
    """

    server: ServerInfo
    kernel_id: str
    kernel_name: str
    state: str
    last_activity: datetime | None
    connections: int
    session_id: str | None = None
    path: str | None = None
    kind: str | None = None
    pid: int | None = None
    memory: int | None = None

    @property
    def notebook(self) -> Path | None:
        """The notebook's absolute path, if the kernel has one."""
        return (self.server.root_dir / self.path).resolve() if self.path else None

    def idle_for(self, now: datetime | None = None) -> timedelta | None:
        """How long since the kernel's last activity (None when unknown)."""
        if self.last_activity is None:
            return None
        return (now or datetime.now(timezone.utc)) - self.last_activity

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (``proj jupyter list --json``)."""
        return {
            "server": self.server.url,
            "kernel_id": self.kernel_id,
            "kernel_name": self.kernel_name,
            "state": self.state,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "connections": self.connections,
            "session_id": self.session_id,
            "path": self.path,
            "type": self.kind,
            "pid": self.pid,
            "memory_bytes": self.memory,
        }


@dataclass
class ServerStatus:
    """A server and its kernels, or why they could not be read.

    Attributes:
        server: The server.
        kernels: Its kernels, those with a notebook first.
        error: Why the server could not be asked (None when it answered).
    """

    server: ServerInfo
    kernels: list[KernelSession] = field(default_factory=list)
    error: str | None = None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _kernel(
    server: ServerInfo, kernel: dict[str, Any], session: dict[str, Any] | None
) -> KernelSession:
    return KernelSession(
        server=server,
        kernel_id=str(kernel.get("id", "")),
        kernel_name=str(kernel.get("name", "")),
        state=str(kernel.get("execution_state", "unknown")),
        last_activity=_parse_time(kernel.get("last_activity")),
        connections=int(kernel.get("connections", 0) or 0),
        session_id=str(session["id"]) if session else None,
        path=str(session.get("path")) if session and session.get("path") else None,
        kind=str(session.get("type")) if session and session.get("type") else None,
    )


def server_status(server: ServerInfo) -> ServerStatus:
    """Ask one server for its sessions and kernels.

    Args:
        server: The server.

    Returns:
        Its kernels with their notebooks, local process and memory; or the error.
    """
    status = ServerStatus(server)
    try:
        sessions = request(server, "GET", "api/sessions") or []
        kernels = request(server, "GET", "api/kernels") or []
    except KernelError as exc:
        status.error = exc.message
        return status
    paired = set()
    for session in sessions:
        kernel = session.get("kernel") or {}
        if kernel.get("id"):
            paired.add(kernel["id"])
            status.kernels.append(_kernel(server, kernel, session))
    status.kernels += [_kernel(server, k, None) for k in kernels if k.get("id") not in paired]
    processes = kernel_processes(k.kernel_id for k in status.kernels)
    status.kernels = [_with_process(k, processes.get(k.kernel_id)) for k in status.kernels]
    return status


def _with_process(kernel: KernelSession, process: KernelProcess | None) -> KernelSession:
    if process is None:
        return kernel
    return replace(kernel, pid=process.pid, memory=process.rss)


def list_running(servers: Sequence[ServerInfo] | None = None) -> list[ServerStatus]:
    """Every running Jupyter server with its kernels.

    Args:
        servers: The servers to ask; default: all in the runtime folder.

    Returns:
        One entry per server.
    """
    return [server_status(s) for s in (running_servers() if servers is None else servers)]


def _matches_path(kernel: KernelSession, target: str, cwd: Path) -> bool:
    if kernel.path is None:
        return False
    if kernel.path == target.lstrip("/"):
        return True
    candidate = Path(target).expanduser()
    absolute = candidate if candidate.is_absolute() else cwd / candidate
    return kernel.notebook == absolute.resolve()


def select_kernels(
    statuses: Sequence[ServerStatus],
    *,
    target: str | None = None,
    idle_for_minutes: float | None = None,
    kernel_name: str | None = None,
    cwd: Path | None = None,
    now: datetime | None = None,
) -> list[KernelSession]:
    """The kernels matching every criterion given.

    Args:
        statuses: Servers and their kernels (from :func:`list_running`).
        target: A kernel id (or a unique prefix of one) or a notebook path (relative to
            ``cwd`` or to the server's root, or absolute).
        idle_for_minutes: Only kernels that are not busy and had no activity for at
            least this many minutes.
        kernel_name: Only kernels of this kernel spec.
        cwd: The folder relative notebook paths start from; default the working one.
        now: The current time (UTC), for tests.

    Returns:
        The matching kernels.

    Raises:
        KernelError: No criterion was given, ``target`` matches nothing, or a kernel id
            prefix matches several kernels.
    """
    if target is None and idle_for_minutes is None and kernel_name is None:
        raise KernelError(
            "Say which kernels to stop.",
            hint="Pass a KERNEL_ID or NOTEBOOK_PATH, --idle-for MINUTES, or --project.",
        )
    here = cwd or Path.cwd()
    kernels = [k for status in statuses for k in status.kernels]
    if target is not None:
        by_id = [k for k in kernels if k.kernel_id == target] or [
            k for k in kernels if len(target) >= 4 and k.kernel_id.startswith(target)
        ]
        by_path = [k for k in kernels if _matches_path(k, target, here)]
        chosen = by_id or by_path
        if len({k.kernel_id for k in by_id}) > 1:
            raise KernelError(
                f"'{target}' is the start of several kernel ids: "
                f"{', '.join(k.kernel_id for k in by_id)}.",
                hint="Give more characters of the id.",
            )
        if not chosen:
            known = [k.path or k.kernel_id for k in kernels]
            raise KernelError(
                f"No running kernel has the id or notebook '{target}'.",
                hint=f"Running: {', '.join(known)}." if known else "No kernel is running.",
            )
        kernels = chosen
    if kernel_name is not None:
        kernels = [k for k in kernels if k.kernel_name == kernel_name]
    if idle_for_minutes is not None:
        limit = timedelta(minutes=idle_for_minutes)
        kernels = [
            k
            for k in kernels
            if k.state != "busy" and (idle := k.idle_for(now)) is not None and idle >= limit
        ]
    return kernels


def stop_kernel(kernel: KernelSession) -> bool:
    """Stop (unload) one kernel through its server's REST API.

    Args:
        kernel: The kernel.

    Returns:
        True when it was stopped, False when it was already gone.

    Raises:
        KernelError: The server refused or could not be reached.
    """
    path = f"api/sessions/{kernel.session_id}" if kernel.session_id else None
    try:
        if path is not None:
            request(kernel.server, "DELETE", path)
        else:
            request(kernel.server, "DELETE", f"api/kernels/{kernel.kernel_id}")
    except ServerRequestError as exc:
        if exc.status == 404:
            return False
        raise
    logger.info(
        "Stopped kernel %s (%s)%s on %s",
        kernel.kernel_id,
        kernel.kernel_name,
        f" of {kernel.path}" if kernel.path else "",
        kernel.server.url,
    )
    return True
