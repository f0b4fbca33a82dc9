"""The library behind ``proj info``, ``pipeline``, ``catalog`` and ``runs``: real projects."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from proj.exceptions import ProjectNotFoundError, UnknownNameError
from proj.framework import Session
from proj.framework.introspect import (
    describe_pipeline,
    function_path,
    list_catalog,
    list_pipelines,
    recorded_run,
    recorded_runs,
)
from proj.framework.scaffold import create_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project("Iris Demo", output_dir=tmp_path, starter="iris")


def add_namespaced_pipeline(project: Path) -> None:
    """Register ``reporting``: data_science again under the namespace ``shadow``."""
    registry = project / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text(
        registry.read_text().replace(
            '    pipelines["__default__"] =',
            "    from proj.pipeline import pipeline\n"
            '    pipelines["reporting"] = pipeline(\n'
            '        pipelines["data_science"], namespace="shadow",\n'
            '        inputs={"X_train", "X_test", "y_train", "y_test"},\n'
            '        parameters={"params:model_options"},\n'
            "    )\n"
            '    pipelines["__default__"] =',
        )
    )


class Scorer:
    def __call__(self, value: int) -> int:
        return value


def score(value: int, scale: int = 1) -> int:
    return value * scale


def test_function_path_names_module_and_function() -> None:
    assert function_path(score) == f"{__name__}.score"
    assert function_path(functools.partial(score, scale=2)) == f"partial({__name__}.score)"
    assert function_path(Scorer()) == f"{__name__}.Scorer"
    assert function_path(lambda value: value).endswith("<lambda>")


def test_pipelines_default_first_with_namespaces(project: Path) -> None:
    add_namespaced_pipeline(project)
    summaries = {s.name: s for s in list_pipelines(project)}
    assert list(summaries) == ["__default__", "data_processing", "data_science", "reporting"]
    reporting = summaries["reporting"]
    assert reporting.namespaces == ["shadow"]
    assert reporting.outputs == ["shadow.metrics"]
    nodes = describe_pipeline("reporting", project).nodes
    assert [n.name for n in nodes] == [
        "shadow.train_model",
        "shadow.predict",
        "shadow.report_accuracy",
    ]
    assert nodes[0].namespace == "shadow"
    assert nodes[1].inputs == ["shadow.model", "X_test"]


def test_describe_unknown_pipeline(project: Path) -> None:
    with pytest.raises(UnknownNameError) as caught:
        describe_pipeline("data", project)
    assert caught.value.unknown == ["data"]
    assert "data_science" in caught.value.suggestions["data"]


def test_pipelines_outside_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError):
        list_pipelines(tmp_path)


def test_catalog_of_a_namespaced_pipeline_shows_its_memory_datasets(project: Path) -> None:
    add_namespaced_pipeline(project)
    listing = list_catalog(["reporting"], project)
    by_name = {d.name: d for d in listing.datasets}
    assert by_name["shadow.model"].source == "memory"
    assert by_name["shadow.model"].type == "MemoryDataset"
    assert by_name["shadow.model"].read_by == ["shadow.predict", "shadow.report_accuracy"]
    assert by_name["X_train"].source == "catalog"
    assert [p.name for p in listing.parameters] == ["params:model_options"]


def test_catalog_with_an_empty_registry_lists_declared_datasets(project: Path) -> None:
    registry = project / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text(
        "from proj.pipeline import Pipeline\n\n\n"
        "def register_pipelines():\n    return {'__default__': Pipeline([])}\n"
    )
    listing = list_catalog(start=project)
    assert listing.pipelines == ["__default__"]
    assert "iris" in {d.name for d in listing.datasets}
    assert all(not d.read_by and not d.written_by for d in listing.datasets)


def test_recorded_runs_newest_first_with_progress(project: Path) -> None:
    session = Session.create(project)
    session.run(tags="preprocessing")
    session.run()
    runs = recorded_runs(limit=5, start=project)
    assert [(r.done, len(r.run.nodes)) for r in runs] == [(5, 5), (2, 2)]
    assert recorded_runs(limit=1, start=project)[0].run.run_id == runs[0].run.run_id
    latest = recorded_run(start=project)
    assert latest.run.run_id == runs[0].run.run_id
    assert latest.as_dict()["total"] == 5


def test_recorded_runs_of_a_fresh_project_is_empty(project: Path) -> None:
    assert recorded_runs(start=project) == []
    assert not (project / ".proj" / "runs.db").exists()
