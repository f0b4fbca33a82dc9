"""Tests for proj/io/datasets/: every built-in file dataset round-trips real files."""

from __future__ import annotations

import json
import pickle
import sys
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import (
    CSVDataset,
    JSONDataset,
    ParquetDataset,
    PickleDataset,
    TextDataset,
    YAMLDataset,
)

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    data: pd.DataFrame = pd.DataFrame({"name": ["a", "b", "c"], "value": [1.5, 2.0, -3.25]})
    return data


def test_csv_round_trip_without_index(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "01_raw" / "cars.csv"
    dataset = CSVDataset(str(path))
    dataset.save(frame)
    assert path.read_text().splitlines()[0] == "name,value"  # no index column
    pd.testing.assert_frame_equal(dataset.load(), frame)
    assert dataset.exists()


def test_csv_load_and_save_args(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "semi.csv"
    dataset = CSVDataset(str(path), load_args={"sep": ";"}, save_args={"sep": ";"})
    dataset.save(frame)
    assert path.read_text().splitlines()[1] == "a;1.5"
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_csv_refuses_non_dataframes(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with pytest.raises(DatasetError, match=r"saves a pandas DataFrame, got list"):
        CSVDataset(str(path)).save([1, 2])
    assert not path.exists()


def test_parquet_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "02_intermediate" / "cars.parquet"
    dataset = ParquetDataset(str(path))
    dataset.save(frame)
    assert path.read_bytes()[:4] == b"PAR1"
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_parquet_load_args_select_columns(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "cars.parquet"
    ParquetDataset(str(path)).save(frame)
    loaded = ParquetDataset(str(path), load_args={"columns": ["value"]}).load()
    assert list(loaded.columns) == ["value"]


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes pyarrow unimportable
    with pytest.raises(MissingDependencyError, match="pyarrow") as info:
        ParquetDataset(str(tmp_path / "x.parquet"))
    assert 'pip install "proj[parquet]"' in str(info.value)


def test_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    data = {"accuracy": 0.9, "labels": ["é", "b"], "nested": {"n": None}}
    dataset = JSONDataset(str(path))
    dataset.save(data)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    assert path.read_text(encoding="utf-8").startswith("{\n  ")  # indent=2 by default
    assert dataset.load() == data


def test_json_non_serialisable_data_is_a_dataset_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    with pytest.raises(DatasetError, match=r"json\.JSONDataset at .*bad\.json.*TypeError"):
        JSONDataset(str(path)).save({"when": object()})
    assert not path.exists()


def test_yaml_round_trip_keeps_key_order(tmp_path: Path) -> None:
    path = tmp_path / "conf.yml"
    data = {"z": 1, "a": [1, 2], "text": "ünïcode"}
    dataset = YAMLDataset(str(path))
    dataset.save(data)
    assert path.read_text(encoding="utf-8") == "z: 1\na:\n- 1\n- 2\ntext: ünïcode\n"
    assert dataset.load() == data


def test_yaml_refuses_load_args(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="takes no load_args"):
        YAMLDataset(str(tmp_path / "x.yml"), load_args={"Loader": "full"})


def test_pickle_round_trip_with_protocol(tmp_path: Path) -> None:
    path = tmp_path / "06_models" / "model.pkl"
    data = {"weights": [0.1, 0.2], "frame": pd.DataFrame({"a": [1]})}
    dataset = PickleDataset(str(path), save_args={"protocol": 4})
    dataset.save(data)
    assert path.read_bytes()[:2] == b"\x80\x04"
    loaded = dataset.load()
    assert loaded["weights"] == [0.1, 0.2]
    pd.testing.assert_frame_equal(loaded["frame"], data["frame"])


def test_pickle_file_is_a_standard_pickle(tmp_path: Path) -> None:
    path = tmp_path / "x.pkl"
    PickleDataset(str(path)).save((1, "two"))
    with path.open("rb") as file:
        assert pickle.load(file) == (1, "two")


def test_pickle_backends_as_kedro_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``backend: cloudpickle`` saves what plain pickle refuses (a lambda); an unknown
    or missing backend is an error naming the entry and the fix."""
    pytest.importorskip("cloudpickle")
    scale = PickleDataset(str(tmp_path / "scale.pkl"), backend="cloudpickle")
    scale.save(lambda x: 3 * x)
    assert scale.load()(2) == 6
    assert scale.describe()["backend"] == "cloudpickle"
    plain = PickleDataset(str(tmp_path / "plain.pkl"))
    with pytest.raises(DatasetError, match="cannot pickle the function") as refused:
        plain.save(lambda x: 3 * x)
    assert "backend: cloudpickle" in (refused.value.hint or "")
    assert not (tmp_path / "plain.pkl").exists()  # nothing half-written
    with pytest.raises(DatasetError, match="unknown backend 'marshal'") as unknown:
        PickleDataset(str(tmp_path / "x.pkl"), backend="marshal")
    assert "one of pickle, joblib, dill, cloudpickle, compress_pickle" in unknown.value.message
    monkeypatch.setitem(sys.modules, "dill", None)  # as if dill were not installed
    with pytest.raises(DatasetError, match="backend 'dill', which is not installed") as missing:
        PickleDataset(str(tmp_path / "x.pkl"), backend="dill")
    assert missing.value.hint == "Install it with: pip install dill"


def test_text_round_trip_keeps_newlines(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    dataset = TextDataset(str(path))
    dataset.save("line one\r\nline two\n")
    assert path.read_bytes() == b"line one\r\nline two\n"
    assert dataset.load() == "line one\r\nline two\n"


def test_text_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    dataset = TextDataset(
        str(path), load_args={"encoding": "latin-1"}, save_args={"encoding": "latin-1"}
    )
    dataset.save("café")
    assert path.read_bytes() == b"caf\xe9"
    assert dataset.load() == "café"


def test_text_refuses_bytes_and_unknown_args(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="saves a str, got bytes"):
        TextDataset(str(tmp_path / "x.txt")).save(b"raw")
    with pytest.raises(DatasetError, match=r"accepts only 'encoding' and 'errors'.*'newline'"):
        TextDataset(str(tmp_path / "x.txt"), save_args={"newline": ""})


def test_loading_a_missing_file_names_type_and_path(tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    with pytest.raises(DatasetError) as info:
        CSVDataset(str(path)).load()
    assert "pandas.CSVDataset" in info.value.message
    assert str(path) in info.value.message
    assert info.value.hint is not None
    assert "Run the node that produces it" in info.value.hint
    assert isinstance(info.value.__cause__, FileNotFoundError)
    assert CSVDataset(str(path)).exists() is False


def test_unparsable_file_is_a_dataset_error_with_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"Failed to load json\.JSONDataset") as info:
        JSONDataset(str(path)).load()
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_describe_shows_type_path_and_args(tmp_path: Path) -> None:
    path = str(tmp_path / "x.csv")
    described = CSVDataset(path, load_args={"sep": ";"}, metadata={"layer": "raw"}).describe()
    assert described == {
        "type": "pandas.CSVDataset",
        "filepath": path,
        "protocol": "file",
        "load_args": {"sep": ";"},
        "save_args": {"index": False},
        "metadata": {"layer": "raw"},
    }


def test_bad_argument_shapes_are_dataset_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="non-empty 'filepath'"):
        CSVDataset("")
    with pytest.raises(DatasetError, match=r"load_args .* must be a mapping, got list"):
        CSVDataset(str(tmp_path / "x.csv"), load_args=["sep"])  # type: ignore[arg-type]


def test_csv_saves_a_series_as_one_column(tmp_path: Path) -> None:
    path = tmp_path / "y.csv"
    dataset = CSVDataset(str(path))
    dataset.save(pd.Series([1.5, 2.5], name="price"))
    assert path.read_text().splitlines() == ["price", "1.5", "2.5"]
    assert dataset.load()["price"].tolist() == [1.5, 2.5]
