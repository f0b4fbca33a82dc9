"""Rows and bytes of every saved dataset, recorded by the built-in hook in the run store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from proj.framework import Session
from proj.framework.dataset_stats import count_rows
from proj.framework.store import dataset_saves

REGISTRY = """\
from proj.pipeline import Pipeline, node


def keep(raw, threshold):
    return [value for value in raw if value >= threshold]


def count(kept):
    return {"n": len(kept)}


def register_pipelines():
    return {"__default__": Pipeline([
        node(keep, ["raw", "params:threshold"], "kept", name="keep"),
        node(count, "kept", "counted", name="count"),
        node(keep, ["kept", "params:threshold"], "in_memory", name="again"),
    ])}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "rows"
    files = {
        "pyproject.toml": '[tool.proj]\npackage_name = "rows"\nproject_name = "Rows"\n'
        'source_dir = "src"\n',
        "src/rows/__init__.py": "",
        "src/rows/pipeline_registry.py": REGISTRY,
        "conf/base/catalog.yml": "raw:\n  type: json.JSONDataset\n  filepath: "
        f"{root}/data/raw.json\nkept:\n  type: json.JSONDataset\n  filepath: "
        f"{root}/data/kept.json\ncounted:\n  type: json.JSONDataset\n  filepath: "
        f"{root}/data/counted.json\n",
        "conf/base/parameters.yml": "threshold: 0\n",
        "data/raw.json": "[1, 2, 3, 4, 5, 6]",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_each_run_records_rows_and_bytes_and_the_previous_save(project: Path) -> None:
    first = Session.create(project)
    first.run()
    store = first.store
    assert store is not None
    saves = {save.dataset: save for save in dataset_saves(store)}
    assert saves["kept"].rows == 6
    assert saves["kept"].bytes == (project / "data" / "kept.json").stat().st_size
    assert saves["kept"].node == "keep"
    assert saves["counted"].rows is None  # a dict has no rows
    assert saves["in_memory"].rows == 6
    assert saves["in_memory"].bytes is None  # held in memory: no file
    assert saves["kept"].previous_rows is None

    Session.create(project, runtime_params={"threshold": 5}).run()
    latest_run = store.list_runs(1)[0].run_id
    saves = {save.dataset: save for save in dataset_saves(store)}
    kept = saves["kept"]
    assert (kept.rows, kept.previous_rows, kept.run_id) == (2, 6, latest_run)
    assert kept.previous_run_id == first.store.list_runs(2)[1].run_id  # type: ignore[union-attr]
    assert kept.bytes is not None and kept.previous_bytes is not None
    assert kept.bytes < kept.previous_bytes
    # one run's saves, each with the save before it
    older = {save.dataset: save for save in dataset_saves(store, kept.previous_run_id)}
    assert older["kept"].rows == 6 and older["kept"].previous_rows is None


def test_a_store_file_from_before_gets_the_table(project: Path) -> None:
    """A runs.db written before the table existed gains it (CREATE TABLE IF NOT EXISTS)."""
    store_path = project / ".proj" / "runs.db"
    store_path.parent.mkdir()
    sqlite3.connect(store_path).executescript(
        "CREATE TABLE runs (run_id TEXT PRIMARY KEY, session_id TEXT, started_at REAL NOT NULL,"
        " finished_at REAL, status TEXT NOT NULL, pipelines TEXT NOT NULL, request TEXT NOT NULL,"
        " env TEXT, params TEXT NOT NULL, git_sha TEXT, git_dirty INTEGER, command TEXT,"
        " error TEXT, resumed_from TEXT);"
    )
    session = Session.create(project)
    session.run()
    assert session.store is not None
    assert {save.dataset for save in dataset_saves(session.store)} == {
        "kept",
        "counted",
        "in_memory",
    }


@pytest.mark.parametrize(
    ("data", "rows"),
    [([1, 2], 2), ((1, 2, 3), 3), ({"a": 1}, None), ("text", None), (3.5, None), (None, None)],
)
def test_count_rows_of_plain_values(data: object, rows: int | None) -> None:
    assert count_rows(data) == rows


def test_count_rows_of_frames_and_arrays() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert count_rows(pd.DataFrame({"a": range(7)})) == 7
    assert count_rows(pd.Series(range(4))) == 4
    assert count_rows(np.zeros((5, 3))) == 5
    assert count_rows(np.float64(1.0)) is None  # shape () : a scalar


def test_runs_diff_names_outputs_whose_row_counts_differ(project: Path) -> None:
    from proj.framework.run_history import diff_runs

    first = Session.create(project)
    first.run()
    Session.create(project, runtime_params={"threshold": 5}).run()
    Session.create(project, runtime_params={"threshold": 5}).run()
    assert first.store is not None
    newest, middle, oldest = (run.run_id for run in first.store.list_runs(3))
    changed = {node.name: node for node in diff_runs(oldest, middle, project).nodes}
    assert changed["keep"].rows == {"kept": (6, 2)}
    assert "rows" in changed["keep"].differs
    assert changed["again"].rows == {"in_memory": (6, 2)}
    assert changed["count"].rows == {}  # a dict has no rows: nothing to compare
    assert changed["keep"].as_dict()["rows"] == {"kept": [6, 2]}
    same = diff_runs(middle, newest, project).nodes
    assert all(not node.rows and "rows" not in node.differs for node in same)
