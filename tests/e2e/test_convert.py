"""Journeys through ``proj jupyter convert``: tagged cells into modules, whole notebooks
into pipelines that `proj run` runs, and the guards around both.

The round trips execute each notebook top to bottom with nbclient (a real IPython
kernel, Jupyter folders isolated under tmp_path), convert it with the installed
``proj``, run the pipeline with ``proj run --pipeline``, and compare every value the
pipeline persisted with the notebook's final value of the same variable.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from proj.framework.project import default_kernel_name
from tests.e2e.conftest import Result, assert_clean_error, node_statuses, run_proj

pytestmark = pytest.mark.e2e

NOTEBOOKS = Path(__file__).resolve().parents[1] / "data" / "notebooks"
ROUNDTRIP = NOTEBOOKS / "roundtrip"

# Turns values into plain data both processes can unpickle: objects of notebook classes
# become dicts of their attributes, tuples lists, sets sorted lists.
PLAIN = """
def _plain(value):
    import numpy as np
    import pandas as pd

    simple = (pd.DataFrame, pd.Series, np.ndarray, np.generic, str, bytes, int, float, bool)
    if value is None or isinstance(value, simple):
        return value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "__dict__"):
        return {"__class__": type(value).__name__, **_plain(vars(value))}
    return repr(value)
"""

LOAD_OUTPUTS = (
    PLAIN
    + """
import json, pickle, sys
from proj.framework import Session

session = Session.create(sys.argv[1], record_runs=False)
catalog = session.load_context().catalog
wanted = json.loads(sys.argv[2])
with open(sys.argv[3], "wb") as file:
    pickle.dump({name: _plain(catalog.load(dataset)) for name, dataset in wanted.items()}, file)
"""
)

EXTRA_CATALOG = """
centroid_model:
  type: pickle.PickleDataset
  filepath: data/06_models/centroids.pkl

reviews:
  type: text.TextDataset
  filepath: data/01_raw/reviews.txt

sales:
  type: pandas.CSVDataset
  filepath: data/01_raw/sales.csv

regions:
  type: pandas.CSVDataset
  filepath: data/01_raw/regions.csv
"""

REVIEWS = (
    "The café was great and the naïve barista smiled.\n"
    "Le café est très bon, et le croissant aussi.\n"
    "\n"
    "It is a bad day: the coffee was cold, cold, cold.\n"
    "Great service; great coffee; I will come back.\n"
    "Un avis très long qui parle du café, du thé, des croissants, des gâteaux et de la musique.\n"
)
SALES = (
    "date,store,amount\n2024-01-05,S1,120.5\n2024-01-17,S2,80.0\n2024-02-02,S1,-5.0\n"
    "2024-02-11,S3,210.25\n2024-02-20,S2,99.9\n2024-03-03,S4,45.0\n2024-03-15,S1,130.0\n"
    "2024-01-29,S3,60.0\n"
)
REGIONS = "store,region\nS1,North\nS2,South\nS3,North\n"


@pytest.fixture
def project(starter: Path) -> Path:
    """The iris starter with the raw data and catalog entries the notebooks read."""
    with (starter / "conf" / "base" / "catalog.yml").open("a", encoding="utf-8") as file:
        file.write(EXTRA_CATALOG)
    raw = starter / "data" / "01_raw"
    (raw / "reviews.txt").write_text(REVIEWS, encoding="utf-8")
    (raw / "sales.csv").write_text(SALES, encoding="utf-8")
    (raw / "regions.csv").write_text(REGIONS, encoding="utf-8")
    return starter


@pytest.fixture
def jupyter_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jupyter and IPython folders of this test only."""
    for variable in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = tmp_path / "jupyter" / variable.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")


def execute_notebook(path: Path, cwd: Path, names: list[str], dump: Path) -> dict[str, Any]:
    """Run a notebook top to bottom in a fresh kernel, then return the plain form of the
    final values of ``names``."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    dump_cell = (
        PLAIN
        + "\nimport pickle as _pickle\n"
        + f"with open({str(dump)!r}, 'wb') as _file:\n"
        + f"    _pickle.dump({{_n: _plain(globals()[_n]) for _n in {names!r}}}, _file)\n"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(dump_cell))
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    with dump.open("rb") as file:
        values: dict[str, Any] = pickle.load(file)
    return values


def load_outputs(project: Path, datasets: dict[str, str], dump: Path) -> dict[str, Any]:
    """Load datasets through the project's catalog in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", LOAD_OUTPUTS, str(project), json.dumps(datasets), str(dump)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with dump.open("rb") as file:
        values: dict[str, Any] = pickle.load(file)
    return values


