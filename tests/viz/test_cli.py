"""``proj viz build`` and ``proj viz export`` through Typer's CliRunner, in-process.

(``proj viz`` serving is driven end to end in tests/e2e/test_viz.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proj.cli.main import app
from proj.exceptions import ProjectNotFoundError, UnknownNameError

runner = CliRunner()


def test_help_lists_the_subcommands() -> None:
    result = runner.invoke(app, ["viz", "--help"])
    assert result.exit_code == 0
    for word in ("run", "build", "export", "--port", "--no-browser", "--autoreload"):
        assert word in result.output


def test_export_json_to_stdout(ran_iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ran_iris)
    result = runner.invoke(app, ["viz", "export", "--format", "json"])
    assert result.exit_code == 0, result.output
    snapshot = json.loads(result.stdout)
    assert [n["name"] for n in snapshot["nodes"]][-1] == "report_accuracy"
    assert snapshot["nodes"][0]["last_run"]["status"] == "success"


def test_export_one_pipeline_to_a_file(ran_iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ran_iris)
    target = ran_iris / "out" / "science.mmd"
    result = runner.invoke(
        app, ["viz", "export", "-f", "MERMAID", "--pipeline", "data_science", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote the mermaid graph to" in result.output
    text = target.read_text()
    assert text.startswith("flowchart TD")
    assert '"train_model"' in text
    assert '"clean_iris"' not in text


def test_export_rejects_an_unknown_format(iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(iris)
    result = runner.invoke(app, ["viz", "export", "--format", "svg"])
    assert result.exit_code == 2
    assert "'svg' is not one of" in result.output


def test_export_names_an_unknown_pipeline(iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(iris)
    result = runner.invoke(app, ["viz", "export", "-f", "dot", "-p", "data_sciense"])
    assert isinstance(result.exception, UnknownNameError)
    assert "did you mean 'data_science'" in str(result.exception)


def test_build_writes_the_static_site(ran_iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ran_iris)
    result = runner.invoke(app, ["viz", "build", "--output", "site"])
    assert result.exit_code == 0, result.output
    assert "Wrote 5 nodes and 13 datasets to site/index.html" in result.output
    page = (ran_iris / "site" / "index.html").read_text()
    assert "clean_iris" in page
    assert (ran_iris / "site" / "snapshot.json").is_file()


def test_outside_a_project_the_error_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["viz", "build"])
    assert isinstance(result.exception, ProjectNotFoundError)
    assert str(tmp_path) in str(result.exception)
