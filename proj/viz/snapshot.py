"""The snapshot: one JSON-ready document describing every pipeline of a project.

It is what the page draws, what ``proj viz export --format json`` writes, and what the
exporters to Mermaid and Graphviz read. Shape (``"schema": "proj-viz/1"``)::

    {
      "schema": "proj-viz/1", "generated_at": ISO-8601 UTC, "proj_version": str,
      "project": {"name", "package", "env"},
      "default_pipeline": str,                      # the pipeline the page opens on
      "pipelines": [{"name", "nodes": [node names in run order]}],
      "nodes": [{"id": "node:<name>", "name", "function", "file", "line", "code",
                 "tags", "namespace", "inputs", "outputs", "pipelines", "last_run"}],
      "datasets": [{"id": "dataset:<name>", "name", "type", "path", "layer",
                    "parameter", "declared", "versioned", "pattern", "namespace",
                    "last_save"}],
      "edges": [{"source": id, "target": id}],      # dataset -> node, node -> dataset
      "namespaces": [{"name", "path", "nodes", "children": [...]}],
      "tags": [str], "layers": [str, in the order data flows through them],
      "code": {code id: source text},               # shared by nodes of one function
      "run": null | {"run_id", "status", "started_at", "finished_at", "duration",
                     "pipelines", "runner", "filters", "partial", "command", "env",
                     "error"},
      "runs": [run summaries like "run", newest first]
    }

``file`` is relative to the project root when the function lives inside it. A node's
``last_run`` is ``{"status", "duration" (seconds), "started_at" (Unix seconds), "run_id",
"error", "latest"}`` from the most recent recorded run that included the node, whatever
runner ran it and however the run was sliced; ``latest`` tells whether that run is the
project's latest one. A dataset's ``last_save`` is its rows and bytes in the latest run
that saved it, with the previous save's (:mod:`proj.viz.runs`). Nothing in the
snapshot comes from credentials: dataset paths and error messages have URL credentials
removed (:mod:`proj.redaction`).
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import proj
from proj.exceptions import UnknownNameError
from proj.pipeline import namespace_prefixes
from proj.viz.datasets import CatalogEntries, describe_dataset
from proj.viz.runs import run_status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from proj.framework import Session
    from proj.framework.store import RunStore
    from proj.pipeline import Node, Pipeline

logger = logging.getLogger(__name__)

SCHEMA = "proj-viz/1"
DEFAULT_PIPELINE = "__default__"

#: Longest function source kept in a snapshot, in characters.
MAX_CODE_CHARS = 20_000


def node_id(name: str) -> str:
    """The snapshot id of a node."""
    return f"node:{name}"


def dataset_id(name: str) -> str:
    """The snapshot id of a dataset."""
    return f"dataset:{name}"


def load_session(project_path: str | Path | None = None, *, env: str | None = None) -> Session:
    """Load a project for the visualisation, without recording anything.

    Args:
        project_path: A folder inside the project; default: the working directory.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.

    Returns:
        A session that records no runs.

    Raises:
        ProjectNotFoundError: No project contains ``project_path``.
        ProjectError: The project's metadata or settings are wrong.
    """
    from proj.framework import Session

    return Session.create(project_path, env=env, record_runs=False)


class _Functions:
    """Source locations and code of node functions, each function inspected once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.code: dict[str, str] = {}
        self._seen: dict[int, tuple[str, str | None, int | None, str | None]] = {}

    def describe(self, func: Callable[..., Any]) -> tuple[str, str | None, int | None, str | None]:
        """``(qualified name, file, line, code id)`` of a node's function."""
        known = self._seen.get(id(func))
        if known is not None:
            return known
        target: Any = func
        while isinstance(target, functools.partial):
            target = target.func
        target = inspect.unwrap(target)
        if not (inspect.isfunction(target) or inspect.ismethod(target)) and callable(target):
            target = target if inspect.isclass(target) else type(target)
        module = getattr(target, "__module__", None) or ""
        qualname = getattr(target, "__qualname__", None) or repr(target)
        name = f"{module}.{qualname}" if module else qualname
        file: str | None = None
        line: int | None = None
        code_id: str | None = None
        try:
            source_file = inspect.getsourcefile(target)
            lines, line = inspect.getsourcelines(target)
        except (OSError, TypeError):
            source_file = None
        if source_file is not None:
            path = Path(source_file).resolve()
            file = (
                path.relative_to(self.root).as_posix()
                if path.is_relative_to(self.root)
                else str(path)
            )
            line = max(line or 1, 1)
            code_id = f"{file}:{line}"
            if code_id not in self.code:
                self.code[code_id] = "".join(lines)[:MAX_CODE_CHARS]
        described = (name, file, line, code_id)
        self._seen[id(func)] = described
        return described