def assert_same(expected: Any, actual: Any, where: str) -> None:
    import numpy as np
    import pandas as pd

    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(actual, expected, obj=where)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(actual, expected, obj=where)
    elif isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), where
        assert actual.dtype == expected.dtype, where
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert list(actual) == list(expected), where
        for key in expected:
            assert_same(expected[key], actual[key], f"{where}[{key!r}]")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), where
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            assert_same(left, right, f"{where}[{index}]")
    else:
        assert type(actual) is type(expected), where
        assert actual == expected, where


# Each notebook changes values of earlier sections in place, in every form the
# converter recognises: method calls (model.fit, vocabulary.append, totals.update, a
# notebook function called for its effect), subscript and attribute assignment
# (evaluation["model"] = ..., model.label = ..., merged["amount_vat"] = ...) and
# augmented assignment (issues += ..., evaluation["accuracy"] *= 100). In iris_model,
# "Untrained model" reads the model before "Fit" changes it; the runner would run "fit"
# first (ties go to the smaller name) unless the converted pipeline orders them.
CASES = {
    # notebook: (variables persisted -> their catalog types, catalog.save variable -> dataset)
    "iris_model": (
        {
            "by_species": "pickle.PickleDataset",
            "matrix": "pickle.PickleDataset",
            "evaluation": "pickle.PickleDataset",
        },
        {"model": "centroid_model"},
    ),
    "text_stats": (
        {
            "vocabulary": "pickle.PickleDataset",
            "counts": "pickle.PickleDataset",
            "report": "text.TextDataset",
            "headline": "text.TextDataset",
            "long_share": "pickle.PickleDataset",
        },
        {},
    ),
    "sales_report": (
        {
            "issues": "pickle.PickleDataset",
            "pivot": "pickle.PickleDataset",
            "by_quarter": "pickle.PickleDataset",
            "totals": "pickle.PickleDataset",
            "top_stores": "pandas.ParquetDataset",
            "summary": "pickle.PickleDataset",
            "best_month": "text.TextDataset",
        },
        {},
    ),
}


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_env")
@pytest.mark.parametrize("name", sorted(CASES))
def test_pipeline_persists_what_the_notebook_computes(
    name: str, project: Path, tmp_path: Path
) -> None:
    import yaml

    persisted, saved = CASES[name]
    notebook = project / "notebooks" / f"{name}.ipynb"
    shutil.copyfile(ROUNDTRIP / f"{name}.ipynb", notebook)
    names = [*persisted, *saved]
    expected = execute_notebook(notebook, project, names, tmp_path / "notebook.pkl")

    converted = run_proj(
        "jupyter", "convert", f"notebooks/{name}.ipynb", "--to-pipeline", name, cwd=project
    )
    assert converted.returncode == 0, converted.output
    for variable in persisted:
        assert f"persists {variable} as {name}.{variable}" in converted.stdout
    catalog = yaml.safe_load((project / "conf" / "base" / "catalog.yml").read_text("utf-8"))
    assert {v: catalog[f"{name}.{v}"]["type"] for v in persisted} == persisted

    ran = run_proj("run", "--pipeline", name, cwd=project)
    assert ran.returncode == 0, ran.output
    datasets = {variable: f"{name}.{variable}" for variable in persisted} | saved
    actual = load_outputs(project, datasets, tmp_path / "pipeline.pkl")
    assert list(actual) == names
    for variable in names:
        assert_same(expected[variable], actual[variable], f"{name}: {variable}")


# ---------------------------------------------------------------------- tagged cells


def _copy(name: str, project: Path, target: str | None = None) -> str:
    relative = f"notebooks/{target or name}"
    shutil.copyfile(NOTEBOOKS / name, project / relative)
    return relative


