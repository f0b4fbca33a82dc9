"""pandas.JSONDataset: DataFrames in JSON files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError
from proj.io import DataCatalog
from proj.io.datasets.pandas import JSONDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3], "label": ["x", "y", "z"]})


def test_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "rows.json"
    dataset = JSONDataset(str(path))
    dataset.save(frame)
    assert json.loads(path.read_text())["label"] == {"0": "x", "1": "y", "2": "z"}
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_json_lines_through_load_and_save_args(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "rows.jsonl"
    args = {"orient": "records", "lines": True}
    dataset = JSONDataset(str(path), load_args=args, save_args=args)
    dataset.save(frame)
    assert path.read_text().splitlines()[0] == '{"id":1,"label":"x"}'
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_versioned(tmp_path: Path, frame: pd.DataFrame) -> None:
    catalog = DataCatalog.from_config(
        {
            "rows": {
                "type": "pandas.JSONDataset",
                "filepath": str(tmp_path / "r.json"),
                "versioned": True,
            }
        },
        save_version="2024-03-01T10.00.00.000Z",
    )
    catalog.save("rows", frame)
    assert (tmp_path / "r.json" / "2024-03-01T10.00.00.000Z" / "r.json").is_file()
    pd.testing.assert_frame_equal(catalog.load("rows"), frame)
    with pytest.raises(DatasetError, match="already exists"):
        catalog.save("rows", frame)


def test_refuses_non_dataframes(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="saves a pandas DataFrame, got dict"):
        JSONDataset(str(tmp_path / "d.json")).save({"a": 1})


def test_killed_save_leaves_the_old_file(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "big.json"
    JSONDataset(str(path)).save(frame)
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import pandas as pd
        from proj.io.datasets.pandas import JSONDataset
        dataset = JSONDataset({str(path)!r})
        data = pd.DataFrame({{f"c{{i}}": range(3_000_000) for i in range(4)}})
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    pd.testing.assert_frame_equal(JSONDataset(str(path)).load(), frame)
