"""``proj pipeline list`` and ``proj pipeline describe`` on the iris starter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from proj.exceptions import UnknownNameError


def test_list_shows_every_pipeline_with_size_and_tags(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("pipeline", "list")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [row[:2] for row in rows] == [
        ["__default__", "5"],
        ["data_processing", "2"],
        ["data_science", "3"],
    ]
    assert "preprocessing" in result.stdout.splitlines()[2]


def test_list_json(project: Path, cli: Callable[..., Result]) -> None:
    result = cli("pipeline", "list", "--json")
    assert result.exit_code == 0, result.output
    pipelines = {p["name"]: p for p in json.loads(result.stdout)}
    assert list(pipelines) == ["__default__", "data_processing", "data_science"]
    science = pipelines["data_science"]
    assert science["nodes"] == 3
    assert science["inputs"] == ["X_test", "X_train", "y_test", "y_train"]
    assert science["parameters"] == ["params:model_options"]
    assert science["outputs"] == ["metrics"]
    assert science["tags"] == ["evaluation", "training"]


def test_describe_lists_nodes_in_run_order_with_datasets_and_tags(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("pipeline", "describe", "__default__")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Pipeline __default__: 5 node(s)")
    assert "Inputs: iris\n" in out
    assert "Outputs: metrics\n" in out
    rows = [line.split(maxsplit=2) for line in out.splitlines() if line[:2].strip().isdigit()]
    assert [row[1] for row in rows] == [
        "clean_iris",
        "split_data",
        "train_model",
        "predict",
        "report_accuracy",
    ]
    split = next(line for line in out.splitlines() if " split_data " in line)
    assert "iris_clean, params:columns.target, params:split_options" in split
    assert "X_train, X_test, y_train, y_test" in split
    assert split.rstrip().endswith("preprocessing")


def test_describe_json(project: Path, cli: Callable[..., Result]) -> None:
    result = cli("pipeline", "describe", "data_science", "--json")
    assert result.exit_code == 0, result.output
    described = json.loads(result.stdout)
    assert described["name"] == "data_science"
    first = described["nodes"][0]
    assert first == {
        "name": "train_model",
        "function": "iris_demo.pipelines.data_science.nodes.train_model",
        "inputs": ["X_train", "y_train", "params:model_options"],
        "outputs": ["model"],
        "tags": ["training"],
        "namespace": None,
    }


def test_describe_unknown_pipeline_suggests_the_closest(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("pipeline", "describe", "data_sceince")
    assert result.exit_code == 1
    assert isinstance(result.exception, UnknownNameError)
    assert result.exception.suggestions["data_sceince"][0] == "data_science"
    assert result.stdout == ""


def test_describe_without_a_name_describes_the_default(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("pipeline", "describe")
    assert result.exit_code == 0, result.output
    assert "Pipeline __default__: 5 node(s)" in result.output
