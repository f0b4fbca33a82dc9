"""The kedro-datasets bridge: any dataset class written for Kedro, used as a proj dataset.

When a catalog ``type`` names a class proj does not ship (``spark.SparkDataset``,
``kedro_datasets.pandas.CSVDataset``, ``my_pkg.MyKedroDataset``), the registry imports
it, and if it is a Kedro dataset (Kedro's ``AbstractDataset`` is in its MRO, or it has
public ``load``/``save`` and a ``_describe``), wraps it in an adapter class made by
:func:`adapter_for`. The adapter is a proj :class:`~proj.io.AbstractDataset`: the
catalog, runners, hooks, ``proj catalog list`` and ``proj viz`` use it like any other.

What maps to what:

* load, save, exists, release: the Kedro dataset's public methods. A class that does
  not implement ``_exists`` reports that its data exists (Kedro's default answer,
  ``False``, would stop a run before it starts).
* ``versioned: true``: proj's ``Version(load, save)`` becomes Kedro's
  ``kedro.io.Version(load, save)``, passed as ``version``; both use the same folder
  layout (``<filepath>/<version>/<file name>``) and timestamp format.
* ``credentials``, ``metadata`` and every other argument: passed as they are.
* describe: the Kedro dataset's ``_describe()``, without ``credentials`` or ``con`` keys
  and with URL user info removed; errors are scrubbed of credential values too.
* preview: the Kedro dataset's ``preview()`` when it has one (tables become proj
  table previews), else the loaded data's first rows.

Trade-off: using the bridge imports Kedro (about a second on first use) and depends on
kedro-datasets' own behaviour and versions; the built-in types do not.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.core import AbstractDataset

logger = logging.getLogger(__name__)

_ADAPTERS: dict[tuple[type, str], type[KedroDatasetAdapter]] = {}
_ADAPTERS_LOCK = threading.Lock()

_SECRET_KEYS = frozenset({"credentials", "con"})


def _is_kedro_base(cls: type) -> bool:
    return cls.__name__ == "AbstractDataset" and cls.__module__.split(".")[0] == "kedro"


def is_kedro_style(cls: type) -> bool:
    """Whether ``cls`` is a dataset class written against Kedro's interface.

    Args:
        cls: Any class.

    Returns:
        ``True`` when Kedro's ``AbstractDataset`` is among its bases, or when it has
        callable ``load``, ``save`` and ``_describe`` attributes.
    """
    if any(_is_kedro_base(base) for base in cls.__mro__):
        return True
    return all(callable(getattr(cls, name, None)) for name in ("load", "save", "_describe"))


def adapter_for(cls: type, shown: str) -> type[KedroDatasetAdapter]:
    """The proj dataset class that wraps the Kedro dataset class ``cls``.

    Args:
        cls: A Kedro-style dataset class.
        shown: Its catalog type name, e.g. ``"spark.SparkDataset"``; the adapter's
            :func:`~proj.io.registry.type_name`.

    Returns:
        A subclass of :class:`KedroDatasetAdapter` whose signature is ``cls``'s, so
        the catalog checks arguments against the real class. One class per
        ``(cls, shown)``.
    """
    key = (cls, shown)
    with _ADAPTERS_LOCK:
        adapter = _ADAPTERS.get(key)
        if adapter is None:
            adapter = type(
                f"Kedro{cls.__name__}",
                (KedroDatasetAdapter,),
                {
                    "_target": cls,
                    "_proj_type_name": shown,
                    "__module__": __name__,
                    "__doc__": f"{shown} from Kedro, through proj's kedro-datasets bridge.",
                },
            )
            try:
                adapter.__signature__ = inspect.signature(cls)  # type: ignore[attr-defined]
            except (TypeError, ValueError):  # no signature: arguments are not checked
                pass
            _ADAPTERS[key] = adapter
    return adapter


def _rebuild(cls: type, shown: str, kwargs: dict[str, Any]) -> KedroDatasetAdapter:
    """Rebuild an adapter in another process (adapter classes are made at run time)."""
    return adapter_for(cls, shown)(**kwargs)


def _secret_values(value: Any) -> list[str]:
    """Every string inside ``value`` (a credentials mapping), longest first."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for item in value.values():
            found.extend(_secret_values(item))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(_secret_values(item))
    elif isinstance(value, str) and len(value) >= 4:
        found.append(value)
    return sorted(found, key=len, reverse=True)


