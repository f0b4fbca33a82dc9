"""What a project holds, for people and for ``--json``: the environment and plugins,
pipelines, the data catalog and the recorded runs (the library behind ``proj info``,
``proj pipeline``, ``proj catalog`` and ``proj runs``).

Each function loads only what it reports on: :func:`environment_info` (from
:mod:`proj.framework.environment`) reads package metadata and ``pyproject.toml``, the
pipeline functions import the project's registry, :func:`list_catalog` also reads
``conf/``, and the run functions read the project's settings and its run store. Every
result has an ``as_dict()`` giving plain JSON-serialisable data.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.config.params import is_parameter
from proj.exceptions import RunStoreError
from proj.framework.environment import (
    EnvironmentInfo,
    PluginInfo,
    ProjectSummary,
    environment_info,
    installed_plugins,
)
from proj.framework.project import bootstrap_project
from proj.framework.registry import DEFAULT_PIPELINE
from proj.framework.session import Session
from proj.framework.settings import load_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from proj.framework.store import RunRecord, RunStore
    from proj.pipeline import Node, Pipeline

__all__ = [
    "CatalogListing",
    "DatasetSummary",
    "EnvironmentInfo",
    "NodeSummary",
    "ParameterSummary",
    "PipelineDescription",
    "PipelineSummary",
    "PluginInfo",
    "ProjectSummary",
    "RunSummary",
    "describe_pipeline",
    "environment_info",
    "function_path",
    "installed_plugins",
    "list_catalog",
    "list_pipelines",
    "recorded_run",
    "recorded_runs",
]

# --------------------------------------------------------------------------- pipelines


def function_path(func: Callable[..., Any]) -> str:
    """Where a node's function lives: ``"package.module.function"``.

    A ``functools.partial`` is shown as ``partial(<its function>)``; a callable object
    without a qualified name by its class.
    """
    if isinstance(func, functools.partial):
        return f"partial({function_path(func.func)})"
    name = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None) or type(func).__module__
    return f"{module}.{name}" if module else str(name)


@dataclass(frozen=True)
class NodeSummary:
    """One node as ``proj pipeline describe`` shows it.

    Attributes:
        name: The full node name (with its namespace).
        function: ``module.function`` of the node's function.
        inputs: Dataset names read, in call order. outputs: Dataset names written.
        tags: Sorted tags. namespace: The namespace, or ``None``.
    """

    name: str
    function: str
    inputs: list[str]
    outputs: list[str]
    tags: list[str]
    namespace: str | None

    @classmethod
    def of(cls, node: Node) -> NodeSummary:
        """Summarise a :class:`~proj.pipeline.Node`."""
        return cls(
            name=node.name,
            function=function_path(node.func),
            inputs=list(node.inputs),
            outputs=list(node.outputs),
            tags=sorted(node.tags),
            namespace=node.namespace,
        )


_is_parameter = is_parameter


@dataclass(frozen=True)
class PipelineSummary:
    """A registered pipeline in brief.

    Attributes:
        name: Its registered name. nodes: Its node count.
        inputs: Free inputs that are not parameters, sorted.
        parameters: The parameters it reads (``params:...``, ``parameters``), sorted.
        outputs: Datasets it produces that none of its nodes read, sorted.
        tags: Every tag of its nodes, sorted. namespaces: Namespaces of its nodes, sorted.
    """

    name: str
    nodes: int
    inputs: list[str]
    parameters: list[str]
    outputs: list[str]
    tags: list[str]
    namespaces: list[str]

    @classmethod
    def of(cls, name: str, pipeline: Pipeline) -> PipelineSummary:
        """Summarise one registered pipeline."""
        inputs = pipeline.inputs()
        return cls(
            name=name,
            nodes=len(pipeline),
            inputs=sorted(n for n in inputs if not _is_parameter(n)),
            parameters=sorted(n for n in inputs if _is_parameter(n)),
            outputs=sorted(pipeline.outputs()),
            tags=sorted({tag for node in pipeline.nodes for tag in node.tags}),
            namespaces=sorted({node.namespace for node in pipeline.nodes if node.namespace}),
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class PipelineDescription:
    """A pipeline with all its nodes, in the order a sequential run takes them.

    Attributes:
        summary: The pipeline in brief. nodes: Its nodes in topological order.
    """

    summary: PipelineSummary
    nodes: list[NodeSummary]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``: the summary's keys plus ``nodes``."""
        data = self.summary.as_dict()
        data["nodes"] = [asdict(node) for node in self.nodes]
        return data


