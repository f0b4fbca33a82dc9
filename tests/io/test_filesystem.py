"""Tests for proj/io/filesystem.py: fsspec paths, atomic saves, fs_args and credentials."""

from __future__ import annotations

import io
import json
import os
import pickle
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pytest

from proj.exceptions import DatasetError
from proj.io import CSVDataset, JSONDataset, PickleDataset, TextDataset


class ExplodingFrame(pd.DataFrame):
    """A DataFrame whose to_csv writes all its rows, then fails (like a full disk)."""

    def to_csv(self, *args: Any, **kwargs: Any) -> Any:
        super().to_csv(*args, **kwargs)
        raise OSError("disk full after writing")


def _unpicklable() -> list[object]:
    """Data whose pickling writes a large chunk and then fails on a lambda."""
    return [b"x" * 300_000, lambda: 0]


def test_unpicklable_data_fails_part_way_through_writing() -> None:
    buffer = io.BytesIO()
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dump(_unpicklable(), buffer)
    assert buffer.tell() > 300_000  # the serialiser really wrote before failing


def test_failed_pickle_save_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    dataset = PickleDataset(str(path))
    dataset.save({"version": 1})
    before = path.read_bytes()

    with pytest.raises(
        DatasetError, match=r"pickle\.PickleDataset at .* cannot pickle the list"
    ) as info:
        dataset.save(_unpicklable())

    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.pkl"]  # no temporary file left
    assert info.value.__cause__ is not None
    assert "backend: cloudpickle" in str(info.value)  # the hint names the way out
    assert dataset.load() == {"version": 1}


def test_failed_csv_save_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "cars.csv"
    dataset = CSVDataset(str(path))
    dataset.save(pd.DataFrame({"a": [1, 2]}))
    before = path.read_bytes()

    with pytest.raises(DatasetError, match="disk full after writing") as info:
        dataset.save(ExplodingFrame({"a": [7, 8, 9]}))

    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["cars.csv"]
    assert isinstance(info.value.__cause__, OSError)


def test_failed_first_save_leaves_nothing(tmp_path: Path) -> None:
    dataset = PickleDataset(str(tmp_path / "sub" / "x.pkl"))
    with pytest.raises(DatasetError):
        dataset.save(_unpicklable())
    assert os.listdir(tmp_path / "sub") == []
    assert not dataset.exists()


def test_parent_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "x.txt"
    TextDataset(str(path)).save("hi")
    assert path.read_text() == "hi"


def test_relative_paths_follow_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = TextDataset("data/notes.txt")
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    monkeypatch.chdir(first)
    dataset.save("in one")
    monkeypatch.chdir(second)
    assert not dataset.exists()
    dataset.save("in two")
    assert (first / "data" / "notes.txt").read_text() == "in one"
    assert (second / "data" / "notes.txt").read_text() == "in two"
    assert dataset.describe()["filepath"] == "data/notes.txt"


def test_file_urls_are_local_paths(tmp_path: Path) -> None:
    dataset = TextDataset(f"file://{tmp_path}/x.txt")
    dataset.save("via url")
    assert (tmp_path / "x.txt").read_text() == "via url"
    assert dataset.describe()["protocol"] == "file"


def test_other_filesystems_through_fsspec() -> None:
    root = f"memory://proj-tests-{secrets.token_hex(4)}"
    dataset = JSONDataset(f"{root}/nested/metrics.json")
    dataset.save({"a": 1})
    assert dataset.load() == {"a": 1}
    assert dataset.describe()["protocol"] == "memory"
    fs = fsspec.filesystem("memory")
    assert fs.cat(f"{root}/nested/metrics.json") == b'{\n  "a": 1\n}'


def test_failed_save_on_another_filesystem_keeps_the_old_object() -> None:
    root = f"memory://proj-tests-{secrets.token_hex(4)}"
    dataset = PickleDataset(f"{root}/model.pkl")
    dataset.save([1])
    with pytest.raises(DatasetError):
        dataset.save(_unpicklable())
    fs = fsspec.filesystem("memory")
    assert [Path(p).name for p in fs.ls(root, detail=False)] == ["model.pkl"]
    assert dataset.load() == [1]


def test_unknown_protocol_is_a_dataset_error_with_a_hint() -> None:
    with pytest.raises(
        DatasetError, match=r"Cannot open a filesystem for 'nosuchfs://b/x.csv'"
    ) as info:
        CSVDataset("nosuchfs://b/x.csv")
    assert info.value.hint is not None
    assert "fsspec package" in info.value.hint


def test_open_args_reach_fsspec(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt.gz"
    gzip_args = {"compression": "gzip"}
    dataset = TextDataset(
        str(path), fs_args={"open_args_save": gzip_args, "open_args_load": gzip_args}
    )
    dataset.save("compressed " * 50)
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # the gzip magic number
    assert dataset.load() == "compressed " * 50


def test_credentials_and_fs_arg_values_are_never_shown(tmp_path: Path) -> None:
    dataset = TextDataset(
        str(tmp_path / "x.txt"),
        fs_args={"auto_mkdir": True},
        credentials={"password": "hunter2"},
    )
    described = dataset.describe()
    assert described["fs_args"] == ["auto_mkdir"]
    assert "hunter2" not in repr(described)
    assert "hunter2" not in repr(dataset)
    assert "password" not in repr(dataset)


def test_credentials_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"credentials of the dataset .* must be a mapping"):
        TextDataset(str(tmp_path / "x.txt"), credentials="dev_s3")


def test_local_datasets_open_fsspec_only_when_used(tmp_path: Path) -> None:
    """Building a catalog of local files does not import fsspec; the first load does."""
    target = tmp_path / "x.csv"
    target.write_text("a\n1\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from proj.io import DataCatalog\n"
        f"catalog = DataCatalog.from_config({{'x': {{'type': 'text.TextDataset', "
        f"'filepath': {str(target)!r}}}}})\n"
        "print('fsspec' in sys.modules)\n"
        "print(repr(catalog.load('x')))\n"
        "print('fsspec' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:3] == ["False", repr("a\n1\n"), "True"]


def test_saving_over_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "metrics.json"
    target.write_text('{"old": true}')
    link = tmp_path / "metrics.json"
    link.symlink_to(target)
    JSONDataset(str(link)).save({"new": 1})
    assert link.is_symlink()
    assert link.resolve() == target
    assert json.loads(target.read_text()) == {"new": 1}
    assert [p.name for p in shared.iterdir()] == ["metrics.json"]  # no temporary left


def test_saving_keeps_the_file_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text("{}")
    path.chmod(0o640)
    JSONDataset(str(path)).save({"new": 1})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    relative = tmp_path / "link.json"
    relative.symlink_to("metrics.json")  # a relative link, resolved against its folder
    path.chmod(0o600)
    JSONDataset(str(relative)).save({"again": 2})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"again": 2}
    assert relative.is_symlink()
