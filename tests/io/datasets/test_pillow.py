"""pillow.ImageDataset: images as PIL images."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageChops

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog
from proj.io.datasets.pillow import ImageDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


def picture() -> Image.Image:
    image = Image.new("RGB", (40, 30), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 20, 15))
    return image


def test_png_round_trip_is_lossless(tmp_path: Path) -> None:
    path = tmp_path / "img.png"
    dataset = ImageDataset(str(path), save_args={"optimize": True})
    dataset.save(picture())
    loaded = dataset.load()
    assert loaded.format == "PNG" and loaded.size == (40, 30)
    assert ImageChops.difference(loaded.convert("RGB"), picture()).getbbox() is None


def test_jpeg_with_quality_from_save_args(tmp_path: Path) -> None:
    path = tmp_path / "img.jpg"
    ImageDataset(str(path), save_args={"quality": 95}).save(picture())
    assert path.read_bytes()[:2] == b"\xff\xd8"
    assert ImageDataset(str(path)).load().format == "JPEG"


def test_versioned_from_the_catalog(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "img": {
                "type": "pillow.ImageDataset",
                "filepath": str(tmp_path / "i.png"),
                "versioned": True,
            }
        },
        save_version="2024-07-07T07.07.07.007Z",
    )
    catalog.save("img", picture())
    assert (tmp_path / "i.png" / "2024-07-07T07.07.07.007Z" / "i.png").is_file()
    assert catalog.load("img").size == (40, 30)
    assert catalog.get("img").preview()["text"].count("PNG") == 1  # type: ignore[attr-defined]


def test_unknown_extension_and_wrong_data(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no image format for the extension '.nope'"):
        ImageDataset(str(tmp_path / "x.nope")).save(picture())
    with pytest.raises(DatasetError, match=r"saves a PIL.Image.Image, got str"):
        ImageDataset(str(tmp_path / "x.png")).save("not an image")


def test_missing_pillow_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingDependencyError) as info:
        ImageDataset(str(tmp_path / "x.png"))
    assert info.value.hint == 'Install it with: pip install "proj[pillow]"'


def test_killed_save_leaves_the_old_image(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    ImageDataset(str(path)).save(picture())
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import numpy as np
        from PIL import Image
        from proj.io.datasets.pillow import ImageDataset
        dataset = ImageDataset({str(path)!r}, save_args={{"compress_level": 9}})
        noise = np.random.default_rng(0).integers(0, 255, (1200, 1200, 3), dtype=np.uint8)
        data = Image.fromarray(noise)
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    assert ImageDataset(str(path)).load().size == (40, 30)
