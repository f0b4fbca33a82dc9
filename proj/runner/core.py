"""The scheduling core every runner shares: ready queue, consumer counts, hooks, errors.

A run keeps, per node, the number of its input datasets that are still to be produced
and, per dataset, the number of consumers still to run. A node enters the ready queue
when its count drops to zero. As in Kedro, a dataset between nodes (neither a free input
nor a final output of the pipeline) is released when its last reader finished, or right
after it is saved when no node reads it under that exact name (a transcoded ``x@save``
read as ``x@load``): in-memory data is freed, files are left alone. Each node and each
edge is touched a constant number of times, so a whole run is O(nodes + edges) on top of
the nodes' own work.

Runners differ only in how a ready node is executed: inline (:class:`SequentialRunner`),
on threads, or in worker processes. They plug in by overriding :meth:`AbstractRunner._pool`
and, for process pools, :meth:`AbstractRunner._call_node`.
"""

from __future__ import annotations

import heapq
import logging
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from proj.exceptions import (
    DatasetError,
    HookError,
    NodeExitError,
    NodeFailedError,
    NotPicklableError,
    ProjError,
    RunnerError,
)
from proj.hooks.manager import HookRelay
from proj.runner.planning import nodes_with_missing_outputs, persisted_predicate, resume_nodes
from proj.tracebacks import first_line, raised_at, remember_origin

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pluggy

    from proj.io import AbstractDataset, DataCatalog
    from proj.pipeline import Node, Pipeline

logger = logging.getLogger(__name__)


def worker_count(max_workers: int | None, default: int) -> int:
    """Validate a runner's ``max_workers``: at least 1, ``default`` when None.

    Raises:
        RunnerError: ``max_workers`` is below 1.
    """
    if max_workers is not None and max_workers < 1:
        raise RunnerError(f"max_workers must be at least 1, got {max_workers}.")
    return max_workers or default


def check_picklable(pipeline: Pipeline, runner_name: str) -> None:
    """Refuse, before anything runs, nodes that cannot travel to another process.

    Args:
        pipeline: The nodes about to run.
        runner_name: Named in the message, e.g. ``"ParallelRunner"``.

    Raises:
        NotPicklableError: Naming the first node whose function cannot be pickled.
    """
    import pickle

    for node in pipeline.nodes:
        try:
            pickle.dumps(node)
        except Exception as exc:
            raise NotPicklableError(
                f"{runner_name} cannot send node '{node.name}' to a worker process: its "
                f"function {getattr(node.func, '__qualname__', node.func)!r} cannot be "
                f"pickled ({type(exc).__name__}: {exc}). Nothing ran.",
                hint="Define node functions at module level (no lambdas or closures), "
                "or use --runner thread.",
            ) from exc


def check_copy_modes(pipeline: Pipeline, catalog: DataCatalog, runner_name: str) -> None:
    """Refuse in-memory inputs declared ``copy_mode: assign`` for runners whose node
    functions run in other processes.

    ``assign`` shares one object between the nodes that load it, so a change one node
    makes in place is seen by the next one. A worker process receives a pickled copy,
    so such changes would be lost and the run would quietly produce other data than
    the sequential and thread runners. Honouring ``assign`` would mean shipping every
    input back after each node and would still depend on which node finished first, so
    the run is refused before anything runs.

    Args:
        pipeline: The nodes about to run.
        catalog: The run's catalog.
        runner_name: Named in the message, e.g. ``"ParallelRunner"``.

    Raises:
        RunnerError: Naming every such dataset and the nodes that read it.
    """
    from proj.io import MemoryDataset

    shared: dict[str, list[str]] = {}
    for name, readers in pipeline.consumers.items():
        if name not in catalog or not isinstance(catalog.get(name), MemoryDataset):
            continue
        if catalog.describe(name).get("copy_mode") == "assign":
            shared[name] = sorted(node.name for node in readers)
    if shared:
        listed = "; ".join(
            f"'{name}' (read by {', '.join(nodes)})" for name, nodes in shared.items()
        )
        raise RunnerError(
            f"{runner_name} cannot honour copy_mode: assign of the MemoryDataset {listed}: "
            "each worker process gets a pickled copy, so changes a node makes to it in "
            "place would not reach the other nodes as they do with the sequential and "
            "thread runners. Nothing ran.",
            hint="Use copy_mode: deepcopy or copy for it in the catalog, or run with "
            "--runner sequential or --runner thread.",
        )