def test_convert_writes_an_importable_module_and_is_stable(starter: Path) -> None:
    from proj.notebook import to_module

    notebook = _copy("helpers.ipynb", starter)
    first = run_proj("jupyter", "convert", notebook, cwd=starter)
    assert first.returncode == 0, first.output
    assert "Created src/iris_demo/nodes/__init__.py" in first.stdout
    assert "Created src/iris_demo/nodes/helpers.py" in first.stdout
    assert "cell 7, line 14: left out of the module" in first.stderr
    module = starter / "src" / "iris_demo" / "nodes" / "helpers.py"
    expected = to_module(NOTEBOOKS / "helpers.ipynb", name="notebooks/helpers.ipynb")
    assert module.read_bytes() == expected.encode("utf-8")

    second = run_proj("jupyter", "convert", notebook, cwd=starter)
    assert second.returncode == 0, second.output
    assert "Unchanged src/iris_demo/nodes/helpers.py" in second.stdout
    assert module.read_bytes() == expected.encode("utf-8")
    code = "from iris_demo.nodes.helpers import tokenize; print(tokenize('The dogs'))"
    imported = subprocess.run(
        [sys.executable, "-c", code],
        cwd=starter / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.stdout.strip() == "['dogs']", imported.stderr


def test_hand_edits_are_kept_unless_forced(starter: Path) -> None:
    notebook = _copy("redefinitions.ipynb", starter)
    assert run_proj("jupyter", "convert", notebook, cwd=starter).returncode == 0
    module = starter / "src" / "iris_demo" / "nodes" / "redefinitions.py"
    edited = module.read_text(encoding="utf-8") + "\n\ndef mine():\n    return 1\n"
    module.write_text(edited, encoding="utf-8")

    refused = run_proj("jupyter", "convert", notebook, cwd=starter)
    line = assert_clean_error(refused)
    assert "Refusing to overwrite src/iris_demo/nodes/redefinitions.py" in line
    assert "edited by hand" in line
    assert "--force" in refused.stderr
    assert module.read_text(encoding="utf-8") == edited

    preview = run_proj("jupyter", "convert", notebook, "--dry-run", cwd=starter)
    assert preview.returncode == 0, preview.output
    assert "it was edited by hand" in preview.stderr
    assert "Without --force, nothing would be written." in preview.stderr
    assert "--- a/src/iris_demo/nodes/redefinitions.py" in preview.stdout
    assert "-def mine():" in preview.stdout
    assert module.read_text(encoding="utf-8") == edited

    forced = run_proj("jupyter", "convert", notebook, "--force", cwd=starter)
    assert forced.returncode == 0, forced.output
    assert "def mine" not in module.read_text(encoding="utf-8")


def test_a_hand_written_module_is_never_replaced_silently(starter: Path) -> None:
    notebook = _copy("redefinitions.ipynb", starter)
    target = starter / "src" / "iris_demo" / "nodes" / "redefinitions.py"
    target.parent.mkdir()
    target.write_text("# my own code\n", encoding="utf-8")
    result = run_proj("jupyter", "convert", notebook, cwd=starter)
    assert "was not generated by `proj jupyter convert`" in assert_clean_error(result)
    assert target.read_text(encoding="utf-8") == "# my own code\n"


def test_dry_run_shows_a_diff_and_writes_nothing(starter: Path) -> None:
    notebook = _copy("non_ascii.ipynb", starter)
    result = run_proj("jupyter", "convert", notebook, "--dry-run", cwd=starter)
    assert result.returncode == 0, result.output
    assert "Would create src/iris_demo/nodes/non_ascii.py" in result.stdout
    assert "+++ b/src/iris_demo/nodes/non_ascii.py" in result.stdout
    assert '+ÉTIQUETTES = {"froid": "❄", "chaud": "🔥", "日本": "晴れ"}' in result.stdout
    assert not (starter / "src" / "iris_demo" / "nodes").exists()


def test_all_converts_every_notebook_and_skips_untagged_ones(starter: Path) -> None:
    for name in ("imports.ipynb", "magics.ipynb", "untagged.ipynb", "r_kernel.ipynb"):
        _copy(name, starter)
    (starter / "notebooks" / ".ipynb_checkpoints").mkdir()
    _copy("syntax_error.ipynb", starter, ".ipynb_checkpoints/broken-checkpoint.ipynb")
    result = run_proj("jupyter", "convert", "--all", cwd=starter)
    assert result.returncode == 0, result.output
    nodes = starter / "src" / "iris_demo" / "nodes"
    assert sorted(p.name for p in nodes.iterdir()) == ["__init__.py", "imports.py", "magics.py"]
    assert "notebooks/untagged.ipynb: no code cell is tagged 'node'." in result.stderr
    assert "notebooks/r_kernel.ipynb: skipped, its kernel is R" in result.stderr
    assert "notebooks/magics.ipynb: cell 4 is a %%bash cell" in result.stderr


def test_all_refuses_two_notebooks_with_one_stem(starter: Path) -> None:
    _copy("imports.ipynb", starter)
    (starter / "notebooks" / "old").mkdir()
    _copy("imports.ipynb", starter, "old/imports.ipynb")
    result = run_proj("jupyter", "convert", "--all", cwd=starter)
    line = assert_clean_error(result)
    assert "notebooks/imports.ipynb and notebooks/old/imports.ipynb" in line
    assert not (starter / "src" / "iris_demo" / "nodes").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("syntax_error.ipynb", "cell 3, line 2: '(' was never closed"),
        ("r_kernel.ipynb", "runs the R kernel (language 'R'); only Python notebooks"),
    ],
)
def test_bad_notebooks_are_clear_errors(starter: Path, name: str, message: str) -> None:
    notebook = _copy(name, starter)
    result = run_proj("jupyter", "convert", notebook, cwd=starter)
    assert message in result.stderr
    assert_clean_error(result)
    assert not (starter / "src" / "iris_demo" / "nodes").exists()


