"""Turn one catalog entry (a mapping from YAML) into a dataset object.

The steps, in order: check the entry's shape, resolve ``type``, inject credentials by
name, turn ``versioned: true`` into a :class:`~proj.io.versioning.Version`, check the
remaining keys against the class's constructor, and build it. Every error names the
entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from proj.exceptions import DatasetError, DatasetTypeError, ProjError
from proj.io.core import AbstractDataset, reworded
from proj.io.registry import resolve_type, type_name
from proj.io.versioning import Version

_RESERVED = ("type", "versioned")


def check_entry(name: str, entry: Any) -> Mapping[str, Any]:
    """Check that a catalog entry is a mapping with a ``type``.

    Args:
        name: The entry's name (or pattern), for messages.
        entry: The value under that name in the catalog configuration.

    Returns:
        ``entry``, now known to be a mapping.

    Raises:
        DatasetTypeError: It is not a mapping, has no ``type``, sets the reserved
            ``version`` key, or has a ``versioned`` that is not a boolean.
    """
    if not isinstance(entry, Mapping):
        raise DatasetTypeError(
            f"Catalog entry '{name}' must be a mapping with a 'type' key, "
            f"got {type(entry).__name__}: {entry!r}.",
            hint="Write it as `" + name + ":` followed by indented `type: ...` and its arguments.",
        )
    if "type" not in entry:
        raise DatasetTypeError(
            f"Catalog entry '{name}' has no 'type'.",
            hint="Add a type, e.g. `type: pandas.CSVDataset`.",
        )
    if "version" in entry:
        raise DatasetTypeError(
            f"Catalog entry '{name}' sets 'version', which proj manages itself.",
            hint="Use `versioned: true`, and pin a version to load with load_versions.",
        )
    if not isinstance(entry.get("versioned", False), bool):
        raise DatasetTypeError(
            f"Catalog entry '{name}' has versioned: {entry['versioned']!r}; "
            "it must be true or false."
        )
    return entry


def inject_credentials(
    name: str, entry: Mapping[str, Any], credentials: Mapping[str, Any]
) -> dict[str, Any]:
    """Replace an entry's ``credentials: <name>`` by that entry of the credentials config.

    Args:
        name: The entry's name, for messages.
        entry: The catalog entry.
        credentials: The credentials configuration: credentials name -> mapping.

    Returns:
        A new dict: ``entry`` with ``credentials`` replaced (inline mappings are kept).

    Raises:
        DatasetError: The named credentials do not exist (the message lists the names
            that do, never their values), or the value is neither a name nor a mapping.
    """
    result = dict(entry)
    value = result.get("credentials")
    if value is None or isinstance(value, Mapping):
        return result
    if not isinstance(value, str):
        raise DatasetError(
            f"Catalog entry '{name}' has credentials of type {type(value).__name__}; "
            "give the name of an entry of the credentials configuration."
        )
    if value not in credentials:
        known = sorted(str(key) for key in credentials)
        raise DatasetError(
            f"Catalog entry '{name}' uses credentials '{value}', which are not in the "
            f"credentials configuration (available: {', '.join(known) or 'none'}).",
            hint=f"Add '{value}' to conf/local/credentials.yml, or fix the name.",
        )
    result["credentials"] = credentials[value]
    return result


def _accepts(cls: type, keyword: str) -> bool:
    """Whether ``cls(...)`` takes ``keyword`` (by name or through ``**kwargs``)."""
    import inspect

    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return True
    return keyword in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def _check_arguments(cls: type, kwargs: Mapping[str, Any], label: str) -> None:
    """Raise a DatasetTypeError naming unknown or missing constructor arguments."""
    import difflib
    import inspect

    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        accepted = [
            p.name
            for p in signature.parameters.values()
            if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        ]
        unknown = [key for key in kwargs if key not in signature.parameters]
        parts = []
        for key in unknown:
            close = difflib.get_close_matches(key, accepted, n=1)
            parts.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        problem = f"unknown key(s) {', '.join(parts)}" if parts else str(exc)
        raise DatasetTypeError(
            f"{label}: {problem}.",
            hint=f"{type_name(cls)} accepts: {', '.join([*_RESERVED, *accepted])}.",
        ) from exc


def build_dataset(
    name: str,
    entry: Any,
    *,
    credentials: Mapping[str, Any],
    load_version: str | None = None,
    save_version: str | None = None,
    origin: str = "",
) -> AbstractDataset:
    """Build the dataset a catalog entry describes.

    Args:
        name: The dataset's name.
        entry: Its configuration: ``type``, optional ``versioned`` and ``credentials``,
            ``layer`` (Kedro 0.18's key; kept as ``metadata["layer"]`` for ``proj viz``),
            and the constructor's keyword arguments (``filepath``, ``load_args``, ...).
        credentials: The credentials configuration, looked up by name.
        load_version: For a versioned entry, the version to load (``None``: latest).
        save_version: For a versioned entry, the version to save.
        origin: Extra words for messages, e.g. ``" (from pattern '{name}_csv')"``.

    Returns:
        The dataset.

    Raises:
        DatasetTypeError: The entry is malformed, the type is unknown, the type does not
            support versioning, or the arguments do not fit its constructor.
        DatasetError: Credentials are missing, or the constructor rejected a value.
    """
    config = dict(check_entry(name, entry))
    cls = resolve_type(config.pop("type"), name)
    label = f"Catalog entry '{name}'{origin} ({type_name(cls)})"
    config = inject_credentials(name, config, credentials)
    if config.pop("versioned", False):
        if not _accepts(cls, "version"):
            raise DatasetTypeError(
                f"{label} is marked versioned, but {type_name(cls)} does not support versioning.",
                hint="Remove `versioned: true`, or use a file dataset type.",
            )
        config["version"] = Version(load_version, save_version)
    metadata = config.pop("metadata", None)
    if metadata is not None and not isinstance(metadata, Mapping):
        raise DatasetTypeError(f"{label}: metadata must be a mapping, got {metadata!r}.")
    layer = config.pop("layer", None)  # Kedro 0.18's place for it: an entry-level key
    if layer is not None:
        if not isinstance(layer, str):
            raise DatasetTypeError(f"{label}: layer must be a string, got {layer!r}.")
        metadata = {"layer": layer, **(metadata or {})}
    if metadata is not None:
        if _accepts(cls, "metadata"):
            config["metadata"] = metadata
    _check_arguments(cls, config, label)
    try:
        dataset: AbstractDataset = cls(**config)
    except DatasetError as exc:
        raise reworded(exc, f"{label}: {exc.message}") from exc
    except ProjError:
        raise
    except Exception as exc:
        raise DatasetError(f"{label} could not be built: {type(exc).__name__}: {exc}") from exc
    if metadata is not None and dataset.metadata is None:
        dataset.metadata = dict(metadata)
    return dataset
