"""Tests for proj/io/registry.py: dataset type names and resolving them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from proj.exceptions import DatasetTypeError
from proj.io import CSVDataset, MemoryDataset
from proj.io.registry import BUILTIN_TYPES, resolve_type, type_name

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("name", sorted(BUILTIN_TYPES))
def test_every_builtin_name_resolves_and_round_trips(name: str) -> None:
    cls = resolve_type(name, "entry")
    assert type_name(cls) == name


def test_full_dotted_paths_and_classes_resolve() -> None:
    assert resolve_type("proj.io.datasets.pandas.CSVDataset", "e") is CSVDataset
    assert resolve_type("proj.io.MemoryDataset", "e") is MemoryDataset
    assert resolve_type(MemoryDataset, "e") is MemoryDataset


def test_user_class_names_are_their_dotted_path() -> None:
    from tests.io.test_catalog import RecordingDataset

    assert type_name(RecordingDataset) == "tests.io.test_catalog.RecordingDataset"


def test_missing_module_is_an_unknown_type() -> None:
    with pytest.raises(DatasetTypeError) as info:
        resolve_type("my_pkgx.datasets.MyDataset", "models")
    assert "Unknown dataset type 'my_pkgx.datasets.MyDataset' in catalog entry 'models'" in (
        info.value.message
    )
    assert "no module named 'my_pkgx'" in info.value.message
    assert info.value.hint is not None
    assert "pandas.CSVDataset" in info.value.hint


def test_missing_class_in_an_existing_module() -> None:
    with pytest.raises(DatasetTypeError, match=r"module 'proj.io.memory' has no 'MemDataset'"):
        resolve_type("proj.io.memory.MemDataset", "m")


def test_broken_user_module_reports_the_missing_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_datasets_pkg.py").write_text("import not_installed_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "broken_datasets_pkg", raising=False)
    with pytest.raises(DatasetTypeError, match="Cannot import 'broken_datasets_pkg'") as info:
        resolve_type("broken_datasets_pkg.MyDataset", "m")
    assert info.value.hint == "Install the missing package 'not_installed_dependency_xyz'."
    assert isinstance(info.value.__cause__, ModuleNotFoundError)


def test_user_module_raising_on_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "raising_datasets_pkg.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "raising_datasets_pkg", raising=False)
    with pytest.raises(DatasetTypeError, match="failed: RuntimeError: boom"):
        resolve_type("raising_datasets_pkg.MyDataset", "m")


def test_non_dataset_classes_are_refused() -> None:
    with pytest.raises(DatasetTypeError, match=r"'collections.OrderedDict' .* is not a dataset"):
        resolve_type("collections.OrderedDict", "m")
    with pytest.raises(DatasetTypeError, match="is not a dataset class"):
        resolve_type("os.getcwd", "m")


@pytest.mark.parametrize("spec", [None, "", 5, ["pandas.CSVDataset"]])
def test_invalid_type_values(spec: object) -> None:
    with pytest.raises(DatasetTypeError, match="has an invalid 'type'"):
        resolve_type(spec, "cars")


@pytest.mark.parametrize(
    ("wanted", "suggested"),
    [
        ("pandas.CsvDataset", "pandas.CSVDataset"),
        ("ParquetDataset", "pandas.ParquetDataset"),
        ("json.JSONDataSet", "json.JSONDataset"),
        ("MemoryDataSet", "MemoryDataset"),
    ],
)
def test_suggestions(wanted: str, suggested: str) -> None:
    with pytest.raises(DatasetTypeError, match=f"Did you mean '{suggested}'"):
        resolve_type(wanted, "entry")
