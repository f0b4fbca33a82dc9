"""Per-project kernel specs, written to and read from an isolated Jupyter data folder."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from proj.exceptions import KernelError, MissingConfigError
from proj.framework import find_project
from proj.jupyter.kernelspec import (
    default_kernel_name,
    install_kernel,
    kernel_spec,
    list_kernels,
    remove_kernel,
)
from tests.jupyter.fixtures import write_spec


def iris_kernel(project: Path) -> str:
    """The kernel name of an iris copy: proj_iris_demo_<8 hex digits of its folder>."""
    return default_kernel_name("iris_demo", project)


def data_dir(env: dict[str, str]) -> Path:
    return Path(env["JUPYTER_DATA_DIR"])


def test_install_writes_a_user_spec_that_loads_the_project(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    info = install_kernel(find_project(project))
    assert re.fullmatch(r"proj_iris_demo_[0-9a-f]{8}", info.name)
    assert info.resource_dir == data_dir(isolated_jupyter) / "kernels" / info.name
    spec = json.loads((info.resource_dir / "kernel.json").read_text())
    assert spec["display_name"] == f"Proj (iris_demo) {project.parent.name}/iris-demo"
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
    (project / "conf/prod").mkdir()
    second = install_kernel(metadata, env="prod")
    assert second.resource_dir == first.resource_dir
    assert not (second.resource_dir / "stale.txt").exists()
    spec = json.loads((second.resource_dir / "kernel.json").read_text())
    assert spec["display_name"].startswith("Proj (iris_demo) ")
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
    mine = infos[iris_kernel(project)]
    assert mine.made_by_proj
    assert mine.interpreter_exists
    assert mine.project_path == project.resolve()
    assert mine.project_exists
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
    with pytest.raises(KernelError, match=f"did you mean '{info.name}'"):
        remove_kernel(info.name[:-1])
    assert remove_kernel(info.name) == info.resource_dir
    assert info.name not in {i.name for i in list_kernels()}


def test_two_copies_of_one_project_keep_their_own_kernels(
    project: Path, isolated_jupyter: dict[str, str], tmp_path: Path
) -> None:
    copy = tmp_path / "elsewhere" / "iris-demo"
    shutil.copytree(project, copy)
    first = install_kernel(find_project(project))
    second = install_kernel(find_project(copy))
    assert first.name != second.name
    assert first.display_name != second.display_name
    assert "iris_demo" in first.display_name
    assert "iris_demo" in second.display_name
    infos = {info.name: info for info in list_kernels()}
    assert infos[first.name].project_path == project.resolve()
    assert infos[second.name].project_path == copy.resolve()
    spec = json.loads((first.resource_dir / "kernel.json").read_text())
    assert spec["env"]["PROJ_PROJECT_PATH"] == str(project.resolve())


def test_install_replaces_this_projects_spec_under_the_old_shared_name(
    project: Path, isolated_jupyter: dict[str, str], tmp_path: Path
) -> None:
    metadata = find_project(project)
    old = install_kernel(metadata, name="proj_iris_demo")  # what older proj installed
    other = kernel_spec(metadata)
    other["metadata"]["proj"]["project_path"] = str(tmp_path / "another-copy")
    install_kernel(metadata)
    assert not old.resource_dir.exists()
    write_spec(data_dir(isolated_jupyter), "proj_iris_demo", other)
    install_kernel(metadata)  # another copy's spec under the old name is kept
    assert (data_dir(isolated_jupyter) / "kernels" / "proj_iris_demo").is_dir()


def test_install_refuses_an_environment_without_a_folder(
    project: Path, isolated_jupyter: dict[str, str]
) -> None:
    with pytest.raises(MissingConfigError, match="Environment 'prdo' has no folder") as caught:
        install_kernel(find_project(project), env="prdo")
    assert "base, local" in str(caught.value)
    assert list_kernels() == [] or all(not i.made_by_proj for i in list_kernels())
