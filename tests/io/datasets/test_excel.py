"""pandas.ExcelDataset: real .xlsx workbooks through openpyxl."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog, Version
from proj.io.datasets.excel import ExcelDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"city": ["Lyon", "Oslo"], "population": [522_000, 709_000]})


def test_round_trip_of_one_sheet_without_index(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "01_raw" / "cities.xlsx"
    dataset = ExcelDataset(str(path))
    assert not dataset.exists()
    dataset.save(frame)
    assert path.read_bytes()[:2] == b"PK"  # an xlsx is a zip archive
    pd.testing.assert_frame_equal(dataset.load(), frame)
    assert dataset.exists()
    with pd.ExcelFile(path) as book:
        assert book.sheet_names == ["Sheet1"]


def test_a_dict_saves_several_sheets_and_sheet_name_none_loads_them_all(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    path = tmp_path / "book.xlsx"
    sheets = {"cities": frame, "totals": pd.DataFrame({"total": [frame["population"].sum()]})}
    ExcelDataset(str(path)).save(sheets)
    loaded = ExcelDataset(str(path), load_args={"sheet_name": None}).load()
    assert list(loaded) == ["cities", "totals"]
    for name, expected in sheets.items():
        pd.testing.assert_frame_equal(loaded[name], expected)
    some = ExcelDataset(str(path), load_args={"sheet_name": ["totals"]}).load()
    assert list(some) == ["totals"]
    only = ExcelDataset(str(path), load_args={"sheet_name": "totals"}).load()
    assert only["total"].tolist() == [1_231_000]


def test_save_args_reach_to_excel(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "named.xlsx"
    ExcelDataset(str(path), save_args={"sheet_name": "data", "index": True}).save(frame)
    with pd.ExcelFile(path) as book:
        assert book.sheet_names == ["data"]
        columns = list(pd.read_excel(book, sheet_name="data").columns)
    assert columns == ["Unnamed: 0", "city", "population"]


def test_versioned_saves_keep_every_version(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "report.xlsx"
    ExcelDataset(str(path), version=Version(None, "2024-01-01T00.00.00.000Z")).save(frame)
    later = frame.assign(population=[1, 2])
    ExcelDataset(str(path), version=Version(None, "2024-01-02T00.00.00.000Z")).save(later)
    assert (path / "2024-01-01T00.00.00.000Z" / "report.xlsx").is_file()
    pd.testing.assert_frame_equal(
        ExcelDataset(str(path), version=Version(None, None)).load(), later
    )
    pinned = ExcelDataset(str(path), version=Version("2024-01-01T00.00.00.000Z", None))
    pd.testing.assert_frame_equal(pinned.load(), frame)


def test_catalog_yaml_entry_with_kedro_argument_names(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "shuttles.xlsx"
    catalog = DataCatalog.from_config(
        {
            "shuttles": {
                "type": "pandas.ExcelDataset",
                "filepath": str(path),
                "load_args": {"engine": "openpyxl", "sheet_name": None},
                "save_args": {"sheet_name": "ignored for dicts"},
            }
        }
    )
    catalog.save("shuttles", {"a": frame})
    assert list(catalog.load("shuttles")) == ["a"]
    assert catalog.describe("shuttles")["type"] == "pandas.ExcelDataset"


def test_wrong_data_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with pytest.raises(DatasetError, match=r"saves a pandas DataFrame or a dict"):
        ExcelDataset(str(path)).save([1, 2])
    assert not path.exists()


def test_missing_openpyxl_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingDependencyError) as info:
        DataCatalog.from_config(
            {"book": {"type": "pandas.ExcelDataset", "filepath": str(tmp_path / "b.xlsx")}}
        )
    assert "pandas.ExcelDataset needs 'openpyxl'" in info.value.message
    assert info.value.hint == 'Install it with: pip install "proj[excel]"'


def test_preview_shows_the_first_rows_of_the_first_sheet(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    path = tmp_path / "p.xlsx"
    ExcelDataset(str(path)).save({"first": frame, "second": frame.head(1)})
    preview = ExcelDataset(str(path), load_args={"sheet_name": None}).preview(rows=1)
    assert preview == {
        "kind": "table",
        "columns": ["city", "population"],
        "rows": [["Lyon", 522000]],
        "total_rows": 2,
    }


def test_killed_save_leaves_the_old_workbook(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "big.xlsx"
    ExcelDataset(str(path)).save(frame)
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import pandas as pd
        from proj.io.datasets.excel import ExcelDataset
        dataset = ExcelDataset({str(path)!r})
        data = pd.DataFrame({{f"c{{i}}": range(300_000) for i in range(4)}})
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    pd.testing.assert_frame_equal(ExcelDataset(str(path)).load(), frame)
