"""polars.CSVDataset, polars.ParquetDataset and polars.EagerPolarsDataset: polars
DataFrames in files."""

from __future__ import annotations

from typing import IO, Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset


class _PolarsFileDataset(FileDataset):
    """A polars DataFrame read with ``polars.read_<format>`` and written with
    ``DataFrame.write_<format>``."""

    _TYPE: ClassVar[str] = ""
    _FORMAT: ClassVar[str] = ""

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        from proj.io.optional import require

        require("polars", "polars", self._TYPE)
        super().__init__(filepath, **kwargs)

    def _file_format(self) -> str:
        return self._FORMAT

    def _read(self, file: IO[bytes]) -> Any:
        import polars as pl

        return getattr(pl, f"read_{self._file_format()}")(file, **self._load_args)

    def _check_data(self, data: Any) -> None:
        import polars as pl

        if not isinstance(data, pl.DataFrame):
            raise DatasetError(
                f"{self._label()} saves a polars DataFrame, got {type(data).__name__}.",
                hint="Return a polars.DataFrame (polars.from_pandas(...) converts pandas data).",
            )

    def _write(self, file: IO[bytes], data: Any) -> None:
        getattr(data, f"write_{self._file_format()}")(file, **self._save_args)

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The first ``rows`` rows, for ``proj viz``.

        Returns:
            A table preview (see :mod:`proj.io.preview`).

        Raises:
            DatasetError: Loading failed.
        """
        from proj.io.preview import table

        frame = self.load()
        return table(frame.columns, frame.head(rows).rows(), frame.height)


class CSVDataset(_PolarsFileDataset):
    """A polars DataFrame in a CSV file (catalog type ``polars.CSVDataset``).

    Loading calls ``polars.read_csv(file, **load_args)``; saving calls
    ``DataFrame.write_csv(file, **save_args)``.

    Raises:
        MissingDependencyError: polars is not installed (``pip install "proj[polars]"``).
    """

    _TYPE: ClassVar[str] = "polars.CSVDataset"
    _FORMAT: ClassVar[str] = "csv"


class ParquetDataset(_PolarsFileDataset):
    """A polars DataFrame in a Parquet file (catalog type ``polars.ParquetDataset``).

    Loading calls ``polars.read_parquet(file, **load_args)``; saving calls
    ``DataFrame.write_parquet(file, **save_args)`` (e.g. ``{compression: zstd}``).
    polars reads and writes Parquet itself: pyarrow is not needed.

    Raises:
        MissingDependencyError: polars is not installed (``pip install "proj[polars]"``).
    """

    _TYPE: ClassVar[str] = "polars.ParquetDataset"
    _FORMAT: ClassVar[str] = "parquet"


class EagerPolarsDataset(_PolarsFileDataset):
    """A polars DataFrame in any format polars reads and writes (``polars.EagerPolarsDataset``).

    ``file_format: X`` loads with ``polars.read_X(file, **load_args)`` and saves with
    ``DataFrame.write_X(file, **save_args)``: ``csv``, ``parquet``, ``ipc``, ``json``,
    ``ndjson``, ``avro``...

    Args:
        filepath: Where the file is. See :class:`~proj.io.filesystem.FileDataset`.
        file_format: The part after ``read_``/``write_``.
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata``.

    Raises:
        MissingDependencyError: polars is not installed (``pip install "proj[polars]"``).
        DatasetError: polars has no ``read_<file_format>`` / ``write_<file_format>`` pair.
    """

    _TYPE: ClassVar[str] = "polars.EagerPolarsDataset"

    def __init__(self, filepath: str, *, file_format: str, **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        self._format = str(file_format).strip().lower()
        import polars as pl

        if not (
            self._format.isidentifier()
            and hasattr(pl, f"read_{self._format}")
            and hasattr(pl.DataFrame, f"write_{self._format}")
        ):
            raise DatasetError(
                f"{self._label()}: polars has no read_{self._format} and "
                f"DataFrame.write_{self._format} pair for file_format '{file_format}'.",
                hint="Use e.g. csv, parquet, ipc, json, ndjson or avro.",
            )

    def _file_format(self) -> str:
        return self._format

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "file_format": self._format}
