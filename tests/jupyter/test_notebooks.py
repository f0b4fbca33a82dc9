"""New notebooks from templates (running one with nbclient: tests/e2e/test_jupyter.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from proj.exceptions import NotebookError, UnknownNameError
from proj.framework import find_project
from proj.jupyter.kernelspec import default_display_name, default_kernel_name
from proj.jupyter.notebooks import list_templates, new_notebook


def sources(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


def test_explore_notebook_for_a_dataset(project: Path) -> None:
    path = new_notebook(project / "notebooks/iris.ipynb", find_project(project), dataset="iris")
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec == {
        "name": default_kernel_name("iris_demo", project),
        "display_name": default_display_name("iris_demo", project),
        "language": "python",
    }
    assert notebook.metadata.proj == {"template": "explore", "dataset": "iris"}
    assert "proj_template" not in notebook.metadata
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert 'iris = catalog.load("iris")' in code
    for piece in (".shape", ".dtypes", ".head(", ".describe(", ".isna()", ".hist("):
        assert piece in code, piece
    assert "{{" not in "".join(sources(path))
    assert notebook.cells[0].source.startswith("# iris\n")
    # Written through a temporary file that is gone; readable like any file a person makes.
    assert sorted(p.name for p in path.parent.iterdir() if "iris" in p.name) == ["iris.ipynb"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_default_template_without_dataset_is_blank(project: Path) -> None:
    path = new_notebook(project / "notebooks/scratch.ipynb", find_project(project))
    assert sources(path)[0].startswith("# scratch\n")
    assert sources(path)[1] == "catalog.list()"


def test_never_overwrites(project: Path) -> None:
    target = project / "notebooks/mine.ipynb"
    target.write_text("my work")
    with pytest.raises(NotebookError, match="already exists"):
        new_notebook(target, find_project(project), dataset="iris")
    assert target.read_text() == "my work"


def test_unknown_dataset_and_template_suggest_close_names(project: Path) -> None:
    metadata = find_project(project)
    with pytest.raises(UnknownNameError, match="did you mean 'iris'"):
        new_notebook(project / "notebooks/a.ipynb", metadata, dataset="irs")
    with pytest.raises(UnknownNameError, match="did you mean 'explore'") as caught:
        new_notebook(project / "notebooks/a.ipynb", metadata, template="explor")
    assert "notebooks/templates" in str(caught.value.hint)
    assert not (project / "notebooks/a.ipynb").exists()


def test_dataset_templates_need_a_dataset(project: Path) -> None:
    with pytest.raises(NotebookError, match="--dataset"):
        new_notebook(project / "notebooks/a.ipynb", find_project(project), template="explore")


@pytest.mark.parametrize("where", ["../outside.ipynb", "notebooks/../../outside.ipynb", "ABS"])
def test_paths_outside_the_project_are_refused(
    where: str, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.ipynb"
    target = elsewhere if where == "ABS" else project / where
    with pytest.raises(NotebookError, match="is outside the project") as info:
        new_notebook(target, find_project(project))
    assert "notebooks/explore.ipynb" in (info.value.hint or "")
    assert not target.resolve().exists()


def test_a_symlink_out_of_the_project_is_refused(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / "notebooks" / "shared").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(NotebookError, match="is outside the project"):
        new_notebook(project / "notebooks/shared/x.ipynb", find_project(project))
    assert list(elsewhere.iterdir()) == []


def test_path_must_be_a_notebook(project: Path) -> None:
    with pytest.raises(NotebookError, match=r"\.ipynb"):
        new_notebook(project / "notebooks/a.py", find_project(project))


def test_project_templates_add_to_and_override_builtin_ones(project: Path) -> None:
    folder = project / "notebooks/templates"
    folder.mkdir()
    custom = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('{{ variable }} = catalog.load("{{ dataset }}")'),
            nbformat.v4.new_markdown_cell("Kept: {{ unknown }} and f'{{literal}}'"),
        ],
        metadata={"proj_template": {"description": "Load only."}},
    )
    nbformat.write(custom, folder / "quick.ipynb")
    blank = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Team blank")])
    nbformat.write(blank, folder / "blank.ipynb")

    templates = list_templates(project)
    assert templates["quick"].description == "Load only."
    assert not templates["quick"].builtin
    assert not templates["blank"].builtin
    assert templates["explore"].builtin

    metadata = find_project(project)
    path = new_notebook(
        project / "notebooks/q.ipynb", metadata, dataset="params:columns", template="quick"
    )
    assert sources(path) == [
        'columns = catalog.load("params:columns")',
        "Kept: {{ unknown }} and f'{{literal}}'",
    ]
    assert sources(new_notebook(project / "notebooks/b.ipynb", metadata)) == ["Team blank"]


def test_broken_template_is_named(project: Path) -> None:
    folder = project / "notebooks/templates"
    folder.mkdir()
    (folder / "bad.ipynb").write_text(json.dumps({"cells": "nope"}))
    with pytest.raises(NotebookError, match=r"bad\.ipynb is not a valid notebook"):
        new_notebook(project / "notebooks/x.ipynb", find_project(project), template="bad")


STARTER_DATASETS = (
    "iris",
    "iris_clean",
    "X_train",
    "X_test",
    "y_train",
    "y_test",
    "model",
    "y_pred",
    "metrics",
)


@pytest.fixture(scope="module")
def ran_iris(tmp_path_factory: pytest.TempPathFactory, iris_template: Path) -> Path:
    """An iris copy whose pipeline ran (every dataset exists), plus an image and a list."""
    import pickle
    import shutil

    from PIL import Image

    from proj.framework import Session

    root = tmp_path_factory.mktemp("ran") / "iris-demo"
    shutil.copytree(iris_template, root)
    Session.create(root, record_runs=False).run()
    image = Image.new("RGB", (4, 3), (10, 200, 30))
    (root / "data/01_raw/flower.pkl").write_bytes(pickle.dumps(image))
    (root / "data/01_raw/names.pkl").write_bytes(pickle.dumps(["setosa", "virginica"]))
    with (root / "conf/base/catalog.yml").open("a") as catalog:
        for name in ("flower", "names"):
            catalog.write(
                f"\n{name}:\n  type: pickle.PickleDataset\n  filepath: data/01_raw/{name}.pkl\n"
            )
    return root


def execute(path: Path, kernel: str) -> list[Any]:
    """Run a notebook top to bottom in a real kernel; returns its outputs."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name=kernel,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


