"""Tests for proj/io/entries.py: one catalog entry to one dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from proj.exceptions import DatasetError, DatasetTypeError
from proj.io import JSONDataset
from proj.io.entries import build_dataset, inject_credentials

if TYPE_CHECKING:
    from pathlib import Path


def test_build_a_file_dataset(tmp_path: Path) -> None:
    dataset = build_dataset(
        "m",
        {"type": "json.JSONDataset", "filepath": str(tmp_path / "m.json")},
        credentials={},
    )
    assert isinstance(dataset, JSONDataset)
    dataset.save({"a": 1})
    assert dataset.load() == {"a": 1}


def test_the_entry_is_not_modified(tmp_path: Path) -> None:
    entry = {
        "type": "json.JSONDataset",
        "filepath": "x.json",
        "credentials": "c",
        "versioned": True,
    }
    build_dataset("m", entry, credentials={"c": {}})
    assert entry == {
        "type": "json.JSONDataset",
        "filepath": "x.json",
        "credentials": "c",
        "versioned": True,
    }


def test_missing_required_argument_is_named() -> None:
    with pytest.raises(DatasetTypeError, match=r"'cars' \(pandas.CSVDataset\): .*'filepath'"):
        build_dataset("cars", {"type": "pandas.CSVDataset"}, credentials={})


def test_inline_credentials_are_kept() -> None:
    entry = {"type": "x", "credentials": {"token": "abc"}}
    assert inject_credentials("e", entry, {})["credentials"] == {"token": "abc"}


def test_credentials_by_name_are_replaced() -> None:
    result = inject_credentials("e", {"credentials": "dev"}, {"dev": {"key": "k"}})
    assert result == {"credentials": {"key": "k"}}


def test_credentials_of_the_wrong_type() -> None:
    with pytest.raises(DatasetError, match="'e' has credentials of type int"):
        inject_credentials("e", {"credentials": 3}, {})


def test_no_credentials_configured_at_all() -> None:
    with pytest.raises(DatasetError, match=r"available: none"):
        inject_credentials("e", {"credentials": "dev"}, {})


def test_metadata_must_be_a_mapping() -> None:
    with pytest.raises(DatasetTypeError, match="metadata must be a mapping"):
        build_dataset("m", {"type": "MemoryDataset", "metadata": "raw"}, credentials={})
