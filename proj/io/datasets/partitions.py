"""partitions.PartitionedDataset and partitions.IncrementalDataset: a folder of files,
each one partition read and written by one underlying dataset type.

A partition's id is its path relative to the folder, without ``filename_suffix``
(``2024/01.csv`` with suffix ``.csv`` is ``2024/01``). Hidden files and folders (names
starting with ``.``, such as the temporary files of a save in progress) are never
partitions. Every partition is saved by its own dataset, so each file is written
atomically.
"""

from __future__ import annotations

import logging
import operator
import posixpath
from collections.abc import Callable, Mapping
from typing import Any

from proj.exceptions import DatasetError
from proj.io.core import AbstractDataset

logger = logging.getLogger(__name__)


def _dataset_config(dataset: Any, where: str) -> tuple[type[AbstractDataset], dict[str, Any]]:
    """The underlying dataset class and its arguments, from a type name, class or dict."""
    from proj.io.registry import resolve_type

    if isinstance(dataset, Mapping):
        config = dict(dataset)
        kind = config.pop("type", None)
    else:
        kind, config = dataset, {}
    if kind is None:
        raise DatasetError(f"{where}: 'dataset' needs a 'type', e.g. pandas.CSVDataset.")
    if config.pop("versioned", False) or "version" in config:
        raise DatasetError(
            f"{where}: the partitions' dataset cannot be versioned.",
            hint="Remove `versioned` from the dataset of the partitioned dataset.",
        )
    return resolve_type(kind, where), config


