"""Dataflow between nodes: inputs, outputs, versions, inlined functions, problems."""

from __future__ import annotations

from typing import Any

import pytest

from proj.notebook.dataflow import infer_dataflow
from proj.notebook.grouping import group_cells
from proj.notebook.reading import read_notebook
from proj.notebook.records import Dataflow
from proj.notebook.statements import analyze_cell
from tests.notebook.conftest import code, md, notebook


def _flow(data: dict[str, Any]) -> Dataflow:
    read = read_notebook(data)
    analyses = {c.number: analyze_cell(c) for c in read.code_cells}
    groups, skipped = group_cells(read, analyses, "cells")
    return infer_dataflow(groups, [analyses[n] for n in skipped])


def _summary(dataflow: Dataflow) -> list[tuple[list[str], list[str]]]:
    """Per node: inputs (``name@producer`` for data) and versions written."""
    out = []
    for flow in dataflow.flows:
        inputs = [
            f"{i.ident}@{dataflow.flows[i.version.group].group.name}"
            if i.kind == "data" and i.version
            else f"{i.kind}:{i.dataset}"
            for i in flow.inputs
        ]
        out.append((inputs, [v.name for v in flow.versions]))
    return out


def test_reads_of_earlier_values_are_inputs_and_changes_are_new_versions() -> None:
    dataflow = _flow(
        notebook(
            "import pandas as pd",
            'df = pd.DataFrame({"a": [1, 2]})',
            'df["b"] = df["a"] * 2',
            "n = len(df)\nn += 1",
            'summary = df.describe()\nsummary["n"] = n',
        )
    )
    assert dataflow.problems == []
    assert _summary(dataflow) == [
        ([], []),  # the import moved to module level
        ([], ["df"]),
        (["df@cell_2"], ["df"]),
        (["df@cell_3"], ["n"]),
        (["df@cell_3", "n@cell_4"], ["summary"]),
    ]
    assert dataflow.final["df"].consumers == [3, 4]
    assert dataflow.final["summary"].consumers == []


def test_definitions_move_to_module_level_and_constants_stay_put() -> None:
    dataflow = _flow(
        notebook(
            "import math\nLIMIT = 3\nstep = 0.5",
            "def f(x):\n    return math.floor(x) * LIMIT",
            "values = [f(v * step) for v in range(LIMIT)]",
        )
    )
    moved = [(ref.analysis.cell.number, ref.statement.kind) for ref in dataflow.module_level]
    assert moved == [(1, "import"), (1, "assign"), (1, "assign"), (2, "def")]
    assert _summary(dataflow) == [([], []), ([], []), ([], ["values"])]


def test_functions_reading_data_are_copied_into_the_nodes_using_them() -> None:
    dataflow = _flow(
        notebook(
            "threshold = 10",
            "threshold += 1",
            "def big(x):\n    return x > threshold",
            "flags = [big(v) for v in range(20)]",
        )
    )
    assert dataflow.problems == []
    last = dataflow.flows[-1]
    assert [ref.statement.binds for ref in last.inline] == [("big",)]
    assert _summary(dataflow)[-1] == (["threshold@cell_2"], ["flags"])


def test_kernel_patterns_become_catalog_and_parameter_inputs() -> None:
    dataflow = _flow(
        notebook(
            code("from proj.framework import Session\ncatalog = ...\nparams = ...", "skip"),
            'raw = catalog.load("raw")\nrate = params["model"]["rate"]',
            "everything = dict(params)",
            'catalog.save("out", raw)',
        )
    )
    assert dataflow.problems == []
    assert _summary(dataflow) == [
        (["catalog:raw", "param:params:model.rate"], ["raw", "rate"]),
        (["parameters:parameters"], ["everything"]),
        (["raw@cell_2"], []),
    ]
    assert dataflow.flows[-1].saves == ["out"]


def test_values_read_after_their_last_change_in_their_node_are_marked_used() -> None:
    dataflow = _flow(notebook('a = int("1")\nb = a + 1', "for i in range(3):\n    pass"))
    versions = {v.name: (v.used, v.temp) for flow in dataflow.flows for v in flow.versions}
    assert versions == {"a": (True, False), "b": (False, False), "i": (False, True)}


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (
            ["total = later + 1", "later = compute()"],
            "'later' is read before any cell defines it (first defined in cell 2, line 1)",
        ),
        (["x = 1", "del x"], "`del x` deletes a notebook variable that an earlier cell defined"),
        (["catalog.list()"], '`catalog` is used for something other than catalog.load("name")'),
        (["data = catalog.load(name)"], "`catalog` is used for something other than"),
        (["params['a'] = 1"], "`params` is changed in place"),
        (
            ["def f():\n    return catalog.load('x')", "y = f()"],
            "'f' uses `catalog` inside a function",
        ),
        (["print(undefined)"], "'undefined' is not defined: no converted cell defines it"),
        (
            ["f = 1", "def f():\n    pass"],
            "'f' is both a definition (cell 2, line 1) and a value computed here",
        ),
    ],
)
def test_problems_name_cell_line_and_cause(cells: list[str], message: str) -> None:
    problems = _flow(notebook(*cells)).problems
    assert any(message in text for _, _, text in problems), problems


def test_names_only_a_skipped_cell_defines_are_explained() -> None:
    problems = _flow(notebook(code("secret = 1", "skip"), "print(secret)")).problems
    assert problems == [
        (2, 1, "'secret' is not defined: only cell 1, which is left out, defines it")
    ]


