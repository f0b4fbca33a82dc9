"""Finding a kernel's local process by its connection file and reading its memory."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from proj.jupyter import processes
from proj.jupyter.processes import format_bytes, kernel_processes
from tests.jupyter.fixtures import sleeper_with_args


@pytest.fixture
def fake_kernel() -> Iterator[int]:
    process = sleeper_with_args("-f", "/tmp/runtime/kernel-0f0f-test-id.json")
    yield process.pid
    process.kill()
    process.wait()


def test_kernel_process_is_found_with_its_memory(fake_kernel: int) -> None:
    found = kernel_processes(["0f0f-test-id", "not-running"])
    assert set(found) == {"0f0f-test-id"}
    assert found["0f0f-test-id"].pid == fake_kernel
    rss = found["0f0f-test-id"].rss
    assert rss is not None
    assert 1_000_000 < rss < 2_000_000_000  # a Python process: MBs, not GBs


def test_proc_fallback_agrees_with_psutil(fake_kernel: int) -> None:
    from_proc = processes._with_proc(["0f0f-test-id"])
    assert from_proc["0f0f-test-id"].pid == fake_kernel
    if importlib.util.find_spec("psutil") is not None:
        from_psutil = processes._with_psutil(["0f0f-test-id"])
        assert from_psutil["0f0f-test-id"].pid == fake_kernel


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
