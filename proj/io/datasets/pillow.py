"""pillow.ImageDataset: images (PNG, JPEG, ...) as Pillow images."""

from __future__ import annotations

import posixpath
from typing import IO, Any

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset


class ImageDataset(FileDataset):
    """An image file as a ``PIL.Image.Image`` (catalog type ``pillow.ImageDataset``).

    Loading opens the file with ``PIL.Image.open`` and reads it whole; saving calls
    ``Image.save(file, format=<from the extension>, **save_args)`` (e.g. ``{quality:
    90}`` for JPEG, ``{optimize: true}`` for PNG).

    Args:
        filepath: Where the file is; its extension picks the format.
            See :class:`~proj.io.filesystem.FileDataset`.
        **kwargs: ``save_args``, ``fs_args``, ``credentials``, ``version``, ``metadata``.

    Raises:
        MissingDependencyError: Pillow is not installed (``pip install "proj[pillow]"``).
        DatasetError: The extension names no format Pillow can write.
    """

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        from proj.io.optional import require

        require("PIL", "pillow", "pillow.ImageDataset")
        super().__init__(filepath, **kwargs)

    def _format(self) -> str:
        from PIL import Image

        extension = posixpath.splitext(self._filepath)[1].lower()
        image_format = Image.registered_extensions().get(extension)
        if image_format is None:
            raise DatasetError(
                f"{self._label()}: Pillow knows no image format for the extension "
                f"'{extension or '(none)'}'.",
                hint="Use an extension such as .png, .jpg, .gif, .bmp, .tiff or .webp, "
                "or set save_args: {format: ...}.",
            )
        return str(image_format)

    def _read(self, file: IO[bytes]) -> Any:
        from PIL import Image

        image = Image.open(file, **self._load_args)
        image.load()  # read it all before the file closes
        return image

    def _check_data(self, data: Any) -> None:
        from PIL import Image

        if not isinstance(data, Image.Image):
            raise DatasetError(
                f"{self._label()} saves a PIL.Image.Image, got {type(data).__name__}.",
                hint="Return an image (PIL.Image.fromarray(array) converts a numpy array).",
            )

    def _write(self, file: IO[bytes], data: Any) -> None:
        args = dict(self._save_args)
        if "format" not in args:
            args["format"] = self._format()
        data.save(file, **args)

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The image's format, size and mode, for ``proj viz``.

        Returns:
            A ``"json"`` text preview: ``{"format", "width", "height", "mode"}``.

        Raises:
            DatasetError: Loading failed.
        """
        from proj.io.preview import json_text

        image = self.load()
        return json_text(
            {
                "format": image.format,
                "width": image.width,
                "height": image.height,
                "mode": image.mode,
            }
        )
