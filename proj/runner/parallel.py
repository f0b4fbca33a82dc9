"""ParallelRunner: node functions run in worker processes, I/O and hooks stay home."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from proj.exceptions import NotPicklableError, RunnerError
from proj.runner.core import (
    AbstractRunner,
    call_in_worker,
    check_copy_modes,
    check_picklable,
    worker_count,
)
from proj.tracebacks import first_line, origin_remembered

if TYPE_CHECKING:
    from collections.abc import Iterator

    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline


class ParallelRunner(AbstractRunner):
    """Runs up to ``max_workers`` node functions at once in separate processes.

    Inputs are loaded and outputs saved in the main process, where every node and
    dataset hook runs as for the other runners; only the node's function and its input
    data travel to a worker (pickled), and its outputs travel back. This sidesteps the
    GIL for CPU-bound Python nodes; the cost is pickling the data each way.

    Before anything runs, every node is checked for picklability, so a lambda or a
    closure is reported by name instead of failing halfway through a run; and an
    in-memory input declared ``copy_mode: assign`` is refused by name, since a worker's
    pickled copy cannot share changes the way ``assign`` promises (see
    :func:`proj.runner.core.check_copy_modes`). ``deepcopy``, ``copy`` and the default
    rule give the same data as the sequential runner.

    Args:
        max_workers: Worker processes, at least 1; default: the CPU count.
        mp_context: The multiprocessing start method: ``"spawn"`` (default: safe with
            threads, same on every OS), ``"forkserver"`` or ``"fork"``.
        is_async: Load a node's inputs and save its outputs concurrently.

    Raises:
        RunnerError: ``max_workers`` is below 1 or ``mp_context`` is not a start method
            of this platform; at run time, an input with ``copy_mode: assign``.
    """

    def __init__(
        self,
        max_workers: int | None = None,
        mp_context: str | None = None,
        *,
        is_async: bool = False,
    ) -> None:
        super().__init__(is_async=is_async)
        self.max_workers = worker_count(max_workers, os.cpu_count() or 1)
        methods = multiprocessing.get_all_start_methods()
        self.mp_context = mp_context or "spawn"
        if self.mp_context not in methods:
            raise RunnerError(
                f"Unknown multiprocessing start method '{self.mp_context}'.",
                hint=f"Use one of: {', '.join(methods)}.",
            )
        self._processes: ProcessPoolExecutor | None = None

    def _prepare(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        check_picklable(pipeline, "ParallelRunner")
        check_copy_modes(pipeline, catalog, "ParallelRunner")

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        context = multiprocessing.get_context(self.mp_context)
        with (
            ProcessPoolExecutor(max_workers=self.max_workers, mp_context=context) as processes,
            ThreadPoolExecutor(
                max_workers=self.max_workers, thread_name_prefix="proj-io"
            ) as threads,
        ):
            self._processes = processes
            try:
                yield threads
            finally:
                self._processes = None

    def _call_node(self, node: Node, inputs: dict[str, Any]) -> dict[str, Any]:
        assert self._processes is not None
        try:
            return self._processes.submit(call_in_worker, node, inputs).result()
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            # The node's own errors come back marked with where they were raised; an
            # unmarked pickling error is the trip itself: data pickle cannot carry.
            if origin_remembered(exc) or "pickle" not in str(exc).lower():
                raise
            outputs = ", ".join(f"'{name}'" for name in node.outputs) or "none"
            raise NotPicklableError(
                f"ParallelRunner cannot move the data of node '{node.name}' between "
                f"processes (its inputs to the worker, or its outputs {outputs} back): "
                f"{first_line(exc)}",
                hint="Data travels to and from worker processes pickled: return "
                "picklable values (no lambdas or local functions), or use --runner "
                "thread.",
            ) from exc
