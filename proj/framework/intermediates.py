"""Kept intermediates: copies of a run's in-memory datasets under ``.proj/runs/<run_id>/``.

A run with ``--keep-intermediates`` (or ``KEEP_INTERMEDIATES = True`` in settings.py)
writes every dataset it holds only in memory (not parameters) to one file per dataset:
Parquet for pandas DataFrames that Parquet gives back unchanged (string column names,
object columns of strings only) when pyarrow is installed, pickle otherwise. File names
are the dataset names, percent-encoded, plus ``.parquet`` or ``.pkl``; each file is
written to a temporary name and renamed, so a file that exists is complete. A run stops
keeping data once its files pass a size cap (default 1 GB), with
one warning naming what was not kept.

``proj run --resume`` feeds kept data to the nodes that need it instead of refusing,
``--only-stale`` reuses it instead of re-running an up-to-date producer, ``%load_node
--run`` loads a node's inputs from it, and ``proj runs prune`` removes it.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from proj.config.params import is_parameter
from proj.exceptions import RunStoreError
from proj.hooks import hook_impl

if TYPE_CHECKING:
    from collections.abc import Iterable

    from proj.io import DataCatalog

logger = logging.getLogger(__name__)

#: The default cap on the bytes one run keeps.
DEFAULT_MAX_BYTES = 1_000_000_000

_SUFFIXES = (".parquet", ".pkl")


class Intermediates:
    """The folder of kept intermediates of a project.

    Args:
        root: The folder holding one sub-folder per run, e.g. ``<project>/.proj/runs``.
        max_bytes: At most this many bytes are kept per run.
    """

    def __init__(self, root: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def folder(self, run_id: str) -> Path:
        """The folder of one run's kept data (it may not exist)."""
        return self.root / run_id

    def save(self, run_id: str, name: str, data: Any) -> int:
        """Write one dataset's data atomically.

        Args:
            run_id: The run that produced it.
            name: The dataset name.
            data: Any picklable object (DataFrames go to Parquet when they can).

        Returns:
            The number of bytes written.

        Raises:
            OSError: The file cannot be written (nothing partial is left).
            pickle.PicklingError, TypeError, AttributeError: The data cannot be pickled.
        """
        folder = self.folder(run_id)
        folder.mkdir(parents=True, exist_ok=True)
        stem = quote(name, safe="")
        temp = folder / f".{stem}.{os.urandom(4).hex()}.tmp"
        try:
            suffix = self._write(temp, data)
            target = folder / f"{stem}{suffix}"
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        return target.stat().st_size

    @staticmethod
    def _write(path: Path, data: Any) -> str:
        if _parquet_keeps(data):
            try:
                data.to_parquet(path)
            except Exception:  # no pyarrow, or a frame Parquet cannot hold: use pickle
                logger.debug("Keeping a DataFrame as pickle instead of Parquet", exc_info=True)
            else:
                return ".parquet"
        with path.open("wb") as file:
            pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
        return ".pkl"

    def kept(self, run_id: str) -> dict[str, Path]:
        """Dataset name -> file, for the data one run kept (empty if none)."""
        folder = self.folder(run_id)
        if not folder.is_dir():
            return {}
        found: dict[str, Path] = {}
        for path in folder.iterdir():
            if path.suffix in _SUFFIXES and not path.name.startswith("."):
                found[unquote(path.stem)] = path
        return found

    def load(self, run_id: str, name: str) -> Any:
        """Read back what :meth:`save` wrote.

        Raises:
            RunStoreError: The run kept no data under that name, or it cannot be read.
        """
        path = self.kept(run_id).get(name)
        if path is None:
            raise RunStoreError(
                f"Run {run_id} kept no data for '{name}' (looked in {self.folder(run_id)}).",
                hint="Run with --keep-intermediates to keep in-memory datasets.",
            )
        try:
            if path.suffix == ".parquet":
                import pandas as pd

                return pd.read_parquet(path)
            with path.open("rb") as file:
                return pickle.load(file)  # noqa: S301 - written by proj for this project
        except Exception as exc:
            raise RunStoreError(
                f"Cannot read the kept data of '{name}' from {path}: {type(exc).__name__}: {exc}",
                hint="The file may come from another version of a library; re-run the node.",
            ) from exc

    def runs(self) -> list[str]:
        """Run ids that have kept data, oldest first (by folder modification time)."""
        if not self.root.is_dir():
            return []
        folders = [p for p in self.root.iterdir() if p.is_dir()]
        return [p.name for p in sorted(folders, key=lambda p: p.stat().st_mtime)]

    def size(self, run_id: str) -> int:
        """Bytes kept for one run."""
        return sum(path.stat().st_size for path in self.kept(run_id).values())

    def prune(self, *, keep: int | None = None, older_than_days: float | None = None) -> list[str]:
        """Remove the kept data of old runs.

        Args:
            keep: Keep the data of this many most recent runs (by folder time).
            older_than_days: Remove the data of runs whose folder is older than this.
                With both, a run's data goes when either rule says so; with neither,
                everything goes.

        Returns:
            The run ids whose data was removed.
        """
        runs = self.runs()
        doomed: set[str] = set()
        if keep is None and older_than_days is None:
            doomed.update(runs)
        if keep is not None:
            doomed.update(runs[: max(len(runs) - keep, 0)])
        if older_than_days is not None:
            limit = time.time() - older_than_days * 86_400
            doomed.update(r for r in runs if self.folder(r).stat().st_mtime < limit)
        removed = [run for run in runs if run in doomed]
        for run in removed:
            shutil.rmtree(self.folder(run), ignore_errors=True)
        return removed


