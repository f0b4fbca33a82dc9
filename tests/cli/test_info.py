"""``proj info``: versions, the project around the working directory, installed plugins."""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import Result

import proj


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installed distribution exposing hooks in the ``proj.hooks`` group."""
    site = tmp_path / "site"
    info = site / "proj_timing-0.3.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: proj-timing\nVersion: 0.3.1\n")
    (info / "entry_points.txt").write_text("[proj.hooks]\ntiming = proj_timing.hooks:hooks\n")
    monkeypatch.syspath_prepend(str(site))
    return "proj-timing"


def test_info_in_a_project_shows_versions_path_and_package(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("info")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"proj {proj.__version__}\nPython {platform.python_version()} (")
    assert f"Project: Iris Demo at {project.resolve()} (package iris_demo)" in out
    typer_row = next(line for line in out.splitlines() if line.startswith("typer "))
    assert typer_row.split() == ["typer", version("typer")]
    assert "Plugins: none installed" in out


def test_info_outside_a_project(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("info")
    assert result.exit_code == 0, result.output
    assert "Project: none (not inside a proj project)" in result.stdout


def test_info_lists_installed_plugins(
    project: Path, plugin: str, cli: Callable[..., Result]
) -> None:
    result = cli("info")
    row = next(line for line in result.stdout.splitlines() if line.startswith(plugin))
    assert row.split() == [plugin, "0.3.1", "timing", "=", "proj_timing.hooks:hooks"]


def test_info_json(project: Path, plugin: str, cli: Callable[..., Result]) -> None:
    result = cli("info", "--json")
    assert result.exit_code == 0, result.output
    details = json.loads(result.stdout)
    assert details["proj_version"] == proj.__version__
    assert details["python_version"] == platform.python_version()
    assert details["project"] == {
        "path": str(project.resolve()),
        "package": "iris_demo",
        "name": "Iris Demo",
        "source_dir": str((project / "src").resolve()),
    }
    assert details["libraries"]["rich"] == version("rich")
    assert details["plugins"] == [
        {"name": plugin, "version": "0.3.1", "hooks": ["timing = proj_timing.hooks:hooks"]}
    ]


def test_info_lists_the_dataset_types_usable_here(
    project: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    result = cli("info")
    line = next(line for line in result.stdout.splitlines() if line.startswith("Dataset types"))
    for name in ("pandas.ExcelDataset", "pandas.SQLTableDataset", "polars.CSVDataset"):
        assert name in line
    assert "kedro-datasets types: available through the bridge" in result.stdout
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if the excel extra were missing
    result = cli("info")
    line = next(line for line in result.stdout.splitlines() if line.startswith("Dataset types"))
    assert "pandas.ExcelDataset" not in line
    assert 'Not available: pandas.ExcelDataset (pip install "proj[excel]")' in result.stdout
    details = json.loads(cli("info", "--json").stdout)
    excel = next(kind for kind in details["dataset_types"] if kind["name"] == "pandas.ExcelDataset")
    assert excel == {"name": "pandas.ExcelDataset", "available": False, "extra": "excel"}
