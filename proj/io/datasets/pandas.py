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
