"""Per-project kernel specs, written to and read from an isolated Jupyter data folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from proj.exceptions import KernelError
from proj.framework import find_project
from proj.jupyter.kernelspec import install_kernel, kernel_spec, list_kernels, remove_kernel
from tests.jupyter.fixtures import write_spec


def data_dir(env: dict[str, str]) -> Path:
    return Path(env["JUPYTER_DATA_DIR"])


def test_install_writes_a_user_spec_that_loads_the_project(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    info = install_kernel(find_project(project))
    assert info.name == "proj_iris_demo"
    assert info.resource_dir == data_dir(isolated_jupyter) / "kernels" / "proj_iris_demo"
    spec = json.loads((info.resource_dir / "kernel.json").read_text())
    assert spec["display_name"] == "Proj (iris_demo)"
    assert spec["argv"] == [
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--ext",
        "proj.ipython",
    ]
    assert spec["env"] == {"PROJ_PROJECT_PATH": str(project.resolve())}
    assert spec["metadata"]["proj"]["interpreter"] == sys.executable
    assert (info.resource_dir / "logo-64x64.png").is_file()


def test_install_replaces_the_previous_spec_and_pins_an_env(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    metadata = find_project(project)
    first = install_kernel(metadata, display_name="Old name")
    (first.resource_dir / "stale.txt").write_text("left over")
    second = install_kernel(metadata, env="prod")
    assert second.resource_dir == first.resource_dir
    assert not (second.resource_dir / "stale.txt").exists()
    spec = json.loads((second.resource_dir / "kernel.json").read_text())
    assert spec["display_name"] == "Proj (iris_demo)"
    assert spec["env"]["PROJ_ENV"] == "prod"
    assert second.env == "prod"


def test_custom_and_invalid_names(project: Path, isolated_jupyter: dict[str, str]) -> None:
    metadata = find_project(project)
    info = install_kernel(metadata, name="Iris-Work", display_name="Iris at work")
    assert info.name == "iris-work"
    assert info.display_name == "Iris at work"
    with pytest.raises(KernelError, match="not a valid kernel name"):
        install_kernel(metadata, name="has space")


def test_list_marks_proj_specs_and_flags_missing_interpreters_and_projects(
    project: Path, isolated_jupyter: dict[str, str], tmp_path: Path
) -> None:
    metadata = find_project(project)
    install_kernel(metadata)
    gone = kernel_spec(metadata, python=str(tmp_path / "old-venv/bin/python"))
    gone["metadata"]["proj"]["project_path"] = str(tmp_path / "moved-away")
    write_spec(data_dir(isolated_jupyter), "proj_old", gone)
    write_spec(
        data_dir(isolated_jupyter),
        "other",
        {"argv": ["/usr/bin/env", "R"], "display_name": "R", "language": "R"},
    )
    infos = {info.name: info for info in list_kernels()}
    assert infos["proj_iris_demo"].made_by_proj
    assert infos["proj_iris_demo"].interpreter_exists
    assert infos["proj_iris_demo"].project_path == project.resolve()
    assert infos["proj_iris_demo"].project_exists
    assert not infos["proj_old"].interpreter_exists
    assert not infos["proj_old"].project_exists
    assert not infos["other"].made_by_proj
    assert infos["other"].interpreter_exists


def test_remove_refuses_foreign_specs_unless_forced(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    folder = write_spec(
        data_dir(isolated_jupyter),
        "someone_else",
        {"argv": [sys.executable, "-m", "ipykernel_launcher"], "display_name": "X"},
    )
    with pytest.raises(KernelError, match="not made by proj") as caught:
        remove_kernel("someone_else")
    assert "--force" in str(caught.value.hint)
    assert folder.is_dir()
    assert remove_kernel("someone_else", force=True) == folder
    assert not folder.exists()


def test_remove_proj_spec_and_unknown_names(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    info = install_kernel(find_project(project))
    with pytest.raises(KernelError, match="did you mean 'proj_iris_demo'"):
        remove_kernel("proj_iris_dem")
    assert remove_kernel("proj_iris_demo") == info.resource_dir
    assert "proj_iris_demo" not in {i.name for i in list_kernels()}
