"""Whole notebooks into pipelines: the generated code runs under proj's runner and gives
the values the notebook computes when its cells run top to bottom."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NotebookError
from proj.notebook.ipython_syntax import python_source
from proj.notebook.reading import read_notebook
from proj.notebook.topipeline import PipelineResult, check_pipeline_name, to_pipeline
from tests.notebook.conftest import code, md, notebook

SETUP = code("catalog = None\nparams = None", "skip")


class FakeCatalog:
    """What the proj kernel's ``catalog`` offers a notebook: load and save by name."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = dict(data)

    def load(self, name: str) -> Any:
        return self.data[name]

    def save(self, name: str, value: Any) -> None:
        self.data[name] = value


def run_cells(
    data: dict[str, Any], inputs: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Execute the notebook's code cells top to bottom (IPython syntax removed)."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    fake = FakeCatalog(inputs)
    for cell in read_notebook(data).code_cells:
        if "skip" in cell.tags:
            continue
        namespace.update(catalog=fake, params=params)
        exec(compile(python_source(cell).text, f"cell {cell.number}", "exec"), namespace)
    namespace["__saved__"] = fake.data
    return namespace


def run_pipeline(
    result: PipelineResult, tmp_path: Path, inputs: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    """Import the generated package and run it with the sequential runner."""
    from proj.io import DataCatalog, MemoryDataset
    from proj.runner import SequentialRunner

    package = f"converted_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "nodes.py").write_text(result.nodes_source, encoding="utf-8")
    (folder / "pipeline.py").write_text(result.pipeline_source, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        module = __import__(f"{package}.pipeline", fromlist=["create_pipeline"])
        built = module.create_pipeline()
    finally:
        sys.path.remove(str(tmp_path))
    catalog = DataCatalog({name: MemoryDataset(value) for name, value in inputs.items()})
    catalog.add_parameters(params)
    outputs = SequentialRunner().run(built, catalog)
    for name in inputs:
        if catalog.exists(name):
            outputs.setdefault(name, catalog.load(name))
    return outputs


def test_round_trip_with_versions_inlined_functions_params_and_saves(tmp_path: Path) -> None:
    import pandas as pd

    data = notebook(
        SETUP,
        md("# Load"),
        'frame = catalog.load("raw")\nframe.head()',
        "LIMIT = 2",
        md("## Prepare"),
        'before = frame["a"].sum()  # reads the version before the change below',
        'frame["b"] = frame["a"] * params["scale"]',
        'factor = params["model"]["factor"]\nsettings = dict(params)',
        md("## Use"),
        "def scaled(x):\n    return x * factor",
        'values = [scaled(v) for v in frame["b"]]\n'
        'if values[0] > LIMIT:\n    flag = "big"\nelse:\n    flag = "small"',
        md("## Report"),
        'text = """\nTotal:\n  {total}\n""".format(total=sum(values))\n'
        "for i in range(2):\n    pass",
        'doubled = [scaled(v) * 2 for v in values]\ncatalog.save("report", text)',
    )
    inputs = {"raw": pd.DataFrame({"a": [1, 2, 3]}), "report": ""}
    params = {"scale": 10, "model": {"factor": 0.5}}
    result = to_pipeline(data, "demo", notebook_name="demo.ipynb")
    assert result.node_names == ["load", "prepare", "use", "report"]
    expected = run_cells(data, inputs, params)
    actual = run_pipeline(result, tmp_path, inputs, params)
    assert result.persisted == {
        "before": "demo.before",
        "settings": "demo.settings",
        "flag": "demo.flag",
        "doubled": "demo.doubled",
    }
    for variable, dataset in result.persisted.items():
        assert actual[dataset] == expected[variable], variable
    assert actual["report"] == expected["__saved__"]["report"] == "\nTotal:\n  30.0\n"
    assert "i" not in result.persisted


def test_in_place_changes_of_earlier_values_give_the_notebook_values(tmp_path: Path) -> None:
    data = notebook(
        md("# Start"),
        "import heapq\nimport random\n\n\n"
        "class Box:\n    def __init__(self):\n        self.items = []\n\n"
        "    def add(self, item):\n        self.items.append(item)",
        "box = Box()\nnames = ['b', 'a']\nconfig = {'size': 1}\ncount = 0\n"
        "grid = {'row': [0, 0]}\ndeck = list(range(6))\nqueue = []\nmessages = []\n\n\n"
        "def log(message):  # changes a notebook variable when called\n"
        "    messages.append(message)",
        # Reads the box before "Fill" changes it. Both nodes wait for the box only, and
        # the runner prefers the smaller name ("fill") unless the conversion orders them.
        md("## Look"),
        "seen = len(box.items)",
        md("## Fill"),
        "box.add('x')  # a method call\nbox.label = 'filled'  # attribute assignment",
        md("## Change"),
        "names.append('c')\nnames.sort()\n"
        "config.update(size=2)\nconfig['mode'] = 'fast'  # subscript assignment\n"
        "count += 2  # augmented assignment\n"
        "grid['row'][1] += 5\n"
        "random.seed(0)\nrandom.shuffle(deck)\n"
        "heapq.heappush(queue, 3)\nheapq.heappush(queue, 1)\nlog('changed')",
        md("## Report"),
        "summary = f'{seen} item(s), then {len(box.items)} ({box.label})'",
    )
    result = to_pipeline(data, "inplace", notebook_name="inplace.ipynb")
    assert result.node_names == ["start", "look", "fill", "change", "report"]
    expected = run_cells(data, {}, {})
    actual = run_pipeline(result, tmp_path, {}, {})
    assert result.persisted == {
        "names": "inplace.names",
        "config": "inplace.config",
        "count": "inplace.count",
        "grid": "inplace.grid",
        "deck": "inplace.deck",
        "queue": "inplace.queue",
        "messages": "inplace.messages",
        "summary": "inplace.summary",
    }
    for variable, dataset in result.persisted.items():
        assert actual[dataset] == expected[variable], variable
    assert actual["inplace.summary"] == "0 item(s), then 1 (filled)"
    assert "# Returns box unchanged: the node changing it in place" in result.nodes_source


def test_generated_nodes_read_like_the_notebook() -> None:
    data = notebook(
        SETUP,
        md("# Iris"),
        'iris = catalog.load("iris")',
        md("## Ratio"),
        '# petal shape\niris["ratio"] = iris["petal_length"] / iris["petal_width"]\n'
        'rate = params["model"]["rate"]',
    )
    result = to_pipeline(data, "shapes", notebook_name="n.ipynb")
    body = result.nodes_source.split('"""Nodes of', 1)[1]
    assert "def iris_node(iris_data):\n" in body
    assert "    iris = iris_data\n\n    return iris\n" in body
    assert (
        'def ratio(iris, rate_data):\n    """Cell 5, under the heading \'Ratio\'."""\n'
        '    # petal shape\n    iris["ratio"] = iris["petal_length"] / iris["petal_width"]\n'
        "    rate = rate_data\n\n    return iris, rate\n"
    ) in body
    assert 'inputs=["iris__iris_node", "params:model.rate"]' in result.pipeline_source
    # The namespace would prefix parameters (params:shapes.model.rate): they are kept.
    assert (
        'return pipeline(nodes, namespace="shapes", inputs={"iris"}, '
        'parameters={"params:model.rate"})'
    ) in result.pipeline_source
    line = result.nodes_source.split("\n").index("    rate = rate_data") + 1
    assert result.where(line) == "cell 5, line 3"


def test_catalog_types_follow_what_the_code_makes_evident() -> None:
    data = notebook(
        "import pandas as pd",
        'frame = pd.read_csv("x.csv")',
        'merged = frame.merge(frame, on="a")',
        'label = f"{len(frame)} rows"',
        'joined = ", ".join(["a", "b"])',
        'stats = {"rows": len(frame), "name": "x", "ok": True}',
        "items = [1, 2]\nitems.append(frame)",
        "other = frame.sum()",
    )
    entries = to_pipeline(data, "types", parquet=True).catalog_entries
    assert {name: entry["type"] for name, entry in entries.items()} == {
        "types.merged": "pandas.ParquetDataset",
        "types.label": "text.TextDataset",
        "types.joined": "text.TextDataset",
        "types.stats": "json.JSONDataset",
        "types.items": "pickle.PickleDataset",
        "types.other": "pickle.PickleDataset",
    }
    assert entries["types.merged"]["filepath"] == "data/08_reporting/types/merged.parquet"
    without_arrow = to_pipeline(data, "types", parquet=False).catalog_entries
    assert without_arrow["types.merged"]["type"] == "pickle.PickleDataset"


def test_a_notebook_of_definitions_only_has_no_pipeline() -> None:
    with pytest.raises(NotebookError, match="has no code to turn into nodes"):
        to_pipeline(notebook("import math", "def f():\n    return math.pi"), "defs")


def test_syntax_errors_in_converted_cells_are_listed() -> None:
    data = notebook("x = (1,", code("y = [", "skip"), "z = 1 +")
    with pytest.raises(NotebookError) as caught:
        to_pipeline(data, "broken", notebook_name="b.ipynb")
    lines = str(caught.value).splitlines()
    assert lines[0] == "b.ipynb cannot be converted faithfully:"
    assert lines[1].startswith("  cell 1, line 1: syntax error: ")
    assert lines[2].startswith("  cell 3, line 1: syntax error: ")
    assert lines[3] == "Rewrite those lines, or tag their cells 'skip' to leave them out."


def test_saving_one_dataset_twice_or_loading_it_before_it_is_saved_is_refused() -> None:
    twice = notebook('catalog.save("out", 1)', 'catalog.save("out", 2)')
    with pytest.raises(
        NotebookError, match="Cell 1 and Cell 2 both save the catalog dataset 'out'"
    ):
        to_pipeline(twice, "twice")
    early = notebook('x = catalog.load("out")', 'catalog.save("out", x)')
    with pytest.raises(NotebookError, match="Cell 1 loads 'out' before Cell 2 saves it"):
        to_pipeline(early, "early")


@pytest.mark.parametrize("name", ["Data", "with-dash", "1st", "class", "pipeline", ""])
def test_pipeline_names_must_be_lower_case_identifiers(name: str) -> None:
    with pytest.raises(NotebookError, match="cannot name a pipeline"):
        check_pipeline_name(name)


MISSING = (
    "try:\n    import proj_no_such_package as fancy\nexcept ImportError:\n    fancy = None\n"
    "    print('Fancy plots need proj_no_such_package')"
)


def test_optional_imports_move_to_module_level_once_and_the_pipeline_runs(
    tmp_path: Path,
) -> None:
    data = notebook(
        SETUP,
        md("# Load"),
        'frame = catalog.load("raw")',
        MISSING,
        "import warnings",
        "try:\n    from statistics import fmean as mean\n"
        "except (ImportError, ModuleNotFoundError) as exc:\n    from statistics import mean\n"
        "    warnings.warn(f'no fmean: {exc}', stacklevel=1)",
        md("## Summarise"),
        "if len(frame) > 1:\n    import statistics\n    middle = statistics.median(frame)\n"
        "else:\n    middle = None\naverage = mean(frame)",
        md("## Plot"),
        MISSING,  # the same optional import again: it is written once
        # A constant, so at module level too: after the optional import it reads.
        "KIND = 'chart' if fancy is not None else 'table'\nshown = f'{KIND} of {len(frame)}'",
    )
    result = to_pipeline(data, "optional", notebook_name="optional.ipynb")
    assert result.node_names == ["load", "summarise", "plot"]
    assert result.persisted == {
        "middle": "optional.middle",
        "average": "optional.average",
        "shown": "optional.shown",
    }
    body = result.nodes_source.split('"""\n', 1)[1]
    # Plain imports, then the optional imports in notebook order, then the nodes.
    assert body.startswith(
        "\nimport warnings\n\n\n"
        "try:\n    from statistics import fmean as mean\n"
        "except (ImportError, ModuleNotFoundError) as exc:\n    from statistics import mean\n"
        "    warnings.warn(f'no fmean: {exc}', stacklevel=1)\n\n"
        f"{MISSING}\n\nKIND = 'chart' if fancy is not None else 'table'\n\n\n"
        "def load(raw):\n"
    )
    assert result.nodes_source.count("import proj_no_such_package") == 1
    # The node importing inside a block keeps the import; nothing returns a module.
    assert "        import statistics\n" in body
    assert "return middle, average\n" in body
    assert "fancy" not in result.pipeline_source
    assert "KIND" not in result.pipeline_source
    inputs = {"raw": [4.0, 1.0, 2.0]}
    expected = run_cells(data, inputs, {})
    actual = run_pipeline(result, tmp_path, inputs, {})
    for variable, dataset in result.persisted.items():
        assert actual[dataset] == expected[variable], variable
    assert actual["optional.shown"] == "table of 3"
    again = to_pipeline(data, "optional", notebook_name="optional.ipynb")
    assert again.nodes_source == result.nodes_source


def test_a_later_node_reading_a_name_imported_in_a_block_is_refused() -> None:
    data = notebook(
        md("# Plot"),
        "try:\n    import matplotlib.pyplot as plt\n    ready = True\n"
        "except ImportError:\n    plt = None\n    ready = False",
        md("## Style"),
        "x = 1\nif ready:\n    plt.style.use('ggplot')",
    )
    with pytest.raises(NotebookError) as caught:
        to_pipeline(data, "plots", notebook_name="plots.ipynb")
    assert str(caught.value).splitlines()[1] == (
        "  cell 4, line 3: 'plt' is imported inside a block (cell 2, line 2), and a module "
        "cannot pass from one node to another; move the import to the top level of a cell"
    )


def test_imports_used_only_by_a_cell_of_definitions_are_kept(tmp_path: Path) -> None:
    # The cells of the import and of the function become no node of their own.
    data = notebook("import math", "def area(r):\n    return math.pi * r * r", "size = area(2.0)")
    result = to_pipeline(data, "areas", notebook_name="areas.ipynb")
    assert result.node_names == ["cell_3"]
    assert "\nimport math\n" in result.nodes_source
    actual = run_pipeline(result, tmp_path, {}, {})
    assert actual["areas.size"] == pytest.approx(12.566370614359172)


def test_a_module_imported_for_what_importing_does_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Like `import hvplot.pandas`: importing registers a DataFrame accessor, and no code
    # reads the name the import binds.
    pd = pytest.importorskip("pandas")
    package = f"accessors_{uuid.uuid4().hex[:8]}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / package / "doubling.py").write_text(
        "import pandas as pd\n\n\n"
        f"@pd.api.extensions.register_dataframe_accessor('{package}')\n"
        "class Doubling:\n"
        "    def __init__(self, frame):\n"
        "        self.frame = frame\n\n"
        "    def twice(self):\n"
        "        return self.frame * 2\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    data = notebook(
        f"import pandas as pd\nimport {package}.doubling  # noqa: F401",
        f"frame = pd.DataFrame({{'a': [1, 2]}})\ndoubled = frame.{package}.twice()",
    )
    result = to_pipeline(data, "twice", parquet=False)
    assert f"\nimport {package}.doubling\n" in result.nodes_source
    expected = run_cells(data, {}, {})
    actual = run_pipeline(result, tmp_path, {}, {})
    pd.testing.assert_frame_equal(actual["twice.doubled"], expected["doubled"])
