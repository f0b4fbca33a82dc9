"""Transcoding: ``x@a`` and ``x@b`` are one dataset in the graph, two catalog entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NodeDefinitionError, OutputNotUniqueError, PipelineError
from proj.io import DataCatalog
from proj.pipeline import Pipeline, node
from proj.pipeline.transcoding import strip_transcoding, transcode_split
from proj.runner import SequentialRunner


def identity(x: Any) -> Any:
    return x


def both(x: Any, y: Any) -> Any:
    return x


def names(pipe: Pipeline) -> set[str]:
    return {n.name for n in pipe.nodes}


@pytest.fixture
def graph() -> Pipeline:
    """load -> table@spark; table@pandas -> report; table@spark + extra -> other."""
    return Pipeline(
        [
            node(identity, "raw", "table@spark", name="load"),
            node(identity, "table@pandas", "report", name="report"),
            node(both, ["table@spark", "extra"], "other", name="other"),
            node(identity, "other", "final", name="final"),
        ]
    )


def test_split_and_strip() -> None:
    assert transcode_split("companies@pandas") == ("companies", "pandas")
    assert transcode_split("companies") == ("companies", "")
    assert strip_transcoding("companies@spark") == "companies"
    with pytest.raises(ValueError, match="at most one"):
        transcode_split("a@b@c")


def test_formats_of_one_dataset_are_one_node_of_the_graph(graph: Pipeline) -> None:
    assert [n.name for n in graph.grouped_nodes[0]] == ["load"]
    assert graph.inputs() == {"raw", "extra"}
    assert graph.outputs() == {"report", "final"}
    assert graph.datasets() >= {"table@spark", "table@pandas"}
    assert graph.producers["table@pandas"].name == "load"
    assert {n.name for n in graph.consumers["table@spark"]} == {"report", "other"}
    assert [n.name for n in graph.consumers["table@pandas"]] == ["report"]


def test_filters_treat_a_bare_name_as_every_format(graph: Pipeline) -> None:
    assert names(graph.from_inputs("table")) == {"report", "other", "final"}
    assert names(graph.from_inputs("table@pandas")) == {"report"}
    assert names(graph.only_nodes_with_inputs("table@spark")) == {"other"}
    assert names(graph.to_outputs("report")) == {"load", "report"}
    assert names(graph.only_nodes_with_outputs("table")) == {"load"}
    assert names(graph.only_nodes_with_outputs("table@pandas")) == set()
    assert names(graph.from_nodes("load")) == names(graph)


def test_a_name_used_with_and_without_a_format_is_an_error() -> None:
    with pytest.raises(PipelineError, match="'table' are used both with a transcoding format"):
        Pipeline([node(identity, "raw", "table"), node(identity, "table@pandas", "out")])


def test_two_formats_of_one_dataset_cannot_have_two_producers() -> None:
    with pytest.raises(OutputNotUniqueError, match="Dataset 'table' is produced by two nodes"):
        Pipeline([node(identity, "a", "table@pandas"), node(identity, "b", "table@spark")])


def test_a_node_cannot_read_and_write_one_dataset_in_two_formats() -> None:
    with pytest.raises(NodeDefinitionError, match="another format"):
        node(identity, "table@pandas", "table@spark")


def test_a_cycle_through_formats_is_found() -> None:
    with pytest.raises(PipelineError, match="Circular dependency"):
        Pipeline([node(identity, "a@x", "b", name="p"), node(identity, "b", "a@y", name="q")])


def test_a_run_writes_one_format_and_reads_the_other(tmp_path: Path) -> None:
    target = tmp_path / "table.json"
    catalog = DataCatalog.from_config(
        {
            "table@json": {"type": "json.JSONDataset", "filepath": str(target)},
            "table@text": {"type": "text.TextDataset", "filepath": str(target)},
        }
    )
    catalog.add_feed_dict({"rows": [1, 2, 3]})
    pipe = Pipeline(
        [
            node(len, "table@text", "characters", name="count"),
            node(identity, "rows", "table@json", name="write"),
        ]
    )
    assert [n.name for n in pipe.nodes] == ["write", "count"]
    result = SequentialRunner().run(pipe, catalog)
    assert json.loads(target.read_text()) == [1, 2, 3]
    assert result == {"characters": len(target.read_text())}
