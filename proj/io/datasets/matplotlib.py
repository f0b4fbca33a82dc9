"""matplotlib.MatplotlibDataset (also ``matplotlib.MatplotlibWriter``): figures to image files."""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Mapping
from typing import IO, Any

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset
from proj.io.versioning import versioned_path


def _format_of(path: str) -> str | None:
    """The image format named by a path's extension (``png``, ``svg``, ``pdf``...)."""
    extension = posixpath.splitext(path)[1].lstrip(".").lower()
    return extension or None


class MatplotlibDataset(FileDataset):
    """Matplotlib figures saved as image files (catalog type ``matplotlib.MatplotlibDataset``).

    Saving one figure writes ``filepath`` (the format follows its extension: ``.png``,
    ``.svg``, ``.pdf``...). Saving a list of figures writes ``<filepath>/0.png``,
    ``<filepath>/1.png``...; saving a dict writes ``<filepath>/<key>`` for each key (a
    file name such as ``"roc.png"``). Each file is written atomically. ``save_args`` go
    to ``Figure.savefig`` (``dpi``, ``bbox_inches``, ``transparent``...). Saved figures
    are closed in pyplot afterwards, as Kedro does, so long runs do not pile them up.
    It is write-only: loading raises.

    Args:
        filepath: The image file, or the folder for a list or dict of figures.
            See :class:`~proj.io.filesystem.FileDataset`.
        overwrite: When saving a list or dict, remove the other files of the folder
            afterwards (ignored for versioned datasets: each version has its own folder).
        **kwargs: ``save_args``, ``fs_args``, ``credentials``, ``version``, ``metadata``.

    Raises:
        MissingDependencyError: matplotlib is not installed (``pip install "proj[plot]"``).
    """

    def __init__(self, filepath: str, *, overwrite: bool = False, **kwargs: Any) -> None:
        from proj.io.optional import require

        require("matplotlib", "plot", "matplotlib.MatplotlibDataset")
        if kwargs.get("load_args"):
            raise DatasetError(
                f"matplotlib.MatplotlibDataset at '{filepath}' takes no load_args: "
                "it only writes images."
            )
        super().__init__(filepath, **kwargs)
        self._overwrite = overwrite and self._version is None

    def _read(self, file: IO[bytes]) -> Any:  # pragma: no cover - _load raises first
        raise NotImplementedError

    def _load(self) -> Any:
        raise DatasetError(
            f"{self._label()} is write-only: it saves figures as images and cannot load them.",
            hint="Load the image with pillow.ImageDataset if a node needs it.",
        )

    def _check_data(self, data: Any) -> None:
        from matplotlib.figure import Figure

        figures = list(data.values()) if isinstance(data, Mapping) else data
        if not isinstance(figures, list):
            figures = [figures]
        bad = [type(item).__name__ for item in figures if not isinstance(item, Figure)]
        if bad or not figures:
            raise DatasetError(
                f"{self._label()} saves a matplotlib Figure, or a list or dict of them, "
                f"got {type(data).__name__}" + (f" holding {bad[0]}" if bad else "") + ".",
                hint="Return the figure (fig, ax = plt.subplots(); ...; return fig).",
            )

    def _write(self, file: IO[bytes], data: Any) -> None:
        figure, image_format = data
        args = dict(self._save_args)
        args.setdefault("format", image_format)
        figure.savefig(file, **args)

    def _save(self, data: Any) -> None:
        self._check_data(data)
        path = self._save_path()
        if isinstance(data, list | Mapping):
            items = (
                {f"{index}.png": figure for index, figure in enumerate(data)}
                if isinstance(data, list)
                else {str(key): figure for key, figure in data.items()}
            )
            for name, figure in items.items():
                parts = name.replace("\\", "/").split("/")
                if any(part in ("", ".", "..") for part in parts):
                    raise DatasetError(f"{self._label()}: invalid image name {name!r}.")
                target = f"{path}/{name}"
                self._atomic_write(target, (figure, _format_of(target)))
            if self._overwrite:
                self._remove_others(path, set(items))
        else:
            self._atomic_write(path, (data, _format_of(path)))
        self._fs.invalidate_cache(path)
        self._close(data)

    def _remove_others(self, folder: str, keep: set[str]) -> None:
        for found in self._fs.find(folder):
            relative = str(found)[len(folder.rstrip("/")) :].lstrip("/")
            if relative not in keep and not relative.startswith("."):
                self._fs.rm(found)

    @staticmethod
    def _close(data: Any) -> None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        if isinstance(data, Mapping):
            figures = list(data.values())
        else:
            figures = data if isinstance(data, list) else [data]
        for figure in figures:
            pyplot.close(figure)

    def _exists(self) -> bool:
        if self._version is None:
            return bool(self._fs.exists(self._path()))
        root = self._path().rstrip("/")
        self._fs.invalidate_cache(root)
        try:
            versions = self._fs.ls(root, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return False
        return any(
            self._fs.exists(versioned_path(root, posixpath.basename(str(v).rstrip("/"))))
            for v in versions
            if not posixpath.basename(str(v).rstrip("/")).startswith(".")
        )

    def _describe(self) -> dict[str, Any]:
        info = super()._describe()
        info.pop("load_args", None)
        if self._overwrite:
            info["overwrite"] = True
        return info

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The image files written (the first ``rows``), for ``proj viz``.

        Returns:
            A table preview with the columns ``file`` and ``bytes``.
        """
        from proj.io.preview import table

        root = self._path()
        if self._version is not None:
            if self._version.load is not None:
                root = versioned_path(root, self._version.load)
            else:
                versions = (
                    sorted(
                        (
                            posixpath.basename(str(v).rstrip("/"))
                            for v in self._fs.ls(root, detail=False)
                        ),
                        reverse=True,
                    )
                    if self._fs.exists(root)
                    else []
                )
                versions = [v for v in versions if not v.startswith(".")]
                root = versioned_path(root, versions[0]) if versions else root
        files = []
        if self._fs.isfile(root):
            files = [[root, self._fs.size(root)]]
        elif self._fs.exists(root):
            files = [
                [str(found), self._fs.size(found)]
                for found in sorted(self._fs.find(root))
                if not posixpath.basename(str(found)).startswith(".")
            ]
        return table(["file", "bytes"], files[:rows], len(files))


class MatplotlibWriter(MatplotlibDataset):
    """The name Kedro projects used before ``MatplotlibDataset`` (``matplotlib.MatplotlibWriter``).

    The same dataset; a class of its own so that listings show the name the catalog uses.
    """
