"""Tests for proj/io/core.py: the public wrappers of AbstractDataset."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from proj.exceptions import DatasetError, DatasetNotFoundError, MissingDependencyError
from proj.io import AbstractDataset
from proj.io.core import reworded


class ListDataset(AbstractDataset):
    """A small real dataset: appends saved items to a list, loads the last one."""

    def __init__(self, path: str = "in-memory-list", fail: Exception | None = None) -> None:
        self.items: list[Any] = []
        self.path = path
        self.fail = fail
        self.credentials = {"token": "s3cr3t"}

    def _load(self) -> Any:
        if self.fail is not None:
            raise self.fail
        return self.items[-1]

    def _save(self, data: Any) -> None:
        if self.fail is not None:
            raise self.fail
        self.items.append(data)

    def _describe(self) -> dict[str, Any]:
        return {
            "filepath": self.path,
            "credentials": self.credentials,
            "fs_args": {"nested": {"credentials": self.credentials, "region": "eu"}},
        }


def test_load_and_save_go_through_the_subclass() -> None:
    dataset = ListDataset()
    dataset.save([1, 2])
    assert dataset.load() == [1, 2]
    assert dataset.items == [[1, 2]]


def test_unexpected_load_error_names_type_and_path_and_chains_cause() -> None:
    cause = ValueError("bad bytes at offset 3")
    dataset = ListDataset(path="data/things.bin", fail=cause)
    with pytest.raises(DatasetError) as info:
        dataset.load()
    message = str(info.value)
    assert "Failed to load" in message
    assert "tests.io.test_core.ListDataset" in message
    assert "data/things.bin" in message
    assert "ValueError: bad bytes at offset 3" in message
    assert info.value.__cause__ is cause


def test_unexpected_save_error_is_a_dataset_error() -> None:
    dataset = ListDataset(fail=OSError("disk full"))
    with pytest.raises(DatasetError, match=r"Failed to save .*OSError: disk full") as info:
        dataset.save(1)
    assert isinstance(info.value.__cause__, OSError)


def test_proj_errors_from_subclasses_pass_through_unchanged() -> None:
    original = MissingDependencyError("pyarrow", "parquet", "pandas.ParquetDataset")
    dataset = ListDataset(fail=original)
    with pytest.raises(MissingDependencyError) as info:
        dataset.load()
    assert info.value is original


def test_saving_none_is_refused_with_a_hint() -> None:
    dataset = ListDataset()
    with pytest.raises(DatasetError, match="Refusing to save None") as info:
        dataset.save(None)
    assert info.value.hint is not None
    assert "Return a value" in info.value.hint
    assert dataset.items == []


def test_describe_and_repr_never_show_credentials() -> None:
    dataset = ListDataset(path="s3://bucket/key")
    described = dataset.describe()
    assert described == {
        "type": "tests.io.test_core.ListDataset",
        "filepath": "s3://bucket/key",
        "fs_args": {"nested": {"region": "eu"}},
    }
    assert "s3cr3t" not in repr(dataset)
    assert repr(dataset).startswith("tests.io.test_core.ListDataset(filepath='s3://bucket/key'")


def test_metadata_is_shown_by_describe() -> None:
    dataset = ListDataset()
    dataset.metadata = {"layer": "raw", "credentials": "hidden"}
    assert dataset.describe()["metadata"] == {"layer": "raw"}


def test_default_exists_and_release() -> None:
    dataset = ListDataset()
    dataset.save(3)
    assert dataset.exists() is False  # the default cannot tell
    dataset.release()
    assert dataset.load() == 3  # releasing frees memory only; nothing to free here


def test_abstract_methods_are_required() -> None:
    class Incomplete(AbstractDataset):
        def _load(self) -> Any:
            return 1

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()  # type: ignore[abstract]


def test_reworded_keeps_the_class_and_hint() -> None:
    original = DatasetNotFoundError("no such thing", hint="look elsewhere")
    new = reworded(original, "Dataset 'x': no such thing")
    assert type(new) is DatasetNotFoundError
    assert new.message == "Dataset 'x': no such thing"
    assert new.hint == "look elsewhere"


def test_importing_proj_io_stays_light() -> None:
    code = (
        "import sys, proj.io\n"
        "heavy = [m for m in ('pandas', 'numpy', 'fsspec', 'yaml', 'pyarrow') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
