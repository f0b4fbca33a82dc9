"""IPyParallelRunner: node functions run on IPython parallel engines, I/O and hooks stay home.

For people who already work with ipyparallel (https://ipyparallel.readthedocs.io): the
runner starts a local cluster of ``max_workers`` engines for the run (and stops it
after), or connects to a running one by its profile and cluster id
(``proj run --runner ipyparallel --runner-params profile=mpi,cluster_id=c1``). The
scheduling core is the same as for every other runner, so the order, data release,
hooks, run store, failure report and resume set are identical; only the call of a
node's function travels to an engine, through a load-balanced view.

Each run opens its own client, and ipyparallel routes each result to the client that
sent the task (by message id), so two runs on one cluster never see each other's
results. Engines import the project's modules through the main process's ``sys.path``,
sent along with each task; functions defined in ``__main__`` (a script or a notebook)
travel by value through cloudpickle.

Requires the ``ipyparallel`` extra: ``pip install "proj[ipyparallel]"``.
"""

from __future__ import annotations

import logging
import pickle
import sys
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from proj.exceptions import MissingDependencyError, RunnerError
from proj.runner.core import AbstractRunner, check_picklable, worker_count

if TYPE_CHECKING:
    from collections.abc import Iterator

    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline

logger = logging.getLogger(__name__)

#: Seconds to wait for engines to start or a running cluster to answer.
DEFAULT_TIMEOUT = 120.0


def _call_on_engine(payload: bytes, paths: list[str]) -> dict[str, Any]:
    """Run on an engine: make the project importable, then call the node.

    The node and its inputs come pickled, so that they are unpickled only once the
    project's folders are on the engine's ``sys.path``.
    """
    import pickle as engine_pickle
    import sys as engine_sys

    for path in paths:
        if path not in engine_sys.path:
            engine_sys.path.append(path)
    node, inputs = engine_pickle.loads(payload)  # noqa: S301 - sent by this run's main process
    result: dict[str, Any] = node.run(inputs)
    return result


class IPyParallelRunner(AbstractRunner):
    """Runs up to ``max_workers`` node functions at once on ipyparallel engines.

    As with :class:`~proj.runner.ParallelRunner`, the main process loads inputs, calls
    hooks and saves outputs; the node's function and its input data travel to an
    engine (pickled), its outputs travel back.

    Args:
        max_workers: Engines of the local cluster, and nodes in flight at once;
            default: the CPU count for a local cluster, the engine count of a running
            one.
        profile: The IPython profile of a running cluster to use (``ipcluster start
            --profile=NAME``); with ``cluster_id``, connects instead of starting one.
        cluster_id: The id of a running cluster (``--cluster-id``).
        timeout: Seconds to wait for the engines to start, or a running cluster to
            answer.
        is_async: Load a node's inputs and save its outputs concurrently.

    Raises:
        MissingDependencyError: ipyparallel is not installed.
        RunnerError: ``max_workers`` is below 1.
    """

    def __init__(
        self,
        max_workers: int | None = None,
        profile: str | None = None,
        cluster_id: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        is_async: bool = False,
    ) -> None:
        super().__init__(is_async=is_async)
        try:
            import ipyparallel  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("ipyparallel", "ipyparallel", "IPyParallelRunner") from exc
        import os

        self.connect = profile is not None or cluster_id is not None
        self.profile = profile
        self.cluster_id = cluster_id
        self.timeout = float(timeout)
        self._requested = max_workers
        self.max_workers = worker_count(max_workers, os.cpu_count() or 1)
        self._view: Any = None

    def _prepare(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        check_picklable(pipeline, "IPyParallelRunner")

    def _start_local(self, stack: ExitStack) -> Any:
        import ipyparallel as ipp

        try:
            cluster = ipp.Cluster(
                n=self.max_workers,
                engine_timeout=self.timeout,
                shutdown_atexit=True,
                log_level=logging.WARNING,
            )
            stack.callback(cluster.stop_cluster_sync)
            client = cluster.start_and_connect_sync()
        except Exception as exc:
            raise RunnerError(
                f"Could not start a local ipyparallel cluster of {self.max_workers} "
                f"engine(s): {type(exc).__name__}: {exc}. Nothing ran.",
                hint="Check that `ipcluster start -n 2` works in this environment (IPYTHONDIR "
                "must be writable), or connect to a running cluster with --runner-params "
                "profile=NAME,cluster_id=ID.",
            ) from exc
        return client

    def _connect(self) -> Any:
        import ipyparallel as ipp

        where = f"profile '{self.profile or 'default'}'" + (
            f", cluster id '{self.cluster_id}'" if self.cluster_id else ""
        )
        try:
            client = ipp.Client(
                profile=self.profile or "default",
                cluster_id=self.cluster_id or "",
                timeout=self.timeout,
            )
        except Exception as exc:
            raise RunnerError(
                f"Cannot connect to the ipyparallel cluster of {where}: "
                f"{type(exc).__name__}: {exc}. Nothing ran.",
                hint="Start it with `ipcluster start -n N --profile=NAME --cluster-id=ID` "
                "and check `ipcluster list`, or drop --runner-params to start a local one.",
            ) from exc
        try:
            client.wait_for_engines(1, timeout=self.timeout)
        except Exception as exc:
            client.close()
            raise RunnerError(
                f"The ipyparallel cluster of {where} has no engine after {self.timeout:.0f} s. "
                "Nothing ran.",
                hint="Start engines with `ipengine` or `ipcluster engines`.",
            ) from exc
        return client

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        with ExitStack() as stack:
            client = self._connect() if self.connect else self._start_local(stack)
            stack.callback(client.close)
            engines = len(client.ids)
            if self.connect and self._requested is None:
                self.max_workers = max(1, engines)
            logger.info(
                "Running nodes on %d ipyparallel engine(s) (%s)",
                engines,
                "connected" if self.connect else "local cluster",
            )
            threads = stack.enter_context(
                ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="proj-ipp")
            )
            self._view = client.load_balanced_view()
            try:
                yield threads
            finally:
                self._view = None

    def _call_node(self, node: Node, inputs: dict[str, Any]) -> dict[str, Any]:
        assert self._view is not None
        payload = _dumps((node, inputs))
        paths = [path for path in sys.path if path]
        result = self._view.apply_async(_call_on_engine, payload, paths)
        try:
            outputs: dict[str, Any] = result.get()
        except Exception as exc:
            original = _engine_error(exc)
            if original is not None:
                raise original from None
            raise
        return outputs


def _dumps(value: object) -> bytes:
    """Pickle for an engine: with cloudpickle (the extra installs it), functions defined in
    ``__main__`` (a script, a notebook) travel by value, as they do to Dask workers."""
    try:
        import cloudpickle
    except ImportError:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data: bytes = cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return data


def _engine_error(exc: BaseException) -> BaseException | None:
    """The node's own exception, rebuilt from ipyparallel's ``RemoteError`` when possible."""
    import builtins

    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    kind = getattr(builtins, str(ename), None) if ename else None
    if isinstance(kind, type) and issubclass(kind, Exception) and evalue is not None:
        rebuilt = kind(evalue)
        if hasattr(rebuilt, "add_note"):
            rebuilt.add_note(f"Raised on an ipyparallel engine:\n{getattr(exc, 'traceback', '')}")
        return rebuilt
    return None


__all__ = ["DEFAULT_TIMEOUT", "IPyParallelRunner"]
