"""``proj jupyter convert``: the grouping rule where users read it, and tags overriding it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.notebook.conftest import code, md, notebook


def test_help_documents_how_cells_become_nodes(cli: Callable[..., Result]) -> None:
    result = cli("jupyter", "convert", "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for phrase in (
        "the code cells under a Markdown heading, up to the next heading, form one node "
        "named after it",
        "code cells before the first heading are one node each (cell_<n>)",
        "--split cells gives one node per code cell",
        "'skip' leaves a cell out, 'node' starts a new node, 'node:NAME' starts the node NAME",
        "Values nothing reads are saved through new entries in conf/base/catalog.yml",
    ):
        assert phrase in text, phrase


def test_tags_override_the_headings(project: Path, cli: Callable[..., Result]) -> None:
    data = notebook(
        code("catalog = None", "skip"),
        'raw = catalog.load("iris")',
        md("## Prepare the data"),
        "rows = len(raw)",
        code("columns = list(raw.columns)", "node:describe_columns"),
        "width = len(columns)",
        code("print(rows)", "skip"),
        code("area = rows * width", "node"),
    )
    catalog_file = project / "conf" / "base" / "catalog.yml"
    original = catalog_file.read_text(encoding="utf-8")
    path = project / "notebooks" / "tags.ipynb"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("jupyter", "convert", "notebooks/tags.ipynb", "--to-pipeline", "tagged")
    assert result.exit_code == 0, result.output
    pipeline = (project / "src" / "iris_demo" / "pipelines" / "tagged" / "pipeline.py").read_text(
        encoding="utf-8"
    )
    names = [line.split('"')[1] for line in pipeline.splitlines() if "name=" in line]
    assert names == ["cell_2", "prepare_the_data", "describe_columns", "cell_8"]
    assert "persists area as tagged.area" in result.stdout
    catalog = catalog_file.read_text(encoding="utf-8")
    assert catalog.startswith(original)  # the user's comments and entries, byte for byte
    assert catalog[len(original) :].startswith("\n# >>> proj jupyter convert: tagged ")
    assert "filepath: data/08_reporting/tagged/area.pkl" in catalog
