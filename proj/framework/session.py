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

from proj.exceptions import HookError, NodeFailedError, PipelineError, ProjError, UnknownNameError
from proj.framework.context import Context
from proj.framework.project import ProjectMetadata, bootstrap_project
from proj.framework.registry import DEFAULT_PIPELINE, load_pipelines
from proj.framework.settings import Settings, load_settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import pluggy

    from proj.framework.intermediates import Intermediates
    from proj.framework.recording import RunStoreHooks
    from proj.framework.staleness import StalePlan
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


#: The run filters, declared once: :class:`RunRequest` field -> (keyword of
#: :meth:`proj.pipeline.Pipeline.filter`, option of ``proj run``). Everything that
#: lists the filters (the request, ``Session.run``, the CLI's resume hint, the run
#: store's display, the visualiser) derives from this table.
RUN_FILTERS: dict[str, tuple[str, str]] = {
    "tags": ("tags", "--tags"),
    "node_names": ("node_names", "--nodes"),
    "from_nodes": ("from_nodes", "--from-nodes"),
    "to_nodes": ("to_nodes", "--to-nodes"),
    "from_inputs": ("from_inputs", "--from-inputs"),
    "to_outputs": ("to_outputs", "--to-outputs"),
    "namespaces": ("node_namespaces", "--namespaces"),
}

#: The fields of :class:`RunRequest` that select nodes.
FILTER_FIELDS = tuple(RUN_FILTERS)