def test_not_a_notebook_is_a_clear_error(starter: Path) -> None:
    (starter / "notebooks" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    (starter / "notebooks" / "list.ipynb").write_text("[1, 2]", encoding="utf-8")
    broken = run_proj("jupyter", "convert", "notebooks/broken.ipynb", cwd=starter)
    assert "notebooks/broken.ipynb is not a notebook: it is not valid JSON (line 1, column 2" in (
        assert_clean_error(broken)
    )
    listed = run_proj("jupyter", "convert", "notebooks/list.ipynb", cwd=starter)
    assert "has no integer 'nbformat' field" in assert_clean_error(listed)
    missing = run_proj("jupyter", "convert", "notebooks/nope.ipynb", cwd=starter)
    assert "Notebook notebooks/nope.ipynb does not exist." in assert_clean_error(missing)


def _tagged_notebook(source: str) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Setup", "id": "a"},
            {
                "cell_type": "code",
                "metadata": {"tags": ["node"]},
                "source": source,
                "outputs": [],
                "execution_count": None,
                "id": "b",
            },
        ],
    }


def test_a_package_missing_here_is_a_warning_and_the_module_is_written(starter: Path) -> None:
    notebook = _tagged_notebook(
        "import not_installed_anywhere_xyz\nfrom sklearn_missing_xyz import tree\n\n"
        "def f():\n    return not_installed_anywhere_xyz.VALUE, tree"
    )
    path = starter / "notebooks" / "missing_dep.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_proj("jupyter", "convert", "notebooks/missing_dep.ipynb", cwd=starter)
    assert result.returncode == 0, result.output
    assert "Created src/iris_demo/nodes/missing_dep.py" in result.stdout
    stderr = " ".join(result.stderr.split())
    assert (
        "notebooks/missing_dep.ipynb: cell 2, line 1: the package 'not_installed_anywhere_xyz' "
        "is not installed in this environment; src/iris_demo/nodes/missing_dep.py is written "
        "anyway. Install it with: pip install not_installed_anywhere_xyz"
    ) in stderr
    assert "cell 2, line 2: the package 'sklearn_missing_xyz'" in stderr
    written = (starter / "src" / "iris_demo" / "nodes" / "missing_dep.py").read_text("utf-8")
    compile(written, "missing_dep.py", "exec")


def test_code_that_fails_on_import_is_written_with_a_warning_naming_its_cell(
    starter: Path,
) -> None:
    notebook = _tagged_notebook("import math\n\nRATIO = math.log(0)\n\ndef f():\n    return RATIO")
    path = starter / "notebooks" / "bad_constant.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_proj("jupyter", "convert", "notebooks/bad_constant.ipynb", cwd=starter)
    assert result.returncode == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert (
        "src/iris_demo/nodes/bad_constant.py is written, but importing it fails (cell 2, "
        "line 3): ValueError: math domain error"
    ) in stderr
    assert (starter / "src" / "iris_demo" / "nodes" / "bad_constant.py").exists()


