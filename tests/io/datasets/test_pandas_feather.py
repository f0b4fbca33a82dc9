"""pandas.FeatherDataset: DataFrames in Arrow IPC files."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import MissingDependencyError
from proj.io import Version
from proj.io.datasets.pandas import FeatherDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-01-02"]), "v": [0.5, 1.5]})


def test_round_trip_keeps_dtypes(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "f.feather"
    dataset = FeatherDataset(str(path), save_args={"compression": "zstd"})
    dataset.save(frame)
    assert path.read_bytes()[:6] == b"ARROW1"
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_load_args_pick_columns(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "f.feather"
    FeatherDataset(str(path)).save(frame)
    assert list(FeatherDataset(str(path), load_args={"columns": ["v"]}).load().columns) == ["v"]


def test_versioned(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "f.feather"
    FeatherDataset(str(path), version=Version(None, "v1")).save(frame.head(1))
    FeatherDataset(str(path), version=Version(None, "v2")).save(frame)
    pd.testing.assert_frame_equal(
        FeatherDataset(str(path), version=Version(None, None)).load(), frame
    )
    assert len(FeatherDataset(str(path), version=Version("v1", None)).load()) == 1


def test_missing_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependencyError, match=r"pandas.FeatherDataset needs 'pyarrow'"):
        FeatherDataset(str(tmp_path / "f.feather"))


def test_killed_save_leaves_the_old_file(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "big.feather"
    FeatherDataset(str(path)).save(frame)
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import numpy as np
        import pandas as pd
        from proj.io.datasets.pandas import FeatherDataset
        dataset = FeatherDataset({str(path)!r}, save_args={{"compression": "uncompressed"}})
        data = pd.DataFrame({{"x": np.arange(60_000_000, dtype=float)}})
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    pd.testing.assert_frame_equal(FeatherDataset(str(path)).load(), frame)
