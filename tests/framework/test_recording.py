"""The built-in hooks record every run, for every runner, in the project's run store."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.exceptions import NodeFailedError
from proj.framework import Session
from proj.framework.scaffold import create_project
from proj.framework.store import RunRecord
from proj.runner import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner

NODES = ["clean_iris", "split_data", "train_model", "predict", "report_accuracy"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project("Iris Demo", output_dir=tmp_path, starter="iris")


def latest(session: Session) -> RunRecord:
    assert session.store is not None
    return session.store.get_run()


def replace_in_nodes(project: Path, pipeline: str, old: str, new: str) -> None:
    from proj.framework.project import purge_package

    nodes = project / "src" / "iris_demo" / "pipelines" / pipeline / "nodes.py"
    nodes.write_text(nodes.read_text().replace(old, new, 1))
    purge_package("iris_demo")


@pytest.mark.parametrize(
    "runner",
    [SequentialRunner(), ThreadRunner(max_workers=2), ParallelRunner(max_workers=2)],
    ids=["sequential", "thread", "parallel"],
)
def test_every_runner_records_the_run_and_each_node(project: Path, runner: AbstractRunner) -> None:
    session = Session.create(
        project, env="local", runtime_params={"model_options.l2_penalty": 0.01}
    )
    session.run(runner=runner)
    run = latest(session)
    assert run.status == "success"
    assert run.request["runner"] == type(runner).__name__
    assert run.params == {"model_options.l2_penalty": 0.01}
    assert run.env == "local"
    assert run.session_id == session.session_id
    assert sorted(n.name for n in run.nodes) == sorted(NODES)
    assert all(n.status == "success" and n.duration is not None for n in run.nodes)


def test_the_request_holds_every_filter(project: Path) -> None:
    session = Session.create(project, command="proj run --to-nodes split_data")
    session.run(
        ["data_processing", "data_science"], to_nodes=["split_data"], tags=["preprocessing"]
    )
    run = latest(session)
    assert run.pipelines == ["data_processing", "data_science"]
    assert run.request["to_nodes"] == ["split_data"]
    assert run.request["tags"] == ["preprocessing"]
    assert run.request["only_missing_outputs"] is False
    assert run.command == "proj run --to-nodes split_data"
    assert [n.name for n in run.nodes] == ["clean_iris", "split_data"]


def test_a_failing_node_is_recorded_with_its_error(project: Path) -> None:
    replace_in_nodes(
        project,
        "data_science",
        "def predict(",
        "def predict(*args, **kwargs):\n    raise KeyError('species')\n\n\ndef _old_predict(",
    )
    session = Session.create(project)
    with pytest.raises(NodeFailedError):
        session.run()
    run = latest(session)
    assert run.status == "failed"
    assert run.error is not None and "Node 'predict' failed" in run.error
    statuses = {n.name: n.status for n in run.nodes}
    assert statuses == {
        "clean_iris": "success",
        "split_data": "success",
        "train_model": "success",
        "predict": "failed",
        "report_accuracy": "pending",
    }
    predict = next(n for n in run.nodes if n.name == "predict")
    # One line with the user's file and line; the full traceback is kept beside it.
    assert predict.error is not None
    assert predict.error.startswith("KeyError: 'species' (")
    assert predict.error.endswith("data_science/nodes.py:99)")
    assert predict.traceback is not None and "raise KeyError('species')" in predict.traceback


def test_an_interrupt_inside_a_node_records_the_run_as_interrupted(project: Path) -> None:
    replace_in_nodes(
        project,
        "data_science",
        "def train_model(",
        "def train_model(*args, **kwargs):\n    raise KeyboardInterrupt\n\n\ndef _old_train(",
    )
    session = Session.create(project)
    with pytest.raises(KeyboardInterrupt):
        session.run()
    run = latest(session)
    assert run.status == "interrupted"
    assert [n.status for n in run.nodes] == [
        "success",
        "success",
        "interrupted",
        "interrupted",
        "interrupted",
    ]


def test_skipped_nodes_of_only_missing_outputs(project: Path) -> None:
    session = Session.create(project)
    session.run()
    (project / "data" / "08_reporting" / "metrics.json").unlink()
    session.run(only_missing_outputs=True)
    run = latest(session)
    assert run.request["only_missing_outputs"] is True
    assert {n.name: n.status for n in run.nodes} == {
        "clean_iris": "skipped",
        "split_data": "skipped",
        "train_model": "skipped",
        "predict": "skipped",
        "report_accuracy": "success",
    }


def test_sessions_without_recording_leave_no_store(project: Path) -> None:
    Session.create(project, record_runs=False).run(tags="preprocessing")
    assert not (project / ".proj" / "runs.db").exists()


def test_the_store_location_comes_from_settings(project: Path) -> None:
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text(settings.read_text() + '\nRUN_STORE_PATH = "records/history.db"\n')
    session = Session.create(project)
    session.run(tags="preprocessing")
    assert (project / "records" / "history.db").exists()
    assert not (project / ".proj" / "runs.db").exists()
    assert latest(session).status == "success"