def test_a_pipeline_needing_a_missing_package_is_refused(starter: Path) -> None:
    notebook = _tagged_notebook("import sklearn_missing_xyz\n\nmodel = sklearn_missing_xyz.fit()")
    path = starter / "notebooks" / "needs.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_proj(
        "jupyter", "convert", "notebooks/needs.ipynb", "--to-pipeline", "needs", cwd=starter
    )
    line = assert_clean_error(result)
    assert "imports packages this environment does not have: 'sklearn_missing_xyz' (cell 2" in (
        line
    )
    assert "pip install sklearn_missing_xyz" in result.stderr
    assert not (starter / "src" / "iris_demo" / "pipelines" / "needs").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--all", "notebooks/a.ipynb"],
        ["notebooks/a.ipynb", "notebooks/b.ipynb", "--to-pipeline", "p"],
        ["--all", "--to-pipeline", "p"],
        ["notebooks/a.ipynb", "--to-pipeline", "Bad-Name"],
        ["notebooks/a.ipynb", "--to-pipeline", "p", "--split", "words"],
    ],
)
def test_usage_errors_exit_2(starter: Path, arguments: list[str]) -> None:
    result = run_proj("jupyter", "convert", *arguments, cwd=starter)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------- pipelines


def test_pipeline_conversion_is_guarded_and_keeps_the_catalog(starter: Path) -> None:
    notebook = _copy("pipeline_basic.ipynb", starter)
    catalog = starter / "conf" / "base" / "catalog.yml"
    original = catalog.read_text(encoding="utf-8")
    first = run_proj("jupyter", "convert", notebook, "--to-pipeline", "churn", cwd=starter)
    assert first.returncode == 0, first.output
    folder = starter / "src" / "iris_demo" / "pipelines" / "churn"
    assert sorted(p.name for p in folder.iterdir()) == ["__init__.py", "nodes.py", "pipeline.py"]
    updated = catalog.read_text(encoding="utf-8")
    assert updated.startswith(original)
    assert "# >>> proj jupyter convert: churn (notebooks/pipeline_basic.ipynb)" in updated
    assert "Run it with: proj run --pipeline churn" in first.stdout

    again = run_proj("jupyter", "convert", notebook, "--to-pipeline", "churn", cwd=starter)
    assert again.returncode == 0, again.output
    assert again.stdout.count("Unchanged") == 3
    assert catalog.read_text(encoding="utf-8") == updated

    catalog.write_text(updated.replace("churn/summary.json", "elsewhere.json"), "utf-8")
    refused = run_proj("jupyter", "convert", notebook, "--to-pipeline", "churn", cwd=starter)
    assert "The catalog entries of pipeline 'churn' in conf/base/catalog.yml were edited" in (
        assert_clean_error(refused)
    )
    preview = run_proj(
        "jupyter", "convert", notebook, "--to-pipeline", "churn", "--dry-run", cwd=starter
    )
    assert preview.returncode == 0, preview.output
    assert "-  filepath: data/08_reporting/elsewhere.json" in preview.stdout
    assert "+  filepath: data/08_reporting/churn/summary.json" in preview.stdout
    forced = run_proj(
        "jupyter", "convert", notebook, "--to-pipeline", "churn", "--force", cwd=starter
    )
    assert forced.returncode == 0, forced.output
    assert catalog.read_text(encoding="utf-8") == updated


def test_pipeline_refuses_to_shadow_a_catalog_entry(starter: Path) -> None:
    notebook = _copy("pipeline_basic.ipynb", starter)
    catalog = starter / "conf" / "base" / "catalog.yml"
    with catalog.open("a", encoding="utf-8") as file:
        file.write("\n# mine\nchurn.summary:\n  type: MemoryDataset\n")
    result = run_proj("jupyter", "convert", notebook, "--to-pipeline", "churn", cwd=starter)
    assert "already declares 'churn.summary'" in assert_clean_error(result)
    assert not (starter / "src" / "iris_demo" / "pipelines" / "churn").exists()


