"""Writing a snapshot as text: JSON, a Mermaid flowchart, or a Graphviz DOT digraph.

All three come from the same snapshot (:mod:`proj.viz.snapshot`), so they show the same
nodes, datasets and edges. Mermaid follows the flowchart syntax of
https://mermaid.js.org/syntax/flowchart.html; DOT follows
https://graphviz.org/doc/info/lang.html. In both, nodes are rounded boxes, datasets
cylinders, parameters parallelograms, and namespaces become nested subgraphs
(``cluster_`` subgraphs in DOT, which Graphviz draws as boxes). Nodes are coloured by
their last-run status when the snapshot has one. Their second line is a comment naming
the snapshot schema, by which ``proj viz export --output`` knows a file it may replace
(:mod:`proj.viz.files`).
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any

from proj.exceptions import VizError
from proj.viz.snapshot import SCHEMA

if TYPE_CHECKING:
    from collections.abc import Callable

#: The formats :func:`export` writes.
FORMATS = ("json", "mermaid", "dot")

#: Fill colours for last-run statuses, shared by both graph formats.
_STATUS_COLOURS = {
    "success": "#d3f0d9",
    "failed": "#f8d0d0",
    "skipped": "#e6e6e6",
    "interrupted": "#fbe3c0",
    "running": "#d6e6fb",
    "pending": "#f5f5f5",
}


def to_json(snapshot: dict[str, Any]) -> str:
    """The snapshot as indented JSON (UTF-8 text, keys in snapshot order, final newline)."""
    return json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n"


def _members(snapshot: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """Namespace path -> ids of the nodes/datasets directly in it; ids outside any."""
    inside: dict[str, list[str]] = {}
    outside: list[str] = []
    for item in (*snapshot["nodes"], *snapshot["datasets"]):
        namespace = item.get("namespace")
        if namespace:
            inside.setdefault(namespace, []).append(item["id"])
        else:
            outside.append(item["id"])
    return inside, outside


def _walk_namespaces(
    namespaces: list[dict[str, Any]],
    inside: dict[str, list[str]],
    open_group: Callable[[dict[str, Any], int], list[str]],
    close_group: Callable[[int], list[str]],
    item: Callable[[str, int], list[str]],
    depth: int = 1,
) -> list[str]:
    lines: list[str] = []
    for namespace in namespaces:
        lines += open_group(namespace, depth)
        for child in inside.get(namespace["path"], []):
            lines += item(child, depth + 1)
        lines += _walk_namespaces(
            namespace["children"], inside, open_group, close_group, item, depth + 1
        )
        lines += close_group(depth)
    return lines


def _mermaid_label(text: str) -> str:
    return '"' + text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;") + '"'


def to_mermaid(snapshot: dict[str, Any]) -> str:
    """The pipelines as a Mermaid flowchart, top to bottom.

    Args:
        snapshot: A snapshot (use :func:`proj.viz.snapshot.restrict` for one pipeline).

    Returns:
        Mermaid source, starting with ``flowchart TD``; ids are ``n0, n1, ...`` for
        nodes and ``d0, d1, ...`` for datasets, with the real names as labels.
    """
    ids: dict[str, str] = {}
    shapes: dict[str, str] = {}
    for index, node in enumerate(snapshot["nodes"]):
        ids[node["id"]] = f"n{index}"
        shapes[node["id"]] = f"n{index}({_mermaid_label(node['name'])})"
    for index, dataset in enumerate(snapshot["datasets"]):
        ids[dataset["id"]] = f"d{index}"
        label = _mermaid_label(dataset["name"])
        shape = f"[/{label}/]" if dataset["parameter"] else f"[({label})]"
        shapes[dataset["id"]] = f"d{index}{shape}"
    inside, outside = _members(snapshot)
    lines = [
        "flowchart TD",
        f"%% Written by proj viz export ({SCHEMA}); the next export replaces it.",
    ]
    counter = itertools.count()

    def open_group(namespace: dict[str, Any], depth: int) -> list[str]:
        label = _mermaid_label(namespace["name"])
        return [f"{'    ' * depth}subgraph ns{next(counter)}[{label}]"]

    def close_group(depth: int) -> list[str]:
        return [f"{'    ' * depth}end"]

    def item(item_id: str, depth: int) -> list[str]:
        return [f"{'    ' * depth}{shapes[item_id]}"]

    lines += _walk_namespaces(snapshot["namespaces"], inside, open_group, close_group, item)
    lines += [f"    {shapes[item_id]}" for item_id in outside]
    lines += [f"    {ids[e['source']]} --> {ids[e['target']]}" for e in snapshot["edges"]]
    classes: dict[str, list[str]] = {}
    for node in snapshot["nodes"]:
        run = node.get("last_run")
        if run and run["status"] in _STATUS_COLOURS:
            classes.setdefault(run["status"], []).append(ids[node["id"]])
    for status, members in classes.items():
        lines.append(f"    classDef {status} fill:{_STATUS_COLOURS[status]}")
        lines.append(f"    class {','.join(members)} {status}")
    return "\n".join(lines) + "\n"


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(snapshot: dict[str, Any]) -> str:
    """The pipelines as a Graphviz digraph, top to bottom.

    Args:
        snapshot: A snapshot (use :func:`proj.viz.snapshot.restrict` for one pipeline).

    Returns:
        DOT source: ``digraph pipelines { ... }`` with the snapshot ids as node ids and
        names as labels; render it with ``dot -Tsvg``.
    """
    statements: dict[str, str] = {}
    for node in snapshot["nodes"]:
        run = node.get("last_run")
        fill = _STATUS_COLOURS.get(run["status"], "#ffffff") if run else "#ffffff"
        statements[node["id"]] = (
            f"{_dot_id(node['id'])} [label={_dot_id(node['name'])}, shape=box, "
            f'style="rounded,filled", fillcolor="{fill}"];'
        )
    for dataset in snapshot["datasets"]:
        shape = "parallelogram" if dataset["parameter"] else "cylinder"
        statements[dataset["id"]] = (
            f"{_dot_id(dataset['id'])} [label={_dot_id(dataset['name'])}, shape={shape}];"
        )
    inside, outside = _members(snapshot)
    lines = [
        "digraph pipelines {",
        f"    // Written by proj viz export ({SCHEMA}); the next export replaces it.",
        "    rankdir=TB;",
        '    node [fontname="Helvetica", fontsize=11];',
    ]

    def open_group(namespace: dict[str, Any], depth: int) -> list[str]:
        pad = "    " * depth
        return [
            f"{pad}subgraph {_dot_id('cluster_' + namespace['path'])} {{",
            f"{pad}    label={_dot_id(namespace['name'])};",
            f'{pad}    style="rounded,dashed";',
        ]

    def close_group(depth: int) -> list[str]:
        return [f"{'    ' * depth}}}"]

    def item(item_id: str, depth: int) -> list[str]:
        return [f"{'    ' * depth}{statements[item_id]}"]

    lines += _walk_namespaces(snapshot["namespaces"], inside, open_group, close_group, item)
    lines += [f"    {statements[item_id]}" for item_id in outside]
    lines += [f"    {_dot_id(e['source'])} -> {_dot_id(e['target'])};" for e in snapshot["edges"]]
    lines.append("}")
    return "\n".join(lines) + "\n"


_EXPORTERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "json": to_json,
    "mermaid": to_mermaid,
    "dot": to_dot,
}


def export(snapshot: dict[str, Any], fmt: str) -> str:
    """Write a snapshot in one of :data:`FORMATS`.

    Args:
        snapshot: The snapshot.
        fmt: ``"json"``, ``"mermaid"`` or ``"dot"`` (case-insensitive).

    Returns:
        The text, ending with a newline.

    Raises:
        VizError: ``fmt`` is not one of the formats.
    """
    exporter = _EXPORTERS.get(fmt.lower())
    if exporter is None:
        raise VizError(f"Unknown export format '{fmt}'.", hint=f"Use one of: {', '.join(FORMATS)}.")
    return exporter(snapshot)
