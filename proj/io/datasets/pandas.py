"""pandas.CSVDataset and pandas.ParquetDataset: pandas DataFrames in CSV or Parquet files."""

from __future__ import annotations

import importlib.util
from typing import IO, TYPE_CHECKING, Any, ClassVar

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io.filesystem import FileDataset

if TYPE_CHECKING:
    from collections.abc import Mapping


def _require_dataframe(dataset: FileDataset, data: Any) -> None:
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise DatasetError(
            f"{dataset._label()} saves a pandas DataFrame, got {type(data).__name__}.",
            hint="Return a DataFrame from the node (pd.DataFrame(...) converts most data).",
        )


class CSVDataset(FileDataset):
    """A pandas DataFrame in a CSV file (catalog type ``pandas.CSVDataset``).

    Loading calls ``pandas.read_csv(file, **load_args)``; saving calls
    ``DataFrame.to_csv(file, **save_args)``, with ``index=False`` unless ``save_args``
    says otherwise. A ``pandas.Series`` saves too, as one column headed by its name
    (``0`` when unnamed), and loads back as a one-column DataFrame.
    Constructor arguments: see :class:`~proj.io.filesystem.FileDataset`.

    Example catalog entry::

        cars:
          type: pandas.CSVDataset
          filepath: data/01_raw/cars.csv
          load_args: {sep: ";"}
    """

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"index": False}

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return pd.read_csv(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        import pandas as pd

        if not isinstance(data, pd.Series):  # a Series saves as one column, as in Kedro
            _require_dataframe(self, data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        data.to_csv(file, **self._save_args)


class ParquetDataset(FileDataset):
    """A pandas DataFrame in an Apache Parquet file (catalog type ``pandas.ParquetDataset``).

    Uses the pyarrow engine (install ``proj[parquet]``). Loading calls
    ``pandas.read_parquet(file, **load_args)``; saving calls
    ``DataFrame.to_parquet(file, **save_args)``. Constructor arguments: see
    :class:`~proj.io.filesystem.FileDataset`.

    Raises:
        MissingDependencyError: pyarrow is not installed (checked when built).
    """

    DEFAULT_LOAD_ARGS: ClassVar[Mapping[str, Any]] = {"engine": "pyarrow"}
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"engine": "pyarrow"}

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        if importlib.util.find_spec("pyarrow") is None:
            raise MissingDependencyError("pyarrow", "parquet", "pandas.ParquetDataset")
        super().__init__(filepath, **kwargs)

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return pd.read_parquet(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        _require_dataframe(self, data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        data.to_parquet(file, **self._save_args)


class _FrameFileDataset(FileDataset):
    """A file dataset that loads one pandas DataFrame, with ``preview(rows)``."""

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The first ``rows`` rows of the data, for ``proj viz``.

        Returns:
            A table preview (see :mod:`proj.io.preview`).

        Raises:
            DatasetError: Loading failed.
        """
        from proj.io.preview import pandas_table

        return pandas_table(self.load(), rows)


class JSONDataset(_FrameFileDataset):
    """A pandas DataFrame in a JSON file (catalog type ``pandas.JSONDataset``).

    Loading calls ``pandas.read_json(file, **load_args)``; saving calls
    ``DataFrame.to_json(**save_args)`` and writes the text as UTF-8. Both follow
    pandas' defaults (``orient="columns"``); pass ``{orient: records, lines: true}`` in
    both for JSON Lines. Constructor arguments: see :class:`~proj.io.filesystem.FileDataset`.
    """

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return pd.read_json(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        _require_dataframe(self, data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        file.write(data.to_json(**self._save_args).encode("utf-8"))


class FeatherDataset(_FrameFileDataset):
    """A pandas DataFrame in an Arrow IPC (Feather v2) file (``pandas.FeatherDataset``).

    Uses pyarrow (install ``proj[parquet]``). Loading calls
    ``pandas.read_feather(file, **load_args)``; saving calls
    ``DataFrame.to_feather(file, **save_args)`` (e.g. ``{compression: zstd}``). Feather
    keeps no index other than a default one: reset it before saving.

    Raises:
        MissingDependencyError: pyarrow is not installed (checked when built).
    """

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        from proj.io.optional import require

        require("pyarrow", "parquet", "pandas.FeatherDataset")
        super().__init__(filepath, **kwargs)

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return pd.read_feather(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        _require_dataframe(self, data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        data.to_feather(file, **self._save_args)


#: Formats GenericDataset refuses: they are not files (or have a dataset of their own).
_NOT_FILE_FORMATS = frozenset({"clipboard", "sql", "sql_query", "sql_table", "gbq", "table"})


class GenericDataset(_FrameFileDataset):
    """A pandas DataFrame in any format pandas reads and writes (``pandas.GenericDataset``).

    ``file_format: X`` loads with ``pandas.read_X(file, **load_args)`` and saves with
    ``DataFrame.to_X(buffer, **save_args)``, e.g. ``file_format: orc``, ``stata``,
    ``xml``, ``html``. The library behind the format must be installed (pyarrow for
    ``orc``, lxml for ``xml``...).

    Args:
        filepath: Where the file is. See :class:`~proj.io.filesystem.FileDataset`.
        file_format: The part after ``read_``/``to_``.
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata``.

    Raises:
        DatasetError: pandas has no ``read_<file_format>`` or no ``DataFrame.to_<file_format>``,
            or the format is not a file (clipboard, sql, gbq).
    """

    def __init__(self, filepath: str, *, file_format: str, **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        self._file_format = str(file_format).strip().lower()
        if self._file_format in _NOT_FILE_FORMATS or not self._file_format.isidentifier():
            raise DatasetError(
                f"{self._label()}: file_format '{file_format}' is not a file format.",
                hint="Use pandas.SQLTableDataset / SQLQueryDataset for databases.",
            )
        import pandas as pd

        if not (
            hasattr(pd, f"read_{self._file_format}")
            and hasattr(pd.DataFrame, f"to_{self._file_format}")
        ):
            raise DatasetError(
                f"{self._label()}: pandas has no read_{self._file_format} and "
                f"DataFrame.to_{self._file_format} pair for file_format '{file_format}'.",
                hint="Use a format pandas can both read and write, e.g. csv, json, orc, "
                "stata, xml, html, parquet, feather.",
            )

    def _read(self, file: IO[bytes]) -> Any:
        import pandas as pd

        return getattr(pd, f"read_{self._file_format}")(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        _require_dataframe(self, data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        import io

        writer = getattr(data, f"to_{self._file_format}")
        buffer = io.BytesIO()
        try:
            writer(buffer, **self._save_args)
        except TypeError:
            # Writers of text formats (html, latex, markdown...) want a text buffer.
            text = io.StringIO()
            writer(text, **self._save_args)
            buffer = io.BytesIO(text.getvalue().encode("utf-8"))
        file.write(buffer.getvalue())

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "file_format": self._file_format}
