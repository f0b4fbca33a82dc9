"""The main job through the installed command: proj new, then proj run, then its slices."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import STARTER_NODES, Result, assert_clean_error, ran


def test_new_then_run_reaches_accuracy_on_the_real_data(
    tmp_path: Path, proj: Callable[..., Result]
) -> None:
    created = proj("new", "Flower Shop", "--starter", "iris", "--yes", cwd=tmp_path)
    assert created.returncode == 0, created.output
    project = tmp_path / "flower-shop"

    result = proj("run", cwd=project)

    assert result.returncode == 0, result.output
    report = json.loads((project / "data" / "08_reporting" / "metrics.json").read_text())
    assert report["accuracy"] >= 0.9
    assert report["n_test"] + report["n_train"] == 150
    for name in STARTER_NODES:
        assert f"Ran node {name}" in result.stderr
    assert "Run finished" in result.output
    assert ran(project) == STARTER_NODES


def test_run_from_a_subfolder_finds_the_project(starter: Path, proj: Callable[..., Result]) -> None:
    result = proj("run", cwd=starter / "notebooks")
    assert result.returncode == 0, result.output
    assert (starter / "data" / "08_reporting" / "metrics.json").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tags", "preprocessing"], ["clean_iris", "split_data"]),
        (["--tags", "training,evaluation"], ["train_model", "predict", "report_accuracy"]),
        (["--nodes", "clean_iris"], ["clean_iris"]),
        (["--nodes", "clean_iris", "--nodes", "split_data"], ["clean_iris", "split_data"]),
        (["--pipeline", "data_processing"], ["clean_iris", "split_data"]),
        (
            ["--pipeline", "data_processing,data_science", "--tags", "evaluation"],
            ["predict", "report_accuracy"],
        ),
    ],
)
def test_slices_run_exactly_the_expected_nodes(
    ran_starter: Path, proj: Callable[..., Result], args: list[str], expected: list[str]
) -> None:
    result = proj("run", *args, cwd=ran_starter)
    assert result.returncode == 0, result.output
    assert ran(ran_starter) == expected


def test_from_nodes_reads_what_an_earlier_run_persisted(
    ran_starter: Path, proj: Callable[..., Result]
) -> None:
    report = ran_starter / "data" / "08_reporting" / "metrics.json"
    report.unlink()

    result = proj("run", "--from-nodes", "train_model", cwd=ran_starter)

    assert result.returncode == 0, result.output
    assert ran(ran_starter) == ["train_model", "predict", "report_accuracy"]
    assert json.loads(report.read_text())["accuracy"] >= 0.9


def test_params_override_changes_the_split(starter: Path, proj: Callable[..., Result]) -> None:
    result = proj("run", "--params", "split_options.test_fraction=0.5", cwd=starter)
    assert result.returncode == 0, result.output
    report = json.loads((starter / "data" / "08_reporting" / "metrics.json").read_text())
    assert report["n_test"] == 75


def test_env_overlays_base_configuration(starter: Path, proj: Callable[..., Result]) -> None:
    staging = starter / "conf" / "staging"
    staging.mkdir()
    (staging / "parameters.yml").write_text(
        "split_options:\n  test_fraction: 0.4\n  random_state: 3\n"
    )
    result = proj("run", "--env", "staging", cwd=starter)
    assert result.returncode == 0, result.output
    report = json.loads((starter / "data" / "08_reporting" / "metrics.json").read_text())
    assert report["n_test"] == 60


def _break_train_model(
    project: Path, body: str = "raise RuntimeError('the model refuses to train')"
) -> Path:
    """Make the starter's train_model run ``body`` (one line) instead."""
    nodes = project / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    original = nodes.read_text()
    nodes.write_text(
        original.replace(
            "def train_model(",
            f"def train_model(*args, **kwargs):\n    {body}\n\n\ndef _unused(",
            1,
        )
    )
    return nodes


def test_failing_node_prints_one_error_and_the_resume_commands(
    starter: Path, proj: Callable[..., Result]
) -> None:
    nodes = _break_train_model(starter)
    original = nodes.read_text()

    result = proj("run", cwd=starter)

    first = assert_clean_error(result)
    assert first == (
        "Error: Node 'train_model' failed: RuntimeError: the model refuses to train "
        "(src/iris_demo/pipelines/data_science/nodes.py:38)"
    )
    assert "Full traceback: proj runs show " in result.stderr
    assert "proj run --resume" in result.stderr
    assert "proj run --from-nodes train_model" in result.stderr
    assert (starter / "data" / "05_model_input").exists()
    assert not (starter / "data" / "08_reporting" / "metrics.json").exists()
    assert nodes.read_text() == original


