"""polars.CSVDataset, polars.ParquetDataset and polars.EagerPolarsDataset."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog, Version
from proj.io.datasets.polars import CSVDataset, EagerPolarsDataset, ParquetDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"], "score": [0.5, 1.0, 1.5]})


def test_csv_round_trip_with_args(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "f.csv"
    dataset = CSVDataset(str(path), load_args={"separator": ";"}, save_args={"separator": ";"})
    dataset.save(frame)
    assert path.read_text().splitlines()[0] == "id;name;score"
    assert_frame_equal(dataset.load(), frame)


def test_parquet_round_trip_and_versions(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "f.parquet"
    ParquetDataset(str(path), version=Version(None, "v1")).save(frame.head(1))
    ParquetDataset(str(path), version=Version(None, "v2"), save_args={"compression": "zstd"}).save(
        frame
    )
    assert (path / "v2" / "f.parquet").read_bytes()[:4] == b"PAR1"
    assert_frame_equal(ParquetDataset(str(path), version=Version(None, None)).load(), frame)
    assert ParquetDataset(str(path), version=Version("v1", None)).load().height == 1


@pytest.mark.parametrize(
    ("file_format", "magic"), [("ipc", b"ARROW1"), ("ndjson", b'{"id":1'), ("csv", b"id,")]
)
def test_eager_dataset_formats(
    tmp_path: Path, frame: pl.DataFrame, file_format: str, magic: bytes
) -> None:
    catalog = DataCatalog.from_config(
        {
            "t": {
                "type": "polars.EagerPolarsDataset",
                "file_format": file_format,
                "filepath": str(tmp_path / f"t.{file_format}"),
            }
        }
    )
    catalog.save("t", frame)
    assert (tmp_path / f"t.{file_format}").read_bytes().startswith(magic)
    assert_frame_equal(catalog.load("t"), frame)
    assert catalog.describe("t")["file_format"] == file_format


def test_unknown_format_and_wrong_data(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="polars has no read_xlsxx"):
        EagerPolarsDataset(str(tmp_path / "x"), file_format="xlsxx")
    with pytest.raises(DatasetError, match="saves a polars DataFrame, got dict"):
        CSVDataset(str(tmp_path / "x.csv")).save({"a": [1]})


def test_preview(tmp_path: Path, frame: pl.DataFrame) -> None:
    dataset = CSVDataset(str(tmp_path / "p.csv"))
    dataset.save(frame)
    assert dataset.preview(rows=2) == {
        "kind": "table",
        "columns": ["id", "name", "score"],
        "rows": [[1, "a", 0.5], [2, "b", 1.0]],
        "total_rows": 3,
    }


def test_missing_polars_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(MissingDependencyError) as info:
        CSVDataset(str(tmp_path / "x.csv"))
    assert info.value.hint == 'Install it with: pip install "proj[polars]"'


def test_killed_save_leaves_the_old_file(tmp_path: Path, frame: pl.DataFrame) -> None:
    path = tmp_path / "big.csv"
    CSVDataset(str(path)).save(frame)
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import numpy as np
        import polars as pl
        from proj.io.datasets.polars import CSVDataset
        dataset = CSVDataset({str(path)!r})
        columns = {{f"c{{i}}": np.random.default_rng(i).random(5_000_000) for i in range(4)}}
        data = pl.DataFrame(columns)
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    assert_frame_equal(CSVDataset(str(path)).load(), frame)
