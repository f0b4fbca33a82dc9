"""The session: one project loaded with its settings and hooks, running pipelines.

A session can run any number of times (a notebook can call ``session.run()`` again after
editing data); each run gets its own catalog, save version and run id.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import PipelineError, UnknownNameError
from proj.framework.context import Context
from proj.framework.project import ProjectMetadata, bootstrap_project
from proj.framework.registry import DEFAULT_PIPELINE, load_pipelines
from proj.framework.settings import Settings, load_settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import pluggy

    from proj.framework.store import RunStore
    from proj.pipeline import Pipeline
    from proj.runner import AbstractRunner

logger = logging.getLogger(__name__)


def _names(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


#: The fields of :class:`RunRequest` that select nodes (each a filter of
#: :meth:`proj.pipeline.Pipeline.filter`).
FILTER_FIELDS = (
    "tags",
    "node_names",
    "from_nodes",
    "to_nodes",
    "from_inputs",
    "to_outputs",
    "namespaces",
)


@dataclass(frozen=True)
class RunRequest:
    """What a run was asked to do: the pipelines, every filter and the run options.

    Stored with every run, so a run can be shown, repeated and resumed.

    Attributes:
        pipeline_names: Registered pipeline names, unioned; empty means ``__default__``.
        tags, node_names, from_nodes, to_nodes, from_inputs, to_outputs, namespaces:
            The filters of :meth:`proj.pipeline.Pipeline.filter` (lists of names).
        load_versions: Dataset name -> version to load.
        only_missing_outputs: Skip nodes whose outputs exist.
        runner: The runner's class name.
    """

    pipeline_names: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    node_names: list[str] = field(default_factory=list)
    from_nodes: list[str] = field(default_factory=list)
    to_nodes: list[str] = field(default_factory=list)
    from_inputs: list[str] = field(default_factory=list)
    to_outputs: list[str] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    load_versions: dict[str, str] = field(default_factory=dict)
    only_missing_outputs: bool = False
    runner: str = "SequentialRunner"

    def filters(self) -> dict[str, list[str]]:
        """The filters as keyword arguments of ``Pipeline.filter`` (only those given)."""
        pairs = {
            "tags": self.tags,
            "node_names": self.node_names,
            "from_nodes": self.from_nodes,
            "to_nodes": self.to_nodes,
            "from_inputs": self.from_inputs,
            "to_outputs": self.to_outputs,
            "node_namespaces": self.namespaces,
        }
        return {key: value for key, value in pairs.items() if value}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy."""
        return asdict(self)


