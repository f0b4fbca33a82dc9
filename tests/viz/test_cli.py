"""``proj viz build`` and ``proj viz export`` through Typer's CliRunner, in-process.

(``proj viz`` serving is driven end to end in tests/e2e/test_viz.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proj.cli.main import app
from proj.exceptions import ProjectNotFoundError, UnknownNameError, VizError

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


def test_serving_defaults_to_this_machine_on_port_4141() -> None:
    for args in (["viz", "--help"], ["viz", "run", "--help"]):
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0
        text = " ".join(result.output.split())
        assert "[default: 127.0.0.1]" in text, args
        assert "[default: 4141]" in text, args


def test_env_picks_the_configuration(ran_iris: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staging = ran_iris / "conf" / "staging"
    staging.mkdir()
    (staging / "catalog.yml").write_text(
        "iris:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/iris_staging.csv\n"
        "  metadata:\n    layer: raw\n"
    )
    monkeypatch.chdir(ran_iris)
    result = runner.invoke(app, ["viz", "export", "-f", "json", "--env", "staging"])
    assert result.exit_code == 0, result.output
    snapshot = json.loads(result.stdout)
    assert snapshot["project"]["env"] == "staging"
    iris = next(d for d in snapshot["datasets"] if d["name"] == "iris")
    assert (iris["path"], iris["layer"]) == ("data/01_raw/iris_staging.csv", "raw")


def test_export_replaces_its_own_file_but_not_a_hand_written_one(
    ran_iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ran_iris)
    target = ran_iris / "docs" / "pipeline.mmd"
    for fmt in ("dot", "mermaid"):  # the second export replaces the first
        result = runner.invoke(app, ["viz", "export", "-f", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
    assert target.read_text().startswith("flowchart TD\n%% Written by proj viz export")
    assert [p.name for p in target.parent.iterdir()] == ["pipeline.mmd"]  # no temporary left

    target.write_text("flowchart LR\n    a --> b\n")  # a person's own diagram
    result = runner.invoke(app, ["viz", "export", "-f", "mermaid", "-o", str(target)])
    assert isinstance(result.exception, VizError)
    assert f"Refusing to overwrite {target}: proj viz did not write it" in str(result.exception)
    assert result.exception.hint == "Pass --force to replace it, or choose another --output."
    assert target.read_text() == "flowchart LR\n    a --> b\n"

    result = runner.invoke(app, ["viz", "export", "-f", "json", "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["schema"] == "proj-viz/1"


def test_build_keeps_a_page_it_did_not_write(
    ran_iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ran_iris)
    assert runner.invoke(app, ["viz", "build", "-o", "site"]).exit_code == 0
    rebuilt = runner.invoke(app, ["viz", "build", "-o", "site"])
    assert rebuilt.exit_code == 0, rebuilt.output
    (ran_iris / "docs").mkdir()
    (ran_iris / "docs" / "index.html").write_text("<h1>Our docs</h1>\n")
    result = runner.invoke(app, ["viz", "build", "-o", "docs"])
    assert isinstance(result.exception, VizError)
    assert "Refusing to overwrite docs/index.html" in str(result.exception)
    assert not (ran_iris / "docs" / "snapshot.json").exists()
    forced = runner.invoke(app, ["viz", "build", "-o", "docs", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "clean_iris" in (ran_iris / "docs" / "index.html").read_text()


def test_serving_options_before_a_subcommand_are_not_ignored_silently() -> None:
    result = runner.invoke(app, ["viz", "--port", "5000", "run"])
    assert result.exit_code == 2
    assert "--port must come after the subcommand: proj viz run [OPTIONS]" in result.output
