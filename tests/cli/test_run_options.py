"""``proj run`` option spellings Kedro users type, and the root ``--verbose``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from proj.cli.main import hoist_verbose
from proj.exceptions import UnknownNameError
from proj.framework.store import RunStore


def last_run(project: Path) -> tuple[list[str], dict[str, object]]:
    run = RunStore(project / ".proj" / "runs.db").list_runs()[0]  # newest first
    return run.pipelines, run.request


def test_pipelines_is_an_alias_of_pipeline(project: Path, cli: Callable[..., Result]) -> None:
    result = cli("run", "--pipelines", "data_processing")
    assert result.exit_code == 0, result.output
    assert last_run(project)[0] == ["data_processing"]


def test_short_spellings_of_namespaces_and_load_versions(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("run", "-ns", "nowhere")
    assert isinstance(result.exception, UnknownNameError)
    assert "nowhere" in result.exception.message
    result = cli("run", "-lv", "nothing:2024-01-01T00.00.00.000Z")
    assert "load_versions names 'nothing'" in str(result.exception)


def test_config_file_supplies_defaults_and_flags_win(
    project: Path, cli: Callable[..., Result]
) -> None:
    config = project / "run.yml"
    config.write_text("run:\n  tags: preprocessing\n  pipelines: [data_processing]\n")
    assert cli("run", "-c", str(config)).exit_code == 0
    pipelines, request = last_run(project)
    assert pipelines == ["data_processing"] and request["tags"] == ["preprocessing"]
    assert cli("run", "--config", str(config), "-p", "__default__").exit_code == 0
    pipelines, request = last_run(project)
    assert pipelines == ["__default__"] and request["tags"] == ["preprocessing"]


def test_config_file_errors_are_usage_errors(project: Path, cli: Callable[..., Result]) -> None:
    config = project / "run.yml"
    config.write_text("run:\n  tagz: [x]\n")
    result = cli("run", "-c", str(config))
    assert result.exit_code == 2
    assert "'run.tagz' is not an option of proj run" in result.output
    config.write_text("other: {}\n")
    assert "has no 'run:' section" in cli("run", "-c", str(config)).output


def test_runner_params(project: Path, cli: Callable[..., Result]) -> None:
    result = cli(
        "run",
        "-r",
        "thread",
        "--runner-params",
        "max_workers=2,is_async=true",
        "-p",
        "data_processing",
    )
    assert result.exit_code == 0, result.output
    assert last_run(project)[1]["runner"] == "ThreadRunner"
    result = cli("run", "--runner-params", "workers=2")
    assert result.exit_code == 2
    assert "Unknown runner parameter(s) workers; known: max_workers, is_async" in result.output


@pytest.mark.parametrize(
    "args",
    [["--verbose", "info"], ["info", "--verbose"], ["-v", "pipeline", "list"]],
)
def test_verbose_is_one_root_option_every_command_accepts(
    project: Path, cli: Callable[..., Result], args: list[str]
) -> None:
    assert cli(*args).exit_code == 0


def test_verbose_after_the_command_moves_to_the_root() -> None:
    assert hoist_verbose(["run", "--verbose", "-p", "x"]) == ["--verbose", "run", "-p", "x"]
    assert hoist_verbose(["jupyter", "lab", "--", "--verbose"]) == [
        "jupyter",
        "lab",
        "--",
        "--verbose",
    ]
    assert hoist_verbose(["info"]) == ["info"]