def test_a_dataset_error_in_a_node_prints_its_hint(
    starter: Path, proj: Callable[..., Result]
) -> None:
    _break_train_model(starter, "return {'predict': lambda rows: rows}")
    result = proj("run", cwd=starter)
    first = assert_clean_error(result)
    assert first.startswith("Error: Node 'train_model' failed: DatasetError: Dataset 'model': ")
    assert "cannot pickle the dict" in first
    assert not first.endswith("...")  # the message is whole; the hint is the next line
    lines = result.stderr.splitlines()
    hint = lines[lines.index(first) + 1]
    assert hint == (
        "An object that holds a lambda or a locally defined function needs "
        "`backend: cloudpickle` (or dill) in its catalog entry."
    )
    assert not (starter / "data" / "06_models" / "model.pkl").exists()


def test_verbose_failure_shows_the_users_traceback(
    starter: Path, proj: Callable[..., Result]
) -> None:
    _break_train_model(starter)
    result = proj("run", "--verbose", cwd=starter)
    assert result.returncode == 1
    assert "the model refuses to train" in result.stderr
    assert "in train_model" in result.stderr  # the frame in the user's file
    assert "proj/runner" not in result.stderr  # proj's own frames are left out


def test_resume_finishes_without_rerunning_completed_nodes(
    starter: Path, proj: Callable[..., Result]
) -> None:
    nodes = _break_train_model(starter)
    broken = nodes.read_text()
    assert proj("run", cwd=starter).returncode == 1
    nodes.write_text(
        broken.replace(
            "    raise RuntimeError('the model refuses to train')\n",
            "    return _unused(*args, **kwargs)\n",
            1,
        )
    )

    result = proj("run", "--resume", cwd=starter)

    assert result.returncode == 0, result.output
    assert ran(starter) == ["train_model", "predict", "report_accuracy"]
    assert (
        json.loads((starter / "data" / "08_reporting" / "metrics.json").read_text())["accuracy"]
        >= 0.9
    )


def test_outside_a_project_says_where_it_looked(
    tmp_path: Path, proj: Callable[..., Result]
) -> None:
    result = proj("run", cwd=tmp_path)
    first = assert_clean_error(result)
    assert first.startswith(f"Error: No proj project found in {tmp_path.resolve()}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pipeline", "data_sceince"], "Unknown pipeline"),
        (["--nodes", "split_dat"], "'split_dat' (did you mean 'split_data'"),
        (["--tags", "trainin"], "'trainin' (did you mean 'training'"),
        (["--from-nodes", "train"], "Unknown node"),
        (["--runner", "quantum"], "Unknown runner 'quantum'"),
    ],
)
def test_unknown_names_are_one_line_errors_with_suggestions(
    starter: Path, proj: Callable[..., Result], args: list[str], expected: str
) -> None:
    result = proj("run", *args, cwd=starter)
    first = assert_clean_error(result)
    assert expected in first
    assert not (starter / "data" / "08_reporting" / "metrics.json").exists()


def test_malformed_params_is_a_usage_error(starter: Path, proj: Callable[..., Result]) -> None:
    result = proj("run", "--params", "no_equals_sign", cwd=starter)
    assert result.returncode == 2
    assert "Traceback" not in result.output
    assert "name=value" in result.stderr


def test_malformed_catalog_names_file_and_line(starter: Path, proj: Callable[..., Result]) -> None:
    catalog = starter / "conf" / "base" / "catalog.yml"
    catalog.write_text(catalog.read_text() + "\nbroken: [unclosed\n")
    result = proj("run", cwd=starter)
    first = assert_clean_error(result)
    assert "catalog.yml" in first and "line" in first


def test_missing_raw_data_names_the_file_and_runs_nothing(
    starter: Path, proj: Callable[..., Result]
) -> None:
    (starter / "data" / "01_raw" / "iris.csv").unlink()
    result = proj("run", cwd=starter)
    first = assert_clean_error(result)
    assert "iris.csv" in first and "Nothing ran" in first
    assert not list((starter / "data" / "02_intermediate").glob("*.pkl"))


def test_new_refuses_bad_names_and_writes_nothing(
    tmp_path: Path, proj: Callable[..., Result]
) -> None:
    result = proj("new", "9 lives", "--yes", cwd=tmp_path)
    assert_clean_error(result)
    assert list(tmp_path.iterdir()) == []

    result = proj("new", "Fine Name", "--package-name", "class", "--yes", cwd=tmp_path)
    first = assert_clean_error(result)
    assert "class" in first
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_an_existing_folder_and_leaves_it_alone(
    tmp_path: Path, proj: Callable[..., Result]
) -> None:
    existing = tmp_path / "iris-demo"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")

    result = proj("new", "Iris Demo", "--yes", cwd=tmp_path)

    first = assert_clean_error(result)
    assert "iris-demo" in first
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text() == "mine"
