"""LambdaDataset: a dataset made of plain functions, for tests and quick adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from proj.exceptions import DatasetError
from proj.io.core import AbstractDataset

if TYPE_CHECKING:
    from collections.abc import Callable


def _label(func: Callable[..., Any] | None) -> str | None:
    if func is None:
        return None
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


class LambdaDataset(AbstractDataset):
    """Load, save, check and release through the functions it is given.

    Kedro's ``LambdaDataset``, with the same constructor: handy in tests (a dataset
    that records what happens to it) and to wrap an existing reader and writer without
    writing a class. It counts as persisted data: the runner does not return what it
    saves, and ``proj run`` can resume from it.

    Args:
        load: Called with no argument; returns the data. None: loading is an error.
        save: Called with the data. None: saving is an error.
        exists: Called with no argument; returns whether there is data. None: the
            dataset cannot tell, so :meth:`exists` says ``False`` and a run does not
            refuse it as a missing input (the load decides).
        release: Called with no argument to free cached data. None: nothing to free.
        metadata: Free-form information, shown by ``describe()``.

    Raises:
        DatasetError: One of the four functions is given but is not callable.

    Example::

        store = {}
        seen = LambdaDataset(load=lambda: store["x"], save=lambda data: store.update(x=data))
        catalog = DataCatalog({"x": seen})
    """

    def __init__(
        self,
        load: Callable[[], Any] | None,
        save: Callable[[Any], None] | None,
        exists: Callable[[], bool] | None = None,
        release: Callable[[], None] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        roles = (("load", load), ("save", save), ("exists", exists), ("release", release))
        for role, func in roles:
            if func is not None and not callable(func):
                raise DatasetError(
                    f"LambdaDataset's '{role}' must be a function (or None), "
                    f"got {type(func).__name__}."
                )
        self._load_fn = load
        self._save_fn = save
        self._exists_fn = exists
        self._release_fn = release
        self.metadata = metadata

    def _load(self) -> Any:
        if self._load_fn is None:
            raise DatasetError(
                "Cannot load from this LambdaDataset: it was made without a load function."
            )
        return self._load_fn()

    def _save(self, data: Any) -> None:
        if self._save_fn is None:
            raise DatasetError(
                "Cannot save to this LambdaDataset: it was made without a save function."
            )
        self._save_fn(data)

    def _exists(self) -> bool:
        return bool(self._exists_fn()) if self._exists_fn is not None else False

    def _tells_existence(self) -> bool:
        return self._exists_fn is not None

    def _release(self) -> None:
        if self._release_fn is not None:
            self._release_fn()

    def _describe(self) -> dict[str, Any]:
        return {
            "load": _label(self._load_fn),
            "save": _label(self._save_fn),
            "exists": _label(self._exists_fn),
            "release": _label(self._release_fn),
        }