def _registered(start: str | Path | None) -> tuple[Session, dict[str, Pipeline]]:
    session = Session.create(start, record_runs=False)
    session.write_completion_cache()  # listing the project refreshes what completion offers
    return session, session.pipelines


def _ordered_names(pipelines: Iterable[str]) -> list[str]:
    """``__default__`` first, then the other names sorted."""
    names = sorted(pipelines)
    if DEFAULT_PIPELINE in names:
        names.remove(DEFAULT_PIPELINE)
        names.insert(0, DEFAULT_PIPELINE)
    return names


def list_pipelines(start: str | Path | None = None) -> list[PipelineSummary]:
    """The project's registered pipelines in brief, ``__default__`` first.

    Args:
        start: A folder inside the project (default: the working directory).

    Returns:
        One summary per registered pipeline.

    Raises:
        ProjectNotFoundError: ``start`` is in no project.
        ProjectError: The registry or settings cannot be loaded.
    """
    _, pipelines = _registered(start)
    return [PipelineSummary.of(name, pipelines[name]) for name in _ordered_names(pipelines)]


def describe_pipeline(name: str, start: str | Path | None = None) -> PipelineDescription:
    """One registered pipeline with its nodes in order (inputs, outputs, tags).

    Args:
        name: The registered name, e.g. ``"data_science"`` or ``"__default__"``.
        start: A folder inside the project (default: the working directory).

    Returns:
        The pipeline's summary and its nodes in topological order.

    Raises:
        UnknownNameError: No pipeline has that name; the closest names are suggested.
        ProjectNotFoundError: ``start`` is in no project.
        ProjectError: The registry or settings cannot be loaded.
    """
    session = Session.create(start, record_runs=False)
    pipeline = session.combine_pipelines([name])
    return PipelineDescription(
        summary=PipelineSummary.of(name, pipeline),
        nodes=[NodeSummary.of(node) for node in pipeline.nodes],
    )


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class DatasetSummary:
    """A dataset as ``proj catalog list`` shows it.

    Attributes:
        name: The dataset name.
        type: Its catalog type name, e.g. ``"pandas.CSVDataset"``; ``"MemoryDataset"``
            for a dataset the catalog does not declare.
        source: ``"catalog"`` (declared by name), ``"pattern"`` (matched by a dataset
            factory pattern) or ``"memory"`` (not declared: held in memory during a run).
        filepath: Where the data lives, when the dataset has a file path (relative to
            the project root when inside it).
        read_by: Nodes that read it, in run order. written_by: The node that writes it
            (at most one), in a list.
    """

    name: str
    type: str
    source: str
    filepath: str | None
    read_by: list[str]
    written_by: list[str]


@dataclass(frozen=True)
class ParameterSummary:
    """A parameter dataset (``parameters`` or ``params:<key>``) and the nodes reading it."""

    name: str
    read_by: list[str]


@dataclass(frozen=True)
class CatalogListing:
    """What ``proj catalog list`` shows.

    Attributes:
        pipelines: The pipelines whose datasets are listed.
        env: The configuration environment the catalog was read with.
        datasets: Every dataset the pipelines read or write, sorted by name; without
            ``--pipeline``, also the declared datasets no pipeline uses.
        parameters: The parameters the pipelines read, sorted by name.
    """

    pipelines: list[str]
    env: str | None
    datasets: list[DatasetSummary]
    parameters: list[ParameterSummary]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def _shown_path(filepath: str, root: Path) -> str:
    """A local file path relative to the project root when it lies inside it, without
    credentials (:func:`proj.redaction.redact_text`)."""
    from proj.redaction import redact_text

    filepath = redact_text(filepath)
    if "://" in filepath:
        return filepath
    path = Path(filepath)
    return str(path.relative_to(root)) if path.is_relative_to(root) else filepath


