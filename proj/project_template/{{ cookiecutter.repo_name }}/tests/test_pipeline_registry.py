"""Tests of the pipeline registry: what `proj run --pipeline <name>` can run."""

from __future__ import annotations

import importlib

from {{ cookiecutter.package_name }}.pipeline_registry import register_pipelines


def _joins_default(name):
    module = importlib.import_module(f"{{ cookiecutter.package_name }}.pipelines.{name}.pipeline")
    return getattr(module, "JOIN_DEFAULT", True)


def test_default_pipeline_holds_every_node_of_the_pipelines_that_join_it():
    pipelines = register_pipelines()

    joining = [name for name in pipelines if name != "__default__" and _joins_default(name)]
    every_node = {n.name for name in joining for n in pipelines[name].nodes}
    assert {n.name for n in pipelines["__default__"].nodes} == every_node
{%- if cookiecutter.starter == "iris" %}


def test_iris_pipelines_are_registered_with_named_tagged_nodes():
    pipelines = register_pipelines()

    assert set(pipelines) == {"__default__", "data_processing", "data_science"}
    assert [n.name for n in pipelines["__default__"].nodes] == [
        "clean_iris",
        "split_data",
        "train_model",
        "predict",
        "report_accuracy",
    ]
    assert {n.name for n in pipelines["__default__"].nodes if "evaluation" in n.tags} == {
        "predict",
        "report_accuracy",
    }


def test_the_default_pipeline_reads_only_the_raw_file_and_parameters():
    default = register_pipelines()["__default__"]

    assert default.inputs() == {
        "iris",
        "params:columns",
        "params:columns.target",
        "params:split_options",
        "params:model_options",
    }
{%- else %}


def test_an_empty_project_has_an_empty_default_pipeline():
    assert len(register_pipelines()["__default__"]) == 0
{%- endif %}
