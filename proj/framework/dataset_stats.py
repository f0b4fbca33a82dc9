"""The built-in hook that records, per saved dataset, its rows and the bytes written.

After each save of a run the store gets the number of rows of the data (``len()`` of a
DataFrame, Series, array, list or tuple) and, for a dataset with a file path, the size of
the file just written. ``proj viz`` shows both and highlights a drop in rows from one
run to the next, the usual sign of data silently lost by a join or a filter.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

from proj.exceptions import ProjError
from proj.framework.store import record_dataset_save
from proj.hooks import hook_impl

if TYPE_CHECKING:
    from proj.framework.store import RunStore
    from proj.io import DataCatalog
    from proj.pipeline import Node

logger = logging.getLogger(__name__)


def count_rows(data: Any) -> int | None:
    """The number of rows of ``data``, when it has an obvious one.

    Args:
        data: What a node returned.

    Returns:
        ``shape[0]`` of objects with a non-empty ``shape`` (pandas, NumPy, polars),
        ``len()`` of lists and tuples; None for anything else (scalars, dicts, text,
        figures, lazy frames).
    """
    shape = getattr(data, "shape", None)
    if isinstance(shape, tuple) and shape and isinstance(shape[0], int):
        return shape[0]
    if isinstance(data, list | tuple):
        return len(data)
    return None


def written_bytes(catalog: DataCatalog, name: str) -> int | None:
    """The size of the file a dataset has just saved, in bytes.

    Args:
        catalog: The run's catalog.
        name: The dataset's name.

    Returns:
        The size, or None for a dataset without a local file path (memory, SQL,
        remote storage: asking a remote filesystem would slow every save down) or one
        whose file cannot be found (versioned, partitioned).
    """
    dataset = catalog.get(name)  # None for a name the catalog does not hold
    if dataset is None:
        return None
    try:
        info = dataset.describe()
    except ProjError:
        return None
    path = info.get("filepath")
    if not isinstance(path, str) or "version" in info:
        return None
    protocol, sep, rest = path.partition("://")
    if sep and protocol != "file":
        return None
    target = rest if sep else path  # relative paths follow the working folder, as saves do
    try:
        return os.path.getsize(target) if os.path.isfile(target) else None
    except OSError:
        return None


class DatasetStatsHooks:
    """Hook implementations recording rows and bytes of every saved dataset.

    The dataset hooks do not receive the run id, so the run that started last in this
    session is the one credited (a session runs one pipeline at a time).

    Args:
        store: Where to write.
    """

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._run: tuple[str, DataCatalog] | None = None

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], catalog: DataCatalog) -> None:
        with self._lock:
            self._run = (run_params["run_id"], catalog)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Node) -> None:
        with self._lock:
            current = self._run
        if current is None:
            return
        run_id, catalog = current
        try:
            record_dataset_save(
                self.store,
                run_id,
                dataset_name,
                node=node.name,
                rows=count_rows(data),
                size=written_bytes(catalog, dataset_name),
            )
        except Exception as exc:  # the figures are a nicety: never fail a run for them
            logger.warning("Rows and bytes of '%s' were not recorded: %s", dataset_name, exc)
