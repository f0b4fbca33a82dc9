"""``proj catalog list`` on the iris starter, with declared, undeclared and pattern datasets."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from proj.exceptions import UnknownNameError


def rows(output: str) -> dict[str, list[str]]:
    """Dataset name -> the cells of its row in the table (split on runs of spaces)."""
    table = output.split("\n\n", maxsplit=1)[0].splitlines()[2:]
    return {line.split()[0]: re.split(r"\s{2,}", line.strip()) for line in table}


@pytest.fixture
def undeclared_y_pred(project: Path) -> Path:
    """The starter with ``y_pred`` dropped from the catalog and a pattern for ``model``."""
    catalog = project / "conf" / "base" / "catalog.yml"
    text = catalog.read_text()
    text = text.replace(
        "y_pred:\n  type: pickle.PickleDataset\n  filepath: data/07_model_output/y_pred.pkl\n", ""
    )
    text = text.replace(
        "model:\n  type: pickle.PickleDataset\n  filepath: data/06_models/model.pkl\n",
        '"{name}l":\n  type: pickle.PickleDataset\n  filepath: data/06_models/{name}.pkl\n',
    )
    catalog.write_text(text)
    return project


def test_list_shows_type_and_nodes_of_each_dataset(
    project: Path, cli: Callable[..., Result]
) -> None:
    result = cli("catalog", "list")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Datasets of __default__, data_processing, data_science (env local)")
    table = rows(out)
    assert list(table) == sorted(table, key=str)  # sorted by name
    assert table["model"][1:] == [
        "pickle.PickleDataset",
        "yes",
        "train_model",
        "predict, report_accuracy",
        "data/06_models/model.pkl",
    ]
    assert table["iris"][3] == "-"  # nobody writes the raw data
    assert "params:split_options" not in table
    params = out.split("\n\n")[1]
    assert "params:split_options" in params and "split_data" in params


def test_undeclared_datasets_show_as_memory(
    undeclared_y_pred: Path, cli: Callable[..., Result]
) -> None:
    result = cli("catalog", "list", "--pipeline", "data_science")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table["y_pred"][1:4] == ["MemoryDataset", "memory", "predict"]
    assert table["model"][1:3] == ["pickle.PickleDataset", "by pattern"]
    assert "iris" not in table  # not used by data_science


def test_list_json(undeclared_y_pred: Path, cli: Callable[..., Result]) -> None:
    result = cli("catalog", "list", "-p", "data_processing,data_science", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["pipelines"] == ["data_processing", "data_science"]
    datasets = {d["name"]: d for d in listing["datasets"]}
    assert datasets["y_pred"] == {
        "name": "y_pred",
        "type": "MemoryDataset",
        "source": "memory",
        "filepath": None,
        "read_by": ["report_accuracy"],
        "written_by": ["predict"],
    }
    assert datasets["model"]["source"] == "pattern"
    assert datasets["iris"]["filepath"] == "data/01_raw/iris.csv"
    assert {p["name"] for p in listing["parameters"]} == {
        "params:columns",
        "params:columns.target",
        "params:split_options",
        "params:model_options",
    }


def test_declared_but_unused_datasets_are_listed_without_a_pipeline_filter(
    project: Path, cli: Callable[..., Result]
) -> None:
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text() + "\narchive:\n  type: text.TextDataset\n  filepath: data/a.txt\n"
    )
    everything = json.loads(cli("catalog", "list", "--json").stdout)
    archive = next(d for d in everything["datasets"] if d["name"] == "archive")
    assert (archive["read_by"], archive["written_by"]) == ([], [])
    science = json.loads(cli("catalog", "list", "-p", "data_science", "--json").stdout)
    assert "archive" not in {d["name"] for d in science["datasets"]}


def test_env_selects_the_configuration(project: Path, cli: Callable[..., Result]) -> None:
    staging = project / "conf" / "staging"
    staging.mkdir()
    (staging / "catalog.yml").write_text(
        "metrics:\n  type: yaml.YAMLDataset\n  filepath: data/08_reporting/metrics.yml\n"
    )
    listing = json.loads(cli("catalog", "list", "--env", "staging", "--json").stdout)
    assert listing["env"] == "staging"
    metrics = next(d for d in listing["datasets"] if d["name"] == "metrics")
    assert metrics["type"] == "yaml.YAMLDataset"


def test_unknown_pipeline_suggests_the_closest(project: Path, cli: Callable[..., Result]) -> None:
    result = cli("catalog", "list", "--pipeline", "data_sience")
    assert isinstance(result.exception, UnknownNameError)
    assert "did you mean 'data_science'" in str(result.exception)


def test_list_shows_the_new_dataset_types_and_never_credentials(
    project: Path, cli: Callable[..., Result]
) -> None:
    secret = "pw-31a9c0ffee"
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text()
        + "\nwarehouse_table:\n  type: pandas.SQLTableDataset\n  table_name: shuttles\n"
        "  credentials: warehouse\n"
        "report_book:\n  type: pandas.ExcelDataset\n  filepath: data/08_reporting/report.xlsx\n"
        "daily:\n  type: partitions.PartitionedDataset\n  path: data/01_raw/daily\n"
        "  dataset: pandas.CSVDataset\n"
        "kedro_cars:\n  type: kedro_datasets.pandas.CSVDataset\n  filepath: data/01_raw/cars.csv\n"
        "old_plot:\n  type: matplotlib.MatplotlibWriter\n  filepath: data/08_reporting/p.png\n"
    )
    (project / "conf" / "local" / "credentials.yml").write_text(
        f"warehouse:\n  con: postgresql://analyst:{secret}@db.internal/warehouse\n"
    )
    result = cli("catalog", "list")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table["warehouse_table"][1] == "pandas.SQLTableDataset"
    assert table["report_book"][1] == "pandas.ExcelDataset"
    assert table["report_book"][-1] == "data/08_reporting/report.xlsx"
    assert table["daily"][1] == "partitions.PartitionedDataset"
    assert table["kedro_cars"][1] == "kedro_datasets.pandas.CSVDataset"
    assert table["old_plot"][1] == "matplotlib.MatplotlibWriter"
    as_json = cli("catalog", "list", "--json")
    assert as_json.exit_code == 0, as_json.output
    for output in (result.stdout, as_json.stdout):
        assert secret not in output
        assert "analyst" not in output


def test_list_shows_no_credentials(project: Path, cli: Callable[..., Result]) -> None:
    """A path with user info, and the connection string of an SQL-like dataset, are
    redacted in the table and in --json."""
    (project / "src" / "iris_demo" / "remote.py").write_text(
        "from proj.io import AbstractDataset\n\n\n"
        "class RemoteDataset(AbstractDataset):\n"
        "    def __init__(self, filepath, con, load_args=None):\n"
        "        self.filepath, self.con, self.load_args = filepath, con, load_args\n\n"
        "    def _load(self):\n        return None\n\n"
        "    def _save(self, data):\n        pass\n\n"
        "    def _describe(self):\n"
        "        return {'filepath': self.filepath, 'con': self.con, 'load_args': self.load_args}\n"
    )
    catalog = project / "conf" / "base" / "catalog.yml"
    catalog.write_text(
        catalog.read_text() + "\nremote:\n  type: iris_demo.remote.RemoteDataset\n"
        "  filepath: s3://AKIAKEY:wJalrSECRET@bucket/iris.csv?X-Amz-Signature=sigSECRET\n"
        "  con: postgresql://app:conSECRET@db/prod\n"
        "  load_args: {api_key: keySECRET, rows: 3}\n"
    )
    table = cli("catalog", "list").stdout
    listing = cli("catalog", "list", "--json").stdout
    assert "s3://***@bucket/iris.csv?X-Amz-Signature=***" in table
    remote = next(d for d in json.loads(listing)["datasets"] if d["name"] == "remote")
    assert remote["filepath"] == "s3://***@bucket/iris.csv?X-Amz-Signature=***"
    for secret in ("AKIAKEY", "wJalrSECRET", "sigSECRET", "conSECRET", "keySECRET"):
        assert secret not in table
        assert secret not in listing
    from proj.framework import Session

    described = Session.create(project).load_context().catalog.describe("remote")
    assert described["con"] == "***"
    assert described["load_args"] == {"api_key": "***", "rows": 3}
