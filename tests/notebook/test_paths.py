"""Notebook-relative paths rewritten relative to the project root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from proj.notebook import to_pipeline
from proj.notebook.paths import rewrite_paths
from tests.notebook.conftest import notebook

if TYPE_CHECKING:
    from pathlib import Path


def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "project"
    (root / "data" / "01_raw").mkdir(parents=True)
    (root / "data" / "01_raw" / "sales.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "notebooks" / "eda").mkdir(parents=True)
    (root / "notebooks" / "eda" / "local.txt").write_text("x", encoding="utf-8")
    return root, root / "notebooks" / "eda"


def test_existing_notebook_relative_paths_are_rewritten_with_a_note(tmp_path: Path) -> None:
    root, folder = _project(tmp_path)
    body = (
        "a = '../../data/01_raw/sales.csv'\n"
        'b = r"local.txt"\n'
        "c = '../../data/01_raw/missing.csv'\n"
        "d = f'../../data/{a}'\n"
        "e = 'https://example.org/x.csv'\n"
        "g = '''../../data/01_raw/sales.csv'''\n"
    )
    new, notes = rewrite_paths(
        body, notebook_dir=folder, root=root, where=lambda line: f"cell 3, line {line}"
    )
    assert new.splitlines() == [
        "a = 'data/01_raw/sales.csv'",
        'b = r"notebooks/eda/local.txt"',
        "c = '../../data/01_raw/missing.csv'",
        "d = f'../../data/{a}'",
        "e = 'https://example.org/x.csv'",
        "g = '''../../data/01_raw/sales.csv'''",
    ]
    assert notes == [
        "cell 3, line 1: the path '../../data/01_raw/sales.csv' is relative to the notebook's "
        "folder; the pipeline runs from the project root, so it reads 'data/01_raw/sales.csv'.",
        "cell 3, line 2: the path 'local.txt' is relative to the notebook's folder; the "
        "pipeline runs from the project root, so it reads 'notebooks/eda/local.txt'.",
    ]


def test_nothing_changes_for_a_notebook_in_the_project_root(tmp_path: Path) -> None:
    root, _ = _project(tmp_path)
    body = "a = 'data/01_raw/sales.csv'\n"
    assert rewrite_paths(body, notebook_dir=root, root=root, where=str) == (body, [])


def test_to_pipeline_rewrites_paths_in_nodes_and_names_the_cell(tmp_path: Path) -> None:
    root, folder = _project(tmp_path)
    data = notebook(
        "import pandas as pd",
        "sales = pd.read_csv('../../data/01_raw/sales.csv')\ntotal = len(sales)",
    )
    result = to_pipeline(data, "p", notebook_name="n.ipynb", paths=(folder, root))
    assert "pd.read_csv('data/01_raw/sales.csv')" in result.nodes_source
    assert any(w.startswith("cell 2, line 1: the path '../../data/") for w in result.warnings)
