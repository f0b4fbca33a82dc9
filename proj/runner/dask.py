"""DaskRunner: node functions run on a Dask distributed cluster, I/O and hooks stay home.

Where one machine is not enough: point the runner at a Dask scheduler
(``DaskRunner(address="tcp://scheduler:8786")``) and each node's function runs on a
worker of that cluster. The scheduling core is the same as for every other runner, so
the order, data release, hooks, failure report and resume set are identical.

Requires the ``dask`` extra: ``pip install "proj[dask]"``
(https://distributed.dask.org/en/stable/client.html).
"""

from __future__ import annotations

import logging
import os
import uuid
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from proj.exceptions import MissingDependencyError, RunnerError
from proj.runner.core import (
    AbstractRunner,
    call_in_worker,
    check_copy_modes,
    check_picklable,
    worker_count,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline

logger = logging.getLogger(__name__)


class DaskRunner(AbstractRunner):
    """Runs up to ``max_workers`` node functions at once on a Dask cluster.

    As with :class:`~proj.runner.ParallelRunner`, the main process loads inputs, calls
    hooks and saves outputs; the node's function and its input data travel to a worker
    (serialised by Dask), its outputs travel back. Datasets therefore need not be
    reachable from the workers. Each task gets a key of its own (node name plus a
    random part), so runs sharing one scheduler never share a task. As with
    ``ParallelRunner``, an input declared ``copy_mode: assign`` is refused.

    Args:
        address: A running scheduler, e.g. ``"tcp://10.0.0.5:8786"``. Default: a
            ``LocalCluster`` started for the run and closed after it.
        max_workers: Nodes in flight at once; default: the cluster's total threads
            (for a local cluster, the CPU count, one thread per worker process).
        is_async: Load a node's inputs and save its outputs concurrently.

    Raises:
        MissingDependencyError: ``dask.distributed`` is not installed.
        RunnerError: ``max_workers`` is below 1.
    """

    def __init__(
        self,
        address: str | None = None,
        max_workers: int | None = None,
        *,
        is_async: bool = False,
    ) -> None:
        super().__init__(is_async=is_async)
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("distributed", "dask", "DaskRunner") from exc
        self.address = address
        self.max_workers = worker_count(max_workers, os.cpu_count() or 1)
        self._client: Any = None

    def _prepare(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        check_picklable(pipeline, "DaskRunner")
        check_copy_modes(pipeline, catalog, "DaskRunner")

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        from distributed import Client, LocalCluster

        with ExitStack() as stack:
            if self.address is None:
                cluster = stack.enter_context(
                    LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=self.max_workers,
                        threads_per_worker=1,
                        processes=True,
                        # Any free port: the scheduler's HTTP server would otherwise
                        # ask for 8787 and warn when another cluster holds it.
                        dashboard_address=":0",
                    )
                )
                client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
            else:
                try:
                    client = stack.enter_context(
                        Client(self.address, timeout="10s")  # type: ignore[no-untyped-call]
                    )
                except OSError as exc:
                    raise RunnerError(
                        f"Cannot reach the Dask scheduler at {self.address}: {exc}",
                        hint="Check the address and that the scheduler is running.",
                    ) from exc
            logger.info("Running nodes on Dask cluster %s", client.scheduler.address)
            threads = stack.enter_context(
                ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="proj-dask")
            )
            self._client = client
            try:
                yield threads
            finally:
                self._client = None

    def _call_node(self, node: Node, inputs: dict[str, Any]) -> dict[str, Any]:
        assert self._client is not None
        # A key of its own for every submission: on a shared scheduler, a key two runs
        # had in common would hand the second run the first run's result.
        key = f"proj-{node.name}-{uuid.uuid4().hex}"
        future = self._client.submit(call_in_worker, node, inputs, pure=False, key=key)
        result: dict[str, Any] = future.result()
        return result
