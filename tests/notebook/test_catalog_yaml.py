"""Catalog blocks: appended once, replaced in place, never clobbering what a person wrote."""

from __future__ import annotations

import pytest
import yaml

from proj.exceptions import NotebookError
from proj.notebook.catalog_yaml import render_block, update_catalog

USER = """# My catalog: comments and layout must survive.
iris:   # the raw data
  type: pandas.CSVDataset
  filepath: data/01_raw/iris.csv

# trailing comment without newline"""

ENTRIES = {
    "demo.model": {"type": "pickle.PickleDataset", "filepath": "data/08_reporting/demo/model.pkl"},
    "demo.yes": {"type": "text.TextDataset", "filepath": "data/a: b.txt"},
}


def test_block_is_appended_and_the_rest_kept_byte_for_byte() -> None:
    new = update_catalog(USER, pipeline="demo", notebook="notebooks/d.ipynb", entries=ENTRIES)
    assert new.startswith(USER + "\n\n# >>> proj jupyter convert: demo (notebooks/d.ipynb) sha256:")
    assert new.endswith("# <<< proj jupyter convert: demo\n")
    loaded = yaml.safe_load(new)
    assert loaded["demo.model"] == ENTRIES["demo.model"]
    assert loaded["demo.yes"]["filepath"] == "data/a: b.txt"
    assert loaded["iris"]["type"] == "pandas.CSVDataset"


def test_converting_again_replaces_the_block_in_place() -> None:
    first = update_catalog(USER, pipeline="demo", notebook="d.ipynb", entries=ENTRIES)
    with_more = first + "\nlater: {type: MemoryDataset}\n"
    fewer = {"demo.model": ENTRIES["demo.model"]}
    second = update_catalog(with_more, pipeline="demo", notebook="d.ipynb", entries=fewer)
    assert (
        second
        == USER
        + "\n\n"
        + render_block("demo", "d.ipynb", fewer)
        + "\nlater: {type: MemoryDataset}\n"
    )
    assert update_catalog(second, pipeline="demo", notebook="d.ipynb", entries=fewer) == second
    removed = update_catalog(second, pipeline="demo", notebook="d.ipynb", entries={})
    assert "proj jupyter convert" not in removed
    assert removed.startswith(USER)


def test_edited_blocks_are_refused_unless_forced() -> None:
    first = update_catalog("", pipeline="demo", notebook="d.ipynb", entries=ENTRIES)
    edited = first.replace("model.pkl", "other.pkl")
    with pytest.raises(
        NotebookError, match=r"pipeline 'demo' in conf/base/catalog\.yml were edited"
    ):
        update_catalog(edited, pipeline="demo", notebook="d.ipynb", entries=ENTRIES)
    assert (
        update_catalog(edited, pipeline="demo", notebook="d.ipynb", entries=ENTRIES, force=True)
        == first
    )


def test_entries_declared_elsewhere_are_refused_or_replaced_with_force() -> None:
    text = (
        USER + '\n"demo.model":\n  type: MemoryDataset\n\n  # note\nkeep: {type: MemoryDataset}\n'
    )
    with pytest.raises(NotebookError, match=r"already declares 'demo\.model'"):
        update_catalog(text, pipeline="demo", notebook="d.ipynb", entries=ENTRIES)
    forced = update_catalog(text, pipeline="demo", notebook="d.ipynb", entries=ENTRIES, force=True)
    loaded = yaml.safe_load(forced)
    assert loaded["demo.model"]["type"] == "pickle.PickleDataset"
    assert "keep" in loaded
    assert forced.count("demo.model") == 1


def test_invalid_yaml_is_not_touched() -> None:
    with pytest.raises(NotebookError, match="is not valid YAML"):
        update_catalog("a: [1,\n", pipeline="demo", notebook="d.ipynb", entries=ENTRIES)
    with pytest.raises(NotebookError, match="must map dataset names to entries; it holds a list"):
        update_catalog("- 1\n", pipeline="demo", notebook="d.ipynb", entries=ENTRIES)


def test_scalars_that_yaml_would_misread_are_quoted() -> None:
    block = render_block("p", "n.ipynb", {"true": {"type": "1.5", "filepath": "on"}})
    assert yaml.safe_load(block) == {"true": {"type": "1.5", "filepath": "on"}}


def test_the_converter_picks_the_dataset_type_a_value_makes_evident() -> None:
    """Issue 12, item 4: frames as Parquet, figures as images or plotly JSON, JSON-able
    dicts as JSON, pickle otherwise."""
    import ast

    from proj.notebook.dataset_types import evident_type

    def kind(text: str, *, mutated: bool = False) -> str:
        value = ast.parse(text, mode="eval").body
        return evident_type(value, parquet=True, mutated=mutated)[0]

    assert kind("pd.read_csv('x.csv')") == "pandas.ParquetDataset"
    assert kind("pd.DataFrame({'a': [1]})") == "pandas.ParquetDataset"
    assert kind("sales.pivot_table(index='s')") == "pandas.ParquetDataset"
    assert kind("plt.figure(figsize=(4, 3))") == "matplotlib.MatplotlibDataset"
    assert kind("plt.subplots(1, 2)") == "matplotlib.MatplotlibDataset"
    assert kind("ax.get_figure()") == "matplotlib.MatplotlibDataset"
    assert kind("px.bar(df, x='a')") == "plotly.JSONDataset"
    assert kind("go.Figure(data=[])") == "plotly.JSONDataset"
    assert kind("{'rows': len(df), 'name': 'x'}") == "json.JSONDataset"
    assert kind("{'rows': len(df)}", mutated=True) == "pickle.PickleDataset"
    assert kind("model.fit(X)") == "pickle.PickleDataset"


def test_a_type_this_proj_lacks_falls_back_to_pickle_with_a_warning() -> None:
    from proj.notebook import to_pipeline
    from tests.notebook.conftest import notebook

    data = notebook("import matplotlib.pyplot as plt", "fig = plt.figure()")
    result = to_pipeline(data, "p", dataset_types={"pickle.PickleDataset"})
    assert result.catalog_entries["p.fig"]["type"] == "pickle.PickleDataset"
    assert result.warnings == [
        "'fig' looks like a value for matplotlib.MatplotlibDataset, which this installation "
        "of proj does not provide; it is persisted with pickle.PickleDataset."
    ]
    every = {"pickle.PickleDataset", "matplotlib.MatplotlibDataset"}
    chosen = to_pipeline(data, "p", dataset_types=every).catalog_entries["p.fig"]["type"]
    assert chosen == "matplotlib.MatplotlibDataset"