def _parquet_keeps(data: Any) -> bool:
    """Whether Parquet gives back exactly this object: a DataFrame with string column
    names whose object columns (and index) hold only strings. Anything else (sets, dicts,
    mixed types in a column) would come back changed, so it is pickled instead."""
    if not (type(data).__module__.startswith("pandas") and type(data).__name__ == "DataFrame"):
        return False
    from pandas.api.types import infer_dtype

    if not all(isinstance(name, str) for name in data.columns):
        return False
    columns = [data[name] for name in data.columns if data[name].dtype == object]
    if data.index.dtype == object:
        columns.append(data.index)
    return all(infer_dtype(column, skipna=True) in ("string", "empty") for column in columns)


class KeepIntermediatesHooks:
    """Hook implementations that keep every in-memory dataset a run saves.

    A run keeps data when its request says ``keep_intermediates`` or when ``always``
    (the ``KEEP_INTERMEDIATES`` setting) is true.

    Args:
        intermediates: Where to write.
        always: Keep the data of every run.
    """

    def __init__(self, intermediates: Intermediates, *, always: bool = False) -> None:
        self.intermediates = intermediates
        self.always = always
        self._lock = threading.Lock()
        self._run_id: str | None = None
        self._catalog: DataCatalog | None = None
        self._bytes = 0
        self._skipped: list[str] = []

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], catalog: DataCatalog) -> None:
        keep = self.always or bool(run_params.get("keep_intermediates"))
        self._run_id = run_params["run_id"] if keep else None
        self._catalog = catalog
        self._bytes = 0
        self._skipped = []

    def _in_memory(self, name: str) -> bool:
        catalog = self._catalog
        return not is_parameter(name) and (
            catalog is None or name not in catalog or not catalog.is_persistent(name)
        )

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any) -> None:
        run_id = self._run_id
        if run_id is None or not self._in_memory(dataset_name):
            return
        with self._lock:
            if self._bytes >= self.intermediates.max_bytes:
                self._skipped.append(dataset_name)
                return
        try:
            written = self.intermediates.save(run_id, dataset_name, data)
        except Exception as exc:  # keeping is a convenience: it never fails the run
            logger.warning(
                "Could not keep in-memory dataset '%s' of run %s: %s: %s",
                dataset_name,
                run_id,
                type(exc).__name__,
                exc,
            )
            return
        with self._lock:
            self._bytes += written

    def _finish(self) -> None:
        if self._skipped:
            logger.warning(
                "Kept intermediates of run %s reached the cap of %d bytes; not kept: %s",
                self._run_id,
                self.intermediates.max_bytes,
                ", ".join(self._skipped),
            )
        self._run_id = None
        self._catalog = None

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._finish()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._finish()


def load_kept(
    intermediates: Intermediates, run_ids: Iterable[str], names: Iterable[str]
) -> dict[str, tuple[Any, str]]:
    """Load datasets from the kept data of the first run (in order) that has each.

    Args:
        intermediates: The project's kept intermediates.
        run_ids: Runs to look in, in order of preference.
        names: Dataset names.

    Returns:
        Name -> ``(data, run id it came from)``, for the names found.

    Raises:
        RunStoreError: A kept file exists but cannot be read.
    """
    run_ids = list(run_ids)
    kept = {run_id: intermediates.kept(run_id) for run_id in run_ids}
    found: dict[str, tuple[Any, str]] = {}
    for name in names:
        source = next((run_id for run_id in run_ids if name in kept[run_id]), None)
        if source is not None:
            found[name] = (intermediates.load(source, name), source)
    return found