def _plain(value: Any) -> Any:
    """``value`` as plain data for describe(): mappings, lists, scalars, else ``str``."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class KedroDatasetAdapter(AbstractDataset):
    """A Kedro dataset used as a proj dataset (made per class by :func:`adapter_for`).

    Args:
        **kwargs: The Kedro class's constructor arguments, as in the catalog entry;
            ``version`` is proj's :class:`~proj.io.Version` and is converted.

    Raises:
        MissingDependencyError: Kedro is not installed (needed for versioning).
        DatasetError: The Kedro class refused the arguments.
    """

    _target: ClassVar[type]
    _proj_type_name: ClassVar[str]

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = dict(kwargs)
        self._secrets = _secret_values(kwargs.get("credentials"))
        arguments = dict(kwargs)
        version = arguments.get("version")
        if version is not None:
            from proj.io.optional import require

            require(("kedro",), "kedro-datasets", f"versioning of {self._proj_type_name}")
            from kedro.io.core import Version as KedroVersion

            arguments["version"] = KedroVersion(version.load, version.save)
        metadata = kwargs.get("metadata")
        self.metadata = dict(metadata) if isinstance(metadata, Mapping) else None
        try:
            self._dataset = self._target(**arguments)
        except Exception as exc:
            raise DatasetError(
                f"{self._proj_type_name} could not be built: "
                f"{self._scrub(f'{type(exc).__name__}: {exc}')}"
            ) from None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._target, self._proj_type_name, self._kwargs))

    @property
    def wrapped(self) -> Any:
        """The Kedro dataset object itself."""
        return self._dataset

    def _scrub(self, text: str) -> str:
        from proj.redaction import redact_text

        for secret in self._secrets:
            text = text.replace(secret, "***")
        return redact_text(text)

    def _guard(self, action: str, func: Any) -> Any:
        """Run ``func``; errors become DatasetErrors scrubbed of credentials, not chained."""
        try:
            return func()
        except DatasetError as exc:
            raise DatasetError(self._scrub(exc.message), hint=exc.hint) from None
        except Exception as exc:
            message = self._scrub(f"{type(exc).__name__}: {exc}")
            raise DatasetError(f"Failed to {action} {self._label()}: {message}") from None

    def _load(self) -> Any:
        return self._dataset.load()

    def _save(self, data: Any) -> None:
        self._dataset.save(data)

    def _implements(self, name: str) -> bool:
        """Whether the wrapped class defines ``name`` itself (not Kedro's base)."""
        for klass in type(self._dataset).__mro__:
            if name in vars(klass):
                return not _is_kedro_base(klass)
        return False

    def _exists(self) -> bool:
        if not (self._implements("_exists") or self._implements("exists")):
            return True  # cannot tell: let the load say what is wrong
        return bool(self._dataset.exists())

    def confirm(self) -> None:
        """Confirm the Kedro dataset (``kedro_datasets.partitions.IncrementalDataset``).

        Raises:
            DatasetError: The Kedro dataset has no ``confirm``, or confirming failed.
        """
        confirm = getattr(self._dataset, "confirm", None)
        if not callable(confirm):
            raise DatasetError(
                f"{self._label()} cannot be confirmed: it has no checkpoint.",
                hint="Only incremental datasets can be named in a node's confirms=.",
            )
        self._guard("confirm", confirm)
        # Kedro's runner releases every dataset after use, which clears the cached
        # checkpoint; proj keeps persisted datasets, so the next load must re-read it.
        self._release()

    def _release(self) -> None:
        release = getattr(self._dataset, "release", None)
        if callable(release):
            release()

    def _describe(self) -> dict[str, Any]:
        describe = getattr(self._dataset, "_describe", None)
        info = describe() if callable(describe) else {}
        plain = _plain(info if isinstance(info, Mapping) else {"description": info})
        return {k: self._scrub(v) if isinstance(v, str) else v for k, v in plain.items()}

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """A preview for ``proj viz``: the Kedro dataset's own, or the data's first rows.

        Returns:
            A preview in the shapes of :mod:`proj.io.preview`.

        Raises:
            DatasetError: Loading failed.
        """
        from proj.io import preview as shapes

        own = getattr(self._dataset, "preview", None)
        if callable(own):
            try:
                parameters = inspect.signature(own).parameters
            except (TypeError, ValueError):
                parameters = {}  # type: ignore[assignment]
            result = self._guard(
                "preview", lambda: own(nrows=rows) if "nrows" in parameters else own()
            )
            if isinstance(result, Mapping) and "columns" in result and "data" in result:
                data = list(result["data"])
                return shapes.table(result["columns"], data[:rows], None)
            if isinstance(result, str):
                return shapes.text(result)
            return shapes.json_text(_plain(result))
        data = self.load()
        if type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "to_json"):
            if hasattr(data, "columns"):
                return shapes.pandas_table(data, rows)
        return shapes.json_text(_plain(data))
