"""DataCatalog: the named datasets of a project, built from catalog YAML or by hand.

The catalog maps dataset names to dataset objects. Built with :meth:`from_config`, it
also holds the dataset factory patterns (names matched on first use and cached), the
credentials injected by name, and one save version for every versioned dataset.
Parameters become the datasets ``parameters`` and ``params:<dotted.key>``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from proj.exceptions import DatasetError, DatasetNotFoundError, DatasetTypeError
from proj.io.core import AbstractDataset, reworded
from proj.io.entries import build_dataset, check_entry
from proj.io.factories import DatasetFactories, DatasetPattern, is_pattern
from proj.io.memory import MemoryDataset
from proj.io.versioning import generate_timestamp, validate_version

logger = logging.getLogger(__name__)


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a sentence, unless it starts an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _compile(regex: str | re.Pattern[str] | None, what: str) -> re.Pattern[str] | None:
    """Compile a filter's regular expression; a bad one is a DatasetError naming it."""
    if regex is None or isinstance(regex, re.Pattern):
        return regex
    try:
        return re.compile(regex)
    except re.error as exc:
        raise DatasetError(
            f"Invalid regular expression {regex!r} for {what}: {exc}.",
            hint="Use Python regular expression syntax, e.g. '^params:' or 'raw$'.",
        ) from exc


def _named(exc: DatasetError, name: str) -> DatasetError:
    """The same error, its message prefixed with the dataset's name."""
    return reworded(exc, f"Dataset '{name}': {_lower_first(exc.message)}")