def list_catalog(
    pipelines: Sequence[str] | None = None,
    start: str | Path | None = None,
    *,
    env: str | None = None,
) -> CatalogListing:
    """The datasets of the project's pipelines: type, where they come from, their nodes.

    Args:
        pipelines: Registered pipeline names whose datasets to list (their union);
            default: every registered pipeline, plus declared datasets none of them use.
        start: A folder inside the project (default: the working directory).
        env: The configuration environment (default: ``PROJ_ENV`` or ``local``).

    Returns:
        The listing; no data is loaded.

    Raises:
        UnknownNameError: A pipeline name is unknown; the closest names are suggested.
        ProjectNotFoundError: ``start`` is in no project.
        ProjectError: The registry or settings cannot be loaded.
        ConfigError: The catalog or parameter files cannot be read.
        DatasetError: A catalog entry cannot be turned into a dataset.
    """
    from proj.io.factories import is_pattern

    session = Session.create(start, env=env, record_runs=False)
    registered = session.pipelines
    chosen = list(pipelines or [])
    selected = session.combine_pipelines(chosen or _ordered_names(registered))
    context = session.load_context()
    catalog = context.catalog
    declared = {
        key
        for key in (context.config_loader.get("catalog") or {})
        if isinstance(key, str) and not key.startswith("_") and not is_pattern(key)
    }
    root = session.metadata.project_path
    names = set(selected.datasets())
    if not chosen:
        names |= declared
    readers = {name: [node.name for node in nodes] for name, nodes in selected.consumers.items()}
    writers = {name: [node.name] for name, node in selected.producers.items()}
    datasets: list[DatasetSummary] = []
    parameters: list[ParameterSummary] = []
    for name in sorted(names):
        if _is_parameter(name):
            parameters.append(ParameterSummary(name=name, read_by=readers.get(name, [])))
            continue
        if name in catalog:
            described = catalog.describe(name)
            kind = str(described.get("type", "unknown"))
            source = "catalog" if name in declared else "pattern"
            filepath = described.get("filepath")
        else:
            kind, source, filepath = "MemoryDataset", "memory", None
        datasets.append(
            DatasetSummary(
                name=name,
                type=kind,
                source=source,
                filepath=None if filepath is None else _shown_path(str(filepath), root),
                read_by=readers.get(name, []),
                written_by=writers.get(name, []),
            )
        )
    return CatalogListing(
        pipelines=chosen or _ordered_names(registered),
        env=context.env,
        datasets=datasets,
        parameters=parameters,
    )


# --------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class RunSummary:
    """A recorded run and how far it got.

    Attributes:
        run: The run with its nodes.
    """

    run: RunRecord

    @property
    def done(self) -> int:
        """How many of the run's nodes succeeded or were skipped."""
        from proj.framework.store import COMPLETED

        return sum(1 for node in self.run.nodes if node.status in COMPLETED)

    def as_dict(self) -> dict[str, Any]:
        """The run's data (see :meth:`RunRecord.as_dict`) plus ``done`` and ``total``."""
        data = self.run.as_dict()
        data["done"] = self.done
        data["total"] = len(self.run.nodes)
        return data


def _run_store(start: str | Path | None) -> RunStore:
    from proj.framework.store import RunStore

    metadata = bootstrap_project(start)
    settings = load_settings(metadata)
    if settings.run_store_path is None:
        raise RunStoreError(
            f"The run store of {metadata.project_path} is turned off "
            "(RUN_STORE_PATH = None in settings.py).",
            hint="Set RUN_STORE_PATH in settings.py to record runs.",
        )
    path = Path(settings.run_store_path)
    return RunStore(path if path.is_absolute() else metadata.project_path / path)


def recorded_runs(limit: int = 20, start: str | Path | None = None) -> list[RunSummary]:
    """The most recent runs of the project, newest first, with their nodes.

    Args:
        limit: At most this many runs.
        start: A folder inside the project (default: the working directory).

    Returns:
        Up to ``limit`` runs; empty when nothing was recorded yet.

    Raises:
        ProjectNotFoundError: ``start`` is in no project.
        RunStoreError: The run store is turned off or cannot be read.
    """
    store = _run_store(start)
    try:
        return [RunSummary(store.get_run(run.run_id)) for run in store.list_runs(limit)]
    finally:
        store.close()


def recorded_run(run_id: str | None = None, start: str | Path | None = None) -> RunSummary:
    """One recorded run with its nodes.

    Args:
        run_id: The run id or a unique prefix of it; default: the latest run.
        start: A folder inside the project (default: the working directory).

    Returns:
        The run.

    Raises:
        RunStoreError: No run matches (recent ids are listed), or none is recorded.
        ProjectNotFoundError: ``start`` is in no project.
    """
    store = _run_store(start)
    try:
        return RunSummary(store.get_run(run_id))
    finally:
        store.close()