class PartitionedDataset(AbstractDataset):
    """A folder of files of one dataset type (catalog type ``partitions.PartitionedDataset``).

    Loading lists the folder and returns ``{partition_id: load}``, sorted by id, where
    calling ``load()`` loads that one partition: nodes decide which partitions to read
    and when. Saving takes a dict ``{partition_id: data}``; a value may be a function
    taking no argument, called at save time, so partitions can be produced one at a time.

    Args:
        path: The folder, local or a URL (``s3://bucket/parts``).
        dataset: The dataset type of each partition: a type name
            (``pandas.CSVDataset``), a class, or a mapping with ``type`` and the other
            arguments of that type (``load_args``, ``save_args``...).
        filepath_arg: The argument of that type that receives the partition's path.
        filename_suffix: Only files ending with it are partitions; it is removed from
            the ids and added when saving.
        credentials: Options for the filesystem, also given to each partition's dataset
            unless ``dataset`` has its own ``credentials``. Never shown.
        load_args: Keyword arguments of the filesystem's ``find`` when listing
            (e.g. ``{maxdepth: 1}``).
        fs_args: Options for the fsspec filesystem.
        overwrite: On save, remove the partitions that are not in the saved dict
            (after the new ones are written).
        save_lazily: Call the functions given as values at save time (default); when
            false, functions are saved as they are.
        metadata: Free-form information, kept and shown by ``describe()``.

    Raises:
        DatasetError: ``dataset`` has no type or is versioned, or the filesystem is unknown.
        DatasetTypeError: The dataset type is unknown.
    """

    def __init__(
        self,
        path: str,
        dataset: str | type[AbstractDataset] | Mapping[str, Any],
        filepath_arg: str = "filepath",
        filename_suffix: str = "",
        credentials: Mapping[str, Any] | None = None,
        load_args: Mapping[str, Any] | None = None,
        fs_args: Mapping[str, Any] | None = None,
        overwrite: bool = False,
        save_lazily: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(path, str) or not path.strip():
            raise DatasetError(f"{type(self).__name__} needs a non-empty 'path', got {path!r}.")
        self._path = path.rstrip("/") or path
        where = f"{type(self).__name__} at '{path}'"
        self._dataset_type, self._dataset_args = _dataset_config(dataset, where)
        if filepath_arg in self._dataset_args:
            raise DatasetError(
                f"{where}: the dataset's '{filepath_arg}' is set by the partitioned dataset; "
                "remove it."
            )
        self._filepath_arg = filepath_arg
        self._suffix = filename_suffix
        self._credentials = dict(credentials or {})
        if self._credentials and "credentials" not in self._dataset_args:
            self._dataset_args["credentials"] = dict(self._credentials)
        self._load_args = dict(load_args or {})
        self._fs_args = dict(fs_args or {})
        self._overwrite = overwrite
        self._save_lazily = save_lazily
        self.metadata = dict(metadata) if metadata else None
        self._fs_cache: tuple[Any, str] | None = None

    # ------------------------------------------------------------------ paths

    def _filesystem(self) -> tuple[Any, str]:
        """The fsspec filesystem and the folder's path on it (opened on first use)."""
        if self._fs_cache is None:
            from fsspec.core import url_to_fs

            try:
                self._fs_cache = url_to_fs(self._path, **{**self._fs_args, **self._credentials})
            except Exception as exc:
                raise DatasetError(
                    f"Cannot open a filesystem for '{self._path}': {type(exc).__name__}: {exc}",
                    hint="Check the path's protocol and install its fsspec package.",
                ) from None
        return self._fs_cache

    def _full_path(self, partition_id: str) -> str:
        """The path (as the partition's dataset takes it) of partition ``partition_id``."""
        parts = partition_id.replace("\\", "/").strip("/").split("/")
        if not partition_id or any(part in ("", ".", "..") for part in parts):
            raise DatasetError(
                f"Invalid partition id {partition_id!r} for {self._label()}: ids are "
                "relative paths inside the folder, without '.' or '..' parts."
            )
        relative = "/".join(parts) + self._suffix
        if "://" in self._path:
            return f"{self._path}/{relative}"
        _, root = self._filesystem()
        return posixpath.join(root, relative)

    def _partition_ids(self) -> list[str]:
        """Ids of the partitions in the folder, sorted; hidden files are skipped."""
        fs, root = self._filesystem()
        root = root.rstrip("/")
        fs.invalidate_cache(root)
        try:
            found = fs.find(root, **self._load_args)
        except FileNotFoundError:
            return []
        ids = []
        for found_path in found:
            relative = str(found_path)[len(root) :].lstrip("/")
            if not relative or any(part.startswith(".") for part in relative.split("/")):
                continue
            if self._suffix:
                if not relative.endswith(self._suffix):
                    continue
                relative = relative[: -len(self._suffix)]
            if self._is_partition(relative):
                ids.append(relative)
        return sorted(ids)

    def _is_partition(self, partition_id: str) -> bool:
        return bool(partition_id)

    def _partition(self, partition_id: str) -> AbstractDataset:
        """The dataset of one partition."""
        try:
            return self._dataset_type(
                **{**self._dataset_args, self._filepath_arg: self._full_path(partition_id)}
            )
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"{self._label()}: cannot build the dataset of partition '{partition_id}': "
                f"{type(exc).__name__}: {exc}"
            ) from exc

    # ------------------------------------------------------------------ operations

    def _load(self) -> dict[str, Callable[[], Any]]:
        ids = self._partition_ids()
        if not ids:
            raise DatasetError(
                f"No partitions found in {self._label()}"
                + (f" (files ending with '{self._suffix}')." if self._suffix else "."),
                hint="Run the node that writes them first, or check path and filename_suffix.",
            )
        return {partition_id: self._partition(partition_id).load for partition_id in ids}

    def _save(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise DatasetError(
                f"{self._label()} saves a dict of partition id -> data, got {type(data).__name__}.",
                hint="Return e.g. {'2024-01': frame_jan, '2024-02': frame_feb} from the node.",
            )
        written = set()
        for partition_id in sorted(data, key=str):
            value = data[partition_id]
            if self._save_lazily and callable(value):
                value = value()
            self._partition(str(partition_id)).save(value)
            written.add(str(partition_id))
        if self._overwrite:
            for partition_id in self._partition_ids():
                if partition_id not in written:
                    fs, _ = self._filesystem()
                    fs.rm(self._full_path(partition_id).split("://", 1)[-1])
        fs, root = self._filesystem()
        fs.invalidate_cache(root)

    def _exists(self) -> bool:
        return bool(self._partition_ids())

    def _release(self) -> None:
        if self._fs_cache is not None:
            fs, root = self._fs_cache
            fs.invalidate_cache(root)

    def _describe(self) -> dict[str, Any]:
        from proj.io.registry import type_name

        info: dict[str, Any] = {
            "path": self._path,
            "dataset": {
                "type": type_name(self._dataset_type),
                **{k: v for k, v in self._dataset_args.items() if k != "credentials"},
            },
        }
        if self._suffix:
            info["filename_suffix"] = self._suffix
        if self._load_args:
            info["load_args"] = dict(self._load_args)
        return info

    def _label(self) -> str:
        from proj.io.registry import type_name

        return f"{type_name(type(self))} at '{self._path}'"

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The partition ids (the first ``rows`` of them), for ``proj viz``.

        Returns:
            A table preview with one column, ``partition``.
        """
        from proj.io.preview import table

        ids = self._partition_ids()
        return table(["partition"], [[partition_id] for partition_id in ids[:rows]], len(ids))


class IncrementalDataset(PartitionedDataset):
    """Only the partitions added since the last confirmed run (``partitions.IncrementalDataset``).

    A checkpoint (by default the text file ``<path>/CHECKPOINT``) holds the greatest
    partition id already processed. Loading returns ``{partition_id: data}`` (loaded,
    sorted by id) for the partitions whose id is greater than the checkpoint. The
    checkpoint moves to the greatest id loaded only when the dataset is confirmed: by
    :meth:`confirm`, which the runner calls after the outputs of a node declared with
    ``confirms="<this dataset>"`` are saved (as Kedro does; nothing moves it otherwise),
    so a run that fails before then processes the same partitions again.

    Args:
        path, dataset, filepath_arg, filename_suffix, credentials, load_args, fs_args,
        metadata: As for :class:`PartitionedDataset`.
        checkpoint: Where the checkpoint is: a file path, or a mapping with ``type``
            (default ``text.TextDataset``) and its arguments (``filepath`` defaults to
            ``<path>/CHECKPOINT``), plus ``force_checkpoint`` (start from this value
            instead of the stored one) and ``comparison_func`` (a dotted path to a
            function ``(partition_id, checkpoint) -> bool``; default ``operator.gt``).

    Raises:
        DatasetError: As for :class:`PartitionedDataset`; the checkpoint is malformed.
    """

    DEFAULT_CHECKPOINT_FILENAME = "CHECKPOINT"

    def __init__(
        self,
        path: str,
        dataset: str | type[AbstractDataset] | Mapping[str, Any],
        checkpoint: str | Mapping[str, Any] | None = None,
        filepath_arg: str = "filepath",
        filename_suffix: str = "",
        credentials: Mapping[str, Any] | None = None,
        load_args: Mapping[str, Any] | None = None,
        fs_args: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            path,
            dataset,
            filepath_arg=filepath_arg,
            filename_suffix=filename_suffix,
            credentials=credentials,
            load_args=load_args,
            fs_args=fs_args,
            metadata=metadata,
        )
        config: dict[str, Any]
        if checkpoint is None:
            config = {}
        elif isinstance(checkpoint, str):
            config = {"filepath": checkpoint}
        elif isinstance(checkpoint, Mapping):
            config = dict(checkpoint)
        else:
            raise DatasetError(f"{self._label()}: checkpoint must be a path or a mapping.")
        self._force_checkpoint = config.pop("force_checkpoint", None)
        comparison = config.pop("comparison_func", operator.gt)
        self._comparison_name = comparison if isinstance(comparison, str) else None
        self._comparison: Callable[[str, str], bool] = (
            self._import_function(comparison) if isinstance(comparison, str) else comparison
        )
        from proj.io.registry import resolve_type

        kind = config.pop("type", "text.TextDataset")
        config.setdefault("filepath", f"{self._path}/{self.DEFAULT_CHECKPOINT_FILENAME}")
        if self._credentials and "credentials" not in config:
            config["credentials"] = dict(self._credentials)
        self._checkpoint_path = str(config["filepath"])
        self._checkpoint = resolve_type(kind, f"checkpoint of {self._label()}")(**config)
        self._loaded_ids: list[str] = []

    def _import_function(self, dotted: str) -> Callable[[str, str], bool]:
        import importlib

        module, _, name = dotted.rpartition(".")
        try:
            function = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError) as exc:
            raise DatasetError(
                f"{self._label()}: cannot import checkpoint comparison_func '{dotted}'."
            ) from exc
        if not callable(function):
            raise DatasetError(f"{self._label()}: comparison_func '{dotted}' is not callable.")
        result: Callable[[str, str], bool] = function
        return result

    def _is_partition(self, partition_id: str) -> bool:
        # The checkpoint file may live among the partitions; it is never one.
        return bool(partition_id) and self._full_path(partition_id) != self._checkpoint_full()

    def _checkpoint_full(self) -> str:
        if "://" in self._checkpoint_path or "://" in self._path:
            return self._checkpoint_path
        from fsspec.implementations.local import make_path_posix

        return str(make_path_posix(self._checkpoint_path))

    def _read_checkpoint(self) -> str | None:
        if self._force_checkpoint is not None:
            return str(self._force_checkpoint)
        if not self._checkpoint.exists():
            return None
        return str(self._checkpoint.load()).strip() or None

    def _new_ids(self) -> list[str]:
        checkpoint = self._read_checkpoint()
        ids = self._partition_ids()
        if checkpoint is None:
            return ids
        return [partition_id for partition_id in ids if self._comparison(partition_id, checkpoint)]

    def _load(self) -> dict[str, Any]:
        ids = self._new_ids()
        loaded = {partition_id: self._partition(partition_id).load() for partition_id in ids}
        self._loaded_ids = ids
        return loaded

    def _exists(self) -> bool:
        # No new partition is a valid state: the node gets an empty dict.
        return True

    def confirm(self) -> None:
        """Move the checkpoint to the greatest partition id of the last load.

        Nothing changes when the last load found no new partition.

        Raises:
            DatasetError: The checkpoint could not be saved.
        """
        if not self._loaded_ids:
            return
        latest = max(self._loaded_ids)
        self._guard("confirm", lambda: self._checkpoint.save(latest))
        logger.debug("%s: checkpoint moved to '%s'", self._label(), latest)

    def _describe(self) -> dict[str, Any]:
        info = super()._describe()
        info["checkpoint"] = self._checkpoint_path
        if self._comparison_name:
            info["comparison_func"] = self._comparison_name
        return info

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The ids of the partitions a load would return now, for ``proj viz``.

        Returns:
            A table preview with one column, ``partition``.
        """
        from proj.io.preview import table

        ids = self._new_ids()
        return table(["partition"], [[partition_id] for partition_id in ids[:rows]], len(ids))