class DataCatalog:
    """Named datasets: load and save by name.

    Args:
        datasets: Dataset name -> dataset object.
        raw_data: Dataset name -> plain data, each held in a
            :class:`~proj.io.MemoryDataset` (as :meth:`add_feed_dict` does); a name
            also in ``datasets`` takes this data. Kedro's spelling of the argument;
            Kedro 0.19 code passes it second, positionally, or as ``feed_dict=``.
        feed_dict: Kedro 0.19's name for ``raw_data``; both may not be given.

    Raises:
        DatasetTypeError: A value of ``datasets`` is not an
            :class:`~proj.io.AbstractDataset`.
        DatasetError: Both ``raw_data`` and ``feed_dict`` are given.

    Example::

        catalog = DataCatalog({"cars": CSVDataset("data/01_raw/cars.csv")})
        cars = catalog.load("cars")
        catalog = DataCatalog(raw_data={"threshold": 0.5})
    """

    def __init__(
        self,
        datasets: Mapping[str, AbstractDataset] | None = None,
        raw_data: Mapping[str, Any] | None = None,
        *,
        feed_dict: Mapping[str, Any] | None = None,
    ) -> None:
        self._datasets: dict[str, AbstractDataset] = {}
        self._factories: DatasetFactories | None = None
        self._lock = threading.Lock()
        for name, dataset in (datasets or {}).items():
            self.add(name, dataset)
        if raw_data is not None and feed_dict is not None:
            raise DatasetError(
                "DataCatalog() takes raw_data or feed_dict (its Kedro 0.19 name), not both.",
                hint="Merge the two mappings into raw_data.",
            )
        self.add_feed_dict(raw_data if raw_data is not None else (feed_dict or {}))

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_config(
        cls,
        catalog: Mapping[str, Any] | None,
        credentials: Mapping[str, Any] | None = None,
        *,
        load_versions: Mapping[str, str] | None = None,
        save_version: str | None = None,
    ) -> DataCatalog:
        """Build a catalog from the merged catalog configuration.

        Args:
            catalog: Dataset name (or factory pattern such as ``"{name}_csv"``) -> entry
                mapping with ``type`` and the dataset's arguments; ``versioned: true``
                and ``credentials: <name>`` are handled here. Keys starting with ``_``
                are ignored (YAML anchors). See :mod:`proj.io.factories` for patterns.
            credentials: Credentials name -> mapping, as in ``credentials.yml``.
            load_versions: Dataset name -> version to load instead of the latest.
            save_version: The version every versioned dataset saves to; default: one
                UTC timestamp generated now (``YYYY-MM-DDTHH.MM.SS.mmmZ``).

        Returns:
            The catalog; explicit entries are built now, pattern matches on first use.

        Raises:
            DatasetTypeError: An entry is not a mapping, has no or an unknown ``type``,
                or has arguments its type does not accept; a pattern is invalid.
            DatasetError: Credentials are missing, a version string is invalid, or
                ``load_versions`` names a dataset that is unknown or not versioned.
        """
        if catalog is not None and not isinstance(catalog, Mapping):
            raise DatasetError(
                f"The catalog configuration must be a mapping of dataset names to "
                f"entries, got {type(catalog).__name__}."
            )
        creds: Mapping[str, Any] = credentials or {}
        versions = dict(load_versions or {})
        save = (
            generate_timestamp()
            if save_version is None
            else validate_version(save_version, what="save_version")
        )
        explicit: dict[str, Mapping[str, Any]] = {}
        patterns: list[DatasetPattern] = []
        for key, entry in (catalog or {}).items():
            if not isinstance(key, str):
                raise DatasetTypeError(f"Catalog key {key!r} is not a string.")
            if key.startswith("_"):
                continue
            try:
                if is_pattern(key):
                    patterns.append(DatasetPattern.parse(key, entry))
                else:
                    explicit[key] = check_entry(key, entry)
            except DatasetError as exc:
                exc.dataset = exc.dataset or key
                raise
        factories = DatasetFactories(
            patterns, credentials=creds, load_versions=versions, save_version=save
        )
        cls._check_load_versions(versions, explicit, factories)

        result = cls()
        for name, entry in explicit.items():
            try:
                result._datasets[name] = build_dataset(
                    name,
                    entry,
                    credentials=creds,
                    load_version=versions.get(name),
                    save_version=save,
                )
            except DatasetError as exc:
                exc.dataset = exc.dataset or name
                raise
        result._factories = factories if len(factories) else None
        return result

    @staticmethod
    def _check_load_versions(
        versions: Mapping[str, str],
        explicit: Mapping[str, Mapping[str, Any]],
        factories: DatasetFactories,
    ) -> None:
        for name, version in versions.items():
            validate_version(version, what=f"load version for '{name}'")
            pattern = factories.match(name)
            entry = explicit.get(name) or (pattern.entry if pattern is not None else None)
            if entry is None:
                import difflib

                close = difflib.get_close_matches(name, list(explicit), n=3)
                raise DatasetError(
                    f"load_versions names '{name}', which is not in the catalog"
                    + (f" (did you mean {', '.join(repr(c) for c in close)}?)." if close else "."),
                    hint="Pin versions only for datasets declared with `versioned: true`.",
                )
            if not entry.get("versioned", False):
                raise DatasetError(
                    f"load_versions pins version '{version}' of '{name}', which is not versioned.",
                    hint=f"Add `versioned: true` to the catalog entry of '{name}', or drop "
                    "the pin.",
                )

    # ------------------------------------------------------------------ lookup

    def __getitem__(self, name: str) -> AbstractDataset:
        """Return the dataset called ``name`` (``catalog["cars"]``), building it from a
        factory pattern on first use.

        Args:
            name: A declared dataset name, or one that a factory pattern matches.

        Returns:
            The dataset object (the same object on every call).

        Raises:
            DatasetNotFoundError: No such dataset and no pattern matches (a
                ``LookupError``); the message lists the closest declared names.
            DatasetError: A matching pattern's entry cannot be built.
        """
        dataset = self._lookup(name)
        if dataset is None:
            import difflib

            close = difflib.get_close_matches(name, list(self._datasets), n=3)
            raise DatasetNotFoundError(
                f"Dataset '{name}' is not in the catalog"
                + (f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "."),
                hint="Declare it in conf/base/catalog.yml (or add a factory pattern that "
                "matches it), or check the spelling.",
            )
        return dataset

    def __setitem__(self, name: str, value: Any) -> None:
        """Add or replace a dataset: ``catalog["x"] = dataset`` or ``catalog["x"] = data``.

        Args:
            name: The dataset's name.
            value: A dataset object, added as is; anything else is data, wrapped in a
                :class:`~proj.io.MemoryDataset`.

        Raises:
            DatasetError: ``name`` is empty or not a string.
        """
        dataset = value if isinstance(value, AbstractDataset) else MemoryDataset(value)
        self.add(name, dataset, replace=True)

    def get(self, name: str, default: Any = None) -> Any:
        """Return the dataset called ``name``, or ``default`` when there is none.

        Args:
            name: A declared dataset name, or one that a factory pattern matches.
            default: Returned when no dataset is declared or matched.

        Returns:
            The dataset object (built from a pattern on first use), else ``default``.

        Raises:
            DatasetError: A matching pattern's entry cannot be built.
        """
        dataset = self._lookup(name)
        return default if dataset is None else dataset

    def _lookup(self, name: str) -> AbstractDataset | None:
        """The dataset called ``name``, built from a pattern on first use; None if unknown."""
        dataset = self._datasets.get(name)
        if dataset is not None or self._factories is None:
            return dataset
        with self._lock:
            dataset = self._datasets.get(name)
            if dataset is None:
                dataset = self._factories.build(name)
                if dataset is not None:
                    self._datasets[name] = dataset
        return dataset

    def keys(self) -> list[str]:
        """Names of declared datasets and pattern matches built so far, in insertion order."""
        return list(self._datasets)

    def values(self) -> list[AbstractDataset]:
        """The dataset objects of :meth:`keys`, in the same order."""
        return list(self._datasets.values())

    def items(self) -> list[tuple[str, AbstractDataset]]:
        """``(name, dataset)`` pairs of :meth:`keys`, in the same order."""
        return list(self._datasets.items())

    def filter(
        self,
        name_regex: str | re.Pattern[str] | None = None,
        type_regex: str | re.Pattern[str] | None = None,
        by_type: type | Iterable[type] | None = None,
    ) -> list[str]:
        """Names of datasets that pass every criterion given (``re.search`` for regexes).

        Args:
            name_regex: Matched against the dataset name, e.g. ``"^params:"``.
            type_regex: Matched against the dataset's type, both its catalog name
                (``"pandas.CSVDataset"``) and its full dotted path
                (``"proj.io.datasets.pandas.CSVDataset"``).
            by_type: A dataset class or classes; subclasses count.

        Returns:
            Matching names among :meth:`keys`, in insertion order.

        Raises:
            DatasetError: A regular expression is invalid.
        """
        from proj.io.registry import type_name

        names_re = _compile(name_regex, "name_regex")
        types_re = _compile(type_regex, "type_regex")
        classes = (by_type,) if isinstance(by_type, type) else tuple(by_type or ())
        result = []
        for name, dataset in self._datasets.items():
            if names_re is not None and not names_re.search(name):
                continue
            kind = type(dataset)
            if types_re is not None and not (
                types_re.search(type_name(kind))
                or types_re.search(f"{kind.__module__}.{kind.__qualname__}")
            ):
                continue
            if classes and not isinstance(dataset, classes):
                continue
            result.append(name)
        return result

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is declared or matched by a factory pattern."""
        if not isinstance(name, str):
            return False
        if name in self._datasets:
            return True
        return self._factories is not None and self._factories.match(name) is not None

    def __iter__(self) -> Iterator[str]:
        """Names of declared datasets and pattern matches built so far, in insertion order."""
        return iter(list(self._datasets))

    def __len__(self) -> int:
        """The number of names :meth:`__iter__` yields."""
        return len(self._datasets)

    def list(self, regex: str | None = None) -> list[str]:
        """List dataset names, optionally those where ``regex`` matches (``re.search``).

        Args:
            regex: A Python regular expression, e.g. ``"^params:"``; None lists all.

        Returns:
            Declared names (and pattern matches built so far), in insertion order.

        Raises:
            DatasetError: ``regex`` is not a valid regular expression.
        """
        return self.filter(name_regex=regex)

    # ------------------------------------------------------------------ data

    def load(self, name: str) -> Any:
        """Load the data of dataset ``name``.

        Args:
            name: The dataset's name.

        Returns:
            The loaded data.

        Raises:
            DatasetNotFoundError: No such dataset.
            DatasetError: Loading failed; the message names the dataset, its type and
                its path, and the original error is chained.
        """
        dataset = self[name]
        logger.debug("Loading dataset '%s'", name)
        try:
            return dataset.load()
        except DatasetError as exc:
            raise _named(exc, name) from (exc.__cause__ or exc)

    def save(self, name: str, data: Any) -> None:
        """Save ``data`` to dataset ``name``.

        Args:
            name: The dataset's name.
            data: The data; ``None`` is refused.

        Raises:
            DatasetNotFoundError: No such dataset.
            DatasetError: Saving failed; the message names the dataset, its type and its
                path, and the original error is chained.
        """
        dataset = self[name]
        logger.debug("Saving dataset '%s'", name)
        try:
            dataset.save(data)
        except DatasetError as exc:
            raise _named(exc, name) from (exc.__cause__ or exc)

    def exists(self, name: str) -> bool:
        """Whether dataset ``name`` has data; ``False`` for names not in the catalog.

        Raises:
            DatasetError: The check failed (e.g. the filesystem is unreachable).
        """
        if name not in self:
            return False
        dataset = self[name]
        try:
            return dataset.exists()
        except DatasetError as exc:
            raise _named(exc, name) from (exc.__cause__ or exc)

    def release(self, name: str) -> None:
        """Free the in-memory data of dataset ``name`` (files are untouched).

        Raises:
            DatasetNotFoundError: No such dataset.
            DatasetError: Releasing failed.
        """
        dataset = self[name]
        try:
            dataset.release()
        except DatasetError as exc:
            raise _named(exc, name) from (exc.__cause__ or exc)

    def confirm(self, name: str) -> None:
        """Confirm dataset ``name``: for an incremental dataset, move its checkpoint.

        The runner calls it after the outputs of a node declared with
        ``confirms=name`` are saved.

        Args:
            name: The dataset's name.

        Raises:
            DatasetNotFoundError: No such dataset.
            DatasetError: The dataset has no ``confirm`` method, or confirming failed.
        """
        dataset = self.get(name)
        confirm = getattr(dataset, "confirm", None)
        if not callable(confirm):
            from proj.io.registry import type_name

            raise DatasetError(
                f"Dataset '{name}' ({type_name(type(dataset))}) cannot be confirmed: "
                "it has no checkpoint.",
                hint="Only incremental datasets (partitions.IncrementalDataset) can be "
                "named in a node's confirms=.",
            )
        logger.debug("Confirming dataset '%s'", name)
        try:
            confirm()
        except DatasetError as exc:
            raise _named(exc, name) from (exc.__cause__ or exc)

    def is_persistent(self, name: str) -> bool:
        """Whether dataset ``name`` keeps its data beyond the process.

        Returns:
            ``False`` for memory datasets and names not in the catalog.
        """
        if name not in self:
            return False
        return type(self[name]).persistent

    def describe(self, name: str) -> dict[str, Any]:
        """Describe dataset ``name``: type name, filepath, arguments; never credentials.

        Returns:
            For example ``{"type": "pandas.CSVDataset", "filepath": "data/cars.csv",
            "protocol": "file", "load_args": {}, "save_args": {"index": False}}``.

        Raises:
            DatasetNotFoundError: No such dataset.
        """
        return self[name].describe()

    # ------------------------------------------------------------------ changes

    def add(self, name: str, dataset: AbstractDataset, *, replace: bool = False) -> None:
        """Add a dataset under ``name``.

        Args:
            name: The dataset's name.
            dataset: The dataset object.
            replace: Replace a dataset already called ``name`` instead of failing.

        Raises:
            DatasetError: ``name`` is taken and ``replace`` is false, or is empty.
            DatasetTypeError: ``dataset`` is not an AbstractDataset.
        """
        if not isinstance(name, str) or not name:
            raise DatasetError(f"A dataset name must be a non-empty string, got {name!r}.")
        if not isinstance(dataset, AbstractDataset):
            raise DatasetTypeError(
                f"Cannot add '{name}' to the catalog: {type(dataset).__name__} is not a dataset.",
                hint="Wrap plain data in MemoryDataset(...), or use add_feed_dict().",
            )
        if name in self._datasets and not replace:
            raise DatasetError(
                f"Dataset '{name}' is already in the catalog.",
                hint="Pass replace=True to replace it.",
            )
        self._datasets[name] = dataset

    def add_feed_dict(self, feed_dict: Mapping[str, Any], replace: bool = True) -> None:
        """Add data by name; plain values are wrapped in a MemoryDataset.

        The arguments are named as in Kedro (``add_feed_dict(feed_dict=..., replace=...)``),
        but ``replace`` defaults to true where Kedro's defaults to false: feeding data
        is most often re-feeding it, in a notebook or between runs.

        Args:
            feed_dict: Name -> data (or a dataset object, added as is).
            replace: Replace datasets of the same name (default) instead of failing.

        Raises:
            DatasetError: A name is taken and ``replace`` is false.
        """
        for name, value in feed_dict.items():
            dataset = value if isinstance(value, AbstractDataset) else MemoryDataset(value)
            self.add(name, dataset, replace=replace)

    def add_parameters(self, params: Mapping[str, Any]) -> None:
        """Add parameters as datasets: ``parameters`` and ``params:<key path>``.

        Every key path of nested mappings gets its own dataset: for
        ``{"a": {"b": 1}}`` the datasets are ``parameters``, ``params:a`` (``{"b": 1}``)
        and ``params:a.b`` (``1``). Existing parameter datasets are replaced.

        Args:
            params: The merged parameters.
        """
        feed: dict[str, Any] = {"parameters": dict(params or {})}

        def walk(prefix: str, value: Mapping[str, Any]) -> None:
            for key, item in value.items():
                path = f"{prefix}{key}"
                feed[f"params:{path}"] = item
                if isinstance(item, Mapping):
                    walk(f"{path}.", item)

        walk("", params or {})
        self.add_feed_dict(feed, replace=True)

    def shallow_copy(self) -> DataCatalog:
        """Return a new catalog with its own name mapping and the same dataset objects.

        Adding or replacing datasets in the copy leaves this catalog as it is; factory
        patterns are shared, and names matched later are built separately in each.
        """
        copy = DataCatalog()
        copy._datasets = dict(self._datasets)
        copy._factories = self._factories
        return copy

    # ------------------------------------------------------------------ dunder

    def __repr__(self) -> str:
        patterns = len(self._factories) if self._factories is not None else 0
        return f"<DataCatalog: {len(self._datasets)} datasets, {patterns} factory patterns>"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # locks cannot be pickled; each process gets its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
