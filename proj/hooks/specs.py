"""The hook specifications: the points where plugins and project hooks can act.

Hooks are pluggy hooks in the ``proj`` project. A hook implementation is a method (or
function) decorated with :data:`hook_impl` whose name is one of the specifications below;
it may accept any subset of the specification's arguments, by name. Specifications follow
the life of a run: context, catalog, pipeline, node, dataset.

Arguments Kedro 0.19 hooks use are offered too, so their implementations register
unchanged: the node hooks' ``session_id`` (the same value as ``run_id``) and
``after_catalog_created``'s ``feed_dict`` (the parameter datasets by name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy  # noqa: TID253  (this module owns pluggy; it is small and pure Python)

if TYPE_CHECKING:
    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline

PROJECT_NAME = "proj"
hook_spec = pluggy.HookspecMarker(PROJECT_NAME)
hook_impl = pluggy.HookimplMarker(PROJECT_NAME)


class ContextSpecs:
    """Hooks around the project context."""

    @hook_spec
    def after_context_created(self, context: Any) -> None:
        """Called once the project's context exists (catalog not built yet).

        Args:
            context: The :class:`proj.framework.Context` of the session.
        """


class CatalogSpecs:
    """Hooks around the data catalog."""

    @hook_spec
    def after_catalog_created(
        self,
        catalog: DataCatalog,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str,
        load_versions: dict[str, str],
        feed_dict: dict[str, Any],
    ) -> None:
        """Called after the catalog was built from configuration, parameters added.

        Args:
            catalog: The catalog just created.
            conf_catalog: The merged catalog configuration (dataset name -> entry).
            conf_creds: The merged credentials. Never log them.
            parameters: The merged parameters, runtime params applied.
            save_version: The version string every versioned save of this run uses.
            load_versions: Dataset name -> pinned version to load.
            feed_dict: ``parameters`` and every ``params:<key path>`` -> value (Kedro
                0.19's argument).
        """


class PipelineSpecs:
    """Hooks around a whole pipeline run (called by the session)."""

    @hook_spec
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        """Called before the runner starts.

        Args:
            run_params: What the run was asked to do: ``run_id``, ``project_path``,
                ``env``, ``pipeline_names``, every filter, ``runner``,
                ``load_versions``, ``runtime_params``, ``only_missing_outputs``.
            pipeline: The pipeline slice about to run.
            catalog: The catalog the run reads and writes.
        """

    @hook_spec
    def after_pipeline_run(
        self,
        run_params: dict[str, Any],
        run_result: dict[str, Any],
        pipeline: Pipeline,
        catalog: DataCatalog,
    ) -> None:
        """Called after every node ran successfully.

        Args:
            run_params: As in :meth:`before_pipeline_run`.
            run_result: The in-memory outputs nobody consumed (dataset name -> data).
            pipeline: The pipeline slice that ran.
            catalog: The catalog the run read and wrote.
        """

    @hook_spec
    def on_pipeline_error(
        self,
        error: BaseException,
        run_params: dict[str, Any],
        pipeline: Pipeline,
        catalog: DataCatalog,
    ) -> None:
        """Called when a run stops on an error or an interrupt (``KeyboardInterrupt``).

        Args:
            error: The exception that ended the run.
            run_params: As in :meth:`before_pipeline_run`.
            pipeline: The pipeline slice that was running.
            catalog: The catalog of the run.
        """


class NodeSpecs:
    """Hooks around each node, called by every runner (ParallelRunner included)."""

    @hook_spec
    def before_node_run(
        self,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str | None,
        session_id: str | None,
    ) -> dict[str, Any] | None:
        """Called before a node's function runs, with its inputs loaded.

        Args:
            node: The node about to run.
            catalog: The run's catalog.
            inputs: Dataset name -> loaded data.
            is_async: Whether inputs were loaded concurrently.
            run_id: The run's id, when the run is recorded.
            session_id: The same as ``run_id`` (the name Kedro 0.19 hooks use).

        Returns:
            Optionally a dict of dataset name -> data that replaces those inputs.
        """

    @hook_spec
    def after_node_run(
        self,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        is_async: bool,
        run_id: str | None,
        session_id: str | None,
    ) -> None:
        """Called after a node's function returned, before its outputs are saved.

        Args:
            node: The node that ran.
            catalog: The run's catalog.
            inputs: Dataset name -> data the node received.
            outputs: Dataset name -> data the node returned.
            is_async: Whether inputs were loaded concurrently.
            run_id: The run's id, when the run is recorded.
            session_id: The same as ``run_id`` (the name Kedro 0.19 hooks use).
        """

    @hook_spec
    def after_node_completed(self, node: Node, catalog: DataCatalog, run_id: str | None) -> None:
        """Called once a node ran and every one of its outputs is saved.

        This is the point where a node's work is known to be durable: ``after_node_run``
        comes earlier, before the outputs are saved (as in Kedro). A node without
        outputs completes when its function returns. The run store records a node as
        ``success`` here.

        Args:
            node: The node that completed.
            catalog: The run's catalog.
            run_id: The run's id, when the run is recorded.
        """

    @hook_spec
    def on_node_error(
        self,
        error: BaseException,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str | None,
        session_id: str | None,
    ) -> None:
        """Called when a node failed: loading an input, its function, a node or dataset
        hook, or saving an output raised (``sys.exit()`` in the function included).

        Args:
            error: The exception the node raised.
            node: The node that failed.
            catalog: The run's catalog.
            inputs: Dataset name -> data the node received.
            is_async: Whether inputs were loaded concurrently.
            run_id: The run's id, when the run is recorded.
            session_id: The same as ``run_id`` (the name Kedro 0.19 hooks use).
        """


class DatasetSpecs:
    """Hooks around loading and saving each dataset during a run."""

    @hook_spec
    def before_dataset_loaded(self, dataset_name: str, node: Node) -> None:
        """Called before a node's input is loaded."""

    @hook_spec
    def after_dataset_loaded(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called after a node's input was loaded."""

    @hook_spec
    def before_dataset_saved(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called before a node's output is saved."""

    @hook_spec
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called after a node's output was saved."""


ALL_SPECS = (ContextSpecs, CatalogSpecs, PipelineSpecs, NodeSpecs, DatasetSpecs)