class Session:
    """A loaded project: metadata, settings, hooks, configuration and pipelines.

    Create one with :meth:`create`. Loading is lazy: the context (configuration and
    catalog) and the pipelines are read on first use and kept.

    Attributes:
        metadata: The project's metadata.
        settings: The project's settings.
        env: The configuration environment (``None``: ``PROJ_ENV`` or ``local``).
        runtime_params: Parameters that override the configured ones (dotted keys).
        conf_source: The configuration folder actually used.
        hook_manager: Project and plugin hooks.
        session_id: A unique id for this session.
    """

    def __init__(
        self,
        metadata: ProjectMetadata,
        settings: Settings,
        hook_manager: pluggy.PluginManager,
        *,
        env: str | None = None,
        runtime_params: Mapping[str, Any] | None = None,
        conf_source: str | Path | None = None,
    ) -> None:
        self.metadata = metadata
        self.settings = settings
        self.hook_manager = hook_manager
        self.env = env
        self.runtime_params = dict(runtime_params or {})
        self.conf_source = (
            Path(conf_source).resolve()
            if conf_source is not None
            else settings.conf_path(metadata.project_path)
        )
        self.session_id = uuid.uuid4().hex[:12]
        self._context: Context | None = None
        self._pipelines: dict[str, Pipeline] | None = None
        self._store: RunStore | None = None

    @classmethod
    def create(
        cls,
        project_path: str | Path | None = None,
        *,
        env: str | None = None,
        runtime_params: Mapping[str, Any] | None = None,
        conf_source: str | Path | None = None,
        record_runs: bool = True,
        command: str | None = None,
    ) -> Session:
        """Find and load a project.

        Args:
            project_path: A folder inside the project; default: the working directory.
            env: Configuration environment overlaid on ``base``; default ``PROJ_ENV`` or
                ``local``.
            runtime_params: Parameter overrides, e.g. ``{"model.lr": 0.1}``.
            conf_source: A configuration folder to use instead of the project's.
            record_runs: Record runs in the project's run store (``RUN_STORE_PATH``).
            command: The command line that started the session, stored with its runs.

        Returns:
            The session; nothing but metadata, settings and hooks is read yet.

        Raises:
            ProjectNotFoundError: No project contains ``project_path``.
            ProjectError: The metadata or settings.py is wrong.
            HookError: A hook cannot be registered.
        """
        from proj.hooks import create_hook_manager, load_entry_point_hooks, register_hooks

        metadata = bootstrap_project(project_path)
        settings = load_settings(metadata)
        hook_manager = create_hook_manager()
        register_hooks(hook_manager, settings.hooks)
        load_entry_point_hooks(hook_manager, settings.disable_hooks_for_plugins)
        session = cls(
            metadata,
            settings,
            hook_manager,
            env=env,
            runtime_params=runtime_params,
            conf_source=conf_source,
        )
        if record_runs and session.store is not None:
            from proj.framework.recording import RunStoreHooks

            hook_manager.register(
                RunStoreHooks(session.store, command=command, project_path=metadata.project_path),
                name="proj-run-store",
            )
            from proj.framework.dataset_stats import DatasetStatsHooks

            hook_manager.register(DatasetStatsHooks(session.store), name="proj-dataset-stats")
        return session

    def _run_store_path(self) -> Path | None:
        if self.settings.run_store_path is None:
            return None
        path = Path(self.settings.run_store_path)
        return path if path.is_absolute() else self.metadata.project_path / path

    @property
    def store(self) -> RunStore | None:
        """The project's run store, or None when ``RUN_STORE_PATH`` is None."""
        path = self._run_store_path()
        if path is None:
            return None
        if self._store is None:
            from proj.framework.store import RunStore

            self._store = RunStore(path)
        return self._store

    # ------------------------------------------------------------------ loading

    def load_context(self) -> Context:
        """The project's context (built on first call, then kept).

        Raises:
            ConfigError: The configuration folder or environment is missing or invalid.
        """
        if self._context is None:
            from proj.config import ConfigLoader

            loader = ConfigLoader(
                self.conf_source,
                env=self.env,
                runtime_params=self.runtime_params,
                **dict(self.settings.config_loader_args),
            )
            self._context = Context(self.metadata, loader, self.hook_manager, loader.env)
            self.hook_manager.hook.after_context_created(context=self._context)
        return self._context

    @property
    def pipelines(self) -> dict[str, Pipeline]:
        """Registered pipelines by name (``register_pipelines()``, read once).

        Raises:
            ProjectError: The registry cannot be imported or returns something invalid.
        """
        if self._pipelines is None:
            self._pipelines = load_pipelines(self.metadata)
            self._write_completion_cache(self._pipelines)
        return self._pipelines

    def _write_completion_cache(self, pipelines: dict[str, Pipeline]) -> None:
        from proj.framework.cache import write_cache
        from proj.pipeline import namespace_prefixes

        nodes: set[str] = set()
        tags: set[str] = set()
        namespaces: set[str] = set()
        datasets: set[str] = set()
        for pipeline in pipelines.values():
            for node in pipeline.nodes:
                nodes.add(node.name)
                tags.update(node.tags)
                if node.namespace:
                    namespaces.update(namespace_prefixes(node.namespace))
            datasets.update(pipeline.datasets())
        envs = (
            sorted(p.name for p in self.conf_source.iterdir() if p.is_dir() and p.name != "base")
            if self.conf_source.is_dir()
            else []
        )
        names = {
            "pipelines": sorted(pipelines),
            "nodes": sorted(nodes),
            "tags": sorted(tags),
            "namespaces": sorted(namespaces),
            "datasets": sorted(datasets),
            "envs": envs,
        }
        try:
            write_cache(
                self.metadata.project_path,
                names,
                self.metadata.source_dir,
                self.conf_source,
                run_store=self._run_store_path(),
            )
        except OSError as exc:  # a read-only project still runs
            logger.debug("Cannot write the completion cache: %s", exc)

    def combine_pipelines(self, names: Sequence[str]) -> Pipeline:
        """The union of registered pipelines.

        Args:
            names: Registered pipeline names; none gives an empty pipeline.

        Returns:
            Their nodes, as one pipeline (``+``).

        Raises:
            UnknownNameError: A name is not registered (with the closest names).
        """
        pipelines = self.pipelines
        unknown = [name for name in names if name not in pipelines]
        if unknown:
            raise UnknownNameError(
                "pipeline",
                unknown,
                pipelines,
                where=f"{self.metadata.package_name}.pipeline_registry",
            )
        from proj.pipeline import Pipeline

        combined = Pipeline([])
        for name in names:
            combined = combined + pipelines[name]
        return combined

    def select(self, request: RunRequest) -> Pipeline:
        """The pipeline slice a request describes: the union of the named pipelines,
        filtered.

        Args:
            request: Pipelines and filters.

        Returns:
            The nodes to run.

        Raises:
            UnknownNameError: A pipeline, node, tag, dataset or namespace is unknown.
            PipelineError: The filters leave no node to run.
        """
        names = request.pipeline_names or [DEFAULT_PIPELINE]
        selected = self.combine_pipelines(names)
        filters = request.filters()
        if not selected.nodes:
            raise PipelineError(
                f"Pipeline {'+'.join(names)} has no nodes yet.",
                hint=f"Add a pipeline under {self.metadata.package_dir / 'pipelines'}/<name>/"
                "pipeline.py with create_pipeline(), or convert a notebook with "
                "`proj jupyter convert NOTEBOOK --to-pipeline NAME`.",
            )
        if filters:
            selected = selected.filter(**filters)
        if not selected.nodes:
            described = ", ".join(f"{k}={v}" for k, v in filters.items()) or "no filter"
            raise PipelineError(
                f"Nothing to run: pipeline {'+'.join(names)} has no nodes left after {described}.",
                hint="Check the filters against `proj pipeline describe`.",
            )
        return selected

    # ------------------------------------------------------------------ running

    def run(
        self,
        pipeline_names: str | Iterable[str] | None = None,
        *,
        tags: str | Iterable[str] | None = None,
        node_names: str | Iterable[str] | None = None,
        from_nodes: str | Iterable[str] | None = None,
        to_nodes: str | Iterable[str] | None = None,
        from_inputs: str | Iterable[str] | None = None,
        to_outputs: str | Iterable[str] | None = None,
        namespaces: str | Iterable[str] | None = None,
        runner: AbstractRunner | None = None,
        load_versions: Mapping[str, str] | None = None,
        only_missing_outputs: bool = False,
    ) -> dict[str, Any]:
        """Run a slice of the project's pipelines; may be called any number of times.

        Args:
            pipeline_names: Registered pipeline(s) to run; default ``__default__``.
            tags: Run nodes with any of these tags.
            node_names: Run only these nodes.
            from_nodes: Run these nodes and everything downstream.
            to_nodes: Run these nodes and everything upstream.
            from_inputs: Run nodes that depend on these datasets.
            to_outputs: Run nodes needed to produce these datasets.
            namespaces: Run nodes in these namespaces (and their children).
            runner: How to execute nodes; default :class:`SequentialRunner`.
            load_versions: Dataset name -> version to load.
            only_missing_outputs: Skip nodes whose persisted outputs exist.

        Returns:
            The in-memory outputs nobody consumed (dataset name -> data).

        Raises:
            UnknownNameError: A name in the filters is unknown.
            PipelineError: Nothing is left to run.
            ConfigError: Configuration cannot be read.
            DatasetError: Input data is missing or a dataset cannot be built.
            NodeFailedError: A node raised (see its ``resume_nodes``).
        """
        from proj.runner import SequentialRunner

        runner = runner or SequentialRunner()
        request = RunRequest(
            pipeline_names=_names(pipeline_names),
            tags=_names(tags),
            node_names=_names(node_names),
            from_nodes=_names(from_nodes),
            to_nodes=_names(to_nodes),
            from_inputs=_names(from_inputs),
            to_outputs=_names(to_outputs),
            namespaces=_names(namespaces),
            load_versions=dict(load_versions or {}),
            only_missing_outputs=only_missing_outputs,
            runner=type(runner).__name__,
        )
        return self.run_request(request, runner)

    def run_request(
        self,
        request: RunRequest,
        runner: AbstractRunner,
        *,
        pipeline: Pipeline | None = None,
        resumed_from: str | None = None,
    ) -> dict[str, Any]:
        """Run what a :class:`RunRequest` describes with ``runner``.

        Args:
            request: Pipelines, filters and options.
            runner: The runner to use.
            pipeline: The nodes to run, when already selected (a resume runs a part of
                the request's slice); default: :meth:`select` of the request.
            resumed_from: The id of the run this one resumes, for the run store.

        Returns:
            The in-memory outputs nobody consumed.

        Raises:
            See :meth:`run`.
        """
        if pipeline is None:
            pipeline = self.select(request)
        context = self.load_context()
        run_id = uuid.uuid4().hex[:12]
        catalog = context.make_catalog(load_versions=request.load_versions or None)
        run_params = {
            "run_id": run_id,
            "session_id": self.session_id,
            "project_path": str(self.metadata.project_path),
            "env": context.env,
            "runtime_params": self.runtime_params,
            "resumed_from": resumed_from,
            **request.as_dict(),
        }
        hook = self.hook_manager.hook
        hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
        logger.info(
            "Running %d node(s) of %s with %s",
            len(pipeline),
            "+".join(request.pipeline_names or [DEFAULT_PIPELINE]),
            type(runner).__name__,
        )
        try:
            result = runner.run(
                pipeline,
                catalog,
                self.hook_manager,
                run_id=run_id,
                only_missing_outputs=request.only_missing_outputs,
            )
        except BaseException as exc:
            hook.on_pipeline_error(
                error=exc, run_params=run_params, pipeline=pipeline, catalog=catalog
            )
            raise
        hook.after_pipeline_run(
            run_params=run_params, run_result=result, pipeline=pipeline, catalog=catalog
        )
        return result
