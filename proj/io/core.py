"""AbstractDataset: the interface every dataset implements, and its error wrapping.

A dataset knows how to load and save one piece of data. Subclasses implement the
private methods ``_load``, ``_save`` and ``_describe`` (and optionally ``_exists`` and
``_release``); the public methods wrap them so that any unexpected exception becomes a
:class:`~proj.exceptions.DatasetError` naming the dataset's type and path, with the
original exception chained as ``__cause__``. The data catalog adds the dataset's name.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from proj.exceptions import DatasetError, ProjError
from proj.redaction import redact_mapping

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Keys never shown by ``describe()`` or ``repr()``, at any depth.
_SECRET_KEYS = frozenset({"credentials"})


def _without_secrets(value: Any) -> Any:
    """Return ``value`` with every mapping key in ``_SECRET_KEYS`` removed, and every
    other secret redacted (:func:`proj.redaction.redact_mapping`), recursively."""
    return redact_mapping(_drop_secret_keys(value))


def _drop_secret_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            key: _drop_secret_keys(item)
            for key, item in value.items()
            if str(key).lower() not in _SECRET_KEYS
        }
    if isinstance(value, list):
        return [_drop_secret_keys(item) for item in value]
    return value


class AbstractDataset(abc.ABC):
    """Base class of every dataset: load, save, exists, release and describe one item.

    Subclasses implement ``_load() -> data``, ``_save(data)`` and
    ``_describe() -> dict`` (the constructor arguments worth showing, never credentials),
    and may implement ``_exists() -> bool`` (default: ``False``, "cannot tell") and
    ``_release()`` (default: nothing to free).

    Attributes:
        persistent: Whether saved data outlives the process (``False`` for
            :class:`~proj.io.MemoryDataset`). Runners use it to decide what can be
            resumed from.
        metadata: Free-form information from the catalog entry (for example
            ``{"layer": "raw"}``); kept and shown by :meth:`describe`, never used by proj.
    """

    persistent: ClassVar[bool] = True
    metadata: dict[str, Any] | None = None

    # ------------------------------------------------------------------ public API

    def load(self) -> Any:
        """Load the data.

        Returns:
            The data, of whatever type the dataset produces.

        Raises:
            DatasetError: The data could not be loaded; the message names the dataset's
                type and path and the original error is chained.
        """
        logger.debug("Loading %s", self._label())
        return self._guard("load", self._load)

    def save(self, data: Any) -> None:
        """Save the data, replacing what was there (unless the dataset is versioned).

        Args:
            data: The data to save; ``None`` is refused.

        Raises:
            DatasetError: ``data`` is ``None`` (usually a node that forgot to
                ``return``), or saving failed; the original error is chained.
        """
        if data is None:
            raise DatasetError(
                f"Refusing to save None to {self._label()}.",
                hint="Return a value from the node that produces this dataset.",
            )
        logger.debug("Saving %s", self._label())
        self._guard("save", lambda: self._save(data))

    def exists(self) -> bool:
        """Tell whether there is data to load.

        Returns:
            ``True`` when :meth:`load` would find data.

        Raises:
            DatasetError: The check itself failed (for example, a filesystem error).
        """
        return bool(self._guard("check existence of", self._exists))

    def fingerprint(self) -> str | None:
        """A short token that changes whenever the stored data changes.

        ``proj run --only-stale`` compares it with the token recorded when a node last
        read this dataset. A dataset that cannot tell returns ``None``; proj then treats
        the data as changed, so a node is re-run rather than given stale data.

        Returns:
            The token (any string), or ``None`` (the default) when unknown.

        Raises:
            DatasetError: Asking the storage failed.
        """
        return self._guard("fingerprint", self._fingerprint)

    def release(self) -> None:
        """Free any data the dataset holds in memory (the stored data is untouched).

        Raises:
            DatasetError: Releasing failed.
        """
        self._guard("release", self._release)

    def describe(self) -> dict[str, Any]:
        """Describe the dataset for people: type name and settings, never credentials.

        Returns:
            A dict with ``"type"`` (the catalog type name, e.g. ``"pandas.CSVDataset"``),
            the keys the dataset reports (e.g. ``"filepath"``, ``"load_args"``) and
            ``"metadata"`` when the dataset has some. Keys named ``credentials`` are
            removed at any depth; other secrets (URL user info, ``con`` of SQL
            datasets, keys like ``password``) show as ``***``
            (:mod:`proj.redaction`).
        """
        from proj.io.registry import type_name

        info: dict[str, Any] = {"type": type_name(type(self))}
        info.update(_without_secrets(self._describe()))
        if self.metadata:
            info["metadata"] = _without_secrets(dict(self.metadata))
        return info

    def __repr__(self) -> str:
        info = self.describe()
        kind = info.pop("type")
        args = ", ".join(f"{key}={value!r}" for key, value in info.items())
        return f"{kind}({args})"

    # ------------------------------------------------------------------ for subclasses

    @abc.abstractmethod
    def _load(self) -> Any:
        """Load and return the data."""

    @abc.abstractmethod
    def _save(self, data: Any) -> None:
        """Save ``data``."""

    @abc.abstractmethod
    def _describe(self) -> dict[str, Any]:
        """Return the settings worth showing (no credentials)."""

    def _exists(self) -> bool:
        """Return whether data exists; the default cannot tell and says ``False``."""
        return False

    def _tells_existence(self) -> bool:
        """Whether :meth:`exists` gives a real answer rather than "cannot tell".

        True when the class implements ``_exists``. Runners refuse a run whose free
        input is missing only when the dataset can tell; otherwise the load decides.
        """
        return type(self)._exists is not AbstractDataset._exists

    def _fingerprint(self) -> str | None:
        """Return a token of the stored data's state; the default cannot tell."""
        return None

    def _release(self) -> None:  # noqa: B027 (optional hook, not abstract)
        """Free in-memory data; the default has nothing to free."""

    # ------------------------------------------------------------------ helpers

    def _label(self) -> str:
        """Return ``"<type name> at '<filepath>'"`` (or the type name alone) for messages."""
        from proj.io.registry import type_name

        kind = type_name(type(self))
        try:
            where = self._describe().get("filepath")
        except Exception:  # a broken _describe must not hide the real error
            where = None
        return f"{kind} at '{where}'" if where else kind

    def _guard(self, action: str, func: Callable[[], _T]) -> _T:
        """Run ``func``; turn any exception that is not a ProjError into a DatasetError."""
        try:
            return func()
        except ProjError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed to {action} {self._label()}: {type(exc).__name__}: {exc}"
            ) from exc


def reworded(exc: DatasetError, message: str) -> DatasetError:
    """Return an error of the same class as ``exc`` with a new message and its hint.

    Used to add context (the catalog entry or dataset name) to an error raised deeper
    down; the caller chains the original. Falls back to a plain DatasetError when the
    class cannot be built from a message alone.

    Args:
        exc: The error to reword.
        message: The new message.

    Returns:
        The new, unraised error.
    """
    try:
        return type(exc)(message, hint=exc.hint)
    except TypeError:
        return DatasetError(message, hint=exc.hint)