def test_an_earlier_definition_in_use_is_a_warning() -> None:
    dataflow = _flow(
        notebook(
            md("# A"),
            "def f():\n    return 1",
            "one = f()",
            "def f():\n    return 2",
            "two = f()",
        )
    )
    assert dataflow.warnings == [
        "cell 3, line 1 uses 'f' as defined in cell 2, line 1; the pipeline keeps only its "
        "last definition (cell 4, line 1)."
    ]


def test_a_notebook_function_called_for_its_effect_makes_a_new_version() -> None:
    dataflow = _flow(
        notebook(
            'rows = [{"a": 1}]',
            'def add_flag(items):\n    for item in items:\n        item["flag"] = True',
            "add_flag(rows)\nprint(rows)",
            "n = len(rows)",
        )
    )
    assert _summary(dataflow) == [
        ([], ["rows"]),
        ([], []),
        (["rows@cell_1"], ["rows"]),
        (["rows@cell_3"], ["n"]),
    ]


def test_readers_of_a_value_run_before_the_node_changing_it_in_place() -> None:
    dataflow = _flow(
        notebook(
            "class Model:\n    state = 0\n    def fit(self):\n        self.state = 1",
            "model = Model()\nitems = [1]",
            "a = model.state",
            "b = model.state\nn = len(items)",
            "model.fit()",
            "c = model.state",
            "items = items + [2]",
        )
    )
    assert dataflow.problems == []
    # Each reader of the first model passes it on, so "model.fit()" runs after both;
    # rebinding items (not a change in place) needs no such order.
    assert _summary(dataflow) == [
        ([], []),
        ([], ["model", "items"]),
        (["model@cell_2"], ["a", "model"]),
        (["model@cell_3", "items@cell_2"], ["b", "n", "model"]),
        (["model@cell_4"], ["model"]),
        (["model@cell_5"], ["c"]),
        (["items@cell_2"], ["items"]),
    ]
    passed = [(v.name, v.group) for flow in dataflow.flows for v in flow.versions if v.passed]
    assert passed == [("model", 2), ("model", 3)]


def test_a_method_that_changes_its_object_does_so_even_when_its_result_is_used() -> None:
    dataflow = _flow(
        notebook(
            "class Scaler:\n    def fit_transform(self, x):\n        return x",
            "scaler = Scaler()\nqueue = [3, 1]",
            "scaled = scaler.fit_transform([1.0])\nfirst = queue.pop(0)",
            "again = scaler.fit_transform(queue)",
        )
    )
    assert _summary(dataflow)[2:] == [
        (["scaler@cell_2", "queue@cell_2"], ["scaler", "scaled", "queue", "first"]),
        (["scaler@cell_3", "queue@cell_3"], ["scaler", "again"]),
    ]


def test_an_optional_import_moves_to_module_level_like_an_import() -> None:
    dataflow = _flow(
        notebook(
            "frame = sorted([3, 1, 2])",
            "try:\n    import matplotlib.pyplot as plt\nexcept ImportError:\n    plt = None\n"
            "    print('Install matplotlib to see the plot')",
            "if plt is not None:\n    plt.plot(frame)\n    plt.tight_layout()\nsize = len(frame)",
        )
    )
    assert dataflow.problems == []
    moved = [(ref.analysis.cell.number, ref.statement.kind) for ref in dataflow.module_level]
    assert moved == [(2, "import")]
    assert "plt" not in dataflow.data_names
    # plt is neither an input nor an output, although the last cell calls its methods.
    assert _summary(dataflow) == [([], ["frame"]), ([], []), (["frame@cell_1"], ["size"])]


BLOCK_PROBLEM = (
    "'statistics' is imported inside a block (cell 2, line 2), and a module cannot pass "
    "from one node to another; move the import to the top level of a cell"
)


def test_a_name_imported_in_a_block_is_never_data_and_later_reads_are_problems() -> None:
    dataflow = _flow(
        notebook(
            "values = sorted([3, 1, 2])",
            "if len(values) > 2:\n    import statistics\n"
            "    middle = statistics.median(values)\nelse:\n    middle = None\n"
            "try:\n    import plotly\n    HAS_PLOTLY = True\nexcept ImportError:\n"
            "    HAS_PLOTLY = False",
            "spread = statistics.pstdev(values)",
            "def mean_of(items):\n    return statistics.mean(items)",
            "average = mean_of(values)\nplots = HAS_PLOTLY",
        )
    )
    assert "statistics" not in dataflow.data_names
    assert "plotly" not in dataflow.data_names
    # The cell importing it uses it freely; it is no output of that node.
    assert _summary(dataflow)[1] == (["values@cell_1"], ["middle", "HAS_PLOTLY"])
    assert dataflow.problems == [(3, 1, BLOCK_PROBLEM), (5, 1, BLOCK_PROBLEM)]


def test_a_block_import_of_a_name_imported_at_the_top_level_is_a_problem() -> None:
    dataflow = _flow(notebook("import json\nfast = bool(1)", "if fast:\n    import ujson as json"))
    assert dataflow.problems == [
        (
            2,
            2,
            "'json' is imported inside a block here and also defined in cell 1, line 1; "
            "move the import to the top level of a cell",
        )
    ]