def _namespace_of_dataset(name: str, namespaces: set[str]) -> str | None:
    """The deepest namespace whose prefix ``<ns>.`` the dataset's name carries
    (datasets that ``pipeline(namespace=...)`` made internal), or None."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in namespaces:
            return candidate
    return None


def namespace_tree(node_namespaces: Iterable[str | None]) -> list[dict[str, Any]]:
    """The tree of namespaces, with the number of nodes under each.

    Args:
        node_namespaces: Each node's namespace (None for nodes outside any).

    Returns:
        Top-level namespaces sorted by path, each ``{"name": last part, "path": dotted
        path, "nodes": nodes inside it or its children, "children": [same shape]}``.
    """
    root: dict[str, Any] = {"children": {}}
    for namespace in node_namespaces:
        if not namespace:
            continue
        level = root
        parts = namespace.split(".")
        for depth, part in enumerate(parts):
            path = ".".join(parts[: depth + 1])
            level = level["children"].setdefault(
                part, {"name": part, "path": path, "nodes": 0, "children": {}}
            )
            level["nodes"] += 1

    def finish(children: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {**child, "children": finish(child["children"])}
            for _, child in sorted(children.items())
        ]

    return finish(root["children"])


def _ordered_pipelines(pipelines: dict[str, Pipeline]) -> list[str]:
    names = sorted(name for name in pipelines if name != DEFAULT_PIPELINE)
    return [DEFAULT_PIPELINE, *names] if DEFAULT_PIPELINE in pipelines else names


def layer_order(nodes: Iterable[Node], layers: dict[str, str]) -> list[str]:
    """Layers in the order data flows through them, top band first.

    A layer's place is the earliest point of the run order where one of its datasets
    appears: the node that writes it, or (for inputs) just before the first node that
    reads it. Linear in nodes + edges.

    Args:
        nodes: The nodes in run (topological) order.
        layers: Dataset name -> layer, for datasets that have one.

    Returns:
        The layer names, each once.
    """
    first: dict[str, float] = {}
    for index, node in enumerate(nodes):
        for names, place in ((node.inputs, index - 0.5), (node.outputs, float(index))):
            for name in names:
                layer = layers.get(name)
                if layer is not None and place < first.get(layer, float("inf")):
                    first[layer] = place
    order = sorted(first, key=lambda layer: (first[layer], layer))
    return order + sorted(set(layers.values()) - set(first))


def _node_entry(
    node: Node,
    functions: _Functions,
    member_of: list[str],
    last_run: dict[str, Any] | None,
) -> dict[str, Any]:
    function, file, line, code_id = functions.describe(node.func)
    return {
        "id": node_id(node.name),
        "name": node.name,
        "function": function,
        "file": file,
        "line": line,
        "code": code_id,
        "tags": sorted(node.tags),
        "namespace": node.namespace,
        "inputs": node.inputs,
        "outputs": node.outputs,
        "pipelines": member_of,
        "last_run": last_run,
    }


def build_snapshot(session: Session, *, pipeline: str | None = None) -> dict[str, Any]:
    """Describe every registered pipeline of a project, its datasets and its last run.

    Args:
        session: The loaded project (see :func:`load_session`).
        pipeline: The pipeline the page opens on; default ``__default__`` (or the
            first registered pipeline when there is no ``__default__``).

    Returns:
        The snapshot (shape in the module docstring), ready for ``json.dumps``.

    Raises:
        ProjectError: The pipeline registry cannot be loaded.
        ConfigError: The catalog configuration cannot be read.
        DatasetTypeError: A catalog factory pattern is invalid.
        UnknownNameError: ``pipeline`` is not registered.
        RunStoreError: The run store cannot be read.
    """
    started = time.perf_counter()
    pipelines = session.pipelines
    order = _ordered_pipelines(pipelines)
    if pipeline is not None and pipeline not in pipelines:
        raise UnknownNameError(
            "pipeline",
            [pipeline],
            pipelines,
            where=f"{session.metadata.package_name}.pipeline_registry",
        )
    context = session.load_context()
    entries = CatalogEntries.from_config(context.config_loader.get("catalog"))
    snapshot = _assemble(
        {name: pipelines[name] for name in order},
        entries,
        session.store,
        session.metadata.project_path,
        {
            "name": session.metadata.project_name,
            "package": session.metadata.package_name,
            "env": context.env,
        },
        pipeline or (order[0] if order else DEFAULT_PIPELINE),
    )
    logger.debug(
        "Built the snapshot of %d nodes and %d datasets in %.3f s",
        len(snapshot["nodes"]),
        len(snapshot["datasets"]),
        time.perf_counter() - started,
    )
    return snapshot


def pipeline_snapshot(pipeline: Pipeline, session: Session | None = None) -> dict[str, Any]:
    """The snapshot of one :class:`~proj.pipeline.Pipeline` object (e.g. in a notebook).

    Args:
        pipeline: Any pipeline, registered or not.
        session: The project it belongs to, for dataset descriptions from the catalog
            and run statuses from the run store; None draws the graph alone.

    Returns:
        A snapshot (shape in the module docstring) with one pipeline named
        ``"pipeline"``.

    Raises:
        ConfigError: The session's catalog configuration cannot be read.
        RunStoreError: The session's run store cannot be read.
    """
    if session is None:
        entries = CatalogEntries.from_config({})
        project = {"name": "Pipeline", "package": None, "env": None}
        return _assemble({"pipeline": pipeline}, entries, None, Path.cwd(), project, "pipeline")
    context = session.load_context()
    entries = CatalogEntries.from_config(context.config_loader.get("catalog"))
    project = {
        "name": session.metadata.project_name,
        "package": session.metadata.package_name,
        "env": context.env,
    }
    return _assemble(
        {"pipeline": pipeline},
        entries,
        session.store,
        session.metadata.project_path,
        project,
        "pipeline",
    )


def _assemble(
    pipelines: dict[str, Pipeline],
    entries: CatalogEntries,
    store: RunStore | None,
    root: Path,
    project: dict[str, Any],
    default: str,
) -> dict[str, Any]:
    """The snapshot of ``pipelines`` (in the order given), see :func:`build_snapshot`."""
    order = list(pipelines)
    nodes: dict[str, Node] = {}
    member_of: dict[str, list[str]] = {}
    for name in order:
        for node in pipelines[name].nodes:
            nodes.setdefault(node.name, node)
            member_of.setdefault(node.name, []).append(name)

    functions = _Functions(root)
    dataset_names: dict[str, None] = {}
    for node in nodes.values():
        dataset_names.update(dict.fromkeys(node.inputs))
        dataset_names.update(dict.fromkeys(node.outputs))
    status = run_status(store, nodes.keys(), dataset_names.keys())
    statuses = status["nodes"]
    saves = status["datasets"]
    node_entries = [
        _node_entry(node, functions, member_of[name], statuses.get(name))
        for name, node in nodes.items()
    ]

    namespaces: set[str] = set()
    for node in nodes.values():
        if node.namespace:
            namespaces.update(namespace_prefixes(node.namespace))
    edges: list[dict[str, str]] = []
    seen_edges: set[tuple[str, str]] = set()
    for node in nodes.values():
        for name in node.inputs:
            pair = (dataset_id(name), node_id(node.name))
            if pair not in seen_edges:
                seen_edges.add(pair)
                edges.append({"source": pair[0], "target": pair[1]})
        for name in node.outputs:
            pair = (node_id(node.name), dataset_id(name))
            if pair not in seen_edges:
                seen_edges.add(pair)
                edges.append({"source": pair[0], "target": pair[1]})
    datasets = [
        {
            "id": dataset_id(name),
            **describe_dataset(name, entries),
            "namespace": _namespace_of_dataset(name, namespaces),
            "last_save": saves.get(name),
        }
        for name in sorted(dataset_names)
    ]

    return {
        "schema": SCHEMA,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "proj_version": proj.__version__,
        "project": project,
        "default_pipeline": default,
        "pipelines": [
            {"name": name, "nodes": [node.name for node in pipelines[name].nodes]} for name in order
        ],
        "nodes": node_entries,
        "datasets": datasets,
        "edges": edges,
        "namespaces": namespace_tree(node.namespace for node in nodes.values()),
        "tags": sorted({tag for node in nodes.values() for tag in node.tags}),
        "layers": layer_order(
            nodes.values(), {d["name"]: d["layer"] for d in datasets if d["layer"] is not None}
        ),
        "code": functions.code,
        "run": status["run"],
        "runs": status["runs"],
    }


def restrict(snapshot: dict[str, Any], pipeline: str) -> dict[str, Any]:
    """The part of a snapshot that one pipeline covers.

    Args:
        snapshot: A full snapshot.
        pipeline: A pipeline name in it.

    Returns:
        A new snapshot with only that pipeline, its nodes, the datasets they touch, the
        edges between them, and the tags, layers, namespaces and code they use.

    Raises:
        UnknownNameError: ``pipeline`` is not in the snapshot.
    """
    by_name = {entry["name"]: entry for entry in snapshot["pipelines"]}
    if pipeline not in by_name:
        raise UnknownNameError("pipeline", [pipeline], by_name)
    keep_nodes = set(by_name[pipeline]["nodes"])
    nodes = [node for node in snapshot["nodes"] if node["name"] in keep_nodes]
    keep_datasets = {name for node in nodes for name in (*node["inputs"], *node["outputs"])}
    datasets = [d for d in snapshot["datasets"] if d["name"] in keep_datasets]
    ids = {node["id"] for node in nodes} | {d["id"] for d in datasets}
    code_ids = {node["code"] for node in nodes if node["code"]}
    kept_layers = {d["layer"] for d in datasets if d["layer"] is not None}
    return {
        **snapshot,
        "default_pipeline": pipeline,
        "pipelines": [by_name[pipeline]],
        "nodes": nodes,
        "datasets": datasets,
        "edges": [e for e in snapshot["edges"] if e["source"] in ids and e["target"] in ids],
        "namespaces": namespace_tree(node["namespace"] for node in nodes),
        "tags": sorted({tag for node in nodes for tag in node["tags"]}),
        "layers": [layer for layer in snapshot["layers"] if layer in kept_layers],
        "code": {key: text for key, text in snapshot["code"].items() if key in code_ids},
    }
