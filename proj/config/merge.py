"""Merging configuration: the files of one environment, then an environment over base.

Within one environment every top-level key must come from exactly one file: the same
key in two files is a :class:`~proj.exceptions.DuplicateConfigKeyError` naming both.
Keys starting with ``_`` are exempt (last file in sorted order wins), because they carry
YAML anchors and variables (``_csv: &csv {...}``) that several files commonly define
for themselves.

Across environments, an environment overrides base one top-level key at a time:

* ``"destructive"`` (default): the environment's value replaces base's whole value;
* ``"soft"``: mappings are merged recursively, the environment winning on every leaf;
  lists and scalars are replaced.

Each merge also tracks, per top-level key, the file its value came from, so that later
errors (interpolation, validation) can name a file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from proj.exceptions import ConfigError, DuplicateConfigKeyError

__all__ = ["MERGE_STRATEGIES", "MergeStrategy", "deep_merge", "merge_environments", "merge_files"]

logger = logging.getLogger(__name__)

MergeStrategy = Literal["destructive", "soft"]
#: The accepted values of ``merge_strategy={"key": ...}``.
MERGE_STRATEGIES: tuple[MergeStrategy, ...] = ("destructive", "soft")

#: Top-level key -> the file that provided its value.
Sources = dict[Any, Path]


def is_hidden_key(key: object) -> bool:
    """Tell whether a top-level key is a variable/anchor holder (starts with ``_``)."""
    return isinstance(key, str) and key.startswith("_")


def merge_files(
    config_key: str, files: Iterable[tuple[Path, Mapping[Any, Any]]]
) -> tuple[dict[Any, Any], Sources]:
    """Merge the files of one environment for one configuration key.

    Args:
        config_key: The configuration key being loaded (``"catalog"``), for messages.
        files: ``(path, top-level mapping)`` pairs in load order.

    Returns:
        The merged mapping and, per top-level key, the file it came from.

    Raises:
        DuplicateConfigKeyError: A top-level key not starting with ``_`` appears in two
            files; the message names the key and both files.
    """
    merged: dict[Any, Any] = {}
    sources: Sources = {}
    for path, data in files:
        for key, value in data.items():
            if key in sources and sources[key] != path:
                if not is_hidden_key(key):
                    raise DuplicateConfigKeyError(
                        f"Duplicate {config_key} key '{key}' in {sources[key]} and {path}.",
                        hint="A key may appear in only one file of an environment; "
                        "remove or rename one of them.",
                    )
                logger.debug("'%s' from %s replaces the one from %s.", key, path, sources[key])
            merged[key] = value
            sources[key] = path
    return merged, sources


def deep_merge(base: Any, override: Any) -> Any:
    """Merge two values: mappings recursively, anything else replaced by ``override``.

    Args:
        base: The lower-priority value.
        override: The higher-priority value.

    Returns:
        A new dict when both are mappings (inputs not modified), else ``override``.
    """
    if not (isinstance(base, Mapping) and isinstance(override, Mapping)):
        return override
    result = dict(base)
    for key, value in override.items():
        result[key] = deep_merge(result[key], value) if key in result else value
    return result


def merge_environments(
    config_key: str,
    base: tuple[dict[Any, Any], Sources],
    overlay: tuple[dict[Any, Any], Sources],
    strategy: str,
) -> tuple[dict[Any, Any], Sources]:
    """Lay an environment's configuration over base's.

    Args:
        config_key: The configuration key being merged, for messages.
        base: Merged base configuration and its sources (from :func:`merge_files`).
        overlay: Merged environment configuration and its sources.
        strategy: ``"destructive"`` or ``"soft"`` (see the module docstring).

    Returns:
        The merged mapping and its sources (the environment's file wins).

    Raises:
        ConfigError: ``strategy`` is not one of :data:`MERGE_STRATEGIES`.
    """
    if strategy not in MERGE_STRATEGIES:
        raise ConfigError(
            f"Unknown merge strategy {strategy!r} for '{config_key}'.",
            hint=f"Use one of: {', '.join(MERGE_STRATEGIES)}.",
        )
    base_config, base_sources = base
    env_config, env_sources = overlay
    merged = dict(base_config)
    for key, value in env_config.items():
        if strategy == "soft" and key in merged:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged, {**base_sources, **env_sources}