class _Ready:
    """Nodes whose inputs are all available, handed out in the pipeline's order.

    ``Pipeline.nodes`` is a topological order with ties broken by name, so the
    sequential runner runs exactly that order, the same in every process and run
    (as Kedro's does); concurrent runners start ready nodes in that order too. A
    plain queue would follow the order nodes became ready, which depends on set
    iteration and so on ``PYTHONHASHSEED``.
    """

    def __init__(self, order: list[Node]) -> None:
        self._position = {node.name: index for index, node in enumerate(order)}
        self._heap: list[tuple[int, Node]] = []

    def append(self, node: Node) -> None:
        heapq.heappush(self._heap, (self._position[node.name], node))

    def pop(self) -> Node:
        return heapq.heappop(self._heap)[1]

    def __bool__(self) -> bool:
        return bool(self._heap)


def call_in_worker(node: Node, inputs: dict[str, Any]) -> dict[str, Any]:
    """Run a node's function in a worker process, ready for the trip back.

    Where the error was raised and its traceback are stored on it before it is
    pickled (:func:`proj.tracebacks.remember_origin`), and ``sys.exit()`` becomes a
    :class:`NodeExitError`, so the main process reports both as failures of the node.
    """
    try:
        return node.run(inputs)
    except SystemExit as exc:
        raise _exited(exc) from None
    except Exception as exc:
        raise remember_origin(exc) from None


def _exited(exc: SystemExit) -> NodeExitError:
    error = NodeExitError(f"the node's function called sys.exit({exc.code!r})")
    setattr(error, "__proj_where__", raised_at(exc))  # noqa: B010
    setattr(error, "__proj_traceback__", "".join(_format(exc)))  # noqa: B010
    return error


def _format(exc: BaseException) -> list[str]:
    import traceback

    return traceback.format_exception(type(exc), exc, exc.__traceback__)


