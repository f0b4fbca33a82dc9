"""Finding a kernel's local process by its connection file and reading its memory."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator

import pytest

from proj.jupyter import processes
from proj.jupyter.processes import format_bytes, kernel_processes
from tests.jupyter.fixtures import sleeper_with_args


@pytest.fixture
def fake_kernel() -> Iterator[tuple[str, int]]:
    """A stand-in kernel process: (its kernel id, its pid).

    The id is unique per test, so that stand-ins of tests running at the same time in
    other xdist workers are not found instead.
    """
    kernel_id = f"0f0f-{uuid.uuid4()}"
    process = sleeper_with_args("-f", f"/tmp/runtime/kernel-{kernel_id}.json")
    yield kernel_id, process.pid
    process.kill()
    process.wait()


def test_kernel_process_is_found_with_its_memory(fake_kernel: tuple[str, int]) -> None:
    kernel_id, pid = fake_kernel
    found = kernel_processes([kernel_id, "not-running"])
    assert set(found) == {kernel_id}
    assert found[kernel_id].pid == pid
    rss = found[kernel_id].rss
    assert rss is not None
    assert 1_000_000 < rss < 2_000_000_000  # a Python process: MBs, not GBs


def test_proc_fallback_agrees_with_psutil(fake_kernel: tuple[str, int]) -> None:
    kernel_id, pid = fake_kernel
    from_proc = processes._with_proc([kernel_id])
    assert from_proc[kernel_id].pid == pid
    if importlib.util.find_spec("psutil") is not None:
        from_psutil = processes._with_psutil([kernel_id])
        assert from_psutil[kernel_id].pid == pid


def test_no_kernels_no_scan() -> None:
    assert kernel_processes([]) == {}


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (None, "-"),
        (512, "512 B"),
        (2048, "2.0 KiB"),
        (150 * 2**20, "150.0 MiB"),
        (3 * 2**30, "3.0 GiB"),
    ],
)
def test_format_bytes(size: int | None, text: str) -> None:
    assert format_bytes(size) == text
