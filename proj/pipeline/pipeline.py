"""Pipeline: an immutable, validated set of nodes, its indexes, set algebra and slicing.

A pipeline is checked once when it is built (unique node names, one producer per
dataset, no cycles) and indexes its datasets once: ``producers`` and ``consumers``.
Everything else (free inputs, layers, filters) is computed from those indexes in time
linear in nodes + edges and cached on the pipeline, which never changes.

Filters follow Kedro's semantics: each argument selects nodes from the whole pipeline
and the selections are intersected, so the order of the arguments does not matter; a tag
no node has selects nothing, while an unknown node, dataset or namespace is an error.
Transcoded names (``x@pandas``, ``x@spark``) are one dataset in the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from proj.exceptions import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    DuplicateNodeError,
    OutputNotUniqueError,
    PipelineError,
    UnknownNameError,
)
from proj.pipeline import _graph
from proj.pipeline._names import namespace_prefixes, normalize_tags
from proj.pipeline.node import Node
from proj.pipeline.transcoding import TRANSCODING_SEPARATOR, strip_transcoding

__all__ = ["Pipeline"]

Names = str | Iterable[str]


def _as_names(value: Names, what: str) -> list[str]:
    """A filter argument as a list of names; a single string is one name."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable):
        raise PipelineError(
            f"{what} must be a name or an iterable of names, got {type(value).__name__}."
        )
    names = list(value)
    for item in names:
        if not isinstance(item, str):
            raise PipelineError(
                f"{what}: names must be strings, got {type(item).__name__}: {item!r}."
            )
    return names


def _either(plural: Names | None, single: Names | None, what: str) -> list[str] | None:
    """The namespaces of ``node_namespaces=`` and Kedro 0.19's ``node_namespace=``."""
    if plural is None and single is None:
        return None
    names = [] if plural is None else _as_names(plural, what)
    return names if single is None else [*names, *_as_names(single, "node_namespace")]


def _duplicate(first: Node, second: Node) -> DuplicateNodeError:
    """The error for two different nodes sharing a name, showing both."""
    message = (
        f"Two different nodes are named '{first.name}': "
        f"{first.signature()} and {second.signature()}."
    )
    if first.signature() == second.signature():
        message += " They use the same datasets but differ in function object or tags."
    return DuplicateNodeError(
        message,
        hint="Give one of them a unique name with node(..., name='...'), or reuse a "
        "pipeline under another namespace with pipeline(..., namespace='...').",
    )


def _check_transcoding(nodes: Iterable[Node]) -> None:
    """Reject a dataset used both with and without a transcoding format (Kedro's rule)."""
    names: set[str] = set()
    for member in nodes:
        names.update(member._in_unique)
        names.update(member._out_names)
    mixed = sorted(
        {
            base
            for name in names
            if TRANSCODING_SEPARATOR in name and (base := strip_transcoding(name)) in names
        }
    )
    if mixed:
        raise PipelineError(
            f"Dataset(s) {', '.join(map(repr, mixed))} are used both with a transcoding "
            "format ('<name>@<format>') and without one.",
            hint="Use the name with a format everywhere (e.g. 'companies@pandas'), "
            "or rename one of them.",
        )


def _check_confirms(nodes: Iterable[Node]) -> None:
    """Reject a dataset confirmed by two nodes (in any transcoding format)."""
    seen: dict[str, Node] = {}
    for member in nodes:
        for name in member._confirms:
            base = strip_transcoding(name)
            first = seen.get(base)
            if first is not None and first is not member:
                raise ConfirmNotUniqueError(
                    f"Dataset '{base}' is confirmed by two nodes: '{first._name}' and "
                    f"'{member._name}'.",
                    hint="Confirm each dataset from one node only.",
                )
            seen[base] = member


