"""Property tests: pipeline order, layers and filters on random DAGs against brute force.

Each random pipeline is checked against a reference written here from first principles:
reachability by repeated relaxation over the edge list, and the order chosen by trying
every ready node at every step. Example counts stay small so the file runs in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proj.exceptions import PipelineError
from proj.pipeline import Node, Pipeline, node

SETTINGS = settings(max_examples=60, deadline=None, database=None)
NAMESPACES = [None, "a", "a.b", "b", "ab"]
TAGS = ["t0", "t1", "t2"]
FREE = ["raw0", "raw1", "raw2"]


def take_all(*values: Any) -> Any:
    return values


@dataclass
class Dag:
    """A random pipeline plus what the reference needs to know about it."""

    nodes: list[Node]
    edges: set[tuple[str, str]] = field(default_factory=set)

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.nodes)

    @property
    def names(self) -> set[str]:
        return {n.name for n in self.nodes}

    def parents(self, name: str) -> set[str]:
        return {u for u, v in self.edges if v == name}

    def closure(self, start: set[str], *, forward: bool) -> set[str]:
        result = set(start)
        changed = True
        while changed:
            changed = False
            for u, v in self.edges:
                src, dst = (u, v) if forward else (v, u)
                if src in result and dst not in result:
                    result.add(dst)
                    changed = True
        return result


@st.composite
def dags(draw: st.DrawFn) -> Dag:
    count = draw(st.integers(min_value=1, max_value=10))
    labels = draw(st.permutations(range(count)))
    produced: dict[str, str] = {}  # dataset -> producer name
    nodes: list[Node] = []
    edges: set[tuple[str, str]] = set()
    for index in range(count):
        pool = sorted(produced) + FREE
        inputs = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
        outputs = [f"d{index}_{k}" for k in range(draw(st.integers(0, 2)))]
        made = node(
            take_all,
            inputs or None,
            outputs or None,
            name=f"n{labels[index]}",
            tags=draw(st.sets(st.sampled_from(TAGS), max_size=2)),
            namespace=draw(st.sampled_from(NAMESPACES)),
        )
        edges |= {(produced[d], made.name) for d in inputs if d in produced}
        produced.update(dict.fromkeys(outputs, made.name))
        nodes.append(made)
    return Dag(draw(st.permutations(nodes)), edges)


def names(pipe: Pipeline) -> set[str]:
    return {n.name for n in pipe.nodes}


def subset(data: st.DataObject, items: set[str]) -> list[str]:
    return data.draw(st.lists(st.sampled_from(sorted(items)), min_size=1, max_size=3, unique=True))


def namespace_prefixes(dag: Dag) -> set[str]:
    found = set()
    for member in dag.nodes:
        if member.namespace:
            parts = member.namespace.split(".")
            found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return found


def in_namespaces(member: Node, wanted: list[str]) -> bool:
    ns = member.namespace or ""
    return any(ns == w or ns.startswith(w + ".") for w in wanted)


# --------------------------------------------------------------------------- order


@SETTINGS
@given(dags())
def test_order_is_the_smallest_name_first_topological_order(dag: Dag) -> None:
    order = [n.name for n in dag.pipeline.nodes]
    position = {name: i for i, name in enumerate(order)}
    assert all(position[u] < position[v] for u, v in dag.edges)
    expected: list[str] = []
    remaining = dag.names
    while remaining:
        ready = [v for v in remaining if dag.parents(v) <= set(expected)]
        expected.append(min(ready))
        remaining.remove(expected[-1])
    assert order == expected
    assert [n.name for n in Pipeline(dag.nodes[::-1]).nodes] == order


@SETTINGS
@given(dags())
def test_layers_respect_edges_and_follow_the_longest_path(dag: Dag) -> None:
    layers = dag.pipeline.grouped_nodes
    level = {n.name: i for i, layer in enumerate(layers) for n in layer}
    assert set(level) == dag.names
    for layer in layers:
        assert [n.name for n in layer] == sorted(n.name for n in layer)
    for name in dag.names:
        parents = dag.parents(name)
        assert all(level[p] < level[name] for p in parents)
        assert level[name] == (max(level[p] for p in parents) + 1 if parents else 0)


@SETTINGS
@given(dags())
def test_free_inputs_and_final_outputs(dag: Dag) -> None:
    read = {d for n in dag.nodes for d in n.inputs}
    written = {d for n in dag.nodes for d in n.outputs}
    pipe = dag.pipeline
    assert pipe.inputs() == read - written
    assert pipe.outputs() == written - read
    assert pipe.datasets() == read | written


# --------------------------------------------------------------------------- filters


@SETTINGS
@given(dags(), st.data())
def test_from_nodes_and_to_nodes_are_reachability(dag: Dag, data: st.DataObject) -> None:
    start = subset(data, dag.names)
    pipe = dag.pipeline
    assert names(pipe.filter(from_nodes=start)) == dag.closure(set(start), forward=True)
    assert names(pipe.filter(to_nodes=start)) == dag.closure(set(start), forward=False)


@SETTINGS
@given(dags(), st.data())
def test_from_inputs_and_to_outputs_are_reachability(dag: Dag, data: st.DataObject) -> None:
    pipe = dag.pipeline
    read = {d for n in dag.nodes for d in n.inputs}
    written = {d for n in dag.nodes for d in n.outputs}
    if read:
        chosen = subset(data, read)
        readers = {n.name for n in dag.nodes if set(n.inputs) & set(chosen)}
        assert names(pipe.from_inputs(*chosen)) == dag.closure(readers, forward=True)
    if written:
        chosen = subset(data, written)
        writers = {n.name for n in dag.nodes if set(n.outputs) & set(chosen)}
        assert names(pipe.to_outputs(*chosen)) == dag.closure(writers, forward=False)


@SETTINGS
@given(dags(), st.data())
def test_tags_and_namespaces_select_matching_nodes(dag: Dag, data: st.DataObject) -> None:
    pipe = dag.pipeline
    used_tags = {t for n in dag.nodes for t in n.tags}
    if used_tags:
        tags = subset(data, used_tags)
        assert names(pipe.filter(tags=tags)) == {n.name for n in dag.nodes if n.tags & set(tags)}
    prefixes = namespace_prefixes(dag)
    if prefixes:
        wanted = subset(data, prefixes)
        assert names(pipe.filter(node_namespaces=wanted)) == {
            n.name for n in dag.nodes if in_namespaces(n, wanted)
        }


@SETTINGS
@given(dags(), st.data())
def test_combined_filters_are_the_intersection(dag: Dag, data: st.DataObject) -> None:
    pipe = dag.pipeline
    maybe = st.booleans()
    expected = set(dag.names)
    arguments: dict[str, list[str]] = {}
    if data.draw(maybe):
        arguments["from_nodes"] = subset(data, dag.names)
        expected &= dag.closure(set(arguments["from_nodes"]), forward=True)
    if data.draw(maybe):
        arguments["to_nodes"] = subset(data, dag.names)
        expected &= dag.closure(set(arguments["to_nodes"]), forward=False)
    if data.draw(maybe):
        arguments["node_names"] = subset(data, dag.names)
        expected &= set(arguments["node_names"])
    read = {d for n in dag.nodes for d in n.inputs}
    if read and data.draw(maybe):
        arguments["from_inputs"] = subset(data, read)
        readers = {n.name for n in dag.nodes if set(n.inputs) & set(arguments["from_inputs"])}
        expected &= dag.closure(readers, forward=True)
    written = {d for n in dag.nodes for d in n.outputs}
    if written and data.draw(maybe):
        arguments["to_outputs"] = subset(data, written)
        writers = {n.name for n in dag.nodes if set(n.outputs) & set(arguments["to_outputs"])}
        expected &= dag.closure(writers, forward=False)
    used_tags = {t for n in dag.nodes for t in n.tags}
    if used_tags and data.draw(maybe):
        arguments["tags"] = subset(data, used_tags)
        expected &= {n.name for n in dag.nodes if n.tags & set(arguments["tags"])}
    prefixes = namespace_prefixes(dag)
    if prefixes and data.draw(maybe):
        arguments["node_namespaces"] = subset(data, prefixes)
        expected &= {n.name for n in dag.nodes if in_namespaces(n, arguments["node_namespaces"])}
    applied = any(arguments.values())
    if applied and not expected:  # Kedro's rule: a filter that leaves nothing is an error
        with pytest.raises(PipelineError, match="No node is left"):
            pipe.filter(**arguments)
        return
    result = pipe.filter(**arguments)
    assert names(result) == expected
    # A slice is ordered exactly as a pipeline built from the same nodes.
    assert result.nodes == Pipeline(result.nodes).nodes
    assert result.inputs() == Pipeline(result.nodes).inputs()


@SETTINGS
@given(dags(), st.data())
def test_set_algebra_partitions_the_nodes(dag: Dag, data: st.DataObject) -> None:
    pipe = dag.pipeline
    chosen = data.draw(st.sets(st.sampled_from(sorted(dag.names))))
    part = pipe.only_nodes(*chosen)
    rest = pipe - part
    assert names(part) == chosen
    assert names(rest) == dag.names - chosen
    assert len(part & rest) == 0
    assert part + rest == pipe
    assert (pipe & part) == part
