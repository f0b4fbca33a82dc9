"""Tagged cells into a module: what comes along, in which order, and what is refused."""

from __future__ import annotations

import pytest

from proj.notebook.module import convert_module, dependency_order, to_module
from tests.notebook.conftest import code, md, notebook


def _body(source: str) -> str:
    """The module without its header and docstring."""
    return source.split("\n", 5)[5]


def test_functions_bring_helpers_constants_and_imports_once_in_order() -> None:
    data = notebook(
        "import math\nimport os\nfrom statistics import mean, median",
        "SCALE = 2\nunused = 5\nframe = load()",
        "def area(r):\n    return math.pi * r * r * SCALE",
        "def area_mean(rs):\n    return mean(area(r) for r in rs)",
        code("def report(rs):\n    return f'{area_mean(rs):.2f} {median(rs)}'", "node"),
        code("def again(rs):\n    return area(rs[0])", "node"),
    )
    assert _body(to_module(data)) == (
        "import math\n"
        "from statistics import mean, median\n"
        "\n\n"
        "SCALE = 2\n\n\n"
        "def area(r):\n    return math.pi * r * r * SCALE\n\n\n"
        "def area_mean(rs):\n    return mean(area(r) for r in rs)\n\n\n"
        "def report(rs):\n    return f'{area_mean(rs):.2f} {median(rs)}'\n\n\n"
        "def again(rs):\n    return area(rs[0])\n"
    )


def test_same_notebook_gives_identical_bytes_and_a_different_one_a_new_hash() -> None:
    data = notebook(code("def f():\n    return 1", "node"))
    first = to_module(data, name="a.ipynb")
    assert first == to_module(data, name="a.ipynb")
    changed = notebook(code("def f():\n    return 2", "node"))
    assert first.split("\n")[1] != to_module(changed, name="a.ipynb").split("\n")[1]


def test_recursive_and_mutually_recursive_functions() -> None:
    data = notebook(
        "def is_even(n):\n    return n == 0 or is_odd(n - 1)",
        "def is_odd(n):\n    return n != 0 and is_even(n - 1)",
        code("def parity(n):\n    return 'even' if is_even(n) else 'odd'", "node"),
    )
    namespace: dict[str, object] = {}
    exec(to_module(data), namespace)
    assert namespace["parity"](7) == "odd"  # type: ignore[operator]


def test_classes_come_after_their_bases_and_decorators() -> None:
    data = notebook(
        code("class Child(Base):\n    pass", "node"),
        "import functools",
        "class Base:\n    @functools.cached_property\n    def value(self):\n        return 1",
    )
    body = _body(to_module(data))
    assert body.index("class Base") < body.index("class Child")
    assert body.startswith("import functools\n")


def test_warnings_name_cell_and_line() -> None:
    data = notebook(
        md("# Intro"),
        "x = (",
        code("def f():\n    return undefined_name\n\nf()", "node"),
        code("%%bash\necho hi", "node"),
    )
    result = convert_module(data, name="w.ipynb")
    assert result.source is not None
    assert result.tagged_cells == [3, 4]
    assert result.warnings == [
        "cell 2 (untagged) does not parse ('(' was never closed, line 1); "
        "definitions in it are not available.",
        "cell 4 is a %%bash cell, not Python: left out.",
        "cell 3, line 4: left out of the module (only imports, functions, classes and "
        "constants are converted).",
        "cell 3, line 2: 'undefined_name' is not defined in any code cell (the function "
        "will fail when it reaches that line).",
    ]
    line = result.source.split("\n").index("    return undefined_name") + 1
    assert result.where(line) == "cell 3, line 2"
    assert result.where(1) == "line 1 of the generated module"


def test_data_variables_used_by_functions_are_warnings_and_the_module_is_written() -> None:
    data = notebook(
        "rows = load()\nfor r in rows:\n    last = r",
        code("def first():\n    return rows[0], last", "node"),
    )
    result = convert_module(data, name="d.ipynb")
    assert result.source is not None
    assert "def first():" in result.source
    compile(result.source, "d.py", "exec")
    assert result.warnings == [
        "cell 2, line 2: 'rows' is a notebook variable computed in cell 1, line 1, which the "
        "module leaves out; pass it as an argument (the code fails with NameError when it "
        "reaches that line).",
        "cell 2, line 2: 'last' is a notebook variable computed in cell 1, line 2, which the "
        "module leaves out; pass it as an argument (the code fails with NameError when it "
        "reaches that line).",
    ]


