"""Grouping cells into nodes: headings, one cell per node, tags, names."""

from __future__ import annotations

from typing import Any

import pytest

from proj.exceptions import NotebookError
from proj.notebook.grouping import Split, group_cells, slug
from proj.notebook.reading import read_notebook
from proj.notebook.statements import analyze_cell
from tests.notebook.conftest import code, md, notebook


def _groups(data: dict[str, Any], split: Split = "headings") -> list[tuple[str, list[int]]]:
    read = read_notebook(data)
    analyses = {c.number: analyze_cell(c) for c in read.code_cells}
    groups, _ = group_cells(read, analyses, split)
    return [(g.name, [a.cell.number for a in g.cells]) for g in groups]


def test_cells_under_a_heading_form_one_node_named_after_it() -> None:
    data = notebook(
        "a = 1",
        "b = 2",
        md("# Load the data"),
        "c = 3",
        "d = 4",
        md("Some prose without a heading."),
        "e = 5",
        md("## Load the data"),
        "f = 6",
    )
    assert _groups(data) == [
        ("cell_1", [1]),
        ("cell_2", [2]),
        ("load_the_data", [4, 5, 7]),
        ("load_the_data_2", [9]),
    ]


def test_split_cells_gives_one_node_per_cell() -> None:
    data = notebook(md("# Clean"), "a = 1", "b = 2")
    assert _groups(data, "cells") == [("clean", [2]), ("cell_3", [3])]


def test_tags_skip_and_name_nodes() -> None:
    data = notebook(
        code("setup = 1", "skip"),
        md("# Model"),
        "x = 1",
        code("y = 2", "node:train"),
        "z = 3",
        code("w = 4", "node:train"),
        code("v = 5", "node"),
        code("%%bash\necho hi"),
        "u = 6",
    )
    assert _groups(data) == [("model", [3]), ("train", [4, 5, 6]), ("cell_7", [7, 9])]


def test_the_same_node_name_on_separate_cells_is_an_error() -> None:
    data = notebook(code("a = 1", "node:load"), md("# Next"), code("b = 2", "node:load"))
    with pytest.raises(NotebookError, match="cells 1 and 3 are both tagged 'node:load'"):
        _groups(data)


def test_a_node_name_must_be_an_identifier() -> None:
    with pytest.raises(NotebookError, match="tagged 'node:load-data', which is not a valid"):
        _groups(notebook(code("a = 1", "node:load-data")))


def test_unknown_split_rule() -> None:
    with pytest.raises(NotebookError, match="Unknown split rule 'pages'"):
        _groups(notebook("a = 1"), "pages")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Load the données!", "load_the_donnees"),
        ("2024 results", "results"),
        ("2024", "step_2024"),
        ("class", "class_"),
        ("🚀", ""),
        ("Évaluer le modèle", "evaluer_le_modele"),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected
