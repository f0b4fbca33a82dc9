"""Property-based tests: notebooks generated from a small grammar convert faithfully.

The grammar: integer and list variables assigned from literals and each other,
augmented assignment, in-place changes (``append``, ``sort``, item assignment), ``if``
branches (some binding names on one path only), ``for`` loops, functions that read
notebook globals when called, functions importing a module inside their body, and a
function's name rebound to its result (``f0 = f0(3)``, then read as data). Each
cell may start under a Markdown heading (so nodes hold one or several cells).

* The pipeline generated with ``to_pipeline`` and run by the SequentialRunner persists,
  for every name it persists, the value the notebook ends with: executed with ``exec``
  cell by cell in one namespace (fast), and once with nbclient in a real kernel.
  (A name bound on some paths only is not persisted: the converter reports it.)
* Tagging every cell ``node``, ``convert_module`` always writes a module that compiles.
"""

from __future__ import annotations

import importlib
import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proj.notebook import convert_module, to_pipeline
from tests.notebook.conftest import code, md, notebook

INTS = ["a", "b", "c"]
LISTS = ["xs", "ys"]
_packages = itertools.count()


@st.composite
def statements(draw: st.DrawFn, ints: set[str], lists: set[str], functions: list[str]) -> str:
    """One statement (maybe compound) using only names defined so far; updates them."""
    choices = ["int"]
    if ints:
        choices += ["aug", "branch", "define", "import_function"]
    if lists:
        choices += ["append", "extend", "sort", "setitem", "loop"]
    if functions:
        choices += ["call", "rebind"]
    if ints or lists:
        choices += ["list"]
    kind = draw(st.sampled_from(choices))
    number = draw(st.integers(-5, 9))
    if kind == "int":
        name = draw(st.sampled_from(INTS))
        source = draw(st.sampled_from([*sorted(ints), str(number)])) if ints else str(number)
        ints.add(name)
        return f"{name} = abs({source}) + {number}"
    if kind == "list":
        name = draw(st.sampled_from(LISTS))
        items = sorted(ints)[:2] or [str(number)]
        lists.add(name)
        return f"{name} = list(({', '.join(items)}, {number}))"
    if kind == "aug":
        name = draw(st.sampled_from(sorted(ints)))
        return f"{name} += {number}"
    if kind == "append":
        name = draw(st.sampled_from(sorted(lists)))
        value = draw(st.sampled_from([*sorted(ints), str(number)]))
        return f"{name}.append({value})"
    if kind == "extend":
        name = draw(st.sampled_from(sorted(lists)))
        return f"{name} += [{number}, {number + 1}]"
    if kind == "sort":
        return f"{draw(st.sampled_from(sorted(lists)))}.sort()"
    if kind == "setitem":
        name = draw(st.sampled_from(sorted(lists)))
        return f"{name}[0] = {number}"
    if kind == "loop":
        name = draw(st.sampled_from(sorted(lists)))
        total = draw(st.sampled_from(INTS))
        ints.add(total)
        return f"{total} = 0\nfor item in {name}:\n    {total} += item"
    if kind == "branch":
        test = draw(st.sampled_from(sorted(ints)))
        target = draw(st.sampled_from(INTS))
        other = draw(st.booleans())
        branch = f"if {test} > {number}:\n    {target} = {test} * 2\n"
        if target in ints or other:
            branch += f"else:\n    {target} = {number}\n"
            ints.add(target)
        return branch.rstrip("\n")
    if kind == "define":
        name = f"f{len(functions) + sum(n.startswith('f') for n in ints)}"  # rebound too
        used = draw(st.sampled_from(sorted(ints)))
        functions.append(name)
        return f"def {name}(value):\n    return value + {used}"
    if kind == "import_function":
        name = f"f{len(functions) + sum(n.startswith('f') for n in ints)}"  # rebound too
        functions.append(name)
        return f"def {name}(value):\n    import math\n\n    return math.floor(value / 2)"
    if kind == "rebind":
        # The function's name becomes its result, an int, as notebooks often do.
        function = draw(st.sampled_from(functions))
        functions.remove(function)
        ints.add(function)
        return f"{function} = {function}({number})"
    # call
    function = draw(st.sampled_from(functions))
    argument = draw(st.sampled_from([*sorted(ints), str(number)]))
    target = draw(st.sampled_from(INTS))
    ints.add(target)
    return f"{target} = {function}({argument})"


