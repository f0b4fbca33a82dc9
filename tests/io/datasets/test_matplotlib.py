"""matplotlib.MatplotlibDataset / MatplotlibWriter: figures to image files."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from PIL import Image

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog, Version
from proj.io.datasets.matplotlib import MatplotlibDataset
from proj.io.registry import resolve_type, type_name
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


def figure(width: float = 4, height: float = 3) -> Figure:
    fig, ax = plt.subplots(figsize=(width, height))
    ax.plot([1, 3, 2])
    return fig


def test_one_figure_to_a_png_with_savefig_args(tmp_path: Path) -> None:
    path = tmp_path / "08_reporting" / "line.png"
    fig = figure()
    dataset = MatplotlibDataset(str(path), save_args={"dpi": 50})
    dataset.save(fig)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (200, 150)  # 4 x 3 inches at 50 dpi
    assert dataset.exists()
    assert not plt.fignum_exists(fig.number)  # closed after saving


def test_format_follows_the_extension(tmp_path: Path) -> None:
    MatplotlibDataset(str(tmp_path / "f.svg")).save(figure())
    MatplotlibDataset(str(tmp_path / "f.pdf")).save(figure())
    assert (tmp_path / "f.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")


def test_list_and_dict_of_figures_write_a_folder(tmp_path: Path) -> None:
    MatplotlibDataset(str(tmp_path / "many")).save([figure(), figure()])
    assert sorted(visible_files(tmp_path / "many")) == ["0.png", "1.png"]
    MatplotlibDataset(str(tmp_path / "named")).save({"roc.png": figure(), "pr.svg": figure()})
    assert sorted(visible_files(tmp_path / "named")) == ["pr.svg", "roc.png"]
    with Image.open(tmp_path / "named" / "roc.png") as image:
        assert image.format == "PNG"


def test_overwrite_removes_other_images(tmp_path: Path) -> None:
    MatplotlibDataset(str(tmp_path / "plots")).save([figure(), figure(), figure()])
    MatplotlibDataset(str(tmp_path / "plots"), overwrite=True).save([figure()])
    assert sorted(visible_files(tmp_path / "plots")) == ["0.png"]


def test_versioned_like_kedro(tmp_path: Path) -> None:
    path = tmp_path / "plot.png"
    MatplotlibDataset(str(path), version=Version(None, "2024-01-01T00.00.00.000Z")).save(figure())
    MatplotlibDataset(str(path), version=Version(None, "2024-01-02T00.00.00.000Z")).save([figure()])
    assert (path / "2024-01-01T00.00.00.000Z" / "plot.png").is_file()
    assert (path / "2024-01-02T00.00.00.000Z" / "plot.png" / "0.png").is_file()
    assert MatplotlibDataset(str(path), version=Version(None, None)).exists()


def test_writer_alias_and_catalog_entry(tmp_path: Path) -> None:
    writer = resolve_type("matplotlib.MatplotlibWriter", "e")
    assert issubclass(writer, MatplotlibDataset)
    assert type_name(writer) == "matplotlib.MatplotlibWriter"
    assert type_name(MatplotlibDataset) == "matplotlib.MatplotlibDataset"
    catalog = DataCatalog.from_config(
        {
            "plot": {
                "type": "matplotlib.MatplotlibWriter",
                "filepath": str(tmp_path / "p.png"),
                "versioned": True,
            }
        },
        save_version="2024-06-01T00.00.00.000Z",
    )
    catalog.save("plot", figure())
    assert (tmp_path / "p.png" / "2024-06-01T00.00.00.000Z" / "p.png").is_file()
    preview = catalog.get("plot").preview()  # type: ignore[attr-defined]
    assert preview["columns"] == ["file", "bytes"] and preview["total_rows"] == 1


def test_write_only_and_wrong_data(tmp_path: Path) -> None:
    dataset = MatplotlibDataset(str(tmp_path / "x.png"))
    with pytest.raises(DatasetError, match="write-only"):
        dataset.load()
    with pytest.raises(DatasetError, match=r"saves a matplotlib Figure.*got list holding int"):
        dataset.save([1])
    assert not (tmp_path / "x.png").exists()


def test_missing_matplotlib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError) as info:
        MatplotlibDataset(str(tmp_path / "x.png"))
    assert info.value.hint == 'Install it with: pip install "proj[plot]"'


def test_killed_save_leaves_the_old_image(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    MatplotlibDataset(str(path)).save(figure())
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        from proj.io.datasets.matplotlib import MatplotlibDataset
        dataset = MatplotlibDataset({str(path)!r}, save_args={{"dpi": 150}})
        data, ax = plt.subplots(figsize=(10, 10))
        ax.plot(np.random.default_rng(0).random(1_000_000))
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
