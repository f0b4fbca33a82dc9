"""Local kernel processes: finding a kernel's process and measuring its memory.

A kernel started by a Jupyter server on this machine runs with its connection file,
``kernel-<kernel id>.json``, on its command line; that is how its process is found. Its
memory is the resident set size (RSS), in bytes, read with psutil when it is installed
and from ``/proc/<pid>/status`` on Linux otherwise. A kernel running elsewhere (a
remote gateway) has no local process, and both values are None.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

_PROC = Path("/proc")


@dataclass(frozen=True)
class KernelProcess:
    """A kernel's local process.

    Attributes:
        pid: The process id.
        rss: Resident memory in bytes (None when it cannot be read).
    """

    pid: int
    rss: int | None


def _marker(kernel_id: str) -> str:
    return f"kernel-{kernel_id}.json"


def _with_psutil(kernel_ids: Iterable[str]) -> dict[str, KernelProcess]:
    # psutil is optional and ships no type stubs: use it as an untyped module.
    psutil: Any = importlib.import_module("psutil")

    wanted = {_marker(k): k for k in kernel_ids}
    found: dict[str, KernelProcess] = {}
    for process in psutil.process_iter(["pid", "cmdline"]):
        for arg in process.info.get("cmdline") or ():
            kernel_id = next((k for m, k in wanted.items() if arg.endswith(m)), None)
            if kernel_id is None:
                continue
            try:
                rss: int | None = int(process.memory_info().rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                rss = None
            found[kernel_id] = KernelProcess(pid=int(process.info["pid"]), rss=rss)
            break
    return found


def _rss_from_proc(pid: int) -> int | None:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _with_proc(kernel_ids: Iterable[str]) -> dict[str, KernelProcess]:
    wanted = {_marker(k): k for k in kernel_ids}
    found: dict[str, KernelProcess] = {}
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for raw in args:
            arg = raw.decode(errors="replace")
            kernel_id = next((k for m, k in wanted.items() if arg.endswith(m)), None)
            if kernel_id is not None:
                pid = int(entry.name)
                found[kernel_id] = KernelProcess(pid=pid, rss=_rss_from_proc(pid))
                break
    return found


def kernel_processes(kernel_ids: Iterable[str]) -> dict[str, KernelProcess]:
    """Find the local processes of kernels.

    Args:
        kernel_ids: Kernel ids as the Jupyter server reports them.

    Returns:
        Kernel id -> its process, for the kernels running on this machine.
    """
    ids = list(kernel_ids)
    if not ids:
        return {}
    if importlib.util.find_spec("psutil") is not None:
        return _with_psutil(ids)
    return _with_proc(ids)


def format_bytes(size: int | None) -> str:
    """A byte count for people: ``"182.4 MiB"``; ``"-"`` for None."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
