"""Dataset descriptions from the catalog configuration, and previews by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from proj.exceptions import DatasetError, DatasetNotFoundError, DatasetTypeError
from proj.viz.datasets import CatalogEntries, describe_dataset, preview_dataset
from proj.viz.snapshot import load_session
from tests.viz.conftest import SECRETS


def test_preview_returns_the_first_rows_of_a_csv(iris: Path) -> None:
    preview = preview_dataset(load_session(iris), "iris", rows=3)
    assert preview["kind"] == "table"
    assert preview["columns"] == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
        "species",
    ]
    assert preview["rows"] == [
        [5.1, 3.5, 1.4, 0.2, "setosa"],
        [4.9, 3.0, 1.4, 0.2, "setosa"],
        [4.7, 3.2, 1.3, 0.2, "setosa"],
    ]
    assert preview["total_rows"] is None  # only the first rows were read


def test_preview_of_pickled_frames_counts_all_rows(ran_iris: Path) -> None:
    preview = preview_dataset(load_session(ran_iris), "X_test", rows=2)
    assert preview["kind"] == "table"
    assert len(preview["rows"]) == 2
    assert preview["total_rows"] == 30


def test_preview_of_json_and_parameters(ran_iris: Path) -> None:
    session = load_session(ran_iris)
    metrics = preview_dataset(session, "metrics")
    assert metrics["kind"] == "json"
    assert '"accuracy"' in metrics["text"]
    params = preview_dataset(session, "params:split_options.test_fraction")
    assert params == {
        "dataset": "params:split_options.test_fraction",
        "kind": "json",
        "text": "0.2",
        "truncated": False,
    }
    assert '"model_options"' in preview_dataset(session, "parameters")["text"]


def test_preview_rows_are_capped(iris: Path) -> None:
    preview = preview_dataset(load_session(iris), "iris", rows=10_000)
    assert len(preview["rows"]) == 100


def test_only_catalog_names_can_be_previewed(iris: Path) -> None:
    session = load_session(iris)
    for name in ("../../etc/passwd", "data/01_raw/iris.csv", "/etc/passwd", "nope"):
        with pytest.raises(DatasetNotFoundError, match="not declared in the catalog"):
            preview_dataset(session, name)
    with pytest.raises(DatasetNotFoundError, match="params:nope"):
        preview_dataset(session, "params:nope")


def test_a_failed_preview_says_why_without_secrets(shop: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        preview_dataset(load_session(shop), "remote_orders")
    message = str(caught.value)
    assert "remote_orders" in message
    assert "s3://***@shop-bucket/orders.csv" in message
    for secret in SECRETS:
        assert secret not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_descriptions_come_from_the_configuration() -> None:
    entries = CatalogEntries.from_config(
        {
            "_anchor": {"type": "pandas.CSVDataset"},
            "cars": {
                "type": "pandas.CSVDataset",
                "filepath": "s3://k:s@b/cars.csv",
                "credentials": "dev",
                "versioned": True,
                "metadata": {"layer": "raw"},
            },
            "{name}_db": {"type": "my.SQLDataset", "table_name": "{name}"},
        }
    )
    assert describe_dataset("cars", entries) == {
        "name": "cars",
        "type": "pandas.CSVDataset",
        "path": "s3://***@b/cars.csv",
        "layer": "raw",
        "parameter": False,
        "declared": True,
        "versioned": True,
        "pattern": None,
    }
    users = describe_dataset("users_db", entries)
    assert (users["type"], users["path"], users["pattern"]) == (
        "my.SQLDataset",
        "users",
        "{name}_db",
    )
    assert describe_dataset("_anchor", entries)["declared"] is False
    assert describe_dataset("params:x", entries)["type"] == "parameters"


def test_an_invalid_pattern_is_reported() -> None:
    with pytest.raises(DatasetTypeError, match=re.escape("{name:d}")):
        CatalogEntries.from_config({"{name:d}_csv": {"type": "pandas.CSVDataset"}})


def test_datasets_with_their_own_preview_are_shown_by_it(iris: Path) -> None:
    import sqlite3

    database = iris / "data" / "warehouse.db"
    connection = sqlite3.connect(database)
    with connection:
        connection.execute("CREATE TABLE t (id INTEGER, name TEXT)")
        connection.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"n{i}") for i in range(50)])
    connection.close()
    daily = iris / "data" / "01_raw" / "daily"
    daily.mkdir()
    for day in ("d1", "d2"):
        (daily / f"{day}.csv").write_text("x\n1\n")
    catalog = iris / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text()
        + "table:\n  type: pandas.SQLTableDataset\n  table_name: t\n  credentials: db\n"
        "daily:\n  type: partitions.PartitionedDataset\n  path: data/01_raw/daily\n"
        "  dataset: pandas.CSVDataset\n  filename_suffix: .csv\n"
    )
    (iris / "conf" / "local" / "credentials.yml").write_text(f"db:\n  con: sqlite:///{database}\n")
    session = load_session(iris)
    table = preview_dataset(session, "table", rows=2)
    assert table == {
        "dataset": "table",
        "kind": "table",
        "columns": ["id", "name"],
        "rows": [[0, "n0"], [1, "n1"]],
        "total_rows": 50,  # counted in the database, not loaded
    }
    parts = preview_dataset(session, "daily")
    assert parts["rows"] == [["d1"], ["d2"]]
