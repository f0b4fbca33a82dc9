"""%load_node, node-name completion and %run_viz in a real IPython shell."""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.ipython.test_loader import load, run

EXTRA_PIPELINE = {
    "__init__.py": "",
    "helpers.py": "SCALE = 2\n",
    "nodes.py": '''
        """Nodes that use a helper, a relative import and dict inputs/outputs."""

        from __future__ import annotations

        import pandas as pd

        from .helpers import SCALE


        def _count(table: pd.DataFrame) -> int:
            return len(table) * SCALE


        def summarise(table: pd.DataFrame, columns: dict) -> dict:
            """Count rows (scaled) and list the feature columns."""
            return {"n": _count(table), "names": list(columns["features"])}
        ''',
    "pipeline.py": """
        from proj.pipeline import Pipeline, node

        from .nodes import summarise


        def create_pipeline(**kwargs):
            return Pipeline(
                [
                    node(
                        summarise,
                        inputs={"table": "iris", "columns": "params:columns"},
                        outputs={"n": "row_count", "names": "feature_names"},
                        name="summarise",
                    )
                ]
            )
        """,
}


def add_extra_pipeline(project: Path) -> None:
    folder = project / "src/iris_demo/pipelines/extra"
    folder.mkdir()
    for name, text in EXTRA_PIPELINE.items():
        (folder / name).write_text(textwrap.dedent(text))


def test_load_node_prints_code_that_runs_the_node(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    run(shell, 'session.run(node_names="clean_iris")')
    capsys.readouterr()

    shell.run_line_magic("load_node", "split_data")
    code = capsys.readouterr().out
    assert code.startswith("from __future__ import annotations\n")
    assert 'data = catalog.load("iris_clean")' in code
    assert 'target = catalog.load("params:columns.target")' in code
    assert "import numpy as np" in code
    assert "def split_data(" in code
    assert "X_train, X_test, y_train, y_test = split_data(data, target, options)" in code

    for name in ("X_train", "X_test"):
        shell.user_ns.pop(name, None)
    run(shell, code)
    assert run(shell, "len(X_train), len(X_test)") == (120, 30)


def test_load_node_with_dict_inputs_helpers_and_relative_imports(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_extra_pipeline(project)
    load(shell, project)
    capsys.readouterr()

    shell.run_line_magic("load_node", "summarise")
    code = capsys.readouterr().out
    assert "from iris_demo.pipelines.extra.helpers import SCALE" in code
    assert "from iris_demo.pipelines.extra.nodes import _count" in code
    assert "outputs = summarise(table=table, columns=columns)" in code
    run(shell, code)
    assert run(shell, "row_count") == 300
    assert run(shell, "feature_names")[0] == "sepal_length"


def test_load_node_unknown_name_suggests_close_ones(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    capsys.readouterr()
    shell.run_line_magic("load_node", "split_dta")
    err = capsys.readouterr().err
    assert "Unknown node" in err
    assert "split_data" in err


def test_load_node_without_a_project_says_what_to_do(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, tmp_path)
    capsys.readouterr()
    shell.run_line_magic("load_node", "split_data")
    assert "%reload_project PATH" in capsys.readouterr().err


def complete(shell: Any, line: str) -> list[str]:
    """What Tab offers at the end of ``line`` (the API kernels use)."""
    from IPython.core.completer import provisionalcompleter

    with provisionalcompleter():
        return [c.text for c in shell.Completer.completions(line, len(line))]


def test_node_names_complete_after_load_node(shell: Any, project: Path) -> None:
    load(shell, project)
    assert complete(shell, "%load_node sp") == ["split_data"]
    assert complete(shell, "%load_node ") == [
        "clean_iris",
        "predict",
        "report_accuracy",
        "split_data",
        "train_model",
    ]
    assert "split_data" not in complete(shell, "%load_node split_data ")
    # Other lines are left to IPython's own completers.
    assert "os" in complete(shell, "import o")


def test_run_viz_is_registered_exactly_when_the_viz_magic_exists(shell: Any, project: Path) -> None:
    load(shell, project)
    registered = "run_viz" in shell.magics_manager.magics["line"]
    assert registered == (importlib.util.find_spec("proj.ipython.viz_magic") is not None)


def test_loading_twice_does_not_stack_completers(shell: Any, project: Path) -> None:
    from proj.ipython.magics import register

    load(shell, project)
    register(shell)
    ids = [getattr(m, "matcher_identifier", None) for m in shell.Completer.custom_matchers]
    assert ids.count("proj.load_node") == 1
    os.chdir(project)
