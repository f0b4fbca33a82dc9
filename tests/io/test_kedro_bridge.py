"""The kedro-datasets bridge, with kedro and kedro-datasets really installed."""

from __future__ import annotations

import pickle
import sys
import textwrap
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError, DatasetTypeError
from proj.io import DataCatalog
from proj.io.core import AbstractDataset
from proj.io.kedro_bridge import KedroDatasetAdapter
from proj.io.registry import resolve_type, type_name

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "tok-7a6b5c4d3e"


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})


@pytest.fixture
def kedro_style_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A user module with a dataset class written against Kedro's AbstractDataset."""
    (tmp_path / "my_kedro_datasets.py").write_text(
        textwrap.dedent(
            """
            from kedro.io import AbstractDataset


            class UpperTextDataset(AbstractDataset):
                def __init__(self, filepath, credentials=None, metadata=None):
                    self._filepath = filepath
                    self._credentials = credentials or {}
                    self.metadata = metadata

                def load(self):
                    with open(self._filepath, encoding="utf-8") as file:
                        return file.read()

                def save(self, data):
                    with open(self._filepath, "w", encoding="utf-8") as file:
                        file.write(data.upper())

                def _exists(self):
                    import os
                    return os.path.exists(self._filepath)

                def _describe(self):
                    return {"filepath": self._filepath, "credentials": self._credentials}


            class DuckDataset:
                \"\"\"No Kedro base class: public load/save and a _describe.\"\"\"

                store = {}

                def __init__(self, key):
                    self._key = key

                def load(self):
                    return DuckDataset.store[self._key]

                def save(self, data):
                    DuckDataset.store[self._key] = data

                def _describe(self):
                    return {"key": self._key}
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_kedro_datasets", raising=False)
    return "my_kedro_datasets"


def test_a_kedro_datasets_pandas_type_by_full_path(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "k.csv"
    catalog = DataCatalog.from_config(
        {
            "cars": {
                "type": "kedro_datasets.pandas.CSVDataset",
                "filepath": str(path),
                "save_args": {"index": False, "sep": ";"},
                "load_args": {"sep": ";"},
                "metadata": {"layer": "raw"},
            }
        }
    )
    assert not catalog.exists("cars")
    catalog.save("cars", frame)
    assert path.read_text().splitlines()[0] == "a;b"
    pd.testing.assert_frame_equal(catalog.load("cars"), frame)
    assert catalog.exists("cars")
    described = catalog.describe("cars")
    assert described["type"] == "kedro_datasets.pandas.CSVDataset"
    assert described["filepath"] == str(path)
    assert described["metadata"] == {"layer": "raw"}
    dataset = catalog.get("cars")
    assert isinstance(dataset, AbstractDataset)
    assert dataset.preview(rows=1) == {  # type: ignore[attr-defined]
        "kind": "table",
        "columns": ["a", "b"],
        "rows": [[1, "x"]],
        "total_rows": None,
    }


def test_versioned_maps_to_kedros_version(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "v.csv"
    config = {
        "t": {"type": "kedro_datasets.pandas.CSVDataset", "filepath": str(path), "versioned": True}
    }
    first = DataCatalog.from_config(config, save_version="2024-01-01T00.00.00.000Z")
    first.save("t", frame.head(1))
    second = DataCatalog.from_config(config, save_version="2024-01-02T00.00.00.000Z")
    second.save("t", frame)
    assert (path / "2024-01-01T00.00.00.000Z" / "v.csv").is_file()
    assert (path / "2024-01-02T00.00.00.000Z" / "v.csv").is_file()
    assert len(DataCatalog.from_config(config).load("t")) == 2  # the latest
    pinned = DataCatalog.from_config(config, load_versions={"t": "2024-01-01T00.00.00.000Z"})
    assert len(pinned.load("t")) == 1


def test_short_kedro_names_resolve_when_proj_has_no_such_type() -> None:
    cls = resolve_type("pandas.XMLDataset", "e")
    assert issubclass(cls, KedroDatasetAdapter)
    assert type_name(cls) == "pandas.XMLDataset"
    assert resolve_type("pandas.XMLDataset", "other") is cls  # one adapter per class


def test_a_custom_kedro_style_class(tmp_path: Path, kedro_style_module: str) -> None:
    path = tmp_path / "t.txt"
    catalog = DataCatalog.from_config(
        {
            "shout": {
                "type": f"{kedro_style_module}.UpperTextDataset",
                "filepath": str(path),
                "credentials": "api",
            },
            "duck": {"type": f"{kedro_style_module}.DuckDataset", "key": "k"},
        },
        {"api": {"token": SECRET}},
    )
    assert not catalog.exists("shout")
    catalog.save("shout", "hello")
    assert catalog.load("shout") == "HELLO"
    assert catalog.exists("shout")
    described = catalog.describe("shout")
    assert described == {"type": f"{kedro_style_module}.UpperTextDataset", "filepath": str(path)}
    assert SECRET not in repr(catalog.get("shout"))
    catalog.save("duck", [1, 2])
    assert catalog.load("duck") == [1, 2]
    assert catalog.exists("duck")  # no _exists: "cannot tell" must not stop a run


def test_errors_are_wrapped_and_scrubbed(tmp_path: Path, kedro_style_module: str) -> None:
    catalog = DataCatalog.from_config(
        {
            "shout": {
                "type": f"{kedro_style_module}.UpperTextDataset",
                "filepath": str(tmp_path / f"missing-{SECRET}.txt"),
                "credentials": {"token": SECRET},
            }
        }
    )
    with pytest.raises(DatasetError) as info:
        catalog.load("shout")
    assert "Dataset 'shout'" in info.value.message
    assert "No such file or directory" in info.value.message
    assert SECRET not in str(info.value)


def test_unknown_arguments_are_checked_against_the_kedro_class(tmp_path: Path) -> None:
    with pytest.raises(DatasetTypeError, match=r"unknown key.*'filpath' \(did you mean 'filepath'"):
        DataCatalog.from_config(
            {"x": {"type": "kedro_datasets.pandas.CSVDataset", "filpath": "x.csv"}}
        )


def test_adapted_datasets_pickle_for_process_runners(tmp_path: Path, frame: pd.DataFrame) -> None:
    catalog = DataCatalog.from_config(
        {"c": {"type": "kedro_datasets.pandas.CSVDataset", "filepath": str(tmp_path / "c.csv")}}
    )
    catalog.save("c", frame)
    copy = pickle.loads(pickle.dumps(catalog))
    pd.testing.assert_frame_equal(copy.load("c"), frame)


def test_missing_kedro_datasets_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kedro_datasets", None)
    with pytest.raises(DatasetTypeError) as info:
        resolve_type("spark.SparkDataset", "trips")
    assert (
        "'spark.SparkDataset' in catalog entry 'trips' is not built into proj" in info.value.message
    )
    assert "kedro-datasets" in info.value.message
    assert info.value.hint is not None
    assert 'pip install "proj[kedro-datasets]"' in info.value.hint


@pytest.mark.parametrize("kedro_installed", [True, False])
def test_old_spellings_still_suggest_the_new_name(
    monkeypatch: pytest.MonkeyPatch, kedro_installed: bool
) -> None:
    if not kedro_installed:
        monkeypatch.setitem(sys.modules, "kedro_datasets", None)
    with pytest.raises(DatasetTypeError) as info:
        resolve_type("pandas.CSVDataSet", "cars")
    assert "Did you mean 'pandas.CSVDataset'" in info.value.message


def test_kedros_incremental_dataset_is_confirmed_through_the_catalog(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "a.txt").write_text("1")
    catalog = DataCatalog.from_config(
        {
            "parts": {
                "type": "kedro_datasets.partitions.IncrementalDataset",
                "path": str(folder),
                "dataset": "kedro_datasets.text.TextDataset",
            },
            "plain": {"type": "kedro_datasets.text.TextDataset", "filepath": str(tmp_path / "t")},
        }
    )
    assert catalog.load("parts") == {"a.txt": "1"}
    catalog.confirm("parts")
    assert (folder / "CHECKPOINT").read_text() == "a.txt"
    assert catalog.load("parts") == {}
    with pytest.raises(DatasetError, match="cannot be confirmed"):
        catalog.confirm("plain")