@st.composite
def notebooks(draw: st.DrawFn) -> list[tuple[str | None, str]]:
    """Cells as ``(heading or None, code)``."""
    ints: set[str] = set()
    lists: set[str] = set()
    functions: list[str] = []
    cells: list[tuple[str | None, str]] = []
    for number in range(draw(st.integers(1, 6))):
        lines = [draw(statements(ints, lists, functions)) for _ in range(draw(st.integers(1, 3)))]
        heading = f"Step {number}" if draw(st.booleans()) else None
        cells.append((heading, "\n".join(lines)))
    return cells


def as_notebook(cells: list[tuple[str | None, str]], *tags: str) -> dict[str, Any]:
    out: list[dict[str, Any] | str] = []
    for heading, source in cells:
        if heading:
            out.append(md(f"## {heading}"))
        out.append(code(source, *tags))
    return notebook(*out)


def reference(cells: list[tuple[str | None, str]]) -> dict[str, Any]:
    """The notebook's final namespace, executing cell after cell."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for _, source in cells:
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def run_pipeline(
    cells: list[tuple[str | None, str]], tmp: Path
) -> tuple[dict[str, str], dict[str, Any]]:
    """Convert, import and run the pipeline; ``(persisted, runner outputs)``."""
    from proj.io import DataCatalog
    from proj.runner import SequentialRunner

    result = to_pipeline(as_notebook(cells), "prop", parquet=False)
    package = f"proj_property_{next(_packages)}"
    folder = tmp / package
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "nodes.py").write_text(result.nodes_source, encoding="utf-8")
    (folder / "pipeline.py").write_text(result.pipeline_source, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    try:
        module = importlib.import_module(f"{package}.pipeline")
        outputs = SequentialRunner().run(module.create_pipeline(), DataCatalog())
    finally:
        sys.path.remove(str(tmp))
        for name in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[name]
    return result.persisted, outputs


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cells=notebooks())
def test_pipeline_persists_the_values_the_notebook_ends_with(
    cells: list[tuple[str | None, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected = reference(cells)
    persisted, outputs = run_pipeline(cells, tmp_path_factory.mktemp("property"))
    for variable, dataset in persisted.items():
        assert outputs[dataset] == expected[variable], (variable, cells)


@settings(max_examples=120, deadline=None)
@given(cells=notebooks())
def test_tagged_conversion_always_compiles(cells: list[tuple[str | None, str]]) -> None:
    result = convert_module(as_notebook(cells, "node"), name="generated.ipynb")
    if result.source is not None:
        compile(result.source, "generated.py", "exec", dont_inherit=True)
    else:
        assert any("nothing to write" in warning for warning in result.warnings)


EXAMPLE = [
    ("Load", "xs = [3, 1]\na = 4"),
    (None, "def f0(value):\n    return value + a"),
    ("Change", "xs.append(a)\nif a > 2:\n    b = f0(1)\nelse:\n    b = 0\nxs.sort()"),
    (None, "c = 0\nfor item in xs:\n    c += item"),
    ("Again", "a += 1\nd = f0(10)"),
]


@pytest.mark.slow
def test_nbclient_execution_agrees_with_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same comparison with a real kernel as the reference, on one example."""
    import pickle

    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for variable in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = tmp_path / "jupyter" / variable.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    persisted, outputs = run_pipeline(EXAMPLE, tmp_path / "packages")
    assert set(persisted) == {"b", "c", "d"}
    document = nbformat.from_dict(as_notebook(EXAMPLE))
    dump = tmp_path / "values.pkl"
    names = sorted(persisted)
    document.cells.append(
        nbformat.v4.new_code_cell(
            f"import pickle\nwith open({str(dump)!r}, 'wb') as file:\n"
            f"    pickle.dump({{n: globals()[n] for n in {names!r}}}, file)"
        )
    )
    nbclient.NotebookClient(document, timeout=240, kernel_name="python3").execute()
    with dump.open("rb") as file:
        expected = pickle.load(file)
    assert {v: outputs[d] for v, d in persisted.items()} == expected
