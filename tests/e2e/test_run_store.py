"""The run store through the installed command: slices, skips, concurrent runs, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import PROJ, Result, node_statuses, ran

NAMESPACED = (
    "    from proj.pipeline import pipeline\n"
    '    pipelines["shadow"] = pipeline(\n'
    '        pipelines["data_science"], namespace="shadow",\n'
    '        inputs={"X_train", "X_test", "y_train", "y_test"},\n'
    '        parameters={"params:model_options"},\n'
    "    )\n"
)


def add_namespaced_pipeline(project: Path) -> None:
    """Register ``shadow``: the data_science nodes again, in the namespace ``shadow``."""
    registry = project / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text(
        registry.read_text().replace(
            '    pipelines["__default__"] =', NAMESPACED + '    pipelines["__default__"] ='
        )
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--to-nodes", "split_data"], ["clean_iris", "split_data"]),
        (["--from-inputs", "model"], ["predict", "report_accuracy"]),
        (["--to-outputs", "y_pred"], ["clean_iris", "split_data", "train_model", "predict"]),
        (["--from-nodes", "predict", "--to-nodes", "predict"], ["predict"]),
        (
            ["--pipeline", "data_science,shadow", "--namespaces", "shadow"],
            ["shadow.train_model", "shadow.predict", "shadow.report_accuracy"],
        ),
    ],
)
def test_each_filter_runs_exactly_the_expected_nodes(
    ran_starter: Path, proj: Callable[..., Result], args: list[str], expected: list[str]
) -> None:
    add_namespaced_pipeline(ran_starter)
    result = proj("run", *args, cwd=ran_starter)
    assert result.returncode == 0, result.output
    assert ran(ran_starter) == expected
    assert list(node_statuses(ran_starter)) == expected  # nothing else was even planned


def test_the_run_row_holds_filters_env_params_and_command(
    ran_starter: Path, proj: Callable[..., Result]
) -> None:
    args = ["--from-nodes", "train_model", "--params", "model_options.l2_penalty=0.01"]
    args += ["--env", "local"]
    assert proj("run", *args, cwd=ran_starter).returncode == 0
    with sqlite3.connect(ran_starter / ".proj" / "runs.db") as db:
        status, env, params, command, request = db.execute(
            "SELECT status, env, params, command, request FROM runs"
        ).fetchone()
    assert (status, env) == ("success", "local")
    assert json.loads(params) == {"model_options": {"l2_penalty": 0.01}}
    assert command == "proj run " + " ".join(args)
    assert json.loads(request)["from_nodes"] == ["train_model"]


def test_only_missing_outputs_skips_nodes_whose_outputs_exist(
    ran_starter: Path, proj: Callable[..., Result]
) -> None:
    (ran_starter / "data" / "07_model_output" / "y_pred.pkl").unlink()
    (ran_starter / "data" / "08_reporting" / "metrics.json").unlink()

    result = proj("run", "--only-missing-outputs", cwd=ran_starter)

    assert result.returncode == 0, result.output
    assert node_statuses(ran_starter) == {
        "clean_iris": "skipped",
        "split_data": "skipped",
        "train_model": "skipped",
        "predict": "success",
        "report_accuracy": "success",
    }
    assert (ran_starter / "data" / "08_reporting" / "metrics.json").exists()


def test_two_runs_started_at_once_both_land_in_full(ran_starter: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [
        subprocess.Popen(
            [PROJ, "run", *args],
            cwd=ran_starter,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for args in (["--pipeline", "data_science"], ["--tags", "evaluation"])
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with sqlite3.connect(ran_starter / ".proj" / "runs.db") as db:
        statuses = db.execute("SELECT status FROM runs").fetchall()
        nodes = db.execute(
            "SELECT r.command, n.node_name, n.status FROM run_nodes n JOIN runs r USING (run_id)"
            " ORDER BY r.command, n.position"
        ).fetchall()
    assert statuses == [("success",), ("success",)]
    assert nodes == [
        ("proj run --pipeline data_science", "train_model", "success"),
        ("proj run --pipeline data_science", "predict", "success"),
        ("proj run --pipeline data_science", "report_accuracy", "success"),
        ("proj run --tags evaluation", "predict", "success"),
        ("proj run --tags evaluation", "report_accuracy", "success"),
    ]


WAITING_NODE = '''
def train_model(*args, **kwargs):
    """Wait until the test creates the release file, then train as before."""
    import os
    import time
    from pathlib import Path

    release = Path(os.environ["IRIS_RELEASE_FILE"])
    while not release.exists():
        time.sleep(0.02)
    return _train_model(*args, **kwargs)


def _train_model('''


def wait_for_node_status(
    project: Path, node: str, status: str, process: subprocess.Popen[str]
) -> None:
    """Poll the run store until ``node`` has ``status`` (the process must stay alive)."""
    store = project / ".proj" / "runs.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        if store.exists():
            try:
                if node_statuses(project).get(node) == status:
                    return
            except (sqlite3.Error, IndexError):
                pass  # the run is not recorded yet
        time.sleep(0.02)
    pytest.fail(f"{node} never became {status}")


def test_ctrl_c_records_an_interrupted_run_that_resume_finishes(
    starter: Path, proj: Callable[..., Result], tmp_path: Path
) -> None:
    nodes = starter / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    nodes.write_text(nodes.read_text().replace("\ndef train_model(", WAITING_NODE, 1))
    release = tmp_path / "release"
    env = {**os.environ, "NO_COLOR": "1", "IRIS_RELEASE_FILE": str(release)}
    running = subprocess.Popen(
        [PROJ, "run"],
        cwd=starter,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_node_status(starter, "train_model", "running", running)
        running.send_signal(signal.SIGINT)
        output = running.communicate(timeout=60)[0]
    finally:
        if running.poll() is None:
            running.kill()

    assert running.returncode == 130, output
    assert "Traceback" not in output
    assert "Run interrupted" in output and "proj run --resume" in output
    with sqlite3.connect(starter / ".proj" / "runs.db") as db:
        assert db.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    assert node_statuses(starter) == {
        "clean_iris": "success",
        "split_data": "success",
        "train_model": "interrupted",
        "predict": "interrupted",
        "report_accuracy": "interrupted",
    }

    release.touch()
    resumed = proj("run", "--resume", cwd=starter, env={"IRIS_RELEASE_FILE": str(release)})
    assert resumed.returncode == 0, resumed.output
    assert ran(starter) == ["train_model", "predict", "report_accuracy"]