def test_unconvertible_notebook_lists_every_problem(starter: Path) -> None:
    notebook = _copy("pipeline_unconvertible.ipynb", starter)
    result = run_proj("jupyter", "convert", notebook, "--to-pipeline", "bad", cwd=starter)
    assert_clean_error(result)
    expected = (NOTEBOOKS / "pipeline_unconvertible" / "error.txt").read_text(encoding="utf-8")
    for line in expected.splitlines()[1:-1]:
        assert line.strip() in result.stderr


def test_a_clash_with_another_pipeline_is_a_warning(starter: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": 'best = int("3")\ncatalog.save("model", best)',
                "outputs": [],
                "execution_count": None,
                "id": "a",
            }
        ],
    }
    (starter / "notebooks" / "clash.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    result = run_proj(
        "jupyter", "convert", "notebooks/clash.ipynb", "--to-pipeline", "clash", cwd=starter
    )
    assert result.returncode == 0, result.output
    assert "src/iris_demo/pipelines/clash builds, but not together with the project's" in (
        result.stderr
    )
    assert "Dataset 'model' is produced by two nodes" in result.stderr


def test_a_notebook_from_the_explore_template_becomes_a_pipeline_that_runs(
    starter: Path,
) -> None:
    import importlib.util

    import yaml

    created = run_proj(
        "jupyter", "new", "notebooks/explore.ipynb", "--dataset", "iris", cwd=starter
    )
    assert created.returncode == 0, created.output
    command = ["jupyter", "convert", "notebooks/explore.ipynb", "--to-pipeline", "explore"]
    converted = run_proj(*command, cwd=starter)
    assert converted.returncode == 0, converted.output
    # The template only looks at the data: nothing to persist, least of all a module.
    assert "persists" not in converted.stdout
    catalog = yaml.safe_load((starter / "conf" / "base" / "catalog.yml").read_text("utf-8"))
    assert not [name for name in catalog if name.startswith("explore.")]
    folder = starter / "src" / "iris_demo" / "pipelines" / "explore"
    nodes = (folder / "nodes.py").read_text(encoding="utf-8")
    # The optional import of matplotlib moved to module level, before the nodes.
    assert nodes.count("import matplotlib.pyplot as plt") == 1
    assert nodes.index("try:\n    import matplotlib.pyplot") < nodes.index("\ndef ")
    assert "plt" not in (folder / "pipeline.py").read_text(encoding="utf-8")

    ran = run_proj("run", "--pipeline", "explore", cwd=starter)
    assert ran.returncode == 0, ran.output
    assert node_statuses(starter) == {
        "explore.iris_node": "success",
        "explore.distributions": "success",
        "explore.missing_values": "success",
        "explore.summary_statistics": "success",
    }
    hint = "Install matplotlib to see the histograms" in ran.output
    assert hint == (importlib.util.find_spec("matplotlib") is None)

    again = run_proj(*command, cwd=starter)
    assert again.returncode == 0, again.output
    assert again.stdout.count("Unchanged") == 3
    assert (folder / "nodes.py").read_text(encoding="utf-8") == nodes


# ---------------------------------------------------------------------- --verify


def _table_rows(output: str) -> dict[str, str]:
    """Value name -> the rest of its row in the --verify table (box characters dropped)."""
    rows: dict[str, str] = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃|").split("│")]
        if len(cells) >= 3 and cells[0] and cells[0] not in ("value",):
            rows[cells[0]] = " ".join(cells[1:])
    return rows


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_env")
@pytest.mark.parametrize("name", sorted(CASES))
def test_verify_finds_each_round_trip_notebook_equal(name: str, project: Path) -> None:
    persisted, saved = CASES[name]
    shutil.copyfile(ROUNDTRIP / f"{name}.ipynb", project / "notebooks" / f"{name}.ipynb")
    installed = run_proj("kernel", "install", cwd=project)
    assert installed.returncode == 0, installed.output
    result = run_proj(
        "jupyter",
        "convert",
        f"notebooks/{name}.ipynb",
        "--to-pipeline",
        name,
        "--verify",
        cwd=project,
        timeout=600,
    )
    assert result.returncode == 0, result.output
    rows = _table_rows(result.stdout)
    for variable in persisted:
        assert rows[variable] == f"{name}.{variable} equal", result.stdout
    for variable, dataset in saved.items():
        assert rows[variable] == f"{dataset} equal", result.stdout
    total = len(persisted) + len(saved)
    assert f"{total} equal, 0 different, 0 not compared" in result.stdout
    assert "WARNING" not in result.output  # the kernel's TCP notice is kept out


