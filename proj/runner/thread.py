"""ThreadRunner: ready nodes run concurrently on a pool of threads."""

from __future__ import annotations

import os
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

from proj.runner.core import AbstractRunner, worker_count

if TYPE_CHECKING:
    from collections.abc import Iterator


class ThreadRunner(AbstractRunner):
    """Runs up to ``max_workers`` ready nodes at once on threads.

    Suits nodes that wait on I/O or release the GIL (numpy, pandas, most native code).
    Node functions share the process, so they must not rely on unsynchronised global
    state.

    Args:
        max_workers: Threads to use, at least 1; default: the CPU count plus 4, at
            most 32 (the standard library's default for I/O-bound pools).
        is_async: Load a node's inputs and save its outputs concurrently.

    Raises:
        RunnerError: ``max_workers`` is below 1.
    """

    def __init__(self, max_workers: int | None = None, *, is_async: bool = False) -> None:
        super().__init__(is_async=is_async)
        self.max_workers = worker_count(max_workers, min(32, (os.cpu_count() or 1) + 4))

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        with ThreadPoolExecutor(
            max_workers=self.max_workers, thread_name_prefix="proj-node"
        ) as pool:
            yield pool
