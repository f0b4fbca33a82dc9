"""Definitions a notebook rebinds to a value: renamed where faithful, refused otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.exceptions import NotebookError
from proj.notebook.reading import read_notebook
from proj.notebook.rebinding import rename_rebound_definitions
from proj.notebook.statements import analyze_cell
from proj.notebook.topipeline import to_pipeline
from tests.notebook.conftest import md, notebook
from tests.notebook.test_topipeline import run_cells, run_pipeline


def renamed(*cells: str) -> tuple[list[str], list[str]]:
    """The code cells' sources after renaming, and the warnings."""
    read = read_notebook(notebook(*cells))
    analyses = {cell.number: analyze_cell(cell) for cell in read.code_cells}
    result, warnings = rename_rebound_definitions(read, analyses)
    return [cell.source for cell in result.code_cells], warnings


def test_an_import_rebound_to_its_data_runs_as_the_notebook_does(tmp_path: Path) -> None:
    data = notebook(
        md("# Load"),
        "import statistics, json\nfrom string import ascii_lowercase as letters\n\n"
        "letters = letters.upper()  # the module's string, then a value\n"
        "statistics = statistics.mean([1, 2, 6])",
        md("# Points"),
        "def points(n, s=1):\n    return [s * i for i in range(n)]\n\n"
        "blues, reds = points(3), points(3, s=-1)",
        md("# Use"),
        "points = blues + reds\ntotal = sum(points) + statistics\nfirst = letters[:3]\n"
        "text = json.dumps(points)",
    )
    result = to_pipeline(data, "demo", parquet=False)
    assert "import statistics as statistics_module" in result.nodes_source
    assert "from string import ascii_lowercase as letters_module" in result.nodes_source
    assert "def points_function(n, s=1):" in result.nodes_source
    assert "statistics = statistics_module.mean([1, 2, 6])" in result.nodes_source
    assert result.warnings[:3] == [
        "cell 2, line 1: 'statistics' is imported here and becomes a value at cell 2, line "
        "5; the generated code names the module 'statistics_module' up to there",
        "cell 2, line 2: 'letters' is imported here and becomes a value at cell 2, line 4; "
        "the generated code names the module 'letters_module' up to there",
        "cell 4, line 1: 'points' is defined here and becomes a value at cell 6, line 1; "
        "the generated code names the function 'points_function' up to there",
    ]
    expected = run_cells(data, {}, {})
    actual = run_pipeline(result, tmp_path, {}, {})
    assert set(result.persisted) == {"total", "first", "text"}
    for variable, dataset in result.persisted.items():
        assert actual[dataset] == expected[variable], variable
    assert actual["demo.text"] == "[0, 1, 2, 0, -1, -2]"


def test_functions_defined_after_the_value_read_the_value(tmp_path: Path) -> None:
    data = notebook(
        "import math\nroot = math.sqrt(16)",
        "math = [root, 2.0]",
        "def scaled(k):\n    return [k * v for v in math]\n\nresult = scaled(3)",
    )
    result = to_pipeline(data, "demo", parquet=False)
    assert "import math as math_module" in result.nodes_source
    expected = run_cells(data, {}, {})
    actual = run_pipeline(result, tmp_path, {}, {})
    assert actual["demo.result"] == expected["result"] == [12.0, 6.0]


def test_the_new_name_avoids_names_the_notebook_uses() -> None:
    sources, _ = renamed("import json\njson_module = 1\njson = json.dumps(json_module)")
    assert sources == [
        "import json as json_module_2\njson_module = 1\njson = json_module_2.dumps(json_module)"
    ]


def test_reads_after_non_ascii_text_and_inside_f_strings_are_renamed_in_place() -> None:
    # ast gives UTF-8 byte offsets; "é" and "ü" take two bytes each.
    sources, _ = renamed(
        "import json",
        'label = f"é {json.dumps(1)}" + "ü"; other = json.dumps(2)\njson = label',
    )
    assert sources == [
        "import json as json_module",
        'label = f"é {json_module.dumps(1)}" + "ü"; other = json_module.dumps(2)\njson = label',
    ]


def test_decorators_defaults_and_lambda_defaults_are_renamed_but_not_bodies() -> None:
    sources, warnings = renamed(
        "import functools",
        "@functools.lru_cache\ndef area(r, scale=functools.reduce(int.__mul__, [1, 2])):\n"
        "    functools = 3  # a local of its own\n    return r * scale * functools",
        "square = lambda x, k=functools.WRAPPER_ASSIGNMENTS: x\nfunctools = area(2)",
    )
    assert sources == [
        "import functools as functools_module",
        "@functools_module.lru_cache\n"
        "def area(r, scale=functools_module.reduce(int.__mul__, [1, 2])):\n"
        "    functools = 3  # a local of its own\n    return r * scale * functools",
        "square = lambda x, k=functools_module.WRAPPER_ASSIGNMENTS: x\nfunctools = area(2)",
    ]
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "cells",
    [
        # A function reads the name when called, perhaps after it is rebound.
        ["import math", "def f():\n    return math.pi", "math = 3\nprint(f())"],
        # A function rebinds it through `global` when called.
        ["import json", "def f():\n    global json\n    json = 5", "f()\njson = json + 1"],
        # `import os.path` binds `os`: no alias can rename just that.
        ["import os.path", "os = os.getcwd()"],
        # The value comes first; the definition later.
        ["x = 1", "def x():\n    pass"],
        # A definition after the value.
        ["import json", "json = 1", "import json"],
        # The first value is not a plain assignment.
        ["import json", "for json in range(3):\n    pass"],
        ["import json", "json += 1"],
        # A generator expression runs lazily.
        ["import json", "g = (json.dumps(i) for i in range(2))\njson = 2"],
        # A comprehension that binds the name itself.
        ["import json", "v = [json for json in range(2)]\njson = v"],
        # The name in a target next to the rebinding (`json.x` read around the binding).
        ["import json", "json, json.x = 1, 2"],
        # IPython syntax on the line to change.
        ["import json", "%time json = json.dumps(1)"],
        # Deleted before its value.
        ["import json", "del json\njson = 1"],
    ],
)
def test_unsure_cases_are_left_to_the_dataflow(cells: list[str]) -> None:
    sources, warnings = renamed(*cells)
    assert sources == cells
    assert warnings == []


def test_a_function_reading_the_rebound_name_is_still_refused_with_its_place() -> None:
    data = notebook("import math", "def f():\n    return math.pi", "math = 3\nv = f()")
    with pytest.raises(NotebookError, match="'math' is both a definition"):
        to_pipeline(data, "demo", parquet=False)