@dataclass(frozen=True)
class RunRequest:
    """What a run was asked to do: the pipelines, every filter and the run options.

    Stored with every run, so a run can be shown, repeated and resumed.

    Attributes:
        pipeline_names: Registered pipeline names, unioned; empty means ``__default__``.
        tags, node_names, from_nodes, to_nodes, from_inputs, to_outputs, namespaces:
            The filters of :meth:`proj.pipeline.Pipeline.filter` (lists of names).
        load_versions: Dataset name -> version to load.
        only_missing_outputs: Run only nodes with a missing persisted output, and what
            depends on them.
        only_stale: Run only the stale nodes (see :mod:`proj.framework.staleness`).
        keep_intermediates: Keep the run's in-memory datasets under
            ``.proj/runs/<run_id>/`` (see :mod:`proj.framework.intermediates`).
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
    only_stale: bool = False
    keep_intermediates: bool = False
    runner: str = "SequentialRunner"

    def filters(self) -> dict[str, list[str]]:
        """The filters as keyword arguments of ``Pipeline.filter`` (only those given)."""
        pairs = {keyword: getattr(self, name) for name, (keyword, _) in RUN_FILTERS.items()}
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
        self._recorder: RunStoreHooks | None = None

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
            ProjectError: The metadata or settings.py is wrong, or the project's
                logging configuration is invalid.
            HookError: A hook cannot be registered.

        The project's own log lines (``<package>.*`` loggers) are shown beside proj's,
        or configured by ``conf/logging.yml`` (see :mod:`proj.framework.logs`).

        Example::

            with Session.create() as session:
                session.run(pipeline_name="data_science")
        """
        from proj.hooks import create_hook_manager, load_entry_point_hooks, register_hooks

        metadata = bootstrap_project(project_path)
        settings = load_settings(metadata)
        hook_manager = create_hook_manager()
        register_hooks(hook_manager, settings.hooks)
        load_entry_point_hooks(hook_manager, settings.disable_hooks_for_plugins)
        session_class: type[Session] = cls
        if settings.session_class is not None and issubclass(settings.session_class, cls):
            session_class = settings.session_class  # SESSION_CLASS in settings.py
        session = session_class(
            metadata,
            settings,
            hook_manager,
            env=env,
            runtime_params=runtime_params,
            conf_source=conf_source,
        )
        from proj.framework.logs import configure_project_logging

        configure_project_logging(metadata.package_name, session.conf_source)
        if record_runs and session.store is not None:
            from proj.framework.recording import FingerprintHooks, RunStoreHooks

            session._recorder = RunStoreHooks(
                session.store, command=command, project_path=metadata.project_path
            )
            hook_manager.register(session._recorder, name="proj-run-store")
            hook_manager.register(FingerprintHooks(session.store), name="proj-fingerprints")
            from proj.framework.intermediates import KeepIntermediatesHooks

            hook_manager.register(
                KeepIntermediatesHooks(session.intermediates, always=settings.keep_intermediates),
                name="proj-keep-intermediates",
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

    def close(self) -> None:
        """Release what the session holds open (the run store's database connection).

        The session can still be used afterwards; the store reopens on demand.
        """
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Session:
        """``with Session.create() as session:`` (the Kedro habit); closes on exit."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def intermediates(self) -> Intermediates:
        """The kept intermediates of the project: ``runs/`` beside the run store (or
        ``.proj/runs`` when the store is disabled)."""
        from proj.framework.intermediates import Intermediates

        store_path = self._run_store_path()
        root = (
            store_path.parent / "runs"
            if store_path is not None
            else self.metadata.project_path / ".proj" / "runs"
        )
        return Intermediates(root, self.settings.keep_intermediates_max_bytes)

    def load_run_input(self, run_id: str, dataset: str, node: str) -> Any:
        """Load an input of ``node`` as recorded run ``run_id`` saw it (what ``%load_node
        NODE --run RUN_ID`` writes); see :func:`proj.framework.run_inputs.load_run_input`.

        Raises:
            RunStoreError: The data the run used is gone; the message says why.
        """
        from proj.framework.run_inputs import load_run_input

        return load_run_input(self, run_id, dataset, node)

    # ------------------------------------------------------------------ loading

    def load_context(self) -> Context:
        """The project's context (built on first call, then kept).

        Raises:
            ConfigError: The configuration folder or environment is missing or invalid.
            HookError: An ``after_context_created`` hook raised (named with its line).
        """
        if self._context is None:
            from proj.config import ConfigLoader

            loader_class = self.settings.config_loader_class or ConfigLoader
            loader = loader_class(
                self.conf_source,
                env=self.env,
                runtime_params=self.runtime_params,
                **dict(self.settings.config_loader_args),
            )
            context_class = self.settings.context_class or Context
            context = context_class(
                self.metadata,
                loader,
                self.hook_manager,
                loader.env,
                catalog_class=self.settings.data_catalog_class,
            )
            from proj.hooks import call_hook

            call_hook(self.hook_manager, "after_context_created", context=context)
            self._context = context
        return self._context

    @property
    def pipelines(self) -> dict[str, Pipeline]:
        """Registered pipelines by name (``register_pipelines()``, read once).

        Reading them writes nothing; :meth:`write_completion_cache` does that.

        Raises:
            ProjectError: The registry cannot be imported or returns something invalid.
        """
        if self._pipelines is None:
            self._pipelines = load_pipelines(self.metadata)
        return self._pipelines

    def write_completion_cache(self) -> None:
        """Write the names shell completion offers (pipelines, nodes, tags, namespaces,
        datasets, environments) to the project's ``.proj/`` cache.

        A project that cannot be written to is not an error (logged at debug level).

        Raises:
            ProjectError: The registry cannot be imported or returns something invalid.
        """
        from proj.framework.cache import write_cache
        from proj.pipeline import namespace_prefixes

        pipelines = self.pipelines

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
        tags = filters.get("tags")
        if tags:  # the library selects nothing for an unknown tag (Kedro); name it here
            unknown = selected.unknown_tags(tags)
            if unknown:
                known = {tag for member in selected.nodes for tag in member.tags}
                raise UnknownNameError("tag", unknown, known, where=f"pipeline {'+'.join(names)}")
        try:
            selected = selected.filter(**filters) if filters else selected
        except PipelineError as exc:
            if isinstance(exc, UnknownNameError):
                raise
            selected = selected.only_nodes()  # nothing left: said below with the pipeline
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
        pipeline_name: str | None = None,
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
        only_stale: bool = False,
        keep_intermediates: bool = False,
    ) -> dict[str, Any]:
        """Run a slice of the project's pipelines; may be called any number of times.

        Args:
            pipeline_names: Registered pipeline(s) to run; default ``__default__``.
            pipeline_name: One registered pipeline (Kedro's spelling); it cannot be
                combined with ``pipeline_names``.
            tags: Run nodes with any of these tags.
            node_names: Run only these nodes.
            from_nodes: Run these nodes and everything downstream.
            to_nodes: Run these nodes and everything upstream.
            from_inputs: Run nodes that depend on these datasets.
            to_outputs: Run nodes needed to produce these datasets.
            namespaces: Run nodes in these namespaces (and their children).
            runner: How to execute nodes; default :class:`SequentialRunner`.
            load_versions: Dataset name -> version to load.
            only_missing_outputs: Run only nodes with a missing persisted output, and
                what depends on them (Kedro's ``--only-missing-outputs``).
            only_stale: Run only the nodes whose code, parameters or inputs changed
                since their last successful run, whose outputs are missing or that never
                ran, plus what depends on them (:func:`~proj.framework.staleness.plan_stale`).
            keep_intermediates: Keep the run's in-memory datasets under
                ``.proj/runs/<run_id>/`` for ``--resume``, ``--only-stale`` and
                ``%load_node --run``.

        Returns:
            The in-memory outputs nobody consumed (dataset name -> data).

        Raises:
            UnknownNameError: A name in the filters is unknown.
            PipelineError: Nothing is left to run, or both ``pipeline_name`` and
                ``pipeline_names`` were given.
            ConfigError: Configuration cannot be read.
            DatasetError: Input data is missing or a dataset cannot be built.
            NodeFailedError: A node raised (see its ``resume_nodes``).
        """
        from proj.runner import SequentialRunner

        if pipeline_name is not None:
            if pipeline_names is not None:
                raise PipelineError(
                    "Session.run() got both pipeline_name and pipeline_names.",
                    hint="Pass one pipeline as pipeline_name='x', or several as "
                    "pipeline_names=['x', 'y'].",
                )
            pipeline_names = pipeline_name
        runner = runner or SequentialRunner()
        given = {
            "tags": tags,
            "node_names": node_names,
            "from_nodes": from_nodes,
            "to_nodes": to_nodes,
            "from_inputs": from_inputs,
            "to_outputs": to_outputs,
            "namespaces": namespaces,
        }
        request = RunRequest(
            pipeline_names=_names(pipeline_names),
            **{name: _names(given[name]) for name in RUN_FILTERS},
            load_versions=dict(load_versions or {}),
            only_missing_outputs=only_missing_outputs,
            only_stale=only_stale,
            keep_intermediates=keep_intermediates,
            runner=type(runner).__name__,
        )
        return self.run_request(request, runner)

    def plan_stale(self, request: RunRequest, *, pipeline: Pipeline | None = None) -> StalePlan:
        """Which nodes of a request's slice are stale, and why (nothing runs).

        Args:
            request: Pipelines, filters and ``load_versions``.
            pipeline: The slice, when already selected; default :meth:`select`.

        Returns:
            The plan; see :class:`~proj.framework.staleness.StalePlan`.

        Raises:
            See :meth:`run`; also RunStoreError when the run store cannot be read.
        """
        from proj.framework.staleness import plan_stale

        if pipeline is None:
            pipeline = self.select(request)
        catalog = self.load_context().make_catalog(load_versions=request.load_versions or None)
        previous = self.store.last_successful_fingerprints() if self.store is not None else {}
        intermediates = self.intermediates
        kept_by_run: dict[str, set[str]] = {}

        def kept(dataset: str, run_id: str) -> bool:
            if run_id not in kept_by_run:
                kept_by_run[run_id] = set(intermediates.kept(run_id))
            return dataset in kept_by_run[run_id]

        return plan_stale(pipeline, catalog, previous, kept)

    def _stale_part(
        self,
        request: RunRequest,
        pipeline: Pipeline,
        feed: dict[str, Any],
        fed_producers: dict[str, str],
    ) -> Pipeline | None:
        """The nodes of ``pipeline`` that ``--only-stale`` runs (None: nothing to run);
        kept data that stands for up-to-date producers is added to ``feed`` and
        ``fed_producers``."""
        plan = self.plan_stale(request, pipeline=pipeline)
        if plan.reuse:
            from proj.framework.intermediates import load_kept

            for dataset, source in plan.reuse.items():
                for name, (data, _) in load_kept(self.intermediates, [source], [dataset]).items():
                    feed[name] = data
                    producer = pipeline.producers[name].name
                    fed_producers[name] = plan.fingerprints[producer].digest
            logger.info(
                "Reusing kept in-memory data of up-to-date nodes: %s",
                ", ".join(f"{name} (run {run})" for name, run in sorted(plan.reuse.items())),
            )
        if not plan.to_run:
            logger.info(
                "Nothing to run: all %d node(s) are up to date (--only-stale)", len(pipeline)
            )
            return None
        if plan.up_to_date:
            logger.info("Skipping %d up-to-date node(s) (--only-stale)", len(plan.up_to_date))
        return pipeline.only_nodes(*plan.to_run)

    def run_request(
        self,
        request: RunRequest,
        runner: AbstractRunner,
        *,
        pipeline: Pipeline | None = None,
        resumed_from: str | None = None,
        feed: Mapping[str, Any] | None = None,
        fed_producers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Run what a :class:`RunRequest` describes with ``runner``.

        Args:
            request: Pipelines, filters and options.
            runner: The runner to use.
            pipeline: The nodes to run, when already selected (a resume runs a part of
                the request's slice); default: :meth:`select` of the request.
            resumed_from: The id of the run this one resumes, for the run store.
            feed: Data for in-memory datasets the run needs but does not produce
                (dataset name -> data), e.g. kept intermediates of an earlier run.
            fed_producers: For fed data that a node of the pipeline made in an earlier
                run: dataset name -> that node's fingerprint then, so the readers'
                fingerprints are the same as if the producer had run again.

        Returns:
            The in-memory outputs nobody consumed.

        Raises:
            See :meth:`run`.
        """
        if pipeline is None:
            pipeline = self.select(request)
        self.write_completion_cache()  # a run writes .proj/ anyway; keep completion fresh
        feed = dict(feed or {})
        fed_producers = dict(fed_producers or {})
        if request.only_stale:
            stale = self._stale_part(request, pipeline, feed, fed_producers)
            if stale is None:
                return {}
            pipeline = stale
        run_id = uuid.uuid4().hex[:12]
        run_params: dict[str, Any] = {
            "run_id": run_id,
            "session_id": self.session_id,
            "project_path": str(self.metadata.project_path),
            "env": self.env,
            "runtime_params": self.runtime_params,
            "resumed_from": resumed_from,
            "fed_producers": fed_producers,
            **request.as_dict(),
        }
        recorder = self._recorder
        # The run is recorded before anything of it happens, so a failure in a hook or
        # the configuration is recorded too; it is marked success only at the very end.
        if recorder is not None:
            recorder.start(run_params, pipeline)
        try:
            result = self._run_recorded(request, runner, pipeline, run_params, feed)
        except BaseException as exc:
            if isinstance(exc, NodeFailedError):
                exc.run_id = run_id if recorder is not None else None
            elif isinstance(exc, ProjError) and recorder is not None and not exc.hint:
                exc.hint = f"See the full traceback with: proj runs show {run_id}"
            if recorder is not None:
                recorder.finish(run_id, exc)
            raise
        if recorder is not None:
            recorder.finish(run_id)
        return result

    def _run_recorded(
        self,
        request: RunRequest,
        runner: AbstractRunner,
        pipeline: Pipeline,
        run_params: dict[str, Any],
        feed: dict[str, Any],
    ) -> dict[str, Any]:
        """Context, catalog (with ``feed`` added as in-memory data), hooks and the
        runner: everything of a run between its start and its end in the run store."""
        from proj.hooks import call_hook

        context = self.load_context()
        if context.env != run_params["env"]:
            run_params["env"] = context.env
            if self._recorder is not None:
                self._recorder.store.set_env(run_params["run_id"], context.env)
        catalog = context.make_catalog(load_versions=request.load_versions or None)
        if feed:
            catalog.add_feed_dict(feed)
        manager = self.hook_manager
        call_hook(
            manager,
            "before_pipeline_run",
            run_params=run_params,
            pipeline=pipeline,
            catalog=catalog,
        )
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
                manager,
                run_id=run_params["run_id"],
                only_missing_outputs=request.only_missing_outputs,
            )
        except BaseException as exc:
            try:
                call_hook(
                    manager,
                    "on_pipeline_error",
                    error=exc,
                    run_params=run_params,
                    pipeline=pipeline,
                    catalog=catalog,
                )
            except HookError as hook_error:
                # Never let it replace the error that stopped the run.
                logger.warning("%s; reporting the run's own error", hook_error.message)
            raise
        call_hook(
            manager,
            "after_pipeline_run",
            run_params=run_params,
            run_result=result,
            pipeline=pipeline,
            catalog=catalog,
        )
        return result
