"""Fixtures for in-process CLI tests: a scaffolded iris project as the working directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from proj.cli.main import app
from proj.framework.scaffold import create_project


@pytest.fixture(scope="session")
def iris_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The iris starter scaffolded once (copy it before changing it)."""
    return create_project("Iris Demo", output_dir=tmp_path_factory.mktemp("cli"), starter="iris")


@pytest.fixture
def project(iris_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the iris starter, made the working directory."""
    target = tmp_path / "iris-demo"
    shutil.copytree(iris_template, target)
    monkeypatch.chdir(target)
    monkeypatch.delenv("PROJ_ENV", raising=False)
    return target


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Invoke ``proj`` in-process with a wide terminal; errors stay in ``result.exception``."""
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), prog_name="proj")

    return invoke
