"""``proj run`` options: repeated ``--params`` with YAML values, typos in parameter names,
and secrets kept out of what the command prints and records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from proj.cli.main import main
from proj.framework import Session


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Log lines on one line each: Rich wraps at the terminal's width."""
    from proj.cli.output import console

    monkeypatch.setenv("COLUMNS", "400")
    console.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``proj run ARGS`` through the entry point: (exit code, stdout + stderr)."""
    import sys

    argv, sys.argv = sys.argv, ["proj", "run", *args]  # recorded as the command line
    try:
        with pytest.raises(SystemExit) as exited:
            main(["run", *args])
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


def recorded_params(project: Path) -> dict[str, object]:
    store = Session.create(project, record_runs=True).store
    assert store is not None
    return store.list_runs()[0].params


def test_repeated_params_merge_and_take_yaml_values(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(
        capsys,
        "--nodes", "clean_iris",
        "--params", "split_options={test_fraction: 0.3, random_state: 7}",
        "--params", "columns.features=[sepal_length, petal_width],split_options.stratify=false",
    )  # fmt: skip
    assert code == 0, output
    assert recorded_params(project) == {
        "split_options": {"test_fraction": 0.3, "random_state": 7, "stratify": False},
        "columns": {"features": ["sepal_length", "petal_width"]},
    }


def test_a_later_params_option_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(capsys, "--nodes", "clean_iris", "--params", "seed=1", "--params", "seed=2")
    assert code == 0, output
    assert recorded_params(project) == {"seed": 2}


def test_an_unknown_parameter_is_a_warning_naming_the_closest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(capsys, "--nodes", "clean_iris", "--params", "model_options.max_iteration=5")
    assert code == 0, output
    assert "Runtime parameter 'model_options.max_iteration' is not in the parameters" in output
    assert "did you mean 'model_options.max_iterations'?" in output


def test_an_error_line_shows_no_credentials(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text().replace(
            "filepath: data/01_raw/iris.csv", "filepath: s3://AKIAKEY:wJalrSECRET@bucket/iris.csv"
        )
    )
    code, output = run(capsys, "--nodes", "clean_iris")
    assert code == 1
    assert "s3://***@bucket/iris.csv" in output
    assert "AKIAKEY" not in output
    assert "wJalrSECRET" not in output


def test_secrets_stay_out_of_the_run_store_and_the_log(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from proj.framework.project import purge_package

    nodes = project / "src" / "iris_demo" / "pipelines" / "data_processing" / "nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            "def clean_iris(",
            "def clean_iris(*args, **kwargs):\n"
            "    import logging\n"
            "    logging.getLogger('proj.user').warning('using s3://AK:logSECRET@b/x')\n"
            "    raise ConnectionError('cannot reach postgresql://app:nodeSECRET@db/prod')\n\n\n"
            "def _unused(",
            1,
        )
    )
    purge_package("iris_demo")
    code, output = run(capsys, "--nodes", "clean_iris", "--params", "db.password=hunter2,db.host=h")
    assert code == 1
    assert "postgresql://***@db/prod" in output
    secrets = ("hunter2", "nodeSECRET", "logSECRET")
    for secret in secrets:
        assert secret not in output
    with sqlite3.connect(project / ".proj" / "runs.db") as db:
        stored = repr(db.execute("SELECT * FROM runs").fetchall())
        stored += repr(db.execute("SELECT * FROM run_nodes").fetchall())
    for secret in secrets:
        assert secret not in stored
    assert "db.password=***" in stored  # the command line, redacted
    assert "postgresql://***@db/prod" in stored  # the node's error, redacted
    assert recorded_params(project)["db"] == {"password": "***", "host": "h"}


def test_a_missing_load_version_is_named_with_the_versions_there_are(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text().replace(
            "  filepath: data/06_models/model.pkl",
            "  filepath: data/06_models/model.pkl\n  versioned: true",
        )
    )
    code, output = run(capsys)
    assert code == 0, output
    (saved,) = [p.name for p in (project / "data" / "06_models" / "model.pkl").iterdir()]
    missing = "2020-01-01T00.00.00.000Z"
    code, output = run(capsys, "--nodes", "predict", "--load-versions", f"model:{missing}")
    assert code == 1
    assert f"Dataset 'model': version '{missing}'" in output
    assert f"Available versions, newest first: {saved}." in output


def test_a_runner_class_from_the_project_package(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "src" / "iris_demo" / "runners.py").write_text(
        "from pathlib import Path\n\n"
        "from proj.runner import SequentialRunner\n\n\n"
        "class MarkingRunner(SequentialRunner):\n"
        "    def run(self, pipeline, catalog, *args, **kwargs):\n"
        "        Path('runner-was-used').write_text(str(len(pipeline.nodes)))\n"
        "        return super().run(pipeline, catalog, *args, **kwargs)\n"
    )
    code, output = run(
        capsys, "--nodes", "clean_iris", "--runner", "iris_demo.runners.MarkingRunner"
    )
    assert code == 0, output
    assert (project / "runner-was-used").read_text() == "1"
