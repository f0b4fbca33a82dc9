"""Reading notebooks: formats, bad input, kernels, IPython syntax, headings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proj.exceptions import NotebookError
from proj.notebook.reading import Cell, heading_of, read_notebook
from tests.notebook.conftest import code, md, notebook

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "notebooks"


def test_reads_cells_tags_and_joined_sources(tmp_path: Path) -> None:
    data = notebook(md("# Title"), code(["x = 1\n", "y = 2"], "node", "other"))  # type: ignore[arg-type]
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    read = read_notebook(path)
    assert read.name == str(path)
    assert read.cells == (
        Cell(1, "markdown", "# Title"),
        Cell(2, "code", "x = 1\ny = 2", ("node", "other")),
    )
    assert [c.number for c in read.code_cells] == [2]


def test_content_hash_ignores_outputs_and_execution_counts() -> None:
    plain = notebook("x = 1")
    ran = notebook("x = 1")
    ran["cells"][0]["execution_count"] = 7
    ran["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    assert read_notebook(plain).content_hash == read_notebook(ran).content_hash
    assert read_notebook(notebook("x = 2")).content_hash != read_notebook(plain).content_hash


def test_not_json_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{\n  "cells": [,\n}', encoding="utf-8")
    with pytest.raises(
        NotebookError,
        match=r"broken.ipynb is not a notebook: it is not valid JSON \(line 2, column 13",
    ):
        read_notebook(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "has no integer 'nbformat' field"),
        ({"nbformat": "4", "cells": []}, "has no integer 'nbformat' field"),
        ({"nbformat": 5, "cells": []}, "uses nbformat 5, which this version of proj does not know"),
        ({"nbformat": 4}, "'cells' is missing or not a list"),
        ({"nbformat": 4, "cells": [{"source": "x"}]}, "cell 1 has no 'cell_type'"),
        ({"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}, "source of cell 1"),
    ],
)
def test_json_that_is_not_a_notebook_is_refused(data: object, message: str) -> None:
    with pytest.raises(NotebookError, match=message):
        read_notebook(data)  # type: ignore[arg-type]


def test_missing_file_is_a_notebook_error(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match="does not exist"):
        read_notebook(tmp_path / "nope.ipynb")


def test_nbformat_v3_is_upgraded_with_tags_and_headings() -> None:
    read = read_notebook(GOLDEN / "nbformat_v3.ipynb")
    assert [c.cell_type for c in read.cells] == ["markdown", "code", "code", "code"]
    assert heading_of(read.cells[0]) == "Legacy geometry"
    assert read.cells[2].tags == ("node",)
    assert read.cells[2].source.startswith("def hypotenuse(a, b):\n")


def test_non_python_kernels_are_refused_unless_asked_not_to() -> None:
    data = notebook("x <- 1", language="R")
    with pytest.raises(NotebookError, match="only Python notebooks can be converted"):
        read_notebook(data)
    lenient = read_notebook(data, require_python=False)
    assert (lenient.language, lenient.is_python) == ("R", False)
    assert read_notebook({"nbformat": 4, "cells": []}).is_python


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Load the data", "Load the data"),
        ("Intro text\n\n### 2. Clean ###", "2. Clean"),
        ("#hashtag is not a heading", None),
        ("    # indented code block", None),
    ],
)
def test_heading_of_markdown(source: str, expected: str | None) -> None:
    assert heading_of(Cell(1, "markdown", source)) == expected
    assert heading_of(Cell(1, "code", source)) is None
