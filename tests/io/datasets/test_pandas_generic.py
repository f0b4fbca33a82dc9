"""pandas.GenericDataset: any pandas read_X / DataFrame.to_X pair."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from proj.exceptions import DatasetError
from proj.io import DataCatalog
from proj.io.datasets.pandas import GenericDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2, 3], "b": [0.25, 0.5, 0.75]})


@pytest.mark.parametrize(
    ("file_format", "save_args", "magic"),
    [
        ("stata", {"write_index": False}, b"\x72"),  # dta format 114
        ("orc", {}, b"ORC"),
        ("csv", {"index": False}, b"a,b"),
    ],
)
def test_round_trip_in_several_formats(
    tmp_path: Path,
    frame: pd.DataFrame,
    file_format: str,
    save_args: dict[str, object],
    magic: bytes,
) -> None:
    path = tmp_path / f"data.{file_format}"
    dataset = GenericDataset(str(path), file_format=file_format, save_args=save_args)
    dataset.save(frame)
    assert path.read_bytes().startswith(magic)
    pd.testing.assert_frame_equal(dataset.load(), frame, check_dtype=False)


def test_text_writers_are_given_a_text_buffer(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "t.html"
    dataset = GenericDataset(str(path), file_format="html", save_args={"index": False})
    dataset.save(frame)  # DataFrame.to_html refuses a binary buffer
    assert path.read_text().startswith("<table")
    assert "<td>0.75</td>" in path.read_text()


def test_xml_round_trip_with_the_standard_library_parser(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    path = tmp_path / "t.xml"
    dataset = GenericDataset(
        str(path),
        file_format="xml",
        load_args={"parser": "etree"},
        save_args={"parser": "etree", "index": False},
    )
    dataset.save(frame)
    assert path.read_text().startswith("<?xml")
    pd.testing.assert_frame_equal(dataset.load(), frame)


def test_from_catalog_config_and_versioned(tmp_path: Path, frame: pd.DataFrame) -> None:
    catalog = DataCatalog.from_config(
        {
            "t": {
                "type": "pandas.GenericDataset",
                "file_format": "csv",
                "filepath": str(tmp_path / "t.csv"),
                "save_args": {"index": False},
                "versioned": True,
            }
        },
        save_version="2024-05-05T05.05.05.005Z",
    )
    catalog.save("t", frame)
    assert (tmp_path / "t.csv" / "2024-05-05T05.05.05.005Z" / "t.csv").is_file()
    pd.testing.assert_frame_equal(catalog.load("t"), frame)
    assert catalog.describe("t")["file_format"] == "csv"


@pytest.mark.parametrize("file_format", ["nosuchformat", "clipboard", "sql", "../csv"])
def test_unknown_or_non_file_formats_are_refused(tmp_path: Path, file_format: str) -> None:
    with pytest.raises(DatasetError, match=f"file_format '{file_format}'"):
        GenericDataset(str(tmp_path / "x"), file_format=file_format)


def test_killed_save_leaves_the_old_file(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "big.csv"
    GenericDataset(str(path), file_format="csv", save_args={"index": False}).save(frame)
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import pandas as pd
        from proj.io.datasets.pandas import GenericDataset
        dataset = GenericDataset({str(path)!r}, file_format="csv")
        data = pd.DataFrame({{f"c{{i}}": range(4_000_000) for i in range(4)}})
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    pd.testing.assert_frame_equal(GenericDataset(str(path), file_format="csv").load(), frame)
