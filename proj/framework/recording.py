"""The built-in hooks that write every run, for every runner, into the run store."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from proj.framework.fingerprint import Fingerprinter
from proj.framework.session import RunRequest
from proj.hooks import hook_impl

if TYPE_CHECKING:
    from proj.framework.store import RunStore
    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class RunStoreHooks:
    """Hook implementations recording runs in a :class:`RunStore`.

    Args:
        store: Where to write.
        command: The command line that started the session, if any.
        project_path: The project root (for its git state).
    """

    def __init__(self, store: RunStore, *, command: str | None, project_path: Any) -> None:
        self.store = store
        self.command = command
        self.project_path = project_path

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        request: dict[str, Any] = {
            field.name: run_params[field.name]
            for field in fields(RunRequest)
            if field.name in run_params
        }
        self.store.start_run(
            run_id=run_params["run_id"],
            session_id=run_params.get("session_id"),
            request=request,
            env=run_params.get("env"),
            params=run_params.get("runtime_params") or {},
            node_names=[node.name for node in pipeline.nodes],
            command=self.command,
            project_path=self.project_path,
            resumed_from=run_params.get("resumed_from"),
        )

    @hook_impl
    def before_node_run(self, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_started(run_id, node.name)

    @hook_impl
    def after_node_run(self, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_finished(run_id, node.name, "success")

    @hook_impl
    def on_node_error(self, error: BaseException, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_finished(run_id, node.name, "failed", _describe(error))

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any]) -> None:
        self.store.finish_run(run_params["run_id"], "success")

    @hook_impl
    def on_pipeline_error(self, error: BaseException, run_params: dict[str, Any]) -> None:
        status = "failed" if isinstance(error, Exception) else "interrupted"
        self.store.finish_run(run_params["run_id"], status, _describe(error))


class FingerprintHooks:
    """Hook implementations recording the fingerprint of every node of a run.

    The run's free persisted inputs (data that something outside the run could change)
    are fingerprinted before the first node starts; everything else when the run ends,
    successfully or not, in one pass and one transaction, so the nodes themselves pay
    nothing. Datasets produced inside the run are written once, by their producer, before
    any reader loads them, so their state at the end is the state their readers saw. A
    run killed outright records no fingerprint: its nodes count as never run for
    ``--only-stale``, so proj errs towards running again.

    Args:
        store: Where to write.
    """

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._runs: dict[str, Fingerprinter] = {}

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        # Code digests are not kept across runs: a notebook may redefine a constant
        # that the same function object reads.
        fingerprinter = Fingerprinter(catalog)
        # Kept data fed to the run stands for its producer's output: same token.
        fingerprinter.produced.update(run_params.get("fed_producers") or {})
        fingerprinter.read_inputs(pipeline.inputs())
        self._runs[run_params["run_id"]] = fingerprinter

    def _record(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        fingerprinter = self._runs.pop(run_params["run_id"], None)
        if fingerprinter is not None:
            self.store.record_fingerprints(
                run_params["run_id"],
                {node.name: fingerprinter.node(node) for node in pipeline.nodes},
            )

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        self._record(run_params, pipeline)

    @hook_impl
    def on_pipeline_error(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        self._record(run_params, pipeline)
