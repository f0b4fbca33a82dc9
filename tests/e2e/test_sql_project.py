"""A project whose raw data and cleaned table live in a SQLite database, through
``proj run``: the connection string (with a secret in it) is never printed or stored."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import Result, assert_clean_error, node_statuses

pytestmark = pytest.mark.e2e

SECRET = "pw-0b5e55ed"


def use_database(project: Path, database: Path) -> None:
    """Load the raw CSV into ``database`` and point the catalog's ``iris`` and
    ``iris_clean`` at SQL tables, with the URL in conf/local/credentials.yml."""
    database.parent.mkdir(parents=True, exist_ok=True)
    raw = pd.read_csv(project / "data" / "01_raw" / "iris.csv")
    connection = sqlite3.connect(database)
    with connection:
        raw.to_sql("iris", connection, index=False)
    connection.close()
    catalog = project / "conf" / "base" / "catalog.yml"
    text = catalog.read_text()
    text = re.sub(
        r"iris:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/iris.csv\n",
        "iris:\n  type: pandas.SQLTableDataset\n  table_name: iris\n  credentials: warehouse\n",
        text,
    )
    text = re.sub(
        r"iris_clean:\n  type: pickle.PickleDataset\n  filepath: [^\n]+\n",
        "iris_clean:\n  type: pandas.SQLTableDataset\n  table_name: iris_clean\n"
        "  credentials: warehouse\n  save_args:\n    if_exists: replace\n",
        text,
    )
    assert text.count("type: pandas.SQLTableDataset") == 2
    catalog.write_text(text)
    (project / "conf" / "local" / "credentials.yml").write_text(
        f"warehouse:\n  con: sqlite:///{database}\n"
    )


def test_proj_run_reads_and_writes_tables(
    starter: Path, tmp_path: Path, proj: Callable[..., Result]
) -> None:
    database = tmp_path / SECRET / "warehouse.db"
    use_database(starter, database)
    listed = proj("catalog", "list", cwd=starter)
    assert listed.returncode == 0, listed.output
    assert "pandas.SQLTableDataset" in listed.stdout
    result = proj("run", "--verbose", cwd=starter)
    assert result.returncode == 0, result.output
    assert set(node_statuses(starter).values()) == {"success"}
    connection = sqlite3.connect(database)
    try:
        (cleaned,) = connection.execute("SELECT count(*) FROM iris_clean").fetchone()
    finally:
        connection.close()
    assert cleaned > 100
    for text in (
        result.output,
        listed.output,
        (starter / ".proj" / "runs.db").read_bytes().decode("latin-1"),
    ):
        assert SECRET not in text


def test_a_database_error_names_the_table_not_the_url(
    starter: Path, tmp_path: Path, proj: Callable[..., Result]
) -> None:
    use_database(starter, tmp_path / "db" / "warehouse.db")
    (starter / "conf" / "local" / "credentials.yml").write_text(
        f"warehouse:\n  con: sqlite:///{tmp_path}/{SECRET}/missing/warehouse.db\n"
    )
    result = proj("run", cwd=starter)
    line = assert_clean_error(result)
    assert "table 'iris'" in result.output
    assert SECRET not in result.output, line
    assert SECRET not in (starter / ".proj" / "runs.db").read_bytes().decode("latin-1")
