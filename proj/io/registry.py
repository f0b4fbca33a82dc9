"""Dataset type names: the built-in short names and resolving ``type:`` values to classes.

A catalog entry's ``type`` is one of the built-in names below (the names Kedro users
know), the full dotted path of a built-in (``proj.io.datasets.pandas.CSVDataset``), the
full dotted path of any :class:`~proj.io.AbstractDataset` subclass
(``my_pkg.datasets.MyDataset``), or, when the kedro-datasets package is installed, any
of its types (``spark.SparkDataset``, ``kedro_datasets.spark.SparkDataset``) and any
class written against Kedro's ``AbstractDataset``: those are wrapped by the adapter of
:mod:`proj.io.kedro_bridge`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from proj.exceptions import DatasetTypeError

#: Built-in type name -> "module:class". Modules are imported only when used.
BUILTIN_TYPES: dict[str, str] = {
    "MemoryDataset": "proj.io.memory:MemoryDataset",
    "pandas.CSVDataset": "proj.io.datasets.pandas:CSVDataset",
    "pandas.ParquetDataset": "proj.io.datasets.pandas:ParquetDataset",
    "pandas.JSONDataset": "proj.io.datasets.pandas:JSONDataset",
    "pandas.FeatherDataset": "proj.io.datasets.pandas:FeatherDataset",
    "pandas.GenericDataset": "proj.io.datasets.pandas:GenericDataset",
    "pandas.ExcelDataset": "proj.io.datasets.excel:ExcelDataset",
    "pandas.SQLTableDataset": "proj.io.datasets.sql:SQLTableDataset",
    "pandas.SQLQueryDataset": "proj.io.datasets.sql:SQLQueryDataset",
    "json.JSONDataset": "proj.io.datasets.json:JSONDataset",
    "yaml.YAMLDataset": "proj.io.datasets.yaml:YAMLDataset",
    "pickle.PickleDataset": "proj.io.datasets.pickle:PickleDataset",
    "text.TextDataset": "proj.io.datasets.text:TextDataset",
    "partitions.PartitionedDataset": "proj.io.datasets.partitions:PartitionedDataset",
    "partitions.IncrementalDataset": "proj.io.datasets.partitions:IncrementalDataset",
    "matplotlib.MatplotlibDataset": "proj.io.datasets.matplotlib:MatplotlibDataset",
    "matplotlib.MatplotlibWriter": "proj.io.datasets.matplotlib:MatplotlibWriter",
    "plotly.PlotlyDataset": "proj.io.datasets.plotly:PlotlyDataset",
    "plotly.JSONDataset": "proj.io.datasets.plotly:JSONDataset",
    "polars.CSVDataset": "proj.io.datasets.polars:CSVDataset",
    "polars.ParquetDataset": "proj.io.datasets.polars:ParquetDataset",
    "polars.EagerPolarsDataset": "proj.io.datasets.polars:EagerPolarsDataset",
    "pillow.ImageDataset": "proj.io.datasets.pillow:ImageDataset",
}

#: Built-in type name -> (import names it needs beyond proj's dependencies, the extra
#: that installs them). Types not listed need nothing more.
REQUIREMENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "pandas.ParquetDataset": (("pyarrow",), "parquet"),
    "pandas.FeatherDataset": (("pyarrow",), "parquet"),
    "pandas.ExcelDataset": (("openpyxl",), "excel"),
    "pandas.SQLTableDataset": (("sqlalchemy",), "sql"),
    "pandas.SQLQueryDataset": (("sqlalchemy",), "sql"),
    "matplotlib.MatplotlibDataset": (("matplotlib",), "plot"),
    "matplotlib.MatplotlibWriter": (("matplotlib",), "plot"),
    "plotly.PlotlyDataset": (("plotly",), "plot"),
    "plotly.JSONDataset": (("plotly",), "plot"),
    "polars.CSVDataset": (("polars",), "polars"),
    "polars.ParquetDataset": (("polars",), "polars"),
    "polars.EagerPolarsDataset": (("polars",), "polars"),
    "pillow.ImageDataset": (("PIL",), "pillow"),
}

#: The package that provides every other type, and the extra that installs it.
KEDRO_DATASETS = "kedro_datasets"
KEDRO_DATASETS_EXTRA = "kedro-datasets"


@dataclass(frozen=True)
class TypeAvailability:
    """Whether a built-in dataset type can be used here.

    Attributes:
        name: The catalog type name, e.g. ``"pandas.ExcelDataset"``.
        extra: The proj extra that installs its library, or None when it needs none.
        available: Whether that library is installed.
        missing: The import names that are not installed.
    """

    name: str
    extra: str | None
    available: bool
    missing: tuple[str, ...]


def available_types() -> list[TypeAvailability]:
    """Every built-in dataset type and whether its library is installed here.

    Packages are looked up, not imported, so this is cheap.

    Returns:
        One entry per built-in type, in the order of :data:`BUILTIN_TYPES`.
    """
    from proj.io.optional import is_installed

    result = []
    for name in BUILTIN_TYPES:
        packages, extra = REQUIREMENTS.get(name, ((), ""))
        missing = tuple(package for package in packages if not is_installed(package))
        result.append(TypeAvailability(name, extra or None, not missing, missing))
    return result


def kedro_datasets_installed() -> bool:
    """Whether the kedro-datasets package (and so Kedro) can be imported."""
    from proj.io.optional import is_installed

    return is_installed(KEDRO_DATASETS) and is_installed("kedro")


_NAME_BY_TARGET = {target: name for name, target in BUILTIN_TYPES.items()}


def type_name(cls: type) -> str:
    """Return the name a catalog uses for ``cls``.

    Args:
        cls: A dataset class.

    Returns:
        The built-in short name (``"pandas.CSVDataset"``) or the class's full dotted
        path (``"my_pkg.datasets.MyDataset"``).
    """
    adapted = getattr(cls, "_proj_type_name", None)
    if isinstance(adapted, str):
        return adapted
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
    prefix = wanted.rsplit(".", 1)[0].lower() if "." in wanted else ""
    same_tail = sorted(
        (name for name in names if name.rsplit(".", 1)[-1].lower() == tail),
        key=lambda name: not name.lower().startswith(f"{prefix}."),
    )
    return list(dict.fromkeys(same_tail + close))[:3]


def _unknown(wanted: str, entry: str, detail: str = "") -> DatasetTypeError:
    close = _suggest(wanted)
    guess = f" Did you mean {', '.join(repr(name) for name in close)}?" if close else ""
    return DatasetTypeError(
        f"Unknown dataset type '{wanted}' in catalog entry '{entry}'{detail}.{guess}",
        hint="Use a built-in type (" + ", ".join(BUILTIN_TYPES) + "), a kedro-datasets "
        "type, or the full dotted path of an AbstractDataset subclass, e.g. "
        "my_pkg.datasets.MyDataset.",
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
        builtin = BUILTIN_TYPES.get(shown)
        cls = _import(builtin, shown, entry) if builtin else _resolve_other(shown, entry)
    else:
        raise DatasetTypeError(
            f"Catalog entry '{entry}' has an invalid 'type': {spec!r}.",
            hint="Give the type as a string such as 'pandas.CSVDataset'.",
        )
    if isinstance(cls, type) and issubclass(cls, AbstractDataset):
        return cls
    if isinstance(cls, type):
        from proj.io.kedro_bridge import adapter_for, is_kedro_style

        if is_kedro_style(cls):
            return adapter_for(cls, shown)
    raise DatasetTypeError(
        f"'{shown}' in catalog entry '{entry}' is not a dataset class "
        "(it does not subclass proj.io.AbstractDataset).",
        hint="Subclass proj.io.AbstractDataset and implement _load, _save, _describe.",
    )


def _resolve_other(shown: str, entry: str) -> Any:
    """A type that is not built in: a dotted path, else a kedro-datasets type.

    Raises:
        DatasetTypeError: Neither exists (the message suggests built-in names, or the
            kedro-datasets install command when that package is missing), or a module
            that exists fails to import.
    """
    try:
        return _import(shown, shown, entry)
    except _NotFoundError as exc:
        not_found = exc
    if "." not in shown:
        raise not_found.error from not_found.__cause__
    if not kedro_datasets_installed():
        if shown.startswith(f"{KEDRO_DATASETS}.") or not _same_tail(shown):
            raise DatasetTypeError(
                f"Dataset type '{shown}' in catalog entry '{entry}' is not built into proj; "
                "proj runs the types of the kedro-datasets package, which is not installed.",
                hint=f'Install it with: pip install "proj[{KEDRO_DATASETS_EXTRA}]" (or pip '
                "install kedro-datasets kedro), or use a built-in type.",
            ) from None
        raise not_found.error from not_found.__cause__
    target = shown if shown.startswith(f"{KEDRO_DATASETS}.") else f"{KEDRO_DATASETS}.{shown}"
    try:
        return _import(target, shown, entry)
    except _NotFoundError:
        raise not_found.error from not_found.__cause__


def _same_tail(wanted: str) -> list[str]:
    """Built-in names with the same class name, ignoring case (old spellings)."""
    tail = wanted.rsplit(".", 1)[-1].lower()
    return [name for name in BUILTIN_TYPES if name.rsplit(".", 1)[-1].lower() == tail]


class _NotFoundError(Exception):
    """The module or class of a dotted path does not exist (carries the user's error)."""

    def __init__(self, error: DatasetTypeError) -> None:
        super().__init__(error.message)
        self.error = error


def _import(target: str, shown: str, entry: str) -> Any:
    """Import ``module:attr`` or ``module.attr``; unknown names become DatasetTypeError."""
    if ":" in target:
        module_name, _, attr = target.partition(":")
    elif "." in target:
        module_name, _, attr = target.rpartition(".")
    else:
        raise _NotFoundError(_unknown(shown, entry))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module_name == missing or module_name.startswith(f"{missing}."):
            raise _NotFoundError(_unknown(shown, entry, f" (no module named '{missing}')")) from exc
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
        raise _NotFoundError(
            _unknown(shown, entry, f" (module '{module_name}' has no '{attr}')")
        ) from exc
    except ModuleNotFoundError as exc:  # a lazily loaded submodule needs a missing package
        raise DatasetTypeError(
            f"Cannot import '{module_name}.{attr}' for dataset type '{shown}' in catalog "
            f"entry '{entry}': {exc}.",
            hint=f"Install the missing package '{exc.name}'.",
        ) from exc