class AbstractRunner:
    """Runs a pipeline against a catalog; subclasses choose how nodes execute.

    The base class runs nodes inline, one at a time; it has no abstract method because
    every extension point has a working default.

    Args:
        is_async: Load a node's inputs and save its outputs on a small thread pool, so
            slow storage is read and written concurrently.
    """

    #: How many nodes may be in flight at once; 1 means inline execution.
    max_workers: int = 1

    def __init__(self, *, is_async: bool = False) -> None:
        self.is_async = is_async

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_workers={self.max_workers}, is_async={self.is_async})"

    # ------------------------------------------------------------------ public API

    def run(
        self,
        pipeline: Pipeline,
        catalog: DataCatalog,
        hook_manager: pluggy.PluginManager | None = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
    ) -> dict[str, Any]:
        """Run every node of ``pipeline``, reading and writing through ``catalog``.

        Datasets the pipeline uses that the catalog does not declare are held in
        memory for the run (the caller's catalog is not changed).

        Args:
            pipeline: The nodes to run.
            catalog: Where inputs are loaded from and outputs saved to.
            hook_manager: Node and dataset hooks are called through it, for every runner.
            run_id: Passed to node hooks, so a run store can attribute events.
            only_missing_outputs: Run only the nodes whose persisted outputs are
                missing, everything downstream of them, and the producers of in-memory
                data those need (see :func:`proj.runner.planning.nodes_with_missing_outputs`);
                nodes without outputs always run.

        Returns:
            The outputs nobody consumed that are held only in memory: dataset name ->
            data. Persisted results stay in their files.

        Raises:
            DatasetError: A free input of the pipeline is declared but its data does
                not exist, or is neither declared nor given; nothing ran.
            NodeFailedError: A node raised (or called ``sys.exit()``), or a node or
                dataset hook raised; the original exception is the cause, and the
                error names the ``file:line`` that raised, the nodes that did not run
                and where to resume.
            RunnerError: This runner cannot run the pipeline as asked; nothing ran.
        """
        catalog = catalog.shallow_copy()
        if only_missing_outputs:
            keep = nodes_with_missing_outputs(pipeline, catalog)
            skipped = len(pipeline) - len(keep)
            if skipped:
                logger.info(
                    "Skipping %d node(s) whose outputs already exist (--only-missing-outputs)",
                    skipped,
                )
            pipeline = pipeline.only_nodes(*keep) if keep else pipeline.only_nodes()
        self._check_free_inputs(pipeline, catalog)
        self._prepare(pipeline, catalog)
        for name in pipeline.datasets():
            if name not in catalog:
                catalog.add(name, self.create_default_dataset(name))
        hooks = HookRelay(hook_manager)
        done = self._schedule(pipeline, catalog, hooks, run_id)
        logger.info("Completed %d of %d node(s)", len(done), len(pipeline))
        if len(done) == len(pipeline):
            # Kedro's words, which tests of Kedro projects look for in the log.
            logger.debug("Pipeline execution completed successfully.")
        return {
            name: catalog.load(name)
            for name in sorted(pipeline.outputs())
            if not catalog.is_persistent(name)
        }

    # ------------------------------------------------------------------ extension points

    def create_default_dataset(self, ds_name: str) -> AbstractDataset:
        """The dataset a run keeps ``ds_name`` in when the catalog does not declare it.

        Kedro 0.19's extension point, with its signature: a runner that overrides it
        can keep undeclared data elsewhere (on disk, in shared memory).

        Args:
            ds_name: The dataset's name, as the nodes use it.

        Returns:
            A new, empty :class:`~proj.io.MemoryDataset` by default.
        """
        from proj.io import MemoryDataset

        return MemoryDataset()

    def _prepare(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        """Check, before anything runs, that this runner can run the pipeline."""

    @contextmanager
    def _pool(self) -> Iterator[Executor | None]:
        """The executor nodes are submitted to, or ``None`` to run them inline."""
        yield None

    def _call_node(self, node: Node, inputs: dict[str, Any]) -> dict[str, Any]:
        """Call the node's function; process-based runners send it to a worker."""
        return node.run(inputs)

    # ------------------------------------------------------------------ scheduling

    @staticmethod
    def _check_free_inputs(pipeline: Pipeline, catalog: DataCatalog) -> None:
        missing: list[str] = []
        for name in sorted(pipeline.inputs()):
            if name not in catalog:
                missing.append(f"'{name}' (not in the catalog)")
            elif not catalog.exists(name) and catalog.get(name)._tells_existence():
                described = catalog.describe(name)
                where = described.get("filepath")
                kind = described.get("type", "dataset")
                missing.append(f"'{name}' ({kind}{', ' + str(where) if where else ''})")
        if missing:
            readers = sorted(
                {node.name for name in pipeline.inputs() for node in pipeline.consumers[name]}
            )
            raise DatasetError(
                f"The run needs input data that does not exist: {', '.join(missing)}; "
                f"nodes waiting for it: {', '.join(readers[:5])}"
                f"{', ...' if len(readers) > 5 else ''}. Nothing ran.",
                hint="Create the data, declare it in conf/base/catalog.yml, or run "
                "the nodes that produce it first.",
            )

    def _schedule(
        self, pipeline: Pipeline, catalog: DataCatalog, hooks: Any, run_id: str | None
    ) -> list[str]:
        nodes = pipeline.nodes
        producers = pipeline.producers
        consumers = pipeline.consumers
        # Distinct datasets each node waits for, and readers left per dataset name
        # exactly as written (``x@a`` and ``x@b`` apart).
        waiting: dict[str, int] = {}
        readers_left: dict[str, int] = {}
        ready = _Ready(nodes)
        for node in nodes:
            inputs = set(node.inputs)
            count = sum(1 for name in inputs if name in producers)
            waiting[node.name] = count
            if count == 0:
                ready.append(node)
            for name in inputs:
                readers_left[name] = readers_left.get(name, 0) + 1
        # The run's inputs and results are the caller's: never released.
        keep = pipeline.inputs() | pipeline.outputs()
        persisted = persisted_predicate(catalog)
        done: list[str] = []

        def finished(node: Node) -> None:
            done.append(node.name)
            outputs = set(node.outputs)
            for name in outputs:
                for reader in consumers.get(name, ()):
                    waiting[reader.name] -= 1
                    if waiting[reader.name] == 0:
                        ready.append(reader)
            for name in set(node.inputs):
                readers_left[name] -= 1
                if readers_left[name] == 0 and name not in keep:
                    catalog.release(name)
            for name in outputs:
                if name not in readers_left and name not in keep:
                    catalog.release(name)

        def fail(node: Node, exc: BaseException) -> NodeFailedError:
            done_set = set(done)
            not_run = [n.name for n in nodes if n.name not in done_set]
            resume = resume_nodes(pipeline, done, persisted)
            if isinstance(exc, HookError):
                # The hook's message already names the hook and its line.
                message, where = exc.message, exc.where
            else:
                where = raised_at(exc)
                message = first_line(exc) + (f" ({where})" if where else "")
            error = NodeFailedError(
                f"Node '{node.name}' failed: {message}",
                node_name=node.name,
                not_run=not_run,
                resume_nodes=resume,
                hint=exc.hint if isinstance(exc, ProjError) else None,
                where=where,
            )
            error.__cause__ = exc
            return error

        with self._pool() as pool:
            if pool is None:
                while ready:
                    node = ready.pop()
                    try:
                        self._run_node(node, catalog, hooks, run_id)
                    except Exception as exc:
                        raise fail(node, exc) from exc
                    finished(node)
            else:
                self._schedule_pool(pool, ready, catalog, hooks, run_id, finished, fail)
        if len(done) != len(nodes):  # pragma: no cover - a Pipeline is acyclic
            raise RunnerError(f"Only {len(done)} of {len(nodes)} nodes could be scheduled.")
        return done

    def _schedule_pool(
        self,
        pool: Executor,
        ready: _Ready,
        catalog: DataCatalog,
        hooks: Any,
        run_id: str | None,
        finished: Any,
        fail: Any,
    ) -> None:
        in_flight: dict[Future[None], Node] = {}
        try:
            while ready or in_flight:
                while ready and len(in_flight) < self.max_workers:
                    node = ready.pop()
                    future = pool.submit(self._run_node, node, catalog, hooks, run_id)
                    in_flight[future] = node
                completed, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in completed:
                    node = in_flight.pop(future)
                    exc = future.exception()
                    if exc is not None:
                        raise fail(node, exc) from exc
                    finished(node)
        finally:
            for future in in_flight:
                future.cancel()
            # Let nodes already running finish so none is left half-saved.
            wait(in_flight)

    def _run_node(self, node: Node, catalog: DataCatalog, hooks: Any, run_id: str | None) -> None:
        """Load, call, save; the node has completed only once all its outputs are saved.

        Every failure on the way (an input that does not load, a hook, the function, a
        save) goes through ``on_node_error``; a failure of ``on_node_error`` itself is
        logged and never replaces the node's own error.
        """
        started = time.perf_counter()
        inputs: dict[str, Any] = {}
        # What every node hook receives (``session_id``: Kedro 0.19's name of the run id).
        about = {
            "node": node,
            "catalog": catalog,
            "is_async": self.is_async,
            "run_id": run_id,
            "session_id": run_id,
        }
        try:
            inputs = self._load_inputs(node, catalog, hooks)
            for replacement in hooks.before_node_run(inputs=inputs, **about):
                if replacement:
                    inputs.update(replacement)
            try:
                outputs = self._call_node(node, inputs)
            except SystemExit as exc:
                raise _exited(exc) from exc
            hooks.after_node_run(inputs=inputs, outputs=outputs, **about)
            self._save_outputs(node, catalog, hooks, outputs)
            # Then the datasets it confirms (incremental checkpoints) move on.
            for name in getattr(node, "confirms", ()):
                catalog.confirm(name)
        except Exception as exc:
            try:
                hooks.on_node_error(error=exc, inputs=inputs, **about)
            except HookError as hook_error:
                logger.warning("%s; reporting the node's own error", hook_error.message)
            raise
        # Only now is the node's work durable: every output is saved.
        hooks.after_node_completed(node=node, catalog=catalog, run_id=run_id)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "Ran node %s in %.2f s",
                node.name,
                time.perf_counter() - started,
                extra={"proj_node": node.name},
            )

    def _load_inputs(self, node: Node, catalog: DataCatalog, hooks: Any) -> dict[str, Any]:
        def load(name: str) -> Any:
            hooks.before_dataset_loaded(dataset_name=name, node=node)
            data = catalog.load(name)
            hooks.after_dataset_loaded(dataset_name=name, data=data, node=node)
            return data

        names = list(dict.fromkeys(node.inputs))
        if self.is_async and len(names) > 1:
            with ThreadPoolExecutor(max_workers=len(names)) as io_pool:
                return dict(zip(names, io_pool.map(load, names), strict=False))
        return {name: load(name) for name in names}

    def _save_outputs(
        self, node: Node, catalog: DataCatalog, hooks: Any, outputs: dict[str, Any]
    ) -> None:
        def save(item: tuple[str, Any]) -> None:
            name, data = item
            hooks.before_dataset_saved(dataset_name=name, data=data, node=node)
            catalog.save(name, data)
            hooks.after_dataset_saved(dataset_name=name, data=data, node=node)

        if self.is_async and len(outputs) > 1:
            with ThreadPoolExecutor(max_workers=len(outputs)) as io_pool:
                list(io_pool.map(save, outputs.items()))
        else:
            for item in outputs.items():
                save(item)
