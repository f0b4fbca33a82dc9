"""Dataset type names: the built-in short names and resolving ``type:`` values to classes.

A catalog entry's ``type`` is one of the built-in names below (the names Kedro users
know), the full dotted path of a built-in (``proj.io.datasets.pandas.CSVDataset``), or
the full dotted path of any :class:`~proj.io.AbstractDataset` subclass
(``my_pkg.datasets.MyDataset``).
"""

from __future__ import annotations

import importlib
from typing import Any

from proj.exceptions import DatasetTypeError

#: Built-in type name -> "module:class". Modules are imported only when used.
BUILTIN_TYPES: dict[str, str] = {
    "MemoryDataset": "proj.io.memory:MemoryDataset",
    "pandas.CSVDataset": "proj.io.datasets.pandas:CSVDataset",
    "pandas.ParquetDataset": "proj.io.datasets.pandas:ParquetDataset",
    "json.JSONDataset": "proj.io.datasets.json:JSONDataset",
    "yaml.YAMLDataset": "proj.io.datasets.yaml:YAMLDataset",
    "pickle.PickleDataset": "proj.io.datasets.pickle:PickleDataset",
    "text.TextDataset": "proj.io.datasets.text:TextDataset",
}

_NAME_BY_TARGET = {target: name for name, target in BUILTIN_TYPES.items()}


def type_name(cls: type) -> str:
    """Return the name a catalog uses for ``cls``.

    Args:
        cls: A dataset class.

    Returns:
        The built-in short name (``"pandas.CSVDataset"``) or the class's full dotted
        path (``"my_pkg.datasets.MyDataset"``).
    """
    return _NAME_BY_TARGET.get(
        f"{cls.__module__}:{cls.__qualname__}", f"{cls.__module__}.{cls.__qualname__}"
    )


def _suggest(wanted: str) -> list[str]:
    """Built-in names close to ``wanted`` (also matching on the part after the dot)."""
    import difflib

    names = list(BUILTIN_TYPES)
    lowered = {name.lower(): name for name in names}
    close = [lowered[m] for m in difflib.get_close_matches(wanted.lower(), lowered, n=3)]
    tail = wanted.rsplit(".", 1)[-1].lower()
    same_tail = [name for name in names if name.rsplit(".", 1)[-1].lower() == tail]
    return list(dict.fromkeys(same_tail + close))[:3]


def _unknown(wanted: str, entry: str, detail: str = "") -> DatasetTypeError:
    close = _suggest(wanted)
    guess = f" Did you mean {', '.join(repr(name) for name in close)}?" if close else ""
    return DatasetTypeError(
        f"Unknown dataset type '{wanted}' in catalog entry '{entry}'{detail}.{guess}",
        hint="Use a built-in type (" + ", ".join(BUILTIN_TYPES) + ") or the full "
        "dotted path of an AbstractDataset subclass, e.g. my_pkg.datasets.MyDataset.",
    )


def resolve_type(spec: Any, entry: str) -> type[Any]:
    """Return the dataset class a catalog entry's ``type`` names.

    Args:
        spec: The ``type`` value: a built-in name, a dotted path, or a class.
        entry: The catalog entry's name, for error messages.

    Returns:
        A subclass of :class:`~proj.io.AbstractDataset`.

    Raises:
        DatasetTypeError: The name is unknown (the message lists the closest built-in
            names), its module fails to import (cause chained), or it is not a dataset
            class.
    """
    from proj.io.core import AbstractDataset

    if isinstance(spec, type):
        cls: Any = spec
        shown = f"{spec.__module__}.{spec.__qualname__}"
    elif isinstance(spec, str) and spec.strip():
        shown = spec.strip()
        cls = _import(BUILTIN_TYPES.get(shown) or shown, shown, entry)
    else:
        raise DatasetTypeError(
            f"Catalog entry '{entry}' has an invalid 'type': {spec!r}.",
            hint="Give the type as a string such as 'pandas.CSVDataset'.",
        )
    if not (isinstance(cls, type) and issubclass(cls, AbstractDataset)):
        raise DatasetTypeError(
            f"'{shown}' in catalog entry '{entry}' is not a dataset class "
            "(it does not subclass proj.io.AbstractDataset).",
            hint="Subclass proj.io.AbstractDataset and implement _load, _save, _describe.",
        )
    return cls


def _import(target: str, shown: str, entry: str) -> Any:
    """Import ``module:attr`` or ``module.attr``; unknown names become DatasetTypeError."""
    if ":" in target:
        module_name, _, attr = target.partition(":")
    elif "." in target:
        module_name, _, attr = target.rpartition(".")
    else:
        raise _unknown(shown, entry)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module_name == missing or module_name.startswith(f"{missing}."):
            raise _unknown(shown, entry, f" (no module named '{missing}')") from exc
        raise DatasetTypeError(
            f"Cannot import '{module_name}' for dataset type '{shown}' in catalog entry "
            f"'{entry}': {exc}.",
            hint=f"Install the missing package '{missing}'.",
        ) from exc
    except Exception as exc:
        raise DatasetTypeError(
            f"Importing '{module_name}' for dataset type '{shown}' in catalog entry "
            f"'{entry}' failed: {type(exc).__name__}: {exc}."
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise _unknown(shown, entry, f" (module '{module_name}' has no '{attr}')") from exc
