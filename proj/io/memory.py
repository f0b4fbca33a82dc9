"""MemoryDataset: data held in the process, copied so that nodes cannot alter each other's.

The default copy rule (``copy_mode=None``), applied on save and on load:

* pandas and numpy objects (anything from those packages with a ``.copy()`` method):
  ``data.copy()``, their own cheap deep copy of the values;
* plain Python containers (dict, list, set, tuple, frozenset, bytearray, and their
  subclasses): ``copy.deepcopy``;
* anything else (models, connections, Spark frames, immutable scalars, ...): kept as
  is ("assign"), because deep-copying such objects is costly, impossible, or pointless.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Literal

from proj.exceptions import DatasetError
from proj.io.core import AbstractDataset

CopyMode = Literal["deepcopy", "copy", "assign"]
_COPY_MODES = ("deepcopy", "copy", "assign")
_CONTAINERS = (dict, list, set, tuple, frozenset, bytearray)


class _Empty:
    """The marker of a MemoryDataset that holds nothing (``None`` is valid data)."""

    def __repr__(self) -> str:
        return "<empty>"


_EMPTY: Any = _Empty()


def default_copy_mode(data: Any) -> CopyMode:
    """Choose how to copy ``data`` when no ``copy_mode`` is given (see the module doc).

    Args:
        data: Any object.

    Returns:
        ``"copy"`` for pandas/numpy objects, ``"deepcopy"`` for plain Python containers,
        ``"assign"`` for everything else.
    """
    module = type(data).__module__.split(".", 1)[0]
    if module in {"pandas", "numpy"} and callable(getattr(data, "copy", None)):
        return "copy"
    if isinstance(data, _CONTAINERS):
        return "deepcopy"
    return "assign"


def vars_is_self(data: object) -> bool:
    """Whether ``data``'s attributes are the object itself (``self.__dict__ = self``)."""
    try:
        return vars(data) is data
    except TypeError:  # no __dict__
        return False


def copy_with_mode(data: Any, mode: CopyMode) -> Any:
    """Copy ``data`` the way ``mode`` says.

    Args:
        data: The object to copy.
        mode: ``"deepcopy"`` (``copy.deepcopy``; a dict whose ``__dict__`` is itself
            keeps that link in the copy), ``"copy"`` (``data.copy()`` when the object
            has one, else ``copy.copy``) or ``"assign"`` (no copy).

    Returns:
        The copy (or ``data`` itself for ``"assign"``).
    """
    if mode == "deepcopy":
        memo: dict[int, Any] = {}
        copied = copy.deepcopy(data, memo)
        # The attribute-dict idiom (``self.__dict__ = self``, e.g. statsmodels' Dataset):
        # deepcopy restores the attributes before the items, into a new __dict__, so a
        # copy's attributes come out empty. Relink them, wherever such a dict is nested.
        # memo[id(memo)] lists every object deepcopy copied (its keep-alive list).
        for original in memo.get(id(memo), ()):
            if isinstance(original, dict) and vars_is_self(original):
                clone = memo.get(id(original))
                if isinstance(clone, dict):
                    clone.__dict__ = clone
        return copied
    if mode == "copy":
        method = getattr(data, "copy", None)
        return method() if callable(method) else copy.copy(data)
    return data


class MemoryDataset(AbstractDataset):
    """Data kept in memory for the duration of a run (or a notebook session).

    Args:
        data: Initial data; omit it for an empty dataset. ``None`` is valid data here.
        copy_mode: ``"deepcopy"``, ``"copy"``, ``"assign"``, or ``None`` to follow the
            rule in this module's docstring (pandas/numpy: ``.copy()``; plain containers:
            deepcopy; other objects: assign). Applied on save and on load.
        metadata: Free-form information, kept and shown by ``describe()``.

    Raises:
        DatasetError: ``copy_mode`` is not one of the modes above.
    """

    persistent: ClassVar[bool] = False

    def __init__(
        self,
        data: Any = _EMPTY,
        copy_mode: CopyMode | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if copy_mode is not None and copy_mode not in _COPY_MODES:
            raise DatasetError(
                f"Unknown copy_mode {copy_mode!r} for MemoryDataset.",
                hint=f"Use one of: {', '.join(_COPY_MODES)}, or leave it out.",
            )
        self._copy_mode: CopyMode | None = copy_mode
        self._data: Any = _EMPTY
        self.metadata = dict(metadata) if metadata else None
        if data is not _EMPTY:
            self._data = self._copy(data)

    def _copy(self, data: Any) -> Any:
        mode = self._copy_mode or default_copy_mode(data)
        try:
            return copy_with_mode(data, mode)
        except Exception as exc:
            raise DatasetError(
                f"MemoryDataset cannot {mode} a {type(data).__name__}: {type(exc).__name__}: {exc}",
                hint="Declare the dataset with copy_mode: assign to keep the object as is.",
            ) from exc

    def _load(self) -> Any:
        if self._data is _EMPTY:
            raise DatasetError(
                "MemoryDataset has no data: no data has been saved to it yet.",
                hint="Run the node that produces it first, or pass the data in.",
            )
        return self._copy(self._data)

    def _save(self, data: Any) -> None:
        self._data = self._copy(data)

    def _exists(self) -> bool:
        return self._data is not _EMPTY

    def _release(self) -> None:
        self._data = _EMPTY

    def _describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "data": "<empty>" if self._data is _EMPTY else type(self._data).__name__
        }
        if self._copy_mode is not None:
            info["copy_mode"] = self._copy_mode
        return info
