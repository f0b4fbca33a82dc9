"""pandas.SQLTableDataset and pandas.SQLQueryDataset against a real SQLite database file."""

from __future__ import annotations

import logging
import sqlite3
import sys
import textwrap
from typing import TYPE_CHECKING

import pandas as pd
import pytest
import yaml

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog
from proj.io.datasets.sql import SQLQueryDataset, SQLTableDataset
from proj.pipeline import Pipeline, node
from proj.runner import SequentialRunner

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "pw-9f8e7d6c"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A SQLite file with a ``shuttles`` table of three rows."""
    path = tmp_path / "warehouse.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE shuttles (id INTEGER PRIMARY KEY, engines INTEGER, price REAL)"
        )
        connection.executemany(
            "INSERT INTO shuttles VALUES (?, ?, ?)", [(1, 2, 1000.0), (2, 4, 2500.0), (3, 1, 400.0)]
        )
    connection.close()
    return path


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def test_table_round_trip_and_if_exists_modes(database: Path) -> None:
    frame = pd.DataFrame({"name": ["a", "b"], "score": [1.5, 2.5]})
    creds = {"con": url(database)}
    dataset = SQLTableDataset(table_name="scores", credentials=creds)
    assert not dataset.exists()
    dataset.save(frame)
    assert dataset.exists()
    assert rows(database, "SELECT name, score FROM scores") == [("a", 1.5), ("b", 2.5)]
    pd.testing.assert_frame_equal(dataset.load(), frame)
    with pytest.raises(DatasetError, match="already exists"):  # pandas' default: fail
        dataset.save(frame)
    SQLTableDataset("scores", creds, save_args={"if_exists": "append"}).save(frame)
    assert len(dataset.load()) == 4
    SQLTableDataset("scores", creds, save_args={"if_exists": "replace"}).save(frame.head(1))
    assert rows(database, "SELECT name FROM scores") == [("a",)]


def test_load_args_reach_read_sql_table(database: Path) -> None:
    dataset = SQLTableDataset(
        "shuttles", {"con": url(database)}, load_args={"columns": ["price"], "index_col": "id"}
    )
    loaded = dataset.load()
    assert list(loaded.columns) == ["price"]
    assert loaded.loc[2, "price"] == 2500.0


def test_a_failed_save_leaves_the_table_as_it_was(database: Path) -> None:
    # Row 4 is new, row 1 repeats a primary key: the insert fails on the second chunk.
    dataset = SQLTableDataset(
        "shuttles",
        {"con": url(database)},
        save_args={"if_exists": "append", "chunksize": 1, "method": "multi"},
    )
    clash = pd.DataFrame({"id": [4, 1], "engines": [9, 9], "price": [1.0, 1.0]})
    with pytest.raises(DatasetError, match="IntegrityError"):
        dataset.save(clash)
    assert rows(database, "SELECT id FROM shuttles ORDER BY id") == [(1,), (2,), (3,)]


def test_query_inline_with_parameters_and_execution_options(database: Path) -> None:
    dataset = SQLQueryDataset(
        sql="SELECT id, price FROM shuttles WHERE engines >= :least ORDER BY id",
        credentials={"con": url(database)},
        load_args={"params": {"least": 2}},
        execution_options={"stream_results": True},
    )
    assert dataset.load()["id"].tolist() == [1, 2]
    assert dataset.exists()
    with pytest.raises(DatasetError, match="read-only"):
        dataset.save(pd.DataFrame({"id": [1]}))


def test_saved_query_from_a_sql_file_is_read_on_each_load(database: Path, tmp_path: Path) -> None:
    query = tmp_path / "queries" / "expensive.sql"
    query.parent.mkdir()
    query.write_text("SELECT id FROM shuttles WHERE price > 900 ORDER BY id\n")
    dataset = SQLQueryDataset(filepath=str(query), credentials={"con": url(database)})
    assert dataset.load()["id"].tolist() == [1, 2]
    query.write_text("SELECT id FROM shuttles WHERE price < 900\n")
    assert dataset.load()["id"].tolist() == [3]
    assert dataset.describe()["filepath"] == str(query)


def test_sql_or_filepath_exactly_one(database: Path) -> None:
    with pytest.raises(DatasetError, match=r"exactly one of 'sql'.*got neither"):
        SQLQueryDataset(credentials={"con": url(database)})
    with pytest.raises(DatasetError, match="got both"):
        SQLQueryDataset(sql="SELECT 1", filepath="q.sql", credentials={"con": url(database)})


def test_pipeline_reads_a_table_transforms_it_and_writes_another(
    database: Path, tmp_path: Path
) -> None:
    (tmp_path / "cheap.sql").write_text("SELECT id, price FROM shuttles WHERE price < 2000")
    catalog_yaml = textwrap.dedent(
        f"""
        shuttles:
          type: pandas.SQLTableDataset
          table_name: shuttles
          credentials: warehouse
        cheap_shuttles:
          type: pandas.SQLQueryDataset
          filepath: {tmp_path / "cheap.sql"}
          credentials: warehouse
        priced_shuttles:
          type: pandas.SQLTableDataset
          table_name: priced_shuttles
          credentials: warehouse
          save_args:
            if_exists: replace
        cheap_count:
          type: pandas.SQLTableDataset
          table_name: cheap_count
          credentials: warehouse
          save_args:
            if_exists: replace
        """
    )
    credentials = {"warehouse": {"con": url(database)}}
    catalog = DataCatalog.from_config(yaml.safe_load(catalog_yaml), credentials)

    def price_per_engine(shuttles: pd.DataFrame) -> pd.DataFrame:
        return shuttles.assign(per_engine=shuttles["price"] / shuttles["engines"])

    def count(cheap: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"n": [len(cheap)]})

    pipe = Pipeline(
        [
            node(price_per_engine, "shuttles", "priced_shuttles"),
            node(count, "cheap_shuttles", "cheap_count"),
        ]
    )
    SequentialRunner().run(pipe, catalog)
    assert rows(database, "SELECT id, per_engine FROM priced_shuttles ORDER BY id") == [
        (1, 500.0),
        (2, 625.0),
        (3, 400.0),
    ]
    assert rows(database, "SELECT n FROM cheap_count") == [(2,)]
    SequentialRunner().run(pipe, catalog)  # replace: running again is fine
    assert rows(database, "SELECT count(*) FROM priced_shuttles") == [(3,)]


def test_credentials_never_show(database: Path, caplog: pytest.LogCaptureFixture) -> None:
    con = f"postgresql://admin:{SECRET}@127.0.0.1:1/warehouse"
    dataset = SQLTableDataset("t", {"con": con})
    query = SQLQueryDataset(sql="SELECT 1", credentials={"con": con})
    shown = [repr(dataset), str(dataset.describe()), repr(query), str(query.describe())]
    assert all(SECRET not in text and "admin" not in text for text in shown)
    with caplog.at_level(logging.DEBUG), pytest.raises(DatasetError) as info:
        dataset.load()  # no driver or no server: either way an error
    assert SECRET not in str(info.value)
    assert info.value.__cause__ is None  # the cause's text may hold the URL
    assert SECRET not in caplog.text


def test_connection_errors_do_not_show_the_url(tmp_path: Path) -> None:
    con = f"sqlite:///{tmp_path}/no/such/folder/{SECRET}.db"
    with pytest.raises(DatasetError) as info:
        SQLTableDataset("t", {"con": con}).load()
    assert "OperationalError" in info.value.message
    assert SECRET not in str(info.value)


def test_con_is_required_and_not_accepted_in_args(database: Path) -> None:
    with pytest.raises(DatasetError, match=r"SQLAlchemy URL as `con` in its credentials"):
        SQLTableDataset("t", {})
    with pytest.raises(DatasetError, match="not in load_args"):
        SQLTableDataset("t", {"con": url(database)}, load_args={"con": url(database)})


def test_catalog_describe_and_preview(database: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "shuttles": {
                "type": "pandas.SQLTableDataset",
                "table_name": "shuttles",
                "credentials": "db",
            }
        },
        {"db": {"con": url(database)}},
    )
    assert catalog.describe("shuttles") == {
        "type": "pandas.SQLTableDataset",
        "table_name": "shuttles",
        "load_args": {},
        "save_args": {"index": False},
    }
    preview = catalog.get("shuttles").preview(rows=2)  # type: ignore[attr-defined]
    assert preview == {
        "kind": "table",
        "columns": ["id", "engines", "price"],
        "rows": [[1, 2, 1000.0], [2, 4, 2500.0]],
        "total_rows": 3,
    }


def test_missing_sqlalchemy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(MissingDependencyError) as info:
        SQLTableDataset("t", {"con": "sqlite://"})
    assert info.value.hint == 'Install it with: pip install "proj[sql]"'
