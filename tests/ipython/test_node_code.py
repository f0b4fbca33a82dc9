"""The code %load_node writes, built from real modules on disk."""

from __future__ import annotations

import functools
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from proj.exceptions import NotebookError
from proj.ipython.node_code import node_code, variable_name
from proj.pipeline import node

MODULE = '''
    """A module of node functions."""

    from __future__ import annotations

    import math
    from typing import TYPE_CHECKING

    from .consts import OFFSET

    if TYPE_CHECKING:
        from collections.abc import Sequence

    FACTOR = 3


    def _helper(x: float) -> float:
        return x * FACTOR


    def scale(values: Sequence[float], power: int) -> list[float]:
        """Scale values."""
        return [math.pow(_helper(v), power) + OFFSET for v in values]


    def report(values):
        print(len(values))


    def split(values):
        return values[:1], values[1:]


    def pair(left, right):
        return {"sum": left + right, "diff": left - right}


    def make_nested():
        def inner(values):
            return values

        return inner
    '''


@pytest.fixture
def nodes_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    package = tmp_path / "nodepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "consts.py").write_text("OFFSET = 1\n")
    (package / "funcs.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    module = importlib.import_module("nodepkg.funcs")
    yield module
    for name in [n for n in sys.modules if n == "nodepkg" or n.startswith("nodepkg.")]:
        del sys.modules[name]


def execute(code: str, **catalog_data: object) -> dict[str, object]:
    """Run generated code with a tiny catalog; returns the namespace."""

    class Catalog:
        def load(self, name: str) -> object:
            return catalog_data[name]

    namespace: dict[str, object] = {"catalog": Catalog()}
    exec(compile(code, "<cell>", "exec"), namespace)
    return namespace


def test_positional_inputs_take_the_parameter_names(nodes_module: ModuleType) -> None:
    code = node_code(node(nodes_module.scale, ["numbers", "params:power"], "scaled"))
    assert code.inputs == ('values = catalog.load("numbers")\npower = catalog.load("params:power")')
    assert code.call == "scaled = scale(values, power)\nscaled"
    assert code.definition.startswith("from __future__ import annotations\nimport math\n")
    assert "from nodepkg.consts import OFFSET" in code.definition
    # Helpers it calls come from their module (which keeps their own globals).
    assert "from nodepkg.funcs import _helper\n" in code.definition
    assert "TYPE_CHECKING" in code.definition  # module imports are kept as they are
    namespace = execute(code.as_single_cell(), **{"numbers": [1.0, 2.0], "params:power": 2})
    assert namespace["scaled"] == [10.0, 37.0]


def test_single_cell_puts_the_future_import_first(nodes_module: ModuleType) -> None:
    text = node_code(node(nodes_module.scale, ["numbers", "params:power"], "scaled"))
    cell = text.as_single_cell()
    assert cell.splitlines()[0] == "from __future__ import annotations"
    assert cell.count("from __future__") == 1
    compile(cell, "<cell>", "exec")  # Python accepts it as one cell


def test_dict_inputs_and_outputs(nodes_module: ModuleType) -> None:
    spec = node(nodes_module.pair, {"right": "b", "left": "a"}, {"sum": "s", "diff": "d"})
    code = node_code(spec)
    # Dict inputs follow the function's parameter order, as Kedro lists them.
    assert code.inputs == 'left = catalog.load("a")\nright = catalog.load("b")'
    assert code.call == (
        'outputs = pair(left=left, right=right)\ns = outputs["sum"]\nd = outputs["diff"]'
    )
    namespace = execute(code.as_single_cell(), a=5, b=2)
    assert (namespace["s"], namespace["d"]) == (7, 3)


def test_no_outputs_and_tuple_outputs(nodes_module: ModuleType) -> None:
    assert node_code(node(nodes_module.report, "numbers", None)).call == "report(values)"
    code = node_code(node(nodes_module.split, "numbers", ["head", "tail"]))
    assert code.call == "head, tail = split(values)"
    namespace = execute(code.as_single_cell(), numbers=[1, 2, 3])
    assert (namespace["head"], namespace["tail"]) == ([1], [2, 3])


def test_lambdas_partials_and_nested_functions_are_refused(nodes_module: ModuleType) -> None:
    with pytest.raises(NotebookError, match="not a function defined with def"):
        node_code(node(lambda x: x, "a", "b", name="ident"))
    with pytest.raises(NotebookError, match=r"functools\.partial"):
        node_code(node(functools.partial(nodes_module.scale, power=2), "a", "b", name="sq"))
    with pytest.raises(NotebookError, match="inside another function"):
        node_code(node(nodes_module.make_nested(), "a", "b", name="nested"))


def test_a_function_removed_from_its_file_is_reported(
    nodes_module: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "nodepkg" / "funcs.py").write_text("X = 1\n")
    with pytest.raises(NotebookError, match=r"no longer defines a top-level function scale\(\)"):
        node_code(node(nodes_module.scale, ["a", "b"], "c"))


@pytest.mark.parametrize(
    ("dataset", "expected"),
    [
        ("iris", "iris"),
        ("params:split.ratio", "split_ratio"),
        ("ns.model-v2", "ns_model_v2"),
        ("2024_sales", "_2024_sales"),
        ("class", "class_"),
        ("catalog", "catalog_"),
    ],
)
def test_variable_names_are_identifiers(dataset: str, expected: str) -> None:
    assert variable_name(dataset) == expected