@pytest.mark.slow
def test_explore_runs_for_every_kind_of_dataset(ran_iris: Path) -> None:
    from proj.jupyter.kernelspec import install_kernel

    metadata = find_project(ran_iris)
    kernel = install_kernel(metadata).name
    datasets = (*STARTER_DATASETS, "parameters", "params:split_options", "flower", "names")
    failed = {}
    kinds = {}
    for number, dataset in enumerate(datasets):
        path = new_notebook(
            ran_iris / f"notebooks/explore_{number}.ipynb", metadata, dataset=dataset
        )
        outputs = execute(path, kernel)
        errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
        if errors:
            failed[dataset] = errors
        kinds[dataset] = nbformat.read(path, as_version=4).cells[0].source.split("(")[1]
    assert not failed, failed
    assert kinds["iris"].startswith("a table")
    assert kinds["y_test"].startswith("a series")
    assert kinds["model"].startswith("a mapping")
    assert kinds["metrics"].startswith("a mapping")
    assert kinds["flower"].startswith("an image")
    assert kinds["names"].startswith("a list")


def test_cells_of_other_kinds_are_left_out(ran_iris: Path) -> None:
    metadata = find_project(ran_iris)
    series = new_notebook(ran_iris / "notebooks/series.ipynb", metadata, dataset="y_test")
    code = "\n".join(sources(series))
    assert "y_test.value_counts(" in code
    assert "select_dtypes" not in code  # a table's cell: Series has no select_dtypes
    assert "proj_template" not in json.dumps(nbformat.read(series, as_version=4).cells)


def test_blank_template_loads_the_dataset_when_given(project: Path) -> None:
    metadata = find_project(project)
    path = new_notebook(project / "notebooks/b.ipynb", metadata, dataset="iris", template="blank")
    assert sources(path)[1:] == ["catalog.list()", 'iris = catalog.load("iris")\niris']
    without = new_notebook(project / "notebooks/c.ipynb", metadata, template="blank")
    assert sources(without)[1:] == ["catalog.list()"]