class Pipeline:
    """An immutable set of nodes, kept in a deterministic topological order.

    With ``namespace=``, ``inputs=``, ``outputs=`` or ``parameters=`` the nodes are
    copied into a namespace and their datasets renamed first, exactly as
    :func:`proj.pipeline.pipeline` does (Kedro 1.x's ``Pipeline`` takes the same
    arguments).

    Args:
        nodes: Nodes and pipelines; pipelines contribute their nodes. The same node
            (an equal node object) may appear more than once and is kept once.
        inputs: Free inputs to keep unprefixed or rename (see ``pipeline()``).
        outputs: Produced datasets to keep unprefixed or rename.
        parameters: Parameters to keep unprefixed or rename.
        tags: Tags added to every node, one string or an iterable of strings.
        namespace: Namespace for the nodes and, unless mapped, their datasets and
            parameters.
        prefix_datasets_with_namespace: False keeps dataset and parameter names as
            they are and only moves the nodes into ``namespace``.

    Raises:
        PipelineError: An item is neither a Node nor a Pipeline; a name is used both
            with and without a transcoding format (``x`` and ``x@pandas``); a
            mapping is invalid (see ``pipeline()``).
        DuplicateNodeError: Two different nodes share a name.
        OutputNotUniqueError: A dataset is produced by more than one node (in any
            format).
        ConfirmNotUniqueError: A dataset is confirmed by more than one node.
        CircularDependencyError: The nodes form a cycle, named as ``a -> b -> a``.
        NodeDefinitionError: A tag or the namespace is invalid.
    """

    __slots__ = (
        "_by_name",
        "_cache",
        "_consumers",
        "_nodes",
        "_producers",
        "_transcoded",
    )

    _nodes: tuple[Node, ...]
    _by_name: dict[str, Node]
    _producers: dict[str, Node]
    _consumers: dict[str, list[Node]]
    _cache: dict[str, Any]
    _transcoded: bool

    def __init__(
        self,
        nodes: Iterable[Node | Pipeline],
        *,
        inputs: str | Iterable[str] | Mapping[str, str] | None = None,
        outputs: str | Iterable[str] | Mapping[str, str] | None = None,
        parameters: str | Iterable[str] | Mapping[str, str] | None = None,
        tags: Names | None = None,
        namespace: str | None = None,
        prefix_datasets_with_namespace: bool = True,
    ) -> None:
        by_name = self._collect(nodes, tags)
        if inputs or outputs or parameters or namespace is not None:
            from proj.pipeline.modular import map_nodes  # modular builds on this module

            source = object.__new__(Pipeline)
            source._setup(by_name, checked=True)
            by_name = {}
            for copy in map_nodes(
                source,
                inputs=inputs,
                outputs=outputs,
                parameters=parameters,
                namespace=namespace,
                prefix_datasets_with_namespace=prefix_datasets_with_namespace,
            ):
                known = by_name.get(copy._name)
                if known is not None and known != copy:
                    raise _duplicate(known, copy)
                by_name[copy._name] = copy
        self._setup(by_name, checked=True)

    @staticmethod
    def _collect(nodes: Iterable[Node | Pipeline], tags: Names | None) -> dict[str, Node]:
        """The nodes of ``nodes`` by name, tagged, with duplicate names rejected."""
        if isinstance(nodes, Node | str | bytes) or not isinstance(nodes, Iterable):
            raise PipelineError(
                f"Pipeline() takes an iterable of nodes, got {type(nodes).__name__}.",
                hint="Wrap a single node in a list: Pipeline([node(...)]).",
            )
        extra = normalize_tags(tags, "tags")
        by_name: dict[str, Node] = {}
        for index, item in enumerate(nodes):
            if isinstance(item, Pipeline):
                members: Iterable[Node] = item._nodes
            elif isinstance(item, Node):
                members = (item,)
            else:
                raise PipelineError(
                    f"Pipeline() takes nodes and pipelines; item {index} has type "
                    f"{type(item).__name__}: {item!r}.",
                    hint="Build nodes with node(func, inputs, outputs).",
                )
            for member in members:
                current = member.tag(extra) if extra else member
                known = by_name.get(current._name)
                if known is None:
                    by_name[current._name] = current
                elif known is not current and known != current:
                    raise _duplicate(known, current)
        return by_name

    @classmethod
    def _subset(cls, nodes: Iterable[Node]) -> Pipeline:
        """A pipeline of some nodes of an already valid pipeline, without re-checking.

        A subset of a valid pipeline has unique names, unique producers and no cycle,
        so only the indexes and the order are rebuilt.
        """
        made = object.__new__(cls)
        made._setup({n._name: n for n in nodes}, checked=False)
        return made

    def _setup(self, by_name: dict[str, Node], *, checked: bool) -> None:
        producers: dict[str, Node] = {}
        consumers: dict[str, list[Node]] = {}
        transcoded = False
        for member in by_name.values():
            if not transcoded and (
                member._in_bases is not member._in_unique
                or any(TRANSCODING_SEPARATOR in n for n in member._out_names)
            ):
                transcoded = True
            for dataset in member._out_bases:
                if checked and dataset in producers:
                    first = producers[dataset]
                    raise OutputNotUniqueError(
                        f"Dataset '{dataset}' is produced by two nodes: "
                        f"'{first._name}' and '{member._name}'.",
                        hint="A dataset has one producer (in any transcoding format, "
                        "'x@a' and 'x@b' are one dataset); rename one of the outputs.",
                    )
                producers[dataset] = member
            for dataset in member._in_bases:
                readers = consumers.get(dataset)
                if readers is None:
                    consumers[dataset] = [member]
                else:
                    readers.append(member)
        if checked:
            if transcoded:
                _check_transcoding(by_name.values())
            _check_confirms(by_name.values())
        order = _graph.toposort(by_name.values(), producers, consumers)
        if len(order) != len(by_name):
            placed = {n._name for n in order}
            remaining = {k: v for k, v in by_name.items() if k not in placed}
            cycle = _graph.find_cycle(remaining, producers)
            path, links = _graph.describe_cycle(cycle, producers)
            raise CircularDependencyError(
                f"Circular dependency between nodes: {path} ({links}).",
                hint="A node cannot depend on its own output; rename a dataset to break the cycle.",
            )
        self._nodes = tuple(order)
        self._by_name = by_name
        self._producers = producers
        self._consumers = consumers
        self._transcoded = transcoded
        self._cache = {}

    # ------------------------------------------------------------------ structure

    @property
    def nodes(self) -> list[Node]:
        """The nodes in topological order; ties are broken by the smallest name."""
        return list(self._nodes)

    @property
    def producers(self) -> Mapping[str, Node]:
        """Dataset name -> the node that produces it (read-only).

        With transcoding, every format of a produced dataset maps to its producer:
        a node writing ``x@spark`` is the producer of ``x@pandas`` too.
        """
        view = self._cache.get("producers")
        if view is None:
            table: Mapping[str, Node] = self._producers
            if self._transcoded:
                expanded = {name: m for m in self._nodes for name in m._out_names}
                for member in self._nodes:
                    for name in member._in_unique:
                        writer = self._producers.get(strip_transcoding(name))
                        if writer is not None:
                            expanded.setdefault(name, writer)
                table = expanded
            view = self._cache["producers"] = MappingProxyType(dict(table))
        return view

    @property
    def consumers(self) -> Mapping[str, list[Node]]:
        """Dataset name -> the nodes reading it, each once, in topological order.

        With transcoding, a dataset a node writes (``x@spark``) lists the readers of
        every format of it; a dataset read lists the readers of that exact name.
        """
        view = self._cache.get("consumers")
        if view is None:
            rank = {n._name: i for i, n in enumerate(self._nodes)}
            readers_of: Mapping[str, list[Node]] = self._consumers
            if self._transcoded:
                exact: dict[str, list[Node]] = {}
                for member in self._nodes:
                    for name in member._in_unique:
                        exact.setdefault(name, []).append(member)
                for member in self._nodes:
                    for name in member._out_names:
                        everyone = self._consumers.get(strip_transcoding(name))
                        if everyone:
                            exact[name] = everyone
                readers_of = exact
            table = {
                dataset: sorted(readers, key=lambda n: rank[n._name])
                for dataset, readers in readers_of.items()
            }
            view = self._cache["consumers"] = MappingProxyType(table)
        return view

    @property
    def node_dependencies(self) -> dict[Node, set[Node]]:
        """Each node -> the nodes that write what it reads (its parents), as in Kedro.

        A node reading ``x@pandas`` depends on the node writing ``x`` in any format.
        Nodes with no parent map to an empty set.
        """
        writers = self.producers
        return {
            member: {writers[name] for name in member._in_unique if name in writers}
            for member in self._nodes
        }

    @property
    def grouped_nodes(self) -> list[list[Node]]:
        """Nodes in layers: each node's inputs come from earlier layers only.

        A node's layer is one more than the highest layer among the nodes it reads from;
        each layer is sorted by name. This is Kedro's ``grouped_nodes``.
        """
        groups = self._cache.get("grouped")
        if groups is None:
            groups = self._cache["grouped"] = _graph.layers(self._nodes, self._producers)
        return [list(group) for group in groups]

    def _names(self) -> tuple[set[str], set[str]]:
        """(every dataset name read, every dataset name written), as written in nodes."""
        names: tuple[set[str], set[str]] | None = self._cache.get("names")
        if names is None:
            if self._transcoded:
                read = {name for m in self._nodes for name in m._in_unique}
                written = {name for m in self._nodes for name in m._out_names}
            else:
                read, written = set(self._consumers), set(self._producers)
            names = self._cache["names"] = (read, written)
        return names

    def all_inputs(self) -> set[str]:
        """Every dataset some node reads."""
        return set(self._names()[0])

    def all_outputs(self) -> set[str]:
        """Every dataset some node writes."""
        return set(self._names()[1])

    def inputs(self) -> set[str]:
        """Free inputs: datasets read by a node but written by none (incl. parameters).

        A transcoded name is free when no node writes its dataset in any format.
        """
        if not self._transcoded:
            return self._consumers.keys() - self._producers.keys()
        return {n for n in self._names()[0] if strip_transcoding(n) not in self._producers}

    def outputs(self) -> set[str]:
        """Final outputs: datasets written by a node and read by none (in any format)."""
        if not self._transcoded:
            return self._producers.keys() - self._consumers.keys()
        return {n for n in self._names()[1] if strip_transcoding(n) not in self._consumers}

    def datasets(self) -> set[str]:
        """Every dataset the pipeline reads or writes (each transcoded name separately)."""
        read, written = self._names()
        return read | written

    # ------------------------------------------------------------------ protocol

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._by_name
        if isinstance(item, Node):
            return self._by_name.get(item._name) == item
        return False

    def _node_set(self) -> frozenset[Node]:
        members = self._cache.get("set")
        if members is None:
            members = self._cache["set"] = frozenset(self._nodes)
        return members

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return self is other or self._node_set() == other._node_set()

    def __hash__(self) -> int:
        return hash(self._node_set())

    def __add__(self, other: object) -> Pipeline:
        """Union: the nodes of both pipelines (validated as a whole)."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        return Pipeline([self, other])

    def __radd__(self, other: object) -> Pipeline:
        """Let ``sum(pipelines)`` work: ``0 + pipeline`` is the pipeline."""
        if isinstance(other, int) and other == 0:
            return self
        return NotImplemented

    __or__ = __add__

    def __sub__(self, other: object) -> Pipeline:
        """Difference: the nodes of this pipeline that are not in the other."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        drop = other._node_set()
        return Pipeline._subset(n for n in self._nodes if n not in drop)

    def __and__(self, other: object) -> Pipeline:
        """Intersection: the nodes that are in both pipelines."""
        if not isinstance(other, Pipeline):
            return NotImplemented
        keep = other._node_set()
        return Pipeline._subset(n for n in self._nodes if n in keep)

    def __repr__(self) -> str:
        names = [n._name for n in self._nodes[:10]]
        more = f", ... (+{len(self._nodes) - 10} more)" if len(self._nodes) > 10 else ""
        return f"Pipeline([{', '.join(names)}{more}])"

    def describe(self, names_only: bool = True) -> str:
        """Describe the pipeline for a person: free inputs, nodes in order, outputs.

        Args:
            names_only: List node names only; otherwise also each node's function,
                inputs and outputs.

        Returns:
            Several lines of text.
        """
        lines = [f"Pipeline of {len(self._nodes)} node(s)"]
        lines.append(f"Inputs: {', '.join(sorted(self.inputs())) or '(none)'}")
        for number, member in enumerate(self._nodes, start=1):
            shown = member._name if names_only else f"{member._name}: {member.signature()}"
            lines.append(f"{number:>4}. {shown}")
        lines.append(f"Outputs: {', '.join(sorted(self.outputs())) or '(none)'}")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The pipeline as JSON: proj's version and, per node in run order, its name,
        inputs, outputs and sorted tags (the shape of Kedro's ``Pipeline.to_json``,
        with ``proj_version`` for ``kedro_version``).

        Returns:
            ``{"proj_version": "...", "pipeline": [{"name", "inputs", "outputs",
            "tags"}, ...]}`` as a string.
        """
        import json

        from proj import __version__

        return json.dumps(
            {
                "proj_version": __version__,
                "pipeline": [
                    {
                        "name": n._name,
                        "inputs": list(n._in_names),
                        "outputs": list(n._out_names),
                        "tags": sorted(n._tags),
                    }
                    for n in self._nodes
                ],
            }
        )

    # ------------------------------------------------------------------ slicing

    def filter(
        self,
        tags: Names | None = None,
        from_nodes: Names | None = None,
        to_nodes: Names | None = None,
        node_names: Names | None = None,
        from_inputs: Names | None = None,
        to_outputs: Names | None = None,
        node_namespaces: Names | None = None,
        node_namespace: Names | None = None,
    ) -> Pipeline:
        """Select part of the pipeline; every argument given narrows the result.

        Each argument selects nodes from the whole pipeline and the selections are
        intersected (Kedro's semantics), so the order of the arguments does not matter.
        An argument that is None or empty is not applied; a string is one name.

        Args:
            tags: Nodes having any of these tags (a tag no node has selects nothing).
            from_nodes: These nodes and every node downstream of them.
            to_nodes: These nodes and every node upstream of them.
            node_names: Exactly these nodes.
            from_inputs: Nodes reading these datasets, and everything downstream. Each
                must be in the pipeline; ``x`` stands for every format ``x@...``.
            to_outputs: Nodes needed to produce these datasets. Each must be in the
                pipeline; ``x`` stands for every format ``x@...``.
            node_namespaces: Nodes in these namespaces or their sub-namespaces
                (``"a"`` matches ``"a"`` and ``"a.b"``, not ``"ab"``).
            node_namespace: Kedro 0.19's spelling (one namespace), selected as by
                ``node_namespaces``. Giving both selects the nodes in either.

        Returns:
            A new pipeline (this one when nothing is given).

        Raises:
            UnknownNameError: A node, dataset or namespace is not in this pipeline;
                the error lists it with the closest known names.
            PipelineError: The filters leave no node (as in Kedro).
        """
        selections = (
            (tags, "tags", self._select_tags),
            (from_nodes, "from_nodes", self._select_from_nodes),
            (to_nodes, "to_nodes", self._select_to_nodes),
            (node_names, "node_names", self._select_names),
            (from_inputs, "from_inputs", self._select_from_inputs),
            (to_outputs, "to_outputs", self._select_to_outputs),
            (
                _either(node_namespaces, node_namespace, "node_namespaces"),
                "node_namespaces",
                self._select_namespaces,
            ),
        )
        chosen: set[str] | None = None
        applied: list[str] = []
        for value, what, select in selections:
            if value is None:
                continue
            names = _as_names(value, what)
            if not names:
                continue
            applied.append(f"{what}={','.join(names)}")
            found = select(names, what)
            chosen = found if chosen is None else chosen & found
        if chosen is None:
            return self
        if not chosen and self._nodes:
            raise PipelineError(
                f"No node is left after applying the filters {'; '.join(applied)}.",
                hint="Check the names against `proj pipeline describe`.",
            )
        return self._keep(chosen)

    def only_nodes(self, *names: str) -> Pipeline:
        """Exactly the named nodes. Raises UnknownNameError for an unknown name."""
        return self._keep(self._select_names(names, "only_nodes"))

    def only_nodes_with_tags(self, *tags: str) -> Pipeline:
        """Nodes having any of the tags; empty when no node has one (as in Kedro)."""
        return self._keep(self._select_tags(tags, "only_nodes_with_tags"))

    def from_nodes(self, *names: str) -> Pipeline:
        """The named nodes and everything downstream. Raises UnknownNameError."""
        return self._keep(self._select_from_nodes(names, "from_nodes"))

    def to_nodes(self, *names: str) -> Pipeline:
        """The named nodes and everything upstream. Raises UnknownNameError."""
        return self._keep(self._select_to_nodes(names, "to_nodes"))

    def from_inputs(self, *datasets: str) -> Pipeline:
        """Nodes depending, directly or not, on the datasets. Raises UnknownNameError."""
        return self._keep(self._select_from_inputs(datasets, "from_inputs"))

    def to_outputs(self, *datasets: str) -> Pipeline:
        """Nodes needed to produce the datasets. Raises UnknownNameError."""
        return self._keep(self._select_to_outputs(datasets, "to_outputs"))

    def only_nodes_with_inputs(self, *datasets: str) -> Pipeline:
        """Nodes reading any of the datasets directly (nothing downstream).

        ``x`` stands for every format ``x@...``; ``x@pandas`` for that format only.
        Raises UnknownNameError for a dataset that is not in the pipeline.
        """
        where = "only_nodes_with_inputs"
        return self._keep({n._name for n in self._readers(datasets, where)})

    def only_nodes_with_outputs(self, *datasets: str) -> Pipeline:
        """The nodes writing the datasets (nothing upstream).

        ``x`` stands for every format ``x@...``; ``x@pandas`` for that format only.
        Raises UnknownNameError for a dataset that is not in the pipeline.
        """
        where = "only_nodes_with_outputs"
        return self._keep({n._name for n in self._writers(datasets, where)})

    def only_nodes_with_namespaces(self, *namespaces: str | Iterable[str]) -> Pipeline:
        """Nodes in the namespaces or below them. Raises UnknownNameError.

        Takes names as arguments or one list of names (Kedro 1.x passes a list).
        """
        names: list[str] = []
        for item in namespaces:
            names.extend(_as_names(item, "only_nodes_with_namespaces"))
        return self._keep(self._select_namespaces(names, "only_nodes_with_namespaces"))

    def only_nodes_with_namespace(self, node_namespace: str) -> Pipeline:
        """Nodes in one namespace or below it: Kedro 0.19's spelling.

        The same as ``only_nodes_with_namespaces(node_namespace)``. Raises
        UnknownNameError when no node is in that namespace.
        """
        where = "only_nodes_with_namespace"
        return self._keep(self._select_namespaces(_as_names(node_namespace, where), where))

    def tag(self, tags: str | Iterable[str]) -> Pipeline:
        """A copy of the pipeline with the tags added to every node.

        Raises:
            NodeDefinitionError: A tag is invalid.
        """
        extra = normalize_tags(tags, "tags")
        if not extra:
            return self
        made = object.__new__(Pipeline)
        made._setup({n._name: n.tag(extra) for n in self._nodes}, checked=False)
        return made

    def _keep(self, names: set[str]) -> Pipeline:
        if len(names) == len(self._nodes):
            return self
        return Pipeline._subset(n for n in self._nodes if n._name in names)

    def _nodes_named(self, names: Sequence[str], where: str) -> list[Node]:
        unknown = [n for n in names if n not in self._by_name]
        if unknown:
            raise UnknownNameError("node", unknown, self._by_name, where=where)
        return [self._by_name[n] for n in names]

    def _check_datasets(self, names: Sequence[str], where: str) -> None:
        """Like Kedro: every dataset named must be in the pipeline (read or written).

        A name without a format also matches a transcoded dataset (``x`` for ``x@a``).
        A dataset that is in the pipeline but not read (``from_inputs``) or not written
        (``to_outputs``) selects nothing.
        """
        every = self.datasets()
        unknown = [
            n
            for n in names
            if n not in every and n not in self._producers and n not in self._consumers
        ]
        if unknown:
            raise UnknownNameError("dataset", unknown, every, where=where)

    def _readers(self, names: Sequence[str], where: str) -> list[Node]:
        """The nodes reading the datasets; ``x`` covers every format of ``x``."""
        self._check_datasets(names, where)
        found: list[Node] = []
        for name in names:
            base = strip_transcoding(name)
            for reader in self._consumers.get(base, ()):
                if base == name or name in reader._in_unique:
                    found.append(reader)
        return found

    def _writers(self, names: Sequence[str], where: str) -> list[Node]:
        """The nodes writing the datasets; ``x`` covers every format of ``x``."""
        self._check_datasets(names, where)
        found: list[Node] = []
        for name in names:
            base = strip_transcoding(name)
            writer = self._producers.get(base)
            if writer is not None and (base == name or name in writer._out_names):
                found.append(writer)
        return found

    def _select_names(self, names: Sequence[str], where: str) -> set[str]:
        return {n._name for n in self._nodes_named(names, where)}

    def _select_from_nodes(self, names: Sequence[str], where: str) -> set[str]:
        return _graph.downstream(self._nodes_named(names, where), self._consumers)

    def _select_to_nodes(self, names: Sequence[str], where: str) -> set[str]:
        return _graph.upstream(self._nodes_named(names, where), self._producers)

    def _select_from_inputs(self, names: Sequence[str], where: str) -> set[str]:
        return _graph.downstream(self._readers(names, where), self._consumers)

    def _select_to_outputs(self, names: Sequence[str], where: str) -> set[str]:
        return _graph.upstream(self._writers(names, where), self._producers)

    def _select_tags(self, tags: Sequence[str], where: str) -> set[str]:
        """Nodes having any of the tags; a tag no node has selects nothing (Kedro)."""
        index: dict[str, list[str]] | None = self._cache.get("tags")
        if index is None:
            index = {}
            for member in self._nodes:
                for tag in member._tags:
                    index.setdefault(tag, []).append(member._name)
            self._cache["tags"] = index
        return {name for tag in tags for name in index.get(tag, ())}

    def unknown_tags(self, tags: Iterable[str]) -> list[str]:
        """The tags, in the order given, that no node of this pipeline has.

        Library filters select nothing for such a tag (Kedro's semantics); the CLI
        and ``Session.run`` call this to name them instead, with the closest tags.
        """
        self._select_tags((), "unknown_tags")
        index: dict[str, list[str]] = self._cache["tags"]
        return [tag for tag in tags if tag not in index]

    def _select_namespaces(self, namespaces: Sequence[str], where: str) -> set[str]:
        index: dict[str, list[str]] | None = self._cache.get("namespaces")
        if index is None:
            index = {}
            for member in self._nodes:
                if member._namespace:
                    for prefix in namespace_prefixes(member._namespace):
                        index.setdefault(prefix, []).append(member._name)
            self._cache["namespaces"] = index
        unknown = [ns for ns in namespaces if ns not in index]
        if unknown:
            raise UnknownNameError("namespace", unknown, index, where=where)
        return {name for ns in namespaces for name in index[ns]}
