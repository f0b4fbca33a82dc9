"""What ``proj info`` reports: versions, the project around a folder, installed plugins."""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path

import pytest

import proj
from proj.exceptions import ProjectError
from proj.framework.environment import LIBRARIES, environment_info, installed_plugins
from proj.framework.scaffold import create_project


def fake_distribution(site: Path, name: str, entry_points: str) -> None:
    """An installed distribution: a ``.dist-info`` folder with metadata only."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def test_outside_a_project(tmp_path: Path) -> None:
    details = environment_info(tmp_path)
    assert details.project is None
    assert details.proj_version == proj.__version__
    assert details.python_version == platform.python_version()
    assert list(details.libraries) == list(LIBRARIES)
    assert details.libraries["typer"] == version("typer")
    assert details.as_dict()["project"] is None


def test_inside_a_project_from_a_subfolder(tmp_path: Path) -> None:
    project = create_project("Iris Demo", output_dir=tmp_path, starter="iris")
    summary = environment_info(project / "notebooks").project
    assert summary is not None
    assert (summary.path, summary.package, summary.name) == (
        str(project.resolve()),
        "iris_demo",
        "Iris Demo",
    )


def test_a_broken_project_table_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.proj]\npackage_name = 'not valid-name'\n")
    with pytest.raises(ProjectError, match="package_name"):
        environment_info(tmp_path)


def test_plugins_are_distributions_with_proj_hooks_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    fake_distribution(site, "proj-lineage", "[proj.hooks]\nb = lin.hooks:two\na = lin.hooks:one\n")
    fake_distribution(site, "other-tool", "[console_scripts]\nother = other:main\n")
    monkeypatch.syspath_prepend(str(site))
    plugins = {plugin.name: plugin for plugin in installed_plugins()}
    assert "other-tool" not in plugins
    assert plugins["proj-lineage"].version == "1.0"
    assert plugins["proj-lineage"].hooks == ["a = lin.hooks:one", "b = lin.hooks:two"]
