"""pandas.ExcelDataset: pandas DataFrames in Excel workbooks (.xlsx), through openpyxl."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset


class ExcelDataset(FileDataset):
    """One sheet, or several, of an Excel workbook (catalog type ``pandas.ExcelDataset``).

    Loading calls ``pandas.read_excel(file, **load_args)``: by default the first sheet
    as a DataFrame; ``load_args: {sheet_name: null}`` gives every sheet and a list of
    names gives those sheets, as a dict sheet name -> DataFrame. Saving a DataFrame
    writes one sheet (``save_args: {sheet_name: ...}``, default ``Sheet1``); saving a
    dict sheet name -> DataFrame writes one sheet each, in the dict's order. The index
    is not written unless ``save_args: {index: true}``. ``save_args: {writer: {...}}``
    is passed to ``pandas.ExcelWriter``.

    Args:
        filepath: Where the workbook is. See :class:`~proj.io.filesystem.FileDataset`.
        engine: The engine for reading and writing (default ``openpyxl``).
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata``.

    Raises:
        MissingDependencyError: openpyxl is not installed (``pip install "proj[excel]"``).
    """

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"index": False}

    def __init__(self, filepath: str, *, engine: str = "openpyxl", **kwargs: Any) -> None:
        from proj.io.optional import require

        if engine == "openpyxl":
            require("openpyxl", "excel", "pandas.ExcelDataset")
        super().__init__(filepath, **kwargs)
        self._engine = engine
        self._load_args.setdefault("engine", engine)
        writer = self._save_args.pop("writer", None) or {}
        if not isinstance(writer, Mapping):
            raise DatasetError(f"{self._label()}: save_args.writer must be a mapping.")
        self._writer_args = {"engine": engine, **writer}

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return pd.read_excel(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        import pandas as pd

        frames = data.values() if isinstance(data, Mapping) else [data]
        if not frames or not all(isinstance(frame, pd.DataFrame) for frame in frames):
            raise DatasetError(
                f"{self._label()} saves a pandas DataFrame or a dict of sheet name -> "
                f"DataFrame, got {type(data).__name__}.",
                hint="Return a DataFrame (or a dict of them, one per sheet) from the node.",
            )

    def _write(self, file: IO[bytes], data: Any) -> None:
        import pandas as pd

        make_writer: Any = pd.ExcelWriter  # engine is a plain str here, not a Literal
        with make_writer(file, **self._writer_args) as writer:
            if isinstance(data, Mapping):
                args = {k: v for k, v in self._save_args.items() if k != "sheet_name"}
                for sheet, frame in data.items():
                    frame.to_excel(writer, sheet_name=str(sheet), **args)
            else:
                data.to_excel(writer, **self._save_args)

    def _describe(self) -> dict[str, Any]:
        info = super()._describe()
        info["engine"] = self._engine
        return info

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The first rows of the first loaded sheet, for ``proj viz``.

        Returns:
            A table preview (see :mod:`proj.io.preview`).

        Raises:
            DatasetError: Loading failed.
        """
        from proj.io.preview import json_text, pandas_table

        data = self.load()
        if isinstance(data, Mapping):
            if not data:
                return json_text({})
            data = next(iter(data.values()))
        return pandas_table(data, rows)
