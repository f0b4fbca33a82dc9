"""Tests for proj/io/optional.py and the type availability of proj/io/registry.py."""

from __future__ import annotations

import sys

import pytest

from proj.exceptions import MissingDependencyError
from proj.io.optional import is_installed, require
from proj.io.registry import BUILTIN_TYPES, REQUIREMENTS, available_types


def test_is_installed_looks_without_importing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "openpyxl", raising=False)
    assert is_installed("openpyxl")
    assert "openpyxl" not in sys.modules  # found, not imported
    assert not is_installed("no_such_package_for_proj")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert not is_installed("openpyxl")


def test_require_names_the_first_missing_package_and_the_extra() -> None:
    require(("json", "sqlite3"), "none", "a feature")  # both present: no error
    with pytest.raises(MissingDependencyError) as info:
        require(("json", "no_such_package_for_proj"), "sql", "pandas.SQLTableDataset")
    assert info.value.message == (
        "pandas.SQLTableDataset needs 'no_such_package_for_proj', which is not installed."
    )
    assert info.value.extra == "sql"


def test_available_types_follow_the_requirements(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(REQUIREMENTS) <= set(BUILTIN_TYPES)
    assert all(kind.available for kind in available_types())  # the dev group has every extra
    monkeypatch.setitem(sys.modules, "polars", None)
    missing = {kind.name: kind for kind in available_types() if not kind.available}
    assert sorted(missing) == [
        "polars.CSVDataset",
        "polars.EagerPolarsDataset",
        "polars.ParquetDataset",
    ]
    assert {kind.extra for kind in missing.values()} == {"polars"}
    assert missing["polars.CSVDataset"].missing == ("polars",)
