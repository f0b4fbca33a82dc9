"""JSON, Mermaid and DOT exports of a snapshot."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import VizError
from proj.viz.exporters import FORMATS, export, to_dot, to_mermaid
from proj.viz.snapshot import restrict

#: Golden exports of the iris starter after one full run (regenerate them with
#: PROJ_UPDATE_GOLDEN=1, then review the diff).
GOLDEN = Path(__file__).resolve().parents[1] / "data" / "viz"


def test_json_round_trips(shop: Path, snapshot_of: Callable[..., dict[str, Any]]) -> None:
    snapshot = snapshot_of(shop)
    text = export(snapshot, "json")
    assert text.endswith("}\n")
    assert json.loads(text) == snapshot


def test_the_iris_exports_match_the_golden_files(
    ran_iris: Path, snapshot_of: Callable[..., dict[str, Any]]
) -> None:
    snapshot = snapshot_of(ran_iris)
    for fmt, name in (("mermaid", "iris.mmd"), ("dot", "iris.dot")):
        text = export(snapshot, fmt)
        if os.environ.get("PROJ_UPDATE_GOLDEN"):
            (GOLDEN / name).write_text(text)
        assert text == (GOLDEN / name).read_text(), name


def test_mermaid_has_every_node_dataset_edge_and_namespace(
    shop: Path, snapshot_of: Callable[..., dict[str, Any]]
) -> None:
    snapshot = snapshot_of(shop)
    text = to_mermaid(snapshot)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    for node in snapshot["nodes"]:
        assert re.search(rf'n\d+\("{re.escape(node["name"])}"\)', text), node["name"]
    for dataset in snapshot["datasets"]:
        assert f'"{dataset["name"]}"' in text
    assert '[/"params:ingest"/]' in text  # parameters drawn as parallelograms
    assert '[("orders")]' in text  # datasets as cylinders
    assert sum(" --> " in line for line in lines) == len(snapshot["edges"])
    assert 'subgraph ns0["region"]' in text
    assert text.count("subgraph") == 3
    assert text.count("subgraph") == sum(line.strip() == "end" for line in lines)


def test_mermaid_colours_nodes_by_last_run(
    ran_iris: Path, snapshot_of: Callable[..., dict[str, Any]]
) -> None:
    text = to_mermaid(snapshot_of(ran_iris))
    assert "classDef success fill:#d3f0d9" in text
    assert "class n0,n1,n2,n3,n4 success" in text


def test_mermaid_labels_are_escaped() -> None:
    snapshot = {
        "nodes": [{"id": "node:a", "name": 'say "hi" <b>', "namespace": None, "last_run": None}],
        "datasets": [],
        "edges": [],
        "namespaces": [],
    }
    assert 'n0("say #quot;hi#quot; #lt;b>")' in to_mermaid(snapshot)


def test_dot_is_valid_graphviz(shop: Path, snapshot_of: Callable[..., dict[str, Any]]) -> None:
    snapshot = snapshot_of(shop)
    text = to_dot(snapshot)
    assert text.startswith("digraph pipelines {")
    assert '"dataset:params:ingest" [label="params:ingest", shape=parallelogram];' in text
    assert 'subgraph "cluster_region.eu" {' in text
    assert text.count(" -> ") == len(snapshot["edges"])
    assert text.count("{") == text.count("}")
    dot = shutil.which("dot")
    if dot is not None:  # Graphviz is optional; when present, it must accept the file
        done = subprocess.run(
            [dot, "-Tsvg"], check=False, input=text, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


def test_one_pipeline_can_be_exported(
    shop: Path, snapshot_of: Callable[..., dict[str, Any]]
) -> None:
    text = to_mermaid(restrict(snapshot_of(shop), "ingestion"))
    assert '"ingest"' in text
    assert "region" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_case_insensitive(
    fmt: str, shop: Path, snapshot_of: Callable[..., dict[str, Any]]
) -> None:
    snapshot = snapshot_of(shop)
    assert export(snapshot, fmt.upper()) == export(snapshot, fmt)


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(VizError, match="Unknown export format 'svg'") as caught:
        export({}, "svg")
    assert caught.value.hint == "Use one of: json, mermaid, dot."
