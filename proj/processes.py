"""Is the process that started a run, or wrote a temporary file, still alive?

A process is identified by its host name, its pid and, where the system tells, its start
time (Linux: field 22 of ``/proc/<pid>/stat``, in clock ticks since boot), so a pid the
system gave to a new process after the old one died is not mistaken for the old one.
Only standard library; nothing runs at import.
"""

from __future__ import annotations

import functools
import os
import socket
import sys
from pathlib import Path


@functools.cache
def host_name() -> str:
    """This machine's host name, as recorded with runs."""
    return socket.gethostname()


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (command name) state ppid ...": the name may hold spaces and parentheses.
    return text.rsplit(")", 1)[-1].split()


def start_token(pid: int | None = None) -> str | None:
    """The start time of process ``pid`` (default: this one), as an opaque string.

    Returns:
        A string that differs between two processes that had the same pid, or None
        where the system does not tell (anything but Linux).
    """
    fields = _stat_fields(os.getpid() if pid is None else pid)
    if fields is None or len(fields) < 20:
        return None
    return fields[19]


def process_gone(pid: int | None, start: str | None, host: str | None) -> bool:
    """Whether the process ``pid`` that started at ``start`` on ``host`` has ended.

    Args:
        pid: The process id; None means unknown.
        start: Its :func:`start_token`, or None if it was not known.
        host: The host it ran on; None means unknown.

    Returns:
        True only when the answer is certain: same host, and no such process, or a
        zombie, or a process with that pid that started at another time. False when
        it is alive or nothing can be known (another host, Windows, missing data).
    """
    if pid is None or pid <= 0 or host != host_name() or sys.platform == "win32":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists and belongs to someone else
    fields = _stat_fields(pid)
    if fields is None:
        return False
    if fields[0] in ("Z", "X"):  # exited, not yet reaped by its parent
        return True
    return start is not None and len(fields) >= 20 and fields[19] != start
