"""Graph algorithms over a pipeline's dataset indexes: ordering, cycles, reachability.

Nodes are linked through datasets: ``producers`` maps a dataset to the node writing it
and ``consumers`` maps a dataset to the nodes reading it (each node once). Datasets are
keyed by base name (``x`` for ``x@pandas``), so transcoded names are one dataset. Every
function here is linear in nodes + edges (the ordering adds a log factor for its heap)
and uses explicit stacks, so 10,000-node chains do not hit the recursion limit.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from proj.pipeline.node import Node


def toposort(
    nodes: Iterable[Node],
    producers: Mapping[str, Node],
    consumers: Mapping[str, Sequence[Node]],
) -> list[Node]:
    """Order nodes so that every producer comes before its consumers.

    Kahn's algorithm with a heap of ready node names: among the nodes that are ready,
    the one with the smallest name runs first, so the order is the lexicographically
    smallest topological order and does not depend on the order nodes were given in.
    O((N + E) log N).

    Args:
        nodes: The nodes, with unique names.
        producers: Dataset name -> producing node, for these nodes.
        consumers: Dataset name -> consuming nodes, for these nodes.

    Returns:
        The ordered nodes. If the nodes contain a cycle, the nodes on it (and those
        downstream of it) are missing from the result.
    """
    by_name: dict[str, Node] = {}
    waiting: dict[str, int] = {}
    ready: list[str] = []
    for node in nodes:
        name = node._name
        by_name[name] = node
        count = 0
        for dataset in node._in_bases:
            if dataset in producers:
                count += 1
        if count:
            waiting[name] = count
        else:
            ready.append(name)
    heapq.heapify(ready)
    order: list[Node] = []
    push, pop = heapq.heappush, heapq.heappop
    while ready:
        node = by_name[pop(ready)]
        order.append(node)
        for dataset in node._out_bases:
            for reader in consumers.get(dataset, ()):
                left = waiting[reader._name] - 1
                waiting[reader._name] = left
                if not left:
                    push(ready, reader._name)
    return order


def find_cycle(remaining: Mapping[str, Node], producers: Mapping[str, Node]) -> list[Node]:
    """Find one cycle among the nodes that a topological sort could not order.

    Every such node has a predecessor that is also left over, so walking predecessors
    from any of them must come back to a node already seen. The walk starts at the
    smallest name and always steps to the smallest name, so the answer is deterministic.

    Args:
        remaining: Name -> node, for the nodes left out by :func:`toposort`.
        producers: Dataset name -> producing node.

    Returns:
        The nodes of the cycle in dependency order, starting with the smallest name
        (the first node is not repeated at the end).
    """
    current = remaining[min(remaining)]
    path: list[Node] = []
    seen_at: dict[str, int] = {}
    while current._name not in seen_at:
        seen_at[current._name] = len(path)
        path.append(current)
        parents = [
            parent
            for dataset in current._in_bases
            if (parent := producers.get(dataset)) is not None and parent._name in remaining
        ]
        current = min(parents, key=lambda n: n._name)
    cycle = path[seen_at[current._name] :][::-1]
    start = min(range(len(cycle)), key=lambda i: cycle[i]._name)
    return cycle[start:] + cycle[:start]


def describe_cycle(cycle: Sequence[Node], producers: Mapping[str, Node]) -> tuple[str, str]:
    """Render a cycle as ``"a -> b -> a"`` and the datasets linking its nodes.

    Args:
        cycle: Nodes in dependency order, as returned by :func:`find_cycle`.
        producers: Dataset name -> producing node.

    Returns:
        ``(path, links)``: the node path, and ``"a writes 'x' read by b; ..."``.
    """
    names = [n._name for n in cycle]
    path = " -> ".join([*names, names[0]])
    links = []
    for index, reader in enumerate(cycle):
        writer = cycle[index - 1]
        via = next(d for d in reader._in_bases if producers.get(d) is writer)
        links.append(f"{writer._name} writes {via!r} read by {reader._name}")
    links.append(links.pop(0))  # start with the link leaving the first node
    return path, "; ".join(links)


def downstream(start: Iterable[Node], consumers: Mapping[str, Sequence[Node]]) -> set[str]:
    """Names of the start nodes and of every node depending on them, directly or not.

    Args:
        start: The nodes to start from.
        consumers: Dataset name -> consuming nodes.

    Returns:
        Node names.
    """
    stack = list(start)
    seen = {n._name for n in stack}
    while stack:
        node = stack.pop()
        for dataset in node._out_bases:
            for reader in consumers.get(dataset, ()):
                if reader._name not in seen:
                    seen.add(reader._name)
                    stack.append(reader)
    return seen


def upstream(start: Iterable[Node], producers: Mapping[str, Node]) -> set[str]:
    """Names of the start nodes and of every node they depend on, directly or not.

    Args:
        start: The nodes to start from.
        producers: Dataset name -> producing node.

    Returns:
        Node names.
    """
    stack = list(start)
    seen = {n._name for n in stack}
    while stack:
        node = stack.pop()
        for dataset in node._in_bases:
            writer = producers.get(dataset)
            if writer is not None and writer._name not in seen:
                seen.add(writer._name)
                stack.append(writer)
    return seen


def layers(order: Sequence[Node], producers: Mapping[str, Node]) -> list[list[Node]]:
    """Group topologically ordered nodes into layers.

    A node's layer is one more than the highest layer of the nodes it reads from (0
    when it reads only free inputs), so every node of a layer can run once all earlier
    layers are done. Each layer is sorted by node name.

    Args:
        order: The nodes in a topological order.
        producers: Dataset name -> producing node.

    Returns:
        The layers, first to last.
    """
    level: dict[str, int] = {}
    groups: list[list[Node]] = []
    for node in order:
        depth = 0
        for dataset in node._in_bases:
            writer = producers.get(dataset)
            if writer is not None:
                depth = max(depth, level[writer._name] + 1)
        level[node._name] = depth
        if depth == len(groups):
            groups.append([])
        groups[depth].append(node)
    for group in groups:
        group.sort(key=lambda n: n._name)
    return groups
