"""Choosing which kernels ``proj jupyter stop`` unloads (the REST calls themselves run
against a real server in tests/e2e/test_jupyter.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from proj.exceptions import KernelError
from proj.jupyter.servers import ServerInfo
from proj.jupyter.sessions import KernelSession, ServerStatus, select_kernels

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
SERVER = ServerInfo(
    url="http://localhost:8888/",
    token="t",
    pid=1,
    root_dir=Path("/work/iris"),
    version="2",
    info_file=Path("jpserver-1.json"),
)


def kernel(
    kernel_id: str, path: str | None, name: str, idle_minutes: float, state: str = "idle"
) -> KernelSession:
    return KernelSession(
        server=SERVER,
        kernel_id=kernel_id,
        kernel_name=name,
        state=state,
        last_activity=NOW - timedelta(minutes=idle_minutes),
        connections=1,
        session_id=f"s-{kernel_id}" if path else None,
        path=path,
        kind="notebook" if path else None,
    )


STATUSES = [
    ServerStatus(
        SERVER,
        [
            kernel("aaaa1111", "notebooks/eda.ipynb", "proj_iris", 90),
            kernel("aaaa2222", "notebooks/model.ipynb", "proj_iris", 5),
            kernel("bbbb3333", "other.ipynb", "python3", 120, state="busy"),
            kernel("cccc4444", None, "python3", 240),
        ],
    )
]


def ids(kernels: list[KernelSession]) -> list[str]:
    return [k.kernel_id for k in kernels]


def test_by_full_id_or_unique_prefix() -> None:
    assert ids(select_kernels(STATUSES, target="cccc4444")) == ["cccc4444"]
    assert ids(select_kernels(STATUSES, target="bbbb")) == ["bbbb3333"]
    with pytest.raises(KernelError, match="start of several kernel ids"):
        select_kernels(STATUSES, target="aaaa")


def test_by_notebook_path_relative_to_the_root_or_cwd_or_absolute() -> None:
    assert ids(select_kernels(STATUSES, target="notebooks/eda.ipynb")) == ["aaaa1111"]
    assert ids(
        select_kernels(STATUSES, target="model.ipynb", cwd=Path("/work/iris/notebooks"))
    ) == ["aaaa2222"]
    assert ids(select_kernels(STATUSES, target="/work/iris/other.ipynb")) == ["bbbb3333"]


def test_unknown_target_lists_what_runs() -> None:
    with pytest.raises(KernelError, match="No running kernel") as caught:
        select_kernels(STATUSES, target="notebooks/nope.ipynb")
    assert "notebooks/eda.ipynb" in str(caught.value.hint)


def test_idle_for_skips_busy_and_recent_kernels() -> None:
    chosen = select_kernels(STATUSES, idle_for_minutes=60, now=NOW)
    assert ids(chosen) == ["aaaa1111", "cccc4444"]


def test_criteria_combine() -> None:
    chosen = select_kernels(STATUSES, kernel_name="proj_iris", idle_for_minutes=30, now=NOW)
    assert ids(chosen) == ["aaaa1111"]
    assert ids(select_kernels(STATUSES, kernel_name="proj_iris")) == ["aaaa1111", "aaaa2222"]


def test_no_criterion_is_an_error() -> None:
    with pytest.raises(KernelError, match="Say which kernels"):
        select_kernels(STATUSES)
