"""``proj runs list`` and ``proj runs show`` on runs recorded by real sessions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from proj.exceptions import NodeFailedError, ProjectNotFoundError, RunStoreError
from proj.framework import Session
from proj.framework.project import purge_package

NODES = ["clean_iris", "split_data", "train_model", "predict", "report_accuracy"]


def break_train_model(project: Path) -> None:
    nodes = project / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            "def train_model(",
            "def train_model(*args, **kwargs):\n    raise ValueError('no convergence')\n\n\n"
            "def _unused(",
            1,
        )
    )
    purge_package("iris_demo")  # the next session imports the edited module


@pytest.fixture
def two_runs(project: Path) -> list[str]:
    """A full run, then a failed one (train_model raises); their ids, oldest first."""
    session = Session.create(project)
    session.run()
    break_train_model(project)
    with pytest.raises(NodeFailedError):
        Session.create(project).run(tags=["training", "evaluation"])
    assert session.store is not None
    return [run.run_id for run in reversed(session.store.list_runs())]


def test_list_says_when_nothing_was_recorded(project: Path, cli: Callable[..., Result]) -> None:
    result = cli("runs", "list")
    assert result.exit_code == 0, result.output
    assert "No run recorded yet" in result.stdout


def test_list_shows_runs_newest_first_with_status_and_progress(
    two_runs: list[str], cli: Callable[..., Result]
) -> None:
    result = cli("runs", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["Run", "Started", "Status", "Nodes"]
    first, second = lines[1], lines[2]
    assert first.startswith(two_runs[1]) and "failed" in first and "0/3" in first
    assert second.startswith(two_runs[0]) and "success" in second and "5/5" in second


def test_list_limit_and_json(two_runs: list[str], cli: Callable[..., Result]) -> None:
    result = cli("runs", "list", "--limit", "1", "--json")
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    assert [run["run_id"] for run in runs] == [two_runs[1]]
    run = runs[0]
    assert run["status"] == "failed"
    assert (run["done"], run["total"]) == (0, 3)
    assert run["request"]["tags"] == ["training", "evaluation"]
    assert run["error"].startswith("Node 'train_model' failed: ValueError: no convergence (")
    assert [node["name"] for node in run["nodes"]] == ["train_model", "predict", "report_accuracy"]


def test_show_defaults_to_the_latest_run_with_a_node_table(
    two_runs: list[str], cli: Callable[..., Result]
) -> None:
    result = cli("runs", "show")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Run:       {two_runs[1]}" in out
    assert "Status:    failed" in out
    assert '"tags": ["training", "evaluation"]' in out
    rows = {line.split()[1]: line for line in out.splitlines() if line[:3].strip().isdigit()}
    assert list(rows) == ["train_model", "predict", "report_accuracy"]
    assert "failed" in rows["train_model"] and "ValueError: no convergence" in rows["train_model"]
    assert rows["predict"].split()[2] == "pending"
    assert "Completed: 0 of 3 node(s)." in out


def test_show_accepts_a_prefix_and_prints_durations(
    two_runs: list[str], cli: Callable[..., Result]
) -> None:
    result = cli("runs", "show", two_runs[0][:5])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines() if line[:3].strip().isdigit()]
    assert [row[1] for row in rows] == NODES
    assert all(row[2] == "success" for row in rows)
    assert all(row[-1] == "s" and float(row[-2]) >= 0 for row in rows)  # "0.01 s"


def test_show_json_has_every_node_with_status_and_duration(
    two_runs: list[str], cli: Callable[..., Result]
) -> None:
    result = cli("runs", "show", two_runs[0], "--json")
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert run["run_id"] == two_runs[0]
    assert run["status"] == "success"
    assert run["duration"] >= 0
    assert [(n["name"], n["status"]) for n in run["nodes"]] == [(n, "success") for n in NODES]
    assert all(n["duration"] >= 0 for n in run["nodes"])


def test_show_unknown_run_lists_recent_ids(two_runs: list[str], cli: Callable[..., Result]) -> None:
    result = cli("runs", "show", "nothere")
    assert result.exit_code == 1
    assert isinstance(result.exception, RunStoreError)
    assert "Run id 'nothere' matches no recorded run" in str(result.exception)
    assert two_runs[1] in str(result.exception.hint)


def test_show_with_nothing_recorded_says_run_first(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("runs", "show")
    assert isinstance(result.exception, RunStoreError)
    assert "No run is recorded" in str(result.exception)


def test_runs_outside_a_project(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("runs", "list")
    assert isinstance(result.exception, ProjectNotFoundError)


def test_runs_with_the_store_turned_off(project: Path, cli: Callable[..., Result]) -> None:
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text(settings.read_text() + "\nRUN_STORE_PATH = None\n")
    result = cli("runs", "list")
    assert isinstance(result.exception, RunStoreError)
    assert "turned off" in str(result.exception)