def _convert_and_verify(project: Path, document: dict[str, Any], name: str) -> Result:
    """Install the kernel, then `proj jupyter convert notebooks/NAME.ipynb --to-pipeline
    NAME --verify` on the notebook ``document``."""
    (project / "notebooks" / f"{name}.ipynb").write_text(json.dumps(document), encoding="utf-8")
    assert run_proj("kernel", "install", cwd=project).returncode == 0
    command = ["jupyter", "convert", f"notebooks/{name}.ipynb", "--to-pipeline", name]
    return run_proj(*command, "--verify", cwd=project, timeout=600)


MISMATCH = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Where am I?", "id": "a"},
        {
            "cell_type": "code",
            "metadata": {},
            "source": (
                "import os\nimport random\n\n"
                "process = os.getpid()\n"
                "sizes = {'a': 1, 'b': os.getpid() * 2}\n"
                "rows = list(range(3))\n"
                "draw = random.random()"
            ),
            "outputs": [],
            "execution_count": None,
            "id": "b",
        },
    ],
}


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_env")
def test_verify_reports_a_deliberate_mismatch_and_exits_1(project: Path) -> None:
    """The notebook runs in a kernel, the pipeline in another process: the process ids
    each sees differ, and so does everything computed from them; an unseeded random
    draw differs too, and that one is explained."""
    result = _convert_and_verify(project, MISMATCH, "where")
    assert result.returncode == 1, result.output
    rows = _table_rows(result.stdout)
    assert rows["process"].startswith("where.process different (")
    assert rows["sizes"].startswith("where.sizes different (")
    assert rows["sizes"].endswith("at ['b'])")
    assert rows["rows"] == "where.rows equal"
    assert rows["draw"].startswith("where.draw different (")
    assert "1 equal, 3 different, 0 not compared" in result.stdout
    why = " ".join(result.stdout.split())
    assert (
        "Why they may differ: the notebook draws random numbers without a fixed seed "
        "(cell 2, line 7: random.random(...))" in why
    )
    assert "random.seed(0)" in why
    assert "Traceback" not in result.output

    # The converted pipeline stays out of what a plain `proj run` runs.
    ran = run_proj("run", cwd=project)
    assert ran.returncode == 0, ran.output
    assert not [node for node in node_statuses(project) if node.startswith("where.")]


LAZY = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "source": (
                "class Lazy:\n"
                "    def __init__(self, function):\n"
                "        self.function = function\n\n"
                "    def _repr_html_(self):\n"
                "        return f'<b>{self.function(2)}</b>'\n\n\n"
                "counts = {'shown': 0}\n\n\n"
                "def show(k):\n"
                "    counts['shown'] += k\n"
                "    return k\n\n\n"
                "Lazy(show)"
            ),
            "outputs": [],
            "execution_count": None,
            "id": "a",
        },
    ],
}


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_env")
def test_verify_explains_a_value_changed_when_the_notebook_displays(project: Path) -> None:
    """Jupyter displays the cell's last value, whose HTML calls show(), which changes
    counts; the pipeline displays nothing. --verify names the function and the place."""
    result = _convert_and_verify(project, LAZY, "lazy")
    assert result.returncode == 1, result.output
    rows = _table_rows(result.stdout)
    assert rows["counts"].startswith("lazy.counts different (")
    why = " ".join(result.stdout.split())
    assert (
        "Why they may differ: 'counts' is changed in place by show() (cell 1, line 12), "
        "which the notebook never calls itself: it hands show to other code (cell 1, "
        "line 17)" in why
    )


def test_verify_without_the_kernel_says_how_to_install_it(project: Path, tmp_path: Path) -> None:
    (project / "notebooks" / "where.ipynb").write_text(json.dumps(MISMATCH), encoding="utf-8")
    empty = {
        variable: str(tmp_path / "empty" / variable.lower())
        for variable in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR")
    }
    command = ["jupyter", "convert", "notebooks/where.ipynb", "--to-pipeline", "where"]
    result = run_proj(*command, "--verify", cwd=project, env=empty)
    line = assert_clean_error(result)
    name = default_kernel_name("iris_demo", project)
    assert f"The Jupyter kernel '{name}' is not installed" in line
    assert "proj kernel install" in result.stderr
