"""Resuming failed and interrupted runs from the run store, on real projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proj.exceptions import NodeFailedError, RunnerError, RunStoreError, UnknownNameError
from proj.framework import Session
from proj.framework.project import purge_package
from proj.framework.resume import resume_run
from proj.framework.scaffold import create_project

BROKEN = "def report_accuracy(*args, **kwargs):\n    raise ValueError('flaky')\n\n\ndef _original("


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project("Iris Demo", output_dir=tmp_path, starter="iris")


def nodes_file(project: Path) -> Path:
    return project / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"


def break_report(project: Path) -> str:
    """Make report_accuracy raise; returns the original source."""
    original = nodes_file(project).read_text()
    nodes_file(project).write_text(original.replace("def report_accuracy(", BROKEN, 1))
    purge_package("iris_demo")
    return original


def fix(project: Path, original: str) -> None:
    nodes_file(project).write_text(original)
    purge_package("iris_demo")


def failed_run(project: Path, tags: list[str] | None = None) -> str:
    session = Session.create(project, runtime_params={"split_options.test_fraction": 0.4})
    with pytest.raises(NodeFailedError):
        session.run(tags=tags)
    assert session.store is not None
    return session.store.get_run().run_id


def metrics(project: Path) -> dict[str, float]:
    return json.loads((project / "data" / "08_reporting" / "metrics.json").read_text())


def test_resume_reruns_only_what_did_not_complete_with_the_same_params(project: Path) -> None:
    original = break_report(project)
    failed = failed_run(project, ["preprocessing", "training", "evaluation"])
    fix(project, original)

    record, outputs = resume_run(project_path=project, command="proj run --resume")

    assert record.run_id == failed
    assert outputs == {}
    assert metrics(project)["n_test"] == 60  # the original run's test_fraction=0.4
    store = Session.create(project, record_runs=False).store
    assert store is not None
    resumed = store.get_run()
    assert resumed.resumed_from == failed
    assert resumed.params == {"split_options.test_fraction": 0.4}
    assert resumed.request["tags"] == ["preprocessing", "training", "evaluation"]
    assert resumed.command == "proj run --resume"
    assert [(n.name, n.status) for n in resumed.nodes] == [("report_accuracy", "success")]


def test_resume_by_id_prefix_then_nothing_is_left_to_resume(project: Path) -> None:
    original = break_report(project)
    failed = failed_run(project)
    fix(project, original)
    record, _ = resume_run(failed[:6], project_path=project)
    assert record.run_id == failed
    with pytest.raises(RunStoreError, match="no failed or interrupted run"):
        resume_run(project_path=project)  # the failed run was resumed successfully


def test_a_resume_that_fails_again_is_resumed_next(project: Path) -> None:
    original = break_report(project)
    failed = failed_run(project)
    with pytest.raises(NodeFailedError):
        resume_run(project_path=project)
    fix(project, original)
    record, _ = resume_run(project_path=project)
    assert record.resumed_from == failed  # the failed resume, which resumed the first run
    assert metrics(project)["accuracy"] >= 0.9


def test_resume_refuses_when_a_needed_input_was_only_in_memory(project: Path) -> None:
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text().replace(
            "y_pred:\n  type: pickle.PickleDataset\n  filepath: data/07_model_output/y_pred.pkl\n",
            "",
        )
    )
    break_report(project)
    failed = failed_run(project)
    with pytest.raises(RunnerError, match="y_pred") as caught:
        resume_run(project_path=project)
    assert f"Cannot resume run {failed}" in caught.value.message
    assert "needed by report_accuracy" in caught.value.message
    assert 'proj run --from-nodes "predict"' in str(caught.value.hint)


def test_resume_without_anything_to_resume(project: Path) -> None:
    with pytest.raises(RunStoreError, match="no failed or interrupted run"):
        resume_run(project_path=project)
    session = Session.create(project)
    session.run(tags="preprocessing")
    assert session.store is not None
    with pytest.raises(RunStoreError, match="has no node left to run"):
        resume_run(session.store.get_run().run_id, project_path=project)


def test_resume_of_a_node_the_project_no_longer_has(project: Path) -> None:
    break_report(project)
    failed_run(project)
    pipeline = project / "src" / "iris_demo" / "pipelines" / "data_science" / "pipeline.py"
    text = pipeline.read_text()
    pipeline.write_text(text.replace('name="report_accuracy"', 'name="report_scores"'))
    purge_package("iris_demo")
    with pytest.raises(UnknownNameError, match="report_accuracy"):
        resume_run(project_path=project)


def test_resume_with_the_store_turned_off(project: Path) -> None:
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text(settings.read_text() + "\nRUN_STORE_PATH = None\n")
    with pytest.raises(RunStoreError, match="disabled"):
        resume_run(project_path=project)


def test_resume_of_an_only_stale_run_runs_what_it_left_without_replanning(
    project: Path,
) -> None:
    """The failed --only-stale run chose report_accuracy; once the code is back as it was
    at its last success, a fresh plan would find nothing stale, but the resume still runs
    exactly what the run left, so the failed run is settled."""
    Session.create(project).run()
    original = break_report(project)
    session = Session.create(project)
    with pytest.raises(NodeFailedError):
        session.run(only_stale=True)
    assert session.store is not None
    failed = session.store.get_run()
    assert [node.name for node in failed.nodes] == ["report_accuracy"]
    fix(project, original)

    record, _ = resume_run(project_path=project)

    assert record.run_id == failed.run_id
    resumed = session.store.get_run()
    assert resumed.resumed_from == failed.run_id
    assert [(node.name, node.status) for node in resumed.nodes] == [("report_accuracy", "success")]
    assert resumed.request["only_stale"] is False
