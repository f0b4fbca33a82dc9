"""partitions.PartitionedDataset: a folder of files of one dataset type."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError
from proj.io import DataCatalog
from proj.io.datasets.partitions import PartitionedDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"day": range(n), "sales": [10 * n] * n})


def test_save_then_load_gives_sorted_lazy_loaders(tmp_path: Path) -> None:
    folder = tmp_path / "sales"
    dataset = PartitionedDataset(str(folder), "pandas.CSVDataset", filename_suffix=".csv")
    dataset.save({"2024-02": frame(2), "2024-01": frame(1), "2023/12": frame(3)})
    assert sorted(visible_files(folder)) == ["2023/12.csv", "2024-01.csv", "2024-02.csv"]
    loaded = dataset.load()
    assert list(loaded) == ["2023/12", "2024-01", "2024-02"]
    assert all(callable(load) for load in loaded.values())
    pd.testing.assert_frame_equal(loaded["2024-02"](), frame(2))


def test_callables_are_called_at_save_time(tmp_path: Path) -> None:
    calls: list[str] = []

    def make(name: str, n: int):  # type: ignore[no-untyped-def]
        def produce() -> pd.DataFrame:
            calls.append(name)
            return frame(n)

        return produce

    dataset = PartitionedDataset(str(tmp_path / "p"), {"type": "pandas.CSVDataset"})
    dataset.save({"a": make("a", 1), "b": make("b", 2)})
    assert calls == ["a", "b"]
    pd.testing.assert_frame_equal(dataset.load()["b"](), frame(2))


def test_dataset_as_a_dict_with_its_own_arguments(tmp_path: Path) -> None:
    config = {
        "parts": {
            "type": "partitions.PartitionedDataset",
            "path": str(tmp_path / "parts"),
            "dataset": {
                "type": "pandas.CSVDataset",
                "save_args": {"sep": ";"},
                "load_args": {"sep": ";"},
            },
            "filename_suffix": ".txt",
        }
    }
    catalog = DataCatalog.from_config(config)
    catalog.save("parts", {"x": frame(1)})
    assert (tmp_path / "parts" / "x.txt").read_text().splitlines()[0] == "day;sales"
    pd.testing.assert_frame_equal(catalog.load("parts")["x"](), frame(1))
    described = catalog.describe("parts")
    assert described["type"] == "partitions.PartitionedDataset"
    assert described["dataset"]["type"] == "pandas.CSVDataset"


def test_suffix_filters_and_hidden_files_are_never_partitions(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    (folder / "notes.md").write_text("not data")
    (folder / ".a.csv.1234.tmp").write_text("x\n")  # a save in progress
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "b.csv").write_text("x\n2\n")
    dataset = PartitionedDataset(str(folder), "pandas.CSVDataset", filename_suffix=".csv")
    assert list(dataset.load()) == ["a"]
    assert dataset.preview() == {
        "kind": "table",
        "columns": ["partition"],
        "rows": [["a"]],
        "total_rows": 1,
    }


def test_load_args_go_to_find(tmp_path: Path) -> None:
    dataset = PartitionedDataset(str(tmp_path / "deep"), "text.TextDataset")
    dataset.save({"top": "1", "sub/inner": "2"})
    assert list(dataset.load()) == ["sub/inner", "top"]
    shallow = PartitionedDataset(
        str(tmp_path / "deep"), "text.TextDataset", load_args={"maxdepth": 1}
    )
    assert list(shallow.load()) == ["top"]


def test_overwrite_removes_partitions_not_saved(tmp_path: Path) -> None:
    folder = tmp_path / "o"
    PartitionedDataset(str(folder), "text.TextDataset").save({"old": "x", "kept": "y"})
    PartitionedDataset(str(folder), "text.TextDataset", overwrite=True).save({"kept": "z"})
    assert visible_files(folder) == {"kept": b"z"}


def test_empty_folder_and_bad_ids_are_errors(tmp_path: Path) -> None:
    dataset = PartitionedDataset(str(tmp_path / "none"), "text.TextDataset")
    assert not dataset.exists()
    with pytest.raises(DatasetError, match="No partitions found"):
        dataset.load()
    with pytest.raises(DatasetError, match=r"Invalid partition id '../escape'"):
        dataset.save({"../escape": "x"})
    with pytest.raises(DatasetError, match="saves a dict of partition id"):
        dataset.save(["x"])


def test_versioned_partitions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot be versioned"):
        PartitionedDataset(str(tmp_path), {"type": "pandas.CSVDataset", "versioned": True})


def test_credentials_reach_the_filesystem_and_are_never_shown(token_fs_root: str) -> None:
    from tests.io.conftest import TOKEN

    dataset = PartitionedDataset(
        f"{token_fs_root}/parts", "text.TextDataset", credentials={"token": TOKEN}
    )
    dataset.save({"a": "hello"})
    assert dataset.load()["a"]() == "hello"
    assert TOKEN not in repr(dataset)
    assert TOKEN not in str(dataset.describe())


def test_killed_save_leaves_existing_partitions(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    PartitionedDataset(str(folder), "pandas.CSVDataset").save({"p1": frame(2)})
    before = visible_files(folder)
    killed_save(
        f"""
        import pandas as pd
        from proj.io.datasets.partitions import PartitionedDataset
        dataset = PartitionedDataset({str(folder)!r}, "pandas.CSVDataset")
        data = {{"p1": pd.DataFrame({{f"c{{i}}": range(4_000_000) for i in range(4)}})}}
        """,
        folder,
    )
    assert visible_files(folder) == before
    pd.testing.assert_frame_equal(
        PartitionedDataset(str(folder), "pandas.CSVDataset").load()["p1"](), frame(2)
    )