def test_constant_is_any_name_bound_once_to_literals_imports_and_constants() -> None:
    data = notebook(
        "import re\n_SPACE = re.compile(r'\\s+')\nhelper = _SPACE.pattern + '?'",
        "data = open('x').read()\nderived = data.strip()",
        "twice = len('a')\ntwice = len('ab')",
        code(
            "def f(s):\n    return _SPACE.sub(' ', s), helper\n\n"
            "def g():\n    return derived, twice",
            "node",
        ),
    )
    result = convert_module(data, name="c.ipynb")
    assert result.source is not None
    body = _body(result.source)
    assert "_SPACE = re.compile(r'\\s+')" in body
    assert "helper = _SPACE.pattern + '?'" in body
    assert "derived =" not in body  # reads a computed variable (open() is no import)
    assert "twice =" not in body  # bound twice: not a constant
    assert [w.split(": ")[1].split(" is ")[0] for w in result.warnings] == [
        "'derived'",
        "'twice'",
    ]


def test_a_constant_changed_in_place_is_not_copied() -> None:
    data = notebook(code("seen = []\nseen.append(1)\n\ndef f():\n    return seen", "node"))
    result = convert_module(data, name="m.ipynb")
    assert result.source is not None
    assert "seen = []" not in result.source
    assert (
        "cell 1, line 5: 'seen' is a notebook variable changed in place in cell 1, line 2"
        in "\n".join(result.warnings)
    )


def test_dependency_order_handles_cycles_and_deep_chains() -> None:
    chain = {n: [n + 1] for n in range(5000)}
    assert dependency_order([0], lambda n: chain.get(n, []), key=lambda n: n) == list(
        range(5000, -1, -1)
    )
    cycle = {1: [2], 2: [1]}
    assert dependency_order([1], lambda n: cycle[n], key=lambda n: n) == [2, 1]


def test_optional_imports_come_along_whole_after_the_imports() -> None:
    fallback = (
        "try:\n    import proj_no_such_package as fancy\nexcept ModuleNotFoundError:\n"
        "    fancy = None\n    warnings.warn('no fancy output', stacklevel=1)"
    )
    data = notebook(
        "import warnings",
        fallback,
        code("STYLE = 'fancy' if fancy else 'plain'\n\n\ndef style():\n    return STYLE", "node"),
        fallback,  # the same again, later: written once
    )
    body = _body(to_module(data))
    assert body == (
        f"import warnings\n\n\n{fallback}\n\nSTYLE = 'fancy' if fancy else 'plain'\n\n\n"
        "def style():\n    return STYLE\n"
    )
    namespace: dict[str, object] = {}
    with pytest.warns(UserWarning, match="no fancy output"):
        exec(body, namespace)
    assert namespace["style"]() == "plain"  # type: ignore[operator]


def test_functions_using_a_name_imported_in_a_block_are_warnings() -> None:
    data = notebook(
        "if fast:\n    import ujson as json\nelse:\n    import json",
        code("def dump(value):\n    return json.dumps(value)", "node"),
    )
    result = convert_module(data, name="j.ipynb")
    assert result.source is not None
    assert result.warnings == [
        "cell 2, line 2: 'json' is imported inside a block in cell 1, line 2, which the "
        "module leaves out; move the import to the top level of a cell."
    ]


def test_a_module_import_of_a_tagged_cell_stays_though_no_name_is_read() -> None:
    # `import hvplot.pandas` registers `.hvplot` on DataFrames; the function only uses it.
    data = notebook(
        code(
            "import hvplot.pandas  # noqa\nfrom os import sep, getcwd\n\n\n"
            "def plot(frame):\n    return frame.hvplot.line()",
            "node",
        )
    )
    source = convert_module(data, name="plots.ipynb").source
    assert source is not None
    assert "\nimport hvplot.pandas\n" in source
    assert "getcwd" not in source and "sep" not in source  # names from `from` stay pruned
